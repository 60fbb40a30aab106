//! Table mappings of Rust ORMs: Diesel `table!`, `joinable!` and
//! `allow_tables_to_appear_in_same_query!`, `#[diesel(table_name = ..)]` and
//! `#[table_name = ".."]`, SeaORM `#[sea_orm(table_name = .., schema_name = ..)]` and a
//! hand-written `fn table_name`, ormx `#[ormx(table = ..)]`, also inside `cfg_attr`.
//! They name tables without any SQL text, so they are read from the tokens here.

use super::strings::bare;
use super::walker::Walker;
use crate::model::{Access, AccessKind, TableRef};

impl<'a> Walker<'a> {
    /// A macro of Diesel's schema DSL named `name`, its group opened at `open`:
    /// `table!`, `joinable!` or `allow_tables_to_appear_in_same_query!`.
    pub(super) fn orm_macro(&mut self, name: &str, open: usize) {
        if name == "table" {
            self.diesel_table(open);
        } else if name == "joinable" {
            let end = self.toks[open].close;
            let mut k = open + 1;
            while k < end {
                if self.ident(k).is_some()
                    && (self.is_joint(k + 1, '-') && self.is_punct(k + 2, '>'))
                {
                    self.table_ident(AccessKind::Read, k, None, false);
                    if self.ident(k + 3).is_some() {
                        self.table_ident(AccessKind::Read, k + 3, None, false);
                    }
                    break;
                }
                k = self.skip(k);
            }
        } else if name == "allow_tables_to_appear_in_same_query" {
            for arg in self.args(open) {
                if arg.len() == 1 && self.ident(arg.start).is_some() {
                    self.table_ident(AccessKind::Read, arg.start, None, true);
                }
            }
        }
    }

    /// A table access on the identifier at `i`.
    pub(super) fn table_ident(
        &mut self,
        kind: AccessKind,
        i: usize,
        schema: Option<String>,
        low: bool,
    ) {
        let Some(t) = self.toks.get(i) else { return };
        let text = self.text(t);
        let name = bare(text).to_string();
        let range = self.range(i);
        let start = range.start + (text.len() - name.len());
        let len = range.end.saturating_sub(start).max(1);
        let mut table = TableRef::bare(name);
        table.schema = schema;
        let access = Access::table(kind, table, start, len);
        self.accesses.push(if low { access.low() } else { access });
    }

    /// A table access on the contents of the string literal at `i`.
    pub(super) fn table_lit(&mut self, kind: AccessKind, i: usize, schema: Option<String>) {
        let Some(d) = self.decode_at(i) else { return };
        let name = d.text.trim();
        if name.is_empty() {
            return;
        }
        let (name, table_schema) = match name.split_once('.') {
            Some((s, n)) if schema.is_none() && !s.is_empty() && !n.is_empty() => {
                (n.to_string(), Some(s.to_string()))
            }
            _ => (name.to_string(), schema),
        };
        let mut table = TableRef::bare(name);
        table.schema = table_schema;
        let len = d.content.len().max(1);
        self.accesses
            .push(Access::table(kind, table, d.content.start, len));
    }

    /// An attribute whose `[` is at `open`.
    pub(super) fn attribute(&mut self, open: usize) {
        let end = self.toks[open].close;
        self.attribute_body(open + 1, 0);
        // Paths in attributes (`#[derive(orders_db::Model)]`) are imports too.
        for k in open + 1..end {
            if self.ident(k).is_some() {
                self.path(k);
            }
        }
    }

    /// The meta item starting at `head`: `diesel(..)`, `table_name = ".."`,
    /// `sea_orm(..)`, or `cfg_attr(pred, meta, ..)` around any of them.
    pub(super) fn attribute_body(&mut self, head: usize, depth: usize) {
        match self.ident(head) {
            Some("cfg_attr") if self.open(head + 1) == Some('(') && depth < 8 => {
                for arg in self.args(head + 1).into_iter().skip(1) {
                    self.attribute_body(arg.start, depth + 1);
                }
            }
            Some("diesel") if self.open(head + 1) == Some('(') => {
                for arg in self.args(head + 1) {
                    if self.is_ident(arg.start, "table_name") && self.is_punct(arg.start + 1, '=') {
                        let value = arg.start + 2..arg.end;
                        if value.len() == 1 && self.string_lit(value.start).is_some() {
                            self.table_lit(AccessKind::Model, value.start, None);
                        } else if let Some(last) = (value.start..value.end)
                            .rev()
                            .find(|&k| self.ident(k).is_some())
                        {
                            self.table_ident(AccessKind::Model, last, None, false);
                        }
                    }
                }
            }
            Some("table_name")
                if self.is_punct(head + 1, '=') && self.string_lit(head + 2).is_some() =>
            {
                self.table_lit(AccessKind::Model, head + 2, None);
            }
            Some(orm @ ("sea_orm" | "ormx")) if self.open(head + 1) == Some('(') => {
                let key = if orm == "sea_orm" {
                    "table_name"
                } else {
                    "table"
                };
                let args = self.args(head + 1);
                let value_of = |w: &Self, k: &str| {
                    args.iter().find_map(|a| {
                        (a.len() == 3
                            && w.is_ident(a.start, k)
                            && w.is_punct(a.start + 1, '=')
                            && w.string_lit(a.start + 2).is_some())
                        .then_some(a.start + 2)
                    })
                };
                let table = value_of(self, key);
                let schema = value_of(self, "schema_name")
                    .and_then(|k| self.decode_at(k))
                    .map(|d| d.text)
                    .filter(|s| !s.is_empty());
                if let Some(t) = table {
                    self.table_lit(AccessKind::Model, t, schema);
                }
            }
            _ => {}
        }
    }

    /// `fn table_name(&self) -> &str { "cake" }` (SeaORM's `EntityName` written by hand):
    /// `name` is the function's name.
    pub(super) fn table_name_fn(&mut self, name: usize) {
        if let Some(open) = self.signature(name).map(|f| f.body)
            && self.toks[open].close == open + 2
            && self.string_lit(open + 1).is_some()
        {
            self.table_lit(AccessKind::Model, open + 1, None);
        }
    }

    /// The body of a Diesel `table!` macro opened at `open`.
    pub(super) fn diesel_table(&mut self, open: usize) {
        let end = self.toks[open].close;
        let mut sql_name: Option<usize> = None;
        let mut i = open + 1;
        while i < end {
            if let Some(attr) = self.attribute_open(i) {
                if self.is_ident(attr + 1, "sql_name")
                    && self.is_punct(attr + 2, '=')
                    && self.string_lit(attr + 3).is_some()
                {
                    sql_name = Some(attr + 3);
                }
                i = self.skip(attr);
                continue;
            }
            if self.is_ident(i, "use") {
                i = self.statement_end(i + 1).max(i + 1);
                continue;
            }
            if self.ident(i).is_some() {
                // `name`, or `schema.name`, then `(pk)`, then `{ columns }`.
                let (schema, name, mut k) =
                    if self.is_punct(i + 1, '.') && self.ident(i + 2).is_some() {
                        (Some(i), i + 2, i + 3)
                    } else {
                        (None, i, i + 1)
                    };
                if self.open(k) == Some('(') {
                    k = self.skip(k);
                }
                if self.open(k) == Some('{') {
                    let schema = schema
                        .and_then(|s| self.ident(s))
                        .map(|s| bare(s).to_string());
                    match sql_name.take() {
                        Some(lit) => self.table_lit(AccessKind::Model, lit, schema),
                        None => self.table_ident(AccessKind::Model, name, schema, false),
                    }
                    i = self.skip(k);
                    continue;
                }
            }
            i = self.skip(i);
        }
    }
}
