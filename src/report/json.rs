//! `--format json`: one JSON object, the public contract described by
//! `schemas/report.schema.json`.

use super::{Context, Printer, Summary};
use crate::finding::Finding;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The version of the JSON report format.
pub const REPORT_VERSION: u32 = 1;

pub struct Json;

/// One finding as a JSON object.
pub fn finding_json(f: &Finding) -> Value {
    let (path, line, column) = match &f.primary {
        Some(l) => (Some(l.path.as_str()), Some(l.loc.line), Some(l.loc.column)),
        None => (None, None, None),
    };
    let mut v = json!({
        "rule": f.rule.name(),
        "severity": f.severity.as_str(),
        "message": f.message,
        "path": path,
        "line": line,
        "column": column,
        "service": f.service,
        "fingerprint": f.fingerprint(),
        "help": f.help,
        "docs": f.rule.doc_url(),
        "related": f.related.iter().map(|r| json!({
            "path": r.path, "line": r.loc.line, "column": r.loc.column, "message": r.message,
        })).collect::<Vec<_>>(),
    });
    if let Some(obj) = v.as_object_mut() {
        let extras = [
            ("table", f.table.clone().map(Value::from)),
            ("import", f.import.clone().map(Value::from)),
            ("owner", f.owner.clone().map(Value::from)),
            ("access", f.access.map(|a| Value::from(a.as_str()))),
            (
                "confidence",
                f.confidence
                    .map(|c| serde_json::to_value(c).unwrap_or(Value::Null)),
            ),
        ];
        for (k, val) in extras {
            if let Some(val) = val {
                obj.insert(k.to_string(), val);
            }
        }
    }
    v
}

impl Printer for Json {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        summary: &Summary,
        _ctx: &Context,
    ) -> io::Result<()> {
        let doc = json!({
            "version": REPORT_VERSION,
            "tool": {"name": "ownlint", "version": env!("CARGO_PKG_VERSION")},
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
            "summary": summary,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
