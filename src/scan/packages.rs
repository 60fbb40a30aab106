//! Which service each importable package lives in, from the manifests and source
//! layouts found in the walk: Cargo crates, npm packages, Go modules, Python packages
//! and Java/Kotlin packages. Imports resolve against this index by longest prefix.
//! A manifest that cannot be read or parsed is kept as a problem for the scan to
//! report: without it, imports of that package would go unchecked without a word.

use super::walk::{self, FileEntry, WalkProblem};
use crate::model::Ecosystem;
use crate::registry::{PathMap, Registry, paths};
use ignore::gitignore::Gitignore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
    /// Manifests inside services that could not be used, one per path, sorted: imports
    /// of their packages cannot be resolved, so the scan must say so (`skipped-file`).
    pub problems: Vec<WalkProblem>,
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
                "Cargo.toml" => match read_manifest(f).and_then(|t| cargo_package_name(&t)) {
                    Ok(pkg) => {
                        let pkg = pkg.map(|p| normalize_crate(&p)).unwrap_or_default();
                        idx.add(Ecosystem::Cargo, &pkg, service, dir);
                    }
                    // The engine would refuse it too; `scan` leaves it to this report.
                    Err(why) => idx.refuse(
                        f,
                        why,
                        "imports of this crate and its own dependencies are not checked",
                    ),
                },
                "package.json" => match read_manifest(f).and_then(|t| npm_package_name(&t)) {
                    Ok(pkg) => idx.add(Ecosystem::Npm, &pkg.unwrap_or_default(), service, dir),
                    Err(why) => idx.refuse(f, why, "imports of this npm package are not checked"),
                },
                "go.mod" => match read_manifest(f).and_then(|t| go_module(&t)) {
                    Ok(module) => idx.add(Ecosystem::Go, &module, service, dir),
                    Err(why) => idx.refuse(f, why, "imports of this Go module are not checked"),
                },
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
        // Nested service directories are probed twice by `discover`.
        idx.problems.sort_by(|a, b| a.rel.cmp(&b.rel));
        idx.problems.dedup_by(|a, b| a.rel == b.rel);
        idx
    }

    /// Records a manifest that cannot be used: why, and what goes unchecked.
    fn refuse(&mut self, f: &FileEntry, why: String, unchecked: &str) {
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

    /// Builds the index without walking the whole repository, for runs over a few
    /// paths (pre-commit), whose time must not grow with the repository: manifests
    /// (`Cargo.toml`, `package.json`, `go.mod`, `__init__.py`) are looked for in each
    /// service's directory and up to [`DISCOVER_DEPTH`] levels below it, and only the
    /// Java/Kotlin source roots found there are walked in full. Ignore files, hidden
    /// directories and `exclude` apply as in the walk. A registry with glob `paths`
    /// falls back to the whole walk.
    pub fn discover(reg: &Registry, root: &Path, paths: &PathMap, threads: usize) -> PackageIndex {
        let mut dirs: Vec<String> = Vec::new();
        for svc in &reg.services {
            for p in svc.paths.iter().filter_map(|p| paths::usable(&p.value)) {
                if paths::is_glob(&p) {
                    let all = walk::walk(root, &[root.to_path_buf()], threads);
                    let files: Vec<FileEntry> = all
                        .files
                        .into_iter()
                        .filter(|f| !paths.is_excluded(&f.rel))
                        .collect();
                    return PackageIndex::build(&files, paths);
                }
                dirs.push(p);
            }
        }
        dirs.sort();
        dirs.dedup();
        let mut probe = Probe {
            root,
            paths,
            files: Vec::new(),
            jvm_roots: Vec::new(),
            problems: Vec::new(),
        };
        let base = ignores_of(root, true);
        for d in &dirs {
            // The ignore files of the directories between the root and the service.
            let mut stack = base.clone();
            let mut at = root.to_path_buf();
            for part in d.split('/').filter(|p| !p.is_empty()) {
                at.push(part);
                stack.extend(ignores_of(&at, false));
            }
            if !probe.ignored(&stack, d, true) {
                probe.dir(d, 0, &mut stack);
            }
        }
        let Probe {
            mut files,
            jvm_roots,
            problems,
            ..
        } = probe;
        if !jvm_roots.is_empty() {
            let sources = walk::walk(root, &jvm_roots, threads);
            files.extend(
                sources
                    .files
                    .into_iter()
                    .filter(|f| !paths.is_excluded(&f.rel) && jvm_package(&f.rel).is_some()),
            );
        }
        let mut idx = PackageIndex::build(&files, paths);
        idx.problems.extend(problems);
        idx.problems.sort_by(|a, b| a.rel.cmp(&b.rel));
        idx.problems.dedup_by(|a, b| a.rel == b.rel);
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

    /// Every package name of every ecosystem with the service that holds it (for the
    /// prefilter); Cargo crates in both spellings (`orders-db` and `orders_db`).
    pub fn homes(&self) -> impl Iterator<Item = (String, usize)> + '_ {
        self.map.iter().flat_map(|((eco, name), pkgs)| {
            let dashed = (*eco == Ecosystem::Cargo).then(|| name.replace('_', "-"));
            pkgs.iter().flat_map(move |p| {
                std::iter::once((name.clone(), p.service))
                    .chain(dashed.clone().map(|d| (d, p.service)))
            })
        })
    }
}

/// How many directory levels below a service's directory [`PackageIndex::discover`]
/// looks for manifests (`services/orders/crates/orders-db/Cargo.toml` is found at 2).
pub const DISCOVER_DEPTH: usize = 2;

/// The file names `discover` looks for.
const MANIFESTS: &[&str] = &["Cargo.toml", "package.json", "go.mod", "__init__.py"];

/// True when `rel` names a package manifest: one that is a link or a special file is
/// reported, since imports of its package cannot be resolved without it.
pub fn is_manifest(rel: &str) -> bool {
    MANIFESTS.contains(&split(rel).1)
}

/// Where the Maven/Gradle layout keeps Java/Kotlin sources, below a module.
const JVM_ROOTS: &[&str] = &[
    "src/main/java",
    "src/main/kotlin",
    "src/test/java",
    "src/test/kotlin",
];

/// The state of a bounded manifest search.
struct Probe<'a> {
    root: &'a Path,
    paths: &'a PathMap,
    files: Vec<FileEntry>,
    jvm_roots: Vec<PathBuf>,
    /// Manifests that are links or special files: not read, reported.
    problems: Vec<WalkProblem>,
}

impl Probe<'_> {
    /// Looks for manifests in `rel` (a directory `depth` levels below a service's),
    /// and below it while `depth` allows. Directories at the last level are not
    /// listed (that would list most source files of a shallow repository): only the
    /// manifest names are looked up in them.
    fn dir(&mut self, rel: &str, depth: usize, stack: &mut Vec<Gitignore>) {
        let abs = self.root.join(rel);
        if depth == DISCOVER_DEPTH {
            for name in MANIFESTS {
                self.file(rel, name, stack);
            }
            if abs.join("src").is_dir() {
                self.jvm(rel, stack);
            }
            return;
        }
        let Ok(entries) = std::fs::read_dir(&abs) else {
            return;
        };
        let mut subdirs = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                subdirs.push(name.to_string());
            } else if MANIFESTS.contains(&name) {
                self.file(rel, name, stack);
            }
        }
        subdirs.sort();
        if subdirs.iter().any(|d| d == "src") {
            self.jvm(rel, stack);
        }
        for name in subdirs {
            let sub = join(rel, &name);
            if self.ignored(stack, &sub, true) || self.paths.is_excluded(&sub) {
                continue;
            }
            let added = ignores_of(&self.root.join(&sub), false);
            let n = added.len();
            stack.extend(added);
            self.dir(&sub, depth + 1, stack);
            stack.truncate(stack.len() - n);
        }
    }

    /// Records the Java/Kotlin source roots of the module in `rel`.
    fn jvm(&mut self, rel: &str, stack: &[Gitignore]) {
        for sub in JVM_ROOTS {
            let candidate = self.root.join(rel).join(sub);
            if candidate.is_dir() && !self.ignored(stack, &join(rel, sub), true) {
                self.jvm_roots.push(candidate);
            }
        }
    }

    /// Records `rel/name` when it is a file that no ignore file or `exclude` hides; a
    /// link or special file of that name as a problem, as the walk would.
    fn file(&mut self, rel: &str, name: &str, stack: &[Gitignore]) {
        let path = join(rel, name);
        let abs = self.root.join(&path);
        let Ok(meta) = std::fs::symlink_metadata(&abs) else {
            return;
        };
        if meta.is_dir() || self.ignored(stack, &path, false) || self.paths.is_excluded(&path) {
            return;
        }
        if meta.is_file() {
            self.files.push(FileEntry { rel: path, abs });
        } else {
            self.problems.push(WalkProblem {
                rel: path,
                reason: walk::not_regular(meta.file_type().is_symlink()).to_string(),
            });
        }
    }

    /// True when the deepest ignore file with an opinion on `rel` ignores it.
    fn ignored(&self, stack: &[Gitignore], rel: &str, is_dir: bool) -> bool {
        let abs = self.root.join(rel);
        for g in stack.iter().rev() {
            let m = g.matched(&abs, is_dir);
            if m.is_ignore() {
                return true;
            }
            if m.is_whitelist() {
                return false;
            }
        }
        false
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The ignore files of directory `dir` that the walk honours (`.gitignore`,
/// `.ignore`, and at the root git's `info/exclude`), lowest precedence first.
fn ignores_of(dir: &Path, is_root: bool) -> Vec<Gitignore> {
    let mut names = vec![];
    if is_root {
        names.push(dir.join(".git/info/exclude"));
    }
    names.push(dir.join(".gitignore"));
    names.push(dir.join(".ignore"));
    names
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
            // A bad line is skipped, as the walk does.
            let _ = b.add(&p);
            b.build().unwrap_or_else(|_| Gitignore::empty())
        })
        .collect()
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

/// The name of a `package.json`; `None` for an unnamed (private root) package.
fn npm_package_name(text: &str) -> Result<Option<String>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    Ok(value
        .get("name")
        .and_then(|n| n.as_str())
        .map(str::to_string))
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

    /// The package index of the repository at `dir` as a partial run finds it
    /// (`discover`) and as a whole-repository run builds it from the walk.
    fn both_searches(dir: &std::path::Path) -> (PackageIndex, PackageIndex) {
        let root = dir.canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let reg = crate::registry::load(&root.join("data-ownership.yaml"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let paths = PathMap::new(&reg);
        let found = PackageIndex::discover(&reg, &root, &paths, 1);
        let all: Vec<FileEntry> = walk::walk(&root, std::slice::from_ref(&root), 1)
            .files
            .into_iter()
            .filter(|f| !paths.is_excluded(&f.rel))
            .collect();
        (found, PackageIndex::build(&all, &paths))
    }

    #[test]
    fn manifest_names() {
        assert_eq!(
            cargo_package_name("[package]\nname = \"orders-db\"\n"),
            Ok(Some("orders-db".to_string()))
        );
        assert_eq!(cargo_package_name("[workspace]\n"), Ok(None));
        assert_eq!(
            npm_package_name("{\"name\": \"@acme/orders\"}"),
            Ok(Some("@acme/orders".to_string()))
        );
        assert_eq!(npm_package_name("{\"private\": true}"), Ok(None));
        assert_eq!(
            go_module("// x\nmodule github.com/acme/orders\n\ngo 1.22\n").as_deref(),
            Ok("github.com/acme/orders")
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
    fn discovery_finds_what_the_whole_walk_finds() {
        let tmp = tree(&[
            (".gitignore", "node_modules/\n"),
            (
                "data-ownership.yaml",
                "services:\n  a: {paths: [services/a]}\n  b: {paths: [services/b]}\n  \
                 c: {paths: [services/c]}\n  d: {paths: [services/d]}\nexclude: [services/a/vendor]\n",
            ),
            ("services/a/Cargo.toml", "[package]\nname = \"a-core\"\n"),
            ("services/a/src/lib.rs", "pub fn f() {}\n"),
            (
                "services/a/node_modules/left-pad/package.json",
                "{\"name\": \"left-pad\"}",
            ),
            (
                "services/a/.cache/Cargo.toml",
                "[package]\nname = \"hidden\"\n",
            ),
            (
                "services/a/vendor/Cargo.toml",
                "[package]\nname = \"vendored\"\n",
            ),
            ("services/b/package.json", "{\"name\": \"@acme/b\"}"),
            (
                "services/b/crates/b-db/Cargo.toml",
                "[package]\nname = \"b-db\"\n",
            ),
            ("services/b/.ignore", "scratch\n"),
            (
                "services/b/scratch/Cargo.toml",
                "[package]\nname = \"scratch\"\n",
            ),
            (
                "services/c/src/main/java/com/acme/c/model/X.java",
                "package com.acme.c.model;\n",
            ),
            ("services/d/go.mod", "module github.com/acme/d\n"),
            ("services/d/py/dpkg/__init__.py", ""),
            ("services/d/py/dpkg/sub/__init__.py", ""),
        ]);
        let (found, whole) = both_searches(tmp.path());
        let mut a: Vec<_> = found.homes().collect();
        let mut b: Vec<_> = whole.homes().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "a_core",
            "a-core",
            "@acme/b",
            "b_db",
            "com.acme.c.model",
            "github.com/acme/d",
            "dpkg",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        for unwanted in ["left-pad", "hidden", "vendored", "scratch", "sub"] {
            assert!(!names.contains(&unwanted), "{unwanted} in {names:?}");
        }
    }

    #[test]
    fn discovery_stops_below_its_depth() {
        let tmp = tree(&[
            (
                "data-ownership.yaml",
                "services:\n  a: {paths: [services/a]}\n",
            ),
            (
                "services/a/x/y/Cargo.toml",
                "[package]\nname = \"at-two\"\n",
            ),
            (
                "services/a/x/y/z/Cargo.toml",
                "[package]\nname = \"at-three\"\n",
            ),
        ]);
        let root = tmp.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let reg = crate::registry::load(&root.join("data-ownership.yaml"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let paths = PathMap::new(&reg);
        let found = PackageIndex::discover(&reg, &root, &paths, 1);
        assert_eq!(found.lookup(Ecosystem::Cargo, "at_two").len(), 1);
        assert!(found.lookup(Ecosystem::Cargo, "at_three").is_empty());
    }

    #[test]
    fn unusable_manifests_are_problems_once_in_both_searches() {
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
        let (found, whole) = both_searches(tmp.path());
        assert_eq!(found.problems, whole.problems);
        let reported: Vec<&str> = whole.problems.iter().map(|p| p.rel.as_str()).collect();
        assert_eq!(
            reported,
            [
                "services/a/inner/Cargo.toml",
                "services/a/inner/go.mod",
                "services/a/package.json",
            ],
            "unnamed manifests are fine; excluded ones and those outside services are not read"
        );
        assert!(whole.refused("services/a/inner/Cargo.toml"));
        assert!(!whole.refused("services/b/Cargo.toml"));
    }
}
