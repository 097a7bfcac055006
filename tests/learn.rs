//! `fixpath learn`: recorded terminal sessions teach a KB its priors; `solve` shows both.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::{Run, repo_root};

/// Runs `fixpath` with a data directory (the session store) and stdin.
fn run_in(data: &Path, args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_fixpath"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("FIXPATH_KB")
        .env("FIXPATH_DATA_DIR", data)
        .env("FIXPATH_CACHE_DIR", data.join("cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A work directory holding a copy of the default KB (`kb`) and a session store
/// directory (`data`), with the KB's path as an argument.
fn kb_copy() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
) {
    let work = tempfile::tempdir().unwrap();
    let kb = work.path().join("kb");
    let data = work.path().join("data");
    std::fs::create_dir_all(&kb).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    for entry in std::fs::read_dir(repo_root().join("kb")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, kb.join(path.file_name().unwrap())).unwrap();
    }
    let kb_arg = kb.display().to_string();
    (work, kb, data, kb_arg)
}

const REMOTE_SAM: [&str; 8] = [
    "-f",
    "protected-admin=no",
    "-f",
    "event-6329-access-denied=yes",
    "-f",
    "restrict-remote-sam-present=yes",
    "-f",
    "keep-sam-policy=no",
];

#[test]
fn forty_recorded_sessions_on_remote_sam_make_it_the_first_cause_and_solve_says_why() {
    let (_work, kb, data, kb_arg) = kb_copy();
    let solve = |extra: &[&str]| {
        let mut args = vec!["--kb", &kb_arg, "solve", "SSPR_0029", "--format", "json"];
        args.extend_from_slice(extra);
        run_in(&data, &args, "")
    };
    let before = solve(&[]);
    let before_md = run_in(&data, &["--kb", &kb_arg, "solve", "SSPR_0029"], "");
    let value: serde_json::Value = serde_json::from_str(&before.stdout).unwrap();
    assert_ne!(
        value["path"]["candidates"][0]["cause"]["id"],
        "remote-sam-restricted"
    );

    for _ in 0..40 {
        let mut args = vec!["--kb", kb_arg.as_str(), "ask", "SSPR_0029", "--record"];
        args.extend_from_slice(&REMOTE_SAM);
        // The facts lead to the fix; "1" says it worked.
        let run = run_in(&data, &args, "1\n");
        assert_eq!(run.code, 0, "{run}");
    }
    // What the sessions say, for a person, a script and a spreadsheet.
    let table = run_in(&data, &["stats"], "");
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table.stdout.contains("remote-sam-restricted (100%)"),
        "{table}"
    );
    let json = run_in(&data, &["stats", "--format", "json"], "");
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["articles"][0]["article"], "sspr-0029");
    assert_eq!(value["articles"][0]["resolved"], 40);
    let csv = run_in(&data, &["stats", "--format", "csv"], "");
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "a header row and one row per article: {csv}"
    );
    assert!(lines[0].starts_with("article,sessions,resolved,resolution_rate"));
    assert!(lines[1].starts_with("sspr-0029,40,40,1.0000,"), "{csv}");
    let later = run_in(&data, &["stats", "--since", "2999-01-01"], "");
    assert_eq!(later.code, 1, "nothing since then: {later}");
    let learned = run_in(&data, &["--kb", &kb_arg, "learn"], "");
    assert_eq!(learned.code, 0, "{learned}");
    assert!(
        learned.stdout.contains("Learned from 40 sessions"),
        "{learned}"
    );
    assert!(kb.join("learned.yaml").is_file());
    let text = std::fs::read_to_string(kb.join("learned.yaml")).unwrap();
    assert!(text.contains("remote-sam-restricted: 40"), "{text}");
    // The articles are never rewritten.
    assert_eq!(
        std::fs::read(kb.join("sspr-0029.yaml")).unwrap(),
        std::fs::read(repo_root().join("kb/sspr-0029.yaml")).unwrap()
    );

    let after = solve(&[]);
    let value: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    let first = &value["path"]["candidates"][0];
    assert_eq!(
        first["cause"]["id"], "remote-sam-restricted",
        "{}",
        after.stdout
    );
    let reason = first["prior"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("behind 40 of 40 finished sessions"),
        "{reason}"
    );
    assert!(
        first["prior"]["learned"].as_f64().unwrap() > first["prior"]["authored"].as_f64().unwrap()
    );
    assert!(value["path"]["learned"]["causes"]["remote-sam-restricted"].is_object());
    let markdown = run_in(&data, &["--kb", &kb_arg, "solve", "SSPR_0029"], "");
    assert!(
        markdown
            .stdout
            .contains("Learned: behind 40 of 40 finished sessions"),
        "{markdown}"
    );

    // --no-learned gives today's output, byte for byte.
    assert_eq!(solve(&["--no-learned"]).stdout, before.stdout);
    let plain = run_in(
        &data,
        &["--kb", &kb_arg, "--no-learned", "solve", "SSPR_0029"],
        "",
    );
    assert_eq!(plain.stdout, before_md.stdout);

    // check validates the file: clean now; impossible figures are errors.
    let checked = run_in(&data, &["check", &kb_arg], "");
    assert_eq!(checked.code, 0, "{checked}");
    std::fs::write(
        kb.join("learned.yaml"),
        text.replace("worked: 40", "worked: 90"),
    )
    .unwrap();
    let broken = run_in(&data, &["check", &kb_arg], "");
    assert_eq!(broken.code, 1, "{broken}");
    assert!(
        broken.stdout.contains("learned.yaml") || broken.stderr.contains("learned.yaml"),
        "{broken}"
    );
}

#[test]
fn learn_reads_transcript_files_and_needs_a_kb_directory() {
    let (work, kb, _, kb_arg) = kb_copy();
    let mut args = vec![
        "--kb",
        kb_arg.as_str(),
        "ask",
        "SSPR_0029",
        "--format",
        "json",
    ];
    args.extend_from_slice(&REMOTE_SAM);
    let transcript = run_in(work.path(), &args, "1\n");
    let value: serde_json::Value = serde_json::from_str(&transcript.stdout).unwrap();
    assert_eq!(
        value["record"]["legs"][0]["article"], "sspr-0029",
        "the transcript carries its record"
    );
    let file = work.path().join("t.json");
    std::fs::write(&file, &transcript.stdout).unwrap();
    let file_arg = file.display().to_string();
    let dry = run_in(
        work.path(),
        &["--kb", &kb_arg, "learn", "--dry-run", &file_arg],
        "",
    );
    assert_eq!(dry.code, 0, "{dry}");
    assert!(dry.stdout.contains("Learned from 1 sessions"), "{dry}");
    assert!(
        !kb.join("learned.yaml").exists(),
        "a dry run writes nothing"
    );
    let embedded = run_in(work.path(), &["learn", &file_arg], "");
    assert_eq!(embedded.code, 2, "{embedded}");
    assert!(embedded.stderr.contains("--kb DIR"), "{embedded}");
}

#[test]
fn problems_that_sessions_resolved_teach_search_the_words_agents_use() {
    use serde_json::json;
    let (work, _, _, kb_arg) = kb_copy();
    let db = format!("sqlite://{}", work.path().join("desk.sqlite").display());
    let problem = "staff portal rejects new passphrase with an on-prem config complaint";
    let search = || {
        let run = run_in(
            work.path(),
            &["--kb", &kb_arg, "search", problem, "--format", "json"],
            "",
        );
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
        value["results"]["hits"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_ne!(search(), "sspr-0029", "the words are not the article's");
    {
        let served = crate::serve::Served::start(&["--db", &db]);
        for _ in 0..3 {
            let session = served.start_session(&json!({"article": "sspr-0029", "problem": problem, "facts": {"protected-admin": "yes"}}));
            let remedy = session["live"]["step"]["remedy"].as_str().unwrap();
            served.step(
                session["id"].as_str().unwrap(),
                &json!({"move": "fix", "remedy": remedy, "fixed": true}),
            );
        }
    }
    let learned = run_in(work.path(), &["--kb", &kb_arg, "learn", "--db", &db], "");
    assert_eq!(learned.code, 0, "{learned}");
    assert!(
        learned.stdout.contains("1 problems typed as free text"),
        "{learned}"
    );
    // The index notices the learned file changed, and the words find the article now.
    assert_eq!(search(), "sspr-0029");
    let plain = run_in(
        work.path(),
        &["--kb", &kb_arg, "search", "SSPR_0029", "--format", "json"],
        "",
    );
    let value: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert_eq!(
        value["results"]["hits"][0]["id"], "sspr-0029",
        "codes still find their article"
    );
}

#[test]
fn a_problem_typed_at_the_prompt_of_a_recorded_session_is_learned_for_search() {
    let (work, kb, _, kb_arg) = kb_copy();
    let typed = "password writeback reset fails with an on-premises config error";
    // The problem at the prompt, the first article offered, and the fact that settles it.
    let run = run_in(
        work.path(),
        &[
            "--kb",
            &kb_arg,
            "ask",
            "--record",
            "-f",
            "protected-admin=yes",
        ],
        &format!("{typed}\n1\n"),
    );
    assert_eq!(run.code, 0, "{run}");
    let learned = run_in(work.path(), &["--kb", &kb_arg, "learn"], "");
    assert_eq!(learned.code, 0, "{learned}");
    let text = std::fs::read_to_string(kb.join("learned.yaml")).unwrap();
    assert!(text.contains(&format!("{typed}: 1")), "{text}");
}

#[test]
fn a_fix_that_often_fails_is_learned_and_the_planner_counts_it() {
    let (_work, kb, data, kb_arg) = kb_copy();
    // The facts pin remove-sam-policy: it works in 24 sessions; in 16 it does not, nor
    // does the other fix, and the session is escalated.
    for (runs, input) in [(24, "1\n"), (16, "2\n2\n")] {
        for _ in 0..runs {
            let mut args = vec!["--kb", kb_arg.as_str(), "ask", "SSPR_0029", "--record"];
            args.extend_from_slice(&REMOTE_SAM);
            run_in(&data, &args, input);
        }
    }
    let dry = run_in(&data, &["--kb", &kb_arg, "learn", "--dry-run"], "");
    assert_eq!(dry.code, 0, "{dry}");
    assert!(dry.stdout.contains("24 resolved, 16 escalated"), "{dry}");
    assert!(dry.stdout.contains("remove-sam-policy 100% → "), "{dry}");
    assert!(
        !kb.join("learned.yaml").exists(),
        "a dry run writes nothing"
    );
    let learned = run_in(&data, &["--kb", &kb_arg, "learn"], "");
    assert_eq!(learned.code, 0, "{learned}");
    let mut args = vec![
        "--kb",
        kb_arg.as_str(),
        "solve",
        "SSPR_0029",
        "--format",
        "json",
    ];
    args.extend_from_slice(&REMOTE_SAM);
    let solved = run_in(&data, &args, "");
    let value: serde_json::Value = serde_json::from_str(&solved.stdout).unwrap();
    let fix = &value["path"]["learned"]["fixes"]["remove-sam-policy"];
    assert_eq!(fix["authored_success"], 1.0, "{fix}");
    let success = fix["learned_success"].as_f64().unwrap();
    // 24 worked of about 38 tries in which it was the right fix, pulled a little to 1.
    assert!(success > 0.6 && success < 0.75, "{fix}");
    // The plan counts it: the fix's chance of working is its share times its success.
    let chance = |value: &serde_json::Value| {
        value["path"]["plan"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "remove-sam-policy")
            .and_then(|p| p["probability"].as_f64())
            .unwrap()
    };
    let mut args = vec![
        "--kb",
        kb_arg.as_str(),
        "--no-learned",
        "solve",
        "SSPR_0029",
    ];
    args.extend_from_slice(&REMOTE_SAM);
    args.extend_from_slice(&["--format", "json"]);
    let authored: serde_json::Value =
        serde_json::from_str(&run_in(&data, &args, "").stdout).unwrap();
    let (learned, authored) = (chance(&value), chance(&authored));
    assert!(
        (learned - authored * success).abs() < 0.01,
        "{learned} vs {authored} × {success}"
    );
}
