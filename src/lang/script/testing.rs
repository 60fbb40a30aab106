//! What the extractor tests of the toolkit's languages share: an extractor's accesses
//! as (kind, table or import, text at the offset) rows, and the table-driven check.

use crate::lang::{Context, Extracted};
use crate::model::{AccessKind, ImportRef, Target};

/// A language's extractor.
pub type Extract = fn(&str, &str, &Context) -> Extracted;

/// (kind, table or import, text at the offset).
pub type Expect<'a> = (AccessKind, &'a str, &'a str);

/// (kind, name, text at the access's offset) for every access `extract` finds:
/// `schema.table` for a table, `pkg:NAME` or `path:PATH` for an import.
pub fn accesses(extract: Extract, path: &str, src: &str) -> Vec<(AccessKind, String, String)> {
    extract(path, src, &Context::default())
        .accesses
        .into_iter()
        .map(|a| {
            let name = match &a.target {
                Target::Table(t) => match &t.schema {
                    Some(s) => format!("{s}.{}", t.name),
                    None => t.name.clone(),
                },
                Target::Import(ImportRef::Package(p)) => format!("pkg:{p}"),
                Target::Import(ImportRef::Path(p)) => format!("path:{p}"),
            };
            (a.kind, name, src[a.offset..a.offset + a.len].to_string())
        })
        .collect()
}

/// Asserts a file yields exactly the expected accesses, in offset order, each
/// labelled on the table's last name component (or the import as written).
pub fn check(extract: Extract, path: &str, cases: &[(&str, &[Expect<'_>])]) {
    for (src, want) in cases {
        let want: Vec<(AccessKind, String, String)> = want
            .iter()
            .map(|(k, n, t)| (*k, n.to_string(), t.to_string()))
            .collect();
        assert_eq!(accesses(extract, path, src), want, "source:\n{src}");
    }
}
