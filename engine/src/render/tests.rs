use super::*;

#[test]
fn markdown_becomes_safe_html() {
    let html = markdown_to_html(
        "> [!NOTE]\n> Careful.\n\n```powershell\nGet-Thing\n```\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) ![pixel](https://example.com/p.png) [ok](https://example.com/)\n",
        "",
    );
    insta::assert_snapshot!(html, @r#"
    <blockquote class="markdown-alert-note">
    <p>Careful.</p>
    </blockquote>
    <pre><code class="language-powershell">Get-Thing
    </code></pre>


    <p>x <a href="https://example.com/p.png" rel="noopener noreferrer">pixel</a> <a href="https://example.com/" rel="noopener noreferrer">ok</a></p>
    "#);
}

#[test]
fn reference_links_resolve_against_the_article() {
    let html = markdown_to_html(
        "See [the permissions][perm].",
        "\n[perm]: <https://learn.microsoft.com/p>",
    );
    assert_eq!(
        html,
        "<p>See <a href=\"https://learn.microsoft.com/p\" rel=\"noopener noreferrer\">the permissions</a>.</p>\n"
    );
    // A target no page can follow (a source file name left unresolved) keeps its text only.
    let html = markdown_to_html("See [the permissions](permissions.md).", "");
    assert_eq!(html, "<p>See the permissions.</p>\n");
}

#[test]
fn only_safe_urls_reach_an_href() {
    for (link, expected) in [
        (
            "https://learn.microsoft.com/x",
            "https://learn.microsoft.com/x",
        ),
        ("mailto:help@example.com", "mailto:help@example.com"),
        ("../articles/x.html", "../articles/x.html"),
        (
            "password-writeback.md#identify-the-account",
            "password-writeback.md#identify-the-account",
        ),
        ("javascript:alert(1)", "#"),
        ("  JaVaScRiPt:alert(1)", "#"),
        ("java\tscript:alert(1)", "#"),
        ("data:text/html,<script>", "#"),
        ("vbscript:x", "#"),
    ] {
        assert_eq!(safe_url(link.to_owned()), expected, "{link}");
    }
}

/// Inputs the fuzzers found, kept as regression tests.
#[test]
fn fuzz_regressions_render_inert() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("render_html-")
        {
            continue;
        }
        let markdown = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let html = markdown_to_html(&markdown, "[ref]: javascript:alert(1)");
        let tags_with_handlers = html.split('<').skip(1).filter(|tag| {
            let tag = tag
                .split('>')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            tag.split_whitespace()
                .skip(1)
                .any(|attribute| attribute.starts_with("on"))
        });
        assert_eq!(tags_with_handlers.count(), 0, "{}: {html}", path.display());
        seen += 1;
    }
    assert!(seen >= 1);
}

#[test]
fn links_resolve_to_kb_articles_the_base_url_the_article_url_or_text() {
    use crate::links::{Links, Style, Target};
    let loaded = crate::load::load_embedded();
    let links = Links::new(&loaded.kb, Some("https://learn.microsoft.com/"));
    let seed = &loaded.kb.get("sspr-0029").unwrap().article;
    let article = |id: &str, fragment: Option<&str>| Target::Article {
        id: crate::model::ArticleId(id.to_owned()),
        fragment: fragment.map(str::to_owned),
    };
    let cases = [
        // Another article's source file, by path and by name, with an anchor its page has.
        (
            "password-writeback-access-rights-permissions.md#identify-the-ad-ds-connector-account",
            article(
                "password-writeback-access-rights-permissions",
                Some("identify-the-ad-ds-connector-account"),
            ),
        ),
        (
            "../../../windows-server/identity/netuser-netgroup-fails-with-access-denied.md",
            article("netuser-netgroup-fails-with-access-denied", None),
        ),
        // An anchor the target page lacks is dropped, the link kept.
        (
            "password-writeback-access-rights-permissions.md#no-such-section",
            article("password-writeback-access-rights-permissions", None),
        ),
        // Site-root paths against the base URL; relative ones against the article's URL.
        (
            "/windows/security/x",
            Target::Url("https://learn.microsoft.com/windows/security/x".into()),
        ),
        (
            "other-article.md#part",
            Target::Url(
                "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/other-article#part".into(),
            ),
        ),
        (
            "./media/shot.png",
            Target::Url(
                "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/media/shot.png".into(),
            ),
        ),
        ("https://example.com/a", Target::Url("https://example.com/a".into())),
        ("#remote-sam-restricted", Target::Anchor("remote-sam-restricted".into())),
        ("#nowhere", Target::Drop),
        ("javascript:alert(1)", Target::Drop),
        ("", Target::Drop),
    ];
    for (destination, expected) in cases {
        assert_eq!(links.resolve(seed, destination), expected, "{destination}");
    }
    // Without a base URL or an article URL, a site-root path is text.
    let bare = Links::new(&loaded.kb, None);
    assert_eq!(bare.resolve(seed, "/windows/x"), Target::Drop);
    // Rewritten Markdown: inline links, includes gone, no definitions trailing.
    let text = links.rewrite(
        seed,
        "See [the permissions][access-rights-permissions] and [x](/a).\n\n[!INCLUDE [Help](../includes/help.md)]",
        Style::Site,
    );
    assert_eq!(
        text.trim_end(),
        "See [the permissions](../articles/password-writeback-access-rights-permissions.html) and [x](<https://learn.microsoft.com/a>)."
    );
}

#[test]
fn every_group_gets_a_page_of_its_own() {
    let loaded = crate::load::load_embedded();
    let mut kb = crate::load::Kb::default();
    // Names that slug alike, and one with no letters or digits at all.
    for (index, product) in ["Other", "other!", "··", "—"].iter().enumerate() {
        let mut entry = loaded.kb.articles[index].clone();
        entry.article.product = Some((*product).to_owned());
        entry.article.area = None;
        kb.articles.push(entry);
    }
    let pages = std::sync::Mutex::new(Vec::new());
    let written = Renderer::new(None)
        .unwrap()
        .render_site(&kb, &|page: site::Page| {
            pages.lock().unwrap().push(page);
            Ok(())
        })
        .unwrap();
    let mut groups: Vec<&str> = written
        .iter()
        .filter(|p| p.starts_with("groups/"))
        .map(String::as_str)
        .collect();
    groups.sort_unstable();
    assert_eq!(
        groups,
        [
            "groups/group-1.html",
            "groups/group.html",
            "groups/other-1.html",
            "groups/other.html"
        ]
    );
    let pages = pages.into_inner().unwrap();
    assert_eq!(pages.len(), written.len());
    for entry in &kb.articles {
        let link = format!("../articles/{}.html", entry.article.id);
        let on = pages
            .iter()
            .filter(|p| p.path.starts_with("groups/") && p.text.contains(&link))
            .count();
        assert_eq!(on, 1, "{} is on {on} group pages", entry.article.id);
    }
}

#[test]
fn the_quick_filters_never_skip_a_fragment_with_a_heading_or_a_link() {
    let loaded = crate::load::load_embedded();
    let mut samples: Vec<String> = loaded
        .kb
        .articles
        .iter()
        .flat_map(|e| e.article.texts().into_iter().map(str::to_owned))
        .collect();
    samples.extend(
        [
            "Title\n=====",
            "Text\n---",
            "> # Quoted heading",
            "- ## In a list item",
            "1. # In a numbered item",
            "   ### Indented three",
            "Para\n  ===",
            "See [x]\n\n[x]: https://example.com",
            "<https://example.com>",
        ]
        .map(str::to_owned),
    );
    let (mut headings, mut links) = (0, 0);
    for text in &samples {
        if !crate::text::heading_texts(text).is_empty() {
            headings += 1;
            assert!(
                crate::links::might_hold_heading(text),
                "heading missed in {text:?}"
            );
        }
        let parsed =
            pulldown_cmark::Parser::new_ext(text, crate::text::markdown_options()).any(|e| {
                matches!(
                    e,
                    pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { .. })
                )
            });
        if parsed {
            links += 1;
            assert!(
                crate::links::might_hold_link(text, ""),
                "link missed in {text:?}"
            );
        }
    }
    assert!(
        headings > 20 && links > 100,
        "{headings} headings, {links} links"
    );
}
