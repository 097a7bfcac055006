use super::*;
use crate::load::parse_article;

/// Parses a small article written as YAML.
fn article(yaml: &str) -> Article {
    parse_article("test.yaml", yaml).unwrap_or_else(|d| panic!("{d:?}"))
}

fn ids(nodes: &[&Node]) -> Vec<String> {
    nodes.iter().map(|n| n.id.to_string()).collect()
}

const THREE_CAUSES: &str = "
id: t
title: T
symptoms:
  - id: s
    text: It fails.
entry: q1
questions:
  - id: q1
    text: One?
    answers:
      - {value: 'yes', goto: c1}
      - {value: 'no', goto: q2}
  - id: q2
    text: Two?
    answers:
      - {value: 'yes', goto: q3}
      - {value: 'no', goto: c2}
  - id: q3
    text: Three?
    answers:
      - {value: 'yes', goto: c3}
      - {value: 'no', goto: c2}
causes:
  - {id: c1, title: C1, solutions: [f1]}
  - {id: c2, title: C2, solutions: [f2], workarounds: [w2]}
  - {id: c3, title: C3, solutions: [f1]}
solutions:
  - {id: f1, title: F1}
  - {id: f2, title: F2}
workarounds:
  - {id: w2, title: W2}
";

#[test]
fn builds_labelled_edges_in_document_order() {
    let graph = DecisionGraph::build(&article(THREE_CAUSES));
    let edges: Vec<String> = graph
        .edges()
        .map(|(from, to, edge)| format!("{} -{}-> {}", from.id, edge.label(), to.id))
        .collect();
    insta::assert_snapshot!(edges.join("\n"), @r"
    s --> q1
    q1 -Yes-> c1
    q1 -No-> q2
    q2 -Yes-> q3
    q2 -No-> c2
    q3 -Yes-> c3
    q3 -No-> c2
    c1 -solution-> f1
    c2 -solution-> f2
    c2 -workaround-> w2
    c3 -solution-> f1
    ");
    let next: Vec<String> = graph
        .successors(&NodeId("q1".into()))
        .iter()
        .map(|(n, _)| n.id.to_string())
        .collect();
    assert_eq!(next, ["c1", "q2"]);
}

#[test]
fn counts_the_fewest_questions_to_each_cause() {
    let graph = DecisionGraph::build(&article(THREE_CAUSES));
    let counts: Vec<Option<usize>> = ["c1", "c2", "c3", "q1"]
        .iter()
        .map(|id| graph.min_questions_to(&NodeId((*id).into())))
        .collect();
    assert_eq!(counts, [Some(1), Some(2), Some(3), Some(0)]);
}

#[test]
fn lists_causes_reachable_from_a_node() {
    let graph = DecisionGraph::build(&article(THREE_CAUSES));
    let from_q2: Vec<String> = graph
        .causes_from(&NodeId("q2".into()))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(from_q2, ["c2", "c3"]);
}

#[test]
fn a_tree_has_no_cycles_and_nothing_unreachable() {
    let graph = DecisionGraph::build(&article(THREE_CAUSES));
    assert!(graph.cycles().is_empty());
    assert!(graph.unreachable().is_empty());
}

#[test]
fn finds_cycles_through_causes_and_self_loops() {
    let yaml = THREE_CAUSES
        .replace(
            "{value: 'no', goto: c2}\n  - id: q3",
            "{value: 'no', goto: q1}\n  - id: q3",
        )
        .replace(
            "{id: c3, title: C3, solutions: [f1]}",
            "{id: c3, title: C3, solutions: [f1], then: q3}",
        );
    let graph = DecisionGraph::build(&article(&yaml));
    let cycles: Vec<String> = graph
        .cycles()
        .iter()
        .map(|c| {
            c.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(">")
        })
        .collect();
    assert_eq!(cycles, ["q1>q2", "q3>c3"]);
}

#[test]
fn reports_unreachable_nodes_but_not_causes_implied_by_their_fixes() {
    let yaml = THREE_CAUSES.replace("{value: 'yes', goto: c3}", "{value: 'yes', goto: f1}");
    let graph = DecisionGraph::build(&article(&yaml));
    // c3 is only reached through its solution f1, which implies it.
    assert!(ids(&graph.unreachable()).is_empty());
    let yaml = THREE_CAUSES.replace("{value: 'yes', goto: c3}", "{value: 'yes', goto: c2}");
    let graph = DecisionGraph::build(&article(&yaml));
    assert_eq!(ids(&graph.unreachable()), ["c3"]);
}
