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
//!
//! `bench-planner drafts [SESSIONS] [ARTICLE]` compares, on the multi-cause imported drafts
//! (or the one named), the which-cause menu alone (the drafts before checks) with the drafts
//! that ask checks, and both with the ceiling of any draft with the same fixes: the cause
//! known at once and for free.
//!
//! With `FIXPATH_KB=DIR` every mode measures that KB directory instead of the embedded one
//! (to try a re-import before it replaces `kb/`).
//!
//! `bench-planner learning [EVAL_SESSIONS]` simulates a helpdesk whose truth differs from
//! what the authors wrote, and measures what learning from its sessions is worth (see
//! `fixpath_tools::simulate`).

use std::collections::BTreeSet;
use std::time::Instant;

use fixpath::graph::DecisionGraph;
use fixpath::model::{Article, NodeId};
use fixpath::session::{Next, Session, Subject, Timestamp};
use fixpath::solve::{Facts, Given, Network};
use fixpath_tools::simulate::{Rng, World, draw_world};

/// What one session cost.
#[derive(Default, Clone, Copy)]
struct Tally {
    questions: f64,
    minutes: f64,
    failed: f64,
}

fn answer(article: &Article, world: &World, question: &NodeId, rng: &mut Rng, rate: f64) -> Given {
    let index = article
        .questions
        .iter()
        .position(|q| q.id == *question)
        .expect("a question of the article");
    if rng.unit() < fixpath_tools::simulate::dont_know_of(&article.questions[index], rate) {
        return Given::Unknown;
    }
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

/// The KB to measure: `FIXPATH_KB` when set, else the embedded default.
fn load_kb() -> fixpath::load::Loaded {
    match std::env::var_os("FIXPATH_KB") {
        Some(dir) => fixpath::load::load_dir(std::path::Path::new(&dir)).expect("a loadable KB"),
        None => fixpath::load::load_embedded(),
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("drafts") {
        let sessions = std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(2000);
        drafts(sessions, std::env::args().nth(3));
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("learning") {
        let eval = std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(1000);
        learning(eval);
        return;
    }
    let mut args = std::env::args().skip(1);
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let rate: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0.15);
    let loaded = load_kb();
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
            let seed = rng.next_u64() | 1;
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

/// Today's menu drafts against the drafts with checks, on the same simulated truth: every
/// multi-cause imported draft of the embedded KB that has the which-cause menu.
fn drafts(sessions: usize, only: Option<String>) {
    use rayon::prelude::*;
    let loaded = load_kb();
    let started = Instant::now();
    let articles: Vec<&Article> = fixpath_tools::simulate::multi_cause_drafts(&loaded.kb)
        .filter(|a| only.as_deref().is_none_or(|id| a.id.as_str() == id))
        .collect();
    let rows: Vec<(String, usize, usize, fixpath_tools::simulate::DraftMinutes)> = articles
        .par_iter()
        .filter_map(|article| {
            let seed = article
                .id
                .as_str()
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
            let minutes =
                fixpath_tools::simulate::menu_against_checks(article, sessions, 0.15, seed)?;
            let asked = article.questions.len() - 1;
            Some((article.id.to_string(), article.causes.len(), asked, minutes))
        })
        .collect();
    println!(
        "Drafts: {} multi-cause imported drafts, {sessions} sessions each; the which-cause menu answered \"don't know\" {:.0}% of the time, checks 15%; mean minutes to the fix (escalations count {} min)",
        rows.len(),
        fixpath::import::MENU_DONT_KNOW * 100.0,
        fixpath_tools::simulate::ESCALATION_MINUTES
    );
    println!();
    println!(
        "| article | causes | checks | menu draft | draft with checks | change | cause known free | ceiling |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let percent = |to: f64, from: f64| (to - from) / from * 100.0;
    let mut changes = Vec::new();
    let mut ceilings = Vec::new();
    for (id, causes, checks, minutes) in &rows {
        let change = percent(minutes.checks, minutes.menu);
        let ceiling = percent(minutes.known, minutes.menu);
        changes.push(change);
        ceilings.push(ceiling);
        println!(
            "| {id} | {causes} | {checks} | {:.1} | {:.1} | {change:+.1}% | {:.1} | {ceiling:+.1}% |",
            minutes.menu, minutes.checks, minutes.known
        );
    }
    let n = rows.len() as f64;
    let mean = |pick: fn(&fixpath_tools::simulate::DraftMinutes) -> f64| {
        rows.iter().map(|r| pick(&r.3)).sum::<f64>() / n
    };
    println!();
    println!(
        "{} drafts: menu drafts {:.1} min, drafts with checks {:.1} min; {:+.1}% minutes on average per article ({} cheaper, {} dearer; {:.1} s)",
        rows.len(),
        mean(|m| m.menu),
        mean(|m| m.checks),
        changes.iter().sum::<f64>() / n,
        changes.iter().filter(|c| **c < 0.0).count(),
        changes.iter().filter(|c| **c > 0.0).count(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "ceiling with these fixes (the cause known at once, for free): {:.1} min, {:+.1}% on average per article",
        mean(|m| m.known),
        ceilings.iter().sum::<f64>() / n
    );
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

/// A helpdesk whose truth differs from the authors' figures (cause frequencies Zipf 1.2 in
/// a shuffled order, minutes a third to three times the authored ones, the right fix
/// working nine times in ten, 15% "don't know"): the planner on the authored figures,
/// after learning from 50, 200 and 1,000 of its sessions, and on the true figures.
fn learning(eval: usize) {
    use rayon::prelude::*;
    let loaded = load_kb();
    let started = Instant::now();
    let counts = [50, 200, 1000];
    let articles: Vec<&fixpath::model::Article> = loaded
        .kb
        .articles
        .iter()
        .map(|e| &e.article)
        .filter(|a| a.entry.is_some() && a.causes.len() >= 2)
        .collect();
    let rows: Vec<fixpath_tools::simulate::LearningRow> = articles
        .par_iter()
        .filter_map(|article| {
            let seed = article
                .id
                .as_str()
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
            fixpath_tools::simulate::learning_row(article, &counts, eval, 0.15, seed)
        })
        .collect();
    println!(
        "Learning: {} articles, {eval} sessions per planner and article; mean minutes to the fix (escalations count {} min)",
        rows.len(),
        fixpath_tools::simulate::ESCALATION_MINUTES
    );
    println!();
    println!(
        "| article | causes | authored | learned 50 | learned 200 | learned 1,000 | oracle | learned 200 vs oracle | learned 200 vs authored | oracle planner, exact | optimal, exact | planner vs optimal |"
    );
    println!(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut worst_gap = f64::MIN;
    let mut worst_exact = f64::MIN;
    let mut searched = 0;
    let mut changes = Vec::new();
    let mut curve = vec![0.0; counts.len() + 2];
    for row in &rows {
        let at = |n: usize| {
            row.learned
                .iter()
                .find(|(k, _)| *k == n)
                .map_or(f64::NAN, |(_, v)| *v)
        };
        let gap = (at(200) - row.oracle) / row.oracle * 100.0;
        let change = (at(200) - row.authored) / row.authored * 100.0;
        worst_gap = worst_gap.max(gap);
        changes.push(change);
        curve[0] += row.authored / row.oracle;
        for (i, n) in counts.iter().enumerate() {
            curve[i + 1] += at(*n) / row.oracle;
        }
        curve[counts.len() + 1] += 1.0;
        let exact = match row.exact {
            Some((planner, optimal)) => {
                let over = (planner - optimal) / optimal * 100.0;
                worst_exact = worst_exact.max(over);
                searched += 1;
                format!("{planner:.2} | {optimal:.2} | {over:+.1}%")
            }
            None => "not searched | | ".to_owned(),
        };
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:+.1}% | {:+.1}% | {exact} |",
            row.article,
            row.causes,
            row.authored,
            at(50),
            at(200),
            at(1000),
            row.oracle,
            gap,
            change
        );
    }
    let n = rows.len() as f64;
    let mean_change = changes.iter().sum::<f64>() / n;
    // The imported drafts alone (the figure: learning on drafts with checks).
    let drafted: Vec<(f64, f64)> = rows
        .iter()
        .zip(&changes)
        .filter(|(row, _)| {
            loaded
                .kb
                .get(&row.article)
                .is_some_and(|e| e.article.status == fixpath::model::Status::Draft)
        })
        .map(|(row, change)| (*change, (row.oracle / row.authored - 1.0) * 100.0))
        .collect();
    if !drafted.is_empty() {
        let count = drafted.len() as f64;
        println!();
        println!(
            "imported drafts alone ({}): learned 200 {:+.2}% minutes against the authored figures on average (the oracle: {:+.1}%)",
            drafted.len(),
            drafted.iter().map(|d| d.0).sum::<f64>() / count,
            drafted.iter().map(|d| d.1).sum::<f64>() / count
        );
    }
    // No planner does better than the oracle: its gain over the authored figures bounds
    // what learning can gain.
    let bound = rows
        .iter()
        .map(|row| (row.oracle / row.authored - 1.0) * 100.0)
        .sum::<f64>()
        / n;
    println!();
    println!(
        "after learning from 200 sessions: {mean_change:+.1}% minutes against the authored figures on average (the oracle: {bound:+.1}%); at most {worst_gap:+.1}% above the oracle ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let points: Vec<(f64, f64)> = [0usize, 50, 200, 1000]
        .iter()
        .zip(&curve)
        .map(|(sessions, sum)| (*sessions as f64, sum / n))
        .collect();
    println!(
        "the planner on the true figures against the optimal strategy, on the {searched} articles small enough to search: at most {worst_exact:+.1}%"
    );
    for (sessions, ratio) in &points {
        println!(
            "sessions learned {sessions:>5}: {:.3} × the oracle's minutes",
            ratio
        );
    }
    let svg = learning_curve_svg(&points);
    let path = fixpath_tools::common::repo_root().join("target/learning-curve.svg");
    if std::fs::write(&path, svg).is_ok() {
        println!("curve: {}", path.display());
    }
}

/// Mean minutes (as a multiple of the oracle's) against sessions learned, as an SVG line.
fn learning_curve_svg(points: &[(f64, f64)]) -> String {
    let (width, height, left, bottom) = (480.0, 260.0, 60.0, 40.0);
    let top = points.iter().map(|p| p.1).fold(1.0f64, f64::max) * 1.05;
    // Sessions on a square-root scale, so 50 and 200 are apart.
    let x = |s: f64| left + (s.sqrt() / 1000f64.sqrt()) * (width - left - 20.0);
    let y =
        |r: f64| (height - bottom) - (r - 1.0) / (top - 1.0).max(1e-9) * (height - bottom - 20.0);
    let line: Vec<String> = points
        .iter()
        .map(|(s, r)| format!("{:.1},{:.1}", x(*s), y(*r)))
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <title>Mean minutes to the fix, as a multiple of the oracle's, against sessions learned</title>\n\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>\n\
         <line x1=\"{left}\" y1=\"20\" x2=\"{left}\" y2=\"{}\" stroke=\"#888\"/>\n\
         <polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\" points=\"{}\"/>\n",
        y(1.0),
        width - 20.0,
        y(1.0),
        height - bottom,
        line.join(" ")
    );
    for (s, r) in points {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#0969da\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{s}</text><text x=\"{:.1}\" y=\"{:.1}\">{r:.2}×</text>\n",
            x(*s), y(*r), x(*s), height - bottom + 16.0, x(*s) + 5.0, y(*r) - 6.0
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">sessions learned</text>\n<text x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\" text-anchor=\"middle\">minutes ÷ oracle's</text>\n</svg>\n",
        (width + left) / 2.0, height - 6.0, height / 2.0, height / 2.0
    ));
    svg
}
