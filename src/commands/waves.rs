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
    let text = match format {
        Format::Json => render::waves_json_text(&graph, &plan, include_events, &findings),
        Format::Markdown => render::waves_markdown(&graph, &plan, include_events),
        Format::Mermaid => render::waves_mermaid(&graph, &plan),
        _ => render::waves_text(&graph, &plan, include_events),
    };
    write_stdout(&text, format == Format::Json)?;
    if format != Format::Json && !findings.is_empty() {
        print_warnings(cli, &reg, &findings);
    }
    Ok(exit_code(&findings, cli.deny_warnings))
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
