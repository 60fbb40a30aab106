//! TypeScript and JavaScript: a relative specifier is a path (resolved by the
//! extractor); a bare one is looked up, as the compiler does, in the `paths` of the
//! nearest `tsconfig.json` (or `jsconfig.json`) above the importing file, then under
//! its `baseUrl`, then among the repository's npm packages (`package.json` names, as
//! workspaces link them) with the rest of the specifier as a path inside the package.
//! `extends` is followed (relative files and configs of the repository's own
//! packages): `paths` and `baseUrl` come from the nearest config in the chain that
//! sets them, `paths` relative to `baseUrl` when there is one, else to the config
//! that declares them. A path means a file (with the extensions the compiler tries,
//! and `.js` written for a `.ts` source) or a directory.

use super::{MAX_CHAIN, Site, Tree, by_path, join, normalize_join, parent, read_config, split};
use crate::model::Ecosystem;
use crate::registry::PathMap;
use crate::scan::packages::PackageIndex;
use crate::scan::walk::FileEntry;
use foldhash::HashMap;
use serde_json::Value;

#[derive(Default)]
pub struct TsIndex {
    /// Directory of a `tsconfig.json`/`jsconfig.json` → what it says about modules.
    configs: HashMap<String, Config>,
}

/// The module options of a config, with `extends` applied and paths made relative to
/// the repository root.
#[derive(Clone, Debug, Default, PartialEq)]
struct Config {
    base_url: Option<String>,
    paths: Patterns,
}

/// Pattern (`@shop/*`) → targets (`libs/*/src`), in the config's order.
type Patterns = Vec<(String, Vec<String>)>;

/// Options as one file in a chain sets them, before `paths` are anchored.
#[derive(Clone, Default)]
struct Raw {
    base_url: Option<String>,
    /// The patterns and the directory of the config that declares them.
    paths: Option<(Patterns, String)>,
}

/// The extensions the compiler tries for a path without one, in its order.
const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json",
];

impl TsIndex {
    pub fn build(files: &[FileEntry], packages: &PackageIndex) -> TsIndex {
        let is_config = |f: &&FileEntry| {
            let name = split(&f.rel).1;
            name == "tsconfig.json" || name == "jsconfig.json"
        };
        let mut idx = TsIndex::default();
        let configs: Vec<&FileEntry> = files.iter().filter(is_config).collect();
        if configs.is_empty() {
            return idx;
        }
        let listed = by_path(files);
        for f in configs {
            let (dir, name) = split(&f.rel);
            if name == "jsconfig.json" && listed.contains_key(join(dir, "tsconfig.json").as_str()) {
                continue;
            }
            let raw = load(&listed, packages, &f.rel, 0);
            let paths = raw.paths.map_or_else(Vec::new, |(paths, declared_in)| {
                let base = raw.base_url.clone().unwrap_or(declared_in);
                paths
                    .into_iter()
                    .map(|(pattern, targets)| {
                        let targets = targets
                            .iter()
                            .filter_map(|t| normalize_join(&base, t))
                            .collect();
                        (pattern, targets)
                    })
                    .collect()
            });
            let config = Config {
                base_url: raw.base_url,
                paths,
            };
            if config != Config::default() {
                idx.configs.insert(dir.to_string(), config);
            }
        }
        idx
    }

    /// The file or directory the bare specifier `spec` (imported by `from.rel`) means.
    pub fn resolve(&self, from: &Site<'_>, spec: &str) -> Vec<String> {
        let Site {
            tree,
            packages,
            rel,
        } = *from;
        if let Some(config) = self.nearest(rel) {
            if let Some(found) = alias(tree, config, spec) {
                return vec![found];
            }
            if let Some(found) = config
                .base_url
                .as_deref()
                .and_then(|b| normalize_join(b, spec))
                .and_then(|p| file_or_dir(tree, &p))
            {
                return vec![found];
            }
        }
        let Some((name, sub, found)) = packages.lookup_within(Ecosystem::Npm, spec) else {
            return Vec::new();
        };
        found
            .iter()
            .filter(|p| packages.npm.links(rel, name, &p.dir))
            .map(|p| packages.npm.subpath(tree, &p.dir, sub))
            .collect()
    }

    /// The config that applies to `rel`: the nearest one above it.
    fn nearest(&self, rel: &str) -> Option<&Config> {
        if self.configs.is_empty() {
            return None;
        }
        let mut dir = parent(rel);
        loop {
            if let Some(c) = self.configs.get(dir) {
                return Some(c);
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }

    /// Every `paths` target, with the directory of the config that applies it.
    pub fn targets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.configs.iter().flat_map(|(dir, c)| {
            c.paths.iter().flat_map(move |(_, targets)| {
                targets.iter().map(move |t| (dir.as_str(), t.as_str()))
            })
        })
    }

    /// Each alias's fixed part (`@shop/` of `@shop/*`) with the service its targets
    /// lead to (`None`: several, or a wildcard that may), for the prefilter.
    pub fn homes(&self, map: &PathMap) -> Vec<(String, Option<usize>)> {
        let mut out = Vec::new();
        for c in self.configs.values() {
            for (pattern, targets) in &c.paths {
                let key = pattern.split('*').next().unwrap_or(pattern);
                if key.trim_matches(['/', '@', '~', '#']).is_empty() {
                    continue;
                }
                let mut homes = targets.iter().map(|t| {
                    let fixed = t.split('*').next().unwrap_or(t).trim_end_matches('/');
                    match map.service_of(fixed) {
                        Some(s) => Some(Some(s)),
                        None if t.contains('*') => Some(None),
                        None => None,
                    }
                });
                let Some(first) = homes.by_ref().flatten().next() else {
                    continue;
                };
                let home = homes
                    .flatten()
                    .all(|h| h == first)
                    .then_some(first)
                    .flatten();
                out.push((key.to_string(), home));
            }
        }
        out
    }
}

/// The file or directory `spec` means through `config`'s `paths`: the pattern with
/// the longest fixed prefix that matches, its targets tried in order.
fn alias(tree: &Tree, config: &Config, spec: &str) -> Option<String> {
    let (capture, targets) = config
        .paths
        .iter()
        .filter_map(|(pattern, targets)| match pattern.split_once('*') {
            None => (pattern == spec).then_some((pattern.len(), "", targets)),
            Some((pre, post)) => spec
                .strip_prefix(pre)
                .and_then(|r| r.strip_suffix(post))
                .map(|captured| (pre.len(), captured, targets)),
        })
        .max_by_key(|(fixed, _, _)| *fixed)
        .map(|(_, captured, targets)| (captured, targets))?;
    targets.iter().find_map(|t| {
        let path = t.replacen('*', capture, 1);
        normalize_join("", &path).and_then(|p| file_or_dir(tree, &p))
    })
}

/// The file `path` names with the compiler's extensions, or the directory.
pub fn file_or_dir(tree: &Tree, path: &str) -> Option<String> {
    if tree.is_file(path) {
        return Some(path.to_string());
    }
    if let Some(found) = EXTENSIONS
        .iter()
        .map(|ext| format!("{path}{ext}"))
        .find(|p| tree.is_file(p))
    {
        return Some(found);
    }
    // ESM style: `./x.js` written for the source `x.ts`.
    for (js, ts) in [
        (".js", ".ts"),
        (".js", ".tsx"),
        (".mjs", ".mts"),
        (".cjs", ".cts"),
        (".jsx", ".tsx"),
    ] {
        if let Some(stem) = path.strip_suffix(js) {
            let p = format!("{stem}{ts}");
            if tree.is_file(&p) {
                return Some(p);
            }
        }
    }
    (!path.is_empty() && tree.is_dir(path)).then(|| path.to_string())
}

/// The options of the config `rel` with its `extends` chain applied.
fn load(
    listed: &HashMap<&str, &FileEntry>,
    packages: &PackageIndex,
    rel: &str,
    depth: usize,
) -> Raw {
    let Some(value) = listed
        .get(rel)
        .filter(|_| depth < MAX_CHAIN)
        .and_then(|f| read_config(f))
        .and_then(|t| serde_json::from_str::<Value>(&strip_jsonc(&t)).ok())
    else {
        return Raw::default();
    };
    let dir = parent(rel);
    let mut raw = Raw::default();
    let extends: Vec<&str> = match value.get("extends") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for e in extends {
        if let Some(base) = extended(listed, packages, dir, e) {
            let inherited = load(listed, packages, &base, depth + 1);
            raw.base_url = inherited.base_url.or(raw.base_url);
            raw.paths = inherited.paths.or(raw.paths);
        }
    }
    let options = value.get("compilerOptions");
    if let Some(b) = options
        .and_then(|o| o.get("baseUrl"))
        .and_then(Value::as_str)
        && let Some(b) = normalize_join(dir, b)
    {
        raw.base_url = Some(b);
    }
    if let Some(Value::Object(paths)) = options.and_then(|o| o.get("paths")) {
        let patterns = paths
            .iter()
            .map(|(k, v)| {
                let targets = v
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                (k.clone(), targets)
            })
            .collect();
        raw.paths = Some((patterns, dir.to_string()));
    }
    raw
}

/// The config file an `extends` value names, if it is in the repository: a relative
/// path (`.json` added when missing), or a path inside one of the repository's npm
/// packages (`@acme/tsconfig/base.json`).
fn extended(
    listed: &HashMap<&str, &FileEntry>,
    packages: &PackageIndex,
    dir: &str,
    value: &str,
) -> Option<String> {
    let candidates: Vec<String> = if value.starts_with('.') {
        let p = normalize_join(dir, value)?;
        vec![p.clone(), format!("{p}.json"), join(&p, "tsconfig.json")]
    } else {
        let (_, sub, found) = packages.lookup_within(Ecosystem::Npm, value)?;
        found
            .iter()
            .flat_map(|p| {
                let p = join(&p.dir, sub);
                [p.clone(), format!("{p}.json"), join(&p, "tsconfig.json")]
            })
            .collect()
    };
    candidates
        .into_iter()
        .find(|c| listed.contains_key(c.as_str()))
}

/// JSON with comments and trailing commas (as `tsconfig.json` allows) made JSON.
fn strip_jsonc(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.extend_from_slice(&b[start..i]);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
            }
            b'}' | b']' => {
                while out.last().is_some_and(u8::is_ascii_whitespace) {
                    out.pop();
                }
                if out.last() == Some(&b',') {
                    out.pop();
                }
                out.push(b[i]);
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas() {
        let text = "{\n // c\n \"a\": \"x//y\", /* b */ \"p\": [\"1\",],\n}\n";
        let v: Value = serde_json::from_str(&strip_jsonc(text)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["p"][0], "1");
    }

    #[test]
    fn aliases_take_the_longest_fixed_prefix_and_the_first_target_that_exists() {
        let tree = Tree::new(&super::super::entries(&[
            "libs/core/src/index.ts",
            "services/pay/core/x.ts",
        ]));
        let config = Config {
            base_url: None,
            paths: vec![
                (
                    "@shop/*".into(),
                    vec!["missing/*".into(), "libs/*/src".into()],
                ),
                ("@shop/pay-core".into(), vec!["services/pay/core".into()]),
                (
                    "@shop/pay-core/*".into(),
                    vec!["services/pay/core/*".into()],
                ),
            ],
        };
        assert_eq!(
            alias(&tree, &config, "@shop/core").as_deref(),
            Some("libs/core/src")
        );
        assert_eq!(
            alias(&tree, &config, "@shop/pay-core").as_deref(),
            Some("services/pay/core")
        );
        assert_eq!(
            alias(&tree, &config, "@shop/pay-core/x").as_deref(),
            Some("services/pay/core/x.ts")
        );
        assert_eq!(alias(&tree, &config, "@other/x"), None);
        assert_eq!(
            file_or_dir(&tree, "services/pay/core/x.js").as_deref(),
            Some("services/pay/core/x.ts")
        );
    }
}
