//! The walk over one Rust file's tokens: the [`Walker`] that every rule is a method
//! of, the token helpers they share, the two passes (names first: `mod`, `use`,
//! `const`/`static`; then everything else, token by token) and the results. What each
//! rule looks for lives with its concern: [`super::queries`], [`super::values`],
//! [`super::orm`], [`super::imports`]; the syntax check in [`super::syntax`].

use foldhash::{HashMap, HashSet};
use std::ops::Range;

use super::imports::NOT_CRATES;
use super::lex::{Kind, Lexed, Tok, Word};
use super::modules::{Bindings, Crate};
use super::strings::{Decoded, bare, decode, is_string_lit};
use crate::lang::embedded::Embedded;
use crate::lang::{Context, Extracted, Follow, sql};
use crate::model::Access;
use crate::model::finding::LineIndex;

/// One file's analysis: its tokens, the names the first pass collected, and what the
/// rules found (accesses, SQL candidates not yet analysed, files to follow).
pub(super) struct Walker<'a> {
    pub(super) toks: Vec<Tok>,
    /// See [`Lexed::comments`].
    pub(super) comments: Vec<Range<usize>>,
    /// The file.
    pub(super) text: &'a str,
    /// Its lines, indexed at the first import (see [`Walker::import`]).
    pub(super) lines: std::cell::OnceCell<LineIndex>,
    /// Offset of the lexed text in the file (after a BOM or shebang).
    pub(super) base: usize,
    /// Length of the file.
    pub(super) len: usize,
    /// `const`/`static` name → token ranges of its value expressions.
    pub(super) consts: HashMap<String, Vec<Range<usize>>>,
    /// Names declared by `mod x` or brought in by `use`, which are not crates.
    pub(super) locals: HashSet<String>,
    /// `use` statements, in order: start index and the index just past the statement.
    pub(super) uses: Vec<(usize, usize)>,
    /// Per token, whether it is already part of assembled SQL (template literals,
    /// `concat!` pieces, macros consumed by a sink).
    pub(super) consumed: Vec<bool>,
    /// Assembled SQL candidates and whether they come from a known sink.
    pub(super) candidates: Vec<(Embedded, bool)>,
    pub(super) accesses: Vec<Access>,
    pub(super) follows: Vec<Follow>,
    /// (crate, line) pairs already reported.
    pub(super) imported: HashSet<(String, usize)>,
    /// The file's module and the constants of its crate (see [`super::modules`]).
    pub(super) krate: Crate<'a>,
    /// `mod x;` declared at the top level of the file.
    pub(super) mods: HashSet<String>,
    /// `use` bindings of crate paths.
    pub(super) crate_uses: Bindings,
    /// Crate paths used where a value was needed, without one.
    pub(super) open: Vec<String>,
    /// Crate modules imported whole (`use crate::tables::*`).
    pub(super) globs: Vec<Vec<String>>,
    /// Byte ranges of the bodies of inline `mod x { .. }`.
    pub(super) inline_mods: Vec<Range<usize>>,
    /// Whether the file names SeaORM or SeaQuery, asked at its first schema builder.
    pub(super) sea: std::cell::OnceCell<bool>,
    /// The file's `Iden` enums (see [`super::migrations`]), read at the first use.
    pub(super) idens: std::cell::OnceCell<HashMap<String, super::migrations::IdenTable>>,
}

impl<'a> Walker<'a> {
    pub(super) fn new(lexed: Lexed, text: &'a str, base: usize) -> Self {
        let Lexed { toks, comments } = lexed;
        Walker {
            consumed: vec![false; toks.len()],
            toks,
            comments,
            text,
            lines: std::cell::OnceCell::new(),
            base,
            len: text.len(),
            consts: HashMap::default(),
            locals: HashSet::default(),
            uses: Vec::new(),
            candidates: Vec::new(),
            accesses: Vec::new(),
            follows: Vec::new(),
            imported: HashSet::default(),
            krate: Crate::default(),
            mods: HashSet::default(),
            crate_uses: Bindings::default(),
            open: Vec::new(),
            globs: Vec::new(),
            inline_mods: Vec::new(),
            sea: std::cell::OnceCell::new(),
            idens: std::cell::OnceCell::new(),
        }
    }

    /// The identifier or literal `t` as written; empty for other tokens.
    pub(super) fn text(&self, t: &Tok) -> &'a str {
        match t.kind {
            Kind::Ident(_) | Kind::Lit => self.text.get(t.at.clone()).unwrap_or_default(),
            _ => "",
        }
    }

    pub(super) fn is_consumed(&self, i: usize) -> bool {
        self.consumed.get(i).copied().unwrap_or(false)
    }

    pub(super) fn consume(&mut self, i: usize) {
        if let Some(c) = self.consumed.get_mut(i) {
            *c = true;
        }
    }

    /// Byte range of token `i` in the file (empty at the end for a bad index).
    pub(super) fn range(&self, i: usize) -> Range<usize> {
        match self.toks.get(i) {
            Some(t) => t.at.clone(),
            None => self.len..self.len,
        }
    }

    pub(super) fn ident(&self, i: usize) -> Option<&str> {
        match self.toks.get(i) {
            Some(t) if matches!(t.kind, Kind::Ident(_)) => Some(self.text(t)),
            _ => None,
        }
    }

    /// Whether token `i` is the identifier `name` (compared as bytes: `name` is whole
    /// characters, so equal bytes are equal text).
    pub(super) fn is_ident(&self, i: usize, name: &str) -> bool {
        matches!(self.toks.get(i), Some(t) if matches!(t.kind, Kind::Ident(_))
            && self.text.as_bytes().get(t.at.clone()) == Some(name.as_bytes()))
    }

    /// Whether token `i` is the keyword `word` (see [`Word`]).
    pub(super) fn is_word(&self, i: usize, word: Word) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Ident(w), .. }) if *w == word)
    }

    pub(super) fn is_punct(&self, i: usize, c: char) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Punct(p, _), .. }) if *p == c)
    }

    pub(super) fn is_joint(&self, i: usize, c: char) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Punct(p, true), .. }) if *p == c)
    }

    /// `::` at `i`.
    pub(super) fn is_path_sep(&self, i: usize) -> bool {
        self.is_joint(i, ':') && self.is_punct(i + 1, ':')
    }

    pub(super) fn open(&self, i: usize) -> Option<char> {
        match self.toks.get(i) {
            Some(Tok {
                kind: Kind::Open(d),
                ..
            }) => Some(*d),
            _ => None,
        }
    }

    pub(super) fn is_close(&self, i: usize) -> bool {
        matches!(
            self.toks.get(i),
            Some(Tok {
                kind: Kind::Close,
                ..
            })
        )
    }

    /// The index after the token (or whole group) at `i`.
    pub(super) fn skip(&self, i: usize) -> usize {
        match self.toks.get(i) {
            Some(t) if matches!(t.kind, Kind::Open(_)) => t.close.max(i) + 1,
            _ => i + 1,
        }
    }

    pub(super) fn string_lit(&self, i: usize) -> Option<&str> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Lit && is_string_lit(self.text(t)) => Some(self.text(t)),
            _ => None,
        }
    }

    pub(super) fn decode_at(&self, i: usize) -> Option<Decoded> {
        let t = self.toks.get(i)?;
        if t.kind != Kind::Lit {
            return None;
        }
        decode(self.text(t), self.range(i).start)
    }

    /// The top-level comma-separated arguments of the group opened at `open`.
    pub(super) fn args(&self, open: usize) -> Vec<Range<usize>> {
        let Some(t) = self.toks.get(open) else {
            return Vec::new();
        };
        let end = t.close;
        let mut out = Vec::new();
        let mut start = open + 1;
        let mut i = start;
        while i < end {
            if self.is_punct(i, ',') {
                out.push(start..i);
                start = i + 1;
            }
            i = self.skip(i);
        }
        if start < end {
            out.push(start..end);
        }
        out
    }

    /// If an attribute starts at `i` (`#[..]` or `#![..]`), the index of its `[`.
    pub(super) fn attribute_open(&self, i: usize) -> Option<usize> {
        if !self.is_punct(i, '#') {
            return None;
        }
        let j = if self.is_punct(i + 1, '!') {
            i + 2
        } else {
            i + 1
        };
        (self.open(j) == Some('[')).then_some(j)
    }

    /// End of the statement starting at `i`: index just past the `;` at the same level,
    /// or the enclosing group's closer.
    pub(super) fn statement_end(&self, mut i: usize) -> usize {
        while i < self.toks.len() {
            if self.is_close(i) {
                return i;
            }
            if self.is_punct(i, ';') {
                return i + 1;
            }
            i = self.skip(i);
        }
        i
    }

    /// Collects `mod` names, `use` statements (reporting their imports), `extern crate`,
    /// and the values of `const`/`static` items.
    pub(super) fn prepass(&mut self) {
        for i in 0..self.toks.len() {
            if self.is_word(i, Word::Mod)
                && let Some(name) = self.ident(i + 1)
            {
                self.locals.insert(bare(name).to_string());
            }
        }
        let mut i = 0;
        while i < self.toks.len() {
            let Kind::Ident(word) = self.toks[i].kind else {
                i += 1;
                continue;
            };
            match word {
                Word::Use if self.use_follows(i + 1) => {
                    let end = self.statement_end(i + 1);
                    self.use_stmt(i + 1, end);
                    self.uses.push((i, end));
                    i = end.max(i + 1);
                    continue;
                }
                Word::Extern if self.is_ident(i + 1, "crate") && self.ident(i + 2).is_some() => {
                    let name = self.ident(i + 2).map(bare).unwrap_or_default();
                    if !NOT_CRATES.contains(&name) {
                        self.import(i + 2);
                    }
                    if self.is_ident(i + 3, "as")
                        && let Some(alias) = self.ident(i + 4)
                    {
                        self.locals.insert(bare(alias).to_string());
                    }
                }
                Word::Const | Word::Static => self.const_item(i),
                _ => {}
            }
            i += 1;
        }
    }

    pub(super) fn walk(&mut self) {
        let mut i = 0;
        // The next `use` statement at or after `i` (`uses` is in token order).
        let mut next_use = 0;
        while i < self.toks.len() {
            while self.uses.get(next_use).is_some_and(|&(start, _)| start < i) {
                next_use += 1;
            }
            if let Some(&(start, end)) = self.uses.get(next_use)
                && start == i
            {
                i = end.max(i + 1);
                continue;
            }
            if let Some(open) = self.attribute_open(i) {
                self.attribute(open);
                i = self.skip(open);
                continue;
            }
            match self.toks[i].kind {
                Kind::Ident(word) => {
                    self.prose_call(i);
                    if word == Word::Fn && self.is_ident(i + 1, "table_name") {
                        self.table_name_fn(i + 1);
                    }
                    if self.is_punct(i + 1, '!') && self.open(i + 2).is_some() {
                        self.macro_call(i, i + 2);
                    } else {
                        self.call_sink(i);
                    }
                    if self.is_path_sep(i + 1)
                        && matches!(self.ident(i), Some("Table" | "Index" | "ForeignKey"))
                    {
                        self.schema_builder(i);
                    }
                    self.path(i);
                }
                Kind::Lit => self.literal(i),
                _ => {}
            }
            i += 1;
        }
    }

    /// Analyses the SQL candidates and puts what the file holds into `out`.
    pub(super) fn finish(&mut self, ctx: &Context, out: &mut Extracted) {
        let mut accesses = std::mem::take(&mut self.accesses);
        for (emb, sink) in std::mem::take(&mut self.candidates) {
            accesses.extend(sql::analyze_candidate(&emb, sink, ctx));
        }
        let mut seen = HashSet::default();
        accesses.retain(|a| seen.insert(a.clone()));
        accesses.sort_by(|a, b| a.offset.cmp(&b.offset).then(a.kind.cmp(&b.kind)));
        out.accesses = accesses;
        out.follow = std::mem::take(&mut self.follows);
        out.values = self.crate_values();
    }
}
