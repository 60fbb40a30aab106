//! `ownlint waves`: release waves, the critical path, and cycles as warnings.

use super::graph::write_stdout;
use super::{Failure, apply_levels, exit_code, load_registry, terminal_width, use_color};
use crate::cli::{Cli, Format, WavesArgs};
use crate::graph::plan::{Plan, PlanOptions, plan};
use crate::graph::{Graph, api_cycles, render};
use crate::model::finding::{self, Finding};
use crate::model::rules::Rule;
use crate::registry::Registry;
use crate::report::{self, Printer, Summary};
use serde::Serialize;
use std::collections::HashSet;
use std::io;

pub fn run(cli: &Cli, args: &WavesArgs) -> Result<u8, Failure> {
    let format = match cli.format.unwrap_or(Format::Text) {
        f @ (Format::Text | Format::Markdown | Format::Json | Format::Mermaid) => f,
        other => {
            return Err(Failure::Usage(format!(
                "`waves` has no `--format {}` output; use text, markdown, json or mermaid",
                other.name()
            )));
        }
    };
    let reg = load_registry(cli)?;
    let graph = Graph::from_registry(&reg);
    let include_events = args.include_events;
    let plan = plan(&graph, PlanOptions { include_events });
    let mut findings = cycle_findings(&reg, &graph, &plan);
    apply_levels(&mut findings, &reg);
    finding::sort(&mut findings);
    let observed = if args.observed {
        let run = super::check::collect(&reg, &args.scan, &[])?;
        Some(Observed::new(
            &reg,
            &graph,
            &plan,
            &run,
            PlanOptions { include_events },
        ))
    } else {
        None
    };
    let text = match (format, &observed) {
        (Format::Json, None) => render::waves_json_text(&graph, &plan, include_events, &findings),
        (Format::Json, Some(o)) => {
            let mut doc = render::waves_json(&graph, &plan, include_events, &findings);
            if let Some(map) = doc.as_object_mut() {
                map.insert("observed".into(), o.json(include_events));
            }
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        (Format::Mermaid, None) => render::waves_mermaid(&graph, &plan),
        (Format::Mermaid, Some(o)) => o.mermaid(&graph),
        (Format::Markdown, o) => {
            let mut s = render::waves_markdown(&graph, &plan, include_events);
            s.extend(o.as_ref().map(Observed::text));
            s
        }
        (_, o) => {
            let mut s = render::waves_text(&graph, &plan, include_events);
            s.extend(o.as_ref().map(Observed::text));
            s
        }
    };
    write_stdout(&text, format == Format::Json)?;
    if format != Format::Json && !findings.is_empty() {
        print_warnings(cli, &reg, &findings);
    }
    Ok(exit_code(&findings, cli.deny_warnings))
}

/// One way the code differs from the registry, as `waves --observed` reports it.
#[derive(Debug, Serialize)]
struct Difference {
    /// `undeclared-api` (the code calls an API `reads_from_apis` does not list),
    /// `unused-api` (a listed read the code never makes, as `unused-api-dependency`
    /// reports it), `undeclared-publish` or `undeclared-consume` (an event).
    kind: &'static str,
    service: String,
    /// The called service, or the event (the registry's name for it).
    subject: String,
    /// Where the code shows it; `None` for `unused-api`.
    path: Option<String>,
    line: Option<u32>,
}

impl Difference {
    /// The line of the text report.
    fn text(&self) -> String {
        let at = format!(
            "{}:{}",
            self.path.as_deref().unwrap_or(""),
            self.line.unwrap_or(0)
        );
        let (svc, subject) = (&self.service, &self.subject);
        match self.kind {
            "unused-api" => format!("{svc} never calls {subject} (declared in reads_from_apis)"),
            "undeclared-api" => format!("{svc} calls {subject} (undeclared, {at})"),
            "undeclared-publish" => format!("{svc} publishes {subject} (undeclared, {at})"),
            _ => format!("{svc} consumes {subject} (undeclared, {at})"),
        }
    }
}

/// A service whose wave differs between the registry's plan and the code's.
#[derive(Debug, Serialize)]
struct Moved {
    service: String,
    registry_wave: usize,
    observed_wave: usize,
}

/// An edge of a graph by names: (dependent, dependency, kind, events for an event
/// edge).
type EdgeKey = (String, String, crate::graph::EdgeKind, String);

/// The plan the code implies and how it differs from the registry's.
struct Observed {
    code: Graph,
    plan: Plan,
    differences: Vec<Difference>,
    moved: Vec<Moved>,
    /// The registry graph's edges, to tell the code graph's undeclared ones.
    declared: HashSet<EdgeKey>,
}

impl Observed {
    fn new(
        reg: &Registry,
        graph: &Graph,
        plan: &Plan,
        run: &super::check::Run,
        opts: PlanOptions,
    ) -> Observed {
        let (code_reg, differences) = as_observed(reg, run);
        let code = Graph::from_registry(&code_reg);
        let code_plan = crate::graph::plan::plan(&code, opts);
        let mut moved = Vec::new();
        for (i, node) in graph.services().enumerate() {
            let before = plan.wave_of.get(i).map_or(0, |w| w + 1);
            let after = code
                .index_of(&node.name)
                .and_then(|j| code_plan.wave_of.get(j))
                .map_or(0, |w| w + 1);
            if before != after {
                moved.push(Moved {
                    service: node.name.clone(),
                    registry_wave: before,
                    observed_wave: after,
                });
            }
        }
        Observed {
            declared: edge_keys(graph).into_iter().collect(),
            code,
            plan: code_plan,
            differences,
            moved,
        }
    }

    /// What text and markdown add after the registry's plan: each difference and
    /// every service in another wave.
    fn text(&self) -> String {
        let mut out = String::from("\nObserved (--observed): the plan the code implies\n");
        if self.differences.is_empty() && self.moved.is_empty() {
            out.push_str("  The code shows the same API and event dependencies as the registry.\n");
            return out;
        }
        for d in &self.differences {
            out.push_str(&format!("  - {}\n", d.text()));
        }
        if self.moved.is_empty() {
            out.push_str("  Every service keeps its wave.\n");
        } else {
            out.push_str("  Services in another wave:\n");
            for m in &self.moved {
                out.push_str(&format!(
                    "  - {}: wave {} in the registry's plan, wave {} in the code's\n",
                    m.service, m.registry_wave, m.observed_wave
                ));
            }
        }
        out
    }

    /// The `observed` member of the JSON document: the code's plan (the fields of the
    /// registry's plan without `version` and `findings`), the differences and the
    /// services in another wave.
    fn json(&self, include_events: bool) -> serde_json::Value {
        let mut plan = render::waves_json(&self.code, &self.plan, include_events, &[]);
        if let Some(map) = plan.as_object_mut() {
            map.remove("version");
            map.remove("findings");
        }
        serde_json::json!({
            "plan": plan,
            "differences": self.differences,
            "moved": self.moved,
        })
    }

    /// The code's plan in Mermaid: the edges the registry does not declare marked, the
    /// services in another wave outlined, and the declared API reads the code never
    /// makes listed in comments.
    fn mermaid(&self, graph: &Graph) -> String {
        let code_keys = edge_keys(&self.code);
        let undeclared: Vec<bool> = code_keys
            .iter()
            .map(|k| !self.declared.contains(k))
            .collect();
        let moved: Vec<&str> = self.moved.iter().map(|m| m.service.as_str()).collect();
        let mut out = render::waves_mermaid_marked(&self.code, &self.plan, &undeclared, &moved);
        for (from, to, kind, _) in edge_keys(graph) {
            let kept = code_keys
                .iter()
                .any(|(f, t, k, _)| *f == from && *t == to && *k == kind);
            if kind == crate::graph::EdgeKind::Sync && !kept {
                out.push_str(&format!(
                    "    %% declared, never called: {} reads {}\n",
                    render::mermaid_text(&from),
                    render::mermaid_text(&to)
                ));
            }
        }
        out
    }
}

/// The edges of `g` by names, in the order of [`Graph::edges`].
fn edge_keys(g: &Graph) -> Vec<EdgeKey> {
    g.edges()
        .into_iter()
        .map(|e| {
            let events = if e.kind() == crate::graph::EdgeKind::Async {
                e.dep.label()
            } else {
                String::new()
            };
            (
                g.service(e.from).name.clone(),
                g.service(e.to).name.clone(),
                e.kind(),
                events,
            )
        })
        .collect()
}

/// The registry as the code shows it: declared API reads the code never makes (as
/// `unused-api-dependency` reports them) are dropped; API calls and events the code
/// makes without the registry declaring them are added. With the differences, in the
/// order of their text.
fn as_observed(reg: &Registry, run: &super::check::Run) -> (Registry, Vec<Difference>) {
    use crate::drift::{EdgeKind, Role, declares};
    use crate::registry::{ApiRead, Item};
    let mut code = reg.clone();
    let mut notes = Vec::new();
    for f in run
        .findings
        .iter()
        .filter(|f| f.rule == Rule::UnusedApiDependency)
    {
        let Some(si) = f.service.as_deref().and_then(|s| reg.service_index(s)) else {
            continue;
        };
        code.services[si]
            .reads
            .retain(|r| r.target.value != f.subject);
        notes.push(Difference {
            kind: "unused-api",
            service: reg.services[si].name.clone(),
            subject: f.subject.clone(),
            path: None,
            line: None,
        });
    }
    for e in &run.edges {
        let (Some(from), Some(_)) = (reg.service_index(&e.from), reg.service_index(&e.to)) else {
            continue;
        };
        match &e.kind {
            EdgeKind::Api => {
                if !code.services[from]
                    .reads
                    .iter()
                    .any(|r| r.target.value == e.to)
                    && !reg.services[from]
                        .reads
                        .iter()
                        .any(|r| r.target.value == e.to)
                {
                    let loc = reg.services[from].loc;
                    code.services[from].reads.push(ApiRead {
                        target: Item {
                            value: e.to.clone(),
                            loc,
                        },
                        endpoints: Vec::new(),
                    });
                    notes.push(Difference {
                        kind: "undeclared-api",
                        service: e.from.clone(),
                        subject: e.to.clone(),
                        path: Some(e.evidence.path.clone()),
                        line: Some(e.evidence.line),
                    });
                }
            }
            // Events: from every observation below, publishers and consumers alike.
            EdgeKind::Event { .. } => {}
        }
    }
    let drift = crate::drift::Drift::new(reg);
    for o in &run.observations {
        let crate::drift::code::Seen::Event { name, role, .. } = &o.seen else {
            continue;
        };
        let event = drift.events.canonical(name).unwrap_or(name).to_string();
        if declares(reg, o.service, *role, name) {
            continue;
        }
        let svc = &mut code.services[o.service];
        let list = if *role == Role::Publish {
            &mut svc.publishes
        } else {
            &mut svc.consumes
        };
        if !list.iter().any(|i| i.value == event) {
            list.push(Item {
                value: event.clone(),
                loc: svc.loc,
            });
            notes.push(Difference {
                kind: if *role == Role::Publish {
                    "undeclared-publish"
                } else {
                    "undeclared-consume"
                },
                service: svc.name.clone(),
                subject: event,
                path: Some(o.evidence.path.clone()),
                line: Some(o.evidence.line),
            });
        }
    }
    notes.sort_by_cached_key(Difference::text);
    notes.dedup_by(|a, b| a.text() == b.text());
    (code, notes)
}

/// A `dependency-cycle` warning per cycle of API reads, pointing at the registry
/// lines of the reads that close it.
fn cycle_findings(reg: &Registry, graph: &Graph, plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    for cycle in api_cycles(reg) {
        let names: Vec<&str> = cycle
            .members
            .iter()
            .map(|&i| reg.services[i].name.as_str())
            .collect();
        let Some((first, rest)) = cycle.edges.split_first() else {
            continue;
        };
        let mut path = names.join(" → ");
        path.push_str(" → ");
        path.push_str(names[0]);
        let wave = graph
            .index_of(names[0])
            .and_then(|i| plan.wave_of.get(i))
            .map_or(0, |w| w + 1);
        let mut f = Finding::new(
            Rule::DependencyCycle,
            format!("services read each other's APIs in a cycle: {path}"),
        )
        .at(
            &reg.file,
            &reg.source,
            first.offset,
            first.len,
            "this read closes the cycle",
        );
        for e in rest {
            f = f.related(&reg.file, *e, "and this one");
        }
        out.push(
            f.help(format!(
                "{} are released together in wave {wave}; break the cycle by replacing one read with an event",
                names.join(", ")
            ))
            .service(names[0])
            .subject(names.join(",")),
        );
    }
    out
}

/// The warnings in human form on stderr (stdout holds the plan).
fn print_warnings(cli: &Cli, reg: &Registry, findings: &[Finding]) {
    let ctx = report::Context {
        root: reg.root.clone(),
        sources: [(reg.file.clone(), reg.source.clone())]
            .into_iter()
            .collect(),
        color: use_color(cli),
        quiet: true,
        width: terminal_width(),
        cache: Default::default(),
    };
    let mut err = io::stderr().lock();
    // Writing to stderr only fails when it is closed; the exit code still tells.
    let _ = report::Human.print(&mut err, findings, &Summary::of(findings), &ctx);
}
