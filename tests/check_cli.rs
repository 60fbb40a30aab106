//! CLI tests of `ownlint check` and `ownlint baseline` over the bundled shop fixture.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
#[path = "common/cli.rs"]
mod cli;
use cli::ownlint;
#[path = "common/copy.rs"]
mod copy;
use copy::copy_dir;

const SHOP: &str = "fixtures/shop";

/// (rule, path, line, subject) of a finding.
type Row = (String, String, u64, String);

/// The rows of every finding of a JSON report.
fn findings(out: &[u8]) -> Vec<Row> {
    let v: Value = serde_json::from_slice(out).unwrap_or_else(|e| panic!("invalid JSON: {e}"));
    v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array"))
        .iter()
        .map(|f| {
            let subject = f["table"]
                .as_str()
                .or(f["import"].as_str())
                .unwrap_or("")
                .to_string();
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                subject,
            )
        })
        .collect()
}

fn check_json(dir: &Path, args: &[&str]) -> (i32, Vec<Row>, Value) {
    let out = ownlint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap_or(-1),
        findings(&out.stdout),
        v["summary"].clone(),
    )
}

/// A private copy of the shop fixture.
fn shop_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path().join("shop");
    copy_dir(Path::new(SHOP), &root);
    (tmp, root)
}

fn expected_shop() -> Vec<Row> {
    [
        (
            "unassigned-access",
            "scripts/weekly_report.sql",
            2,
            "orders",
        ),
        (
            "unused-suppression",
            "services/inventory/src/stock.rs",
            9,
            "",
        ),
        (
            "cross-service-model",
            "services/invoicing/src/Data/InvoicingContext.cs",
            15,
            "payments",
        ),
        (
            "cross-service-model",
            "services/invoicing/src/Data/InvoicingContext.cs",
            42,
            "refunds",
        ),
        (
            "cross-service-write",
            "services/invoicing/src/Data/InvoicingContext.cs",
            48,
            "sessions",
        ),
        (
            "cross-service-model",
            "services/loyalty/app/models/loyalty_account.rb",
            16,
            "users",
        ),
        (
            "cross-service-ddl",
            "services/loyalty/db/migrate/20240101000000_create_loyalty.rb",
            9,
            "orders",
        ),
        (
            "cross-service-ddl",
            "services/notifications/migrations/20240101_init.ts",
            11,
            "users",
        ),
        (
            "cross-service-model",
            "services/notifications/prisma/schema.prisma",
            24,
            "user_profiles",
        ),
        (
            "cross-service-model",
            "services/notifications/src/entities.ts",
            14,
            "users",
        ),
        (
            "cross-service-import",
            "services/notifications/src/index.ts",
            3,
            "@shop/users-sdk",
        ),
        (
            "cross-service-import",
            "services/notifications/src/index.ts",
            4,
            "../../users/users-sdk/src/format",
        ),
        (
            "cross-service-model",
            "services/notifications/src/models.ts",
            12,
            "payments",
        ),
        (
            "cross-service-model",
            "services/notifications/src/models.ts",
            23,
            "refunds",
        ),
        (
            "cross-service-read",
            "services/notifications/src/queries.ts",
            19,
            "orders",
        ),
        (
            "cross-service-read",
            "services/notifications/src/queries.ts",
            23,
            "user_profiles",
        ),
        (
            "cross-service-read",
            "services/notifications/src/queries.ts",
            32,
            "users",
        ),
        (
            "cross-service-write",
            "services/notifications/src/queries.ts",
            37,
            "sessions",
        ),
        (
            "cross-service-import",
            "services/orders/Cargo.toml",
            12,
            "users-db",
        ),
        (
            "cross-service-foreign-key",
            "services/orders/migrations/001_orders.sql",
            7,
            "users",
        ),
        (
            "unowned-table",
            "services/orders/migrations/001_orders.sql",
            20,
            "shipments",
        ),
        (
            "cross-service-ddl",
            "services/orders/migrations/001_orders.sql",
            23,
            "products",
        ),
        (
            "cross-service-write",
            "services/orders/src/db.rs",
            4,
            "inventory_levels",
        ),
        (
            "cross-service-read",
            "services/orders/src/db.rs",
            13,
            "users",
        ),
        (
            "cross-service-import",
            "services/orders/src/lib.rs",
            10,
            "users_db",
        ),
        (
            "cross-service-model",
            "services/orders/src/schema.rs",
            10,
            "products",
        ),
        (
            "cross-service-ddl",
            "services/payments/migrations/versions/001_init.py",
            18,
            "carriers",
        ),
        (
            "cross-service-model",
            "services/payments/payments/models.py",
            24,
            "orders",
        ),
        (
            "cross-service-model",
            "services/payments/payments/models.py",
            37,
            "user_profiles",
        ),
        (
            "cross-service-import",
            "services/payments/payments/queries.py",
            5,
            "orders.repository",
        ),
        (
            "cross-service-read",
            "services/payments/payments/queries.py",
            18,
            "order_items",
        ),
        (
            "cross-service-write",
            "services/payments/payments/queries.py",
            27,
            "order_status_history",
        ),
        (
            "cross-service-model",
            "services/reviews/src/main/java/com/shop/reviews/ProductSnapshot.java",
            9,
            "products",
        ),
        (
            "cross-service-import",
            "services/reviews/src/main/java/com/shop/reviews/ReviewRepository.java",
            3,
            "com.shop.catalog.search.SearchIndex",
        ),
        (
            "cross-service-read",
            "services/reviews/src/main/java/com/shop/reviews/ReviewRepository.java",
            35,
            "users",
        ),
        (
            "cross-service-read",
            "services/reviews/src/main/java/com/shop/reviews/ReviewRepository.java",
            42,
            "order_items",
        ),
        (
            "cross-service-model",
            "services/shipping/internal/store/models.go",
            22,
            "orders",
        ),
        (
            "cross-service-import",
            "services/shipping/internal/store/queries.go",
            9,
            "github.com/shop/inventory/reserve",
        ),
        (
            "cross-service-read",
            "services/shipping/internal/store/queries.go",
            24,
            "users",
        ),
        (
            "cross-service-read",
            "services/shipping/internal/store/queries.go",
            32,
            "user_profiles",
        ),
        (
            "cross-service-write",
            "services/shipping/internal/store/queries.go",
            43,
            "payments",
        ),
    ]
    .iter()
    .map(|(r, p, l, s)| (r.to_string(), p.to_string(), *l, s.to_string()))
    .collect()
}

#[test]
fn shop_fixture_exact_findings() {
    let (code, found, summary) = check_json(Path::new("."), &[SHOP]);
    assert_eq!(code, 1);
    assert_eq!(found, expected_shop());
    assert_eq!(summary["suppressed"], 1, "the allow comment in db.rs");
    assert_eq!(
        summary["excepted"], 1,
        "the registry exception for inventory-service"
    );
    assert_eq!(summary["errors"], 39);
    assert_eq!(summary["warnings"], 2);
}

/// The vendored `node_modules/` holds SQL and Knex calls on other services' tables:
/// the fixture's `.ignore` keeps it out, and without that entry it would be reported,
/// so the trap is armed.
#[test]
fn vendored_node_modules_are_ignored_through_dot_ignore() {
    let vendored = "services/notifications/node_modules/legacy-mailer/index.js";
    assert!(Path::new(SHOP).join(vendored).is_file());
    let (_tmp, root) = shop_copy();
    let ignore = root.join(".ignore");
    let text = fs::read_to_string(&ignore).unwrap_or_default();
    assert!(text.lines().any(|l| l == "node_modules/"));
    fs::write(&ignore, text.replace("node_modules/\n", "")).unwrap_or_else(|e| panic!("{e}"));
    let (_, found, _) = check_json(&root, &[]);
    let leaked: Vec<&str> = found
        .iter()
        .filter(|f| f.1 == vendored)
        .map(|f| f.3.as_str())
        .collect();
    assert!(
        leaked.contains(&"users") && leaked.contains(&"payments"),
        "{found:?}"
    );
}

#[test]
fn shop_human_report_snapshot() {
    let out = ownlint()
        .args(["check", "--quiet", "--color", "never", SHOP])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("shop_human", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn gitignored_and_vendored_sql_is_not_scanned() {
    let (_tmp, root) = shop_copy();
    let target = root.join("services/orders/target/debug");
    fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        target.join("leak.sql"),
        "SELECT * FROM users; CREATE TABLE ghosts (id int);",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, found, _) = check_json(&root, &[]);
    assert_eq!(found, expected_shop());
}

#[test]
fn file_arguments_scan_only_those_files() {
    let (code, found, _) = check_json(Path::new("."), &["fixtures/shop/services/orders/src/db.rs"]);
    assert_eq!(code, 1);
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["cross-service-write", "cross-service-read"]);
}

#[test]
fn passing_the_registry_checks_the_whole_repo() {
    let (_, found, _) = check_json(Path::new("."), &["fixtures/shop/data-ownership.yaml"]);
    assert_eq!(found, expected_shop());
}

#[test]
fn unparsable_file_is_a_warning_and_the_run_goes_on() {
    let (_tmp, root) = shop_copy();
    fs::write(
        root.join("services/orders/src/broken.rs"),
        "fn broken( { let q = \"SELECT * FROM users\";",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let deep = format!(
        "fn deep() {{ let x = {}1{}; let q = \"SELECT * FROM users\"; }}",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    fs::write(root.join("services/orders/src/deep.rs"), deep).unwrap_or_else(|e| panic!("{e}"));
    let (code, found, _) = check_json(&root, &[]);
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|f| f.0 == "skipped-file" && f.1 == "services/orders/src/broken.rs"),
        "a Rust file that does not even tokenize is not analysed at all: {found:?}"
    );
    assert!(
        found.iter().any(|f| f.1 == "services/orders/src/deep.rs"),
        "deep nesting is reported, not a crash: {found:?}"
    );
    for f in expected_shop() {
        assert!(found.contains(&f), "missing {f:?}");
    }
}

#[test]
fn baseline_life_cycle() {
    let (_tmp, root) = shop_copy();
    // Write, and refuse to overwrite.
    ownlint()
        .current_dir(&root)
        .arg("baseline")
        .assert()
        .success();
    assert!(root.join("ownlint-baseline.json").is_file());
    ownlint()
        .current_dir(&root)
        .arg("baseline")
        .assert()
        .code(2);

    // Clean check.
    let (code, found, summary) = check_json(&root, &[]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    assert_eq!(summary["baselined"], 41);

    // Lines shifted and other lines edited: still clean.
    let db = root.join("services/orders/src/db.rs");
    let text = fs::read_to_string(&db).unwrap_or_default();
    fs::write(
        &db,
        format!(
            "// moved down\n\n\n{}",
            text.replace("Ok(())\n}", "let _unrelated = 1;\n    Ok(())\n}")
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, found, _) = check_json(&root, &[]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");

    // A new violation: exactly that one.
    let text = fs::read_to_string(&db).unwrap_or_default();
    fs::write(
        &db,
        format!("{text}\npub const SESSIONS: &str = \"DELETE FROM sessions WHERE id = $1\";\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, found, _) = check_json(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.3.as_str()))
            .collect::<Vec<_>>(),
        [("cross-service-write", "sessions")]
    );

    // A fixed violation: stale-baseline.
    let schema = root.join("services/orders/src/schema.rs");
    let text = fs::read_to_string(&schema).unwrap_or_default();
    let cut = text
        .find("// PLANTED cross-service-model")
        .unwrap_or(text.len());
    fs::write(&schema, &text[..cut]).unwrap_or_else(|e| panic!("{e}"));
    let (code, found, _) = check_json(&root, &[]);
    assert_eq!(code, 1);
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert!(rules.contains(&"stale-baseline"), "{found:?}");

    // With file arguments only entries for those files can be stale.
    let (_, found, _) = check_json(&root, &["services/orders/src/lib.rs"]);
    assert!(
        found.is_empty(),
        "no stale entries for files outside the arguments: {found:?}"
    );

    // --update shrinks it; then clean again apart from the new violation.
    ownlint()
        .current_dir(&root)
        .args(["baseline", "--update"])
        .assert()
        .success();
    let (code, found, _) = check_json(&root, &[]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    let (_, found, _) = check_json(&root, &["--no-baseline"]);
    assert_eq!(found.len(), 41, "40 recorded + the new one: {found:?}");
}

#[test]
fn changed_since_checks_only_changed_files() {
    let (_tmp, root) = shop_copy();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args([
                "-c",
                "user.email=t@example.com",
                "-c",
                "user.name=t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&root)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "base"]);
    fs::write(
        root.join("services/inventory/src/new.rs"),
        "const Q: &str = \"SELECT * FROM orders\";\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    git(&["add", "-A"]);
    let (_, found, _) = check_json(&root, &["--changed-since", "HEAD"]);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str()))
            .collect::<Vec<_>>(),
        [("cross-service-read", "services/inventory/src/new.rs")]
    );

    // Outside a git repository: a clear error, exit 2.
    let (_tmp2, plain) = shop_copy();
    let out = ownlint()
        .current_dir(&plain)
        .args(["check", "--changed-since", "HEAD"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("git"));
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let run = |threads: &str| {
        ownlint()
            .args(["check", "--format", "json", "-j", threads, SHOP])
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default()
    };
    let strip = |out: Vec<u8>| {
        let mut v: Value = serde_json::from_slice(&out).unwrap_or_default();
        v["summary"]["duration_ms"] = Value::Null;
        v
    };
    let one = strip(run("1"));
    assert_eq!(one, strip(run("2")));
    assert_eq!(one, strip(run("8")));
}

#[test]
fn closed_pipe_ends_quietly() {
    let exe = assert_cmd::cargo::cargo_bin("ownlint");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' check --color never {SHOP} | head -1",
            exe.display()
        ))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn query_file_is_followed_inside_the_repository_only() {
    let (tmp, root) = shop_copy();
    fs::write(tmp.path().join("outside.sql"), "SELECT * FROM users;\n")
        .unwrap_or_else(|e| panic!("{e}"));
    fs::create_dir_all(root.join("services/orders/queries")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        root.join("services/orders/queries/users.sql"),
        "SELECT email FROM users WHERE id = $1;\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let src = "pub async fn f(pool: &sqlx::PgPool) {\n    \
               sqlx::query_file!(\"queries/users.sql\", 1).fetch_one(pool).await.ok();\n    \
               sqlx::query_file!(\"../../../outside.sql\").fetch_one(pool).await.ok();\n    \
               sqlx::query_file!(\"/etc/hostname\").fetch_one(pool).await.ok();\n}\n";
    fs::write(root.join("services/orders/src/files.rs"), src).unwrap_or_else(|e| panic!("{e}"));
    let (_, found, _) = check_json(&root, &["services/orders/src/files.rs"]);
    let rows: Vec<(&str, u64, &str)> = found
        .iter()
        .map(|f| (f.0.as_str(), f.2, f.3.as_str()))
        .collect();
    // Only the query file inside the repository is followed, reported at the macro.
    assert_eq!(rows, [("cross-service-read", 2, "users")]);
}

/// A table two services own (each in its own database), read by a third: the finding
/// names the first owner in registry order, and points at the other entry too.
#[test]
fn a_table_owned_in_two_databases_names_the_first_owner() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let tables = [
        "invoices", "refunds", "payouts", "disputes", "fees", "taxes",
    ];
    let list = tables.join(", ");
    fs::write(
        root.join("data-ownership.yaml"),
        format!(
            "services:\n  billing: {{paths: [billing], database: billing_db, owns: [{list}]}}\n  \
             ledger: {{paths: [ledger], database: ledger_db, owns: [{list}]}}\n  \
             reports: {{paths: [reports], owns: [summaries]}}\n"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for dir in ["billing", "ledger", "reports"] {
        fs::create_dir_all(root.join(dir)).unwrap_or_else(|e| panic!("{e}"));
    }
    let sql: String = tables
        .iter()
        .map(|t| format!("SELECT * FROM {t};\n"))
        .collect();
    fs::write(root.join("reports/q.sql"), sql).unwrap_or_else(|e| panic!("{e}"));
    let (code, rows, _) = check_json(root, &[]);
    assert_eq!(code, 1);
    assert_eq!(rows.len(), tables.len(), "{rows:?}");
    let out = ownlint()
        .current_dir(root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    for f in v["findings"].as_array().into_iter().flatten() {
        assert_eq!(f["owner"], "billing", "{f}");
        let related: Vec<(u64, &str)> = f["related"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["line"].as_u64().unwrap_or(0),
                    r["message"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            related,
            [
                (2, "owned by `billing` here"),
                (3, "also owned here (another database)")
            ],
            "{f}"
        );
    }
}
