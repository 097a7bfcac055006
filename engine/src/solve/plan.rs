//! The next step by expected cost of repair (Heckerman, Breese & Rommelse 1995).
//!
//! With one fault and fixes that work independently, trying the fixes in decreasing order
//! of probability over cost is optimal, and the expected cost of that sequence is
//! `Σ cost_i × P(not fixed before i)`. A question is worth its cost when asking it first,
//! then following the best fix order for the answer, costs less on average (myopic value
//! of information, as in the paper; a two-step look-ahead was tried and chose the same
//! steps on every simulated session of the default KB, at five times the time). A question whose answers would all lead to the same next fix is never
//! asked: its answer would not change what the agent does next.

use super::network::{EPSILON, Known, Network, Posterior};

/// How many open questions are weighed per step; an article with more (a generated
/// 50,000-question chain) is weighed on the first ones in walking order.
const MAX_WEIGHED: usize = 64;

/// Costs closer than this are equal, and the authored order decides.
const TIE: f64 = 1e-9;

/// Steps whose expected cost is within this share of the cheapest count as equally good.
const CLOSE: f64 = 0.05;

/// One fix in the repair order.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Planned {
    pub(super) remedy: usize,
    /// The cause it most likely repairs.
    pub(super) cause: usize,
    /// The chance it is the fix that works.
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
            probability += share;
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

/// The expected cost of trying the fixes in this order until one works.
pub(super) fn expected_cost(plan: &[Planned]) -> f64 {
    let mut not_yet = 1.0_f64;
    let mut total = 0.0;
    for fix in plan {
        total += fix.cost * not_yet.max(0.0);
        not_yet -= fix.probability;
    }
    total
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
    for &question in open.iter().take(MAX_WEIGHED) {
        let Some(asked) = ask(network, known, posterior, question) else {
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
            expected_cost: expected_cost(plan),
        });
    }
    // Cheapest first. Costs within `CLOSE` of the cheapest count as equal (the rates and
    // minutes are estimates), and among those a fix goes before a question (asking must
    // earn its time) and questions go in walking order: with equal priors the planner asks
    // what the tree asks unless another order is clearly cheaper.
    let best = weighed
        .iter()
        .map(|w| w.expected_cost)
        .fold(f64::INFINITY, f64::min);
    let key = |w: &Weighed| {
        let close = w.expected_cost <= best * (1.0 + CLOSE) + TIE;
        let kind = match &w.choice {
            Choice::Try(_) => (0, 0, 0),
            Choice::Ask { question, .. } => (1, network.rank[*question], *question),
        };
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

/// Asking `question` now, then trying the fixes in the best order for its answer.
fn ask(
    network: &Network<'_>,
    known: &Known,
    posterior: &Posterior,
    question: usize,
) -> Option<Asked> {
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
        let next_plan = fix_order(network, &next, &after);
        costs.push(expected_cost(&next_plan));
        branches.push(Branch {
            chance: rate * next.total() / total,
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
    let expected_cost = node.cost
        + branches
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
