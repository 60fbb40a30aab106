//! ORM table mappings: TypeORM and MikroORM decorators (`@Entity`, `@JoinTable`) and
//! `EntitySchema`, Sequelize `define`/`init` options and `references`, Objection's
//! `static tableName`, Drizzle tables in a schema.
//!
//! A mapping that names its table is sure; one whose table is TypeORM's default (the
//! class name in snake_case) is low confidence, since a naming strategy may change it.

use super::builders::{QI_DDL, QI_WRITE};
use super::constants::{Name, is_identifier};
use super::lex::{Kind, NONE};
use super::{CHAIN_STEPS, Extractor};
use crate::lang::naming::snake_case;
use crate::model::{AccessKind, TableRef};

/// Calls whose options object names the model's table through `tableName`.
const MODEL_CALLS: &[&str] = &["define", "init", "EntitySchema", "Table", "Entity", "model"];

pub(super) const DRIZZLE_TABLES: &[&str] =
    &["pgTable", "mysqlTable", "sqliteTable", "singlestoreTable"];
pub(super) const DRIZZLE_SCHEMAS: &[&str] = &["pgSchema", "mysqlSchema"];

impl<'a> Extractor<'a> {
    /// The schema a Drizzle `x.table(` call is in: `x` bound to `pgSchema("s")`, or the
    /// call written inline as `pgSchema("s").table(`.
    pub(super) fn drizzle_schema(&self, callee: usize) -> Option<String> {
        if callee < 2 {
            return None;
        }
        let lit = if let Some(var) = self.ident(callee - 2) {
            *self.schemas.get(var)?
        } else if self.is_punct(callee - 2, b')') {
            let open = self.partner(callee - 2)?;
            let name = self.ident(open.checked_sub(1)?)?;
            if !DRIZZLE_SCHEMAS.contains(&name) {
                return None;
            }
            open + 1
        } else {
            return None;
        };
        let (s, e) = self.plain_literal(lit)?;
        Some(self.text[s..e].to_string())
    }

    /// `@Entity(..)`, `@JoinTable({ name })`: the decorator call at `callee`.
    pub(super) fn decorator(&mut self, callee: usize, name: &str) {
        let open = callee + 1;
        let args = self.items(open);
        match name {
            "Entity" => {
                let mut named = false;
                let mut schema = None;
                let mut database = None;
                let mut table = None;
                for &(s, e) in &args {
                    if self.is_punct(s, b'{') {
                        for (key, vs, ve) in self.props(s) {
                            match key {
                                "name" => table = self.table_value(vs, ve),
                                "tableName" => named = true,
                                "schema" => schema = self.string_value(vs, ve),
                                "database" => database = self.string_value(vs, ve),
                                _ => {}
                            }
                        }
                    } else if let Some(n) = self.table_value(s, e) {
                        table = Some(n);
                    }
                }
                if let Some(mut n) = table {
                    if let Some((s, _)) = schema {
                        n.table.schema = Some(s.to_string());
                    }
                    if let Some((d, _)) = database {
                        n.table.database = Some(d.to_string());
                    }
                    self.emit(AccessKind::Model, n, true);
                } else if !named {
                    let after = self.partner(open).map_or(open, |c| c + 1);
                    self.class_name_model(after, schema.map(|(s, _)| s.to_string()));
                }
            }
            "JoinTable" => {
                if let Some(&(s, _)) = args.first()
                    && self.is_punct(s, b'{')
                    && let Some((vs, ve)) = self.prop(s, "name")
                    && let Some(n) = self.table_value(vs, ve)
                {
                    self.emit(AccessKind::Model, n, true);
                }
            }
            _ => {}
        }
    }

    /// `@Entity` written without parentheses.
    pub(super) fn bare_decorator(&mut self, at: usize) {
        if self.is_ident(at + 1, "Entity") && !self.is_punct(at + 2, b'(') {
            self.class_name_model(at + 2, None);
        }
    }

    /// TypeORM's default table name for the class declared after `from`: the class name
    /// in snake_case. A naming strategy may change it, hence low confidence.
    fn class_name_model(&mut self, from: usize, schema: Option<String>) {
        let mut k = from;
        for _ in 0..CHAIN_STEPS {
            match self.kind(k) {
                Some(Kind::Punct(b'@')) => {
                    k += 2;
                    if self.is_punct(k, b'(') {
                        k = self.skip(k);
                    }
                }
                Some(Kind::Ident) => {
                    if self.is_ident(k, "class") {
                        if let Some(class) = self.ident(k + 1) {
                            let t = &self.toks[k + 1];
                            let mut table = TableRef::bare(snake_case(class));
                            table.schema = schema;
                            self.emit(
                                AccessKind::Model,
                                Name {
                                    table,
                                    offset: t.start,
                                    len: t.end - t.start,
                                    origin: None,
                                },
                                false,
                            );
                        }
                        return;
                    }
                    k += 1;
                }
                _ => return,
            }
        }
    }

    /// `new EntitySchema({ name, tableName })`: `tableName` is handled as a property; a
    /// schema without it takes TypeORM's default, the snake_cased entity name.
    pub(super) fn entity_schema(&mut self, open: usize) {
        let Some(&(s, _)) = self.items(open).first() else {
            return;
        };
        if !self.is_punct(s, b'{') || self.prop(s, "tableName").is_some() {
            return;
        }
        if let Some((ns, ne)) = self.prop(s, "name")
            && let Some((name, offset)) = self.string_value(ns, ne)
            && is_identifier(name)
        {
            let mut table = TableRef::bare(snake_case(name));
            if let Some((ss, se)) = self.prop(s, "schema") {
                table.schema = self.string_value(ss, se).map(|(v, _)| v.to_string());
            }
            let n = Name {
                table,
                offset,
                len: name.len(),
                origin: None,
            };
            self.emit(AccessKind::Model, n, false);
        }
    }

    /// A property `tableName: ..` or `references: { model }` at the key token `i`.
    pub(super) fn property(&mut self, i: usize) {
        let Some(key) = self.ident(i) else { return };
        if key != "tableName" && key != "references" {
            return;
        }
        let Some(brace) = self.parent(i) else {
            return;
        };
        if brace == NONE
            || !self.is_punct(brace, b'{')
            || !(self.is_punct(i - 1, b'{') || self.is_punct(i - 1, b','))
        {
            return;
        }
        let Some(close) = self.partner(brace) else {
            return;
        };
        let vs = i + 2;
        let mut ve = vs;
        while ve < close && !self.is_punct(ve, b',') {
            ve = self.skip(ve).min(close);
        }
        if key == "references" {
            if self.is_punct(vs, b'{')
                && let Some((ms, me)) = self.prop(vs, "model")
                && let Some(n) = self.table_value(ms, me)
            {
                self.emit(AccessKind::ForeignKey, n, true);
            }
            return;
        }
        // Only the first `tableName` of an object counts, which keeps the sibling
        // lookup below linear even for objects that repeat the key.
        if !self.table_objects.insert(brace) {
            return;
        }
        let high = match self.enclosing_call(brace) {
            Some(name) if MODEL_CALLS.contains(&name) => true,
            // Migration calls handle their `{ tableName, schema }` argument themselves.
            Some(name) if QI_DDL.contains(&name) || QI_WRITE.contains(&name) => return,
            _ => false,
        };
        if let Some(mut n) = self.table_value(vs, ve) {
            if let Some((ss, se)) = self.prop(brace, "schema") {
                n.table.schema = self.string_value(ss, se).map(|(v, _)| v.to_string());
            }
            self.emit(AccessKind::Model, n, high);
        }
    }

    /// The name of the call (or decorator, or `new X(`) whose argument list holds the
    /// object at `brace`.
    fn enclosing_call(&self, brace: usize) -> Option<&'a str> {
        let paren = self.parent(brace)?;
        if paren == NONE || !self.is_punct(paren, b'(') {
            return None;
        }
        self.ident(paren.checked_sub(1)?)
    }

    /// Objection's `static tableName = "t"` and `static get tableName() { return "t" }`.
    pub(super) fn static_table_name(&mut self, i: usize) {
        if i == 0 {
            return;
        }
        let value = if self.is_ident(i - 1, "static") && self.is_punct(i + 1, b'=') {
            i + 2
        } else if self.is_ident(i - 1, "get")
            && self.is_punct(i + 1, b'(')
            && self.is_punct(i + 2, b')')
            && self.is_punct(i + 3, b'{')
            && self.is_ident(i + 4, "return")
        {
            i + 5
        } else {
            return;
        };
        if let Some(n) = self.table_value(value, value + 1) {
            self.emit(AccessKind::Model, n, true);
        }
    }
}
