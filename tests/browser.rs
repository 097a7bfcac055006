//! The generated site in a real browser: headless Chromium driven by playwright-core
//! (`tests/browser/site.mjs`). Checks search, a troubleshooter walked by clicking, no network
//! requests, no console messages, and that a hostile article runs nothing.
//!
//! Needs Debian's `chromium` and `npm ci --prefix tests/browser` (`.ci/run` does both). Without
//! them the test says so and passes, except under CI (`CI` set), where it fails.

use std::process::Command;

use crate::util::{fixpath, repo_root};

/// True when Chromium, node and playwright-core are there; else says so (failing under CI).
pub(crate) fn browser_ready() -> bool {
    let ready = repo_root()
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
        && std::path::Path::new("/usr/bin/chromium").exists()
        && Command::new("node").arg("--version").output().is_ok();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install chromium and run npm ci --prefix tests/browser"
        );
        eprintln!("skipped: needs /usr/bin/chromium, node, and npm ci --prefix tests/browser");
    }
    ready
}

/// Runs a browser script; returns what it printed, failing the test when it failed.
pub(crate) fn node(script: &str, args: &[&str]) -> String {
    let output = Command::new("node")
        .arg(repo_root().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("browser checks passed"),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// The served troubleshooter in Chromium, with JavaScript on and off: search, start, "I
/// don't know", a fix that did not work, the next fix, back, continue into the access-rights
/// troubleshooter, a fix that worked, the transcript copied; then both sessions reopened by
/// their URLs after the server was killed and started again.
#[test]
fn the_served_troubleshooter_works_in_chromium_with_and_without_javascript() {
    if !browser_ready() {
        return;
    }
    let shots = repo_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shots_arg = shots.display().to_string();
    let data = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", data.path().join("browser.sqlite").display());
    let mut served = crate::serve::Served::start(&["--db", &db]);
    let walked = node("serve.mjs", &["walk", &served.server.url, &shots_arg]);
    let sessions: Vec<String> = walked
        .lines()
        .filter_map(|line| line.strip_prefix("session: "))
        .map(|url| url.trim_start_matches(&served.server.url).to_owned())
        .collect();
    assert_eq!(sessions.len(), 2, "{walked}");
    served.server.kill_hard();
    let restarted = crate::serve::Served::start(&["--db", &db]);
    let mut args = vec![
        "reopen".to_owned(),
        restarted.server.url.clone(),
        shots_arg.clone(),
    ];
    args.extend(
        sessions
            .iter()
            .map(|path| format!("{}{path}", restarted.server.url)),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    node("serve.mjs", &args);
    for shot in [
        "served-dont-know.png",
        "served-first-fix.png",
        "served-next-fix.png",
        "served-continued.png",
        "served-transcript.png",
        "served-transcript-nojs.png",
        "served-reopened-0.png",
    ] {
        assert!(
            shots.join(shot).metadata().is_ok_and(|m| m.len() > 10_000),
            "{shot} was not saved"
        );
    }
}

/// The statistics page after a load of recorded sessions: its charts are there, drawn in
/// the page (no script, nothing remote).
#[test]
fn the_statistics_page_shows_its_charts_after_a_load_of_sessions() {
    if !browser_ready() {
        return;
    }
    use serde_json::json;
    let shots = repo_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let served = crate::serve::Served::start(&[]);
    for index in 0..30 {
        let session = served.start_session(&json!({"article": "SSPR_0029", "facts": {"protected-admin": if index % 3 == 0 { "yes" } else { "no" }}}));
        let id = session["id"].as_str().unwrap();
        let step = &session["live"]["step"];
        if index % 5 == 4 {
            served.step(id, &json!({"move": "end", "outcome": "escalated"}));
        } else if step["kind"] == "try" {
            served.step(
                id,
                &json!({"move": "fix", "remedy": step["remedy"], "fixed": true}),
            );
        } else {
            let question = step["question"]["id"].as_str().unwrap();
            served.step(
                id,
                &json!({"move": "answer", "question": question, "answer": null}),
            );
            served.step(id, &json!({"move": "end", "outcome": "abandoned"}));
        }
    }
    let session =
        served.start_session(&json!({"article": "password-writeback-access-rights-permissions"}));
    served.step(
        session["id"].as_str().unwrap(),
        &json!({"move": "end", "outcome": "escalated"}),
    );
    node(
        "serve.mjs",
        &["stats", &served.server.url, &shots.display().to_string()],
    );
    assert!(
        shots
            .join("served-stats.png")
            .metadata()
            .is_ok_and(|m| m.len() > 10_000)
    );
}

#[test]
fn site_works_offline_in_headless_chromium() {
    let script = repo_root().join("tests/browser/site.mjs");
    if !browser_ready() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    let hostile = temp.path().join("hostile");
    let shots = repo_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    assert_eq!(fixpath(&["site", site.to_str().unwrap()]).code, 0);
    let hostile_kb = repo_root().join("tests/hostile/kb");
    assert_eq!(
        fixpath(&[
            "--kb",
            hostile_kb.to_str().unwrap(),
            "site",
            hostile.to_str().unwrap()
        ])
        .code,
        0
    );
    let output = Command::new("node")
        .arg(&script)
        .arg(&site)
        .arg(&hostile)
        .arg(&shots)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("browser checks passed"),
        "{stdout}\n{stderr}"
    );
    for shot in [
        "index-search.png",
        "article.png",
        "troubleshooter.png",
        "troubleshooter-dont-know.png",
        "troubleshooter-first-fix.png",
        "troubleshooter-next-fix.png",
    ] {
        assert!(
            shots.join(shot).metadata().is_ok_and(|m| m.len() > 10_000),
            "{shot} was not saved"
        );
    }
}
