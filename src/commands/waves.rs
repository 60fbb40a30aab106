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
    let mut text = match format {
        Format::Json => render::waves_json_text(&graph, &plan, include_events, &findings),
        Format::Markdown => render::waves_markdown(&graph, &plan, include_events),
        Format::Mermaid => render::waves_mermaid(&graph, &plan),
        _ => render::waves_text(&graph, &plan, include_events),
    };
    if args.observed {
        if matches!(format, Format::Json | Format::Mermaid) {
            return Err(Failure::Usage(
                "`waves --observed` prints text or markdown; use `--format text` or `--format markdown`".into(),
            ));
        }
        let run = super::check::collect(&reg, &args.scan, &[])?;
        text.push_str(&observed_section(
            &reg,
            &graph,
            &plan,
            &run,
            PlanOptions { include_events },
        ));
    }
    write_stdout(&text, format == Format::Json)?;
    if format != Format::Json && !findings.is_empty() {
        print_warnings(cli, &reg, &findings);
    }
    Ok(exit_code(&findings, cli.deny_warnings))
}

/// The registry as the code shows it: declared API reads the code never makes (as
/// `unused-api-dependency` reports them) are dropped; API calls and events the code
/// makes without the registry declaring them are added.
fn as_observed(reg: &Registry, run: &super::check::Run) -> (Registry, Vec<String>) {
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
        notes.push(format!(
            "{} never calls {} (declared in reads_from_apis)",
            reg.services[si].name, f.subject
        ));
    }
    for e in &run.edges {
        let (Some(from), Some(_)) = (reg.service_index(&e.from), reg.service_index(&e.to)) else {
            continue;
        };
        let at = |p: &str| format!("{}:{}", p, e.evidence.line);
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
                    notes.push(format!(
                        "{} calls {} (undeclared, {})",
                        e.from,
                        e.to,
                        at(&e.evidence.path)
                    ));
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
            let verb = if *role == Role::Publish {
                "publishes"
            } else {
                "consumes"
            };
            notes.push(format!(
                "{} {verb} {event} (undeclared, {}:{})",
                svc.name, o.evidence.path, o.evidence.line
            ));
        }
    }
    notes.sort();
    notes.dedup();
    (code, notes)
}

/// What `waves --observed` adds: the differences between the registry's edges and
/// the code's, and every service whose wave differs between the two plans.
fn observed_section(
    reg: &Registry,
    graph: &Graph,
    plan: &Plan,
    run: &super::check::Run,
    opts: PlanOptions,
) -> String {
    let (code, notes) = as_observed(reg, run);
    let code_graph = Graph::from_registry(&code);
    let code_plan = crate::graph::plan::plan(&code_graph, opts);
    let mut moved = Vec::new();
    for (i, node) in graph.services().enumerate() {
        let before = plan.wave_of.get(i).map_or(0, |w| w + 1);
        let after = code_graph
            .index_of(&node.name)
            .and_then(|j| code_plan.wave_of.get(j))
            .map_or(0, |w| w + 1);
        if before != after {
            moved.push(format!(
                "{}: wave {before} in the registry's plan, wave {after} in the code's",
                node.name
            ));
        }
    }
    let mut out = String::from("\nObserved (--observed): the plan the code implies\n");
    if notes.is_empty() && moved.is_empty() {
        out.push_str("  The code shows the same API and event dependencies as the registry.\n");
        return out;
    }
    for n in &notes {
        out.push_str(&format!("  - {n}\n"));
    }
    if moved.is_empty() {
        out.push_str("  Every service keeps its wave.\n");
    } else {
        out.push_str("  Services in another wave:\n");
        for m in &moved {
            out.push_str(&format!("  - {m}\n"));
        }
    }
    out
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
