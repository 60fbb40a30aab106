//! The lexer: one linear pass from a file's text to tokens, then the bracket pairs.
//!
//! Comments are dropped. Strings and template chunks keep their exact byte ranges and
//! the range of their contents, so a name found in them maps back to the file. A
//! template's `${..}` hole is lexed as code in the same token stream: an explicit stack
//! of open braces knows which `}` resumes the literal, so holes nest to any depth
//! without recursion, and what a hole holds (a nested query, a constant) is read like
//! any other code. A `/` starts a regex or is a division depending on the token before
//! it ([`regex_allowed`]); a regex or quoted string that runs past its line ends there,
//! so one misread cannot swallow the rest of the file.

use crate::lang::Problem;
use crate::lang::brackets::{self, Recovery};

/// No index: used in the pair table for tokens without a partner.
pub(super) use crate::lang::brackets::NONE;

/// Which piece of a template literal a chunk token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// `` `..` `` with no holes.
    Full,
    /// `` `..${ ``
    Head,
    /// `}..${`
    Middle,
    /// `` }..` ``
    Tail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Ident,
    /// A quoted string; `closed` is false when the line or file ended first.
    Str {
        closed: bool,
    },
    /// A template chunk; `closed` is false when the file ended inside it.
    Tpl {
        part: Part,
        closed: bool,
    },
    /// A single-character punctuator that matters to the shapes: `( ) [ ] { } , . ; : = + * @ < >`.
    Punct(u8),
    /// Any other operator (`=>`, `===`, `+=`, ...): kept so `+` joins and `=` stay exact.
    Op,
    Num,
    Regex,
}

/// One token: `start..end` is its full range; `cs..ce` is the contents of a string or
/// template chunk (between the delimiters), otherwise equal to the full range.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) cs: usize,
    pub(super) ce: usize,
}

/// Words after which a `/` starts a regex rather than a division.
const REGEX_AFTER_WORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_ident_byte(c: u8) -> bool {
    IDENT[usize::from(c)]
}

static IDENT: [bool; 256] = crate::lang::ident_bytes(b"$");

/// Blanks between tokens (NUL too, which some generated files are padded with).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0)
}

/// The token stream with the tables the shape pass navigates by.
pub(super) struct Lexed {
    pub(super) toks: Vec<Tok>,
    /// For brackets: the matching bracket. For template chunks: the next chunk of the
    /// same literal (`Head`/`Middle` → next `Middle`/`Tail`).
    pub(super) pair: Vec<usize>,
    pub(super) problems: Vec<Problem>,
}

/// Splits `text` into tokens in one linear pass.
pub(super) fn lex(text: &str) -> Lexed {
    let b = text.as_bytes();
    let n = b.len();
    // Sized once: code has a token about every 5 bytes.
    let mut toks: Vec<Tok> = Vec::with_capacity(n / 4);
    let mut pair: Vec<usize> = Vec::with_capacity(n / 4);
    let mut problems = Vec::new();
    // Open `{` of code (None) or of a template hole (Some(index of the chunk before it)).
    let mut braces: Vec<Option<usize>> = Vec::new();
    let mut i = 0;
    if text.starts_with("#!") {
        i = crate::lang::line_end(b, 0);
    }
    let simple = |kind, start, end| Tok {
        kind,
        start,
        end,
        cs: start,
        ce: end,
    };
    while i < n {
        let c = b[i];
        if is_space(c) {
            // A run of blanks (indentation, most of all) in one tight loop.
            i += 1;
            while i < n && is_space(b[i]) {
                i += 1;
            }
            continue;
        }
        let next = b.get(i + 1).copied().unwrap_or(0);
        if c == b'/' && next == b'/' {
            i = crate::lang::line_end(b, i);
            continue;
        }
        if c == b'/' && next == b'*' {
            match text[i + 2..].find("*/") {
                Some(p) => i = i + 2 + p + 2,
                None => {
                    problems.push(Problem {
                        offset: i,
                        message: "unterminated block comment".into(),
                    });
                    i = n;
                }
            }
            continue;
        }
        let start = i;
        let tok = match c {
            b'/' => {
                if regex_allowed(text, toks.last()) {
                    i = lex_regex(b, i);
                    simple(Kind::Regex, start, i)
                } else {
                    i += if next == b'=' { 2 } else { 1 };
                    simple(Kind::Op, start, i)
                }
            }
            b'\'' | b'"' => {
                let (end, closed) = lex_string(b, i);
                i = end;
                Tok {
                    kind: Kind::Str { closed },
                    start,
                    end,
                    cs: start + 1,
                    ce: if closed { end - 1 } else { end },
                }
            }
            b'{' => {
                braces.push(None);
                i += 1;
                simple(Kind::Punct(b'{'), start, i)
            }
            b'}' if !matches!(braces.last(), Some(Some(_))) => {
                braces.pop();
                i += 1;
                simple(Kind::Punct(b'}'), start, i)
            }
            // A template literal opens, or the `}` of one of its holes resumes it.
            b'`' | b'}' => {
                let first = c == b'`';
                if !first
                    && let Some(Some(prev)) = braces.pop()
                    && let Some(p) = pair.get_mut(prev)
                {
                    *p = toks.len();
                }
                let (tok, hole) = lex_chunk(b, i, first);
                i = tok.end;
                if hole {
                    braces.push(Some(toks.len()));
                } else if !matches!(tok.kind, Kind::Tpl { closed: true, .. }) {
                    problems.push(Problem {
                        offset: start,
                        message: "unterminated template literal".into(),
                    });
                }
                tok
            }
            b'.' if next.is_ascii_digit() => {
                i = lex_number(b, i);
                simple(Kind::Num, start, i)
            }
            b'.' if next == b'.' => {
                i += if b.get(i + 2) == Some(&b'.') { 3 } else { 2 };
                simple(Kind::Op, start, i)
            }
            b'(' | b')' | b'[' | b']' | b',' | b';' | b':' | b'@' | b'.' | b'#' => {
                i += 1;
                simple(Kind::Punct(c), start, i)
            }
            b'?' if next == b'.' && !b.get(i + 2).is_some_and(|d| d.is_ascii_digit()) => {
                // Optional chaining reads as a plain member access.
                i += 2;
                simple(Kind::Punct(b'.'), start, i)
            }
            b'=' | b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>' | b'!' | b'?'
            | b'~' => {
                i += 1;
                while i < n && b"=+-*%&|^<>!?~".contains(&b[i]) {
                    i += 1;
                }
                if i - start == 1 {
                    simple(Kind::Punct(c), start, i)
                } else {
                    simple(Kind::Op, start, i)
                }
            }
            c if c.is_ascii_digit() => {
                i = lex_number(b, i);
                simple(Kind::Num, start, i)
            }
            c if is_ident_start(c) => {
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                simple(Kind::Ident, start, i)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        toks.push(tok);
        pair.push(NONE);
    }
    // A hole still open at the end of the file: report its literal once.
    if let Some(&Some(chunk)) = braces.iter().find(|b| b.is_some()) {
        problems.push(Problem {
            offset: toks[chunk].start,
            message: "unterminated template literal".into(),
        });
    }
    let pair = match_brackets(&toks, pair);
    Lexed {
        toks,
        pair,
        problems,
    }
}

fn lex_number(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
        i += 1;
    }
    i
}

/// Whether a `/` after `last` starts a regex literal (it does after operators, opening
/// brackets and keywords like `return`; after a value it is a division).
fn regex_allowed(text: &str, last: Option<&Tok>) -> bool {
    match last {
        None => true,
        Some(t) => match t.kind {
            Kind::Ident => REGEX_AFTER_WORDS.contains(&&text[t.start..t.end]),
            Kind::Punct(p) => !matches!(p, b')' | b']' | b'}'),
            Kind::Op => true,
            // `${` opens an expression, which may start with a regex: `${/`/.test(x)}`.
            Kind::Tpl {
                part: Part::Head | Part::Middle,
                ..
            } => true,
            Kind::Str { .. } | Kind::Tpl { .. } | Kind::Num | Kind::Regex => false,
        },
    }
}

/// Skips a regex literal starting at the `/` at `i`; stops at the end of the line when
/// unterminated so a misread division cannot swallow the rest of the file.
fn lex_regex(b: &[u8], mut i: usize) -> usize {
    i += 1;
    let mut class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'\n' => return i,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                i += 1;
                while i < b.len() && is_ident_byte(b[i]) {
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Lexes a quoted string starting at the quote at `i`. Returns the end (after the closing
/// quote) and whether it was closed; an unescaped newline ends it unclosed.
fn lex_string(b: &[u8], i: usize) -> (usize, bool) {
    let quote = b[i];
    let mut k = i + 1;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'\n' => return (k, false),
            c if c == quote => return (k + 1, true),
            _ => k += 1,
        }
    }
    (b.len(), false)
}

/// Lexes one template chunk whose opening delimiter (a backtick, or the `}` closing a
/// hole) is at `i`. Returns the token and whether it ends in a `${` hole.
fn lex_chunk(b: &[u8], i: usize, first: bool) -> (Tok, bool) {
    // The chunk's token: contents from after the delimiter to `ce`, delimiters to `end`.
    let chunk = |hole: bool, closed: bool, ce: usize, end: usize| {
        let part = match (first, hole) {
            (true, false) => Part::Full,
            (true, true) => Part::Head,
            (false, true) => Part::Middle,
            (false, false) => Part::Tail,
        };
        let tok = Tok {
            kind: Kind::Tpl { part, closed },
            start: i,
            end,
            cs: (i + 1).min(ce),
            ce,
        };
        (tok, hole)
    };
    let mut k = i + 1;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'`' => return chunk(false, true, k, k + 1),
            b'$' if b.get(k + 1) == Some(&b'{') => return chunk(true, true, k, k + 2),
            _ => k += 1,
        }
    }
    chunk(false, false, b.len(), b.len())
}

/// The byte of token `i` when it is punctuation (brackets among them), for
/// [`brackets::pair`].
fn punct_byte(toks: &[Tok], i: usize) -> u8 {
    match toks.get(i).map(|t| t.kind) {
        Some(Kind::Punct(c)) => c,
        _ => 0,
    }
}

/// Pairs brackets ([`brackets::pair`]); a closing bracket that does not match the
/// innermost open one is left unpaired. The template chunks' links already in `pair`
/// are kept.
fn match_brackets(toks: &[Tok], pair: Vec<usize>) -> Vec<usize> {
    brackets::pair(pair, |i| punct_byte(toks, i), Recovery::Unpaired, false).partner
}

/// The innermost open bracket enclosing each token, or [`NONE`], from the same
/// pairing as [`match_brackets`]: a bracket stays open until its partner (one without
/// a partner, to the end), and a closer without one is no bracket; a paired closer
/// is outside the group it closes. Only an object key `tableName` or `references`,
/// and a builder call naming a table in a chain rooted at `this`, ask, so it is built
/// for the few files that have one (for every file, it was a tenth of the lexer's
/// time).
pub(super) fn parents(toks: &[Tok]) -> Vec<usize> {
    let pairs = brackets::pair(
        vec![NONE; toks.len()],
        |i| punct_byte(toks, i),
        Recovery::Unpaired,
        true,
    );
    let mut parent = pairs.parent;
    for (i, t) in toks.iter().enumerate() {
        if let Kind::Punct(b')' | b']' | b'}') = t.kind
            && let Some(&o) = pairs.partner.get(i).filter(|&&o| o != NONE)
        {
            parent[i] = parent[o];
        }
    }
    parent
}

/// Decodes the escape sequence at `k` (a backslash) inside a literal ending at `end`.
/// Returns the decoded text and the offset after the escape.
pub(super) fn decode_escape(text: &str, k: usize, end: usize) -> (String, usize) {
    let rest = &text[k + 1..end];
    let Some(c) = rest.chars().next() else {
        return (String::new(), end);
    };
    let after = k + 1 + c.len_utf8();
    let hex = |s: &str| u32::from_str_radix(s, 16).ok().and_then(char::from_u32);
    let decoded = match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '0' => '\0',
        '\n' => return (String::new(), after),
        '\r' => {
            let skip = usize::from(text.as_bytes().get(after) == Some(&b'\n'));
            return (String::new(), after + skip);
        }
        'x' => {
            if let Some(ch) = rest.get(1..3).and_then(hex) {
                return (ch.to_string(), k + 4);
            }
            'x'
        }
        'u' => {
            if rest[1..].starts_with('{') {
                if let Some(close) = rest.find('}')
                    && let Some(ch) = rest.get(2..close).and_then(hex)
                {
                    return (ch.to_string(), k + 1 + close + 1);
                }
            } else if let Some(ch) = rest.get(1..5).and_then(hex) {
                return (ch.to_string(), k + 6);
            }
            'u'
        }
        other => other,
    };
    (decoded.to_string(), after)
}
