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
//! | [`names`] | table names in text; JPA's snake_case naming |
//! | [`candidates`] | the walk for SQL strings and the per-language [`Rules`] |

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
pub use names::snake_case;
pub use source::{Arg, Call, Source};
pub use strings::{Part, StrLit};

use super::sql;
use super::values::Known;
use super::{Context, Extracted};
#[cfg(test)]
use crate::model::AccessKind;

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

/// Test helper shared by the C-family extractors' tests: each access as (kind,
/// qualified name, text at its offset, confidence).
#[cfg(test)]
pub(crate) fn described(
    r: &Extracted,
    text: &str,
) -> Vec<(AccessKind, String, String, crate::model::Confidence)> {
    use crate::model::{ImportRef, Target};
    r.accesses
        .iter()
        .map(|a| {
            let name = match &a.target {
                Target::Table(t) => match &t.schema {
                    Some(s) => format!("{s}.{}", t.name),
                    None => t.name.clone(),
                },
                Target::Import(ImportRef::Package(p) | ImportRef::Path(p)) => p.clone(),
            };
            (
                a.kind,
                name,
                text[a.offset..a.offset + a.len].to_string(),
                a.confidence,
            )
        })
        .collect()
}

/// Test helper shared by the C-family extractors' tests: [`described`] without the
/// confidence.
#[cfg(test)]
pub(crate) fn found(r: &Extracted, text: &str) -> Vec<(AccessKind, String, String)> {
    described(r, text)
        .into_iter()
        .map(|(k, n, t, _)| (k, n, t))
        .collect()
}

/// Test helper shared by the C-family extractors' tests: none of `cases` yields an
/// access to `table` (the must-not-flag tables).
#[cfg(test)]
pub(crate) fn assert_never_names(run: impl Fn(&str) -> Extracted, cases: &[&str], table: &str) {
    for src in cases {
        let f = found(&run(src), src);
        assert!(!f.iter().any(|(_, n, _)| n == table), "{src:?}: {f:?}");
    }
}

/// Test helper shared by the C-family extractors' tests: none of `texts` (must-not-flag
/// cases, hostile input such as deep nesting or endless chains) yields an access.
#[cfg(test)]
pub(crate) fn assert_no_accesses(run: impl Fn(&str) -> Extracted, texts: &[impl AsRef<str>]) {
    for t in texts {
        let t = t.as_ref();
        let f = found(&run(t), t);
        let shown: String = t.chars().take(200).collect();
        assert!(f.is_empty(), "{shown:?}: {f:?}");
    }
}

/// Test helper: `inner` inside `depth` parentheses, `((inner))`, the deepest
/// nesting a hostile file can ask for.
#[cfg(test)]
pub(crate) fn parens(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "(".repeat(depth), ")".repeat(depth))
}

#[cfg(test)]
mod tests;
