//! Release waves: the order in which services can be released so that every service
//! ships after the services it depends on.
//!
//! 1. Services that read each other's APIs in a cycle (a strongly connected component
//!    of the sync edges) form one group, released together; every other service is a
//!    group of its own. The groups and the sync edges between them form a DAG (the
//!    condensation).
//! 2. With `include_events`, async edges are added to that DAG one at a time, in the
//!    order of (consumer, publisher) names, skipping any that would close a cycle
//!    (checked with an incremental topological order, Pearce–Kelly, so that adding an
//!    edge only looks at the part of the graph whose order it can change).
//! 3. Wave 1 holds the groups with no dependency; a group's wave is one more than the
//!    latest wave of its dependencies (longest-path layering, computed in topological
//!    order).
//! 4. The critical path is a longest chain of dependencies; it has one group per
//!    wave. Ties are broken by name: the chain whose names, read from the leaf, come
//!    first alphabetically.
//!
//! Everything is iterative and linear in the size of the graph (plus the
//! incremental-order work for event edges).

use super::{EdgeKind, Graph};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

/// What to order by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Order by event (async) edges too, where that closes no cycle.
    pub include_events: bool,
}

/// What an async edge does to the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventUse {
    /// Shown only: events do not order waves without `--include-events`.
    Shown,
    /// Orders the waves (`--include-events`).
    Ordered,
    /// Between members of one cycle group, which are released together anyway.
    WithinCycle,
    /// Not used: it would close a cycle (`--include-events`).
    WouldCloseCycle,
}

impl EventUse {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            EventUse::Shown => "shown",
            EventUse::Ordered => "ordered",
            EventUse::WithinCycle => "within-cycle",
            EventUse::WouldCloseCycle => "would-close-cycle",
        }
    }
}

/// An async dependency: `consumer` consumes `events` published by `publisher`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDep {
    pub consumer: usize,
    pub publisher: usize,
    pub events: Vec<String>,
    pub usage: EventUse,
}

/// One service another waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    pub service: usize,
    /// Through an API read.
    pub sync: bool,
    /// Through events (only with `include_events`).
    pub events: bool,
}

/// A release plan. Service indices are those of the [`Graph`] it was made from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Waves in release order, each in name order.
    pub waves: Vec<Vec<usize>>,
    /// The wave of every service (0-based).
    pub wave_of: Vec<usize>,
    /// Groups of services that read each other's APIs in a cycle, each in name order,
    /// sorted by their first member.
    pub cycles: Vec<Vec<usize>>,
    /// The cycle group of every service, as an index into `cycles`.
    pub cycle_of: Vec<Option<usize>>,
    /// What every service waits on: its direct dependencies outside its own cycle
    /// group that order it, in name order.
    pub waits_on: Vec<Vec<Wait>>,
    /// The critical path, leaf first: one group per wave (a cycle group lists all its
    /// members).
    pub critical_path: Vec<Vec<usize>>,
    /// Every async dependency and what the plan did with it, by consumer then
    /// publisher.
    pub events: Vec<EventDep>,
}

impl Plan {
    /// The critical path as service indices (cycle groups expanded).
    pub fn critical_services(&self) -> Vec<usize> {
        self.critical_path.iter().flatten().copied().collect()
    }
}

/// Plans the release waves of `graph` (observed edges never order waves).
pub fn plan(graph: &Graph, opts: PlanOptions) -> Plan {
    let n = graph.len();
    let mut sync_deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut async_edges: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for e in graph.edges() {
        match e.kind() {
            EdgeKind::Sync => sync_deps[e.from].push(e.to),
            EdgeKind::Async => async_edges.push((e.from, e.to, e.dep.labels.clone())),
            EdgeKind::Observed => {}
        }
    }

    // 1. Groups: strongly connected components of the sync edges, numbered in the
    //    order of their first member's name.
    let mut pg: DiGraph<(), ()> = DiGraph::with_capacity(n, 0);
    for _ in 0..n {
        pg.add_node(());
    }
    for (u, deps) in sync_deps.iter().enumerate() {
        for &v in deps {
            pg.add_edge(NodeIndex::new(u), NodeIndex::new(v), ());
        }
    }
    let mut groups: Vec<Vec<usize>> = kosaraju_scc(&pg)
        .into_iter()
        .map(|scc| {
            let mut m: Vec<usize> = scc.iter().map(|x| x.index()).collect();
            m.sort_unstable();
            m
        })
        .filter(|m| !m.is_empty())
        .collect();
    groups.sort_unstable_by_key(|m| m[0]);
    let mut group_of = vec![0usize; n];
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            group_of[m] = g;
        }
    }
    let ng = groups.len();
    let mut dag = DynTopo::new(ng);
    for (u, deps) in sync_deps.iter().enumerate() {
        for &v in deps {
            let (gu, gv) = (group_of[u], group_of[v]);
            if gu != gv {
                dag.deps[gu].push(gv);
                dag.dependents[gv].push(gu);
            }
        }
    }
    for adj in dag.deps.iter_mut().chain(dag.dependents.iter_mut()) {
        adj.sort_unstable();
        adj.dedup();
    }
    dag.init_order();

    // 2. Event edges, one at a time.
    let mut events = Vec::with_capacity(async_edges.len());
    for (u, v, labels) in async_edges {
        let (gu, gv) = (group_of[u], group_of[v]);
        let usage = if !opts.include_events {
            EventUse::Shown
        } else if gu == gv {
            EventUse::WithinCycle
        } else if dag.try_add(gu, gv) {
            EventUse::Ordered
        } else {
            EventUse::WouldCloseCycle
        };
        events.push(EventDep {
            consumer: u,
            publisher: v,
            events: labels,
            usage,
        });
    }

    // 3. Waves, in topological order (dependencies first).
    let topo = dag.topological();
    let mut wave = vec![0usize; ng];
    for &g in &topo {
        wave[g] = dag.deps[g].iter().map(|&d| wave[d] + 1).max().unwrap_or(0);
    }
    let mut height = vec![1usize; ng];
    for &g in topo.iter().rev() {
        height[g] = dag.dependents[g]
            .iter()
            .map(|&d| height[d] + 1)
            .max()
            .unwrap_or(1);
    }
    let nwaves = wave.iter().map(|w| w + 1).max().unwrap_or(0);
    let mut waves: Vec<Vec<usize>> = vec![Vec::new(); nwaves];
    let mut wave_of = vec![0usize; n];
    for (u, &g) in group_of.iter().enumerate() {
        wave_of[u] = wave[g];
        waves[wave[g]].push(u);
    }

    // 4. Critical path: start at the first leaf group heading a longest chain, then
    //    always step to the first dependent that continues one.
    let mut critical_path = Vec::new();
    let mut cur = (0..ng).find(|&g| wave[g] == 0 && height[g] == nwaves);
    while let Some(g) = cur {
        critical_path.push(groups[g].clone());
        cur = dag.dependents[g]
            .iter()
            .copied()
            .filter(|&d| height[d] + 1 == height[g])
            .min();
    }

    // What each service waits on.
    let mut waits_on: Vec<Vec<Wait>> = vec![Vec::new(); n];
    for (u, deps) in sync_deps.iter().enumerate() {
        for &v in deps {
            if group_of[u] != group_of[v] {
                waits_on[u].push(Wait {
                    service: v,
                    sync: true,
                    events: false,
                });
            }
        }
    }
    for e in &events {
        if e.usage == EventUse::Ordered {
            let list = &mut waits_on[e.consumer];
            match list.iter_mut().find(|w| w.service == e.publisher) {
                Some(w) => w.events = true,
                None => list.push(Wait {
                    service: e.publisher,
                    sync: false,
                    events: true,
                }),
            }
        }
    }
    for list in &mut waits_on {
        list.sort_unstable_by_key(|w| w.service);
    }

    let mut cycles = Vec::new();
    let mut cycle_of = vec![None; n];
    for members in groups.iter().filter(|m| m.len() > 1) {
        for &m in members {
            cycle_of[m] = Some(cycles.len());
        }
        cycles.push(members.clone());
    }

    Plan {
        waves,
        wave_of,
        cycles,
        cycle_of,
        waits_on,
        critical_path,
        events,
    }
}

/// A DAG with a topological order maintained under edge insertion (Pearce & Kelly,
/// "A dynamic topological sort algorithm for directed acyclic graphs", 2006).
/// `ord[a] < ord[b]` whenever `b` depends on `a`.
struct DynTopo {
    deps: Vec<Vec<usize>>,
    dependents: Vec<Vec<usize>>,
    ord: Vec<usize>,
    mark: Vec<u64>,
    stamp: u64,
}

impl DynTopo {
    fn new(n: usize) -> Self {
        DynTopo {
            deps: vec![Vec::new(); n],
            dependents: vec![Vec::new(); n],
            ord: (0..n).collect(),
            mark: vec![0; n],
            stamp: 0,
        }
    }

    /// Sets `ord` to a topological order of the current edges (Kahn).
    fn init_order(&mut self) {
        let n = self.deps.len();
        let mut missing: Vec<usize> = self.deps.iter().map(Vec::len).collect();
        let mut queue: VecDeque<usize> = (0..n).filter(|&g| missing[g] == 0).collect();
        let mut next = 0;
        let mut placed = vec![false; n];
        while let Some(g) = queue.pop_front() {
            self.ord[g] = next;
            placed[g] = true;
            next += 1;
            for &d in &self.dependents[g] {
                missing[d] -= 1;
                if missing[d] == 0 {
                    queue.push_back(d);
                }
            }
        }
        // Only reachable if the edges had a cycle, which a condensation has not;
        // keep `ord` a permutation regardless.
        for (g, &done) in placed.iter().enumerate() {
            if !done {
                self.ord[g] = next;
                next += 1;
            }
        }
    }

    /// The groups in topological order.
    fn topological(&self) -> Vec<usize> {
        let mut topo = vec![0; self.ord.len()];
        for (g, &o) in self.ord.iter().enumerate() {
            topo[o] = g;
        }
        topo
    }

    fn next_stamp(&mut self) -> u64 {
        self.stamp += 1;
        self.stamp
    }

    /// Adds "`dependent` depends on `dependency`" unless that closes a cycle.
    fn try_add(&mut self, dependent: usize, dependency: usize) -> bool {
        let (x, y) = (dependency, dependent);
        if x == y {
            return false;
        }
        let (lb, ub) = (self.ord[y], self.ord[x]);
        if lb > ub {
            self.link(dependent, dependency);
            return true;
        }
        // Forward from y over dependents within the affected region: reaching x
        // means x already depends on y.
        let fwd = self.next_stamp();
        let mut forward = Vec::new();
        let mut stack = vec![y];
        self.mark[y] = fwd;
        while let Some(w) = stack.pop() {
            if w == x {
                return false;
            }
            forward.push(w);
            for &z in &self.dependents[w] {
                if self.mark[z] != fwd && self.ord[z] <= ub {
                    self.mark[z] = fwd;
                    stack.push(z);
                }
            }
        }
        // Backward from x over dependencies within the region.
        let bwd = self.next_stamp();
        let mut backward = Vec::new();
        let mut stack = vec![x];
        self.mark[x] = bwd;
        while let Some(w) = stack.pop() {
            backward.push(w);
            for &z in &self.deps[w] {
                if self.mark[z] != bwd && self.ord[z] > lb {
                    self.mark[z] = bwd;
                    stack.push(z);
                }
            }
        }
        // Reorder: everything x needs, then everything that needs y, in the slots
        // they held.
        backward.sort_unstable_by_key(|&g| self.ord[g]);
        forward.sort_unstable_by_key(|&g| self.ord[g]);
        let mut slots: Vec<usize> = backward
            .iter()
            .chain(&forward)
            .map(|&g| self.ord[g])
            .collect();
        slots.sort_unstable();
        for (&g, slot) in backward.iter().chain(&forward).zip(slots) {
            self.ord[g] = slot;
        }
        self.link(dependent, dependency);
        true
    }

    fn link(&mut self, dependent: usize, dependency: usize) {
        if !self.deps[dependent].contains(&dependency) {
            self.deps[dependent].push(dependency);
            self.dependents[dependency].push(dependent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::load_str;
    use std::path::PathBuf;

    fn graph(text: &str) -> Graph {
        match load_str(text, "data-ownership.yaml", PathBuf::from(".")) {
            Ok(r) => Graph::from_registry(&r),
            Err(e) => panic!("bad test registry: {e}"),
        }
    }

    fn names(g: &Graph, v: &[usize]) -> Vec<String> {
        v.iter().map(|&i| g.service(i).name.clone()).collect()
    }

    #[test]
    fn dyn_topo_refuses_cycles_and_keeps_order() {
        let mut t = DynTopo::new(4);
        t.init_order();
        assert!(t.try_add(0, 1)); // 0 needs 1
        assert!(t.try_add(1, 2));
        assert!(t.try_add(2, 3));
        assert!(!t.try_add(3, 0)); // would close 0→1→2→3→0
        assert!(!t.try_add(2, 0));
        assert!(t.try_add(0, 3));
        let ord = &t.ord;
        assert!(ord[3] < ord[2] && ord[2] < ord[1] && ord[1] < ord[0]);
    }

    #[test]
    fn events_order_only_when_asked_and_never_close_cycles() {
        let g = graph(
            "\
services:
  a:
    publishes_events: [a.done]
    consumes_events: [b.done]
  b:
    publishes_events: [b.done]
    consumes_events: [a.done]
",
        );
        let p = plan(&g, PlanOptions::default());
        assert_eq!(p.waves, [vec![0, 1]]);
        let p = plan(
            &g,
            PlanOptions {
                include_events: true,
            },
        );
        // a consumes from b first (by name): b, then a; b's edge to a is skipped.
        assert_eq!(p.waves, [vec![1], vec![0]]);
        let uses: Vec<EventUse> = p.events.iter().map(|e| e.usage).collect();
        assert_eq!(uses, [EventUse::Ordered, EventUse::WouldCloseCycle]);
    }

    #[test]
    fn chain_of_5000_plans_without_recursion() {
        let mut text = String::from("services:\n");
        for i in 0..5000 {
            if i == 0 {
                text.push_str("  s0000: {}\n");
            } else {
                text.push_str(&format!("  s{i:04}:\n"));
                text.push_str(&format!(
                    "    reads_from_apis:\n      - s{:04}: []\n",
                    i - 1
                ));
            }
        }
        let g = graph(&text);
        let p = plan(&g, PlanOptions::default());
        assert_eq!(p.waves.len(), 5000);
        assert_eq!(p.critical_path.len(), 5000);
        assert_eq!(names(&g, &p.critical_path[0]), ["s0000"]);
    }
}
