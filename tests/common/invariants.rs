//! What every fuzz target checks, shared by the proptest targets of `tests/fuzz.rs`
//! (a bounded run in every `cargo test`) and the coverage-guided cargo-fuzz targets
//! of `fuzz/` (longer runs; see docs/reliability.md). Included with `#[path]`.

use ownlint::lang::{self, Context, Extracted, Language};
use ownlint::model::{AccessKind, Confidence, Place, Target};
use std::path::Path;

/// A path of the right kind for `lang`.
pub fn path_of(lang: Language) -> &'static str {
    match lang {
        Language::Sql => "services/orders/migrations/001_init.sql",
        Language::Rust => "services/orders/src/db.rs",
        Language::CargoToml => "services/orders/Cargo.toml",
        Language::TypeScript => "services/orders/src/db.ts",
        Language::Prisma => "services/orders/prisma/schema.prisma",
        Language::Python => "services/orders/app/models.py",
        Language::Ruby => "services/orders/db/migrate/001_create.rb",
        Language::Go => "services/orders/internal/db/db.go",
        Language::Java => "services/orders/src/main/java/com/acme/orders/Repo.java",
        Language::Kotlin => "services/orders/src/main/kotlin/com/acme/orders/Repo.kt",
        Language::CSharp => "services/orders/Data/OrdersContext.cs",
        Language::MsBuild => "services/orders/Orders.Api/Orders.Api.csproj",
    }
}

/// Runs the extractor and checks what it returns; `Err` describes the violation.
pub fn check_extract(lang: Language, text: &str) -> Result<Extracted, String> {
    let path = path_of(lang);
    let mut out = None;
    for dialect in [None, Some("mysql")] {
        let ctx = Context {
            dialect: dialect.map(str::to_string),
        };
        let got = lang::extract(lang, path, text, &ctx);
        if dialect.is_none() {
            // Extractors are pure: the same input gives the same output.
            let again = lang::extract(lang, path, text, &ctx);
            if again != got {
                return Err("two runs over the same text differ".into());
            }
            out = Some(got.clone());
        }
        well_formed(lang, text, &got)?;
    }
    out.ok_or_else(|| "no result".into())
}

/// Byte ranges in bounds and on character boundaries; every table access's range
/// holds the table's name (as written, ignoring case), except where the extractors
/// document otherwise: low-confidence accesses are inferred; a Prisma relation's
/// foreign key stands on the related model's name, whose table is that model's
/// `@@map`; a name decoded from a string literal with escapes is labelled on its
/// source spelling (`embedded.rs`), so a range holding a `\` is not compared; and a
/// name from a constant is labelled where the query uses the constant, so its
/// origin's range (the constant's literal) is the one that holds the name.
fn well_formed(lang: Language, text: &str, got: &Extracted) -> Result<(), String> {
    let range = |what: &str, offset: usize, len: usize| -> Result<&str, String> {
        let end = offset
            .checked_add(len)
            .ok_or_else(|| format!("{what}: {offset}+{len} overflows"))?;
        text.get(offset..end).ok_or_else(|| {
            format!(
                "{what}: {offset}..{end} is out of bounds or not on char boundaries (len {})",
                text.len()
            )
        })
    };
    for a in &got.accesses {
        let slice = range(&format!("{a:?}"), a.offset, a.len)?;
        let name = match &a.target {
            Target::Table(t) => Some(t.name.as_str()),
            Target::Import(_) => None,
        };
        if !text.is_empty() && a.len == 0 {
            return Err(format!("{a:?}: empty range in a non-empty file"));
        }
        if let Target::Table(t) = &a.target
            && [
                Some(t.name.as_str()),
                t.schema.as_deref(),
                t.database.as_deref(),
            ]
            .contains(&Some(""))
        {
            return Err(format!("{a:?}: a table, schema or database without a name"));
        }
        // A name that came from a constant is labelled where the query uses the
        // constant: the constant's own range (its origin) holds the name.
        let (slice, origin) = match a.origin.as_ref().map(|o| o.place) {
            Some(Place::Here { offset, len }) => {
                (range(&format!("{a:?} origin"), offset, len)?, true)
            }
            Some(Place::Elsewhere(_)) => {
                return Err(format!(
                    "{a:?}: an origin in another file, with no other file given"
                ));
            }
            None => (slice, false),
        };
        if let Some(name) = name {
            let documented = a.confidence == Confidence::Low
                || (lang == Language::Prisma && a.kind == AccessKind::ForeignKey)
                || slice.contains('\\');
            if !documented && !holds(slice, name) {
                let whose = if origin {
                    "the constant's range"
                } else {
                    "the range"
                };
                return Err(format!(
                    "{a:?}: {whose} {slice:?} does not hold the table name {name:?}"
                ));
            }
        }
    }
    for p in &got.problems {
        range(&format!("{p:?}"), p.offset, 0)?;
    }
    for f in &got.follow {
        range(&format!("{f:?}"), f.offset, f.len)?;
    }
    Ok(())
}

/// `name` stands in `slice`, ignoring case.
fn holds(slice: &str, name: &str) -> bool {
    slice.to_lowercase().contains(&name.to_lowercase())
}

/// Loads `text` as a registry rooted at `root`; what loads must validate, map paths,
/// build the dependency graph and plan releases without panicking, and every finding's
/// location must lie inside the text.
pub fn check_registry(text: &str, root: &Path) -> Result<(), String> {
    let Ok(mut reg) = ownlint::registry::load_str(text, "data-ownership.yaml", root.to_path_buf())
    else {
        return Ok(());
    };
    reg.resolve_default_paths();
    for f in ownlint::registry::validate(&reg, "2026-01-01") {
        if let Some(l) = &f.primary
            && l.loc.offset > text.len()
        {
            return Err(format!("a finding past the end of the text: {f:?}"));
        }
    }
    let paths = ownlint::registry::PathMap::new(&reg);
    let _ = paths.service_of("services/orders/x.sql");
    let graph = ownlint::graph::Graph::from_registry(&reg);
    for include_events in [false, true] {
        let _ = ownlint::graph::plan::plan(
            &graph,
            ownlint::graph::plan::PlanOptions { include_events },
        );
    }
    Ok(())
}
