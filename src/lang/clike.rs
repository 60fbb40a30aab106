//! The shared lexer and call-shape analysis for the C-family languages ownlint reads:
//! Go, Java, Kotlin and C#.
//!
//! # Why one module
//!
//! The four languages differ in their string syntax (Go raw strings, Java text blocks,
//! Kotlin templates, C# verbatim/raw/interpolated strings) but not in the shapes that
//! touch data: a method call whose string argument is SQL, a string constant spliced
//! into a format string, an annotation or attribute naming a table. So [`lex`] turns a
//! file into one token stream per [`Dialect`] (comments dropped, string literals
//! decoded with a map back to the file), and [`run`] walks that stream once for SQL in
//! strings, asking a per-language [`Rules`] only the questions that differ: which calls
//! are logging, which are SQL sinks, which ORM shapes name tables.
//!
//! # Robustness
//!
//! Everything is a single forward pass without recursion: bracket matching uses an
//! explicit stack, template holes inside strings are scanned with a depth counter, and
//! every backward look is bounded. Any byte sequence lexes: an unterminated string or
//! comment ends at the end of its line (single-line strings) or of the file, and is
//! reported once as a [`Problem`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::embedded::Embedded;
use super::sinks::NonSql;
use super::sql;
use super::values::{self, Define, Known, Values};
use super::{Context, Extracted, Problem};
use crate::model::{Access, AccessKind, Origin, Place, TableRef, Target};

/// The language whose lexical rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Go,
    Java,
    Kotlin,
    CSharp,
}

impl Dialect {
    /// Words that, before a declared name, make its value immutable (so a string
    /// literal assigned to it can stand in for the name wherever it is used).
    fn const_words(self) -> &'static [&'static str] {
        match self {
            Dialect::Go => &["const"],
            Dialect::Java => &["final"],
            Dialect::Kotlin => &["val"],
            Dialect::CSharp => &["const", "readonly"],
        }
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    /// A string literal; the index into [`Source::strs`].
    Str(usize),
    Char,
    Number,
    Punct,
}

/// A token with its byte range in the file. For identifiers the range excludes a C#
/// `@` or Kotlin backquotes; for strings it covers prefix, quotes and contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// True when a line break (or a comment containing one) precedes the token.
    pub nl_before: bool,
}

/// One piece of a string literal's contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Contents copied unchanged from the file (`start..end`).
    Verbatim { start: usize, end: usize },
    /// An escape sequence (or a doubled `""`, `{{`) at `at` standing for `ch`.
    Decoded { ch: char, at: usize },
    /// A template hole (`${x}`, `$x`, `{x}`); `start..end` is the expression inside.
    Hole { start: usize, end: usize },
}

/// A string literal's contents as pieces mapped back to the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StrLit {
    pub parts: Vec<Part>,
}

impl StrLit {
    fn has_holes(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Hole { .. }))
    }
}

/// How a string literal is delimited and what it may contain.
#[derive(Clone, Copy)]
struct StrMode {
    /// How many `"` close it (1, or 3+ for text blocks and raw strings).
    quotes: usize,
    /// A closing byte other than `"` (Go raw strings use a backquote).
    close: u8,
    /// Backslash escapes are decoded.
    escapes: bool,
    /// `""` stands for one quote (C# verbatim strings).
    doubled: bool,
    /// A line break does not end the literal.
    multiline: bool,
    templ: Templ,
}

/// The template syntax inside a string literal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Templ {
    None,
    /// Kotlin: `$name` and `${expr}`.
    Dollar,
    /// C# interpolation with this many braces opening a hole; `raw` strings have no
    /// `{{` escape.
    Brace {
        n: usize,
        raw: bool,
    },
}

/// The lexer's output: tokens, decoded string literals and the first unterminated
/// construct.
struct Lexed {
    toks: Vec<Token>,
    strs: Vec<StrLit>,
    problem: Option<Problem>,
}

fn is_ident_start(b: u8, d: Dialect) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 || (b == b'$' && d == Dialect::Java)
}

fn is_ident_byte(b: u8, d: Dialect) -> bool {
    is_ident_start(b, d) || b.is_ascii_digit()
}

/// Two-byte operators kept as one token so `==` is never read as an assignment.
const OPS2: &[&[u8; 2]] = &[
    b"==", b"!=", b"<=", b">=", b"+=", b"-=", b":=", b"=>", b"->", b"::", b"&&", b"||", b"?.",
    b"++", b"--",
];

struct Lexer<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    d: Dialect,
    nl: bool,
    out: Lexed,
}

/// Splits `text` into tokens; comments are dropped.
fn lex(text: &str, d: Dialect) -> Lexed {
    let mut lx = Lexer {
        text,
        b: text.as_bytes(),
        i: 0,
        d,
        nl: true,
        out: Lexed {
            toks: Vec::new(),
            strs: Vec::new(),
            problem: None,
        },
    };
    lx.run();
    lx.out
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn unterminated(&mut self, at: usize, what: &str) {
        if self.out.problem.is_none() {
            self.out.problem = Some(Problem {
                offset: at,
                message: format!("unterminated {what}; the rest of it was read as text"),
            });
        }
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.out.toks.push(Token {
            kind,
            start,
            end,
            nl_before: self.nl,
        });
        self.nl = false;
    }

    fn run(&mut self) {
        let d = self.d;
        while self.i < self.b.len() {
            let i = self.i;
            let c = self.b[i];
            match c {
                b'\n' => {
                    self.nl = true;
                    self.i += 1;
                }
                _ if c.is_ascii_whitespace() || c.is_ascii_control() => self.i += 1,
                b'/' if self.at(i + 1) == b'/' => {
                    self.i = super::line_end(self.b, i);
                }
                b'/' if self.at(i + 1) == b'*' => self.block_comment(),
                b'"' => self.quoted(i),
                b'`' if d == Dialect::Go => {
                    let mode = StrMode {
                        quotes: 1,
                        close: b'`',
                        escapes: false,
                        doubled: false,
                        multiline: true,
                        templ: Templ::None,
                    };
                    self.string(i, i + 1, mode);
                }
                b'`' if d == Dialect::Kotlin => {
                    // A backquoted identifier: `` `is` ``.
                    match self.b[i + 1..]
                        .iter()
                        .position(|&c| c == b'`' || c == b'\n')
                    {
                        Some(p) if self.b[i + 1 + p] == b'`' => {
                            self.push(Kind::Ident, i + 1, i + 1 + p);
                            self.i = i + 2 + p;
                        }
                        _ => {
                            self.push(Kind::Punct, i, i + 1);
                            self.i = i + 1;
                        }
                    }
                }
                b'$' | b'@' if d == Dialect::CSharp => self.csharp_prefixed(i),
                b'\'' => self.char_lit(i),
                _ if c.is_ascii_digit() => {
                    let mut j = i + 1;
                    while j < self.b.len() && (is_ident_byte(self.b[j], d) || self.b[j] == b'.') {
                        // `1..2` is a range, not a number with two dots.
                        if self.b[j] == b'.' && !self.at(j + 1).is_ascii_digit() {
                            break;
                        }
                        j += 1;
                    }
                    self.push(Kind::Number, i, j);
                    self.i = j;
                }
                _ if is_ident_start(c, d) => {
                    let j = self.ident_end(i);
                    self.push(Kind::Ident, i, j);
                    self.i = j;
                }
                _ => {
                    let two = [c, self.at(i + 1)];
                    let len = if OPS2.iter().any(|op| **op == two) {
                        2
                    } else {
                        1
                    };
                    self.push(Kind::Punct, i, i + len);
                    self.i = i + len;
                }
            }
        }
    }

    fn ident_end(&self, mut j: usize) -> usize {
        while j < self.b.len() && is_ident_byte(self.b[j], self.d) {
            j += 1;
        }
        j
    }

    fn block_comment(&mut self) {
        let start = self.i;
        let nests = self.d == Dialect::Kotlin;
        let mut depth = 0usize;
        let mut j = start;
        loop {
            if j + 1 >= self.b.len() {
                self.unterminated(start, "block comment");
                j = self.b.len();
                break;
            }
            match (self.b[j], self.b[j + 1]) {
                (b'/', b'*') if depth == 0 || nests => {
                    depth += 1;
                    j += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                }
                (b'\n', _) => {
                    self.nl = true;
                    j += 1;
                }
                _ => j += 1,
            }
        }
        self.i = j;
    }

    /// A literal starting with `"`: Java text blocks and Kotlin raw strings use three.
    fn quoted(&mut self, i: usize) {
        let triple = self.at(i + 1) == b'"' && self.at(i + 2) == b'"';
        let mode = match self.d {
            Dialect::Java | Dialect::Kotlin if triple => StrMode {
                quotes: 3,
                close: b'"',
                escapes: self.d == Dialect::Java,
                doubled: false,
                multiline: true,
                templ: if self.d == Dialect::Kotlin {
                    Templ::Dollar
                } else {
                    Templ::None
                },
            },
            Dialect::CSharp if triple => {
                return self.csharp_raw(i, i, 0);
            }
            _ => StrMode {
                quotes: 1,
                close: b'"',
                escapes: true,
                doubled: false,
                multiline: false,
                templ: if self.d == Dialect::Kotlin {
                    Templ::Dollar
                } else {
                    Templ::None
                },
            },
        };
        self.string(i, i + mode.quotes, mode);
    }

    /// C# `$"…"`, `@"…"`, `$@"…"`, `$$"""…"""` and verbatim identifiers `@class`.
    fn csharp_prefixed(&mut self, i: usize) {
        let mut j = i;
        let (mut dollars, mut at) = (0usize, false);
        while j < self.b.len() && (self.b[j] == b'$' || self.b[j] == b'@') {
            if self.b[j] == b'$' {
                dollars += 1;
            } else {
                at = true;
            }
            j += 1;
        }
        if self.at(j) != b'"' {
            if self.b[i] == b'@' && j == i + 1 && is_ident_start(self.at(j), self.d) {
                let end = self.ident_end(j);
                self.push(Kind::Ident, j, end);
                self.i = end;
            } else {
                self.push(Kind::Punct, i, i + 1);
                self.i = i + 1;
            }
            return;
        }
        if !at && self.at(j + 1) == b'"' && self.at(j + 2) == b'"' {
            return self.csharp_raw(i, j, dollars);
        }
        let mode = StrMode {
            quotes: 1,
            close: b'"',
            escapes: !at,
            doubled: at,
            multiline: at,
            templ: if dollars > 0 {
                Templ::Brace { n: 1, raw: false }
            } else {
                Templ::None
            },
        };
        self.string(i, j + 1, mode);
    }

    /// C# raw string literal: `q` is its first quote, `dollars` its `$` prefix count.
    fn csharp_raw(&mut self, start: usize, q: usize, dollars: usize) {
        let mut quotes = 0;
        while self.at(q + quotes) == b'"' {
            quotes += 1;
        }
        let mode = StrMode {
            quotes,
            close: b'"',
            escapes: false,
            doubled: false,
            multiline: true,
            templ: if dollars > 0 {
                Templ::Brace {
                    n: dollars,
                    raw: true,
                }
            } else {
                Templ::None
            },
        };
        self.string(start, q + quotes, mode);
    }

    /// A character literal `'x'`, `'\n'`, `'\u0041'`; a lone `'` is punctuation.
    fn char_lit(&mut self, i: usize) {
        let mut j = i + 1;
        if self.at(j) == b'\\' {
            j += 2;
        }
        let limit = (i + 16).min(self.b.len());
        while j < limit && self.b[j] != b'\'' && self.b[j] != b'\n' {
            j += 1;
        }
        if j < limit && self.b[j] == b'\'' && j > i + 1 {
            self.push(Kind::Char, i, j + 1);
            self.i = j + 1;
        } else {
            self.push(Kind::Punct, i, i + 1);
            self.i = i + 1;
        }
    }

    /// Scans a string literal whose token starts at `start` and contents at `body`.
    fn string(&mut self, start: usize, body: usize, m: StrMode) {
        let b = self.b;
        let mut parts = Vec::new();
        let mut run = body;
        let mut j = body;
        let mut end = None;
        let flush = |parts: &mut Vec<Part>, from: usize, to: usize| {
            if to > from {
                parts.push(Part::Verbatim {
                    start: from,
                    end: to,
                });
            }
        };
        while j < b.len() {
            let c = b[j];
            if c == m.close {
                if m.doubled && self.at(j + 1) == b'"' {
                    flush(&mut parts, run, j);
                    parts.push(Part::Decoded { ch: '"', at: j });
                    j += 2;
                    run = j;
                    continue;
                }
                let mut k = 0;
                while k < m.quotes && self.at(j + k) == m.close {
                    k += 1;
                }
                if k == m.quotes {
                    // A longer run of quotes ends with the delimiter: the extra ones are
                    // contents (`"""a""""` is `a"`).
                    let mut extra = 0;
                    while m.quotes > 1 && self.at(j + k + extra) == m.close {
                        extra += 1;
                    }
                    flush(&mut parts, run, j + extra);
                    end = Some(j + extra + k);
                    break;
                }
                j += k;
                continue;
            }
            if c == b'\n' && !m.multiline {
                break;
            }
            if c == b'\\' && m.escapes {
                flush(&mut parts, run, j);
                j = self.escape(j, &mut parts);
                run = j;
                continue;
            }
            match m.templ {
                Templ::Dollar if c == b'$' => {
                    if self.at(j + 1) == b'{' {
                        flush(&mut parts, run, j);
                        let (s, e, next) = self.hole(j + 2, 1);
                        parts.push(Part::Hole { start: s, end: e });
                        j = next;
                        run = j;
                        continue;
                    }
                    if is_ident_start(self.at(j + 1), Dialect::Go) {
                        flush(&mut parts, run, j);
                        let mut e = j + 1;
                        while e < b.len() && is_ident_byte(b[e], Dialect::Go) {
                            e += 1;
                        }
                        parts.push(Part::Hole {
                            start: j + 1,
                            end: e,
                        });
                        j = e;
                        run = j;
                        continue;
                    }
                }
                Templ::Brace { n, raw } if c == b'{' || c == b'}' => {
                    let mut k = 0;
                    while self.at(j + k) == c {
                        k += 1;
                    }
                    if !raw && k >= 2 {
                        // `{{` and `}}` stand for one brace.
                        flush(&mut parts, run, j);
                        for p in 0..k / 2 {
                            parts.push(Part::Decoded {
                                ch: c as char,
                                at: j + 2 * p,
                            });
                        }
                        j += k / 2 * 2;
                        run = j;
                        continue;
                    }
                    if c == b'{' && k >= n {
                        let open = j + k - n;
                        flush(&mut parts, run, open);
                        let (s, e, next) = self.hole(j + k, n);
                        parts.push(Part::Hole { start: s, end: e });
                        j = next;
                        run = j;
                        continue;
                    }
                    j += k;
                    continue;
                }
                _ => {}
            }
            j += 1;
        }
        let stop = match end {
            Some(e) => e,
            None => {
                flush(&mut parts, run, j);
                self.unterminated(start, "string literal");
                j
            }
        };
        let idx = self.out.strs.len();
        self.out.strs.push(StrLit { parts });
        self.push(Kind::Str(idx), start, stop);
        self.i = stop;
    }

    /// Decodes the escape at `j` (a backslash); returns the offset after it.
    fn escape(&self, j: usize, parts: &mut Vec<Part>) -> usize {
        let Some(next) = self.text.get(j + 1..).and_then(|s| s.chars().next()) else {
            return j + 1;
        };
        let hex = |from: usize, max: usize| -> (char, usize) {
            let mut v: u32 = 0;
            let mut k = 0;
            while k < max {
                match (self.at(from + k) as char).to_digit(16) {
                    Some(h) => v = v * 16 + h,
                    None => break,
                }
                k += 1;
            }
            (char::from_u32(v).unwrap_or('\u{fffd}'), from + k)
        };
        let (ch, after) = match next {
            'n' => (Some('\n'), j + 2),
            't' => (Some('\t'), j + 2),
            'r' => (Some('\r'), j + 2),
            'b' => (Some('\u{8}'), j + 2),
            'f' => (Some('\u{c}'), j + 2),
            'a' => (Some('\u{7}'), j + 2),
            'v' => (Some('\u{b}'), j + 2),
            's' if self.d == Dialect::Java => (Some(' '), j + 2),
            '0'..='7' => {
                let mut v: u32 = 0;
                let mut k = j + 1;
                while k < j + 4 && (b'0'..=b'7').contains(&self.at(k)) {
                    v = v * 8 + u32::from(self.at(k) - b'0');
                    k += 1;
                }
                (Some(char::from_u32(v).unwrap_or('\u{fffd}')), k)
            }
            'x' => {
                let (c, k) = hex(j + 2, 4);
                (Some(c), k)
            }
            'u' => {
                // Java allows `\uuuu0041`.
                let mut k = j + 2;
                while self.at(k) == b'u' {
                    k += 1;
                }
                let (c, k) = hex(k, 4);
                (Some(c), k)
            }
            'U' => {
                let (c, k) = hex(j + 2, 8);
                (Some(c), k)
            }
            '\n' => (None, j + 2),
            '\r' if self.at(j + 2) == b'\n' => (None, j + 3),
            c => (Some(c), j + 1 + c.len_utf8()),
        };
        if let Some(ch) = ch {
            parts.push(Part::Decoded { ch, at: j });
        }
        after
    }

    /// Scans a template hole whose expression starts at `from`, closed by `n` braces.
    /// Returns the expression's range and the offset after the hole. Strings,
    /// character literals and comments inside the expression are skipped, and so are
    /// the holes of those strings, to any depth up to [`MAX_NEST`] (`"${ "${ "}" }" }"`
    /// is one literal); deeper input reads as an unclosed hole. A loop over a
    /// fixed-size stack: no recursion.
    fn hole(&self, from: usize, n: usize) -> (usize, usize, usize) {
        let b = self.b;
        let mut stack = [Nest::Code { depth: 0, close: n }; MAX_NEST];
        let mut top = 0usize;
        let mut j = from;
        while j < b.len() {
            let c = b[j];
            match stack[top] {
                Nest::Code { depth, close } => {
                    match c {
                        b'{' => {
                            stack[top] = Nest::Code {
                                depth: depth + 1,
                                close,
                            }
                        }
                        b'}' if depth > 0 => {
                            stack[top] = Nest::Code {
                                depth: depth - 1,
                                close,
                            }
                        }
                        b'}' => {
                            let mut k = 0;
                            while k < close && self.at(j + k) == b'}' {
                                k += 1;
                            }
                            if top == 0 {
                                return (from, j, j + k);
                            }
                            top -= 1;
                            j += k;
                            continue;
                        }
                        b'\n' if top == 0 && depth == 0 && self.d == Dialect::CSharp && n == 1 => {
                            return (from, j, j);
                        }
                        b'/' if self.at(j + 1) == b'/' => {
                            j = super::line_end(b, j);
                            continue;
                        }
                        b'/' if self.at(j + 1) == b'*' => {
                            j = memchr::memmem::find(&b[j + 2..], b"*/")
                                .map_or(b.len(), |p| j + 2 + p + 2);
                            continue;
                        }
                        b'\'' => {
                            j = self.char_end(j);
                            continue;
                        }
                        b'"' | b'$' | b'@' => {
                            if let Some((mode, body)) = self.string_mode(j) {
                                if top + 1 == MAX_NEST {
                                    break;
                                }
                                top += 1;
                                stack[top] = Nest::Str(mode);
                                j = body;
                                continue;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                Nest::Str(m) => {
                    if c == m.close {
                        if m.doubled && self.at(j + 1) == b'"' {
                            j += 2;
                            continue;
                        }
                        let mut k = 0;
                        while k < m.quotes && self.at(j + k) == m.close {
                            k += 1;
                        }
                        if k == m.quotes {
                            while m.quotes > 1 && self.at(j + k) == m.close {
                                k += 1;
                            }
                            top -= 1;
                        }
                        j += k;
                        continue;
                    }
                    if c == b'\n' && !m.multiline {
                        // Unterminated: the line ends it, as the lexer would report.
                        top -= 1;
                        continue;
                    }
                    if c == b'\\' && m.escapes {
                        j += 2;
                        continue;
                    }
                    let open = match m.templ {
                        Templ::Dollar if c == b'$' && self.at(j + 1) == b'{' => Some((2, 1)),
                        Templ::Brace { n, raw } if c == b'{' || c == b'}' => {
                            let mut k = 0;
                            while self.at(j + k) == c {
                                k += 1;
                            }
                            if !raw && k >= 2 {
                                // `{{` and `}}` stand for one brace.
                                j += k / 2 * 2;
                                continue;
                            }
                            if c == b'{' && k >= n {
                                Some((k, n))
                            } else {
                                j += k;
                                continue;
                            }
                        }
                        _ => None,
                    };
                    if let Some((skip, close)) = open {
                        if top + 1 == MAX_NEST {
                            break;
                        }
                        top += 1;
                        stack[top] = Nest::Code { depth: 0, close };
                        j += skip;
                        continue;
                    }
                    j += 1;
                }
            }
        }
        (from, b.len(), b.len())
    }

    /// The mode and contents' start of a string literal opening at `i` inside a hole
    /// (`"`, `"""`, C# `$"`, `@"`, `$$"""`), or `None` when no literal opens there.
    fn string_mode(&self, i: usize) -> Option<(StrMode, usize)> {
        let mut j = i;
        let (mut dollars, mut at) = (0usize, false);
        if self.d == Dialect::CSharp {
            while matches!(self.at(j), b'$' | b'@') {
                if self.at(j) == b'$' {
                    dollars += 1;
                } else {
                    at = true;
                }
                j += 1;
            }
        }
        if self.at(j) != b'"' {
            return None;
        }
        let triple = self.at(j + 1) == b'"' && self.at(j + 2) == b'"';
        let plain = StrMode {
            quotes: 1,
            close: b'"',
            escapes: true,
            doubled: false,
            multiline: false,
            templ: Templ::None,
        };
        let mode = match self.d {
            Dialect::Kotlin => StrMode {
                quotes: if triple { 3 } else { 1 },
                escapes: !triple,
                multiline: triple,
                templ: Templ::Dollar,
                ..plain
            },
            Dialect::CSharp if triple && !at => {
                let mut quotes = 0;
                while self.at(j + quotes) == b'"' {
                    quotes += 1;
                }
                StrMode {
                    quotes,
                    escapes: false,
                    multiline: true,
                    templ: if dollars > 0 {
                        Templ::Brace {
                            n: dollars,
                            raw: true,
                        }
                    } else {
                        Templ::None
                    },
                    ..plain
                }
            }
            Dialect::CSharp => StrMode {
                escapes: !at,
                doubled: at,
                multiline: at,
                templ: if dollars > 0 {
                    Templ::Brace { n: 1, raw: false }
                } else {
                    Templ::None
                },
                ..plain
            },
            _ => plain,
        };
        Some((mode, j + mode.quotes))
    }

    /// The end of a character literal at `i` (`'x'`, `'\''`, `'"'`), or `i + 1` for a
    /// lone `'`: the same rule as [`Lexer::char_lit`].
    fn char_end(&self, i: usize) -> usize {
        let mut j = i + 1;
        if self.at(j) == b'\\' {
            j += 2;
        }
        let limit = (i + 16).min(self.b.len());
        while j < limit && self.b[j] != b'\'' && self.b[j] != b'\n' {
            j += 1;
        }
        if j < limit && self.b[j] == b'\'' && j > i + 1 {
            j + 1
        } else {
            i + 1
        }
    }
}

/// How deep strings and holes may nest inside one template hole.
const MAX_NEST: usize = 32;

/// What [`Lexer::hole`] is inside.
#[derive(Clone, Copy)]
enum Nest {
    /// Code of a hole closed by `close` braces, with `depth` unclosed `{` of its own.
    Code { depth: usize, close: usize },
    /// A string literal.
    Str(StrMode),
}

/// No matching bracket.
const NONE: usize = usize::MAX;

/// A lexed file with bracket structure and the string constants it declares.
pub struct Source<'a> {
    pub text: &'a str,
    pub dialect: Dialect,
    pub toks: Vec<Token>,
    pub strs: Vec<StrLit>,
    /// For an opening bracket, the index of its closing bracket (`toks.len()` when
    /// unclosed); for a closing bracket, its opening one; [`NONE`] otherwise.
    partner: Vec<usize>,
    /// The innermost open bracket around each token, or [`NONE`].
    enclosing: Vec<usize>,
    /// String constants: name → index of the literal token (ambiguous names removed).
    /// A class or object member is also known as `Owner.NAME`.
    constants: HashMap<String, usize>,
    /// The constants other files of the package may use: name and literal token.
    package_level: Vec<(String, usize)>,
    /// Names assigned after their declaration (Go).
    assigned: Vec<String>,
    /// Go `var`s among the constants: another file's assignment undoes them.
    vars: HashSet<String>,
    /// The constants other files of the package define.
    known: Option<&'a Known>,
    /// Names used where SQL text was needed that have no value here.
    open: RefCell<Vec<String>>,
    problem: Option<Problem>,
}

/// A constant's value: a literal of this file or a definition in another file.
#[derive(Clone, Copy)]
enum Value<'a> {
    /// The literal token of a constant of this file.
    Local(usize),
    /// The value of another file's constant and the scan's index of it.
    Outer(&'a str, usize),
}

/// How a constant is declared, when it is one.
struct Decl<'a> {
    /// Other files of the package may use it.
    package_level: bool,
    /// The class or object it is a member of, for `Owner.NAME`.
    owner: Option<&'a str>,
    /// A Go `var`: a constant only while nothing assigns it.
    var: bool,
}

/// A call (or annotation/attribute application) `recv.name<T>(args)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The method name token.
    pub name: usize,
    /// The last identifier of the receiver expression (`jdbc` in `this.jdbc.query(`,
    /// `getJdbc` in `getJdbc().query(`).
    pub recv: Option<usize>,
    /// The `(` token and its partner.
    pub open: usize,
    pub close: usize,
    /// Preceded by `@`: a Java/Kotlin annotation.
    pub annotation: bool,
    /// Preceded by `new`: a constructor call.
    pub new: bool,
}

/// One argument of a call: `key = value`, `key: value` or a positional value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    pub key: Option<usize>,
    /// Token range of the value.
    pub start: usize,
    pub end: usize,
}

/// SQL text assembled from a string expression, with the literals it used.
pub struct Built {
    pub emb: Embedded,
    /// Literal tokens the text came from (the expression's own and the constants').
    pub used: Vec<usize>,
    /// True when any text came from a literal or constant (not only holes).
    pub has_text: bool,
}

impl Built {
    fn new() -> Self {
        Built {
            emb: Embedded::new(),
            used: Vec::new(),
            has_text: false,
        }
    }
}

/// The placeholder syntax of a format string or of a SQL API's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatStyle {
    /// `%s`, `%[1]s`, `%1$s`, `%%`, `%n`.
    Printf,
    /// `{0}`, `{0,10:N}`, `{{` (also EF Core's `FromSqlRaw` parameters).
    Dotnet,
    /// MyBatis `#{param}` (a value) and `${name}` (spliced text).
    MyBatis,
}

/// What a primary expression is, for assembling SQL text.
enum Operand<'a> {
    /// A string literal token.
    Lit(usize),
    /// A string literal followed by `.format(..)`/`.formatted(..)`.
    LitFormat(usize, Call),
    /// `fmt.Sprintf(..)`, `String.format(..)`, `string.Format(..)`.
    Format(Call, FormatStyle),
    /// A name (`T`, `Tables.ORDERS`: tokens `first..end`) with a constant value.
    Const {
        first: usize,
        end: usize,
        value: Value<'a>,
    },
    /// Anything else, starting at this token.
    Other(usize),
}

impl<'a> Source<'a> {
    /// Lexes `text` and computes its bracket structure and constants.
    pub fn new(text: &'a str, dialect: Dialect) -> Self {
        Self::with_known(text, dialect, None)
    }

    /// Like [`Self::new`], with the constants other files of the package define (a
    /// constant of this file wins over one of the same name there).
    pub fn with_known(text: &'a str, dialect: Dialect, known: Option<&'a Known>) -> Self {
        let lexed = lex(text, dialect);
        let n = lexed.toks.len();
        let mut src = Source {
            text,
            dialect,
            toks: lexed.toks,
            strs: lexed.strs,
            partner: vec![NONE; n],
            enclosing: vec![NONE; n],
            constants: HashMap::new(),
            package_level: Vec::new(),
            assigned: Vec::new(),
            vars: HashSet::new(),
            known,
            open: RefCell::new(Vec::new()),
            problem: lexed.problem,
        };
        src.match_brackets();
        src.collect_constants();
        src
    }

    /// Matches brackets with a stack. A closer that does not match the innermost
    /// opener closes a nearby enclosing one of its kind (looking a few levels down,
    /// so that recovery stays linear); otherwise it is ignored.
    fn match_brackets(&mut self) {
        let n = self.toks.len();
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..n {
            self.enclosing[i] = stack.last().copied().unwrap_or(NONE);
            let p = self.punct(i);
            match p {
                "(" | "[" | "{" => stack.push(i),
                ")" | "]" | "}" => {
                    let want = match p {
                        ")" => "(",
                        "]" => "[",
                        _ => "{",
                    };
                    let depth = stack.len();
                    let found = (1..=depth.min(8)).find(|&k| self.punct(stack[depth - k]) == want);
                    if let Some(k) = found {
                        for _ in 1..k {
                            if let Some(o) = stack.pop() {
                                self.partner[o] = i;
                            }
                        }
                        if let Some(o) = stack.pop() {
                            self.partner[o] = i;
                            self.partner[i] = o;
                        }
                    }
                }
                _ => {}
            }
        }
        for o in stack {
            self.partner[o] = n;
        }
    }

    /// The text of punctuation token `i` (empty for other tokens and out of range).
    pub fn punct(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Punct => &self.text[t.start..t.end],
            _ => "",
        }
    }

    /// The text of identifier token `i`.
    pub fn ident(&self, i: usize) -> Option<&'a str> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Ident => Some(&self.text[t.start..t.end]),
            _ => None,
        }
    }

    /// True when token `i` is the identifier `word`.
    pub fn is_word(&self, i: usize, word: &str) -> bool {
        self.ident(i) == Some(word)
    }

    /// The literal behind string token `i`.
    pub fn lit(&self, i: usize) -> Option<&StrLit> {
        match self.toks.get(i)?.kind {
            Kind::Str(s) => self.strs.get(s),
            _ => None,
        }
    }

    /// The matching bracket of token `i`, if it is a bracket.
    pub fn partner(&self, i: usize) -> Option<usize> {
        self.partner.get(i).copied().filter(|&p| p != NONE)
    }

    /// The innermost open bracket around token `i`.
    pub fn enclosing(&self, i: usize) -> Option<usize> {
        self.enclosing.get(i).copied().filter(|&p| p != NONE)
    }

    /// The literal token of this file's string constant `name`.
    pub fn constant(&self, name: &str) -> Option<usize> {
        self.constants.get(name).copied()
    }

    /// The value of constant `name`: this file's, or else another file's of the
    /// package.
    fn value(&self, name: &str) -> Option<Value<'a>> {
        if let Some(l) = self.constant(name) {
            return Some(Value::Local(l));
        }
        let (v, id) = self.known?.get(name)?;
        Some(Value::Outer(v, id))
    }

    /// The name `T` or `Owner.T` written by tokens `first..end`, if it is one.
    fn name_at(&self, first: usize, end: usize) -> Option<String> {
        let head = self.ident(first)?;
        match end.checked_sub(first)? {
            1 => Some(head.to_string()),
            3 if self.punct(first + 1) == "." => Some(format!("{head}.{}", self.ident(first + 2)?)),
            _ => None,
        }
    }

    /// The value of the name written by tokens `first..end`; a name without one is
    /// noted as open (another file of the package may define it).
    fn name_value(&self, first: usize, end: usize) -> Option<Value<'a>> {
        let name = self.name_at(first, end)?;
        let value = self.value(&name);
        if value.is_none() {
            self.open.borrow_mut().push(name);
        }
        value
    }

    /// Records `NAME = "literal"` declarations that are immutable by the language's
    /// rules (`const`, `final`, `val`, `readonly`, or inside a Go `const ( .. )`
    /// block), and Go package-level `var`s that nothing assigns again. A name declared
    /// twice with different text is dropped: not guessing.
    fn collect_constants(&mut self) {
        let mut seen: HashMap<String, Option<usize>> = HashMap::new();
        let mut package_level = Vec::new();
        let mut decls: Vec<usize> = Vec::new();
        let mut vars: HashSet<&str> = HashSet::new();
        for j in 2..self.toks.len() {
            if self.punct(j - 1) != "=" || self.lit(j).is_none_or(StrLit::has_holes) {
                continue;
            }
            if matches!(self.punct(j + 1), "+" | "." | "(" | "[" | "?" | "?.") {
                continue;
            }
            let mut name = j - 2;
            if self.dialect == Dialect::Go
                && self.ident(j - 2) == Some("string")
                && self.ident(j.wrapping_sub(3)).is_some()
            {
                name = j - 3;
            } else if self.dialect == Dialect::Kotlin && self.punct(j.wrapping_sub(3)) == ":" {
                name = j.saturating_sub(4);
            }
            let Some(n) = self.ident(name) else { continue };
            let Some(decl) = self.declaration(name) else {
                continue;
            };
            decls.push(name);
            if decl.var {
                vars.insert(n);
            }
            let text = self.lit_text(j);
            let qualified = decl.owner.map(|o| format!("{o}.{n}"));
            for key in std::iter::once(n.to_string()).chain(qualified) {
                if decl.package_level {
                    package_level.push((key.clone(), j));
                }
                let entry = seen.entry(key).or_insert(Some(j));
                if let Some(prev) = *entry
                    && self.lit_text(prev) != text
                {
                    *entry = None;
                }
            }
        }
        self.assigned = self.assignments(&decls);
        for a in &self.assigned {
            if vars.contains(a.as_str()) {
                seen.remove(a);
            }
        }
        self.vars = vars.iter().map(|v| v.to_string()).collect();
        self.constants = seen
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        package_level.retain(|(k, j)| self.constants.get(k) == Some(j));
        self.package_level = package_level;
    }

    /// Go: the names assigned anywhere but at a declaration (`x = ..`, `x += ..`,
    /// `a, x = ..`, `&x`): a package-level `var` assigned in any file of the package
    /// is no constant. Other languages' constants cannot be assigned.
    fn assignments(&self, declared: &[usize]) -> Vec<String> {
        if self.dialect != Dialect::Go {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for k in 0..self.toks.len() {
            let Some(name) = self.ident(k) else { continue };
            // `declared` is in token order.
            if declared.binary_search(&k).is_ok() || (k > 0 && self.punct(k - 1) == ".") {
                continue;
            }
            let mut next = k + 1;
            // `a, b.c, x = ..`: the names of a multiple assignment.
            for _ in 0..16 {
                if self.punct(next) == "," || self.punct(next) == "." {
                    next += 2;
                } else {
                    break;
                }
            }
            let assigned = matches!(self.punct(next), "=" | "+=")
                || (k > 0 && self.punct(k - 1) == "&")
                || matches!(self.punct(k + 1), "++" | "--");
            if assigned && seen.insert(name) {
                out.push(name.to_string());
            }
        }
        out
    }

    /// How the name at token `name` is declared, if as a constant.
    fn declaration(&self, name: usize) -> Option<Decl<'a>> {
        let words = self.dialect.const_words();
        let mut modifiers: Vec<&str> = Vec::new();
        let mut k = name;
        for _ in 0..8 {
            if k == 0 {
                break;
            }
            k -= 1;
            match self.ident(k) {
                Some(w) => modifiers.push(w),
                None if self.punct(k) == "." => {}
                None => break,
            }
        }
        let has = |w: &str| modifiers.contains(&w);
        let enclosing = self.enclosing(name);
        if self.dialect == Dialect::Go {
            // `const X = ..`, `var X = ..`, or inside `const ( .. )`/`var ( .. )`.
            let group =
                enclosing.filter(|&o| self.punct(o) == "(" && o > 0 && self.enclosing(o).is_none());
            let group_word = group.and_then(|o| self.ident(o - 1));
            let top = enclosing.is_none() || group_word.is_some();
            let word = modifiers.first().copied().or(group_word);
            return match word {
                Some("const") => Some(Decl {
                    package_level: top,
                    owner: None,
                    var: false,
                }),
                // An exported variable may be assigned by any package that imports
                // it, which this package's files do not show: only unexported ones.
                Some("var")
                    if top
                        && !self.text[self.toks[name].start..].starts_with(char::is_uppercase) =>
                {
                    Some(Decl {
                        package_level: true,
                        owner: None,
                        var: true,
                    })
                }
                _ if enclosing.is_some_and(|o| {
                    self.punct(o) == "(" && o > 0 && self.is_word(o - 1, "const")
                }) =>
                {
                    Some(Decl {
                        package_level: false,
                        owner: None,
                        var: false,
                    })
                }
                _ => None,
            };
        }
        if !words.iter().any(|w| has(w)) {
            return None;
        }
        let owner = enclosing.and_then(|o| self.owner(o));
        let package_level = match self.dialect {
            Dialect::Java => has("static") && owner.is_some(),
            Dialect::Kotlin => enclosing.is_none() || owner.is_some_and(|(_, object)| object),
            Dialect::CSharp => (has("const") || has("static")) && owner.is_some(),
            Dialect::Go => false,
        };
        Some(Decl {
            package_level,
            owner: owner.map(|(o, _)| o),
            var: false,
        })
    }

    /// The class, interface or object whose body opens at `brace`, and whether it is
    /// a Kotlin `object` (whose members are static). A companion object's members
    /// belong to the class around it.
    fn owner(&self, brace: usize) -> Option<(&'a str, bool)> {
        if self.punct(brace) != "{" {
            return None;
        }
        let mut k = brace;
        for _ in 0..48 {
            k = k.checked_sub(1)?;
            match self.punct(k) {
                ";" | "{" | "}" | "=" => return None,
                // Skip a parameter list, supertype arguments or annotations' arguments.
                ")" => k = self.partner(k)?,
                _ => {}
            }
            match self.ident(k) {
                Some("class" | "interface" | "enum" | "record" | "struct") => {
                    return self.ident(k + 1).map(|n| (n, false));
                }
                Some("object") => {
                    if k > 0 && self.is_word(k - 1, "companion") {
                        let outer = self.enclosing(brace)?;
                        return self.owner(outer).map(|(n, _)| (n, true));
                    }
                    return self.ident(k + 1).map(|n| (n, true));
                }
                _ => {}
            }
        }
        None
    }

    /// The package the file declares: `package a.b` (Go, Java, Kotlin) or the first
    /// `namespace A.B` (C#).
    fn unit(&self) -> Option<String> {
        let word = if self.dialect == Dialect::CSharp {
            "namespace"
        } else {
            "package"
        };
        let at = (0..self.toks.len())
            .find(|&k| self.is_word(k, word) && (k == 0 || self.toks[k].nl_before))?;
        let mut name = String::new();
        let mut k = at + 1;
        while let Some(part) = self.ident(k) {
            name.push_str(part);
            if self.punct(k + 1) != "." {
                break;
            }
            name.push('.');
            k += 2;
        }
        (!name.is_empty()).then_some(name)
    }

    /// What this file tells its package about constants (see [`values`]).
    fn values(&self) -> Values {
        let defines = self
            .package_level
            .iter()
            .filter_map(|(name, l)| {
                let value = self.lit_text(*l);
                let t = self.toks[*l];
                values::is_name(&value).then(|| Define {
                    var: self.vars.contains(name),
                    name: name.clone(),
                    value,
                    offset: t.start,
                    len: t.end - t.start,
                })
            })
            .collect();
        let mut open = self.open.take();
        open.sort();
        open.dedup();
        Values {
            unit: self.unit(),
            defines,
            assigned: self.assigned.clone(),
            open,
        }
    }

    /// The decoded text of literal token `i`, holes as [`sql::HOLE`].
    pub fn lit_text(&self, i: usize) -> String {
        let mut s = String::new();
        for p in self.lit(i).map(|l| l.parts.as_slice()).unwrap_or_default() {
            match *p {
                Part::Verbatim { start, end } => s.push_str(&self.text[start..end]),
                Part::Decoded { ch, .. } => s.push(ch),
                Part::Hole { .. } => s.push_str(sql::HOLE),
            }
        }
        s
    }

    /// The call whose name is token `i`, if `i` is an identifier followed by
    /// (optional generic arguments and) `(`.
    pub fn call_at(&self, i: usize) -> Option<Call> {
        self.ident(i)?;
        let mut open = i + 1;
        if self.punct(open) == "<" {
            open = self.skip_generics(open)?;
        }
        if self.punct(open) != "(" {
            return None;
        }
        let close = self.partner(open).unwrap_or(self.toks.len());
        let mut recv = None;
        if i >= 2 && matches!(self.punct(i - 1), "." | "?.") {
            if self.ident(i - 2).is_some() {
                recv = Some(i - 2);
            } else if self.punct(i - 2) == ")"
                && let Some(o) = self.partner(i - 2)
                && o > 0
            {
                recv = self.name_before(o - 1);
            }
        }
        // Walk back over a qualifier (`javax.persistence.Table`) and a Kotlin use-site
        // target (`@field:JoinTable`) to what precedes the name.
        let mut k = i;
        for _ in 0..16 {
            if k >= 2 && self.punct(k - 1) == "." && self.ident(k - 2).is_some() {
                k -= 2;
            } else {
                break;
            }
        }
        if self.dialect == Dialect::Kotlin
            && k >= 3
            && self.punct(k - 1) == ":"
            && self.ident(k - 2).is_some()
            && self.punct(k - 3) == "@"
        {
            k -= 2;
        }
        let annotation = k >= 1 && self.punct(k - 1) == "@";
        let new = k >= 1 && self.is_word(k - 1, "new");
        Some(Call {
            name: i,
            recv,
            open,
            close,
            annotation,
            new,
        })
    }

    /// The identifier ending at `k`, skipping generic arguments (`Entity<Order>`).
    fn name_before(&self, k: usize) -> Option<usize> {
        if self.ident(k).is_some() {
            return Some(k);
        }
        if self.punct(k) != ">" {
            return None;
        }
        let mut depth = 0usize;
        for j in (k.saturating_sub(64)..=k).rev() {
            match self.punct(j) {
                ">" => depth += 1,
                "<" => {
                    depth -= 1;
                    if depth == 0 {
                        return j.checked_sub(1).filter(|&n| self.ident(n).is_some());
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Skips `<..>` generic arguments starting at `lt`; returns the token after them.
    fn skip_generics(&self, lt: usize) -> Option<usize> {
        let mut depth = 0usize;
        for k in lt..(lt + 64).min(self.toks.len()) {
            match self.punct(k) {
                "<" => depth += 1,
                ">" => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                "," | "." | "?" | "[" | "]" => {}
                _ if self.ident(k).is_some() => {}
                _ => return None,
            }
        }
        None
    }

    /// The top-level arguments of a call.
    pub fn args(&self, call: &Call) -> Vec<Arg> {
        let mut out = Vec::new();
        let end = call.close.min(self.toks.len());
        let mut start = call.open + 1;
        let mut k = start;
        while k <= end {
            if k == end || self.punct(k) == "," {
                if k > start {
                    out.push(self.arg(start, k));
                }
                start = k + 1;
                k += 1;
                continue;
            }
            k = match self.punct(k) {
                "(" | "[" | "{" => self.partner(k).map_or(end, |p| p.min(end - 1) + 1),
                _ => k + 1,
            };
        }
        out
    }

    fn arg(&self, start: usize, end: usize) -> Arg {
        let keyed = self.ident(start).is_some()
            && start + 2 < end
            && (self.punct(start + 1) == "=" || self.punct(start + 1) == ":");
        if keyed {
            Arg {
                key: Some(start),
                start: start + 2,
                end,
            }
        } else {
            Arg {
                key: None,
                start,
                end,
            }
        }
    }

    /// The argument with one of `keys`, or else the `pos`-th positional argument.
    pub fn arg_named(&self, args: &[Arg], keys: &[&str], pos: Option<usize>) -> Option<Arg> {
        let keyed = args.iter().find(|a| {
            a.key
                .and_then(|k| self.ident(k))
                .is_some_and(|k| keys.contains(&k))
        });
        if let Some(a) = keyed {
            return Some(*a);
        }
        pos.and_then(|p| args.iter().filter(|a| a.key.is_none()).nth(p).copied())
    }

    /// The table named by an ORM call's arguments: the name from `names`/`pos`, a
    /// schema from `schema` (key, position) overriding one written in the name.
    pub fn table_arg(
        &self,
        args: &[Arg],
        names: &[&str],
        pos: Option<usize>,
        schema: (&[&str], Option<usize>),
        kind: AccessKind,
    ) -> Option<Access> {
        let a = self.arg_named(args, names, pos)?;
        let mut access = self.table_in(a.start, a.end, kind)?;
        let schema = self
            .arg_named(args, schema.0, schema.1)
            .and_then(|s| self.string_value(&s));
        if let (Some(s), Target::Table(t)) = (schema, &mut access.target) {
            t.schema = Some(s);
        }
        Some(access)
    }

    /// The text of a string-valued argument (a literal or constant), without holes.
    pub fn string_value(&self, a: &Arg) -> Option<String> {
        let b = self.build_arg(a);
        let text = b.emb.text().trim();
        (b.has_text && !text.is_empty() && !text.contains(sql::HOLE)).then(|| text.to_string())
    }

    /// The formatting style when `call` is a known string-formatting function.
    fn format_style(&self, call: &Call) -> Option<FormatStyle> {
        let name = self.ident(call.name)?;
        let recv = call.recv.and_then(|r| self.ident(r));
        match (recv, name) {
            (Some("fmt"), "Sprintf") | (Some("String"), "format") => Some(FormatStyle::Printf),
            (Some("string" | "String"), "Format") => Some(FormatStyle::Dotnet),
            _ => None,
        }
    }

    /// Parses the primary expression at `i` (bounded by `end`); returns it and the
    /// index after it.
    fn operand(&self, i: usize, end: usize) -> (Operand<'a>, usize) {
        let after_group = |k: usize| self.partner(k).map_or(end, |p| (p + 1).min(end));
        if self.lit(i).is_some() {
            if self.punct(i + 1) == "."
                && let Some(call) = self.call_at(i + 2)
                && call.close < end
            {
                let next = call.close + 1;
                return match self.ident(i + 2) {
                    Some("format" | "formatted") => (Operand::LitFormat(i, call), next),
                    Some(
                        "trimIndent" | "trimMargin" | "stripIndent" | "trim" | "strip" | "intern"
                        | "toString" | "Trim",
                    ) => (Operand::Lit(i), next),
                    _ => (Operand::Lit(i), i + 1),
                };
            }
            return (Operand::Lit(i), i + 1);
        }
        if self.ident(i).is_some() {
            // `a.b.c(..)[..].d(..)`: the last call decides what it is.
            let mut k = i;
            let mut last_call = None;
            while k < end {
                if let Some(call) = self.call_at(k) {
                    last_call = Some(call);
                    k = call.close.saturating_add(1).min(end);
                } else if self.ident(k).is_some() {
                    k += 1;
                } else {
                    break;
                }
                while k < end && self.punct(k) == "[" {
                    k = after_group(k);
                }
                if k < end && matches!(self.punct(k), "." | "?." | "!") {
                    k += 1;
                } else {
                    break;
                }
            }
            let next = k.max(i + 1);
            if let Some(call) = last_call
                && next == call.close + 1
                && let Some(style) = self.format_style(&call)
            {
                return (Operand::Format(call, style), next);
            }
            if last_call.is_none()
                && let Some(value) = self.name_value(i, next)
            {
                return (
                    Operand::Const {
                        first: i,
                        end: next,
                        value,
                    },
                    next,
                );
            }
            return (Operand::Other(i), next);
        }
        if matches!(self.punct(i), "(" | "[" | "{") {
            return (Operand::Other(i), after_group(i));
        }
        (Operand::Other(i), i + 1)
    }

    /// Assembles the SQL text of a string expression in `start..end`: operands joined
    /// with `+`. Literals keep their file offsets, constants are substituted with
    /// offsets at their declaration, anything else becomes [`sql::HOLE`]. Returns the
    /// text and the index after the last operand.
    pub fn build(&self, start: usize, end: usize) -> (Built, usize) {
        let mut b = Built::new();
        let mut i = start;
        while i < end {
            let (op, next) = self.operand(i, end);
            match op {
                Operand::Lit(l) => self.push_lit(l, &mut b),
                Operand::Const {
                    first,
                    end: last,
                    value,
                } => {
                    // A constant holding the whole query is read where it is written.
                    let sole = i == start && !(next < end && self.punct(next) == "+");
                    self.push_const(first, last, value, sole, &mut b);
                }
                Operand::LitFormat(l, call) => {
                    let args = self.args(&call);
                    self.push_format(l, &args, FormatStyle::Printf, &mut b);
                }
                Operand::Format(call, style) => {
                    let args = self.args(&call);
                    // The format is the first literal (Java may pass a Locale first).
                    let fmt = args.iter().take(2).position(|a| {
                        self.lit(a.start).is_some() || self.const_at(a.start, a.end).is_some()
                    });
                    match fmt {
                        Some(p) => {
                            let a = args[p];
                            let l = self.const_at(a.start, a.end).unwrap_or(a.start);
                            self.push_format(l, &args[p + 1..], style, &mut b);
                        }
                        None => b.emb.push_hole(sql::HOLE, self.toks[i].start),
                    }
                }
                Operand::Other(t) => b.emb.push_hole(sql::HOLE, self.toks[t].start),
            }
            i = next;
            if i < end && self.punct(i) == "+" {
                i += 1;
            } else {
                break;
            }
        }
        (b, i)
    }

    /// Like [`Self::build`] for a whole argument: what follows the operands becomes a
    /// hole.
    pub fn build_arg(&self, arg: &Arg) -> Built {
        let (mut b, next) = self.build(arg.start, arg.end);
        if next < arg.end {
            b.emb.push_hole(sql::HOLE, self.toks[next].start);
        }
        b
    }

    /// The literal token of the constant named by the single identifier `start..end`,
    /// or the literal itself.
    fn const_at(&self, start: usize, end: usize) -> Option<usize> {
        if end != start + 1 {
            return None;
        }
        if self.lit(start).is_some() {
            return Some(start);
        }
        self.ident(start).and_then(|n| self.constant(n))
    }

    /// Appends literal token `l`; its template holes holding a constant are
    /// substituted.
    fn push_lit(&self, l: usize, b: &mut Built) {
        let Some(lit) = self.lit(l) else { return };
        b.used.push(l);
        for p in &lit.parts {
            self.push_part(*p, b);
        }
    }

    fn push_part(&self, p: Part, b: &mut Built) {
        match p {
            Part::Verbatim { start, end } => {
                b.has_text = true;
                b.emb.push_verbatim(&self.text[start..end], start);
            }
            Part::Decoded { ch, at } => {
                b.has_text = true;
                b.emb.push_decoded(ch.encode_utf8(&mut [0; 4]), at);
            }
            Part::Hole { start, end } => match self.hole_constant(start, end) {
                Some((name, value)) => self.push_value(name, value, start, end - start, b),
                None => b.emb.push_hole(sql::HOLE, start),
            },
        }
    }

    /// The constant a template hole names and its value: `{T}`, `${T}`, `$T`,
    /// `${Tables.ORDERS}`, C# `{T,10:x}`. A name without a value is noted as open.
    fn hole_constant(&self, start: usize, end: usize) -> Option<(&'a str, Value<'a>)> {
        let expr = self.text.get(start..end)?.trim();
        let name_byte = |c: u8| is_ident_byte(c, self.dialect);
        let head = expr
            .bytes()
            .position(|c| !name_byte(c))
            .unwrap_or(expr.len());
        // One qualifier: `Owner.NAME`.
        let name_len = match expr.as_bytes().get(head) {
            Some(b'.') => {
                let tail = &expr[head + 1..];
                head + 1
                    + tail
                        .bytes()
                        .position(|c| !name_byte(c))
                        .unwrap_or(tail.len())
            }
            _ => head,
        };
        let (name, rest) = expr.split_at(name_len);
        let rest = rest.trim_start();
        if name.is_empty()
            || name.ends_with('.')
            || !(rest.is_empty() || rest.starts_with(':') || rest.starts_with(','))
        {
            return None;
        }
        let value = self.value(name);
        if value.is_none() {
            self.open.borrow_mut().push(name.to_string());
        }
        Some((name, value?))
    }

    /// Appends the value of the constant written by tokens `first..end`. A constant
    /// of this file that holds a whole query (`sole`, and not a name) is read where
    /// it is written, so its labels sit on its tables; any other value is read where
    /// it is used, with the constant as the origin.
    fn push_const(&self, first: usize, end: usize, value: Value<'a>, sole: bool, b: &mut Built) {
        if let Value::Local(l) = value
            && sole
            && !values::is_name(&self.lit_text(l))
        {
            self.push_lit(l, b);
            return;
        }
        let (Some(a), Some(z)) = (
            self.toks.get(first),
            end.checked_sub(1).and_then(|e| self.toks.get(e)),
        ) else {
            return;
        };
        let name = &self.text[a.start..z.end];
        self.push_value(name, value, a.start, z.end - a.start, b);
    }

    /// Appends `value`, the value of constant `name` used at `at..at + len`.
    fn push_value(&self, name: &str, value: Value<'a>, at: usize, len: usize, b: &mut Built) {
        let (text, place) = match value {
            Value::Local(l) => {
                b.used.push(l);
                let t = self.toks[l];
                let place = Place::Here {
                    offset: t.start,
                    len: t.end - t.start,
                };
                (self.lit_text(l), place)
            }
            Value::Outer(v, id) => (v.to_string(), Place::Elsewhere(id)),
        };
        b.has_text = true;
        let origin = Origin {
            name: name.to_string(),
            place,
        };
        b.emb.push_value(&text, at, len, origin);
    }

    /// Appends format literal `l` with its verbs replaced by `args`: a literal or
    /// constant argument is substituted (offsets at that literal), anything else is a
    /// hole.
    fn push_format(&self, l: usize, args: &[Arg], style: FormatStyle, b: &mut Built) {
        let Some(lit) = self.lit(l) else { return };
        b.used.push(l);
        let mut auto = 0usize;
        for p in &lit.parts {
            let (start, end) = match *p {
                Part::Verbatim { start, end } => (start, end),
                Part::Decoded { .. } | Part::Hole { .. } => {
                    self.push_part(*p, b);
                    continue;
                }
            };
            b.has_text = true;
            let t = &self.text[start..end];
            let bytes = t.as_bytes();
            let mut flushed = 0;
            let mut k = 0;
            while k < bytes.len() {
                let verb = match style {
                    FormatStyle::Printf if bytes[k] == b'%' => parse_printf(&bytes[k..]),
                    FormatStyle::Dotnet if bytes[k] == b'{' || bytes[k] == b'}' => {
                        parse_dotnet(&bytes[k..])
                    }
                    FormatStyle::MyBatis if bytes[k] == b'#' || bytes[k] == b'$' => {
                        parse_mybatis(&bytes[k..])
                    }
                    _ => None,
                };
                let Some(v) = verb else {
                    k += 1;
                    continue;
                };
                b.emb.push_verbatim(&t[flushed..k], start + flushed);
                let at = start + k;
                match v.what {
                    Verb::Literal(s) => b.emb.push_decoded(s, at),
                    Verb::Arg { index, text } => {
                        let idx = index.unwrap_or_else(|| {
                            auto += 1;
                            auto - 1
                        });
                        let arg = args.get(idx).filter(|_| text);
                        match arg {
                            Some(a) if a.end == a.start + 1 && self.lit(a.start).is_some() => {
                                self.push_lit(a.start, b);
                            }
                            Some(a) => match self.name_value(a.start, a.end) {
                                Some(value) => self.push_const(a.start, a.end, value, false, b),
                                None => b.emb.push_hole(sql::HOLE, at),
                            },
                            None if text => b.emb.push_hole(sql::HOLE, at),
                            None => b.emb.push_hole("0", at),
                        }
                    }
                }
                k += v.len;
                flushed = k;
            }
            b.emb.push_verbatim(&t[flushed..], start + flushed);
        }
    }

    /// The table named by the string expression `start..end` (a literal or constant):
    /// its first word as a possibly qualified, possibly quoted name, with the offset of
    /// the name in the file.
    pub fn table_in(&self, start: usize, end: usize, kind: AccessKind) -> Option<Access> {
        let (b, _) = self.build(start, end);
        if !b.has_text {
            return None;
        }
        table_in_text(&b.emb, kind)
    }
}

/// What a format verb stands for.
enum Verb {
    /// Literal text (`%%`, `%n`, `{{`).
    Literal(&'static str),
    /// An argument: explicit index (0-based) or the next one; `text` for `%s`/`%v`/
    /// `{0}`, false for numeric verbs.
    Arg { index: Option<usize>, text: bool },
}

struct ParsedVerb {
    what: Verb,
    len: usize,
}

/// Parses a printf verb at `b[0] == b'%'`: Go `%[2]s`, Java `%2$s`, flags, width and
/// precision.
fn parse_printf(b: &[u8]) -> Option<ParsedVerb> {
    match b.get(1)? {
        b'%' => {
            return Some(ParsedVerb {
                what: Verb::Literal("%"),
                len: 2,
            });
        }
        b'n' => {
            return Some(ParsedVerb {
                what: Verb::Literal("\n"),
                len: 2,
            });
        }
        _ => {}
    }
    let mut k = 1;
    let mut index = None;
    let digits = |k: &mut usize| -> Option<usize> {
        let s = *k;
        while b.get(*k).is_some_and(u8::is_ascii_digit) {
            *k += 1;
        }
        std::str::from_utf8(&b[s..*k]).ok()?.parse().ok()
    };
    if b.get(k) == Some(&b'[') {
        k += 1;
        index = digits(&mut k).and_then(|n: usize| n.checked_sub(1));
        if b.get(k) != Some(&b']') {
            return None;
        }
        k += 1;
    } else {
        let save = k;
        if let Some(n) = digits(&mut k)
            && b.get(k) == Some(&b'$')
        {
            index = n.checked_sub(1);
            k += 1;
        } else {
            k = save;
        }
    }
    while b
        .get(k)
        .is_some_and(|c| b"-+# 0,(".contains(c) || c.is_ascii_digit() || *c == b'.')
    {
        k += 1;
    }
    let verb = *b.get(k)?;
    if !verb.is_ascii_alphabetic() {
        return None;
    }
    Some(ParsedVerb {
        what: Verb::Arg {
            index,
            text: matches!(verb, b's' | b'v' | b'S'),
        },
        len: k + 1,
    })
}

/// Parses a MyBatis parameter at `b[0]` (`#` or `$`).
fn parse_mybatis(b: &[u8]) -> Option<ParsedVerb> {
    if b.get(1) != Some(&b'{') {
        return None;
    }
    let close = b.iter().position(|&x| x == b'}')?;
    Some(ParsedVerb {
        what: Verb::Arg {
            index: None,
            text: b[0] == b'$',
        },
        len: close + 1,
    })
}

/// Parses a .NET composite-format item at `b[0]` (`{` or `}`).
fn parse_dotnet(b: &[u8]) -> Option<ParsedVerb> {
    let c = b[0];
    if b.get(1) == Some(&c) {
        return Some(ParsedVerb {
            what: Verb::Literal(if c == b'{' { "{" } else { "}" }),
            len: 2,
        });
    }
    if c == b'}' {
        return None;
    }
    let close = b.iter().position(|&x| x == b'}')?;
    let inner = std::str::from_utf8(&b[1..close]).ok()?;
    let num = inner.split([',', ':']).next()?.trim();
    let index = num.parse().ok()?;
    Some(ParsedVerb {
        what: Verb::Arg {
            index: Some(index),
            text: true,
        },
        len: close + 1,
    })
}

/// One part of a qualified name found in text.
struct NamePart {
    value: String,
    quoted: bool,
    offset: usize,
    len: usize,
}

/// Parses the first word of `s` as `[db.][schema.]name`, each part bare or quoted with
/// `"`, backquotes or `[]`. What follows must be nothing or whitespace (an alias).
fn qualified_name(s: &str) -> Option<Vec<NamePart>> {
    let b = s.as_bytes();
    let mut k = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let mut parts = Vec::new();
    loop {
        let close = match b.get(k) {
            Some(b'"') => Some(b'"'),
            Some(b'`') => Some(b'`'),
            Some(b'[') => Some(b']'),
            _ => None,
        };
        let part = if let Some(close) = close {
            let end = k + 1 + b.get(k + 1..)?.iter().position(|&c| c == close)?;
            let p = NamePart {
                value: s.get(k + 1..end)?.to_string(),
                quoted: true,
                offset: k + 1,
                len: end - k - 1,
            };
            k = end + 1;
            p
        } else {
            let start = k;
            while b
                .get(k)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80)
            {
                k += 1;
            }
            let word = s.get(start..k)?;
            if word.is_empty() || word.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            NamePart {
                value: word.to_string(),
                quoted: false,
                offset: start,
                len: k - start,
            }
        };
        if part.value.is_empty() {
            return None;
        }
        parts.push(part);
        if b.get(k) == Some(&b'.') && parts.len() < 3 {
            k += 1;
            continue;
        }
        break;
    }
    match b.get(k) {
        None => Some(parts),
        Some(c) if c.is_ascii_whitespace() => Some(parts),
        Some(_) => None,
    }
}

/// The table named by assembled text, relocated onto the file.
fn table_in_text(emb: &Embedded, kind: AccessKind) -> Option<Access> {
    let mut parts = qualified_name(emb.text())?;
    if parts.iter().any(|p| p.value.contains(sql::HOLE)) {
        return None;
    }
    let last = parts.pop()?;
    let schema = parts.pop().map(|p| p.value);
    let database = parts.pop().map(|p| p.value);
    let table = TableRef {
        database,
        schema,
        name: last.value,
        quoted: last.quoted,
    };
    Some(emb.relocate(Access::table(kind, table, last.offset, last.len)))
}

/// `OrderItem` → `order_item`, `HTTPRequest` → `http_request`: the default physical
/// naming of JPA/Hibernate under Spring Boot.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (k, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = k.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(k + 1);
            let boundary = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_uppercase())
                    && next.is_some_and(|n| n.is_lowercase()));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What a call does with its string arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// Nothing known: its literals are analysed only when they look like SQL.
    None,
    /// Its SQL argument is always analysed.
    Sql,
    /// Like [`Sink::Sql`], with parameter placeholders in this syntax in a literal
    /// argument (`FromSqlRaw("… {0}", id)`, MyBatis `#{id}`).
    SqlTemplate(FormatStyle),
    /// Its string arguments are never SQL over tables (JPQL, HQL names entities).
    Skip,
}

/// The questions whose answers differ between languages.
pub trait Rules {
    fn dialect(&self) -> Dialect;
    /// The prose a call takes (log and error messages, test names, assertion
    /// messages: see [`sinks`]), whose strings are never SQL.
    fn prose(&self, src: &Source, call: &Call) -> Option<NonSql>;
    /// How `call` treats its string arguments.
    fn sink(&self, src: &Source, call: &Call) -> Sink;
    /// True for a property whose assigned string is SQL (`CommandText = ".."`).
    fn sql_property(&self, _name: &str) -> bool {
        false
    }
    /// Language shapes outside SQL strings: ORM mappings, imports.
    fn shapes(&self, src: &Source, out: &mut Vec<Access>);
}

/// Argument names under which SQL is passed by name.
const SQL_KEYS: &[&str] = &["value", "sql", "query", "command", "commandText", "cmdText"];

/// A piece of SQL text found in the file.
pub struct Candidate {
    pub emb: Embedded,
    /// From a known SQL sink: analysed even when it does not look like SQL.
    pub sink: bool,
}

/// Finds every string expression that may be SQL, in one forward pass: arguments of
/// sinks, `CommandText`-like properties, format calls and other literal chains.
pub fn candidates(rules: &impl Rules, src: &Source) -> Vec<Candidate> {
    let n = src.toks.len();
    let mut consumed = vec![false; n];
    // Tokens before this index are inside a log call's or skipped call's arguments.
    let mut excluded_until = 0usize;
    let mut out = Vec::new();
    let mut take = |b: Built, sink: bool, consumed: &mut Vec<bool>| {
        for &u in &b.used {
            consumed[u] = true;
        }
        if b.has_text {
            out.push(Candidate { emb: b.emb, sink });
        }
    };
    for i in 0..n {
        let excluded = i < excluded_until;
        match src.toks[i].kind {
            Kind::Ident if src.is_word(i, "throw") && src.dialect != Dialect::Go => {
                // Whatever a `throw` builds is an exception and its message, whatever
                // the type's name.
                excluded_until = excluded_until.max(statement_end(src, i + 1));
            }
            Kind::Ident => {
                if let Some(call) = src.call_at(i) {
                    match rules.prose(src, &call) {
                        Some(k) if k.covers_nested() => {
                            // Kotlin passes a message as a trailing lambda too:
                            // `require(ok) { ".." }`.
                            let end = match src.partner(call.close + 1) {
                                Some(e)
                                    if src.dialect == Dialect::Kotlin
                                        && src.punct(call.close + 1) == "{" =>
                                {
                                    e
                                }
                                _ => call.close,
                            };
                            excluded_until = excluded_until.max(end.saturating_add(1));
                            continue;
                        }
                        Some(_) => {
                            // A test's name, an assertion's message: its own string
                            // arguments; the code among its arguments is still read.
                            for a in src.args(&call) {
                                if (a.start..a.end).all(|k| {
                                    matches!(src.toks[k].kind, Kind::Str(_)) || src.punct(k) == "+"
                                }) {
                                    consumed[a.start..a.end].fill(true);
                                }
                            }
                            continue;
                        }
                        None => {}
                    }
                    if excluded {
                        continue;
                    }
                    match rules.sink(src, &call) {
                        Sink::Skip => {
                            excluded_until = excluded_until.max(call.close.saturating_add(1));
                        }
                        Sink::Sql => {
                            if let Some(b) = sql_arg(src, &call, None) {
                                take(b, true, &mut consumed);
                            }
                        }
                        Sink::SqlTemplate(style) => {
                            if let Some(b) = sql_arg(src, &call, Some(style)) {
                                take(b, true, &mut consumed);
                            }
                        }
                        Sink::None => {
                            if src.format_style(&call).is_some() {
                                let recv = call.recv.unwrap_or(i);
                                let (b, _) = src.build(recv, call.close + 1);
                                if b.used.first().is_some_and(|&u| !consumed[u]) {
                                    take(b, false, &mut consumed);
                                }
                            }
                        }
                    }
                } else if src.dialect == Dialect::Kotlin
                    && src.punct(i + 1) == "{"
                    && is_trailing_lambda_log(rules, src, i)
                {
                    let end = src.partner(i + 1).unwrap_or(n);
                    excluded_until = excluded_until.max(end.saturating_add(1));
                } else if !excluded
                    && src.punct(i + 1) == "="
                    && src.ident(i).is_some_and(|name| rules.sql_property(name))
                {
                    let end = statement_end(src, i + 2);
                    let (b, _) = src.build(i + 2, end);
                    take(b, true, &mut consumed);
                }
            }
            Kind::Str(_) if !excluded && !consumed[i] => {
                let end = src.enclosing(i).and_then(|o| src.partner(o)).unwrap_or(n);
                let (b, _) = src.build(i, end.min(n));
                take(b, false, &mut consumed);
            }
            _ => {}
        }
    }
    out
}

/// Kotlin `logger.info { ".." }`: a log call whose message is a trailing lambda.
fn is_trailing_lambda_log(rules: &impl Rules, src: &Source, i: usize) -> bool {
    let recv = (i >= 2 && src.punct(i - 1) == "." && src.ident(i - 2).is_some()).then(|| i - 2);
    let call = Call {
        name: i,
        recv,
        open: i + 1,
        close: src.partner(i + 1).unwrap_or(src.toks.len()),
        annotation: false,
        new: false,
    };
    rules.prose(src, &call).is_some_and(NonSql::covers_nested)
}

/// The end of the expression starting at `from`: the first top-level `;` `,` or
/// closing bracket, or a line break in the languages without semicolons.
fn statement_end(src: &Source, from: usize) -> usize {
    let mut k = from;
    while k < src.toks.len() {
        if k > from && src.toks[k].nl_before && src.dialect != Dialect::CSharp {
            return k;
        }
        match src.punct(k) {
            ";" | "," | ")" | "]" | "}" => return k,
            "(" | "[" | "{" => k = src.partner(k).map_or(src.toks.len(), |p| p + 1),
            _ => k += 1,
        }
    }
    k
}

/// The SQL argument of a sink call: the first of its first four arguments that is a
/// string expression (so `ctx`, `&dest` or a named `nativeQuery = true` are skipped).
fn sql_arg(src: &Source, call: &Call, style: Option<FormatStyle>) -> Option<Built> {
    for a in src.args(call).iter().take(4) {
        if let Some(k) = a.key
            && !src.ident(k).is_some_and(|k| SQL_KEYS.contains(&k))
        {
            continue;
        }
        if let Some(style) = style
            && let Some(l) = src.const_at(a.start, a.end)
        {
            // Placeholders are parameters: no argument fills them as text.
            let mut b = Built::new();
            src.push_format(l, &[], style, &mut b);
            return Some(b);
        }
        let b = src.build_arg(a);
        if b.has_text {
            return Some(b);
        }
    }
    None
}

/// Runs the shared analysis and the language's shapes over one file; `known` holds
/// the constants other files of its package define.
pub fn run(rules: &impl Rules, text: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    let src = Source::with_known(text, rules.dialect(), known);
    let mut accesses = Vec::new();
    for c in candidates(rules, &src) {
        accesses.extend(sql::analyze_candidate(&c.emb, c.sink, ctx));
    }
    rules.shapes(&src, &mut accesses);
    accesses.sort_by(|a, b| {
        (a.offset, a.len, a.kind, a.confidence).cmp(&(b.offset, b.len, b.kind, b.confidence))
    });
    accesses.dedup_by(|b, a| a.offset == b.offset && a.kind == b.kind && a.target == b.target);
    Extracted {
        accesses,
        values: src.values(),
        problems: src.problem.clone().into_iter().collect(),
        ..Extracted::default()
    }
}

/// Test helper shared by the C-family extractors' tests: each access as (kind,
/// qualified name, text at its offset, confidence).
#[cfg(test)]
pub(crate) fn described(
    r: &Extracted,
    text: &str,
) -> Vec<(AccessKind, String, String, crate::model::Confidence)> {
    use crate::model::{ImportRef, Target};
    r.accesses
        .iter()
        .map(|a| {
            let name = match &a.target {
                Target::Table(t) => match &t.schema {
                    Some(s) => format!("{s}.{}", t.name),
                    None => t.name.clone(),
                },
                Target::Import(ImportRef::Package(p) | ImportRef::Path(p)) => p.clone(),
            };
            (
                a.kind,
                name,
                text[a.offset..a.offset + a.len].to_string(),
                a.confidence,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules with one SQL sink, `sink(..)`, and one log call, `log(..)`.
    struct Probe(Dialect);

    impl Rules for Probe {
        fn dialect(&self) -> Dialect {
            self.0
        }
        fn prose(&self, src: &Source, call: &Call) -> Option<NonSql> {
            src.is_word(call.name, "log").then_some(NonSql::Log)
        }
        fn sink(&self, src: &Source, call: &Call) -> Sink {
            if src.is_word(call.name, "sink") {
                Sink::Sql
            } else {
                Sink::None
            }
        }
        fn shapes(&self, _src: &Source, _out: &mut Vec<Access>) {}
    }

    /// The texts of the SQL candidates in `text`.
    fn texts(d: Dialect, text: &str) -> Vec<String> {
        let src = Source::new(text, d);
        candidates(&Probe(d), &src)
            .iter()
            .map(|c| c.emb.text().to_string())
            .collect()
    }

    /// The single sink candidate, and the file text at the mapped offset of `word`.
    fn mapped(d: Dialect, text: &str, word: &str) -> (String, String) {
        let src = Source::new(text, d);
        let cands = candidates(&Probe(d), &src);
        let c = cands.iter().find(|c| c.sink).map(|c| &c.emb);
        let Some(emb) = c else {
            return (String::new(), String::new());
        };
        let at = emb.text().find(word).unwrap_or(0);
        let a = emb.relocate(Access::table(
            AccessKind::Read,
            TableRef::bare(word),
            at,
            word.len(),
        ));
        (
            emb.text().to_string(),
            text[a.offset..a.offset + a.len].to_string(),
        )
    }

    fn hole(s: &str) -> String {
        s.replace("HOLE", sql::HOLE)
    }

    #[test]
    fn strings_decode_per_dialect() {
        use Dialect::*;
        let cases: &[(Dialect, &str, &str)] = &[
            (Go, "sink(\"a\\tb\\\"c\\x41\\101\\u00e9\")", "a\tb\"cAAé"),
            (Go, "sink(`raw \\n ${x}`)", "raw \\n ${x}"),
            (Java, "sink(\"\"\"\n  a \\\n  b\\s\"\"\")", "\n  a   b "),
            (Java, "sink('\"' + \"x\")", "HOLEx"),
            (Kotlin, "sink(\"a \\$x \\${y}\")", "a $x ${y}"),
            (Kotlin, "sink(\"a $x ${f(\"}\")} b\")", "a HOLE HOLE b"),
            (Kotlin, "sink(\"\"\"a $x \\n\"\"\"\")", "a HOLE \\n\""),
            (CSharp, "sink(@\"a \"\"q\"\" \\n\")", "a \"q\" \\n"),
            (CSharp, "sink($\"a {{b}} {c:N2} \\t\")", "a {b} HOLE \t"),
            (CSharp, "sink($@\"a {x}\")", "a HOLE"),
            (
                CSharp,
                "sink(\"\"\"\n  \"quoted\" {x}\n  \"\"\")",
                "\n  \"quoted\" {x}\n  ",
            ),
            (CSharp, "sink($$\"\"\"{x} {{y}}\"\"\")", "{x} HOLE"),
            (CSharp, "sink(@class + \"x\")", "HOLEx"),
        ];
        for (d, src, want) in cases {
            assert_eq!(texts(*d, src), vec![hole(want)], "{d:?} {src:?}");
        }
    }

    #[test]
    fn comments_are_skipped() {
        use Dialect::*;
        assert!(texts(Go, "// sink(\"a\")\n/* sink(\"b\") */").is_empty());
        assert!(texts(Kotlin, "/* a /* nested */ sink(\"b\") */").is_empty());
        // Java block comments do not nest: the first `*/` ends it.
        assert_eq!(texts(Java, "/* a /* b */ sink(\"c\") /* */"), vec!["c"]);
        // Comment markers inside strings are text.
        assert_eq!(
            texts(Go, "sink(\"// not /* a comment\")"),
            vec!["// not /* a comment"]
        );
    }

    /// A constant's value is read where the query uses it: the label sits on the
    /// constant's name (or template hole, or format argument) in the query.
    #[test]
    fn joins_and_constants_map_back_to_the_file() {
        use Dialect::*;
        let src = "const T = \"orders\"\nsink(\"SELECT * \" +\n  \"FROM \" + T + \" o\")";
        assert_eq!(
            mapped(Go, src, "orders"),
            ("SELECT * FROM orders o".into(), "T".into())
        );
        let src = "static final String T = \"orders\";\nvoid f() { sink(String.format(\"SELECT %1$s.id FROM %s\", T)); }";
        assert_eq!(
            mapped(Java, src, "orders"),
            ("SELECT orders.id FROM orders".into(), "T".into())
        );
        let src =
            "const val T: String = \"orders\"\nfun f() = sink(\"SELECT * FROM ${T} WHERE n = $n\")";
        let (text, at) = mapped(Kotlin, src, "orders");
        assert_eq!(
            (text, at),
            (hole("SELECT * FROM orders WHERE n = HOLE"), "T".into())
        );
        let src = "const string T = \"orders\"; void M() { sink($\"SELECT * FROM {T}\"); }";
        assert_eq!(mapped(CSharp, src, "orders").1, "T");
        let src = "class Tables { static final String ORDERS = \"orders\"; }\nvoid f() { sink(\"FROM \" + Tables.ORDERS); }";
        assert_eq!(mapped(Java, src, "orders").1, "Tables.ORDERS");
        let src = "object Tables { const val ORDERS = \"orders\" }\nfun f() = sink(\"FROM ${Tables.ORDERS}\")";
        assert_eq!(mapped(Kotlin, src, "orders").1, "Tables.ORDERS");
        // A constant holding a whole query is read where it is written.
        let src = "const Q = \"SELECT * FROM orders\"\nsink(Q)";
        assert_eq!(mapped(Go, src, "orders").1, "orders");
        let src = "sink(fmt.Sprintf(\"SELECT %d, '%%' FROM %[1]s\", \"orders\"))";
        assert_eq!(
            mapped(Go, src, "orders"),
            ("SELECT 0, '%' FROM orders".into(), "orders".into())
        );
        // An escape before the name does not shift it.
        let src = "sink(\"SELECT \\\"a\\\" FROM orders\")";
        assert_eq!(mapped(Java, src, "orders").1, "orders");
    }

    #[test]
    fn only_immutable_unambiguous_constants_resolve() {
        use Dialect::*;
        let cases: &[(Dialect, &str)] = &[
            // A package-level `var` assigned again, in any way.
            (
                Go,
                "var t = \"orders\"\nfunc f() { t = \"carts\" }\nsink(\"FROM \" + t)",
            ),
            (
                Go,
                "var t = \"orders\"\nfunc f() { t += \"_old\" }\nsink(\"FROM \" + t)",
            ),
            (
                Go,
                "var t = \"orders\"\nfunc f() { a, t = g() }\nsink(\"FROM \" + t)",
            ),
            (
                Go,
                "var t = \"orders\"\nfunc f() { p := &t }\nsink(\"FROM \" + t)",
            ),
            (
                Go,
                "var t = \"orders\"\nfunc f() { t++ }\nsink(\"FROM \" + t)",
            ),
            // An exported one: another package may assign it.
            (Go, "var T = \"orders\"\nsink(\"FROM \" + T)"),
            // A variable of a function is not followed.
            (Go, "func f() { var T = \"orders\"\nsink(\"FROM \" + T) }"),
            (Go, "T := \"orders\"\nsink(\"FROM \" + T)"),
            (Java, "String T = \"orders\"; sink(\"FROM \" + T);"),
            (Kotlin, "var T = \"orders\"\nsink(\"FROM $T\")"),
            (CSharp, "static string T = \"orders\"; sink($\"FROM {T}\");"),
            // Declared twice with different values: ambiguous.
            (
                Go,
                "const T = \"orders\"\nconst T = \"carts\"\nsink(\"FROM \" + T)",
            ),
            // Not a whole value.
            (
                Java,
                "final String T = \"ord\" + \"ers\"; sink(\"FROM \" + T);",
            ),
            // A hole expression that is not a name.
            (Kotlin, "const val T = \"orders\"\nsink(\"FROM ${T + 1}\")"),
        ];
        for (d, src) in cases {
            assert!(
                !texts(*d, src).iter().any(|t| t == "FROM orders"),
                "{d:?} {src:?}: {:?}",
                texts(*d, src)
            );
        }
        let block = "const (\n\tA = \"x\"\n\tT string = \"orders\"\n)\nsink(\"FROM \" + T)";
        assert!(texts(Go, block).contains(&"FROM orders".to_string()));
        // A package-level `var` nothing assigns again is a constant.
        for single in [
            "var t = \"orders\"\nsink(\"FROM \" + t)",
            "var (\n\tt = \"orders\"\n)\nfunc f() { x := t; sink(\"FROM \" + t) }",
            "var t string = \"orders\"\nfunc f() { if t == \"\" { return }; sink(\"FROM \" + t) }",
        ] {
            assert!(
                texts(Go, single).contains(&"FROM orders".to_string()),
                "{single:?}: {:?}",
                texts(Go, single)
            );
        }
    }

    /// The constants a file offers its package, by language: (dialect, source, the
    /// names defined with their values, the file's package).
    #[test]
    fn package_level_constants_per_language() {
        use Dialect::*;
        type Case<'a> = (Dialect, &'a str, &'a [(&'a str, &'a str)], Option<&'a str>);
        let cases: &[Case] = &[
            (
                Java,
                "package com.acme.billing;\npublic final class Tables {\n  public static final String ORDERS = \"orders\";\n  static final String HINT = \"pick the orders\";\n  private final String own = \"carts\";\n  void f() { final String local = \"x\"; }\n}",
                &[("ORDERS", "orders"), ("Tables.ORDERS", "orders")],
                Some("com.acme.billing"),
            ),
            (
                Kotlin,
                "package com.acme.billing\nconst val TOP = \"orders\"\nobject CartTables { const val CARTS = \"carts\" }\nclass Repo { companion object { const val ITEMS = \"order_items\" }\n  val own = \"x\"\n  fun f() { val local = \"y\" } }",
                &[
                    ("TOP", "orders"),
                    ("CARTS", "carts"),
                    ("CartTables.CARTS", "carts"),
                    ("ITEMS", "order_items"),
                    ("Repo.ITEMS", "order_items"),
                ],
                Some("com.acme.billing"),
            ),
            (
                CSharp,
                "namespace Acme.Billing;\npublic static class Tables {\n  public const string Orders = \"orders\";\n  public static readonly string Carts = \"carts\";\n  public readonly string Own = \"x\";\n}",
                &[
                    ("Orders", "orders"),
                    ("Tables.Orders", "orders"),
                    ("Carts", "carts"),
                    ("Tables.Carts", "carts"),
                ],
                Some("Acme.Billing"),
            ),
            (
                Go,
                "package store\nconst (\n\tOrders = \"orders\"\n\tprose = \"the orders you want\"\n)\nvar carts = \"carts\"\nfunc f() { const local = \"x\" }",
                &[("Orders", "orders"), ("carts", "carts")],
                Some("store"),
            ),
        ];
        for (d, text, want, unit) in cases {
            let v = Source::new(text, *d).values();
            let got: Vec<(&str, &str)> = v
                .defines
                .iter()
                .map(|x| (x.name.as_str(), x.value.as_str()))
                .collect();
            assert_eq!(got, *want, "{d:?} {text:?}");
            for x in &v.defines {
                assert_eq!(
                    text.get(x.offset + 1..x.offset + x.len - 1),
                    Some(x.value.as_str()),
                    "{d:?}: the span is the literal"
                );
            }
            assert_eq!(v.unit.as_deref(), *unit, "{d:?}");
        }
    }

    /// Many constants, variables and assignments cost linear time: with a look-up per
    /// pair, 50,000 of each would take minutes.
    #[test]
    fn many_constants_stay_linear() {
        let n = 50_000;
        let mut text = String::from("package m\n");
        for k in 0..n {
            text.push_str(&format!("const c{k} = \"t{k}\"\nvar v{k} = \"u{k}\"\n"));
        }
        text.push_str("func f() {\n");
        for k in 0..n {
            text.push_str(&format!("\tv{k} = \"x\"\n"));
        }
        text.push_str("}\n");
        let v = Source::new(&text, Dialect::Go).values();
        assert_eq!(
            v.defines.len(),
            n,
            "the constants, not the assigned variables"
        );
        assert_eq!(v.assigned.len(), n);
    }

    /// Names without a value in the file are the holes another file may fill; the
    /// constants other files define fill them, and this file's own win.
    #[test]
    fn open_names_and_known_constants() {
        use Dialect::*;
        let mut known = Known::default();
        known.insert("Tables.ORDERS", "orders", 0);
        known.insert("CARTS", "carts", 1);
        let text = "final String CARTS = \"own_carts\";\nsink(\"SELECT * FROM \" + Tables.ORDERS + \" JOIN \" + CARTS + \" JOIN \" + other)";
        let src = Source::with_known(text, Java, Some(&known));
        let cands = candidates(&Probe(Java), &src);
        let texts: Vec<&str> = cands.iter().map(|c| c.emb.text()).collect();
        assert!(
            texts.contains(&hole("SELECT * FROM orders JOIN own_carts JOIN HOLE").as_str()),
            "{texts:?}"
        );
        assert_eq!(src.values().open, ["other"]);
        let alone = Source::new(text, Java);
        let _ = candidates(&Probe(Java), &alone);
        assert_eq!(alone.values().open, ["Tables.ORDERS", "other"]);
    }

    #[test]
    fn log_arguments_are_excluded() {
        use Dialect::*;
        assert!(texts(Go, "log(\"a\" + \"b\", sink(\"c\"))").is_empty());
        assert_eq!(texts(Go, "log(\"a\"); x(\"b\")"), vec!["b"]);
    }

    #[test]
    fn call_arguments_and_receivers() {
        let src = Source::new(
            "a.b<T>().c(x, key = \"v\", f(1, 2), [3, 4])",
            Dialect::Kotlin,
        );
        let c =
            (0..src.toks.len()).find_map(|i| src.call_at(i).filter(|c| src.is_word(c.name, "c")));
        let Some(c) = c else {
            panic!("no call found");
        };
        assert_eq!(c.recv.and_then(|r| src.ident(r)), Some("b"));
        let args = src.args(&c);
        assert_eq!(args.len(), 4);
        assert_eq!(args[1].key.and_then(|k| src.ident(k)), Some("key"));
        assert_eq!(
            src.arg_named(&args, &["key"], None)
                .and_then(|a| src.string_value(&a)),
            Some("v".into())
        );
    }

    #[test]
    fn qualified_names() {
        let parse = |s: &str| {
            qualified_name(s).map(|ps| {
                ps.iter()
                    .map(|p| {
                        format!(
                            "{}{}@{}",
                            if p.quoted { "q:" } else { "" },
                            p.value,
                            p.offset
                        )
                    })
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(parse("orders"), Some(vec!["orders@0".to_string()]));
        assert_eq!(
            parse(" sales.orders o"),
            Some(vec!["sales@1".into(), "orders@7".into()])
        );
        assert_eq!(
            parse("[dbo].[Order Items]"),
            Some(vec!["q:dbo@1".into(), "q:Order Items@7".into()])
        );
        assert_eq!(parse("\"Users\""), Some(vec!["q:Users@1".into()]));
        assert_eq!(
            parse("`db`.`s`.`t`"),
            Some(vec!["q:db@1".into(), "q:s@6".into(), "q:t@10".into()])
        );
        for bad in [
            "", "  ", "orders(", "123", "(?) as u", "\"open", "a=b", "x.",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn snake_case_names() {
        for (from, to) in [
            ("Order", "order"),
            ("OrderItem", "order_item"),
            ("HTTPRequestLog", "http_request_log"),
            ("Order2Item", "order2_item"),
            ("order_item", "order_item"),
        ] {
            assert_eq!(snake_case(from), to);
        }
    }

    #[test]
    fn format_verbs() {
        let verb = |s: &str| {
            parse_printf(s.as_bytes())
                .map(|v| (v.len, matches!(v.what, Verb::Arg { text: true, .. })))
        };
        assert_eq!(verb("%s x"), Some((2, true)));
        assert_eq!(verb("%-10.3v"), Some((7, true)));
        assert_eq!(verb("%[2]s"), Some((5, true)));
        assert_eq!(verb("%2$s"), Some((4, true)));
        assert_eq!(verb("%05d"), Some((4, false)));
        assert_eq!(verb("%%"), Some((2, false)));
        assert!(verb("% ").is_none() && verb("%").is_none() && verb("%[x]s").is_none());
        let item = |s: &str| parse_dotnet(s.as_bytes()).map(|v| v.len);
        assert_eq!(item("{0}"), Some(3));
        assert_eq!(item("{1,-5:N2} x"), Some(9));
        assert_eq!(item("{{"), Some(2));
        assert_eq!(item("{x}"), None);
        assert_eq!(item("{0"), None);
    }

    #[test]
    fn brackets_recover_and_stay_linear() {
        let src = Source::new("f(a, g(b]) c", Dialect::Java);
        // `]` matches nothing: `(` of g still closes at the first `)`.
        let g = src
            .toks
            .iter()
            .position(|t| &src.text[t.start..t.end] == "g")
            .unwrap_or(0);
        assert_eq!(src.punct(src.partner(g + 1).unwrap_or(0)), ")");
        let deep = format!("{}{}", "([{".repeat(30_000), "x");
        let src = Source::new(&deep, Dialect::CSharp);
        assert_eq!(src.partner(0), Some(src.toks.len()));
        let mixed = "(".repeat(50_000) + &"}".repeat(50_000);
        assert!(Source::new(&mixed, Dialect::Go).partner(0).is_some());
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "\"",
            "'",
            "`",
            "@",
            "$",
            "$\"{",
            "$$\"\"\"{{",
            "\"\"\"",
            "\"\\",
            "\"\\u",
            "\"\\x",
            "'\\",
            "/*",
            "/",
            "\0\0\"\0",
            "é\"é\\é\"",
            "\"${\"",
            "\"$",
            "@\"\"",
            "1..2",
            "0x",
        ];
        for d in [Dialect::Go, Dialect::Java, Dialect::Kotlin, Dialect::CSharp] {
            for s in inputs {
                let src = Source::new(s, d);
                let _ = candidates(&Probe(d), &src);
                for t in &src.toks {
                    assert!(t.start <= t.end && t.end <= s.len(), "{d:?} {s:?}");
                    assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                }
            }
        }
    }
}
