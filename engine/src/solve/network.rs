//! The probabilistic reading of an article's decision graph: which causes the facts allow,
//! and how likely each is.
//!
//! Every walk from the entry to a cause is one *signature* of that cause: the answers it
//! needs. A fact on a signature's question must agree with it; a question the signature
//! does not ask is answered at its base rate. Summed over a cause's signatures (weighted by
//! their own base rates), that gives the likelihood of the facts under the cause; times the
//! cause's prior it gives the posterior. One forward pass over the questions in topological
//! order computes it for every cause at once: an answered question lets only its answer
//! through, an unanswered one splits by base rate, and the base rates of the facts
//! themselves are common to all causes and cancel.
//!
//! Fixes are the second layer: a cause's correct fix is one of its fixes, chosen by its
//! `then` question (or by an answer that leads straight to a fix), mixed with a little of
//! the uniform choice because an answer can be wrong. A fix that did not work lowers its
//! cause by the share that fix had times the chance the fix works (its `success`): with
//! fixes that always work (the default) it rules the cause out when it was its last fix;
//! with a fix that works one time in two, a failure halves that share.

use std::collections::HashMap;

use crate::graph::DecisionGraph;
use crate::model::{Article, NodeId, NodeKind};

/// How much of a cause's fix choice stays uniform whatever the answers say.
const FIX_DOUBT: f64 = 0.1;

/// The highest base rate a check's pointing answer may have (the most another cause gives
/// it) for the planner to count it as that cause's check when it looks past its horizon.
pub(super) const CHECK_FALSE_ALARM: f64 = 0.25;

/// Below this a probability is zero: the cause is excluded.
pub(super) const EPSILON: f64 = 1e-12;

/// Where an answer (or the entry) leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Question(usize),
    Cause(usize),
    Remedy(usize),
    Nothing,
}

#[derive(Debug, Clone)]
pub(super) struct QuestionNode {
    pub(super) rates: Vec<f64>,
    pub(super) targets: Vec<Target>,
    pub(super) cost: f64,
    /// How often it is answered "don't know".
    pub(super) dont_know: f64,
    /// A shortcut (see [`crate::model::Question::shortcut`]): reached by no walk; its
    /// answer keeps the causes it names (`names`), weighed by `rates` (each answer's share
    /// of the priors).
    pub(super) shortcut: bool,
    /// Per answer, the causes it names (straight or through one of their fixes).
    pub(super) names: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub(super) struct CauseNode {
    pub(super) prior: f64,
    /// Solutions then workarounds, as remedy indices.
    pub(super) remedies: Vec<usize>,
    pub(super) then: Option<usize>,
    /// The likelihood mass of the cause with no facts (the sum over its signatures).
    pub(super) base_mass: f64,
}

#[derive(Debug, Clone)]
pub(super) struct RemedyNode {
    pub(super) owners: Vec<usize>,
    pub(super) cost: f64,
    /// The chance it works when it is the right fix.
    pub(super) success: f64,
}

/// An article compiled for inference: indices instead of ids, rates and costs resolved.
#[derive(Debug, Clone)]
pub struct Network<'a> {
    pub(super) article: &'a Article,
    pub(super) questions: Vec<QuestionNode>,
    pub(super) causes: Vec<CauseNode>,
    pub(super) remedies: Vec<RemedyNode>,
    /// Remedy ids in article order (solutions, then workarounds).
    pub(super) remedy_ids: Vec<&'a NodeId>,
    pub(super) question_index: HashMap<&'a NodeId, usize>,
    pub(super) remedy_index: HashMap<&'a NodeId, usize>,
    pub(super) entry: Target,
    /// Minutes an escalation costs, when the article says.
    pub(super) escalation: Option<f64>,
    /// Questions in an order where every answer leads forward.
    pub(super) order: Vec<usize>,
    /// Each question's position in `order`.
    pub(super) rank: Vec<usize>,
    /// Where each cause's remedies start in a posterior's flat per-remedy tables (one more
    /// entry than causes: the end).
    slot: std::sync::Arc<[usize]>,
    /// Questions that decide between causes (reached from the entry through answers).
    pub(super) deciding: Vec<bool>,
    /// The answer edges (question, answer) into each question.
    into_question: Vec<Vec<(usize, usize)>>,
    /// The answer edges into each cause, straight or through one of its fixes.
    into_cause: Vec<Vec<(usize, usize)>>,
    /// The answer edges into each remedy.
    into_remedy: Vec<Vec<(usize, usize)>>,
    /// Per cause, its checks: (question, answer) pairs that lead straight to it (or to a fix
    /// of its alone), given whenever it is the cause and rarely otherwise.
    /// Each with the share of the other causes' mass that gives the answer too.
    pub(super) checks: Vec<Vec<(usize, usize, f64)>>,
    /// The shortcut questions.
    shortcuts: Vec<usize>,
}

/// What is known, by index: each question's answer (`Some(None)` for "don't know") and the
/// fixes that did not work.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Known {
    pub(super) answers: Vec<Option<Option<usize>>>,
    pub(super) failed: Vec<bool>,
}

impl Known {
    pub(super) fn answer(&self, question: usize) -> Option<usize> {
        self.answers[question].flatten()
    }

    pub(super) fn with(&self, question: usize, answer: usize) -> Known {
        let mut known = self.clone();
        known.answers[question] = Some(Some(answer));
        known
    }
}

/// The posterior over causes and, for each cause, over its fixes.
#[derive(Debug, Clone)]
pub(super) struct Posterior {
    /// Unnormalised weight per cause.
    pub(super) weight: Vec<f64>,
    /// Probability per cause (zero for excluded ones); all zero when nothing fits.
    pub(super) probability: Vec<f64>,
    /// Per cause (from `slot[cause]`): the chance each of its remedies (by position in
    /// `CauseNode::remedies`) is the one that fixes it, after the fixes that failed.
    fix_share: Vec<f64>,
    /// Per cause (from `slot[cause]`): remedies the answers leave (before doubt).
    narrowed: Vec<bool>,
    slot: std::sync::Arc<[usize]>,
    /// Mass arriving at each question with the facts (forward pass).
    pub(super) reach: Vec<f64>,
}

impl Posterior {
    pub(super) fn total(&self) -> f64 {
        self.weight.iter().sum()
    }

    pub(super) fn is_candidate(&self, cause: usize) -> bool {
        self.probability[cause] > EPSILON
    }

    /// The share of a cause's remedy (by position among its remedies).
    pub(super) fn share(&self, cause: usize, position: usize) -> f64 {
        self.fix_share[self.slot[cause] + position]
    }

    /// Which of a cause's remedies the answers leave, by position.
    pub(super) fn narrowed(&self, cause: usize) -> &[bool] {
        &self.narrowed[self.slot[cause]..self.slot[cause + 1]]
    }
}

impl<'a> Network<'a> {
    /// Compiles an article (its graph gives the topological order).
    pub fn new(article: &'a Article, graph: &DecisionGraph) -> Self {
        // The first of duplicate ids wins, as in the graph (`load` reports duplicates).
        let mut question_index: HashMap<&NodeId, usize> = HashMap::new();
        for (i, q) in article.questions.iter().enumerate() {
            question_index.entry(&q.id).or_insert(i);
        }
        let mut cause_index: HashMap<&NodeId, usize> = HashMap::new();
        for (i, c) in article.causes.iter().enumerate() {
            cause_index.entry(&c.id).or_insert(i);
        }
        let remedy_ids: Vec<&NodeId> = article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .map(|r| &r.id)
            .collect();
        let mut remedy_index: HashMap<&NodeId, usize> = HashMap::new();
        for (i, id) in remedy_ids.iter().enumerate() {
            remedy_index.entry(*id).or_insert(i);
        }
        let target = |id: Option<&NodeId>| -> Target {
            let Some(id) = id else {
                return Target::Nothing;
            };
            if let Some(&q) = question_index.get(id) {
                Target::Question(q)
            } else if let Some(&c) = cause_index.get(id) {
                Target::Cause(c)
            } else if let Some(&r) = remedy_index.get(id) {
                Target::Remedy(r)
            } else {
                Target::Nothing
            }
        };
        let questions: Vec<QuestionNode> = article
            .questions
            .iter()
            .map(|q| QuestionNode {
                rates: q.base_rates(),
                targets: q.answers.iter().map(|a| target(a.goto.as_ref())).collect(),
                cost: q.cost(),
                dont_know: q.dont_know(),
                shortcut: q.shortcut,
                names: Vec::new(),
            })
            .collect();
        let mut remedies: Vec<RemedyNode> = article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .map(|r| RemedyNode {
                owners: Vec::new(),
                cost: r.cost(),
                success: r.success(),
            })
            .collect();
        let causes: Vec<CauseNode> = article
            .causes
            .iter()
            .enumerate()
            .map(|(index, c)| {
                let mut list: Vec<usize> = Vec::new();
                for id in c.solutions.iter().chain(&c.workarounds) {
                    if let Some(&r) = remedy_index.get(id)
                        && !list.contains(&r)
                    {
                        list.push(r);
                        remedies[r].owners.push(index);
                    }
                }
                CauseNode {
                    prior: c.likelihood(),
                    remedies: list,
                    then: c.then.as_ref().and_then(|t| question_index.get(t).copied()),
                    base_mass: 0.0,
                }
            })
            .collect();
        let mut order: Vec<usize> = match graph.topological_order() {
            Some(nodes) => nodes
                .iter()
                .filter(|n| n.kind == NodeKind::Question)
                .filter_map(|n| question_index.get(&n.id).copied())
                .collect(),
            // A cycle: `check` reports it; walk in document order and let back edges drop.
            None => (0..article.questions.len()).collect(),
        };
        // Shortcuts come after every step of the walk: among equal choices the planner asks
        // what the tree asks.
        order.sort_by_key(|&q| questions[q].shortcut);
        let mut questions = questions;
        let prior_total: f64 = causes.iter().map(|c| c.prior).sum();
        for question in questions.iter_mut().filter(|q| q.shortcut) {
            question.names = question
                .targets
                .iter()
                .map(|target| match *target {
                    Target::Cause(c) => vec![c],
                    Target::Remedy(r) => remedies[r].owners.clone(),
                    Target::Question(_) | Target::Nothing => Vec::new(),
                })
                .collect();
            question.rates = question
                .names
                .iter()
                .map(|named| {
                    let share: f64 = named.iter().map(|c| causes[*c].prior).sum();
                    if prior_total > 0.0 {
                        share / prior_total
                    } else {
                        0.0
                    }
                })
                .collect();
        }
        let entry = target(article.entry.as_ref());
        let mut rank = vec![usize::MAX; article.questions.len()];
        for (position, &q) in order.iter().enumerate() {
            rank[q] = position;
        }
        let mut into_question = vec![Vec::new(); questions.len()];
        let mut into_cause = vec![Vec::new(); causes.len()];
        let mut into_remedy = vec![Vec::new(); remedies.len()];
        for (question, node) in questions.iter().enumerate() {
            for (answer, target) in node.targets.iter().enumerate() {
                match *target {
                    Target::Question(q) => into_question[q].push((question, answer)),
                    Target::Cause(c) => into_cause[c].push((question, answer)),
                    Target::Remedy(r) => {
                        into_remedy[r].push((question, answer));
                        for &owner in &remedies[r].owners {
                            into_cause[owner].push((question, answer));
                        }
                    }
                    Target::Nothing => {}
                }
            }
        }
        let mut slot = vec![0];
        for cause in &causes {
            slot.push(slot[slot.len() - 1] + cause.remedies.len());
        }
        let mut network = Network {
            article,
            questions,
            causes,
            remedies,
            remedy_ids,
            question_index,
            remedy_index,
            entry,
            escalation: article.escalation_cost(),
            order,
            rank,
            slot: slot.into(),
            deciding: Vec::new(),
            into_question,
            into_cause,
            into_remedy,
            checks: Vec::new(),
            shortcuts: Vec::new(),
        };
        let nothing = network.nothing_known();
        let (reach, arrivals) = network.forward(&nothing);
        network.deciding = reach.iter().map(|m| *m > 0.0).collect();
        for (cause, mass) in arrivals.iter().enumerate() {
            network.causes[cause].base_mass = *mass;
        }
        network.checks = network.find_checks(&reach);
        network.shortcuts = (0..network.questions.len())
            .filter(|q| network.questions[*q].shortcut)
            .collect();
        network
    }

    /// Each cause's checks: answer edges into it (or into a fix of its alone) from a
    /// question of the walk, which nearly every walk to the cause passes (their mass with
    /// nothing known) and whose base rate, the most another cause gives that answer, is at
    /// most [`CHECK_FALSE_ALARM`]. One pass over the edges: a 50,000-question chain must
    /// not weigh a posterior per edge.
    fn find_checks(&self, reach: &[f64]) -> Vec<Vec<(usize, usize, f64)>> {
        let mut checks = vec![Vec::new(); self.causes.len()];
        for (cause, node) in self.causes.iter().enumerate() {
            if node.base_mass <= 0.0 || node.prior <= 0.0 {
                continue;
            }
            for &(question, answer) in &self.into_cause[cause] {
                let q = &self.questions[question];
                let straight = match q.targets[answer] {
                    Target::Cause(_) => true,
                    Target::Remedy(r) => self.remedies[r].owners == [cause],
                    _ => false,
                };
                if !straight || q.shortcut || !self.deciding[question] {
                    continue;
                }
                let rate = q.rates[answer];
                let sensitivity = reach[question] * rate / node.base_mass;
                if sensitivity >= 0.99
                    && rate <= CHECK_FALSE_ALARM
                    && !checks[cause]
                        .iter()
                        .any(|(q, a, _)| (*q, *a) == (question, answer))
                {
                    checks[cause].push((question, answer, rate));
                }
            }
        }
        checks
    }

    /// The article.
    pub fn article(&self) -> &'a Article {
        self.article
    }

    pub(super) fn nothing_known(&self) -> Known {
        Known {
            answers: vec![None; self.questions.len()],
            failed: vec![false; self.remedies.len()],
        }
    }

    /// The factor an answer edge carries: the fact's verdict, or the base rate.
    fn factor(&self, known: &Known, question: usize, answer: usize) -> f64 {
        match known.answer(question) {
            Some(given) => f64::from(u8::from(given == answer)),
            None => self.questions[question].rates[answer],
        }
    }

    /// Where each answer of a question leads and the mass that flows there (none along an
    /// answer the facts rule out).
    fn flows<'s>(
        &'s self,
        known: &'s Known,
        question: usize,
        mass: f64,
    ) -> impl Iterator<Item = (Target, f64)> + 's {
        self.questions[question]
            .targets
            .iter()
            .enumerate()
            .map(move |(answer, target)| (*target, mass * self.factor(known, question, answer)))
            .filter(|(_, flow)| *flow != 0.0)
    }

    /// The forward pass: mass reaching each question, and each cause's likelihood mass
    /// (through the cause itself or through an answer that leads straight to its fix).
    pub(super) fn forward(&self, known: &Known) -> (Vec<f64>, Vec<f64>) {
        let mut reach = vec![0.0; self.questions.len()];
        let mut arrivals = vec![0.0; self.causes.len()];
        let position = &self.rank;
        match self.entry {
            Target::Question(q) => reach[q] = 1.0,
            other => self.arrive(other, 1.0, &mut arrivals),
        }
        for (rank, &question) in self.order.iter().enumerate() {
            let mass = reach[question];
            if mass == 0.0 {
                continue;
            }
            for (target, flow) in self.flows(known, question, mass) {
                match target {
                    // Only forward edges: a back edge (a cycle) is dropped.
                    Target::Question(next) if position[next] > rank => reach[next] += flow,
                    Target::Question(_) => {}
                    other => self.arrive(other, flow, &mut arrivals),
                }
            }
        }
        (reach, arrivals)
    }

    fn arrive(&self, target: Target, mass: f64, arrivals: &mut [f64]) {
        match target {
            Target::Cause(c) => arrivals[c] += mass,
            Target::Remedy(r) => {
                for &owner in &self.remedies[r].owners {
                    arrivals[owner] += mass;
                }
            }
            Target::Question(_) | Target::Nothing => {}
        }
    }

    /// The backward pass: for each question, whether some walk from it that agrees with the
    /// facts reaches a cause that is still a candidate.
    pub(super) fn leads_to_candidate(&self, known: &Known, posterior: &Posterior) -> Vec<bool> {
        let mut good = vec![false; self.questions.len()];
        let target_good = |target: Target, good: &[bool]| match target {
            Target::Question(q) => good[q],
            Target::Cause(c) => posterior.is_candidate(c),
            Target::Remedy(r) => self.remedies[r]
                .owners
                .iter()
                .any(|&c| posterior.is_candidate(c)),
            Target::Nothing => false,
        };
        for &question in self.order.iter().rev() {
            good[question] =
                self.questions[question]
                    .targets
                    .iter()
                    .enumerate()
                    .any(|(answer, target)| {
                        self.factor(known, question, answer) > 0.0 && target_good(*target, &good)
                    });
        }
        good
    }

    /// The posterior given what is known.
    pub(super) fn posterior(&self, known: &Known) -> Posterior {
        let (reach, arrivals) = self.forward(known);
        let mut weight = vec![0.0; self.causes.len()];
        let slots = self.slot[self.causes.len()];
        let mut fix_share = vec![0.0; slots];
        let mut narrowed = vec![false; slots];
        let mut scratch = Vec::new();
        for (index, cause) in self.causes.iter().enumerate() {
            if arrivals[index] <= 0.0 || cause.base_mass <= 0.0 {
                // Excluded by the answers: no fix choice to make.
                continue;
            }
            let range = self.slot[index]..self.slot[index + 1];
            let shares = &mut fix_share[range.clone()];
            self.fix_choice(index, known, &reach, &arrivals, shares, &mut scratch);
            for (kept, share) in narrowed[range].iter_mut().zip(shares.iter()) {
                *kept = *share > EPSILON;
            }
            // A little doubt: an answer may be wrong, so every fix keeps a share.
            let count = cause.remedies.len() as f64;
            for share in shares.iter_mut() {
                *share = (1.0 - FIX_DOUBT) * *share + FIX_DOUBT / count;
            }
            // A fix that did not work keeps its share times the chance it fails when right
            // (none for a fix that always works); the cause keeps what is left.
            // A cause without fixes has nothing to fail: it keeps its whole weight.
            let mut left = if cause.remedies.is_empty() { 1.0 } else { 0.0 };
            for (remedy, share) in cause.remedies.iter().zip(shares.iter_mut()) {
                if known.failed[*remedy] {
                    *share *= 1.0 - self.remedies[*remedy].success;
                }
                left += *share;
            }
            for share in shares.iter_mut() {
                *share = if left <= EPSILON { 0.0 } else { *share / left };
            }
            if left <= EPSILON {
                left = 0.0;
            }
            weight[index] = cause.prior * arrivals[index] / cause.base_mass * left;
        }
        // A shortcut's answer keeps the causes it names, each by the inverse of that
        // answer's share of the priors (the agent who knows names the true cause).
        for &question in &self.shortcuts {
            let node = &self.questions[question];
            let Some(answer) = known.answer(question) else {
                continue;
            };
            let rate = node.rates[answer];
            for (cause, w) in weight.iter_mut().enumerate() {
                let named = node.names[answer].contains(&cause);
                *w = if named && rate > 0.0 { *w / rate } else { 0.0 };
            }
        }
        let total: f64 = weight.iter().sum();
        let probability = weight
            .iter()
            .map(|w| if total > 0.0 { w / total } else { 0.0 })
            .collect();
        Posterior {
            weight,
            probability,
            fix_share,
            narrowed,
            slot: std::sync::Arc::clone(&self.slot),
            reach,
        }
    }

    /// A cause's fix choice before doubt and failures: each remedy's share (by position
    /// among the cause's remedies), written into `chosen`.
    fn fix_choice(
        &self,
        cause: usize,
        known: &Known,
        reach: &[f64],
        arrivals: &[f64],
        chosen: &mut [f64],
        scratch: &mut Vec<f64>,
    ) {
        let remedies = &self.causes[cause].remedies;
        let count = remedies.len();
        if count == 0 {
            return;
        }
        let total = arrivals[cause];
        // Mass that arrived straight at one of the cause's fixes picks that fix.
        let mut direct = 0.0;
        for (position, &remedy) in remedies.iter().enumerate() {
            for &(question, answer) in &self.into_remedy[remedy] {
                if self.deciding[question] {
                    let flow = reach[question] * self.factor(known, question, answer);
                    chosen[position] += flow;
                    direct += flow;
                }
            }
            if self.entry == Target::Remedy(remedy) {
                chosen[position] += 1.0;
                direct += 1.0;
            }
        }
        let through_cause = (total - direct).max(0.0);
        if through_cause > 0.0 {
            let mut sum = 0.0;
            if let Some(question) = self.causes[cause].then {
                self.then_walk(question, known, scratch);
                sum = remedies.iter().map(|r| scratch[*r]).sum();
            }
            for (position, remedy) in remedies.iter().enumerate() {
                let share = if sum > 0.0 {
                    scratch[*remedy] / sum
                } else {
                    1.0 / count as f64
                };
                chosen[position] += through_cause * share;
            }
        }
        let sum: f64 = chosen.iter().sum();
        for share in chosen.iter_mut() {
            *share = if sum > 0.0 {
                *share / sum
            } else {
                1.0 / count as f64
            };
        }
    }

    /// Walks a fix-choosing question and those after it: the share of each remedy (by
    /// remedy index) given the facts, written into `out`.
    fn then_walk(&self, start: usize, known: &Known, out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.remedies.len(), 0.0);
        let mut stack = vec![(start, 1.0, 0usize)];
        while let Some((question, mass, depth)) = stack.pop() {
            if depth > self.questions.len() {
                continue;
            }
            for (target, flow) in self.flows(known, question, mass) {
                match target {
                    Target::Remedy(r) => out[r] += flow,
                    Target::Question(next) => stack.push((next, flow, depth + 1)),
                    Target::Cause(_) | Target::Nothing => {}
                }
            }
        }
    }

    /// Questions after a cause's `then` that the facts still leave open to ask, in order
    /// reached.
    pub(super) fn then_questions(&self, cause: usize, known: &Known) -> Vec<usize> {
        let mut out = Vec::new();
        let Some(start) = self.causes[cause].then else {
            return out;
        };
        let mut stack = vec![start];
        while let Some(question) = stack.pop() {
            if out.contains(&question) || out.len() > self.questions.len() {
                continue;
            }
            out.push(question);
            for (answer, target) in self.questions[question].targets.iter().enumerate() {
                if let Target::Question(next) = *target
                    && self.factor(known, question, answer) > 0.0
                {
                    stack.push(next);
                }
            }
        }
        out
    }

    /// The answers on the likeliest walk from the entry to a cause that agrees with the
    /// facts, as (question, answer) pairs in walking order.
    pub(super) fn likeliest_signature(
        &self,
        cause: usize,
        known: &Known,
        reach: &[f64],
    ) -> Vec<(usize, usize)> {
        // The incoming edge with the most mass, followed back to the entry.
        let heaviest = |edges: &[(usize, usize)]| -> Option<(usize, usize)> {
            let mut best: Option<(f64, usize, usize)> = None;
            for &(question, answer) in edges {
                let flow = reach[question] * self.factor(known, question, answer);
                if flow > 0.0 && best.is_none_or(|(b, ..)| flow > b) {
                    best = Some((flow, question, answer));
                }
            }
            best.map(|(_, q, a)| (q, a))
        };
        let mut path = Vec::new();
        let mut seen = vec![false; self.questions.len()];
        let mut current = heaviest(&self.into_cause[cause]);
        while let Some((question, answer)) = current {
            if seen[question] {
                break;
            }
            seen[question] = true;
            path.push((question, answer));
            if self.entry == Target::Question(question) {
                break;
            }
            current = heaviest(&self.into_question[question]);
        }
        path.reverse();
        path
    }
}
