//! `fixpath check`: every defect class, reported with file:line:column, and a clean default KB.

use crate::assert_run_snapshot;
use crate::util::{fixpath, fixpath_with_cache, fixture, repo_root, tree_digest};

/// Runs `check` on a fixture KB and snapshots the report; returns the exit code.
fn check(case: &str) -> i32 {
    let dir = fixture(&format!("check/{case}"));
    let run = fixpath(&["check", dir.to_str().unwrap()]);
    assert_run_snapshot!(case, run.to_string());
    run.code
}

#[test]
fn embedded_kb_is_clean() {
    let run = fixpath(&["check"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("0 errors"), "{run}");
}

#[test]
fn repository_kb_dir_is_clean_and_untouched() {
    let kb = repo_root().join("kb");
    let before = tree_digest(&kb);
    let run = fixpath(&["check", kb.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(before, tree_digest(&kb), "check must never write to the KB");
}

#[test]
fn broken_fixtures_fail_and_are_never_modified() {
    let root = fixture("check");
    let before = tree_digest(&root);
    for case in [
        "syntax",
        "unknown-field",
        "wrong-type",
        "duplicate-ids",
        "duplicate-keys",
        "dangling",
        "cycle",
        "unreachable",
        "missing-branch",
        "no-remedy",
        "bad-numbers",
        "bad-config",
        "encoding",
        "empty-dir",
    ] {
        assert_eq!(check(case), 1, "check of {case} must exit 1");
    }
    assert_eq!(check("clean-crlf-bom"), 0);
    // Warnings only; each quotes a window of its long line, not the whole line.
    assert_eq!(check("long-line"), 0);
    assert_eq!(
        before,
        tree_digest(&root),
        "check must never write to the KB"
    );
}

#[test]
fn json_report_is_structured() {
    let dir = fixture("check/dangling");
    let run = fixpath(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"dangling-reference"), "{codes:?}");
    let goto = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("no-such-cause"))
        .unwrap();
    assert_eq!(goto["span"]["line"], 9);
    assert_eq!(goto["span"]["column"], 15);
}

#[test]
fn missing_kb_directory_is_an_error_not_a_panic() {
    let run = fixpath(&["check", "/no/such/kb"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot load the KB at /no/such/kb"),
        "{run}"
    );
}

#[test]
fn kb_flag_and_environment_select_the_kb() {
    let dir = fixture("check/no-remedy");
    let run = fixpath(&["--kb", dir.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stdout.contains("no-remedy"));
}

#[test]
fn shipped_schema_matches_the_model_and_accepts_every_kb_article() {
    let shipped = std::fs::read_to_string(repo_root().join("kb/article.schema.json")).unwrap();
    let run = fixpath(&["schema"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        shipped, run.stdout,
        "kb/article.schema.json is stale: run `cargo run -- schema > kb/article.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(repo_root().join("kb")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} articles checked");
    // And the schema rejects what the loader rejects: an unknown field.
    let bad: serde_json::Value =
        serde_json::json!({"id": "x", "title": "t", "entry": "c", "colour": "red"});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn the_readme_main_command_runs_the_fixpath_binary() {
    // `cargo run --release -- ask SSPR_0029` from the workspace root runs `fixpath` (the
    // measuring tools are in their own package, fixpath-tools).
    let manifest = std::fs::read_to_string(repo_root().join("cli/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("default-run = \"fixpath\""),
        "cli/Cargo.toml lost default-run"
    );
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- ask SSPR_0029"));
    assert!(readme.contains("cargo test --workspace"));
}

#[test]
fn a_second_check_reads_the_parsed_cache_and_reports_the_same() {
    let kb = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo_root().join("kb")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, kb.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::copy(
        fixture("check/dangling/article.yaml"),
        kb.path().join("dangling.yaml"),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let kb_dir = kb.path().to_str().unwrap();
    let before = tree_digest(kb.path());
    let first = fixpath_with_cache(&["check", kb_dir, "--format", "json"], cache.path());
    assert_eq!(first.code, 1, "{first}");
    let cached: Vec<_> = walkdir::WalkDir::new(cache.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "parsed.bin")
        .collect();
    assert_eq!(cached.len(), 1, "one parsed cache, in the cache directory");
    let second = fixpath_with_cache(&["check", kb_dir, "--format", "json"], cache.path());
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(first.code, second.code);
    assert_eq!(
        before,
        tree_digest(kb.path()),
        "check must never write to the KB"
    );

    // An edit that breaks a cached file is found at once.
    let sspr = kb.path().join("sspr-0029.yaml");
    let text = std::fs::read_to_string(&sspr).unwrap();
    std::fs::write(&sspr, text.replacen("\ntitle:", "\ntitel:", 1)).unwrap();
    let third = fixpath_with_cache(&["check", kb_dir], cache.path());
    assert!(
        third.stdout.contains("sspr-0029.yaml") && third.stdout.contains("titel"),
        "{third}"
    );
    // A damaged cache is read past, not trusted.
    std::fs::write(cached[0].path(), b"not a cache").unwrap();
    let fourth = fixpath_with_cache(&["check", kb_dir], cache.path());
    assert_eq!(third.stdout, fourth.stdout);
}
