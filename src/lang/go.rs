//! Go: `database/sql`, sqlx, pgx and GORM calls, `fmt.Sprintf`-built SQL, GORM
//! `TableName()` models, and imports.
//!
//! The lexing and the SQL-in-strings walk are shared with Java/Kotlin/C# in
//! [`clike`](super::clike); this module only names Go's sinks, log calls and shapes.

use super::clike::{self, Call, Dialect, Rules, Sink, Source};
use super::sinks::{self, NonSql, SinkKind};
use super::{Context, Extracted};
use crate::model::{Access, AccessKind, ImportRef};

/// GORM's `TableName()` method and `.Table("t")` name tables in code that may not
/// mention them in SQL; pgx `CopyFrom` names its target in a `pgx.Identifier`.
pub const MARKERS: &[&str] = &["TableName()", ".Table(", "pgx.Identifier{"];

struct Go;

impl Go {
    fn kind(&self, src: &Source, call: &Call) -> Option<SinkKind> {
        let name = src.ident(call.name)?;
        sinks::go(call.recv.and_then(|r| src.ident(r)), name)
    }
}

impl Rules for Go {
    fn dialect(&self) -> Dialect {
        Dialect::Go
    }

    fn prose(&self, src: &Source, call: &Call) -> Option<NonSql> {
        match self.kind(src, call)? {
            SinkKind::NonSql(k) => Some(k),
            SinkKind::Sql => None,
        }
    }

    fn sink(&self, src: &Source, call: &Call) -> Sink {
        match self.kind(src, call) {
            Some(SinkKind::Sql) => Sink::Sql,
            _ => Sink::None,
        }
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

/// Analyses a Go file.
pub fn analyze_file(_path: &str, text: &str, ctx: &Context) -> Extracted {
    clike::run(&Go, text, ctx)
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
mod tests {
    use super::*;
    use crate::model::Confidence;

    fn run(text: &str) -> Extracted {
        analyze_file("svc/repo.go", text, &Context::default())
    }

    /// (kind, qualified name, text at the access's offset).
    fn found(text: &str) -> Vec<(AccessKind, String, String)> {
        crate::lang::clike::described(&run(text), text)
            .into_iter()
            .map(|(k, n, t, _)| (k, n, t))
            .collect()
    }

    fn has(text: &str, kind: AccessKind, name: &str) -> bool {
        found(text).iter().any(|(k, n, at)| {
            *k == kind && n == name && at.ends_with(name.rsplit('.').next().unwrap_or(name))
        })
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
                "package m\nconst ordersTable = \"orders\"\nfunc (Order) TableName() string { return ordersTable }",
                Model,
                "orders",
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
        for (src, kind, name) in cases {
            assert!(
                has(src, *kind, name),
                "{src:?}: expected {kind:?} {name}, got {:?}",
                found(src)
            );
        }
    }

    #[test]
    fn offsets_point_at_names() {
        let src = "package m\nconst T = \"orders\"\nfunc (Order) TableName() string { return T }\nimport \"github.com/acme/x\"";
        for a in run(src).accesses {
            let at = &src[a.offset..a.offset + a.len];
            assert!(at == "orders" || at == "github.com/acme/x", "{at:?}");
        }
        assert_eq!(run(src).accesses.len(), 2);
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
        for src in cases {
            assert!(found(src).is_empty(), "{src:?}: {:?}", found(src));
        }
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
                "package m\nconst RestaurantsTableName = \"restaurants\"\nfunc f() { db.Query(fmt.Sprintf(\"SELECT * FROM %s WHERE id = $1\", RestaurantsTableName), id) }",
                Read,
                "restaurants",
            ),
            (
                "package m\nconst (\n\tUsers = \"users\"\n)\nfunc f() { q := fmt.Sprintf(\"UPDATE %s SET name = $1\", Users); db.Exec(q) }",
                Write,
                "users",
            ),
            (
                "package m\nconst listOrders = `\nSELECT id\nFROM orders\n`\nfunc f() { db.Query(listOrders) }",
                Read,
                "orders",
            ),
        ];
        for (src, kind, name) in cases {
            assert!(
                has(src, *kind, name),
                "{src:?}: expected {kind:?} {name}, got {:?}",
                found(src)
            );
        }
    }

    #[test]
    fn sprintf_constant_offset_points_at_the_constant() {
        let src = "package m\nconst T = \"restaurants\"\nfunc f() { db.Query(fmt.Sprintf(\"SELECT * FROM %s\", T)) }";
        let decl = src.find("restaurants").unwrap_or(0);
        let a = run(src).accesses;
        assert!(
            a.iter()
                .any(|a| a.offset == decl && a.len == "restaurants".len()),
            "{a:?}"
        );
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
        for src in cases {
            assert!(
                !found(src).iter().any(|(_, n, _)| n == "orders"),
                "{src:?}: {:?}",
                found(src)
            );
        }
    }

    #[test]
    fn robustness() {
        let nested = format!(
            "package m\nfunc f() {{ x := {}{} }}",
            "(".repeat(50_000),
            ")".repeat(50_000)
        );
        assert!(run(&nested).accesses.is_empty());
        let calls = format!("package m\nfunc f() {{ {} }}", "db.Query(".repeat(50_000));
        assert!(run(&calls).accesses.is_empty());
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
}
