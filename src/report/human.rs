//! `--format human`: miette's graphical reports (source snippet, labels, help), then a
//! one-line summary.

use super::{Context, Printer, Summary};
use crate::finding::{Finding, Label};
use crate::rules::Severity;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

pub struct Human;

/// A finding in miette's terms: labels in the primary file, and one related
/// diagnostic per other file (the registry entry of the owner).
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    src: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

/// `s` with control characters (other than newlines) shown as escapes, so that a
/// file or table name cannot send escape sequences to the terminal.
fn printable(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn span(l: &Label, text: &str) -> LabeledSpan {
    let offset = l.loc.offset.min(text.len());
    let len = l.loc.len.min(text.len() - offset);
    LabeledSpan::new(
        Some(printable(&l.message)).filter(|m| !m.is_empty()),
        offset,
        len,
    )
}

fn report(f: &Finding, ctx: &Context) -> Report {
    let severity = match f.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let docs = format!("`ownlint explain {}`", f.rule.name());
    let help = Some(match &f.help {
        Some(h) => format!("{}\n(docs: {docs})", printable(h)),
        None => format!("docs: {docs}"),
    });
    let mut r = Report {
        message: printable(&f.message),
        code: f.rule.name().to_string(),
        severity,
        help,
        src: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    let Some(primary) = &f.primary else { return r };
    let text = ctx.source(&primary.path).filter(|t| renderable(t, primary));
    let Some(text) = text else {
        r.message = format!(
            "{} ({}:{}:{})",
            r.message,
            printable(&primary.path),
            primary.loc.line,
            primary.loc.column
        );
        return r;
    };
    r.labels.push(span(primary, &text));
    for rel in &f.related {
        if rel.path == primary.path {
            if renderable(&text, rel) {
                r.labels.push(span(rel, &text));
            }
        } else if let Some(other) = ctx.source(&rel.path).filter(|t| renderable(t, rel)) {
            r.related.push(Report {
                message: printable(&rel.message),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                labels: vec![span(rel, &other)],
                src: Some(NamedSource::new(printable(&rel.path), other)),
                related: Vec::new(),
            });
        }
    }
    r.src = Some(NamedSource::new(printable(&primary.path), text));
    r
}

/// The longest line shown as a snippet. Longer lines (minified bundles, one-line
/// dumps) are named by position only: they are unreadable in a terminal, and miette
/// cannot lay out labels past column 65,535.
const MAX_SNIPPET_LINE: usize = 2_000;

/// True when the label's line is short enough to show.
fn renderable(text: &str, l: &Label) -> bool {
    let at = l.loc.offset.min(text.len());
    let start = text.as_bytes()[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = text.as_bytes()[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| at + i);
    end - start <= MAX_SNIPPET_LINE
}

impl Printer for Human {
    fn print(
        &self,
        out: &mut dyn Write,
        findings: &[Finding],
        summary: &Summary,
        ctx: &Context,
    ) -> io::Result<()> {
        let theme = if ctx.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(ctx.width)
            .with_links(false);
        for f in findings {
            let mut s = String::new();
            if handler.render_report(&mut s, &report(f, ctx)).is_err() {
                s = format!(
                    "{}: {} [{}]\n",
                    f.severity.as_str(),
                    f.message,
                    f.rule.name()
                );
            }
            out.write_all(s.as_bytes())?;
        }
        if !ctx.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}

/// "2 errors, 1 warning; 120 files scanned, 14 parsed; 0.21s".
pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    );
    let mut extra = Vec::new();
    if let Some(n) = s.files_scanned {
        extra.push(format!("{} scanned", plural(n, "file")));
    }
    if let Some(n) = s.files_parsed {
        extra.push(format!("{n} parsed"));
    }
    if let Some(n) = s.files_skipped.filter(|&n| n > 0) {
        extra.push(format!("{n} skipped"));
    }
    if let Some(n) = s.suppressed.filter(|&n| n > 0) {
        extra.push(format!("{n} suppressed"));
    }
    if let Some(n) = s.excepted.filter(|&n| n > 0) {
        extra.push(format!("{n} covered by exceptions"));
    }
    if let Some(n) = s.baselined.filter(|&n| n > 0) {
        extra.push(format!("{n} in baseline"));
    }
    if let Some(ms) = s.duration_ms {
        extra.push(format!("{:.2}s", ms as f64 / 1000.0));
    }
    if !extra.is_empty() {
        line.push_str("; ");
        line.push_str(&extra.join(", "));
    }
    line
}
