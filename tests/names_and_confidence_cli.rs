//! CLI tests of two rules of `ownlint check` that decide whether a table finding is
//! made and how much it weighs: the case of quoted names (unquoted names fold, quoted
//! ones match exactly or, when the registry is unambiguous, case-insensitively), and
//! the severity of low-confidence findings (a warning unless the registry's
//! `rules: {low-confidence: …}` says otherwise).

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn ownlint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ownlint").unwrap_or_else(|e| panic!("{e}"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("OWNLINT_TODAY", "2026-01-15")
        .env_remove("OWNLINT_REGISTRY");
    cmd
}

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
    fs::write(p, content).unwrap_or_else(|e| panic!("{e}"));
}

/// (exit code, (rule, path, line, table, severity, confidence) of every finding).
type Finding = (String, String, u64, String, String, String);

fn check(root: &Path, format_args: &[&str]) -> (i32, Vec<Finding>) {
    let out = ownlint(root)
        .args(["check", "--format", "json"])
        .args(format_args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let s = |f: &Value, k: &str| f[k].as_str().unwrap_or("").to_string();
    let findings = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array: {v}"))
        .iter()
        .map(|f| {
            (
                s(f, "rule"),
                s(f, "path"),
                f["line"].as_u64().unwrap_or(0),
                s(f, "table"),
                s(f, "severity"),
                s(f, "confidence"),
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), findings)
}

fn row(rule: &str, path: &str, line: u64, table: &str, sev: &str, conf: &str) -> Finding {
    (
        rule.into(),
        path.into(),
        line,
        table.into(),
        sev.into(),
        conf.into(),
    )
}

/// Two services: `catalog` creates tables with mixed-case quoted names, `shop` reads
/// and indexes them with the same quoting.
fn mixed_case_repo(root: &Path) {
    write(
        root,
        "services/catalog/migrations/001_init.sql",
        "CREATE TABLE \"singleTypes_components\" (id int);\n\
         CREATE TABLE \"Files\" (id int);\n\
         ALTER TABLE \"singleTypes_components\" ADD COLUMN \"fileId\" int REFERENCES \"Files\"(id);\n",
    );
    write(
        root,
        "services/shop/src/q.sql",
        "SELECT * FROM \"singleTypes_components\";\nSELECT * FROM SINGLETYPES_COMPONENTS;\n",
    );
}

#[test]
fn init_then_check_agree_on_mixed_case_quoted_names() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    mixed_case_repo(root);
    let out = ownlint(root)
        .arg("init")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let registry =
        fs::read_to_string(root.join("data-ownership.yaml")).unwrap_or_else(|e| panic!("{e}"));
    // `init` writes the names folded, as the registry lists them.
    assert!(registry.contains("- singletypes_components"), "{registry}");
    assert!(registry.contains("- files"), "{registry}");
    // No `unowned-table` for the quoted names: they are the entries `init` wrote.
    // `shop` reads catalog's table, quoted and unquoted.
    let (code, findings) = check(root, &[]);
    let read = |line| {
        row(
            "cross-service-read",
            "services/shop/src/q.sql",
            line,
            "singletypes_components",
            "error",
            "high",
        )
    };
    assert_eq!(findings, vec![read(1), read(2)]);
    assert_eq!(code, 1);
}

#[test]
fn a_quoted_name_matches_exactly_or_when_the_registry_is_unambiguous() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    // `Orders` and `ORDERS` differ only by case, in two databases; `Items` has one
    // spelling.
    write(
        root,
        "data-ownership.yaml",
        "services:\n  a:\n    database: one\n    owns: [Orders, Items]\n  b:\n    database: two\n    owns: [ORDERS]\n  c: {}\n",
    );
    write(
        root,
        "services/c/q.sql",
        "SELECT * FROM \"Orders\";\n\
         SELECT * FROM \"ORDERS\";\n\
         SELECT * FROM \"orders\";\n\
         SELECT * FROM \"items\";\n\
         SELECT * FROM \"ITEMS\";\n",
    );
    let (code, findings) = check(root, &[]);
    let read = |line, table| {
        row(
            "cross-service-read",
            "services/c/q.sql",
            line,
            table,
            "error",
            "high",
        )
    };
    // Must flag: each exact spelling, and `Items` in any case. Must not flag:
    // `"orders"`, which would be a guess between `Orders` and `ORDERS`.
    assert_eq!(
        findings,
        vec![
            read(1, "orders"),
            read(2, "orders"),
            read(4, "items"),
            read(5, "items"),
        ]
    );
    assert_eq!(code, 1);
    // Each exact spelling names its own owner.
    let out = ownlint(root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let owners: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["owner"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(owners, ["a", "b", "a", "a"]);
}
