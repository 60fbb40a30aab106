//! `ownlint rules`: every rule with its category, default severity and summary, as
//! aligned text or (`--format json`) a JSON array.

use super::explain::{category_name, emit, rule_json};
use super::{EXIT_CLEAN, Failure};
use crate::cli::{Cli, Format};
use crate::model::rules::Rule;
use serde_json::Value;

pub fn run(cli: &Cli) -> Result<u8, Failure> {
    let text = match cli.format.unwrap_or(Format::Text) {
        Format::Text | Format::Human => table(),
        Format::Json => {
            let all: Vec<Value> = Rule::ALL.iter().map(|r| rule_json(*r, false)).collect();
            let mut s = serde_json::to_string_pretty(&all).unwrap_or_default();
            s.push('\n');
            s
        }
        other => {
            return Err(Failure::Usage(format!(
                "`rules` has no `--format {}` output; use text or json",
                other.name()
            )));
        }
    };
    emit(text.as_bytes())?;
    Ok(EXIT_CLEAN)
}

/// The aligned table: RULE, CATEGORY, SEVERITY, SUMMARY.
pub fn table() -> String {
    let header = ["RULE", "CATEGORY", "SEVERITY", "SUMMARY"];
    let rows: Vec<[&str; 4]> = Rule::ALL
        .iter()
        .map(|r| {
            [
                r.name(),
                category_name(r.category()),
                r.default_severity().as_str(),
                r.summary(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut s = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s.push_str("\n`ownlint explain RULE` prints a rule's documentation.\n");
    s
}
