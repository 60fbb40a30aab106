//! `--format concise`: one line per finding, the shape compilers print and that
//! editors' problem matchers, `grep` and `cut` expect:
//!
//! ```text
//! services/orders/db.sql:14:6: error[cross-service-read] reads `users`, owned by user-service
//! ```
//!
//! A finding that concerns no file is printed without the `path:line:col: ` prefix.
//! Unless `--quiet`, the summary follows as a last line starting `ownlint: `.
//! Everything taken from input is printed through [`escape::text`]: a finding is always
//! exactly one line, and no escape sequence reaches the terminal; each line passes
//! [`escape::lines`], so a path that begins with `::` cannot make a workflow command.

use super::human::summary_line;
use super::{Context, Printer, Summary, escape};
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
            writeln!(out, "{}", escape::lines(&line(f)))?;
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
            escape::text(&p.path),
            p.loc.line.max(1),
            p.loc.column.max(1)
        );
    }
    let _ = write!(
        s,
        "{}[{}] {}",
        f.severity.as_str(),
        f.rule.name(),
        escape::text(&f.message)
    );
    s
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
            ("a\u{200e}b", "a\\u{200e}b"),
            ("naïve – ok", "naïve – ok"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape::text(input), expected, "{input:?}");
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
        let forged = Finding::new(Rule::CrossServiceRead, "reads").at(
            "::error::x.sql",
            "SELECT 1",
            0,
            1,
            "here",
        );
        let printed = escape::lines(&line(&forged)).into_owned();
        assert!(!printed.starts_with("::"), "{printed}");
        let bare = Finding::new(Rule::ParseError, "no file");
        let expected = format!("{}[parse-error] no file", bare.severity.as_str());
        assert_eq!(line(&bare), expected);
    }
}
