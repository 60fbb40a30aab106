//! The string value of an expression, for the SQL analysis: literals, `+` joins,
//! `format!`-family templates and `concat!`, `String::from(..)` and `.to_string()`
//! wrappers, and the `const`/`static` items of the file (collected in the first pass).
//! A constant whose value is a table name is filled in as a value with an origin, so
//! the access points at the query and names the constant; anything unknown becomes a
//! hole ([`HOLE`]), never a guess.

use foldhash::HashMap;
use std::ops::Range;

use super::lex::{Kind, Tok};
use super::strings::{Decoded, bare};
use super::walker::Walker;
use crate::lang::embedded::Embedded;
use crate::lang::sql::HOLE;
use crate::model::{Origin, Place};

impl<'a> Walker<'a> {
    /// Records a `const NAME: T = value;` (or `static [mut|ref] NAME ..`) starting at `i`.
    pub(super) fn const_item(&mut self, i: usize) {
        let mut j = i + 1;
        while matches!(self.ident(j), Some("mut" | "ref")) {
            j += 1;
        }
        let Some(name) = self.ident(j).map(|n| bare(n).to_string()) else {
            return;
        };
        if name == "_" || !self.is_punct(j + 1, ':') || self.is_punct(j + 2, ':') {
            return;
        }
        // Find the `=` of the item (not `==`, `=>`, `<=`, ...) at angle depth 0.
        let mut k = j + 2;
        let mut angle: i32 = 0;
        loop {
            let Some(t) = self.toks.get(k) else { return };
            match t.kind {
                Kind::Close => return,
                Kind::Punct(';' | ',', _) if angle == 0 => return,
                Kind::Punct('<', _) => angle += 1,
                Kind::Punct('>', _) if !self.is_joint(k.wrapping_sub(1), '-') => {
                    angle -= 1;
                    if angle < 0 {
                        return;
                    }
                }
                Kind::Punct('=', joint) => {
                    let prev_op = k > 0
                        && matches!(self.toks.get(k - 1),
                            Some(Tok { kind: Kind::Punct(c, true), .. }) if "<>=!".contains(*c));
                    if !joint && !prev_op && angle == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k = self.skip(k);
        }
        let value_start = k + 1;
        let value_end = self.statement_end(value_start);
        let value_end = if self.is_punct(value_end.wrapping_sub(1), ';') {
            value_end - 1
        } else {
            value_end
        };
        if value_start < value_end {
            self.consts
                .entry(name)
                .or_default()
                .push(value_start..value_end);
        }
    }

    /// Appends the string value of the expression `range` to `emb`: literals, `+` joins,
    /// `format!`/`concat!`, `String::from(..)`, `.to_string()` and friends, and
    /// `const`/`static` names of this file; anything else becomes a hole. Returns true
    /// when some real text was appended. `mark` consumes the literals used.
    pub(super) fn append_expr(
        &mut self,
        range: Range<usize>,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let mut any = false;
        let mut parts = Vec::new();
        let mut s = range.start;
        let mut k = s;
        while k < range.end {
            if self.is_punct(k, '+') && !self.is_joint(k, '+') {
                parts.push(s..k);
                s = k + 1;
            }
            k = self.skip(k);
        }
        parts.push(s..range.end);
        for part in parts {
            any |= self.append_part(part, emb, mark, depth);
        }
        any
    }

    pub(super) fn append_part(
        &mut self,
        part: Range<usize>,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let (mut s, mut e) = (part.start, part.end);
        while s < e && (self.is_punct(s, '&') || self.is_punct(s, '*') || self.is_ident(s, "mut")) {
            s += 1;
        }
        // Trailing `.as_str()`, `.to_string()`, ...
        while e >= s + 4
            && self.is_punct(e - 4, '.')
            && matches!(
                self.ident(e - 3),
                Some(
                    "as_str"
                        | "to_string"
                        | "to_owned"
                        | "into"
                        | "as_ref"
                        | "clone"
                        | "borrow"
                        | "deref"
                )
            )
            && self.open(e - 2) == Some('(')
            && self.toks[e - 2].close == e - 1
        {
            e -= 4;
        }
        let hole_at = self.range(s).start;
        // `( .. )`
        if s < e && self.open(s) == Some('(') && self.toks[s].close + 1 == e && depth < 8 {
            return self.append_expr(s + 1..e - 1, emb, mark, depth + 1);
        }
        if s >= e {
            emb.push_hole(HOLE, hole_at);
            return false;
        }
        // A literal.
        if e == s + 1 && self.toks[s].kind == Kind::Lit {
            if let Some(d) = self.decode_at(s) {
                if mark {
                    self.consume(s);
                }
                d.push_all(emb);
                return true;
            }
            let repr = self.text(&self.toks[s]).to_string();
            emb.push_decoded(&repr, self.range(s).start);
            return true;
        }
        // `[path::]format!(..)` / `concat!(..)`.
        let mut m = s;
        while self.ident(m).is_some() && self.is_path_sep(m + 1) {
            m += 3;
        }
        if matches!(self.ident(m), Some("format" | "concat"))
            && self.is_punct(m + 1, '!')
            && self.open(m + 2).is_some()
            && self.toks[m + 2].close + 1 == e
            && depth < 8
        {
            self.consume(m);
            return self.assemble_macro(m, emb, mark, depth + 1);
        }
        // `String::from(x)`, `Cow::Borrowed(x)`, `str::to_string(x)`.
        if e >= s + 5
            && self.ident(s).is_some()
            && self.is_path_sep(s + 1)
            && matches!(
                self.ident(s + 3),
                Some("from" | "Borrowed" | "Owned" | "to_string" | "to_owned")
            )
            && self.open(s + 4) == Some('(')
            && self.toks[s + 4].close + 1 == e
            && depth < 8
        {
            return self.append_expr(s + 5..e - 1, emb, mark, depth + 1);
        }
        // A path naming a constant of this file.
        let mut p = s;
        if self.is_path_sep(p) {
            p += 2;
        }
        let mut last = None;
        while p < e && self.ident(p).is_some() {
            last = Some(p);
            if self.is_path_sep(p + 1) {
                p += 3;
            } else {
                p += 1;
            }
        }
        if p == e
            && depth < 8
            && let Some(last) = last
        {
            let name = self.ident(last).map(bare).unwrap_or_default();
            if let Some([value]) = self.consts.get(name).map(Vec::as_slice) {
                let value = value.clone();
                let at = self.toks[s].at.start;
                let used = at..self.toks[e - 1].at.end;
                return self.append_value(name.to_string(), value, used, emb, depth);
            }
            // A constant of another module of the crate.
            let name = name.to_string();
            if let Some(segments) = self.segments(s..e)
                && let Some((value, id)) = self.crate_value(&segments, self.toks[s].at.start)
            {
                let used = self.toks[s].at.start..self.toks[e - 1].at.end;
                let origin = Origin {
                    name,
                    place: Place::Elsewhere(id),
                };
                emb.push_value(value, used.start, used.len().max(1), origin);
                return true;
            }
        }
        emb.push_hole(HOLE, hole_at);
        false
    }

    /// Appends the value of constant `name` (the expression `value`), used at `used`:
    /// when the value is a table name, it is reported there, with the constant as its
    /// origin; any other value is read where it is written.
    pub(super) fn append_value(
        &mut self,
        name: String,
        value: Range<usize>,
        used: Range<usize>,
        emb: &mut Embedded,
        depth: usize,
    ) -> bool {
        let defined = match (
            self.toks.get(value.start),
            value.end.checked_sub(1).and_then(|k| self.toks.get(k)),
        ) {
            (Some(a), Some(z)) => a.at.start..z.at.end,
            _ => return false,
        };
        let mut sub = Embedded::new();
        let any = self.append_expr(value.clone(), &mut sub, false, depth + 1);
        if !crate::lang::values::is_name(sub.text()) {
            // A fragment or a whole query is read where it is written.
            return self.append_expr(value, emb, false, depth + 1);
        }
        let origin = Origin {
            name,
            place: Place::Here {
                offset: defined.start,
                len: defined.len(),
            },
        };
        emb.push_value(sub.text(), used.start, used.len().max(1), origin);
        any
    }

    /// `format!`-family or `concat!` macro named at `i`: appends its text to `emb`.
    pub(super) fn assemble_macro(
        &mut self,
        i: usize,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let open = i + 2;
        if self.open(open).is_none() {
            return false;
        }
        let args = self.args(open);
        if self.is_ident(i, "concat") {
            let mut any = false;
            for arg in args {
                any |= self.append_expr(arg, emb, mark, depth);
            }
            return any;
        }
        let Some(t) = args
            .iter()
            .position(|a| a.len() == 1 && self.string_lit(a.start).is_some())
        else {
            return false;
        };
        let template_idx = args[t].start;
        let Some(template) = self.decode_at(template_idx) else {
            return false;
        };
        if mark {
            self.consume(template_idx);
        }
        let rest = &args[t + 1..];
        let mut positional = Vec::new();
        let mut named: HashMap<String, Range<usize>> = HashMap::default();
        for arg in rest {
            if arg.len() >= 3
                && self.ident(arg.start).is_some()
                && self.is_punct(arg.start + 1, '=')
                && !self.is_joint(arg.start + 1, '=')
            {
                let name = self.ident(arg.start).map(bare).unwrap_or_default();
                named.insert(name.to_string(), arg.start + 2..arg.end);
            } else {
                positional.push(arg.clone());
            }
        }
        self.template(&template, &positional, &named, emb, mark, depth)
    }

    /// Fills a `format!` template: `{{`/`}}` are braces, `{..}` holes take their argument
    /// when it is a literal or a known constant, else a [`HOLE`].
    pub(super) fn template(
        &mut self,
        d: &Decoded,
        positional: &[Range<usize>],
        named: &HashMap<String, Range<usize>>,
        emb: &mut Embedded,
        mark: bool,
        depth: usize,
    ) -> bool {
        let text = d.text.clone();
        let bytes = text.as_bytes();
        let mut next_pos = 0usize;
        let mut lit_start = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            let c = bytes[i];
            if (c == b'{' || c == b'}') && bytes.get(i + 1) == Some(&c) {
                d.push_range(emb, lit_start..i + 1);
                i += 2;
                lit_start = i;
                continue;
            }
            if c != b'{' {
                i += 1;
                continue;
            }
            let Some(close) = text[i..].find('}').map(|k| i + k) else {
                break;
            };
            d.push_range(emb, lit_start..i);
            let spec = &text[i + 1..close];
            let (arg, fmt) = spec.split_once(':').unwrap_or((spec, ""));
            let arg = arg.trim();
            let source: Option<Range<usize>> = if arg.is_empty() {
                next_pos += 1;
                positional.get(next_pos - 1).cloned()
            } else if let Ok(n) = arg.parse::<usize>() {
                positional.get(n).cloned()
            } else {
                named.get(arg).cloned()
            };
            let hole_at = d.file_offset(i);
            match source {
                Some(range) if fmt.is_empty() => {
                    self.append_expr(range, emb, mark, depth + 1);
                }
                None if fmt.is_empty() && !arg.is_empty() => {
                    self.append_const(arg, hole_at, emb, depth + 1);
                }
                _ => emb.push_hole(HOLE, hole_at),
            }
            i = close + 1;
            lit_start = i;
        }
        d.push_range(emb, lit_start..bytes.len());
        true
    }

    /// An implicit `{NAME}` capture: the constant `NAME` of this file, or of another
    /// module of the crate that a `use` brings in, else a hole.
    pub(super) fn append_const(
        &mut self,
        name: &str,
        hole_at: usize,
        emb: &mut Embedded,
        depth: usize,
    ) {
        if depth < 8
            && let Some([value]) = self.consts.get(name).map(Vec::as_slice)
        {
            let value = value.clone();
            // The capture as written: `{NAME}`.
            let used = hole_at..hole_at + name.len() + 2;
            self.append_value(name.to_string(), value, used, emb, depth);
            return;
        }
        if let Some((value, id)) = self.crate_value(&[name.to_string()], hole_at) {
            let origin = Origin {
                name: name.to_string(),
                place: Place::Elsewhere(id),
            };
            emb.push_value(value, hole_at, name.len() + 2, origin);
            return;
        }
        emb.push_hole(HOLE, hole_at);
    }
}
