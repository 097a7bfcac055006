//! Simulated helpdesk sessions: the planner against the authored-order walk.
//!
//! `cargo run --release -p fixpath-tools --bin bench-planner [-- SESSIONS DONT_KNOW_RATE]`
//! takes every article of the embedded KB with two or more causes and simulates sessions:
//! the true cause is drawn from the priors (`likelihood`), the customer's world (an answer
//! to every question) is drawn from the base rates until the tree leads to that cause, and
//! the fix that works is the one the tree leads to from there. Each question is answered
//! from that world, or "don't know" at the given rate; each fix tried costs its minutes and
//! works only if it is the right one. The same worlds are replayed under two policies:
//!
//! - authored: ask the open questions in the order the tree asks them (skipping those
//!   that change nothing), then try the fixes in document order, as `ask` did before;
//! - planner: take the step with the lowest expected cost of repair (`session::Session::next`).
//!
//! It prints, per article and on average, the questions asked and the minutes spent until
//! the right fix, and the share of sessions that ended without it.

use std::collections::BTreeSet;
use std::time::Instant;

use fixpath::graph::DecisionGraph;
use fixpath::model::{Article, NodeId};
use fixpath::session::{Next, Session, Subject, Timestamp};
use fixpath::solve::{Facts, Given, Network};

/// A small deterministic generator (xorshift64*), so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An index drawn with these weights.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut point = self.unit() * total;
        for (index, weight) in weights.iter().enumerate() {
            if point < *weight {
                return index;
            }
            point -= weight;
        }
        weights.len() - 1
    }
}

/// The customer's situation: an answer to every question, the true cause and its fix.
struct World {
    answers: Vec<usize>,
    remedy: NodeId,
}

/// Follows the world's answers from the entry: the cause and the fix the tree reaches.
fn follow(article: &Article, answers: &[usize]) -> Option<(NodeId, NodeId)> {
    let mut node = article.entry.clone()?;
    let mut cause: Option<NodeId> = None;
    for _ in 0..=article.questions.len() + article.causes.len() {
        if let Some(index) = article.questions.iter().position(|q| q.id == node) {
            node = article.questions[index].answers[answers[index]]
                .goto
                .clone()?;
        } else if let Some(found) = article.cause(&node) {
            cause = Some(found.id.clone());
            match &found.then {
                Some(then) => node = then.clone(),
                // No question picks the fix: the first one is the one that works.
                None => {
                    let remedy = found.solutions.iter().chain(&found.workarounds).next()?;
                    return Some((found.id.clone(), remedy.clone()));
                }
            }
        } else if article.remedy(&node).is_some() {
            let cause = cause.or_else(|| article.owners_of(&node).next().map(|c| c.id.clone()))?;
            return Some((cause, node));
        } else {
            return None;
        }
    }
    None
}

fn draw_world(article: &Article, rng: &mut Rng) -> Option<World> {
    let priors: Vec<f64> = article.causes.iter().map(|c| c.likelihood()).collect();
    let truth = &article.causes[rng.weighted(&priors)].id;
    for _ in 0..500 {
        let answers: Vec<usize> = article
            .questions
            .iter()
            .map(|q| rng.weighted(&q.base_rates()))
            .collect();
        if let Some((cause, remedy)) = follow(article, &answers)
            && cause == *truth
        {
            return Some(World { answers, remedy });
        }
    }
    None
}

/// What one session cost.
#[derive(Default, Clone, Copy)]
struct Tally {
    questions: f64,
    minutes: f64,
    failed: f64,
}

fn answer(article: &Article, world: &World, question: &NodeId, rng: &mut Rng, rate: f64) -> Given {
    if rng.unit() < rate {
        return Given::Unknown;
    }
    let index = article
        .questions
        .iter()
        .position(|q| q.id == *question)
        .expect("a question of the article");
    Given::Answer(
        article.questions[index].answers[world.answers[index]]
            .value
            .clone(),
    )
}

fn question_cost(article: &Article, id: &NodeId) -> f64 {
    article.question(id).map_or(1.0, |q| q.cost())
}

fn remedy_cost(article: &Article, id: &NodeId) -> f64 {
    article.remedy(id).map_or(5.0, |r| r.cost())
}

/// The planner: the cheapest step each time.
fn planner(article: &Article, world: &World, rng: &mut Rng, rate: f64) -> Tally {
    let mut session = Session::start(Subject::alone(article), &Facts::new(), Timestamp(0))
        .expect("a walkable article");
    let mut tally = Tally::default();
    for _ in 0..200 {
        match session.next().expect("valid facts") {
            Next::Ask { question } => {
                tally.questions += 1.0;
                tally.minutes += question_cost(article, &question);
                let given = answer(article, world, &question, rng, rate);
                session
                    .answer(&question, given, Timestamp(0))
                    .expect("valid answer");
            }
            Next::Try { remedy, .. } => {
                tally.minutes += remedy_cost(article, &remedy);
                let fixed = remedy == world.remedy;
                session
                    .fix_outcome(&remedy, fixed, Timestamp(0))
                    .expect("the fix offered");
                if fixed {
                    return tally;
                }
            }
            _ => break,
        }
    }
    tally.failed = 1.0;
    tally
}

/// The authored walk: questions in tree order while they change anything, then the fixes
/// of the causes left in document order.
fn authored(
    article: &Article,
    network: &Network<'_>,
    world: &World,
    rng: &mut Rng,
    rate: f64,
) -> Tally {
    let mut facts = Facts::new();
    let mut tally = Tally::default();
    let outcome = |facts: &Facts| {
        let state = network.solve(facts).expect("valid facts");
        let causes: BTreeSet<(NodeId, Vec<NodeId>)> = state
            .candidates
            .iter()
            .map(|c| (c.cause.clone(), c.remedies.clone()))
            .collect();
        (state, causes)
    };
    loop {
        let (state, now) = outcome(&facts);
        let next = state.open.iter().find(|question| {
            let q = article.question(question).expect("an open question");
            let after: Vec<_> = q
                .answers
                .iter()
                .map(|a| {
                    let mut more = facts.clone();
                    more.set((*question).clone(), Given::Answer(a.value.clone()));
                    outcome(&more).1
                })
                .collect();
            after.iter().any(|causes| *causes != now)
        });
        let Some(question) = next.cloned() else {
            break;
        };
        tally.questions += 1.0;
        tally.minutes += question_cost(article, &question);
        let given = answer(article, world, &question, rng, rate);
        facts.set(question, given);
    }
    let state = network.solve(&facts).expect("valid facts");
    let mut order: Vec<(usize, NodeId)> = Vec::new();
    for candidate in &state.candidates {
        let position = article
            .causes
            .iter()
            .position(|c| c.id == candidate.cause)
            .unwrap_or(usize::MAX);
        let cause = article.cause(&candidate.cause).expect("a cause");
        let rest = cause
            .solutions
            .iter()
            .chain(&cause.workarounds)
            .filter(|r| !candidate.remedies.contains(r));
        for remedy in candidate.remedies.iter().chain(rest) {
            if !order.iter().any(|(_, r)| r == remedy) {
                order.push((position, remedy.clone()));
            }
        }
    }
    order.sort_by_key(|(position, _)| *position);
    for (_, remedy) in order {
        tally.minutes += remedy_cost(article, &remedy);
        if remedy == world.remedy {
            return tally;
        }
    }
    tally.failed = 1.0;
    tally
}

fn main() {
    let mut args = std::env::args().skip(1);
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let rate: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0.15);
    let loaded = fixpath::load::load_embedded();
    let started = Instant::now();
    println!("Simulated sessions: {sessions} per article, \"don't know\" rate {rate}");
    println!();
    println!(
        "| article | causes | authored questions | authored minutes | planner questions | planner minutes | change |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut totals = (Tally::default(), Tally::default(), 0usize, 0usize, 0usize);
    for entry in &loaded.kb.articles {
        let article = &entry.article;
        if article.entry.is_none() || article.causes.len() < 2 {
            continue;
        }
        let graph = DecisionGraph::build(article);
        let network = Network::new(article, &graph);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ article.id.as_str().len() as u64);
        let (mut old, mut new) = (Tally::default(), Tally::default());
        let mut runs = 0usize;
        for _ in 0..sessions {
            let Some(world) = draw_world(article, &mut rng) else {
                continue;
            };
            runs += 1;
            // The same "don't know"s for both policies.
            let seed = rng.next() | 1;
            let a = authored(article, &network, &world, &mut Rng(seed), rate);
            let p = planner(article, &world, &mut Rng(seed), rate);
            for (sum, one) in [(&mut old, a), (&mut new, p)] {
                sum.questions += one.questions;
                sum.minutes += one.minutes;
                sum.failed += one.failed;
            }
        }
        if runs == 0 {
            continue;
        }
        let n = runs as f64;
        let change = (new.minutes - old.minutes) / old.minutes.max(1e-9) * 100.0;
        println!(
            "| {} | {} | {:.2} | {:.1} | {:.2} | {:.1} | {:+.1}% |",
            article.id,
            article.causes.len(),
            old.questions / n,
            old.minutes / n,
            new.questions / n,
            new.minutes / n,
            change
        );
        totals.2 += 1;
        if new.minutes > old.minutes * 1.0005 {
            totals.3 += 1;
        }
        if new.minutes < old.minutes * 0.9995 {
            totals.4 += 1;
        }
        for (sum, one) in [(&mut totals.0, old), (&mut totals.1, new)] {
            sum.questions += one.questions / n;
            sum.minutes += one.minutes / n;
            sum.failed += one.failed / n;
        }
    }
    let articles = totals.2 as f64;
    println!();
    println!(
        "{} articles: authored {:.2} questions, {:.1} min, {:.1}% without the right fix; planner {:.2} questions, {:.1} min, {:.1}% without it ({:+.1}% minutes)",
        totals.2,
        totals.0.questions / articles,
        totals.0.minutes / articles,
        totals.0.failed / articles * 100.0,
        totals.1.questions / articles,
        totals.1.minutes / articles,
        totals.1.failed / articles * 100.0,
        (totals.1.minutes - totals.0.minutes) / totals.0.minutes * 100.0
    );
    println!(
        "planner cheaper on {} articles, dearer on {} ({:.1} s)",
        totals.4,
        totals.3,
        started.elapsed().as_secs_f64()
    );
    step_times(&loaded);
}

/// How long one `ask` step takes on the largest article (the one with the most nodes):
/// the first step, and each step of a walk answering the first answer every time.
fn step_times(loaded: &fixpath::load::Loaded) {
    let Some(largest) = loaded
        .kb
        .articles
        .iter()
        .map(|e| &e.article)
        .filter(|a| a.entry.is_some())
        .max_by_key(|a| a.nodes().count())
    else {
        return;
    };
    let mut session = Session::start(Subject::alone(largest), &Facts::new(), Timestamp(0))
        .expect("a walkable article");
    let mut times = Vec::new();
    for _ in 0..64 {
        let started = Instant::now();
        let step = session.next().expect("valid facts");
        times.push(started.elapsed());
        match step {
            Next::Ask { question } => {
                let first = largest.question(&question).expect("its question").answers[0]
                    .value
                    .clone();
                session
                    .answer(&question, Given::Answer(first), Timestamp(0))
                    .expect("valid answer");
            }
            Next::Try { remedy, .. } => session
                .fix_outcome(&remedy, false, Timestamp(0))
                .expect("the fix offered"),
            _ => break,
        }
    }
    let worst = times.iter().max().copied().unwrap_or_default();
    println!(
        "largest article {} ({} nodes: {} questions, {} causes): {} steps, first {:.1} µs, slowest {:.1} µs",
        largest.id,
        largest.nodes().count(),
        largest.questions.len(),
        largest.causes.len(),
        times.len(),
        times[0].as_secs_f64() * 1e6,
        worst.as_secs_f64() * 1e6
    );
}
