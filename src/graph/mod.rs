//! The service dependency graph (petgraph): nodes are services, edges are
//! dependencies. Every edge points from the dependent service to the one it depends
//! on:
//!
//! - **sync**: `A` lists `B` in `reads_from_apis` (label: the endpoints);
//! - **async**: `A` consumes an event that `B` publishes (label: the events);
//! - **observed**: code of `A` is coupled to `B` without the registry saying so
//!   (added by `check` through [`Graph::add_observed`]).
//!
//! Rendering lives in [`render`]; release planning in [`plan`].

pub mod plan;
pub mod render;

use crate::model::finding::Loc;
use crate::registry::Registry;
use petgraph::Direction;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{HashMap, HashSet, VecDeque};

/// Services that read each other's APIs in a cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// Member services (indices into `Registry::services`), sorted by name.
    pub members: Vec<usize>,
    /// The `reads_from_apis` entries between members: the edges that close the cycle.
    pub edges: Vec<Loc>,
}

/// Every cycle of `reads_from_apis` (strongly connected components of more than one
/// service), sorted by their first member's name. Iterative: safe on long chains.
pub fn api_cycles(reg: &Registry) -> Vec<Cycle> {
    let mut g: DiGraph<usize, Loc> = DiGraph::with_capacity(reg.services.len(), 0);
    let nodes: Vec<_> = (0..reg.services.len()).map(|i| g.add_node(i)).collect();
    for (i, svc) in reg.services.iter().enumerate() {
        for r in &svc.reads {
            if let Some(j) = reg.service_index(&r.target.value)
                && i != j
            {
                g.add_edge(nodes[i], nodes[j], r.target.loc);
            }
        }
    }
    let sccs: Vec<Vec<NodeIndex>> = kosaraju_scc(&g)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .collect();
    // The component of each node, so that edges are sorted into cycles in one pass.
    let mut comp = vec![usize::MAX; g.node_count()];
    for (c, scc) in sccs.iter().enumerate() {
        for n in scc {
            comp[n.index()] = c;
        }
    }
    let mut edges: Vec<Vec<Loc>> = vec![Vec::new(); sccs.len()];
    for e in g.edge_references() {
        let (a, b) = (comp[e.source().index()], comp[e.target().index()]);
        if a == b && a != usize::MAX {
            edges[a].push(*e.weight());
        }
    }
    let mut cycles: Vec<Cycle> = sccs
        .iter()
        .zip(edges)
        .map(|(scc, mut edges)| {
            let mut members: Vec<usize> = scc.iter().map(|&n| g[n]).collect();
            members.sort_by(|&a, &b| reg.services[a].name.cmp(&reg.services[b].name));
            edges.sort();
            Cycle { members, edges }
        })
        .collect();
    cycles.sort_by(|a, b| {
        reg.services[a.members[0]]
            .name
            .cmp(&reg.services[b.members[0]].name)
    });
    cycles
}

/// What an edge of the graph stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// An API read declared in `reads_from_apis`.
    Sync,
    /// An event the dependent consumes from the publisher.
    Async,
    /// A coupling found in the code (by `check`) that the registry does not declare.
    Observed,
}

impl EdgeKind {
    /// The name used in JSON output: `sync`, `async`, `observed`.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Sync => "sync",
            EdgeKind::Async => "async",
            EdgeKind::Observed => "observed",
        }
    }
}

/// A service as the graph shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceNode {
    pub name: String,
    /// Owned tables, as written.
    pub owns: Vec<String>,
    pub publishes: Vec<String>,
    pub consumes: Vec<String>,
    /// The consumed events that no service in the registry publishes.
    pub unpublished: Vec<String>,
    pub paths: Vec<String>,
}

/// The weight of an edge: all the declarations of one kind between two services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub kind: EdgeKind,
    /// Endpoints (sync), events (async) or what was observed, without duplicates, in
    /// the order first seen.
    pub labels: Vec<String>,
    /// The registry entries that declare the edge (none for observed edges).
    pub locs: Vec<Loc>,
}

impl Dependency {
    /// The labels joined by `, ` (empty when there are none).
    pub fn label(&self) -> String {
        self.labels.join(", ")
    }
}

/// One edge, by service index (see [`Graph::service`]).
#[derive(Clone, Copy, Debug)]
pub struct Edge<'a> {
    /// The dependent service.
    pub from: usize,
    /// The service it depends on.
    pub to: usize,
    pub dep: &'a Dependency,
}

impl Edge<'_> {
    pub fn kind(&self) -> EdgeKind {
        self.dep.kind
    }
}

/// The dependency graph of a registry. Services are indexed `0..len()` in name
/// order, so iterating by index is iterating alphabetically.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    g: DiGraph<ServiceNode, Dependency>,
    by_name: HashMap<String, NodeIndex>,
}

impl Graph {
    /// The graph of the registry's declarations: a node per service (a name declared
    /// twice counts once), a sync edge per `reads_from_apis` target, an async edge
    /// from each consumer to each publisher of an event it consumes. Reads of unknown
    /// services, self-reads and events nobody publishes make no edge (`validate`
    /// reports them).
    pub fn from_registry(reg: &Registry) -> Graph {
        let mut order: Vec<usize> = (0..reg.services.len())
            .filter(|&i| reg.service_index(&reg.services[i].name) == Some(i))
            .collect();
        order.sort_by(|&a, &b| reg.services[a].name.cmp(&reg.services[b].name));
        let published: HashSet<&str> = reg
            .services
            .iter()
            .flat_map(|s| s.publishes.iter().map(|e| e.value.as_str()))
            .collect();
        let mut graph = Graph::default();
        for &i in &order {
            let s = &reg.services[i];
            let values = |items: &[crate::registry::Item]| -> Vec<String> {
                items.iter().map(|it| it.value.clone()).collect()
            };
            graph.add_service(ServiceNode {
                name: s.name.clone(),
                owns: s.owns.iter().map(|t| t.written.clone()).collect(),
                publishes: values(&s.publishes),
                consumes: values(&s.consumes),
                unpublished: s
                    .consumes
                    .iter()
                    .filter(|e| !published.contains(e.value.as_str()))
                    .map(|e| e.value.clone())
                    .collect(),
                paths: values(&s.paths),
            });
        }
        // Registry index → node, so edges are made without looking names up twice.
        let mut node_of: Vec<Option<NodeIndex>> = vec![None; reg.services.len()];
        for &i in &order {
            node_of[i] = graph.by_name.get(&reg.services[i].name).copied();
        }
        let node = |name: &str| reg.service_index(name).and_then(|j| node_of[j]);
        for &i in &order {
            let s = &reg.services[i];
            let Some(a) = node_of[i] else { continue };
            for r in &s.reads {
                if let Some(b) = node(&r.target.value) {
                    let endpoints = r.endpoints.iter().map(|e| e.value.as_str());
                    graph.link_nodes(a, b, EdgeKind::Sync, endpoints, Some(r.target.loc));
                }
            }
        }
        let mut publishers: HashMap<&str, Vec<NodeIndex>> = HashMap::new();
        for &i in &order {
            let Some(p) = node_of[i] else { continue };
            for e in &reg.services[i].publishes {
                let list = publishers.entry(e.value.as_str()).or_default();
                if !list.contains(&p) {
                    list.push(p);
                }
            }
        }
        for &i in &order {
            let Some(a) = node_of[i] else { continue };
            for e in &reg.services[i].consumes {
                for &p in publishers.get(e.value.as_str()).into_iter().flatten() {
                    let label = std::iter::once(e.value.as_str());
                    graph.link_nodes(a, p, EdgeKind::Async, label, Some(e.loc));
                }
            }
        }
        graph
    }

    /// Adds a service. Services must be added in name order (the graph relies on
    /// index order being name order); a name already present is ignored.
    fn add_service(&mut self, node: ServiceNode) {
        if self.by_name.contains_key(&node.name) {
            return;
        }
        let name = node.name.clone();
        let ix = self.g.add_node(node);
        self.by_name.insert(name, ix);
    }

    /// Adds (or extends) the edge `a → b` of `kind`. False when `a == b`.
    fn link_nodes<'l>(
        &mut self,
        a: NodeIndex,
        b: NodeIndex,
        kind: EdgeKind,
        labels: impl Iterator<Item = &'l str>,
        loc: Option<Loc>,
    ) -> bool {
        if a == b {
            return false;
        }
        // Out-degrees are small: a scan beats hashing every edge.
        let existing = self
            .g
            .edges_connecting(a, b)
            .find(|e| e.weight().kind == kind)
            .map(|e| e.id());
        let ix = existing.unwrap_or_else(|| {
            self.g.add_edge(
                a,
                b,
                Dependency {
                    kind,
                    labels: Vec::new(),
                    locs: Vec::new(),
                },
            )
        });
        let dep = &mut self.g[ix];
        for l in labels {
            if !l.is_empty() && !dep.labels.iter().any(|x| x == l) {
                dep.labels.push(l.to_string());
            }
        }
        if let Some(loc) = loc {
            dep.locs.push(loc);
        }
        true
    }

    /// Records an observed coupling: code of service `from` depends on service `to`
    /// without the registry declaring it (e.g. `from` reads a table `to` owns).
    /// `label` says what was seen ("reads table orders"); several observations
    /// between the same services become one edge with several labels. Returns false,
    /// adding nothing, when a service is unknown or `from == to`.
    pub fn add_observed(&mut self, from: &str, to: &str, label: &str) -> bool {
        let (Some(&a), Some(&b)) = (self.by_name.get(from), self.by_name.get(to)) else {
            return false;
        };
        self.link_nodes(a, b, EdgeKind::Observed, std::iter::once(label), None)
    }

    /// Number of services.
    pub fn len(&self) -> usize {
        self.g.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.g.node_count() == 0
    }

    /// The service at `index` (`0..len()`, name order).
    pub fn service(&self, index: usize) -> &ServiceNode {
        &self.g[NodeIndex::new(index)]
    }

    /// Services in name order.
    pub fn services(&self) -> impl Iterator<Item = &ServiceNode> {
        self.g.node_weights()
    }

    /// The index of the service called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).map(|n| n.index())
    }

    /// The underlying petgraph graph (node index `i` is service `i`).
    pub fn petgraph(&self) -> &DiGraph<ServiceNode, Dependency> {
        &self.g
    }

    /// Every edge, sorted by dependent, dependency, then kind (sync, async, observed).
    pub fn edges(&self) -> Vec<Edge<'_>> {
        let mut v: Vec<Edge<'_>> = self
            .g
            .edge_references()
            .map(|e| Edge {
                from: e.source().index(),
                to: e.target().index(),
                dep: e.weight(),
            })
            .collect();
        v.sort_by_key(|e| (e.from, e.to, e.dep.kind));
        v
    }

    /// The edges out of `index` (what it depends on), sorted by dependency and kind.
    pub fn dependencies(&self, index: usize) -> Vec<Edge<'_>> {
        self.edges_at(index, Direction::Outgoing)
    }

    /// The edges into `index` (who depends on it), sorted by dependent and kind.
    pub fn dependents(&self, index: usize) -> Vec<Edge<'_>> {
        self.edges_at(index, Direction::Incoming)
    }

    fn edges_at(&self, index: usize, dir: Direction) -> Vec<Edge<'_>> {
        if index >= self.len() {
            return Vec::new();
        }
        let mut v: Vec<Edge<'_>> = self
            .g
            .edges_directed(NodeIndex::new(index), dir)
            .map(|e| Edge {
                from: e.source().index(),
                to: e.target().index(),
                dep: e.weight(),
            })
            .collect();
        match dir {
            Direction::Outgoing => v.sort_by_key(|e| (e.to, e.dep.kind)),
            Direction::Incoming => v.sort_by_key(|e| (e.from, e.dep.kind)),
        }
        v
    }

    /// The subgraph around `service`: the service, everything it depends on and
    /// everything that depends on it, transitively, over edges of every kind;
    /// `depth` limits the hops in each direction. With `reverse`, only the services
    /// that depend on it (its blast radius). Edges are those between kept services.
    /// `None` when the service is unknown.
    pub fn focus(&self, service: &str, depth: Option<usize>, reverse: bool) -> Option<Graph> {
        let start = *self.by_name.get(service)?;
        let mut keep = vec![false; self.len()];
        keep[start.index()] = true;
        let dirs: &[Direction] = if reverse {
            &[Direction::Incoming]
        } else {
            &[Direction::Outgoing, Direction::Incoming]
        };
        for &dir in dirs {
            let mut seen = vec![false; self.len()];
            seen[start.index()] = true;
            let mut queue = VecDeque::from([(start, 0usize)]);
            while let Some((n, d)) = queue.pop_front() {
                if depth.is_some_and(|max| d >= max) {
                    continue;
                }
                for m in self.g.neighbors_directed(n, dir) {
                    if !seen[m.index()] {
                        seen[m.index()] = true;
                        keep[m.index()] = true;
                        queue.push_back((m, d + 1));
                    }
                }
            }
        }
        Some(self.subgraph(&keep))
    }

    /// The services with `keep[i]` and the edges between them.
    fn subgraph(&self, keep: &[bool]) -> Graph {
        let mut out = Graph::default();
        for (i, node) in self.g.node_weights().enumerate() {
            if keep.get(i).copied().unwrap_or(false) {
                out.add_service(node.clone());
            }
        }
        for e in self.edges() {
            let (Some(&a), Some(&b)) = (
                out.by_name.get(&self.service(e.from).name),
                out.by_name.get(&self.service(e.to).name),
            ) else {
                continue;
            };
            out.g.add_edge(a, b, e.dep.clone());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn reg(text: &str) -> Registry {
        match crate::registry::load_str(text, "data-ownership.yaml", PathBuf::from(".")) {
            Ok(r) => r,
            Err(e) => panic!("bad test registry: {e}"),
        }
    }

    const SHOP: &str = "\
services:
  order-service:
    publishes_events: [order.placed]
    reads_from_apis:
      - user-service: [GET /users/:id]
      - catalog-service: [GET /products/:id]
  user-service:
    consumes_events: [order.placed]
  catalog-service: {}
";

    #[test]
    fn builds_sync_and_async_edges_in_name_order() {
        let g = Graph::from_registry(&reg(SHOP));
        let names: Vec<&str> = g.services().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["catalog-service", "order-service", "user-service"]);
        let edges: Vec<(usize, usize, EdgeKind, String)> = g
            .edges()
            .iter()
            .map(|e| (e.from, e.to, e.kind(), e.dep.label()))
            .collect();
        assert_eq!(
            edges,
            [
                (1, 0, EdgeKind::Sync, "GET /products/:id".to_string()),
                (1, 2, EdgeKind::Sync, "GET /users/:id".to_string()),
                (2, 1, EdgeKind::Async, "order.placed".to_string()),
            ]
        );
    }

    #[test]
    fn observed_edges_merge_and_refuse_unknown_services() {
        let mut g = Graph::from_registry(&reg(SHOP));
        assert!(g.add_observed("user-service", "catalog-service", "reads products"));
        assert!(g.add_observed("user-service", "catalog-service", "reads products"));
        assert!(g.add_observed("user-service", "catalog-service", "reads prices"));
        assert!(!g.add_observed("user-service", "nope", "x"));
        assert!(!g.add_observed("user-service", "user-service", "x"));
        let obs: Vec<String> = g
            .edges()
            .iter()
            .filter(|e| e.kind() == EdgeKind::Observed)
            .map(|e| e.dep.label())
            .collect();
        assert_eq!(obs, ["reads products, reads prices"]);
    }

    #[test]
    fn focus_follows_both_directions_and_depth() {
        let g = Graph::from_registry(&reg(SHOP));
        let names = |g: &Graph| -> Vec<String> { g.services().map(|s| s.name.clone()).collect() };
        let f = g.focus("catalog-service", None, true).unwrap_or_default();
        // order depends on catalog; user depends on order through an event.
        assert_eq!(
            names(&f),
            ["catalog-service", "order-service", "user-service"]
        );
        let f = g
            .focus("catalog-service", Some(1), true)
            .unwrap_or_default();
        assert_eq!(names(&f), ["catalog-service", "order-service"]);
        assert!(g.focus("nope", None, false).is_none());
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let mut text = String::from("services:\n");
        for i in 0..5000 {
            text.push_str(&format!("  s{i}:\n"));
            // s0 reads s4999: one cycle of 5,000 services.
            let prev = if i == 0 { 4999 } else { i - 1 };
            text.push_str(&format!("    reads_from_apis: [{{s{prev}: [GET /]}}]\n"));
        }
        let r = reg(&text);
        let cycles = api_cycles(&r);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].members.len(), 5000);
        assert_eq!(cycles[0].edges.len(), 5000);
    }
}
