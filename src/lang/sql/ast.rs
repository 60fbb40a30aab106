//! Table names in parsed statements, classified by what the statement does to them.
//!
//! Every statement (top level or nested, e.g. inside `EXPLAIN` or a procedure body) is
//! classified by its shape: INSERT/UPDATE/DELETE/MERGE/TRUNCATE/COPY targets are
//! writes, CREATE/ALTER/DROP targets are DDL, `REFERENCES t` is a foreign key. Every
//! other relation sqlparser's visitor reports (FROM, JOIN, subqueries, CTE bodies,
//! `INSERT … SELECT` sources, `UPDATE … FROM`, `DELETE … USING`, MERGE sources) is a
//! read, except CTE references, table functions and temporary tables.
//!
//! The traversal is sqlparser's own visitor, which recurses along the AST; the AST's
//! depth is bounded by the parser's recursion limit.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterTableOperation, ColumnDef, ColumnOption, CopySource, CreateTableLikeKind, FromTable,
    Ident, ObjectName, ObjectNamePart, ObjectType, Query, RenameTableNameKind, Statement,
    TableConstraint, TableFactor, TableObject, ValueWithSpan, Visit, Visitor,
};
use sqlparser::tokenizer::Span;

use crate::model::AccessKind;

/// What to do with a name the statement shape identifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Kind(AccessKind),
    /// A temporary table being created: never reported.
    Skip,
}

/// A table name found in a statement, with its classification.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub class: Class,
    pub name: Vec<Ident>,
}

/// What one parsed statement (or group of statements) names.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// In visiting order.
    pub found: Vec<Found>,
    /// Temporary tables created (lowercased names), for later statements.
    pub temps: Vec<String>,
}

type Key = (u64, u64, String);

fn idents(name: &ObjectName) -> Option<Vec<Ident>> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(i.clone()),
            ObjectNamePart::Function(_) => None,
        })
        .collect()
}

fn key(name: &ObjectName) -> Option<Key> {
    match name.0.last()? {
        ObjectNamePart::Identifier(i) => {
            Some((i.span.start.line, i.span.start.column, i.value.clone()))
        }
        ObjectNamePart::Function(_) => None,
    }
}

fn fold(i: &Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

fn last_folded(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(i) => Some(fold(i)),
        ObjectNamePart::Function(_) => None,
    }
}

#[derive(Default)]
struct Collector {
    /// Names classified by statement shape, by position.
    explicit: HashMap<Key, usize>,
    out: Vec<Found>,
    /// Table-function names (`FROM generate_series(1, 3)`).
    funcs: HashSet<Key>,
    /// CTE names in scope (folded) with a count, for shadowing.
    cte_active: HashMap<String, usize>,
    /// CTE names added per open query.
    frames: Vec<Vec<String>>,
    /// CTE bodies: address → (frame index of the WITH's query, CTE name).
    cte_bodies: HashMap<*const Query, (usize, String)>,
    temps: Vec<String>,
}

impl Collector {
    fn mark(&mut self, name: &ObjectName, class: Class) {
        let (Some(k), Some(ids)) = (key(name), idents(name)) else {
            return;
        };
        match self.explicit.get(&k) {
            Some(&at) => self.out[at].class = class,
            None => {
                self.explicit.insert(k, self.out.len());
                self.out.push(Found { class, name: ids });
            }
        }
    }

    fn mark_factor(&mut self, f: &TableFactor, class: Class) {
        if let TableFactor::Table { name, .. } = f {
            self.mark(name, class);
        }
    }

    fn column_fks(&mut self, col: &ColumnDef) {
        for opt in &col.options {
            if let ColumnOption::ForeignKey(fk) = &opt.option {
                self.mark(&fk.foreign_table, Class::Kind(AccessKind::ForeignKey));
            }
        }
    }

    fn constraint_fk(&mut self, c: &TableConstraint) {
        if let TableConstraint::ForeignKey(fk) = c {
            self.mark(&fk.foreign_table, Class::Kind(AccessKind::ForeignKey));
        }
    }

    fn classify(&mut self, s: &Statement) {
        use AccessKind::{Ddl, Read, Write};
        let k = Class::Kind;
        match s {
            Statement::Insert(i) => {
                if let TableObject::TableName(n) = &i.table {
                    self.mark(n, k(Write));
                }
            }
            Statement::Update(u) => self.mark_factor(&u.table.relation, k(Write)),
            Statement::Delete(d) => {
                let from = match &d.from {
                    FromTable::WithFromKeyword(v) | FromTable::WithoutKeyword(v) => v,
                };
                if d.tables.is_empty() {
                    for t in from {
                        self.mark_factor(&t.relation, k(Write));
                    }
                } else {
                    // MySQL multi-table DELETE: the listed names (tables or aliases)
                    // are the targets among the FROM sources.
                    let targets: HashSet<String> =
                        d.tables.iter().filter_map(last_folded).collect();
                    for t in from {
                        let factors =
                            std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation));
                        for f in factors {
                            if let TableFactor::Table { name, alias, .. } = f {
                                let hit = alias
                                    .as_ref()
                                    .is_some_and(|a| targets.contains(&fold(&a.name)))
                                    || last_folded(name).is_some_and(|n| targets.contains(&n));
                                if hit {
                                    self.mark(name, k(Write));
                                }
                            }
                        }
                    }
                }
            }
            Statement::Merge(m) => self.mark_factor(&m.table, k(Write)),
            Statement::Truncate(t) => {
                for t in &t.table_names {
                    self.mark(&t.name, k(Write));
                }
            }
            Statement::Copy {
                source: CopySource::Table { table_name, .. },
                to,
                ..
            } => self.mark(table_name, k(if *to { Read } else { Write })),
            Statement::CreateTable(ct) => {
                if ct.temporary {
                    self.mark(&ct.name, Class::Skip);
                    self.temps.extend(last_folded(&ct.name));
                } else {
                    self.mark(&ct.name, k(Ddl));
                }
                for c in &ct.columns {
                    self.column_fks(c);
                }
                for c in &ct.constraints {
                    self.constraint_fk(c);
                }
                match &ct.like {
                    Some(CreateTableLikeKind::Parenthesized(l) | CreateTableLikeKind::Plain(l)) => {
                        self.mark(&l.name, k(Read))
                    }
                    None => {}
                }
                if let Some(c) = &ct.clone {
                    self.mark(c, k(Read));
                }
                for p in ct.inherits.iter().flatten().chain(&ct.partition_of) {
                    self.mark(p, k(Ddl));
                }
            }
            Statement::AlterTable(at) => {
                self.mark(&at.name, k(Ddl));
                for op in &at.operations {
                    match op {
                        AlterTableOperation::AddConstraint { constraint, .. } => {
                            self.constraint_fk(constraint)
                        }
                        AlterTableOperation::AddColumn { column_def, .. } => {
                            self.column_fks(column_def)
                        }
                        AlterTableOperation::RenameTable { table_name } => match table_name {
                            RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => {
                                self.mark(n, k(Ddl))
                            }
                        },
                        _ => {}
                    }
                }
            }
            Statement::Drop {
                object_type,
                names,
                table,
                ..
            } => {
                if matches!(
                    object_type,
                    ObjectType::Table | ObjectType::View | ObjectType::MaterializedView
                ) {
                    for n in names {
                        self.mark(n, k(Ddl));
                    }
                }
                if let Some(t) = table {
                    self.mark(t, k(Ddl));
                }
            }
            Statement::CreateIndex(ci) => self.mark(&ci.table_name, k(Ddl)),
            Statement::CreateView(cv) => {
                if cv.temporary {
                    self.mark(&cv.name, Class::Skip);
                    self.temps.extend(last_folded(&cv.name));
                } else {
                    self.mark(&cv.name, k(Ddl));
                }
            }
            Statement::AlterView { name, .. } => self.mark(name, k(Ddl)),
            Statement::RenameTable(v) => {
                for r in v {
                    self.mark(&r.old_name, k(Ddl));
                    self.mark(&r.new_name, k(Ddl));
                }
            }
            Statement::CreateTrigger(t) => self.mark(&t.table_name, k(Ddl)),
            Statement::DropTrigger(t) => {
                if let Some(n) = &t.table_name {
                    self.mark(n, k(Ddl));
                }
            }
            Statement::CreatePolicy(p) => self.mark(&p.table_name, k(Ddl)),
            Statement::AlterPolicy(p) => self.mark(&p.table_name, k(Ddl)),
            Statement::DropPolicy(p) => self.mark(&p.table_name, k(Ddl)),
            Statement::CreateVirtualTable { name, .. } => self.mark(name, k(Ddl)),
            _ => {}
        }
    }
}

impl Visitor for Collector {
    type Break = ();

    fn pre_visit_statement(&mut self, s: &Statement) -> ControlFlow<()> {
        self.classify(s);
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        let frame = self.frames.len();
        self.frames.push(Vec::new());
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let name = fold(&cte.alias.name);
                if with.recursive {
                    *self.cte_active.entry(name.clone()).or_default() += 1;
                    self.frames[frame].push(name);
                } else {
                    // Visible from the next CTE body on (see post_visit_query).
                    self.cte_bodies
                        .insert(&*cte.query as *const Query, (frame, name));
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if let Some(names) = self.frames.pop() {
            for n in names {
                if let Some(c) = self.cte_active.get_mut(&n) {
                    *c -= 1;
                    if *c == 0 {
                        self.cte_active.remove(&n);
                    }
                }
            }
        }
        if let Some((frame, name)) = self.cte_bodies.remove(&(q as *const Query))
            && let Some(f) = self.frames.get_mut(frame)
        {
            *self.cte_active.entry(name.clone()).or_default() += 1;
            f.push(name);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, f: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table {
            name,
            args: Some(_),
            ..
        } = f
            && let Some(k) = key(name)
        {
            self.funcs.insert(k);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &ObjectName) -> ControlFlow<()> {
        let Some(k) = key(name) else {
            return ControlFlow::Continue(());
        };
        if self.explicit.contains_key(&k) || self.funcs.contains(&k) {
            return ControlFlow::Continue(());
        }
        if name.0.len() == 1
            && let Some(n) = last_folded(name)
            && (self.cte_active.contains_key(&n) || self.cte_active.contains_key(&n.to_lowercase()))
        {
            return ControlFlow::Continue(());
        }
        if let Some(ids) = idents(name) {
            // Remember the position so that the same name is not reported twice.
            self.explicit.insert(k, self.out.len());
            self.out.push(Found {
                class: Class::Kind(AccessKind::Read),
                name: ids,
            });
        }
        ControlFlow::Continue(())
    }
}

/// Collects the table names in parsed statements.
pub(crate) fn collect(stmts: &[Statement]) -> Collected {
    let mut c = Collector::default();
    for s in stmts {
        let _ = s.visit(&mut c);
    }
    Collected {
        found: c.out,
        temps: c.temps,
    }
}

/// The spans of the literal values in parsed statements (for [`super::memo`]: a
/// literal token whose value ends up anywhere else, such as in an identifier, has no
/// literal node of its span).
pub(crate) fn literal_spans(stmts: &[Statement]) -> Vec<Span> {
    struct Spans(Vec<Span>);
    impl Visitor for Spans {
        type Break = ();
        fn pre_visit_value(&mut self, v: &ValueWithSpan) -> ControlFlow<()> {
            self.0.push(v.span);
            ControlFlow::Continue(())
        }
    }
    let mut spans = Spans(Vec::new());
    for s in stmts {
        let _ = s.visit(&mut spans);
    }
    spans.0
}
