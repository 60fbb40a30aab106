//! Helpers shared by the tests of the C-family extractors (`go`, `java`, `csharp`
//! and the toolkit's own): what a run found, in a form a table can state, and the
//! must-not-flag and robustness checks every language has.

use crate::lang::Extracted;
use crate::model::AccessKind;

/// each access as (kind,
/// qualified name, text at its offset, confidence).
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

/// [`described`] without the
/// confidence.
pub(crate) fn found(r: &Extracted, text: &str) -> Vec<(AccessKind, String, String)> {
    described(r, text)
        .into_iter()
        .map(|(k, n, t, _)| (k, n, t))
        .collect()
}

/// none of `cases` yields an
/// access to `table` (the must-not-flag tables).
pub(crate) fn assert_never_names(run: impl Fn(&str) -> Extracted, cases: &[&str], table: &str) {
    for src in cases {
        let f = found(&run(src), src);
        assert!(!f.iter().any(|(_, n, _)| n == table), "{src:?}: {f:?}");
    }
}

/// none of `texts` (must-not-flag
/// cases, hostile input such as deep nesting or endless chains) yields an access.
pub(crate) fn assert_no_accesses(run: impl Fn(&str) -> Extracted, texts: &[impl AsRef<str>]) {
    for t in texts {
        let t = t.as_ref();
        let f = found(&run(t), t);
        let shown: String = t.chars().take(200).collect();
        assert!(f.is_empty(), "{shown:?}: {f:?}");
    }
}

/// `inner` inside `depth` parentheses, `((inner))`, the deepest
/// nesting a hostile file can ask for.
pub(crate) fn parens(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "(".repeat(depth), ")".repeat(depth))
}
