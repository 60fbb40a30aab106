//! Python's string templates: string expressions joined by adjacency or `+`, and the
//! three ways Python fills a template: f-string holes (`f"FROM {TABLE}"`), `%`
//! placeholders (`"FROM %s" % TABLE`, DB-API `%s` parameters) and `.format` fields.
//! A placeholder filled by a visible constant takes its value (reported where the
//! query uses it, with the constant as origin); any other stays a hole.

use super::lexer::decode_escape;
use super::{Extractor, Group};
use crate::lang::embedded::Embedded;
use crate::lang::script::assemble::string_items;
use crate::lang::script::{Constants, Stmt, Tokens};
use crate::lang::script::{Esc, Item, Kind, Literals, Piece, Step, is_ident_char};
use crate::model::Origin;

/// What fills a placeholder or hole: a constant of this file (its literal) or of
/// another module (its value and origin).
#[derive(Clone, Debug)]
pub(super) enum Fill {
    Lit(usize),
    Imported(String, Origin),
}

/// A value filling a `%s` or `{}` placeholder, if visible.
type Value = Option<Fill>;

/// Values for the group's `%`-style or `.format` placeholders. `%s` placeholders with
/// no value (DB-API parameters) still become holes so the SQL parses.
#[derive(Clone, Debug, Default)]
pub(super) struct Subst {
    /// `.format(..)` applies, so `{}` fields are placeholders.
    format: bool,
    positional: Vec<Value>,
    named: Vec<(String, Value)>,
}

/// Which value a placeholder takes.
#[derive(Clone, Copy, Debug)]
enum FieldKey<'s> {
    /// `%s`, `{}`: the next positional value.
    Next,
    /// `{0}`.
    Index(usize),
    /// `%(name)s`, `{name}`.
    Name(&'s str),
    /// `{x.attr}`, `{x[0]}`: never resolved.
    Other,
}

impl<'s> FieldKey<'s> {
    fn from_format(key: &'s str) -> Self {
        if key.is_empty() {
            FieldKey::Next
        } else if let Ok(i) = key.parse() {
            FieldKey::Index(i)
        } else if key.bytes().all(is_ident_char) {
            FieldKey::Name(key)
        } else {
            FieldKey::Other
        }
    }
}

fn lookup(sub: &Subst, next: &mut usize, key: FieldKey<'_>) -> Value {
    match key {
        FieldKey::Next => {
            *next += 1;
            sub.positional.get(*next - 1).cloned().flatten()
        }
        FieldKey::Index(i) => sub.positional.get(i).cloned().flatten(),
        FieldKey::Name(n) => sub
            .named
            .iter()
            .find(|(k, _)| k == n)
            .and_then(|(_, v)| v.clone()),
        FieldKey::Other => None,
    }
}

/// A `%` conversion at `j` (`%s`, `%d`, `%(name)s`, `%-10s`): its end and key. `%%` and
/// a lone `%` (SQL modulo, `LIKE 'a%'`) are not placeholders.
fn percent_field(b: &[u8], j: usize, end: usize) -> Option<(usize, FieldKey<'_>)> {
    let mut k = j + 1;
    let mut key = FieldKey::Next;
    if b.get(k) == Some(&b'(') {
        let close = (k..end).find(|&x| b[x] == b')')?;
        key = std::str::from_utf8(&b[k + 1..close]).map_or(FieldKey::Other, FieldKey::Name);
        k = close + 1;
    }
    while k < end && matches!(b[k], b'-' | b'+' | b' ' | b'#' | b'0'..=b'9' | b'.') {
        k += 1;
    }
    (k < end && matches!(b[k], b's' | b'd' | b'i' | b'r' | b'f' | b'u')).then_some((k + 1, key))
}

/// `s` without surrounding whitespace, and the length of what was cut before it.
fn trimmed(s: &str) -> (usize, &str) {
    let t = s.trim_start();
    (s.len() - t.len(), t.trim_end())
}

impl Extractor<'_> {
    /// Builds the string group starting at token `i` (a literal): adjacent literals and
    /// `+`-joined literals or names, with the `%` operand or `.format` arguments applied
    /// to it. Returns the group and the token after it.
    pub(super) fn group_at(&self, i: usize, e: usize) -> (Group, usize) {
        let code = &self.code;
        let (items, mut j) = string_items(code, i, e, |j| {
            if !(code.is_op(j, "+") && j > i) {
                return None;
            }
            if code.kind(j + 1) == Some(Kind::Str) {
                return Some((None, j + 1));
            }
            // `+ NAME` or `+ self.NAME`, not followed by a call or subscript.
            let mut k = j + 1;
            let mut last = None;
            while code.kind(k) == Some(Kind::Name) {
                last = Some(k);
                if code.is_op(k + 1, ".") && code.kind(k + 2) == Some(Kind::Name) {
                    k += 2;
                } else {
                    k += 1;
                    break;
                }
            }
            let last = last?;
            if code.is_op(k, "(") || code.is_op(k, "[") || code.is_op(k, ".") {
                return None;
            }
            Some((Some(self.name_item(j + 1, code.text(last))), k))
        });
        let mut subst = Subst::default();
        if code.is_op(j, "%") {
            j = self.percent_operand(j + 1, e, &mut subst);
        } else if code.is_op(j, ".") && code.text(j + 1) == "format" && code.is_op(j + 2, "(") {
            subst.format = true;
            j = self.format_args(j + 3, e, &mut subst);
        }
        (Group { items, subst }, j.max(i + 1))
    }

    pub(super) fn group_of(&self, s: usize, e: usize) -> Group {
        self.group_at(s, e).0
    }

    /// The name `name` written from token `tok` (`T`, `self.T`, `Config.T`), as a part
    /// of a string expression.
    pub(super) fn name_item(&self, tok: usize, name: &str) -> Item {
        let src = self.code.src;
        let at = self.code.start(tok);
        let len = src[at..]
            .bytes()
            .position(|c| !is_ident_char(c) && c != b'.')
            .unwrap_or(src.len() - at);
        Item::Name {
            tok,
            name: name.to_string(),
            len,
        }
    }

    /// A simple value at token `k`: a constant's name, a name imported from another
    /// module (`ORDERS`, `tables.ORDERS`) or a plain literal; with the token after it.
    fn value_at(&self, k: usize) -> Option<(Value, usize)> {
        let code = &self.code;
        match code.tok(k) {
            Some(t) if t.kind == Kind::Name => {
                let mut end = k + 1;
                while code.is_op(end, ".") && code.kind(end + 1) == Some(Kind::Name) {
                    end += 2;
                }
                let value = if end == k + 1 {
                    self.consts.get(code.text(k)).map(Fill::Lit)
                } else {
                    None
                };
                let written = &code.src[code.start(k)..code.toks[end - 1].end];
                Some((value.or_else(|| self.imported_fill(written)), end))
            }
            Some(t) if t.kind == Kind::Str && !code.lits[t.lit].fmt => {
                Some((Some(Fill::Lit(t.lit)), k + 1))
            }
            _ => None,
        }
    }

    /// Parses the right operand of `"..." % operand`: a name, a literal, or a flat tuple
    /// of them. Returns the token after the operand, or `k` when it is anything else
    /// (then every placeholder stays a hole).
    fn percent_operand(&self, k: usize, e: usize, subst: &mut Subst) -> usize {
        let code = &self.code;
        let ends = |x: usize| x >= e || matches!(code.text(x), "," | ")" | "]" | "}" | ":");
        if let Some((v, next)) = self.value_at(k)
            && ends(next)
        {
            subst.positional.push(v);
            return next;
        }
        if !code.is_op(k, "(") {
            return k;
        }
        let mut x = k + 1;
        let mut values = Vec::new();
        while let Some((v, next)) = self.value_at(x) {
            values.push(v);
            if code.is_op(next, ",") {
                x = next + 1;
            } else {
                x = next;
                break;
            }
        }
        if code.is_op(x, ")") {
            subst.positional = values;
            x + 1
        } else {
            k
        }
    }

    /// Parses `.format(` arguments from token `k`; an argument that is not a constant or
    /// literal fills its placeholder with a hole. Returns the token after the `)`.
    fn format_args(&self, k: usize, e: usize, subst: &mut Subst) -> usize {
        let code = &self.code;
        let mut x = k;
        while x < e && !code.is_op(x, ")") {
            let arg_end = |y: usize| code.is_op(y, ",") || code.is_op(y, ")");
            let keyword = code.kind(x) == Some(Kind::Name) && code.is_op(x + 1, "=");
            let at = if keyword { x + 2 } else { x };
            let value = self
                .value_at(at)
                .filter(|(_, next)| arg_end(*next))
                .and_then(|(v, _)| v);
            if keyword {
                subst.named.push((code.text(x).to_string(), value));
            } else {
                subst.positional.push(value);
            }
            // Skip to the comma or parenthesis closing this argument.
            let mut depth = 0usize;
            let mut y = at;
            while y < e {
                let op = code.kind(y) == Some(Kind::Op);
                match code.text(y) {
                    "(" | "[" | "{" if op => depth += 1,
                    ")" | "]" | "}" if op => {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    }
                    "," if depth == 0 && op => break,
                    _ => {}
                }
                y += 1;
            }
            if !code.is_op(y, ",") {
                // At the closing `)`, a stray closer, or the statement's end.
                return if code.is_op(y, ")") { y + 1 } else { y.max(k) };
            }
            x = y + 1;
        }
        if code.is_op(x, ")") { x + 1 } else { x }
    }

    /// The group's text with a map back to the file.
    pub(super) fn embed(&self, group: &Group) -> Embedded {
        let mut next = 0usize;
        self.embed_items(&group.items, |e, l| {
            self.push_lit(e, l, Some((&group.subst, &mut next)));
        })
    }

    /// Appends one literal's decoded text. f-string holes, `%s` and (with `.format`)
    /// `{}` placeholders become the constant that fills them (mapped to that constant's
    /// literal) or a hole. `subst` (with the next positional index) is `None` when
    /// pushing a constant's own literal, which is never an f-string.
    pub(super) fn push_lit(
        &self,
        e: &mut Embedded,
        lit: usize,
        mut subst: Option<(&Subst, &mut usize)>,
    ) {
        let l = &self.code.lits[lit];
        let src = self.code.src;
        let b = src.as_bytes();
        let end = l.body.1;
        let mut holes = l.holes.iter().peekable();
        let value = |value: Value, at: usize, len: usize| match value {
            Some(Fill::Lit(lit)) => Piece::Const { lit, at, len },
            Some(Fill::Imported(text, origin)) => Piece::Value {
                text,
                origin,
                at,
                len,
            },
            None => Piece::Hole(at),
        };
        let step = |keep: usize, piece: Piece, resume: usize| {
            Some(Step {
                keep,
                piece,
                resume,
            })
        };
        self.read_lit(e, lit, |j| {
            let c = b[j];
            if c == b'\\' && l.esc != Esc::Raw {
                let (decoded, next) = decode_escape(src, j, end);
                return step(j, Piece::Decoded(decoded), next);
            }
            let brace = c == b'{' || c == b'}';
            let doubled = b.get(j + 1) == Some(&c) && j + 1 < end;
            if l.fmt && brace {
                if doubled {
                    // `{{` is one brace: keep the first, drop the second.
                    return step(j + 1, Piece::Skip, j + 2);
                }
                if c == b'{' {
                    while holes.peek().is_some_and(|h| h.0 < j + 1) {
                        holes.next();
                    }
                    if let Some(&&(hs, he)) = holes.peek().filter(|h| h.0 == j + 1) {
                        let constant = self.hole_constant(hs, he).filter(|_| subst.is_some());
                        let (lead, expr) = trimmed(&src[hs..he]);
                        return step(j, value(constant, hs + lead, expr.len()), he + 1);
                    }
                }
            }
            if c == b'%'
                && let Some((field_end, key)) = percent_field(b, j, end)
            {
                let v = subst
                    .as_mut()
                    .and_then(|(sub, next)| lookup(sub, next, key));
                return step(j, value(v, j, field_end - j), field_end);
            }
            if !l.fmt
                && brace
                && let Some((sub, next)) = subst.as_mut().filter(|(sub, _)| sub.format)
            {
                if doubled {
                    return step(j + 1, Piece::Skip, j + 2);
                }
                if c == b'{'
                    && let Some(close) = src[j..end].find('}')
                {
                    let field = &src[j + 1..j + close];
                    let key = field.split(['!', ':']).next().unwrap_or("");
                    let v = lookup(sub, next, FieldKey::from_format(key));
                    return step(j, value(v, j, close + 1), j + close + 1);
                }
            }
            None
        });
    }

    /// The constant an f-string hole names: `{T}`, `{self.T}`, `{Config.T}`, `{T!s}`,
    /// or a name imported from another module (`{tables.ORDERS}`). (Its value is
    /// reported at the hole's expression.)
    fn hole_constant(&self, hs: usize, he: usize) -> Value {
        let expr = self.code.src[hs..he].trim();
        let expr = expr.strip_suffix("!s").unwrap_or(expr).trim_end();
        let parts: Vec<&str> = expr.split('.').collect();
        let ident = |p: &str| {
            let pb = p.as_bytes();
            !pb.is_empty() && !pb[0].is_ascii_digit() && pb.iter().all(|&c| is_ident_char(c))
        };
        if !parts.iter().all(|p| ident(p)) {
            return None;
        }
        let local = (parts.len() <= 2)
            .then(|| self.consts.get(parts.last()?))
            .flatten();
        match local {
            Some(lit) => Some(Fill::Lit(lit)),
            None => self.imported_fill(expr),
        }
    }
}

impl<'a> Literals<'a> for Extractor<'a> {
    fn parts(&self) -> (&Tokens<'a>, &Constants<'a>) {
        (&self.code, &self.consts)
    }

    fn imported(&self, written: &str) -> Option<(String, Origin)> {
        self.imported_value(written)
    }

    /// A constant's value or a literal filled in place: never an f-string, and its
    /// `%s` stay holes (a constant is no template of its own).
    fn push_plain(&self, e: &mut Embedded, lit: usize) {
        self.push_lit(e, lit, None);
    }
}

impl<'a> Extractor<'a> {
    /// Records `NAME = "literal"` (and `NAME: T = "literal"`) bindings; a name bound twice
    /// to different text is ambiguous and never substituted.
    pub(super) fn collect_consts(&mut self, stmts: &[Stmt]) {
        let code = &self.code;
        for &Stmt { s, e, .. } in stmts {
            if code.kind(s) != Some(Kind::Name) || e - s < 3 {
                continue;
            }
            let eq = if code.is_op(s + 1, "=") {
                s + 1
            } else if code.is_op(s + 1, ":") {
                match (s + 2..e).find(|&i| code.is_op(i, "=")) {
                    Some(i) => i,
                    None => continue,
                }
            } else {
                continue;
            };
            let value = (e == eq + 2)
                .then(|| code.tok(eq + 1))
                .flatten()
                .filter(|t| t.kind == Kind::Str && !code.lits[t.lit].fmt)
                .map(|t| t.lit);
            if let Some(lit) = value
                && self.indent_of(s) == 0
            {
                self.module_consts.push((code.text(s), lit));
            }
            self.consts.bind(code, code.text(s), value);
        }
        self.consts.seal();
    }
}
