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
//! reported once as a [`Problem`](super::Problem).
//!
//! # Layout
//!
//! | module | holds |
//! | --- | --- |
//! | [`lex`] | tokens, comments, identifiers, numbers |
//! | [`strings`] | string literals per dialect: delimiters, escapes, template holes |
//! | [`source`] | the lexed file: brackets, calls, arguments, table arguments |
//! | [`constants`] | value tracking: string constants of the file and of its package |
//! | [`assemble`] | SQL text from string expressions, constants and format calls |
//! | [`format`] | printf, .NET and MyBatis format verbs |
//! | [`names`] | table names in text |
//! | [`candidates`] | the walk for SQL strings and the per-language [`Rules`] |
//! | `testing` | helpers the C-family extractors' tests share |

mod assemble;
mod candidates;
mod constants;
mod format;
mod lex;
mod names;
mod source;
mod strings;

pub use assemble::{Built, FormatStyle};
pub use candidates::{Candidate, Rules, Sink, candidates};
pub use lex::{Dialect, Kind, Token};
pub use source::{Arg, Call, Source};
pub use strings::{Part, StrLit};

use super::sql;
use super::values::Known;
use super::{Context, Extracted};

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

/// The file as the language-neutral [`View`](super::view::View) the drift rules
/// read: the same tokens, literals decoded (holes as [`sql::HOLE`]), and the string
/// constants this module's rules find (`const`, `final`, `val`, `readonly`).
pub fn view(text: &str, dialect: Dialect, lang: super::Language) -> super::view::View<'_> {
    let src = Source::new(text, dialect);
    let mut b = super::view::Builder::new(text);
    for (i, t) in src.toks.iter().enumerate() {
        match t.kind {
            Kind::Ident => b.ident(t.start, t.end),
            Kind::Punct => b.punct(t.start, t.end),
            Kind::Str(_) => b.string(t.start, t.end, src.lit_text(i)),
            Kind::Char | Kind::Number => b.punct(t.start, t.start),
        }
    }
    for (name, lit) in &src.constants {
        b.constant(name, src.lit_text(*lit));
    }
    b.finish(lang, false)
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
