//! CLI tests of value tracking over `fixtures/values`: table names kept in constants
//! and used by queries in other files of the same package. Each finding sits on the
//! query, with a related label on the constant's definition.

use serde_json::Value;
use std::fs;
use std::path::Path;
#[path = "common/cli.rs"]
mod cli;
use cli::ownlint;
#[path = "common/copy.rs"]
mod copy;
use copy::copy_dir;

const VALUES: &str = "fixtures/values";

/// A finding as (rule, path:line of the primary label, table, the related labels
/// other than the registry's as path:line).
type Row = (String, String, String, Vec<String>);

fn rows(dir: &Path) -> (i32, Vec<Row>) {
    let out = ownlint()
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let at = |l: &Value| format!("{}:{}", l["path"].as_str().unwrap_or(""), l["line"]);
    let rows = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings"))
        .iter()
        .map(|f| {
            let related = f["related"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter(|l| l["path"] != "data-ownership.yaml")
                        .map(|l| format!("{} ({})", at(l), l["message"].as_str().unwrap_or("")))
                        .collect()
                })
                .unwrap_or_default();
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                at(f),
                f["table"].as_str().unwrap_or("").to_string(),
                related,
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), rows)
}

fn row(rule: &str, at: &str, table: &str, related: &[&str]) -> Row {
    (
        rule.to_string(),
        at.to_string(),
        table.to_string(),
        related.iter().map(|r| r.to_string()).collect(),
    )
}

/// The findings the fixture plants, exactly: a reassigned variable and a constant
/// only printed in a log message are not among them.
fn expected() -> Vec<Row> {
    vec![
        row(
            "cross-service-read",
            "services/billing/report/report.go:8",
            "orders",
            &["services/billing/report/report.go:5 (table name from `ordersTable` defined here)"],
        ),
        row(
            "cross-service-read",
            "services/billing/src/main/java/com/acme/billing/OrderReader.java:13",
            "orders",
            &[
                "services/billing/src/main/java/com/acme/billing/Tables.java:4 (table name from `Tables.ORDERS` defined here)",
            ],
        ),
        row(
            "cross-service-read",
            "services/billing/src/main/kotlin/com/acme/billing/CartReader.kt:7",
            "carts",
            &[
                "services/billing/src/main/kotlin/com/acme/billing/CartTables.kt:4 (table name from `CartTables.CARTS` defined here)",
            ],
        ),
        row(
            "cross-service-read",
            "services/billing/store/repo.go:13",
            "orders",
            &["services/billing/store/tables.go:4 (table name from `OrdersTable` defined here)"],
        ),
        row(
            "cross-service-write",
            "services/billing/store/repo.go:19",
            "order_items",
            &["services/billing/store/tables.go:6 (table name from `itemsTable` defined here)"],
        ),
        row(
            "cross-service-read",
            "services/billing/web/api/report.ts:5",
            "orders",
            &["services/billing/web/tables.ts:2 (table name from `ORDERS_TABLE` defined here)"],
        ),
    ]
}

#[test]
fn constants_of_other_files_are_followed_exactly() {
    let (code, found) = rows(Path::new(VALUES));
    assert_eq!(code, 1);
    assert_eq!(found, expected());
}

/// Rust: table names in `const`/`static` items of `crate::tables`, used by
/// `crate::db` through `use` bindings and paths (`fixtures/values_rust`); their use in
/// a log and an error message and a name no module defines are not reported.
#[test]
fn constants_of_other_rust_modules_are_followed_exactly() {
    let (code, found) = rows(Path::new("fixtures/values_rust"));
    assert_eq!(code, 1);
    let db = "services/billing/src/db/mod.rs";
    let tables = "services/billing/src/tables.rs";
    let related =
        |line: u32, name: &str| format!("{tables}:{line} (table name from `{name}` defined here)");
    assert_eq!(
        found,
        [
            row(
                "cross-service-read",
                &format!("{db}:5"),
                "orders",
                &[&related(3, "ORDERS")]
            ),
            row(
                "cross-service-write",
                &format!("{db}:6"),
                "order_items",
                &[&related(4, "ITEMS")]
            ),
            row(
                "cross-service-read",
                &format!("{db}:7"),
                "carts",
                &[&related(5, "CARTS")]
            ),
        ]
    );
}

/// The variable `cartsTable` is left out only because `setup.go` assigns it: without
/// that file it is a constant, and its query is reported.
#[test]
fn a_variable_is_a_constant_until_another_file_assigns_it() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("values");
    copy_dir(Path::new(VALUES), &root);
    fs::remove_file(root.join("services/billing/store/setup.go")).unwrap_or_else(|e| panic!("{e}"));
    let (code, found) = rows(&root);
    assert_eq!(code, 1);
    let mut want = expected();
    want.insert(
        5,
        row(
            "cross-service-read",
            "services/billing/store/repo.go:24",
            "carts",
            &["services/billing/store/tables.go:9 (table name from `cartsTable` defined here)"],
        ),
    );
    assert_eq!(found, want);
}

/// A package variable used in its own file is no constant either once another file
/// of the package assigns it; without that file, its query is reported.
#[test]
fn a_variable_used_in_its_own_file_waits_for_the_package() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("values");
    copy_dir(Path::new(VALUES), &root);
    let store = root.join("services/billing/store");
    fs::write(
        store.join("local.go"),
        "package store\n\nvar localCarts = \"carts\"\n\nfunc (r *Repo) LocalCarts() {\n\tr.db.Query(\"SELECT id FROM \" + localCarts)\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, found) = rows(&root);
    let mut want = expected();
    want.insert(
        3,
        row(
            "cross-service-read",
            "services/billing/store/local.go:6",
            "carts",
            &["services/billing/store/local.go:3 (table name from `localCarts` defined here)"],
        ),
    );
    assert_eq!(found, want);
    fs::write(
        store.join("override.go"),
        "package store\n\nfunc override(t string) { localCarts = t }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, found) = rows(&root);
    assert_eq!(found, expected());
}

/// A constant that names nothing any file of its package defines stays a hole, and a
/// definition in another package (directory) is not used: no finding from guessing.
#[test]
fn unknown_names_and_other_packages_are_not_guessed() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("values");
    copy_dir(Path::new(VALUES), &root);
    let other = root.join("services/billing/other");
    fs::create_dir_all(&other).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        other.join("q.go"),
        "package other\n\nfunc f() {\n\tdb.Query(\"SELECT * FROM \" + OrdersTable)\n\tdb.Query(\"SELECT * FROM \" + Unknown)\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, found) = rows(&root);
    assert_eq!(found, expected());
}

/// A suppression on the query's line applies to a finding whose table name comes
/// from another file, and is not reported as unused.
#[test]
fn suppressions_apply_at_the_query() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("values");
    copy_dir(Path::new(VALUES), &root);
    let repo = root.join("services/billing/store/repo.go");
    let text = fs::read_to_string(&repo).unwrap_or_else(|e| panic!("{e}"));
    let text = text.replace(
        "\tq := fmt.Sprintf(",
        "\t// ownlint: allow(cross-service-read) -- migrating to the orders API\n\tq := fmt.Sprintf(",
    );
    fs::write(&repo, text).unwrap_or_else(|e| panic!("{e}"));
    let (_, found) = rows(&root);
    let mut want = expected();
    want.remove(3);
    // The lines after the comment moved down by one.
    want[3].1 = "services/billing/store/repo.go:20".to_string();
    assert_eq!(found, want);
}

#[test]
fn values_human_report_snapshot() {
    let out = ownlint()
        .args(["check", "--quiet", "--color", "never", VALUES])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("values_human", String::from_utf8_lossy(&out.stdout));
}

const VALUES_PYTHON: &str = "fixtures/values_python";

/// Python: module constants of `app/db/tables.py` used by other modules of the
/// service through relative and absolute imports (`fixtures/values_python`); a name
/// bound twice, a name no module defines, prose and a log message are not reported.
fn expected_python() -> Vec<Row> {
    let tables = "services/billing/app/db/tables.py";
    let related =
        |line: u32, name: &str| format!("{tables}:{line} (table name from `{name}` defined here)");
    vec![
        row(
            "cross-service-write",
            "services/billing/app/repo.py:11",
            "order_items",
            &[&related(4, "ITEMS")],
        ),
        row(
            "cross-service-read",
            "services/billing/app/repo.py:15",
            "carts",
            &[&related(5, "CARTS")],
        ),
        row(
            "cross-service-read",
            "services/billing/app/repo.py:19",
            "orders",
            &[&related(3, "ORDERS")],
        ),
        row(
            "cross-service-read",
            "services/billing/app/report.py:5",
            "orders",
            &[&related(3, "ORDERS")],
        ),
    ]
}

#[test]
fn constants_of_other_python_modules_are_followed_exactly() {
    let (code, found) = rows(Path::new(VALUES_PYTHON));
    assert_eq!(code, 1);
    assert_eq!(found, expected_python());
}

/// billing's `app.db.tables` is found on its own import root; without it, the
/// `app.db.tables` of order-service (other values) is not used in its place, and an
/// absolute import it cannot resolve stays unknown.
#[test]
fn python_imports_resolve_on_the_service_own_root_only() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("values_python");
    copy_dir(Path::new(VALUES_PYTHON), &root);
    fs::remove_file(root.join("services/billing/app/db/tables.py"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, found) = rows(&root);
    assert_eq!((code, found), (0, Vec::new()));
}

/// A module constant assigned again, here by another binding in its module, is no
/// constant: the queries that use it are not reported.
#[test]
fn a_python_constant_bound_twice_is_not_used() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("values_python");
    copy_dir(Path::new(VALUES_PYTHON), &root);
    let tables = root.join("services/billing/app/db/tables.py");
    let mut text = fs::read_to_string(&tables).unwrap_or_else(|e| panic!("{e}"));
    text.push_str("\nif DEBUG:\n    ORDERS = \"orders_debug\"\n");
    fs::write(&tables, text).unwrap_or_else(|e| panic!("{e}"));
    let (_, found) = rows(&root);
    let want: Vec<Row> = expected_python()
        .into_iter()
        .filter(|r| r.2 != "orders")
        .collect();
    assert_eq!(found, want);
}
