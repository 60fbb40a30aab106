//! `--format json`: one JSON object, the public contract described by
//! `schemas/report.schema.json`.
//!
//! The report is written straight from borrowed structs rather than built as a
//! `serde_json::Value` tree first (a map and a string per key, per finding: 3.8% of a
//! run with 4,000 findings). Keys are declared in alphabetical order, the order the
//! report has always had, so that the output is the same byte for byte.

use super::{Context, Printer, Summary};
use crate::model::Confidence;
use crate::model::finding::Finding;
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
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        render(findings, summary, threads, out)
    }
}

/// Below this many findings the report is rendered on one thread.
const FINDINGS_PER_THREAD: usize = 512;

/// Writes the report as `serde_json::to_vec_pretty` writes it, with a final newline,
/// and with the controls serde_json leaves raw escaped ([`super::escape::json`]).
///
/// Serialized into memory, not through `dyn Write` (serde_json writes a few bytes at
/// a time, each write a call). It runs after the scan, on one thread, so a report of
/// thousands of findings (a repository adopting ownlint) renders its findings on up
/// to `threads` threads, a run of them each ([`render_findings`]), and writes the
/// runs as they are rather than joined into one more copy of the report.
fn render(
    findings: &[Finding],
    summary: &Summary,
    threads: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let threads = threads.min(findings.len() / FINDINGS_PER_THREAD);
    if threads < 2 {
        let mut text = serde_json::to_vec_pretty(&report(
            findings.iter().map(finding_json).collect(),
            summary,
        )?)?;
        text.push(b'\n');
        return out.write_all(&super::escape::json(&text));
    }
    let rest = serde_json::to_vec_pretty(&report(Vec::new(), summary)?)?;
    const EMPTY: &[u8] = b"{\n  \"findings\": [],";
    let Some(tail) = rest.strip_prefix(EMPTY) else {
        return Err(io::Error::other("unexpected shape of the JSON report"));
    };
    let chunk = findings.len().div_ceil(threads);
    let parts = std::thread::scope(|s| {
        let handles: Vec<_> = findings
            .chunks(chunk)
            .map(|part| s.spawn(move || render_findings(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect::<io::Result<Vec<Vec<u8>>>>()
    })?;
    out.write_all(b"{\n  \"findings\": [\n")?;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        out.write_all(&super::escape::json(part))?;
    }
    out.write_all(b"\n  ],")?;
    out.write_all(&super::escape::json(tail))?;
    out.write_all(b"\n")
}

fn report<'a>(findings: Vec<FindingJson<'a>>, summary: &Summary) -> io::Result<Report<'a>> {
    Ok(Report {
        findings,
        // As a value, so that its keys come out sorted like the rest.
        summary: serde_json::to_value(summary)?,
        tool: Tool {
            name: "ownlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        version: REPORT_VERSION,
    })
}

/// Findings as elements of the report's `findings` array: each indented by two
/// levels, separated by `,` and a line break. Rendered as a report of these findings
/// alone, into one buffer, and cut out of it: the same bytes as in the whole report.
fn render_findings(findings: &[Finding]) -> io::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Part<'a> {
        findings: Vec<FindingJson<'a>>,
    }
    const OPEN: &[u8] = b"{\n  \"findings\": [\n";
    const CLOSE: &[u8] = b"\n  ]\n}";
    // About a kilobyte per finding: one buffer, rarely grown.
    let mut text = Vec::with_capacity(findings.len() * 1024);
    let part = Part {
        findings: findings.iter().map(finding_json).collect(),
    };
    serde_json::to_writer_pretty(&mut text, &part)?;
    let inner = (text.strip_prefix(OPEN))
        .and_then(|t| t.strip_suffix(CLOSE))
        .ok_or_else(|| io::Error::other("unexpected shape of the JSON report"))?;
    let len = inner.len();
    text.drain(..OPEN.len());
    text.truncate(len);
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccessKind;
    use crate::model::finding::Loc;
    use crate::model::rules::Rule;

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

    /// The report [`render`] writes.
    fn rendered(findings: &[Finding], summary: &Summary, threads: usize) -> io::Result<Vec<u8>> {
        let mut text = Vec::new();
        render(findings, summary, threads, &mut text)?;
        Ok(text)
    }

    /// A report rendered on several threads is the same bytes as one rendered on one,
    /// which is what `serde_json::to_vec_pretty` writes for the whole report.
    #[test]
    fn threads_render_the_same_report() {
        let findings: Vec<Finding> = (0..FINDINGS_PER_THREAD * 3 + 7)
            .map(|i| {
                let mut f = Finding::new(
                    if i % 2 == 0 {
                        Rule::CrossServiceRead
                    } else {
                        Rule::ParseError
                    },
                    format!("finding {i}: \"quoted\"\nand a line break"),
                );
                if i % 3 > 0 {
                    f = f.at("svc/a.sql", "SELECT * FROM orders", 14, 6, "here");
                }
                if i % 5 == 0 {
                    f = f.related("data-ownership.yaml", Loc::default(), "owned here");
                }
                if i % 7 == 0 {
                    f.table = Some(format!("orders_{i}"));
                }
                f
            })
            .collect();
        let summary = Summary {
            errors: findings.len(),
            files_scanned: Some(12),
            ..Summary::default()
        };
        let one = rendered(&findings, &summary, 1).unwrap_or_default();
        let whole = report(findings.iter().map(finding_json).collect(), &summary);
        let mut expected = whole
            .and_then(|r| serde_json::to_vec_pretty(&r).map_err(io::Error::from))
            .unwrap_or_default();
        expected.push(b'\n');
        assert_eq!(one, expected);
        for threads in [2, 3, 4] {
            let several = rendered(&findings, &summary, threads).unwrap_or_default();
            assert_eq!(
                String::from_utf8_lossy(&several),
                String::from_utf8_lossy(&one),
                "{threads}"
            );
        }
        // No findings, and fewer than one thread's worth.
        for n in [0, 1, FINDINGS_PER_THREAD + 1] {
            let part = &findings[..n];
            assert_eq!(
                rendered(part, &summary, 1).ok(),
                rendered(part, &summary, 4).ok(),
                "{n}"
            );
        }
    }
}
