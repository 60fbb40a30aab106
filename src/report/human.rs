//! `--format human`: miette's graphical reports (source snippet, labels, help), then a
//! one-line summary.

use super::{Context, Printer, Summary, escape};
use crate::model::finding::{Finding, Label};
use crate::model::rules::Severity;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::collections::HashMap;
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
    src: Option<Named>,
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

/// `s` as human output shows text from input (see [`escape::text`]).
fn printable(s: &str) -> String {
    escape::text(s).into_owned()
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

/// A file's text with the start of every line, as miette counts lines (`\n`, `\r\n`
/// and a lone `\r` each end one). miette's own `SourceCode` for strings scans from
/// the start of the text on every `read_span`, so a report of many findings in one
/// large file (5,000 into a 1 MB registry) was quadratic; with the starts, a snippet
/// costs the lines it shows.
struct Snippets {
    text: Arc<str>,
    starts: Vec<usize>,
}

impl Snippets {
    fn new(text: Arc<str>) -> Snippets {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Snippets { text, starts }
    }
}

/// [`Snippets`] under a file name: the source a report hands to miette.
struct Named {
    name: String,
    src: Arc<Snippets>,
}

impl SourceCode for Named {
    /// miette's own answer for the whole text, computed over a window: the text from
    /// the start of the line one before the first context line. The window starts at
    /// a line start and holds every context line, so miette's scan sees what it would
    /// see in the whole text; only its offsets and line numbers are shifted back.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let starts = &self.src.starts;
        let line = starts
            .partition_point(|&s| s <= span.offset())
            .saturating_sub(1);
        let first = line.saturating_sub(context_lines_before.saturating_add(1));
        let base = starts.get(first).copied().unwrap_or(0);
        let window: &'a [u8] = self.src.text.as_bytes().get(base..).unwrap_or_default();
        let shifted = SourceSpan::new((span.offset() - base).into(), span.len());
        let c = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + base).into(), c.span().len()),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        )))
    }
}

/// Each file's [`Snippets`], built once per run however many findings point into it.
#[derive(Default)]
struct Sources(HashMap<String, Option<Arc<Snippets>>>);

impl Sources {
    fn get(&mut self, ctx: &Context, path: &str) -> Option<Arc<Snippets>> {
        if let Some(s) = self.0.get(path) {
            return s.clone();
        }
        // Control characters of the code are hidden, byte for byte, so the labels'
        // offsets still hold (see [`escape::snippet`]).
        let s = ctx.source(path).map(|t| {
            let shown = match escape::snippet(&t) {
                std::borrow::Cow::Borrowed(_) => t,
                std::borrow::Cow::Owned(hidden) => Arc::from(hidden),
            };
            Arc::new(Snippets::new(shown))
        });
        self.0.insert(path.to_string(), s.clone());
        s
    }
}

fn report(f: &Finding, ctx: &Context, sources: &mut Sources) -> Report {
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
    let src = sources
        .get(ctx, &primary.path)
        .filter(|s| renderable(&s.text, primary));
    let Some(src) = src else {
        r.message = format!(
            "{} ({}:{}:{})",
            r.message,
            printable(&primary.path),
            primary.loc.line,
            primary.loc.column
        );
        return r;
    };
    r.labels.push(span(primary, &src.text));
    for rel in &f.related {
        if rel.path == primary.path && rel.loc.line.abs_diff(primary.loc.line) <= NEAR_LINES {
            if renderable(&src.text, rel) {
                r.labels.push(span(rel, &src.text));
            }
        } else if let Some(other) = sources
            .get(ctx, &rel.path)
            .filter(|s| renderable(&s.text, rel))
        {
            r.related.push(Report {
                message: printable(&rel.message),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                labels: vec![span(rel, &other.text)],
                src: Some(Named {
                    name: printable(&rel.path),
                    src: other,
                }),
                related: Vec::new(),
            });
        }
    }
    r.src = Some(Named {
        name: printable(&primary.path),
        src,
    });
    r
}

/// How far (in lines) a related label in the primary label's file may be to share its
/// snippet; one further away (a constant defined at the top of the file, used in a
/// query far below) gets a snippet of its own, so the report does not print every
/// line between them.
const NEAR_LINES: u32 = 12;

/// The longest line shown as a snippet. Longer lines (minified bundles, one-line
/// dumps) are named by position only: they are unreadable in a terminal, and miette
/// cannot lay out labels past column 65,535.
const MAX_SNIPPET_LINE: usize = 2_000;

/// True when the label's line is short enough to show. Looks no further than
/// [`MAX_SNIPPET_LINE`] bytes either side, so a long line costs no more than a short
/// one, however many labels it has.
fn renderable(text: &str, l: &Label) -> bool {
    let bytes = text.as_bytes();
    let at = l.loc.offset.min(bytes.len());
    let from = at.saturating_sub(MAX_SNIPPET_LINE + 1);
    let start = match bytes[from..at].iter().rposition(|&b| b == b'\n') {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return false,
    };
    let to = (start + MAX_SNIPPET_LINE + 1).min(bytes.len());
    let end = bytes[at..to]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(to, |i| at + i);
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
        let mut sources = Sources::default();
        for f in findings {
            let mut s = String::new();
            if handler
                .render_report(&mut s, &report(f, ctx, &mut sources))
                .is_err()
            {
                s = format!(
                    "{}: {} [{}]\n",
                    f.severity.as_str(),
                    printable(&f.message),
                    f.rule.name()
                );
            }
            write_trimmed(out, &escape::lines(&s))?;
        }
        if !ctx.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}

/// Writes rendered text with the trailing spaces of each line removed: miette pads an
/// empty source line after its gutter and writes `Advice: ` before a related report,
/// and trailing whitespace is noise in logs, diffs and editors' problem matchers.
fn write_trimmed(out: &mut dyn Write, rendered: &str) -> io::Result<()> {
    for line in rendered.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.write_all(body.trim_end_matches([' ', '\t']).as_bytes())?;
        out.write_all(end.as_bytes())?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything miette reads from a span's contents.
    type Read = Option<(Vec<u8>, usize, usize, usize, usize, usize, Option<String>)>;

    fn read(src: &dyn SourceCode, offset: usize, len: usize, context: usize) -> Read {
        let c = src
            .read_span(&SourceSpan::new(offset.into(), len), context, context)
            .ok()?;
        Some((
            c.data().to_vec(),
            c.span().offset(),
            c.span().len(),
            c.line(),
            c.column(),
            c.line_count(),
            c.name().map(str::to_string),
        ))
    }

    /// `read_span` of [`Named`] answers exactly what miette's own `String` source
    /// (wrapped in `NamedSource`, as before) answers, so rendered output is unchanged.
    #[test]
    fn snippets_read_spans_as_miettes_string_source_does() {
        let texts = [
            "",
            "one line, no newline",
            "a\nbb\nccc\n",
            "first\nsecond\nthird\nfourth\nfifth\nsixth\nseventh",
            "crlf\r\nlines\r\nhere\r\n\r\nend",
            "lone\rcarriage\rreturns\n\r\nmixed\n",
            "\n\n\nblank lines\n\n",
            "multi-byte é ü 日本\nsecond ✓ line\n",
        ];
        for text in texts {
            let theirs = miette::NamedSource::new("f.sql", text.to_string());
            let ours = Named {
                name: "f.sql".to_string(),
                src: Arc::new(Snippets::new(Arc::from(text))),
            };
            // Every offset (start, middle, end, line ends, inside CRLF), empty, short
            // and multi-line spans, context 0 to 2; clamped to the text, as `span`
            // clamps labels (miette's own source panics on some spans past the end).
            for offset in 0..=text.len() {
                for len in [0, 1, 2, 5, 9, text.len()] {
                    let len = len.min(text.len() - offset);
                    for context in 0..=2 {
                        assert_eq!(
                            read(&ours, offset, len, context),
                            read(&theirs, offset, len, context),
                            "{text:?} at {offset}+{len}, context {context}"
                        );
                    }
                }
            }
        }
    }

    /// The spans a report of one finding in a long file asks for: far into the text,
    /// with context either side.
    #[test]
    fn spans_deep_in_a_long_text_match_miettes() {
        let text: String = (0..2_000).map(|i| format!("line {i}\r\n")).collect();
        let theirs = miette::NamedSource::new("r.yaml", text.clone());
        let ours = Named {
            name: "r.yaml".to_string(),
            src: Arc::new(Snippets::new(Arc::from(text.as_str()))),
        };
        for (offset, len) in [(0, 4), (9_000, 0), (9_003, 30), (text.len() - 3, 3)] {
            for context in 0..=2 {
                let ours = read(&ours, offset, len, context);
                assert!(ours.is_some());
                assert_eq!(ours, read(&theirs, offset, len, context));
            }
        }
    }

    #[test]
    fn only_lines_up_to_the_limit_are_renderable() {
        let label = |offset| Label {
            path: "f".to_string(),
            loc: crate::model::finding::Loc {
                line: 1,
                column: 1,
                offset,
                len: 0,
            },
            message: String::new(),
        };
        let fits = format!("x\n{}\ny", "a".repeat(MAX_SNIPPET_LINE));
        let long = format!("x\n{}\ny", "a".repeat(MAX_SNIPPET_LINE + 1));
        for at in [2, 3, MAX_SNIPPET_LINE / 2, MAX_SNIPPET_LINE + 2] {
            assert!(renderable(&fits, &label(at)), "{at}");
            assert!(!renderable(&long, &label(at)), "{at}");
        }
        assert!(renderable(&long, &label(0)));
        assert!(renderable(&long, &label(long.len())));
        assert!(!renderable(
            &"b".repeat(3 * MAX_SNIPPET_LINE),
            &label(2 * MAX_SNIPPET_LINE)
        ));
    }
}
