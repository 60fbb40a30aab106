//! `--format json`: one JSON object, the public contract described by
//! `schemas/report.schema.json`.
//!
//! The report is written straight from borrowed structs rather than built as a
//! `serde_json::Value` tree first (a map and a string per key, per finding: 3.8% of a
//! run with 4,000 findings). Keys are declared in alphabetical order, the order the
//! report has always had, so that the output is the same byte for byte.

use super::{Context, Printer, Summary};
use crate::finding::Finding;
use crate::scan::Confidence;
use serde::Serialize;
use std::io::{self, Write};

/// The version of the JSON report format.
pub const REPORT_VERSION: u32 = 1;

pub struct Json;

/// One finding as it appears in the JSON report (and in `waves --format json`).
#[derive(Serialize)]
pub struct FindingJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<&'static str>,
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<Confidence>,
    docs: String,
    fingerprint: String,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<&'a str>,
    line: Option<u32>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    path: Option<&'a str>,
    related: Vec<RelatedJson<'a>>,
    rule: &'static str,
    service: Option<&'a str>,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<&'a str>,
}

/// A secondary location of a finding.
#[derive(Serialize)]
struct RelatedJson<'a> {
    column: u32,
    line: u32,
    message: &'a str,
    path: &'a str,
}

/// One finding in the form of the JSON report.
pub fn finding_json(f: &Finding) -> FindingJson<'_> {
    let primary = f.primary.as_ref();
    FindingJson {
        access: f.access.map(|a| a.as_str()),
        column: primary.map(|l| l.loc.column),
        confidence: f.confidence,
        docs: f.rule.doc_url(),
        fingerprint: f.fingerprint(),
        help: f.help.as_deref(),
        import: f.import.as_deref(),
        line: primary.map(|l| l.loc.line),
        message: &f.message,
        owner: f.owner.as_deref(),
        path: primary.map(|l| l.path.as_str()),
        related: (f.related.iter())
            .map(|r| RelatedJson {
                column: r.loc.column,
                line: r.loc.line,
                message: &r.message,
                path: &r.path,
            })
            .collect(),
        rule: f.rule.name(),
        service: f.service.as_deref(),
        severity: f.severity.as_str(),
        table: f.table.as_deref(),
    }
}

/// The whole report, keys in alphabetical order.
#[derive(Serialize)]
struct Report<'a> {
    findings: Vec<FindingJson<'a>>,
    summary: serde_json::Value,
    tool: Tool,
    version: u32,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Printer for Json {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        summary: &Summary,
        _ctx: &Context,
    ) -> io::Result<()> {
        let report = Report {
            findings: findings.iter().map(finding_json).collect(),
            // As a value, so that its keys come out sorted like the rest.
            summary: serde_json::to_value(summary)?,
            tool: Tool {
                name: "ownlint",
                version: env!("CARGO_PKG_VERSION"),
            },
            version: REPORT_VERSION,
        };
        // Serialized into memory first: serde_json writes a few bytes at a time, and
        // each write through `dyn Write` is a call (a tenth of the time of a report
        // with thousands of findings).
        let mut text = serde_json::to_vec_pretty(&report)?;
        text.push(b'\n');
        out.write_all(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Loc;
    use crate::rules::Rule;
    use crate::scan::AccessKind;

    /// Every key, optional ones included, comes out in alphabetical order, as it did
    /// when the report was built as a sorted map: two reports diff line by line.
    #[test]
    fn keys_are_in_alphabetical_order() {
        let mut f = Finding::new(Rule::CrossServiceRead, "reads `orders`")
            .at("svc/a.sql", "SELECT * FROM orders", 14, 6, "here")
            .related("data-ownership.yaml", Loc::default(), "owned here")
            .help("ask")
            .service("billing");
        f.table = Some("orders".into());
        f.import = Some("orders_db".into());
        f.owner = Some("orders-service".into());
        f.access = Some(AccessKind::Read);
        f.confidence = Some(Confidence::High);
        let text = serde_json::to_string(&finding_json(&f)).unwrap_or_default();
        // A key is a string followed by `:`; no value here contains a quote.
        let parts: Vec<&str> = text.split('"').collect();
        let keys: Vec<&str> = (parts.windows(3))
            .filter(|w| w[2].starts_with(':'))
            .map(|w| w[1])
            .collect();
        let expected = [
            "access",
            "column",
            "confidence",
            "docs",
            "fingerprint",
            "help",
            "import",
            "line",
            "message",
            "owner",
            "path",
            "related",
            "column",
            "line",
            "message",
            "path",
            "rule",
            "service",
            "severity",
            "table",
        ];
        assert_eq!(keys, expected, "{text}");
    }
}
