//! Tests of the C# extractor: must-flag and must-not-flag tables, offsets,
//! constants, robustness.

use super::*;

fn run(text: &str) -> Extracted {
    analyze_file_with(text, &Context::default(), None)
}

fn found(text: &str) -> Vec<(AccessKind, String, String)> {
    clike::testing::found(&run(text), text)
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
    clike::testing::assert_no_accesses(run, &cases);
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
    clike::testing::assert_never_names(run, &cases, "orders");
}

#[test]
fn robustness() {
    let nested = format!(
        "class C {{ int x = {}; }}",
        clike::testing::parens(50_000, "1")
    );
    let brackets = format!("class C {{ {} }}", "[".repeat(50_000));
    let holes = format!("class C {{ string s = $\"{}\"; }}", "{".repeat(50_000));
    clike::testing::assert_no_accesses(run, &[nested, brackets, holes]);
    assert_eq!(run("[Table(\"orders").problems.len(), 1);
    assert_eq!(run("var s = @\"never closed").problems.len(), 1);
    assert_eq!(run("var s = \"\"\"never closed").problems.len(), 1);
    assert!(run("class\0 C { string s = \"\0\"; }").accesses.is_empty());
    assert!(run("@").accesses.is_empty() && run("$").accesses.is_empty());
}
