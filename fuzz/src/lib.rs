//! The checks behind the cargo-fuzz targets of `fuzz_targets/`: the same invariants
//! as the proptest targets that run in every `cargo test` (`tests/fuzz.rs`), on
//! input that libFuzzer grows by coverage. A violation panics, which libFuzzer
//! records as a crash with its input.

use ownlint::lang::Language;

#[path = "../../tests/common/invariants.rs"]
mod invariants;

/// Runs `lang`'s extractor on `data` (as text: ownlint hands extractors only valid
/// UTF-8, so invalid bytes become U+FFFD rather than wasting the input).
pub fn extractor(lang: Language, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = invariants::check_extract(lang, &text) {
        panic!("{lang:?}: {e}");
    }
}

/// Loads `data` as a registry and digests what loads.
pub fn registry(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // A root that does not exist: `missing-paths` is checked without touching the disk.
    let root = std::path::Path::new("/nonexistent/ownlint-fuzz");
    if let Err(e) = invariants::check_registry(&text, root) {
        panic!("{e}");
    }
}
