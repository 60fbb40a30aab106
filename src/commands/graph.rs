//! `ownlint graph`: the service dependency graph as a text tree, Mermaid, DOT or JSON.

use super::{EXIT_CLEAN, Failure, load_registry};
use crate::cli::{Cli, Format, GraphArgs};
use crate::graph::{Graph, render};
use crate::registry::validate::suggest;
use std::io::{self, Write};

pub fn run(cli: &Cli, args: &GraphArgs) -> Result<u8, Failure> {
    let format = match cli.format.unwrap_or(Format::Text) {
        f @ (Format::Text | Format::Mermaid | Format::Dot | Format::Json) => f,
        other => {
            return Err(Failure::Usage(format!(
                "`graph` has no `--format {}` output; use text, mermaid, dot or json",
                other.name()
            )));
        }
    };
    let reg = load_registry(cli)?;
    let mut graph = Graph::from_registry(&reg);
    if args.observed {
        add_observed(&mut graph, &reg, &args.scan)?;
    }
    if let Some(service) = &args.focus {
        graph = focus(&graph, service, args.depth, args.reverse)?;
    }
    let text = match format {
        Format::Mermaid => render::graph_mermaid(&graph),
        Format::Dot => render::graph_dot(&graph),
        Format::Json => render::graph_json_text(&graph),
        _ => {
            let mut text = String::new();
            if let Some(service) = &args.focus {
                text = focus_title(service, args.depth, args.reverse);
            }
            text.push_str(&render::graph_text(&graph, !cli.quiet));
            text
        }
    };
    write_stdout(&text, format == Format::Json)?;
    Ok(EXIT_CLEAN)
}

/// The `--focus` subgraph, or a usage error with a did-you-mean.
pub(super) fn focus(
    graph: &Graph,
    service: &str,
    depth: Option<usize>,
    reverse: bool,
) -> Result<Graph, Failure> {
    graph.focus(service, depth, reverse).ok_or_else(|| {
        let hint = match suggest(service, graph.services().map(|s| s.name.as_str())) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "`ownlint graph` lists every service".to_string(),
        };
        Failure::Usage(format!(
            "--focus: no service `{service}` in the registry; {hint}"
        ))
    })
}

/// Writes `text` (JSON when `json`) to stdout, with what it holds from the registry
/// escaped (see `report::escape`); a closed pipe ends output quietly.
pub(super) fn write_stdout(text: &str, json: bool) -> Result<(), Failure> {
    let shown = if json {
        crate::report::escape::json(text.as_bytes())
    } else {
        match crate::report::escape::layout(text) {
            std::borrow::Cow::Borrowed(t) => std::borrow::Cow::Borrowed(t.as_bytes()),
            std::borrow::Cow::Owned(t) => std::borrow::Cow::Owned(t.into_bytes()),
        }
    };
    let mut out = io::stdout().lock();
    match out.write_all(&shown).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// The first lines of a focused text graph: what is shown.
fn focus_title(service: &str, depth: Option<usize>, reverse: bool) -> String {
    let what = if reverse {
        format!("{service} and the services that depend on it")
    } else {
        format!("{service}, what it depends on and what depends on it")
    };
    let hops = match depth {
        Some(1) => ", 1 hop".to_string(),
        Some(n) => format!(", {n} hops"),
        None => String::new(),
    };
    format!("Focus: {what}{hops} (edges to other services are not shown)\n\n")
}

/// Adds an observed edge for every cross-service finding of a whole-repository
/// `check`: the accessing service depends on the owner, whatever the registry says.
fn add_observed(
    graph: &mut Graph,
    reg: &crate::registry::Registry,
    scan: &crate::cli::ScanArgs,
) -> Result<(), Failure> {
    let run = super::check::collect(reg, scan, &[])?;
    for f in &run.findings {
        let (Some(from), Some(to), Some(access)) = (&f.service, &f.owner, f.access) else {
            continue;
        };
        let subject = f.table.as_deref().or(f.import.as_deref()).unwrap_or("");
        graph.add_observed(from, to, &format!("{} {subject}", access.as_str()));
    }
    for (from, to, label) in undeclared_edges(reg, &run.edges) {
        graph.add_observed(&from, &to, &label);
    }
    Ok(())
}

/// The observed API and event edges (`crate::drift`) the registry does not declare,
/// as graph edges: (dependent, dependency, label). A consumer depends on the
/// publisher, as in the registry's graph.
pub(super) fn undeclared_edges(
    reg: &crate::registry::Registry,
    edges: &[crate::drift::ObservedEdge],
) -> Vec<(String, String, String)> {
    use crate::drift::{EdgeKind, Role, declares};
    let mut out = Vec::new();
    for e in edges {
        let (Some(from), Some(to)) = (reg.service_index(&e.from), reg.service_index(&e.to)) else {
            continue;
        };
        match &e.kind {
            EdgeKind::Api => {
                if !reg.services[from]
                    .reads
                    .iter()
                    .any(|r| r.target.value == e.to)
                {
                    out.push((
                        e.from.clone(),
                        e.to.clone(),
                        format!("calls API ({})", e.evidence.how),
                    ));
                }
            }
            EdgeKind::Event { name } => {
                if !(declares(reg, from, Role::Publish, name)
                    && declares(reg, to, Role::Consume, name))
                {
                    out.push((
                        e.to.clone(),
                        e.from.clone(),
                        format!("consumes event {name}"),
                    ));
                }
            }
        }
    }
    out
}
