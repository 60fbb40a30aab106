//! The syntax check: whether the file parses with `syn`, for a [`Problem`] when it does
//! not. Only the code around what was found is parsed (see [`Walker::unchecked`]), and
//! the pieces that parsed before are remembered by shape ([`super::shape`]). Also the
//! estimate of how deep `syn` would recurse ([`longest_chain`]), which decides whether
//! the check runs at all.

use std::ops::Range;
use std::str::FromStr;

use proc_macro2::TokenStream;

use super::lex::{Kind, Tok, Word};
use super::walker::Walker;
use super::{line_of, shape};
use crate::lang::{Extracted, Problem};

/// Whether the tokens parse as a Rust file. The grammar of `syn::File` (inner
/// attributes, then items), with each item dropped as soon as it is parsed: only the
/// error is wanted, and freeing each item's tree at once lets the allocator reuse the
/// same memory for the next one instead of freeing the whole file's tree at the end.
pub(super) fn parse_as_file(stream: TokenStream) -> syn::Result<()> {
    let items = |input: syn::parse::ParseStream| {
        input.call(syn::Attribute::parse_inner)?;
        while !input.is_empty() {
            input.parse::<syn::Item>()?;
        }
        Ok(())
    };
    syn::parse::Parser::parse2(items, stream)
}

/// What the syntax check leaves out of a file and the statement runs it keeps, as
/// token ranges (see `Walker::unchecked`).
pub(super) struct Split {
    pub(super) cuts: Vec<Range<usize>>,
    pub(super) runs: Vec<Range<usize>>,
}

/// Orders `ranges` by start, a range before those inside it (as [`outermost`] and
/// `Walker::splice` read them).
pub(super) fn outer_first(ranges: &mut [Range<usize>]) {
    ranges.sort_unstable_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
}

/// The ranges of `sorted` (ordered by start, a range before those inside it) that are
/// inside no other, in order.
pub(super) fn outermost(sorted: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut outer: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        if outer.last().is_none_or(|o| r.start >= o.end) {
            outer.push(r.clone());
        }
    }
    outer
}

/// A function with a body, by the index of its tokens: its name, the `(` of its
/// parameters (if it has them before the body) and the `{` of its body.
#[derive(Clone, Copy, Debug)]
pub(super) struct Function {
    pub(super) name: usize,
    pub(super) params: Option<usize>,
    pub(super) body: usize,
}

/// An upper bound, roughly, on how deep `syn` recurses on a file: at each token, the
/// operators (punctuation, bracket groups, prefix keywords) in the current run of every
/// enclosing nesting level, summed. `;`, `,` and the end of a `{..}` block followed by
/// a new statement or item end a run.
pub(super) fn longest_chain(toks: &[Tok]) -> usize {
    // Per open level: operators in its current run, and whether it is a `{..}` block.
    let mut stack: Vec<(usize, bool)> = vec![(0, false)];
    let mut sum = 0usize;
    let mut longest = 0usize;
    for (i, t) in toks.iter().enumerate() {
        let operator = match &t.kind {
            Kind::Punct(';' | ',', _) => {
                if let Some(top) = stack.last_mut() {
                    sum -= top.0;
                    top.0 = 0;
                }
                false
            }
            Kind::Punct(..) => true,
            Kind::Ident(word) => matches!(word, Word::Prefix | Word::Const | Word::Static),
            Kind::Lit => false,
            Kind::Open(d) => {
                if let Some(top) = stack.last_mut() {
                    top.0 += 1;
                    sum += 1;
                }
                longest = longest.max(sum);
                stack.push((0, *d == '{'));
                false
            }
            Kind::Close => {
                let (count, brace) = stack.pop().unwrap_or_default();
                sum -= count;
                // A block followed by a new statement or item ends the enclosing run.
                let ends_run = brace
                    && !matches!(
                        toks.get(i + 1).map(|n| &n.kind),
                        Some(Kind::Punct(c, _)) if *c != '#'
                    );
                if ends_run && let Some(top) = stack.last_mut() {
                    sum -= top.0;
                    top.0 = 0;
                }
                false
            }
        };
        if operator && let Some(top) = stack.last_mut() {
            top.0 += 1;
            sum += 1;
            longest = longest.max(sum);
        }
    }
    longest
}

impl<'a> Walker<'a> {
    /// Checks the file's syntax with `syn` once its accesses are in `out`, and records
    /// an error as a problem. Only the code around what was found is checked, with the
    /// items that hold it: what [`Self::unchecked`] lists is left out of the text that
    /// is lexed with `proc_macro2` and parsed. A syntax error elsewhere can hide nothing
    /// (the token patterns do not depend on the parse, and the compiler reports it),
    /// and statements, signatures and attributes are most of `syn`'s work. The kept
    /// text is first checked piece by piece against the thread's memo of shapes
    /// ([`Self::known_valid`]); only when a piece fails is it parsed whole, for the
    /// error's message and position.
    pub(super) fn check_syntax(&self, out: &mut Extracted) {
        let mut found: Vec<usize> = (out.accesses.iter().map(|a| a.offset))
            .chain(out.follow.iter().map(|f| f.offset))
            .collect();
        found.sort_unstable();
        let holds = |first: usize, last: usize| {
            let (Some(first), Some(last)) = (self.toks.get(first), self.toks.get(last)) else {
                return false;
            };
            let at = found.partition_point(|&o| o < first.at.start);
            found.get(at).is_some_and(|&o| o < last.at.end)
        };
        let split = self.unchecked(holds);
        let skip = self.skipped(&split.cuts);
        if self.known_valid(&skip, &split.runs) {
            return;
        }
        let (kept, pieces) = self.splice(self.base..self.len, &skip);
        // Where an offset of the kept text is in the file.
        let in_file = |k: usize| {
            let piece = pieces
                .partition_point(|&(start, _)| start <= k)
                .saturating_sub(1);
            pieces
                .get(piece)
                .map_or(self.len, |&(start, at)| (at + k - start).min(self.len))
        };
        let err = match TokenStream::from_str(&kept) {
            Ok(stream) => match parse_as_file(stream) {
                Ok(()) => return,
                Err(err) => {
                    let range = err.span().byte_range();
                    let at = if range.end == 0 {
                        self.len
                    } else {
                        in_file(range.start)
                    };
                    (at, err.to_string())
                }
            },
            Err(err) => (in_file(err.span().byte_range().start), err.to_string()),
        };
        let (offset, err) = err;
        out.problems.push(Problem {
            offset,
            message: format!(
                "this Rust file did not parse (line {}): {err}; \
                 string literals and paths were still analysed",
                line_of(self.text, offset)
            ),
        });
    }

    /// Whether the text the check parses (the file without `skip`) is valid Rust,
    /// decided in pieces, each from the memo when its shape parsed before: the items
    /// with the kept statement runs (`runs`, token ranges) left out of their bodies,
    /// parsed as a file, and each run, parsed as statements. A `;` at the top level of
    /// a body ends every statement before it and a run ends at one (or at the body's
    /// end), so a body parses exactly when each of its runs does; `false` says only
    /// that some piece did not parse.
    pub(super) fn known_valid(&self, skip: &[Range<usize>], runs: &[Range<usize>]) -> bool {
        let mut runs: Vec<Range<usize>> = runs.iter().filter_map(|r| self.bytes_of(r)).collect();
        outer_first(&mut runs);
        // The runs the text holds: inside no other run (a function in a kept statement)
        // and inside no left-out range (a function in a body that is left out).
        let outer = outermost(skip);
        let mut runs = outermost(&runs);
        runs.retain(|r| {
            let at = outer.partition_point(|o| o.start <= r.start);
            !(at > 0 && outer.get(at - 1).is_some_and(|o| r.end <= o.end))
        });
        let mut items = skip.to_vec();
        items.extend(runs.iter().cloned());
        outer_first(&mut items);
        let (items, _) = self.splice(self.base..self.len, &items);
        shape::valid(shape::Grammar::File, &items)
            && runs.iter().all(|run| {
                let (statements, _) = self.splice(run.clone(), skip);
                shape::valid(shape::Grammar::Statements, &statements)
            })
    }

    /// The byte ranges the check leaves out of the file: the token ranges `cut` (in any
    /// order) and the comments, ordered by start, a range before those inside it.
    pub(super) fn skipped(&self, cut: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut skip: Vec<Range<usize>> = (cut.iter().filter_map(|c| self.bytes_of(c)))
            .chain(self.comments.iter().cloned())
            .collect();
        outer_first(&mut skip);
        skip
    }

    /// The bytes of the file that the tokens `toks` span; `None` for no tokens.
    pub(super) fn bytes_of(&self, toks: &Range<usize>) -> Option<Range<usize>> {
        let first = self.toks.get(toks.start)?;
        let last = self.toks.get(toks.end.checked_sub(1)?)?;
        Some(first.at.start..last.at.end)
    }

    /// The bytes `span` of the file without the ranges `skip` (ordered as
    /// [`Self::skipped`] orders them; a range inside another goes with it), each
    /// replaced by a space; and where each piece of it starts, in it and in the file.
    pub(super) fn splice(
        &self,
        span: Range<usize>,
        skip: &[Range<usize>],
    ) -> (String, Vec<(usize, usize)>) {
        let mut kept = String::with_capacity(span.len());
        let mut pieces = Vec::new();
        let mut at = span.start;
        let first = skip.partition_point(|r| r.start < span.start);
        for r in skip.get(first..).unwrap_or_default() {
            if r.start >= span.end {
                break;
            }
            if r.start < at {
                continue;
            }
            pieces.push((kept.len(), at));
            kept.push_str(self.text.get(at..r.start).unwrap_or_default());
            kept.push(' ');
            at = r.end;
        }
        pieces.push((kept.len(), at));
        kept.push_str(self.text.get(at..span.end).unwrap_or_default());
        (kept, pieces)
    }

    /// What the syntax check leaves out, as token ranges, each a run of whole trees at
    /// one level, so that what is left is valid Rust whenever the file is. Unless
    /// `holds(first, last)` says that something was found in the tokens `first..=last`:
    /// every attribute; every `use` item; the fields of every `struct` and the variants
    /// of every `enum` (`struct S {}`, `struct T();`); every function, as the whole
    /// item where [`Self::item_start`] finds where it starts, else its signature down
    /// to `fn name()` and its body down to `{}`, each apart; and in a body each
    /// statement (with its `;`) and the closing expression. A `;` at the top level of a
    /// block always ends a statement, so the tokens between two of them are whole
    /// statements (`if .. {} let x = 1;` is two), and leaving them out leaves a valid
    /// block. A body that is left is still valid Rust without its signature (`self`
    /// and `.await` are only names and operators to the parser). Ranges may nest;
    /// [`Self::splice`] skips the inner ones.
    ///
    /// Also the runs of statements it keeps in the bodies it does not leave out whole
    /// (token ranges, each one or more statements up to a `;`, or the closing
    /// expression), which [`Self::known_valid`] checks one by one.
    pub(super) fn unchecked(&self, holds: impl Fn(usize, usize) -> bool) -> Split {
        let mut cuts = Vec::new();
        let mut runs = Vec::new();
        let mut cut = |from: usize, to: usize| {
            if from < to {
                cuts.push(from..to);
            }
        };
        let close = |open: usize| self.toks.get(open).map_or(open, |t| t.close.max(open));
        for i in 0..self.toks.len() {
            if self.is_punct(i, '#') {
                let open = if self.is_punct(i + 1, '!') {
                    i + 2
                } else {
                    i + 1
                };
                if self.open(open) == Some('[') && !holds(i, close(open)) {
                    cut(i, close(open) + 1);
                }
                continue;
            }
            match self.ident(i) {
                Some("use") => {
                    if let Some(start) = self.item_start(i)
                        && let Some(end) = self.item_end(i)
                        && !holds(start, end)
                    {
                        cut(start, end + 1);
                    }
                }
                Some("struct" | "enum") => {
                    if self.ident(i + 1).is_some()
                        && let Some(open) = self.data_body(i + 1)
                        && !holds(open, close(open))
                    {
                        cut(open + 1, close(open));
                    }
                }
                _ => {}
            }
        }
        for f in self.functions() {
            let end = close(f.body);
            if let Some(start) = self.item_start(f.name - 1)
                && !holds(start, end)
            {
                cut(start, end + 1);
                continue;
            }
            if !holds(f.name, f.body - 1)
                && let Some(params) = f.params
            {
                cut(f.name + 1, params);
                cut(params + 1, close(params));
                cut(close(params) + 1, f.body);
            }
            if !holds(f.body, end) {
                cut(f.body + 1, end);
                continue;
            }
            let (mut from, mut j) = (f.body + 1, f.body + 1);
            while j < end {
                if self.is_punct(j, ';') {
                    if holds(from, j) {
                        runs.push(from..j + 1);
                    } else {
                        cut(from, j + 1);
                    }
                    from = j + 1;
                }
                j = self.skip(j);
            }
            if from < end {
                if holds(from, end - 1) {
                    runs.push(from..end);
                } else {
                    cut(from, end);
                }
            }
        }
        Split { cuts, runs }
    }

    /// Where the item whose keyword (`fn`, `use`) is token `kw` starts, with its
    /// attributes and qualifiers (`#[..]`, `pub(crate)`, `const`, `async`, `unsafe`,
    /// `extern "C"`, `default`), if it stands where an item or statement may start
    /// (the start of the file or of a group, after a `;` or a `}`): then leaving the
    /// whole item out leaves valid Rust. `None` otherwise (`impl Sized + use<'a>`).
    pub(super) fn item_start(&self, kw: usize) -> Option<usize> {
        const QUALIFIERS: &[&str] = &["pub", "const", "async", "unsafe", "extern", "default"];
        let mut start = kw;
        while let Some(p) = start.checked_sub(1) {
            let t = &self.toks[p];
            start = match t.kind {
                Kind::Ident(_) if QUALIFIERS.contains(&self.text(t)) => p,
                Kind::Lit if p > 0 && self.is_ident(p - 1, "extern") => p - 1,
                Kind::Close => {
                    let open = t.close;
                    match self.open(open) {
                        Some('(') if open > 0 && self.is_ident(open - 1, "pub") => open - 1,
                        Some('[') if open > 0 && self.is_punct(open - 1, '#') => open - 1,
                        Some('[')
                            if open > 1
                                && self.is_punct(open - 1, '!')
                                && self.is_punct(open - 2, '#') =>
                        {
                            open - 2
                        }
                        _ => break,
                    }
                }
                _ => break,
            };
        }
        let Some(before) = start.checked_sub(1) else {
            return Some(start);
        };
        match self.toks[before].kind {
            Kind::Open(_) | Kind::Punct(';', _) => Some(start),
            Kind::Close if self.open(self.toks[before].close) == Some('{') => Some(start),
            _ => None,
        }
    }

    /// The `;` that ends the item whose keyword is token `kw` (`use a::{b, c};`), at
    /// the same level; `None` if the group or file ends first.
    pub(super) fn item_end(&self, kw: usize) -> Option<usize> {
        let mut j = kw + 1;
        while let Some(t) = self.toks.get(j) {
            match t.kind {
                Kind::Punct(';', _) => return Some(j),
                Kind::Close => return None,
                _ => j = self.skip(j),
            }
        }
        None
    }

    /// The `{..}` or `(..)` holding the fields or variants of the `struct` or `enum`
    /// named at token `name`: the first such group at the same level and outside
    /// `<..>` (`struct S<F = fn(u8)>`), before a `;`. Leaving its contents out leaves
    /// `struct S {}` or `struct S();`; a `(..)` found in a `where` clause instead
    /// (`where F: Fn(u8)`) is left as `Fn()`, which is valid too.
    pub(super) fn data_body(&self, name: usize) -> Option<usize> {
        let mut angles = 0usize;
        let mut j = name + 1;
        while let Some(t) = self.toks.get(j) {
            match t.kind {
                Kind::Open('{' | '(') if angles == 0 => return Some(j),
                Kind::Punct(';', _) | Kind::Close => return None,
                _ => self.count_angles(j, &mut angles),
            }
            j = self.skip(j);
        }
        None
    }

    /// Every function with a body (`fn name`, then [`Self::signature`]).
    pub(super) fn functions(&self) -> Vec<Function> {
        (0..self.toks.len())
            .filter(|&i| self.is_word(i, Word::Fn) && self.ident(i + 1).is_some())
            .filter_map(|i| self.signature(i + 1))
            .collect()
    }

    /// The function named at token `name`: its parameter list and the `{` of its body,
    /// at the same level, skipping `(..)` and `[..]`, and outside `<..>` (`F: Fn(u8)`
    /// is not the parameter list; a const generic argument `-> A<{ N }>` is not the
    /// body): the first `(..)` and the first `{..}` before a `;`, the next `fn` or the
    /// end of the enclosing group. `None` without a body. Searches from successive
    /// functions never overlap: a file of bodiless `fn` items is read once.
    pub(super) fn signature(&self, name: usize) -> Option<Function> {
        // Open `<` of generics; the `>` of `->` closes none.
        let mut angles = 0usize;
        let mut params = None;
        let mut j = name + 1;
        while let Some(t) = self.toks.get(j) {
            // A `{..}` right after `name!` is a macro in the signature (`-> ty!{}`),
            // not the body; after `-> !` it is the body.
            let macro_braces = j >= 2 && self.is_punct(j - 1, '!') && self.ident(j - 2).is_some();
            match t.kind {
                Kind::Open('{') if angles == 0 && !macro_braces => {
                    return Some(Function {
                        name,
                        params,
                        body: j,
                    });
                }
                Kind::Open('(') if angles == 0 && params.is_none() => params = Some(j),
                Kind::Punct(';', _) | Kind::Close => return None,
                Kind::Ident(Word::Fn) => return None,
                _ => self.count_angles(j, &mut angles),
            }
            j = self.skip(j);
        }
        None
    }

    /// Counts the `<..>` open at token `j`: a `<` opens one, a `>` closes one unless
    /// it ends `->`.
    pub(super) fn count_angles(&self, j: usize, angles: &mut usize) {
        match self.toks.get(j).map(|t| &t.kind) {
            Some(Kind::Punct('<', _)) => *angles += 1,
            Some(Kind::Punct('>', _)) if !(j > 0 && self.is_joint(j - 1, '-')) => {
                *angles = angles.saturating_sub(1);
            }
            _ => {}
        }
    }
}
