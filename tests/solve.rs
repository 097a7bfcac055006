//! `fixpath solve`: every branch of the seed from facts, as Markdown, JSON and HTML.

use crate::assert_run_snapshot;
use crate::util::{fixpath, fixture, repo_root, tree_digest};

/// Tickets as customers tell them: partial facts, in their order, some the tree would ask
/// only on another branch. A name, the facts, and the cause that must rank first.
const TICKETS: [(&str, &[&str], &str); 6] = [
    (
        "ticket_event_6329_seen_first",
        &["event-6329-access-denied=yes"],
        "remote-sam-restricted",
    ),
    (
        "ticket_registry_entry_found_admin_unknown",
        &["restrict-remote-sam-present=yes", "protected-admin=unknown"],
        "remote-sam-restricted",
    ),
    (
        "ticket_admin_plus_a_fact_from_another_branch",
        &["event-6329-access-denied=no", "protected-admin=yes"],
        "protected-admin-account",
    ),
    (
        "ticket_no_6329_no_registry_entry_backwards",
        &[
            "restrict-remote-sam-present=no",
            "event-6329-access-denied=no",
            "protected-admin=no",
        ],
        "connector-permissions",
    ),
    (
        "ticket_connect_on_dc_before_anything_else",
        &["connect-on-dc-permissions-blocked=yes"],
        "protected-admin-account",
    ),
    (
        "ticket_keep_policy_and_registry_entry",
        &["keep-sam-policy=yes", "restrict-remote-sam-present=yes"],
        "remote-sam-restricted",
    ),
];

#[test]
fn tickets_in_any_order_rank_the_causes_and_never_error() {
    for (name, facts, first) in TICKETS {
        let markdown = fixpath(&solve_args(facts, "md"));
        assert!(markdown.code <= 1, "{name}: {markdown}");
        assert!(markdown.stderr.is_empty(), "{name}: {markdown}");
        assert_run_snapshot!(format!("{name}.md"), markdown.stdout.clone());
        let json = fixpath(&solve_args(facts, "json"));
        let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let candidates = value["path"]["candidates"].as_array().unwrap();
        assert_eq!(candidates[0]["cause"]["id"], first, "{name}: {json}");
        let total: f64 = candidates
            .iter()
            .map(|c| c["probability"].as_f64().unwrap())
            .sum();
        assert!(
            (total - 1.0).abs() < 1e-3,
            "{name}: probabilities sum to {total}"
        );
        for pair in candidates.windows(2) {
            assert!(
                pair[0]["probability"].as_f64() >= pair[1]["probability"].as_f64(),
                "{name}: sorted by probability"
            );
        }
        assert_run_snapshot!(format!("{name}.json"), json.stdout);
    }
}

#[test]
fn a_fact_from_another_branch_is_reported_unused_not_refused() {
    let run = fixpath(&[
        "solve",
        "SSPR_0029",
        "-f",
        "protected-admin=yes",
        "-f",
        "event-6329-access-denied=yes",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["path"]["status"], "resolved");
    assert_eq!(
        value["path"]["unused"][0]["question_id"],
        "event-6329-access-denied"
    );
    let text = fixpath(&[
        "solve",
        "SSPR_0029",
        "-f",
        "protected-admin=yes",
        "-f",
        "event-6329-access-denied=yes",
    ]);
    assert!(
        text.stdout
            .contains("Not used (no remaining cause depends on it): event-6329-access-denied=yes"),
        "{text}"
    );
}

#[test]
fn facts_that_fit_no_cause_are_a_result_with_the_reasons_and_an_escalation_note() {
    let run = fixpath(&[
        "solve",
        "SSPR_0029",
        "-f",
        "protected-admin=yes",
        "--failed",
        "by-design-change-in-cloud",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stdout.contains("**No cause in this article fits**"),
        "{run}"
    );
    assert!(run.stdout.contains("## Ruled out"), "{run}");
    assert!(run.stdout.contains("## Escalation note"), "{run}");
    let json = fixpath(&[
        "solve",
        "SSPR_0029",
        "-f",
        "protected-admin=yes",
        "--failed",
        "by-design-change-in-cloud",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["path"]["status"], "no_cause");
    let excluded = value["path"]["excluded"].as_array().unwrap();
    assert_eq!(excluded.len(), 3, "{json}");
    assert_eq!(
        excluded[0]["by"][0]["failed_fix"],
        "by-design-change-in-cloud"
    );
    assert_eq!(excluded[1]["by"][0]["question_id"], "protected-admin");
}

/// The SSPR_0029 scenarios: a name, the facts, the cause and fix they must reach.
pub(crate) const SCENARIOS: [(&str, &[&str], &str, &str); 6] = [
    (
        "protected_admin",
        &["protected-admin=yes"],
        "protected-admin-account",
        "by-design-change-in-cloud",
    ),
    (
        "event_33004_without_6329",
        &[
            "protected-admin=no",
            "event-6329-access-denied=no",
            "connect-on-dc-permissions-blocked=no",
        ],
        "connector-permissions",
        "resolve-ad-permissions",
    ),
    (
        "connect_on_dc_cannot_fix_permissions",
        &[
            "protected-admin=no",
            "event-6329-access-denied=no",
            "connect-on-dc-permissions-blocked=yes",
        ],
        "connector-permissions",
        "preferred-domain-controllers",
    ),
    (
        "keep_policy_allow_connector",
        &[
            "protected-admin=no",
            "event-6329-access-denied=yes",
            "restrict-remote-sam-present=yes",
            "keep-sam-policy=yes",
        ],
        "remote-sam-restricted",
        "allow-connector-account",
    ),
    (
        "restrict_remote_sam_still_present_after_gpo_disabled",
        &[
            "protected-admin=no",
            "event-6329-access-denied=yes",
            "restrict-remote-sam-present=yes",
            "keep-sam-policy=no",
        ],
        "remote-sam-restricted",
        "remove-sam-policy",
    ),
    (
        "access_denied_without_restrict_remote_sam",
        &[
            "protected-admin=no",
            "event-6329-access-denied=yes",
            "restrict-remote-sam-present=no",
            "connect-on-dc-permissions-blocked=no",
        ],
        "connector-permissions",
        "resolve-ad-permissions",
    ),
];

fn solve_args<'a>(facts: &[&'a str], format: &'a str) -> Vec<&'a str> {
    let mut args = vec!["solve", "SSPR_0029", "--format", format];
    for fact in facts {
        args.push("--fact");
        args.push(fact);
    }
    args
}

#[test]
fn every_scenario_reaches_its_cause_and_fix_in_markdown_and_json() {
    for (name, facts, cause, remedy) in SCENARIOS {
        let markdown = fixpath(&solve_args(facts, "md"));
        assert_eq!(markdown.code, 0, "{name}: {markdown}");
        assert_run_snapshot!(format!("{name}.md"), markdown.stdout.clone());
        let json = fixpath(&solve_args(facts, "json"));
        assert_eq!(json.code, 0, "{name}: {json}");
        let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(value["path"]["status"], "resolved", "{name}");
        assert_eq!(value["path"]["cause"]["id"], cause, "{name}");
        let remedies: Vec<&str> = value["path"]["cause"]["remedies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(remedies, [remedy], "{name}");
        assert_run_snapshot!(format!("{name}.json"), json.stdout);
    }
}

#[test]
fn missing_facts_list_candidates_and_the_next_question() {
    let run = fixpath(&["solve", "sspr-0029", "--fact", "protected-admin=no"]);
    assert_eq!(run.code, 1, "undecided exits 1: {run}");
    assert_run_snapshot!("undecided", run.to_string());
    let json = fixpath(&[
        "solve",
        "sspr-0029",
        "--fact",
        "protected-admin=no",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["path"]["status"], "undecided");
    assert_eq!(value["path"]["next"]["id"], "event-6329-access-denied");
    assert_eq!(value["path"]["candidates"].as_array().unwrap().len(), 2);
}

#[test]
fn resolved_cause_with_a_fix_still_to_choose_exits_1_and_names_the_question() {
    let run = fixpath(&[
        "solve",
        "sspr-0029",
        "-f",
        "protected-admin=no",
        "-f",
        "event-6329-access-denied=no",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("## Next question"), "{run}");
    assert!(
        run.stdout
            .contains("Is Microsoft Entra Connect running on a domain controller"),
        "{run}"
    );
}

#[test]
fn facts_files_in_yaml_and_json() {
    let yaml = fixture("solve/remote-sam.yaml");
    let run = fixpath(&[
        "solve",
        "SSPR_0029",
        "--facts",
        yaml.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("\"remove-sam-policy\""));
    let json = fixture("solve/dc-workaround.json");
    let run = fixpath(&[
        "solve",
        "SSPR_0029",
        "--facts",
        json.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("\"preferred-domain-controllers\""));
}

#[test]
fn bad_facts_are_clear_errors() {
    let cases: [(&str, &[&str]); 5] = [
        (
            "unknown_fix",
            &["solve", "sspr-0029", "--failed", "reboot-it"],
        ),
        (
            "unknown_question",
            &["solve", "sspr-0029", "--fact", "plugged-in=yes"],
        ),
        (
            "unknown_answer",
            &["solve", "sspr-0029", "--fact", "protected-admin=maybe"],
        ),
        (
            "conflicting",
            &[
                "solve",
                "sspr-0029",
                "--fact",
                "protected-admin=yes",
                "--fact",
                "protected-admin=no",
            ],
        ),
        (
            "malformed",
            &["solve", "sspr-0029", "--fact", "protected-admin"],
        ),
    ];
    for (name, args) in cases {
        let run = fixpath(args);
        assert_eq!(run.code, 2, "{name}: {run}");
        assert!(run.stdout.is_empty(), "{name}: nothing on stdout: {run}");
        assert_run_snapshot!(format!("error_{name}"), run.stderr);
    }
}

#[test]
fn unknown_article_is_an_error() {
    let run = fixpath(&["solve", "zzqxvw"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no article matches `zzqxvw`"), "{run}");
    // Words that fit several articles equally are not guessed between.
    let run = fixpath(&["solve", "password writeback"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("could mean several articles"), "{run}");
}

#[test]
fn html_path_is_a_page_with_only_the_branch_that_applies() {
    let run = fixpath(&solve_args(SCENARIOS[4].1, "html"));
    assert_eq!(run.code, 0);
    let html = run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("What we checked"));
    assert!(html.contains("Remove-ItemProperty"));
    assert!(
        !html.contains("Only use preferred domain controllers"),
        "other branches stay out"
    );
    assert!(
        !html.contains("Edit Security"),
        "the other solution stays out"
    );
}

#[test]
fn a_fix_that_sends_the_reader_to_another_article_names_it() {
    let run = fixpath(&solve_args(SCENARIOS[1].1, "json"));
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let remedy = &value["path"]["cause"]["remedies"][0];
    assert_eq!(remedy["id"], "resolve-ad-permissions");
    assert_eq!(
        remedy["continues_in"][0]["id"], "password-writeback-access-rights-permissions",
        "{run}"
    );
    // In text, the link leads to the article's public page (the reviewed graph names it).
    let text = fixpath(&solve_args(SCENARIOS[1].1, "md"));
    assert!(
        text.stdout.contains("[Password Writeback access rights and permissions](<https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-access-rights-permissions>)"),
        "{text}"
    );
}

/// A command about one article reads that article's file as it is now, through the index:
/// an edit shows at once, a broken file elsewhere in the KB does not matter, and the KB is
/// left as it was.
#[test]
fn one_article_is_read_fresh_through_the_index() {
    let kb = tempfile::tempdir().unwrap();
    for name in [
        "sspr-0029.yaml",
        "password-writeback-access-rights-permissions.yaml",
    ] {
        std::fs::copy(repo_root().join("kb").join(name), kb.path().join(name)).unwrap();
    }
    let dir = kb.path().to_str().unwrap();
    let first = fixpath(&[
        "--kb",
        dir,
        "solve",
        "SSPR_0029",
        "-f",
        "protected-admin=yes",
    ]);
    assert_eq!(first.code, 0, "{first}");
    // Edited in place (the directory does not change, so the index is trusted as it is).
    let path = kb.path().join("sspr-0029.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("title: ", "title: Edited ", 1)).unwrap();
    std::fs::write(
        kb.path()
            .join("password-writeback-access-rights-permissions.yaml"),
        "id: [broken",
    )
    .unwrap();
    let before = tree_digest(kb.path());
    let edited = fixpath(&[
        "--kb",
        dir,
        "solve",
        "sspr-0029",
        "-f",
        "protected-admin=yes",
    ]);
    assert_eq!(edited.code, 0, "{edited}");
    assert!(edited.stdout.contains("Edited "), "{edited}");
    let graph = fixpath(&["--kb", dir, "graph", "sspr-0029", "--format", "mermaid"]);
    assert_eq!(graph.code, 0, "{graph}");
    assert_eq!(
        tree_digest(kb.path()),
        before,
        "read commands never write to the KB"
    );
    // `check` reads everything and finds the broken file.
    let check = fixpath(&["--kb", dir, "check"]);
    assert_eq!(check.code, 1, "{check}");
    assert!(
        check
            .stdout
            .contains("password-writeback-access-rights-permissions.yaml")
    );
}

/// A KB with no article says so, rather than that nothing matches.
#[test]
fn an_empty_kb_says_it_is_empty() {
    let kb = tempfile::tempdir().unwrap();
    let run = fixpath(&["--kb", kb.path().to_str().unwrap(), "solve", "sspr-0029"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("the KB has no articles"), "{run}");
}
