//! The service dependency graph (petgraph): nodes are services, edges are API reads.

use crate::finding::Loc;
use crate::registry::Registry;
use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

/// Services that read each other's APIs in a cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// Member services (indices into `Registry::services`), sorted by name.
    pub members: Vec<usize>,
    /// The `reads_from_apis` entries between members: the edges that close the cycle.
    pub edges: Vec<Loc>,
}

/// Every cycle of `reads_from_apis` (strongly connected components of more than one
/// service), sorted by their first member's name.
pub fn api_cycles(reg: &Registry) -> Vec<Cycle> {
    let mut g: DiGraph<usize, Loc> = DiGraph::with_capacity(reg.services.len(), 0);
    let nodes: Vec<_> = (0..reg.services.len()).map(|i| g.add_node(i)).collect();
    for (i, svc) in reg.services.iter().enumerate() {
        for r in &svc.reads {
            if let Some(j) = reg.service_index(&r.target.value) {
                if i != j {
                    g.add_edge(nodes[i], nodes[j], r.target.loc);
                }
            }
        }
    }
    let mut cycles: Vec<Cycle> = tarjan_scc(&g)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let mut members: Vec<usize> = scc.iter().map(|&n| g[n]).collect();
            members.sort_by(|&a, &b| reg.services[a].name.cmp(&reg.services[b].name));
            let mut edges: Vec<Loc> = g
                .edge_indices()
                .filter_map(|e| {
                    let (a, b) = g.edge_endpoints(e)?;
                    (scc.contains(&a) && scc.contains(&b)).then(|| g[e])
                })
                .collect();
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
