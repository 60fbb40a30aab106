//! SeaORM migrations and SeaQuery schema statements: `Table::create().table(X::Table)`,
//! `Table::alter()`, `Table::drop()`, `Table::rename()` (both tables),
//! `Table::truncate()`, `Index::create().table(..)`, and the tables of a foreign key
//! (`ForeignKey::create().from(A::Table, ..).to(B::Table, ..)`). They name tables
//! without any SQL text, so they are read from the tokens.
//!
//! A table is named by an `Iden` enum's `Table` variant (`Orders::Table`), by
//! `Alias::new("orders")` or by a string literal. An enum that derives `DeriveIden`
//! (SeaORM) or `Iden` (SeaQuery) names its table in snake case (`OrderItems` is
//! `order_items`), unless its `Table` variant says otherwise (`#[sea_orm(iden =
//! "..")]`, `#[iden = ".."]`). An enum declared in another file is read by the same rule
//! with low confidence, since its attributes are not seen.
//!
//! Only files that name `sea_orm`, `sea_orm_migration` or `sea_query` are read: a
//! `Table::create()` elsewhere is some other library's.

use super::walker::Walker;
use crate::model::{Access, AccessKind, TableRef};
use foldhash::HashMap;
use std::ops::Range;

/// The statement builders and the kind of access each makes of its table.
const BUILDERS: &[(&str, &str, AccessKind)] = &[
    ("Table", "create", AccessKind::Ddl),
    ("Table", "alter", AccessKind::Ddl),
    ("Table", "drop", AccessKind::Ddl),
    ("Table", "rename", AccessKind::Ddl),
    ("Table", "truncate", AccessKind::Write),
    ("Index", "create", AccessKind::Ddl),
    ("Index", "drop", AccessKind::Ddl),
];

/// What an `Iden` enum's `Table` variant names.
pub(super) struct IdenTable {
    name: String,
}

impl<'a> Walker<'a> {
    /// A SeaQuery statement builder whose type name is at `i`
    /// (`Table::create()`, `ForeignKey::create()`): the tables its chain names.
    pub(super) fn schema_builder(&mut self, i: usize) {
        let (Some(ty), Some(verb)) = (self.ident(i), self.ident(i + 3)) else {
            return;
        };
        if !self.is_path_sep(i + 1) || self.open(i + 4) != Some('(') || !self.uses_sea_query() {
            return;
        }
        let end = self.statement_end(i);
        if ty == "ForeignKey" && verb == "create" {
            if let Some(args) = self.chained_call(i + 4, end, "from") {
                self.sea_table(AccessKind::Ddl, args.first().cloned());
            }
            if let Some(args) = self.chained_call(i + 4, end, "to") {
                self.sea_table(AccessKind::ForeignKey, args.first().cloned());
            }
            return;
        }
        let Some(&(_, _, kind)) = BUILDERS.iter().find(|(t, v, _)| *t == ty && *v == verb) else {
            return;
        };
        if let Some(args) = self.chained_call(i + 4, end, "table") {
            // `Table::rename().table(from, to)` names both.
            for arg in args {
                self.sea_table(kind, Some(arg));
            }
        }
    }

    /// The arguments of the first `.method(..)` of the chain that starts with the
    /// group at `open`, before `end`, at the chain's own level (not inside a nested
    /// builder's arguments).
    fn chained_call(&self, open: usize, end: usize, method: &str) -> Option<Vec<Range<usize>>> {
        let mut k = self.skip(open);
        while k < end {
            if self.is_punct(k, '.')
                && self.is_ident(k + 1, method)
                && self.open(k + 2) == Some('(')
            {
                return Some(self.args(k + 2));
            }
            k = self.skip(k);
        }
        None
    }

    /// The table named by the argument at `arg`: `X::Table`, `Alias::new("x")` or `"x"`.
    fn sea_table(&mut self, kind: AccessKind, arg: Option<Range<usize>>) {
        let Some(arg) = arg else { return };
        let s = arg.start;
        if arg.len() == 1 && self.string_lit(s).is_some() {
            self.table_lit(kind, s, None);
            return;
        }
        if self.is_ident(s, "Alias")
            && self.is_path_sep(s + 1)
            && self.is_ident(s + 3, "new")
            && self.open(s + 4) == Some('(')
        {
            let inner = self.args(s + 4);
            if let Some(lit) = inner.first().filter(|r| r.len() == 1).map(|r| r.start)
                && self.string_lit(lit).is_some()
            {
                self.table_lit(kind, lit, None);
            }
            return;
        }
        if arg.len() != 4 || !self.is_path_sep(s + 1) || !self.is_ident(s + 3, "Table") {
            return;
        }
        let Some(enum_name) = self.ident(s).map(str::to_string) else {
            return;
        };
        let declared = self.iden_tables().get(&enum_name).map(|t| t.name.clone());
        let (name, low) = match declared {
            Some(name) => (name, false),
            None => (snake_case(&enum_name), true),
        };
        let range = self.range(s);
        let access = Access::table(kind, TableRef::bare(name), range.start, range.len().max(1));
        self.accesses.push(if low { access.low() } else { access });
    }

    /// Whether the file names SeaORM or SeaQuery (in a `use`, a path or an attribute).
    fn uses_sea_query(&self) -> bool {
        *self.sea.get_or_init(|| {
            (0..self.toks.len()).any(|k| {
                matches!(
                    self.ident(k),
                    Some("sea_orm" | "sea_orm_migration" | "sea_query")
                )
            })
        })
    }

    /// The `Iden` enums of the file, by name.
    fn iden_tables(&self) -> &HashMap<String, IdenTable> {
        self.idens.get_or_init(|| {
            let mut out = HashMap::default();
            let mut i = 0;
            while i < self.toks.len() {
                if let Some(open) = self.attribute_open(i)
                    && self.is_derive_iden(open)
                    && let Some((name, body)) = self.enum_after(self.skip(open))
                {
                    let table = self.table_variant(body).unwrap_or_else(|| IdenTable {
                        name: snake_case(&name),
                    });
                    out.insert(name, table);
                }
                i += 1;
            }
            out
        })
    }

    /// Whether the attribute whose `[` is at `open` derives `DeriveIden` or `Iden`.
    fn is_derive_iden(&self, open: usize) -> bool {
        let close = self.toks[open].close;
        self.is_ident(open + 1, "derive")
            && (open + 2..close).any(|k| self.is_ident(k, "DeriveIden") || self.is_ident(k, "Iden"))
    }

    /// The enum declared at `i` (after more attributes and a visibility): its name and
    /// the index of its `{`.
    fn enum_after(&self, mut i: usize) -> Option<(String, usize)> {
        for _ in 0..8 {
            if let Some(open) = self.attribute_open(i) {
                i = self.skip(open);
            } else if self.is_ident(i, "pub") {
                i += 1;
                if self.open(i) == Some('(') {
                    i = self.skip(i);
                }
            } else {
                break;
            }
        }
        let name = self.ident(i + 1)?;
        (self.is_ident(i, "enum") && self.open(i + 2) == Some('{'))
            .then(|| (name.to_string(), i + 2))
    }

    /// The table the `Table` variant of the enum body at `body` names by an attribute:
    /// `#[sea_orm(iden = "x")]` or `#[iden = "x"]`.
    fn table_variant(&self, body: usize) -> Option<IdenTable> {
        let close = self.toks.get(body)?.close;
        let mut attrs: Vec<usize> = Vec::new();
        let mut k = body + 1;
        while k < close {
            if let Some(open) = self.attribute_open(k) {
                attrs.push(open);
                k = self.skip(open);
                continue;
            }
            if self.is_ident(k, "Table") {
                let literal = attrs.iter().find_map(|&open| self.iden_literal(open))?;
                let d = self.decode_at(literal)?;
                return Some(IdenTable {
                    name: d.text.trim().to_string(),
                });
            }
            if self.is_punct(k, ',') {
                attrs.clear();
            }
            k = self.skip(k);
        }
        None
    }

    /// The literal of `iden = ".."` in the attribute whose `[` is at `open`
    /// (`sea_orm(iden = ..)`, `iden = ..`).
    fn iden_literal(&self, open: usize) -> Option<usize> {
        let close = self.toks.get(open)?.close;
        (open + 1..close).find_map(|k| {
            (self.is_ident(k, "iden")
                && self.is_punct(k + 1, '=')
                && self.string_lit(k + 2).is_some())
            .then_some(k + 2)
        })
    }
}

/// The snake-case spelling SeaORM and SeaQuery give an identifier (as the `heck` crate
/// does): a word starts at an upper-case letter after a lower-case one or a digit, and
/// at the last upper-case letter of a run followed by a lower-case one
/// (`OrderItems` → `order_items`, `HTTPLog` → `http_log`).
pub(super) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (k, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && k > 0 {
            let prev = chars[k - 1];
            let next_lower = chars.get(k + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}
