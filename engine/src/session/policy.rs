//! The session's decisions, precomputed for a page that runs no engine.
//!
//! [`explore`] starts a session with nothing known and takes every move a reader of the
//! static site can make (each answer of the question asked, "don't know", "did not fix
//! it"), breadth first, asking the session for its next step in each state reached. States
//! reached by different paths are one node. The result, a [`Policy`], is a table: node 0 is
//! the start, each node holds the step and the node each move leads to. Going back is the
//! page's own history of nodes (the session's back undoes the last move, which is the node
//! before). Past [`MAX_STATES`] states a move leads to a [`PolicyNode::Beyond`] node: the
//! fixes still to try in the planner's order at that point, asked one by one with no
//! further questions (the documented simpler walk).

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::{Escalation, Next, Session, SessionError, Subject, Timestamp};
use crate::model::NodeId;
use crate::solve::Given;

/// How many states of one article are precomputed before the walk gets simpler. Every
/// article of the default KB fits: the largest (the access-rights troubleshooter, seven
/// questions and eleven fixes) has 2,006 states, SSPR_0029 166, an imported draft 2 to 20.
/// A table this size is about 60 KB of the page.
pub const MAX_STATES: usize = 4096;

/// Every reachable state's step, as a table (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// The nodes; node 0 is the start.
    pub nodes: Vec<PolicyNode>,
    /// False when the bound was reached and some moves lead to a [`PolicyNode::Beyond`].
    pub complete: bool,
}

/// One state's step and where each move leads (node indices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum PolicyNode {
    /// Ask question `q`; `n` holds the node after each answer, in the question's order,
    /// then after "don't know".
    #[serde(rename = "q")]
    Ask {
        /// The question id.
        q: NodeId,
        /// The next node per answer, then for "don't know".
        n: Vec<u32>,
    },
    /// Offer fix `r` for cause `c`; `n` is the node after "did not fix it" (none when
    /// showing it settles the session: a by-design answer for the only cause left).
    #[serde(rename = "f")]
    Try {
        /// The fix.
        r: NodeId,
        /// The cause it most likely repairs.
        c: NodeId,
        /// The chance it is the fix that works.
        p: f64,
        /// The node after "did not fix it"; `None` when showing it settles the session.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        n: Option<u32>,
        /// True for "none, by design": an explanation ("does this explain it?").
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        d: bool,
    },
    /// Nothing left to try: the escalation note.
    #[serde(rename = "e")]
    Escalate {
        /// Why.
        why: Escalation,
    },
    /// Past the bound: the fixes still to try, `(fix, cause)` in the planner's order.
    #[serde(rename = "x")]
    Beyond {
        /// The fixes, best first.
        plan: Vec<(NodeId, NodeId)>,
    },
}

/// A step, as both the table and a live session name it (for comparing them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Ask a question.
    Ask(NodeId),
    /// Try a fix for a cause.
    Try {
        /// The cause.
        cause: NodeId,
        /// The fix.
        remedy: NodeId,
    },
    /// Escalate.
    Escalate(Escalation),
}

impl PolicyNode {
    /// The step this node takes; `None` past the bound.
    pub fn step(&self) -> Option<Step> {
        match self {
            PolicyNode::Ask { q, .. } => Some(Step::Ask(q.clone())),
            PolicyNode::Try { r, c, .. } => Some(Step::Try {
                cause: c.clone(),
                remedy: r.clone(),
            }),
            PolicyNode::Escalate { why } => Some(Step::Escalate(*why)),
            PolicyNode::Beyond { .. } => None,
        }
    }
}

impl Next {
    /// The step, for a session still in its article.
    pub fn step(&self) -> Option<Step> {
        match self {
            Next::Ask { question } => Some(Step::Ask(question.clone())),
            Next::Try { cause, remedy, .. } => Some(Step::Try {
                cause: cause.clone(),
                remedy: remedy.clone(),
            }),
            Next::Escalate { reason } => Some(Step::Escalate(*reason)),
            Next::ContinueIn { .. } | Next::Ended { .. } => None,
        }
    }
}

/// A state's identity: the answers and failed fixes in force (the next step depends on
/// nothing else).
fn key(session: &Session<'_>) -> String {
    let facts = session.facts();
    let mut key = String::new();
    for (question, given) in facts.iter() {
        key.push_str(question.as_str());
        key.push('=');
        key.push_str(given.value().unwrap_or("?"));
        key.push('\n');
    }
    for remedy in facts.failed() {
        key.push('!');
        key.push_str(remedy.as_str());
        key.push('\n');
    }
    key
}

/// Precomputes the step of every state a site reader can reach in an article, up to
/// `max_states` states (see [`MAX_STATES`]).
pub fn explore<'a>(subject: Subject<'a>, max_states: usize) -> Result<Policy, SessionError> {
    let start = Session::start(subject, &crate::solve::Facts::new(), Timestamp(0))?;
    let mut nodes: Vec<Option<PolicyNode>> = vec![None];
    let mut index: HashMap<String, u32> = HashMap::from([(key(&start), 0)]);
    let mut queue: VecDeque<(u32, Session<'a>)> = VecDeque::from([(0, start)]);
    let mut explored = 1;
    let mut complete = true;
    // Finds or makes the node of a state, queueing it while the bound allows, else making
    // it a `Beyond` node.
    let mut place = |session: Session<'a>,
                     nodes: &mut Vec<Option<PolicyNode>>,
                     queue: &mut VecDeque<(u32, Session<'a>)>|
     -> Result<u32, SessionError> {
        let state = key(&session);
        if let Some(&found) = index.get(&state) {
            return Ok(found);
        }
        let at = u32::try_from(nodes.len()).expect("a bounded table");
        index.insert(state, at);
        if explored < max_states {
            explored += 1;
            nodes.push(None);
            queue.push_back((at, session));
        } else {
            complete = false;
            let node = match session.next()? {
                // Nothing left is the same note wherever it is reached.
                Next::Escalate { reason } => PolicyNode::Escalate { why: reason },
                _ => PolicyNode::Beyond {
                    plan: session
                        .resolution()?
                        .plan
                        .into_iter()
                        .map(|fix| (fix.remedy, fix.cause))
                        .collect(),
                },
            };
            nodes.push(Some(node));
        }
        Ok(at)
    };
    while let Some((at, session)) = queue.pop_front() {
        let node = match session.next()? {
            Next::Ask { question } => {
                let answers: Vec<Given> = session
                    .article()
                    .question(&question)
                    .map(|q| {
                        q.answers
                            .iter()
                            .map(|a| Given::Answer(a.value.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut next = Vec::new();
                for given in answers.into_iter().chain([Given::Unknown]) {
                    let mut child = session.clone();
                    child.answer(&question, given, Timestamp(0))?;
                    next.push(place(child, &mut nodes, &mut queue)?);
                }
                PolicyNode::Ask {
                    q: question,
                    n: next,
                }
            }
            Next::Try {
                cause,
                remedy,
                probability,
                by_design,
                settled,
                ..
            } => {
                let next = if settled {
                    None
                } else {
                    // The fix offered is known: record its failure without asking again.
                    let mut child = session.clone();
                    let step = super::Move::Fix {
                        cause: cause.clone(),
                        remedy: remedy.clone(),
                        fixed: false,
                    };
                    child.apply_fix(step, Timestamp(0));
                    Some(place(child, &mut nodes, &mut queue)?)
                };
                PolicyNode::Try {
                    r: remedy,
                    c: cause,
                    p: probability,
                    n: next,
                    d: by_design,
                }
            }
            Next::Escalate { reason } => PolicyNode::Escalate { why: reason },
            Next::ContinueIn { .. } | Next::Ended { .. } => {
                unreachable!("the walk never continues elsewhere or ends a session")
            }
        };
        nodes[at as usize] = Some(node);
    }
    Ok(Policy {
        nodes: nodes
            .into_iter()
            .map(|n| n.expect("every queued state is explored"))
            .collect(),
        complete,
    })
}
