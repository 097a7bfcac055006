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

/// Loads `dir` three ways (no cache, a cold cache, the cache the cold load wrote) and
/// asserts the same articles and problems each time; returns the cache file.
#[test]
fn shortcuts_are_reached_by_no_answer_and_lead_to_causes_or_fixes() {
    let article = |entry: &str, into: &str, menu_goto: &str| {
        format!(
            "id: a\ntitle: T\nentry: {entry}\nquestions:\n  - id: q\n    text: Q?\n    answers:\n      - {{value: 'yes', goto: c}}\n      - {{value: 'no', goto: {into}}}\n  - id: menu\n    text: Which?\n    kind: choice\n    shortcut: true\n    answers:\n      - {{value: c, goto: {menu_goto}}}\n      - {{value: d, goto: d}}\ncauses:\n  - id: c\n    title: C\n    solutions: [s]\n  - id: d\n    title: D\n    solutions: [s]\nsolutions:\n  - id: s\n    title: S\n"
        )
    };
    // A shortcut beside the walk, nothing leading to it; `escalate` ends a walk.
    assert_eq!(check(&article("q", "d", "c")), "");
    assert_eq!(check(&article("q", "escalate", "c")).lines().count(), 0);
    insta::assert_snapshot!(check(&article("menu", "d", "c")), @r#"
    3:8 schema: the entry `menu` is a shortcut; a shortcut is asked where the planner chooses it, so the walk must start elsewhere
    5:9 unreachable: question `q` cannot be reached from the symptoms: no answer, cause or entry leads to it
    "#);
    insta::assert_snapshot!(check(&article("q", "menu", "c")), @r#"
    9:29 schema: answer `no` of question `q` leads to the shortcut `menu`; a shortcut is asked where the planner chooses it, not reached by an answer
    "#);
    insta::assert_snapshot!(check(&article("q", "d", "q")), @r#"
    15:26 schema: answer `c` of the shortcut `menu` leads to `q`; a shortcut's answers lead to causes, solutions or workarounds
    "#);
    insta::assert_snapshot!(check(&article("q", "d", "escalate")), @r#"
    15:26 schema: answer `c` of the shortcut `menu` leads to `escalate`; a shortcut's answers lead to causes, solutions or workarounds
    "#);
}

fn assert_cache_changes_nothing(dir: &Path, cache_dir: &Path) -> PathBuf {
    let cache = cache_dir.join("parsed.bin");
    let options = LoadOptions {
        parsed_cache: Some(cache.clone()),
        ..LoadOptions::default()
    };
    let plain = load_dir(dir).unwrap();
    let expected = (articles_of(&plain), crate::check(&plain));
    for run in ["cold", "warm"] {
        let cached = load_dir_with(dir, &options).unwrap();
        let got = (articles_of(&cached), crate::check(&cached));
        assert_eq!(got, expected, "{run} cache, {}", dir.display());
    }
    cache
}

/// Each article with its file, as Debug text (a NaN cost is not equal to itself).
fn articles_of(loaded: &Loaded) -> Vec<(String, String)> {
    loaded
        .kb
        .articles
        .iter()
        .map(|e| (e.file.name.clone(), format!("{:?}", e.article)))
        .collect()
}

#[test]
fn the_parsed_cache_changes_no_article_and_no_problem() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs = vec![root.join("kb")];
    for entry in std::fs::read_dir(root.join("tests/fixtures/check")).unwrap() {
        dirs.push(entry.unwrap().path());
    }
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let cache = tempfile::tempdir().unwrap();
        let file = assert_cache_changes_nothing(dir, cache.path());
        if dir.ends_with("kb") {
            let size = std::fs::metadata(&file).unwrap().len();
            assert!(size > 100_000, "the default KB is cached ({size} bytes)");
        }
    }
}

#[test]
fn an_edited_file_is_parsed_again_and_its_problems_found() {
    let kb = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(kb.path().join(name), text).unwrap();
    write("a.yaml", MINIMAL);
    write("b.yaml", &MINIMAL.replace("id: a", "id: b"));
    assert_cache_changes_nothing(kb.path(), cache.path());
    // Same size, same second: only the content tells the edit apart.
    write(
        "b.yaml",
        &MINIMAL
            .replace("id: a", "id: b")
            .replace("title: S", "titel: S"),
    );
    assert_cache_changes_nothing(kb.path(), cache.path());
    let problems = crate::check(&load_dir(kb.path()).unwrap());
    assert!(
        problems
            .iter()
            .any(|d| d.file == "b.yaml" && d.code == Code::Schema),
        "{problems:?}"
    );
    // A copy of a cached file under a new name loads as itself.
    write("c.yaml", &MINIMAL.replace("id: a", "id: c"));
    std::fs::remove_file(kb.path().join("a.yaml")).unwrap();
    assert_cache_changes_nothing(kb.path(), cache.path());
}

#[test]
fn a_warm_load_takes_unchanged_files_from_the_cache() {
    let kb = tempfile::tempdir().unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    std::fs::write(kb.path().join("a.yaml"), MINIMAL).unwrap();
    let path = cache_dir.path().join("parsed.bin");
    // A cache that says this text holds another title: a warm load believes it.
    let mut forged: Article = serde_yaml::from_str(MINIMAL).unwrap();
    forged.title = "Read from the cache".to_owned();
    cache::ParsedCache::open(&path).save(&[cache::Entry::New(
        cache::key(MINIMAL),
        cache::encode(&forged).unwrap(),
    )]);
    let options = LoadOptions {
        parsed_cache: Some(path),
        ..LoadOptions::default()
    };
    let loaded = load_dir_with(kb.path(), &options).unwrap();
    assert_eq!(loaded.kb.articles[0].article.title, "Read from the cache");
}

#[test]
fn nesting_depth_counts_flow_brackets_and_inline_sequences() {
    assert_eq!(nesting_depth("a: 1\nb: 2\n"), (0, 1));
    assert_eq!(nesting_depth("a: 1\r\n  - - - x\r\n"), (3, 2));
    assert_eq!(nesting_depth("a: [[{b: [1]}]]\n"), (4, 1));
    // Brackets in quotes and comments are text; an unclosed one counts on later lines.
    assert_eq!(
        nesting_depth("a: \"[[[[\" # [[[[\nb: '{{{{'\nc: [[\n  [1]]]\n"),
        (3, 4)
    );
    let deep = format!("x: {}{}\n", "[".repeat(200), "]".repeat(200));
    assert_eq!(nesting_depth(&deep), (200, 1));
}
