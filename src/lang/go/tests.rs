//! Tests of the Go extractor: must-flag and must-not-flag tables, offsets,
//! constants, robustness.

use super::*;
use crate::model::Confidence;

fn run(text: &str) -> Extracted {
    analyze_file_with(text, &Context::default(), None)
}

fn found(text: &str) -> Vec<(AccessKind, String, String)> {
    clike::testing::found(&run(text), text)
}

fn has(text: &str, kind: AccessKind, name: &str) -> bool {
    found(text).iter().any(|(k, n, at)| {
        *k == kind && n == name && at.ends_with(name.rsplit('.').next().unwrap_or(name))
    })
}

/// Each case yields an access of its kind to its table.
fn check(cases: &[(&str, AccessKind, &str)]) {
    for (src, kind, name) in cases {
        assert!(
            has(src, *kind, name),
            "{src:?}: expected {kind:?} {name}, got {:?}",
            found(src)
        );
    }
}

#[test]
fn orm_shapes_and_imports_flag() {
    use AccessKind::*;
    let cases: &[(&str, AccessKind, &str)] = &[
        (
            "package m\nfunc (Order) TableName() string { return \"orders\" }",
            Model,
            "orders",
        ),
        (
            "package m\nfunc (o *Order) TableName() string {\n\treturn \"billing.invoices\"\n}",
            Model,
            "billing.invoices",
        ),
        (
            "package m\nfunc f() { db.Table(\"orders\").Find(&x) }",
            Read,
            "orders",
        ),
        (
            "package m\nfunc f() { db.Table(\"orders o\").Find(&x) }",
            Read,
            "orders",
        ),
        (
            "package m\nfunc f() { db.Table(\"orders\").Where(\"id = ?\", id).Update(\"paid\", true) }",
            Write,
            "orders",
        ),
        (
            "package m\nfunc f() { db.Table(\"orders\").Create(&o) }",
            Write,
            "orders",
        ),
        (
            "package m\nfunc f() { db.Table(\"orders\").Where(\"id = ?\", id).Count(&n) }",
            Read,
            "orders",
        ),
        (
            "package m\nfunc f() { conn.CopyFrom(ctx, pgx.Identifier{\"sales\", \"orders\"}, cols, src) }",
            Write,
            "sales.orders",
        ),
        (
            "package m\nimport \"github.com/acme/orders/model\"",
            Import,
            "github.com/acme/orders/model",
        ),
        (
            "package m\nimport (\n\t\"fmt\"\n\tom \"github.com/acme/orders/model\"\n\t_ \"gitlab.acme.io/billing\"\n)",
            Import,
            "gitlab.acme.io/billing",
        ),
        (
            "package m\nimport (\n\t\"fmt\"\n\tom \"github.com/acme/orders/model\"\n)",
            Import,
            "github.com/acme/orders/model",
        ),
    ];
    check(cases);
}

#[test]
fn offsets_point_at_names() {
    let src = "package m\nconst T = \"orders\"\nfunc (Order) TableName() string { return T }\nimport \"github.com/acme/x\"";
    let at: Vec<&str> = run(src)
        .accesses
        .iter()
        .map(|a| &src[a.offset..a.offset + a.len])
        .collect();
    // The table name comes from `T`: the label is where the model returns it.
    assert_eq!(at, ["T", "github.com/acme/x"]);
}

/// (source, kind, table, text at the access, text of its constant's value).
type ConstCase<'a> = (&'a str, AccessKind, &'a str, &'a str, &'a str);

/// Table names from package-level constants and single-assignment variables: the
/// access is where the query uses the name, its origin the constant's literal.
#[test]
fn table_names_from_constants_point_at_the_use() {
    use AccessKind::*;
    let cases: &[ConstCase] = &[
        (
            "package m\nconst RestaurantsTableName = \"restaurants\"\nfunc f() { db.Query(fmt.Sprintf(\"SELECT * FROM %s WHERE id = $1\", RestaurantsTableName), id) }",
            Read,
            "restaurants",
            "RestaurantsTableName",
            "\"restaurants\"",
        ),
        (
            "package m\nconst (\n\tUsers = \"users\"\n)\nfunc f() { q := fmt.Sprintf(\"UPDATE %s SET name = $1\", Users); db.Exec(q) }",
            Write,
            "users",
            "Users",
            "\"users\"",
        ),
        (
            "package m\nconst ordersTable = \"orders\"\nfunc (Order) TableName() string { return ordersTable }",
            Model,
            "orders",
            "ordersTable",
            "\"orders\"",
        ),
        (
            "package m\nvar ordersTable = \"orders\"\nfunc f() { db.Exec(\"DELETE FROM \" + ordersTable + \" WHERE id = $1\", id) }",
            Write,
            "orders",
            "ordersTable",
            "\"orders\"",
        ),
        (
            "package m\nvar (\n\tordersTable string = `orders`\n)\nfunc f() { db.Table(ordersTable).Find(&x) }",
            Read,
            "orders",
            "ordersTable",
            "`orders`",
        ),
    ];
    for (src, kind, name, at, value) in cases {
        let r = run(src);
        let hit = r.accesses.iter().find(|a| {
            a.kind == *kind
                && matches!(&a.target, crate::model::Target::Table(t) if t.name == *name)
        });
        let Some(a) = hit else {
            panic!("{src:?}: expected {kind:?} {name}, got {:?}", found(src));
        };
        assert_eq!(&src[a.offset..a.offset + a.len], *at, "{src:?}");
        let Some(crate::model::Place::Here { offset, len }) = a.origin.as_ref().map(|o| o.place)
        else {
            panic!("{src:?}: no origin in this file: {a:?}");
        };
        assert_eq!(&src[offset..offset + len], *value, "{src:?}");
    }
}

/// Names that look like table constants but are no value to fill in.
#[test]
fn constants_that_do_not_flag() {
    let cases = [
        // Reassigned later: not a constant.
        "package m\nvar ordersTable = \"orders\"\nfunc init() { ordersTable = cfg.Table }\nfunc f() { db.Query(\"SELECT * FROM \" + ordersTable) }",
        // A hole whose value is not constant.
        "package m\nfunc f(t string) { db.Query(\"SELECT * FROM \" + t) }",
        // A constant holding prose, printed in a log message.
        "package m\nconst hint = \"pick the orders to delete\"\nfunc f() { log.Printf(\"DELETE FROM %s\", hint) }",
        // A constant named like a table, used only in a log message.
        "package m\nconst Orders = \"orders\"\nfunc f() { log.Printf(\"reading %s\", Orders) }",
        // An exported variable: another package may assign it.
        "package m\nvar OrdersTable = \"orders\"\nfunc f() { db.Query(\"SELECT * FROM \" + OrdersTable) }",
        // A function's own variable is not followed.
        "package m\nfunc f() { var t = \"orders\"\n\tdb.Query(\"SELECT * FROM \" + t) }",
    ];
    clike::testing::assert_never_names(run, &cases, "orders");
}

/// What a file tells its package: the constants it defines at package level (with
/// the span of their literal), the variables assigned again, the names it could
/// not fill, and its package clause.
#[test]
fn package_values() {
    let src = "package orders\nconst Orders = \"orders\"\nconst Hint = \"pick some orders\"\nvar carts = \"carts\"\nvar moved = \"moved\"\nfunc f() { moved = \"x\"; const local = \"l\"; db.Query(\"SELECT * FROM \" + Invoices) }";
    let v = run(src).values;
    assert_eq!(v.unit.as_deref(), Some("orders"));
    let defined: Vec<(&str, &str, &str, bool)> = v
        .defines
        .iter()
        .map(|d| {
            let at = &src[d.offset..d.offset + d.len];
            (d.name.as_str(), d.value.as_str(), at, d.var)
        })
        .collect();
    assert_eq!(
        defined,
        [
            ("Orders", "orders", "\"orders\"", false),
            ("carts", "carts", "\"carts\"", true),
        ]
    );
    assert!(v.assigned.contains(&"moved".to_string()), "{v:?}");
    assert_eq!(v.open, ["Invoices"]);
}

/// Constants of other files of the package fill the holes this file leaves; the
/// access points at the use and names the definition by the scan's index.
#[test]
fn known_constants_of_the_package_fill_holes() {
    let mut known = Known::default();
    known.insert("OrdersTable", "orders", 7);
    known.insert("Shadowed", "orders", 8);
    let src = "package m\nconst Shadowed = \"carts\"\nfunc f() {\n\tdb.Query(fmt.Sprintf(\"SELECT * FROM %s\", OrdersTable))\n\tdb.Exec(\"DELETE FROM \" + Shadowed)\n\tdb.Query(\"SELECT * FROM \" + Unknown)\n}";
    let r = analyze_file_with(src, &Context::default(), Some(&known));
    let got: Vec<(String, &str, Option<crate::model::Place>)> = r
        .accesses
        .iter()
        .filter_map(|a| match &a.target {
            crate::model::Target::Table(t) => Some((
                t.name.clone(),
                &src[a.offset..a.offset + a.len],
                a.origin.as_ref().map(|o| o.place),
            )),
            _ => None,
        })
        .collect();
    let decl = src.find("\"carts\"").unwrap_or(0);
    assert_eq!(
        got,
        [
            (
                "orders".to_string(),
                "OrdersTable",
                Some(crate::model::Place::Elsewhere(7))
            ),
            (
                "carts".to_string(),
                "Shadowed",
                Some(crate::model::Place::Here {
                    offset: decl,
                    len: 7
                })
            ),
        ]
    );
    assert_eq!(r.values.open, ["Unknown"]);
}

#[test]
fn shapes_that_do_not_flag() {
    let cases = [
        // Standard library imports.
        "package m\nimport (\n\t\"fmt\"\n\t\"database/sql\"\n)",
        "package m\nimport \"strings\"",
        // Not a method: a plain function called TableName.
        "package m\nfunc TableName() string { return \"orders\" }",
        // A table built at run time is not guessed.
        "package m\nfunc f() { db.Table(name).Find(&x) }",
        "package m\nfunc f() { db.Table(\"(?) as u\", sub).Find(&x) }",
        // Comments and prose.
        "package m\n// db.Table(\"orders\")\n/* func (Order) TableName() string { return \"orders\" } */",
        "package m\nvar help = \"call db.Table(orders) to read\"",
        // Identifiers named like tables.
        "package m\nfunc f(orders []Order) { for _, o := range orders { use(o) } }",
    ];
    clike::testing::assert_no_accesses(run, &cases);
}

#[test]
fn sql_in_strings() {
    use AccessKind::*;
    let cases: &[(&str, AccessKind, &str)] = &[
        (
            "package m\nfunc f() { db.Query(\"SELECT id FROM orders WHERE id = $1\", id) }",
            Read,
            "orders",
        ),
        (
            "package m\nfunc f() { db.QueryRowContext(ctx, `SELECT total FROM orders`) }",
            Read,
            "orders",
        ),
        (
            "package m\nfunc f() { db.ExecContext(ctx, \"DELETE FROM carts WHERE id = ?\", id) }",
            Write,
            "carts",
        ),
        (
            "package m\nfunc f() { db.Get(&n, \"SELECT count(*) FROM orders\") }",
            Read,
            "orders",
        ),
        (
            "package m\nfunc f() { db.Raw(\"SELECT * FROM invoices\").Scan(&x) }",
            Read,
            "invoices",
        ),
        (
            "package m\nfunc f() { db.Query(\"SELECT o.id \" +\n\t\"FROM orders o JOIN order_items i ON i.order_id = o.id\") }",
            Read,
            "order_items",
        ),
        (
            "package m\nconst listOrders = `\nSELECT id\nFROM orders\n`\nfunc f() { db.Query(listOrders) }",
            Read,
            "orders",
        ),
    ];
    check(cases);
}

#[test]
fn sql_traps_do_not_flag() {
    let cases = [
        "package m\nfunc f() { log.Printf(\"SELECT * FROM orders failed: %v\", err) }",
        "package m\nfunc f() { fmt.Println(\"DELETE FROM orders\") }",
        "package m\nfunc f() error { return fmt.Errorf(\"SELECT id FROM orders: %w\", err) }",
        "package m\nfunc f() error { return errors.New(\"INSERT INTO orders failed\") }",
        "package m\nfunc f() { logger.Info(\"SELECT * FROM orders\", zap.Error(err)) }",
        "package m\nfunc f() { logrus.WithField(\"q\", q).Errorf(\"UPDATE orders SET x = 1\") }",
        "package m\n// db.Query(\"SELECT * FROM orders\")\n",
        "package m\n/* SELECT * FROM orders */\n",
        // A column named like a table.
        "package m\nfunc f() { db.Query(\"SELECT orders FROM customer_stats\") }",
        // Prose that starts like SQL.
        "package m\nvar hint = \"select the orders you want from the list.\"",
        // Template hole without a visible constant: not guessed.
        "package m\nfunc f(t string) { db.Query(fmt.Sprintf(\"SELECT * FROM %s\", t)) }",
    ];
    clike::testing::assert_never_names(run, &cases, "orders");
}

#[test]
fn robustness() {
    let nested = format!(
        "package m\nfunc f() {{ x := {} }}",
        clike::testing::parens(50_000, "")
    );
    let calls = format!("package m\nfunc f() {{ {} }}", "db.Query(".repeat(50_000));
    clike::testing::assert_no_accesses(run, &[nested, calls]);
    let unterminated = "package m\nfunc (Order) TableName() string { return \"orders";
    let r = run(unterminated);
    assert!(!r.problems.is_empty());
    assert!(run("package m\nconst x = `never closed").problems.len() == 1);
    let nul = "package m\x00\nfunc (Order) TableName() string { return \"or\x00ders\" }";
    assert!(run(nul).accesses.iter().all(|a| a.len > 0));
    assert!(run("/* never closed").accesses.is_empty());
    assert!(run("\"\\").accesses.is_empty());
}

#[test]
fn confidence_is_high_for_explicit_shapes() {
    let a = run("package m\nfunc (Order) TableName() string { return \"orders\" }").accesses;
    assert!(a.iter().all(|a| a.confidence == Confidence::High) && !a.is_empty());
}
