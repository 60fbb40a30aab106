//! Ruby (placeholder while the Python extractor settles).

use super::{Context, Extracted};

/// Strings whose presence means a Ruby file may name a table.
pub const MARKERS: &[&str] = &[];

/// Extracts table accesses from one Ruby file.
pub fn extract(_path: &str, _text: &str, _ctx: &Context) -> Extracted {
    Extracted::default()
}
