//! The token list the Rust extractor walks, lexed with `ra_ap_rustc_lexer`
//! (rust-analyzer's published copy of rustc's own lexer).
//!
//! That lexer allocates nothing and hands back each token's kind and length, so a token
//! here is a kind and a byte range of the file: identifiers and literals are read from
//! the file's text, not from a copy. It was chosen over lexing with `proc_macro2` (which
//! the syntax check still does, on the part of the file it checks) because
//! `proc_macro2` allocates per identifier and literal and keeps a map of every
//! character's position: on the benchmark's dense tree, lexing the whole file with it
//! was 22% of all instructions, about four times this lexer's time. The plain ASCII
//! tokens most code is made of (whitespace, identifiers, brackets, one-character
//! punctuation) are read by a byte loop instead, which a test compares with the lexer
//! at every position of this crate's sources; everything else by the lexer.
//!
//! The tokens are the ones `proc_macro2` gives, so that every pattern of the extractor
//! reads the same list: a lifetime `'a` is a `'` joined to an identifier, punctuation
//! is joined when a punctuation character follows at once (not the `/` of a comment),
//! comments are dropped, and so are doc comments (which `proc_macro2` turns into
//! `#[doc = ".."]` attributes, which the extractor skips like every attribute). The
//! ignored `scan_dir` test compares the two lexers over a directory of real code.
//!
//! What `proc_macro2` refuses, this refuses too where the lexer says so: an
//! unterminated string, character or block comment, a character Rust does not know,
//! an invalid identifier or number, unbalanced brackets, and nesting deeper than
//! [`super::MAX_DEPTH`]. A few literals `proc_macro2` also checks inside (an unknown
//! escape `"\q"`, a character literal of two characters) are accepted here; if the
//! syntax check reads them, its `proc_macro2` reports them as a syntax error. The
//! other way round, whitespace that only `proc_macro2` accepts (U+00A0, U+3000, ..)
//! between tokens is an unexpected character here, as it is for rustc.

use std::ops::Range;

use ra_ap_rustc_lexer::{Cursor, FrontmatterAllowed, LiteralKind, Token, TokenKind};

/// A token of the flat list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// An identifier or keyword, with the keywords the extractor's passes look for at
    /// every token told apart once here (see [`Word`]).
    Ident(Word),
    /// A punctuation character and whether it is joined to the next one (`::`, `->`).
    Punct(char, bool),
    Lit,
    /// An opening delimiter: `(`, `[` or `{`.
    Open(char),
    Close,
}

/// The keywords the extractor's passes test at every token, classified when the
/// identifier is lexed: each pass then compares a byte instead of slicing the file
/// and comparing text (on the benchmark's dense tree those comparisons were about a
/// third of the passes' time). Classified by the text alone, as the comparisons were,
/// so `r#fn` is [`Word::Other`] and the `static` of `'static` is [`Word::Static`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Word {
    Mod,
    Use,
    Extern,
    Fn,
    Const,
    Static,
    /// Another keyword that starts an expression or a type (`return`, `move`, `dyn`,
    /// `mut`, ..), which `super::longest_chain` counts as an operator.
    Prefix,
    Other,
}

impl Word {
    /// The word an identifier written as `text` is.
    pub fn of(text: &[u8]) -> Word {
        match text {
            b"mod" => Word::Mod,
            b"use" => Word::Use,
            b"extern" => Word::Extern,
            b"fn" => Word::Fn,
            b"const" => Word::Const,
            b"static" => Word::Static,
            b"return" | b"break" | b"yield" | b"move" | b"async" | b"box" | b"dyn" | b"impl"
            | b"become" | b"do" | b"try" | b"mut" | b"ref" | b"unsafe" => Word::Prefix,
            _ => Word::Other,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Tok {
    pub kind: Kind,
    /// Where the token is in the file, in bytes.
    pub at: Range<usize>,
    /// For [`Kind::Open`], the index of the matching [`Kind::Close`]; for
    /// [`Kind::Close`], of the matching [`Kind::Open`].
    pub close: usize,
}

/// A lexed file.
#[derive(Debug, Default)]
pub(super) struct Lexed {
    pub toks: Vec<Tok>,
    /// Where each comment is, in bytes, in order: the syntax check leaves them out of
    /// the text it parses (a doc comment would be an attribute for `syn` to parse).
    pub comments: Vec<Range<usize>>,
}

/// Why a file was not lexed: where, and what to say.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Refused {
    pub offset: usize,
    pub message: String,
    /// Whether the file is refused for its nesting rather than a token.
    pub too_deep: bool,
}

/// What `proc_macro2` counts as punctuation, and joins to punctuation before it: a
/// table by byte (a search of the list per punctuation token was 1.5% of the dense
/// benchmark's instructions).
const PUNCT: [bool; 256] = {
    let mut table = [false; 256];
    let list = b"~!@#$%^&*-=+|;:,<.>/?'";
    let mut i = 0;
    while i < list.len() {
        table[list[i] as usize] = true;
        i += 1;
    }
    table
};

/// The tokens of `text[base..]` (the file after a byte-order mark and shebang line),
/// with byte ranges in `text`, each bracket knowing its match.
pub(super) fn lex(text: &str, base: usize, max_depth: usize) -> Result<Lexed, Refused> {
    let src = text.get(base..).unwrap_or_default();
    // Sized once from the text, not grown by doubling token by token: code has a token
    // every 4 to 7 bytes.
    let mut toks: Vec<Tok> = Vec::with_capacity(src.len() / 4);
    let mut comments = Vec::new();
    // Open brackets: the index of each one's token.
    let mut open: Vec<usize> = Vec::new();
    let refuse = |offset: usize, what: &str| Refused {
        offset,
        message: what.to_string(),
        too_deep: false,
    };
    let mut cursor = Cursor::new(src, FrontmatterAllowed::No);
    // Offset in `src` of the next token, and of the cursor (behind it after tokens
    // read by [`ascii_token`]).
    let mut pos = 0usize;
    let mut cursor_at = 0usize;
    loop {
        let token = match ascii_token(src.as_bytes(), pos) {
            Some(token) => token,
            None => {
                if cursor_at != pos {
                    cursor =
                        Cursor::new(src.get(pos..).unwrap_or_default(), FrontmatterAllowed::No);
                }
                let token = cursor.advance_token();
                cursor_at = pos + token.len as usize;
                token
            }
        };
        let start = pos;
        let end = start + token.len as usize;
        pos = end;
        let at = base + start..base + end;
        let punct = |c: char| Kind::Punct(c, joined(src, end));
        let kind = match token.kind {
            TokenKind::Eof => break,
            TokenKind::Whitespace => continue,
            TokenKind::LineComment { .. } => {
                comments.push(at);
                continue;
            }
            TokenKind::BlockComment { terminated, .. } => {
                if !terminated {
                    return Err(refuse(at.start, "unterminated block comment"));
                }
                comments.push(at);
                continue;
            }
            TokenKind::Ident | TokenKind::RawIdent | TokenKind::UnknownPrefix => {
                Kind::Ident(Word::of(src.as_bytes().get(start..end).unwrap_or_default()))
            }
            // `k#fn`, `#"..` and `##`: what `proc_macro2` reads as an identifier or a
            // `#` and what follows; and `1e+`, which it reads as `1e` and `+`. So the
            // token is cut short and lexing starts again after it.
            TokenKind::ForcedKeywordIdent
            | TokenKind::GuardedStrPrefix
            | TokenKind::Literal {
                kind:
                    LiteralKind::Float {
                        empty_exponent: true,
                        ..
                    },
                ..
            } => {
                let text = &src[start..end];
                let (next, kind) = match token.kind {
                    TokenKind::GuardedStrPrefix => {
                        (start + 1, Kind::Punct('#', joined(src, start + 1)))
                    }
                    // The `k` of `k#`, no keyword.
                    TokenKind::ForcedKeywordIdent => (start + 1, Kind::Ident(Word::Other)),
                    _ => (
                        start + text.find(['+', '-']).unwrap_or(text.len()),
                        Kind::Lit,
                    ),
                };
                // The cursor, now at `end`, starts again at `next`.
                pos = next;
                toks.push(Tok {
                    kind,
                    at: base + start..base + next,
                    close: 0,
                });
                continue;
            }
            TokenKind::Lifetime {
                starts_with_number: false,
            }
            | TokenKind::RawLifetime
            | TokenKind::UnknownPrefixLifetime => {
                toks.push(Tok {
                    kind: Kind::Punct('\'', true),
                    at: at.start..at.start + 1,
                    close: 0,
                });
                toks.push(Tok {
                    kind: Kind::Ident(Word::of(
                        src.as_bytes().get(start + 1..end).unwrap_or_default(),
                    )),
                    at: at.start + 1..at.end,
                    close: 0,
                });
                continue;
            }
            TokenKind::Literal { kind, .. } => {
                if let Some(problem) = bad_literal(kind) {
                    return Err(refuse(at.start, problem));
                }
                Kind::Lit
            }
            TokenKind::OpenParen => Kind::Open('('),
            TokenKind::OpenBracket => Kind::Open('['),
            TokenKind::OpenBrace => Kind::Open('{'),
            TokenKind::CloseParen | TokenKind::CloseBracket | TokenKind::CloseBrace => {
                let want = match token.kind {
                    TokenKind::CloseParen => '(',
                    TokenKind::CloseBracket => '[',
                    _ => '{',
                };
                let Some(o) = open.pop().filter(|&o| toks[o].kind == Kind::Open(want)) else {
                    return Err(refuse(at.start, "unbalanced brackets"));
                };
                toks[o].close = toks.len();
                toks.push(Tok {
                    kind: Kind::Close,
                    at,
                    close: o,
                });
                continue;
            }
            TokenKind::Semi => punct(';'),
            TokenKind::Comma => punct(','),
            TokenKind::Dot => punct('.'),
            TokenKind::At => punct('@'),
            TokenKind::Pound => punct('#'),
            TokenKind::Tilde => punct('~'),
            TokenKind::Question => punct('?'),
            TokenKind::Colon => punct(':'),
            TokenKind::Dollar => punct('$'),
            TokenKind::Eq => punct('='),
            TokenKind::Bang => punct('!'),
            TokenKind::Lt => punct('<'),
            TokenKind::Gt => punct('>'),
            TokenKind::Minus => punct('-'),
            TokenKind::And => punct('&'),
            TokenKind::Or => punct('|'),
            TokenKind::Plus => punct('+'),
            TokenKind::Star => punct('*'),
            TokenKind::Slash => punct('/'),
            TokenKind::Caret => punct('^'),
            TokenKind::Percent => punct('%'),
            TokenKind::Lifetime {
                starts_with_number: true,
            } => return Err(refuse(at.start, "invalid lifetime")),
            TokenKind::InvalidIdent => return Err(refuse(at.start, "invalid identifier")),
            TokenKind::Unknown | TokenKind::Frontmatter { .. } => {
                let c = src[start..].chars().next().unwrap_or(' ');
                return Err(refuse(at.start, &format!("unexpected character `{c}`")));
            }
        };
        if let Kind::Open(_) = kind {
            if open.len() >= max_depth {
                return Err(Refused {
                    too_deep: true,
                    ..refuse(at.start, "")
                });
            }
            open.push(toks.len());
        }
        toks.push(Tok { kind, at, close: 0 });
    }
    match open.first() {
        Some(&o) => Err(refuse(toks[o].at.start, "unclosed bracket")),
        None => Ok(Lexed { toks, comments }),
    }
}

/// The token at `pos` when it is one of the plain ASCII tokens most of a file is made
/// of, read as `Cursor::advance_token` reads it: a run of ASCII whitespace, an ASCII
/// identifier, a bracket or a one-character punctuation token. `None` for everything
/// else (comments, literals, lifetimes, numbers, prefixed and raw tokens, identifiers
/// followed by `#`, a quote or a non-ASCII character, the end), which the cursor
/// reads. Most of rustc's lexer's time went into decoding UTF-8 and classifying
/// characters for these tokens; a byte loop reads them several times faster.
fn ascii_token(b: &[u8], pos: usize) -> Option<Token> {
    let first = *b.get(pos)?;
    let token = |kind, len: usize| {
        Some(Token {
            kind,
            len: u32::try_from(len).ok()?,
        })
    };
    // The length of the run of bytes of class `class` starting at `pos`.
    let run = |class: u8| {
        b.get(pos + 1..)
            .unwrap_or_default()
            .iter()
            .position(|&c| CLASS[usize::from(c)] & class == 0)
            .map_or(b.len() - pos, |n| n + 1)
    };
    match first {
        c if CLASS[usize::from(c)] & SPACE != 0 => token(TokenKind::Whitespace, run(SPACE)),
        b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
            let len = run(WORD);
            // A prefix (`r#`, `b"`, `c'`, ..) or an identifier going on past ASCII.
            match b.get(pos + len) {
                Some(b'#' | b'"' | b'\'' | 0x80..) => None,
                _ => token(TokenKind::Ident, len),
            }
        }
        b'#' if matches!(b.get(pos + 1), Some(b'"' | b'#')) => None,
        _ => {
            let kind = match first {
                b';' => TokenKind::Semi,
                b',' => TokenKind::Comma,
                b'.' => TokenKind::Dot,
                b'(' => TokenKind::OpenParen,
                b')' => TokenKind::CloseParen,
                b'{' => TokenKind::OpenBrace,
                b'}' => TokenKind::CloseBrace,
                b'[' => TokenKind::OpenBracket,
                b']' => TokenKind::CloseBracket,
                b'@' => TokenKind::At,
                b'#' => TokenKind::Pound,
                b'~' => TokenKind::Tilde,
                b'?' => TokenKind::Question,
                b':' => TokenKind::Colon,
                b'$' => TokenKind::Dollar,
                b'=' => TokenKind::Eq,
                b'!' => TokenKind::Bang,
                b'<' => TokenKind::Lt,
                b'>' => TokenKind::Gt,
                b'-' => TokenKind::Minus,
                b'&' => TokenKind::And,
                b'|' => TokenKind::Or,
                b'+' => TokenKind::Plus,
                b'*' => TokenKind::Star,
                b'^' => TokenKind::Caret,
                b'%' => TokenKind::Percent,
                _ => return None,
            };
            token(kind, 1)
        }
    }
}

/// Classes of ASCII bytes for [`ascii_token`]'s runs, one table lookup per byte:
/// [`SPACE`], what rustc's lexer reads as whitespace, and [`WORD`], what continues
/// an ASCII identifier.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            t[c] = SPACE;
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            t[c] = WORD;
        }
        c += 1;
    }
    t
};
const SPACE: u8 = 1;
const WORD: u8 = 2;

/// Whether the punctuation ending at `end` is joined to the next character, as
/// `proc_macro2` decides: a punctuation character follows at once, and it does not
/// start a comment.
fn joined(src: &str, end: usize) -> bool {
    let rest = src.as_bytes().get(end..).unwrap_or_default();
    rest.first().is_some_and(|&b| PUNCT[b as usize])
        && !rest.starts_with(b"//")
        && !rest.starts_with(b"/*")
}

/// What is wrong with a literal the lexer flagged, if anything.
fn bad_literal(kind: LiteralKind) -> Option<&'static str> {
    match kind {
        LiteralKind::Int {
            empty_int: true, ..
        } => Some("number without digits"),
        LiteralKind::Char { terminated: false } | LiteralKind::Byte { terminated: false } => {
            Some("unterminated character literal")
        }
        LiteralKind::Str { terminated: false }
        | LiteralKind::ByteStr { terminated: false }
        | LiteralKind::CStr { terminated: false } => Some("unterminated string literal"),
        LiteralKind::RawStr { n_hashes: None }
        | LiteralKind::RawByteStr { n_hashes: None }
        | LiteralKind::RawCStr { n_hashes: None } => Some("invalid raw string literal"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token [`ascii_token`] reads is the token rustc's lexer reads at the same
    /// place: same kind, same length. Checked at every character boundary of tricky
    /// snippets and of this crate's own sources.
    #[test]
    fn ascii_tokens_are_the_lexers_tokens() {
        let snippets = [
            "r#type r\"raw\" br\"x\" b'x' b\"y\" c\"z\" cr#\"w\"# k#fn rust _ __ _x x_ x1",
            "a#b a\"b\" a'b' ab# abc'd' é xé ü_1 x\u{200e}y x\u{0085}y\t\u{000b}\u{000c}\r\n",
            "#[a] #![b] #\"s\"# ## #x a::b -> => <= >= != && || += -= ... .. @ ~ ? $ ^ %",
            "/ // comment\n /* c */ /** d */ 'a 'static '1 1e+5 0x1F 1.0 \"s\\\"t\" 'c'",
            "🦀 x🦀 \u{3000} \u{a0}",
        ];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/lang");
        let mut texts: Vec<String> = snippets.iter().map(|s| s.to_string()).collect();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push(text);
            }
        }
        assert!(texts.len() > snippets.len(), "no sources read from {dir}");
        let mut read = 0;
        for text in &texts {
            for pos in (0..text.len()).filter(|&p| text.is_char_boundary(p)) {
                let Some(ours) = ascii_token(text.as_bytes(), pos) else {
                    continue;
                };
                let theirs = Cursor::new(&text[pos..], FrontmatterAllowed::No).advance_token();
                assert_eq!(
                    (ours.kind, ours.len),
                    (theirs.kind, theirs.len),
                    "at {pos} of {:?}",
                    &text[pos..text.len().min(pos + 20)]
                );
                read += 1;
            }
        }
        assert!(read > 10_000, "only {read} tokens compared");
    }

    /// Keywords are told apart by their text alone, wherever the identifier comes
    /// from: the byte loop, rustc's lexer (`r#fn`, non-ASCII) or a lifetime.
    #[test]
    fn identifiers_carry_their_keyword() {
        let text = "mod use extern fn const static return dyn mut unsafe r#fn fné 'static \
                    Fn modx k#fn";
        let words: Vec<(&str, Word)> = lex(text, 0, 8)
            .expect("lexes")
            .toks
            .iter()
            .filter_map(|t| match t.kind {
                Kind::Ident(w) => Some((&text[t.at.clone()], w)),
                _ => None,
            })
            .collect();
        let want = [
            ("mod", Word::Mod),
            ("use", Word::Use),
            ("extern", Word::Extern),
            ("fn", Word::Fn),
            ("const", Word::Const),
            ("static", Word::Static),
            ("return", Word::Prefix),
            ("dyn", Word::Prefix),
            ("mut", Word::Prefix),
            ("unsafe", Word::Prefix),
            ("r#fn", Word::Other),
            ("fné", Word::Other),
            ("static", Word::Static),
            ("Fn", Word::Other),
            ("modx", Word::Other),
            ("k", Word::Other),
            ("fn", Word::Fn),
        ];
        assert_eq!(words, want);
    }
}
