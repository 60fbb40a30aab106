//! String assembly and hole filling: from a string expression in the code to the
//! [`Embedded`] text the SQL analysis reads, with every byte mapped back to the file.
//!
//! A [`Group`] is one string value: literals joined by adjacency or `+`, and names of
//! constants joined with `+`. Reading a literal is one walk over its body
//! ([`Literals::read_lit`]); the language only says what stands at an offset (a
//! [`Step`]: an escape and its decoded text, a hole filled by a constant, a hole left
//! unknown, bytes to drop), and everything between is copied verbatim. A constant used
//! in a hole or a join is filled in by [`Literals::push_const`]: a name found in its
//! value is reported where the query uses it, with the constant as its origin. An
//! unknown hole becomes [`HOLE`], never a guess.

use crate::lang::embedded::Embedded;
use crate::lang::sql::HOLE;
use crate::model::{Access, AccessKind, Origin, TableRef};

use super::{Constants, Kind, Tokens};

/// A part of a string expression.
#[derive(Clone, Debug)]
pub enum Item {
    /// A literal, by index.
    Lit(usize),
    /// A name joined with `+` (or passed alone): its first token, the name looked up
    /// among the constants, and the length of what is written there (`T`, `self.T`).
    Name {
        tok: usize,
        name: String,
        len: usize,
    },
}

/// Literals and names joined by adjacency or `+`: one string value, with what the
/// language applies to it (`S`: Python's `%` and `.format` values).
#[derive(Clone, Debug)]
pub struct Group<S = ()> {
    pub items: Vec<Item>,
    pub subst: S,
}

impl<S: Default> Group<S> {
    pub fn of(items: Vec<Item>) -> Self {
        Group {
            items,
            subst: S::default(),
        }
    }
}

/// What stands at an offset of a literal's body, as the language reads it.
#[derive(Debug)]
pub enum Piece {
    /// An escape sequence, decoded (nothing is pushed for empty text).
    Decoded(String),
    /// A hole or placeholder filled by the constant whose literal is `lit`, written at
    /// `at..at + len`.
    Const { lit: usize, at: usize, len: usize },
    /// A hole or placeholder filled by a constant of another module (see
    /// [`Literals::imported`]), written at `at..at + len`.
    Value {
        text: String,
        origin: Origin,
        at: usize,
        len: usize,
    },
    /// A hole whose value is unknown: [`HOLE`], mapped to this offset.
    Hole(usize),
    /// Bytes dropped (the second brace of `{{`).
    Skip,
}

/// One construct in a literal's body: the body is copied verbatim up to `keep`, then
/// `piece` is pushed (mapped to `keep`), and the walk resumes at `resume`.
#[derive(Debug)]
pub struct Step {
    pub keep: usize,
    pub piece: Piece,
    pub resume: usize,
}

/// A language's reading of its string literals.
pub trait Literals<'a> {
    /// The file's tokens, and its constants that fill holes.
    fn parts(&self) -> (&Tokens<'a>, &Constants<'a>);

    fn code(&self) -> &Tokens<'a> {
        self.parts().0
    }

    fn constants(&self) -> &Constants<'a> {
        self.parts().1
    }

    /// The value of a constant another module defines, as the code writes it here
    /// (`ORDERS`, `tables.ORDERS`), with its origin: languages whose files import
    /// constants of other files say so; by default there is none.
    fn imported(&self, _written: &str) -> Option<(String, Origin)> {
        None
    }

    /// Appends literal `lit` read on its own: escapes decoded, every hole and
    /// placeholder left unknown. The reading of a constant's value, and of a literal
    /// filled into a placeholder in place.
    fn push_plain(&self, e: &mut Embedded, lit: usize);

    /// Appends literal `lit`'s body: `at` is asked at each offset what stands there.
    fn read_lit(&self, e: &mut Embedded, lit: usize, mut at: impl FnMut(usize) -> Option<Step>) {
        let code = self.code();
        let (s, end) = code.lits[lit].body;
        let mut run = s;
        let mut j = s;
        while j < end {
            let Some(step) = at(j) else {
                j += 1;
                continue;
            };
            if run < step.keep {
                e.push_verbatim(&code.src[run..step.keep], run);
            }
            match step.piece {
                Piece::Decoded(text) if !text.is_empty() => e.push_decoded(&text, step.keep),
                Piece::Decoded(_) | Piece::Skip => {}
                Piece::Const { lit, at, len } => self.push_const(e, lit, at, len),
                Piece::Value {
                    text,
                    origin,
                    at,
                    len,
                } => e.push_value(&text, at, len.max(1), origin),
                Piece::Hole(at) => e.push_hole(HOLE, at),
            }
            j = step.resume.min(end);
            run = j;
        }
        if run < end {
            e.push_verbatim(&code.src[run..end], run);
        }
    }

    /// Appends the value of the constant whose literal is `lit`, used at `at..at +
    /// len`: a name found in it is reported there, with the constant as its origin. A
    /// literal that is no constant (`"%s" % "orders"`) is read where it is written.
    fn push_const(&self, e: &mut Embedded, lit: usize, at: usize, len: usize) {
        let Some(name) = self.constants().name_of(lit) else {
            return self.push_plain(e, lit);
        };
        let mut value = Embedded::new();
        self.push_plain(&mut value, lit);
        let (a, b) = self.code().lits[lit].body;
        let origin = Origin::here(name, a, b - a);
        e.push_value(value.text(), at, len.max(1), origin);
    }

    /// A group's text with its map back to the file: literals read by `push_lit`, names
    /// filled with their constant's value or left a hole.
    fn embed_items(
        &self,
        items: &[Item],
        mut push_lit: impl FnMut(&mut Embedded, usize),
    ) -> Embedded {
        let mut e = Embedded::new();
        for item in items {
            match item {
                Item::Lit(l) => push_lit(&mut e, *l),
                Item::Name { tok, name, len } => {
                    let at = self.code().start(*tok);
                    let written = self.code().src.get(at..at + *len).unwrap_or("");
                    match self.constants().get(name) {
                        Some(l) => self.push_const(&mut e, l, at, *len),
                        None => match self.imported(written) {
                            Some((value, origin)) => e.push_value(&value, at, *len, origin),
                            None => e.push_hole(HOLE, at),
                        },
                    }
                }
            }
        }
        e
    }
}

/// The items of the string expression that starts at token `i` (a literal), up to token
/// `e`: adjacent literals, and what `join` adds at a token that is no literal (`+ "x"`,
/// `+ NAME`, `.squish`): the item, if any, and the token after it; `None` where the
/// expression ends. Returns the items and the token after them.
pub fn string_items(
    code: &Tokens<'_>,
    i: usize,
    e: usize,
    mut join: impl FnMut(usize) -> Option<(Option<Item>, usize)>,
) -> (Vec<Item>, usize) {
    let mut items = Vec::new();
    let mut j = i;
    while j < e {
        if let Some(t) = code.tok(j).filter(|t| t.kind == Kind::Str) {
            items.push(Item::Lit(t.lit));
            j += 1;
            continue;
        }
        let Some((item, next)) = join(j) else {
            break;
        };
        items.extend(item);
        j = next;
    }
    (items, j)
}

/// The text of a string that names one thing (a table, `schema.table`, `t.column`):
/// not empty, no unknown hole, no blank.
pub fn plain_name(emb: &Embedded) -> Option<&str> {
    let text = emb.text();
    (!text.is_empty() && !text.contains(HOLE) && !text.contains(char::is_whitespace))
        .then_some(text)
}

/// An access to table `name`, found at `at` in `emb`'s text, mapped to the file.
pub fn table_access(
    emb: &Embedded,
    kind: AccessKind,
    schema: Option<String>,
    name: &str,
    at: usize,
) -> Access {
    let table = TableRef {
        database: None,
        schema,
        name: name.to_string(),
        quoted: false,
    };
    emb.relocate(Access::table(kind, table, at, name.len()))
}
