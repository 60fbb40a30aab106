//! The packages of the repository by name, from their manifests: Cargo crates, npm
//! packages and Go modules, each with its directory and the service holding it (none
//! for shared libraries and contract packages outside every service). Imports resolve
//! against this index by longest prefix (`scan::imports`).
//! A manifest inside a service that cannot be read or parsed is kept as a problem for
//! the scan to report: without it, imports of that package would go unchecked
//! without a word.

use super::imports::npm::{Manifest, Manifests};
use super::walk::{self, FileEntry, WalkProblem};
use crate::model::Ecosystem;
use crate::registry::PathMap;
use std::collections::HashMap;

/// A package and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The service holding it; `None` outside every service.
    pub service: Option<usize>,
    /// The package's directory, relative to the root.
    pub dir: String,
}

/// Package name → packages (several directories may each carry a package of one name).
#[derive(Debug, Default)]
pub struct PackageIndex {
    map: HashMap<(Ecosystem, String), Vec<Package>>,
    /// Every `package.json`'s dependencies, workspaces and exports, by directory.
    pub npm: Manifests,
    /// Manifests inside services that could not be used, one per path, sorted: imports
    /// of their packages cannot be resolved, so the scan must say so (`skipped-file`).
    pub problems: Vec<WalkProblem>,
}

impl PackageIndex {
    /// Builds the index from the listing of the whole repository, reading only
    /// manifests (`Cargo.toml`, `package.json`, `go.mod`).
    pub fn build(files: &[FileEntry], paths: &PathMap) -> PackageIndex {
        let mut idx = PackageIndex::default();
        for f in files {
            let (dir, name) = split(&f.rel);
            if !MANIFESTS.contains(&name) {
                continue;
            }
            let service = paths.service_of(&f.rel);
            let text = read_manifest(f);
            match name {
                "Cargo.toml" => match text.and_then(|t| cargo_package_name(&t)) {
                    Ok(pkg) => {
                        let pkg = pkg.map(|p| normalize_crate(&p)).unwrap_or_default();
                        idx.add(Ecosystem::Cargo, &pkg, service, dir);
                    }
                    // The engine would refuse it too; `scan` leaves it to this report.
                    Err(why) => idx.refuse(
                        f,
                        service,
                        why,
                        "imports of this crate and its own dependencies are not checked",
                    ),
                },
                "package.json" => match text.and_then(|t| npm_manifest(&t)) {
                    Ok((pkg, manifest)) => {
                        idx.add(Ecosystem::Npm, &pkg.unwrap_or_default(), service, dir);
                        idx.npm.insert(dir, manifest);
                    }
                    Err(why) => idx.refuse(
                        f,
                        service,
                        why,
                        "imports of this npm package are not checked",
                    ),
                },
                _ => match text.and_then(|t| go_module(&t)) {
                    Ok(module) => idx.add(Ecosystem::Go, &module, service, dir),
                    Err(why) => {
                        idx.refuse(f, service, why, "imports of this Go module are not checked")
                    }
                },
            }
        }
        for v in idx.map.values_mut() {
            v.sort_by(|a, b| (a.service, &a.dir).cmp(&(b.service, &b.dir)));
            v.dedup();
        }
        idx.problems.sort_by(|a, b| a.rel.cmp(&b.rel));
        idx.problems.dedup_by(|a, b| a.rel == b.rel);
        idx
    }

    /// Records a manifest inside a service that cannot be used: why, and what goes
    /// unchecked (one outside every service leads to no finding either way).
    fn refuse(&mut self, f: &FileEntry, service: Option<usize>, why: String, unchecked: &str) {
        if service.is_none() {
            return;
        }
        self.problems.push(WalkProblem {
            rel: f.rel.clone(),
            reason: format!("{why}; {unchecked}"),
        });
    }

    /// True when `rel` is a manifest in [`PackageIndex::problems`].
    pub fn refused(&self, rel: &str) -> bool {
        self.problems
            .binary_search_by(|p| p.rel.as_str().cmp(rel))
            .is_ok()
    }

    fn add(&mut self, eco: Ecosystem, name: &str, service: Option<usize>, dir: &str) {
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

    /// The packages an import of `name` may mean: those of the longest registered
    /// prefix of `name` (at a `.`, `/` or `::` boundary).
    pub fn lookup(&self, eco: Ecosystem, name: &str) -> &[Package] {
        self.lookup_prefix(eco, name)
            .map_or(&[], |(_, found)| found)
    }

    /// Like [`PackageIndex::lookup`], with the length of the prefix that matched.
    pub fn lookup_prefix(&self, eco: Ecosystem, name: &str) -> Option<(usize, &[Package])> {
        let name = if eco == Ecosystem::Cargo {
            normalize_crate(name.split("::").next().unwrap_or(name))
        } else {
            name.to_string()
        };
        let mut end = name.len();
        loop {
            if let Some(v) = self.map.get(&(eco, name[..end].to_string())) {
                return Some((end, v));
            }
            match name[..end].rfind(['.', '/']) {
                Some(i) if i > 0 => end = i,
                _ => return None,
            }
        }
    }

    /// The packages an import path of `name` (a Go import path, an npm specifier) may
    /// mean, with the package's name and the path within it after that name (`""`
    /// for the package itself): `github.com/acme/orders/model` is `model` in module
    /// `github.com/acme/orders`.
    pub fn lookup_within<'n>(
        &self,
        eco: Ecosystem,
        name: &'n str,
    ) -> Option<(&'n str, &'n str, &[Package])> {
        let (len, found) = self.lookup_prefix(eco, name)?;
        let (package, within) = name.split_at(len);
        Some((package, within.trim_start_matches('/'), found))
    }

    /// Every package name of every ecosystem with the service that holds it (for the
    /// prefilter); Cargo crates in both spellings (`orders-db` and `orders_db`).
    pub fn homes(&self) -> impl Iterator<Item = (String, usize)> + '_ {
        self.map.iter().flat_map(|((eco, name), pkgs)| {
            let dashed = (*eco == Ecosystem::Cargo).then(|| name.replace('_', "-"));
            pkgs.iter()
                .filter_map(|p| p.service)
                .flat_map(move |service| {
                    std::iter::once((name.clone(), service))
                        .chain(dashed.clone().map(|d| (d, service)))
                })
        })
    }
}

/// The manifests the index reads.
const MANIFESTS: &[&str] = &["Cargo.toml", "package.json", "go.mod"];

/// True when `rel` names a package manifest: one that is a link or a special file is
/// reported, since imports of its package cannot be resolved without it.
pub fn is_manifest(rel: &str) -> bool {
    MANIFESTS.contains(&split(rel).1)
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

/// Manifests larger than this are not read for package names (real ones are a few
/// KiB; the limit keeps a generated or hostile one from costing the run).
const MAX_MANIFEST: u64 = 1024 * 1024;

/// The text of a manifest, or why it cannot be read.
fn read_manifest(f: &FileEntry) -> Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    walk::open(&f.abs)
        .and_then(|file| file.take(MAX_MANIFEST + 1).read_to_end(&mut bytes))
        .map_err(|e| walk::unreadable(&e))?;
    if bytes.len() as u64 > MAX_MANIFEST {
        return Err(format!(
            "it is over the {MAX_MANIFEST} byte limit for manifests"
        ));
    }
    String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())
}

/// The `[package]` name of a `Cargo.toml`; `None` for a workspace root.
fn cargo_package_name(text: &str) -> Result<Option<String>, String> {
    let value: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let offset = e.span().map_or(0, |s| s.start.min(text.len()));
        let line = text[..offset].matches('\n').count() + 1;
        format!("it is not valid TOML (line {line}: {})", e.message().trim())
    })?;
    Ok(value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string))
}

/// The name of a `package.json` (`None` for an unnamed, private root package) and
/// what it says about dependencies, workspaces and exports.
fn npm_manifest(text: &str) -> Result<(Option<String>, Manifest), String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let name = value
        .get("name")
        .and_then(|n| n.as_str())
        .map(str::to_string);
    Ok((name, Manifest::from_json(&value)))
}

/// The module path of a `go.mod`, which Go requires.
fn go_module(text: &str) -> Result<String, String> {
    text.lines()
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("module")
                .filter(|r| r.starts_with([' ', '\t']))
                .map(|r| r.trim().trim_matches('"').to_string())
        })
        .ok_or_else(|| "it has no `module` directive".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The package index of the repository at `dir`, built from its whole walk.
    fn index_of(dir: &std::path::Path) -> PackageIndex {
        let root = dir.canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let reg = crate::registry::load(&root.join("data-ownership.yaml"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let paths = PathMap::new(&reg);
        let all: Vec<FileEntry> = walk::walk(&root, std::slice::from_ref(&root), 1)
            .files
            .into_iter()
            .filter(|f| !paths.is_excluded(&f.rel))
            .collect();
        PackageIndex::build(&all, &paths)
    }

    #[test]
    fn manifest_names() {
        assert_eq!(
            cargo_package_name("[package]\nname = \"orders-db\"\n"),
            Ok(Some("orders-db".to_string()))
        );
        assert_eq!(cargo_package_name("[workspace]\n"), Ok(None));
        assert_eq!(
            npm_manifest("{\"name\": \"@acme/orders\"}").map(|m| m.0),
            Ok(Some("@acme/orders".to_string()))
        );
        assert_eq!(npm_manifest("{\"private\": true}").map(|m| m.0), Ok(None));
        assert_eq!(
            go_module("// x\nmodule github.com/acme/orders\n\ngo 1.22\n").as_deref(),
            Ok("github.com/acme/orders")
        );
    }

    #[test]
    fn longest_prefix_lookup() {
        let mut idx = PackageIndex::default();
        idx.add(
            Ecosystem::Go,
            "github.com/acme/orders",
            Some(1),
            "services/orders",
        );
        idx.add(Ecosystem::Cargo, "orders_db", Some(2), "services/orders/db");
        idx.add(Ecosystem::Npm, "@acme/contracts", None, "libs/contracts");
        assert_eq!(
            idx.lookup(Ecosystem::Go, "github.com/acme/orders/model")[0].service,
            Some(1)
        );
        assert_eq!(
            idx.lookup_prefix(Ecosystem::Go, "github.com/acme/orders/model")
                .map(|(len, _)| len),
            Some("github.com/acme/orders".len())
        );
        assert_eq!(
            idx.lookup_within(Ecosystem::Go, "github.com/acme/orders/model")
                .map(|(name, within, found)| (name, within, found[0].service)),
            Some(("github.com/acme/orders", "model", Some(1)))
        );
        assert!(
            idx.lookup(Ecosystem::Go, "github.com/acme/ordersx")
                .is_empty()
        );
        assert_eq!(
            idx.lookup(Ecosystem::Cargo, "orders-db")[0].service,
            Some(2)
        );
        assert_eq!(
            idx.lookup(Ecosystem::Npm, "@acme/contracts/v1")[0].service,
            None
        );
        let homes: Vec<_> = idx.homes().map(|(n, _)| n).collect();
        assert!(!homes.contains(&"@acme/contracts".to_string()), "{homes:?}");
    }

    /// Writes `files` (path, contents) under a fresh directory.
    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (path, text) in files {
            let abs = tmp.path().join(path);
            if let Some(dir) = abs.parent() {
                std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(abs, text).unwrap_or_else(|e| panic!("{e}"));
        }
        tmp
    }

    #[test]
    fn unusable_manifests_inside_services_are_problems_once() {
        let tmp = tree(&[
            (
                "data-ownership.yaml",
                "services:\n  a: {paths: [services/a]}\n  inner: {paths: [services/a/inner]}\n  \
                 b: {paths: [services/b]}\nexclude: [services/b/vendor]\n",
            ),
            ("services/a/package.json", "{\"name\": "),
            ("services/a/inner/Cargo.toml", "[package\n"),
            ("services/a/inner/go.mod", "go 1.22\n"),
            ("services/b/package.json", "{\"private\": true}"),
            ("services/b/Cargo.toml", "[workspace]\n"),
            ("services/b/vendor/package.json", "{"),
            ("outside/package.json", "{"),
        ]);
        let whole = index_of(tmp.path());
        let reported: Vec<&str> = whole.problems.iter().map(|p| p.rel.as_str()).collect();
        assert_eq!(
            reported,
            [
                "services/a/inner/Cargo.toml",
                "services/a/inner/go.mod",
                "services/a/package.json",
            ],
            "unnamed manifests are fine; excluded ones and those outside services are not reported"
        );
        assert!(whole.refused("services/a/inner/Cargo.toml"));
        assert!(!whole.refused("services/b/Cargo.toml"));
    }
}
