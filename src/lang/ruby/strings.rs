//! Ruby's string expressions: literals and heredocs joined by adjacency or `+`, with
//! harmless filters (`.squish`, `.strip_heredoc`), read with Ruby's escapes (full in
//! double-quoted forms, `\\` and the delimiter in single-quoted ones, none in a heredoc
//! with a quoted terminator) and `#{}` holes filled from the file's constants.

use super::{Extractor, Group};
use crate::lang::embedded::Embedded;
use crate::lang::script::assemble::string_items;
use crate::lang::script::escape::{self, Decoded};
use crate::lang::script::{Constants, Stmt, Tokens};
use crate::lang::script::{Esc, Item, Kind, Literals, Piece, Step};

/// Methods chained on a heredoc or string that keep its SQL as is.
const STRING_FILTERS: &[&str] = &[
    "squish",
    "strip",
    "strip_heredoc",
    "freeze",
    "chomp",
    "lstrip",
    "rstrip",
    "squeeze",
    "dedent",
];

impl Extractor<'_> {
    /// A string group from token `i`: adjacent literals, `+` literals or constants, and
    /// harmless filters (`.squish`). Returns the group and the token after it.
    pub(super) fn group_at(&self, i: usize, e: usize) -> (Group, usize) {
        let code = &self.code;
        let (items, j) = string_items(code, i, e, |j| {
            let joined = code.is_op(j, "+") && j > i;
            match code.kind(j + 1) {
                Some(Kind::Str) if joined => Some((None, j + 1)),
                Some(Kind::Name)
                    if joined && !matches!(code.text(j + 2), "." | "(" | "[" | "::") =>
                {
                    let name = code.text(j + 1);
                    let item = Item::Name {
                        tok: j + 1,
                        name: name.to_string(),
                        len: name.len(),
                    };
                    Some((Some(item), j + 2))
                }
                _ if code.is_op(j, ".") && j > i && STRING_FILTERS.contains(&code.text(j + 1)) => {
                    Some((None, j + 2))
                }
                _ => None,
            }
        });
        (Group::of(items), j.max(i + 1))
    }

    pub(super) fn embed(&self, group: &Group) -> Embedded {
        self.embed_items(&group.items, |e, l| self.push_lit(e, l, true))
    }

    /// Appends a literal's decoded text; `#{CONST}` becomes the constant's literal (mapped
    /// to it) and other interpolations a hole. `resolve` is false for a constant's own
    /// literal, which has no holes.
    pub(super) fn push_lit(&self, e: &mut Embedded, lit: usize, resolve: bool) {
        let l = &self.code.lits[lit];
        let src = self.code.src;
        let b = src.as_bytes();
        let end = l.body.1;
        let mut holes = l.holes.iter().peekable();
        self.read_lit(e, lit, |j| {
            let c = b[j];
            if c == b'\\' && l.esc != Esc::Raw {
                let (decoded, resume) = match l.esc {
                    Esc::Double => decode_escape(src, j, end),
                    // Single-quoted: `\\` and an escaped delimiter lose the backslash.
                    _ => match escape::escaped(b, j, end) {
                        Some(q) if q == b'\\' || q.is_ascii_punctuation() => {
                            ((q as char).to_string(), j + 2)
                        }
                        _ => escape::lone(j),
                    },
                };
                let piece = Piece::Decoded(decoded);
                return Some(Step {
                    keep: j,
                    piece,
                    resume,
                });
            }
            if c == b'#' && b.get(j + 1) == Some(&b'{') {
                while holes.peek().is_some_and(|h| h.0 < j + 2) {
                    holes.next();
                }
                if let Some(&&(hs, he)) = holes.peek().filter(|h| h.0 == j + 2) {
                    let expr = &src[hs..he];
                    let name = expr.trim();
                    let piece = match self.consts.get(name).filter(|_| resolve) {
                        Some(lit) => Piece::Const {
                            lit,
                            at: hs + (expr.len() - expr.trim_start().len()),
                            len: name.len(),
                        },
                        None => Piece::Hole(j),
                    };
                    return Some(Step {
                        keep: j,
                        piece,
                        resume: he + 1,
                    });
                }
            }
            None
        });
    }
}

/// Decodes the escape at `j` (a backslash) in a double-quoted literal.
fn decode_escape(src: &str, j: usize, end: usize) -> Decoded {
    let b = src.as_bytes();
    let Some(c) = escape::escaped(b, j, end) else {
        return escape::lone(j);
    };
    match c {
        b'\n' => (String::new(), j + 2),
        b'n' => escape::simple("\n", j),
        b't' => escape::simple("\t", j),
        b'r' => escape::simple("\r", j),
        b's' | b'a' | b'b' | b'e' | b'f' | b'v' | b'0' => escape::simple(" ", j),
        b'u' if b.get(j + 2) == Some(&b'{') => escape::braced(src, j, end),
        b'u' => escape::hex(src, j, 4, end),
        b'x' => escape::hex(src, j, 2, end),
        _ => {
            // Any other escaped character stands for itself.
            let len = src[j + 1..].chars().next().map_or(1, char::len_utf8);
            (src[j + 1..j + 1 + len].to_string(), j + 1 + len)
        }
    }
}

impl<'a> Literals<'a> for Extractor<'a> {
    /// A constant's own literal: it has no `#{}` holes to fill.
    fn push_plain(&self, e: &mut Embedded, lit: usize) {
        self.push_lit(e, lit, false);
    }

    fn parts(&self) -> (&Tokens<'a>, &Constants<'a>) {
        (&self.code, &self.consts)
    }
}

impl<'a> Extractor<'a> {
    /// `NAME = "literal"` (optionally `.freeze`): constants substituted into `#{NAME}`.
    pub(super) fn collect_consts(&mut self, stmts: &[Stmt]) {
        let code = &self.code;
        for &Stmt { s, e, .. } in stmts {
            let upper = code
                .text(s)
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_uppercase);
            if code.kind(s) != Some(Kind::Name) || !upper || !code.is_op(s + 1, "=") {
                continue;
            }
            let frozen = e == s + 5 && code.is_op(s + 3, ".") && code.text(s + 4) == "freeze";
            let value = (e == s + 3 || frozen)
                .then(|| code.tok(s + 2))
                .flatten()
                .filter(|t| t.kind == Kind::Str && code.lits[t.lit].holes.is_empty())
                .map(|t| t.lit);
            self.consts.bind(code, code.text(s), value);
        }
        self.consts.seal();
    }
}
