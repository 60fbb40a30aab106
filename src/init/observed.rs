//! The API reads and events of the proposal: what `check`'s own scan observes on the
//! proposed registry (`crate::drift`, the observed edges `graph --observed` and
//! `waves --observed` read), so that `init` and `check` have one source of truth and
//! `check` right after `init` does not report the calls the proposal could have
//! listed.
//!
//! Cost: one run of `check`'s scan over the repository, after `init`'s own walk.

use super::At;
use crate::commands::check::Run;
use crate::drift::code::Seen;
use crate::drift::{EdgeKind, Evidence, Role, event_key};
use crate::registry::Registry;
use std::collections::BTreeMap;

/// One proposed entry (a service called, an event) with its first evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// Where it was first seen (smallest path, then line).
    pub at: At,
    /// How it was recognised (`URL of the service`, `subscription`).
    pub how: String,
}

/// What the scan observed, per service (indexed like the registry's services).
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// `reads_from_apis`: the services each one is seen calling.
    pub reads: Vec<Vec<Entry>>,
    /// `publishes_events`: the events each one alone is seen publishing.
    pub publishes: Vec<Vec<Entry>>,
    /// `consumes_events`: the events each one is seen consuming that a proposed
    /// service publishes (spelled as the publisher's entry).
    pub consumes: Vec<Vec<Entry>>,
    /// Events seen but left out, with why: consumed with no proposed publisher, or
    /// published by several services (an event has one publisher).
    pub left: Vec<Vec<(Entry, String)>>,
}

fn key(e: &Evidence) -> (&str, u32, u32) {
    (&e.path, e.line, e.column)
}

fn entry(name: &str, e: &Evidence) -> Entry {
    Entry {
        name: name.to_string(),
        at: At {
            path: e.path.clone(),
            line: e.line,
        },
        how: e.how.clone(),
    }
}

/// Keeps the earliest evidence per name: the scan's threads give observations in
/// any order, the proposal must not depend on it.
fn earliest<'a, K: Ord>(
    map: &mut BTreeMap<K, (&'a str, &'a Evidence)>,
    k: K,
    name: &'a str,
    e: &'a Evidence,
) {
    match map.get(&k) {
        Some((_, old)) if key(old) <= key(e) => {}
        _ => {
            map.insert(k, (name, e));
        }
    }
}

/// The proposal's API reads and events from `run`, a `check` run on `reg` (the
/// proposal without them).
pub fn from_run(reg: &Registry, run: &Run) -> Observed {
    let n = reg.services.len();
    // (caller, callee) → earliest evidence, from code and deployment configuration.
    let mut calls: BTreeMap<(usize, usize), (&str, &Evidence)> = BTreeMap::new();
    for o in &run.observations {
        if let Seen::Api(t) = o.seen
            && t != o.service
            && t < n
            && o.service < n
        {
            earliest(&mut calls, (o.service, t), "", &o.evidence);
        }
    }
    for e in run.edges.iter().filter(|e| e.kind == EdgeKind::Api) {
        if let (Some(f), Some(t)) = (reg.service_index(&e.from), reg.service_index(&e.to))
            && f != t
        {
            earliest(&mut calls, (f, t), "", &e.evidence);
        }
    }
    let mut out = Observed {
        reads: vec![Vec::new(); n],
        publishes: vec![Vec::new(); n],
        consumes: vec![Vec::new(); n],
        left: vec![Vec::new(); n],
    };
    for ((f, t), (_, e)) in &calls {
        out.reads[*f].push(entry(&reg.services[*t].name, e));
    }
    // Events: (event key, role, service) → earliest spelling and evidence.
    let mut events: BTreeMap<(String, Role, usize), (&str, &Evidence)> = BTreeMap::new();
    for o in &run.observations {
        if let Seen::Event { name, role, .. } = &o.seen
            && o.service < n
            && crate::registry::validate::valid_event_name(name)
        {
            earliest(
                &mut events,
                (event_key(name), *role, o.service),
                name,
                &o.evidence,
            );
        }
    }
    let mut publishers: BTreeMap<&str, Vec<(usize, &str, &Evidence)>> = BTreeMap::new();
    for ((k, role, s), (name, e)) in &events {
        if *role == Role::Publish {
            publishers.entry(k).or_default().push((*s, name, e));
        }
    }
    for list in publishers.values() {
        if let [(s, name, e)] = list.as_slice() {
            out.publishes[*s].push(entry(name, e));
            continue;
        }
        let names: Vec<String> = list
            .iter()
            .map(|(s, _, _)| format!("`{}`", reg.services[*s].name))
            .collect();
        for (s, name, e) in list {
            out.left[*s].push((
                entry(name, e),
                format!(
                    "published by {}: an event has one publisher, list it under its owner",
                    names.join(", ")
                ),
            ));
        }
    }
    for ((k, role, s), (name, e)) in &events {
        if *role != Role::Consume {
            continue;
        }
        match publishers.get(k.as_str()).map(Vec::as_slice) {
            Some([(_, published, _)]) => out.consumes[*s].push(entry(published, e)),
            Some(_) => out.left[*s].push((
                entry(name, e),
                "consumed; its publisher is to decide".to_string(),
            )),
            None => out.left[*s].push((
                entry(name, e),
                "consumed, but no proposed service is seen publishing it".to_string(),
            )),
        }
    }
    out
}
