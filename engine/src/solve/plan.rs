//! The next step by expected cost of repair (Heckerman, Breese & Rommelse 1995).
//!
//! With one fault and fixes that work independently, trying the fixes in decreasing order
//! of probability over cost is optimal, and the expected cost of that sequence is
//! `Σ cost_i × P(not fixed before i)`. Each step the planner could take (ask an open
//! question, try the best fix, escalate) is weighed by its expected cost of repair,
//! looking [`DEPTH`] steps ahead: after each outcome of the step (each answer; the fix not
//! working) the best next step is taken (another question, the next fix, escalating),
//! and after that the fixes in order. The first planner looked one step ahead (value of
//! information as in the paper); once fixes can fail and escalating has a price, "try the
//! likeliest fix and ask only if it did not work" matters, and only a second step sees it.
//! A question whose answers would all lead to the same next fix is never asked: its
//! answer would not change what the agent does next.
//!
//! A fix that works only sometimes when right (`success` below 1) counts with its chance of
//! working; a question agents often cannot answer (`dont_know`) counts its minutes as spent
//! for nothing that often. When the article puts a price on escalating
//! (`escalation_cost`), the problem that no fix repairs costs that too, the fixes are
//! tried only as far as they are worth it, and escalating now is weighed as a step of its
//! own.

use super::network::{EPSILON, Known, Network, Posterior};

/// How many open questions are weighed per step; an article with more (a generated
/// 50,000-question chain) is weighed on the first ones in walking order.
const MAX_WEIGHED: usize = 64;

/// Costs closer than this are equal, and the authored order decides.
const TIE: f64 = 1e-9;

/// Questions whose expected cost is within this share of the cheapest step count as
/// equally good (and go in walking order).
const CLOSE: f64 = 0.05;

/// A fix (or escalating) within this share of the cheapest step counts as equally good,
/// and goes before the questions.
const CLOSE_FIX: f64 = 0.01;

/// One fix in the repair order.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Planned {
    pub(super) remedy: usize,
    /// The cause it most likely repairs.
    pub(super) cause: usize,
    /// The chance it fixes the problem when tried now.
    pub(super) probability: f64,
    pub(super) cost: f64,
}

/// The step the planner chose.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Choice {
    Ask {
        question: usize,
        /// Per answer (in answer order): its chance and the causes it leaves.
        outcomes: Vec<(f64, Vec<usize>)>,
    },
    Try(Planned),
    /// Hand the case on: what is left to try is not worth its minutes.
    Escalate,
}

/// A step weighed, with its expected cost of repair.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Weighed {
    pub(super) choice: Choice,
    pub(super) expected_cost: f64,
}

/// The fixes still to try, best first: probability over cost, ties in the article's order.
pub(super) fn fix_order(
    network: &Network<'_>,
    posterior: &Posterior,
    known: &Known,
) -> Vec<Planned> {
    let mut plan: Vec<(Planned, (usize, usize))> = Vec::new();
    for (remedy, node) in network.remedies.iter().enumerate() {
        if known.failed[remedy] {
            continue;
        }
        let mut probability = 0.0;
        let mut best: Option<(f64, usize, usize)> = None;
        for &cause in &node.owners {
            let Some(position) = network.causes[cause]
                .remedies
                .iter()
                .position(|r| *r == remedy)
            else {
                continue;
            };
            let share = posterior.probability[cause] * posterior.share(cause, position);
            probability += share * node.success;
            if share > EPSILON && best.is_none_or(|(b, ..)| share > b + TIE) {
                best = Some((share, cause, position));
            }
        }
        if let Some((_, cause, position)) = best {
            plan.push((
                Planned {
                    remedy,
                    cause,
                    probability,
                    cost: node.cost,
                },
                (cause, position),
            ));
        }
    }
    let ratio = |p: &Planned| {
        if p.cost <= 0.0 {
            f64::INFINITY
        } else {
            p.probability / p.cost
        }
    };
    plan.sort_by(|(a, order_a), (b, order_b)| {
        let (ra, rb) = (ratio(a), ratio(b));
        if (ra - rb).abs() <= TIE * ra.abs().max(rb.abs()).max(1.0) || ra == rb {
            order_a.cmp(order_b)
        } else {
            rb.total_cmp(&ra)
        }
    });
    plan.into_iter().map(|(p, _)| p).collect()
}

/// The expected cost of trying the fixes in this order until one works. With a price on
/// escalating, the fixes are tried only as far as the cheapest point to stop, and what is
/// still unrepaired there costs the escalation.
pub(super) fn expected_cost(plan: &[Planned], escalation: Option<f64>) -> f64 {
    let mut not_yet = 1.0_f64;
    let mut total = 0.0;
    let mut best = escalation.map(|e| e * not_yet);
    for fix in plan {
        total += fix.cost * not_yet.max(0.0);
        not_yet -= fix.probability;
        if let Some(e) = escalation {
            let stop = total + e * not_yet.max(0.0);
            best = best.map(|b| b.min(stop));
        }
    }
    best.unwrap_or(total)
}

/// Past the horizon: the fixes in order, where a fix may go behind its cause's check
/// ("ask whether it is the cause, try the fix only if so") when that is cheaper, each step
/// in order of chance over minutes (the optimal order for independent searches, Kadane
/// 1969). Without it a draft with many causes, each with a cheap check, looks no better
/// than trying every fix: two steps ahead cannot see a run of checks pay. With three
/// causes or fewer left the look-ahead sees every check itself, and this is not used.
pub(super) fn checked_cost(
    network: &Network<'_>,
    known: &Known,
    posterior: &Posterior,
    plan: &[Planned],
) -> f64 {
    // With no more causes left than steps ahead, the look-ahead itself sees every check.
    let left = (0..network.causes.len())
        .filter(|c| posterior.is_candidate(*c))
        .count();
    if left <= DEPTH + 1 {
        return f64::INFINITY;
    }
    // (chance it repairs, minutes if reached (for the order), check: (minutes, don't know,
    // the cause's chance, false alarms), fix minutes)
    type Step = (f64, f64, Option<(f64, f64, f64, f64)>, f64);
    let mut steps: Vec<Step> = Vec::with_capacity(plan.len());
    let mut any = false;
    for fix in plan {
        let owners = &network.remedies[fix.remedy].owners;
        let mut step = (fix.probability, fix.cost, None, fix.cost);
        if let [cause] = owners.as_slice() {
            let cause = *cause;
            let left = network.causes[cause]
                .remedies
                .iter()
                .filter(|r| !known.failed[**r])
                .count();
            let check = network.checks[cause]
                .iter()
                .filter(|(q, ..)| known.answers[*q].is_none() && posterior.reach[*q] > 0.0)
                .map(|(q, _, false_alarm)| (&network.questions[*q], *false_alarm))
                .min_by(|a, b| a.0.cost.total_cmp(&b.0.cost));
            if let (1, Some((check, false_alarm))) = (left, check) {
                let chance = posterior.probability[cause];
                let unknown = check.dont_know;
                let pointing = chance + false_alarm * (1.0 - chance);
                let minutes = check.cost + ((1.0 - unknown) * pointing + unknown) * fix.cost;
                if minutes < fix.cost {
                    step = (
                        fix.probability,
                        minutes,
                        Some((check.cost, unknown, chance, false_alarm)),
                        fix.cost,
                    );
                    any = true;
                }
            }
        }
        steps.push(step);
    }
    if !any {
        return f64::INFINITY;
    }
    let ratio = |s: &Step| {
        if s.1 <= 0.0 { f64::INFINITY } else { s.0 / s.1 }
    };
    steps.sort_by(|a, b| ratio(b).total_cmp(&ratio(a)));
    let escalation = network.escalation;
    let mut not_yet = 1.0_f64;
    let mut total = 0.0;
    let mut best = escalation.map(|e| e * not_yet);
    for (chance, _, check, fix) in &steps {
        let reached = not_yet.max(0.0);
        total += match check {
            // The check always, the fix when it points to the cause (rightly, or as a false
            // alarm for another) or is not known.
            Some((minutes, unknown, cause, false_alarm)) => {
                let pointing = cause + false_alarm * (reached - cause).max(0.0);
                minutes * reached + ((1.0 - unknown) * pointing + unknown * reached) * fix
            }
            None => fix * reached,
        };
        not_yet -= chance;
        if let Some(e) = escalation {
            best = best.map(|b| b.min(total + e * not_yet.max(0.0)));
        }
    }
    best.unwrap_or(total)
}

/// How many steps ahead a step is weighed: the step itself, then the best next one after
/// each of its outcomes (a question, the next fix, or escalating), then fixes only.
const DEPTH: usize = 2;

/// How many open questions are weighed at each point after the first step.
const MAX_DEEP: usize = 8;

/// Weighs what can follow a point: its open questions and fixes, `depth` steps ahead.
struct Lookahead<'n, 'a> {
    network: &'n Network<'a>,
    open: &'n [usize],
}

impl Lookahead<'_, '_> {
    /// The expected cost from a point, taking the cheapest way on within `depth` steps:
    /// asking an open question, trying the next fix and going on, or the fixes in order
    /// (stopping where that is cheapest).
    fn value(&self, known: &Known, posterior: &Posterior, plan: &[Planned], depth: usize) -> f64 {
        let mut best = expected_cost(plan, self.network.escalation).min(checked_cost(
            self.network,
            known,
            posterior,
            plan,
        ));
        if depth == 0 {
            return best;
        }
        if !plan.is_empty() {
            best = best.min(self.trying_first(known, plan, depth - 1));
        }
        let unasked = self
            .open
            .iter()
            .filter(|q| known.answers[**q].is_none())
            .take(MAX_DEEP);
        for &question in unasked {
            if let Some(asked) = self.ask(known, posterior, plan, question, depth - 1) {
                best = best.min(asked.expected_cost);
            }
        }
        best
    }

    /// Trying the first fix of the plan now and, if it does not work, the cheapest way on
    /// from there. Looking past the failure matters when fixes can fail or be skipped for
    /// a question: "try the likeliest fix, ask only if it did not work" is often cheapest,
    /// and a plan of fixes alone cannot see it.
    fn trying_first(&self, known: &Known, plan: &[Planned], depth: usize) -> f64 {
        let Some(first) = plan.first() else {
            return self.network.escalation.unwrap_or(0.0);
        };
        let after = (1.0 - first.probability).max(0.0);
        if after <= EPSILON {
            return first.cost;
        }
        let mut failed = known.clone();
        failed.failed[first.remedy] = true;
        let posterior = self.network.posterior(&failed);
        let rest = fix_order(self.network, &posterior, &failed);
        first.cost + after * self.value(&failed, &posterior, &rest, depth)
    }

    /// Asking `question` now, then the cheapest way on for its answer (`depth` steps
    /// ahead); "don't know" leaves the point as it is, less that question.
    fn ask(
        &self,
        known: &Known,
        posterior: &Posterior,
        plan: &[Planned],
        question: usize,
        depth: usize,
    ) -> Option<Asked> {
        let network = self.network;
        let node = &network.questions[question];
        let total = posterior.total();
        if total <= 0.0 {
            return None;
        }
        let mut branches = Vec::with_capacity(node.rates.len());
        let mut costs = Vec::with_capacity(node.rates.len());
        for (answer, rate) in node.rates.iter().enumerate() {
            let after = known.with(question, answer);
            let next = network.posterior(&after);
            let chance = rate * next.total() / total;
            let next_plan = fix_order(network, &next, &after);
            // An answer that cannot be given costs nothing to weigh.
            costs.push(if chance > EPSILON {
                self.value(&after, &next, &next_plan, depth)
            } else {
                0.0
            });
            branches.push(Branch {
                chance,
                left: (0..network.causes.len())
                    .filter(|c| next.is_candidate(*c))
                    .collect(),
                first_fix: next_plan.first().map(|p| p.remedy),
            });
        }
        let sum: f64 = branches.iter().map(|b| b.chance).sum();
        if sum <= EPSILON {
            return None;
        }
        for branch in &mut branches {
            branch.chance /= sum;
        }
        let unknown = node.dont_know;
        let unanswered = if unknown > 0.0 {
            let mut not_known = known.clone();
            not_known.answers[question] = Some(None);
            self.value(&not_known, posterior, plan, depth)
        } else {
            0.0
        };
        let expected_cost = node.cost
            + unknown * unanswered
            + (1.0 - unknown)
                * branches
                    .iter()
                    .zip(&costs)
                    .map(|(b, c)| b.chance * c)
                    .sum::<f64>();
        Some(Asked {
            branches,
            before: (0..network.causes.len())
                .filter(|c| posterior.is_candidate(*c))
                .count(),
            expected_cost,
        })
    }
}

/// Weighs trying the best fix now against asking each open question first; returns the
/// cheapest step first, then the others weighed.
pub(super) fn weigh(
    network: &Network<'_>,
    known: &Known,
    posterior: &Posterior,
    plan: &[Planned],
    open: &[usize],
) -> Vec<Weighed> {
    let mut weighed: Vec<Weighed> = Vec::new();
    let first_fix = plan.first().map(|p| p.remedy);
    let ahead = Lookahead { network, open };
    for &question in open.iter().take(MAX_WEIGHED) {
        let Some(asked) = ahead.ask(known, posterior, plan, question, DEPTH - 1) else {
            continue;
        };
        // A question whose every answer leaves the same causes and the same first fix
        // cannot change what happens next.
        let changes = asked.branches.iter().any(|branch| {
            branch.chance > EPSILON
                && (branch.first_fix != first_fix || branch.left.len() != asked.before)
        });
        if !changes {
            continue;
        }
        weighed.push(Weighed {
            choice: Choice::Ask {
                question,
                outcomes: asked
                    .branches
                    .into_iter()
                    .map(|b| (b.chance, b.left))
                    .collect(),
            },
            expected_cost: asked.expected_cost,
        });
    }
    if let Some(first) = plan.first() {
        weighed.push(Weighed {
            choice: Choice::Try(first.clone()),
            expected_cost: ahead.trying_first(known, plan, DEPTH - 1),
        });
    }
    // With a price on escalating it is a step of its own (with nothing left to try too:
    // a question then only adds minutes).
    if let Some(escalation) = network.escalation
        && (!plan.is_empty() || !weighed.is_empty())
    {
        weighed.push(Weighed {
            choice: Choice::Escalate,
            expected_cost: escalation,
        });
    }
    // Cheapest first. Costs close to the cheapest count as equal (the rates and minutes are
    // estimates): among those a fix goes first, then escalating, then the questions in
    // walking order (with equal priors the planner asks what the tree asks unless another
    // order is clearly cheaper). A fix or escalating must be within `CLOSE_FIX` to count as
    // close, a question within `CLOSE`: a question is asked first only when it pays.
    let best = weighed
        .iter()
        .map(|w| w.expected_cost)
        .fold(f64::INFINITY, f64::min);
    // The tree's order is a preference among its own questions: where a shortcut is the
    // cheapest step, a question of the walk must be as close as a fix to go before it.
    let shortcut_best = weighed
        .iter()
        .filter(|w| w.expected_cost <= best + TIE)
        .any(|w| matches!(w.choice, Choice::Ask { question, .. } if network.questions[question].shortcut));
    let question_share = if shortcut_best { CLOSE_FIX } else { CLOSE };
    let key = |w: &Weighed| {
        let (kind, share) = match &w.choice {
            Choice::Try(_) => ((0, 0, 0), CLOSE_FIX),
            Choice::Escalate => ((1, 0, 0), CLOSE_FIX),
            Choice::Ask { question, .. } => {
                ((2, network.rank[*question], *question), question_share)
            }
        };
        let close = w.expected_cost <= best * (1.0 + share) + TIE;
        (!close, if close { 0.0 } else { w.expected_cost }, kind)
    };
    weighed.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(ka.2.cmp(&kb.2))
    });
    weighed
}

/// One answer of a question weighed.
struct Branch {
    chance: f64,
    left: Vec<usize>,
    first_fix: Option<usize>,
}

/// A question weighed: its answers and the expected cost of asking it first.
struct Asked {
    branches: Vec<Branch>,
    before: usize,
    expected_cost: f64,
}
