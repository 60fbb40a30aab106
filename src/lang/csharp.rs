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
mod tests {
    use super::*;

    fn run(text: &str) -> Extracted {
        analyze_file_with(text, &Context::default(), None)
    }

    fn found(text: &str) -> Vec<(AccessKind, String, String)> {
        clike::found(&run(text), text)
    }

    fn check(cases: &[(&str, AccessKind, &str, &str)]) {
        for (src, kind, name, at) in cases {
            let f = found(src);
            assert!(
                f.iter().any(|(k, n, a)| k == kind && n == name && a == at),
                "{src:?}: expected {kind:?} {name} at {at:?}, got {f:?}"
            );
        }
    }

    #[test]
    fn mappings_flag() {
        use AccessKind::*;
        check(&[
            (
                "[Table(\"orders\")]\npublic class Order {}",
                Model,
                "orders",
                "orders",
            ),
            (
                "[Table(\"invoices\", Schema = \"billing\")]\npublic class Invoice {}",
                Model,
                "billing.invoices",
                "invoices",
            ),
            (
                "[Key, Table(\"orders\")] class O {}",
                Model,
                "orders",
                "orders",
            ),
            (
                "[System.ComponentModel.DataAnnotations.Schema.Table(\"orders\")] class O {}",
                Model,
                "orders",
                "orders",
            ),
            (
                "class C { void M(ModelBuilder b) { b.Entity<Order>().ToTable(\"orders\"); } }",
                Model,
                "orders",
                "orders",
            ),
            (
                "class C { void M(ModelBuilder b) { b.Entity<Order>().ToTable(\"orders\", \"sales\"); } }",
                Model,
                "sales.orders",
                "orders",
            ),
            (
                "class C { void M(EntityTypeBuilder<Order> b) { b.ToTable(\"orders\", schema: \"sales\"); } }",
                Model,
                "sales.orders",
                "orders",
            ),
            (
                "class C { const string T = \"orders\"; void M(ModelBuilder b) { b.Entity<Order>().ToTable(T); } }",
                Model,
                "orders",
                "T",
            ),
            (
                "class M { void Up(MigrationBuilder migrationBuilder) { migrationBuilder.CreateTable(name: \"orders\", columns: t => new { Id = t.Column<int>() }); } }",
                Ddl,
                "orders",
                "orders",
            ),
            (
                "class M { void Up(MigrationBuilder migrationBuilder) { migrationBuilder.AddColumn<int>(name: \"total\", table: \"orders\"); } }",
                Ddl,
                "orders",
                "orders",
            ),
            (
                "class M { void Up(MigrationBuilder migrationBuilder) { migrationBuilder.InsertData(table: \"orders\", columns: c, values: v); } }",
                Write,
                "orders",
                "orders",
            ),
            (
                "class M { void Up(MigrationBuilder migrationBuilder) { migrationBuilder.CreateTable(name: \"orders\", constraints: table => { table.ForeignKey(name: \"FK_orders_customers\", column: x => x.CustomerId, principalTable: \"customers\", principalColumn: \"Id\"); }); } }",
                ForeignKey,
                "customers",
                "customers",
            ),
        ]);
    }

    #[test]
    fn mappings_that_do_not_flag() {
        let cases = [
            "using System.Linq;\nusing static System.Math;",
            "class C { void M() { using var orders = Open(); using (var x = Open()) {} } }",
            "[Required] public string Orders { get; set; }",
            "class C { var t = new Table(\"orders\"); }",
            "class C { void M() { var x = Table(\"orders\"); } }",
            "// [Table(\"orders\")]\n/* b.Entity<Order>().ToTable(\"orders\"); */",
            "/// <summary>Maps to [Table(\"orders\")]</summary>\nclass O {}",
            "class C { string s = \"call ToTable(orders)\"; }",
            "class C { DbSet<Order> Orders { get; set; } int invoices = Orders.Count(); }",
            "class C { void M(ModelBuilder b) { b.Entity<Order>().ToTable(tableName); } }",
            "class M { void Up(MigrationBuilder migrationBuilder) { migrationBuilder.ForeignKey(name: \"orders\"); } }",
        ];
        clike::assert_no_accesses(run, &cases);
    }

    #[test]
    fn using_directives_are_imports() {
        use AccessKind::*;
        check(&[
            (
                "using Acme.Orders.Models;",
                Import,
                "Acme.Orders.Models",
                "Acme.Orders.Models",
            ),
            (
                "global using static Acme.Orders.Money;",
                Import,
                "Acme.Orders.Money",
                "Acme.Orders.Money",
            ),
            (
                "global using OrderModel = Acme.Orders.Models.Order;",
                Import,
                "Acme.Orders.Models.Order",
                "Acme.Orders.Models.Order",
            ),
            (
                "namespace X { using Acme.Orders; class C {} }",
                Import,
                "Acme.Orders",
                "Acme.Orders",
            ),
        ]);
    }

    #[test]
    fn sql_in_strings() {
        use AccessKind::*;
        check(&[
            (
                "class C { void M() { db.Orders.FromSqlRaw(\"SELECT * FROM orders WHERE id = {0}\", id); } }",
                Read,
                "orders",
                "orders",
            ),
            (
                "class C { void M() { db.Database.ExecuteSqlRaw(\"DELETE FROM carts\"); } }",
                Write,
                "carts",
                "carts",
            ),
            (
                "class C { void M() { db.Database.ExecuteSqlInterpolated($\"UPDATE orders SET paid = {paid} WHERE id = {id}\"); } }",
                Write,
                "orders",
                "orders",
            ),
            (
                "class C { void M() { conn.Query<Order>(\"SELECT * FROM orders\"); } }",
                Read,
                "orders",
                "orders",
            ),
            (
                "class C { async Task M() { await conn.ExecuteAsync(sql: \"INSERT INTO invoices (id) VALUES (@id)\", new { id }); } }",
                Write,
                "invoices",
                "invoices",
            ),
            (
                "class C { void M() { var cmd = new SqlCommand(\"SELECT id FROM payments\", conn); } }",
                Read,
                "payments",
                "payments",
            ),
            (
                "class C { void M() { cmd.CommandText = \"SELECT id FROM payments\"; } }",
                Read,
                "payments",
                "payments",
            ),
            (
                "class C { void M() { var c = new NpgsqlCommand { CommandText = @\"SELECT id\n FROM \"\"Payments\"\"\" }; } }",
                Read,
                "Payments",
                "Payments",
            ),
            (
                "class C { void M() { conn.Query(\"SELECT o.id \" +\n \"FROM orders o JOIN order_items i ON i.order_id = o.id\"); } }",
                Read,
                "order_items",
                "order_items",
            ),
            (
                "class C { const string T = \"restaurants\"; void M() { conn.Query($\"SELECT * FROM {T} WHERE id = @id\"); } }",
                Read,
                "restaurants",
                "T",
            ),
            (
                "class C { const string T = \"restaurants\"; void M() { conn.Query(string.Format(\"SELECT * FROM {0}\", T)); } }",
                Read,
                "restaurants",
                "T",
            ),
            (
                "class C { void M() { conn.Query(\"\"\"\n    SELECT *\n    FROM orders\n    \"\"\"); } }",
                Read,
                "orders",
                "orders",
            ),
        ]);
    }

    #[test]
    fn sql_traps_do_not_flag() {
        let cases = [
            "class C { void M() { Console.WriteLine(\"SELECT * FROM orders\"); } }",
            "class C { void M() { _logger.LogInformation(\"DELETE FROM orders took {Ms}\", ms); } }",
            "class C { void M() { logger.LogWarning($\"UPDATE orders SET x = {x}\"); } }",
            "class C { void M() { Log.Information(\"SELECT * FROM orders\"); } }",
            "// conn.Query(\"SELECT * FROM orders\")\n/* SELECT * FROM orders */",
            "class C { void M() { conn.Query(\"SELECT orders FROM customer_stats\"); } }",
            "class C { void M(string t) { conn.Query($\"SELECT * FROM {t}\"); } }",
            "class C { string s = $\"{{SELECT * FROM orders}}\"; }",
            "class C { void M() { throw new InvalidOperationException(\"Select a row from the orders grid.\"); } }",
        ];
        clike::assert_never_names(run, &cases, "orders");
    }

    #[test]
    fn robustness() {
        let nested = format!("class C {{ int x = {}; }}", clike::parens(50_000, "1"));
        let brackets = format!("class C {{ {} }}", "[".repeat(50_000));
        let holes = format!("class C {{ string s = $\"{}\"; }}", "{".repeat(50_000));
        clike::assert_no_accesses(run, &[nested, brackets, holes]);
        assert_eq!(run("[Table(\"orders").problems.len(), 1);
        assert_eq!(run("var s = @\"never closed").problems.len(), 1);
        assert_eq!(run("var s = \"\"\"never closed").problems.len(), 1);
        assert!(run("class\0 C { string s = \"\0\"; }").accesses.is_empty());
        assert!(run("@").accesses.is_empty() && run("$").accesses.is_empty());
    }
}
