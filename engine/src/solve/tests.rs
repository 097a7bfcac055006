use std::collections::BTreeSet;
use std::fmt::Write;

use super::*;
use crate::load::load_embedded;

fn sspr() -> Article {
    load_embedded().kb.get("sspr-0029").unwrap().article.clone()
}

/// Solves the seed with these facts and describes the outcome in a few lines.
fn check(facts: &[&str]) -> String {
    let article = sspr();
    let graph = DecisionGraph::build(&article);
    let resolution = match Facts::parse(facts.iter().copied())
        .and_then(|facts| solve(&article, &graph, &facts))
    {
        Ok(resolution) => resolution,
        Err(error) => return format!("error: {error}"),
    };
    describe(&resolution)
}

fn describe(resolution: &Resolution) -> String {
    let mut out = String::new();
    let path: Vec<String> = resolution
        .path
        .iter()
        .map(|s| format!("{}={}", s.question, s.answer.as_deref().unwrap_or("?")))
        .collect();
    writeln!(out, "path: {}", path.join(" ")).unwrap();
    for candidate in &resolution.candidates {
        let confirm: Vec<String> = candidate
            .confirm
            .iter()
            .map(|c| format!("{}={}", c.question, c.answer))
            .collect();
        let fixes: Vec<String> = candidate.remedies.iter().map(ToString::to_string).collect();
        let how = if candidate.remedies_chosen {
            "chosen"
        } else {
            "all"
        };
        writeln!(
            out,
            "cause: {} {:.0}% [{}] fixes({how}): {}",
            candidate.cause,
            candidate.probability * 100.0,
            confirm.join(" "),
            fixes.join(", ")
        )
        .unwrap();
    }
    if let Some(next) = &resolution.next {
        let outcomes: Vec<String> = next
            .outcomes
            .iter()
            .map(|(answer, causes)| {
                format!(
                    "{answer}→{}",
                    causes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("+")
                )
            })
            .collect();
        let kind = if next.chooses_fix {
            " (chooses fix)"
        } else {
            ""
        };
        writeln!(out, "next: {}{kind} {}", next.question, outcomes.join(" ")).unwrap();
    }
    match &resolution.action {
        Some(Action::Try { fix, expected_cost }) => {
            writeln!(out, "try: {} ({expected_cost:.1} min)", fix.remedy).unwrap()
        }
        Some(Action::Ask { expected_cost, .. }) => {
            writeln!(out, "ask ({expected_cost:.1} min)").unwrap()
        }
        None => writeln!(out, "nothing left").unwrap(),
    }
    if !resolution.unused.is_empty() {
        let unused: Vec<String> = resolution
            .unused
            .iter()
            .map(|s| s.question.to_string())
            .collect();
        writeln!(out, "unused: {}", unused.join(", ")).unwrap();
    }
    out.trim_end().to_owned()
}

#[test]
fn no_facts_asks_the_first_question_with_every_cause_open() {
    insta::assert_snapshot!(check(&[]), @"
    path: 
    cause: protected-admin-account 33% [protected-admin=yes] fixes(all): by-design-change-in-cloud
    cause: connector-permissions 33% [protected-admin=no event-6329-access-denied=no] fixes(all): resolve-ad-permissions, preferred-domain-controllers
    cause: remote-sam-restricted 33% [protected-admin=no event-6329-access-denied=yes restrict-remote-sam-present=yes] fixes(all): allow-connector-account, remove-sam-policy
    next: protected-admin yes→protected-admin-account no→connector-permissions+remote-sam-restricted
    ask (21.0 min)
    ");
}

#[test]
fn admin_who_used_to_be_in_a_protected_group_is_by_design() {
    insta::assert_snapshot!(check(&["protected-admin=yes"]), @"
    path: protected-admin=yes
    cause: protected-admin-account 100% [] fixes(all): by-design-change-in-cloud
    try: by-design-change-in-cloud (5.0 min)
    ");
}

#[test]
fn event_33004_without_6329_is_connector_permissions_then_asks_which_fix() {
    insta::assert_snapshot!(check(&["protected-admin=no", "event-6329-access-denied=no"]), @"
    path: protected-admin=no event-6329-access-denied=no
    cause: connector-permissions 100% [] fixes(all): resolve-ad-permissions, preferred-domain-controllers
    next: connect-on-dc-permissions-blocked (chooses fix) yes→connector-permissions no→connector-permissions
    ask (13.6 min)
    ");
}

#[test]
fn connect_on_a_domain_controller_gets_the_workaround() {
    insta::assert_snapshot!(check(&["protected-admin=no", "event-6329-access-denied=no", "connect-on-dc-permissions-blocked=yes"]), @"
    path: protected-admin=no event-6329-access-denied=no connect-on-dc-permissions-blocked=yes
    cause: connector-permissions 100% [] fixes(chosen): preferred-domain-controllers
    try: preferred-domain-controllers (19.2 min)
    ");
    insta::assert_snapshot!(check(&["protected-admin=no", "event-6329-access-denied=no", "connect-on-dc-permissions-blocked=no"]), @"
    path: protected-admin=no event-6329-access-denied=no connect-on-dc-permissions-blocked=no
    cause: connector-permissions 100% [] fixes(chosen): resolve-ad-permissions
    try: resolve-ad-permissions (5.9 min)
    ");
}

#[test]
fn restrict_remote_sam_still_present_after_the_gpo_was_disabled() {
    let facts = [
        "protected-admin=no",
        "event-6329-access-denied=yes",
        "restrict-remote-sam-present=yes",
        "keep-sam-policy=no",
    ];
    insta::assert_snapshot!(check(&facts), @"
    path: protected-admin=no event-6329-access-denied=yes restrict-remote-sam-present=yes keep-sam-policy=no
    cause: remote-sam-restricted 100% [] fixes(chosen): remove-sam-policy
    try: remove-sam-policy (23.9 min)
    ");
    let facts = [
        "protected-admin=no",
        "event-6329-access-denied=yes",
        "restrict-remote-sam-present=yes",
        "keep-sam-policy=yes",
    ];
    insta::assert_snapshot!(check(&facts), @"
    path: protected-admin=no event-6329-access-denied=yes restrict-remote-sam-present=yes keep-sam-policy=yes
    cause: remote-sam-restricted 100% [] fixes(chosen): allow-connector-account
    try: allow-connector-account (20.1 min)
    ");
}

#[test]
fn dont_know_leaves_every_cause_open_and_says_what_would_confirm_each() {
    insta::assert_snapshot!(check(&["protected-admin=no", "event-6329-access-denied=unknown"]), @"
    path: protected-admin=no event-6329-access-denied=?
    cause: connector-permissions 50% [event-6329-access-denied=no] fixes(all): resolve-ad-permissions, preferred-domain-controllers
    cause: remote-sam-restricted 50% [event-6329-access-denied=yes restrict-remote-sam-present=yes] fixes(all): allow-connector-account, remove-sam-policy
    next: restrict-remote-sam-present yes→connector-permissions+remote-sam-restricted no→connector-permissions
    ask (23.7 min)
    ");
}

#[test]
fn answers_are_matched_loosely_but_validated_strictly() {
    insta::assert_snapshot!(check(&["protected-admin=Y"]), @"
    path: protected-admin=yes
    cause: protected-admin-account 100% [] fixes(all): by-design-change-in-cloud
    try: by-design-change-in-cloud (5.0 min)
    ");
    insta::assert_snapshot!(check(&["protected-admin=maybe"]), @"error: `maybe` is not an answer to `protected-admin`; its answers are: yes, no, unknown");
    insta::assert_snapshot!(check(&["is-it-plugged-in=yes"]), @"error: `is-it-plugged-in` is not a question of sspr-0029; its questions are: protected-admin, event-6329-access-denied, restrict-remote-sam-present, keep-sam-policy, connect-on-dc-permissions-blocked");
}

#[test]
fn a_fact_only_another_branch_asks_is_unused_not_a_contradiction() {
    insta::assert_snapshot!(check(&["protected-admin=yes", "event-6329-access-denied=yes"]), @"
    path: protected-admin=yes
    cause: protected-admin-account 100% [] fixes(all): by-design-change-in-cloud
    try: by-design-change-in-cloud (5.0 min)
    unused: event-6329-access-denied
    ");
    insta::assert_snapshot!(check(&["protected-admin=yes", "protected-admin=no"]), @"error: `protected-admin` was answered both `yes` and `no`");
    assert_eq!(
        Facts::parse(["protected-admin"]).unwrap_err(),
        SolveError::Malformed("protected-admin".into())
    );
}

#[test]
fn each_cause_is_reached_with_the_fewest_questions_the_graph_allows() {
    let article = sspr();
    let graph = DecisionGraph::build(&article);
    let mut report = String::new();
    for (cause, facts) in [
        ("protected-admin-account", vec!["protected-admin=yes"]),
        (
            "connector-permissions",
            vec!["protected-admin=no", "event-6329-access-denied=no"],
        ),
        (
            "remote-sam-restricted",
            vec![
                "protected-admin=no",
                "event-6329-access-denied=yes",
                "restrict-remote-sam-present=yes",
            ],
        ),
    ] {
        let resolution = solve(&article, &graph, &Facts::parse(facts).unwrap()).unwrap();
        assert_eq!(resolution.cause().unwrap().cause.as_str(), cause);
        let minimum = graph.min_questions_to(&NodeId(cause.into())).unwrap();
        assert_eq!(resolution.path.len(), minimum, "{cause}");
        writeln!(report, "{cause}: {minimum}").unwrap();
    }
    insta::assert_snapshot!(report, @r"
    protected-admin-account: 1
    connector-permissions: 2
    remote-sam-restricted: 3
    ");
}

/// Every answer of every open question, taken in walking order until none is open: the
/// causes and fixes left at each end.
fn enumerate(article: &Article) -> (BTreeSet<String>, usize) {
    let graph = DecisionGraph::build(article);
    let network = Network::new(article, &graph);
    let mut reached = BTreeSet::new();
    let mut stack = vec![Facts::new()];
    let mut runs = 0;
    while let Some(facts) = stack.pop() {
        runs += 1;
        assert!(runs < 100_000, "{}: too many fact sets", article.id);
        let resolution = network.solve(&facts).unwrap();
        match resolution.open.first() {
            Some(open) => {
                let question = article.question(open).unwrap();
                for answer in &question.answers {
                    let mut more = facts.clone();
                    more.set(question.id.clone(), Given::Answer(answer.value.clone()));
                    stack.push(more);
                }
            }
            None => {
                assert!(
                    !resolution.candidates.is_empty(),
                    "{}: {facts:?} ends with no cause",
                    article.id
                );
                for candidate in &resolution.candidates {
                    reached.insert(candidate.cause.to_string());
                    reached.extend(candidate.remedies.iter().map(ToString::to_string));
                }
            }
        }
    }
    (reached, runs)
}

#[test]
fn every_cause_and_fix_of_every_kb_article_is_reachable_by_some_facts() {
    let mut walked = 0;
    for entry in &load_embedded().kb.articles {
        let article = &entry.article;
        if article.entry.is_none() {
            // Informational articles (notices, summaries) have nothing to solve.
            assert!(
                article.causes.is_empty(),
                "{}: causes but no entry",
                article.id
            );
            continue;
        }
        walked += 1;
        let (reached, _) = enumerate(article);
        let all: BTreeSet<String> = article
            .causes
            .iter()
            .map(|c| c.id.to_string())
            .chain(
                article
                    .solutions
                    .iter()
                    .chain(&article.workarounds)
                    .map(|r| r.id.to_string()),
            )
            .collect();
        let missing: Vec<&String> = all.difference(&reached).collect();
        assert!(
            missing.is_empty(),
            "{}: never reached: {missing:?}",
            article.id
        );
    }
    assert!(walked >= 150, "only {walked} articles walked");
}

#[test]
fn session_goes_back_without_wiping_later_answers() {
    let article = sspr();
    let mut session = Session::new(&article);
    let q = |id: &str| NodeId(id.to_owned());
    session
        .answer(&q("protected-admin"), Given::Answer("no".into()))
        .unwrap();
    session
        .answer(&q("event-6329-access-denied"), Given::Answer("yes".into()))
        .unwrap();
    session
        .answer(
            &q("restrict-remote-sam-present"),
            Given::Answer("yes".into()),
        )
        .unwrap();
    assert_eq!(
        session.current_question().unwrap(),
        Some(q("keep-sam-policy"))
    );
    // Back twice: to restrict-remote-sam-present, then to event-6329-access-denied.
    assert_eq!(
        session.back().unwrap(),
        Some(q("restrict-remote-sam-present"))
    );
    assert_eq!(session.back().unwrap(), Some(q("event-6329-access-denied")));
    assert_eq!(
        session.current_question().unwrap(),
        Some(q("event-6329-access-denied"))
    );
    // Answer it the same way: the later answer still applies and is not asked again.
    session
        .answer(&q("event-6329-access-denied"), Given::Answer("yes".into()))
        .unwrap();
    assert_eq!(
        session.current_question().unwrap(),
        Some(q("keep-sam-policy"))
    );
    // Change it: the RestrictRemoteSam answer no longer applies, but is kept.
    session.back().unwrap();
    session.back().unwrap();
    session
        .answer(&q("event-6329-access-denied"), Given::Answer("no".into()))
        .unwrap();
    let state = session.state().unwrap();
    assert_eq!(state.cause().unwrap().cause, q("connector-permissions"));
    assert!(
        session
            .facts()
            .get(&q("restrict-remote-sam-present"))
            .is_some()
    );
    // Back at the very start there is nothing before the first question.
    let mut fresh = Session::new(&article);
    assert_eq!(fresh.back().unwrap(), None);
    assert!(
        fresh
            .answer(&q("protected-admin"), Given::Answer("perhaps".into()))
            .is_err()
    );
}

#[test]
fn a_fix_choosing_question_is_asked_before_the_cause_is_certain_when_it_is_cheaper() {
    // RestrictRemoteSam present makes cause 3 likely (75%); choosing its fix first is cheaper
    // than trying the other cause's fixes.
    insta::assert_snapshot!(check(&["protected-admin=no", "event-6329-access-denied=unknown", "restrict-remote-sam-present=yes"]), @"
    path: protected-admin=no event-6329-access-denied=? restrict-remote-sam-present=yes
    cause: remote-sam-restricted 75% [event-6329-access-denied=yes] fixes(all): allow-connector-account, remove-sam-policy
    cause: connector-permissions 25% [event-6329-access-denied=no] fixes(all): resolve-ad-permissions, preferred-domain-controllers
    next: connect-on-dc-permissions-blocked (chooses fix) yes→connector-permissions+remote-sam-restricted no→connector-permissions+remote-sam-restricted
    ask (26.9 min)
    ");
}
