//! `ownlint waves`: the example of the spec, cycles, events, every format.

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::{Value, json};

mod common;
use common::{ok, run};

fn assert_schema_valid(doc: &Value) {
    let text = std::fs::read_to_string("schemas/waves.schema.json").expect("schema readable");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn waves_json(fixture: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json", "waves"];
    args.extend_from_slice(extra);
    let doc: Value = serde_json::from_str(&ok(fixture, &args)).expect("valid JSON");
    assert_schema_valid(&doc);
    doc
}

// ---------------------------------------------------------------- the example

#[test]
fn the_example_plans_exactly() {
    let doc = waves_json("shop", &[]);
    assert_eq!(
        doc["waves"],
        json!([
            ["catalog-service", "user-service"],
            ["inventory-service", "notification-service"],
            ["order-service"]
        ])
    );
    assert_eq!(
        doc["critical_path"],
        json!(["catalog-service", "inventory-service", "order-service"])
    );
    assert_eq!(doc["cycles"], json!([]));
    assert_eq!(doc["findings"], json!([]));
    assert_eq!(
        doc["waits_on"],
        json!({
            "catalog-service": [],
            "user-service": [],
            "inventory-service": ["catalog-service"],
            "notification-service": ["user-service"],
            "order-service": ["catalog-service", "inventory-service", "user-service"],
        })
    );
    // The event is shown, not ordering.
    assert_eq!(
        doc["events"],
        json!([{
            "consumer": "notification-service",
            "publisher": "order-service",
            "events": ["order.placed"],
            "use": "shown"
        }])
    );
}

#[test]
fn the_example_in_text() {
    let (code, out, err) = run("shop", &["waves"]);
    assert_eq!(code, 0);
    assert!(err.is_empty(), "{err}");
    assert!(
        out.contains(
            "Critical path (3 waves): catalog-service → inventory-service → order-service"
        )
    );
    insta::assert_snapshot!("waves_text_shop", out);
}

// ---------------------------------------------------------------- cycles

#[test]
fn a_cycle_is_one_group_in_one_wave_with_a_warning() {
    let (code, out, err) = run("cycle", &["waves"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("waves_text_cycle", out);
    // The warning is a real finding on stderr, naming every member and the lines
    // of the reads that close the cycle.
    assert!(err.contains("dependency-cycle"), "{err}");
    assert!(
        err.contains("account-service → billing-service → ledger-service"),
        "{err}"
    );
    assert!(err.contains("data-ownership.yaml:6:9"), "{err}");
    for line in [
        "- ledger-service: [GET /entries]",
        "- account-service: [GET /accounts/:id]",
        "- billing-service: [GET /invoices?account=]",
    ] {
        assert!(err.contains(line), "{line} in {err}");
    }

    let doc = waves_json("cycle", &[]);
    assert_eq!(
        doc["waves"],
        json!([
            ["config-service"],
            ["account-service", "billing-service", "ledger-service"],
            ["report-service"]
        ])
    );
    assert_eq!(
        doc["cycles"],
        json!([["account-service", "billing-service", "ledger-service"]])
    );
    assert_eq!(
        doc["critical_path_groups"],
        json!([
            ["config-service"],
            ["account-service", "billing-service", "ledger-service"],
            ["report-service"]
        ])
    );
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "dependency-cycle");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], 6);
    let related: Vec<&Value> = f["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| &r["line"])
        .collect();
    assert_eq!(related, [&json!(11), &json!(15)]);
    // Members do not wait on each other.
    assert_eq!(
        doc["waits_on"]["billing-service"],
        json!(["config-service"])
    );
    assert_eq!(doc["waits_on"]["ledger-service"], json!([]));
}

#[test]
fn the_canonical_registry_groups_user_and_order_service() {
    let (code, out, err) = run("canonical", &["waves"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("order-service → user-service → order-service"),
        "{err}"
    );
    insta::assert_snapshot!("waves_text_canonical", out);
    let doc = waves_json("canonical", &[]);
    assert_eq!(
        doc["waves"],
        json!([
            ["catalog-service"],
            ["inventory-service", "order-service", "user-service"]
        ])
    );
    assert_eq!(doc["cycles"], json!([["order-service", "user-service"]]));
    assert_eq!(
        doc["critical_path"],
        json!(["catalog-service", "inventory-service"])
    );
    assert_eq!(doc["findings"][0]["line"], 18);
    assert_eq!(doc["findings"][0]["related"][0]["line"], 32);
}

#[test]
fn deny_warnings_turns_a_cycle_into_exit_1() {
    assert_eq!(run("canonical", &["--deny-warnings", "waves"]).0, 1);
    assert_eq!(run("shop", &["--deny-warnings", "waves"]).0, 0);
}

#[test]
fn a_cycle_rule_turned_off_still_groups_but_does_not_warn() {
    let (code, _, err) = run("cycle-off", &["--deny-warnings", "waves"]);
    assert_eq!(code, 0);
    assert!(err.is_empty(), "{err}");
    let doc = waves_json("cycle-off", &[]);
    assert_eq!(doc["waves"], json!([["a-service", "b-service"]]));
    assert_eq!(doc["cycles"], json!([["a-service", "b-service"]]));
    assert_eq!(doc["findings"], json!([]));
}

// ---------------------------------------------------------------- events

#[test]
fn events_are_shown_but_do_not_order_by_default() {
    let doc = waves_json("events", &[]);
    assert_eq!(
        doc["waves"],
        json!([
            [
                "catalog-service",
                "payment-service",
                "search.indexer",
                "shipping-service"
            ],
            ["order-service"]
        ])
    );
    assert_eq!(doc["include_events"], false);
    assert!(
        doc["events"]
            .as_array()
            .expect("events")
            .iter()
            .all(|e| e["use"] == "shown")
    );
    insta::assert_snapshot!("waves_text_events", ok("events", &["waves"]));
}

#[test]
fn include_events_orders_by_them_without_closing_cycles() {
    let doc = waves_json("events", &["--include-events"]);
    // order consumes payment.captured (added first: o < p), so payment's
    // consumption of order.placed would close a cycle and is skipped.
    assert_eq!(
        doc["waves"],
        json!([
            ["catalog-service", "payment-service"],
            ["order-service", "search.indexer"],
            ["shipping-service"]
        ])
    );
    let uses: Vec<(String, String, String)> = doc["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (s("consumer"), s("publisher"), s("use"))
        })
        .collect();
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        uses,
        [
            t("order-service", "payment-service", "ordered"),
            t("payment-service", "order-service", "would-close-cycle"),
            t("search.indexer", "catalog-service", "ordered"),
            t("shipping-service", "order-service", "ordered"),
            t("shipping-service", "payment-service", "ordered"),
        ]
    );
    assert_eq!(
        doc["critical_path"],
        json!(["catalog-service", "order-service", "shipping-service"])
    );
    assert_eq!(
        doc["waits_on"]["order-service"],
        json!(["catalog-service", "payment-service"])
    );
    assert_eq!(
        doc["services"][1],
        json!({
            "name": "order-service",
            "wave": 2,
            "waits_on_events": ["payment-service"],
            "cycle": null
        })
    );
    // No cycle warning: skipped events are not cycles.
    assert_eq!(doc["cycles"], json!([]));
    insta::assert_snapshot!(
        "waves_text_events_included",
        ok("events", &["waves", "--include-events"])
    );
}

#[test]
fn events_inside_a_cycle_group_do_not_order() {
    let doc = waves_json("canonical", &["--include-events"]);
    assert_eq!(
        doc["waves"],
        json!([
            ["catalog-service"],
            ["inventory-service", "order-service", "user-service"]
        ])
    );
}

// ---------------------------------------------------------------- formats

#[test]
fn markdown_is_a_tracking_table() {
    let out = ok("shop", &["--format", "markdown", "waves"]);
    assert!(out.contains("| Wave | Service | Waits on | Status |"));
    assert!(
        out.contains("| 3 | order-service | catalog-service, inventory-service, user-service |  |")
    );
    insta::assert_snapshot!("waves_markdown_shop", out);
    insta::assert_snapshot!(
        "waves_markdown_canonical",
        ok("canonical", &["--format", "markdown", "waves"])
    );
}

#[test]
fn mermaid_has_a_subgraph_per_wave() {
    let out = ok("shop", &["--format", "mermaid", "waves"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let subgraphs: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("subgraph "))
        .collect();
    assert_eq!(
        subgraphs,
        [
            "subgraph wave_1[\"Wave 1\"]",
            "subgraph wave_2[\"Wave 2\"]",
            "subgraph wave_3[\"Wave 3\"]"
        ]
    );
    assert_eq!(out.lines().filter(|l| l.trim() == "end").count(), 3);
    // Release order: catalog before inventory before order; the event is dashed.
    assert!(out.contains("    svc_catalog_service --> svc_inventory_service\n"));
    assert!(
        out.contains("    svc_order_service -.->|\"order.placed\"| svc_notification_service\n")
    );
    insta::assert_snapshot!(
        "waves_mermaid_canonical",
        ok("canonical", &["--format", "mermaid", "waves"])
    );
}

#[test]
fn other_formats_are_usage_errors() {
    for f in ["dot", "human", "sarif", "github"] {
        let (code, out, err) = run("shop", &["--format", f, "waves"]);
        assert_eq!(code, 2, "{f}");
        assert!(out.is_empty());
        assert!(err.contains("use text, markdown, json or mermaid"), "{err}");
    }
}

#[test]
fn an_empty_registry_plans_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data-ownership.yaml");
    std::fs::write(&path, "services: {}\n").expect("write");
    let out = cargo_bin_cmd!("ownlint")
        .arg("--registry")
        .arg(&path)
        .args(["--format", "json", "waves"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_schema_valid(&doc);
    assert_eq!(doc["waves"], json!([]));
    assert_eq!(doc["critical_path"], json!([]));
}

// ---------------------------------------------------------------- benchmark

/// Not a test: the phase timings of `bench/graph.sh`, which generates the registries
/// and runs `cargo test --release --test waves_cli -- --ignored --nocapture` with
/// `OWNLINT_BENCH_REGISTRIES` (paths separated by `:`). Asserts nothing about time.
#[test]
#[ignore = "benchmark: run by bench/graph.sh"]
fn bench_phases() {
    use ownlint::graph::plan::{PlanOptions, plan};
    use ownlint::graph::{Graph, api_cycles, render};
    use std::time::{Duration, Instant};

    let Ok(paths) = std::env::var("OWNLINT_BENCH_REGISTRIES") else {
        eprintln!("OWNLINT_BENCH_REGISTRIES is not set: nothing to measure");
        return;
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
        let mut best = Duration::MAX;
        let mut out = None;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            let v = f();
            best = best.min(t.elapsed());
            out = Some(v);
        }
        (best, out.expect("ran at least once"))
    }
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| registry | load YAML | build graph | plan | plan --include-events | cycles | plan total | waves text | waves json | graph json |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for path in paths.split(':') {
        let path = std::path::Path::new(path);
        let (load, reg) = best(runs, || {
            ownlint::registry::load(path).expect("registry loads")
        });
        let (build, graph) = best(runs, || Graph::from_registry(&reg));
        let (planned, p) = best(runs, || plan(&graph, PlanOptions::default()));
        let (with_events, _) = best(runs, || {
            plan(
                &graph,
                PlanOptions {
                    include_events: true,
                },
            )
        });
        let (cycles, _) = best(runs, || api_cycles(&reg));
        let (text, _) = best(runs, || render::waves_text(&graph, &p, false));
        let (json, _) = best(runs, || render::waves_json_text(&graph, &p, false, &[]));
        let (graph_json, _) = best(runs, || render::graph_json_text(&graph));
        let name = path
            .parent()
            .and_then(|d| d.file_name())
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        println!(
            "| {name} ({} services, {} edges, {} waves) | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            graph.len(),
            graph.edges().len(),
            p.waves.len(),
            ms(load),
            ms(build),
            ms(planned),
            ms(with_events),
            ms(cycles),
            ms(build + planned + cycles),
            ms(text),
            ms(json),
            ms(graph_json),
        );
    }
}
