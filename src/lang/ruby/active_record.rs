//! ActiveRecord's shapes that name tables: a model's `self.table_name = ..`, the
//! migration methods whose first argument is the table they change (`create_table`,
//! `add_column`, `add_foreign_key`, `t.references .., foreign_key: true`) and the
//! schema dump's `create_table` and `add_foreign_key`. Each is a table name in a known
//! place, so it is reported whether or not the name is in the registry.

use super::calls::Val;
use super::{Extractor, FileRole, Group};
use crate::lang::embedded::Embedded;
use crate::lang::script::assemble::{plain_name, table_access};
use crate::lang::script::{Arg, Calls, Frame, Item, Kind};
use crate::lang::sinks;
use crate::model::{Access, AccessKind, TableRef};

/// Migration methods whose first argument is the table they change.
const MIGRATION_OPS: &[&str] = &[
    "create_table",
    "change_table",
    "drop_table",
    "add_column",
    "remove_column",
    "remove_columns",
    "rename_column",
    "change_column",
    "change_column_default",
    "change_column_null",
    "change_column_comment",
    "change_table_comment",
    "add_index",
    "remove_index",
    "rename_index",
    "add_timestamps",
    "remove_timestamps",
    "add_check_constraint",
    "remove_check_constraint",
    "add_reference",
    "add_belongs_to",
    "remove_reference",
    "remove_belongs_to",
    "add_foreign_key",
    "remove_foreign_key",
    "rename_table",
];

impl Extractor<'_> {
    /// A value's plain text and where it maps: symbols directly, strings via their map.
    fn plain_name(&self, val: &Val) -> Option<(String, Embedded)> {
        let emb = match val {
            Val::Sym(t) | Val::Name(t) => {
                let tok = self.code.tok(*t)?;
                Embedded::verbatim(&self.code.src[tok.start..tok.end], tok.start)
            }
            Val::Str(g) => self.embed(g),
        };
        let text = plain_name(&emb)?.to_string();
        Some((text, emb))
    }

    /// Pushes a table access for a value; `schema.table` is split.
    pub(super) fn qualified(&mut self, val: &Val, kind: AccessKind) {
        let Some((text, emb)) = self.plain_name(val) else {
            return;
        };
        let (schema, name, at) = match text.rsplit_once('.') {
            Some((s, n)) if !s.is_empty() && !n.is_empty() => (Some(s.to_string()), n, s.len() + 1),
            _ => (None, text.as_str(), 0),
        };
        self.out.push(table_access(&emb, kind, schema, name, at));
    }

    /// Handles one call; returns the indexes of the arguments it consumed.
    pub(super) fn call(&mut self, callee: &str, f: &Frame<Val>) -> Vec<usize> {
        let (receiver, last) = callee.rsplit_once('.').unwrap_or(("", callee));
        let pos = |p: usize| f.args.iter().position(|a| a.pos == Some(p));
        let mut used = Vec::new();
        let mut emit = |this: &mut Self, p: usize, kind: AccessKind| {
            if let Some(a) = pos(p) {
                this.qualified(&f.args[a].val, kind);
                used.push(a);
            }
        };
        match (self.role, last) {
            (FileRole::Schema, "create_table") if receiver.is_empty() => {
                emit(self, 0, AccessKind::Model);
            }
            (FileRole::Schema, "add_foreign_key") if receiver.is_empty() => {
                emit(self, 1, AccessKind::ForeignKey);
            }
            (FileRole::Migration, op) if receiver.is_empty() && MIGRATION_OPS.contains(&op) => {
                emit(self, 0, AccessKind::Ddl);
                match op {
                    "rename_table" => emit(self, 1, AccessKind::Ddl),
                    "add_foreign_key" => emit(self, 1, AccessKind::ForeignKey),
                    "add_reference" | "add_belongs_to" => self.reference(f, 1),
                    _ => {}
                }
            }
            (FileRole::Migration, "references" | "belongs_to") if !receiver.is_empty() => {
                self.reference(f, 0);
            }
            (FileRole::Migration, "foreign_key") if !receiver.is_empty() => {
                emit(self, 0, AccessKind::ForeignKey);
            }
            (_, sink) if sinks::RUBY_SQL.contains(&sink) => {
                if let Some(a) = pos(0)
                    && let Val::Str(g) = &f.args[a].val
                {
                    self.analyse(g, true);
                    used.push(a);
                }
            }
            _ => {}
        }
        used
    }

    /// `add_reference :t, :customer, foreign_key: true` / `t.references :customer,
    /// foreign_key: { to_table: :clients }`: a foreign key only when asked for. The
    /// pluralized name is a convention, so it is low confidence; `to_table` is exact.
    fn reference(&mut self, f: &Frame<Val>, p: usize) {
        let Some(&(_, v)) = f.kwvals.iter().find(|(k, _)| k == "foreign_key") else {
            return;
        };
        if self.code.is_name(v, "true") {
            let Some(Arg {
                val: Val::Sym(t), ..
            }) = f.args.iter().find(|a| a.pos == Some(p))
            else {
                return;
            };
            let Some(tok) = self.code.tok(*t).copied() else {
                return;
            };
            let table = TableRef::bare(pluralize(&self.code.src[tok.start..tok.end]));
            let a = Access::table(
                AccessKind::ForeignKey,
                table,
                tok.start,
                tok.end - tok.start,
            );
            self.out.push(a.low());
        } else if self.code.is_op(v, "{") {
            let mut k = v + 1;
            while k < self.code.toks.len() && !self.code.is_op(k, "}") {
                if self.code.kind(k) == Some(Kind::Label) && self.code.text(k) == "to_table" {
                    let val = match self.code.kind(k + 1) {
                        Some(Kind::Sym) => Val::Sym(k + 1),
                        Some(Kind::Str) => {
                            Val::Str(Group::of(vec![Item::Lit(self.code.toks[k + 1].lit)]))
                        }
                        _ => break,
                    };
                    self.qualified(&val, AccessKind::ForeignKey);
                    break;
                }
                k += 1;
            }
        }
    }
}

/// Rails' default table name for a reference: `customer` → `customers`.
pub(super) fn pluralize(s: &str) -> String {
    let consonant_y = s.len() > 1
        && s.ends_with('y')
        && !matches!(s.as_bytes()[s.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u');
    if consonant_y {
        format!("{}ies", &s[..s.len() - 1])
    } else if s.ends_with(['s', 'x', 'z']) || s.ends_with("ch") || s.ends_with("sh") {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}
