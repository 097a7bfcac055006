//! The decision graph of one article, as a petgraph `DiGraph`.
//!
//! This is the only module that knows petgraph. [`DecisionGraph::build`] turns an
//! [`Article`] into nodes (symptom, question, cause, solution, workaround) and labelled
//! edges; [`check`] reports cycles and unreachable nodes; `solve` walks the graph.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Kb, KbArticle, node_path};
use crate::model::{Article, NodeId, NodeKind};

/// A node of the decision graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The node's id within its article.
    pub id: NodeId,
    /// What kind of node it is.
    pub kind: NodeKind,
}

/// A labelled edge of the decision graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edge {
    /// From a symptom to the article's entry.
    Entry,
    /// From a question to where one of its answers leads.
    Answer {
        /// The answer's value.
        value: String,
        /// The answer's label.
        label: String,
    },
    /// From a cause to one of its solutions.
    Solution,
    /// From a cause to one of its workarounds.
    Workaround,
    /// From a cause to the question that chooses between its fixes.
    Then,
}

impl Edge {
    /// A short label for pictures of the graph.
    pub fn label(&self) -> &str {
        match self {
            Edge::Entry => "",
            Edge::Answer { label, .. } => label,
            Edge::Solution => "solution",
            Edge::Workaround => "workaround",
            Edge::Then => "then",
        }
    }
}

/// The decision graph of one article.
#[derive(Debug, Clone)]
pub struct DecisionGraph {
    graph: DiGraph<Node, Edge>,
    by_id: HashMap<NodeId, NodeIndex>,
    roots: Vec<NodeIndex>,
}

impl DecisionGraph {
    /// Builds the graph; references to missing nodes are left out (`load` reports them).
    pub fn build(article: &Article) -> Self {
        let mut graph = DiGraph::new();
        let mut by_id = HashMap::new();
        for (id, kind) in article.nodes() {
            let index = graph.add_node(Node {
                id: id.clone(),
                kind,
            });
            by_id.entry(id.clone()).or_insert(index);
        }
        let entry = article
            .entry
            .as_ref()
            .and_then(|entry| by_id.get(entry))
            .copied();
        let mut roots: Vec<NodeIndex> = article.symptoms.iter().map(|s| by_id[&s.id]).collect();
        if let Some(entry) = entry {
            for &symptom in &roots {
                graph.add_edge(symptom, entry, Edge::Entry);
            }
            if roots.is_empty() {
                roots.push(entry);
            }
        }
        // A shortcut is asked where the planner chooses it, not reached by a walk.
        roots.extend(
            article
                .questions
                .iter()
                .filter(|q| q.shortcut)
                .map(|q| by_id[&q.id]),
        );
        for question in &article.questions {
            let from = by_id[&question.id];
            for answer in &question.answers {
                if let Some(to) = answer.goto.as_ref().and_then(|id| by_id.get(id)) {
                    let edge = Edge::Answer {
                        value: answer.value.clone(),
                        label: answer.label().to_owned(),
                    };
                    graph.add_edge(from, *to, edge);
                }
            }
        }
        for cause in &article.causes {
            let from = by_id[&cause.id];
            let lists = [
                (&cause.solutions, Edge::Solution),
                (&cause.workarounds, Edge::Workaround),
            ];
            for (ids, edge) in lists {
                for to in ids.iter().filter_map(|id| by_id.get(id)) {
                    graph.add_edge(from, *to, edge.clone());
                }
            }
            if let Some(to) = cause.then.as_ref().and_then(|id| by_id.get(id)) {
                graph.add_edge(from, *to, Edge::Then);
            }
        }
        DecisionGraph {
            graph,
            by_id,
            roots,
        }
    }

    /// The kind of the node with this id (a hash lookup, unlike `Article::kind_of`).
    pub fn kind_of(&self, id: &NodeId) -> Option<NodeKind> {
        self.by_id.get(id).map(|&index| self.graph[index].kind)
    }

    /// The nodes, in document order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.graph.node_weights()
    }

    /// Every edge as (from, to, edge), in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = (&Node, &Node, &Edge)> {
        self.graph
            .edge_references()
            .map(|e| (&self.graph[e.source()], &self.graph[e.target()], e.weight()))
    }

    /// The nodes a node leads to, with the edge labels, in document order.
    pub fn successors(&self, id: &NodeId) -> Vec<(&Node, &Edge)> {
        let Some(&index) = self.by_id.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<_> = self
            .graph
            .edges(index)
            .map(|e| (e.id(), &self.graph[e.target()], e.weight()))
            .collect();
        // petgraph lists outgoing edges newest first; keep the order they were written in.
        out.sort_by_key(|(edge, ..)| *edge);
        out.into_iter()
            .map(|(_, node, edge)| (node, edge))
            .collect()
    }

    /// Nodes that no walk from the symptoms (or the entry) reaches, in document order.
    ///
    /// A cause counts as reached when an answer leads straight to one of its solutions or
    /// workarounds, since that answer implies the cause it fixes.
    pub fn unreachable(&self) -> Vec<&Node> {
        let mut seen = self.reachable_from(&self.roots);
        // Fixes that a reachable question's answer leads to directly.
        let answered: HashSet<NodeIndex> = self
            .graph
            .edge_references()
            .filter(|e| matches!(e.weight(), Edge::Answer { .. }) && seen.contains(&e.source()))
            .map(|e| e.target())
            .collect();
        let implied: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|&n| self.graph[n].kind == NodeKind::Cause && !seen.contains(&n))
            .filter(|&n| self.graph.neighbors(n).any(|m| answered.contains(&m)))
            .collect();
        seen.extend(implied);
        self.graph
            .node_indices()
            .filter(|n| !seen.contains(n))
            .map(|n| &self.graph[n])
            .collect()
    }

    /// Each cycle as the node ids along it, starting from its first node in document order.
    pub fn cycles(&self) -> Vec<Vec<NodeId>> {
        let mut cycles = Vec::new();
        // Kosaraju walks with an explicit stack: a 50,000-question chain must not overflow it.
        for component in petgraph::algo::kosaraju_scc(&self.graph) {
            let members: HashSet<NodeIndex> = component.iter().copied().collect();
            let start = *component.iter().min().expect("components are not empty");
            let self_loop = self.graph.contains_edge(start, start);
            if component.len() < 2 && !self_loop {
                continue;
            }
            // Follow edges inside the component to list the nodes in walking order.
            let mut order = vec![start];
            let mut current = start;
            loop {
                let next = self
                    .graph
                    .neighbors(current)
                    .filter(|n| members.contains(n))
                    .filter(|n| !order.contains(n) || *n == start)
                    .min_by_key(|n| (*n == start, *n));
                match next {
                    Some(n) if n != start => {
                        order.push(n);
                        current = n;
                    }
                    _ => break,
                }
            }
            cycles.push(
                order
                    .into_iter()
                    .map(|n| self.graph[n].id.clone())
                    .collect(),
            );
        }
        cycles.sort();
        cycles
    }

    /// The fewest questions on any walk from the entry to `target`, counting the questions
    /// answered before reaching it (so a cause that is the entry needs none).
    pub fn min_questions_to(&self, target: &NodeId) -> Option<usize> {
        let &goal = self.by_id.get(target)?;
        // Breadth-first over a 0/1-weighted graph: leaving a question costs one question.
        let mut best: HashMap<NodeIndex, usize> = HashMap::new();
        let mut queue = VecDeque::new();
        for &root in &self.roots {
            best.insert(root, 0);
            queue.push_back(root);
        }
        while let Some(node) = queue.pop_front() {
            let cost = best[&node] + usize::from(self.graph[node].kind == NodeKind::Question);
            for next in self.graph.neighbors(node) {
                if best.get(&next).is_none_or(|&known| cost < known) {
                    best.insert(next, cost);
                    if cost == best[&node] {
                        queue.push_front(next);
                    } else {
                        queue.push_back(next);
                    }
                }
            }
        }
        best.get(&goal).copied()
    }

    /// Every node in an order where each edge points forward (petgraph's toposort), or
    /// `None` when the graph has a cycle (`check` reports it).
    pub fn topological_order(&self) -> Option<Vec<&Node>> {
        let order = petgraph::algo::toposort(&self.graph, None).ok()?;
        Some(order.into_iter().map(|n| &self.graph[n]).collect())
    }

    /// The causes reachable from a node (itself included), in document order.
    pub fn causes_from(&self, id: &NodeId) -> Vec<NodeId> {
        let Some(&start) = self.by_id.get(id) else {
            return Vec::new();
        };
        let seen = self.reachable_from(&[start]);
        self.graph
            .node_indices()
            .filter(|n| seen.contains(n) && self.graph[*n].kind == NodeKind::Cause)
            .map(|n| self.graph[n].id.clone())
            .collect()
    }

    fn reachable_from(&self, roots: &[NodeIndex]) -> HashSet<NodeIndex> {
        let mut seen: HashSet<NodeIndex> = roots.iter().copied().collect();
        let mut stack: Vec<NodeIndex> = roots.to_vec();
        while let Some(node) = stack.pop() {
            for next in self.graph.neighbors(node) {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        seen
    }
}

/// Appends cycle and reachability problems of every article in `kb` to `diagnostics`.
pub fn check(kb: &Kb, diagnostics: &mut Vec<Diagnostic>) {
    for entry in &kb.articles {
        check_article(entry, diagnostics);
    }
}

/// Appends the cycle and reachability problems of one article to `diagnostics`.
pub fn check_article(entry: &KbArticle, diagnostics: &mut Vec<Diagnostic>) {
    let article = &entry.article;
    let file = &entry.file;
    // Without a unique id per node or a valid entry the graph means nothing, and `load`
    // has already said why: walking it would only add noise.
    let mut ids = HashSet::new();
    let unique_ids = article.nodes().all(|(id, _)| ids.insert(id));
    if !unique_ids
        || article
            .entry
            .as_ref()
            .is_none_or(|entry| article.kind_of(entry).is_none())
    {
        return;
    }
    let graph = DecisionGraph::build(article);
    let span_of = |id: &NodeId| node_path(article, id).and_then(|path| file.span_of(&path));
    for cycle in graph.cycles() {
        let mut walk: Vec<&str> = cycle.iter().map(NodeId::as_str).collect();
        walk.push(cycle[0].as_str());
        diagnostics.push(Diagnostic::error(
            Code::Cycle,
            &file.name,
            span_of(&cycle[0]),
            format!(
                "answers lead back to where they started: {}",
                walk.join(" → ")
            ),
        ));
    }
    for node in graph.unreachable() {
        diagnostics.push(Diagnostic::error(
                Code::Unreachable,
                &file.name,
                span_of(&node.id),
                format!(
                    "{} `{}` cannot be reached from the symptoms: no answer, cause or entry leads to it",
                    node.kind, node.id
                ),
            ));
    }
}

#[cfg(test)]
mod tests;
