//! String literals of the four dialects: their delimiters (Go raw strings, Java text
//! blocks, Kotlin raw strings, C# verbatim, interpolated and raw strings), escapes and
//! template holes, decoded into [`Part`]s that keep a map back to the file.
//!
//! Every later stage (constants, SQL assembly, shapes) reads strings only through
//! [`StrLit`], so an escape or interpolation rule is fixed here once for every
//! language. Holes are scanned with an explicit nesting stack bounded by
//! [`MAX_NEST`]: no recursion, linear in the input.

use super::lex::{Dialect, Kind, Lexer, is_ident_byte, is_ident_start};

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
    pub(super) fn has_holes(&self) -> bool {
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

impl Lexer<'_> {
    /// A Go raw string: backquoted, no escapes, may span lines.
    pub(super) fn go_raw(&mut self, i: usize) {
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

    /// A string literal opening at `i` (see [`Self::opener`]); a C# `@` or `$` that
    /// opens none is a verbatim identifier (`@class`) or punctuation.
    pub(super) fn literal(&mut self, i: usize) {
        if let Some((mode, body)) = self.opener(i) {
            return self.string(i, body, mode);
        }
        if self.b[i] == b'@' && is_ident_start(self.at(i + 1), self.d) {
            let end = self.ident_end(i + 1);
            self.push(Kind::Ident, i + 1, end);
            self.i = end;
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
                            j = crate::lang::line_end(b, j);
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
                            if let Some((mode, body)) = self.opener(j) {
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

    /// The mode and contents' start of a string literal opening at `i` (`"`, Java
    /// text blocks and Kotlin raw strings `"""`, C# `$"`, `@"`, `$@"`, `"""`,
    /// `$$"""`), or `None` when no literal opens there. The one reading of a
    /// literal's opener, shared by the lexer and the scan of template holes.
    fn opener(&self, i: usize) -> Option<(StrMode, usize)> {
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
            Dialect::Java if triple => StrMode {
                quotes: 3,
                multiline: true,
                ..plain
            },
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
}
