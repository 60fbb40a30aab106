//! npm packages of the repository as Node and bundlers link them: what a
//! `package.json` declares about its dependencies, its workspaces and its `exports`.
//!
//! A package of the repository is what a bare specifier means unless the importing
//! package declares that name as a dependency from the registry (`"analytics":
//! "^0.8.0"`) and no workspace holds both packages: then the import is the registry's
//! package, installed in `node_modules`, and external. A subpath (`@acme/orders/db`)
//! goes through the package's `exports` when it has them.

use super::{Tree, join, normalize_join, parent};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::Value;
use std::collections::HashMap;

/// What one `package.json` says that resolution needs.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Dependency name → version spec, over every kind of dependency.
    deps: HashMap<String, String>,
    /// Its `workspaces` globs, compiled (relative to its directory).
    workspaces: Option<GlobSet>,
    /// Its `exports`: subpath (`.`, `./db`, `./*`) → the targets of its conditions
    /// (`./src/db.ts`, `./dist/db.js`).
    exports: Vec<(String, Vec<String>)>,
}

impl Manifest {
    pub fn from_json(value: &Value) -> Manifest {
        let mut deps = HashMap::new();
        for kind in [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ] {
            if let Some(Value::Object(map)) = value.get(kind) {
                for (name, spec) in map {
                    if let Some(spec) = spec.as_str() {
                        deps.insert(name.clone(), spec.to_string());
                    }
                }
            }
        }
        let globs: Vec<&str> = match value.get("workspaces") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(Value::Object(o)) => o
                .get("packages")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let workspaces = (!globs.is_empty()).then(|| {
            let mut b = GlobSetBuilder::new();
            for g in globs {
                let g = g.trim_start_matches("./").trim_end_matches('/');
                if let Ok(glob) = Glob::new(g) {
                    b.add(glob);
                }
            }
            b.build().unwrap_or_else(|_| GlobSet::empty())
        });
        let mut exports = Vec::new();
        match value.get("exports") {
            Some(Value::Object(o)) if o.keys().any(|k| k.starts_with('.')) => {
                for (k, v) in o {
                    exports.push((k.clone(), targets(v)));
                }
            }
            Some(v) => exports.push((".".to_string(), targets(v))),
            None => {}
        }
        Manifest {
            deps,
            workspaces,
            exports,
        }
    }

    /// The files `sub` (`""` for the package itself, else `db/x`) is exported as, if
    /// `exports` says.
    fn export(&self, sub: &str) -> Vec<String> {
        let key = if sub.is_empty() {
            ".".to_string()
        } else {
            format!("./{sub}")
        };
        if let Some((_, t)) = self.exports.iter().find(|(k, _)| *k == key) {
            return t.clone();
        }
        self.exports
            .iter()
            .find_map(|(k, t)| {
                let (pre, post) = k.split_once('*')?;
                let captured = key.strip_prefix(pre)?.strip_suffix(post)?;
                Some(t.iter().map(|t| t.replacen('*', captured, 1)).collect())
            })
            .unwrap_or_default()
    }
}

/// The paths among an `exports` value's conditions, in order.
fn targets(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Object(o) => o.values().flat_map(targets).collect(),
        Value::Array(a) => a.iter().flat_map(targets).collect(),
        _ => Vec::new(),
    }
}

/// Every `package.json` of the repository by directory.
#[derive(Debug, Default)]
pub struct Manifests {
    by_dir: HashMap<String, Manifest>,
}

impl Manifests {
    pub fn insert(&mut self, dir: &str, manifest: Manifest) {
        self.by_dir.insert(dir.to_string(), manifest);
    }

    /// The directory of the nearest `package.json` above `rel`.
    fn owner_of<'a>(&self, rel: &'a str) -> Option<&'a str> {
        let mut dir = parent(rel);
        loop {
            if self.by_dir.contains_key(dir) {
                return Some(dir);
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// True when code in the file `rel` importing the package `name` gets the one in
    /// `pkg_dir`: its own package does not declare `name` from the registry, or a
    /// workspace links both.
    pub fn links(&self, rel: &str, name: &str, pkg_dir: &str) -> bool {
        let Some(home) = self.owner_of(rel) else {
            return true;
        };
        let Some(spec) = self.by_dir.get(home).and_then(|m| m.deps.get(name)) else {
            return true;
        };
        let local = ["workspace:", "file:", "link:", "portal:", ".", "/"]
            .iter()
            .any(|p| spec.starts_with(p));
        local
            || self.by_dir.iter().any(|(root, m)| {
                m.workspaces.as_ref().is_some_and(|globs| {
                    let member = |dir: &str| {
                        let below = if root.is_empty() {
                            Some(dir)
                        } else {
                            dir.strip_prefix(root.as_str())
                                .and_then(|r| r.strip_prefix('/'))
                        };
                        dir == root || below.is_some_and(|r| globs.is_match(r))
                    };
                    member(home) && member(pkg_dir)
                })
            })
    }

    /// The file or directory `sub` means inside the package in `pkg_dir`: its
    /// `exports` target when it has one, else the path itself.
    pub fn subpath(&self, tree: &Tree, pkg_dir: &str, sub: &str) -> String {
        let exported = self
            .by_dir
            .get(pkg_dir)
            .map(|m| m.export(sub))
            .unwrap_or_default()
            .iter()
            .filter_map(|t| normalize_join(pkg_dir, t))
            .find_map(|p| super::typescript::file_or_dir(tree, &p));
        exported
            .or_else(|| {
                (!sub.is_empty())
                    .then(|| super::typescript::file_or_dir(tree, &join(pkg_dir, sub)))
                    .flatten()
            })
            .unwrap_or_else(|| pkg_dir.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(json: &str) -> Manifest {
        Manifest::from_json(&serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn registry_dependencies_outside_a_shared_workspace_are_external() {
        let mut m = Manifests::default();
        m.insert("", manifest(r#"{"workspaces": ["packages/*"]}"#));
        m.insert(
            "packages/admin",
            manifest(r#"{"dependencies": {"analytics": "^0.8.0", "@x/ui": "^1.0.0", "@x/db": "workspace:*"}}"#),
        );
        m.insert("packages/ui", manifest(r#"{"name": "@x/ui"}"#));
        m.insert("modules/analytics", manifest(r#"{"name": "analytics"}"#));
        let from = "packages/admin/src/a.ts";
        assert!(!m.links(from, "analytics", "modules/analytics"));
        assert!(m.links(from, "@x/ui", "packages/ui"));
        assert!(m.links(from, "@x/db", "services/db"));
        assert!(m.links(from, "undeclared", "modules/analytics"));
    }

    #[test]
    fn exports_map_subpaths() {
        let tree = Tree::new(&super::super::entries(&[
            "p/src/index.ts",
            "p/src/db/x.ts",
            "p/lib/y.ts",
        ]));
        let mut m = Manifests::default();
        m.insert(
            "p",
            manifest(r#"{"exports": {".": {"types": "./src/index.ts", "default": "./dist/index.js"}, "./db/*": "./src/db/*.ts"}}"#),
        );
        assert_eq!(m.subpath(&tree, "p", ""), "p/src/index.ts");
        assert_eq!(m.subpath(&tree, "p", "db/x"), "p/src/db/x.ts");
        assert_eq!(m.subpath(&tree, "p", "lib/y"), "p/lib/y.ts");
        assert_eq!(m.subpath(&tree, "p", "gone"), "p");
    }
}
