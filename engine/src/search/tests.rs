use std::path::Path;

use super::*;
use crate::load::load_embedded;

fn embedded_index() -> SearchIndex {
    let loaded = load_embedded();
    SearchIndex::in_memory(loaded.kb.articles.iter().map(|e| &e.article)).unwrap()
}

/// The ids of the top three hits, and how words were read.
fn check(index: &SearchIndex, query: &str) -> String {
    let results = index.search(query, 3).unwrap();
    let mut out: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    for (from, to) in &results.corrections {
        out.push(format!("({from} → {to})"));
    }
    if let Some(suggestion) = &results.did_you_mean {
        out.push(format!("did you mean: {suggestion}"));
    }
    out.join(" ")
}

fn top(index: &SearchIndex, query: &str) -> String {
    index
        .search(query, 1)
        .unwrap()
        .hits
        .first()
        .map(|h| h.id.clone())
        .unwrap_or_default()
}

#[test]
fn error_codes_match_in_their_common_spellings() {
    let index = embedded_index();
    for query in [
        "SSPR_0029",
        "sspr 0029",
        "Sspr-0029",
        "error SSPR_0029 on the reset page",
        "Event ID 6329",
        "event 6329",
    ] {
        assert_eq!(top(&index, query), "sspr-0029", "{query}");
    }
    for query in [
        "0x80070005",
        "80070005",
        "-2147024891",
        "Error: 0x80070005",
        "HRESULT: 0x80070005",
    ] {
        assert_eq!(
            top(&index, query),
            "http-error-403-7-forbidden-web-app",
            "{query}"
        );
    }
    assert_eq!(
        top(&index, "KB3185990"),
        "unable-configure-password-writeback"
    );
    assert_eq!(top(&index, "8023062c"), "pwb-8023062c");
    assert_eq!(
        top(&index, "ERROR_ACCESS_DENIED password writeback"),
        "sspr-0029"
    );
    let hit = &index.search("sspr 0029", 1).unwrap().hits[0];
    assert_eq!(hit.codes, ["SSPR_0029"], "the matched code is named");
}

#[test]
fn typos_and_abbreviations_are_read_as_the_nearest_word() {
    let index = embedded_index();
    insta::assert_snapshot!(check(&index, "netlogn wont start"), @"azure-vm-netlogon-not-starting virtual-wifisoftap-fails-to-start services-sync-not-start (netlogn → netlogon)");
    let results = index.search("passwrd writebak", 3).unwrap();
    assert_eq!(
        results.corrections,
        [
            ("passwrd".to_owned(), "password".to_owned()),
            ("writebak".to_owned(), "writeback".to_owned())
        ]
    );
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.title.to_lowercase().contains("password"))
    );
    // A snippet highlights the corrected words it matched.
    let hit = &results.hits[0];
    let marked: Vec<&str> = hit
        .highlights
        .iter()
        .map(|r| &hit.snippet[r.clone()])
        .collect();
    assert!(
        marked
            .iter()
            .any(|w| w.eq_ignore_ascii_case("password") || w.eq_ignore_ascii_case("writeback")),
        "{marked:?}"
    );
}

#[test]
fn nothing_matching_suggests_what_was_meant() {
    let index = embedded_index();
    let results = index.search("zzqx", 3).unwrap();
    assert!(results.hits.is_empty());
    assert!(results.did_you_mean.is_none());
    let results = index.search("qwertyuiopasdfgh", 3).unwrap();
    assert!(results.hits.is_empty());
    // Two edits from a word the KB has, too far to search by, near enough to suggest.
    let results = index.search("netlxgn", 3).unwrap();
    assert!(results.hits.is_empty(), "{:?}", results.hits);
    assert_eq!(results.did_you_mean.as_deref(), Some("netlogon"));
}

#[test]
fn pasted_text_and_query_syntax_are_searched_as_words() {
    let index = embedded_index();
    for query in [
        "",
        "   ",
        "!!! ??? ...",
        "\"unbalanced (quotes",
        "title:netlogon -service +start",
        r"HKLM:\System\CurrentControlSet\Control\Lsa",
        "((((((((((",
        "*:*",
        "\u{0}\u{1}\u{7f}",
    ] {
        let results = index.search(query, 5);
        assert!(results.is_ok(), "{query:?}: {results:?}");
    }
    assert_eq!(
        top(&index, "title:netlogon -service +start"),
        "azure-vm-netlogon-not-starting"
    );
    assert_eq!(
        top(
            &index,
            r"Get-ItemProperty -Path HKLM:\System\CurrentControlSet\Control\Lsa -Name RestrictRemoteSam"
        ),
        "sspr-0029"
    );
    let long = "password writeback ".repeat(5_000);
    assert!(
        !index.search(&long, 5).unwrap().hits.is_empty(),
        "a very long query is cut, not refused"
    );
}

#[test]
fn common_words_alone_still_find_something_and_phrases_count() {
    let index = embedded_index();
    assert!(!index.search("the and of", 3).unwrap().hits.is_empty());
    // The articles that hold the exact phrase come first.
    let results = index
        .search("\"only use preferred domain controllers\"", 2)
        .unwrap();
    let ids: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
    assert!(
        ids.contains(&"sspr-0029")
            && ids.contains(&"password-writeback-general-troubleshooting-steps"),
        "{ids:?}"
    );
}

fn kb_with(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const ARTICLE: &str = "id: {id}\ntitle: {title}\nentry: c\ncauses:\n  - id: c\n    title: C\n    solutions: [s]\nsolutions:\n  - id: s\n    title: S\n";

fn article(id: &str, title: &str) -> String {
    ARTICLE.replace("{id}", id).replace("{title}", title)
}

/// A KB of `count` articles `art-0`, `art-1`, ..., titled by `title` with `{i}` numbered.
fn numbered_kb(dir: &Path, count: usize, title: &str) {
    let files: Vec<(String, String)> = (0..count)
        .map(|i| {
            (
                format!("a{i}.yaml"),
                article(&format!("art-{i}"), &title.replace("{i}", &i.to_string())),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    kb_with(dir, &refs);
}

#[test]
fn the_index_is_kept_current_with_the_kb_and_rebuilt_when_damaged() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    let cache = temp.path().join("cache");
    kb_with(
        &kb,
        &[
            ("a.yaml", &article("alpha", "Printer spooler crashes")),
            ("b.yaml", &article("beta", "Scanner driver missing")),
        ],
    );
    let source = KbSource::Dir(&kb);
    let (index, status) = open_index(source, &cache, false).unwrap();
    assert!(matches!(status, IndexStatus::Rebuilt { .. }), "{status:?}");
    assert_eq!(index.len(), 2);
    drop(index);
    let (_, status) = open_index(source, &cache, false).unwrap();
    assert_eq!(status, IndexStatus::Fresh);

    // One article changes, one appears, one goes: only those are re-indexed.
    std::thread::sleep(std::time::Duration::from_millis(20));
    kb_with(
        &kb,
        &[
            ("a.yaml", &article("alpha", "Printer queue frozen")),
            ("c.yaml", &article("gamma", "Monitor flickers")),
        ],
    );
    std::fs::remove_file(kb.join("b.yaml")).unwrap();
    let (index, status) = open_index(source, &cache, false).unwrap();
    assert_eq!(
        status,
        IndexStatus::Updated {
            changed: 2,
            removed: 1
        }
    );
    assert_eq!(index.len(), 2);
    assert_eq!(top(&index, "queue frozen"), "alpha");
    assert_eq!(top(&index, "monitor"), "gamma");
    assert!(index.search("scanner", 3).unwrap().hits.is_empty());
    drop(index);

    // A garbage manifest is detected and the index rebuilt.
    let root = store::index_dir(&cache, source);
    std::fs::write(root.join("manifest.json"), b"\x00garbage{").unwrap();
    let (index, status) = open_index(source, &cache, false).unwrap();
    let IndexStatus::Rebuilt { reason } = status else {
        panic!("{status:?}")
    };
    assert!(reason.is_damage(), "{reason}");
    assert_eq!(top(&index, "monitor"), "gamma");
    drop(index);

    // Truncated index files too.
    for entry in walk_files(&root) {
        if entry
            .extension()
            .is_some_and(|e| e == "store" || e == "idx" || e == "term")
        {
            std::fs::write(&entry, b"").unwrap();
        }
    }
    let (index, status) = open_index(source, &cache, false).unwrap();
    assert!(
        matches!(&status, IndexStatus::Rebuilt { reason } if reason.is_damage()),
        "{status:?}"
    );
    assert_eq!(top(&index, "printer"), "alpha");
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn several_builds_at_once_on_an_empty_cache_all_succeed_and_leave_a_sound_index() {
    // Commands started together on a fresh machine each find no index and build one; one
    // build's clean-up must not delete the generation another has just built.
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    let cache = temp.path().join("cache");
    numbered_kb(&kb, 30, "Gadget {i} fails to sync");
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                for _ in 0..10 {
                    let (index, _) = open_index(KbSource::Dir(&kb), &cache, true).unwrap();
                    assert_eq!(index.search("gadget sync", 5).unwrap().hits.len(), 5);
                }
            });
        }
    });
    let (index, status) = open_index(KbSource::Dir(&kb), &cache, false).unwrap();
    assert!(
        !matches!(&status, IndexStatus::Rebuilt { reason } if reason.is_damage()),
        "{status:?}"
    );
    assert_eq!(index.len(), 30);
}

#[test]
fn searches_during_rebuilds_never_fail() {
    let temp = tempfile::tempdir().unwrap();
    let kb = temp.path().join("kb");
    let cache = temp.path().join("cache");
    numbered_kb(&kb, 40, "Widget {i} fails to start");
    open_index(KbSource::Dir(&kb), &cache, false).unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut rounds = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && rounds < 50 {
                open_index(KbSource::Dir(&kb), &cache, true).unwrap();
                rounds += 1;
            }
        });
        for _ in 0..200 {
            let (index, _) = open_index(KbSource::Dir(&kb), &cache, false).unwrap();
            let results = index.search("widget fails", 5).unwrap();
            assert_eq!(results.hits.len(), 5);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
}

#[test]
fn snippet_windows_open_on_a_word_just_before_the_first_term() {
    let terms = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(["writeback", "sspr"])
        .unwrap();
    let text = format!(
        "{} Then PASSWORD WRITEBACK fails with SSPR_0029. {}",
        "Ünïcödé filler words. ".repeat(40),
        "More text after. ".repeat(60)
    );
    let window = snippet_window(&text, Some(&terms));
    assert!(window.len() <= SNIPPET_WINDOW, "{}", window.len());
    assert!(window.contains("PASSWORD WRITEBACK fails"), "{window}");
    let before = &text[..text.find(window).unwrap()];
    assert!(before.ends_with(' '), "starts on a word: {window}");
    // A short text is its own window; no term found means the start.
    assert_eq!(snippet_window("short", Some(&terms)), "short");
    assert!(text.starts_with(snippet_window(&text, None)));
}

#[test]
fn words_most_articles_hold_only_score_when_nothing_rarer_is_asked() {
    let index = embedded_index();
    let searcher = index.reader.searcher();
    let total = searcher.num_docs();
    let held = |word: &str| {
        searcher
            .doc_freq(&Term::from_field_text(index.fields.body, word))
            .unwrap()
    };
    // Every default-KB article names Microsoft; "error" is in most of them.
    assert!(held("microsoft") * 10 > total * 4 && held("error") * 10 > total * 4);
    // Alone, common words still find articles.
    assert!(!index.search("microsoft error", 5).unwrap().hits.is_empty());
    // With a rarer word, the rare word picks the articles (the common ones only count for
    // coverage among them).
    let alone = index.search("writeback", 5).unwrap();
    let with_common = index.search("microsoft error writeback", 5).unwrap();
    let ids = |hits: &[Hit]| hits.iter().map(|h| h.id.clone()).collect::<HashSet<_>>();
    assert_eq!(ids(&alone.hits), ids(&with_common.hits));
}

#[test]
fn a_correction_prefers_the_word_that_goes_with_the_rest_of_the_query() {
    let index = embedded_index();
    // "aces" (from "ACEs") and "access" are both one edit from "acess": the query's other
    // words, and then how common each is, choose.
    for (query, expected) in [
        ("acess denied", ("acess", "access")),
        ("acess", ("acess", "access")),
        ("pasword acess", ("acess", "access")),
    ] {
        let results = index.search(query, 3).unwrap();
        assert!(
            results
                .corrections
                .contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{query}: {:?}",
            results.corrections
        );
    }
    // Among equally near words, the one found in more articles with all the other words
    // wins; a common word does not win by being everywhere ("iis upload size limt" still
    // reads "limit", not the commoner "list").
    let searcher = index.reader.searcher();
    let with_denied = index
        .together(&searcher, "access", &["denied".to_owned()])
        .unwrap();
    let aces_with_denied = index
        .together(&searcher, "aces", &["denied".to_owned()])
        .unwrap();
    assert!(
        with_denied > aces_with_denied,
        "{with_denied} {aces_with_denied}"
    );
    assert_eq!(
        index.search("iis upload size limt", 1).unwrap().corrections,
        [("limt".to_owned(), "limit".to_owned())]
    );
}
