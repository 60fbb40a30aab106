//! SQL in string literals: a sink's argument, a tagged template (`sql`...``), or any
//! literal that looks like SQL.
//!
//! A literal is read with whatever it is `+`-joined to; template holes and joined names
//! that hold a known constant are filled with its value (reported where the code uses
//! it), every other hole is a placeholder the SQL analysis never takes for a table. The
//! pieces are assembled into one [`Embedded`] text whose every byte maps back to the
//! file, escapes included, for [`sql::analyze_candidate`].

use super::Extractor;
use super::lex::{Kind, Part, decode_escape};
use crate::lang::embedded::Embedded;
use crate::lang::sql::{self, HOLE};
use crate::model::{Access, AccessKind, Confidence, Origin, Place, Target};

/// At most this many texts are analysed for one string expression: one per
/// combination of the outcomes of the conditional constants it uses (more, and those
/// names are unknown holes).
const MAX_VARIANTS: usize = 8;

/// Tags of template literals that hold SQL.
pub(super) const SQL_TAGS: &[&str] = &[
    "sql",
    "SQL",
    "raw",
    "$queryRaw",
    "$executeRaw",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
];

/// One operand of a `+`-joined string expression.
pub(super) enum Operand {
    /// A closed quoted string (token index).
    Lit(usize),
    /// A template literal: the indices of its chunks in order.
    Tpl(Vec<usize>),
    /// An identifier or member path that may name a constant, and its token.
    Ref(String, usize),
    /// Anything else (a call, a number, a parenthesised expression) at this token.
    Other(usize),
}

impl<'a> Extractor<'a> {
    /// The first argument of a SQL sink: a string expression, a constant holding SQL, or
    /// a `{ text }` / `{ sql }` query config object.
    pub(super) fn sink_argument(&mut self, s: usize, e: usize) {
        if self.is_punct(s, b'{') {
            for key in ["text", "sql"] {
                if let Some((vs, _)) = self.prop(s, key) {
                    self.analyse_sql(vs, true);
                }
            }
            return;
        }
        if self.is_literal_start(s) {
            self.analyse_sql(s, true);
        } else if let Some((name, end)) = self.path_at(s)
            && end == e
            && let Some(lit) = self.constant(&name)
        {
            self.analyse_sql(lit, true);
        }
    }

    /// A literal that is not the argument of a known call: analysed only when it (with
    /// whatever it is joined to) looks like SQL.
    pub(super) fn loose_literal(&mut self, i: usize) {
        self.analyse_sql(i, false);
    }

    /// Joins the `+`-chain of operands starting at the literal `i` into one text and
    /// analyses it as SQL (when `always`, or when it looks like SQL).
    pub(super) fn analyse_sql(&mut self, i: usize, always: bool) {
        if !self.is_literal_start(i) {
            return;
        }
        let operands = self.operands(i);
        let mut sizes = Vec::new();
        let embedded = self.assemble(&operands, &[], &mut sizes);
        let variants: usize = sizes.iter().product();
        if sizes.is_empty() || variants > MAX_VARIANTS {
            self.out
                .extend(sql::analyze_candidate(&embedded, always, self.ctx));
            return;
        }
        // One text per combination of the conditional constants' outcomes: each is a
        // text the program can send, so what any of them accesses is accessed.
        let mut found: Vec<Access> = Vec::new();
        for v in 0..variants {
            let mut rest = v;
            let picks: Vec<usize> = sizes
                .iter()
                .map(|&n| {
                    let pick = rest % n;
                    rest /= n;
                    pick
                })
                .collect();
            let embedded = self.assemble(&operands, &picks, &mut Vec::new());
            found.extend(sql::analyze_candidate(&embedded, always, self.ctx));
        }
        // A name one text parses and another only scans is as sure as the parse.
        let sure: Vec<(AccessKind, usize, usize, Target)> = found
            .iter()
            .filter(|a| a.confidence == Confidence::High)
            .map(|a| (a.kind, a.offset, a.len, a.target.clone()))
            .collect();
        found.retain(|a| {
            a.confidence == Confidence::High
                || !sure.contains(&(a.kind, a.offset, a.len, a.target.clone()))
        });
        self.out.extend(found);
    }

    /// Reads `a + b + c` from `i`, marking its literal tokens as handled.
    pub(super) fn operands(&mut self, i: usize) -> Vec<Operand> {
        let mut ops = Vec::new();
        let mut k = i;
        loop {
            let (op, next) = match self.kind(k) {
                Some(Kind::Str { closed: true }) => (Operand::Lit(k), k + 1),
                Some(Kind::Tpl {
                    part: Part::Full | Part::Head,
                    closed: true,
                }) => {
                    let chunks = self.template_chunks(k);
                    let next = chunks.last().map_or(k + 1, |&l| l + 1);
                    (Operand::Tpl(chunks), next)
                }
                Some(Kind::Ident) => {
                    let Some((name, mut end)) = self.path_at(k) else {
                        break;
                    };
                    let mut plain = true;
                    while self.is_punct(end, b'(') || self.is_punct(end, b'[') {
                        plain = false;
                        end = self.skip(end);
                        if let Some((_, e)) = self
                            .is_punct(end, b'.')
                            .then(|| self.path_at(end + 1))
                            .flatten()
                        {
                            end = e;
                        }
                    }
                    if plain {
                        (Operand::Ref(name, k), end)
                    } else {
                        (Operand::Other(k), end)
                    }
                }
                Some(Kind::Punct(b'(')) | Some(Kind::Num) => (Operand::Other(k), self.skip(k)),
                _ => break,
            };
            match &op {
                Operand::Lit(t) => self.handled[*t] = true,
                Operand::Tpl(chunks) => {
                    for &c in chunks {
                        self.handled[c] = true;
                    }
                }
                _ => {}
            }
            ops.push(op);
            if self.is_punct(next, b'+') {
                k = next + 1;
            } else {
                break;
            }
        }
        ops
    }

    /// Builds the text of a string expression with each piece mapped to the file. The
    /// n-th name bound to a conditional of literals takes outcome `picks[n]` (a
    /// placeholder without one); `sizes` gets each such name's number of outcomes.
    fn assemble(&self, operands: &[Operand], picks: &[usize], sizes: &mut Vec<usize>) -> Embedded {
        let mut e = Embedded::new();
        for op in operands {
            match op {
                Operand::Lit(t) => {
                    let tok = self.toks[*t];
                    self.push_contents(&mut e, tok.cs, tok.ce);
                }
                Operand::Tpl(chunks) => {
                    for (n, &c) in chunks.iter().enumerate() {
                        let tok = self.toks[c];
                        self.push_contents(&mut e, tok.cs, tok.ce);
                        if let Some(&next) = chunks.get(n + 1) {
                            if !self.push_choice(&mut e, (c + 1, next), picks, sizes) {
                                self.push_hole_value(&mut e, c + 1, next, tok.ce);
                            }
                        } else if matches!(
                            tok.kind,
                            Kind::Tpl {
                                part: Part::Head | Part::Middle,
                                ..
                            }
                        ) {
                            // The literal ends inside a hole (unterminated).
                            e.push_hole(HOLE, tok.ce);
                        }
                    }
                }
                Operand::Ref(name, t) => {
                    let end = self.path_at(*t).map_or(*t + 1, |(_, end)| end);
                    if !self.push_value(&mut e, name, *t, end)
                        && !self.push_choice(&mut e, (*t, end), picks, sizes)
                    {
                        e.push_hole(HOLE, self.toks[*t].start);
                    }
                }
                Operand::Other(t) => e.push_hole(HOLE, self.toks[*t].start),
            }
        }
        e
    }

    /// The name written by tokens `s..end`, when it is bound to a conditional of
    /// literals (see `Extractor::choices`): appends outcome `picks[n]` (`n`
    /// counting such names so far, in `sizes`), or a placeholder when there is no
    /// pick. False for any other name.
    fn push_choice(
        &self,
        e: &mut Embedded,
        (s, end): (usize, usize),
        picks: &[usize],
        sizes: &mut Vec<usize>,
    ) -> bool {
        let Some((name, after)) = self.path_at(s) else {
            return false;
        };
        if after != end || self.consts.contains_key(&name) {
            return false;
        }
        let Some(Some(outcomes)) = self.choices.get(&name) else {
            return false;
        };
        let (Some(a), Some(z)) = (
            self.toks.get(s),
            end.checked_sub(1).and_then(|k| self.toks.get(k)),
        ) else {
            return false;
        };
        let pick = picks.get(sizes.len()).and_then(|&p| outcomes.get(p));
        sizes.push(outcomes.len());
        match pick {
            Some(&lit) => {
                let t = &self.toks[lit];
                let origin = Origin {
                    name,
                    place: Place::Here {
                        offset: t.start,
                        len: t.end - t.start,
                    },
                };
                e.push_value(self.contents(lit), a.start, z.end - a.start, origin);
            }
            None => e.push_hole(HOLE, a.start),
        }
        true
    }

    /// A template hole spanning tokens `s..e`: a constant's literal when the hole names
    /// one, otherwise the placeholder at the `${`.
    fn push_hole_value(&self, e: &mut Embedded, s: usize, end: usize, at: usize) {
        if let Some((name, after)) = self.path_at(s)
            && after == end
            && self.push_value(e, &name, s, end)
        {
            return;
        }
        e.push_hole(HOLE, at);
    }

    /// Appends the value of constant `name`, written by tokens `s..end`: the names in
    /// it are reported there, with the constant as their origin. False when `name`
    /// has no value.
    fn push_value(&self, e: &mut Embedded, name: &str, s: usize, end: usize) -> bool {
        let Some(origin) = self.origin_at(s, end) else {
            return false;
        };
        let value = match origin.place {
            Place::Here { .. } => match self.constant(name) {
                Some(lit) => self.contents(lit),
                None => return false,
            },
            Place::Elsewhere(_) => match self.outer_value(s, end) {
                Some(v) => v,
                None => return false,
            },
        };
        let (Some(a), Some(z)) = (
            self.toks.get(s),
            end.checked_sub(1).and_then(|k| self.toks.get(k)),
        ) else {
            return false;
        };
        e.push_value(value, a.start, z.end - a.start, origin);
        true
    }

    /// Appends a literal's contents: verbatim runs map 1:1, each escape maps to itself.
    fn push_contents(&self, e: &mut Embedded, cs: usize, ce: usize) {
        let b = self.text.as_bytes();
        let mut run = cs;
        let mut k = cs;
        while k < ce {
            if b[k] == b'\\' {
                if run < k {
                    e.push_verbatim(&self.text[run..k], run);
                }
                let (decoded, next) = decode_escape(self.text, k, ce);
                if !decoded.is_empty() {
                    e.push_decoded(&decoded, k);
                }
                k = next.min(ce);
                run = k;
            } else {
                k += 1;
            }
        }
        if run < ce {
            e.push_verbatim(&self.text[run..ce], run);
        }
    }
}
