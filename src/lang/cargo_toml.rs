//! `Cargo.toml` manifests: which local crates a crate depends on.
//!
//! A dependency declared with `path = ".."` or `workspace = true` is a crate of the same
//! repository, so it may belong to another service; each one becomes an import access
//! on the dependency's key. Registry dependencies (a version only, or `git = ..`) are
//! third-party code and are not reported. Renames (`alias = { package = "real", .. }`)
//! report the real package name, because that is what the resolver can match against
//! the crates each service publishes.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Extracted, Problem};
use crate::model::{Access, ImportRef};

/// The dependency tables cargo reads, at the top level and under `[target.'cfg'.*]`.
const DEP_TABLES: &[&str] = &[
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// Extracts the local (path or workspace) dependencies of a manifest.
pub fn extract(_path: &str, text: &str) -> Extracted {
    let mut out = Extracted::default();
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(err) => {
            let offset = err
                .span()
                .map(|s| s.start.min(text.len()))
                .unwrap_or_default();
            out.refuse(Problem {
                offset,
                message: format!(
                    "Cargo.toml did not parse (line {}): {}",
                    line_of(text, offset),
                    err.message().trim()
                ),
            });
            return out;
        }
    };
    let root = root.get_ref();
    for name in DEP_TABLES {
        if let Some(deps) = table(root, name) {
            dependencies(text, deps, &mut out.accesses);
        }
    }
    if let Some(targets) = table(root, "target") {
        for cfg in targets.values() {
            if let DeValue::Table(cfg) = cfg.get_ref() {
                for name in DEP_TABLES {
                    if let Some(deps) = table(cfg, name) {
                        dependencies(text, deps, &mut out.accesses);
                    }
                }
            }
        }
    }
    if let Some(deps) = table(root, "workspace").and_then(|ws| table(ws, "dependencies")) {
        dependencies(text, deps, &mut out.accesses);
    }
    out.accesses.sort_by_key(|a| a.offset);
    out
}

/// The crate name declared in `[package] name`, if any.
pub fn package_name(text: &str) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let package = table(root.get_ref(), "package")?;
    match package.get("name").map(|v| v.get_ref()) {
        Some(DeValue::String(name)) => Some(name.to_string()),
        _ => None,
    }
}

fn table<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match t.get(key).map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    }
}

/// Reports each local dependency of one dependency table.
fn dependencies(text: &str, deps: &DeTable<'_>, out: &mut Vec<Access>) {
    for (key, value) in deps.iter() {
        let DeValue::Table(spec) = value.get_ref() else {
            continue; // `name = "1.0"`: a registry dependency
        };
        let local = spec.contains_key("path")
            || matches!(
                spec.get("workspace").map(|v| v.get_ref()),
                Some(DeValue::Boolean(true))
            );
        if !local {
            continue;
        }
        let name = match spec.get("package").map(|v| v.get_ref()) {
            Some(DeValue::String(real)) => real.to_string(),
            _ => key.get_ref().to_string(),
        };
        let (offset, len) = key_range(text, key);
        out.push(Access::import(ImportRef::Package(name), offset, len));
    }
}

/// The byte range of a key's name, without its quotes.
fn key_range(text: &str, key: &Spanned<toml::de::DeString<'_>>) -> (usize, usize) {
    let span = key.span();
    let (mut start, mut end) = (span.start.min(text.len()), span.end.min(text.len()));
    let bytes = text.as_bytes();
    if end >= start + 2
        && matches!(bytes.get(start), Some(b'"' | b'\''))
        && bytes.get(end - 1) == bytes.get(start)
    {
        start += 1;
        end -= 1;
    }
    (start, (end - start).max(1))
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Target;

    fn imports(text: &str) -> Vec<(String, String)> {
        let out = extract("svc/Cargo.toml", text);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        out.accesses
            .iter()
            .map(|a| {
                let Target::Import(ImportRef::Package(name)) = &a.target else {
                    panic!("not a package import: {a:?}");
                };
                (name.clone(), text[a.offset..a.offset + a.len].to_string())
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn path_and_workspace_dependencies_are_reported() {
        let text = r#"
[package]
name = "billing"
version = "0.1.0"

[dependencies]
serde = "1"
tokio = { version = "1", features = ["full"] }
orders_db = { path = "../orders/db" }
shared-auth = { workspace = true }
not-inherited = { workspace = false, version = "1" }
git-dep = { git = "https://example.com/x.git" }
"#;
        assert_eq!(
            imports(text),
            pairs(&[("orders_db", "orders_db"), ("shared-auth", "shared-auth")])
        );
    }

    #[test]
    fn renamed_dependency_reports_the_real_package() {
        let text = r#"
[dependencies]
orders = { package = "orders-db", path = "../orders/db" }
"quoted" = { path = "../q" }
"#;
        assert_eq!(
            imports(text),
            pairs(&[("orders-db", "orders"), ("quoted", "quoted")])
        );
    }

    #[test]
    fn dev_build_target_and_dotted_forms() {
        let text = r#"
[dev-dependencies]
test-utils = { path = "../test-utils" }

[build-dependencies]
codegen.path = "../codegen"

[target.'cfg(unix)'.dependencies]
unix-only = { path = "../unix" }

[target.x86_64-pc-windows-msvc.dev-dependencies.win-only]
path = "../win"

[dependencies.inventory]
workspace = true
features = ["x"]

[dependencies.regex]
version = "1"
"#;
        let mut got = imports(text);
        got.sort();
        assert_eq!(
            got,
            pairs(&[
                ("codegen", "codegen"),
                ("inventory", "inventory"),
                ("test-utils", "test-utils"),
                ("unix-only", "unix-only"),
                ("win-only", "win-only"),
            ])
        );
    }

    #[test]
    fn workspace_dependencies_table() {
        let text = r#"
[workspace]
members = ["services/*"]

[workspace.dependencies]
orders-db = { path = "services/orders/db" }
users_api = { path = "services/users/api", package = "users-api" }
serde = { version = "1" }
"#;
        assert_eq!(
            imports(text),
            pairs(&[("orders-db", "orders-db"), ("users-api", "users_api")])
        );
    }

    #[test]
    fn registry_only_dependencies_are_not_reported() {
        let text = "[dependencies]\nserde = \"1\"\nanyhow = { version = \"1\" }\n";
        assert!(imports(text).is_empty());
    }

    #[test]
    fn malformed_manifest_is_a_problem() {
        let text = "[package]\nname = \"x\"\n[dependencies\nfoo = { path = \"../foo\" }\n";
        let out = extract("Cargo.toml", text);
        assert!(out.accesses.is_empty());
        assert!(out.refused, "nothing in the manifest was read");
        assert_eq!(out.problems.len(), 1);
        assert!(out.problems[0].message.contains("did not parse"));
        assert!(
            out.problems[0].message.contains("line 3"),
            "{:?}",
            out.problems
        );
        for bad in [
            "",
            "=",
            "[[",
            "a = {",
            "x = \"\u{e9}",
            "\u{feff}[a]\nb=1",
            "[a]\n[a]\n",
        ] {
            let _ = extract("Cargo.toml", bad); // never panics
            let _ = package_name(bad);
        }
    }

    #[test]
    fn package_name_reads_the_package_table() {
        assert_eq!(
            package_name("[package]\nname = \"orders-db\"\nversion = \"1.0.0\"\n").as_deref(),
            Some("orders-db")
        );
        assert_eq!(package_name("[workspace]\nmembers = []\n"), None);
        assert_eq!(package_name("[package\n"), None);
    }
}
