//! `fixpath render`, `graph` and `site`: snapshots of every template for the seed, every
//! article in every format, no text lost, overrides, and a hostile article that runs nothing.

use std::sync::LazyLock;

use regex::Regex;

use crate::assert_run_snapshot;
use crate::util::{corpus, fixpath, kb_articles, repo_root};

#[test]
fn seed_snapshots_of_every_template() {
    for (name, args) in [
        ("article_md", vec!["render", "sspr-0029"]),
        (
            "article_html",
            vec!["render", "sspr-0029", "--format", "html"],
        ),
        (
            "path_html",
            vec![
                "solve",
                "sspr-0029",
                "-f",
                "protected-admin=yes",
                "--format",
                "html",
            ],
        ),
        ("graph_dot", vec!["graph", "sspr-0029"]),
        (
            "graph_mermaid",
            vec!["graph", "sspr-0029", "--format", "mermaid"],
        ),
    ] {
        let run = fixpath(&args);
        assert_eq!(run.code, 0, "{name}: {run}");
        assert_run_snapshot!(name, run.stdout);
    }
    let svg = fixpath(&["graph", "sspr-0029", "--format", "svg"]);
    assert!(
        svg.stdout.starts_with("<?xml")
            && svg.stdout.contains("<svg")
            && svg.stdout.contains("RestrictRemoteSam")
    );
}

#[test]
fn rendered_markdown_of_every_reviewed_article_carries_all_of_its_source_text() {
    let loaded = fixpath::load::load_embedded();
    let mut checked = 0;
    for entry in &loaded.kb.articles {
        let article = &entry.article;
        if article.status != fixpath::model::Status::Reviewed {
            continue;
        }
        let path = article
            .source
            .as_ref()
            .and_then(|s| s.path.as_deref())
            .unwrap();
        let run = fixpath(&["render", article.id.as_str()]);
        let source = std::fs::read_to_string(corpus().join(path)).unwrap();
        let plain = fixpath::text::plain_text(&run.stdout);
        let missing = fixpath::text::missing_blocks(&source, &plain);
        assert!(missing.is_empty(), "{}: {missing:#?}", article.id);
        if article.id.as_str() == "sspr-0029" {
            // Headings too: "Cause 3: ...", "Solution 2: ..." and "Workaround: ..." as in the source.
            for heading in fixpath::text::headings(&source).iter().skip(1) {
                assert!(plain.contains(heading.as_str()), "heading {heading}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} reviewed articles");
}

#[test]
fn every_article_renders_in_every_format() {
    let loaded = fixpath::load::load_embedded();
    let renderer = fixpath::render::Renderer::new(None).unwrap();
    for entry in &loaded.kb.articles {
        let article = &entry.article;
        for format in [
            fixpath::render::Format::Markdown,
            fixpath::render::Format::Html,
        ] {
            let text = renderer.render_article(article, format, None).unwrap();
            let heading = match format {
                fixpath::render::Format::Markdown => format!("# {}", article.title),
                fixpath::render::Format::Html => "<h1>".to_owned(),
            };
            assert!(text.contains(&heading), "{}", article.id);
        }
        renderer.render_dot(article).unwrap();
        renderer.render_mermaid(article).unwrap();
        if article.entry.is_some() {
            let svg = renderer.render_svg(article).unwrap();
            assert!(svg.contains("<svg"), "{}", article.id);
        }
    }
}

#[test]
fn templates_are_overridden_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("markdown")).unwrap();
    std::fs::write(
        dir.path().join("markdown/article.md.j2"),
        "BRANDED {{ article.title }} with {{ article.causes | length }} causes\n",
    )
    .unwrap();
    let run = fixpath(&[
        "render",
        "sspr-0029",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "BRANDED SSPR_0029 - Your organization hasn't properly set up the on-premises configuration for password reset with 3 causes"
    );
    // The path template was not overridden: it still renders.
    let run = fixpath(&[
        "solve",
        "sspr-0029",
        "-f",
        "protected-admin=yes",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert!(run.stdout.contains("## What we checked"), "{run}");
}

/// Tags with an event-handler attribute, `javascript:` URLs in attributes, and elements
/// that run or load things.
static DANGEROUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<[a-z][^>]*\son[a-z]+\s*=|(?:href|src|action|xlink:href)\s*=\s*["']?\s*(?:javascript|data|vbscript):|<(?:iframe|object|embed|video|audio|form|meta|link|base)\b|<script(?:\s+src)?[^>]*>\s*alert"#).unwrap()
});

/// An inline SVG diagram, which carries its own small stylesheet.
static DIAGRAM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<svg.*?</svg>").unwrap());

/// The scripts a page carries: all must be ours (JSON data, or the one script of the page).
fn foreign_scripts(html: &str) -> Vec<String> {
    let tag = Regex::new(r"(?is)<script([^>]*)>(.*?)</script>").unwrap();
    tag.captures_iter(html)
        // The index's search records are a script file of the site's own.
        .filter(|c| !c[1].contains("application/json") && c[1].trim() != r#"src="search-data.js""#)
        .map(|c| c[2].to_owned())
        .filter(|body| !body.contains("\"use strict\""))
        .collect()
}

#[test]
fn a_hostile_article_renders_inert_everywhere() {
    let kb = repo_root().join("tests/hostile/kb");
    let kb_arg = kb.to_str().unwrap();
    let mut outputs = Vec::new();
    for args in [
        vec!["--kb", kb_arg, "render", "hostile", "--format", "html"],
        vec![
            "--kb", kb_arg, "solve", "hostile", "-f", "q=yes", "--format", "html",
        ],
        vec!["--kb", kb_arg, "graph", "hostile", "--format", "svg"],
    ] {
        let run = fixpath(&args);
        assert_eq!(run.code, 0, "{run}");
        outputs.push(run.stdout);
    }
    let site = tempfile::tempdir().unwrap();
    let run = fixpath(&["--kb", kb_arg, "site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    for page in [
        "index.html",
        "articles/hostile.html",
        "troubleshoot/hostile.html",
    ] {
        outputs.push(std::fs::read_to_string(site.path().join(page)).unwrap());
    }
    // The search records are one JSON value assigned to one global: article text cannot
    // end the value or the statement early.
    let data = std::fs::read_to_string(site.path().join("search-data.js")).unwrap();
    let json = data
        .lines()
        .filter(|l| !l.starts_with("//"))
        .collect::<String>()
        .strip_prefix("window.fixpathSearch = ")
        .and_then(|rest| rest.strip_suffix(';'))
        .map(str::to_owned)
        .expect("one assignment");
    let records: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(records.as_array().map(Vec::len), Some(1), "{records}");
    for page in &outputs {
        // The head holds our own meta and style elements; the article is in the body.
        let html = page
            .split_once("<body>")
            .map_or(page.as_str(), |(_, body)| body);
        assert!(
            !DANGEROUS.is_match(html),
            "dangerous markup: {:?}",
            DANGEROUS.find(html)
        );
        if page.contains("<body>") {
            // The diagram's own stylesheet aside, no style element comes through.
            let without_diagram = DIAGRAM.replace_all(html, "");
            assert!(
                !without_diagram.contains("<style"),
                "a style element from the KB"
            );
        }
        assert!(
            foreign_scripts(html).is_empty(),
            "{:?}",
            foreign_scripts(html)
        );
        assert!(
            !html.contains("https://evil.example/track.png\""),
            "no remote image is loaded"
        );
        // Template syntax in the KB is printed, never evaluated.
        assert!(
            !html.contains(">49<") && !html.contains(" 49 "),
            "{{{{ 7*7 }}}} was evaluated"
        );
    }
    assert!(
        outputs[0].contains("{{ 7*7 }}"),
        "template syntax is shown as text"
    );
    let markdown = fixpath(&["--kb", kb_arg, "render", "hostile"]);
    assert!(
        markdown.stdout.contains("{{ 7*7 }}") && markdown.stdout.contains("{% raw %}"),
        "{markdown}"
    );
}

#[test]
fn the_site_is_self_contained() {
    let site = tempfile::tempdir().unwrap();
    let run = fixpath(&["site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    let pages = walkdir::WalkDir::new(site.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(
        run.stderr.contains(&format!(
            "wrote {pages} pages for {} articles",
            kb_articles()
        )),
        "{run}"
    );
    // The index stays small: each group lists its first articles and links to its own
    // page, which lists them all; every article is on exactly one group page.
    let index = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    let listed = index.matches(r#"<li><a href="articles/"#).count();
    assert!(listed < kb_articles(), "{listed}");
    assert!(
        index.contains("articles in "),
        "a group too long to list links to its page"
    );
    let article_link = Regex::new(r#"href="\.\./articles/([^"]+)\.html""#).unwrap();
    let mut on_group_pages: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(site.path().join("groups")).unwrap() {
        let html = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        on_group_pages.extend(article_link.captures_iter(&html).map(|c| c[1].to_owned()));
    }
    on_group_pages.sort();
    let total = on_group_pages.len();
    on_group_pages.dedup();
    assert_eq!(
        (total, on_group_pages.len()),
        (kb_articles(), kb_articles())
    );
    let remote = Regex::new(r#"(?i)(?:src|href)\s*=\s*["'](?:https?:)?//"#).unwrap();
    for entry in walkdir::WalkDir::new(site.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
    {
        let html = std::fs::read_to_string(entry.path()).unwrap();
        assert!(
            html.contains("Content-Security-Policy"),
            "{}",
            entry.path().display()
        );
        // Links to the sources are fine; nothing is loaded from elsewhere.
        for found in remote.find_iter(&html) {
            assert!(
                found.as_str().starts_with("href"),
                "{}: {}",
                entry.path().display(),
                found.as_str()
            );
        }
        assert!(
            !html.contains("<img") && !html.contains("<link "),
            "{}",
            entry.path().display()
        );
    }
}

#[test]
fn site_page_snapshots() {
    let site = tempfile::tempdir().unwrap();
    // The index of a one-article KB, and the troubleshooter of the seed.
    let small = crate::util::fixture("check/clean-crlf-bom");
    let run = fixpath(&[
        "--kb",
        small.to_str().unwrap(),
        "site",
        site.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
    let index = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    let (_, body) = index.split_once("<body>").unwrap();
    assert_run_snapshot!(
        "site_index_body",
        body.split("<script>").next().unwrap().to_owned()
    );
    let group = std::fs::read_to_string(site.path().join("groups/other.html")).unwrap();
    let (_, body) = group.split_once("<body>").unwrap();
    assert_run_snapshot!("site_group_body", body.to_owned());
    let run = fixpath(&["site", site.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    let page = std::fs::read_to_string(site.path().join("troubleshoot/sspr-0029.html")).unwrap();
    let (_, body) = page.split_once("<body>").unwrap();
    assert_run_snapshot!(
        "site_troubleshooter_body",
        body.split("<script>").next().unwrap().to_owned()
    );
}

/// Attribute text with its character references decoded (`&#x2f;` is `/`).
fn decode_entities(text: &str) -> String {
    let reference = Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);").unwrap();
    reference
        .replace_all(text, |c: &regex::Captures<'_>| {
            let name = &c[1];
            let code = if let Some(hex) = name.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(decimal) = name.strip_prefix('#') {
                decimal.parse().ok()
            } else {
                Some(match name {
                    "amp" => '&' as u32,
                    "lt" => '<' as u32,
                    "gt" => '>' as u32,
                    "quot" => '"' as u32,
                    _ => '\'' as u32,
                })
            };
            code.and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_default()
        })
        .into_owned()
}

/// Every `href` and `src` of every page of a built site: relative ones must name a file of
/// the site (and an `id` on it for a fragment), all others must be absolute web or mail
/// links. Returns the counts (internal, absolute) and the broken ones.
fn check_site_links(site: &std::path::Path) -> (usize, usize, Vec<String>) {
    let attribute = Regex::new(r#"(?i)\s(?:href|src)\s*=\s*"([^"]*)""#).unwrap();
    let ids = Regex::new(r#"\sid\s*=\s*"([^"]*)""#).unwrap();
    let pages: Vec<std::path::PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    let anchors_of = |page: &std::path::Path| -> std::collections::HashSet<String> {
        let html = std::fs::read_to_string(page).unwrap_or_default();
        ids.captures_iter(&html).map(|c| c[1].to_owned()).collect()
    };
    let (mut internal, mut absolute, mut broken) = (0, 0, Vec::new());
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        // Links the troubleshooter script writes are JSON in the page: check those too. The
        // index's search data is shown as text (`textContent`), never as markup: leave it out.
        let shown = match (html.find(r#"id="search-data">"#), html.rfind("</script>")) {
            (Some(start), Some(end)) if start < end => {
                format!("{}{}", &html[..start], &html[end..])
            }
            _ => html.clone(),
        };
        let data = shown.replace("\\u0026", "&").replace("\\\"", "\"");
        for capture in attribute.captures_iter(&data) {
            let target = decode_entities(&capture[1]);
            let lower = target.to_ascii_lowercase();
            if lower.starts_with("https://")
                || lower.starts_with("http://")
                || lower.starts_with("mailto:")
            {
                absolute += 1;
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            let ok =
                file.is_file() && (fragment.is_empty() || anchors_of(&file).contains(fragment));
            if ok {
                internal += 1;
            } else {
                broken.push(format!(
                    "{}: {target}",
                    page.strip_prefix(site).unwrap().display()
                ));
            }
        }
        for leftover in ["[!INCLUDE", "includes/"] {
            assert!(
                !html.contains(leftover),
                "{}: `{leftover}` left in the page",
                page.display()
            );
        }
    }
    (internal, absolute, broken)
}

#[test]
fn every_link_in_the_site_of_the_default_and_the_hostile_kb_works() {
    let hostile = repo_root().join("tests/hostile/kb");
    for kb in [None, Some(hostile.as_path())] {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().to_str().unwrap();
        let run = match kb {
            None => fixpath(&["site", out]),
            Some(dir) => fixpath(&["--kb", dir.to_str().unwrap(), "site", out]),
        };
        assert_eq!(run.code, 0, "{run}");
        let (internal, absolute, broken) = check_site_links(site.path());
        eprintln!(
            "{kb:?}: {internal} internal links, {absolute} absolute, {} broken",
            broken.len()
        );
        assert!(
            broken.is_empty(),
            "{} broken links:\n{}",
            broken.len(),
            broken.join("\n")
        );
        assert!(internal > 0);
    }
}

#[test]
fn markdown_output_has_no_includes_and_no_trailing_link_definitions() {
    for id in [
        "sspr-0029",
        "sspr-009",
        "password-writeback-access-rights-permissions",
    ] {
        let run = fixpath(&["render", id]);
        assert_eq!(run.code, 0, "{run}");
        assert!(!run.stdout.contains("[!INCLUDE"), "{id}: {run}");
        assert!(!run.stdout.contains("includes/"), "{id}: {run}");
        assert!(
            !run.stdout.contains("]: <"),
            "{id}: link definitions left: {run}"
        );
        let relative: Vec<&str> = run
            .stdout
            .split("](")
            .skip(1)
            .filter(|rest| !rest.starts_with("<http") && !rest.starts_with("<mailto"))
            .collect();
        assert!(
            relative.is_empty(),
            "{id}: links left relative: {relative:?}"
        );
    }
}

#[test]
fn images_beside_a_source_are_copied_into_the_kb_and_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let source = crate::util::fixture("images/printer-offline.md");
    let run = fixpath(&[
        "import",
        source.to_str().unwrap(),
        "-o",
        kb.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(kb.join("media/printer-offline/shot.png").is_file(), "{run}");
    let yaml = std::fs::read_to_string(kb.join("the-printer-shows-as-offline.yaml"))
        .or_else(|_| {
            let file = std::fs::read_dir(&kb)
                .unwrap()
                .filter_map(Result::ok)
                .find(|e| e.path().extension().is_some_and(|x| x == "yaml"))
                .unwrap();
            std::fs::read_to_string(file.path())
        })
        .unwrap();
    assert!(yaml.contains("(media/printer-offline/shot.png)"), "{yaml}");
    let site = dir.path().join("site");
    let run = fixpath(&["--kb", kb.to_str().unwrap(), "site", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        site.join("media/printer-offline/shot.png").is_file(),
        "{run}"
    );
    let (internal, _, broken) = check_site_links(&site);
    assert!(broken.is_empty(), "{broken:?}");
    assert!(internal > 0);
    // The missing picture keeps its alt text and has no target; no <img> in any page.
    let pages: String = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(pages.contains("a missing picture"));
    assert!(!pages.contains("<img"));
}

#[test]
fn no_markdown_output_of_any_article_holds_an_include_or_a_source_link() {
    let loaded = fixpath::load::load_embedded();
    let links = fixpath::links::Links::new(&loaded.kb, loaded.kb.config.base_url.as_deref());
    let renderer = fixpath::render::Renderer::new(None).unwrap();
    for entry in &loaded.kb.articles {
        let article = links.resolve_article(&entry.article, fixpath::links::Style::Text);
        let markdown = renderer
            .render_article(&article, fixpath::render::Format::Markdown, None)
            .unwrap();
        for leftover in ["[!INCLUDE", "includes/", ".md)", ".md#"] {
            assert!(
                !markdown.contains(leftover),
                "{}: `{leftover}` left in the Markdown",
                article.id
            );
        }
    }
}
