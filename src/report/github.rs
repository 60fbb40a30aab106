//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request and the run summary. One line per finding:
//!
//! ```text
//! ::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE
//! ```
//!
//! (`::warning` for warnings; `::error title=RULE::MESSAGE` for findings that concern
//! no file), then, unless `--quiet`, the summary as a plain line. Values are escaped
//! as the runner unescapes them: in data `%`, `\r`, `\n`; in properties also `:` and
//! `,`. Every other control character (ESC, BEL ...), U+2028, U+2029 and the
//! bidirectional controls, which the runner would pass through, are written as the
//! human output writes them (`\u{1b}`, see [`super::escape`]).

use super::human::summary_line;
use super::sarif::{Sources, message_text};
use super::{Context, Printer, Summary};
use crate::model::finding::Finding;
use crate::model::rules::Severity;
use std::io::{self, Write};

pub struct Github;

impl Printer for Github {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        summary: &Summary,
        ctx: &Context,
    ) -> io::Result<()> {
        let mut sources = Sources::new(ctx);
        for f in findings {
            writeln!(out, "{}", command(f, &mut sources))?;
        }
        if !ctx.quiet {
            writeln!(out, "ownlint: {}", summary_line(summary))?;
        }
        Ok(())
    }
}

/// The workflow command of one finding.
fn command(f: &Finding, sources: &mut Sources<'_>) -> String {
    let cmd = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(p) = &f.primary {
        props.push(("file", p.path.clone()));
        props.push(("line", p.loc.line.max(1).to_string()));
        props.push(("col", p.loc.column.max(1).to_string()));
        if let Some(end) = sources.end_of(p) {
            props.push(("endLine", end.line.to_string()));
            // GitHub honours columns on one-line annotations only, and its end
            // column is the last character's (inclusive), unlike SARIF's.
            if end.line == p.loc.line && end.column > p.loc.column {
                props.push(("endColumn", (end.column - 1).to_string()));
            }
        }
    }
    props.push(("title", f.rule.name().to_string()));
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(
        "::{cmd} {}::{}",
        props.join(","),
        escape_data(&message_text(f))
    )
}

/// Escapes a command's message (its data): `%`, `\r`, `\n`, and the characters of
/// [`super::escape::is_unsafe`].
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

/// The runner's percent-encoding; `:` and `,` only end a property value.
fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            // The runner decodes no other character: ESC, BEL and the rest are
            // escaped as the human output escapes them, never printed raw.
            c if super::escape::is_unsafe(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape_data`] and [`escape_property`] (what the runner does).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3);
        let decoded = match code {
            Some("25") => Some('%'),
            Some("0D") => Some('\r'),
            Some("0A") => Some('\n'),
            Some("3A") => Some(':'),
            Some("2C") => Some(','),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_newlines_only() {
        assert_eq!(escape_data("100% done"), "100%25 done");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("::error::x"), "::error::x");
    }

    #[test]
    fn terminal_controls_are_never_written_raw() {
        // (input, data, property)
        let cases = [
            ("\x1b[2J", "\\u{1b}[2J", "\\u{1b}[2J"),
            ("bel\x07", "bel\\u{7}", "bel\\u{7}"),
            (
                "a\u{2028}b\u{2029}",
                "a\\u{2028}b\\u{2029}",
                "a\\u{2028}b\\u{2029}",
            ),
            (
                "\t\u{85}\u{202e}",
                "\\t\\u{85}\\u{202e}",
                "\\t\\u{85}\\u{202e}",
            ),
            (
                "x\n::add-mask::y",
                "x%0A::add-mask::y",
                "x%0A%3A%3Aadd-mask%3A%3Ay",
            ),
        ];
        for (input, data, property) in cases {
            assert_eq!(escape_data(input), data, "{input:?}");
            assert_eq!(escape_property(input), property, "{input:?}");
        }
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
        assert_eq!(escape_property("services/é.sql"), "services/é.sql");
    }

    #[test]
    fn unescape_round_trips() {
        for s in [
            "",
            "plain",
            "100%",
            "%25",
            "%0A literally",
            "a:b,c\r\nd%",
            "x%2",
            "ünïcode: 50%, yes\n",
        ] {
            assert_eq!(unescape(&escape_data(s)), s, "data {s:?}");
            assert_eq!(unescape(&escape_property(s)), s, "property {s:?}");
        }
    }

    #[test]
    fn escaped_values_hold_no_separators() {
        let p = escape_property("a,b:c\nd");
        assert!(!p.contains(',') && !p.contains(':') && !p.contains('\n'));
        let d = escape_data("line one\nline two\r");
        assert!(!d.contains('\n') && !d.contains('\r'));
    }
}
