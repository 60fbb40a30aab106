//! Output of `ownlint graph` (text, Mermaid, DOT, JSON) and `ownlint waves` (text,
//! Markdown, JSON, Mermaid). Every function returns the whole output as a string;
//! the commands write it.

use super::plan::{EventUse, Plan, Wait};
use super::{Edge, EdgeKind, Graph};
use crate::model::finding::Finding;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

/// The version of the JSON outputs of `graph` and `waves`.
pub const JSON_VERSION: u32 = 1;

/// The color of observed (undeclared) edges in pictures.
const WARN_COLOR: &str = "#d73a49";

// ---------------------------------------------------------------------------
// graph
// ---------------------------------------------------------------------------

/// `graph --format text`: a tree per service: what it calls, who calls it, what it
/// consumes (and from whom), then who consumes its events and observed couplings
/// when there are any.
pub fn graph_text(g: &Graph, summary: bool) -> String {
    let mut out = String::new();
    for i in 0..g.len() {
        let svc = g.service(i);
        let deps = g.dependencies(i);
        let users = g.dependents(i);
        let of = |edges: &[Edge<'_>], kind: EdgeKind, outgoing: bool| -> Vec<String> {
            edges
                .iter()
                .filter(|e| e.kind() == kind)
                .map(|e| {
                    let other = &g.service(if outgoing { e.to } else { e.from }).name;
                    let label = e.dep.label();
                    if label.is_empty() {
                        other.clone()
                    } else {
                        format!("{other}: {label}")
                    }
                })
                .collect()
        };
        let mut consumes = of(&deps, EdgeKind::Async, true);
        consumes.extend(
            svc.unpublished
                .iter()
                .map(|e| format!("{e} (no publisher)")),
        );
        let sections: Vec<(&str, Vec<String>, bool)> = vec![
            ("calls", of(&deps, EdgeKind::Sync, true), true),
            ("called by", of(&users, EdgeKind::Sync, false), true),
            ("consumes", consumes, true),
            (
                "events consumed by",
                of(&users, EdgeKind::Async, false),
                false,
            ),
            (
                "observed coupling to (undeclared)",
                of(&deps, EdgeKind::Observed, true),
                false,
            ),
            (
                "observed coupling from (undeclared)",
                of(&users, EdgeKind::Observed, false),
                false,
            ),
        ];
        let sections: Vec<_> = sections
            .into_iter()
            .filter(|(_, items, always)| *always || !items.is_empty())
            .collect();
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", svc.name);
        for (k, (title, items, _)) in sections.iter().enumerate() {
            let last = k + 1 == sections.len();
            let (branch, stem) = if last {
                ("└── ", "    ")
            } else {
                ("├── ", "│   ")
            };
            if items.is_empty() {
                let _ = writeln!(out, "{branch}{title}: nothing");
                continue;
            }
            let _ = writeln!(out, "{branch}{title}");
            for (j, item) in items.iter().enumerate() {
                let leaf = if j + 1 == items.len() {
                    "└── "
                } else {
                    "├── "
                };
                let _ = writeln!(out, "{stem}{leaf}{item}");
            }
        }
    }
    if summary {
        if !g.is_empty() {
            out.push('\n');
        }
        let count = |k: EdgeKind| g.edges().iter().filter(|e| e.kind() == k).count();
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let _ = write!(
            out,
            "{}, {} (API reads), {} (events)",
            plural(g.len(), "service"),
            plural(count(EdgeKind::Sync), "sync edge"),
            plural(count(EdgeKind::Async), "async edge"),
        );
        let observed = count(EdgeKind::Observed);
        if observed > 0 {
            let _ = write!(out, ", {} (undeclared)", plural(observed, "observed edge"));
        }
        out.push('\n');
    }
    out
}

/// Mermaid node ids for names: `svc_` and the name with every character outside
/// `[A-Za-z0-9]` replaced by `_`, suffixed `_2`, `_3`... on a clash. The prefix keeps
/// ids clear of Mermaid keywords (`end`, `graph`) and of the `o`/`x` arrow heads.
pub fn mermaid_ids<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut used = HashSet::new();
    names
        .map(|name| {
            let base: String = std::iter::once("svc_".to_string())
                .chain(name.chars().map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_string()
                    } else {
                        "_".to_string()
                    }
                }))
                .collect();
            let mut id = base.clone();
            let mut k = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}_{k}");
                k += 1;
            }
            id
        })
        .collect()
}

/// Text for inside a quoted Mermaid label: entity codes for the characters Mermaid
/// or its HTML rendering would interpret.
pub fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mermaid_arrow(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Sync => "-->",
        EdgeKind::Async => "-.->",
        EdgeKind::Observed => "==>",
    }
}

fn mermaid_edge(out: &mut String, from: &str, to: &str, kind: EdgeKind, label: &str) {
    let arrow = mermaid_arrow(kind);
    let label = if kind == EdgeKind::Observed && label.is_empty() {
        "observed"
    } else {
        label
    };
    if label.is_empty() {
        let _ = writeln!(out, "    {from} {arrow} {to}");
    } else {
        let _ = writeln!(out, "    {from} {arrow}|\"{}\"| {to}", mermaid_text(label));
    }
}

/// `graph --format mermaid`: a `flowchart LR` that GitHub renders as is. Arrows go
/// from the dependent service to its dependency: `-->` API reads, `-.->` events
/// (dashed), `==>` observed couplings (thick, red).
pub fn graph_mermaid(g: &Graph) -> String {
    let ids = mermaid_ids(g.services().map(|s| s.name.as_str()));
    let mut out = String::from("flowchart LR\n");
    out.push_str(
        "    %% --> reads the API of, -.-> consumes events of, ==> observed in code, undeclared\n",
    );
    for (i, svc) in g.services().enumerate() {
        let _ = writeln!(out, "    {}[\"{}\"]", ids[i], mermaid_text(&svc.name));
    }
    let mut observed = Vec::new();
    let mut asynchronous = Vec::new();
    for (k, e) in g.edges().iter().enumerate() {
        mermaid_edge(&mut out, &ids[e.from], &ids[e.to], e.kind(), &e.dep.label());
        match e.kind() {
            EdgeKind::Observed => observed.push(k.to_string()),
            EdgeKind::Async => asynchronous.push(k.to_string()),
            EdgeKind::Sync => {}
        }
    }
    if !asynchronous.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:#6a737d,color:#6a737d",
            asynchronous.join(",")
        );
    }
    if !observed.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:{WARN_COLOR},stroke-width:3px,color:{WARN_COLOR}",
            observed.join(",")
        );
    }
    out
}

/// A DOT string literal.
pub fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `graph --format dot`: Graphviz. Edges from dependent to dependency; events dashed,
/// observed couplings bold red.
pub fn graph_dot(g: &Graph) -> String {
    let mut out = String::from("digraph \"ownlint\" {\n");
    out.push_str("    rankdir=LR;\n");
    out.push_str("    node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.push_str("    edge [fontname=\"Helvetica\", fontsize=10];\n");
    for svc in g.services() {
        let _ = writeln!(out, "    {};", dot_quote(&svc.name));
    }
    for e in g.edges() {
        let mut attrs = vec![format!("label={}", dot_quote(&e.dep.label()))];
        match e.kind() {
            EdgeKind::Sync => {}
            EdgeKind::Async => {
                attrs.push("style=dashed".into());
                attrs.push("color=\"#6a737d\"".into());
            }
            EdgeKind::Observed => {
                attrs.push("style=bold".into());
                attrs.push(format!("color=\"{WARN_COLOR}\""));
                attrs.push(format!("fontcolor=\"{WARN_COLOR}\""));
                attrs.push("penwidth=2".into());
            }
        }
        attrs.push(format!("class={}", dot_quote(e.kind().as_str())));
        let _ = writeln!(
            out,
            "    {} -> {} [{}];",
            dot_quote(&g.service(e.from).name),
            dot_quote(&g.service(e.to).name),
            attrs.join(", ")
        );
    }
    out.push_str("}\n");
    out
}

#[derive(Serialize)]
struct GraphDoc<'a> {
    version: u32,
    services: Vec<ServiceDoc<'a>>,
    edges: Vec<EdgeDoc<'a>>,
}

#[derive(Serialize)]
struct ServiceDoc<'a> {
    name: &'a str,
    owns: &'a [String],
    publishes: &'a [String],
    consumes: &'a [String],
    paths: &'a [String],
}

#[derive(Serialize)]
struct EdgeDoc<'a> {
    from: &'a str,
    to: &'a str,
    kind: &'static str,
    label: String,
    labels: &'a [String],
}

fn graph_doc(g: &Graph) -> GraphDoc<'_> {
    GraphDoc {
        version: JSON_VERSION,
        services: g
            .services()
            .map(|s| ServiceDoc {
                name: &s.name,
                owns: &s.owns,
                publishes: &s.publishes,
                consumes: &s.consumes,
                paths: &s.paths,
            })
            .collect(),
        edges: g
            .edges()
            .into_iter()
            .map(|e| EdgeDoc {
                from: name(g, e.from),
                to: name(g, e.to),
                kind: e.kind().as_str(),
                label: e.dep.label(),
                labels: &e.dep.labels,
            })
            .collect(),
    }
}

/// `graph --format json` as a value, described by `schemas/graph.schema.json`.
pub fn graph_json(g: &Graph) -> Value {
    serde_json::to_value(graph_doc(g)).unwrap_or(Value::Null)
}

/// `graph --format json`: pretty-printed, with a final newline.
pub fn graph_json_text(g: &Graph) -> String {
    pretty(&graph_doc(g))
}

fn pretty(doc: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------
// waves
// ---------------------------------------------------------------------------

fn name(g: &Graph, i: usize) -> &str {
    &g.service(i).name
}

fn wait_text(g: &Graph, w: &Wait) -> String {
    if w.events && !w.sync {
        format!("{} (events)", name(g, w.service))
    } else {
        name(g, w.service).to_string()
    }
}

/// "waits on a, b (events); released with c (cycle)": what `service` waits on, for
/// text and Markdown.
fn waits_text(g: &Graph, p: &Plan, service: usize) -> String {
    let mut parts = Vec::new();
    let waits = &p.waits_on[service];
    if !waits.is_empty() {
        let list: Vec<String> = waits.iter().map(|w| wait_text(g, w)).collect();
        parts.push(format!("waits on {}", list.join(", ")));
    }
    if let Some(c) = p.cycle_of[service] {
        let others: Vec<&str> = p.cycles[c]
            .iter()
            .filter(|&&m| m != service)
            .map(|&m| name(g, m))
            .collect();
        parts.push(format!("released with {} (cycle)", others.join(", ")));
    }
    parts.join("; ")
}

fn step_text(g: &Graph, step: &[usize]) -> String {
    let names: Vec<&str> = step.iter().map(|&i| name(g, i)).collect();
    if names.len() == 1 {
        names.join("")
    } else {
        format!("{{{}}}", names.join(" + "))
    }
}

fn critical_text(g: &Graph, p: &Plan) -> String {
    let steps: Vec<String> = p.critical_path.iter().map(|s| step_text(g, s)).collect();
    steps.join(" → ")
}

fn plural(n: usize, w: &str) -> String {
    format!("{n} {w}{}", if n == 1 { "" } else { "s" })
}

fn basis(include_events: bool) -> &'static str {
    if include_events {
        "ordered by API reads and events"
    } else {
        "ordered by API reads; events shown, not ordering"
    }
}

fn event_note(g: &Graph, e: &super::plan::EventDep) -> String {
    let what = match e.usage {
        EventUse::Shown => "not ordering",
        EventUse::Ordered => "ordering",
        EventUse::WithinCycle => "within its cycle",
        EventUse::WouldCloseCycle => "not ordering: would close a cycle",
    };
    format!(
        "consumes {} from {} ({what})",
        e.events.join(", "),
        name(g, e.publisher)
    )
}

/// `waves --format text`.
pub fn waves_text(g: &Graph, p: &Plan, include_events: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Release plan: {} in {} ({})",
        plural(g.len(), "service"),
        plural(p.waves.len(), "wave"),
        basis(include_events)
    );
    let width = g
        .services()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut events_of: Vec<Vec<&super::plan::EventDep>> = vec![Vec::new(); g.len()];
    for e in &p.events {
        events_of[e.consumer].push(e);
    }
    for (w, wave) in p.waves.iter().enumerate() {
        let _ = writeln!(out, "\nWave {}", w + 1);
        for &s in wave {
            let waits = waits_text(g, p, s);
            let notes = (!waits.is_empty())
                .then_some(waits)
                .into_iter()
                .chain(events_of[s].iter().map(|e| event_note(g, e)));
            let mut first = true;
            for note in notes {
                let shown = if first { name(g, s) } else { "" };
                let _ = writeln!(out, "  {shown:<width$}  {note}");
                first = false;
            }
            if first {
                let _ = writeln!(out, "  {}", name(g, s));
            }
        }
    }
    if !p.critical_path.is_empty() {
        let _ = writeln!(
            out,
            "\nCritical path ({}): {}",
            plural(p.critical_path.len(), "wave"),
            critical_text(g, p)
        );
    }
    for c in &p.cycles {
        let names: Vec<&str> = c.iter().map(|&i| name(g, i)).collect();
        let wave = c.first().map_or(0, |&m| p.wave_of[m] + 1);
        let _ = writeln!(
            out,
            "\nCycle: {} read each other's APIs; released together in wave {wave}",
            names.join(", ")
        );
    }
    out
}

/// A Markdown table cell: `|` escaped, newlines flattened.
fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// `waves --format markdown`: a tracking table to paste into an issue or PR, with an
/// empty status column.
pub fn waves_markdown(g: &Graph, p: &Plan, include_events: bool) -> String {
    let mut out = String::from("## Release plan\n\n");
    let _ = writeln!(
        out,
        "{} in {} ({}).",
        plural(g.len(), "service"),
        plural(p.waves.len(), "wave"),
        basis(include_events)
    );
    if !p.critical_path.is_empty() {
        let _ = writeln!(out, "Critical path: {}.", md_cell(&critical_text(g, p)));
    }
    for c in &p.cycles {
        let names: Vec<String> = c.iter().map(|&i| md_cell(name(g, i))).collect();
        let wave = c.first().map_or(0, |&m| p.wave_of[m] + 1);
        let _ = writeln!(
            out,
            "\n> [!WARNING]\n> Cycle: {} read each other's APIs; they are released together in wave {wave}.",
            names.join(", ")
        );
    }
    out.push_str("\n| Wave | Service | Waits on | Status |\n");
    out.push_str("|-----:|---------|----------|--------|\n");
    for (w, wave) in p.waves.iter().enumerate() {
        for &s in wave {
            let waits = waits_text(g, p, s);
            let waits = waits.strip_prefix("waits on ").unwrap_or(&waits);
            let waits = if waits.is_empty() { "—" } else { waits };
            let _ = writeln!(
                out,
                "| {} | {} | {} |  |",
                w + 1,
                md_cell(name(g, s)),
                md_cell(waits)
            );
        }
    }
    out
}

#[derive(Serialize)]
struct WavesDoc<'a> {
    version: u32,
    include_events: bool,
    waves: Vec<Vec<&'a str>>,
    critical_path: Vec<&'a str>,
    critical_path_groups: Vec<Vec<&'a str>>,
    cycles: Vec<Vec<&'a str>>,
    waits_on: BTreeMap<&'a str, Vec<&'a str>>,
    services: Vec<WaveServiceDoc<'a>>,
    events: Vec<EventDoc<'a>>,
    findings: Vec<crate::report::FindingJson<'a>>,
}

#[derive(Serialize)]
struct WaveServiceDoc<'a> {
    name: &'a str,
    wave: usize,
    waits_on_events: Vec<&'a str>,
    cycle: Option<Vec<&'a str>>,
}

#[derive(Serialize)]
struct EventDoc<'a> {
    consumer: &'a str,
    publisher: &'a str,
    events: &'a [String],
    #[serde(rename = "use")]
    usage: &'static str,
}

fn waves_doc<'a>(
    g: &'a Graph,
    p: &'a Plan,
    include_events: bool,
    findings: &'a [Finding],
) -> WavesDoc<'a> {
    let names = |v: &[usize]| -> Vec<&'a str> { v.iter().map(|&i| name(g, i)).collect() };
    WavesDoc {
        version: JSON_VERSION,
        include_events,
        waves: p.waves.iter().map(|w| names(w)).collect(),
        critical_path: names(&p.critical_services()),
        critical_path_groups: p.critical_path.iter().map(|s| names(s)).collect(),
        cycles: p.cycles.iter().map(|c| names(c)).collect(),
        waits_on: (0..g.len())
            .map(|i| {
                let waits = p.waits_on[i].iter().map(|w| name(g, w.service)).collect();
                (name(g, i), waits)
            })
            .collect(),
        services: (0..g.len())
            .map(|i| WaveServiceDoc {
                name: name(g, i),
                wave: p.wave_of[i] + 1,
                waits_on_events: p.waits_on[i]
                    .iter()
                    .filter(|w| w.events)
                    .map(|w| name(g, w.service))
                    .collect(),
                cycle: p.cycle_of[i].map(|c| names(&p.cycles[c])),
            })
            .collect(),
        events: p
            .events
            .iter()
            .map(|e| EventDoc {
                consumer: name(g, e.consumer),
                publisher: name(g, e.publisher),
                events: &e.events,
                usage: e.usage.as_str(),
            })
            .collect(),
        findings: findings.iter().map(crate::report::finding_json).collect(),
    }
}

/// `waves --format json` as a value, described by `schemas/waves.schema.json`.
/// `findings` are the `dependency-cycle` warnings, in the format of the JSON report.
pub fn waves_json(g: &Graph, p: &Plan, include_events: bool, findings: &[Finding]) -> Value {
    serde_json::to_value(waves_doc(g, p, include_events, findings)).unwrap_or(Value::Null)
}

/// `waves --format json`: pretty-printed, with a final newline.
pub fn waves_json_text(g: &Graph, p: &Plan, include_events: bool, findings: &[Finding]) -> String {
    pretty(&waves_doc(g, p, include_events, findings))
}

/// `waves --format mermaid`: one subgraph per wave, arrows in release order (from a
/// dependency to the services waiting on it): `-->` API reads, `-.->` events.
/// Critical-path arrows are thick; cycle members are outlined in red.
pub fn waves_mermaid(g: &Graph, p: &Plan) -> String {
    waves_mermaid_marked(g, p, &[], &[])
}

/// [`waves_mermaid`] of the plan the code implies (`waves --observed`): the edges
/// whose entry in `undeclared` (by position in [`Graph::edges`]) is true are drawn
/// red and dashed, and the services of `moved` (in another wave than in the
/// registry's plan) are outlined in orange.
pub fn waves_mermaid_marked(g: &Graph, p: &Plan, undeclared: &[bool], moved: &[&str]) -> String {
    let ids = mermaid_ids(g.services().map(|s| s.name.as_str()));
    let mut out = String::from("flowchart LR\n");
    out.push_str("    %% release order: A --> B means B waits on A (-.-> events)\n");
    if undeclared.contains(&true) || !moved.is_empty() {
        out.push_str("    %% the plan the code implies: red dashed = in the code, not in the registry; orange = in another wave than the registry's plan\n");
    }
    for (w, wave) in p.waves.iter().enumerate() {
        let _ = writeln!(out, "    subgraph wave_{}[\"Wave {}\"]", w + 1, w + 1);
        for &s in wave {
            let _ = writeln!(out, "        {}[\"{}\"]", ids[s], mermaid_text(name(g, s)));
        }
        out.push_str("    end\n");
    }
    let mut critical_step = vec![usize::MAX; g.len()];
    for (k, step) in p.critical_path.iter().enumerate() {
        for &s in step {
            critical_step[s] = k;
        }
    }
    let ordering: HashSet<(usize, usize)> = p
        .events
        .iter()
        .filter(|e| e.usage == EventUse::Ordered)
        .map(|e| (e.consumer, e.publisher))
        .collect();
    let mut thick = Vec::new();
    let mut dashed = Vec::new();
    let mut observed = Vec::new();
    let mut k = 0usize;
    for (n, e) in g.edges().into_iter().enumerate() {
        if e.kind() == EdgeKind::Observed {
            continue;
        }
        if undeclared.get(n).copied().unwrap_or(false) {
            observed.push(k.to_string());
        }
        let (dep, dependent) = (e.to, e.from);
        let label = if e.kind() == EdgeKind::Async {
            e.dep.label()
        } else {
            String::new()
        };
        mermaid_edge(&mut out, &ids[dep], &ids[dependent], e.kind(), &label);
        let (a, b) = (critical_step[dep], critical_step[dependent]);
        let orders = e.kind() == EdgeKind::Sync || ordering.contains(&(dependent, dep));
        if orders && a != usize::MAX && b != usize::MAX && a + 1 == b {
            thick.push(k.to_string());
        }
        if e.kind() == EdgeKind::Async {
            dashed.push(k.to_string());
        }
        k += 1;
    }
    if !dashed.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:#6a737d,color:#6a737d",
            dashed.join(",")
        );
    }
    if !thick.is_empty() {
        let _ = writeln!(out, "    linkStyle {} stroke-width:3px", thick.join(","));
    }
    if !observed.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:{WARN_COLOR},color:{WARN_COLOR},stroke-dasharray:6 4",
            observed.join(",")
        );
    }
    let moved: Vec<&str> = moved
        .iter()
        .filter_map(|m| g.index_of(m))
        .map(|i| ids[i].as_str())
        .collect();
    if !moved.is_empty() {
        let _ = writeln!(out, "    classDef moved stroke:#e36209,stroke-width:2px");
        let _ = writeln!(out, "    class {} moved", moved.join(","));
    }
    if !p.cycles.is_empty() {
        let _ = writeln!(
            out,
            "    classDef cycle stroke:{WARN_COLOR},stroke-width:2px"
        );
        let members: Vec<&str> = p
            .cycles
            .iter()
            .flatten()
            .map(|&m| ids[m].as_str())
            .collect();
        let _ = writeln!(out, "    class {} cycle", members.join(","));
    }
    out
}
