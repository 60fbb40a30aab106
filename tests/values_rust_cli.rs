//! CLI test of value tracking in Rust over `fixtures/values_rust`: table names kept in
//! constants of one module of a crate and used by queries in another module. Each
//! finding sits on the query, with a related label on the constant's definition.

use assert_cmd::Command;
use serde_json::Value;

fn ownlint() -> Command {
    let mut cmd = Command::cargo_bin("ownlint").unwrap_or_else(|e| panic!("{e}"));
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("OWNLINT_REGISTRY");
    cmd
}

#[test]
fn constants_of_other_modules_of_the_crate_are_followed_exactly() {
    let out = ownlint()
        .args(["check", "--format", "json", "fixtures/values_rust"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let at = |l: &Value| {
        format!(
            "{}:{}:{}",
            l["path"].as_str().unwrap_or(""),
            l["line"],
            l["column"]
        )
    };
    let found: Vec<(String, String, String, Vec<String>)> = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings"))
        .iter()
        .map(|f| {
            let related = f["related"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|l| l["path"] != "data-ownership.yaml")
                .map(|l| format!("{} ({})", at(l), l["message"].as_str().unwrap_or("")))
                .collect();
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                at(f),
                f["table"].as_str().unwrap_or("").to_string(),
                related,
            )
        })
        .collect();
    let tables = "services/billing/src/tables.rs";
    let db = "services/billing/src/db/mod.rs";
    let row = |rule: &str, at: String, table: &str, related: String| {
        (rule.to_string(), at, table.to_string(), vec![related])
    };
    assert_eq!(
        found,
        [
            row(
                "cross-service-read",
                format!("{db}:5:49"),
                "orders",
                format!("{tables}:3:26 (table name from `ORDERS` defined here)"),
            ),
            row(
                "cross-service-write",
                format!("{db}:6:64"),
                "order_items",
                format!("{tables}:4:32 (table name from `ITEMS` defined here)"),
            ),
            row(
                "cross-service-read",
                format!("{db}:7:46"),
                "carts",
                format!("{tables}:5:25 (table name from `CARTS` defined here)"),
            ),
        ]
    );
}
