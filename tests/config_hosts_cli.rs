//! CLI tests of configuration evidence for `undeclared-api-dependency` over
//! fixtures/deploy/hosts: another service's host in a service's own settings (compose,
//! Kubernetes, appsettings) is flagged at the setting; its own hosts, probes, third
//! parties, databases, loopback, placeholders, test configuration, declared calls and
//! address books several services load are not.

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = "fixtures/deploy/hosts";

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("ownlint")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(FIXTURE)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("OWNLINT_TODAY", "2026-03-01")
        .env_remove("OWNLINT_REGISTRY")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// (rule, path, line, column, service, owner) of every finding of a JSON report.
fn rows(json: &str) -> Vec<(String, String, u64, u64, String, String)> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let s = |f: &Value, k: &str| f[k].as_str().unwrap_or("").to_string();
    v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings"))
        .iter()
        .map(|f| {
            (
                s(f, "rule"),
                s(f, "path"),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
                s(f, "service"),
                s(f, "owner"),
            )
        })
        .collect()
}

fn row(
    path: &str,
    line: u64,
    column: u64,
    from: &str,
    to: &str,
) -> (String, String, u64, u64, String, String) {
    (
        "undeclared-api-dependency".into(),
        path.into(),
        line,
        column,
        from.into(),
        to.into(),
    )
}

#[test]
fn hosts_of_other_services_in_own_settings_are_flagged_at_the_setting() {
    let (code, out) = run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    // No unused-api-dependency either: gateway's declared read of orders is seen in
    // its configuration.
    assert_eq!(
        rows(&out),
        [
            row("docker-compose.yml", 11, 28, "gateway", "payments"),
            row("k8s/reporting.yaml", 16, 23, "reporting", "orders"),
            row(
                "services/orders/appsettings.json",
                3,
                25,
                "orders",
                "payments"
            ),
            row(
                "services/reporting/src/main/resources/application.yml",
                3,
                38,
                "reporting",
                "payments"
            ),
        ]
    );
}

#[test]
fn a_password_in_the_url_never_reaches_any_report() {
    for format in [
        "human",
        "concise",
        "json",
        "json-lines",
        "sarif",
        "github",
        "gitlab",
        "junit",
    ] {
        let (code, out) = run(&["check", "--format", format]);
        assert_eq!(code, 1, "{format}");
        assert!(out.contains("payments"), "{format}: {out}");
        assert!(!out.contains("report-secret-9"), "{format}: {out}");
    }
}

#[test]
fn an_inline_suppression_in_the_configuration_holds() {
    let (code, out) = run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["summary"]["suppressed"].as_u64(), Some(1), "{out}");
    assert!(!out.contains("unused-suppression"), "{out}");
    // The suppressed call is still an edge of the observed graph.
    let (_, waves) = run(&["waves", "--observed"]);
    assert!(
        waves.contains("gateway calls reporting (undeclared, docker-compose.yml:22)"),
        "{waves}"
    );
}

#[test]
fn human_report_names_the_setting() {
    let (code, out) = run(&["check", "--quiet", "--color", "never"]);
    assert_eq!(code, 1);
    assert!(out.contains("in the setting `PAYMENTS_URL`"), "{out}");
    insta::assert_snapshot!("config_hosts_human", out);
}

#[test]
fn a_run_over_some_paths_reports_the_settings_in_them() {
    let (code, out) = run(&["check", "--format", "json", "services/orders"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        rows(&out),
        [row(
            "services/orders/appsettings.json",
            3,
            25,
            "orders",
            "payments"
        )]
    );
    let (code, out) = run(&["check", "--format", "json", "services/gateway"]);
    assert_eq!(code, 0, "{out}");
    assert!(rows(&out).is_empty(), "{out}");
}

#[test]
fn the_observed_graph_holds_the_configured_calls() {
    let (code, out) = run(&["waves", "--observed"]);
    assert_eq!(code, 0, "{out}");
    for line in [
        "gateway calls payments (undeclared, docker-compose.yml:11)",
        "orders calls payments (undeclared, services/orders/appsettings.json:3)",
        "reporting calls orders (undeclared, k8s/reporting.yaml:16)",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    assert!(!out.contains("gateway calls orders"), "{out}");
}
