//! The embedded KB against its sources: nothing of a hand-written article's source is lost.

use fixpath::text;

use crate::util::corpus;

/// The source's text blocks that the article does not hold, after normalization.
fn missing_blocks(article: &fixpath::model::Article, source: &str) -> Vec<String> {
    let links = article.link_definitions();
    let held: Vec<String> = article
        .texts()
        .iter()
        .map(|t| text::plain_text(&format!("{t}\n{links}")))
        .collect();
    text::missing_blocks(source, &held.join(" "))
}

#[test]
fn reviewed_articles_hold_every_block_of_their_source() {
    let loaded = fixpath::load::load_embedded();
    let mut compared = 0;
    for entry in &loaded.kb.articles {
        let article = &entry.article;
        if article.status != fixpath::model::Status::Reviewed {
            continue;
        }
        let path = article
            .source
            .as_ref()
            .and_then(|s| s.path.as_deref())
            .expect("reviewed articles name their source");
        let source = std::fs::read_to_string(corpus().join(path)).unwrap();
        let missing = missing_blocks(article, &source);
        assert!(
            missing.is_empty(),
            "{}: source text missing from the YAML:\n{}",
            article.id,
            missing.join("\n")
        );
        compared += 1;
    }
    assert!(compared >= 4, "only {compared} reviewed articles");
}

#[test]
fn the_comparison_notices_a_dropped_step() {
    let loaded = fixpath::load::load_embedded();
    let mut article = loaded.kb.get("sspr-0029").unwrap().article.clone();
    let source =
        std::fs::read_to_string(corpus().join("entra/password-writeback-error-code-sspr-0029.md"))
            .unwrap();
    assert!(missing_blocks(&article, &source).is_empty());
    let dropped = article.solutions[3].steps.remove(8);
    let missing = missing_blocks(&article, &source);
    // The step held a sentence, a command and a note: all three are missed.
    assert!(dropped.contains("Remove-ItemProperty"));
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(
        missing[0].starts_with("To remove the RestrictRemoteSam registry entry"),
        "{missing:?}"
    );
    assert!(
        missing[1].starts_with("Remove-ItemProperty -Path HKLM:"),
        "{missing:?}"
    );
    assert!(
        missing[2].starts_with("If you delete the RestrictRemoteSam registry entry"),
        "{missing:?}"
    );
}
