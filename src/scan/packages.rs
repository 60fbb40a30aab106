//! Which service each importable package lives in, from the manifests and source
//! layouts found in the walk: Cargo crates, npm packages, Go modules, Python packages
//! and Java/Kotlin packages. Imports resolve against this index by longest prefix.

use super::walk::FileEntry;
use crate::registry::PathMap;
use std::collections::HashMap;

/// The package ecosystems imports are resolved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    Cargo,
    Npm,
    Go,
    Python,
    Jvm,
}

/// A package and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub service: usize,
    /// The package's directory, relative to the root.
    pub dir: String,
}

/// Package name → packages (several services may each carry a package of one name).
#[derive(Debug, Default)]
pub struct PackageIndex {
    map: HashMap<(Ecosystem, String), Vec<Package>>,
}

impl PackageIndex {
    /// Builds the index from the listing, reading only manifests (`Cargo.toml`,
    /// `package.json`, `go.mod`) inside services.
    pub fn build(files: &[FileEntry], paths: &PathMap) -> PackageIndex {
        let mut idx = PackageIndex::default();
        let mut python_dirs: HashMap<&str, usize> = HashMap::new();
        for f in files {
            let Some(service) = paths.service_of(&f.rel) else {
                continue;
            };
            let (dir, name) = split(&f.rel);
            match name {
                "Cargo.toml" => {
                    if let Some(pkg) = read_small(f).and_then(|t| cargo_package_name(&t)) {
                        idx.add(Ecosystem::Cargo, &normalize_crate(&pkg), service, dir);
                    }
                }
                "package.json" => {
                    if let Some(pkg) = read_small(f).and_then(|t| npm_package_name(&t)) {
                        idx.add(Ecosystem::Npm, &pkg, service, dir);
                    }
                }
                "go.mod" => {
                    if let Some(module) = read_small(f).and_then(|t| go_module(&t)) {
                        idx.add(Ecosystem::Go, &module, service, dir);
                    }
                }
                "__init__.py" => {
                    python_dirs.insert(dir, service);
                }
                _ => {
                    if let Some(pkg) = jvm_package(&f.rel) {
                        idx.add(Ecosystem::Jvm, &pkg, service, dir);
                    }
                }
            }
        }
        // A Python package is top-level when its parent directory is not a package.
        for (&dir, &service) in &python_dirs {
            let (parent, name) = split(dir);
            if !python_dirs.contains_key(parent) {
                idx.add(Ecosystem::Python, name, service, dir);
            }
        }
        for v in idx.map.values_mut() {
            v.sort_by(|a, b| (a.service, &a.dir).cmp(&(b.service, &b.dir)));
            v.dedup();
        }
        idx
    }

    fn add(&mut self, eco: Ecosystem, name: &str, service: usize, dir: &str) {
        if name.is_empty() {
            return;
        }
        self.map
            .entry((eco, name.to_string()))
            .or_default()
            .push(Package {
                service,
                dir: dir.to_string(),
            });
    }

    /// The packages an import of `name` may mean: the longest registered prefix of
    /// `name` (at a `.`, `/` or `::` boundary).
    pub fn lookup(&self, eco: Ecosystem, name: &str) -> &[Package] {
        let name = if eco == Ecosystem::Cargo {
            normalize_crate(name.split("::").next().unwrap_or(name))
        } else {
            name.to_string()
        };
        let mut end = name.len();
        loop {
            if let Some(v) = self.map.get(&(eco, name[..end].to_string())) {
                return v;
            }
            match name[..end].rfind(['.', '/']) {
                Some(i) if i > 0 => end = i,
                _ => return &[],
            }
        }
    }

    /// Every package name of every ecosystem (for the prefilter).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(|(_, n)| n.as_str())
    }

    /// The Cargo crate names, in both spellings (`orders-db` and `orders_db`).
    pub fn crate_spellings(&self) -> Vec<String> {
        self.map
            .keys()
            .filter(|(e, _)| *e == Ecosystem::Cargo)
            .flat_map(|(_, n)| [n.clone(), n.replace('_', "-")])
            .collect()
    }
}

/// Crate names treat `-` and `_` as the same.
pub fn normalize_crate(name: &str) -> String {
    name.replace('-', "_")
}

fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Manifests larger than this are not read for package names.
const MAX_MANIFEST: u64 = 1024 * 1024;

fn read_small(f: &FileEntry) -> Option<String> {
    if f.size > MAX_MANIFEST {
        return None;
    }
    std::fs::read_to_string(&f.abs).ok()
}

fn cargo_package_name(text: &str) -> Option<String> {
    let value: toml::Table = text.parse().ok()?;
    value
        .get("package")?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

fn npm_package_name(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("name")?.as_str().map(str::to_string)
}

fn go_module(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let l = l.trim();
        l.strip_prefix("module")
            .filter(|r| r.starts_with([' ', '\t']))
            .map(|r| r.trim().trim_matches('"').to_string())
    })
}

/// The Java/Kotlin package of a source file from the Maven/Gradle layout
/// (`.../src/main/java/com/acme/orders/Order.java` → `com.acme.orders`).
fn jvm_package(rel: &str) -> Option<String> {
    if !(rel.ends_with(".java") || rel.ends_with(".kt")) {
        return None;
    }
    let (dir, _) = split(rel);
    let after = [
        "/src/main/java/",
        "/src/main/kotlin/",
        "/src/test/java/",
        "/src/test/kotlin/",
    ]
    .iter()
    .find_map(|marker| dir.find(marker).map(|i| &dir[i + marker.len()..]))?;
    (!after.is_empty()).then(|| after.replace('/', "."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names() {
        assert_eq!(
            cargo_package_name("[package]\nname = \"orders-db\"\n").as_deref(),
            Some("orders-db")
        );
        assert_eq!(cargo_package_name("[workspace]\n"), None);
        assert_eq!(
            npm_package_name("{\"name\": \"@acme/orders\"}").as_deref(),
            Some("@acme/orders")
        );
        assert_eq!(
            go_module("// x\nmodule github.com/acme/orders\n\ngo 1.22\n").as_deref(),
            Some("github.com/acme/orders")
        );
        assert_eq!(
            jvm_package("services/orders/src/main/java/com/acme/orders/Order.java").as_deref(),
            Some("com.acme.orders")
        );
    }

    #[test]
    fn longest_prefix_lookup() {
        let mut idx = PackageIndex::default();
        idx.add(
            Ecosystem::Go,
            "github.com/acme/orders",
            1,
            "services/orders",
        );
        idx.add(Ecosystem::Cargo, "orders_db", 2, "services/orders/db");
        idx.add(Ecosystem::Jvm, "com.acme.orders.model", 3, "x");
        assert_eq!(
            idx.lookup(Ecosystem::Go, "github.com/acme/orders/model")[0].service,
            1
        );
        assert!(
            idx.lookup(Ecosystem::Go, "github.com/acme/ordersx")
                .is_empty()
        );
        assert_eq!(idx.lookup(Ecosystem::Cargo, "orders-db")[0].service, 2);
        assert_eq!(
            idx.lookup(Ecosystem::Jvm, "com.acme.orders.model.Order")[0].service,
            3
        );
        assert!(idx.lookup(Ecosystem::Jvm, "com.acme.orders").is_empty());
    }
}
