//! The findings of `undeclared-api-dependency`, `undeclared-event` and
//! `unused-api-dependency`, and the observed graph's edges.

use super::code::Seen;
use super::{EdgeKind, Evidence, Observation, ObservedEdge, Role, declares};
use crate::model::Confidence;
use crate::model::finding::{Finding, LineIndex};
use crate::model::rules::Rule;
use crate::registry::Registry;
use std::collections::{BTreeMap, BTreeSet};

/// The findings of one file's observations: each call of an API and each event the
/// registry does not declare for the file's service. They go through the file's
/// inline suppressions with its other findings.
pub fn file_findings(
    reg: &Registry,
    drift: &super::Drift,
    obs: &[Observation],
    text: &str,
    index: &LineIndex,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // One finding per subject and line: `"http://a" + "/x"` twice on a line is one call.
    let mut seen = BTreeSet::new();
    for o in obs {
        let Some(svc) = reg.services.get(o.service) else {
            continue;
        };
        let e = &o.evidence;
        let f = match &o.seen {
            Seen::Api(t) => {
                let Some(target) = reg.services.get(*t) else {
                    continue;
                };
                if svc.reads.iter().any(|r| r.target.value == target.name)
                    || !seen.insert((e.line, target.name.clone()))
                {
                    continue;
                }
                let f = Finding::new(
                    Rule::UndeclaredApiDependency,
                    format!("`{}` calls the API of `{}`, which its `reads_from_apis` does not list", svc.name, target.name),
                )
                .at_indexed(&e.path, text, index, e.offset, e.len, format!("{} `{}`", e.how, target.name))
                .related(&reg.file, svc.loc, format!("`{}`'s entry", svc.name))
                .help(format!("add `- {}: [...]` to `{}`'s `reads_from_apis` (the release waves depend on it), or remove the call", target.name, svc.name))
                .service(&svc.name)
                .subject(&target.name);
                let mut f = f;
                f.owner = Some(target.name.clone());
                f
            }
            Seen::Event { name, role, .. } => {
                if declares(reg, o.service, *role, name) {
                    continue;
                }
                let event = drift.events.canonical(name).unwrap_or(name);
                if !seen.insert((e.line, event.to_string())) {
                    continue;
                }
                let (verb, key) = match role {
                    Role::Publish => ("publishes", "publishes_events"),
                    Role::Consume => ("consumes", "consumes_events"),
                };
                let known = if event == name {
                    String::new()
                } else {
                    format!(" (the registry's `{event}`)")
                };
                Finding::new(
                    Rule::UndeclaredEvent,
                    format!("`{}` {verb} `{name}`{known}, which its `{key}` does not list", svc.name),
                )
                .at_indexed(&e.path, text, index, e.offset, e.len, format!("{} of `{name}`", e.how))
                .related(&reg.file, svc.loc, format!("`{}`'s entry", svc.name))
                .help(format!("add `{event}` to `{}`'s `{key}` (or map it with `topics` when the topic is named differently), or remove the code", svc.name))
                .service(&svc.name)
                .subject(event)
            }
            Seen::Unresolved => continue,
        };
        let mut f = f;
        f.confidence = Some(Confidence::High);
        out.push(f);
    }
    out
}

/// The edges the observations show: API calls, and events from each publisher (seen
/// or declared) to each consumer (seen or declared) where one of the two was seen.
pub fn edges(
    reg: &Registry,
    drift: &super::Drift,
    obs: &[Observation],
    extra: super::Extra<'_>,
) -> Vec<ObservedEdge> {
    let mut out: BTreeMap<(String, String, EdgeKind), (Evidence, Confidence)> = BTreeMap::new();
    let mut add = |from: &str, to: &str, kind: EdgeKind, ev: &Evidence, c: Confidence| {
        if from != to {
            out.entry((from.to_string(), to.to_string(), kind))
                .or_insert_with(|| (ev.clone(), c));
        }
    };
    // Event (registry name) → role → services with evidence.
    let mut by_event: BTreeMap<String, BTreeMap<(Role, usize), &Evidence>> = BTreeMap::new();
    for o in obs {
        let Some(svc) = reg.services.get(o.service) else {
            continue;
        };
        match &o.seen {
            Seen::Api(t) => {
                if let Some(target) = reg.services.get(*t) {
                    add(
                        &svc.name,
                        &target.name,
                        EdgeKind::Api,
                        &o.evidence,
                        Confidence::High,
                    );
                }
            }
            Seen::Event { name, role, .. } => {
                let event = drift.events.canonical(name).unwrap_or(name).to_string();
                by_event
                    .entry(event)
                    .or_default()
                    .entry((*role, o.service))
                    .or_insert(&o.evidence);
            }
            Seen::Unresolved => {}
        }
    }
    for (event, seen) in &by_event {
        let declared = |role: Role| -> Vec<usize> {
            (0..reg.services.len())
                .filter(|&s| declares(reg, s, role, event))
                .collect()
        };
        let mut publishers: BTreeMap<usize, Option<&Evidence>> = declared(Role::Publish)
            .into_iter()
            .map(|s| (s, None))
            .collect();
        let mut consumers: BTreeMap<usize, Option<&Evidence>> = declared(Role::Consume)
            .into_iter()
            .map(|s| (s, None))
            .collect();
        for (&(role, s), ev) in seen {
            let side = if role == Role::Publish {
                &mut publishers
            } else {
                &mut consumers
            };
            side.insert(s, Some(*ev));
        }
        for (&p, pe) in &publishers {
            for (&c, ce) in &consumers {
                if let Some(ev) = ce.or(*pe) {
                    add(
                        &reg.services[p].name,
                        &reg.services[c].name,
                        EdgeKind::Event {
                            name: event.clone(),
                        },
                        ev,
                        Confidence::High,
                    );
                }
            }
        }
    }
    for e in extra {
        add(&e.from, &e.to, e.kind.clone(), &e.evidence, e.confidence);
    }
    out.into_iter()
        .map(|((from, to, kind), (evidence, confidence))| ObservedEdge {
            from,
            to,
            kind,
            evidence,
            confidence,
        })
        .collect()
}

/// The `undeclared-api-dependency` finding of an API edge from deployment
/// configuration (`crate::drift::config`), at the host in the setting (or the spec a
/// build generates a client from); `None` when
/// the caller's `reads_from_apis` lists the callee. The scan makes these beside the
/// other findings of deployment files, so that the files' inline suppressions apply
/// to all of them at once.
pub fn config_finding(reg: &Registry, e: &ObservedEdge) -> Option<Finding> {
    let svc = reg.service(&e.from)?;
    if e.kind != EdgeKind::Api || e.from == e.to || svc.reads.iter().any(|r| r.target.value == e.to)
    {
        return None;
    }
    let ev = &e.evidence;
    let message = if crate::deploy::specs::is_generator(&ev.path) {
        format!(
            "`{}` generates a client of `{}`'s API from its OpenAPI spec, and its `reads_from_apis` does not list `{}`",
            svc.name, e.to, e.to
        )
    } else {
        format!(
            "`{}`'s deployment configuration points it at `{}`, which its `reads_from_apis` does not list",
            svc.name, e.to
        )
    };
    let mut f = Finding::new(Rule::UndeclaredApiDependency, message)
    .related(&reg.file, svc.loc, format!("`{}`'s entry", svc.name))
    .help(format!(
        "add `- {}: [...]` to `{}`'s `reads_from_apis` (the release waves depend on it), or remove the setting if the service no longer calls it",
        e.to, svc.name
    ))
    .service(&svc.name)
    .subject(&e.to);
    f.owner = Some(e.to.clone());
    f.primary = Some(crate::model::finding::Label {
        path: ev.path.clone(),
        loc: crate::model::finding::Loc {
            line: ev.line,
            column: ev.column,
            offset: ev.offset,
            len: ev.len,
        },
        message: ev.how.clone(),
    });
    f.confidence = Some(e.confidence);
    Some(f)
}

/// What the rules add once every file is read: the observed graph's edges (code's,
/// and `extra`: configuration's, whose findings the scan made with
/// [`config_finding`]), and `unused-api-dependency` when `whole` (the run read the
/// whole repository: a run over a few paths sees too little to call anything
/// unused).
///
/// `unused-api-dependency` reports a `reads_from_apis` entry of a service whose
/// evidence is complete enough, which means: the registry sets the rule's level
/// explicitly, or ownlint saw at least one API call of that service (so its calls
/// take shapes ownlint reads) and no address it cannot attribute
/// ([`Seen::Unresolved`]: a loopback default, an address variable named like a
/// service's that names none), and saw none to the declared service.
pub fn after_scan(
    reg: &Registry,
    drift: &super::Drift,
    obs: &[Observation],
    extra: super::Extra<'_>,
    whole: bool,
) -> (Vec<Finding>, Vec<ObservedEdge>) {
    let edges = edges(reg, drift, obs, extra);
    let mut out = Vec::new();
    if whole {
        let explicit = reg
            .rule_levels
            .iter()
            .any(|(k, _)| k.value == Rule::UnusedApiDependency.name());
        // Services with an address ownlint cannot attribute: their calls are not all
        // visible.
        let unresolved: BTreeSet<usize> = obs
            .iter()
            .filter(|o| o.seen == Seen::Unresolved)
            .map(|o| o.service)
            .collect();
        for (si, svc) in reg.services.iter().enumerate() {
            if !explicit && unresolved.contains(&si) {
                continue;
            }
            let called: BTreeSet<&str> = edges
                .iter()
                .filter(|e| e.kind == EdgeKind::Api && e.from == svc.name)
                .map(|e| e.to.as_str())
                .collect();
            if !explicit && called.is_empty() {
                continue;
            }
            for r in &svc.reads {
                if called.contains(r.target.value.as_str())
                    || reg.service(&r.target.value).is_none()
                {
                    continue;
                }
                let f = Finding::new(
                    Rule::UnusedApiDependency,
                    format!("`{}` lists `{}` in `reads_from_apis`, but no call to it was found", svc.name, r.target.value),
                )
                .at(&reg.file, &reg.source, r.target.loc.offset, r.target.loc.len, "never called")
                .help("remove the entry if the dependency is gone (it holds back the release waves); if the call is made in a way ownlint does not read, set `hosts` for the service or lower this rule")
                .service(&svc.name)
                .subject(&r.target.value);
                out.push(f);
            }
        }
    }
    (out, edges)
}
