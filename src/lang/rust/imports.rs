//! Imports of other crates: every `use` tree and `extern crate`, and qualified paths
//! `krate::x` in code and attributes. The names a `use` or `mod` brings into scope are
//! remembered, so that `local::x` is not taken for a crate. One access per crate and
//! line.

use super::strings::bare;
use super::walker::Walker;
use crate::model::finding::LineIndex;
use crate::model::{Access, ImportRef};

/// First path segments that never name another crate.
pub(super) const NOT_CRATES: &[&str] = &[
    "crate", "self", "super", "Self", "std", "core", "alloc", "bool", "char", "str", "u8", "u16",
    "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
];

impl<'a> Walker<'a> {
    pub(super) fn import(&mut self, i: usize) {
        let Some(t) = self.toks.get(i) else { return };
        let text = self.text(t);
        let name = bare(text).to_string();
        let prefix = text.len() - name.len();
        let range = self.range(i);
        let (start, end) = (range.start + prefix, range.end);
        let lines = self.lines.get_or_init(|| LineIndex::new(self.text));
        let line = lines.loc(self.text, start, 0).line as usize;
        if self.imported.insert((name.clone(), line)) {
            self.accesses.push(Access::import(
                ImportRef::Package(name),
                start,
                end.saturating_sub(start).max(1),
            ));
        }
    }

    pub(super) fn use_follows(&self, i: usize) -> bool {
        self.ident(i).is_some() || self.is_path_sep(i) || self.open(i) == Some('{')
    }

    /// Reports the crates of a `use` tree spanning `start..end` (without `use`/`;`).
    pub(super) fn use_stmt(&mut self, start: usize, end: usize) {
        let end = if self.is_punct(end.wrapping_sub(1), ';') {
            end - 1
        } else {
            end
        };
        self.use_tree(start, end, None, None);
    }

    /// One use tree in `start..end`. `root` is the tree's first segment when it is nested
    /// in `a::{..}` (only a root segment can be a crate) and `parent` the segment just
    /// before that `{`. Records the names the tree brings into scope as locals.
    pub(super) fn use_tree(
        &mut self,
        start: usize,
        end: usize,
        root: Option<usize>,
        parent: Option<String>,
    ) {
        let mut i = start;
        if root.is_none() && self.is_path_sep(i) {
            i += 2;
        }
        let mut first = root;
        let mut segments = 0usize;
        let mut leaf: Option<String> = None;
        while i < end {
            if self.open(i) == Some('{') {
                let close = self.toks[i].close.min(end);
                let parent = leaf.clone().or(parent);
                let mut s = i + 1;
                let mut k = s;
                while k < close {
                    if self.is_punct(k, ',') {
                        self.use_tree(s, k, first, parent.clone());
                        s = k + 1;
                    }
                    k = self.skip(k);
                }
                if s < close {
                    self.use_tree(s, close, first, parent);
                }
                return;
            }
            if self.is_punct(i, '*') {
                return;
            }
            if let Some(name) = self.ident(i) {
                let name = bare(name).to_string();
                if name == "as" {
                    if let Some(alias) = self.ident(i + 1).map(bare)
                        && alias != "_"
                    {
                        self.locals.insert(alias.to_string());
                    }
                    return;
                }
                if first.is_none() {
                    first = Some(i);
                    if !NOT_CRATES.contains(&name.as_str()) && !self.locals.contains(&name) {
                        self.import(i);
                    }
                }
                segments += 1;
                leaf = Some(name);
            }
            i += 1;
        }
        let introduced = match leaf {
            Some(l) if l == "self" => parent,
            // `use orders_db;` names the crate itself.
            Some(_) if root.is_none() && segments == 1 => None,
            other => other,
        };
        if let Some(name) = introduced
            && !NOT_CRATES.contains(&name.as_str())
        {
            self.locals.insert(name);
        }
    }

    /// `krate::...` in code.
    pub(super) fn path(&mut self, i: usize) {
        if !self.is_path_sep(i + 1) || self.ident(i + 3).is_none() {
            return;
        }
        if let Some(prev) = i.checked_sub(1) {
            if self.is_punct(prev, '$') || self.is_punct(prev, '.') || self.is_punct(prev, '\'') {
                return;
            }
            if prev >= 1 && self.is_path_sep(prev - 1) {
                // `x::krate::..` continues a path; a leading `::krate` starts one.
                let before = prev.checked_sub(2);
                let continues = before.is_some_and(|b| {
                    self.ident(b).is_some() || self.is_punct(b, '>') || self.is_close(b)
                });
                if continues {
                    return;
                }
            }
        }
        let Some(name) = self.ident(i).map(bare) else {
            return;
        };
        if !name.starts_with(|c: char| c.is_ascii_lowercase())
            || NOT_CRATES.contains(&name)
            || self.locals.contains(name)
        {
            return;
        }
        self.import(i);
    }
}
