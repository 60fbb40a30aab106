//! Which service a file belongs to, from the registry's `paths`, `public` and
//! `exclude` entries.
//!
//! Directory entries match whole path components (`services/order` does not swallow
//! `services/order-history`) and the most specific match wins, so a service may live
//! inside another's directory. Entries with glob characters are globs over the
//! repo-relative path; a glob that names a directory covers everything below it.

use super::types::Registry;
use globset::{Glob, GlobSet, GlobSetBuilder};

/// Compiled path patterns of every service.
#[derive(Clone, Debug, Default)]
pub struct PathMap {
    /// Exact directory (normalized) → service. Looked up for every ancestor of every
    /// file of a scan: foldhash, not SipHash.
    dirs: foldhash::HashMap<String, usize>,
    /// The most components of any of `dirs`: a path's ancestors with more cannot be
    /// one of them, so the lookups start at the ancestor with this many (most files
    /// lie several directories below their service's: one lookup instead of four).
    depth: usize,
    globs: GlobSet,
    /// For each glob in `globs`: (service, specificity).
    glob_owner: Vec<(usize, usize)>,
    exclude: Matcher,
    /// Per service: its public paths.
    public: Vec<Matcher>,
}

/// A set of directory-or-glob patterns with no owner.
#[derive(Clone, Debug, Default)]
struct Matcher {
    dirs: Vec<String>,
    globs: GlobSet,
}

impl Matcher {
    fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Matcher {
        let mut dirs = Vec::new();
        let mut builder = GlobSetBuilder::new();
        for p in patterns.into_iter().filter_map(usable) {
            if is_glob(&p) {
                for g in globs_for(&p) {
                    builder.add(g);
                }
            } else {
                dirs.push(p);
            }
        }
        Matcher {
            dirs,
            globs: builder.build().unwrap_or_default(),
        }
    }

    fn matches(&self, path: &str) -> bool {
        self.dirs.iter().any(|d| within(path, d)) || self.globs.is_match(path)
    }
}

/// Normalizes a registry path: `/` separators, no empty or `.` components (so
/// `./a`, `a/`, `a//b` and `a/./b` are `a` and `a/b`), the root as the empty string. An
/// absolute path keeps its leading `/`, so that it stays recognizably outside the
/// repository (`/` alone is not the root).
pub fn normalize(p: &str) -> String {
    let p = p.trim().replace('\\', "/");
    let mut out = String::with_capacity(p.len());
    if p.starts_with('/') {
        out.push('/');
    }
    for c in p.split('/').filter(|c| !c.is_empty() && *c != ".") {
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(c);
    }
    out
}

/// The normalized entry, or `None` for an entry that must match nothing because
/// validation refuses it (`invalid-path`, `missing-paths`): one that is empty as
/// written (the root is written `.`), points outside the repository, or is a glob
/// that does not compile. Refused entries never widen what an entry covers: an empty
/// `exclude` does not exclude the repository, an empty `public` does not open it.
pub fn usable(written: &str) -> Option<String> {
    if written.trim().is_empty() {
        return None;
    }
    let p = normalize(written);
    if escapes_root(&p) || (is_glob(&p) && Glob::new(&p).is_err()) {
        return None;
    }
    Some(p)
}

/// True when a normalized entry is absolute or climbs out of the root.
pub fn escapes_root(pattern: &str) -> bool {
    pattern.starts_with('/')
        || pattern.as_bytes().get(1) == Some(&b':')
        || pattern.split('/').any(|c| c == "..")
}

/// The last component of the repo-relative path `rel` (`rel` itself when it has no
/// `/`). Asked of every listed file by several checks of its name: memrchr finds the
/// slash in a few instructions where `str::rsplit` runs its searcher (about 250 a
/// call).
pub fn file_name(rel: &str) -> &str {
    memchr::memrchr(b'/', rel.as_bytes()).map_or(rel, |at| &rel[at + 1..])
}

/// True when the pattern uses glob syntax.
pub fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '[', '{'])
}

/// True when `path` is `dir` or lies below it (whole components).
pub fn within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

fn globs_for(p: &str) -> Vec<Glob> {
    [p.to_string(), format!("{p}/**")]
        .iter()
        .filter_map(|g| Glob::new(g).ok())
        .collect()
}

/// How specific a pattern is: its number of path components.
fn specificity(p: &str) -> usize {
    if p.is_empty() {
        0
    } else {
        p.split('/').count()
    }
}

impl PathMap {
    /// Compiles the registry's patterns. Entries validation refuses match nothing (see
    /// [`usable`]).
    pub fn new(registry: &Registry) -> PathMap {
        let mut dirs: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
        let mut builder = GlobSetBuilder::new();
        let mut glob_owner = Vec::new();
        for (i, svc) in registry.services.iter().enumerate() {
            for p in svc.paths.iter().filter_map(|p| usable(&p.value)) {
                if is_glob(&p) {
                    for g in globs_for(&p) {
                        builder.add(g);
                        glob_owner.push((i, specificity(&p)));
                    }
                } else {
                    dirs.entry(p).or_insert(i);
                }
            }
        }
        PathMap {
            depth: dirs.keys().map(|d| specificity(d)).max().unwrap_or(0),
            dirs,
            globs: builder.build().unwrap_or_default(),
            glob_owner,
            exclude: Matcher::new(registry.exclude.iter().map(|e| e.value.as_str())),
            public: registry
                .services
                .iter()
                .map(|s| Matcher::new(s.public.iter().map(|p| p.value.as_str())))
                .collect(),
        }
    }

    /// The service (index into `Registry::services`) that `path` belongs to.
    pub fn service_of(&self, path: &str) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        // Directory entries: the deepest ancestor that is an entry, from the ancestor
        // of `depth` components (the path itself if it has no more).
        let mut prefix = memchr::memchr_iter(b'/', path.as_bytes())
            .nth(self.depth.saturating_sub(1))
            .map_or(path, |i| &path[..i]);
        loop {
            if let Some(&svc) = self.dirs.get(prefix) {
                best = Some((specificity(prefix), svc));
                break;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => {
                    if let Some(&svc) = self.dirs.get("") {
                        best = Some((0, svc));
                    }
                    break;
                }
            }
        }
        if !self.glob_owner.is_empty() {
            for idx in self.globs.matches(path) {
                let (svc, spec) = self.glob_owner[idx];
                if best.is_none_or(|(b, _)| spec > b) {
                    best = Some((spec, svc));
                }
            }
        }
        best.map(|(_, svc)| svc)
    }

    /// True when `path` is under a registry `exclude` entry.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.matches(path)
    }

    /// True when `path` lies in one of `service`'s `public` paths.
    pub fn is_public(&self, service: usize, path: &str) -> bool {
        self.public.get(service).is_some_and(|m| m.matches(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::load_str;

    fn map(yaml: &str) -> (Registry, PathMap) {
        let reg =
            load_str(yaml, "data-ownership.yaml", ".".into()).unwrap_or_else(|e| panic!("{e}"));
        let m = PathMap::new(&reg);
        (reg, m)
    }

    fn owner<'a>(reg: &'a Registry, m: &PathMap, path: &str) -> Option<&'a str> {
        m.service_of(path).map(|i| reg.services[i].name.as_str())
    }

    #[test]
    fn whole_components_and_most_specific_wins() {
        let (reg, m) = map(
            "services:\n  order: {paths: [services/order]}\n  history: {paths: [services/order-history]}\n  \
             inner: {paths: [services/order/reports]}\n  globbed: {paths: ['libs/*/billing']}\n",
        );
        let cases = [
            ("services/order/src/main.rs", Some("order")),
            ("services/order", Some("order")),
            ("services/order-history/src/lib.rs", Some("history")),
            ("services/order/reports/q.sql", Some("inner")),
            ("services/orderly/x.rs", None),
            ("libs/a/billing/x.py", Some("globbed")),
            ("libs/a/other/x.py", None),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(owner(&reg, &m, path), want, "{path}");
        }
    }

    /// Entries of every depth, the repository root among them: the lookups start at
    /// the deepest entry's depth, and every shallower ancestor is still tried.
    #[test]
    fn the_deepest_entry_wins_at_any_depth() {
        let (reg, m) = map(
            "services:\n  root: {paths: ['.']}\n  a: {paths: [a]}\n  abc: {paths: [a/b/c]}\n  \
             xy: {paths: [x/y/]}\n",
        );
        let cases = [
            ("a/b/c/d/e/f.rs", "abc"),
            ("a/b/c", "abc"),
            ("a/b/cd/e.rs", "a"),
            ("a/b/x.rs", "a"),
            ("a", "a"),
            ("x/y/z/w/v.rs", "xy"),
            ("x/yz/w.rs", "root"),
            ("x/w/y/z.rs", "root"),
            ("README.md", "root"),
            ("b/a/b/c/d.rs", "root"),
        ];
        for (path, want) in cases {
            assert_eq!(owner(&reg, &m, path), Some(want), "{path}");
        }
    }

    #[test]
    fn entries_are_normalized_before_they_match() {
        let cases = [
            ("services/a", "services/a"),
            ("./services/a/", "services/a"),
            ("services//a", "services/a"),
            ("services/./a//", "services/a"),
            (" services\\a ", "services/a"),
            (".", ""),
            ("./", ""),
            ("/", "/"),
            ("//etc//x", "/etc/x"),
            ("libs/**/b/", "libs/**/b"),
        ];
        for (written, want) in cases {
            assert_eq!(normalize(written), want, "{written:?}");
        }
        let (reg, m) = map(
            "services:\n  a: {paths: ['services//a']}\n  b: {paths: [./services/b/]}\n  c: {paths: ['libs//*/c/']}\n",
        );
        assert_eq!(owner(&reg, &m, "services/a/x.rs"), Some("a"));
        assert_eq!(owner(&reg, &m, "services/b/x.rs"), Some("b"));
        assert_eq!(owner(&reg, &m, "libs/q/c/x.rs"), Some("c"));
    }

    /// Entries validation refuses match nothing: an empty entry is not the root, an
    /// absolute one is not the repository, an invalid glob excludes nothing.
    #[test]
    fn refused_entries_match_nothing() {
        let (reg, m) = map(
            "exclude: ['', /, '/', '../..', '[x']\nservices:\n  a: {paths: [''], public: ['']}\n  b: {paths: [b], public: [/]}\n",
        );
        assert_eq!(owner(&reg, &m, "x.rs"), None);
        assert_eq!(owner(&reg, &m, "b/x.rs"), Some("b"));
        for path in ["x.rs", "b/x.rs", "[x", "x"] {
            assert!(!m.is_excluded(path), "{path}");
        }
        assert!(!m.is_public(0, "b/x.rs"));
        assert!(!m.is_public(1, "b/x.rs"));
        assert_eq!(usable("services//a/"), Some("services/a".to_string()));
        assert_eq!(usable("."), Some(String::new()));
        for refused in [
            "",
            " ",
            "/",
            "/etc",
            "../x",
            "a/../../b",
            "C:/x",
            "[x",
            "a/{b",
        ] {
            assert_eq!(usable(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn public_and_exclude() {
        let (_, m) = map(
            "exclude: [infra, 'scripts/*.sh']\nservices:\n  a: {paths: [svc/a], public: [svc/a/api]}\n",
        );
        assert!(m.is_excluded("infra/x.sql"));
        assert!(m.is_excluded("scripts/run.sh"));
        assert!(!m.is_excluded("infrastructure/x.sql"));
        assert!(m.is_public(0, "svc/a/api/src/lib.rs"));
        assert!(!m.is_public(0, "svc/a/src/lib.rs"));
    }
}
