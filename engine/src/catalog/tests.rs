use std::path::{Path, PathBuf};

use super::*;
use crate::links::Style;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A catalog through a fresh index of `dir`, and the KB loaded whole.
fn both(dir: &Path) -> (Catalog, Loaded, tempfile::TempDir) {
    let cache = tempfile::tempdir().unwrap();
    let (catalog, status) = Catalog::open(KbSource::Dir(dir), cache.path()).unwrap();
    assert!(matches!(status, IndexStatus::Rebuilt { .. }), "{status:?}");
    (catalog, load::load_dir(dir).unwrap(), cache)
}

/// The problems of one file, as a full load and the graph checks report them.
fn problems_of(loaded: &Loaded, file: &str) -> Vec<Diagnostic> {
    let mut all = loaded.diagnostics.clone();
    crate::graph::check(&loaded.kb, &mut all);
    let mut out: Vec<Diagnostic> = all.into_iter().filter(|d| d.file == file).collect();
    out.sort_by_key(|d| d.to_string());
    out
}

#[test]
fn every_article_reads_alone_as_in_the_whole_kb() {
    let dir = repo().join("kb");
    let (catalog, loaded, _cache) = both(&dir);
    let whole = Links::new(&loaded.kb, loaded.kb.config.base_url.as_deref());
    assert!(catalog.config().base_url.is_some());
    for entry in &loaded.kb.articles {
        let id = entry.article.id.as_str();
        let single = catalog
            .article(id)
            .unwrap()
            .expect("the index has every article");
        assert_eq!(single.kb.articles.len(), 1);
        assert_eq!(single.kb.articles[0].article, entry.article, "{id}");
        assert_eq!(single.kb.articles[0].file.name, entry.file.name);
        let mut problems = single.diagnostics.clone();
        problems.sort_by_key(|d| d.to_string());
        assert_eq!(problems, problems_of(&loaded, &entry.file.name), "{id}");
        // Links from the index resolve every link as links from the whole KB do.
        let links = catalog.links(entry).unwrap();
        for style in [Style::Text, Style::Site] {
            assert_eq!(
                links.resolve_article(&entry.article, style),
                whole.resolve_article(&entry.article, style),
                "{id} {style:?}"
            );
        }
        for remedy in entry
            .article
            .solutions
            .iter()
            .chain(&entry.article.workarounds)
        {
            assert_eq!(
                links.continues_in(&entry.article, remedy),
                whole.continues_in(&entry.article, remedy)
            );
        }
    }
    assert!(catalog.article("no-such-article").unwrap().is_none());
}

#[test]
fn ids_and_error_codes_find_what_a_full_load_finds() {
    let dir = repo().join("kb");
    let (catalog, loaded, _cache) = both(&dir);
    let mut queries: Vec<String> = vec![
        "SSPR_0029".into(),
        "sspr 0029".into(),
        "Error: 0x80070005 when I sign in".into(),
        "event id 6329".into(),
        "sspr-0029".into(),
        "nothing like a code".into(),
        "".into(),
        // A pasted log longer than the part-by-part lookup.
        format!("{} 0x80070005 {}", "x".repeat(80), "y".repeat(80)),
    ];
    for entry in &loaded.kb.articles {
        queries.push(entry.article.id.to_string());
        queries.extend(entry.article.error_codes.iter().cloned());
    }
    let mut codes_found = 0;
    for query in &queries {
        let expected: Vec<String> = loaded
            .kb
            .find(query)
            .iter()
            .map(|e| e.article.id.to_string())
            .collect();
        let found: Vec<String> = catalog
            .find(query)
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        assert_eq!(found, expected, "`{query}`");
        codes_found += usize::from(!found.is_empty());
    }
    assert!(codes_found > loaded.kb.articles.len(), "{codes_found}");
}

#[test]
fn a_broken_kb_reports_each_file_as_a_full_load_does() {
    for case in [
        "dangling",
        "duplicate-ids",
        "missing-branch",
        "cycle",
        "unreachable",
    ] {
        let dir = repo().join("tests/fixtures/check").join(case);
        let (catalog, loaded, _cache) = both(&dir);
        for entry in &loaded.kb.articles {
            let id = entry.article.id.as_str();
            let single = catalog.article(id).unwrap().unwrap();
            // A duplicate id reads the first file, as `Kb::get` does.
            let first = &loaded.kb.get(id).unwrap().file.name;
            assert_eq!(&single.kb.articles[0].file.name, first, "{case}/{id}");
            if *first != entry.file.name {
                continue;
            }
            let mut problems = single.diagnostics.clone();
            problems.sort_by_key(|d| d.to_string());
            assert_eq!(
                problems,
                problems_of(&loaded, &entry.file.name),
                "{case}/{id}"
            );
        }
    }
}

#[test]
fn a_file_changed_since_indexing_is_read_as_it_is_now() {
    let kb = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(repo().join("kb/sspr-0029.yaml")).unwrap();
    std::fs::write(kb.path().join("a.yaml"), &source).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let (catalog, _) = Catalog::open(KbSource::Dir(kb.path()), cache.path()).unwrap();
    // Edited in place: the id now differs from what the index says the file holds.
    let renamed = source.replacen("id: sspr-0029", "id: sspr-0029-renamed", 1);
    assert_ne!(renamed, source);
    std::fs::write(kb.path().join("a.yaml"), &renamed).unwrap();
    assert!(catalog.article("sspr-0029").unwrap().is_none());
    // Edited content under the same id is read fresh.
    let retitled = source.replacen("title: ", "title: Edited ", 1);
    std::fs::write(kb.path().join("a.yaml"), &retitled).unwrap();
    let single = catalog.article("sspr-0029").unwrap().unwrap();
    assert!(single.kb.articles[0].article.title.starts_with("Edited "));
    // A file removed since is a problem of that file, not a panic.
    std::fs::remove_file(kb.path().join("a.yaml")).unwrap();
    let gone = catalog.article("sspr-0029").unwrap();
    assert!(gone.is_none_or(|g| g.kb.articles.is_empty() && !g.diagnostics.is_empty()));
}

#[test]
fn a_catalog_over_a_full_load_answers_the_same() {
    let dir = repo().join("kb");
    let (catalog, loaded, _cache) = both(&dir);
    let slow = Catalog::from_loaded(loaded.clone());
    for entry in loaded.kb.articles.iter().take(20) {
        let id = entry.article.id.as_str();
        let a = catalog.article(id).unwrap().unwrap();
        let b = slow.article(id).unwrap().unwrap();
        assert_eq!(a.kb.articles[0].article, b.kb.articles[0].article);
        assert_eq!(a.diagnostics, b.diagnostics, "{id}");
        assert_eq!(catalog.find(id).unwrap(), slow.find(id).unwrap());
    }
    let fast = catalog.search("password writeback", 3).unwrap();
    let whole = slow.search("password writeback", 3).unwrap();
    let ids = |r: &Results| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&fast), ids(&whole));
}

#[test]
fn a_file_name_several_articles_have_leads_nowhere_as_in_the_whole_kb() {
    let seed = load::load_embedded();
    let template = seed.kb.get("sspr-0029").unwrap().article.clone();
    let kb = tempfile::tempdir().unwrap();
    let write = |id: &str, path: &str, text: &str| {
        let mut article = template.clone();
        article.id = crate::model::ArticleId(id.to_owned());
        article.source.as_mut().unwrap().path = Some(path.to_owned());
        article.source.as_mut().unwrap().url = None;
        article.references.clear();
        article.summary = text.to_owned();
        std::fs::write(
            kb.path().join(format!("{id}.yaml")),
            load::to_yaml(&article),
        )
        .unwrap();
    };
    // `x.md` alone is ambiguous (two folders have one); `../b/x.md` names one of them.
    write(
        "a",
        "a/a.md",
        "See [x](x.md), [b's x](../b/x.md) and [y](y.md).",
    );
    write("b", "b/x.md", "One x.");
    write("c", "c/x.md", "Another x.");
    write("d", "d/y.md", "The only y.");
    let (catalog, loaded, _cache) = both(kb.path());
    let whole = Links::new(&loaded.kb, None);
    let entry = loaded.kb.get("a").unwrap();
    let article = &entry.article;
    let links = catalog.links(entry).unwrap();
    let alone = links.resolve_article(article, Style::Site);
    assert_eq!(alone, whole.resolve_article(article, Style::Site));
    assert!(alone.summary.contains("See x,"), "{}", alone.summary);
    assert!(
        alone.summary.contains("(../articles/b.html)"),
        "{}",
        alone.summary
    );
    assert!(
        alone.summary.contains("(../articles/d.html)"),
        "{}",
        alone.summary
    );
}
