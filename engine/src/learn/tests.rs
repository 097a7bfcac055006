//! Learning: records out of session states, counts, the merge, and its properties.

use proptest::prelude::*;

use super::*;
use crate::graph::DecisionGraph;
use crate::session::{Event, Leg, Revision, Timestamp};
use crate::solve::{Facts, solve};

fn sspr() -> &'static Article {
    &crate::testing::kb().kb.get("sspr-0029").unwrap().article
}

fn event(at: i64, step: Move) -> Event {
    Event {
        at: Timestamp(at),
        step,
    }
}

fn answer(q: &str, a: Option<&str>) -> Move {
    Move::Answer {
        question: NodeId(q.to_owned()),
        answer: a.map(str::to_owned),
    }
}

fn fixed(cause: &str, remedy: &str, worked: bool) -> Move {
    Move::Fix {
        cause: NodeId(cause.to_owned()),
        remedy: NodeId(remedy.to_owned()),
        fixed: worked,
    }
}

fn state(events: Vec<Event>) -> SessionState {
    SessionState {
        format: crate::session::STATE_FORMAT,
        legs: vec![Leg {
            article: ArticleId("sspr-0029".to_owned()),
            revision: Revision::of(sspr()),
            started_at: Timestamp(0),
            events,
        }],
    }
}

/// A resolved session on the remote-SAM cause, answers timed a minute apart.
fn remote_sam_session() -> SessionState {
    remove_policy_session(true)
}

fn current(id: &ArticleId) -> Option<(&'static Article, String)> {
    crate::testing::kb()
        .kb
        .get(id.as_str())
        .map(|e| (&e.article, Revision::of(&e.article).0))
}

/// What `check` says of these figures against the embedded KB.
fn problems(learned: &Learned) -> Vec<String> {
    learned
        .check("learned.yaml", |id| current(id).map(|(a, _)| a.clone()))
        .iter()
        .map(|d| d.message.clone())
        .collect()
}

fn assert_mentions(messages: &[String], needle: &str) {
    assert!(
        messages.iter().any(|m| m.contains(needle)),
        "no {needle:?} in {messages:?}"
    );
}

fn top_cause(article: &Article, facts: &Facts) -> Option<String> {
    let resolution = solve(article, &DecisionGraph::build(article), facts).ok()?;
    resolution.candidates.first().map(|c| c.cause.to_string())
}

#[test]
fn a_record_keeps_the_answers_fixes_end_cause_and_minutes_and_back_undoes() {
    let mut events = remote_sam_session().legs[0].events.clone();
    events.insert(1, event(90_000, answer("keep-sam-policy", Some("yes"))));
    events.insert(2, event(100_000, Move::Back));
    let records = Record::of(&state(events));
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.end, Some(SessionEnd::Fixed));
    assert_eq!(
        record.cause.as_ref().map(NodeId::as_str),
        Some("remote-sam-restricted")
    );
    let asked: Vec<&str> = record.answers.iter().map(|(q, ..)| q.as_str()).collect();
    assert_eq!(
        asked,
        [
            "protected-admin",
            "event-6329-access-denied",
            "restrict-remote-sam-present",
            "keep-sam-policy"
        ]
    );
    assert_eq!(record.answers[0].2, 1.0);
    assert_eq!(record.fixes[0].3, 10.0, "ten minutes on the fix");
}

#[test]
fn learning_from_nothing_changes_nothing() {
    let learned = Learned::learn(Vec::new(), current);
    assert!(learned.articles.is_empty());
    let article = sspr();
    let applied = learned.apply(article);
    assert_eq!(&applied, article);
}

#[test]
fn the_learned_file_round_trips_and_checks_clean() {
    let records: Vec<Record> = (0..5)
        .flat_map(|_| Record::of(&remote_sam_session()))
        .collect();
    let learned = Learned::learn(records, current);
    let text = learned.to_yaml();
    let back = Learned::parse(&text, "learned.yaml").unwrap();
    assert_eq!(back, learned);
    let problems = learned.check("learned.yaml", |id| current(id).map(|(a, _)| a.clone()));
    assert!(problems.is_empty(), "{problems:?}");
    let entry = &learned.articles[&ArticleId("sspr-0029".to_owned())];
    assert_eq!((entry.sessions, entry.resolved), (5, 5));
    assert_eq!(
        entry.fixes[&NodeId("remove-sam-policy".to_owned())].minutes,
        Some(10.0)
    );
}

#[test]
fn impossible_figures_and_unknown_ids_are_reported() {
    let text = "format: 1\narticles:\n  sspr-0029:\n    sessions: 2\n    resolved: 5\n    fixes:\n      remove-sam-policy: {tried: 1, worked: 3}\n    causes:\n      no-such-cause: 1\n  no-such-article:\n    sessions: 1\n    resolved: 0\n";
    let learned = Learned::parse(text, "learned.yaml").unwrap();
    let messages = problems(&learned);
    for needle in [
        "worked 3 times in 1 tries",
        "cannot end",
        "no-such-cause",
        "no-such-article",
    ] {
        assert_mentions(&messages, needle);
    }
    let malformed = Learned::parse("format: 1\narticles: [", "learned.yaml").unwrap_err();
    assert!(
        malformed.span.is_some(),
        "a parse error has a line and column"
    );
}

#[test]
fn records_of_an_older_version_count_for_what_still_exists_and_say_so() {
    let mut old = remote_sam_session();
    old.legs[0].revision = Revision("an older version".to_owned());
    old.legs[0].events.insert(
        0,
        event(10_000, answer("a-question-since-removed", Some("yes"))),
    );
    let learned = Learned::learn(Record::of(&old), current);
    let entry = &learned.articles[&ArticleId("sspr-0029".to_owned())];
    assert_eq!(entry.older_versions, 1);
    assert_eq!(entry.gone, ["a-question-since-removed"]);
    assert_eq!(
        entry.causes[&NodeId("remote-sam-restricted".to_owned())],
        1.0
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Sessions whose true cause is always X make X the top cause with no facts.
    #[test]
    fn sessions_that_always_end_on_one_cause_make_it_the_top_cause(index in 0usize..3, sessions in 25u32..120) {
        let article = sspr();
        let cause = &article.causes[index];
        let remedy = cause.solutions.first().or(cause.workarounds.first()).unwrap();
        let one = state(vec![event(60_000, fixed(cause.id.as_str(), remedy.as_str(), true))]);
        let records: Vec<Record> = (0..sessions).flat_map(|_| Record::of(&one)).collect();
        let learned = Learned::learn(records, current);
        let applied = learned.apply(article);
        prop_assert_eq!(top_cause(&applied, &Facts::new()), Some(cause.id.to_string()));
        let change = applied.learned.as_ref().unwrap().causes[&cause.id];
        prop_assert_eq!(change.seen, f64::from(sessions));
        prop_assert!(change.learned > change.authored);
    }

    /// Learning never outvotes hard evidence: a fact that excludes a cause still excludes it.
    #[test]
    fn learning_never_outvotes_a_fact_that_excludes_a_cause(sessions in 1u32..300) {
        let article = sspr();
        // Every session ended on the protected-admin cause...
        let one = state(vec![event(60_000, fixed("protected-admin-account", "by-design-change-in-cloud", true))]);
        let records: Vec<Record> = (0..sessions).flat_map(|_| Record::of(&one)).collect();
        let applied = Learned::learn(records, current).apply(article);
        // ...yet "not a protected admin" still rules it out.
        let facts = Facts::parse(["protected-admin=no"]).unwrap();
        let resolution = solve(&applied, &DecisionGraph::build(&applied), &facts).unwrap();
        prop_assert!(resolution.candidates.iter().all(|c| c.cause.as_str() != "protected-admin-account"));
    }
}

#[test]
fn problems_of_resolved_sessions_are_learned_for_search_and_others_are_not() {
    let mut resolved = Record::of(&remote_sam_session());
    resolved[0].problem = Some("  password  reset writeback   fails ".to_owned());
    let mut abandoned = Record::of(&state(vec![event(60_000, answer("protected-admin", None))]));
    abandoned[0].problem = Some("something else".to_owned());
    let learned = Learned::learn(resolved.into_iter().chain(abandoned), current);
    let entry = &learned.articles[&ArticleId("sspr-0029".to_owned())];
    assert_eq!(
        entry.queries.keys().collect::<Vec<_>>(),
        ["password reset writeback fails"]
    );
    let applied = learned.apply(sspr());
    assert_eq!(
        applied.learned.unwrap().queries,
        ["password reset writeback fails"]
    );
}

/// A session on the remote-SAM cause whose answers pin the fix `remove-sam-policy`: it
/// works or it does not, and then the session is escalated.
fn remove_policy_session(works: bool) -> SessionState {
    let mut events = vec![
        event(60_000, answer("protected-admin", Some("no"))),
        event(120_000, answer("event-6329-access-denied", Some("yes"))),
        event(180_000, answer("restrict-remote-sam-present", Some("yes"))),
        event(240_000, answer("keep-sam-policy", Some("no"))),
        event(
            840_000,
            fixed("remote-sam-restricted", "remove-sam-policy", works),
        ),
    ];
    if !works {
        events.push(event(
            900_000,
            Move::End {
                outcome: SessionEnd::Escalated,
            },
        ));
    }
    state(events)
}

#[test]
fn a_fix_that_fails_when_its_cause_is_certain_learns_its_success_rate() {
    // 120 sessions pin the fix; it works in 72 (60%). Failed tries count as tries of the
    // right fix, and the cause still counts for the escalated sessions.
    let states: Vec<SessionState> = (0..120).map(|i| remove_policy_session(i % 5 < 3)).collect();
    let learned = Learned::learn(states.iter().flat_map(Record::of), current);
    let entry = &learned.articles[&ArticleId("sspr-0029".to_owned())];
    let stats = &entry.fixes[&NodeId("remove-sam-policy".to_owned())];
    assert_eq!((stats.tried, stats.worked), (120, 72));
    // Nearly all 48 failed tries were of the right fix (an answer may be wrong: the
    // cause's other fix keeps a little of the doubt).
    assert!(
        stats.right > 110.0 && stats.right <= 120.0,
        "{}",
        stats.right
    );
    assert_eq!(
        entry.causes[&NodeId("remote-sam-restricted".to_owned())],
        120.0
    );
    let applied = learned.apply(sspr());
    let remedy = applied
        .remedy(&NodeId("remove-sam-policy".to_owned()))
        .unwrap();
    let success = remedy.success.unwrap();
    // (5 × 1 + 72) / (5 + right): the default pulls with a quarter of the strength.
    assert!(
        (success - 77.0 / (5.0 + stats.right)).abs() < 1e-3,
        "{success}"
    );
    assert!(success > 0.6 && success < 0.7, "{success}");
    let change = applied.learned.as_ref().unwrap().fixes[&remedy.id];
    assert_eq!(change.authored_success, 1.0);
    assert_eq!(change.learned_success, success);
    // With the cause certain and the fix failed, the cause stays first.
    let mut facts = Facts::new();
    for (q, a) in [
        ("protected-admin", "no"),
        ("event-6329-access-denied", "yes"),
        ("restrict-remote-sam-present", "yes"),
        ("keep-sam-policy", "no"),
    ] {
        facts.add(q, a).unwrap();
    }
    facts.fail(remedy.id.clone());
    assert_eq!(
        top_cause(&applied, &facts).as_deref(),
        Some("remote-sam-restricted")
    );
}

#[test]
fn a_fix_shared_by_causes_credits_them_by_the_evidence_not_the_first_owner() {
    // `azure-vm-netlogon-not-starting`: three causes, one shared solution. Sessions that
    // never ask which cause it is cannot say which it was: each cause gets a third.
    let kb = crate::testing::kb();
    let article = &kb.kb.get("azure-vm-netlogon-not-starting").unwrap().article;
    let fix = article.solutions[0].id.clone();
    let cause = article.causes[0].id.clone();
    let states: Vec<SessionState> = (0..30)
        .map(|_| SessionState {
            format: crate::session::STATE_FORMAT,
            legs: vec![Leg {
                article: article.id.clone(),
                revision: Revision::of(article),
                started_at: Timestamp(0),
                events: vec![event(
                    300_000,
                    Move::Fix {
                        cause: cause.clone(),
                        remedy: fix.clone(),
                        fixed: true,
                    },
                )],
            }],
        })
        .collect();
    let learned = Learned::learn(states.iter().flat_map(Record::of), current);
    let entry = &learned.articles[&article.id];
    let seen: Vec<f64> = article.causes.iter().map(|c| entry.causes[&c.id]).collect();
    assert_eq!(seen, [10.0, 10.0, 10.0]);
    // And the answers to the checks that tell them apart do tell them apart: down the
    // chain of checks from the entry to the one that points to the second cause.
    let second = &article.causes[1].id;
    let mut path: Vec<(String, String)> = Vec::new();
    let mut at = article.entry.clone();
    while let Some(question) = at
        .as_ref()
        .and_then(|id| article.questions.iter().find(|q| &q.id == id))
    {
        let to_cause = question
            .answers
            .iter()
            .find(|a| a.goto.as_ref() == Some(second));
        let onward = question.answers.iter().find(|a| {
            a.goto
                .as_ref()
                .is_some_and(|g| article.questions.iter().any(|q| &q.id == g))
        });
        let Some(chosen) = to_cause.or(onward) else {
            break;
        };
        path.push((question.id.to_string(), chosen.value.clone()));
        if to_cause.is_some() {
            break;
        }
        at = chosen.goto.clone();
    }
    assert!(!path.is_empty());
    let told: Vec<SessionState> = (0..30)
        .map(|_| {
            let mut s = states[0].clone();
            for (position, (question, value)) in path.iter().enumerate() {
                s.legs[0].events.insert(
                    position,
                    event(
                        60_000 + position as i64 * 1_000,
                        answer(question, Some(value)),
                    ),
                );
            }
            s
        })
        .collect();
    let learned = Learned::learn(told.iter().flat_map(Record::of), current);
    let entry = &learned.articles[&article.id];
    assert_eq!(entry.causes.get(second), Some(&30.0), "{:?}", entry.causes);
}

#[test]
fn check_refuses_impossible_success_and_cause_counts() {
    let mut learned = Learned::learn(
        (0..10).flat_map(|_| Record::of(&remove_policy_session(false))),
        current,
    );
    let entry = learned
        .articles
        .get_mut(&ArticleId("sspr-0029".to_owned()))
        .unwrap();
    entry
        .fixes
        .get_mut(&NodeId("remove-sam-policy".to_owned()))
        .unwrap()
        .right = 30.0;
    entry
        .causes
        .insert(NodeId("connector-permissions".to_owned()), 50.0);
    let messages = problems(&learned);
    assert_mentions(&messages, "was the right one in 30 of 10 tries");
    assert_mentions(&messages, "causes seen 60 times in 10 sessions");
}

#[test]
fn a_format_1_file_still_reads_and_a_newer_one_is_named_as_such() {
    let old = "format: 1\narticles:\n  sspr-0029:\n    sessions: 40\n    resolved: 40\n    causes:\n      remote-sam-restricted: 40\n    fixes:\n      remove-sam-policy: {tried: 40, worked: 40}\n";
    let learned = Learned::parse(old, "learned.yaml").unwrap();
    assert!(problems(&learned).is_empty(), "{:?}", problems(&learned));
    let applied = learned.apply(sspr());
    assert_eq!(
        top_cause(&applied, &Facts::new()).as_deref(),
        Some("remote-sam-restricted")
    );
    let newer = "format: 3\nsomething_new: true\narticles: {}\n";
    let refused = Learned::parse(newer, "learned.yaml").unwrap_err();
    assert!(
        refused
            .message
            .contains("format 3, this fixpath reads formats 1 to 2"),
        "{}",
        refused.message
    );
    // What learn writes is the current format.
    assert!(
        Learned::default()
            .to_yaml()
            .contains(&format!("format: {FORMAT}"))
    );
}
