//! The C-family tokenizer: identifiers, numbers, punctuation, comments and the
//! dispatch to string literals ([`super::strings`]), one forward pass per file.
//!
//! Comments are dropped here, once, so no later stage can mistake commented-out code
//! for code; a token only remembers whether a line break preceded it (Go and Kotlin
//! end statements there). An unterminated block comment runs to the end of the file
//! and is reported once as a [`Problem`].

use super::strings::StrLit;
use crate::lang::Problem;

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
    pub(super) fn const_words(self) -> &'static [&'static str] {
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
    /// A string literal; the index into [`Source::strs`](super::Source::strs).
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

/// The lexer's output: tokens, decoded string literals and the first unterminated
/// construct.
pub(super) struct Lexed {
    pub(super) toks: Vec<Token>,
    pub(super) strs: Vec<StrLit>,
    pub(super) problem: Option<Problem>,
}

pub(super) fn is_ident_start(b: u8, d: Dialect) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 || (b == b'$' && d == Dialect::Java)
}

pub(super) fn is_ident_byte(b: u8, d: Dialect) -> bool {
    is_ident_start(b, d) || b.is_ascii_digit()
}

/// Two-byte operators kept as one token so `==` is never read as an assignment.
const OPS2: &[&[u8; 2]] = &[
    b"==", b"!=", b"<=", b">=", b"+=", b"-=", b":=", b"=>", b"->", b"::", b"&&", b"||", b"?.",
    b"++", b"--",
];

pub(super) struct Lexer<'a> {
    pub(super) text: &'a str,
    pub(super) b: &'a [u8],
    pub(super) i: usize,
    pub(super) d: Dialect,
    nl: bool,
    pub(super) out: Lexed,
}

/// Splits `text` into tokens; comments are dropped.
pub(super) fn lex(text: &str, d: Dialect) -> Lexed {
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
    pub(super) fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    pub(super) fn unterminated(&mut self, at: usize, what: &str) {
        if self.out.problem.is_none() {
            self.out.problem = Some(Problem {
                offset: at,
                message: format!("unterminated {what}; the rest of it was read as text"),
            });
        }
    }

    pub(super) fn push(&mut self, kind: Kind, start: usize, end: usize) {
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
                    self.i = crate::lang::line_end(self.b, i);
                }
                b'/' if self.at(i + 1) == b'*' => self.block_comment(),
                b'"' => self.literal(i),
                b'`' if d == Dialect::Go => self.go_raw(i),
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
                b'$' | b'@' if d == Dialect::CSharp => self.literal(i),
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

    pub(super) fn ident_end(&self, mut j: usize) -> usize {
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

    /// A character literal `'x'`, `'\n'`, `'\u0041'`; a lone `'` is punctuation.
    fn char_lit(&mut self, i: usize) {
        let end = self.char_end(i);
        let kind = if end > i + 1 { Kind::Char } else { Kind::Punct };
        self.push(kind, i, end);
        self.i = end;
    }

    /// The end of a character literal at `i` (`'x'`, `'\''`, `'"'`), or `i + 1` for a
    /// lone `'`: the same rule as [`Lexer::char_lit`].
    pub(super) fn char_end(&self, i: usize) -> usize {
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
