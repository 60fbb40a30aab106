//! `--format junit`: JUnit XML, the test report Jenkins, GitLab, Azure Pipelines and
//! CircleCI show in their test tabs.
//!
//! One `<testsuite>` per file with findings (named by its path), one failing
//! `<testcase>` per finding (named `RULE at LINE:COLUMN`, its `classname` the path),
//! all in one `<testsuites name="ownlint">`. Warnings fail their test case too: the
//! test tab lists every finding, while the exit code still decides whether the job
//! fails. Findings that concern no file form a suite named after the registry file. A
//! clean run writes one suite with one passing test case, `no findings`, so that
//! consumers that reject an empty report (or read it as "no tests ran") show a pass.
//!
//! Text is XML-escaped by [`escape`]; characters XML 1.0 does not allow (control
//! characters other than tab, line feed and carriage return) cannot be escaped at all
//! and are written as Rust escapes (`\u{1b}`) instead.

use super::sarif::message_text;
use super::{Context, Printer, Summary};
use crate::model::finding::Finding;
use indexmap::IndexMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The printer; `registry` is the registry file's path, the suite of findings that
/// concern no file.
pub struct Junit {
    pub registry: String,
}

impl Printer for Junit {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        _summary: &Summary,
        _ctx: &Context,
    ) -> io::Result<()> {
        out.write_all(render(findings, &self.registry).as_bytes())
    }
}

fn render(findings: &[Finding], registry: &str) -> String {
    let mut suites: IndexMap<&str, Vec<&Finding>> = IndexMap::new();
    for f in findings {
        suites
            .entry(f.path().unwrap_or(registry))
            .or_default()
            .push(f);
    }
    let n = findings.len().max(1);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"ownlint\" tests=\"{n}\" failures=\"{}\" errors=\"0\">",
        findings.len()
    );
    if suites.is_empty() {
        s.push_str("  <testsuite name=\"ownlint\" tests=\"1\" failures=\"0\" errors=\"0\">\n");
        s.push_str("    <testcase name=\"no findings\" classname=\"ownlint\"/>\n");
        s.push_str("  </testsuite>\n");
    }
    for (path, list) in &suites {
        let path = escape(path);
        let _ = writeln!(
            s,
            "  <testsuite name=\"{path}\" tests=\"{0}\" failures=\"{0}\" errors=\"0\">",
            list.len()
        );
        for f in list {
            let (line, column) = f
                .primary
                .as_ref()
                .map_or((1, 1), |p| (p.loc.line.max(1), p.loc.column.max(1)));
            let rule = f.rule.name();
            let _ = writeln!(
                s,
                "    <testcase name=\"{rule} at {line}:{column}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">"
            );
            let _ = writeln!(
                s,
                "      <failure type=\"{rule}\" message=\"{}\">{}: {}[{rule}] {}</failure>",
                escape(&f.message),
                format_args!("{path}:{line}:{column}"),
                f.severity.as_str(),
                escape(&message_text(f)),
            );
            s.push_str("    </testcase>\n");
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

/// `s` as XML text or attribute value: the five markup characters as entities, line
/// breaks and tabs as character references (so that attribute values keep them), and
/// the characters XML 1.0 forbids written as Rust escapes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_breaks_and_forbidden_characters() {
        let cases = [
            ("plain", "plain"),
            ("a<b>&\"c\"'", "a&lt;b&gt;&amp;&quot;c&quot;&apos;"),
            ("two\nlines\r\t", "two&#10;lines&#13;&#9;"),
            ("\u{1b}[31m\u{0}", "\\u{1b}[31m\\u{0}"),
            ("\u{7f}\u{85}", "\\u{7f}\\u{85}"),
            ("\u{ffff}", "\\u{ffff}"),
            ("naïve – ok", "naïve – ok"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected, "{input:?}");
        }
    }
}
