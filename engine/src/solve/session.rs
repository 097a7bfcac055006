//! The state of one interactive run: answers so far, and going back to change one.

use super::{Facts, Given, Resolution, SolveError, solve};
use crate::graph::DecisionGraph;
use crate::model::{Article, NodeId};

/// One interactive troubleshooting run over an article.
///
/// Every answer ever given is kept. Going back re-asks an earlier question without wiping
/// the answers after it: once it is answered again, later answers that are still on the
/// walked path apply again by themselves.
#[derive(Debug, Clone)]
pub struct Session<'a> {
    article: &'a Article,
    graph: DecisionGraph,
    facts: Facts,
    reask: Option<NodeId>,
    tried: Vec<Attempt>,
}

/// A fix the agent tried, and whether it worked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attempt {
    /// The cause the fix was tried for.
    pub cause: NodeId,
    /// The solution or workaround.
    pub remedy: NodeId,
    /// True when the customer said it fixed the problem.
    pub fixed: bool,
}

impl<'a> Session<'a> {
    /// Starts a run with no answers.
    pub fn new(article: &'a Article) -> Self {
        Session::with_facts(article, Facts::new())
    }

    /// Starts a run with facts already known (for example from `--fact`).
    pub fn with_facts(article: &'a Article, facts: Facts) -> Self {
        Session {
            article,
            graph: DecisionGraph::build(article),
            facts,
            reask: None,
            tried: Vec::new(),
        }
    }

    /// The article.
    pub fn article(&self) -> &'a Article {
        self.article
    }

    /// Every answer given so far, including ones the current path does not use.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// Where the run stands now.
    pub fn state(&self) -> Result<Resolution, SolveError> {
        solve(self.article, &self.graph, &self.effective_facts())
    }

    /// The question to ask now: the one being re-asked after going back, else the next one.
    pub fn current_question(&self) -> Result<Option<NodeId>, SolveError> {
        if let Some(question) = &self.reask {
            return Ok(Some(question.clone()));
        }
        Ok(self.state()?.next.map(|next| next.question))
    }

    /// Records an answer (`Given::Unknown` for "don't know").
    pub fn answer(&mut self, question: &NodeId, given: Given) -> Result<(), SolveError> {
        let mut trial = self.facts.clone();
        trial.set(question.clone(), given);
        // Validate against the article before keeping it.
        trial.validated(self.article)?;
        self.facts = trial;
        self.reask = None;
        Ok(())
    }

    /// Goes back one question on the walked path; returns it, or `None` at the start.
    pub fn back(&mut self) -> Result<Option<NodeId>, SolveError> {
        // The path as walked with every answer, including the one being re-asked.
        let path = solve(self.article, &self.graph, &self.facts)?.path;
        let questions: Vec<&NodeId> = path.iter().map(|step| &step.question).collect();
        let target = match &self.reask {
            None => self.state()?.path.last().map(|step| step.question.clone()),
            Some(current) => {
                let position = questions.iter().position(|q| *q == current);
                position
                    .and_then(|p| p.checked_sub(1))
                    .map(|p| questions[p].clone())
            }
        };
        if target.is_some() {
            self.reask = target.clone();
        }
        Ok(target)
    }

    /// Fixes not tried yet, best first: the ones the answers chose, then the cause's other
    /// fixes (its workarounds), then the fixes of every other cause still possible.
    pub fn fixes_to_try(&self) -> Result<Vec<(NodeId, NodeId)>, SolveError> {
        let state = self.state()?;
        let mut queue: Vec<(NodeId, NodeId)> = Vec::new();
        for candidate in &state.candidates {
            let cause = self.article.cause(&candidate.cause);
            let all = cause.map(|c| {
                c.solutions
                    .iter()
                    .chain(&c.workarounds)
                    .cloned()
                    .collect::<Vec<_>>()
            });
            let rest = all
                .unwrap_or_default()
                .into_iter()
                .filter(|r| !candidate.remedies.contains(r));
            for remedy in candidate.remedies.iter().cloned().chain(rest) {
                let pair = (candidate.cause.clone(), remedy);
                if !queue.contains(&pair) {
                    queue.push(pair);
                }
            }
        }
        queue.retain(|(cause, remedy)| {
            !self
                .tried
                .iter()
                .any(|t| t.cause == *cause && t.remedy == *remedy)
        });
        Ok(queue)
    }

    /// Records that a fix was tried and whether it worked.
    pub fn record_attempt(&mut self, cause: NodeId, remedy: NodeId, fixed: bool) {
        self.tried.push(Attempt {
            cause,
            remedy,
            fixed,
        });
    }

    /// The fixes tried so far, in order.
    pub fn attempts(&self) -> &[Attempt] {
        &self.tried
    }

    fn effective_facts(&self) -> Facts {
        let mut facts = self.facts.clone();
        if let Some(question) = &self.reask {
            facts.remove(question);
        }
        facts
    }
}
