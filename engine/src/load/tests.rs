use super::*;

/// Loads one file and lists its diagnostics as `line:column code: message`.
fn check(text: &str) -> String {
    let loaded = load_sources(vec![("article.yaml".to_owned(), text.as_bytes().to_vec())]);
    crate::check(&loaded)
        .iter()
        .map(|d| match d.span {
            Some(span) => format!(
                "{}:{} {}: {}",
                span.line,
                span.column,
                d.code.as_str(),
                d.message
            ),
            None => format!("- {}: {}", d.code.as_str(), d.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const MINIMAL: &str = "id: a\ntitle: T\nentry: c\ncauses:\n  - id: c\n    title: C\n    solutions: [s]\nsolutions:\n  - id: s\n    title: S\n";

#[test]
fn minimal_article_loads_clean() {
    assert_eq!(check(MINIMAL), "");
}

#[test]
fn spans_count_characters_after_non_ascii_text() {
    let text = MINIMAL
        .replace("title: T", "title: Ünïcödé ✓")
        .replace("solutions: [s]", "solutions: [s, ghost]");
    insta::assert_snapshot!(check(&text), @"7:20 dangling-reference: cause `c` lists the solution `ghost`, which is not a node of this article");
    let loaded = load_sources(vec![("a.yaml".to_owned(), text.as_bytes().to_vec())]);
    let span = loaded.diagnostics[0].span.unwrap();
    assert_eq!(&text[span.offset..span.offset + span.len], "ghost");
}

#[test]
fn every_schema_error_in_a_file_is_reported() {
    let text = "id: a\ntitle: T\nentry: c\nquestions:\n  - id: q\n    text: Q\n    answers: nope\n  - id: r\n    text: R\n    answers: 3\ncauses:\n  - id: c\n    title: C\n    solutions: [s]\n    colour: red\nsolutions:\n  - id: s\n    title: S\n";
    insta::assert_snapshot!(check(text), @r#"
    7:14 schema: `questions[0].answers`: invalid type: string "nope", expected a sequence
    10:14 schema: `questions[1].answers`: invalid type: integer `3`, expected a sequence
    15:5 unknown-field: unknown field `causes[0].colour`; expected one of `id`, `title`, `text`, `steps`, `after`, `solutions`, `workarounds`, `then`, `likelihood`
    "#);
}

#[test]
fn missing_required_fields_are_named() {
    insta::assert_snapshot!(check("id: a\nentry: c\n"), @"1:1 schema: the article is missing the required field `title`");
}

#[test]
fn a_top_level_list_is_not_an_article() {
    insta::assert_snapshot!(check("- one\n- two\n"), @"1:1 schema: expected an article: a mapping with at least id, title and entry");
}

#[test]
fn aliases_cannot_blow_up_memory() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = level - 1;
        text.push_str(&format!("a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"));
    }
    let report = check(&text);
    assert!(
        report.contains("syntax") || report.contains("schema"),
        "{report}"
    );
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let text = format!("\u{feff}{}", MINIMAL.replace('\n', "\r\n"));
    assert_eq!(check(&text), "");
}

#[test]
fn yes_no_questions_need_both_answers_and_no_others() {
    let text = MINIMAL.replace(
        "causes:",
        "questions:\n  - id: q\n    text: Q\n    answers:\n      - value: \"yes\"\n        goto: c\n      - value: maybe\n        goto: c\ncauses:",
    )
    .replace("entry: c", "entry: q");
    insta::assert_snapshot!(check(&text), @r"
    8:7 missing-branch: yes/no question `q` has no `no` answer
    8:7 schema: yes/no question `q` has other answers (maybe); use `kind: choice` for those
    ");
}
