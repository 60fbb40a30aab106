//! Which directories are services: the first half of `ownlint init`.
//!
//! The rules, in order (documented in docs/ci.md):
//!
//! 1. A directory directly below a *container* (`services/`, `apps/`,
//!    `microservices/`) that holds code or a project manifest is a service, with or
//!    without a manifest of its own (`services/inventory/src/stock.rs` makes
//!    `services/inventory` one). Everything below it belongs to it, so the crates and
//!    packages nested in a service (`services/users/users-db`) are part of it.
//! 2. Elsewhere, a directory holding a project manifest ([`MANIFESTS`], `*.csproj`)
//!    is a service, unless an enclosing directory is one too: the outermost project
//!    wins, so a Cargo workspace's member crates (or a Gradle build's subprojects)
//!    belong to the workspace's directory.
//! 3. The repository root is never a service (its manifest is usually the workspace of
//!    everything), and nothing inside a library or tooling directory ([`NOT_SERVICES`]:
//!    `libs/`, `packages/`, `tools/`, `vendor/`, …) is one: shared code has no tables
//!    of its own to own.
//!
//! Service names are the directory's name in kebab-case; when two directories share a
//! name, their parent's name is prefixed (`apps-web`, `services-web`).

use crate::lang::Language;
use crate::registry::paths::{is_glob, within};
use std::collections::{BTreeMap, BTreeSet};

/// Directories whose children are services.
pub const CONTAINERS: &[&str] = &["services", "apps", "microservices"];

/// File names that make their directory a project.
pub const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "setup.py",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
];

/// Directory names that hold shared code, tooling or third-party code, never services.
pub const NOT_SERVICES: &[&str] = &[
    "libs",
    "lib",
    "packages",
    "shared",
    "common",
    "tools",
    "scripts",
    "examples",
    "example",
    "docs",
    "doc",
    "test",
    "tests",
    "testdata",
    "fixtures",
    "vendor",
    "third_party",
    "third-party",
    "node_modules",
    "target",
    "build",
    "dist",
];

/// A proposed service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceDir {
    /// Its registry name (kebab-case, unique).
    pub name: String,
    /// Its directory, relative to the repository root.
    pub path: String,
}

/// True when `name` is a project manifest.
pub fn is_manifest(name: &str) -> bool {
    MANIFESTS.contains(&name)
        || name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("csproj"))
}

/// The services among the repository's files (`/`-separated paths relative to the
/// root), sorted by name.
pub fn find<'a>(files: impl IntoIterator<Item = &'a str>) -> Vec<ServiceDir> {
    let mut roots: BTreeSet<String> = BTreeSet::new();
    for file in files {
        let Some((dir, name)) = file.rsplit_once('/') else {
            continue; // a file at the root: the root is never a service
        };
        let manifest = is_manifest(name);
        if !manifest && Language::of(file).is_none() {
            continue;
        }
        let dirs: Vec<&str> = dir.split('/').collect();
        if let Some(root) = container_root(&dirs) {
            roots.insert(root);
        } else if manifest && !dirs.iter().any(|d| NOT_SERVICES.contains(d)) {
            roots.insert(dir.to_string());
        }
    }
    // Outermost wins: drop every root inside another (sorted order puts a parent
    // right before its children, but not necessarily adjacent, so check all kept).
    let mut kept: Vec<String> = Vec::new();
    for r in roots {
        if !kept.iter().any(|k| within(&r, k)) {
            kept.push(r);
        }
    }
    // The registry reads `*?[{` in `paths` as globs: a directory named like a
    // template placeholder (`{{cookiecutter.name}}`) cannot be listed as itself.
    kept.retain(|r| !is_glob(r));
    name_services(kept)
}

/// `services/<name>` (at any depth) when `dirs` lies inside such a directory and no
/// library directory comes first.
fn container_root(dirs: &[&str]) -> Option<String> {
    for (i, d) in dirs.iter().enumerate() {
        if NOT_SERVICES.contains(d) {
            return None;
        }
        if CONTAINERS.contains(d) && i + 1 < dirs.len() {
            return Some(dirs[..=i + 1].join("/"));
        }
    }
    None
}

/// Gives each directory a unique kebab-case name.
fn name_services(paths: Vec<String>) -> Vec<ServiceDir> {
    // Candidate names from the most to the least readable; the last (the whole path)
    // is unique because the paths are.
    let candidates = |p: &str| -> Vec<String> {
        let parts: Vec<&str> = p.split('/').collect();
        let n = parts.len();
        let mut c = vec![kebab(parts[n - 1])];
        if n >= 2 {
            c.push(kebab(&parts[n - 2..].join("-")));
        }
        c.push(kebab(&parts.join("-")));
        c
    };
    let mut level = vec![0usize; paths.len()];
    loop {
        let names: Vec<String> = paths
            .iter()
            .zip(&level)
            .map(|(p, &l)| {
                let c = candidates(p);
                c[l.min(c.len() - 1)].clone()
            })
            .collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &names {
            *count.entry(n.as_str()).or_default() += 1;
        }
        let mut changed = false;
        for (i, n) in names.iter().enumerate() {
            // An empty name (no ASCII letter or digit) stays empty: prefixing the
            // parent would name the service after `services`.
            if count[n.as_str()] > 1 && !n.is_empty() && level[i] + 1 < candidates(&paths[i]).len()
            {
                level[i] += 1;
                changed = true;
            }
        }
        if !changed {
            let mut out: Vec<ServiceDir> = Vec::new();
            let mut used: BTreeSet<String> = BTreeSet::new();
            for (i, (path, name)) in paths.into_iter().zip(names).enumerate() {
                // Names made only of characters kebab-case drops (`日本`), or still
                // equal after every candidate, get a numbered name.
                let mut name = if name.is_empty() {
                    format!("service-{}", i + 1)
                } else {
                    name
                };
                let mut k = 2;
                while used.contains(&name) {
                    name = format!("{name}-{k}");
                    k += 1;
                }
                used.insert(name.clone());
                out.push(ServiceDir { name, path });
            }
            out.sort_by(|a, b| a.name.cmp(&b.name));
            return out;
        }
    }
}

/// `OrderService`, `order_service`, `Order Service` → `order-service`: ASCII letters
/// and digits, lower case, words joined by single dashes.
pub fn kebab(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    let mut gap = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if (gap || (prev_lower && c.is_ascii_uppercase())) && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
            prev_lower = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(files: &[&str]) -> Vec<(String, String)> {
        find(files.iter().copied())
            .into_iter()
            .map(|s| (s.name, s.path))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn container_children_with_code_are_services_and_own_their_nested_crates() {
        let files = [
            "Cargo.toml",
            "services/orders/Cargo.toml",
            "services/orders/src/lib.rs",
            "services/users/users-db/Cargo.toml",
            "services/users/users-db/src/lib.rs",
            "services/catalog/catalog-api/Cargo.toml",
            "services/catalog/migrations/001.sql",
            "services/inventory/src/stock.rs",
            "services/README.md",
            "services/docs-only/README.md",
            "apps/web/package.json",
        ];
        assert_eq!(
            found(&files),
            pairs(&[
                ("catalog", "services/catalog"),
                ("inventory", "services/inventory"),
                ("orders", "services/orders"),
                ("users", "services/users"),
                ("web", "apps/web"),
            ])
        );
    }

    #[test]
    fn outermost_project_wins_and_libraries_are_not_services() {
        let files = [
            "package.json",
            "billing/pom.xml",
            "billing/core/pom.xml",
            "billing/api/build.gradle.kts",
            "backend/Cargo.toml",
            "backend/crates/a/Cargo.toml",
            "backend/services/x/src/main.rs",
            "payments/Payments.csproj",
            "ledger/pyproject.toml",
            "search/go.mod",
            "legacy/setup.py",
            "store/Gemfile",
            "libs/common-db/Cargo.toml",
            "templates/{{name}}/Cargo.toml",
            "packages/ui/package.json",
            "tools/gen/go.mod",
            "src/main.rs",
        ];
        assert_eq!(
            found(&files),
            pairs(&[
                ("backend", "backend"),
                ("billing", "billing"),
                ("ledger", "ledger"),
                ("legacy", "legacy"),
                ("payments", "payments"),
                ("search", "search"),
                ("store", "store"),
            ])
        );
    }

    #[test]
    fn clashing_names_get_their_parent_and_names_are_kebab_case() {
        let files = [
            "apps/web/package.json",
            "services/web/go.mod",
            "services/OrderService/OrderService.csproj",
            "services/user_accounts/pyproject.toml",
            "services/日本/go.mod",
        ];
        assert_eq!(
            found(&files),
            pairs(&[
                ("apps-web", "apps/web"),
                ("order-service", "services/OrderService"),
                ("service-5", "services/日本"),
                ("services-web", "services/web"),
                ("user-accounts", "services/user_accounts"),
            ])
        );
    }

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("OrderService"), "order-service");
        assert_eq!(kebab("order_service"), "order-service");
        assert_eq!(kebab("Order  Service.v2"), "order-service-v2");
        assert_eq!(kebab("HTTPApi"), "httpapi");
        assert_eq!(kebab("--x--"), "x");
        assert_eq!(kebab("日本"), "");
    }

    #[test]
    fn manifests() {
        assert!(is_manifest("Orders.Api.csproj"));
        assert!(!is_manifest(".csproj"));
        assert!(is_manifest("build.gradle.kts"));
        assert!(!is_manifest("Cargo.lock"));
    }
}
