//! The state of one interactive run: what is known so far, going back, and fixes tried.

use super::{Action, Facts, Given, Network, Resolution, SolveError};
use crate::graph::DecisionGraph;
use crate::model::{Article, NodeId};

/// One interactive troubleshooting run over an article.
///
/// Every answer ever given is kept. Going back re-asks the answers in the order they were
/// given, without wiping the later ones: once re-answered, the later answers still count.
/// A fix that did not work is evidence: it is not offered again and its cause becomes less
/// likely (ruled out when it was the cause's last fix).
#[derive(Debug, Clone)]
pub struct Session<'a> {
    network: Network<'a>,
    facts: Facts,
    /// Questions in the order they were answered (each once, at its latest answer).
    order: Vec<NodeId>,
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

/// What to do now in a session.
#[derive(Debug, Clone, PartialEq)]
pub enum NextStep {
    /// Ask this question.
    Ask(NodeId),
    /// Offer this fix (for this cause).
    Try {
        /// The cause it most likely repairs.
        cause: NodeId,
        /// The solution or workaround.
        remedy: NodeId,
    },
}

impl<'a> Session<'a> {
    /// Starts a run with no answers.
    pub fn new(article: &'a Article) -> Self {
        Session::with_facts(article, Facts::new())
    }

    /// Starts a run with facts already known (for example from `--fact`).
    pub fn with_facts(article: &'a Article, facts: Facts) -> Self {
        let graph = DecisionGraph::build(article);
        let order = facts.iter().map(|(q, _)| q.clone()).collect();
        Session {
            network: Network::new(article, &graph),
            facts,
            order,
            reask: None,
            tried: Vec::new(),
        }
    }

    /// The article.
    pub fn article(&self) -> &'a Article {
        self.network.article()
    }

    /// Every answer given so far, including ones that no longer bear on the causes left.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// Where the run stands now.
    pub fn state(&self) -> Result<Resolution, SolveError> {
        self.network.solve(&self.effective_facts())
    }

    /// The question to ask now: the one being re-asked after going back, else the next
    /// question, when asking one is the cheapest step.
    pub fn current_question(&self) -> Result<Option<NodeId>, SolveError> {
        if let Some(question) = &self.reask {
            return Ok(Some(question.clone()));
        }
        Ok(self.state()?.next.map(|next| next.question))
    }

    /// The step to take now: re-asking after going back, else the cheapest step.
    pub fn next_step(&self) -> Result<Option<NextStep>, SolveError> {
        if let Some(question) = &self.reask {
            return Ok(Some(NextStep::Ask(question.clone())));
        }
        Ok(self.state()?.action.map(|action| match action {
            Action::Ask { question, .. } => NextStep::Ask(question),
            Action::Try { fix, .. } => NextStep::Try {
                cause: fix.cause,
                remedy: fix.remedy,
            },
        }))
    }

    /// Records an answer (`Given::Unknown` for "don't know"), to any question of the
    /// article, asked or not.
    pub fn answer(&mut self, question: &NodeId, given: Given) -> Result<(), SolveError> {
        let mut trial = self.facts.clone();
        trial.set(question.clone(), given);
        // Validate against the article before keeping it.
        trial.validated(self.article())?;
        self.facts = trial;
        // A re-asked question keeps its place in the order; any other goes last.
        let reasked = self.reask.take();
        if reasked.as_ref() != Some(question) || !self.order.contains(question) {
            self.order.retain(|q| q != question);
            self.order.push(question.clone());
        }
        Ok(())
    }

    /// Goes back one answer, in the order they were given; returns the question to re-ask,
    /// or `None` at the start.
    pub fn back(&mut self) -> Result<Option<NodeId>, SolveError> {
        let position = match &self.reask {
            None => self.order.len(),
            Some(current) => self
                .order
                .iter()
                .position(|q| q == current)
                .unwrap_or(self.order.len()),
        };
        let target = position
            .checked_sub(1)
            .and_then(|p| self.order.get(p))
            .cloned();
        if target.is_some() {
            self.reask = target.clone();
        }
        Ok(target)
    }

    /// The questions the agent could answer now besides the one asked: every question
    /// not yet answered that bears on the causes left, in walking order.
    pub fn open_questions(&self) -> Result<Vec<NodeId>, SolveError> {
        Ok(self.state()?.open)
    }

    /// Fixes not tried yet, in the order the planner would try them.
    pub fn fixes_to_try(&self) -> Result<Vec<(NodeId, NodeId)>, SolveError> {
        Ok(self
            .state()?
            .plan
            .into_iter()
            .map(|fix| (fix.cause, fix.remedy))
            .collect())
    }

    /// Records that a fix was tried and whether it worked.
    pub fn record_attempt(&mut self, cause: NodeId, remedy: NodeId, fixed: bool) {
        if !fixed {
            self.facts.fail(remedy.clone());
        }
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
