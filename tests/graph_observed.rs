//! `ownlint graph --observed`: edges from `check`'s cross-service findings.

use assert_cmd::Command;
use serde_json::Value;

fn graph_json(extra: &[&str]) -> Value {
    let out = Command::cargo_bin("ownlint")
        .unwrap_or_else(|e| panic!("{e}"))
        .args([
            "graph",
            "--registry",
            "fixtures/shop/data-ownership.yaml",
            "--format",
            "json",
        ])
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"))
}

fn observed(v: &Value) -> Vec<(String, String, String)> {
    v["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter(|e| e["kind"] == "observed")
                .map(|e| {
                    let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
                    (s("from"), s("to"), s("label"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn observed_edges_come_from_cross_service_findings() {
    assert!(
        observed(&graph_json(&[])).is_empty(),
        "no observed edges without --observed"
    );
    let edges = observed(&graph_json(&["--observed"]));
    let find = |from: &str, to: &str| {
        edges
            .iter()
            .find(|(f, t, _)| f == from && t == to)
            .map(|e| e.2.clone())
    };
    // order-service writes inventory_levels behind inventory-service's back.
    assert_eq!(
        find("order-service", "inventory-service").as_deref(),
        Some("write inventory_levels")
    );
    // order-service both imports users-db and reads users: one edge, several labels.
    let users = find("order-service", "user-service").unwrap_or_default();
    assert!(
        users.contains("read users") && users.contains("import users_db"),
        "{users}"
    );
    // Exceptions and suppressions hold: inventory's excepted read of products is not an edge.
    assert_eq!(find("inventory-service", "catalog-service"), None);
}
