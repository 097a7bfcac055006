//! `fixpath search` and `fixpath index`: output, exit codes, and searches while the index is rebuilt.

use crate::assert_run_snapshot;
use crate::util::{fixpath, kb_articles};

#[test]
fn error_codes_and_words_find_the_article() {
    let run = fixpath(&["search", "-n", "3", "SSPR_0029"]);
    assert_eq!(run.code, 0, "{run}");
    assert_run_snapshot!("sspr_0029", run.stdout);
    let run = fixpath(&["search", "-n", "1", "--", "-2147024891"]);
    assert!(
        run.stdout.contains("http-error-403-7-forbidden-web-app"),
        "{run}"
    );
    assert!(run.stdout.contains("codes: 0x80070005"), "{run}");
    let run = fixpath(&["search", "-n", "2", "netlogn", "wont", "start"]);
    assert!(
        run.stdout.starts_with(" 1. azure-vm-netlogon-not-starting"),
        "{run}"
    );
    assert!(
        run.stdout.contains("(read as: netlogn → netlogon)"),
        "{run}"
    );
}

#[test]
fn json_output_is_structured() {
    let run = fixpath(&["search", "--format", "json", "-n", "2", "event 6329"]);
    assert_eq!(run.code, 0, "{run}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["query"], "event 6329");
    let first = &value["results"]["hits"][0];
    assert_eq!(first["id"], "sspr-0029");
    assert_eq!(first["codes"][0], "Event ID 6329");
    assert!(first["snippet"].as_str().unwrap().contains("6329"));
    assert!(
        first["highlights"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
}

#[test]
fn nothing_found_exits_1_and_pasted_syntax_is_not_an_error() {
    let run = fixpath(&["search", "zzqxv"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("no articles match `zzqxv`"), "{run}");
    for query in [
        "\"unbalanced",
        "field:value",
        "((",
        "-",
        "+",
        r"C:\Temp\GPreport.htm",
        "HKLM:\\System\\...",
    ] {
        let run = fixpath(&["search", "--", query]);
        assert!(run.code == 0 || run.code == 1, "{query}: {run}");
        assert!(!run.stderr.contains("panicked"), "{query}: {run}");
    }
}

#[test]
fn searches_while_the_index_is_rebuilt_all_succeed() {
    let cache = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_fixpath");
    let command = |args: &[&str]| {
        let mut command = std::process::Command::new(binary);
        command
            .args(args)
            .env("FIXPATH_CACHE_DIR", cache.path())
            .env("NO_COLOR", "1");
        command
    };
    assert!(command(&["index"]).status().unwrap().success());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let rebuilder = {
        let stop = std::sync::Arc::clone(&stop);
        let mut rebuild = command(&["index"]);
        std::thread::spawn(move || {
            let mut rounds = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && rounds < 100 {
                assert!(rebuild.output().unwrap().status.success());
                rounds += 1;
            }
            rounds
        })
    };
    for round in 0..200 {
        let output = command(&["search", "-n", "1", "sspr 0029"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "search {round} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("sspr-0029"), "search {round}: {stdout}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = rebuilder.join().unwrap();
    assert!(rounds >= 1, "the index was rebuilt during the searches");
}

#[test]
fn index_command_reports_what_it_built() {
    let run = fixpath(&["index"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stderr
            .contains(&format!("indexed {} articles", kb_articles())),
        "{run}"
    );
}

#[test]
fn a_query_too_far_from_any_word_suggests_the_nearest() {
    let run = fixpath(&["search", "netlxgn"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("did you mean: netlogon"), "{run}");
}
