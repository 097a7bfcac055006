//! Walking a decision graph from what the agent knows to a cause and its fixes.
//!
//! [`solve`] is a pure function of an article's graph and a set of [`Facts`] (answers to
//! question ids, or "don't know"). With enough facts it returns a [`Resolution`] with one
//! cause; otherwise it returns the causes still possible and the next question that decides
//! between them. It never guesses and never drops a candidate. The interactive prompt that
//! feeds it lives in the CLI; [`Session`] keeps the state of one interactive run.

mod session;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::graph::{DecisionGraph, Edge};
use crate::model::{Article, NodeId, NodeKind, Question};

pub use session::{Attempt, Session};

/// What the agent said about one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Given {
    /// One of the question's answer values.
    Answer(String),
    /// "I don't know": follow every answer.
    Unknown,
}

impl Given {
    /// The answer value, or `None` for "don't know".
    pub fn value(&self) -> Option<&str> {
        match self {
            Given::Answer(value) => Some(value),
            Given::Unknown => None,
        }
    }
}

/// Answers to questions, by question id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    answers: BTreeMap<NodeId, Given>,
}

/// Why facts could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SolveError {
    /// A fact names a question the article does not have.
    #[error("`{question}` is not a question of {article}; its questions are: {}", valid.join(", "))]
    UnknownQuestion {
        /// The article.
        article: String,
        /// The question id given.
        question: String,
        /// The article's question ids.
        valid: Vec<String>,
    },
    /// A fact gives an answer the question does not have.
    #[error("`{answer}` is not an answer to `{question}`; its answers are: {}", valid.join(", "))]
    UnknownAnswer {
        /// The question id.
        question: String,
        /// The answer given.
        answer: String,
        /// The question's answer values (and `unknown`).
        valid: Vec<String>,
    },
    /// The same question was given two different answers.
    #[error("`{question}` was answered both `{first}` and `{second}`")]
    ConflictingAnswers {
        /// The question id.
        question: String,
        /// The first answer.
        first: String,
        /// The second answer.
        second: String,
    },
    /// A fact is not of the form `question=answer`.
    #[error("`{0}` is not a fact: write QUESTION=ANSWER, for example protected-admin=no")]
    Malformed(String),
}

/// The words that mean "don't know" in a fact.
const UNKNOWN_WORDS: [&str; 6] = ["unknown", "?", "dont-know", "don't know", "idk", "skip"];

impl Facts {
    /// No facts.
    pub fn new() -> Self {
        Facts::default()
    }

    /// Parses `question=answer` pairs, rejecting a question answered twice differently.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = &'a str>) -> Result<Self, SolveError> {
        let mut facts = Facts::new();
        for pair in pairs {
            let (question, answer) = pair
                .split_once('=')
                .map(|(q, a)| (q.trim(), a.trim()))
                .filter(|(q, a)| !q.is_empty() && !a.is_empty())
                .ok_or_else(|| SolveError::Malformed(pair.to_owned()))?;
            facts.add(question, answer)?;
        }
        Ok(facts)
    }

    /// Adds one fact as written (`unknown` and `?` mean "don't know").
    pub fn add(&mut self, question: &str, answer: &str) -> Result<(), SolveError> {
        let given = if UNKNOWN_WORDS.contains(&answer.to_lowercase().as_str()) {
            Given::Unknown
        } else {
            Given::Answer(answer.to_owned())
        };
        let id = NodeId(question.to_owned());
        if let Some(previous) = self.answers.get(&id)
            && *previous != given
        {
            return Err(SolveError::ConflictingAnswers {
                question: question.to_owned(),
                first: previous.value().unwrap_or("unknown").to_owned(),
                second: given.value().unwrap_or("unknown").to_owned(),
            });
        }
        self.answers.insert(id, given);
        Ok(())
    }

    /// Sets (or replaces) the answer to a question.
    pub fn set(&mut self, question: NodeId, given: Given) {
        self.answers.insert(question, given);
    }

    /// Forgets the answer to a question.
    pub fn remove(&mut self, question: &NodeId) {
        self.answers.remove(question);
    }

    /// The answer to a question, if given.
    pub fn get(&self, question: &NodeId) -> Option<&Given> {
        self.answers.get(question)
    }

    /// Every fact, by question id.
    pub fn iter(&self) -> impl Iterator<Item = (&NodeId, &Given)> {
        self.answers.iter()
    }

    /// True when there are no facts.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// Checks every fact against the article and rewrites answers to their canonical value
    /// (`Y`, `true` → `yes`; answers match case-insensitively).
    pub fn validated(&self, article: &Article) -> Result<Facts, SolveError> {
        let mut out = Facts::new();
        for (question_id, given) in &self.answers {
            let question =
                article
                    .question(question_id)
                    .ok_or_else(|| SolveError::UnknownQuestion {
                        article: article.id.to_string(),
                        question: question_id.to_string(),
                        valid: article.questions.iter().map(|q| q.id.to_string()).collect(),
                    })?;
            let given = match given {
                Given::Unknown => Given::Unknown,
                Given::Answer(answer) => Given::Answer(canonical_answer(question, answer)?),
            };
            out.answers.insert(question_id.clone(), given);
        }
        Ok(out)
    }
}

fn canonical_answer(question: &Question, answer: &str) -> Result<String, SolveError> {
    let wanted = match answer.to_lowercase().as_str() {
        "y" | "true" | "1" => "yes".to_owned(),
        "n" | "false" | "0" => "no".to_owned(),
        other => other.to_owned(),
    };
    question
        .answers
        .iter()
        .find(|a| a.value.to_lowercase() == wanted || a.label().to_lowercase() == wanted)
        .map(|a| a.value.clone())
        .ok_or_else(|| SolveError::UnknownAnswer {
            question: question.id.to_string(),
            answer: answer.to_owned(),
            valid: question
                .answers
                .iter()
                .map(|a| a.value.clone())
                .chain(["unknown".to_owned()])
                .collect(),
        })
}

/// One question on the walked path and what was said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The question id.
    pub question: NodeId,
    /// The answer value, or `None` for "don't know".
    pub answer: Option<String>,
}

/// A condition that would confirm a candidate: this question answered this way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The question id.
    pub question: NodeId,
    /// The answer value that leads towards the candidate.
    pub answer: String,
}

/// A cause that is still possible, with what would confirm it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The cause id.
    pub cause: NodeId,
    /// Answers that lead to it from here (those assumed past a "don't know", then those not yet asked).
    pub confirm: Vec<Condition>,
    /// The fixes for it: chosen ones when the answers picked them, otherwise all of them.
    pub remedies: Vec<NodeId>,
    /// True when its fixes were chosen by an answer rather than listed in full.
    pub remedies_chosen: bool,
}

/// The question to ask next and how each answer would narrow the candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextQuestion {
    /// The question id.
    pub question: NodeId,
    /// For each answer value, the causes still possible after it.
    pub outcomes: Vec<(String, Vec<NodeId>)>,
    /// True when the cause is known and this question only chooses between its fixes.
    pub chooses_fix: bool,
}

/// The outcome of [`solve`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// The questions walked, in the order they were reached, with their answers.
    pub path: Vec<Step>,
    /// The causes still possible, in document order; exactly one when resolved.
    pub candidates: Vec<Candidate>,
    /// The question that best narrows things down, when more can be asked.
    pub next: Option<NextQuestion>,
    /// Facts about questions the walk never reached: the other answers lead elsewhere.
    pub unused: Vec<Step>,
}

impl Resolution {
    /// True when exactly one cause remains.
    pub fn is_resolved(&self) -> bool {
        self.candidates.len() == 1
    }

    /// The cause, when resolved.
    pub fn cause(&self) -> Option<&Candidate> {
        match self.candidates.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// Walks the article's graph with the facts.
///
/// Facts are validated first: unknown questions and answers are errors listing the valid
/// ones. A fact about a question the walk does not reach is returned in
/// [`Resolution::unused`] so the caller can report the contradiction.
pub fn solve(
    article: &Article,
    graph: &DecisionGraph,
    facts: &Facts,
) -> Result<Resolution, SolveError> {
    let facts = facts.validated(article)?;
    Ok(Walk::new(article, graph, &facts).run())
}

/// The state of one walk: what was reached, under which assumptions.
struct Walk<'a> {
    article: &'a Article,
    graph: &'a DecisionGraph,
    facts: &'a Facts,
    path: Vec<Step>,
    /// Questions reached with no fact, with the assumptions made to reach them.
    open: Vec<(NodeId, Vec<Condition>)>,
    /// Causes reached, with assumptions, in order reached.
    causes: Vec<(NodeId, Vec<Condition>)>,
    /// Fixes an answer chose, by the cause they fix.
    chosen: HashMap<NodeId, Vec<NodeId>>,
}

impl<'a> Walk<'a> {
    fn new(article: &'a Article, graph: &'a DecisionGraph, facts: &'a Facts) -> Self {
        Walk {
            article,
            graph,
            facts,
            path: Vec::new(),
            open: Vec::new(),
            causes: Vec::new(),
            chosen: HashMap::new(),
        }
    }

    fn run(mut self) -> Resolution {
        let mut seen: HashSet<NodeId> = HashSet::new();
        let mut queue: VecDeque<(NodeId, Vec<Condition>)> = VecDeque::new();
        if let Some(entry) = &self.article.entry {
            queue.push_back((entry.clone(), Vec::new()));
        }
        while let Some((id, assumptions)) = queue.pop_front() {
            if !seen.insert(id.clone()) {
                continue;
            }
            match self.graph.kind_of(&id) {
                Some(NodeKind::Question) => self.visit_question(id, assumptions, &mut queue),
                Some(NodeKind::Cause) => {
                    for (next, edge) in self.graph.successors(&id) {
                        if *edge == Edge::Then {
                            queue.push_back((next.id.clone(), assumptions.clone()));
                        }
                    }
                    self.causes.push((id, assumptions));
                }
                Some(NodeKind::Solution | NodeKind::Workaround) => {
                    for owner in self.article.owners_of(&id) {
                        self.chosen
                            .entry(owner.id.clone())
                            .or_default()
                            .push(id.clone());
                        if !self.causes.iter().any(|(c, _)| *c == owner.id) {
                            self.causes.push((owner.id.clone(), assumptions.clone()));
                        }
                    }
                }
                Some(NodeKind::Symptom) | None => {}
            }
        }
        self.finish()
    }

    fn visit_question(
        &mut self,
        id: NodeId,
        assumptions: Vec<Condition>,
        queue: &mut VecDeque<(NodeId, Vec<Condition>)>,
    ) {
        let successors = self.graph.successors(&id);
        match self.facts.get(&id) {
            None => self.open.push((id, assumptions)),
            Some(given) => {
                for (next, edge) in successors {
                    let Edge::Answer { value, .. } = edge else {
                        continue;
                    };
                    match given {
                        Given::Answer(answer) if answer == value => {
                            queue.push_back((next.id.clone(), assumptions.clone()));
                        }
                        Given::Answer(_) => {}
                        Given::Unknown => {
                            let mut assumed = assumptions.clone();
                            assumed.push(Condition {
                                question: id.clone(),
                                answer: value.clone(),
                            });
                            queue.push_back((next.id.clone(), assumed));
                        }
                    }
                }
                self.path.push(Step {
                    question: id,
                    answer: given.value().map(str::to_owned),
                });
            }
        }
    }

    fn finish(self) -> Resolution {
        let mut candidates: Vec<Candidate> = Vec::new();
        // Causes reached, then causes reachable from questions still open.
        for (cause, assumptions) in &self.causes {
            candidates.push(self.candidate(cause, assumptions.clone()));
        }
        for (question, assumptions) in &self.open {
            for cause in self.graph.causes_from(question) {
                if candidates.iter().any(|c| c.cause == cause) {
                    continue;
                }
                let mut confirm = assumptions.clone();
                confirm.extend(self.conditions_between(question, &cause));
                candidates.push(self.candidate(&cause, confirm));
            }
        }
        let order: HashMap<&NodeId, usize> = self
            .article
            .causes
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.id, i))
            .collect();
        candidates.sort_by_key(|c| order.get(&c.cause).copied().unwrap_or(usize::MAX));
        let next = self.next_question(&candidates);
        let walked: HashSet<&NodeId> = self
            .path
            .iter()
            .map(|s| &s.question)
            .chain(self.open.iter().map(|(q, _)| q))
            .collect();
        let unused = self
            .facts
            .iter()
            .filter(|(question, _)| !walked.contains(question))
            .map(|(question, given)| Step {
                question: question.clone(),
                answer: given.value().map(str::to_owned),
            })
            .collect();
        Resolution {
            path: self.path,
            candidates,
            next,
            unused,
        }
    }

    fn candidate(&self, cause_id: &NodeId, confirm: Vec<Condition>) -> Candidate {
        let cause = self.article.cause(cause_id);
        let all: Vec<NodeId> = cause
            .map(|c| c.solutions.iter().chain(&c.workarounds).cloned().collect())
            .unwrap_or_default();
        match self.chosen.get(cause_id) {
            Some(chosen) => {
                // Keep the cause's own order.
                let remedies = all.iter().filter(|r| chosen.contains(r)).cloned().collect();
                Candidate {
                    cause: cause_id.clone(),
                    confirm,
                    remedies,
                    remedies_chosen: true,
                }
            }
            None => Candidate {
                cause: cause_id.clone(),
                confirm,
                remedies: all,
                remedies_chosen: false,
            },
        }
    }

    /// The answers on a shortest walk from a question to a cause.
    fn conditions_between(&self, from: &NodeId, to: &NodeId) -> Vec<Condition> {
        let mut previous: HashMap<NodeId, (NodeId, Option<String>)> = HashMap::new();
        let mut queue = VecDeque::from([from.clone()]);
        let mut seen = HashSet::from([from.clone()]);
        while let Some(node) = queue.pop_front() {
            if node == *to {
                break;
            }
            for (next, edge) in self.graph.successors(&node) {
                if seen.insert(next.id.clone()) {
                    let answer = match edge {
                        Edge::Answer { value, .. } => Some(value.clone()),
                        _ => None,
                    };
                    previous.insert(next.id.clone(), (node.clone(), answer));
                    queue.push_back(next.id.clone());
                }
            }
        }
        let mut conditions = Vec::new();
        let mut node = to.clone();
        while let Some((parent, answer)) = previous.get(&node) {
            if let Some(answer) = answer {
                conditions.push(Condition {
                    question: parent.clone(),
                    answer: answer.clone(),
                });
            }
            node = parent.clone();
        }
        conditions.reverse();
        conditions
    }

    /// The open question that leaves the fewest candidates in the worst case; ties go to
    /// the question reached first. With one candidate left, the question that picks its fix.
    fn next_question(&self, candidates: &[Candidate]) -> Option<NextQuestion> {
        let mut best: Option<((usize, bool), NextQuestion)> = None;
        for (question_id, _) in &self.open {
            let from_here: HashSet<NodeId> =
                self.graph.causes_from(question_id).into_iter().collect();
            let elsewhere = candidates
                .iter()
                .filter(|c| !from_here.contains(&c.cause))
                .count();
            let mut outcomes = Vec::new();
            let mut worst = 0;
            for (next, edge) in self.graph.successors(question_id) {
                let Edge::Answer { value, .. } = edge else {
                    continue;
                };
                let mut after = self.graph.causes_from(&next.id);
                if after.is_empty() {
                    // An answer leading straight to a fix implies the causes that fix belongs to.
                    after = self
                        .article
                        .owners_of(&next.id)
                        .map(|c| c.id.clone())
                        .collect();
                }
                worst = worst.max(elsewhere + after.len());
                outcomes.push((value.clone(), after));
            }
            let chooses_fix = candidates.len() == 1
                && self
                    .article
                    .cause(&candidates[0].cause)
                    .and_then(|c| c.then.as_ref())
                    == Some(question_id);
            // A question whose answers all leave the same causes only picks a fix: ask the
            // ones that tell causes apart first.
            let splits = outcomes.windows(2).any(|pair| pair[0].1 != pair[1].1);
            // While several causes remain, a question that cannot tell them apart is not
            // worth the agent's time: their fixes are offered in turn instead.
            if !splits && candidates.len() > 1 {
                continue;
            }
            let score = (worst, !splits);
            let next = NextQuestion {
                question: question_id.clone(),
                outcomes,
                chooses_fix,
            };
            if best
                .as_ref()
                .is_none_or(|(best_score, _)| score < *best_score)
            {
                best = Some((score, next));
            }
        }
        best.map(|(_, next)| next)
    }
}

#[cfg(test)]
mod tests;
