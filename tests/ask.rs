//! `fixpath ask`: driven through piped stdin, and once through a real pseudo-terminal.

use crate::assert_run_snapshot;
use crate::util::{fixpath_with_stdin, repo_root};

#[test]
fn piped_session_reaches_the_fix_and_prints_the_transcript() {
    // protected-admin: No; event 6329: Yes; RestrictRemoteSam: Yes; keep policy: No; fixed: Yes.
    let run = fixpath_with_stdin(&["ask", "SSPR_0029"], "2\n1\n1\n2\n1\n");
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("Outcome: **fixed**"), "{run}");
    assert_run_snapshot!("fixed", run.to_string());
}

#[test]
fn help_back_and_dont_know_in_a_piped_session() {
    // ? shows help; 2 = No; b goes back to protected-admin; 2 = No again; 0 = don't know on
    // event 6329; then 1 (RestrictRemoteSam yes), fix choices, and "No" to every fix.
    let input = "?\n2\nb\n2\n0\n1\n2\n2\n2\n2\n2\n2\n";
    let run = fixpath_with_stdin(&["ask", "sspr-0029"], input);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains("Protected groups are listed in"),
        "help was shown: {run}"
    );
    assert!(run.stdout.contains("**Don't know**"), "{run}");
    assert!(run.stdout.contains("Escalation note"), "{run}");
    assert_run_snapshot!("escalated", run.to_string());
}

#[test]
fn end_of_input_mid_session_is_a_clean_exit() {
    let run = fixpath_with_stdin(&["ask", "SSPR_0029"], "2\n");
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("Input ended before the questions were answered."),
        "{run}"
    );
    assert!(run.stdout.contains("Outcome: **incomplete**"), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
}

#[test]
fn no_argument_asks_what_the_problem_is_and_offers_a_pick_list() {
    let run = fixpath_with_stdin(&["ask"], "password writeback\n1\n1\n");
    assert!(run.stderr.contains("What is the problem?"), "{run}");
    assert!(run.stderr.contains("Which article fits?"), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
}

#[test]
fn transcript_file_and_json_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.json");
    let run = fixpath_with_stdin(
        &[
            "ask",
            "SSPR_0029",
            "--format",
            "json",
            "--transcript",
            path.to_str().unwrap(),
        ],
        "1\n",
    );
    assert_eq!(run.code, 0, "by design counts as answered: {run}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, run.stdout);
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(value["transcript"]["outcome"], "fixed");
    assert_eq!(
        value["transcript"]["path"]["cause"]["id"],
        "protected-admin-account"
    );
    assert_eq!(value["transcript"]["path"]["checked"][0]["answer"], "yes");
}

/// `fixpath ask SSPR_0029` in a pseudo-terminal, as an agent would run it.
fn ask_in_a_terminal() -> rexpect::session::PtySession {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fixpath"));
    command
        .args(["ask", "SSPR_0029"])
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("FIXPATH_KB");
    rexpect::session::spawn_command(command, Some(20_000)).expect("spawn fixpath in a pty")
}

/// Sends keys to the terminal now (rexpect buffers until flushed).
fn press(session: &mut rexpect::session::PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

#[test]
fn arrow_keys_work_on_a_real_terminal() {
    let mut session = ask_in_a_terminal();
    const DOWN: &str = "\x1b[B";
    // Wait for each menu to be drawn (its help line comes last) before pressing keys.
    let menu = "esc to go back]";
    session.exp_string("protected group").unwrap();
    session.exp_string(menu).unwrap();
    // Down to "No", Enter.
    press(&mut session, DOWN);
    press(&mut session, "\r");
    session.exp_string("Application").unwrap();
    session.exp_string(menu).unwrap();
    // "Yes" is first: Enter.
    press(&mut session, "\r");
    session.exp_string("RestrictRemoteSam").unwrap();
    session.exp_string(menu).unwrap();
    press(&mut session, "\r");
    session.exp_string("keep the policy").unwrap();
    session.exp_string(menu).unwrap();
    // Down to "No, remove the policy".
    press(&mut session, DOWN);
    press(&mut session, "\r");
    // The fix reads as formatted text on a terminal: no Markdown markers, links as text.
    let fix = session.exp_string("Did this fix it?").unwrap();
    assert!(fix.contains("Remove-ItemProperty"), "{fix}");
    assert!(fix.contains("Solution 2: Remove"), "{fix}");
    assert!(!fix.contains("**"), "bold markers on a terminal: {fix}");
    assert!(!fix.contains("]("), "raw links on a terminal: {fix}");
    session.exp_string(menu).unwrap();
    press(&mut session, "\r");
    session.exp_string("Outcome: **fixed**").unwrap();
    session.exp_eof().unwrap();
}

#[test]
fn render_on_a_terminal_is_formatted_and_paged_and_plain_when_asked() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fixpath"));
    command
        .args(["render", "sspr-0029"])
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("PAGER", "cat")
        .env_remove("FIXPATH_KB");
    let mut session = rexpect::session::spawn_command(command, Some(20_000)).unwrap();
    let text = session.exp_eof().unwrap();
    assert!(text.contains("Remove-ItemProperty"), "{text}");
    assert!(!text.contains("**"), "bold markers on a terminal: {text}");
    assert!(!text.contains("[!NOTE]"), "{text}");
    assert!(text.contains("Note:"), "notes read as callouts: {text}");
    // --format md stays Markdown, terminal or not.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fixpath"));
    command
        .args(["render", "sspr-0029", "--format", "md"])
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env_remove("FIXPATH_KB");
    let mut session = rexpect::session::spawn_command(command, Some(20_000)).unwrap();
    let text = session.exp_eof().unwrap();
    assert!(text.contains("**Network access"), "{text}");
}

#[test]
fn ctrl_c_on_a_terminal_exits_cleanly_with_the_transcript_so_far() {
    let mut session = ask_in_a_terminal();
    session.exp_string("esc to go back]").unwrap();
    press(&mut session, "\x03");
    session.exp_string("Outcome: **interrupted**").unwrap();
    session.exp_eof().unwrap();
}

#[test]
fn known_facts_start_the_session_and_other_answers_can_be_given_at_any_prompt() {
    // The ticket says Event ID 6329 was logged; the first prompt is then the registry
    // question. At it, "o" answers another open question instead (protected admin: No),
    // then RestrictRemoteSam: Yes, keep the policy: Yes, fixed: Yes.
    let run = fixpath_with_stdin(
        &["ask", "SSPR_0029", "--fact", "event-6329-access-denied=yes"],
        "o\n1\n2\n1\n1\n1\n",
    );
    assert_eq!(run.code, 0, "{run}");
    let first_prompt = run
        .stderr
        .lines()
        .find(|l| l.ends_with('?'))
        .unwrap_or_default();
    assert!(
        first_prompt.contains("RestrictRemoteSam"),
        "the known fact is not asked again: {run}"
    );
    assert!(
        run.stderr.contains("Which do you know the answer to?"),
        "{run}"
    );
    assert!(run.stdout.contains("Outcome: **fixed**"), "{run}");
    assert!(
        run.stdout
            .contains("Add the AD DS Connector account to the list of allowed users"),
        "{run}"
    );
    assert_run_snapshot!("known_facts_and_other_answers", run.to_string());
}

#[test]
fn a_fix_that_did_not_work_is_evidence_and_facts_files_start_sessions_too() {
    let facts = crate::util::fixture("solve/dc-workaround.json");
    // The file says: not a protected admin, no 6329, Connect on a DC: the workaround comes
    // first; it does not help (2), so the solution is offered next, and works (1).
    let run = fixpath_with_stdin(
        &["ask", "SSPR_0029", "--facts", facts.to_str().unwrap()],
        "2\n1\n",
    );
    assert_eq!(run.code, 0, "{run}");
    let workaround = run
        .stderr
        .find("Target a different Active Directory domain controller");
    let solution = run
        .stderr
        .find("Resolve Active Directory permission issues");
    assert!(workaround.is_some() && solution.is_some(), "{run}");
    assert!(workaround < solution, "{run}");
    assert!(run.stdout.contains("did not fix it"), "{run}");
}

#[test]
fn facts_about_unknown_questions_are_refused_before_the_first_prompt() {
    let run = fixpath_with_stdin(&["ask", "SSPR_0029", "--fact", "plugged-in=yes"], "");
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("is not a question of sspr-0029"),
        "{run}"
    );
}

#[test]
fn a_fix_that_points_to_another_article_continues_the_session_there() {
    // Not a protected admin, no 6329, not on a DC: "Resolve Active Directory permission
    // issues" sends the agent to the access-rights article: option 3 continues there. Its
    // questions are then answered (all "Yes" but the user object: "No") and its fix works.
    let input = "2\n2\n2\n3\n1\n1\n1\n2\n1\n1\n1\n1\n1\n1\n";
    let run = fixpath_with_stdin(&["ask", "SSPR_0029", "--format", "json"], input);
    assert!(
        run.stderr.contains(
            "3) Continue in: Troubleshoot password writeback access rights and permissions"
        ),
        "{run}"
    );
    assert!(
        run.stderr.contains(
            "Continuing in: Troubleshoot password writeback access rights and permissions"
        ),
        "{run}"
    );
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["article"]["id"], "sspr-0029");
    assert_eq!(value["transcript"]["outcome"], "continued");
    assert_eq!(
        value["transcript"]["continued_in"]["id"],
        "password-writeback-access-rights-permissions"
    );
    assert_eq!(
        value["transcript"]["tried"][0]["remedy_id"],
        "resolve-ad-permissions"
    );
    let next = &value["continued"][0];
    assert_eq!(
        next["article"]["id"],
        "password-writeback-access-rights-permissions"
    );
    assert!(
        next["transcript"]["path"]["checked"]
            .as_array()
            .unwrap()
            .len()
            >= 2,
        "{run}"
    );
    // The text transcript records both articles, one after the other.
    let text = fixpath_with_stdin(&["ask", "SSPR_0029"], input);
    assert!(text.stdout.contains("## Continued in"), "{text}");
    assert!(
        text.stdout
            .contains("# Troubleshooting transcript: Troubleshoot password writeback access rights and permissions"),
        "{text}"
    );
}

#[test]
fn a_session_kept_in_a_file_is_picked_up_in_a_new_process() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("call.json");
    let file = file.to_str().unwrap();
    // The whole walk in one go: not an admin, 6329 yes, RestrictRemoteSam yes, remove the
    // policy, and that fixed it.
    let whole = fixpath_with_stdin(&["ask", "SSPR_0029"], "2\n1\n1\n2\n1\n");
    assert_eq!(whole.code, 0, "{whole}");
    // The same walk, cut off after two answers (the call dropped), then picked up again.
    let first = fixpath_with_stdin(&["ask", "SSPR_0029", "--session", file], "2\n1\n");
    assert_eq!(first.code, 1, "{first}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let events = saved["legs"][0]["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "every answer is kept: {saved:#}");
    assert!(events.iter().all(|e| e["at"].as_i64().unwrap() > 0));
    let second = fixpath_with_stdin(&["ask", "--session", file], "1\n2\n1\n");
    assert_eq!(second.code, 0, "{second}");
    assert!(second.stderr.contains("Resuming the session"), "{second}");
    // The next question asked is where the first process stopped.
    assert!(
        second
            .stderr
            .contains("still have the **RestrictRemoteSam** registry entry"),
        "{second}"
    );
    assert_eq!(second.stdout, whole.stdout, "the same transcript");
    // An ended session, picked up again, prints its transcript and asks nothing.
    let again = fixpath_with_stdin(&["ask", "--session", file, "--format", "json"], "");
    assert_eq!(again.code, 0, "{again}");
    let json: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(json["transcript"]["outcome"], "fixed");
}

#[test]
fn a_session_saved_against_an_older_version_of_the_article_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    std::fs::create_dir(&kb).unwrap();
    for name in [
        "sspr-0029.yaml",
        "password-writeback-access-rights-permissions.yaml",
    ] {
        std::fs::copy(repo_root().join("kb").join(name), kb.join(name)).unwrap();
    }
    let kb = kb.to_str().unwrap();
    let file = temp.path().join("call.json");
    let file = file.to_str().unwrap();
    let first = fixpath_with_stdin(&["--kb", kb, "ask", "SSPR_0029", "--session", file], "2\n");
    assert_eq!(first.code, 1, "{first}");
    let article = temp.path().join("kb/sspr-0029.yaml");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replacen("Event ID 6329", "event 6329", 1)).unwrap();
    let second = fixpath_with_stdin(&["--kb", kb, "ask", "--session", file], "1\n");
    assert_eq!(second.code, 2, "{second}");
    assert!(second.stderr.contains("has changed since"), "{second}");
    assert!(second.stderr.contains("start a new session"), "{second}");
}

/// Escalated on a draft after "don't know" to its which-cause shortcut: the note asks level 2
/// for what the checks look at, never for the diagnosis itself.
#[test]
fn an_escalation_note_never_asks_level_2_for_the_shortcut() {
    let run = fixpath_with_stdin(
        &["ask", "http-error-405-website"],
        "0\nno\nno\nno\n\n\n\n\n",
    );
    let transcript = run
        .stdout
        .split("# Troubleshooting transcript")
        .nth(1)
        .unwrap_or_default();
    assert!(transcript.contains("**Don't know**"), "{run}");
    assert!(transcript.contains("## Escalation note"), "{run}");
    let note = transcript.split("## Escalation note").nth(1).unwrap();
    assert!(
        !note.contains("Do you already know which of these it is?"),
        "{run}"
    );
}

#[test]
fn what_we_checked_reads_in_the_order_it_was_asked() {
    // The planner asks a check, then the shortcut, then another check: the transcript
    // lists them in that order, not in the graph's walking order (the shortcut last).
    let run = fixpath_with_stdin(
        &["ask", "dns-zones-do-not-load-event-4000-4007"],
        "0\n0\n1\n1\n",
    );
    let prompts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.ends_with('?') && !l.starts_with("- "))
        .filter(|l| !l.starts_with("Did this fix it"))
        .map(|l| l.trim_start_matches("> "))
        .collect();
    let checked: Vec<&str> = run
        .stdout
        .split("## What we checked")
        .nth(1)
        .unwrap_or_default()
        .split("## ")
        .next()
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(|l| l.split(" **").next().unwrap_or_default())
        .collect();
    assert_eq!(checked.len(), 3, "{run}");
    assert_eq!(checked, prompts[..3], "{run}");
    assert_eq!(
        checked[1], "Do you already know which of these it is?",
        "{run}"
    );
}

#[test]
fn an_escalation_note_never_claims_fixes_were_tried_when_the_article_offers_none() {
    // An imported article whose causes come with no fix: the check points to a cause,
    // nothing is left to try, and the note says the article offers no fix, not that
    // every fix was tried.
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("src");
    let kb = temp.path().join("kb");
    std::fs::create_dir_all(&source).unwrap();
    std::fs::write(
        source.join("relay-fails.md"),
        "# Relay fails\n\n## Symptoms\n\nMessages are not relayed.\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The relay service is stopped.\n- The relay port is blocked by the firewall.\n",
    )
    .unwrap();
    let import = crate::util::fixpath(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
    ]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let run = fixpath_with_stdin(
        &["ask", "--kb", kb.to_str().unwrap(), "relay-fails"],
        "0\n1\n",
    );
    let out = &run.stdout;
    assert!(out.contains("This article offers no fix"), "{out}");
    assert!(out.contains("the article offers no fix for it"), "{out}");
    assert!(!out.contains("Every fix this article offers"), "{out}");
    assert!(!out.contains("every fix for it was tried"), "{out}");
}
