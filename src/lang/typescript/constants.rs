//! Value tracking: which names stand for a table name, and how a table is written.
//!
//! A name bound once to a literal (`const T = "t"`, an object's or enum's member, a
//! Drizzle table variable) stands for that literal wherever the file uses it; a name
//! bound to two different literals stands for nothing. Names imported from another
//! module of the repository take the value that module exports (handed over by the scan
//! as [`Known`](crate::lang::values::Known)); one without a known value is noted as
//! open, so the scan can look for it. A table found through a name is reported where
//! the code uses the name, with the constant as its origin. An unknown name is never
//! guessed.

use super::lex::Kind;
use super::orm::{DRIZZLE_SCHEMAS, DRIZZLE_TABLES};
use super::{Extractor, module_key};
use crate::lang::values::{self, Define, Values};
use crate::model::{Origin, Place, TableRef};

/// A table name found in a literal: the name, schema and database, and where the name
/// itself stands in the file.
pub(super) struct Name {
    pub(super) table: TableRef,
    pub(super) offset: usize,
    pub(super) len: usize,
    /// The constant the name came from, when the code used one.
    pub(super) origin: Option<Box<Origin>>,
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Parses a table as query builders write it: `table`, `schema.table`,
/// `db.schema.table`, optionally followed by an alias (`users as u`, `users u`).
/// `offset` is where `value` starts in the file; the result points at the table part.
pub(super) fn parse_name(value: &str, offset: usize) -> Option<Name> {
    let lead = value.len() - value.trim_start().len();
    let rest = &value[lead..];
    let (name, alias) = match rest.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (rest, ""),
    };
    if !alias.is_empty() {
        let alias = alias
            .strip_prefix("as ")
            .or_else(|| alias.strip_prefix("AS "))
            .unwrap_or(alias)
            .trim();
        if !is_identifier(alias) {
            return None;
        }
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 3 || !parts.iter().all(|p| is_identifier(p)) {
        return None;
    }
    let table = parts[parts.len() - 1];
    let start = offset + lead + name.len() - table.len();
    let mut r = TableRef::bare(table);
    if parts.len() >= 2 {
        r.schema = Some(parts[parts.len() - 2].to_string());
    }
    if parts.len() == 3 {
        r.database = Some(parts[0].to_string());
    }
    Some(Name {
        table: r,
        offset: start,
        len: table.len(),
        origin: None,
    })
}

/// At most this many outcomes make a conditional of literals a value (see
/// [`Extractor::literal_choices`]).
const MAX_CHOICES: usize = 8;

/// How many tokens (a bracketed group counting as one) a conditional of literals may
/// span: the look at each `const` stays bounded.
const CHOICE_TOKENS: usize = 256;

impl<'a> Extractor<'a> {
    /// Records `const T = "t"`, object and enum members, Drizzle table and schema
    /// variables: the values a template hole or a call argument may refer to.
    pub(super) fn collect_constants(&mut self) {
        let mut found: Vec<(String, usize)> = Vec::new();
        let mut choices: Vec<(String, Vec<usize>)> = Vec::new();
        for i in 0..self.toks.len() {
            let Some(word) = self.ident(i) else { continue };
            // The words first: nearly every identifier is none of them.
            if !matches!(
                word,
                "const" | "let" | "var" | "readonly" | "static" | "enum" | "import"
            ) || self.after_dot(i)
            {
                continue;
            }
            if word == "import" {
                self.imported_names(i);
                continue;
            }
            let exported = word == "const" && i > 0 && self.is_ident(i - 1, "export");
            match word {
                "const" | "let" | "var" | "readonly" | "static" => {
                    let Some(name) = self.ident(i + 1) else {
                        continue;
                    };
                    let mut k = i + 2;
                    if self.is_punct(k, b':') && self.ident(k + 1).is_some() {
                        k += 2;
                    }
                    if !self.is_punct(k, b'=') {
                        continue;
                    }
                    let v = k + 1;
                    if self.is_simple_literal(v) && self.ends_value(v + 1) {
                        found.push((name.to_string(), v));
                        if exported {
                            self.exported.push((name.to_string(), v));
                        }
                    } else if self.is_punct(v, b'{') {
                        for (key, s, e) in self.props(v) {
                            if e == s + 1 && self.is_simple_literal(s) {
                                found.push((format!("{name}.{key}"), s));
                                if exported {
                                    self.exported.push((format!("{name}.{key}"), s));
                                }
                            }
                        }
                    } else if word == "const"
                        && let Some(outcomes) = self.literal_choices(v)
                    {
                        choices.push((name.to_string(), outcomes));
                    } else if let Some(callee) = self.ident(v)
                        && self.is_punct(v + 1, b'(')
                        && self.plain_literal(v + 2).is_some()
                    {
                        if DRIZZLE_TABLES.contains(&callee) {
                            found.push((name.to_string(), v + 2));
                        } else if DRIZZLE_SCHEMAS.contains(&callee) {
                            self.schemas.insert(name.to_string(), v + 2);
                        }
                    }
                }
                "enum" => {
                    let Some(name) = self.ident(i + 1) else {
                        continue;
                    };
                    if !self.is_punct(i + 2, b'{') {
                        continue;
                    }
                    for (s, e) in self.items(i + 2) {
                        if e == s + 3
                            && self.is_punct(s + 1, b'=')
                            && let Some(key) = self.ident(s)
                            && self.is_simple_literal(s + 2)
                        {
                            found.push((format!("{name}.{key}"), s + 2));
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, tok) in found {
            let text = self.contents(tok);
            let value = match self.consts.get(&name) {
                Some(Some(prev)) if self.contents(*prev) != text => None,
                Some(prev) => *prev,
                None => Some(tok),
            };
            self.consts.insert(name, value);
        }
        for (name, outcomes) in choices {
            // Declared twice (in two functions, say): which one a use means is unknown.
            let twice = self.choices.contains_key(&name) || self.consts.contains_key(&name);
            self.choices.insert(name, (!twice).then_some(outcomes));
        }
    }

    /// The literals a conditional expression starting at `v` yields, when every
    /// outcome is a closed literal (`c ? "a" : d ? "b" : "c"`, nested either way) and
    /// there are at most [`MAX_CHOICES`]; `None` for any other value. A condition is
    /// any run of tokens without `?`, `:`, `,`, `;`, `=` or a template outside
    /// brackets, on one line (a line break there may end the statement).
    fn literal_choices(&self, v: usize) -> Option<Vec<usize>> {
        let mut outcomes = Vec::new();
        // `?` not yet matched by their `:`.
        let mut open = 0usize;
        let mut k = v;
        let mut budget = CHOICE_TOKENS;
        while budget > 0 {
            budget -= 1;
            if self.is_simple_literal(k) && !self.is_punct(k + 1, b'?') {
                outcomes.push(k);
                if self.is_punct(k + 1, b':') {
                    open = open.checked_sub(1)?;
                    k += 2;
                    continue;
                }
                return (open == 0
                    && outcomes.len() >= 2
                    && outcomes.len() <= MAX_CHOICES
                    && self.ends_value(k + 1))
                .then_some(outcomes);
            }
            // A condition, up to its `?`.
            let first = k;
            while !self.is_punct(k, b'?') {
                let t = self.toks.get(k)?;
                let condition = match t.kind {
                    Kind::Punct(c) => !b":,;={}])@#".contains(&c),
                    Kind::Ident | Kind::Num | Kind::Op | Kind::Str { closed: true } => true,
                    _ => false,
                };
                let broken = k > first && self.text[self.toks[k - 1].end..t.start].contains('\n');
                if !condition || broken || budget == 0 {
                    return None;
                }
                budget -= 1;
                k = self.skip(k);
            }
            open += 1;
            k += 1;
        }
        None
    }

    /// True when the token at `k` ends a value (so `const T = "a" + b` is not a constant).
    fn ends_value(&self, k: usize) -> bool {
        match self.kind(k) {
            None => true,
            Some(Kind::Punct(c)) => matches!(c, b';' | b',' | b'}' | b')' | b']'),
            // `as const`, or the next statement after a missing semicolon.
            Some(Kind::Ident) => true,
            _ => false,
        }
    }

    /// The literal token a constant name is bound to (`this.X` also finds a field `X`).
    pub(super) fn constant(&self, name: &str) -> Option<usize> {
        if let Some(found) = self.consts.get(name) {
            return *found;
        }
        let short = name.strip_prefix("this.")?;
        self.consts.get(short).copied().flatten()
    }

    /// A string value in `s..e` as plain text and its file offset: a literal, or a
    /// constant whose literal is in this file.
    pub(super) fn string_value(&self, s: usize, e: usize) -> Option<(&'a str, usize)> {
        let lit = if e == s + 1 {
            match self.plain_literal(s) {
                Some(found) => Some(found),
                None => self
                    .ident(s)
                    .and_then(|n| self.constant(n))
                    .and_then(|t| self.plain_literal(t)),
            }
        } else {
            let (name, end) = self.path_at(s)?;
            if end != e {
                return None;
            }
            self.constant(&name).and_then(|t| self.plain_literal(t))
        }?;
        Some((&self.text[lit.0..lit.1], lit.0))
    }

    /// A table named by the value in `s..e`: a literal or constant, or an options object
    /// `{ tableName, schema }` (Sequelize migrations).
    pub(super) fn table_value(&self, s: usize, e: usize) -> Option<Name> {
        if self.is_punct(s, b'{') && self.partner(s) == Some(e.saturating_sub(1)) {
            let (ts, te) = self.prop(s, "tableName")?;
            let mut name = self.named_value(ts, te)?;
            if let Some((ss, se)) = self.prop(s, "schema")
                && let Some((schema, _)) = self.string_value(ss, se)
            {
                name.table.schema = Some(schema.to_string());
            }
            return Some(name);
        }
        self.named_value(s, e)
    }

    /// The table named by the literal or constant in `s..e`. A name from a constant is
    /// reported where the code uses the constant, with the constant as its origin.
    fn named_value(&self, s: usize, e: usize) -> Option<Name> {
        let Some(origin) = self.origin_at(s, e) else {
            return self.string_value(s, e).and_then(|(v, o)| parse_name(v, o));
        };
        let (value, _) = match origin.place {
            Place::Here { .. } => self.string_value(s, e)?,
            Place::Elsewhere(_) => (self.outer_value(s, e)?, 0),
        };
        let mut name = parse_name(value, 0)?;
        let (start, end) = (self.toks.get(s)?.start, self.toks.get(e - 1)?.end);
        name.offset = start;
        name.len = end - start;
        name.origin = Some(Box::new(origin));
        Some(name)
    }

    /// The constant written by tokens `s..e` (`T`, `Tables.orders`, an imported name),
    /// when they are a name with a value; a name without one is noted as open.
    pub(super) fn origin_at(&self, s: usize, e: usize) -> Option<Origin> {
        let (name, end) = self.path_at(s)?;
        if end != e {
            return None;
        }
        if let Some(lit) = self.constant(&name) {
            let t = &self.toks[lit];
            return Some(Origin {
                name,
                place: Place::Here {
                    offset: t.start,
                    len: t.end - t.start,
                },
            });
        }
        let (_, id) = self.imported_value(&name)?;
        Some(Origin {
            name,
            place: Place::Elsewhere(id),
        })
    }

    /// The value of the imported constant written by tokens `s..e`.
    pub(super) fn outer_value(&self, s: usize, e: usize) -> Option<&'a str> {
        let (name, end) = self.path_at(s)?;
        (end == e).then_some(())?;
        self.imported_value(&name).map(|(v, _)| v)
    }

    /// The value of `name` (or `name.member`) imported from another module of the
    /// repository, from the constants the scan handed over; a miss is noted as open.
    fn imported_value(&self, name: &str) -> Option<(&'a str, usize)> {
        let (head, member) = match name.split_once('.') {
            Some((h, m)) => (h, Some(m)),
            None => (name, None),
        };
        let key = self.imports.get(head)?;
        let full = match member {
            Some(m) if key.ends_with('#') => format!("{key}{m}"),
            Some(m) => format!("{key}.{m}"),
            None if key.ends_with('#') => return None,
            None => key.clone(),
        };
        let index_key = full.replacen('#', "/index#", 1);
        let found = self
            .known
            .and_then(|k| k.get(&full).or_else(|| k.get(&index_key)));
        if found.is_none() {
            self.open.borrow_mut().push(full);
        }
        found
    }

    /// What this module offers the others: its exported constants whose value is a
    /// table name, by key (see [`module_key`]), and the imported names it could not
    /// fill.
    pub(super) fn values(&self) -> Values {
        let defines = self
            .exported
            .iter()
            .filter(|(name, tok)| self.consts.get(name) == Some(&Some(*tok)))
            .filter_map(|(name, tok)| {
                let value = self.contents(*tok);
                let t = &self.toks[*tok];
                values::is_name(value).then(|| Define {
                    name: module_key(self.path, name),
                    value: value.to_string(),
                    offset: t.start,
                    len: t.end - t.start,
                    var: false,
                })
            })
            .collect();
        Values::new(defines, self.open.take())
    }
}
