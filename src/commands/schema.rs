//! `ownlint schema`: print the JSON Schema of the registry (or of the JSON report).

use super::{EXIT_CLEAN, Failure};
use crate::cli::SchemaArgs;
use std::io::Write;

/// The JSON Schema of the JSON report, kept as a file and embedded.
pub const REPORT_SCHEMA: &str = include_str!("../../schemas/report.schema.json");

/// The registry's JSON Schema, generated from the Rust types.
pub fn registry_schema() -> String {
    let schema = schemars::schema_for!(crate::registry::RawRegistry);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

pub fn run(args: &SchemaArgs) -> Result<u8, Failure> {
    let text = if args.report {
        REPORT_SCHEMA.to_string()
    } else {
        registry_schema()
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write output: {e}")))
        }
        _ => Ok(EXIT_CLEAN),
    }
}
