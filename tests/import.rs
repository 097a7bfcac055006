//! `fixpath import`: the real corpus into a KB, re-imports that respect hand edits, and the
//! measured figures against the hand counts.

use crate::util::{corpus, corpus_articles, fixpath, fixture, repo_root};

const SOURCE_URL: &str = "https://github.com/MicrosoftDocs/SupportArticles-docs";

#[test]
fn the_whole_corpus_imports_into_a_kb_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let run = fixpath(&[
        "import",
        corpus().to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
        "--source-url",
        SOURCE_URL,
        "--license",
        "CC BY 4.0",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let articles = corpus_articles();
    assert!(articles >= 173, "the corpus holds {articles} articles");
    assert!(
        run.stderr.contains(&format!("{articles} files in")),
        "{run}"
    );
    assert!(
        run.stderr.contains(&format!("{articles} imported")),
        "{run}"
    );
    let check = fixpath(&["check", kb.to_str().unwrap(), "--format", "json"]);
    assert_eq!(check.code, 0, "{check}");
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["articles"], articles);
    assert_eq!(report["errors"], 0);
    // Every draft keeps its source and attribution.
    let sspr =
        std::fs::read_to_string(kb.join("password-writeback-error-code-sspr-0029.yaml")).unwrap();
    assert!(sspr.contains("path: entra/password-writeback-error-code-sspr-0029.md"));
    assert!(sspr.contains("license: CC BY 4.0"));
    assert!(sspr.contains(SOURCE_URL));
    assert!(sspr.contains("status: draft"));
}

#[test]
fn reimport_refreshes_untouched_drafts_and_never_overwrites_hand_edits() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let source = corpus().join("sql/error-3156-restore-database.md");
    let import = || {
        fixpath(&[
            "import",
            source.to_str().unwrap(),
            "-o",
            kb.to_str().unwrap(),
        ])
    };
    assert_eq!(import().code, 0);
    let file = kb.join("error-3156-restore-database.yaml");
    let first = std::fs::read_to_string(&file).unwrap();
    // Untouched: importing again rewrites the same draft.
    let again = import();
    assert!(again.stderr.contains("1 imported"), "{again}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
    // Edited by hand: kept, and said so.
    let edited = first.replace("title: ", "title: Edited - ");
    std::fs::write(&file, &edited).unwrap();
    let run = import();
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stderr.contains("kept-edited"), "{run}");
    assert!(
        run.stderr.contains("edited by hand since it was imported"),
        "{run}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
}

#[test]
fn a_reviewed_article_wins_over_the_draft_of_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    std::fs::copy(
        repo_root().join("kb/sspr-0029.yaml"),
        kb.join("sspr-0029.yaml"),
    )
    .unwrap();
    let entra = corpus().join("entra");
    let run = fixpath(&[
        "import",
        entra.to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stderr
            .contains("the reviewed article `sspr-0029` covers this source"),
        "{run}"
    );
    assert!(
        !kb.join("password-writeback-error-code-sspr-0029.yaml")
            .exists()
    );
    assert!(
        kb.join("password-writeback-error-code-sspr-009.yaml")
            .exists()
    );
}

#[test]
fn one_file_prints_yaml_and_bad_files_are_reported_not_fatal() {
    let source = corpus().join("entra/password-writeback-error-code-8023062c.md");
    let run = fixpath(&["import", source.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .starts_with("# fixpath import of password-writeback-error-code-8023062c.md; sha256 "),
        "{run}"
    );
    assert!(run.stdout.contains("0x8023062c"), "{run}");
    let run = fixpath(&[
        "import",
        fixture("import").to_str().unwrap(),
        source.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("failed        binary.md"), "{run}");
    assert!(run.stderr.contains("not UTF-8 text"), "{run}");
    assert!(run.stderr.contains("failed        empty.md"), "{run}");
    assert!(run.stderr.contains("the file is empty"), "{run}");
    assert!(
        run.stderr.contains("1 imported"),
        "the good file still imports: {run}"
    );
}

/// Reads `label: 0.123` from the eval output.
fn figure(output: &str, label: &str) -> f64 {
    let line = output
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no `{label}` in:\n{output}"));
    let value = line.trim_start()[label.len()..]
        .split_whitespace()
        .next()
        .unwrap();
    value.parse().unwrap()
}

#[test]
fn structure_and_coverage_meet_the_targets_on_the_shared_corpus() {
    // The shared gold (the articles the rules were written against) and ours (articles of
    // other shapes, counted by hand later: tests/eval/structure-gold-unseen.tsv).
    let shared = repo_root().join("../shared/eval/structure-gold.tsv");
    let unseen = repo_root().join("tests/eval/structure-gold-unseen.tsv");
    let text = fixpath_tools::eval_import::run(&corpus(), &[&shared, &unseen]).unwrap();
    for (name, at_least) in [
        ("structure-gold.tsv", 0.975),
        ("structure-gold-unseen.tsv", 0.93),
    ] {
        let block = text
            .split("structure, ")
            .find(|b| b.contains(&format!("({name}):")))
            .unwrap_or_else(|| panic!("no figures for {name}:\n{text}"));
        let exact = figure(
            block,
            "exact (causes, solutions, workarounds, has_symptoms):",
        );
        let recall = figure(block, "error-code recall:");
        assert!(
            exact >= at_least,
            "{name}: exact {exact} < {at_least}\n{text}"
        );
        assert!(
            recall >= 0.98,
            "{name}: error-code recall {recall} < 0.98\n{text}"
        );
    }
    let label = format!("no text lost, {} corpus articles:", corpus_articles());
    let coverage = figure(&text, &label);
    assert!(coverage >= 1.0, "text coverage {coverage} < 1.0\n{text}");
}

#[test]
fn includes_are_expanded_or_removed_and_the_base_url_is_kept_for_the_kb() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let source = corpus().join("mem/2016341112-ios-device-is-currently-busy.md");
    let run = fixpath(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
        "--base-url",
        "https://learn.microsoft.com/",
    ]);
    assert_eq!(run.code, 0, "{run}");
    // One include exists in the corpus's includes/ folder (found above the source), the
    // other does not: expanded, and removed with a note.
    assert!(
        run.stderr
            .contains("include `../../includes/third-party-disclaimer.md` not found: removed"),
        "{run}"
    );
    let yaml =
        std::fs::read_to_string(kb.join("2016341112-ios-device-is-currently-busy.yaml")).unwrap();
    assert!(yaml.contains("Third-party contact disclaimer"), "{yaml}");
    assert!(!yaml.contains("[!INCLUDE"), "{yaml}");
    let config = std::fs::read_to_string(kb.join("fixpath.toml")).unwrap();
    assert!(
        config.contains("base_url = \"https://learn.microsoft.com/\""),
        "{config}"
    );
    let check = fixpath(&["check", kb.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{check}");
    // --includes names the folder when it is not beside or above the sources.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("article.md");
    std::fs::copy(&source, &copy).unwrap();
    let includes = corpus().join("../includes");
    let run = fixpath(&[
        "import",
        copy.to_str().unwrap(),
        "--includes",
        includes.to_str().unwrap(),
    ]);
    assert!(
        run.stdout.contains("Third-party contact disclaimer"),
        "{run}"
    );
}
