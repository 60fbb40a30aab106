//! `ownlint graph`: every format over fixture registries, focus, errors, and the
//! rendering of observed edges (added through the library, as `check` will).

use ownlint::graph::{Graph, render};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

mod common;
use common::{ok, registry, run};

fn assert_schema_valid(schema_file: &str, doc: &Value) {
    let text = std::fs::read_to_string(schema_file).expect("schema readable");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{schema_file}: {errors:#?}\n{doc:#}");
}

fn graph_json(fixture: &str, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "graph"];
    all.extend_from_slice(args);
    let doc: Value = serde_json::from_str(&ok(fixture, &all)).expect("valid JSON");
    assert_schema_valid("schemas/graph.schema.json", &doc);
    doc
}

fn service_names(doc: &Value) -> Vec<String> {
    doc["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn edges(doc: &Value) -> Vec<(String, String, String, String)> {
    doc["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (s("from"), s("to"), s("kind"), s("label"))
        })
        .collect()
}

fn e(from: &str, to: &str, kind: &str, label: &str) -> (String, String, String, String) {
    (from.into(), to.into(), kind.into(), label.into())
}

// ---------------------------------------------------------------- text

#[test]
fn text_is_a_tree_per_service() {
    insta::assert_snapshot!("graph_text_shop", ok("shop", &["graph"]));
    insta::assert_snapshot!("graph_text_events", ok("events", &["graph"]));
    insta::assert_snapshot!("graph_text_canonical", ok("canonical", &["graph"]));
}

#[test]
fn text_is_the_default_and_quiet_drops_the_summary() {
    let text = ok("shop", &["graph"]);
    assert_eq!(text, ok("shop", &["--format", "text", "graph"]));
    let quiet = ok("shop", &["--quiet", "graph"]);
    assert!(text.contains("5 services, 5 sync edges"));
    assert!(!quiet.contains("5 services"));
}

// ---------------------------------------------------------------- json

#[test]
fn json_matches_the_schema_and_the_registry() {
    let doc = graph_json("shop", &[]);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        service_names(&doc),
        [
            "catalog-service",
            "inventory-service",
            "notification-service",
            "order-service",
            "user-service"
        ]
    );
    let order = &doc["services"][3];
    assert_eq!(order["owns"], serde_json::json!(["orders", "order_items"]));
    assert_eq!(order["publishes"], serde_json::json!(["order.placed"]));
    assert_eq!(
        edges(&doc),
        [
            e(
                "inventory-service",
                "catalog-service",
                "sync",
                "GET /products/:id"
            ),
            e(
                "notification-service",
                "order-service",
                "async",
                "order.placed"
            ),
            e(
                "notification-service",
                "user-service",
                "sync",
                "GET /users/:id/email"
            ),
            e(
                "order-service",
                "catalog-service",
                "sync",
                "GET /products/:id"
            ),
            e(
                "order-service",
                "inventory-service",
                "sync",
                "POST /reservations"
            ),
            e("order-service", "user-service", "sync", "GET /users/:id"),
        ]
    );
    for fixture in ["canonical", "cycle", "events"] {
        graph_json(fixture, &[]);
    }
}

// ---------------------------------------------------------------- mermaid

/// Checks the structure of a `graph --format mermaid` output and returns
/// (node id → label, edges as (from id, arrow, to id)).
type MermaidNodes = Vec<(String, String)>;
type MermaidLinks = Vec<(String, String, String)>;

fn parse_mermaid(text: &str) -> (MermaidNodes, MermaidLinks) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"), "header");
    let id_ok =
        |id: &str| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut nodes = Vec::new();
    let mut links = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with("%%") || line.starts_with("linkStyle ") {
            continue;
        }
        if let Some((id, rest)) = line.split_once("[\"") {
            let label = rest.strip_suffix("\"]").expect("node label closes");
            assert!(id_ok(id), "node id {id:?}");
            assert!(!label.contains('"'), "quotes escaped in {label:?}");
            nodes.push((id.to_string(), label.to_string()));
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (from, arrow) = (parts[0], parts[1]);
        let (arrow, to) = match arrow.split_once('|') {
            // `a -->|"label"| b`
            Some((arrow, _)) => (arrow, *parts.last().expect("target")),
            None => (arrow, parts[2]),
        };
        assert!(["-->", "-.->", "==>"].contains(&arrow), "arrow in {line:?}");
        assert!(id_ok(from) && id_ok(to), "ids in {line:?}");
        links.push((from.to_string(), arrow.to_string(), to.to_string()));
    }
    (nodes, links)
}

#[test]
fn mermaid_has_one_node_per_service_and_styled_edges() {
    for fixture in ["shop", "events", "canonical", "cycle", "odd-names"] {
        let doc = graph_json(fixture, &[]);
        let text = ok(fixture, &["--format", "mermaid", "graph"]);
        let (nodes, links) = parse_mermaid(&text);
        let labels: Vec<String> = nodes.iter().map(|(_, l)| l.clone()).collect();
        assert_eq!(labels, service_names(&doc), "{fixture}");
        let ids: BTreeSet<&String> = nodes.iter().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), nodes.len(), "unique ids in {fixture}");
        let label_of = |id: &str| {
            nodes
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, l)| l.clone())
                .expect("edge ends are declared nodes")
        };
        let got: Vec<(String, String, String)> = links
            .iter()
            .map(|(f, a, t)| (label_of(f), a.clone(), label_of(t)))
            .collect();
        let want: Vec<(String, String, String)> = edges(&doc)
            .into_iter()
            .map(|(f, t, k, _)| (f, if k == "sync" { "-->" } else { "-.->" }.to_string(), t))
            .collect();
        assert_eq!(got, want, "{fixture}");
    }
    let text = ok("events", &["--format", "mermaid", "graph"]);
    assert!(text.contains("    svc_search_indexer[\"search.indexer\"]"));
    // `o-x` and `o.x` sanitize alike: the second gets a suffix. Labels use entity
    // codes for quotes, `#`, `<`, `>`.
    let odd = ok("odd-names", &["--format", "mermaid", "graph"]);
    assert!(
        odd.contains("    svc_o_x[\"o-x\"]\n    svc_o_x_2[\"o.x\"]\n"),
        "{odd}"
    );
    assert!(
        odd.contains(
            r#"-->|"GET /a|b #quot;quoted#quot; #35;frag #lt;tag#gt; #96;tick#96;"| svc_o_x_2"#
        ),
        "{odd}"
    );
    assert!(text.contains("linkStyle"));
}

// ---------------------------------------------------------------- dot

#[derive(Debug, PartialEq)]
enum Tok {
    Id(String),
    Punct(char),
    Arrow,
}

/// A tokenizer for the DOT subset ownlint writes: quoted and bare ids, `->`,
/// punctuation. Panics on anything else (unterminated strings, stray characters).
fn dot_tokens(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '{' | '}' | '[' | ']' | ';' | ',' | '=' => toks.push(Tok::Punct(c)),
            '-' if chars.peek() == Some(&'>') => {
                chars.next();
                toks.push(Tok::Arrow);
            }
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next().expect("unterminated string") {
                        '\\' => {
                            let n = chars.next().expect("escape");
                            s.push(if n == 'n' { '\n' } else { n });
                        }
                        '"' => break,
                        c => s.push(c),
                    }
                }
                toks.push(Tok::Id(s));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => {
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' || n == '.' {
                        s.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Id(s));
            }
            c => panic!("unexpected character {c:?} in DOT"),
        }
    }
    toks
}

type Attrs = Vec<(String, String)>;

/// Parses `digraph ID { stmt* }` where a statement is `ID [attrs];`, `ID -> ID
/// [attrs];`, `node|edge [attrs];` or `key=value;`. Returns nodes and edges.
fn parse_dot(text: &str) -> (Vec<String>, Vec<(String, String, Attrs)>) {
    let toks = dot_tokens(text);
    let mut i = 0;
    let id = |i: &mut usize| -> String {
        match &toks[*i] {
            Tok::Id(s) => {
                *i += 1;
                s.clone()
            }
            t => panic!("expected an id, found {t:?}"),
        }
    };
    let punct = |i: &mut usize, c: char| {
        assert_eq!(toks[*i], Tok::Punct(c), "at token {i}");
        *i += 1;
    };
    let attrs = |i: &mut usize| -> Attrs {
        let mut v = Vec::new();
        if toks.get(*i) != Some(&Tok::Punct('[')) {
            return v;
        }
        punct(i, '[');
        while toks[*i] != Tok::Punct(']') {
            let k = id(i);
            punct(i, '=');
            let val = id(i);
            v.push((k, val));
            if toks[*i] == Tok::Punct(',') {
                *i += 1;
            }
        }
        punct(i, ']');
        v
    };
    assert_eq!(id(&mut i), "digraph");
    id(&mut i);
    punct(&mut i, '{');
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    while toks[i] != Tok::Punct('}') {
        let first = id(&mut i);
        if toks[i] == Tok::Arrow {
            i += 1;
            let to = id(&mut i);
            let a = attrs(&mut i);
            edges.push((first, to, a));
        } else if toks[i] == Tok::Punct('=') {
            i += 1;
            id(&mut i);
        } else {
            attrs(&mut i);
            if first != "node" && first != "edge" {
                nodes.push(first);
            }
        }
        punct(&mut i, ';');
    }
    punct(&mut i, '}');
    assert_eq!(i, toks.len(), "nothing after the graph");
    (nodes, edges)
}

#[test]
fn dot_parses_back_to_the_same_graph() {
    for fixture in ["shop", "events", "canonical", "cycle", "odd-names"] {
        let doc = graph_json(fixture, &[]);
        let text = ok(fixture, &["--format", "dot", "graph"]);
        let (nodes, dot_edges) = parse_dot(&text);
        assert_eq!(nodes, service_names(&doc), "{fixture}");
        let got: Vec<(String, String, String, String)> = dot_edges
            .into_iter()
            .map(|(f, t, a)| {
                let get = |k: &str| {
                    a.iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                if get("class") == "async" {
                    assert_eq!(get("style"), "dashed");
                }
                (f, t, get("class"), get("label"))
            })
            .collect();
        assert_eq!(got, edges(&doc), "{fixture}");
    }
}

// ---------------------------------------------------------------- focus

#[test]
fn focus_keeps_dependencies_and_dependents_transitively() {
    // inventory reads catalog; order reads inventory; notification consumes
    // order.placed (it depends on order); user is unrelated to inventory.
    let doc = graph_json("shop", &["--focus", "inventory-service"]);
    assert_eq!(
        service_names(&doc),
        [
            "catalog-service",
            "inventory-service",
            "notification-service",
            "order-service"
        ]
    );
    // Edges between kept services only.
    assert!(
        edges(&doc)
            .iter()
            .all(|(f, t, _, _)| f != "user-service" && t != "user-service")
    );
    let doc = graph_json("shop", &["--focus", "inventory-service", "--depth", "1"]);
    assert_eq!(
        service_names(&doc),
        ["catalog-service", "inventory-service", "order-service"]
    );
    let doc = graph_json("shop", &["--focus", "inventory-service", "--depth", "0"]);
    assert_eq!(service_names(&doc), ["inventory-service"]);
    assert!(edges(&doc).is_empty());
}

#[test]
fn reverse_focus_is_the_blast_radius() {
    let doc = graph_json("shop", &["--focus", "catalog-service", "--reverse"]);
    assert_eq!(
        service_names(&doc),
        [
            "catalog-service",
            "inventory-service",
            "notification-service",
            "order-service"
        ]
    );
    let doc = graph_json(
        "shop",
        &["--focus", "catalog-service", "--reverse", "--depth", "1"],
    );
    assert_eq!(
        service_names(&doc),
        ["catalog-service", "inventory-service", "order-service"]
    );
    let doc = graph_json("shop", &["--focus", "order-service", "--reverse"]);
    assert_eq!(
        service_names(&doc),
        ["notification-service", "order-service"]
    );
    insta::assert_snapshot!(
        "graph_text_focus_reverse",
        ok("shop", &["graph", "--focus", "user-service", "--reverse"])
    );
}

#[test]
fn unknown_focus_is_a_usage_error_with_a_suggestion() {
    let (code, out, err) = run("shop", &["graph", "--focus", "inventory-servce"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("no service `inventory-servce`"), "{err}");
    assert!(err.contains("did you mean `inventory-service`?"), "{err}");
    let (code, _, err) = run("shop", &["graph", "--focus", "zzz"]);
    assert_eq!(code, 2);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn depth_and_reverse_need_focus() {
    assert_eq!(run("shop", &["graph", "--depth", "1"]).0, 2);
    assert_eq!(run("shop", &["graph", "--reverse"]).0, 2);
}

#[test]
fn other_formats_are_usage_errors() {
    for f in ["markdown", "human", "sarif", "github"] {
        let (code, out, err) = run("shop", &["--format", f, "graph"]);
        assert_eq!(code, 2, "{f}");
        assert!(out.is_empty());
        assert!(err.contains("use text, mermaid, dot or json"), "{err}");
    }
    assert_eq!(run("shop", &["--format", "yaml", "graph"]).0, 2);
}

#[test]
fn a_broken_registry_exits_2() {
    let (code, _, _) = run("does-not-exist", &["graph"]);
    assert_eq!(code, 2);
}

// ---------------------------------------------------------------- observed edges

fn with_observed() -> Graph {
    let reg = ownlint::registry::load(Path::new(&registry("shop"))).expect("fixture loads");
    let mut g = Graph::from_registry(&reg);
    assert!(g.add_observed(
        "notification-service",
        "order-service",
        "reads table orders"
    ));
    assert!(g.add_observed(
        "notification-service",
        "order-service",
        "reads table order_items"
    ));
    assert!(g.add_observed("catalog-service", "user-service", "imports \"user-client\""));
    assert!(!g.add_observed("catalog-service", "nobody", "x"));
    g
}

#[test]
fn observed_edges_render_in_every_format() {
    let g = with_observed();

    let doc = render::graph_json(&g);
    assert_schema_valid("schemas/graph.schema.json", &doc);
    let observed: Vec<_> = edges(&doc)
        .into_iter()
        .filter(|(_, _, k, _)| k == "observed")
        .collect();
    assert_eq!(
        observed,
        [
            e(
                "catalog-service",
                "user-service",
                "observed",
                "imports \"user-client\""
            ),
            e(
                "notification-service",
                "order-service",
                "observed",
                "reads table orders, reads table order_items"
            ),
        ]
    );

    let mermaid = render::graph_mermaid(&g);
    let (_, links) = parse_mermaid(&mermaid);
    assert_eq!(links.iter().filter(|(_, a, _)| a == "==>").count(), 2);
    assert!(mermaid.contains("#quot;user-client#quot;"), "{mermaid}");
    // The observed edges are the 1st and 4th edges (sorted by from, to, kind).
    assert!(
        mermaid.contains("linkStyle 0,3 stroke:#d73a49,stroke-width:3px"),
        "{mermaid}"
    );

    let dot = render::graph_dot(&g);
    let (_, dot_edges) = parse_dot(&dot);
    let red: Vec<_> = dot_edges
        .iter()
        .filter(|(_, _, a)| a.contains(&("color".to_string(), "#d73a49".to_string())))
        .map(|(f, t, _)| (f.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        red,
        [
            ("catalog-service", "user-service"),
            ("notification-service", "order-service")
        ]
    );

    insta::assert_snapshot!("graph_text_observed", render::graph_text(&g, true));
}

#[test]
fn observed_edges_survive_focus() {
    let g = with_observed();
    let f = g.focus("user-service", None, true).expect("known service");
    let names: Vec<&str> = f.services().map(|s| s.name.as_str()).collect();
    // catalog is coupled to user in code: it is in user's blast radius.
    assert!(names.contains(&"catalog-service"), "{names:?}");
}
