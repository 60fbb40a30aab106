//! What is wrong: a [`Finding`] with its rule, severity, message, labels and a stable
//! fingerprint. Rules build findings; severity overrides, suppression and printing
//! happen elsewhere, in one place each.

use crate::model::rules::{Rule, Severity};
use crate::model::{AccessKind, Confidence};
use serde::Serialize;
use std::sync::OnceLock;

/// A position in a file: 1-based line and column (in characters), and the byte range
/// of the labelled text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    pub offset: usize,
    #[serde(skip)]
    pub len: usize,
}

/// Where lines start in a text, by blocks: a location costs a count of the newlines
/// in one block, not a scan from the file's start. (A table of every line's start was
/// 2.5% of the instructions of a run on the benchmark's dense tree, built for every
/// file analysed: one entry per line, pushed one newline at a time. Counting a block's
/// newlines is a loop the compiler vectorizes.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// For each [`CHAR_BLOCK`]-byte block of the text and for its end: the newlines
    /// before it, and where the line it starts in starts.
    lines: Vec<(usize, usize)>,
    /// Characters before each [`CHAR_BLOCK`]-byte block of the text, built at the first
    /// column more than a block from its line's start: on a long line (a minified
    /// bundle, a generated one-line file) counting from the line's start for every
    /// finding would be quadratic.
    chars: OnceLock<Vec<usize>>,
}

/// Bytes per block of [`LineIndex`]'s tables; also the longest run counted directly.
const CHAR_BLOCK: usize = 4096;

/// Characters in `bytes`, which may start or end inside one: its bytes that are not
/// UTF-8 continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Newlines in `bytes`. By 64-byte chunks whose count fits a byte, which the compiler
/// turns into vector compares and adds (a plain `filter().count()` stays a byte loop
/// with a 64-bit add per byte).
fn newlines(bytes: &[u8]) -> usize {
    let (chunks, rest) = bytes.as_chunks::<64>();
    let in_chunks: usize = chunks
        .iter()
        .map(|c| usize::from(c.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>()))
        .sum();
    in_chunks + rest.iter().filter(|&&b| b == b'\n').count()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(bytes.len() / CHAR_BLOCK + 2);
        let (mut before, mut line_start) = (0, 0);
        for (k, block) in bytes.chunks(CHAR_BLOCK).enumerate() {
            lines.push((before, line_start));
            let n = newlines(block);
            if n > 0 {
                before += n;
                line_start = memchr::memrchr(b'\n', block).map_or(0, |i| k * CHAR_BLOCK + i + 1);
            }
        }
        lines.push((before, line_start));
        LineIndex {
            lines,
            chars: OnceLock::new(),
        }
    }

    /// Characters in `text[..at]`, by the block table.
    fn chars_before(&self, text: &str, at: usize) -> usize {
        let bytes = text.as_bytes();
        let blocks = self.chars.get_or_init(|| {
            let mut n = 0;
            let mut blocks = Vec::with_capacity(bytes.len() / CHAR_BLOCK + 1);
            for block in bytes.chunks(CHAR_BLOCK) {
                blocks.push(n);
                n += char_starts(block);
            }
            blocks.push(n);
            blocks
        });
        let k = at / CHAR_BLOCK;
        let from = (k * CHAR_BLOCK).min(at);
        blocks.get(k).copied().unwrap_or(0) + bytes.get(from..at).map_or(0, char_starts)
    }

    /// The location of the byte range `offset..offset + len` in `text` (the text this
    /// index was built from).
    pub fn loc(&self, text: &str, offset: usize, len: usize) -> Loc {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let k = (offset / CHAR_BLOCK).min(self.lines.len().saturating_sub(1));
        let from = (k * CHAR_BLOCK).min(offset);
        let (before, start_before) = self.lines.get(k).copied().unwrap_or((0, 0));
        let within = text.as_bytes().get(from..offset).unwrap_or_default();
        let line = before + newlines(within) + 1;
        let line_start = memchr::memrchr(b'\n', within)
            .map_or(start_before, |i| from + i + 1)
            .min(offset);
        let column = if offset - line_start <= CHAR_BLOCK {
            text[line_start..offset].chars().count()
        } else {
            self.chars_before(text, offset) - self.chars_before(text, line_start)
        } + 1;
        Loc {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
            len: len.min(text.len() - offset),
        }
    }
}

impl Loc {
    /// The location of the byte range `offset..offset + len` in `text`. For many
    /// locations in one text, build a [`LineIndex`] once instead.
    pub fn at(text: &str, offset: usize, len: usize) -> Loc {
        LineIndex::new(text).loc(text, offset, len)
    }

    /// The text of the line this location is on, whitespace-normalized: the part of a
    /// fingerprint that survives code moving up or down the file. At most
    /// [`SNIPPET_REACH`] bytes on either side of the location count, so that the
    /// findings on one very long line do not each read all of it.
    pub fn snippet(&self, text: &str) -> String {
        let offset = floor_char_boundary(text, self.offset.min(text.len()));
        let reach_start = floor_char_boundary(text, offset.saturating_sub(SNIPPET_REACH));
        let reach_end =
            floor_char_boundary(text, offset.saturating_add(SNIPPET_REACH).min(text.len()));
        let bytes = text.as_bytes();
        let start = memchr::memrchr(b'\n', &bytes[reach_start..offset])
            .map_or(reach_start, |i| reach_start + i + 1);
        let end =
            memchr::memchr(b'\n', &bytes[offset..reach_end]).map_or(reach_end, |i| offset + i);
        let mut snippet = String::with_capacity(end - start);
        for word in text[start..end].split_whitespace() {
            if !snippet.is_empty() {
                snippet.push(' ');
            }
            snippet.push_str(word);
        }
        snippet
    }
}

/// How far a fingerprint's snippet reaches on either side of a finding, in bytes: any
/// ordinary line fits whole.
const SNIPPET_REACH: usize = 1024;

/// The largest character boundary of `text` at or before byte `i`.
pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A labelled place in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    #[serde(flatten)]
    pub loc: Loc,
    /// What the label says ("owned by order-service here").
    pub message: String,
}

/// One problem ownlint reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is. `None` for run-level findings that concern no file.
    pub primary: Option<Label>,
    /// Other places that explain it (the registry entry of the owner, the other half
    /// of a conflict).
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// The service whose code or registry entry is at fault.
    pub service: Option<String>,
    /// What the finding is about (table, import, event, path, ...): part of the
    /// fingerprint.
    pub subject: String,
    pub table: Option<String>,
    pub import: Option<String>,
    pub owner: Option<String>,
    pub access: Option<AccessKind>,
    pub confidence: Option<Confidence>,
    /// The normalized source line of the primary label: part of the fingerprint.
    pub snippet: String,
}

impl Finding {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            primary: None,
            related: Vec::new(),
            help: None,
            service: None,
            subject: String::new(),
            table: None,
            import: None,
            owner: None,
            access: None,
            confidence: None,
            snippet: String::new(),
        }
    }

    /// Sets the primary label at `offset..offset + len` of `text` (the file at `path`).
    pub fn at(
        self,
        path: &str,
        text: &str,
        offset: usize,
        len: usize,
        label: impl Into<String>,
    ) -> Self {
        self.at_indexed(path, text, &LineIndex::new(text), offset, len, label)
    }

    /// Like [`Finding::at`], with the line index of `text` built once by the caller.
    pub fn at_indexed(
        mut self,
        path: &str,
        text: &str,
        index: &LineIndex,
        offset: usize,
        len: usize,
        label: impl Into<String>,
    ) -> Self {
        let loc = index.loc(text, offset, len);
        self.snippet = loc.snippet(text);
        self.primary = Some(Label {
            path: path.to_string(),
            loc,
            message: label.into(),
        });
        self
    }

    /// Adds a related label.
    pub fn related(mut self, path: &str, loc: Loc, label: impl Into<String>) -> Self {
        self.related.push(Label {
            path: path.to_string(),
            loc,
            message: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// The path of the primary label, if any.
    pub fn path(&self) -> Option<&str> {
        self.primary.as_ref().map(|l| l.path.as_str())
    }

    /// A stable identity for the finding: rule, service, subject, path and the
    /// normalized source line, never the line number, so that moving code up or down
    /// a file keeps it. Hex of a 64-bit FNV-1a hash (stable across platforms and
    /// releases, unlike `std`'s hasher).
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv::new();
        for part in [
            self.rule.name(),
            self.service.as_deref().unwrap_or(""),
            &self.subject,
            self.path().unwrap_or(""),
            &self.snippet,
        ] {
            h.write(part.as_bytes());
            h.write(&[0xff]);
        }
        format!("{:016x}", h.0)
    }

    /// The order findings are printed in: path, line, column, rule, then message.
    pub fn sort_key(&self) -> (Option<&str>, u32, u32, Rule, &str) {
        let (line, col) = self
            .primary
            .as_ref()
            .map_or((0, 0), |l| (l.loc.line, l.loc.column));
        (self.path(), line, col, self.rule, &self.message)
    }
}

/// Appends `more` to `findings`, taking it as it is when `findings` is empty: copying
/// thousands of findings into fresh memory cost ~0.7 ms on the dense benchmark tree,
/// and the scan's findings usually come first or alone.
pub fn join(findings: &mut Vec<Finding>, mut more: Vec<Finding>) {
    if findings.is_empty() {
        *findings = more;
    } else {
        findings.append(&mut more);
    }
}

/// Sorts findings into their printing order and drops exact duplicates.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_keeps_the_order_whichever_list_is_empty() {
        let f = |m: &str| Finding::new(Rule::ParseError, m);
        let messages = |v: &[Finding]| v.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        let mut findings = vec![f("a")];
        join(&mut findings, vec![f("b"), f("c")]);
        assert_eq!(messages(&findings), ["a", "b", "c"]);
        let mut findings = Vec::new();
        join(&mut findings, vec![f("b"), f("c")]);
        join(&mut findings, Vec::new());
        assert_eq!(messages(&findings), ["b", "c"]);
    }

    #[test]
    fn loc_counts_lines_and_characters() {
        let text = "ab\nçd orders\n";
        let off = text.find("orders").unwrap_or(0);
        let loc = Loc::at(text, off, 6);
        assert_eq!((loc.line, loc.column), (2, 4));
        assert_eq!(loc.snippet(text), "çd orders");
    }

    /// Line and column of `offset` the slow and obvious way.
    fn naive(text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset);
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count() + 1;
        let column = text[start..offset].chars().count() + 1;
        (line as u32, column as u32)
    }

    #[test]
    fn lines_across_blocks() {
        // Lines of every length around the block size, newlines on block edges, an
        // empty text, a text of one newline, and texts ending exactly at a block's end.
        let mut texts = vec![String::new(), "\n".to_string(), "x".repeat(CHAR_BLOCK)];
        texts.push(format!("{}\n", "y".repeat(CHAR_BLOCK - 1)));
        texts.push(format!(
            "{}\n{}",
            "é".repeat(CHAR_BLOCK / 2),
            "z\n".repeat(3000)
        ));
        let mut mixed = String::new();
        for n in 0..200 {
            mixed.push_str(&"ab€".repeat(n * 7 % 1700));
            mixed.push('\n');
        }
        texts.push(mixed);
        for text in &texts {
            let index = LineIndex::new(text);
            for offset in (0..=text.len()).step_by(61).chain([text.len()]) {
                let loc = index.loc(text, offset, 0);
                assert_eq!(
                    (loc.line, loc.column),
                    naive(text, offset),
                    "offset {offset}"
                );
            }
            for block in 1..=text.len() / CHAR_BLOCK {
                for offset in [block * CHAR_BLOCK - 1, block * CHAR_BLOCK] {
                    let loc = index.loc(text, offset, 0);
                    assert_eq!(
                        (loc.line, loc.column),
                        naive(text, offset),
                        "offset {offset}"
                    );
                }
            }
        }
    }

    #[test]
    fn columns_and_snippets_on_long_lines() {
        // Lines longer than the block table's blocks, with characters of 1 to 4 bytes
        // falling across block boundaries, and short lines between them.
        let long = "aé€😀 ".repeat(3_000);
        let text = format!("x\n{long}\nshort line\n{long}{long}");
        let index = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(997).chain([text.len()]) {
            let loc = index.loc(&text, offset, 1);
            assert_eq!(
                (loc.line, loc.column),
                naive(&text, offset),
                "offset {offset}"
            );
            let snippet = loc.snippet(&text);
            // The reach is floored to a character boundary: up to 3 bytes more.
            assert!(snippet.len() <= 2 * SNIPPET_REACH + 3, "offset {offset}");
            assert!(!snippet.contains('\n'));
        }
        // A line within reach is whole.
        let at = text.find("short").unwrap_or(0) + 2;
        assert_eq!(index.loc(&text, at, 1).snippet(&text), "short line");
    }

    #[test]
    fn fingerprint_ignores_line_numbers_but_not_content() {
        let a = Finding::new(Rule::CrossServiceRead, "m").at(
            "a.sql",
            "SELECT * FROM orders",
            14,
            6,
            "",
        );
        let b = Finding::new(Rule::CrossServiceRead, "m").at(
            "a.sql",
            "\n\n  SELECT *   FROM orders",
            19,
            6,
            "",
        );
        let c = Finding::new(Rule::CrossServiceRead, "m").at(
            "a.sql",
            "SELECT id FROM orders",
            15,
            6,
            "",
        );
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
    }
}
