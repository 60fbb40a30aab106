//! How the pass reads the tokens: brackets through the pair table, comma-separated
//! argument lists and object properties, literals and member paths (`a.b.c`).
//!
//! Every walk steps over a nested group through its pair in one step, which keeps each
//! question linear in the tokens it looks at, whatever the nesting.

use super::Extractor;
use super::lex::{Kind, NONE, Part, parents};

impl<'a> Extractor<'a> {
    pub(super) fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub(super) fn is_punct(&self, i: usize, c: u8) -> bool {
        self.kind(i) == Some(Kind::Punct(c))
    }

    pub(super) fn ident(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        (t.kind == Kind::Ident).then(|| &self.text[t.start..t.end])
    }

    pub(super) fn is_ident(&self, i: usize, name: &str) -> bool {
        self.ident(i) == Some(name)
    }

    /// The innermost open bracket enclosing token `i` ([`NONE`] when there is none).
    pub(super) fn parent(&self, i: usize) -> Option<usize> {
        let parents = self.parents.get_or_init(|| parents(self.toks));
        parents.get(i).copied()
    }

    pub(super) fn partner(&self, i: usize) -> Option<usize> {
        self.pair.get(i).copied().filter(|&p| p != NONE)
    }

    /// True when the token at `i` is preceded by a `.` (a member name, not a binding).
    pub(super) fn after_dot(&self, i: usize) -> bool {
        i > 0 && self.is_punct(i - 1, b'.')
    }

    /// The index just past the expression atom starting at `i`: a bracketed group, a
    /// whole template literal, or one token.
    pub(super) fn skip(&self, i: usize) -> usize {
        match self.kind(i) {
            Some(Kind::Punct(b'(' | b'[' | b'{')) => self.partner(i).map_or(i + 1, |p| p + 1),
            Some(Kind::Tpl {
                part: Part::Head, ..
            }) => self.template_chunks(i).last().map_or(i + 1, |&l| l + 1),
            _ => i + 1,
        }
    }

    /// The chunk tokens of the template literal whose first chunk is at `i`.
    pub(super) fn template_chunks(&self, i: usize) -> Vec<usize> {
        let mut chunks = vec![i];
        let mut k = i;
        while let Some(next) = self.partner(k) {
            if next <= k {
                break;
            }
            chunks.push(next);
            k = next;
        }
        chunks
    }

    /// Top-level comma-separated ranges between the bracket at `open` and its partner.
    pub(super) fn items(&self, open: usize) -> Vec<(usize, usize)> {
        self.item_ranges(open).collect()
    }

    /// The first of [`Self::items`], without splitting the rest (most calls match no
    /// shape and need no more).
    pub(super) fn first_item(&self, open: usize) -> Option<(usize, usize)> {
        self.item_ranges(open).next()
    }

    /// [`Self::items`], one at a time: an empty range before each comma with nothing
    /// before it, none after a trailing comma.
    pub(super) fn item_ranges(&self, open: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let close = self.partner(open).unwrap_or(open);
        let mut start = open + 1;
        std::iter::from_fn(move || {
            let mut k = start;
            while k < close {
                if self.is_punct(k, b',') {
                    let item = (start, k);
                    start = k + 1;
                    return Some(item);
                }
                k = self.skip(k).min(close);
            }
            let last = (start < close).then_some((start, close));
            start = close;
            last
        })
    }

    /// Properties `key: value` of the object literal at `open`, by key name.
    pub(super) fn props(&self, open: usize) -> Vec<(&'a str, usize, usize)> {
        let mut props = Vec::new();
        for (s, e) in self.items(open) {
            if e > s + 2 && self.is_punct(s + 1, b':') {
                let t = &self.toks[s];
                let key = match t.kind {
                    Kind::Ident => &self.text[t.start..t.end],
                    Kind::Str { closed: true } => &self.text[t.cs..t.ce],
                    _ => continue,
                };
                props.push((key, s + 2, e));
            }
        }
        props
    }

    pub(super) fn prop(&self, open: usize, key: &str) -> Option<(usize, usize)> {
        self.props(open)
            .into_iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, s, e)| (s, e))
    }

    /// The literal contents `(start, end)` of a single closed string or hole-free
    /// template at `i`, when they hold no escapes (so they map 1:1 onto the file).
    pub(super) fn plain_literal(&self, i: usize) -> Option<(usize, usize)> {
        let t = self.toks.get(i)?;
        match t.kind {
            Kind::Str { closed: true }
            | Kind::Tpl {
                part: Part::Full,
                closed: true,
            } if !self.text[t.cs..t.ce].contains('\\') => Some((t.cs, t.ce)),
            _ => None,
        }
    }

    /// A closed quoted string or a closed template literal without holes.
    pub(super) fn is_simple_literal(&self, i: usize) -> bool {
        matches!(
            self.kind(i),
            Some(
                Kind::Str { closed: true }
                    | Kind::Tpl {
                        part: Part::Full,
                        closed: true
                    }
            )
        )
    }

    pub(super) fn is_literal_start(&self, i: usize) -> bool {
        matches!(
            self.kind(i),
            Some(
                Kind::Str { closed: true }
                    | Kind::Tpl {
                        part: Part::Full | Part::Head,
                        closed: true
                    }
            )
        )
    }

    /// The raw contents of the string or template chunk at `i`.
    pub(super) fn contents(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.cs..t.ce]
    }

    /// The member path (`a`, `a.b.c`) starting at `i`, with the index after it.
    pub(super) fn path_at(&self, i: usize) -> Option<(String, usize)> {
        let mut name = self.ident(i)?.to_string();
        let mut k = i + 1;
        while self.is_punct(k, b'.') {
            let Some(part) = self.ident(k + 1) else { break };
            name.push('.');
            name.push_str(part);
            k += 2;
        }
        Some((name, k))
    }

    /// The `(` of a call whose callee is the identifier at `i`: the next token, or the
    /// one after TypeScript type arguments (`database<Row>(`, `query<Array<T>>(`), as
    /// TypeScript itself reads `name<..>(`.
    ///
    /// Asked of every identifier, and nearly every one is followed by neither, so the
    /// look at the next token is inlined into the pass and only a `<` leads to the
    /// walk over type arguments ([`Self::open_after_type_args`]).
    #[inline]
    pub(super) fn call_open(&self, i: usize) -> Option<usize> {
        let k = i + 1;
        match self.kind(k)? {
            Kind::Punct(b'(') => Some(k),
            Kind::Punct(b'<') => self.open_after_type_args(k),
            _ => None,
        }
    }

    /// The `(` after the type arguments whose `<` is at `k` (see [`Self::call_open`]).
    #[inline(never)]
    fn open_after_type_args(&self, mut k: usize) -> Option<usize> {
        let mut depth = 0usize;
        for _ in 0..TYPE_ARG_TOKENS {
            if matches!(self.kind(k), Some(Kind::Punct(b')' | b']' | b'}'))) {
                return None;
            }
            depth = match self.type_arg_step(k)? {
                Step::Open => depth + 1,
                Step::Close(n) => depth.checked_sub(n)?,
                Step::Other => depth,
            };
            k = self.skip(k);
            if depth == 0 {
                return self.is_punct(k, b'(').then_some(k);
            }
        }
        None
    }

    /// The callee of the call whose `(` is at `open`: the identifier before it, or
    /// before its type arguments (see [`Self::call_open`]).
    pub(super) fn callee_of(&self, open: usize) -> Option<usize> {
        let mut k = open.checked_sub(1)?;
        if self.ident(k).is_some() {
            return Some(k);
        }
        let mut depth = 0usize;
        for _ in 0..TYPE_ARG_TOKENS {
            if matches!(self.kind(k), Some(Kind::Punct(b'(' | b'[' | b'{'))) {
                return None;
            }
            depth = match self.type_arg_step(k)? {
                Step::Close(n) => depth + n,
                Step::Open => depth.checked_sub(1)?,
                Step::Other => depth,
            };
            if depth == 0 {
                let callee = k.checked_sub(1)?;
                return self.ident(callee).map(|_| callee);
            }
            // A closing bracket steps back to its partner.
            k = match self.kind(k) {
                Some(Kind::Punct(b')' | b']' | b'}')) => self.partner(k)?,
                _ => k,
            }
            .checked_sub(1)?;
        }
        None
    }

    /// What the token at `k` is inside type arguments; `None` when it cannot be in
    /// them (an operator, a template, `;` outside braces).
    fn type_arg_step(&self, k: usize) -> Option<Step> {
        let t = self.toks.get(k)?;
        match t.kind {
            Kind::Punct(b'<') => Some(Step::Open),
            Kind::Punct(b'>') => Some(Step::Close(1)),
            Kind::Op => {
                let op = &self.text[t.start..t.end];
                if op == "=>" {
                    Some(Step::Other)
                } else if op.bytes().all(|c| c == b'>') {
                    Some(Step::Close(op.len()))
                } else {
                    None
                }
            }
            Kind::Punct(b'.' | b',' | b'|' | b'&' | b'(' | b')' | b'[' | b']' | b'{' | b'}')
            | Kind::Ident
            | Kind::Str { closed: true }
            | Kind::Num => Some(Step::Other),
            _ => None,
        }
    }
}

/// How many tokens TypeScript type arguments may span before a `<` is taken for a
/// comparison (bounds the look at every `<` after a name).
const TYPE_ARG_TOKENS: usize = 64;

/// One token of type arguments, for their bracket depth.
enum Step {
    Open,
    Close(usize),
    Other,
}
