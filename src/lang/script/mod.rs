//! The lexing toolkit of the scripting languages whose SQL lives in string literals
//! with interpolation holes: Python and Ruby.
//!
//! Each language brings its own lexer (its comments, string forms, escapes and hole
//! syntax differ) and its own extraction rules (sinks, ORM shapes, imports); what they
//! share lives here, once:
//!
//! - [`token`]: the tokens a lexer emits (names, labels, symbols, string literals with
//!   the byte ranges of their holes, heredocs, operators, statement ends; comments make
//!   none) and [`Tokens`], the view the extractors read them through, with the
//!   statement splitter and the callee chain before a call.
//! - [`constants`]: names bound once to a plain literal, the values that fill holes.
//! - [`assemble`]: string expressions ([`Group`]s of literals and names) turned into the
//!   [`Embedded`](super::embedded::Embedded) text the SQL analysis reads: one walk over
//!   a literal's body in which the language only says what stands at an offset (an
//!   escape, a hole, a placeholder), and one way to fill a hole with a constant.
//! - [`frames`]: the flat stack of open calls and brackets inside a statement, which
//!   knows each string's call and argument, and what a closed call leaves for the
//!   generic SQL check.
//! - [`escape`]: the escape sequences the languages spell alike.
//!
//! Nothing recurses: nesting is a stack on the heap, bounded by [`MAX_NEST`] where a
//! scanner keeps a fixed-size one.

pub mod assemble;
pub mod constants;
pub mod escape;
pub mod frames;
pub mod token;

#[cfg(test)]
pub mod testing;
#[cfg(test)]
mod tests;

pub use assemble::{Group, Item, Literals, Piece, Step};
pub use constants::Constants;
pub use frames::{Arg, Calls, Frame, Frames};
pub use token::{Esc, Kind, Lexed, Lit, Stmt, Tok, Tokens};

use super::Extracted;
use crate::model::{Access, AccessKind};

/// How deep strings and holes may nest inside one hole (`f"{f'{x}'}"`, `"a #{"b
/// #{c}"}"` are two deep): deeper input reads as an unclosed hole, so a hole scanner
/// stays a loop over a fixed-size stack.
pub const MAX_NEST: usize = 32;

/// Bytes that continue an identifier in both languages.
static IDENT: [bool; 256] = super::ident_bytes(b"");

/// Whether `c` starts an identifier (any non-ASCII byte does).
pub fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

/// Whether `c` continues an identifier.
pub fn is_ident_char(c: u8) -> bool {
    IDENT[usize::from(c)]
}

/// Drops the schema changes (DDL and foreign keys) found since `from`: down migrations
/// undo schema changes, and undoing does not count as owning.
pub fn drop_schema_changes(out: &mut Vec<Access>, from: usize) {
    let tail = out.split_off(from);
    out.extend(
        tail.into_iter()
            .filter(|a| !matches!(a.kind, AccessKind::Ddl | AccessKind::ForeignKey)),
    );
}

/// The file's result: accesses in file order, each once (a constant used at several
/// sinks yields the same access more than once).
pub fn finish(mut out: Vec<Access>) -> Extracted {
    out.sort_by_key(|a| (a.offset, a.len, a.kind));
    out.dedup();
    Extracted {
        accesses: out,
        ..Extracted::default()
    }
}

/// The file as the language-neutral [`View`](super::view::View) the drift rules read:
/// names (a Ruby `@ivar` too), a Ruby label `key:` as the name and its colon, a Ruby
/// symbol `:name` as the string `name`, literals with their body as written (holes
/// keep their text: a URL's host stands before them), statement ends.
pub fn view<'a>(code: &Tokens<'a>, lang: super::Language) -> super::view::View<'a> {
    let mut b = super::view::Builder::new(code.src);
    for t in &code.toks {
        match t.kind {
            Kind::Name => b.ident(t.start, t.end),
            Kind::Label => {
                b.ident(t.start, t.end);
                b.punct(t.end, t.end + 1);
            }
            Kind::Sym => b.string(t.start, t.end, code.src[t.start..t.end].to_string()),
            Kind::Str => {
                let body = code
                    .lits
                    .get(t.lit)
                    .map_or("", |l| code.src.get(l.body.0..l.body.1).unwrap_or_default());
                b.string(t.start, t.end, body.to_string());
            }
            Kind::Val => b.punct(t.start, t.start),
            Kind::Op => b.punct(t.start, t.end),
            Kind::Newline => b.end(t.start),
        }
    }
    b.finish(lang, true)
}
