//! Go: an import path is a module path and a package directory inside the module.
//! The module comes from the `replace` directives with a local directory that apply
//! to the importing file (its workspace's `go.work` first, then its module's
//! `go.mod`), else from the `go.mod` files of the repository by longest module path;
//! the package is that module's directory joined with the rest of the path, and must
//! exist. `public` then applies to the package directory, so a service that is one
//! module can publish `api/` and keep `internal/` to itself.

use super::{Site, join, normalize_join, parent, read_config, split};
use crate::model::Ecosystem;
use crate::registry::PathMap;
use crate::scan::walk::FileEntry;
use foldhash::HashMap;

#[derive(Default)]
pub struct GoIndex {
    /// Directory of a `go.mod` or `go.work` → its local replacements (module path →
    /// directory relative to the root), `go.mod` and `go.work` apart.
    mods: HashMap<String, Vec<(String, String)>>,
    works: HashMap<String, Vec<(String, String)>>,
}

impl GoIndex {
    pub fn build(files: &[FileEntry]) -> GoIndex {
        let mut idx = GoIndex::default();
        for f in files {
            let (dir, name) = split(&f.rel);
            let into = match name {
                "go.mod" => &mut idx.mods,
                "go.work" => &mut idx.works,
                _ => continue,
            };
            let replaces = read_config(f)
                .map(|t| replaces(&t, dir))
                .unwrap_or_default();
            into.insert(dir.to_string(), replaces);
        }
        idx
    }

    /// The package directory `path` (imported by `from.rel`) means, if it is in the
    /// repository.
    pub fn resolve(&self, from: &Site<'_>, path: &str) -> Vec<String> {
        let mut candidates = Vec::new();
        if let Some(dir) = [&self.works, &self.mods]
            .iter()
            .find_map(|m| nearest(m, from.rel).and_then(|r| replaced(r, path)))
        {
            candidates.push(dir);
        } else if let Some((_, rest, found)) = from.packages.lookup_within(Ecosystem::Go, path) {
            candidates.extend(found.iter().map(|p| {
                if rest.is_empty() {
                    p.dir.clone()
                } else {
                    join(&p.dir, rest)
                }
            }));
        }
        candidates.retain(|c| from.tree.is_dir(c));
        candidates
    }

    /// Replaced module paths with the service of their directory, for the prefilter.
    pub fn homes(&self, paths: &PathMap) -> Vec<(String, Option<usize>)> {
        self.mods
            .values()
            .chain(self.works.values())
            .flatten()
            .filter_map(|(module, dir)| paths.service_of(dir).map(|s| (module.clone(), Some(s))))
            .collect()
    }
}

/// The replacements of the nearest directory above `rel` that has an entry in `map`.
fn nearest<'a>(
    map: &'a HashMap<String, Vec<(String, String)>>,
    rel: &str,
) -> Option<&'a [(String, String)]> {
    if map.is_empty() {
        return None;
    }
    let mut dir = parent(rel);
    loop {
        if let Some(r) = map.get(dir) {
            return Some(r);
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent(dir);
    }
}

/// The directory `path` means under the longest replaced module path it starts with.
fn replaced(replaces: &[(String, String)], path: &str) -> Option<String> {
    replaces
        .iter()
        .filter(|(module, _)| {
            path.strip_prefix(module.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|(module, _)| module.len())
        .map(|(module, dir)| {
            let rest = path[module.len()..].trim_start_matches('/');
            if rest.is_empty() {
                dir.clone()
            } else {
                join(dir, rest)
            }
        })
}

/// The `replace` directives of a `go.mod` or `go.work` in `dir` whose target is a
/// local directory inside the repository: (module path, directory).
fn replaces(text: &str, dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let spec = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("replace") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            if !line[7..].starts_with([' ', '\t']) {
                continue;
            }
            rest
        } else {
            continue;
        };
        let Some((left, right)) = spec.split_once("=>") else {
            continue;
        };
        let module = left
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches('"');
        let target = right
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches('"');
        if module.is_empty() || !(target.starts_with("./") || target.starts_with("../")) {
            continue;
        }
        if let Some(to) = normalize_join(dir, target) {
            out.push((module.to_string(), to));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_replacements_only() {
        let text = "module example.com/shop\n\nreplace example.com/lib => ../lib // local\n\
                    replace (\n  example.com/a v1.0.0 => ./a\n  example.com/b => example.com/c v1.2.0\n)\n\
                    replace example.com/up => ../../../out\n";
        assert_eq!(
            replaces(text, "services/shop"),
            [
                ("example.com/lib".to_string(), "services/lib".to_string()),
                ("example.com/a".to_string(), "services/shop/a".to_string()),
            ]
        );
        let r = replaces(text, "services/shop");
        assert_eq!(
            replaced(&r, "example.com/lib/store").as_deref(),
            Some("services/lib/store")
        );
        assert_eq!(replaced(&r, "example.com/library"), None);
    }
}
