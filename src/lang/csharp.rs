//! C#: EF Core mappings and migrations, raw-SQL APIs of EF Core, Dapper and ADO.NET.
//!
//! The lexing and the SQL-in-strings walk are shared with Go and Java/Kotlin in
//! [`clike`](super::clike); this module only names C#'s sinks, log calls and shapes.
//!
//! `using X.Y;` directives (also `global using`, `using static`, `using A = X.Y.T;`)
//! are reported as imports of the namespace (or aliased type) as written; the
//! resolver maps a namespace to the files that declare it.

use super::clike::{self, Arg, Call, Dialect, FormatStyle, Rules, Sink, Source};
use super::sinks::{self, SinkKind};
use super::{Context, Extracted};
use crate::model::{Access, AccessKind};

/// EF Core shapes that name tables outside SQL.
pub const MARKERS: &[&str] = &["[Table(", "ToTable(", "migrationBuilder", "principalTable"];

/// EF Core migration operations that name their table with `name:`.
const NAMED_TABLE_OPS: &[&str] = &["CreateTable", "DropTable", "RenameTable"];

/// EF Core migration operations that change a table's rows rather than its shape.
const DATA_OPS: &[&str] = &["InsertData", "UpdateData", "DeleteData"];

struct CSharp;

impl Rules for CSharp {
    fn dialect(&self) -> Dialect {
        Dialect::CSharp
    }

    fn kind(&self, src: &Source, call: &Call) -> Option<SinkKind> {
        let name = src.ident(call.name)?;
        let recv = call.recv.and_then(|r| src.ident(r));
        let attribute = src
            .enclosing(call.name)
            .is_some_and(|o| src.punct(o) == "[");
        sinks::csharp(recv, name, call.new, attribute)
    }

    fn sink(&self, src: &Source, call: &Call) -> Sink {
        let Some(name) = src.ident(call.name) else {
            return Sink::None;
        };
        let ado = call.new && (name.ends_with("Command") || name.ends_with("DataAdapter"));
        if call.recv.is_some() && sinks::CSHARP_RAW_SQL.contains(&name) {
            Sink::SqlTemplate(FormatStyle::Dotnet)
        } else if ado || self.kind(src, call) == Some(SinkKind::Sql) {
            Sink::Sql
        } else {
            Sink::None
        }
    }

    fn sql_property(&self, name: &str) -> bool {
        name == "CommandText"
    }

    fn shapes(&self, src: &Source, out: &mut Vec<Access>) {
        for i in 0..src.toks.len() {
            if src.is_word(i, "using") {
                out.extend(using(src, i));
            }
            let Some(call) = src.call_at(i) else { continue };
            let Some(name) = src.ident(i) else { continue };
            let attribute = src.enclosing(i).is_some_and(|o| src.punct(o) == "[");
            if matches!(name, "Table" | "TableAttribute") && attribute && !call.new {
                out.extend(src.table_arg(
                    &src.args(&call),
                    &["name", "Name"],
                    Some(0),
                    (&["Schema"], None),
                    AccessKind::Model,
                ));
            } else if name == "ToTable" && call.recv.is_some() {
                out.extend(src.table_arg(
                    &src.args(&call),
                    &["name"],
                    Some(0),
                    (&["schema"], Some(1)),
                    AccessKind::Model,
                ));
            } else if is_migration(src, &call) {
                migration(src, name, &src.args(&call), out);
            }
        }
    }
}

/// Analyses a C# file with the constants the other files of its directory define.
pub fn analyze_file_with(
    text: &str,
    ctx: &Context,
    known: Option<&super::values::Known>,
) -> Extracted {
    clike::run(&CSharp, text, ctx, known)
}

/// A using directive at token `i` (`using`): `using A.B;`, `using static A.B.C;`,
/// `using X = A.B.C;`, each optionally `global`. Using statements and declarations
/// (`using (..)`, `using var x = ..`) are not directives: a directive is a dotted name
/// (after an optional `static` or `Alias =`) ended by `;`.
fn using(src: &Source, i: usize) -> Option<Access> {
    let mut k = i + 1;
    if src.is_word(k, "static") {
        k += 1;
    } else if src.ident(k).is_some() && src.punct(k + 1) == "=" {
        k += 2;
    }
    let first = k;
    let (name, last) = src.dotted_name(first)?;
    if src.punct(last + 1) != ";" || name.starts_with("System.") || name == "System" {
        return None;
    }
    Some(src.import_of(name, first, last))
}

/// A call on EF Core's `MigrationBuilder`, or `table.ForeignKey(..)` inside
/// `CreateTable`'s constraints.
fn is_migration(src: &Source, call: &Call) -> bool {
    let recv = call.recv.and_then(|r| src.ident(r)).unwrap_or_default();
    recv.to_ascii_lowercase().contains("migrationbuilder") || src.is_word(call.name, "ForeignKey")
}

/// EF Core migrations: `CreateTable(name: "t")` (DDL), `AddColumn(table: "t")` (DDL),
/// `InsertData(table: "t")` (write), `principalTable: "t"` (foreign key).
fn migration(src: &Source, name: &str, args: &[Arg], out: &mut Vec<Access>) {
    if NAMED_TABLE_OPS.contains(&name) {
        let schema = (&["schema"][..], None);
        out.extend(src.table_arg(args, &["name"], Some(0), schema, AccessKind::Ddl));
        let new_schema = (&["newSchema"][..], None);
        out.extend(src.table_arg(args, &["newName"], None, new_schema, AccessKind::Ddl));
    } else if name != "ForeignKey" {
        let kind = if DATA_OPS.contains(&name) {
            AccessKind::Write
        } else {
            AccessKind::Ddl
        };
        out.extend(src.table_arg(args, &["table"], None, (&["schema"], None), kind));
    }
    let principal = (&["principalSchema"][..], None);
    out.extend(src.table_arg(
        args,
        &["principalTable"],
        None,
        principal,
        AccessKind::ForeignKey,
    ));
}

#[cfg(test)]
mod tests;
