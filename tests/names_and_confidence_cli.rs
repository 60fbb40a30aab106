//! CLI tests of two rules of `ownlint check` that decide whether a table finding is
//! made and how much it weighs: the case of quoted names (unquoted names fold, quoted
//! ones match exactly or, when the registry is unambiguous, case-insensitively), and
//! the severity of low-confidence findings (a warning unless the registry's
//! `rules: {low-confidence: …}` says otherwise).

use assert_cmd::Command;
use serde_json::Value;
#[path = "common/cli.rs"]
mod cli;
use std::fs;
use std::path::Path;

// Only the SARIF validation is used here.
#[allow(dead_code)]
#[path = "common/formats.rs"]
mod formats;

fn ownlint(dir: &Path) -> Command {
    let mut cmd = cli::ownlint();
    cmd.current_dir(dir).env("OWNLINT_TODAY", "2026-01-15");
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

/// Two services: `catalog` creates tables with mixed-case quoted names, `shop` (a
/// deployed directory) reads and indexes them with the same quoting.
fn mixed_case_repo(root: &Path) {
    write(
        root,
        "services/catalog/migrations/001_init.sql",
        "CREATE TABLE \"singleTypes_components\" (id int);\n\
         CREATE TABLE \"Files\" (id int);\n\
         ALTER TABLE \"singleTypes_components\" ADD COLUMN \"fileId\" int REFERENCES \"Files\"(id);\n",
    );
    write(root, "services/shop/Dockerfile", "FROM scratch\n");
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
    // `init` writes a quoted name as the code spells it (docs/init.md).
    assert!(registry.contains("- singleTypes_components"), "{registry}");
    assert!(registry.contains("- Files"), "{registry}");
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
         SELECT * FROM \"ITEMS\";\n\
         DROP TABLE IF EXISTS `ITEMS`;\n",
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
            row(
                "cross-service-ddl",
                "services/c/q.sql",
                6,
                "items",
                "error",
                "high"
            ),
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
    assert_eq!(owners, ["a", "b", "a", "a", "a"]);
}

/// `shop` reads catalog's `orders` twice: in a statement that parses (high confidence)
/// and in one that only the keyword scan reads (low confidence).
fn guess_repo(root: &Path, rules: &str) {
    write(
        root,
        "data-ownership.yaml",
        &format!("services:\n  catalog:\n    owns: [orders]\n  shop: {{}}\n{rules}"),
    );
    write(
        root,
        "services/shop/q.sql",
        "SELECT * FROM orders;\nSELECT * FROM orders WHERE ((;\n",
    );
}

#[test]
fn low_confidence_findings_are_warnings_unless_the_registry_says_otherwise() {
    let read = |line, sev: &str, conf: &str| {
        row(
            "cross-service-read",
            "services/shop/q.sql",
            line,
            "orders",
            sev,
            conf,
        )
    };
    // (rules section, findings, exit code without and with --deny-warnings)
    let cases: &[(&str, Vec<Finding>, i32)] = &[
        // By default a guess is a warning: it never fails CI by itself.
        (
            "",
            vec![read(1, "error", "high"), read(2, "warning", "low")],
            1,
        ),
        (
            "rules:\n  low-confidence: error\n",
            vec![read(1, "error", "high"), read(2, "error", "low")],
            1,
        ),
        (
            "rules:\n  low-confidence: \"off\"\n",
            vec![read(1, "error", "high")],
            1,
        ),
        // The rule's own level still applies: `low-confidence` is a ceiling.
        (
            "rules:\n  cross-service-read: warning\n  low-confidence: error\n",
            vec![read(1, "warning", "high"), read(2, "warning", "low")],
            0,
        ),
    ];
    for (rules, want, code) in cases {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        guess_repo(tmp.path(), rules);
        let (got_code, got) = check(tmp.path(), &[]);
        assert_eq!(&got, want, "{rules:?}");
        assert_eq!(got_code, *code, "{rules:?}");
    }
    // A low-confidence finding alone exits 0, and 1 with --deny-warnings.
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    guess_repo(tmp.path(), "rules:\n  cross-service-read: error\n");
    write(
        tmp.path(),
        "services/shop/q.sql",
        "SELECT * FROM orders WHERE ((;\n",
    );
    assert_eq!(check(tmp.path(), &[]).0, 0);
    assert_eq!(check(tmp.path(), &["--deny-warnings"]).0, 1);
}

#[test]
fn low_confidence_is_a_known_key_of_rules_and_a_typo_is_not() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        tmp.path(),
        "data-ownership.yaml",
        "services:\n  a: {}\nrules:\n  low-confidence: error\n",
    );
    let out = ownlint(tmp.path())
        .arg("validate")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    write(
        tmp.path(),
        "data-ownership.yaml",
        "services:\n  a: {}\nrules:\n  low-confidense: error\n",
    );
    let out = ownlint(tmp.path())
        .arg("validate")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("unknown rule `low-confidense`"), "{stdout}");
    assert!(
        stdout.contains("did you mean `low-confidence`?"),
        "{stdout}"
    );
}

#[test]
fn sarif_carries_the_confidence_as_rank_and_property() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    guess_repo(tmp.path(), "");
    let out = ownlint(tmp.path())
        .args(["check", "--format", "sarif"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    formats::assert_valid_sarif(&doc);
    let results = doc["runs"][0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {doc}"));
    let got: Vec<(&str, f64, &str)> = results
        .iter()
        .map(|r| {
            (
                r["level"].as_str().unwrap_or(""),
                r["rank"].as_f64().unwrap_or(-1.0),
                r["properties"]["confidence"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(got, [("error", 90.0, "high"), ("warning", 30.0, "low")]);
    assert_eq!(out.status.code(), Some(1));
}
