//! `--format concise`: one line per finding, the shape compilers print and that
//! editors' problem matchers, `grep` and `cut` expect:
//!
//! ```text
//! services/orders/db.sql:14:6: error[cross-service-read] reads `users`, owned by user-service
//! ```
//!
//! A finding that concerns no file is printed without the `path:line:col: ` prefix.
//! Unless `--quiet`, the summary follows as a last line starting `ownlint: `.
//! Everything taken from input is printed through [`one_line`]: a finding is always
//! exactly one line, and no escape sequence reaches the terminal.

use super::human::summary_line;
use super::{Context, Printer, Summary};
use crate::model::finding::Finding;
use std::fmt::Write as _;
use std::io::{self, Write};

pub struct Concise;

impl Printer for Concise {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        summary: &Summary,
        ctx: &Context,
    ) -> io::Result<()> {
        for f in findings {
            writeln!(out, "{}", line(f))?;
        }
        if !ctx.quiet {
            writeln!(out, "ownlint: {}", summary_line(summary))?;
        }
        Ok(())
    }
}

/// The line of one finding.
pub fn line(f: &Finding) -> String {
    let mut s = String::new();
    if let Some(p) = &f.primary {
        let _ = write!(
            s,
            "{}:{}:{}: ",
            one_line(&p.path),
            p.loc.line.max(1),
            p.loc.column.max(1)
        );
    }
    let _ = write!(
        s,
        "{}[{}] {}",
        f.severity.as_str(),
        f.rule.name(),
        one_line(&f.message)
    );
    s
}

/// `s` on one line and safe for a terminal: control characters (line breaks and tabs
/// included) and the invisible bidirectional-text controls are written as Rust
/// escapes (`\n`, `\u{1b}`, `\u{202e}`), so that a path, table or message cannot end
/// the line early, forge another finding, or reorder what the reader sees.
pub fn one_line(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::Rule;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        let cases = [
            ("plain `users`", "plain `users`"),
            ("two\nlines", "two\\nlines"),
            ("cr\r\ttab", "cr\\r\\ttab"),
            ("\u{1b}[31mred", "\\u{1b}[31mred"),
            ("a\u{202e}b", "a\\u{202e}b"),
            ("naïve – ok", "naïve – ok"),
        ];
        for (input, expected) in cases {
            assert_eq!(one_line(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_finding_is_one_line_with_or_without_a_location() {
        let f = Finding::new(Rule::CrossServiceRead, "reads `or\nders`").at(
            "svc/a\u{1b}.sql",
            "SELECT * FROM orders",
            14,
            6,
            "here",
        );
        let l = line(&f);
        assert!(!l.contains('\n') && !l.contains('\u{1b}'), "{l}");
        assert!(
            l.starts_with("svc/a\\u{1b}.sql:1:15: error[cross-service-read] reads `or\\nders`"),
            "{l}"
        );
        let bare = Finding::new(Rule::ParseError, "no file");
        let expected = format!("{}[parse-error] no file", bare.severity.as_str());
        assert_eq!(line(&bare), expected);
    }
}
