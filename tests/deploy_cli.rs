//! CLI tests of `shared-database-credentials` over fixtures/deploy: must-flag and
//! must-not-flag repositories, suppressions and exceptions, and secrets that never
//! reach any report format.

use assert_cmd::Command;
use serde_json::Value;
#[path = "common/cli.rs"]
mod cli;
use std::path::Path;

fn ownlint(dir: &Path) -> Command {
    let mut cmd = cli::ownlint();
    cmd.current_dir(dir).env("OWNLINT_TODAY", "2026-03-01");
    cmd
}

fn run(dir: &str, args: &[&str]) -> (i32, String) {
    let out = ownlint(Path::new(dir))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// (path, line, service, message) of every finding of a JSON report.
fn rows(json: &str) -> Vec<(String, u64, String, String)> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings"))
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["service"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const SHARED: &str = "fixtures/deploy/shared";

#[test]
fn shared_credentials_are_flagged() {
    let (code, out) = run(SHARED, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let got = rows(&out);
    let want = [
        (
            "docker-compose.yml",
            15,
            "payments",
            "same database user as reporting",
        ),
        (
            "docker-compose.yml",
            20,
            "reporting",
            "same database user as payments",
        ),
        (
            "docker-compose.yml",
            20,
            "reporting",
            "connect to database `payments`, the database of payments",
        ),
        (
            "k8s/reporting.yaml",
            25,
            "reporting",
            "same database user as orders",
        ),
        (
            "services/orders/orders.env",
            2,
            "orders",
            "same database user as reporting",
        ),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for ((path, line, service, message), (wp, wl, ws, wm)) in got.iter().zip(want) {
        assert_eq!((path.as_str(), *line, service.as_str()), (wp, wl, ws));
        assert!(message.contains(wm), "{message}");
    }
    // The test's application-test.yml points at payments too: a test double, not
    // deployment.
    assert!(got.iter().all(|r| !r.0.contains("/test/")));
}

#[test]
fn shared_credentials_human_report() {
    let (code, out) = run(SHARED, &["check", "--quiet", "--color", "never"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("deploy_shared_human", out);
}

#[test]
fn secrets_never_reach_any_report() {
    let secrets = [
        "compose-root-secret-0",
        "orders-secret-1",
        "payments-secret-2",
        "reporting-secret-3",
        "k8s-secret-4",
        "test-secret-9",
    ];
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
        let (code, out) = run(SHARED, &["check", "--format", format]);
        assert_eq!(code, 1, "{format}");
        assert!(
            out.contains("shared-database-credentials"),
            "{format}: {out}"
        );
        for s in secrets {
            assert!(!out.contains(s), "{format} prints {s}:\n{out}");
        }
    }
    // The source lines a report shows have their passwords masked in place.
    let (_, out) = run(SHARED, &["check", "--color", "never"]);
    assert!(
        out.contains("postgres://payments_user:*****************@postgres"),
        "{out}"
    );
    assert!(out.contains("DB_PASSWORD: ************"), "{out}");
}

#[test]
fn own_databases_different_servers_and_infrastructure_are_not_flagged() {
    let (code, out) = run("fixtures/deploy/separate", &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert!(rows(&out).is_empty(), "{out}");
}

#[test]
fn suppressions_and_exceptions_apply() {
    let (code, out) = run("fixtures/deploy/allowed", &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["summary"]["suppressed"], 2, "{out}");
    assert_eq!(v["summary"]["excepted"], 1, "{out}");
    // Without the exception, audit's connection to billing's database is reported.
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let from = Path::new("fixtures/deploy/allowed");
    for f in ["docker-compose.yml", "data-ownership.yaml"] {
        let text = std::fs::read_to_string(from.join(f)).unwrap_or_else(|e| panic!("{e}"));
        let text = match text.find("exceptions:") {
            Some(at) if f == "data-ownership.yaml" => text[..at].to_string(),
            _ => text,
        };
        std::fs::write(tmp.path().join(f), text).unwrap_or_else(|e| panic!("{e}"));
    }
    for s in ["orders", "audit", "billing"] {
        let d = tmp.path().join("services").join(s);
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(d.join("Dockerfile"), "FROM scratch\n").unwrap_or_else(|e| panic!("{e}"));
    }
    let out = ownlint(tmp.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let got = rows(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2, "audit");
    assert!(got[0].3.contains("database `billing`"), "{}", got[0].3);
}

#[test]
fn a_run_over_some_paths_reports_the_findings_in_them() {
    let (code, out) = run(SHARED, &["check", "--format", "json", "k8s"]);
    assert_eq!(code, 1);
    let got = rows(&out);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1), ("k8s/reporting.yaml", 25));
    let (code, out) = run(SHARED, &["check", "--format", "json", "services/payments"]);
    assert_eq!(code, 0, "{out}");
    assert!(rows(&out).is_empty());
}

#[test]
fn explain_documents_the_rule() {
    let (code, out) = run(".", &["explain", "shared-database-credentials"]);
    assert_eq!(code, 0);
    for needle in ["build directory", "masked", "database: orders"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

/// A deployment file ownlint cannot read is reported where it is, never passed over in
/// silence: a compose file made unparsable would otherwise hide the credentials it
/// holds. An `appsettings.json` that starts with a byte-order mark (as Visual Studio
/// writes it) is read, and its shared credentials are found.
#[test]
fn unreadable_deployment_files_are_reported_and_a_byte_order_mark_is_read() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |rel: &str, text: &str| {
        let p = tmp.path().join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "data-ownership.yaml",
        "version: 1\nservices:\n  orders:\n    paths: [services/orders]\n    database: ordersdb\n  billing:\n    paths: [services/billing]\n    database: billingdb\n",
    );
    write("docker-compose.yml", "services:\n  orders: [unclosed\n");
    write(
        "services/orders/appsettings.json",
        "\u{feff}{ \"ConnectionStrings\": { \"Db\": \"Host=db;Database=billingdb;Username=u;Password=secret\" } }",
    );
    write("services/billing/Dockerfile", "FROM scratch\n");
    let out = ownlint(tmp.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let got = rows(&String::from_utf8_lossy(&out.stdout));
    assert!(
        got.iter()
            .any(|r| r.0 == "docker-compose.yml" && r.3.contains("was not analysed")),
        "{got:?}"
    );
    assert!(
        got.iter().any(|r| r.0 == "services/orders/appsettings.json"
            && r.2 == "orders"
            && r.3.contains("database `billingdb`")),
        "{got:?}"
    );
}

/// A Kubernetes workload named after a service's directory (`ftgo-order-service`,
/// the directory of the service `order-service`) deploys that service; a name two
/// services' directories share maps to neither.
#[test]
fn workloads_named_after_a_services_directory_are_that_service() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "data-ownership.yaml",
        "version: 1\nservices:\n  order-service:\n    paths: [ftgo-order-service]\n  kitchen-service:\n    paths: [ftgo-kitchen-service]\n  a:\n    paths: [a/worker]\n  b:\n    paths: [b/worker]\n",
    );
    let manifest = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: {name}\n        image: shop/{name}:1\n        env:\n          - name: SPRING_DATASOURCE_URL\n            value: jdbc:mysql://mysql/shop\n          - name: SPRING_DATASOURCE_USERNAME\n            value: shop\n"
        )
    };
    for name in ["ftgo-order-service", "ftgo-kitchen-service"] {
        write(&format!("{name}/k8s/{name}.yml"), &manifest(name));
    }
    // Must not: `worker` names a directory of both `a` and `b`.
    write("deploy/worker.yml", &manifest("worker"));
    write("a/worker/main.go", "package main\n");
    write("b/worker/main.go", "package main\n");
    let (code, out) = run(root.to_str().unwrap_or("."), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let got: Vec<(String, u64, String)> = rows(&out)
        .into_iter()
        .map(|(p, l, s, _)| (p, l, s))
        .collect();
    assert_eq!(
        got,
        [
            (
                "ftgo-kitchen-service/k8s/ftgo-kitchen-service.yml".to_string(),
                14,
                "kitchen-service".to_string()
            ),
            (
                "ftgo-order-service/k8s/ftgo-order-service.yml".to_string(),
                14,
                "order-service".to_string()
            ),
        ],
        "{out}"
    );
}
