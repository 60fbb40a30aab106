//! Table names held in constants of another module of the same crate.
//!
//! A crate often keeps its table names in one module (`pub const ORDERS: &str =
//! "orders";` in `src/tables.rs`) and fills them into queries elsewhere
//! (`use crate::tables::ORDERS;` and `format!("SELECT * FROM {ORDERS}")`, or
//! `tables::ORDERS`). Extraction stays pure per file, as for the other languages (see
//! [`crate::lang::values`]): a file offers the string constants of its module whose
//! value is a table name ([`Walker::crate_values`]), named by their path in the crate
//! (`crate::tables::ORDERS`), and lists the paths it used without a value; the scan
//! hands it the constants of its crate when it extracts it again ([`Crate::known`]).
//!
//! A file's module comes from its path ([`module_of`]): the crate's root is the
//! directory above `src/`, `src/lib.rs` and `src/main.rs` are the crate itself,
//! `src/a/mod.rs` and `src/a.rs` are `crate::a`. Files under `src/bin/` (crates of
//! their own) and outside `src/` (tests, examples, build scripts) take part in
//! nothing. A path is resolved only through what the file says: `crate::`, `self::`,
//! `super::`, a `mod x;` of the file, a `use` binding of a crate path, or a glob
//! import of a crate module that alone defines the name; inside an inline
//! `mod x { .. }` (`mod tests { use super::*; }`) only `crate::` paths. A re-export
//! is not followed, and a name that is not known stays a hole.

use foldhash::HashMap;
use std::ops::Range;

use super::lex::Word;
use super::strings::bare;
use super::walker::Walker;
use crate::lang::values::{Define, Known, Values, is_name};

/// What a file knows about its crate: its module path (`crate`, `tables`) and the
/// constants other modules define, by path (`crate::tables::ORDERS`).
#[derive(Clone, Debug, Default)]
pub struct Crate<'a> {
    pub module: Option<Vec<String>>,
    pub known: Option<&'a Known>,
}

/// The `src/` directory of the crate `rel` belongs to and the path below it.
fn split_src(rel: &str) -> Option<(&str, &str)> {
    if let Some(inner) = rel.strip_prefix("src/") {
        return Some(("src", inner));
    }
    let k = rel.rfind("/src/")?;
    Some((&rel[..k + 4], &rel[k + 5..]))
}

/// The crate a repository-relative path belongs to, by its `src/` directory: the files
/// that share constants.
pub fn crate_root(rel: &str) -> Option<&str> {
    split_src(rel).map(|(root, _)| root)
}

/// The module path of the file `rel` (`["crate", "db", "tables"]`), if it is a module
/// of a crate's library or main binary.
pub fn module_of(rel: &str) -> Option<Vec<String>> {
    let (_, inner) = split_src(rel)?;
    let inner = inner.strip_suffix(".rs")?;
    let mut segments: Vec<&str> = inner.split('/').collect();
    if segments.first() == Some(&"bin") {
        return None;
    }
    match segments.as_slice() {
        ["lib" | "main"] => segments.clear(),
        [.., "mod"] => {
            segments.pop();
        }
        _ => {}
    }
    let ident = |s: &&str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    if !segments.iter().all(ident) {
        return None;
    }
    Some(
        std::iter::once("crate")
            .chain(segments)
            .map(str::to_string)
            .collect(),
    )
}

impl<'a> Walker<'a> {
    /// Records the file's `mod x;` declarations and its `use` bindings of crate paths
    /// (after the first pass has found the `use` statements).
    pub(super) fn crate_names(&mut self) {
        if self.krate.module.is_none() {
            return;
        }
        let mut i = 0;
        while i < self.toks.len() {
            if self.is_word(i, Word::Mod)
                && self.is_punct(i + 2, ';')
                && let Some(name) = self.ident(i + 1)
            {
                self.mods.insert(bare(name).to_string());
            }
            i = self.skip(i);
        }
        for i in 0..self.toks.len() {
            if self.is_word(i, Word::Mod)
                && self.ident(i + 1).is_some()
                && self.open(i + 2) == Some('{')
            {
                let close = self.toks[i + 2].close;
                self.inline_mods
                    .push(self.range(i + 2).start..self.range(close).end);
            }
        }
        for (start, end) in self.uses.clone() {
            if self.in_inline_mod(self.range(start).start) {
                continue;
            }
            let end = if self.is_punct(end.wrapping_sub(1), ';') {
                end - 1
            } else {
                end
            };
            self.crate_use(start + 1, end, Vec::new());
        }
    }

    /// One use tree in `start..end` below the crate path `prefix` (empty at the root
    /// of the statement): binds the name it brings into scope to its path in the crate.
    fn crate_use(&mut self, start: usize, end: usize, prefix: Vec<String>) {
        let mut path = prefix;
        let mut local: Option<String> = None;
        let mut i = start;
        while i < end {
            if self.open(i) == Some('{') {
                let close = self.toks[i].close.min(end);
                let (mut s, mut k) = (i + 1, i + 1);
                while k < close {
                    if self.is_punct(k, ',') {
                        self.crate_use(s, k, path.clone());
                        s = k + 1;
                    }
                    k = self.skip(k);
                }
                if s < close {
                    self.crate_use(s, close, path);
                }
                return;
            }
            if self.is_punct(i, '*') {
                if !path.is_empty() {
                    self.globs.push(path);
                }
                return;
            }
            if path.is_empty() && self.is_path_sep(i) {
                return;
            }
            if let Some(name) = self.ident(i).map(bare) {
                if name == "as" {
                    local = self.ident(i + 1).map(bare).map(str::to_string);
                    break;
                }
                if name == "self" && !path.is_empty() {
                    local = path.last().cloned();
                } else {
                    let Some(next) = self.crate_step(path, name) else {
                        return;
                    };
                    path = next;
                    local = Some(name.to_string());
                }
            }
            i += 1;
        }
        if let Some(local) = local.filter(|l| l != "_" && l != "self" && l != "super")
            && path.len() > 1
        {
            let bound = self.crate_uses.entry(local).or_insert(Some(path.clone()));
            if bound.as_ref() != Some(&path) {
                *bound = None;
            }
        }
    }

    /// The crate path `path` followed by the segment `name`; at the start of a path
    /// (`path` empty), `crate`, `self`, `super` and the file's `mod x;` names. `None`
    /// for a path outside the crate (another crate, `super` above the root).
    fn crate_step(&self, mut path: Vec<String>, name: &str) -> Option<Vec<String>> {
        let module = self.krate.module.as_ref()?;
        match name {
            "crate" if path.is_empty() => return Some(vec!["crate".to_string()]),
            "self" if path.is_empty() => return Some(module.clone()),
            "super" => {
                if path.is_empty() {
                    path = module.clone();
                }
                if path.len() <= 1 {
                    return None;
                }
                path.pop();
                return Some(path);
            }
            _ => {}
        }
        if path.is_empty() {
            if !self.mods.contains(name) {
                return None;
            }
            path = module.clone();
        }
        path.push(name.to_string());
        Some(path)
    }

    /// The segments of the path written by the tokens `range` (`tables::ORDERS`), if
    /// they are one.
    pub(super) fn segments(&self, range: Range<usize>) -> Option<Vec<String>> {
        let mut segments = Vec::new();
        let mut k = range.start;
        while k < range.end {
            segments.push(bare(self.ident(k)?).to_string());
            if k + 1 == range.end {
                break;
            }
            if !self.is_path_sep(k + 1) {
                return None;
            }
            k += 3;
        }
        Some(segments)
    }

    /// The crate path of the name written as `segments` (`ORDERS`, `tables::ORDERS`,
    /// `crate::tables::ORDERS`), as other modules' constants are keyed; `None` when it
    /// is not a path of this crate the file can name.
    fn crate_path(&self, segments: &[String]) -> Option<String> {
        let (first, rest) = segments.split_first()?;
        let mut path = match self.crate_uses.get(first) {
            Some(Some(bound)) => bound.clone(),
            Some(None) => return None,
            None if rest.is_empty() => return None,
            None => self.crate_step(Vec::new(), first)?,
        };
        for s in rest {
            path = self.crate_step(path, s)?;
        }
        (path.len() > 1).then(|| path.join("::"))
    }

    /// Whether byte `at` of the file is inside an inline `mod x { .. }`, where
    /// relative paths and `use` bindings mean another module than the file's.
    fn in_inline_mod(&self, at: usize) -> bool {
        self.inline_mods.iter().any(|m| m.contains(&at))
    }

    /// The value another module of the crate gives the name written as `segments` at
    /// byte `at`, with the index the scan knows its definition by. A name of one
    /// segment that no `use` binds may come from a glob import of a crate module
    /// (`use crate::tables::*`): it is taken when exactly one of them defines it (Rust
    /// refuses a name two globs give). Crate paths without a value are noted as open
    /// (the scan may know them when it extracts the file again). Inside an inline
    /// `mod`, only `crate::` paths are read.
    pub(super) fn crate_value(
        &mut self,
        segments: &[String],
        at: usize,
    ) -> Option<(&'a str, usize)> {
        let first = segments.first()?;
        if first != "crate" && self.in_inline_mod(at) {
            return None;
        }
        let paths: Vec<String> = match self.crate_path(segments) {
            Some(path) => vec![path],
            None if segments.len() == 1 && !self.crate_uses.contains_key(first) => self
                .globs
                .iter()
                .map(|g| format!("{}::{first}", g.join("::")))
                .collect(),
            None => Vec::new(),
        };
        let known = self.krate.known;
        let found: Vec<(&'a str, usize)> = paths
            .iter()
            .filter_map(|p| known.and_then(|k| k.get(p)))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                self.open.extend(paths);
                None
            }
            _ => None,
        }
    }

    /// What this file tells the scan about its crate: the string constants of its
    /// module (items at the top level of the file, not `static mut`) whose value is a
    /// table name, by crate path, and the crate paths it used without a value.
    pub(super) fn crate_values(&mut self) -> Values {
        let Some(module) = self.krate.module.clone() else {
            return Values::default();
        };
        let mut defines = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if (self.is_word(i, Word::Const) || self.is_word(i, Word::Static))
                && let Some(name) = self.ident(i + 1).map(bare)
                && self.is_punct(i + 2, ':')
                && let Some([value]) = self.consts.get(name).map(Vec::as_slice)
                && value.len() == 1
                && self.string_lit(value.start).is_some()
                && let Some(d) = self.decode_at(value.start)
                && is_name(&d.text)
            {
                defines.push(Define::constant(
                    format!("{}::{name}", module.join("::")),
                    d.text,
                    self.range(value.start),
                ));
            }
            i = self.skip(i);
        }
        Values::new(defines, std::mem::take(&mut self.open))
    }
}

/// The crate's constants by path, for the tests: `(path, value, id)`.
#[cfg(test)]
pub(super) fn known(entries: &[(&str, &str, usize)]) -> Known {
    let mut k = Known::default();
    for (path, value, id) in entries {
        k.insert(path, value, *id);
    }
    k
}

/// A file's `use` bindings of crate paths: local name → path in the crate
/// (`["crate", "tables", "ORDERS"]`), `None` for a name bound to two paths.
pub(super) type Bindings = HashMap<String, Option<Vec<String>>>;
