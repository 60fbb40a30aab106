//! Calls: query builders (Knex, Kysely, Supabase, TypeORM's query builder), Sequelize
//! migrations (`queryInterface`), Drizzle tables, and the SQL sinks whose argument is
//! SQL whatever it looks like (`query`, `raw`, `$queryRaw`, see [`sinks::js`]).
//!
//! A builder's table is its first argument; whether the access reads or writes, and how
//! sure it is, comes from the method chain around the call: walked back to its root
//! ([`Extractor::chain_back`]: a known builder root makes a finding sure, `withSchema`
//! gives the schema) and forward to a write method
//! ([`Extractor::chain_forward_writes`]). Calls whose arguments are prose (loggers,
//! test names, assertions) are recognised here too, so their literals are never SQL.

use super::constants::parse_name;
use super::orm::DRIZZLE_TABLES;
use super::{CHAIN_STEPS, Extractor};
use crate::lang::sinks::{self, SinkKind};
use crate::model::AccessKind;

/// Identifiers that start a Knex/Kysely chain; they make `.from("t")` a sure thing.
const BUILDER_ROOTS: &[&str] = &[
    "knex",
    "db",
    "trx",
    "tx",
    "database",
    "qb",
    "queryBuilder",
    "builder",
    "connection",
    "conn",
    "kysely",
    "supabase",
];

/// How many `function` callbacks [`Extractor::chain_back`] follows outwards from a
/// chain rooted at `this` (bounds adversarial nesting).
const CALLBACK_LEVELS: usize = 8;

/// Whether a chain's root is a known query builder (which makes its table sure).
fn is_builder_root(root: Option<&str>) -> bool {
    root.is_some_and(|r| BUILDER_ROOTS.contains(&r))
}

/// Knex chain methods that make the chain's table a write target.
const WRITE_METHODS: &[&str] = &[
    "insert",
    "update",
    "del",
    "delete",
    "truncate",
    "upsert",
    "increment",
    "decrement",
    "merge",
];

const JOIN_METHODS: &[&str] = &[
    "join",
    "innerJoin",
    "leftJoin",
    "leftOuterJoin",
    "rightJoin",
    "rightOuterJoin",
    "fullOuterJoin",
    "outerJoin",
    "crossJoin",
    "fullJoin",
];

/// Schema-builder methods of Knex and Kysely whose first argument is a table (DDL).
const DDL_METHODS: &[&str] = &[
    "createTable",
    "createTableIfNotExists",
    "createTableLike",
    "alterTable",
    "dropTable",
    "dropTableIfExists",
    "renameTable",
];

/// Sequelize `queryInterface` migration methods whose first argument is a table.
pub(super) const QI_DDL: &[&str] = &[
    "createTable",
    "dropTable",
    "renameTable",
    "addColumn",
    "removeColumn",
    "changeColumn",
    "renameColumn",
    "addIndex",
    "removeIndex",
    "addConstraint",
    "removeConstraint",
];
pub(super) const QI_WRITE: &[&str] = &["bulkInsert", "bulkUpdate", "bulkDelete"];

/// What a backward walk along a method chain found.
#[derive(Default)]
struct Chain {
    pub(super) write: bool,
    pub(super) schema_builder: bool,
    pub(super) with_schema: Option<String>,
    pub(super) root: Option<String>,
    pub(super) typeorm: bool,
}

/// Whether `hay` contains the lower-case ASCII `needle` in any case, without
/// allocating a lower-case copy (this runs for every member call).
fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    needle.is_empty()
        || hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

impl<'a> Extractor<'a> {
    /// The receiver identifier of a member call (`recv.method(`), if it is a plain name.
    fn receiver(&self, callee: usize) -> Option<&'a str> {
        if self.after_dot(callee) && callee >= 2 {
            self.ident(callee - 2)
        } else {
            None
        }
    }

    /// What the call `name(` at `callee` does with its strings (see [`sinks::js`]).
    fn sink_kind(&self, callee: usize, name: &str) -> Option<SinkKind> {
        sinks::js(self.receiver(callee), name, self.after_dot(callee))
    }

    /// Handles a call `name(`; returns the end of its arguments when they must be ignored.
    pub(super) fn call(&mut self, i: usize, open: usize) -> Option<usize> {
        let name = self.ident(i)?;
        let close = self.partner(open)?;
        let kind = self.sink_kind(i, name);
        match kind {
            Some(SinkKind::NonSql(k)) if k.covers_nested() => return Some(close),
            Some(SinkKind::NonSql(_)) => {
                // A test's name, an assertion's message: the literals among its
                // arguments are prose; its callback is code, read as usual.
                let items: Vec<_> = self.item_ranges(open).collect();
                for (s, _) in items {
                    if self.is_literal_start(s) {
                        self.operands(s);
                    }
                }
                return None;
            }
            _ => {}
        }
        if i > 0 && self.is_punct(i - 1, b'@') {
            if open == i + 1 {
                self.decorator(i, name);
            }
            return None;
        }
        self.call_shapes(i, open, name, close, kind == Some(SinkKind::Sql));
        None
    }

    /// Recognises the ORM, query-builder and raw-SQL shapes of the call `name(` at `i`
    /// whose argument list closes at `close`; `sql` when it is a SQL sink.
    fn call_shapes(
        &mut self,
        i: usize,
        open: usize,
        name: &'a str,
        close: usize,
        sql: bool,
    ) -> Option<()> {
        // Most calls match no shape: the argument list is only split where one needs
        // more than its first argument.
        let first = self.first_item(open);
        let recv = self.receiver(i);
        let member = self.after_dot(i);
        if name == "EntitySchema" && i > 0 && self.is_ident(i - 1, "new") {
            self.entity_schema(open);
        } else if sql {
            if let Some((s, e)) = first {
                self.sink_argument(s, e);
            }
        } else if DRIZZLE_TABLES.contains(&name) {
            if let Some((s, e)) = first
                && let Some(n) = self.table_value(s, e)
            {
                self.emit(AccessKind::Model, n, true);
            }
        } else if name == "table" && member && self.drizzle_schema(i).is_some() {
            if let Some((s, e)) = first
                && let Some(mut n) = self.table_value(s, e)
            {
                n.table.schema = self.drizzle_schema(i);
                self.emit(AccessKind::Model, n, true);
            }
        } else if (QI_DDL.contains(&name) || QI_WRITE.contains(&name))
            && recv.is_some_and(|r| contains_ignoring_case(r, "queryinterface") || r == "qi")
        {
            let kind = if QI_WRITE.contains(&name) {
                AccessKind::Write
            } else {
                AccessKind::Ddl
            };
            let count = if name == "renameTable" { 2 } else { 1 };
            for (s, e) in self.items(open).into_iter().take(count) {
                if let Some(n) = self.table_value(s, e) {
                    self.emit(kind, n, true);
                }
            }
        } else if DDL_METHODS.contains(&name) && member {
            let chain = self.chain_back(i);
            let count = if name == "renameTable" { 2 } else { 1 };
            for (s, e) in self.items(open).into_iter().take(count) {
                if let Some(mut n) = self.table_value(s, e) {
                    if n.table.schema.is_none() {
                        n.table.schema.clone_from(&chain.with_schema);
                    }
                    self.emit(AccessKind::Ddl, n, chain.schema_builder);
                }
            }
        } else if (matches!(name, "knex" | "db" | "trx" | "tx")
            && (!member || recv == Some("this")))
            || (member && name == "knex")
            || (member && name == "database" && recv == Some("bp"))
        {
            // A Knex instance called with a table: `knex('t')`, `db('t')`, a
            // transaction, `this.db('t')`, any object's `knex` member
            // (`database.knex('t')`), and the Botpress SDK's `bp.database('t')`.
            if let Some((s, e)) = first
                && let Some(mut n) = self.table_value(s, e)
            {
                let chain = self.chain_back(i);
                if n.table.schema.is_none() {
                    n.table.schema = chain.with_schema;
                }
                let write = self.chain_forward_writes(close);
                let kind = if write {
                    AccessKind::Write
                } else {
                    AccessKind::Read
                };
                self.emit(kind, n, true);
            }
        } else if member && matches!(name, "from" | "into" | "table") {
            if recv.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase())) {
                return Some(());
            }
            let (s, e) = first?;
            let mut n = self.table_value(s, e)?;
            let chain = self.chain_back(i);
            if n.table.schema.is_none() {
                n.table.schema.clone_from(&chain.with_schema);
            }
            let high = is_builder_root(chain.root.as_deref());
            let kind = if name == "table" && chain.schema_builder {
                AccessKind::Ddl
            } else if name == "into" || chain.write || self.chain_forward_writes(close) {
                AccessKind::Write
            } else {
                AccessKind::Read
            };
            self.emit(kind, n, high && !chain.typeorm);
        } else if member && JOIN_METHODS.contains(&name) && self.items(open).len() >= 2 {
            if matches!(recv, Some("path" | "posix" | "win32" | "url")) {
                return Some(());
            }
            let (s, e) = first?;
            if let Some(n) = self.table_value(s, e) {
                let chain = self.chain_back(i);
                if chain.typeorm && n.table.schema.is_some() {
                    // `leftJoin("user.profile", "p")` joins a relation, not a table.
                    return Some(());
                }
                let high = is_builder_root(chain.root.as_deref());
                self.emit(AccessKind::Read, n, high && !chain.typeorm);
            }
        } else if name == "selectFrom"
            || matches!(
                name,
                "insertInto" | "updateTable" | "deleteFrom" | "replaceInto" | "mergeInto"
            )
        {
            let kind = if name == "selectFrom" {
                AccessKind::Read
            } else {
                AccessKind::Write
            };
            let (s, e) = first?;
            if self.is_punct(s, b'[') {
                for (is, ie) in self.items(s) {
                    if let Some(n) = self.table_value(is, ie) {
                        self.emit(kind, n, true);
                    }
                }
            } else if let Some(n) = self.table_value(s, e) {
                self.emit(kind, n, true);
            }
        } else if member && (name == "inTable" || name == "references") {
            let (s, e) = first?;
            let (value, offset) = self.string_value(s, e)?;
            let target = if name == "references" {
                // `.references("users.id")`; a bare column waits for `.inTable`.
                match value.rsplit_once('.') {
                    Some((table, _)) => parse_name(table, offset),
                    None => None,
                }
            } else {
                parse_name(value, offset)
            };
            if let Some(n) = target {
                self.emit(AccessKind::ForeignKey, n, true);
            }
        }
        Some(())
    }

    /// Walks back from a method name along `a.b(..).c(..)` to the chain's root. A chain
    /// that starts at `this` inside a `function` callback passed to a call continues
    /// with that call's chain: Knex calls such callbacks (`where`, `whereIn`, `from`
    /// subqueries) with `this` bound to the builder, so `this.max("id").from("t")` in
    /// one belongs to the builder of the chain around it. An arrow function's `this`
    /// is the enclosing one's, so it is not followed.
    fn chain_back(&self, callee: usize) -> Chain {
        let (mut chain, mut start) = self.walk_back(callee);
        for _ in 0..CALLBACK_LEVELS {
            if is_builder_root(chain.root.as_deref()) || !self.is_ident(start, "this") {
                break;
            }
            let Some(outer) = self.callback_call(start) else {
                break;
            };
            let (around, outer_start) = self.walk_back(outer);
            if is_builder_root(around.root.as_deref()) {
                chain.root = around.root;
                chain.typeorm |= around.typeorm;
            }
            start = outer_start;
        }
        chain
    }

    /// [`Self::chain_back`] within one chain: what it found and the token the chain
    /// starts at.
    fn walk_back(&self, callee: usize) -> (Chain, usize) {
        let mut chain = Chain::default();
        let mut k = callee;
        let mut last_name: Option<&str> = None;
        for _ in 0..CHAIN_STEPS {
            if !(k >= 2 && self.is_punct(k - 1, b'.')) {
                break;
            }
            let p = k - 2;
            let name = if self.is_punct(p, b')') {
                let Some(open) = self.partner(p) else { break };
                let Some(c) = self.callee_of(open) else {
                    break;
                };
                let Some(name) = self.ident(c) else { break };
                if name == "withSchema"
                    && let Some((s, e)) = self.plain_literal(open + 1)
                {
                    chain.with_schema = Some(self.text[s..e].to_string());
                }
                k = c;
                name
            } else if let Some(name) = self.ident(p) {
                k = p;
                name
            } else {
                break;
            };
            if WRITE_METHODS.contains(&name) {
                chain.write = true;
            }
            if name == "schema" {
                chain.schema_builder = true;
            }
            if matches!(
                name,
                "createQueryBuilder" | "getRepository" | "getManager" | "manager"
            ) {
                chain.typeorm = true;
            }
            if name != "this" {
                last_name = Some(name);
            }
            if name == "database" && self.receiver(k) == Some("bp") {
                // The Botpress SDK's Knex instance: `bp.database("t")` roots the chain.
                break;
            }
        }
        chain.root = last_name.map(str::to_string);
        (chain, k)
    }

    /// The call whose argument is the `function` expression (`function (..) {`,
    /// `function name(..) {`) whose body directly holds the token at `i`: the index
    /// of the call's callee.
    fn callback_call(&self, i: usize) -> Option<usize> {
        let body = self.parent(i).filter(|&b| self.is_punct(b, b'{'))?;
        let params = self.partner(body.checked_sub(1)?)?;
        let mut f = params.checked_sub(1)?;
        if !self.is_ident(f, "function") {
            f = f.checked_sub(1)?;
            if !self.is_ident(f, "function") {
                return None;
            }
        }
        let before = f.checked_sub(1)?;
        if !(self.is_punct(before, b'(') || self.is_punct(before, b',')) {
            return None;
        }
        let args = self.parent(f).filter(|&a| self.is_punct(a, b'('))?;
        self.callee_of(args)
    }

    /// True when the chain continuing after the `)` at `close` calls a write method.
    fn chain_forward_writes(&self, close: usize) -> bool {
        let mut k = close + 1;
        for _ in 0..CHAIN_STEPS {
            if !self.is_punct(k, b'.') {
                return false;
            }
            let Some(name) = self.ident(k + 1) else {
                return false;
            };
            if WRITE_METHODS.contains(&name) {
                return true;
            }
            if let Some(open) = self.call_open(k + 1) {
                let Some(c) = self.partner(open) else {
                    return false;
                };
                k = c + 1;
            } else {
                k += 2;
            }
        }
        false
    }
}
