//! String assembly: the SQL text of a string expression, built from literals joined
//! with `+`, template holes, format calls (`fmt.Sprintf`, `String.format`,
//! `string.Format`, `.formatted`) and constants, each piece keeping its offset in the
//! file (an [`Embedded`]) so a finding's label lands on the table name.
//!
//! Anything whose value is not known becomes [`sql::HOLE`], which the SQL analysis
//! never reads as a table: assembly never guesses.

use super::constants::Value;
use super::format::{Verb, parse_dotnet, parse_mybatis, parse_printf};
use super::lex::is_ident_byte;
use super::names::table_in_text;
use super::source::{Arg, Call, Source};
use super::strings::Part;
use crate::lang::embedded::Embedded;
use crate::lang::sql;
use crate::lang::values;
use crate::model::{Access, AccessKind, Origin, Place};

/// SQL text assembled from a string expression, with the literals it used.
pub struct Built {
    pub emb: Embedded,
    /// Literal tokens the text came from (the expression's own and the constants').
    pub used: Vec<usize>,
    /// True when any text came from a literal or constant (not only holes).
    pub has_text: bool,
}

impl Built {
    pub(super) fn new() -> Self {
        Built {
            emb: Embedded::new(),
            used: Vec::new(),
            has_text: false,
        }
    }
}

/// The placeholder syntax of a format string or of a SQL API's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatStyle {
    /// `%s`, `%[1]s`, `%1$s`, `%%`, `%n`.
    Printf,
    /// `{0}`, `{0,10:N}`, `{{` (also EF Core's `FromSqlRaw` parameters).
    Dotnet,
    /// MyBatis `#{param}` (a value) and `${name}` (spliced text).
    MyBatis,
}

/// What a primary expression is, for assembling SQL text.
enum Operand<'a> {
    /// A string literal token.
    Lit(usize),
    /// A string literal followed by `.format(..)`/`.formatted(..)`.
    LitFormat(usize, Call),
    /// `fmt.Sprintf(..)`, `String.format(..)`, `string.Format(..)`.
    Format(Call, FormatStyle),
    /// A name (`T`, `Tables.ORDERS`: tokens `first..end`) with a constant value.
    Const {
        first: usize,
        end: usize,
        value: Value<'a>,
    },
    /// Anything else, starting at this token.
    Other(usize),
}

impl<'a> Source<'a> {
    /// The text of a string-valued argument (a literal or constant), without holes.
    pub fn string_value(&self, a: &Arg) -> Option<String> {
        let b = self.build_arg(a);
        let text = b.emb.text().trim();
        (b.has_text && !text.is_empty() && !text.contains(sql::HOLE)).then(|| text.to_string())
    }

    /// The formatting style when `call` is a known string-formatting function.
    pub(super) fn format_style(&self, call: &Call) -> Option<FormatStyle> {
        let name = self.ident(call.name)?;
        let recv = call.recv.and_then(|r| self.ident(r));
        match (recv, name) {
            (Some("fmt"), "Sprintf") | (Some("String"), "format") => Some(FormatStyle::Printf),
            (Some("string" | "String"), "Format") => Some(FormatStyle::Dotnet),
            _ => None,
        }
    }

    /// Parses the primary expression at `i` (bounded by `end`); returns it and the
    /// index after it.
    fn operand(&self, i: usize, end: usize) -> (Operand<'a>, usize) {
        let after_group = |k: usize| self.partner(k).map_or(end, |p| (p + 1).min(end));
        if self.lit(i).is_some() {
            if self.punct(i + 1) == "."
                && let Some(call) = self.call_at(i + 2)
                && call.close < end
            {
                let next = call.close + 1;
                return match self.ident(i + 2) {
                    Some("format" | "formatted") => (Operand::LitFormat(i, call), next),
                    Some(
                        "trimIndent" | "trimMargin" | "stripIndent" | "trim" | "strip" | "intern"
                        | "toString" | "Trim",
                    ) => (Operand::Lit(i), next),
                    _ => (Operand::Lit(i), i + 1),
                };
            }
            return (Operand::Lit(i), i + 1);
        }
        if self.ident(i).is_some() {
            // `a.b.c(..)[..].d(..)`: the last call decides what it is.
            let mut k = i;
            let mut last_call = None;
            while k < end {
                if let Some(call) = self.call_at(k) {
                    last_call = Some(call);
                    k = call.close.saturating_add(1).min(end);
                } else if self.ident(k).is_some() {
                    k += 1;
                } else {
                    break;
                }
                while k < end && self.punct(k) == "[" {
                    k = after_group(k);
                }
                if k < end && matches!(self.punct(k), "." | "?." | "!") {
                    k += 1;
                } else {
                    break;
                }
            }
            let next = k.max(i + 1);
            if let Some(call) = last_call
                && next == call.close + 1
                && let Some(style) = self.format_style(&call)
            {
                return (Operand::Format(call, style), next);
            }
            if last_call.is_none()
                && let Some(value) = self.name_value(i, next)
            {
                return (
                    Operand::Const {
                        first: i,
                        end: next,
                        value,
                    },
                    next,
                );
            }
            return (Operand::Other(i), next);
        }
        if matches!(self.punct(i), "(" | "[" | "{") {
            return (Operand::Other(i), after_group(i));
        }
        (Operand::Other(i), i + 1)
    }

    /// Assembles the SQL text of a string expression in `start..end`: operands joined
    /// with `+`. Literals keep their file offsets, constants are substituted with
    /// offsets at their declaration, anything else becomes [`sql::HOLE`]. Returns the
    /// text and the index after the last operand.
    pub fn build(&self, start: usize, end: usize) -> (Built, usize) {
        let mut b = Built::new();
        let mut i = start;
        while i < end {
            let (op, next) = self.operand(i, end);
            match op {
                Operand::Lit(l) => self.push_lit(l, &mut b),
                Operand::Const {
                    first,
                    end: last,
                    value,
                } => {
                    // A constant holding the whole query is read where it is written.
                    let sole = i == start && !(next < end && self.punct(next) == "+");
                    self.push_const(first, last, value, sole, &mut b);
                }
                Operand::LitFormat(l, call) => {
                    let args = self.args(&call);
                    self.push_format(l, &args, FormatStyle::Printf, &mut b);
                }
                Operand::Format(call, style) => {
                    let args = self.args(&call);
                    // The format is the first literal (Java may pass a Locale first).
                    let fmt = args.iter().take(2).position(|a| {
                        self.lit(a.start).is_some() || self.const_at(a.start, a.end).is_some()
                    });
                    match fmt {
                        Some(p) => {
                            let a = args[p];
                            let l = self.const_at(a.start, a.end).unwrap_or(a.start);
                            self.push_format(l, &args[p + 1..], style, &mut b);
                        }
                        None => b.emb.push_hole(sql::HOLE, self.toks[i].start),
                    }
                }
                Operand::Other(t) => b.emb.push_hole(sql::HOLE, self.toks[t].start),
            }
            i = next;
            if i < end && self.punct(i) == "+" {
                i += 1;
            } else {
                break;
            }
        }
        (b, i)
    }

    /// Like [`Self::build`] for a whole argument: what follows the operands becomes a
    /// hole.
    pub fn build_arg(&self, arg: &Arg) -> Built {
        let (mut b, next) = self.build(arg.start, arg.end);
        if next < arg.end {
            b.emb.push_hole(sql::HOLE, self.toks[next].start);
        }
        b
    }

    /// The literal token of the constant named by the single identifier `start..end`,
    /// or the literal itself.
    pub(super) fn const_at(&self, start: usize, end: usize) -> Option<usize> {
        if end != start + 1 {
            return None;
        }
        if self.lit(start).is_some() {
            return Some(start);
        }
        self.ident(start).and_then(|n| self.constant(n))
    }

    /// Appends literal token `l`; its template holes holding a constant are
    /// substituted.
    fn push_lit(&self, l: usize, b: &mut Built) {
        let Some(lit) = self.lit(l) else { return };
        b.used.push(l);
        for p in &lit.parts {
            self.push_part(*p, b);
        }
    }

    fn push_part(&self, p: Part, b: &mut Built) {
        match p {
            Part::Verbatim { start, end } => {
                b.has_text = true;
                b.emb.push_verbatim(&self.text[start..end], start);
            }
            Part::Decoded { ch, at } => {
                b.has_text = true;
                b.emb.push_decoded(ch.encode_utf8(&mut [0; 4]), at);
            }
            Part::Hole { start, end } => match self.hole_constant(start, end) {
                Some((name, value)) => self.push_value(name, value, start, end - start, b),
                None => b.emb.push_hole(sql::HOLE, start),
            },
        }
    }

    /// The constant a template hole names and its value: `{T}`, `${T}`, `$T`,
    /// `${Tables.ORDERS}`, C# `{T,10:x}`. A name without a value is noted as open.
    fn hole_constant(&self, start: usize, end: usize) -> Option<(&'a str, Value<'a>)> {
        let expr = self.text.get(start..end)?.trim();
        let name_byte = |c: u8| is_ident_byte(c, self.dialect);
        let head = expr
            .bytes()
            .position(|c| !name_byte(c))
            .unwrap_or(expr.len());
        // One qualifier: `Owner.NAME`.
        let name_len = match expr.as_bytes().get(head) {
            Some(b'.') => {
                let tail = &expr[head + 1..];
                head + 1
                    + tail
                        .bytes()
                        .position(|c| !name_byte(c))
                        .unwrap_or(tail.len())
            }
            _ => head,
        };
        let (name, rest) = expr.split_at(name_len);
        let rest = rest.trim_start();
        if name.is_empty()
            || name.ends_with('.')
            || !(rest.is_empty() || rest.starts_with(':') || rest.starts_with(','))
        {
            return None;
        }
        let value = self.value(name);
        if value.is_none() {
            self.open.borrow_mut().push(name.to_string());
        }
        Some((name, value?))
    }

    /// Appends the value of the constant written by tokens `first..end`. A constant
    /// of this file that holds a whole query (`sole`, and not a name) is read where
    /// it is written, so its labels sit on its tables; any other value is read where
    /// it is used, with the constant as the origin.
    fn push_const(&self, first: usize, end: usize, value: Value<'a>, sole: bool, b: &mut Built) {
        if let Value::Local(l) = value
            && sole
            && !values::is_name(&self.lit_text(l))
        {
            self.push_lit(l, b);
            return;
        }
        let (Some(a), Some(z)) = (
            self.toks.get(first),
            end.checked_sub(1).and_then(|e| self.toks.get(e)),
        ) else {
            return;
        };
        let name = &self.text[a.start..z.end];
        self.push_value(name, value, a.start, z.end - a.start, b);
    }

    /// Appends `value`, the value of constant `name` used at `at..at + len`.
    fn push_value(&self, name: &str, value: Value<'a>, at: usize, len: usize, b: &mut Built) {
        let (text, place) = match value {
            Value::Local(l) => {
                b.used.push(l);
                let t = self.toks[l];
                let place = Place::Here {
                    offset: t.start,
                    len: t.end - t.start,
                };
                (self.lit_text(l), place)
            }
            Value::Outer(v, id) => (v.to_string(), Place::Elsewhere(id)),
        };
        b.has_text = true;
        let origin = Origin {
            name: name.to_string(),
            place,
        };
        b.emb.push_value(&text, at, len, origin);
    }

    /// Appends format literal `l` with its verbs replaced by `args`: a literal or
    /// constant argument is substituted (offsets at that literal), anything else is a
    /// hole.
    pub(super) fn push_format(&self, l: usize, args: &[Arg], style: FormatStyle, b: &mut Built) {
        let Some(lit) = self.lit(l) else { return };
        b.used.push(l);
        let mut auto = 0usize;
        for p in &lit.parts {
            let (start, end) = match *p {
                Part::Verbatim { start, end } => (start, end),
                Part::Decoded { .. } | Part::Hole { .. } => {
                    self.push_part(*p, b);
                    continue;
                }
            };
            b.has_text = true;
            let t = &self.text[start..end];
            let bytes = t.as_bytes();
            let mut flushed = 0;
            let mut k = 0;
            while k < bytes.len() {
                let verb = match style {
                    FormatStyle::Printf if bytes[k] == b'%' => parse_printf(&bytes[k..]),
                    FormatStyle::Dotnet if bytes[k] == b'{' || bytes[k] == b'}' => {
                        parse_dotnet(&bytes[k..])
                    }
                    FormatStyle::MyBatis if bytes[k] == b'#' || bytes[k] == b'$' => {
                        parse_mybatis(&bytes[k..])
                    }
                    _ => None,
                };
                let Some(v) = verb else {
                    k += 1;
                    continue;
                };
                b.emb.push_verbatim(&t[flushed..k], start + flushed);
                let at = start + k;
                match v.what {
                    Verb::Literal(s) => b.emb.push_decoded(s, at),
                    Verb::Arg { index, text } => {
                        let idx = index.unwrap_or_else(|| {
                            auto += 1;
                            auto - 1
                        });
                        let arg = args.get(idx).filter(|_| text);
                        match arg {
                            Some(a) if a.end == a.start + 1 && self.lit(a.start).is_some() => {
                                self.push_lit(a.start, b);
                            }
                            Some(a) => match self.name_value(a.start, a.end) {
                                Some(value) => self.push_const(a.start, a.end, value, false, b),
                                None => b.emb.push_hole(sql::HOLE, at),
                            },
                            None if text => b.emb.push_hole(sql::HOLE, at),
                            None => b.emb.push_hole("0", at),
                        }
                    }
                }
                k += v.len;
                flushed = k;
            }
            b.emb.push_verbatim(&t[flushed..], start + flushed);
        }
    }

    /// The table named by the string expression `start..end` (a literal or constant):
    /// its first word as a possibly qualified, possibly quoted name, with the offset of
    /// the name in the file.
    pub fn table_in(&self, start: usize, end: usize, kind: AccessKind) -> Option<Access> {
        let (b, _) = self.build(start, end);
        if !b.has_text {
            return None;
        }
        table_in_text(&b.emb, kind)
    }
}
