//! Terminal manners: options anywhere, pasted text kept safe, completions, the man page, and
//! the site's refusal to write where it should not.

use crate::util::{fixpath, repo_root};

#[test]
fn options_go_anywhere_and_pasted_text_stays_text() {
    // The README's command: the option after the query is an option.
    let run = fixpath(&["search", "vm wont boot", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    assert_eq!(value["query"], "vm wont boot");
    let run = fixpath(&["search", "netlogon", "-n", "1", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        value["results"]["hits"].as_array().unwrap().len(),
        1,
        "{run}"
    );
    // An HRESULT as a signed decimal is a query, not an option.
    let run = fixpath(&["search", "-2147024891", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["query"], "-2147024891", "{run}");
    assert_eq!(run.code, 0, "{run}");
    // A lone leading `-` is a word; `--` ends the options for a query that starts with `--`.
    let run = fixpath(&["search", "-", "0x80070005"]);
    assert_eq!(run.code, 0, "{run}");
    let run = fixpath(&["search", "--format", "json", "--", "--format"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["query"], "--format", "{run}");
    // Anything else that looks like an option says how to search for it.
    let run = fixpath(&["search", "-x"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("use '-- -x'"), "{run}");
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = fixpath(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run}");
        assert!(run.stdout.contains("fixpath"), "{shell}: {run}");
        for subcommand in ["ask", "solve", "search", "site"] {
            assert!(
                run.stdout.contains(subcommand),
                "{shell} lacks {subcommand}"
            );
        }
    }
    let man = fixpath(&["man"]);
    assert_eq!(man.code, 0, "{man}");
    assert!(man.stdout.contains(".TH fixpath 1"), "{man}");
    assert!(man.stdout.contains("completions"), "{man}");
}

#[test]
fn site_refuses_the_kb_the_root_and_foreign_folders_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Into the KB directory.
    let kb = repo_root().join("tests/hostile/kb");
    let run = fixpath(&["--kb", kb.to_str().unwrap(), "site", kb.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("KB directory"), "{run}");
    // Into the root.
    let run = fixpath(&["site", "/"]);
    assert_eq!(run.code, 2, "{run}");
    // Into a folder that holds other things: refused, then allowed with --force, and the
    // other file is still there.
    let foreign = dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let run = fixpath(&["site", foreign.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("--force"), "{run}");
    let run = fixpath(&["site", foreign.to_str().unwrap(), "--force"]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "mine"
    );
    // A previous site is rewritten without --force.
    let run = fixpath(&["site", foreign.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
}

#[test]
fn progress_shows_on_a_terminal_and_never_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    // Piped: the summary line only.
    let run = fixpath(&["site", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    // On a terminal, once the work has run past the delay (0 here), a bar is drawn.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fixpath"));
    command
        .args(["import", crate::util::corpus().to_str().unwrap(), "-o"])
        .arg(dir.path().join("kb"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("FIXPATH_PROGRESS_DELAY_MS", "0")
        .env_remove("FIXPATH_KB");
    let mut session = rexpect::session::spawn_command(command, Some(30_000)).unwrap();
    let text = session.exp_eof().unwrap();
    assert!(text.contains("importing ["), "{text}");
    assert!(text.contains("files in"), "{text}");
}
