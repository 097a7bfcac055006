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
