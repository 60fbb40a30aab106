//! CLI tests of the rules that compare the registry's API reads and events with the
//! code (`undeclared-api-dependency`, `unused-api-dependency`, `undeclared-event`) and
//! of `graph --observed` / `waves --observed`, over `fixtures/drift`.

use assert_cmd::Command;
use serde_json::Value;
#[path = "common/cli.rs"]
mod cli;

const DRIFT: &str = "fixtures/drift";

fn ownlint() -> Command {
    let mut cmd = cli::ownlint();
    cmd.env("OWNLINT_TODAY", "2026-03-01");
    cmd
}

fn json(args: &[&str]) -> (i32, Value) {
    let out = ownlint()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

/// (rule, path, line, severity) of every finding.
fn rows(v: &Value) -> Vec<(String, String, u64, String)> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
                    (
                        s("rule"),
                        s("path"),
                        f["line"].as_u64().unwrap_or(0),
                        s("severity"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn row(rule: &str, path: &str, line: u64, severity: &str) -> (String, String, u64, String) {
    (rule.into(), path.into(), line, severity.into())
}

/// Every must-flag line of the fixture is reported, and nothing else: not the
/// declared calls and events, the service's own URL, the health probe, the third-party
/// host, the owner's own client library, the log and exception messages, the comment,
/// the test doubles, the suppressed line or the call an exception covers.
#[test]
fn drift_fixture_exact_findings() {
    let (code, v) = json(&["check", "--format", "json", DRIFT]);
    assert_eq!(code, 1);
    let java = "services/catalog/src/main/java/shop/catalog/PriceEvents.java";
    assert_eq!(
        rows(&v),
        [
            row(
                "unused-api-dependency",
                "data-ownership.yaml",
                11,
                "warning"
            ),
            row("undeclared-api-dependency", java, 7, "error"),
            row("undeclared-event", java, 16, "error"),
            row("undeclared-event", java, 19, "error"),
            row(
                "undeclared-api-dependency",
                "services/checkout/main.go",
                15,
                "error"
            ),
            row(
                "undeclared-api-dependency",
                "services/checkout/main.go",
                16,
                "error"
            ),
            row(
                "undeclared-event",
                "services/reporting/Program.cs",
                12,
                "error"
            ),
            row(
                "undeclared-event",
                "services/reporting/Program.cs",
                13,
                "error"
            ),
        ]
    );
    assert_eq!(v["summary"]["suppressed"], 1, "the allow comment");
    assert_eq!(v["summary"]["excepted"], 1, "the `api: catalog` exception");
}

/// The same rules in Python, TypeScript, Ruby and Rust (`fixtures/drift_langs`):
/// every must-flag line, and nothing else: not the declared call and events, the
/// service's own URL and health probe, the third-party host, the owner's own client
/// library, the log and exception messages (with and without parentheses), the
/// comments, the test files and Rust's `#[cfg(test)]` module.
#[test]
fn drift_fixture_in_scripting_languages_and_rust() {
    let (code, v) = json(&["check", "--format", "json", "fixtures/drift_langs"]);
    assert_eq!(code, 1);
    let (py, ts) = (
        "services/orders/app/orders.py",
        "services/inventory/src/index.ts",
    );
    let (rb, rs) = (
        "services/notifier/app/notify.rb",
        "services/shipping/src/main.rs",
    );
    assert_eq!(
        rows(&v),
        [
            row("unused-api-dependency", "data-ownership.yaml", 9, "warning"),
            row("undeclared-event", ts, 8, "error"),
            row("undeclared-api-dependency", ts, 9, "error"),
            row("undeclared-api-dependency", rb, 5, "error"),
            row("undeclared-api-dependency", py, 16, "error"),
            row("undeclared-event", py, 21, "error"),
            row("undeclared-api-dependency", rs, 6, "error"),
            row("undeclared-event", rs, 10, "error"),
        ]
    );
}

#[test]
fn drift_human_report_snapshot() {
    let out = ownlint()
        .args(["check", "--quiet", "--color", "never", DRIFT])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("drift_human", String::from_utf8_lossy(&out.stdout));
}

/// A run over some paths sees too little to call a declared dependency unused.
#[test]
fn unused_api_dependency_needs_the_whole_repository() {
    let (_, v) = json(&[
        "check",
        "--format",
        "json",
        "fixtures/drift/services/checkout/main.go",
    ]);
    let rules: Vec<String> = rows(&v).into_iter().map(|r| r.0).collect();
    assert_eq!(
        rules,
        ["undeclared-api-dependency", "undeclared-api-dependency"]
    );
}

/// A service none of whose API calls ownlint sees is not reported unused by default.
#[test]
fn unused_api_dependency_is_off_without_evidence_for_the_service() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    std::fs::create_dir_all(root.join("a")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(root.join("b")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("a/app.py"), "print('a')\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("b/main.go"), "package main\n").unwrap_or_else(|e| panic!("{e}"));
    let registry = "services:\n  a:\n    reads_from_apis:\n      - b: [GET /x]\n  b: {}\n";
    std::fs::write(root.join("data-ownership.yaml"), registry).unwrap_or_else(|e| panic!("{e}"));
    let dir_arg = root.to_string_lossy().to_string();
    let (code, v) = json(&["check", "--format", "json", &dir_arg]);
    assert_eq!((code, rows(&v)), (0, vec![]));
    // Asked for explicitly, it is reported everywhere.
    let asked = format!("{registry}rules: {{unused-api-dependency: warning}}\n");
    std::fs::write(root.join("data-ownership.yaml"), asked).unwrap_or_else(|e| panic!("{e}"));
    let (_, v) = json(&["check", "--format", "json", &dir_arg]);
    assert_eq!(
        rows(&v),
        [row(
            "unused-api-dependency",
            "data-ownership.yaml",
            4,
            "warning"
        )]
    );
}

#[test]
fn graph_observed_shows_undeclared_calls_and_events() {
    let (code, v) = json(&[
        "graph",
        "--registry",
        "fixtures/drift/data-ownership.yaml",
        "--format",
        "json",
        "--observed",
    ]);
    assert_eq!(code, 0);
    let mut edges: Vec<(String, String, String)> = v["edges"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["kind"] == "observed")
                .map(|e| {
                    let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
                    (s("from"), s("to"), s("label"))
                })
                .collect()
        })
        .unwrap_or_default();
    edges.sort();
    let edge = |a: &str, b: &str, l: &str| (a.to_string(), b.to_string(), l.to_string());
    assert_eq!(
        edges,
        [
            edge(
                "catalog",
                "legacy-pricing",
                "calls API (client of the service)"
            ),
            edge(
                "catalog",
                "payment-service",
                "consumes event payment.captured"
            ),
            edge(
                "checkout",
                "catalog",
                "calls API (environment variable holding its address)"
            ),
            // catalog publishes order.placed too (undeclared), so reporting depends on it.
            edge(
                "reporting",
                "catalog",
                "consumes event order.placed, calls API (URL of the service)"
            ),
            edge("reporting", "checkout", "consumes event order.placed"),
            // The suppressed call: suppressed findings still show what the code does.
            edge(
                "reporting",
                "payment-service",
                "calls API (URL of the service)"
            ),
        ]
    );
}

#[test]
fn waves_observed_says_where_the_plans_differ() {
    let out = ownlint()
        .args([
            "waves",
            "--registry",
            "fixtures/drift/data-ownership.yaml",
            "--observed",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("drift_waves_observed", String::from_utf8_lossy(&out.stdout));
}

/// `hosts`, `topics` and the exceptions' `api` are validated like the rest of the
/// registry.
#[test]
fn hosts_topics_and_api_exceptions_are_validated() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let registry = "services:\n  a:\n    hosts: ['']\n    publishes_events: [x.y]\n    topics: {x.z: t}\n  b: {}\nexceptions:\n  - service: a\n    api: c\n    reason: r\n";
    std::fs::write(dir.path().join("data-ownership.yaml"), registry)
        .unwrap_or_else(|e| panic!("{e}"));
    let reg = dir.path().join("data-ownership.yaml");
    let reg = reg.to_string_lossy();
    let (code, v) = json(&["validate", "--registry", &reg, "--format", "json"]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64)> = rows(&v).into_iter().map(|r| (r.0, r.2)).collect();
    assert_eq!(
        got,
        [
            ("invalid-name".to_string(), 3),
            ("invalid-name".to_string(), 5),
            ("unknown-service".to_string(), 9),
        ]
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["message"].as_str()).collect())
        .unwrap_or_default();
    assert!(messages[1].contains("`topics` maps `x.z`"), "{messages:?}");
}

#[test]
fn explain_documents_the_new_rules() {
    for rule in [
        "undeclared-api-dependency",
        "unused-api-dependency",
        "undeclared-event",
    ] {
        let out = ownlint()
            .args(["explain", rule])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{rule}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(rule));
    }
}

/// Events through NATS, Redis streams and a transactional outbox
/// (`fixtures/drift-brokers`): every must-flag line, and nothing else (not the
/// declared subject, the wildcard subscription, the cache, the log message, the
/// relay's read of its outbox or the test).
#[test]
fn broker_events_exact_findings() {
    let (code, v) = json(&["check", "--format", "json", "fixtures/drift-brokers"]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["line"].as_u64().unwrap_or(0),
                        f["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let java = "services/shipping/src/main/java/shop/shipping/Shipments.java";
    let want = [
        (
            "services/billing/consume.go",
            14,
            "`billing` consumes `order-audit`",
        ),
        (
            "services/notify/Notify.cs",
            8,
            "`notify` consumes `order-audit`",
        ),
        (
            "services/orders/publish.go",
            20,
            "`orders` publishes `orders.cancelled`",
        ),
        (
            "services/orders/publish.go",
            24,
            "`orders` publishes `order-audit`",
        ),
        (
            "services/orders/publish.go",
            29,
            "`orders` publishes `OrderShipped`",
        ),
        (java, 8, "`shipping` consumes `order-audit`"),
        (java, 13, "`shipping` publishes `ShipmentDispatched`"),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for ((path, line, message), (p, l, m)) in got.iter().zip(want) {
        assert_eq!((path.as_str(), *line), (p, l), "{message}");
        assert!(message.starts_with(m), "{message}");
    }
    assert!(
        v["findings"]
            .as_array()
            .is_some_and(|a| a.iter().all(|f| f["rule"] == "undeclared-event")),
        "{v:#}"
    );
}

/// `waves --observed --format json`: the registry's plan, and under `observed` the
/// code's plan, each difference and each service in another wave, as fields.
#[test]
fn waves_observed_json() {
    let (code, v) = json(&[
        "waves",
        "--registry",
        "fixtures/drift/data-ownership.yaml",
        "--observed",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/waves.schema.json").unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The registry's plan is unchanged at the top level.
    assert_eq!(
        v["waves"],
        serde_json::json!([
            ["catalog", "legacy-pricing", "payment-service", "reporting"],
            ["checkout"]
        ])
    );
    let o = &v["observed"];
    assert_eq!(
        o["plan"]["waves"],
        serde_json::json!([
            ["legacy-pricing", "payment-service"],
            ["catalog"],
            ["checkout", "reporting"]
        ])
    );
    assert!(o["plan"].get("version").is_none() && o["plan"].get("findings").is_none());
    assert_eq!(
        o["moved"],
        serde_json::json!([
            {"service": "catalog", "registry_wave": 1, "observed_wave": 2},
            {"service": "checkout", "registry_wave": 2, "observed_wave": 3},
            {"service": "reporting", "registry_wave": 1, "observed_wave": 3},
        ])
    );
    let diffs = o["differences"].as_array().cloned().unwrap_or_default();
    assert_eq!(diffs.len(), 9, "{diffs:#?}");
    assert_eq!(
        diffs[0],
        serde_json::json!({"kind": "undeclared-api", "service": "catalog", "subject": "legacy-pricing",
            "path": "services/catalog/src/main/java/shop/catalog/PriceEvents.java", "line": 7})
    );
    assert!(diffs.contains(
        &serde_json::json!({"kind": "unused-api", "service": "checkout",
        "subject": "legacy-pricing", "path": null, "line": null})
    ));
    assert!(diffs.contains(&serde_json::json!({"kind": "undeclared-publish", "service": "reporting",
        "subject": "ReportReadyIntegrationEvent", "path": "services/reporting/Program.cs", "line": 13})));
    assert!(diffs.contains(&serde_json::json!({"kind": "undeclared-consume", "service": "catalog",
        "subject": "payment.captured", "path": "services/catalog/src/main/java/shop/catalog/PriceEvents.java", "line": 19})));
}

/// `waves --observed --format mermaid`: the code's plan, its undeclared edges red and
/// dashed, the services in another wave outlined, the unused read in a comment.
#[test]
fn waves_observed_mermaid() {
    let out = ownlint()
        .args([
            "waves",
            "--registry",
            "fixtures/drift/data-ownership.yaml",
            "--observed",
            "--format",
            "mermaid",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(
        "drift_waves_observed_mermaid",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `graph --observed` draws the observed edges in every format.
#[test]
fn graph_observed_every_format() {
    let run = |format: &str| {
        let out = ownlint()
            .args([
                "graph",
                "--registry",
                "fixtures/drift/data-ownership.yaml",
                "--observed",
                "--format",
                format,
            ])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{format}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run("mermaid").contains("svc_checkout ==>"), "mermaid");
    assert!(run("dot").contains("class=\"observed\""), "dot");
    assert!(run("text").contains("catalog"), "text");
    assert!(run("json").contains("\"observed\""), "json");
}

/// A client generated from another service's OpenAPI spec (`fixtures/drift-specs`):
/// `openapitools.json`, Maven `<inputSpec>`, `<OpenApiReference>`, `nswag.json`,
/// `//go:generate oapi-codegen`; not the declared one, a spec outside every service,
/// the service's own spec, an unresolved `$rootDir`, test configuration, NSwag making a
/// server (billing's controllers from orders's spec), or oapi-codegen making types or
/// a server. A declared generated client counts as a call
/// (no `unused-api-dependency`).
#[test]
fn generated_clients_exact_findings() {
    let (code, v) = json(&["check", "--format", "json", "fixtures/drift-specs"]);
    assert_eq!(code, 1);
    assert_eq!(
        rows(&v),
        [
            row(
                "undeclared-api-dependency",
                "services/reports/nswag.json",
                6,
                "error"
            ),
            row(
                "undeclared-api-dependency",
                "services/reports/pom.xml",
                11,
                "error"
            ),
            row(
                "undeclared-api-dependency",
                "services/shipping/clients.go",
                5,
                "error"
            ),
            row(
                "undeclared-api-dependency",
                "services/web/Web.csproj",
                6,
                "error"
            ),
            row(
                "undeclared-api-dependency",
                "services/web/openapitools.json",
                7,
                "error"
            ),
        ]
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["message"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        messages[0],
        "`reports` generates a client of `orders`'s API from its OpenAPI spec, and its `reads_from_apis` does not list `orders`"
    );
}

/// A build file that is also read as code (`*.csproj`) judges its inline
/// suppressions once, against the generated client's finding too.
#[test]
fn generated_client_suppressed_inline_in_a_project_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    for rel in [
        "data-ownership.yaml",
        "services/orders/api/openapi.yaml",
        "services/billing/openapi.yaml",
        "services/reports/build.gradle.kts",
    ] {
        let to = root.join(rel);
        std::fs::create_dir_all(to.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(format!("fixtures/drift-specs/{rel}"), &to).unwrap_or_else(|e| panic!("{e}"));
    }
    let csproj = std::fs::read_to_string("fixtures/drift-specs/services/web/Web.csproj")
        .unwrap_or_else(|e| panic!("{e}"))
        .replace(
            "<!-- must flag: orders is not in web's reads_from_apis -->",
            "<!-- ownlint: allow(undeclared-api-dependency) -- demo client, removed in WEB-3 -->",
        );
    std::fs::create_dir_all(root.join("services/web")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("services/web/Web.csproj"), csproj).unwrap_or_else(|e| panic!("{e}"));
    // The registry's shipping service, without its generated clients.
    std::fs::create_dir_all(root.join("services/shipping")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("services/shipping/main.go"), "package main\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, v) = json(&["check", "--format", "json", &root.to_string_lossy()]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(rows(&v), []);
    assert_eq!(v["summary"]["suppressed"], 1);
}
