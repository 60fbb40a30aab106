//! Go: `database/sql`, sqlx, pgx and GORM calls, `fmt.Sprintf`-built SQL, GORM
//! `TableName()` models, and imports.
//!
//! The lexing and the SQL-in-strings walk are shared with Java/Kotlin/C# in
//! [`clike`](super::clike); this module only names Go's sinks, log calls and shapes.

use super::clike::{self, Call, Dialect, Rules, Source};
use super::sinks::{self, SinkKind};
use super::values::Known;
use super::{Context, Extracted};
use crate::model::{Access, AccessKind, ImportRef};

/// GORM's `TableName()` method and `.Table("t")` name tables in code that may not
/// mention them in SQL; pgx `CopyFrom` names its target in a `pgx.Identifier`.
pub const MARKERS: &[&str] = &["TableName()", ".Table(", "pgx.Identifier{"];

struct Go;

impl Rules for Go {
    fn dialect(&self) -> Dialect {
        Dialect::Go
    }

    fn kind(&self, src: &Source, call: &Call) -> Option<SinkKind> {
        let name = src.ident(call.name)?;
        sinks::go(call.recv.and_then(|r| src.ident(r)), name)
    }

    fn shapes(&self, src: &Source, out: &mut Vec<Access>) {
        for i in 0..src.toks.len() {
            if src.is_word(i, "TableName") {
                out.extend(table_name_method(src, i));
            } else if src.is_word(i, "import") && (i == 0 || src.toks[i].nl_before) {
                imports(src, i, out);
            } else if let Some(call) = src.call_at(i)
                && call.recv.is_some()
            {
                match src.ident(i) {
                    Some("Table") => {
                        let args = src.args(&call);
                        if let Some(a) = src.arg_named(&args, &[], Some(0)) {
                            let kind = gorm_chain_kind(src, &call);
                            out.extend(src.table_in(a.start, a.end, kind));
                        }
                    }
                    Some("CopyFrom") => out.extend(copy_from(src, &call)),
                    _ => {}
                }
            }
        }
    }
}

/// GORM chain methods that write the rows of the chain's table.
const GORM_WRITES: &[&str] = &[
    "Create",
    "CreateInBatches",
    "Save",
    "Update",
    "Updates",
    "UpdateColumn",
    "UpdateColumns",
    "Delete",
];

/// Longest method chain after `.Table(..)` that is read for a write method.
const CHAIN_STEPS: usize = 32;

/// Whether the GORM chain that `db.Table("t")` starts writes the table
/// (`.Where(..).Update(..)`) or only reads it (`.Find(..)`, `.Count(..)`): the rule a
/// finding breaks depends on it.
fn gorm_chain_kind(src: &Source, table: &Call) -> AccessKind {
    let mut at = table.close;
    for _ in 0..CHAIN_STEPS {
        let (dot, name, open) = (at + 1, at + 2, at + 3);
        if src.punct(dot) != "." || src.punct(open) != "(" {
            break;
        }
        let Some(method) = src.ident(name) else { break };
        if GORM_WRITES.contains(&method) {
            return AccessKind::Write;
        }
        let Some(close) = src.partner(open) else {
            break;
        };
        at = close;
    }
    AccessKind::Read
}

/// Analyses a Go file with the constants the other files of its package define.
pub fn analyze_file_with(text: &str, ctx: &Context, known: Option<&Known>) -> Extracted {
    clike::run(&Go, text, ctx, known)
}

/// GORM `func (Order) TableName() string { return "orders" }`: the model's table.
fn table_name_method(src: &Source, i: usize) -> Option<Access> {
    // The receiver list closes right before the name, and `func` opens it.
    let recv_open = src.partner(i.checked_sub(1)?)?;
    if src.punct(i - 1) != ")" || !src.is_word(recv_open.checked_sub(1)?, "func") {
        return None;
    }
    if src.punct(i + 1) != "(" || src.punct(i + 2) != ")" {
        return None;
    }
    // `string {` then `return <value>`.
    let body = (i + 3..(i + 6).min(src.toks.len())).find(|&k| src.punct(k) == "{")?;
    if !src.is_word(body + 1, "return") {
        return None;
    }
    let end = src.partner(body)?;
    let value_end = (body + 2..end)
        .find(|&k| src.toks[k].nl_before || src.punct(k) == ";")
        .unwrap_or(end);
    src.table_in(body + 2, value_end, AccessKind::Model)
}

/// `import "x"`, `import alias "x"` and `import ( .. )`: one access per path that is
/// not in the standard library (whose first element has no dot).
fn imports(src: &Source, i: usize, out: &mut Vec<Access>) {
    let end = if src.punct(i + 1) == "(" {
        src.partner(i + 1).unwrap_or(src.toks.len())
    } else {
        // A single spec: an optional name, then the path.
        (i + 3).min(src.toks.len())
    };
    for k in i + 1..end {
        let Some(lit) = src.lit(k) else { continue };
        let [clike::Part::Verbatim { start, end }] = lit.parts[..] else {
            continue;
        };
        let path = &src.text[start..end];
        let first = path.split('/').next().unwrap_or(path);
        if first.contains('.') {
            out.push(Access::import(
                ImportRef::Package(path.to_string()),
                start,
                end - start,
            ));
        }
        if src.punct(i + 1) != "(" {
            break;
        }
    }
}

/// pgx `conn.CopyFrom(ctx, pgx.Identifier{"schema", "table"}, ..)`: a bulk write.
fn copy_from(src: &Source, call: &Call) -> Option<Access> {
    let args = src.args(call);
    let ident = args.iter().find_map(|a| {
        (a.start..a.end)
            .find(|&k| src.is_word(k, "Identifier") && src.punct(k + 1) == "{")
            .map(|k| k + 1)
    })?;
    let close = src.partner(ident)?;
    let names: Vec<usize> = (ident + 1..close)
        .filter(|&k| src.lit(k).is_some())
        .collect();
    let (&table, rest) = names.split_last()?;
    let mut access = src.table_in(table, table + 1, AccessKind::Write)?;
    if let (Some(&schema), crate::model::Target::Table(t)) = (rest.last(), &mut access.target) {
        t.schema = Some(src.lit_text(schema));
    }
    Some(access)
}

#[cfg(test)]
mod tests;
