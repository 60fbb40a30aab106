//! What is wrong: a [`Finding`] with its rule, severity, message, labels and a stable
//! fingerprint. Rules build findings; severity overrides, suppression and printing
//! happen elsewhere, in one place each.

use crate::rules::{Rule, Severity};
use crate::scan::{AccessKind, Confidence};
use serde::Serialize;

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

/// The start of every line of a text, so that many locations in one file cost a
/// binary search each instead of a scan from the file's start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The location of the byte range `offset..offset + len` in `text` (the text this
    /// index was built from).
    pub fn loc(&self, text: &str, offset: usize, len: usize) -> Loc {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0).min(offset);
        let column = text[line_start..offset].chars().count() + 1;
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
    /// fingerprint that survives code moving up or down the file.
    pub fn snippet(&self, text: &str) -> String {
        let offset = floor_char_boundary(text, self.offset.min(text.len()));
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
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
    fn loc_counts_lines_and_characters() {
        let text = "ab\nçd orders\n";
        let off = text.find("orders").unwrap_or(0);
        let loc = Loc::at(text, off, 6);
        assert_eq!((loc.line, loc.column), (2, 4));
        assert_eq!(loc.snippet(text), "çd orders");
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
