//! A memo of the syntax check's verdicts by token shape, kept per worker thread across
//! files.
//!
//! `syn` (on `proc_macro2`'s own lexer) is the costliest part of analysing a Rust file
//! that holds a finding, although the check only reads the code around what was found
//! (see `Walker::check_syntax`): a few hundred instructions per token, since every
//! keyword test copies an identifier and every string literal is unescaped into a new
//! `String`. That code repeats its shape far more than its text: one
//! `let rows = sqlx::query("..").bind(id).fetch_all(&self.pool).await?;` in file
//! after file, with other names and other SQL. The check parses the kept code piece by
//! piece (the items with the bodies of their functions emptied, then each run of
//! statements kept in a body), and a piece whose shape already parsed on this thread
//! is valid without being parsed again.
//!
//! # The shape
//!
//! The piece's tokens, as `proc_macro2` gives them (the extractor's lexer gives the
//! same list; a piece it refuses has no shape and is always parsed), with two things
//! left out:
//!
//! - **The names of ordinary identifiers.** An identifier of ASCII letters, digits and
//!   `_` that is none of the words of [`is_word`] stands for any other such identifier. `syn` 2 reads
//!   an identifier's text only to compare it with those words (its keyword list, the
//!   contextual `safe`, `builtin`, `raw`, `union`, `auto`, `default`, `_`, and `true`
//!   and `false`), and `proc_macro2` accepts every such identifier. Raw identifiers,
//!   non-ASCII identifiers and the words themselves stay in the key verbatim.
//! - **The text inside string literals** without `\`, carriage return or NUL and
//!   with only ASCII: `proc_macro2` accepts every such content for every string kind
//!   (plain, raw, byte, C), and `syn` reads a string's value in no grammar rule. The
//!   prefix, the quotes and any suffix stay. Other literals (numbers, characters,
//!   strings with escapes) stay verbatim, since `proc_macro2` checks inside them.
//!
//! Punctuation (with whether it is joined to the next), brackets and the grammar the
//! piece is parsed with (a file, or statements in a block) stay. Two pieces with the
//! same shape are the same token sequence for `syn` up to names and string values it
//! never branches on, so both parse or both fail. Only successes are remembered: a
//! failure is parsed again whole, for its message and position.
//!
//! # Bounds
//!
//! Pieces of more than [`MAX_PIECE`] bytes are parsed but not remembered, and a
//! thread's memo holds at most [`MAX_HELD`] bytes of shapes (it starts over when full).

use std::cell::RefCell;
use std::str::FromStr;

use foldhash::HashSet;
use proc_macro2::TokenStream;

use super::lex::{self, Kind};

/// Every word `syn` 2 compares an identifier with: the keywords it defines tokens for
/// (strict, reserved and contextual), `safe` and `builtin` (read by name), `true`,
/// `false` and `_`; and the words later editions reserve (`gen`, `macro_rules`),
/// so that a newer `syn` reading them changes nothing. A `match`, which the compiler
/// turns into a switch on the length and a few comparisons: a search of a list was a
/// third of the time spent on shapes.
fn is_word(word: &str) -> bool {
    matches!(
        word,
        "_" | "abstract"
            | "as"
            | "async"
            | "auto"
            | "await"
            | "become"
            | "box"
            | "break"
            | "builtin"
            | "const"
            | "continue"
            | "crate"
            | "default"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "macro_rules"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "raw"
            | "ref"
            | "return"
            | "safe"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "union"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yeet"
            | "yield"
    )
}

/// Longest piece whose shape is remembered, in bytes.
const MAX_PIECE: usize = 64 * 1024;

/// Most bytes of shapes a thread's memo holds.
const MAX_HELD: usize = 1 << 20;

/// What a piece is parsed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Grammar {
    /// Inner attributes and items, as a file.
    File,
    /// Statements, as the inside of a block.
    Statements,
}

/// The shapes that parsed on this thread.
#[derive(Default)]
struct Memo {
    shapes: HashSet<Box<[u8]>>,
    held: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Whether `text` lexes with `proc_macro2` and parses as `grammar` with `syn`, from
/// the memo when its shape parsed before on this thread.
pub(super) fn valid(grammar: Grammar, text: &str) -> bool {
    let key = (text.len() <= MAX_PIECE)
        .then(|| shape(grammar, text))
        .flatten();
    if let Some(key) = &key
        && MEMO.with_borrow(|memo| memo.shapes.contains(key.as_slice()))
    {
        return true;
    }
    let parsed = parses(grammar, text);
    if parsed && let Some(key) = key {
        MEMO.with_borrow_mut(|memo| {
            if memo.held + key.len() > MAX_HELD {
                *memo = Memo::default();
            }
            memo.held += key.len();
            memo.shapes.insert(key.into_boxed_slice());
        });
    }
    parsed
}

/// Whether `text` lexes with `proc_macro2` and parses as `grammar` with `syn`, parsed
/// now (the syntax check's tests compare with it too).
pub(super) fn parses(grammar: Grammar, text: &str) -> bool {
    let Ok(stream) = TokenStream::from_str(text) else {
        return false;
    };
    match grammar {
        Grammar::File => super::syntax::parse_as_file(stream).is_ok(),
        Grammar::Statements => {
            let statements = |input: syn::parse::ParseStream| {
                syn::Block::parse_within(input)?;
                Ok(())
            };
            syn::parse::Parser::parse2(statements, stream).is_ok()
        }
    }
}

/// The shape of `text` as `grammar` (see the module's documentation); `None` when the
/// extractor's lexer refuses it.
fn shape(grammar: Grammar, text: &str) -> Option<Vec<u8>> {
    let lexed = lex::lex(text, 0, super::MAX_DEPTH).ok()?;
    let mut key = Vec::with_capacity(lexed.toks.len() * 2 + 1);
    key.push(match grammar {
        Grammar::File => b'F',
        Grammar::Statements => b'S',
    });
    for t in &lexed.toks {
        let word = text.get(t.at.clone()).unwrap_or_default();
        match t.kind {
            Kind::Ident(_) if ordinary(word) => key.push(b'x'),
            Kind::Ident(_) => verbatim(&mut key, b'i', word),
            Kind::Lit => match blanked(word) {
                Some((open, close)) => {
                    key.push(b's');
                    key.extend_from_slice(open.as_bytes());
                    key.extend_from_slice(close.as_bytes());
                    key.push(END);
                }
                None => verbatim(&mut key, b'l', word),
            },
            Kind::Punct(c, joint) => {
                key.push(if joint { b'j' } else { b'p' });
                let mut buf = [0; 4];
                key.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Kind::Open(c) => key.push(match c {
                '(' => b'(',
                '[' => b'[',
                _ => b'{',
            }),
            Kind::Close => key.push(b')'),
        }
    }
    Some(key)
}

/// Ends a verbatim word in a shape: a byte UTF-8 text never holds.
const END: u8 = 0xFF;

fn verbatim(key: &mut Vec<u8>, tag: u8, word: &str) {
    key.push(tag);
    key.extend_from_slice(word.as_bytes());
    key.push(END);
}

/// An identifier the shape leaves out: ASCII, not `_` alone, not a word of [`is_word`].
fn ordinary(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && !is_word(word)
}

/// A string literal whose text the shape leaves out: what stands before its text
/// (prefix, `#`s, quote) and after it (quote, `#`s, suffix). `None` for other literals
/// and for strings `proc_macro2` checks inside.
fn blanked(lit: &str) -> Option<(&str, &str)> {
    let open = lit.find('"')?;
    let close = lit.rfind('"')?;
    let inside = lit.get(open + 1..close)?;
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b'\\' | b'\r' | 0);
    (close > open && inside.bytes().all(|b| plain(&b)))
        .then(|| Some((lit.get(..=open)?, lit.get(close..)?)))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text`'s shape is in this thread's memo.
    fn remembered(grammar: Grammar, text: &str) -> bool {
        shape(grammar, text)
            .is_some_and(|key| MEMO.with_borrow(|memo| memo.shapes.contains(key.as_slice())))
    }

    #[test]
    fn a_shape_that_parsed_is_not_parsed_again() {
        let first = r#"let rows = sqlx::query("SELECT a FROM orders").bind(id).fetch_all(&self.pool).await?;"#;
        let second = r#"let items = sqlx::query("DELETE FROM users WHERE id = $1").bind(user).fetch_all(&self.db).await?;"#;
        assert!(!remembered(Grammar::Statements, second));
        assert!(valid(Grammar::Statements, first));
        assert!(remembered(Grammar::Statements, second));
        assert!(valid(Grammar::Statements, second));
        // The grammar is part of the shape; failures are not remembered.
        assert!(!remembered(Grammar::File, second));
        assert!(!valid(Grammar::Statements, "let = ;"));
        assert!(!remembered(Grammar::Statements, "let = ;"));
    }

    #[test]
    fn what_the_shape_keeps() {
        let same =
            |a: &str, b: &str| shape(Grammar::Statements, a) == shape(Grammar::Statements, b);
        // Names and plain string text are left out.
        assert!(same("a.b(\"x\");", "c.d(\"SELECT 1\");"));
        assert!(same("r#\"x\"#;", "r#\"yy\"#;"));
        assert!(same("b\"x\"s;", "b\"\"s;"));
        // Words syn reads, raw and non-ASCII names, other literals, suffixes, string
        // kinds, escapes and joints stay.
        for (a, b) in [
            ("a;", "self;"),
            ("a;", "safe;"),
            ("a;", "_;"),
            ("a;", "r#a;"),
            ("a;", "é;"),
            ("1;", "2;"),
            ("'a';", "'b';"),
            ("\"a\"x;", "\"a\"y;"),
            ("\"a\";", "b\"a\";"),
            ("\"a\";", "r\"a\";"),
            ("\"a\\n\";", "\"b\\n\";"),
            ("\"é\";", "\"è\";"),
            ("a::b;", "a: :b;"),
            ("(a);", "[a];"),
        ] {
            assert!(!same(a, b), "{a} {b}");
        }
        assert!(shape(Grammar::Statements, "\"unterminated").is_none());
    }

    /// Every construct where `syn` reads a word or a literal, valid and not: renaming
    /// the ordinary identifiers and rewriting the plain string text keeps the shape and
    /// never changes whether a piece parses (with `safe`, `raw`, `union`, .. left out
    /// of [`is_word`], the renamed pieces that use them would parse otherwise).
    #[test]
    fn pieces_of_one_shape_parse_alike() {
        let files = [
            "union U { a: u8 } auto trait T {} impl<T> X for Y<T> { default fn f() {} }",
            "unsafe extern \"C\" { safe fn f(); unsafe fn g(); pub safe static X: u8; }",
            "macro_rules! m { ($x:expr) => { $x }; } m! { a b } fn f() -> Self { builtin # offset_of(S, a) }",
            "pub(crate) struct S<'a, T: ?Sized + 'a> where T: Tr { x: &'a T } pub(in a::b) enum E { A = 1, B(u8) }",
            "extern crate a as b; use a::{b as c, d::*, self}; mod m; type T = dyn Fn(u8) -> u8 + Send;",
            "fn f<const N: usize>(x: [u8; N]) -> impl Iterator<Item = u8> { x.into_iter() }",
            "static mut X: u8 = 0; const _: () = (); trait T { type A; fn f(&self) -> Self::A; }",
            "fn gen() {} fn yeet() {} fn auto() {} fn default() {} fn union() {} fn raw() {}",
            "#![allow(x)] #[derive(Debug)] struct S; impl S { async fn f(self: Box<Self>) {} }",
        ];
        let statements = [
            "let x = &raw const y; let z = &raw mut w; let r = raw;",
            "let Some(x) = y else { return; }; 'a: loop { break 'a x; } let _ = async move { x.await };",
            "let v = if a { b } else { c }; match x { Some(y) if y > 0 => y, _ => 0 }; x.0.1;",
            "let s = \"SELECT a FROM t\"; let b = b\"x\"; let r = r#\"y\"#; let c = c\"z\"; let k = 'k';",
            "let x = true && false; let y = S { a, b: 1, ..c }; let f = |a: u8| -> u8 { a };",
            "try { x? }; yield x; become f(); do x; box x;",
            "let x = builtin # offset_of(S, a); gen { 1 }; let y = union; let z = auto + default + safe;",
            "let q = sqlx::query!(\"SELECT 1\", a).fetch_one(&pool).await?; x = y + 1",
            "for x in y { continue; } while let Some(a) = b.pop() { } unsafe { f() }",
            "let x = 1u8 as u16; let y = 1.5e3f64; let z = 0x1F_u8; let a = 1.; let b = x.1;",
            "let = ; x y; let x = \"a\" \"b\"; fn f( { } )",
            "a = match b { c => d } e; let x: Vec<u8,> = vec![]; impl;",
        ];
        let mut random = crate::lang::xorshift(0x5eed_0f5a_9e17);
        let mut rename = |text: &str| -> String {
            let lexed = lex::lex(text, 0, super::super::MAX_DEPTH).expect("the cases lex");
            let mut out = String::new();
            let mut at = 0;
            for t in &lexed.toks {
                let word = &text[t.at.clone()];
                let replacement = match t.kind {
                    Kind::Ident(_) if ordinary(word) => {
                        const NAMES: &[&str] = &["a", "orders", "x_1", "Foo", "_b", "generic"];
                        Some(NAMES[(random() % NAMES.len() as u64) as usize].to_string())
                    }
                    Kind::Lit => blanked(word).map(|(open, close)| {
                        const TEXTS: &[&str] = &["", "x", "SELECT * FROM t", "{}", "'"];
                        let inside = TEXTS[(random() % TEXTS.len() as u64) as usize];
                        format!("{open}{inside}{close}")
                    }),
                    _ => None,
                };
                if let Some(r) = replacement {
                    out.push_str(&text[at..t.at.start]);
                    out.push_str(&r);
                    at = t.at.end;
                }
            }
            out.push_str(&text[at..]);
            out
        };
        let cases = (files.iter().map(|t| (Grammar::File, *t)))
            .chain(statements.iter().map(|t| (Grammar::Statements, *t)));
        for (grammar, text) in cases {
            let verdict = parses(grammar, text);
            for _ in 0..20 {
                let other = rename(text);
                assert_eq!(shape(grammar, text), shape(grammar, &other), "{other}");
                assert_eq!(parses(grammar, &other), verdict, "{text}\n{other}");
            }
        }
    }

    /// Every word `syn` refuses as an identifier is one the shape keeps.
    #[test]
    fn words_syn_refuses_as_names_are_kept() {
        let reference = "as break const continue crate else enum extern false fn for if impl \
             in let loop match mod move mut pub ref return self Self static struct super \
             trait true type unsafe use where while async await dyn abstract become box do \
             final macro override priv typeof unsized virtual yield try gen union auto \
             default raw safe builtin macro_rules _";
        for word in reference.split_whitespace() {
            if syn::parse_str::<syn::Ident>(word).is_err() {
                assert!(is_word(word), "{word}");
            }
        }
    }
}
