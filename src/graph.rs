//! The network of people and employers, as a petgraph graph.
//!
//! Nodes are every person (node index = [`PersonIdx`]) followed by every
//! employer (node index = number of people + [`EmployerIdx`]). Edges are the
//! ties of `connections.csv`, employment (a mentor to their employer), and
//! mentoring history from `outcomes.csv`. The graph is undirected: a warm
//! introduction can travel a tie either way.

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;

use crate::model::{ConnectionKind, Dataset, EmployerIdx, PersonIdx};

/// Tie strength given to employment: a person's own workplace is their strongest door.
pub const EMPLOYMENT_STRENGTH: f64 = 1.0;
/// Tie strength given to a recorded mentoring relationship without an explicit connection.
pub const MENTORING_STRENGTH: f64 = 0.8;

/// What a node of the [`Network`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// A person of the dataset.
    Person(PersonIdx),
    /// An employer of the dataset.
    Employer(EmployerIdx),
}

/// What an edge of the [`Network`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// A tie from `connections.csv`.
    Connection(ConnectionKind),
    /// A mentor works for an employer.
    Employment,
    /// A mentoring relationship recorded in `outcomes.csv`.
    Mentoring,
}

impl LinkKind {
    /// A short name for summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Connection(kind) => kind.as_str(),
            LinkKind::Employment => "employment",
            LinkKind::Mentoring => "mentoring",
        }
    }
}

/// An edge of the [`Network`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// What the tie is.
    pub kind: LinkKind,
    /// Strength in (0, 1].
    pub strength: f64,
}

/// The people-and-employers network of a dataset.
#[derive(Clone, Debug)]
pub struct Network {
    /// The graph; see the module docs for how node indices map to people and employers.
    pub graph: UnGraph<Node, Link, u32>,
    /// Number of people (the first `n_people` node indices).
    pub n_people: usize,
}

impl Network {
    /// Builds the network of `data`.
    ///
    /// Edges are added in a fixed order (connections, then employment, then
    /// mentoring, each sorted), so edge indices and neighbour order depend on
    /// the data alone. A mentoring outcome between two people who already
    /// have a `mentored` connection adds no second edge.
    ///
    /// # Complexity
    ///
    /// O(V + E) time and memory.
    pub fn build(data: &Dataset) -> Network {
        let n_people = data.people.len();
        let n_nodes = n_people + data.employers.len();
        let n_employment = data.people.iter().filter(|p| p.employer.is_some()).count();
        let mut graph = UnGraph::with_capacity(n_nodes, data.connections.len() + n_employment + data.outcomes.len());
        for i in 0..n_people {
            graph.add_node(Node::Person(PersonIdx(i as u32)));
        }
        for e in 0..data.employers.len() {
            graph.add_node(Node::Employer(EmployerIdx(e as u32)));
        }
        let person_node = |p: PersonIdx| NodeIndex::new(p.0 as usize);
        for c in &data.connections {
            graph.add_edge(
                person_node(c.a),
                person_node(c.b),
                Link { kind: LinkKind::Connection(c.kind), strength: c.strength },
            );
        }
        for (i, person) in data.people.iter().enumerate() {
            if let Some(employer) = person.employer {
                graph.add_edge(
                    NodeIndex::new(i),
                    NodeIndex::new(n_people + employer.0 as usize),
                    Link { kind: LinkKind::Employment, strength: EMPLOYMENT_STRENGTH },
                );
            }
        }
        let mut mentored: Vec<(PersonIdx, PersonIdx)> =
            data.connections.iter().filter(|c| c.kind == ConnectionKind::Mentored).map(|c| (c.a, c.b)).collect();
        mentored.sort_unstable();
        let mut mentoring: Vec<(PersonIdx, PersonIdx)> =
            data.outcomes.iter().map(|o| (o.mentee.min(o.mentor), o.mentee.max(o.mentor))).collect();
        mentoring.sort_unstable();
        mentoring.dedup();
        for (a, b) in mentoring {
            if mentored.binary_search(&(a, b)).is_err() {
                graph.add_edge(
                    person_node(a),
                    person_node(b),
                    Link { kind: LinkKind::Mentoring, strength: MENTORING_STRENGTH },
                );
            }
        }
        Network { graph, n_people }
    }

    /// The node of a person.
    pub fn person_node(&self, person: PersonIdx) -> NodeIndex {
        NodeIndex::new(person.0 as usize)
    }

    /// The node of an employer.
    pub fn employer_node(&self, employer: EmployerIdx) -> NodeIndex {
        NodeIndex::new(self.n_people + employer.0 as usize)
    }

    /// Summary figures: node and edge counts, edges by kind, components.
    pub fn stats(&self) -> NetworkStats {
        let graph = &self.graph;
        let mut components = UnionFind::<u32>::new(graph.node_count());
        let mut edges_by_kind: Vec<(LinkKind, usize)> = Vec::new();
        for edge in graph.edge_references() {
            components.union(edge.source().index() as u32, edge.target().index() as u32);
            let kind = edge.weight().kind;
            match edges_by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, count)) => *count += 1,
                None => edges_by_kind.push((kind, 1)),
            }
        }
        edges_by_kind.sort();
        let mut sizes = vec![0usize; graph.node_count()];
        for label in components.into_labeling() {
            sizes[label as usize] += 1;
        }
        let isolated = graph.node_indices().filter(|&n| graph.neighbors(n).next().is_none()).count();
        NetworkStats {
            nodes: graph.node_count(),
            edges: graph.edge_count(),
            edges_by_kind,
            components: sizes.iter().filter(|&&s| s > 0).count(),
            largest_component: sizes.iter().copied().max().unwrap_or(0),
            isolated,
        }
    }
}

/// Summary figures of a [`Network`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkStats {
    /// People plus employers.
    pub nodes: usize,
    /// All edges.
    pub edges: usize,
    /// Edge counts per kind, sorted by kind.
    pub edges_by_kind: Vec<(LinkKind, usize)>,
    /// Connected components, isolated nodes included.
    pub components: usize,
    /// Nodes in the largest component.
    pub largest_component: usize,
    /// Nodes with no edge at all.
    pub isolated: usize,
}
