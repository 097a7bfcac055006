//! Learning from outcomes: recorded sessions into figures the engine merges over the
//! authored ones.
//!
//! A [`Record`] is what one article's part of a finished session teaches: the answers in
//! the order given (don't-knows included), each fix tried and whether it worked, how it
//! ended, the cause it ended on, and the minutes each step took. [`Learned::learn`] counts
//! records into a [`Learned`] file (`learned.yaml` beside the articles, reviewed in git
//! like them; articles are never rewritten). [`Learned::apply`] merges an article's
//! figures over the authored ones:
//!
//! - a cause's prior is the mean of a Dirichlet posterior whose pseudo-counts are the
//!   authored priors times [`Learned::strength`] (default [`DEFAULT_STRENGTH`] sessions):
//!   ten sessions do not outvote the author, a few hundred do;
//! - an answer's base rate likewise, from how often each answer was given;
//! - a question's or fix's minutes: the median of the minutes seen, once seen
//!   [`MIN_TIMINGS`] times, pulled toward the authored figure by the same strength;
//! - a question's "don't know" rate: how often it was answered so, likewise;
//! - a fix's chance of working when it is the right one: the times it worked over the tries
//!   in which it was the right fix ([`FixStats::right`]: a failed try counts by the chance
//!   it was right, from the rest of its session), likewise pulled toward the authored one.
//!
//! Minutes, success and "don't know" rates the author did not write (fixpath's defaults: a
//! minute a question, 5 plus 2 a step for a fix, every fix works when right, every question
//! gets an answer) count as a quarter of the strength: there is less to outvote.
//!
//! Learning changes weights, never the graph: a fact that excludes a cause still excludes
//! it. What was learned is kept on the article ([`Applied`], never serialised with it, so
//! an article's revision is that of its text) for views to show beside the authored figure.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::graph::DecisionGraph;
use crate::model::{Article, ArticleId, NodeId};
use crate::session::{Move, SessionEnd, SessionState};
use crate::solve::{Facts, Given, Network};

use crate::learned::round_tenth;
pub use crate::learned::{
    Applied, DEFAULT_STRENGTH, FILE_NAME, FORMAT, FixChange, FixStats, Learned, LearnedArticle,
    MIN_TIMINGS, PriorChange, QuestionStats, count,
};

/// The longest problem text kept for search (characters).
pub const MAX_QUERY: usize = 300;

/// What one article's part of a session teaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The article.
    pub article: ArticleId,
    /// The version it was recorded against.
    pub revision: String,
    /// Answers in force at the end, in the order given (`None`: don't know), with the
    /// minutes each took.
    pub answers: Vec<(NodeId, Option<String>, f64)>,
    /// Fixes tried and still in force at the end, in order: (cause, remedy, worked, minutes).
    pub fixes: Vec<(NodeId, NodeId, bool, f64)>,
    /// How this part ended (`continued` when it went on in another article).
    pub end: Option<SessionEnd>,
    /// The cause of the fix that worked, when one did.
    pub cause: Option<NodeId>,
    /// When this part began (ms since the Unix epoch).
    pub started_at: i64,
    /// Minutes from its start to its last move.
    pub minutes: f64,
    /// The step the session stopped at when it was abandoned: the last question answered
    /// or fix tried (`None` when it was abandoned before any).
    pub stopped_at: Option<NodeId>,
    /// The problem as the agent typed it, when the session began from free text (set by
    /// the caller: a state does not hold it).
    pub problem: Option<String>,
}

/// Minutes between two times in ms, at least zero and at most a working day (a session
/// left open overnight does not make a question take ten hours).
fn minutes(from: i64, to: i64) -> f64 {
    ((to - from) as f64 / 60_000.0).clamp(0.0, 8.0 * 60.0)
}

impl Record {
    /// The records of a session's state, one per article it went through. Going back
    /// undoes the move it undid, as in the session.
    pub fn of(state: &SessionState) -> Vec<Record> {
        let mut records = Vec::new();
        for (index, leg) in state.legs.iter().enumerate() {
            enum Applied {
                Answer(NodeId, Option<String>, f64),
                Fix(NodeId, NodeId, bool, f64),
                Continue,
            }
            let mut applied: Vec<Applied> = Vec::new();
            let mut last = leg.started_at.0;
            let mut end = None;
            for event in &leg.events {
                let took = minutes(last, event.at.0);
                last = event.at.0;
                match &event.step {
                    Move::Answer { question, answer } => {
                        applied.retain(|a| !matches!(a, Applied::Answer(q, ..) if q == question));
                        applied.push(Applied::Answer(question.clone(), answer.clone(), took));
                    }
                    Move::Back => {
                        // Going back over a "Continue in" takes the session back here.
                        if let Some(Applied::Continue) = applied.pop() {
                            end = None;
                        }
                    }
                    Move::Fix {
                        cause,
                        remedy,
                        fixed,
                    } => {
                        applied.push(Applied::Fix(cause.clone(), remedy.clone(), *fixed, took));
                        if *fixed {
                            end = Some(SessionEnd::Fixed);
                        }
                    }
                    Move::ContinueIn { .. } => {
                        applied.push(Applied::Continue);
                        end = Some(SessionEnd::Continued);
                    }
                    Move::End { outcome } => end = Some(*outcome),
                }
            }
            if end.is_none() && index + 1 < state.legs.len() {
                end = Some(SessionEnd::Continued);
            }
            let stopped_at = leg.events.iter().rev().find_map(|e| match &e.step {
                Move::Answer { question, .. } => Some(question.clone()),
                Move::Fix { remedy, .. } => Some(remedy.clone()),
                _ => None,
            });
            let mut record = Record {
                article: leg.article.clone(),
                revision: leg.revision.0.clone(),
                answers: Vec::new(),
                fixes: Vec::new(),
                end,
                cause: None,
                started_at: leg.started_at.0,
                minutes: minutes(leg.started_at.0, last),
                stopped_at,
                problem: None,
            };
            for move_ in applied {
                match move_ {
                    Applied::Answer(q, a, took) => record.answers.push((q, a, took)),
                    Applied::Fix(cause, remedy, worked, took) => {
                        if worked {
                            record.cause = Some(cause.clone());
                        }
                        record.fixes.push((cause, remedy, worked, took));
                    }
                    Applied::Continue => {}
                }
            }
            records.push(record);
        }
        records
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.len() < MIN_TIMINGS as usize {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    let value = if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    };
    Some((value * 100.0).round() / 100.0)
}

/// What one finished session says about an article's causes and fixes: its answers and
/// the fixes tried (did each work), kept until the end of learning.
struct Evidence {
    facts: Facts,
    /// The fixes tried, by index (solutions, then workarounds), and whether each worked.
    tried: Vec<(usize, bool)>,
}

/// Rounds of estimating fixes' success rates and sessions' causes together.
const ROUNDS: usize = 8;

/// Where the estimate of a fix's success starts: a fix assumed always to work could never
/// be the right one after failing, and no evidence would move it.
const SUCCESS_START: f64 = 0.5;

/// The causes and fix success rates that sessions' evidence supports, found together
/// (expectation–maximisation): a session that ended fixed credits its fix's owners by how
/// likely each is given the answers; a failed try counts toward its fix's tries-when-right
/// by how likely that fix was the right one given everything the session saw (its answers,
/// the other fixes that failed, and this one failing, which a fix that rarely works
/// explains well). The success rates used for that are the previous round's.
fn weigh_evidence(
    article: &Article,
    sessions: &[Evidence],
    fixes: &mut BTreeMap<NodeId, FixStats>,
) -> BTreeMap<NodeId, f64> {
    let remedies: Vec<&crate::model::Remedy> = article
        .solutions
        .iter()
        .chain(&article.workarounds)
        .collect();
    let worked: Vec<f64> = remedies
        .iter()
        .map(|r| {
            fixes
                .get(&r.id)
                .map_or(0.0, |stats| f64::from(stats.worked))
        })
        .collect();
    let graph = DecisionGraph::build(article);
    // Sessions where nothing failed say the same whatever the success rates: weighed once.
    let mut settled = vec![0.0; article.causes.len()];
    let network = Network::new(article, &graph);
    let mut failing: Vec<&Evidence> = Vec::new();
    for session in sessions {
        if session.tried.iter().all(|(_, worked)| *worked) {
            add_causes(&network, session, &mut settled, None);
        } else {
            failing.push(session);
        }
    }
    let mut success = vec![SUCCESS_START; remedies.len()];
    let mut causes = settled.clone();
    let mut right = vec![0.0; remedies.len()];
    for _ in 0..ROUNDS {
        let mut model = article.clone();
        let fixes_of_model = model
            .solutions
            .iter_mut()
            .chain(model.workarounds.iter_mut());
        for (remedy, rate) in fixes_of_model.zip(&success) {
            remedy.success = Some(rate.clamp(0.02, 1.0));
        }
        let network = Network::new(&model, &graph);
        causes.clone_from(&settled);
        right.iter_mut().for_each(|r| *r = 0.0);
        for session in &failing {
            add_causes(&network, session, &mut causes, Some(&mut right));
        }
        for (fix, rate) in success.iter_mut().enumerate() {
            let tries = worked[fix] + right[fix];
            if tries > 0.0 {
                *rate = worked[fix] / tries;
            }
        }
    }
    for (fix, remedy) in remedies.iter().enumerate() {
        if let Some(stats) = fixes.get_mut(&remedy.id) {
            stats.right = round_tenth(worked[fix] + right[fix]);
        }
    }
    article
        .causes
        .iter()
        .zip(causes)
        .filter(|(_, seen)| *seen > 0.0)
        .map(|(cause, seen)| (cause.id.clone(), round_tenth(seen)))
        .collect()
}

/// Adds one session's share to each cause (given the fix that worked, when one did) and,
/// when it ended without a fix, to each failed fix's tries-when-right.
fn add_causes(
    network: &Network<'_>,
    session: &Evidence,
    causes: &mut [f64],
    right: Option<&mut Vec<f64>>,
) {
    let Ok(beliefs) = network.beliefs(&session.facts) else {
        return;
    };
    let worked = session
        .tried
        .iter()
        .find(|(_, worked)| *worked)
        .map(|(fix, _)| *fix);
    let weights: Vec<f64> = match worked {
        Some(fix) => beliefs.right.iter().map(|row| row[fix]).collect(),
        None => beliefs.causes.clone(),
    };
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        for (cause, weight) in causes.iter_mut().zip(&weights) {
            *cause += weight / total;
        }
    }
    // A fix worked: it was the right one and no other was; else each failed fix was right
    // as likely as the evidence says.
    if let (None, Some(right)) = (worked, right) {
        let mass: f64 = beliefs.causes.iter().sum();
        if mass > 0.0 {
            for &(fix, _) in &session.tried {
                right[fix] += beliefs.right.iter().map(|row| row[fix]).sum::<f64>() / mass;
            }
        }
    }
}

/// How many sessions a figure counts as before learning: the file's strength when the
/// author wrote the figure, a quarter of it when the figure is fixpath's default (a fix
/// that always works, a question always answered): there is less to outvote.
fn default_pull(strength: f64, authored: bool) -> f64 {
    if authored { strength } else { strength / 4.0 }
}

impl Learned {
    /// Counts records into learned figures. `article` gives the current version of an
    /// article (`None`: the KB no longer has it, and its records are skipped); ids it no
    /// longer has are skipped and listed.
    pub fn learn<'a>(
        records: impl IntoIterator<Item = Record>,
        article: impl Fn(&ArticleId) -> Option<(&'a Article, String)>,
    ) -> Learned {
        let mut learned = Learned::default();
        let mut timings: BTreeMap<(ArticleId, bool, NodeId), Vec<f64>> = BTreeMap::new();
        // Per article: what its finished sessions showed, weighed once all are read.
        let mut evidence: BTreeMap<ArticleId, (&'a Article, Vec<Evidence>)> = BTreeMap::new();
        for record in records {
            let Some((current, revision)) = article(&record.article) else {
                continue;
            };
            let entry = learned.articles.entry(record.article.clone()).or_default();
            entry.sessions += 1;
            match record.end {
                Some(SessionEnd::Fixed) => entry.resolved += 1,
                Some(SessionEnd::Escalated) => entry.escalated += 1,
                Some(SessionEnd::Abandoned | SessionEnd::Incomplete | SessionEnd::Interrupted) => {
                    entry.abandoned += 1;
                }
                _ => {}
            }
            if record.revision != revision {
                entry.older_versions += 1;
            }
            let mut gone = |id: &NodeId| {
                if !entry.gone.iter().any(|g| g == id.as_str()) {
                    entry.gone.push(id.to_string());
                }
            };
            if record.end == Some(SessionEnd::Fixed)
                && let Some(problem) = &record.problem
            {
                let problem: String = problem.split_whitespace().collect::<Vec<_>>().join(" ");
                if !problem.is_empty() {
                    let problem: String = problem.chars().take(MAX_QUERY).collect();
                    *entry.queries.entry(problem).or_default() += 1;
                }
            }
            if let Some(cause) = &record.cause
                && current.cause(cause).is_none()
            {
                gone(cause);
            }
            // What the session saw, for weighing causes and fixes once all are read.
            let mut session = Evidence {
                facts: Facts::new(),
                tried: Vec::new(),
            };
            for (question, answer, took) in &record.answers {
                let Some(known) = current.question(question) else {
                    gone(question);
                    continue;
                };
                let stats = entry.questions.entry(question.clone()).or_default();
                match answer {
                    Some(value) if known.answers.iter().any(|a| &a.value == value) => {
                        *stats.answers.entry(value.clone()).or_default() += 1;
                    }
                    Some(_) => continue,
                    None => stats.unknown += 1,
                }
                let given = match answer {
                    Some(value) => Given::Answer(value.clone()),
                    None => Given::Unknown,
                };
                session.facts.set(question.clone(), given);
                timings
                    .entry((record.article.clone(), true, question.clone()))
                    .or_default()
                    .push(*took);
            }
            let fix_ids: Vec<&NodeId> = current
                .solutions
                .iter()
                .chain(&current.workarounds)
                .map(|r| &r.id)
                .collect();
            for (_, remedy, worked, took) in &record.fixes {
                let Some(index) = fix_ids.iter().position(|id| *id == remedy) else {
                    gone(remedy);
                    continue;
                };
                session.tried.push((index, *worked));
                if !*worked {
                    session.facts.fail(remedy.clone());
                }
                let stats = entry.fixes.entry(remedy.clone()).or_default();
                stats.tried += 1;
                stats.worked += u32::from(*worked);
                timings
                    .entry((record.article.clone(), false, remedy.clone()))
                    .or_default()
                    .push(*took);
            }
            // Sessions that ended with the fix or escalated say which causes and fixes were
            // real; abandoned ones stopped before they could.
            if matches!(record.end, Some(SessionEnd::Fixed | SessionEnd::Escalated)) {
                evidence
                    .entry(record.article.clone())
                    .or_insert_with(|| (current, Vec::new()))
                    .1
                    .push(session);
            }
        }
        for (article, (current, sessions)) in &evidence {
            if let Some(entry) = learned.articles.get_mut(article) {
                entry.causes = weigh_evidence(current, sessions, &mut entry.fixes);
            }
        }
        for ((article, is_question, id), mut values) in timings {
            let Some(entry) = learned.articles.get_mut(&article) else {
                continue;
            };
            let value = median(&mut values);
            if is_question {
                if let Some(stats) = entry.questions.get_mut(&id) {
                    stats.minutes = value;
                }
            } else if let Some(stats) = entry.fixes.get_mut(&id) {
                stats.minutes = value;
            }
        }
        for entry in learned.articles.values_mut() {
            entry.gone.sort();
        }
        learned
    }

    /// Merges what was learned for `article` over its authored figures; the article
    /// unchanged when nothing was learned for it.
    pub fn apply(&self, article: &Article) -> Article {
        let mut merged = article.clone();
        let Some(learned) = self.articles.get(&article.id) else {
            return merged;
        };
        let strength = self.strength.max(0.0);
        let mut applied = Applied {
            sessions: learned.sessions,
            resolved: learned.resolved,
            ended: learned.resolved + learned.escalated,
            queries: learned.queries.keys().cloned().collect(),
            ..Applied::default()
        };
        // Causes: Dirichlet posterior means over the sessions that ended fixed or escalated.
        let total_prior: f64 = article.causes.iter().map(|c| c.likelihood().max(0.0)).sum();
        let seen_total: f64 = article
            .causes
            .iter()
            .filter_map(|c| learned.causes.get(&c.id))
            .filter(|seen| seen.is_finite() && **seen > 0.0)
            .sum();
        if total_prior > 0.0 && seen_total > 0.0 {
            for cause in &mut merged.causes {
                let authored = cause.likelihood().max(0.0) / total_prior;
                let seen = learned
                    .causes
                    .get(&cause.id)
                    .copied()
                    .filter(|seen| seen.is_finite() && *seen > 0.0)
                    .unwrap_or(0.0);
                let posterior = (strength * authored + seen) / (strength + seen_total);
                cause.likelihood = Some(round(posterior));
                applied.causes.insert(
                    cause.id.clone(),
                    PriorChange {
                        authored: round(authored),
                        learned: round(posterior),
                        seen,
                    },
                );
            }
        }
        // Questions: answer base rates and minutes.
        for question in &mut merged.questions {
            let Some(stats) = learned.questions.get(&question.id) else {
                continue;
            };
            let given: u32 = stats.answers.values().sum();
            if given > 0 {
                let rates = question.base_rates();
                for (answer, rate) in question.answers.iter_mut().zip(rates) {
                    let count = stats.answers.get(&answer.value).copied().unwrap_or(0);
                    answer.base_rate = Some(round(
                        (strength * rate + f64::from(count)) / (strength + f64::from(given)),
                    ));
                }
            }
            let asked = given + stats.unknown;
            if asked > 0 {
                let authored = question.dont_know();
                let pull = default_pull(strength, question.dont_know.is_some());
                let learned = round(
                    ((pull * authored + f64::from(stats.unknown)) / (pull + f64::from(asked)))
                        .min(0.99),
                );
                question.dont_know = Some(learned);
                applied
                    .question_dont_know
                    .insert(question.id.clone(), (authored, learned));
            }
            if let Some(minutes) = stats.minutes {
                let authored = question.cost();
                let timed = f64::from(given + stats.unknown);
                let pull = default_pull(strength, question.cost.is_some());
                let learned = round((pull * authored + timed * minutes) / (pull + timed));
                question.cost = Some(learned);
                applied
                    .question_minutes
                    .insert(question.id.clone(), (authored, learned));
            }
        }
        // Fixes: minutes, and the chance each works when it is the right one.
        for remedy in merged
            .solutions
            .iter_mut()
            .chain(merged.workarounds.iter_mut())
        {
            let Some(stats) = learned.fixes.get(&remedy.id) else {
                continue;
            };
            let authored = remedy.cost();
            let learned_minutes = match stats.minutes {
                Some(minutes) => {
                    let timed = f64::from(stats.tried);
                    let pull = default_pull(strength, remedy.cost.is_some());
                    round((pull * authored + timed * minutes) / (pull + timed))
                }
                None => authored,
            };
            remedy.cost = Some(learned_minutes);
            let authored_success = remedy.success();
            let pull = default_pull(strength, remedy.success.is_some());
            let learned_success = if stats.right > 0.0 {
                round(
                    ((pull * authored_success + f64::from(stats.worked)) / (pull + stats.right))
                        .clamp(0.01, 1.0),
                )
            } else {
                authored_success
            };
            remedy.success = Some(learned_success);
            applied.fixes.insert(
                remedy.id.clone(),
                FixChange {
                    authored_minutes: authored,
                    learned_minutes,
                    tried: stats.tried,
                    worked: stats.worked,
                    right: stats.right,
                    authored_success,
                    learned_success,
                },
            );
        }
        merged.learned = Some(Box::new(applied));
        merged
    }

    /// Problems of the figures against the KB: unknown articles and ids (warnings: an
    /// article may have been edited since), impossible counts (errors).
    pub fn check(
        &self,
        file: &str,
        article: impl Fn(&ArticleId) -> Option<Article>,
    ) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        if !self.strength.is_finite() || self.strength < 0.0 {
            found.push(Diagnostic::error(
                Code::Learned,
                file,
                None,
                format!(
                    "learned figures: strength {} must be a number of sessions, 0 or more",
                    self.strength
                ),
            ));
        }
        for (id, learned) in &self.articles {
            let Some(current) = article(id) else {
                found.push(Diagnostic::warning(
                    Code::Learned,
                    file,
                    None,
                    format!("learned figures for `{id}`, which the KB does not have"),
                ));
                continue;
            };
            let mut impossible = |message: String| {
                found.push(Diagnostic::error(
                    Code::Learned,
                    file,
                    None,
                    format!("learned figures for `{id}`: {message}"),
                ));
            };
            if learned.resolved + learned.escalated + learned.abandoned > learned.sessions {
                impossible(format!(
                    "{} sessions cannot end {} + {} + {} ways",
                    learned.sessions, learned.resolved, learned.escalated, learned.abandoned
                ));
            }
            let seen: f64 = learned.causes.values().sum();
            let ended = learned.resolved + learned.escalated;
            if learned.causes.values().any(|n| !n.is_finite() || *n < 0.0)
                || seen > f64::from(ended) + 0.05 * learned.causes.len() as f64
            {
                impossible(format!(
                    "causes seen {seen} times in {ended} sessions that ended fixed or escalated"
                ));
            }
            for (remedy, stats) in &learned.fixes {
                if stats.worked > stats.tried {
                    impossible(format!(
                        "fix `{remedy}` worked {} times in {} tries",
                        stats.worked, stats.tried
                    ));
                }
                if stats.minutes.is_some_and(|m| !m.is_finite() || m < 0.0) {
                    impossible(format!("fix `{remedy}` has impossible minutes"));
                }
                // `right` is rounded to a tenth.
                if stats.right != 0.0
                    && !(stats.right.is_finite()
                        && stats.right + 0.05 >= f64::from(stats.worked)
                        && stats.right <= f64::from(stats.tried) + 0.05)
                {
                    impossible(format!(
                        "fix `{remedy}` was the right one in {} of {} tries, {} of which worked",
                        stats.right, stats.tried, stats.worked
                    ));
                }
            }
            for (question, stats) in &learned.questions {
                if stats.minutes.is_some_and(|m| !m.is_finite() || m < 0.0) {
                    impossible(format!("question `{question}` has impossible minutes"));
                }
            }
            let mut unknown = |kind: &str, node: &NodeId| {
                found.push(Diagnostic::warning(
                    Code::Learned,
                    file,
                    None,
                    format!(
                        "learned figures for `{id}` name {kind} `{node}`, which it no longer has"
                    ),
                ));
            };
            for cause in learned.causes.keys() {
                if current.cause(cause).is_none() {
                    unknown("cause", cause);
                }
            }
            for remedy in learned.fixes.keys() {
                if current.remedy(remedy).is_none() {
                    unknown("fix", remedy);
                }
            }
            for (question, stats) in &learned.questions {
                match current.question(question) {
                    None => unknown("question", question),
                    Some(q) => {
                        for value in stats.answers.keys() {
                            if !q.answers.iter().any(|a| &a.value == value) {
                                unknown("answer", &NodeId(format!("{question}={value}")));
                            }
                        }
                    }
                }
            }
        }
        found
    }
}

/// What the sessions of one article show: the figures `fixpath stats` and the server's
/// statistics page report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleStats {
    /// The article.
    pub article: ArticleId,
    /// Sessions (parts of sessions in this article).
    pub sessions: u32,
    /// Ended with a fix that worked.
    pub resolved: u32,
    /// Escalated.
    pub escalated: u32,
    /// Abandoned, interrupted or left incomplete.
    pub abandoned: u32,
    /// Went on in another article.
    pub continued: u32,
    /// `resolved / sessions`.
    pub resolution_rate: f64,
    /// The median minutes from start to the fix that worked, over resolved sessions.
    pub median_minutes_to_fix: Option<f64>,
    /// Resolved sessions by the cause they ended on, most first.
    pub causes: Vec<(NodeId, u32)>,
    /// Fixes by how often they did not work, most first: (fix, tried, failed).
    pub failing_fixes: Vec<(NodeId, u32, u32)>,
    /// Questions by how often they were answered "I don't know", most first: (question,
    /// asked, don't know).
    pub unknown_questions: Vec<(NodeId, u32, u32)>,
    /// Where abandoned sessions stopped (the last question or fix), most first.
    pub abandoned_at: Vec<(String, u32)>,
}

impl ArticleStats {
    /// The figures of every article with sessions in `records` (started at or after
    /// `since`, ms), most sessions first.
    pub fn of(records: impl IntoIterator<Item = Record>, since: Option<i64>) -> Vec<ArticleStats> {
        #[derive(Default)]
        struct Counts {
            stats: ArticleStats,
            minutes: Vec<f64>,
            causes: BTreeMap<NodeId, u32>,
            fixes: BTreeMap<NodeId, (u32, u32)>,
            questions: BTreeMap<NodeId, (u32, u32)>,
            stops: BTreeMap<String, u32>,
        }
        let mut by_article: BTreeMap<ArticleId, Counts> = BTreeMap::new();
        for record in records {
            if since.is_some_and(|since| record.started_at < since) {
                continue;
            }
            let counts = by_article.entry(record.article.clone()).or_default();
            let stats = &mut counts.stats;
            stats.sessions += 1;
            match record.end {
                Some(SessionEnd::Fixed) => {
                    stats.resolved += 1;
                    counts.minutes.push(record.minutes);
                }
                Some(SessionEnd::Escalated) => stats.escalated += 1,
                Some(SessionEnd::Continued) => stats.continued += 1,
                _ => {
                    stats.abandoned += 1;
                    let at = record
                        .stopped_at
                        .as_ref()
                        .map_or_else(|| "(before the first step)".to_owned(), NodeId::to_string);
                    *counts.stops.entry(at).or_default() += 1;
                }
            }
            if let Some(cause) = &record.cause {
                *counts.causes.entry(cause.clone()).or_default() += 1;
            }
            for (_, remedy, worked, _) in &record.fixes {
                let entry = counts.fixes.entry(remedy.clone()).or_default();
                entry.0 += 1;
                entry.1 += u32::from(!worked);
            }
            for (question, answer, _) in &record.answers {
                let entry = counts.questions.entry(question.clone()).or_default();
                entry.0 += 1;
                entry.1 += u32::from(answer.is_none());
            }
        }
        fn most_first<K: Ord + Clone, V: Copy>(
            map: BTreeMap<K, V>,
            key: impl Fn(&V) -> u32,
        ) -> Vec<(K, V)> {
            let mut list: Vec<(K, V)> = map.into_iter().collect();
            list.sort_by(|a, b| key(&b.1).cmp(&key(&a.1)).then(a.0.cmp(&b.0)));
            list
        }
        let mut all: Vec<ArticleStats> = by_article
            .into_iter()
            .map(|(article, counts)| {
                let mut minutes = counts.minutes;
                let mut stats = counts.stats;
                stats.article = article;
                stats.resolution_rate =
                    round(f64::from(stats.resolved) / f64::from(stats.sessions.max(1)));
                stats.median_minutes_to_fix = {
                    minutes.sort_by(f64::total_cmp);
                    (!minutes.is_empty()).then(|| round(minutes[minutes.len() / 2]))
                };
                stats.causes = most_first(counts.causes, |n| *n);
                stats.failing_fixes = most_first(counts.fixes, |(_, failed)| *failed)
                    .into_iter()
                    .filter(|(_, (_, failed))| *failed > 0)
                    .map(|(id, (tried, failed))| (id, tried, failed))
                    .collect();
                stats.unknown_questions = most_first(counts.questions, |(_, unknown)| *unknown)
                    .into_iter()
                    .filter(|(_, (_, unknown))| *unknown > 0)
                    .map(|(id, (asked, unknown))| (id, asked, unknown))
                    .collect();
                stats.abandoned_at = most_first(counts.stops, |n| *n);
                stats
            })
            .collect();
        all.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.article.cmp(&b.article)));
        all
    }
}

fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
