use super::*;

/// Imports Markdown and describes the draft's shape in one line per node.
fn check(markdown: &str) -> String {
    let options = ImportOptions {
        source_path: "area/example-article.md".to_owned(),
        ..ImportOptions::default()
    };
    let imported = match import_markdown(markdown.as_bytes(), &options) {
        Ok(imported) => imported,
        Err(error) => return format!("error: {error}"),
    };
    let article = &imported.article;
    let mut out = vec![format!(
        "{} | {} | entry={}",
        article.id,
        article.title,
        article.entry.as_ref().map_or("-", |e| e.as_str())
    )];
    if !article.error_codes.is_empty() {
        out.push(format!("codes: {}", article.error_codes.join(", ")));
    }
    for symptom in &article.symptoms {
        out.push(format!(
            "symptom {}: {} steps",
            symptom.id,
            symptom.steps.len()
        ));
    }
    for cause in &article.causes {
        let fixes: Vec<String> = cause
            .solutions
            .iter()
            .chain(&cause.workarounds)
            .map(ToString::to_string)
            .collect();
        out.push(format!(
            "{}: {} -> {}",
            cause.id,
            cause.title,
            fixes.join(", ")
        ));
    }
    for remedy in article.solutions.iter().chain(&article.workarounds) {
        let design = if remedy.by_design { " (by design)" } else { "" };
        out.push(format!(
            "{}: {}{design}, {} steps",
            remedy.id,
            remedy.title,
            remedy.steps.len()
        ));
    }
    for note in &article.notes {
        out.push(format!("note: {}", note.lines().next().unwrap_or_default()));
    }
    for note in &imported.notes {
        out.push(format!("mapping: {note}"));
    }
    out.join("\n")
}

#[test]
fn numbered_causes_with_nested_solutions_and_workarounds() {
    let markdown = "---\ntitle: Front title\nms.date: 01/02/2023\n---\n# H1 title\n\n## Symptoms\n\nIt fails with `0x80070005`.\n\n## Cause 1: First reason\n\nBecause.\n\n### Solution: None (behavior is by design)\n\nNothing to do.\n\n## Cause 2: Second reason\n\nAlso because.\n\n### Solution 1: Fix it\n\n1. Do this.\n1. Then that.\n\n### Solution 2: Or this\n\nRun it.\n\n### Workaround: Avoid it\n\nAvoid.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | Front title | entry=which-cause
    codes: 0x80070005
    symptom symptoms: 0 steps
    cause-1: First reason -> solution-1
    cause-2: Second reason -> solution-2, solution-3, workaround-1
    solution-1: None (behavior is by design) (by design), 0 steps
    solution-2: Fix it, 2 steps
    solution-3: Or this, 0 steps
    workaround-1: Avoid it, 0 steps
    ");
}

#[test]
fn single_cause_with_resolution_methods_goes_straight_to_the_cause() {
    let markdown = "# Error 3156 when restoring\n\n## Symptoms\n\nMsg 3156 appears.\n\n## Cause\n\nThe path is wrong.\n\n## Resolution\n\nUse the following methods.\n\n### Method 1\n\nFix the path.\n\n### Method 2\n\nMove the file.\n\n## More information\n\nDetails.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | Error 3156 when restoring | entry=cause-1
    codes: 3156
    symptom symptoms: 0 steps
    cause-1: The path is wrong. -> solution-1, solution-2
    solution-1: Method 1, 0 steps
    solution-2: Method 2, 0 steps
    note: ## More information
    mapping: no front matter: title and dates come from the body
    ");
}

#[test]
fn resolutions_for_numbered_causes_and_alternative_causes() {
    let markdown = "# Two causes\n\n## Cause 1\n\nOne.\n\n## Cause 2\n\nTwo.\n\n## Resolution for cause 2\n\nFix two.\n\n## Resolution for cause 1\n\nFix one.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | Two causes | entry=which-cause
    cause-1: One. -> solution-1
    cause-2: Two. -> solution-2
    solution-1: Resolution for cause 1, 0 steps
    solution-2: Resolution for cause 2, 0 steps
    mapping: no front matter: title and dates come from the body
    ");
    let markdown = "# Alternatives\n\n## Symptoms\n\nBroken.\n\n## Cause\n\nThis issue occurs for any of the following reasons:\n\n- The disk is full.\n- The service is stopped.\n\n## Workaround\n\nTo work around this issue, use one of the following methods:\n\n- Free some space.\n- Start the service.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | Alternatives | entry=which-cause
    symptom symptoms: 0 steps
    cause-1: The disk is full. -> workaround-1
    cause-2: The service is stopped. -> workaround-2
    workaround-1: Free some space., 0 steps
    workaround-2: Start the service., 0 steps
    mapping: no front matter: title and dates come from the body
    ");
}

#[test]
fn issue_groups_and_implied_causes() {
    let markdown = "# ARR\n\n## Issue 1: Affinity fails\n\nClients lose affinity.\n\n### Cause for Issue 1\n\nCookies.\n\n### Resolution for Issue 1\n\nSet the cookie.\n\n## Issue 2: Names\n\nNames are ignored.\n\n### Cause for Issue 2\n\nBy design.\n\n### Resolution for Issue 2\n\nUse a rule.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | ARR | entry=which-cause
    cause-1: Cookies. -> solution-1
    cause-2: By design. -> solution-2
    solution-1: Resolution for Issue 1, 0 steps
    solution-2: Resolution for Issue 2, 0 steps
    mapping: no front matter: title and dates come from the body
    ");
    let markdown = "---\ntitle: No cause given\n---\n## Symptoms\n\nIt breaks.\n\n## Resolution\n\nRestart it.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | No cause given | entry=cause-1
    symptom symptoms: 0 steps
    cause-1: Cause not stated in the source article -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no Cause section: one cause is implied
    ");
}

#[test]
fn informational_articles_have_no_entry_and_unknown_sections_become_notes() {
    let markdown = "---\ntitle: A notice\n---\n# A notice\n\nThis feature is retired.\n\n## Timeline\n\nIn 2025.\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | A notice | entry=-
    note: ## Timeline
    ");
}

#[test]
fn malformed_empty_and_binary_files() {
    assert_eq!(check(""), "error: the file is empty");
    assert_eq!(check("   \n\n"), "error: the file is empty");
    let options = ImportOptions::default();
    assert_eq!(
        import_markdown(&[0xff, 0xfe, 0x00, 0x41], &options).unwrap_err(),
        ImportError::NotText
    );
    assert_eq!(
        import_markdown(b"PK\x03\x04\x00\x00binary", &options).unwrap_err(),
        ImportError::NotText
    );
    // An unterminated fence, an HTML block, a heading with no text, broken front matter.
    let markdown = "---\ntitle: [unclosed\n---\n# \n\n## Symptoms\n\n<div onclick=\"x()\">raw html</div>\n\n```powershell\nGet-Thing\n";
    insta::assert_snapshot!(check(markdown), @r"
    example-article | example article | entry=cause-1
    symptom symptoms: 0 steps
    cause-1: Cause not stated in the source article -> 
    mapping: front matter is not valid YAML (did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 8); it was ignored
    mapping: no title in front matter or an H1: the file name is used
    mapping: no Cause section: one cause is implied
    ");
}

#[test]
fn every_imported_draft_loads_back_without_errors() {
    let markdown = "# T\n\n## Symptoms\n\nX fails: `0x1`.\n\n## Cause 1: A\n\nA.\n\n### Solution\n\n1. One\n1. Two\n\n## Cause 2: B\n\nB.\n\n### Workaround\n\nW.\n";
    let imported = import_markdown(
        markdown.as_bytes(),
        &ImportOptions {
            source_path: "x.md".into(),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    let yaml = crate::load::to_yaml(&imported.article);
    let loaded = crate::load::load_sources(vec![("x.yaml".to_owned(), yaml.into_bytes())]);
    let problems: Vec<String> = crate::check(&loaded)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(loaded.kb.articles[0].article, imported.article);
}
