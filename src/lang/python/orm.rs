//! The ORM and migration shapes that name tables: SQLAlchemy's `__tablename__`,
//! `__table_args__`, `Table(..)`, `ForeignKey(..)` and `ForeignKeyConstraint(..)`;
//! Django's `Meta.db_table` and `ForeignKey`; Django migrations' `CreateModel`,
//! `AlterModelTable` and `DeleteModel`; Alembic's `op.*` operations. Each is a table
//! name in a known place, so it is reported whether or not the name is in the registry.

use super::{Extractor, Group};
use crate::lang::script::assemble::{plain_name, table_access};
use crate::lang::script::{Frame, Item, Kind};
use crate::lang::sql::HOLE;
use crate::model::{Access, AccessKind, TableRef};

/// A table argument of an Alembic operation: positional index, keyword, kind, and the
/// keyword carrying its schema.
type TableArg = (usize, &'static str, AccessKind, &'static str);

/// Alembic operations that name tables, with their table arguments.
const ALEMBIC: &[(&str, &[TableArg])] = &[
    (
        "create_table",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_table",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "add_column",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_column",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "alter_column",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "batch_alter_table",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_table_comment",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_table_comment",
        &[(0, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "rename_table",
        &[
            (0, "old_table_name", AccessKind::Ddl, "schema"),
            (1, "new_table_name", AccessKind::Ddl, "schema"),
        ],
    ),
    (
        "create_index",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_index",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_unique_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_primary_key",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_check_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_exclude_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "drop_constraint",
        &[(1, "table_name", AccessKind::Ddl, "schema")],
    ),
    (
        "create_foreign_key",
        &[
            (1, "source_table", AccessKind::Ddl, "source_schema"),
            (
                2,
                "referent_table",
                AccessKind::ForeignKey,
                "referent_schema",
            ),
        ],
    ),
];

/// Django migration operations that name a model's table.
const DJANGO_OPERATIONS: &[&str] = &["CreateModel", "AlterModelTable", "DeleteModel"];

impl Extractor<'_> {
    /// `NAME = ...` at the start of statement `s..e`, in a model class: returns true
    /// when it was a table's name and nothing else is left to read.
    pub(super) fn assignment(&mut self, s: usize, e: usize) -> bool {
        let code = &self.code;
        let whole_str = (s + 2..e).all(|i| code.kind(i) == Some(Kind::Str)) && s + 2 < e;
        match code.text(s) {
            "__tablename__" if whole_str => {
                let group = self.group_of(s + 2, e);
                if let Some(a) = self.name_access(&group, AccessKind::Model, None) {
                    if let Some(b) = self.class_block() {
                        self.tablenames.push((b.id, self.out.len()));
                    }
                    self.out.push(a);
                }
                true
            }
            "db_table" if whole_str && self.class_block().is_some_and(|b| b.name == "Meta") => {
                let group = self.group_of(s + 2, e);
                self.django_table(&group);
                true
            }
            "__table_args__" => {
                if let Some(schema) = self.schema_in(s + 2, e)
                    && let Some(b) = self.class_block()
                {
                    self.schemas.push((b.id, schema));
                }
                false
            }
            _ => false,
        }
    }

    /// The value of a `"schema": "s"` entry among tokens `s..e`.
    fn schema_in(&self, s: usize, e: usize) -> Option<String> {
        let code = &self.code;
        (s..e).find_map(|i| {
            let t = code.tok(i)?;
            if t.kind != Kind::Str || self.plain(t.lit)? != "schema" || !code.is_op(i + 1, ":") {
                return None;
            }
            let v = code.tok(i + 2).filter(|t| t.kind == Kind::Str)?;
            self.plain(v.lit).map(str::to_string)
        })
    }

    /// A literal's text when it has no escapes or holes.
    pub(super) fn plain(&self, lit: usize) -> Option<&str> {
        let l = &self.code.lits[lit];
        let body = self.code.body(lit);
        (!(body.contains('\\') || l.fmt && body.contains(['{', '}']))).then_some(body)
    }

    /// `db_table = "t"`, or the schema trick `'"billing"."invoices"'`.
    fn django_table(&mut self, group: &Group) {
        let emb = self.embed(group);
        let text = emb.text();
        if text.is_empty() || text.contains(HOLE) {
            return;
        }
        let (schema, name, at) = match text.find("\".\"") {
            Some(p) => {
                let schema = text[..p].trim_start_matches('"');
                let name = text[p + 3..].trim_end_matches('"');
                (Some(schema.to_string()), name, p + 3)
            }
            None => (None, text, 0),
        };
        if name.is_empty() {
            return;
        }
        self.out
            .push(table_access(&emb, AccessKind::Model, schema, name, at));
    }

    /// An access naming the group's whole text as a table, when it is a plain name.
    fn name_access(
        &self,
        group: &Group,
        kind: AccessKind,
        schema: Option<String>,
    ) -> Option<Access> {
        let emb = self.embed(group);
        let name = plain_name(&emb)?;
        Some(table_access(&emb, kind, schema, name, 0))
    }

    /// `ForeignKey("t.id")` / `"s.t.id"`: the second-to-last component is the table.
    fn fk_access(&self, group: &Group) -> Option<Access> {
        let emb = self.embed(group);
        let text = plain_name(&emb)?;
        let parts: Vec<(usize, &str)> = text
            .split('.')
            .scan(0usize, |at, p| {
                let start = *at;
                *at += p.len() + 1;
                Some((start, p))
            })
            .collect();
        if parts.len() < 2 || parts.iter().any(|p| p.1.is_empty()) {
            return None;
        }
        let (at, name) = parts[parts.len() - 2];
        let schema = (parts.len() >= 3).then(|| parts[parts.len() - 3].1.to_string());
        Some(table_access(&emb, AccessKind::ForeignKey, schema, name, at))
    }

    /// A call in an ORM or migration shape (`Table`, `ForeignKey`, `op.*`): the indexes
    /// of the arguments it consumed; `None` when the call is none of them.
    pub(super) fn orm_call(&mut self, callee: &str, f: &Frame<Group>) -> Option<Vec<usize>> {
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let find = |pos: usize, kw: &str| {
            f.args
                .iter()
                .position(|a| a.pos == Some(pos) || a.kw.as_deref() == Some(kw))
        };
        let kw_text = |this: &Self, kw: &str| {
            f.args
                .iter()
                .find(|a| a.kw.as_deref() == Some(kw))
                .and_then(|a| match a.val.items.as_slice() {
                    [Item::Lit(l)] => this.plain(*l).map(str::to_string),
                    _ => None,
                })
        };
        let mut used: Vec<usize> = Vec::new();
        if last == "Table" && f.npos >= 2 && !f.args.iter().any(|a| a.pos == Some(1)) {
            if let Some(a) = find(0, "name") {
                let schema = kw_text(self, "schema");
                if let Some(acc) = self.name_access(&f.args[a].val, AccessKind::Model, schema) {
                    self.out.push(acc);
                }
                used.push(a);
            }
        } else if last == "ForeignKey" {
            let django = callee.starts_with("models.")
                || self.django
                || f.args.iter().any(|a| a.kw.as_deref() == Some("on_delete"));
            if let Some(a) = find(0, "column") {
                if !django && let Some(acc) = self.fk_access(&f.args[a].val) {
                    self.out.push(acc);
                }
                used.push(a);
            }
        } else if let Some(op) = self.django_operation(callee) {
            self.django_migration(op, f, &mut used);
        } else if let Some(op) = callee.strip_prefix("op.")
            && let Some((_, spec)) = ALEMBIC.iter().find(|(name, _)| *name == op)
        {
            for &(pos, kw, kind, schema_kw) in spec.iter() {
                if let Some(a) = find(pos, kw) {
                    let schema = kw_text(self, schema_kw);
                    if let Some(acc) = self.name_access(&f.args[a].val, kind, schema) {
                        self.out.push(acc);
                    }
                    used.push(a);
                }
            }
        } else {
            return None;
        }
        Some(used)
    }

    /// The Django migration operation `callee` calls (`migrations.CreateModel`, or
    /// `CreateModel` in a file importing Django), in a file under a `migrations/`
    /// directory; `None` otherwise, so another library's `CreateModel` is not read.
    fn django_operation<'c>(&self, callee: &'c str) -> Option<&'c str> {
        let op = callee
            .strip_prefix("migrations.")
            .or_else(|| self.django.then_some(callee))?;
        (self.app_label.is_some() && DJANGO_OPERATIONS.contains(&op)).then_some(op)
    }

    /// `CreateModel(name, fields, options={'db_table': t})`, `AlterModelTable(name,
    /// table)`, `DeleteModel(name)`: the table each creates, renames or drops. Without
    /// `db_table` a model's table is Django's default, `<app label>_<model name
    /// lowercased>`, the app label being the directory holding `migrations/`; a
    /// `DeleteModel` of a model this file did not create may have had a `db_table`
    /// elsewhere, so its default name is low confidence.
    fn django_migration(&mut self, op: &str, f: &Frame<Group>, used: &mut Vec<usize>) {
        let find = |pos: usize, kw: &str| {
            f.args
                .iter()
                .position(|a| a.pos == Some(pos) || a.kw.as_deref() == Some(kw))
        };
        let db_table = self.db_table.take();
        let Some(n) = find(0, "name") else { return };
        used.push(n);
        let emb = self.embed(&f.args[n].val);
        let Some(model) = plain_name(&emb).map(str::to_lowercase) else {
            return;
        };
        let known = |this: &Self| {
            this.django_models
                .iter()
                .rev()
                .find(|(m, _)| *m == model)
                .map(|(_, t)| t.clone())
        };
        let access = match op {
            "AlterModelTable" => {
                let Some(t) = find(1, "table") else { return };
                used.push(t);
                let Some(a) = self.name_access(&f.args[t].val, AccessKind::Ddl, None) else {
                    return;
                };
                a
            }
            "CreateModel" => match db_table {
                Some(a) => a,
                None => self.default_model_table(&emb, &model),
            },
            _ => match known(self) {
                Some(t) => {
                    let len = emb.text().len();
                    emb.relocate(Access::table(AccessKind::Ddl, TableRef::bare(t), 0, len))
                }
                None => self.default_model_table(&emb, &model).low(),
            },
        };
        if let crate::model::Target::Table(t) = &access.target {
            self.django_models.push((model, t.name.clone()));
        }
        self.out.push(access);
    }

    /// Django's default table of `model` (lowercased), at the model name's literal.
    fn default_model_table(&self, emb: &crate::lang::embedded::Embedded, model: &str) -> Access {
        let label = self.app_label.unwrap_or_default();
        let table = TableRef::bare(format!("{label}_{model}"));
        emb.relocate(Access::table(AccessKind::Ddl, table, 0, emb.text().len()))
    }

    /// A list or dict: the indexes of the elements consumed.
    /// `ForeignKeyConstraint(cols, ["t.id"])` names referenced tables in a list;
    /// `CreateModel(.., options={'db_table': t})` names the model's table in a dict.
    pub(super) fn bracket(&mut self, f: &Frame<Group>) -> Vec<usize> {
        let create_options = f.parent.as_ref().is_some_and(|(callee, pos, kw)| {
            self.django_operation(callee) == Some("CreateModel")
                && (kw.as_deref() == Some("options") || (kw.is_none() && *pos == 2))
        });
        if create_options {
            let Some(t) = f
                .args
                .iter()
                .position(|a| a.kw.as_deref() == Some("db_table"))
            else {
                return Vec::new();
            };
            self.db_table = self.name_access(&f.args[t].val, AccessKind::Ddl, None);
            return vec![t];
        }
        let fk_list = f.parent.as_ref().is_some_and(|(callee, pos, kw)| {
            callee.rsplit('.').next() == Some("ForeignKeyConstraint")
                && (kw.as_deref() == Some("refcolumns") || (kw.is_none() && *pos == 1))
        });
        if !fk_list {
            return Vec::new();
        }
        for a in &f.args {
            if let Some(acc) = self.fk_access(&a.val) {
                self.out.push(acc);
            }
        }
        (0..f.args.len()).collect()
    }
}
