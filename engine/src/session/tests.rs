use std::sync::OnceLock;

use super::*;

use crate::testing::kb;

fn links() -> &'static Links {
    static LINKS: OnceLock<Links> = OnceLock::new();
    LINKS.get_or_init(|| Links::new(&kb().kb, kb().kb.config.base_url.as_deref()))
}

fn article(id: &str) -> &'static Article {
    &kb().kb.get(id).unwrap().article
}

fn subject(article: &Article) -> Subject<'_> {
    Subject::new(article, article, links())
}

fn q(id: &str) -> NodeId {
    NodeId(id.to_owned())
}

fn yes() -> Given {
    Given::Answer("yes".into())
}

fn no() -> Given {
    Given::Answer("no".into())
}

fn ask(question: &str) -> Next {
    Next::Ask {
        question: q(question),
    }
}

#[test]
fn back_undoes_the_last_move_and_the_state_before_it_returns() {
    let mut session =
        Session::start(subject(article("sspr-0029")), &Facts::new(), Timestamp(1)).unwrap();
    assert_eq!(session.next().unwrap(), ask("protected-admin"));
    assert!(!session.can_go_back());
    assert!(!session.back(Timestamp(2)).unwrap(), "nothing to undo");
    session
        .answer(&q("protected-admin"), no(), Timestamp(3))
        .unwrap();
    assert_eq!(session.next().unwrap(), ask("event-6329-access-denied"));
    session
        .answer(&q("event-6329-access-denied"), yes(), Timestamp(4))
        .unwrap();
    session
        .answer(&q("restrict-remote-sam-present"), yes(), Timestamp(5))
        .unwrap();
    assert_eq!(session.next().unwrap(), ask("keep-sam-policy"));
    // Back twice: the two last answers are undone, the question before is asked again.
    assert!(session.back(Timestamp(6)).unwrap());
    assert_eq!(session.next().unwrap(), ask("restrict-remote-sam-present"));
    assert!(session.back(Timestamp(7)).unwrap());
    assert_eq!(session.next().unwrap(), ask("event-6329-access-denied"));
    session
        .answer(&q("event-6329-access-denied"), no(), Timestamp(8))
        .unwrap();
    let resolution = session.resolution().unwrap();
    assert_eq!(
        resolution.cause().unwrap().cause.as_str(),
        "connector-permissions"
    );
    assert!(
        session
            .facts()
            .get(&q("restrict-remote-sam-present"))
            .is_none()
    );
    // Nothing is forgotten: every move, the backs too, is in the log with its time.
    let moves: Vec<(i64, &str)> = session.state().legs[0]
        .events
        .iter()
        .map(|e| {
            let name = match &e.step {
                Move::Answer { .. } => "answer",
                Move::Back => "back",
                _ => "other",
            };
            (e.at.0, name)
        })
        .collect();
    assert_eq!(
        moves,
        [
            (3, "answer"),
            (4, "answer"),
            (5, "answer"),
            (6, "back"),
            (7, "back"),
            (8, "answer")
        ]
    );
    assert!(
        session
            .answer(
                &q("protected-admin"),
                Given::Answer("perhaps".into()),
                Timestamp(9)
            )
            .is_err()
    );
}

#[test]
fn a_session_starts_from_known_facts_and_takes_answers_to_any_open_question() {
    let facts = Facts::parse(["event-6329-access-denied=yes"]).unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    let open = session.open_questions().unwrap();
    assert!(open.contains(&q("restrict-remote-sam-present")));
    // The agent knows the registry answer before being asked.
    session
        .answer(&q("restrict-remote-sam-present"), yes(), Timestamp(1))
        .unwrap();
    assert_eq!(session.next().unwrap(), ask("protected-admin"));
    session
        .answer(&q("protected-admin"), no(), Timestamp(2))
        .unwrap();
    assert_eq!(
        session
            .resolution()
            .unwrap()
            .cause()
            .unwrap()
            .cause
            .as_str(),
        "remote-sam-restricted"
    );
    // Back undoes the answers in the order given, the ticket's facts included.
    for _ in 0..3 {
        assert!(session.back(Timestamp(3)).unwrap());
    }
    assert!(session.facts().is_empty());
    assert!(!session.back(Timestamp(4)).unwrap());
}

#[test]
fn fixes_are_offered_in_turn_and_one_that_works_ends_the_session() {
    let facts = Facts::parse(["protected-admin=no", "event-6329-access-denied=no"]).unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    session
        .answer(&q("connect-on-dc-permissions-blocked"), no(), Timestamp(1))
        .unwrap();
    let Next::Try {
        remedy,
        cause,
        continues_in,
        by_design,
        ..
    } = session.next().unwrap()
    else {
        panic!("a fix is next")
    };
    assert_eq!(cause.as_str(), "connector-permissions");
    assert!(!by_design);
    // This fix's text sends the reader to the access-rights troubleshooter.
    assert_eq!(
        continues_in
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["password-writeback-access-rights-permissions"]
    );
    // Only the fix offered now can be reported on.
    let err = session
        .fix_outcome(&q("preferred-domain-controllers"), false, Timestamp(2))
        .unwrap_err();
    assert!(matches!(err, SessionError::NotOffered { .. }), "{err}");
    session.fix_outcome(&remedy, false, Timestamp(2)).unwrap();
    let Next::Try { remedy: second, .. } = session.next().unwrap() else {
        panic!("the next fix is offered")
    };
    assert_ne!(second, remedy);
    session.fix_outcome(&second, true, Timestamp(3)).unwrap();
    assert_eq!(
        session.next().unwrap(),
        Next::Ended {
            outcome: SessionEnd::Fixed
        }
    );
    assert_eq!(session.outcome(), Some(SessionEnd::Fixed));
    assert!(matches!(
        session.answer(&q("protected-admin"), yes(), Timestamp(4)),
        Err(SessionError::Ended(SessionEnd::Fixed))
    ));
    assert_eq!(session.attempts().len(), 2);
}

#[test]
fn a_session_goes_on_in_a_linked_article_and_keeps_both_legs() {
    let facts = Facts::parse([
        "protected-admin=no",
        "event-6329-access-denied=no",
        "connect-on-dc-permissions-blocked=no",
    ])
    .unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    let target = ArticleId("password-writeback-access-rights-permissions".into());
    assert!(matches!(
        session.continue_in(&ArticleId("sspr-009".into()), Timestamp(1)),
        Err(SessionError::NoContinuation(_))
    ));
    session.continue_in(&target, Timestamp(1)).unwrap();
    assert_eq!(
        session.next().unwrap(),
        Next::ContinueIn {
            article: target.clone()
        }
    );
    let state = session.into_state();
    assert_eq!(state.current_article(), Some(&target));
    // Restoring with another article is refused; with the target, a new leg begins.
    let wrong = Session::restore(subject(article("sspr-009")), state.clone(), Timestamp(2));
    assert!(matches!(wrong, Err(SessionError::WrongArticle { .. })));
    let there = Session::restore(subject(article(target.as_str())), state, Timestamp(2)).unwrap();
    assert_eq!(there.visited().len(), 2);
    assert!(matches!(there.next().unwrap(), Next::Ask { .. }));
    // The first article is visited: its fixes would not send the session back there.
    assert_eq!(there.state().legs[1].started_at, Timestamp(2));
}

#[test]
fn a_state_recorded_against_another_version_of_the_article_is_refused() {
    let original = article("sspr-0029");
    let mut session = Session::start(subject(original), &Facts::new(), Timestamp(0)).unwrap();
    session
        .answer(&q("protected-admin"), no(), Timestamp(1))
        .unwrap();
    let saved = serde_json::to_string(session.state()).unwrap();
    let mut edited = original.clone();
    edited.questions[0].text.push_str(" (edited)");
    let state: SessionState = serde_json::from_str(&saved).unwrap();
    let err =
        Session::restore(Subject::new(&edited, &edited, links()), state, Timestamp(2)).unwrap_err();
    assert!(matches!(err, SessionError::ArticleChanged { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("has changed since"), "{message}");
    assert!(message.contains("start a new session"), "{message}");
    // A state of another format is refused too.
    let mut state: SessionState = serde_json::from_str(&saved).unwrap();
    state.format = 99;
    assert!(matches!(
        Session::restore(subject(original), state, Timestamp(2)),
        Err(SessionError::Format(99))
    ));
    // Links resolved for another medium do not change the version.
    let shown = links().resolve_article(original, crate::links::Style::Site);
    let state: SessionState = serde_json::from_str(&saved).unwrap();
    assert!(Session::restore(Subject::new(&shown, original, links()), state, Timestamp(2)).is_ok());
}

#[test]
fn an_article_with_nothing_to_troubleshoot_has_no_session() {
    let notice = kb()
        .kb
        .articles
        .iter()
        .map(|e| &e.article)
        .find(|a| a.entry.is_none());
    if let Some(notice) = notice {
        assert!(matches!(
            Session::start(subject(notice), &Facts::new(), Timestamp(0)),
            Err(SessionError::NotTroubleshootable(_))
        ));
    }
}

/// A move a reader of the site or an agent may make at a point of a session.
#[derive(Debug, Clone, Copy)]
enum Pick {
    /// Answer number `n` of the question asked (modulo), or "don't know" past the last.
    Answer(usize),
    /// Go back.
    Back,
}

/// Drives a session and the site's table side by side with the same moves and asserts
/// they name the same step at every point; returns how many points were compared.
fn walk_both(article: &Article, policy: &Policy, picks: &[Pick]) -> usize {
    let mut session = Session::start(subject(article), &Facts::new(), Timestamp(0)).unwrap();
    // The page's history of nodes; back pops it.
    let mut history: Vec<u32> = vec![0];
    let mut compared = 0;
    for (time, pick) in picks.iter().enumerate() {
        let at = Timestamp(time as i64 + 1);
        let node = &policy.nodes[*history.last().unwrap() as usize];
        let Some(step) = node.step() else {
            // Past the bound the page walks the fixes it was given; nothing to compare.
            return compared;
        };
        let next = session.next().unwrap();
        assert_eq!(
            Some(step),
            next.step(),
            "{}: the table and the session differ after {:?}",
            article.id,
            &picks[..time]
        );
        compared += 1;
        match (pick, node) {
            (Pick::Back, _) => {
                let undone = session.back(at).unwrap();
                assert_eq!(undone, history.len() > 1, "{}", article.id);
                if history.len() > 1 {
                    history.pop();
                }
            }
            (Pick::Answer(n), PolicyNode::Ask { q, n: targets }) => {
                let question = article.question(q).unwrap();
                let index = n % targets.len();
                let given = question
                    .answers
                    .get(index)
                    .map_or(Given::Unknown, |a| Given::Answer(a.value.clone()));
                session.answer(q, given, at).unwrap();
                history.push(targets[index]);
            }
            (
                Pick::Answer(_),
                PolicyNode::Try {
                    r, n: Some(target), ..
                },
            ) => {
                session.fix_outcome(r, false, at).unwrap();
                history.push(*target);
            }
            // A by-design answer or the escalation note: the walk is over; go back instead.
            (Pick::Answer(_), _) => {
                if session.back(at).unwrap() {
                    history.pop();
                }
            }
        }
    }
    compared
}

#[test]
fn past_the_bound_the_table_offers_the_fixes_left_in_the_planners_order() {
    let article = article("password-writeback-access-rights-permissions");
    let policy = explore(subject(article), 50).unwrap();
    assert!(!policy.complete);
    let beyond: Vec<&Vec<(NodeId, NodeId)>> = policy
        .nodes
        .iter()
        .filter_map(|node| match node {
            PolicyNode::Beyond { plan } => Some(plan),
            _ => None,
        })
        .collect();
    assert!(!beyond.is_empty());
    let explored = policy
        .nodes
        .iter()
        .filter(|n| !matches!(n, PolicyNode::Beyond { .. }))
        .count();
    // Escalation notes past the bound are known at once and not counted as explored.
    assert!(explored >= 50, "{explored} states");
    assert!(beyond.iter().all(|plan| !plan.is_empty()));
    // Up to the bound the table still takes the session's steps.
    let picks: Vec<Pick> = (0..30).map(|i| Pick::Answer(i % 3)).collect();
    assert!(walk_both(article, &policy, &picks) > 0);
}

mod properties {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    use super::*;

    use crate::testing::walkable;

    fn policies() -> &'static Vec<(&'static Article, Policy)> {
        static POLICIES: OnceLock<Vec<(&'static Article, Policy)>> = OnceLock::new();
        POLICIES.get_or_init(|| {
            walkable()
                .into_iter()
                .map(|article| {
                    let policy = explore(subject(article), MAX_STATES).unwrap();
                    // What the page gets is the JSON.
                    let json = serde_json::to_string(&policy).unwrap();
                    (article, serde_json::from_str(&json).unwrap())
                })
                .collect()
        })
    }

    fn picks() -> impl Strategy<Value = Vec<Pick>> {
        prop::collection::vec(
            prop_oneof![
                6 => (0usize..6).prop_map(Pick::Answer),
                1 => Just(Pick::Back),
            ],
            1..40,
        )
    }

    #[test]
    fn every_article_of_the_default_kb_fits_in_the_table() {
        let policies = policies();
        let past: Vec<&str> = policies
            .iter()
            .filter(|(_, p)| !p.complete)
            .map(|(a, _)| a.id.as_str())
            .collect();
        assert!(past.is_empty(), "past the bound: {past:?}");
        assert!(policies.len() >= 150);
    }

    #[test]
    fn every_article_walked_through_many_random_sessions_matches_the_table() {
        // Many sessions per article, each a seeded run of random moves.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut compared = 0;
        for (article, policy) in policies() {
            for _ in 0..40 {
                let picks = picks().new_tree(&mut runner).unwrap().current();
                compared += walk_both(article, policy, &picks);
            }
        }
        assert!(compared > 20_000, "only {compared} points compared");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn a_saved_session_restores_to_the_same_next_step_and_transcript(
            pick in any::<prop::sample::Index>(),
            picks in picks(),
            stop in any::<bool>(),
        ) {
            let articles = walkable();
            let article = articles[pick.index(articles.len())];
            let mut session = Session::start(subject(article), &Facts::new(), Timestamp(0)).unwrap();
            for (time, pick) in picks.iter().enumerate() {
                if session.outcome().is_some() {
                    break;
                }
                let at = Timestamp(time as i64 + 1);
                match (pick, session.next().unwrap()) {
                    (Pick::Back, _) => { session.back(at).unwrap(); }
                    (Pick::Answer(n), Next::Ask { question }) => {
                        let answers = &article.question(&question).unwrap().answers;
                        let given = answers.get(n % (answers.len() + 1))
                            .map_or(Given::Unknown, |a| Given::Answer(a.value.clone()));
                        session.answer(&question, given, at).unwrap();
                    }
                    (Pick::Answer(n), Next::Try { remedy, .. }) => {
                        session.fix_outcome(&remedy, *n == 5, at).unwrap();
                    }
                    (Pick::Answer(_), Next::Escalate { .. }) => {
                        session.end(SessionEnd::Escalated, at).unwrap();
                    }
                    _ => break,
                }
            }
            if stop && session.outcome().is_none() {
                session.end(SessionEnd::Interrupted, Timestamp(1_000)).unwrap();
            }
            let saved = serde_json::to_string(session.state()).unwrap();
            // A fresh article value, as another process would load it.
            let reloaded = article.clone();
            let state: SessionState = serde_json::from_str(&saved).unwrap();
            let restored = Session::restore(subject(&reloaded), state, Timestamp(2_000)).unwrap();
            prop_assert_eq!(restored.next().unwrap(), session.next().unwrap());
            prop_assert_eq!(restored.state(), session.state());
            prop_assert_eq!(restored.facts(), session.facts());
            prop_assert_eq!(restored.attempts(), session.attempts());
            prop_assert_eq!(restored.resolution().unwrap(), session.resolution().unwrap());
        }
    }
}

fn try_next(session: &Session<'_>) -> (NodeId, NodeId, Vec<NodeId>) {
    match session.next().unwrap() {
        Next::Try {
            cause,
            remedy,
            against,
            ..
        } => (cause, remedy, against),
        other => panic!("a fix is next, not {other:?}"),
    }
}

#[test]
fn continuing_in_another_article_is_its_own_outcome_and_keeps_the_fix_cause_as_the_hypothesis() {
    use crate::render::view::transcript_view;
    let facts = Facts::parse([
        "protected-admin=no",
        "event-6329-access-denied=no",
        "connect-on-dc-permissions-blocked=no",
    ])
    .unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    let (cause, remedy, _) = try_next(&session);
    assert_eq!(cause.as_str(), "connector-permissions");
    let before = session
        .resolution()
        .unwrap()
        .candidates
        .iter()
        .find(|c| c.cause == cause)
        .unwrap()
        .probability;
    let target = ArticleId("password-writeback-access-rights-permissions".into());
    session.continue_in(&target, Timestamp(1)).unwrap();
    // Not a failure: the fix is not counted against its cause.
    assert_eq!(session.facts().failed().count(), 0);
    let attempt = &session.attempts()[0];
    assert!(!attempt.fixed);
    assert_eq!(attempt.continued_in.as_ref(), Some(&target));
    let view = transcript_view(&session).unwrap();
    assert_eq!(view.outcome, SessionEnd::Continued);
    assert_eq!(view.tried[0].outcome, "continued");
    assert_eq!(view.result.kind, "continued");
    assert_eq!(view.result.cause.as_ref().unwrap().id, cause.as_str());
    assert_eq!(
        view.result.probability,
        Some(crate::solve::round(before)),
        "the hypothesis keeps the probability it had when the session went on"
    );
    assert_eq!(
        view.result.remedy,
        article("sspr-0029")
            .remedy(&remedy)
            .map(|r| r.title.as_str())
    );
    assert!(view.escalation.is_none());
}

#[test]
fn a_fixed_session_names_the_cause_of_the_fix_that_worked_with_its_posterior() {
    use crate::render::view::transcript_view;
    // Nothing answered: three causes possible, and the Connector cause's workaround is
    // tried and works. The result is that cause, whatever the ranking before said.
    let facts = Facts::parse(["protected-admin=no", "event-6329-access-denied=no"]).unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    session
        .answer(&q("connect-on-dc-permissions-blocked"), no(), Timestamp(1))
        .unwrap();
    let (_, first, _) = try_next(&session);
    session.fix_outcome(&first, false, Timestamp(2)).unwrap();
    let (cause, second, _) = try_next(&session);
    session.fix_outcome(&second, true, Timestamp(3)).unwrap();
    let view = transcript_view(&session).unwrap();
    assert_eq!(view.outcome, SessionEnd::Fixed);
    assert_eq!(view.result.kind, "fixed");
    assert_eq!(view.result.cause.as_ref().unwrap().id, cause.as_str());
    // The fix belongs to that cause alone: given that it worked, the cause is certain.
    assert_eq!(view.result.probability, Some(1.0));
    assert_eq!(view.result.percent, Some(100));
    assert_eq!(view.tried[0].outcome, "not_fixed");
    assert_eq!(view.tried[1].outcome, "fixed");
    let (attempt, probability) = session.fixed_by().unwrap().unwrap();
    assert_eq!(attempt.remedy, second);
    assert_eq!(probability, 1.0);
}

#[test]
fn the_escalation_note_after_one_answer_lists_no_tries_the_causes_left_and_data_to_collect() {
    use crate::render::view::transcript_view;
    let mut session =
        Session::start(subject(article("sspr-0029")), &Facts::new(), Timestamp(0)).unwrap();
    session
        .answer(&q("protected-admin"), no(), Timestamp(1))
        .unwrap();
    session.end(SessionEnd::Escalated, Timestamp(2)).unwrap();
    let view = transcript_view(&session).unwrap();
    let note = view.escalation.expect("an escalated session has a note");
    assert!(view.tried.is_empty());
    // The planner still had a question to ask: the agent handed it on.
    assert_eq!(note.reason, "by_agent");
    let left: Vec<&str> = note.left.iter().map(|c| c.title).collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(note.left.iter().all(|c| !c.untried.is_empty()));
    assert_eq!(
        view.path.excluded.len(),
        1,
        "protected-admin = no rules one out"
    );
    let collect: Vec<&str> = note.collect.iter().map(|c| c.id).collect();
    assert!(collect.contains(&"event-6329-access-denied"), "{collect:?}");
    assert!(note.collect.iter().all(|c| !c.dont_know));
    // The Connector cause's fix links to the access-rights troubleshooter, not visited.
    assert!(
        note.not_visited
            .iter()
            .any(|a| a.id == "password-writeback-access-rights-permissions")
    );
    // A session that is not escalated has no note.
    let open = Session::start(subject(article("sspr-0029")), &Facts::new(), Timestamp(0)).unwrap();
    assert!(transcript_view(&open).unwrap().escalation.is_none());
}

#[test]
fn an_answer_move_without_its_answer_is_refused_and_null_is_dont_know() {
    let missing = r#"{"at": 1, "move": "answer", "question": "protected-admin"}"#;
    let error = serde_json::from_str::<Event>(missing).unwrap_err();
    assert!(error.to_string().contains("answer"), "{error}");
    let unknown = r#"{"at": 1, "move": "answer", "question": "protected-admin", "answer": null}"#;
    let event: Event = serde_json::from_str(unknown).unwrap();
    assert_eq!(
        event.step,
        Move::Answer {
            question: q("protected-admin"),
            answer: None
        }
    );
}

#[test]
fn answering_again_is_a_recorded_change_and_back_undoes_it() {
    use crate::render::view::transcript_view;
    let mut session =
        Session::start(subject(article("sspr-0029")), &Facts::new(), Timestamp(0)).unwrap();
    session
        .answer(&q("protected-admin"), no(), Timestamp(1_000))
        .unwrap();
    assert!(session.changes().is_empty());
    // 10:42 UTC on 2026-12-07.
    let at = Timestamp(1_796_640_120_000);
    assert_eq!(at.datetime(), "2026-12-07 10:42 UTC");
    session.answer(&q("protected-admin"), yes(), at).unwrap();
    let changes = session.changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].from.as_deref(), Some("no"));
    assert_eq!(changes[0].to.as_deref(), Some("yes"));
    let view = transcript_view(&session).unwrap();
    assert_eq!(view.changes.len(), 1);
    assert_eq!(view.changes[0].change.from, "No");
    assert_eq!(view.changes[0].change.to, "Yes");
    assert_eq!(view.changes[0].change.at, "10:42");
    let step = view
        .path
        .checked
        .iter()
        .find(|s| s.question_id == "protected-admin")
        .unwrap();
    assert_eq!(step.changed.len(), 1);
    // Going back undoes the change: the first answer is in force again, unchanged.
    session.back(Timestamp(1_796_640_180_000)).unwrap();
    assert!(session.changes().is_empty());
    assert_eq!(session.facts().get(&q("protected-admin")), Some(&no()));
    // Answering with the same value again is no change.
    session
        .answer(&q("protected-admin"), no(), Timestamp(1_796_640_240_000))
        .unwrap();
    assert!(session.changes().is_empty());
}

#[test]
fn a_fix_against_an_earlier_answer_is_offered_with_that_answer_named() {
    let facts = Facts::parse([
        "protected-admin=no",
        "event-6329-access-denied=yes",
        "restrict-remote-sam-present=yes",
        "keep-sam-policy=yes",
    ])
    .unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    let (_, first, against) = try_next(&session);
    assert_eq!(first.as_str(), "allow-connector-account");
    assert!(
        against.is_empty(),
        "the fix the answer chose goes against nothing"
    );
    session.fix_outcome(&first, false, Timestamp(1)).unwrap();
    let (_, second, against) = try_next(&session);
    assert_eq!(second.as_str(), "remove-sam-policy");
    assert_eq!(against, [q("keep-sam-policy")]);
    let live = crate::render::view::live_view(&session).unwrap();
    let crate::render::view::StepView::Try { against, .. } = live.step else {
        panic!("a fix is shown")
    };
    assert_eq!(against[0].answer_label, "Yes, keep the policy");
}

#[test]
fn timestamps_read_as_utc_dates_times_and_durations() {
    assert_eq!(Timestamp(0).datetime(), "1970-01-01 00:00 UTC");
    assert_eq!(
        Timestamp(951_782_400_000).datetime(),
        "2000-02-29 00:00 UTC"
    );
    assert_eq!(Timestamp(0).duration_to(Timestamp(45_000)), "45 s");
    assert_eq!(
        Timestamp(0).duration_to(Timestamp(12 * 60_000 + 5)),
        "12 min"
    );
    assert_eq!(
        Timestamp(0).duration_to(Timestamp((2 * 60 + 5) * 60_000)),
        "2 h 5 min"
    );
}

#[test]
fn back_right_after_continuing_in_crosses_back_and_is_recorded() {
    let facts = Facts::parse([
        "protected-admin=no",
        "event-6329-access-denied=no",
        "connect-on-dc-permissions-blocked=no",
    ])
    .unwrap();
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    let offered = session.next().unwrap();
    let target = ArticleId("password-writeback-access-rights-permissions".into());
    session.continue_in(&target, Timestamp(1)).unwrap();
    let state = session.into_state();
    let there = Session::restore(
        subject(article(target.as_str())),
        state.clone(),
        Timestamp(2),
    )
    .unwrap();
    assert!(!there.can_go_back() || there.back_crosses_to().is_some());
    assert_eq!(
        there.back_crosses_to().map(ArticleId::as_str),
        Some("sspr-0029")
    );
    // Back, over the article it came from: where it stood before the continue.
    let back = Session::back_across(subject(article("sspr-0029")), state, Timestamp(3)).unwrap();
    assert_eq!(back.next().unwrap(), offered);
    assert!(back.attempts().is_empty());
    assert_eq!(back.outcome(), None);
    assert_eq!(back.state().legs.len(), 1);
    let moves: Vec<&Move> = back.state().legs[0]
        .events
        .iter()
        .map(|e| &e.step)
        .collect();
    assert!(matches!(
        moves.as_slice(),
        [.., Move::ContinueIn { .. }, Move::Back]
    ));
    // Learning reads it as not continued: the part is open again.
    let records = crate::learn::Record::of(back.state());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].end, None);
    assert_eq!(records[0].answers.len(), 3);
    // A session that did not just go on cannot cross back.
    assert!(matches!(
        Session::back_across(
            subject(article("sspr-0029")),
            back.into_state(),
            Timestamp(4)
        ),
        Err(SessionError::NothingToCrossBack)
    ));
    // Once a move is made in the new article, Back undoes that move instead.
    let mut session = Session::start(subject(article("sspr-0029")), &facts, Timestamp(0)).unwrap();
    session.continue_in(&target, Timestamp(1)).unwrap();
    let mut there = Session::restore(
        subject(article(target.as_str())),
        session.into_state(),
        Timestamp(2),
    )
    .unwrap();
    let Next::Ask { question } = there.next().unwrap() else {
        panic!("a question first")
    };
    there
        .answer(&question, Given::Unknown, Timestamp(3))
        .unwrap();
    assert_eq!(there.back_crosses_to(), None);
}

#[test]
fn the_planner_expects_fewer_questions_as_answers_come_in() {
    let mut session =
        Session::start(subject(article("sspr-0029")), &Facts::new(), Timestamp(0)).unwrap();
    let at_start = session.expected_questions().unwrap();
    // The first question splits off the by-design cause; more may follow.
    assert!((1.0..5.0).contains(&at_start), "{at_start}");
    session
        .answer(&q("protected-admin"), no(), Timestamp(1))
        .unwrap();
    let after_one = session.expected_questions().unwrap();
    assert!(
        after_one >= 1.0 && after_one < at_start,
        "{after_one} vs {at_start}"
    );
    // Yes to the first question leaves the by-design cause alone: no question is next.
    let mut settled =
        Session::start(subject(article("sspr-0029")), &Facts::new(), Timestamp(0)).unwrap();
    settled
        .answer(&q("protected-admin"), yes(), Timestamp(1))
        .unwrap();
    assert_eq!(settled.expected_questions().unwrap(), 0.0);
}
