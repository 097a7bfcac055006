//! Issue #27, drafts that ask: imported multi-cause drafts ask checks, `ask` reaches the
//! cause the answers point to, `check` lists what import drafted, and the drafted checks
//! meet their figures on the causes gold set.

use crate::assert_run_snapshot;
use crate::util::{corpus, fixpath, fixpath_with_stdin, repo_root};

use fixpath::model::{Article, NodeId};
use fixpath::session::{Next, Session, Subject, Timestamp};
use fixpath::solve::{Facts, Given};

/// The answers an agent facing `cause` gives, as `ask` numbers them on piped stdin: the
/// which-cause menu "don't know" (the agent does not know the diagnosis), each check
/// answered truthfully (the answer that leads to the cause, or on to the next check), each
/// fix of another cause "No", the cause's fix "Yes". The session that decides
/// the order is the engine's, the same one `ask` drives.
fn piped_answers(article: &Article, cause: &NodeId) -> (String, Vec<NodeId>) {
    let mut session = Session::start(Subject::alone(article), &Facts::new(), Timestamp(0)).unwrap();
    let mut lines = Vec::new();
    let mut asked = Vec::new();
    for _ in 0..50 {
        match session.next().unwrap() {
            Next::Ask { question } if question.as_str() == "which-cause" => {
                lines.push("0".to_owned());
                session
                    .answer(&question, Given::Unknown, Timestamp(0))
                    .unwrap();
            }
            Next::Ask { question } => {
                let q = article.question(&question).unwrap();
                let to_cause = q
                    .answers
                    .iter()
                    .position(|a| a.goto.as_ref() == Some(cause));
                let onward = q.answers.iter().position(|a| {
                    a.goto
                        .as_ref()
                        .is_some_and(|g| article.question(g).is_some())
                });
                let index = to_cause.or(onward).unwrap_or(0);
                lines.push((index + 1).to_string());
                session
                    .answer(
                        &question,
                        Given::Answer(q.answers[index].value.clone()),
                        Timestamp(0),
                    )
                    .unwrap();
                asked.push(question);
            }
            Next::Try { remedy, .. } => {
                let own = article.cause(cause).unwrap();
                let works = own.solutions.contains(&remedy) || own.workarounds.contains(&remedy);
                lines.push(if works { "1" } else { "2" }.to_owned());
                session.fix_outcome(&remedy, works, Timestamp(0)).unwrap();
                if works {
                    break;
                }
            }
            _ => break,
        }
    }
    (lines.join("\n") + "\n", asked)
}

#[test]
fn issue_27_ask_on_three_multi_cause_drafts_reaches_the_cause_the_answers_point_to() {
    let loaded = fixpath::load::load_embedded();
    for (id, cause) in [
        ("availability-replica-is-disconnected", "cause-1"),
        ("boot-error-status-not-found", "cause-2"),
        ("publish-license-error", "cause-4"),
    ] {
        let article = &loaded.kb.get(id).unwrap().article;
        assert_eq!(article.status, fixpath::model::Status::Draft);
        let cause = NodeId(cause.to_owned());
        let (input, asked) = piped_answers(article, &cause);
        // The draft asks its checks, not (only) the menu.
        assert!(
            asked.iter().any(|q| q.as_str() != "which-cause"),
            "{id}: asked {asked:?}"
        );
        let run = fixpath_with_stdin(&["ask", id, "--format", "json"], &input);
        assert_eq!(run.code, 0, "{id}: {run}");
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(value["transcript"]["outcome"], "fixed", "{id}: {run}");
        // The fix that worked is the cause's own.
        let tried = value["transcript"]["tried"].as_array().unwrap();
        let worked: Vec<&str> = tried
            .iter()
            .filter(|t| t["fixed"] == true)
            .map(|t| t["remedy_id"].as_str().unwrap())
            .collect();
        let own = article.cause(&cause).unwrap();
        assert_eq!(worked.len(), 1, "{id}: {run}");
        assert!(
            own.solutions
                .iter()
                .chain(&own.workarounds)
                .any(|r| r.as_str() == worked[0]),
            "{id}: {run}"
        );
        // The checks answered so far leave the cause the answers point to first.
        let facts: Vec<String> = value["transcript"]["path"]["checked"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c["answer"].is_null())
            .map(|c| {
                format!(
                    "{}={}",
                    c["question_id"].as_str().unwrap(),
                    c["answer"].as_str().unwrap()
                )
            })
            .collect();
        let mut args = vec!["solve", id, "--format", "json"];
        for fact in &facts {
            args.extend(["-f", fact.as_str()]);
        }
        let solved = fixpath(&args);
        let solved: serde_json::Value = serde_json::from_str(&solved.stdout).unwrap();
        assert_eq!(
            solved["path"]["candidates"][0]["cause"]["id"],
            cause.as_str(),
            "{id}: {facts:?}"
        );
    }
}

#[test]
fn issue_27_drafted_checks_of_three_articles() {
    // The YAML `import` writes for three multi-cause articles: checks worded from each
    // cause, help quoting the article, costs, and the menu last.
    for file in [
        "entra/cannot-run-scripts-powershell.md",
        "developer/http-error-405-website.md",
        "azure/azure-vm-netlogon-not-starting.md",
    ] {
        let run = fixpath(&["import", corpus().join(file).to_str().unwrap()]);
        assert_eq!(run.code, 0, "{run}");
        let name = file.rsplit('/').next().unwrap().trim_end_matches(".md");
        assert_run_snapshot!(format!("draft_{name}"), run.stdout);
    }
}

#[test]
fn issue_27_check_lists_what_import_drafted_and_a_reimport_keeps_a_writers_edit() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let source = corpus().join("entra/cannot-run-scripts-powershell.md");
    let run = fixpath(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
    let listed = |kb: &std::path::Path| -> Vec<(String, String)> {
        let run = fixpath(&["check", kb.to_str().unwrap(), "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        value["generated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["kind"].as_str().unwrap().to_owned(),
                    g["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let drafted = listed(&kb);
    assert!(
        drafted.contains(&("question".to_owned(), "check-1".to_owned())),
        "{drafted:?}"
    );
    assert!(
        drafted.contains(&("question".to_owned(), "which-cause".to_owned())),
        "{drafted:?}"
    );
    let text = fixpath(&["check", kb.to_str().unwrap()]);
    assert!(text.stdout.contains("to review: 3 questions"), "{text}");
    // A writer accepts the first check: its mark goes, and `check` no longer lists it.
    let file = kb.join("cannot-run-scripts-powershell.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    let at = yaml.find("- id: check-1").unwrap();
    let mark = at + yaml[at..].find("  generated: true\n").unwrap();
    let edited = format!(
        "{}{}",
        &yaml[..mark],
        &yaml[mark + "  generated: true\n".len()..]
    );
    std::fs::write(&file, &edited).unwrap();
    let after = listed(&kb);
    assert!(
        !after.contains(&("question".to_owned(), "check-1".to_owned())),
        "{after:?}"
    );
    assert_eq!(after.len() + 1, drafted.len());
    // A re-import refreshes only untouched drafts: this one a writer edited stays.
    let again = fixpath(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
    ]);
    assert!(again.stderr.contains("kept-edited"), "{again}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
}

#[test]
fn issue_27_drafted_checks_meet_their_figures_on_the_shared_gold_set() {
    // Only the set the rules were written on: the unseen set is measured by `eval-import`.
    let report = fixpath_tools::eval_causes::run(
        &corpus(),
        &corpus().join("../includes"),
        &repo_root().join("tests/eval/causes-gold.tsv"),
        Some("shared"),
    )
    .unwrap();
    let shared = &report.sets["shared"];
    assert_eq!(shared.menu_only, 0, "{}", report.text);
    assert!(shared.drafts >= 20, "{}", report.text);
    let checked = shared.checked as f64 / shared.observable as f64;
    assert!(checked >= 0.85, "{checked}\n{}", report.text);
    let found = shared.found as f64 / shared.causes as f64;
    assert!(found >= 0.9, "{found}\n{}", report.text);
    assert_eq!(shared.fallback, 0, "{}", report.text);
}

#[test]
fn issue_27_the_fresh_held_out_sets_import_and_keep_their_figures() {
    // Sets from families the corpus does not hold, each measured once before any rule was
    // written from it: Exchange Online (0.739 checked at first, 0.870 since rules were
    // written from it), SharePoint Online (0.154 at first, 0.654 since) and Microsoft Teams
    // (0.233 at first, 1.000 since), Outlook (0.677 at first, 0.839 since), System Center
    // (0.414 at first, 0.931 since); Skype for Business (0.250 at first) is the held-out
    // one. The floors are today's figures, so a change that loses ground on any of them
    // fails here.
    for (articles, gold, set, causes, found, checked) in [
        (
            "tests/eval/fresh-corpus",
            "tests/eval/causes-gold-fresh.tsv",
            "fresh",
            24,
            21,
            20,
        ),
        (
            "tests/eval/fresh-corpus-2",
            "tests/eval/causes-gold-fresh-2.tsv",
            "fresh2",
            27,
            20,
            19,
        ),
        (
            "tests/eval/fresh-corpus-3",
            "tests/eval/causes-gold-fresh-3.tsv",
            "fresh3",
            30,
            30,
            29,
        ),
        (
            "tests/eval/fresh-corpus-4",
            "tests/eval/causes-gold-fresh-4.tsv",
            "fresh4",
            32,
            27,
            26,
        ),
        (
            "tests/eval/fresh-corpus-5",
            "tests/eval/causes-gold-fresh-5.tsv",
            "fresh5",
            31,
            30,
            27,
        ),
        (
            "tests/eval/fresh-corpus-6",
            "tests/eval/causes-gold-fresh-6.tsv",
            "fresh6",
            32,
            9,
            8,
        ),
    ] {
        let report = fixpath_tools::eval_causes::run(
            &repo_root().join(articles),
            &corpus().join("../includes"),
            &repo_root().join(gold),
            None,
        )
        .unwrap();
        let figures = &report.sets[set];
        assert_eq!(figures.causes, causes, "{}", report.text);
        assert_eq!(figures.menu_only, 0, "{}", report.text);
        assert!(figures.found >= found, "{}", report.text);
        assert!(figures.checked >= checked, "{}", report.text);
    }
}
