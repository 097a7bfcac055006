//! From what the agent knows to the likely causes, their fixes, and the cheapest next step.
//!
//! [`solve`] is a pure function of an article's graph and a set of [`Facts`]: answers to
//! question ids (in any order, any subset), "don't know", and fixes that did not work. A
//! fact is evidence, never a path: `network` reads the graph as a probability model (each
//! walk to a cause is one signature of it; questions a signature does not ask are answered
//! at their base rate), so every cause some walk still fits stays a candidate, ranked by
//! probability with the facts for and against it. `plan` then picks the step (a question,
//! or a fix) with the lowest expected cost of repair. Facts that fit no cause are a result
//! (no candidates), not an error. A run over time (answers, going back, fixes tried) is
//! [`crate::session`]'s.

mod network;
mod plan;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::graph::DecisionGraph;
use crate::model::{Article, NodeId, Question};

pub use network::Network;

use network::{EPSILON, Known, Posterior};
use plan::Choice;

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

/// What is known: answers to questions by question id, and fixes that did not work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    answers: BTreeMap<NodeId, Given>,
    failed: BTreeSet<NodeId>,
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
    /// A fix named as tried is not a solution or workaround of the article.
    #[error("`{remedy}` is not a fix of {article}; its fixes are: {}", valid.join(", "))]
    UnknownRemedy {
        /// The article.
        article: String,
        /// The remedy id given.
        remedy: String,
        /// The article's solution and workaround ids.
        valid: Vec<String>,
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
        self.answers.is_empty() && self.failed.is_empty()
    }

    /// Records that a fix (solution or workaround id) was tried and did not work.
    pub fn fail(&mut self, remedy: NodeId) {
        self.failed.insert(remedy);
    }

    /// Forgets that a fix did not work.
    pub fn unfail(&mut self, remedy: &NodeId) {
        self.failed.remove(remedy);
    }

    /// The fixes that did not work.
    pub fn failed(&self) -> impl Iterator<Item = &NodeId> {
        self.failed.iter()
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
        for remedy in &self.failed {
            if article.remedy(remedy).is_none() {
                return Err(SolveError::UnknownRemedy {
                    article: article.id.to_string(),
                    remedy: remedy.to_string(),
                    valid: article
                        .solutions
                        .iter()
                        .chain(&article.workarounds)
                        .map(|r| r.id.to_string())
                        .collect(),
                });
            }
            out.failed.insert(remedy.clone());
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

/// How one piece of evidence bears on a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Makes the cause more likely: its walks ask this and agree.
    For,
    /// Makes the cause less likely: some of its walks disagree, or one of its fixes failed.
    Against,
    /// Rules the cause out on its own.
    Excludes,
}

/// One fact (or failed fix) and how it bears on a cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The question, for an answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<NodeId>,
    /// The answer given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The fix, for a fix that did not work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_fix: Option<NodeId>,
    /// For, against, or excludes.
    pub effect: Effect,
    /// How much more (above 1) or less (below 1) likely this alone makes the cause.
    pub factor: f64,
}

/// A cause that is still possible, with what would confirm it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The cause id.
    pub cause: NodeId,
    /// Answers not yet given on the likeliest walk to it.
    pub confirm: Vec<Condition>,
    /// The fixes for it not yet tried: the ones the answers chose, otherwise all of them.
    pub remedies: Vec<NodeId>,
    /// True when its fixes were chosen by an answer rather than listed in full.
    pub remedies_chosen: bool,
    /// Its probability given the facts (all candidates sum to 1).
    pub probability: f64,
    /// The facts that moved it, strongest first (facts its walks never ask are left out).
    pub evidence: Vec<Evidence>,
}

/// A cause the facts rule out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    /// The cause id.
    pub cause: NodeId,
    /// The facts that rule it out (each alone, else together) and fixes of it that failed.
    pub by: Vec<Evidence>,
}

/// The question to ask next and how each answer would narrow the candidates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextQuestion {
    /// The question id.
    pub question: NodeId,
    /// For each answer value, the causes still possible after it.
    pub outcomes: Vec<(String, Vec<NodeId>)>,
    /// True when the answers leave the same causes and only choose between fixes.
    pub chooses_fix: bool,
    /// For each answer value (in the same order), its probability given the facts.
    pub chances: Vec<f64>,
}

/// A fix in the repair order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedFix {
    /// The solution or workaround id.
    pub remedy: NodeId,
    /// The cause it most likely repairs.
    pub cause: NodeId,
    /// The chance that this is the fix that works.
    pub probability: f64,
    /// Minutes it takes.
    pub cost: f64,
}

/// The step with the lowest expected cost of repair.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Ask this question.
    Ask {
        /// The question id.
        question: NodeId,
        /// The expected minutes to repair when asking it first.
        expected_cost: f64,
    },
    /// Try this fix.
    Try {
        /// The fix, with its cause, chance and cost.
        fix: PlannedFix,
        /// The expected minutes to repair when trying the fixes in order from here.
        expected_cost: f64,
    },
    /// Escalate now: the fixes left are not worth their minutes against the article's
    /// `escalation_cost`.
    Escalate {
        /// The escalation's minutes.
        expected_cost: f64,
    },
}

impl Action {
    /// The expected minutes to repair from here when taking this step.
    pub fn expected_cost(&self) -> f64 {
        match self {
            Action::Ask { expected_cost, .. }
            | Action::Try { expected_cost, .. }
            | Action::Escalate { expected_cost } => *expected_cost,
        }
    }
}

/// What facts say about an article's causes and fixes, by index (see [`Network::beliefs`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Beliefs {
    /// Each cause's chance (article order; all zero when the facts fit none).
    pub causes: Vec<f64>,
    /// Per cause, per fix (solutions, then workarounds): the chance that this cause is the
    /// one and this fix the one that repairs it.
    pub right: Vec<Vec<f64>>,
}

/// The outcome of [`solve`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolution {
    /// The facts that bear on the remaining causes, in walking order.
    pub path: Vec<Step>,
    /// The causes still possible, most likely first (ties in document order); exactly one
    /// when resolved, none when the facts fit no cause.
    pub candidates: Vec<Candidate>,
    /// The question to ask next, when asking one is the cheapest step.
    pub next: Option<NextQuestion>,
    /// Facts that no remaining cause's walk asks.
    pub unused: Vec<Step>,
    /// The causes the facts rule out, in document order.
    pub excluded: Vec<Excluded>,
    /// The cheapest next step: a question or a fix; `None` when nothing is left to do.
    pub action: Option<Action>,
    /// The steps weighed, cheapest first (the first is `action`).
    pub weighed: Vec<Action>,
    /// The fixes still to try, in the order of probability over cost.
    pub plan: Vec<PlannedFix>,
    /// Questions not yet answered that bear on the remaining causes, in walking order.
    pub open: Vec<NodeId>,
}

impl Resolution {
    /// True when exactly one cause remains.
    pub fn is_resolved(&self) -> bool {
        self.candidates.len() == 1
    }

    /// True when the facts rule out every cause.
    pub fn is_unmatched(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The cause, when resolved.
    pub fn cause(&self) -> Option<&Candidate> {
        match self.candidates.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// Reads the facts against the article's graph.
///
/// Facts are validated first: unknown questions, answers and fixes are errors listing the
/// valid ones. Facts in any order and any subset are accepted; those that bear on no
/// remaining cause are returned in [`Resolution::unused`].
pub fn solve(
    article: &Article,
    graph: &DecisionGraph,
    facts: &Facts,
) -> Result<Resolution, SolveError> {
    Network::new(article, graph).solve(facts)
}

impl Network<'_> {
    /// Reads the facts (see [`solve`]); a session keeps one network for all its steps.
    pub fn solve(&self, facts: &Facts) -> Result<Resolution, SolveError> {
        let facts = facts.validated(self.article)?;
        let known = self.known(&facts);
        let posterior = self.posterior(&known);
        Ok(self.resolution(&facts, &known, &posterior))
    }

    fn known(&self, facts: &Facts) -> Known {
        let mut known = self.nothing_known();
        for (question, given) in facts.iter() {
            let Some(&index) = self.question_index.get(question) else {
                continue;
            };
            let answer = given.value().and_then(|value| {
                self.article.questions[index]
                    .answers
                    .iter()
                    .position(|a| a.value == value)
            });
            known.answers[index] = Some(answer);
        }
        for remedy in facts.failed() {
            if let Some(&index) = self.remedy_index.get(remedy) {
                known.failed[index] = true;
            }
        }
        known
    }

    /// What the facts say about each cause and fix: the chance of each cause, and for each
    /// cause and fix (solutions, then workarounds) the chance that the cause is the one
    /// and that fix is the one that repairs it. A fix that failed keeps the share that its
    /// `success` leaves: what learning weighs a session by.
    pub fn beliefs(&self, facts: &Facts) -> Result<Beliefs, SolveError> {
        let facts = facts.validated(self.article)?;
        let posterior = self.posterior(&self.known(&facts));
        let mut right = vec![vec![0.0; self.remedies.len()]; self.causes.len()];
        for (cause, row) in right.iter_mut().enumerate() {
            for (position, &remedy) in self.causes[cause].remedies.iter().enumerate() {
                row[remedy] = posterior.probability[cause] * posterior.share(cause, position);
            }
        }
        Ok(Beliefs {
            causes: posterior.probability,
            right,
        })
    }

    /// The cheapest next step for these facts, and nothing else: what a session and the
    /// site's precomputed troubleshooter need at every point (no evidence, no views).
    pub fn next_action(&self, facts: &Facts) -> Result<Option<Action>, SolveError> {
        let facts = facts.validated(self.article)?;
        let known = self.known(&facts);
        let posterior = self.posterior(&known);
        let ranked = self.ranked(&posterior);
        let bears = self.bearing(&known, &posterior, &ranked);
        let open: Vec<usize> = self
            .walking_order()
            .into_iter()
            .filter(|&q| bears[q] && !ranked.is_empty())
            .filter(|&q| facts.get(&self.article.questions[q].id).is_none())
            .collect();
        let fixes = plan::fix_order(self, &posterior, &known);
        let weighed = plan::weigh(self, &known, &posterior, &fixes, &open);
        Ok(weighed.first().map(|w| self.action(w)))
    }

    /// The causes still possible, most likely first (ties in document order).
    fn ranked(&self, posterior: &Posterior) -> Vec<usize> {
        let mut ranked: Vec<usize> = (0..self.causes.len())
            .filter(|&c| posterior.is_candidate(c))
            .collect();
        ranked.sort_by(|a, b| {
            posterior.probability[*b]
                .total_cmp(&posterior.probability[*a])
                .then(a.cmp(b))
        });
        ranked
    }

    /// Which questions bear on what is left: on a walk that agrees with the facts and
    /// reaches a candidate, or choosing between a candidate's fixes; every question when
    /// nothing fits (every fact is then part of the story told to whoever takes it on).
    fn bearing(&self, known: &Known, posterior: &Posterior, ranked: &[usize]) -> Vec<bool> {
        if ranked.is_empty() {
            return vec![true; self.questions.len()];
        }
        let good = self.leads_to_candidate(known, posterior);
        let mut bears: Vec<bool> = (0..self.questions.len())
            // A shortcut is reached by no walk: answered, it bears while its answer names a
            // candidate; open, while its answers name two or more (else it can tell nothing).
            .map(|q| {
                if self.questions[q].shortcut {
                    let named = ranked
                        .iter()
                        .filter(|c| self.questions[q].names.iter().any(|n| n.contains(c)))
                        .count();
                    good[q] && (known.answers[q].is_some() || named >= 2)
                } else {
                    posterior.reach[q] > 0.0 && good[q]
                }
            })
            .collect();
        for &cause in ranked {
            for question in self.then_questions(cause, known) {
                bears[question] = true;
            }
        }
        bears
    }

    /// Question indices in walking order.
    fn walking_order(&self) -> Vec<usize> {
        let mut walking: Vec<usize> = (0..self.questions.len()).collect();
        walking.sort_by_key(|q| (self.rank[*q], *q));
        walking
    }

    fn resolution(&self, facts: &Facts, known: &Known, posterior: &Posterior) -> Resolution {
        let article = self.article;
        let causes = 0..self.causes.len();
        let ranked = self.ranked(posterior);
        let clues = self.clues(facts, known);
        let candidates = ranked
            .iter()
            .map(|&cause| self.candidate(cause, known, posterior, &clues))
            .collect();
        let excluded = causes
            .filter(|&c| self.causes[c].base_mass > 0.0 && !posterior.is_candidate(c))
            .map(|cause| Excluded {
                cause: article.causes[cause].id.clone(),
                by: excluded_by(cause, &clues),
            })
            .collect();
        let bears = self.bearing(known, posterior, &ranked);
        let mut path = Vec::new();
        let mut unused = Vec::new();
        let mut open = Vec::new();
        for question in self.walking_order() {
            let id = &article.questions[question].id;
            match facts.get(id) {
                Some(given) => {
                    let step = Step {
                        question: id.clone(),
                        answer: given.value().map(str::to_owned),
                    };
                    if bears[question] {
                        path.push(step);
                    } else {
                        unused.push(step);
                    }
                }
                None if bears[question] && !ranked.is_empty() => open.push(question),
                None => {}
            }
        }
        let fixes = plan::fix_order(self, posterior, known);
        let weighed = plan::weigh(self, known, posterior, &fixes, &open);
        let next = weighed.first().and_then(|w| match &w.choice {
            Choice::Ask { question, outcomes } => Some(self.next_question(*question, outcomes)),
            Choice::Try(_) | Choice::Escalate => None,
        });
        let weighed: Vec<Action> = weighed.iter().map(|w| self.action(w)).collect();
        Resolution {
            path,
            candidates,
            next,
            unused,
            excluded,
            action: weighed.first().cloned(),
            weighed,
            plan: fixes.iter().map(|p| self.planned_fix(p)).collect(),
            open: open
                .iter()
                .map(|q| article.questions[*q].id.clone())
                .collect(),
        }
    }

    fn planned_fix(&self, planned: &plan::Planned) -> PlannedFix {
        PlannedFix {
            remedy: self.remedy_ids[planned.remedy].clone(),
            cause: self.article.causes[planned.cause].id.clone(),
            probability: planned.probability,
            cost: planned.cost,
        }
    }

    fn action(&self, weighed: &plan::Weighed) -> Action {
        match &weighed.choice {
            Choice::Ask { question, .. } => Action::Ask {
                question: self.article.questions[*question].id.clone(),
                expected_cost: weighed.expected_cost,
            },
            Choice::Try(planned) => Action::Try {
                fix: self.planned_fix(planned),
                expected_cost: weighed.expected_cost,
            },
            Choice::Escalate => Action::Escalate {
                expected_cost: weighed.expected_cost,
            },
        }
    }

    fn next_question(&self, question: usize, outcomes: &[(f64, Vec<usize>)]) -> NextQuestion {
        let node = &self.article.questions[question];
        let named: Vec<(String, Vec<NodeId>)> = node
            .answers
            .iter()
            .zip(outcomes)
            .map(|(answer, (_, left))| {
                let causes = left
                    .iter()
                    .map(|c| self.article.causes[*c].id.clone())
                    .collect();
                (answer.value.clone(), causes)
            })
            .collect();
        let chooses_fix = named.windows(2).all(|pair| pair[0].1 == pair[1].1);
        NextQuestion {
            question: node.id.clone(),
            outcomes: named,
            chooses_fix,
            chances: outcomes.iter().map(|(p, _)| *p).collect(),
        }
    }

    fn candidate(
        &self,
        cause: usize,
        known: &Known,
        posterior: &Posterior,
        clues: &[Clue],
    ) -> Candidate {
        let node = &self.causes[cause];
        let confirm = self
            .likeliest_signature(cause, known, &posterior.reach)
            .into_iter()
            .filter(|(question, _)| known.answer(*question).is_none())
            .map(|(question, answer)| {
                let q = &self.article.questions[question];
                Condition {
                    question: q.id.clone(),
                    answer: q.answers[answer].value.clone(),
                }
            })
            .collect();
        let narrowed = posterior.narrowed(cause);
        let kept: Vec<usize> = node
            .remedies
            .iter()
            .enumerate()
            .filter(|(position, r)| narrowed[*position] && !known.failed[**r])
            .map(|(_, r)| *r)
            .collect();
        // When every chosen fix failed, the cause's other fixes are what is left.
        let remedies: Vec<usize> = if kept.is_empty() {
            node.remedies
                .iter()
                .copied()
                .filter(|r| !known.failed[*r])
                .collect()
        } else {
            kept
        };
        let remedies_chosen = narrowed.iter().any(|kept| !kept);
        let mut evidence: Vec<Evidence> = clues
            .iter()
            .filter_map(|clue| clue.bearing_on(cause))
            .collect();
        evidence.sort_by(|a, b| strength(b.factor).total_cmp(&strength(a.factor)));
        Candidate {
            cause: self.article.causes[cause].id.clone(),
            confirm,
            remedies: remedies
                .iter()
                .map(|r| self.remedy_ids[*r].clone())
                .collect(),
            remedies_chosen,
            probability: posterior.probability[cause],
            evidence,
        }
    }

    /// Each fact and failed fix alone, with the factor it puts on every cause.
    fn clues(&self, facts: &Facts, known: &Known) -> Vec<Clue> {
        let nothing = self.nothing_known();
        // With nothing known every reachable cause weighs its prior.
        let prior: Vec<f64> = self
            .causes
            .iter()
            .map(|c| if c.base_mass > 0.0 { c.prior } else { 0.0 })
            .collect();
        let mut clues = Vec::new();
        let mut walking: Vec<usize> = (0..self.questions.len())
            .filter(|q| known.answer(*q).is_some())
            .collect();
        walking.sort_by_key(|q| (self.rank[*q], *q));
        for question in walking {
            let answer = known.answer(question).expect("filtered above");
            // P(fact | cause) / base rate: the base rate of the fact itself cancels.
            let alone = self.posterior(&nothing.with(question, answer));
            let factors = (0..self.causes.len())
                .map(|c| ratio(alone.weight[c], prior[c]))
                .collect();
            let q = &self.article.questions[question];
            clues.push(Clue {
                question: Some(q.id.clone()),
                answer: Some(q.answers[answer].value.clone()),
                failed_fix: None,
                factors,
            });
        }
        for remedy in facts.failed() {
            let Some(&index) = self.remedy_index.get(remedy) else {
                continue;
            };
            let mut alone = nothing.clone();
            alone.failed[index] = true;
            let alone = self.posterior(&alone);
            let factors = (0..self.causes.len())
                .map(|c| ratio(alone.weight[c], prior[c]))
                .collect();
            clues.push(Clue {
                question: None,
                answer: None,
                failed_fix: Some(remedy.clone()),
                factors,
            });
        }
        clues
    }
}

/// One fact or failed fix, with its factor on each cause (by index).
struct Clue {
    question: Option<NodeId>,
    answer: Option<String>,
    failed_fix: Option<NodeId>,
    factors: Vec<f64>,
}

impl Clue {
    fn bearing_on(&self, cause: usize) -> Option<Evidence> {
        let factor = self.factors[cause];
        let effect = if factor <= EPSILON {
            Effect::Excludes
        } else if factor > 1.0 + 1e-9 {
            Effect::For
        } else if factor < 1.0 - 1e-9 {
            Effect::Against
        } else {
            return None;
        };
        Some(Evidence {
            question: self.question.clone(),
            answer: self.answer.clone(),
            failed_fix: self.failed_fix.clone(),
            effect,
            factor: round(factor),
        })
    }
}

/// Why a cause is out: the clues that exclude it alone, else every clue against it.
fn excluded_by(cause: usize, clues: &[Clue]) -> Vec<Evidence> {
    let all: Vec<Evidence> = clues.iter().filter_map(|c| c.bearing_on(cause)).collect();
    let alone: Vec<Evidence> = all
        .iter()
        .filter(|e| e.effect == Effect::Excludes)
        .cloned()
        .collect();
    if alone.is_empty() {
        all.into_iter()
            .filter(|e| e.effect != Effect::For)
            .collect()
    } else {
        alone
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        1.0
    }
}

/// How far a factor is from 1, either way (a halving is as strong as a doubling).
fn strength(factor: f64) -> f64 {
    if factor <= EPSILON {
        f64::INFINITY
    } else {
        factor.ln().abs()
    }
}

/// Four decimals: factors and probabilities are explanations, not measurements.
pub(crate) fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
