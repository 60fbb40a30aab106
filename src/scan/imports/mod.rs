//! Imports resolved the way each language resolves them: an import becomes the files
//! or directories of the repository it can mean ([`ImportIndex::resolve`]), and one
//! place (`scan::resolve`) decides from those paths whether it crosses a service
//! boundary. An import that resolves to nothing in the repository is external.
//!
//! Everything is built once from the walk's file list, which is the truth about which
//! files exist: resolving an import is a few hash lookups, never a filesystem access.
//! Each language's rules live in a module of their own; a new language is one more.

mod csharp;
mod go;
mod jvm;
mod jvm_modules;
pub mod npm;
mod python;
mod typescript;

use super::packages::PackageIndex;
use super::walk::FileEntry;
use crate::lang::Language;
use crate::model::ImportRef;
use crate::registry::{PathMap, Registry};
use foldhash::HashMap;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// The files and directories of the repository, and each language's resolution data.
#[derive(Default)]
pub struct ImportIndex {
    tree: Tree,
    jvm: jvm::JvmIndex,
    go: go::GoIndex,
    python: python::PythonIndex,
    ts: typescript::TsIndex,
    cs: csharp::CsIndex,
}

/// Where an import is resolved from: the repository's files, the package index, and
/// the importing file (the configuration nearest to it applies).
#[derive(Clone, Copy)]
pub struct Site<'a> {
    pub tree: &'a Tree,
    pub packages: &'a PackageIndex,
    pub rel: &'a str,
}

/// Which files and directories the walk listed (relative, `/`-separated): the paths
/// are copied once into one string, and the sets hold ranges of it (a directory is a
/// prefix of a file's path), so building them allocates next to nothing per file.
#[derive(Default)]
pub struct Tree {
    arena: String,
    files: HashTable<(usize, usize)>,
    dirs: HashTable<(usize, usize)>,
}

/// The hash of a path in the tree's sets.
fn hash(path: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(path)
}

impl Tree {
    fn new(files: &[FileEntry]) -> Tree {
        let mut arena = String::with_capacity(files.iter().map(|f| f.rel.len()).sum());
        let mut set = HashTable::with_capacity(files.len());
        let mut dirs = HashTable::new();
        for f in files {
            let start = arena.len();
            arena.push_str(&f.rel);
            let text = &arena;
            let at = |&(s, l): &(usize, usize)| &text[s..s + l];
            let mut end = memchr::memrchr(b'/', f.rel.as_bytes());
            while let Some(len) = end {
                let dir = &f.rel[..len];
                let h = hash(dir);
                if dirs.find(h, |e| at(e) == dir).is_some() {
                    break;
                }
                dirs.insert_unique(h, (start, len), |e| hash(at(e)));
                end = memchr::memrchr(b'/', dir.as_bytes());
            }
            let h = hash(&f.rel);
            if set.find(h, |e| at(e) == f.rel).is_none() {
                set.insert_unique(h, (start, f.rel.len()), |e| hash(at(e)));
            }
        }
        Tree {
            arena,
            files: set,
            dirs,
        }
    }

    fn holds(&self, set: &HashTable<(usize, usize)>, rel: &str) -> bool {
        set.find(hash(rel), |&(s, l)| &self.arena[s..s + l] == rel)
            .is_some()
    }

    pub fn is_file(&self, rel: &str) -> bool {
        self.holds(&self.files, rel)
    }

    /// True for a directory holding at least one listed file (the root included).
    pub fn is_dir(&self, rel: &str) -> bool {
        rel.is_empty() || self.holds(&self.dirs, rel)
    }
}

impl ImportIndex {
    /// Builds every language's index from the listing of the whole repository
    /// (`files`, excluded paths already removed); configuration files (`tsconfig.json`,
    /// `go.mod`, `go.work`) are read from the disk, within the repository.
    pub fn build(
        files: &[FileEntry],
        reg: &Registry,
        paths: &PathMap,
        packages: &PackageIndex,
    ) -> ImportIndex {
        // The index is on the scan's critical path (the prefilter and the resolver
        // need it), so the tree of paths is built beside the indexes that do not
        // need it.
        let (tree, (jvm, go, ts, cs)) = super::beside(
            || Tree::new(files),
            || {
                (
                    jvm::JvmIndex::build(files),
                    go::GoIndex::build(files),
                    typescript::TsIndex::build(files, packages),
                    csharp::CsIndex::build(files),
                )
            },
        );
        let python = python::PythonIndex::build(files, &tree, reg, paths);
        ImportIndex {
            tree,
            jvm,
            go,
            python,
            ts,
            cs,
        }
    }

    /// The paths `import` (found in the file `rel`, written in `lang`, in `service`)
    /// may mean; empty when it resolves to nothing in the repository.
    pub fn resolve(
        &self,
        packages: &PackageIndex,
        rel: &str,
        lang: Language,
        service: Option<usize>,
        import: &ImportRef,
    ) -> Vec<String> {
        let from = Site {
            tree: &self.tree,
            packages,
            rel,
        };
        match (lang, import) {
            (Language::Java | Language::Kotlin, ImportRef::Package(name)) => {
                self.jvm.resolve(rel, name)
            }
            (Language::Go, ImportRef::Package(path)) => self.go.resolve(&from, path),
            (Language::CSharp, ImportRef::Package(name)) => self.cs.resolve(name),
            (Language::Python, ImportRef::Package(name)) => {
                self.python.resolve(&self.tree, service, name)
            }
            (Language::Python, ImportRef::Path(p)) => self.python.resolve_path(&self.tree, p),
            (Language::TypeScript, ImportRef::Package(spec)) => self.ts.resolve(&from, spec),
            (Language::TypeScript, ImportRef::Path(p)) => {
                typescript::file_or_dir(&self.tree, p).into_iter().collect()
            }
            (_, ImportRef::Path(p)) => {
                if self.tree.is_file(p) || self.tree.is_dir(p) {
                    vec![p.clone()]
                } else {
                    Vec::new()
                }
            }
            (_, ImportRef::Package(name)) => crate::lang::ecosystem(lang)
                .map(|eco| {
                    packages
                        .lookup(eco, name)
                        .iter()
                        .map(|p| p.dir.clone())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// True when `rel` is a file of the repository (not a directory).
    pub fn is_file(&self, rel: &str) -> bool {
        self.tree.is_file(rel)
    }

    /// What `public` would list for the resolved `path`: the directory of a file, or
    /// the directory itself.
    pub fn public_entry<'p>(&self, path: &'p str) -> &'p str {
        if self.is_file(path) {
            parent(path)
        } else {
            path
        }
    }

    /// The files and directories tsconfig `paths` aliases lead to, each with the
    /// directory whose code the alias applies to (the config's), sorted: what the
    /// repository's build lets code import by a name of its own, which `init` proposes
    /// as its service's published API. Targets in `node_modules` (third-party code
    /// pinned through an alias) and targets that do not exist are left out.
    pub fn alias_targets(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .ts
            .targets()
            .filter(|(_, t)| !is_installed(t))
            .filter_map(|(dir, t)| {
                let found = match t.split_once('*') {
                    Some((fixed, _)) => {
                        let fixed = fixed.trim_end_matches('/');
                        (!fixed.is_empty() && self.tree.is_dir(fixed)).then(|| fixed.to_string())
                    }
                    None => typescript::file_or_dir(&self.tree, t),
                }?;
                Some((dir.to_string(), found))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Names whose mention in a file may lead to another service's code, with the
    /// service holding them (for the prefilter): Java/Kotlin packages, Python
    /// top-level modules, tsconfig aliases and replaced Go modules. `None`: the name
    /// may lead to several services.
    pub fn homes(&self, paths: &PathMap) -> Vec<(String, Option<usize>)> {
        let mut out = self.jvm.homes(paths);
        out.extend(self.python.homes(paths));
        out.extend(self.ts.homes(paths));
        out.extend(self.go.homes(paths));
        out.extend(self.cs.homes(paths));
        out
    }
}

/// True for a path inside `node_modules`: installed third-party code (committed, or
/// reached through a tsconfig alias), no service's code wherever it sits.
pub fn is_installed(path: &str) -> bool {
    path.split('/').any(|c| c == "node_modules")
}

/// The directory of `rel` (`""` at the root).
pub(crate) fn parent(rel: &str) -> &str {
    split(rel).0
}

/// The directory of `rel` (`""` at the root) and its file name. Every index asks it
/// of every listed file, so it is one backward byte search (`/` is one byte in UTF-8,
/// never part of another character): `str::rfind` and `rsplit` made the indexes of
/// languages a repository does not even use cost 30 M instructions on the benchmark's
/// realistic tree (20,000 files), on the scan's critical path.
pub(crate) fn split(rel: &str) -> (&str, &str) {
    match memchr::memrchr(b'/', rel.as_bytes()) {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}

/// `dir/name`, or `name` at the root.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

pub(crate) use crate::lang::join_path as normalize_join;

/// How deep a chain of configuration files (`extends`) is followed.
const MAX_CHAIN: usize = 16;

/// Configuration files larger than this are not read (real ones are a few KiB).
const MAX_CONFIG: u64 = 1024 * 1024;

/// The text of a listed configuration file, or `None` when it cannot be read.
fn read_config(f: &FileEntry) -> Option<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    super::walk::open(&f.abs)
        .and_then(|file| file.take(MAX_CONFIG + 1).read_to_end(&mut bytes))
        .ok()?;
    if bytes.len() as u64 > MAX_CONFIG {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The listed files by relative path, for configuration files named by others.
fn by_path(files: &[FileEntry]) -> HashMap<&str, &FileEntry> {
    files.iter().map(|f| (f.rel.as_str(), f)).collect()
}

/// The walk's entries for `paths`, for the tests of each language's index.
#[cfg(test)]
fn entries(paths: &[&str]) -> Vec<FileEntry> {
    paths
        .iter()
        .map(|p| FileEntry {
            rel: (*p).to_string(),
            abs: (*p).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_stay_inside_the_repository() {
        assert_eq!(normalize_join("a/b", "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(
            normalize_join("a", "..\\x\\y.csproj").as_deref(),
            Some("x/y.csproj")
        );
        assert_eq!(normalize_join("a", "../../x"), None);
        assert_eq!(normalize_join("a", "/etc/passwd"), None);
        assert_eq!(normalize_join("a", "C:/x"), None);
    }

    #[test]
    fn a_path_splits_into_its_directory_and_name() {
        for rel in ["a/b/c.py", "c.py", "a/b/", "/c", "", "é/ü/ß.rs", "a//b"] {
            let plain = (
                rel.rfind('/').map_or("", |i| &rel[..i]),
                rel.rsplit('/').next().unwrap_or(""),
            );
            assert_eq!(split(rel), plain, "{rel:?}");
        }
    }

    #[test]
    fn the_tree_knows_files_and_their_directories() {
        let files = [FileEntry {
            rel: "a/b/c.py".into(),
            abs: "/x/a/b/c.py".into(),
        }];
        let t = Tree::new(&files);
        assert!(t.is_file("a/b/c.py"));
        assert!(t.is_dir("a/b") && t.is_dir("a") && t.is_dir(""));
        assert!(!t.is_dir("a/b/c.py") && !t.is_file("a/b"));
    }
}
