//! Python: `import a.b.c` is looked up on import roots, the way `sys.path` would
//! find it. The importing service's own roots come first (its directories, their
//! `src/`, and the directories inside it that hold `pyproject.toml`, `setup.py` or
//! `setup.cfg` or a top-level package): a name found there never resolves elsewhere,
//! so services that each have an `app` (or `core`, `api`) package keep to their own.
//! Otherwise the repository's shared roots are searched: the root and its `src/`,
//! every directory holding a distribution's metadata (and its `src/`), and the parent
//! of every top-level regular package (a directory with `__init__.py` whose parent
//! has none). A module is a `.py` file or a directory (a regular or namespace
//! package); the import resolves to the deepest one its name reaches. Relative
//! imports arrive as paths, already joined onto the importing package.

use super::{Tree, join, parent, split};
use crate::registry::{PathMap, Registry, paths};
use crate::scan::walk::FileEntry;
use foldhash::{HashMap, HashSet};

#[derive(Default)]
pub struct PythonIndex {
    /// Each service's own import roots, in order.
    own: HashMap<usize, Vec<String>>,
    /// Top-level module name → the shared roots holding it.
    top: HashMap<String, Vec<String>>,
}

/// The files whose directory is a distribution's root.
const METADATA: &[&str] = &["pyproject.toml", "setup.py", "setup.cfg"];

impl PythonIndex {
    pub fn build(files: &[FileEntry], tree: &Tree, reg: &Registry, map: &PathMap) -> PythonIndex {
        let mut packages: HashSet<&str> = HashSet::default();
        let mut roots: HashSet<String> = HashSet::default();
        let with_src = |roots: &mut HashSet<String>, dir: &str| {
            roots.insert(dir.to_string());
            let src = join(dir, "src");
            if tree.is_dir(&src) {
                roots.insert(src);
            }
        };
        with_src(&mut roots, "");
        for f in files {
            let (dir, name) = split(&f.rel);
            if name == "__init__.py" {
                packages.insert(dir);
            } else if METADATA.contains(&name) {
                with_src(&mut roots, dir);
            }
        }
        for dir in &packages {
            if !dir.is_empty() && !packages.contains(parent(dir)) {
                roots.insert(parent(dir).to_string());
            }
        }
        let mut idx = PythonIndex::default();
        for (si, svc) in reg.services.iter().enumerate() {
            let own = idx.own.entry(si).or_default();
            for p in &svc.paths {
                let dir = paths::normalize(&p.value);
                if paths::is_glob(&dir) || map.service_of(&dir) != Some(si) {
                    continue;
                }
                own.push(dir.clone());
                let src = join(&dir, "src");
                if tree.is_dir(&src) {
                    own.push(src);
                }
            }
        }
        let mut sorted: Vec<&String> = roots.iter().collect();
        sorted.sort();
        for r in sorted {
            if let Some(s) = map.service_of(r) {
                let own = idx.own.entry(s).or_default();
                if !own.contains(r) {
                    own.push(r.clone());
                }
            }
        }
        // Each module file and each directory above it, up to the repository's root,
        // is a top-level name under every root holding it. The directories above a
        // file are those above the file before it when both have the same directory
        // (the listing is sorted, so that is most files): only the file itself is
        // new then, which spared the 12 M instructions of walking up again from
        // every file of the benchmark's realistic tree (the result is a set: the
        // same either way).
        let mut top = |dir: &str, below: &str| {
            let name = split(below).1;
            let name = name.strip_suffix(".py").unwrap_or(name);
            if !idx.top.contains_key(name) {
                idx.top.insert(name.to_string(), Vec::new());
            }
            if let Some(at) = idx.top.get_mut(name)
                && !at.iter().any(|r| r == dir)
            {
                at.push(dir.to_string());
            }
        };
        let mut last: Option<(&str, bool)> = None;
        for f in files {
            if !f.rel.ends_with(".py") {
                continue;
            }
            let mut dir = parent(&f.rel);
            let is_root = match last {
                Some((d, is_root)) if d == dir => {
                    if is_root {
                        top(dir, &f.rel);
                    }
                    continue;
                }
                _ => roots.contains(dir),
            };
            last = Some((dir, is_root));
            let mut below = f.rel.as_str();
            loop {
                if roots.contains(dir) {
                    top(dir, below);
                }
                if dir.is_empty() {
                    break;
                }
                below = dir;
                dir = parent(dir);
            }
        }
        for v in idx.top.values_mut() {
            v.sort();
        }
        idx
    }

    /// The module `name` means for code in `service`: under the service's own roots
    /// if its first component is there, else under every shared root holding it.
    pub fn resolve(&self, tree: &Tree, service: Option<usize>, name: &str) -> Vec<String> {
        let parts: Vec<&str> = name.split('.').collect();
        let top = parts[0];
        if let Some(own) = service.and_then(|s| self.own.get(&s)) {
            for root in own {
                let base = join(root, top);
                if tree.is_dir(&base) || tree.is_file(&format!("{base}.py")) {
                    return deepest(tree, root, &parts).into_iter().collect();
                }
            }
        }
        self.top
            .get(top)
            .into_iter()
            .flatten()
            .filter_map(|root| deepest(tree, root, &parts))
            .collect()
    }

    /// A relative import (`from .models import x`, joined onto the package): the
    /// module, else the package that defines the name.
    pub fn resolve_path(&self, tree: &Tree, path: &str) -> Vec<String> {
        [path, parent(path)]
            .into_iter()
            .find_map(|p| module(tree, p))
            .into_iter()
            .collect()
    }

    /// Top-level names under shared roots with the service holding them.
    pub fn homes(&self, map: &PathMap) -> Vec<(String, Option<usize>)> {
        self.top
            .iter()
            .filter_map(|(name, roots)| {
                let mut services = roots.iter().filter_map(|r| map.service_of(&join(r, name)));
                let first = services.next()?;
                Some((name.clone(), services.all(|s| s == first).then_some(first)))
            })
            .collect()
    }
}

/// The module file or package directory at `path` (without `.py`), if any.
fn module(tree: &Tree, path: &str) -> Option<String> {
    let file = format!("{path}.py");
    if tree.is_file(&file) {
        Some(file)
    } else if !path.is_empty() && tree.is_dir(path) {
        Some(path.to_string())
    } else {
        None
    }
}

/// The deepest module `parts` reaches under `root`.
fn deepest(tree: &Tree, root: &str, parts: &[&str]) -> Option<String> {
    (1..=parts.len())
        .rev()
        .find_map(|k| module(tree, &join(root, &parts[..k].join("/"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(files: &[&str], yaml: &str) -> (Tree, PythonIndex, Registry) {
        let entries = super::super::entries(files);
        let reg = crate::registry::load_str(yaml, "data-ownership.yaml", ".".into())
            .unwrap_or_else(|e| panic!("{e}"));
        let map = PathMap::new(&reg);
        let tree = Tree::new(&entries);
        let idx = PythonIndex::build(&entries, &tree, &reg, &map);
        (tree, idx, reg)
    }

    /// The oracle of the walk up from each file: a listing where no two files in a
    /// row share a directory (each file walks up from itself, the plain way) gives
    /// the same top-level names as the sorted one (files of a directory in a row).
    #[test]
    fn top_level_names_do_not_depend_on_files_sharing_a_directory() {
        let mut sorted = vec![
            "a.py",
            "b.py",
            "lib/__init__.py",
            "lib/x.py",
            "lib/y.py",
            "services/a/app/__init__.py",
            "services/a/app/models.py",
            "services/a/app/views.py",
            "services/a/pyproject.toml",
            "services/a/tool.py",
            "services/a/worker.py",
            "services/b/src/pkg/one.py",
            "services/b/src/pkg/two.py",
            "services/b/src/top.py",
            "services/b/src/zz.py",
        ];
        sorted.sort();
        let mut apart: Vec<&str> = Vec::new();
        let mut left = sorted.clone();
        while !left.is_empty() {
            let mut last_dir: Option<&str> = None;
            left.retain(|f| {
                if last_dir == Some(parent(f))
                    || apart.last().is_some_and(|l| parent(l) == parent(f))
                {
                    return true;
                }
                last_dir = Some(parent(f));
                apart.push(f);
                false
            });
        }
        assert!(
            apart.windows(2).all(|w| parent(w[0]) != parent(w[1])),
            "{apart:?}"
        );
        let yaml = "services:\n  a: {paths: [services/a]}\n  b: {paths: [services/b]}\n";
        let (_, plain, _) = setup(&apart, yaml);
        let (_, memo, _) = setup(&sorted, yaml);
        assert!(!memo.top.is_empty());
        assert_eq!(memo.top, plain.top);
    }

    #[test]
    fn own_roots_win_over_shared_ones() {
        let (tree, idx, _) = setup(
            &[
                "services/a/app/__init__.py",
                "services/a/app/models.py",
                "services/b/__init__.py",
                "services/b/app/__init__.py",
                "services/b/app/models.py",
                "services/c/src/app/models.py",
                "services/c/pyproject.toml",
                "libs/shared/pyproject.toml",
                "libs/shared/src/shared/util.py",
            ],
            "services:\n  a: {paths: [services/a]}\n  b: {paths: [services/b]}\n  c: {paths: [services/c]}\n  d: {paths: [services/d]}\n",
        );
        let cases: &[(Option<usize>, &str, &[&str])] = &[
            (Some(0), "app.models", &["services/a/app/models.py"]),
            (Some(1), "app.models.Thing", &["services/b/app/models.py"]),
            (Some(2), "app.models", &["services/c/src/app/models.py"]),
            // No `app` of its own: every shared root holding one (a's top-level
            // package, c's distribution).
            (
                Some(3),
                "app.models",
                &["services/a/app/models.py", "services/c/src/app/models.py"],
            ),
            (Some(0), "services.b.app", &["services/b/app"]),
            (Some(0), "shared.util", &["libs/shared/src/shared/util.py"]),
            (Some(0), "requests.adapters", &[]),
        ];
        for (svc, name, want) in cases {
            assert_eq!(idx.resolve(&tree, *svc, name), *want, "{svc:?} {name}");
        }
        assert_eq!(
            idx.resolve_path(&tree, "services/a/app/models"),
            ["services/a/app/models.py"]
        );
        assert_eq!(
            idx.resolve_path(&tree, "services/a/app/helper_fn"),
            ["services/a/app"]
        );
    }
}
