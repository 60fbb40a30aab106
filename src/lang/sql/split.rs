//! Statement splitter: cuts SQL text into statements without parsing it.
//!
//! The splitter knows just enough lexical structure to find statement boundaries:
//! single-, double- and backtick-quoted text, `--`, `#` and `/* */` comments (nested
//! where the dialect nests them), PostgreSQL dollar quoting (`$$ … $$`,
//! `$tag$ … $tag$`), psql meta-commands (`\c db` lines, with or without a `;`, and
//! `\g` after a query), the MySQL client's `DELIMITER` command, the batch separators
//! of Oracle (`/` alone on a line) and SQL Server (`GO` alone on a line), `COPY … FROM
//! stdin` data blocks ending in `\.`, and migration-tool annotations (goose and
//! sql-migrate `-- +goose Up`, `-- +goose StatementBegin`, dbmate `-- migrate:up`).
//!
//! # Faults
//!
//! A quote, dollar quote or block comment that never closes loses only the statement
//! it is in: it is reported ([`Item::Unterminated`]) and reading starts again after
//! the next line that ends with the delimiter (or is a batch separator), so the
//! statements after it are still found. Each unterminated opener costs one read to
//! the end of the text, so after [`MAX_RESYNCS`] of them the rest of the text is one
//! statement, as a file of nothing but broken quotes deserves: the cost stays linear.
//!
//! It runs in one left-to-right pass over the bytes (every byte it inspects is ASCII,
//! so cuts always fall on UTF-8 character boundaries) and never recurses.

use crate::lang::{ident_bytes, line_end};

/// One thing found in the text, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// A statement: byte range in the text, without the delimiter, with leading
    /// whitespace and comments and trailing whitespace removed. Never empty.
    Stmt { start: usize, end: usize },
    /// `\c db` / `\connect db`: later statements run in database `db`.
    Connect { db: String },
    /// `-- +goose Up`, `-- +migrate Up`, `-- migrate:up`.
    Up,
    /// `-- +goose Down`, `-- +migrate Down`, `-- migrate:down`.
    Down,
    /// A quote, dollar quote or block comment opened at this offset and never closed.
    /// Reading went on at `resumed` (the end of the text once [`MAX_RESYNCS`] are
    /// spent): the statement it was in, up to there, is not analysed.
    Unterminated {
        offset: usize,
        what: &'static str,
        resumed: usize,
    },
}

/// How many unterminated openers a text may have before the rest of it is read as
/// one statement (see the module documentation).
pub(crate) const MAX_RESYNCS: usize = 16;

/// Whether `/* /* */ */` nests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nesting {
    /// MySQL, SQLite: a comment ends at the first `*/`.
    Flat,
    /// PostgreSQL: each `/*` inside a comment needs its own `*/`.
    Nested,
    /// Dialect unknown: nested, unless the nested reading never closes and the flat one
    /// does.
    NestedOrFlat,
}

/// Lexical options that depend on the dialect.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Backslash escapes a quote inside '…' and "…" (MySQL). When false, only
    /// PostgreSQL `E'…'` strings use backslash escapes.
    pub backslash_escapes: bool,
    /// Whether `/* /* */ */` nests.
    pub nesting: Nesting,
    /// `#` starts a comment anywhere outside quotes (MySQL). Otherwise only at the
    /// start of a line or between statements, since it is an operator in PostgreSQL.
    pub hash_comments: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            backslash_escapes: true,
            nesting: Nesting::NestedOrFlat,
            hash_comments: false,
        }
    }
}

fn is_ident_byte(b: u8) -> bool {
    IDENT[usize::from(b)]
}

static IDENT: [bool; 256] = ident_bytes(b"");

/// If a dollar-quote opener `$tag$` starts at `i`, its length.
pub(crate) fn dollar_tag_len(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'$') {
        return None;
    }
    if i > 0 && (is_ident_byte(b[i - 1]) || b[i - 1] == b'$') {
        return None;
    }
    let mut j = i + 1;
    if let Some(&c) = b.get(j)
        && (c.is_ascii_alphabetic() || c == b'_' || c >= 0x80)
    {
        while j < b.len() && is_ident_byte(b[j]) {
            j += 1;
        }
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1 - i)
}

/// Finds `needle` in `hay` starting at `from`; linear.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..].iter().position(|&c| c == first) {
            None => return None,
            Some(p) => {
                i += p;
                if i + needle.len() <= hay.len() && &hay[i..i + needle.len()] == needle {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// Skips a quoted run starting at `i` (on the opening quote); returns the index after
/// the closing quote, or `None` when unterminated.
pub(crate) fn skip_quoted(b: &[u8], i: usize, backslash: bool) -> Option<usize> {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if backslash && c == b'\\' {
            j += 2;
            continue;
        }
        if c == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return Some(j + 1);
        }
        j += 1;
    }
    None
}

/// Skips a block comment starting at `i` (on `/*`); returns the index after `*/`, or
/// `None` when unterminated.
pub(crate) fn skip_block_comment(b: &[u8], i: usize, nested: bool) -> Option<usize> {
    let mut depth = 1usize;
    let mut j = i + 2;
    while j + 1 < b.len() {
        if b[j] == b'*' && b[j + 1] == b'/' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Some(j);
            }
        } else if nested && b[j] == b'/' && b[j + 1] == b'*' {
            depth += 1;
            j += 2;
        } else {
            j += 1;
        }
    }
    None
}

/// Skips a block comment starting at `i` (on `/*`) read with `nesting`. When a
/// nested reading never closes and a flat one does, the text does not nest: `nesting`
/// becomes [`Nesting::Flat`] for the comments after it, so that a text of many
/// `/* /* */` comments is not read to its end once per comment.
pub(crate) fn skip_comment(b: &[u8], i: usize, nesting: &mut Nesting) -> Option<usize> {
    match *nesting {
        Nesting::Flat => skip_block_comment(b, i, false),
        Nesting::Nested => skip_block_comment(b, i, true),
        Nesting::NestedOrFlat => skip_block_comment(b, i, true).or_else(|| {
            let flat = skip_block_comment(b, i, false);
            if flat.is_some() {
                *nesting = Nesting::Flat;
            }
            flat
        }),
    }
}

/// Whether a single-quoted string at `i` uses backslash escapes under `opts`.
fn backslash_at(b: &[u8], i: usize, opts: Options) -> bool {
    if opts.backslash_escapes {
        return true;
    }
    // PostgreSQL escape string: E'…' (not part of a longer identifier).
    b[i] == b'\''
        && i > 0
        && (b[i - 1] == b'E' || b[i - 1] == b'e')
        && (i < 2 || !is_ident_byte(b[i - 2]))
}

/// A migration annotation in a `--` comment's text (after the dashes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Annotation {
    Up,
    Down,
    Begin,
    End,
}

fn annotation(comment: &[u8]) -> Option<Annotation> {
    let s = std::str::from_utf8(comment).ok()?.trim();
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("+goose")
        .or_else(|| lower.strip_prefix("+migrate"));
    if let Some(rest) = rest {
        return match rest.split_whitespace().next()? {
            "up" => Some(Annotation::Up),
            "down" => Some(Annotation::Down),
            "statementbegin" => Some(Annotation::Begin),
            "statementend" => Some(Annotation::End),
            _ => None,
        };
    }
    match lower.split_whitespace().next()? {
        "migrate:up" => Some(Annotation::Up),
        "migrate:down" => Some(Annotation::Down),
        _ => None,
    }
}

/// The database named by a psql `\c` / `\connect` line (the text after the backslash).
fn connect_target(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let cmd = words.next()?;
    if cmd != "c" && cmd != "connect" {
        return None;
    }
    let db = words.find(|w| !w.starts_with('-'))?;
    // psql takes `\c billing;` as `\c billing`.
    let db = db.trim_end_matches(';');
    let db = db
        .strip_prefix('"')
        .and_then(|d| d.strip_suffix('"'))
        .unwrap_or(db);
    (!db.is_empty()).then(|| db.to_string())
}

struct Splitter<'a> {
    b: &'a [u8],
    out: Vec<Item>,
    /// Start of the current statement's first significant byte.
    start: Option<usize>,
    /// End of the last significant byte of the current statement.
    last: usize,
}

impl Splitter<'_> {
    /// An opener at `at` that never closes: reports it and ends the statement it is in
    /// (when `in_statement`, with the text up to the resynchronisation point, for the
    /// keyword scan); returns where reading resumes.
    fn fault(
        &mut self,
        at: usize,
        what: &'static str,
        delimiter: &[u8],
        resyncs: &mut usize,
        in_statement: bool,
    ) -> usize {
        let (end, resumed) = if *resyncs < MAX_RESYNCS {
            resync(self.b, at, delimiter)
        } else {
            (self.b.len(), self.b.len())
        };
        *resyncs += 1;
        self.out.push(Item::Unterminated {
            offset: at,
            what,
            resumed,
        });
        if in_statement {
            let end = at + self.b[at..end].trim_ascii_end().len();
            self.mark(at, end);
        }
        self.flush();
        resumed
    }

    fn mark(&mut self, from: usize, to: usize) {
        if self.start.is_none() {
            self.start = Some(from);
        }
        self.last = to;
    }

    /// Ends the current statement, if any; returns its range.
    fn flush(&mut self) -> Option<(usize, usize)> {
        let start = self.start.take()?;
        let end = self.last.max(start);
        if end > start {
            self.out.push(Item::Stmt { start, end });
            Some((start, end))
        } else {
            None
        }
    }

    /// True when the statement is `COPY … FROM stdin`, which psql follows with data
    /// lines up to `\.`.
    fn is_copy_from_stdin(&self, start: usize, end: usize) -> bool {
        let s = &self.b[start..end];
        if s.len() < 4 || !s[..4].eq_ignore_ascii_case(b"copy") {
            return false;
        }
        let lower = s.to_ascii_lowercase();
        let words: Vec<&[u8]> = lower
            .split(|c| c.is_ascii_whitespace() || *c == b';')
            .filter(|w| !w.is_empty())
            .collect();
        words
            .windows(2)
            .any(|w| w[0] == b"from" && w[1] == b"stdin")
    }
}

/// The length of a batch separator line starting at `i` (on its first non-blank
/// byte), up to its line feed: Oracle's `/` or SQL Server's `GO` (with an optional
/// count, `GO 5`), alone on the line.
fn separator_end(b: &[u8], i: usize) -> Option<usize> {
    let end = line_end(b, i);
    let line = b[i..end].trim_ascii_end();
    let rest = if line == b"/" {
        &[][..]
    } else if line.len() >= 2 && line[..2].eq_ignore_ascii_case(b"go") {
        line[2..].trim_ascii()
    } else {
        return None;
    };
    rest.iter().all(u8::is_ascii_digit).then_some(end)
}

/// Where the statement an unterminated opener at `from` is in ends, and where reading
/// resumes: the first line from `from`'s on that ends with `delimiter` (blanks aside)
/// ends it at the delimiter, a later batch separator line ends it before itself;
/// failing both, the text's end ends it.
fn resync(b: &[u8], from: usize, delimiter: &[u8]) -> (usize, usize) {
    let mut pos = from;
    loop {
        let end = line_end(b, pos);
        let line = b[pos..end].trim_ascii_end();
        if line.ends_with(delimiter) {
            return (pos + line.len() - delimiter.len(), (end + 1).min(b.len()));
        }
        if pos > from {
            let first = pos + (line.len() - line.trim_ascii_start().len());
            if first < pos + line.len() && separator_end(b, first).is_some() {
                return (pos, (end + 1).min(b.len()));
            }
        }
        if end >= b.len() {
            return (b.len(), b.len());
        }
        pos = end + 1;
    }
}

/// Splits `text` into statements and directives. `opts.nesting` becomes
/// [`Nesting::Flat`] when the text shows that its comments do not nest (see
/// [`skip_comment`]), for the statements' own lexing to read them alike.
pub(crate) fn split(text: &str, opts: &mut Options) -> Vec<Item> {
    let b = text.as_bytes();
    let mut s = Splitter {
        b,
        out: Vec::new(),
        start: None,
        last: 0,
    };
    let mut delimiter: Vec<u8> = b";".to_vec();
    let mut in_block = false;
    let mut resyncs = 0usize;
    // Only spaces and tabs since the last newline (or start of text).
    let mut line_blank = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line_blank = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let was_blank = line_blank;
        line_blank = false;
        // psql meta-command: a line starting with a backslash.
        if was_blank && c == b'\\' {
            let end = line_end(b, i);
            s.flush();
            let line = String::from_utf8_lossy(&b[i + 1..end]);
            if let Some(db) = connect_target(&line) {
                s.out.push(Item::Connect { db });
            }
            i = end;
            continue;
        }
        // Oracle `/` and SQL Server `GO`: end the statement (or batch).
        if was_blank
            && matches!(c, b'/' | b'g' | b'G')
            && let Some(end) = separator_end(b, i)
        {
            s.flush();
            i = end;
            continue;
        }
        // MySQL client DELIMITER command, only between statements.
        if was_blank
            && s.start.is_none()
            && b.len() - i > 10
            && b[i..i + 9].eq_ignore_ascii_case(b"delimiter")
            && (b[i + 9] == b' ' || b[i + 9] == b'\t')
        {
            let end = line_end(b, i);
            let arg = String::from_utf8_lossy(&b[i + 9..end]);
            if let Some(d) = arg.split_whitespace().next() {
                delimiter = d.as_bytes().to_vec();
            }
            i = end;
            continue;
        }
        if !in_block && b[i..].starts_with(&delimiter) {
            let ended = s.flush();
            i += delimiter.len();
            if let Some((st, en)) = ended
                && s.is_copy_from_stdin(st, en)
            {
                // Skip the data block up to a line that is exactly `\.`.
                let mut j = line_end(b, i);
                while j < b.len() {
                    let ls = j + 1;
                    let le = line_end(b, ls.min(b.len()));
                    let line = &b[ls.min(b.len())..le];
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    j = le;
                    if line == b"\\." {
                        break;
                    }
                }
                i = j;
                line_blank = true;
            }
            continue;
        }
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let end = line_end(b, i);
                match annotation(&b[i + 2..end]) {
                    Some(Annotation::Up) => {
                        s.flush();
                        s.out.push(Item::Up);
                    }
                    Some(Annotation::Down) => {
                        s.flush();
                        s.out.push(Item::Down);
                    }
                    Some(Annotation::Begin) => {
                        s.flush();
                        in_block = true;
                    }
                    Some(Annotation::End) => {
                        s.flush();
                        in_block = false;
                    }
                    None => {}
                }
                i = end;
            }
            // MySQL `#` comment: anywhere in MySQL; else at line start, or between
            // statements.
            b'#' if opts.hash_comments || was_blank || s.start.is_none() => i = line_end(b, i),
            // psql `\g`, `\gx`, `\gset`, `\gexec` (and the MySQL client's `\G`) after
            // a query: run it.
            b'\\' if matches!(b.get(i + 1), Some(b'g' | b'G')) => {
                s.flush();
                i = line_end(b, i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match skip_comment(b, i, &mut opts.nesting) {
                Some(end) => i = end,
                None => {
                    let in_statement = s.start.is_some();
                    i = s.fault(i, "block comment", &delimiter, &mut resyncs, in_statement);
                    line_blank = true;
                }
            },
            b'\'' | b'"' | b'`' => {
                let backslash = c != b'`' && backslash_at(b, i, *opts);
                match skip_quoted(b, i, backslash) {
                    Some(end) => {
                        s.mark(i, end);
                        i = end;
                    }
                    None => {
                        let what = match c {
                            b'\'' => "quoted text (')",
                            b'"' => "quoted name (\")",
                            _ => "quoted name (`)",
                        };
                        i = s.fault(i, what, &delimiter, &mut resyncs, true);
                        line_blank = true;
                    }
                }
            }
            b'$' => match dollar_tag_len(b, i) {
                Some(n) => {
                    let tag = &b[i..i + n];
                    match find(b, i + n, tag) {
                        Some(close) => {
                            s.mark(i, close + n);
                            i = close + n;
                        }
                        None => {
                            i = s.fault(i, "dollar-quoted text", &delimiter, &mut resyncs, true);
                            line_blank = true;
                        }
                    }
                }
                None => {
                    s.mark(i, i + 1);
                    i += 1;
                }
            },
            _ => {
                // A run of ordinary bytes up to the next byte that may matter.
                let mut j = i + 1;
                while j < b.len()
                    && !matches!(
                        b[j],
                        b'\n'
                            | b' '
                            | b'\t'
                            | b'\r'
                            | b'-'
                            | b'/'
                            | b'\''
                            | b'"'
                            | b'`'
                            | b'$'
                            | b';'
                            | b'#'
                            | b'\\'
                    )
                    && b[j] != delimiter[0]
                {
                    j += 1;
                }
                s.mark(i, j);
                i = j;
            }
        }
    }
    s.flush();
    s.out
}

/// Byte ranges of the contents of dollar-quoted strings in `b[start..end]` (outside
/// comments and ordinary quotes): function bodies.
pub(crate) fn dollar_bodies(b: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => i = line_end(&b[..end], i),
            b'/' if i + 1 < end && b[i + 1] == b'*' => {
                i = skip_block_comment(&b[..end], i, true).unwrap_or(end)
            }
            b'\'' | b'"' => i = skip_quoted(&b[..end], i, false).unwrap_or(end),
            b'$' => match dollar_tag_len(&b[..end], i) {
                Some(n) => match find(&b[..end], i + n, &b[i..i + n]) {
                    Some(close) => {
                        out.push((i + n, close));
                        i = close + n;
                    }
                    None => i = end,
                },
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    out
}
