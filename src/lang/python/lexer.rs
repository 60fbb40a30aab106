//! Python's lexer: names, numbers, operators, logical-line ends, and string literals
//! with their f-string holes (PEP 701 nesting included), so that comments, docstrings
//! and the insides of strings never look like code. Explicit line joining and
//! newlines inside brackets make no statement end.

use crate::lang::script::escape::{self, Decoded};
use crate::lang::script::{Esc, Kind, Lexed, Lit, MAX_NEST, Tok, is_ident_char, is_ident_start};

/// String prefixes, lowercased: returns (raw, fmt) when `p` is one.
pub fn string_prefix(p: &[u8]) -> Option<(bool, bool)> {
    if p.len() > 2 {
        return None;
    }
    let mut raw = false;
    let mut fmt = false;
    for &c in p {
        match c.to_ascii_lowercase() {
            b'r' => raw = true,
            b'f' | b't' => fmt = true,
            b'b' | b'u' => {}
            _ => return None,
        }
    }
    Some((raw, fmt))
}

/// Whether `op` is one of the two-character operators the extractor tells apart.
fn two_char_op(op: &[u8]) -> bool {
    matches!(
        op,
        b"=="
            | b"!="
            | b"<="
            | b">="
            | b"+="
            | b"-="
            | b"*="
            | b"/="
            | b"%="
            | b"->"
            | b":="
            | b"**"
            | b"//"
            | b"<<"
            | b">>"
            | b"|="
            | b"&="
    )
}

/// Lexes a Python file.
pub fn lex(src: &str) -> Lexed {
    let b = src.as_bytes();
    let n = b.len();
    // Sized once: code has a token about every 5 bytes.
    let mut lx = Lexed {
        toks: Vec::with_capacity(n / 4),
        lits: Vec::new(),
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < n {
        let c = b[i];
        match c {
            b'\n' => {
                if depth == 0 && lx.toks.last().is_some_and(|t| t.kind != Kind::Newline) {
                    lx.push(Kind::Newline, i, i);
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0c => {
                // A run of blanks (indentation, most of all) in one tight loop.
                i += 1;
                while i < n && matches!(b[i], b' ' | b'\t' | b'\r' | 0x0c) {
                    i += 1;
                }
            }
            b'\\' => {
                // Explicit line joining: the backslash and the newline vanish.
                i += 1;
                if b.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'#' => i = crate::lang::line_end(b, i),
            b'\'' | b'"' => i = lex_string(b, i, i, false, false, &mut lx),
            c if is_ident_start(c) => {
                let s = i;
                while i < n && is_ident_char(b[i]) {
                    i += 1;
                }
                let quote_next = i < n && (b[i] == b'\'' || b[i] == b'"');
                match string_prefix(&b[s..i]) {
                    Some((raw, fmt)) if quote_next => {
                        i = lex_string(b, s, i, raw, fmt, &mut lx);
                    }
                    _ => lx.push(Kind::Name, s, i),
                }
            }
            c if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let s = i;
                while i < n && (is_ident_char(b[i]) || b[i] == b'.') {
                    i += 1;
                }
                lx.push(Kind::Val, s, i);
            }
            _ => {
                let s = i;
                match c {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                let two = b.get(i..i + 2);
                i += if two.is_some_and(two_char_op) {
                    2
                } else if c.is_ascii() {
                    1
                } else {
                    // Unreachable for bytes >= 0x80 (they start names); stay on char
                    // boundaries regardless.
                    src[i..].chars().next().map_or(1, char::len_utf8)
                };
                lx.push(Kind::Op, s, i);
            }
        }
    }
    lx
}

/// Lexes one string literal whose prefix starts at `start` and quote at `q`; returns the
/// offset after it. Unterminated literals end at the end of the line (single-quoted) or
/// of the file (triple-quoted).
fn lex_string(b: &[u8], start: usize, q: usize, raw: bool, fmt: bool, lx: &mut Lexed) -> usize {
    let n = b.len();
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let body_start = q + if triple { 3 } else { 1 };
    let mut holes = Vec::new();
    let mut j = body_start;
    let (body_end, end) = loop {
        if j >= n {
            break (n, n);
        }
        let c = b[j];
        if c == b'\\' {
            j += 2;
            continue;
        }
        if !triple && c == b'\n' {
            break (j, j);
        }
        if c == quote && (!triple || (b.get(j + 1) == Some(&quote) && b.get(j + 2) == Some(&quote)))
        {
            break (j, j + if triple { 3 } else { 1 });
        }
        if fmt && c == b'{' {
            if b.get(j + 1) == Some(&b'{') {
                j += 2;
                continue;
            }
            let hs = j + 1;
            let k = field_end(b, hs, triple);
            if k < n && b[k] == b'}' {
                holes.push((hs, k));
                j = k + 1;
            } else {
                j = k.min(n);
            }
            continue;
        }
        j += 1;
    };
    let body_end = body_end.min(n);
    let lit = lx.push_lit(Lit {
        body: (body_start.min(body_end), body_end),
        esc: if raw { Esc::Raw } else { Esc::Double },
        fmt,
        holes,
    });
    lx.toks.push(Tok {
        kind: Kind::Str,
        start,
        end: end.min(n),
        lit,
    });
    end.min(n)
}

/// What [`field_end`] is inside.
#[derive(Clone, Copy)]
enum Nest {
    /// Code, with this many unclosed brackets `{` of its own.
    Code(usize),
    /// A string literal: its quote, whether tripled, whether an f-string.
    Str { quote: u8, triple: bool, fmt: bool },
}

/// The offset of the `}` that closes the replacement field whose expression starts at
/// `hs`, in a literal that is `triple`-quoted or not; where the scan stopped when
/// none does (the line's end in a single-quoted literal, the end of the text).
/// Strings inside the field are skipped with their own fields, to any depth up to
/// [`MAX_NEST`], including PEP 701's reuse of the outer quote (`f"{f"{x}"}"`): a loop
/// over a fixed-size stack.
fn field_end(b: &[u8], hs: usize, triple: bool) -> usize {
    let mut stack = [Nest::Code(0); MAX_NEST];
    let mut top = 0usize;
    let mut k = hs;
    while k < b.len() {
        let c = b[k];
        match stack[top] {
            Nest::Code(d) => match c {
                b'{' => stack[top] = Nest::Code(d + 1),
                b'}' if d > 0 => stack[top] = Nest::Code(d - 1),
                b'}' if top == 0 => return k,
                b'}' => top -= 1,
                // (`#` is no comment here: it is a format spec's flag in `{x:#x}`.)
                b'\n' if top == 0 && !triple => return k,
                b'\'' | b'"' => {
                    if top + 1 == MAX_NEST {
                        return b.len();
                    }
                    let mut p = k;
                    while p > hs && k - p < 2 && is_ident_char(b[p - 1]) {
                        p -= 1;
                    }
                    let fmt = string_prefix(&b[p..k]).is_some_and(|(_, fmt)| fmt);
                    let tripled = b.get(k + 1) == Some(&c) && b.get(k + 2) == Some(&c);
                    top += 1;
                    stack[top] = Nest::Str {
                        quote: c,
                        triple: tripled,
                        fmt,
                    };
                    if tripled {
                        k += 2;
                    }
                }
                _ => {}
            },
            Nest::Str {
                quote,
                triple: t,
                fmt,
            } => match c {
                b'\\' => k += 1,
                _ if c == quote
                    && (!t || (b.get(k + 1) == Some(&quote) && b.get(k + 2) == Some(&quote))) =>
                {
                    top -= 1;
                    if t {
                        k += 2;
                    }
                }
                b'\n' if !t => {
                    // Unterminated: the line ends it.
                    top -= 1;
                    continue;
                }
                b'{' if fmt && b.get(k + 1) == Some(&b'{') => k += 1,
                b'{' if fmt => {
                    if top + 1 == MAX_NEST {
                        return b.len();
                    }
                    top += 1;
                    stack[top] = Nest::Code(0);
                }
                _ => {}
            },
        }
        k += 1;
    }
    b.len()
}

/// Decodes the escape sequence at `j` (a backslash); returns the decoded text and the
/// offset after the sequence.
pub fn decode_escape(src: &str, j: usize, end: usize) -> Decoded {
    let b = src.as_bytes();
    let Some(c) = escape::escaped(b, j, end) else {
        return escape::lone(j);
    };
    match c {
        b'\n' => (String::new(), j + 2),
        b'\r' => (
            String::new(),
            if b.get(j + 2) == Some(&b'\n') {
                j + 3
            } else {
                j + 2
            },
        ),
        b'n' => escape::simple("\n", j),
        b't' => escape::simple("\t", j),
        b'r' => escape::simple("\r", j),
        b'\\' => escape::simple("\\", j),
        b'\'' => escape::simple("'", j),
        b'"' => escape::simple("\"", j),
        b'a' | b'b' | b'f' | b'v' => escape::simple(" ", j),
        b'0'..=b'7' => {
            let mut k = j + 1;
            let mut v = 0u32;
            while k < end && k < j + 4 && (b'0'..=b'7').contains(&b[k]) {
                v = v * 8 + u32::from(b[k] - b'0');
                k += 1;
            }
            (char::from_u32(v).unwrap_or('?').to_string(), k)
        }
        b'x' => escape::hex(src, j, 2, end),
        b'u' => escape::hex(src, j, 4, end),
        b'U' => escape::hex(src, j, 8, end),
        b'N' if b.get(j + 2) == Some(&b'{') => escape::braced(src, j, end),
        _ => {
            // An unknown escape keeps its backslash.
            let ch = src[j + 1..].chars().next().map_or(1, char::len_utf8);
            (src[j..j + 1 + ch].to_string(), j + 1 + ch)
        }
    }
}
