//! Markdown fragments to safe HTML: pulldown-cmark, then ammonia.

use std::collections::HashSet;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::text::markdown_options;

/// Converts a Markdown fragment to sanitised HTML.
///
/// `links` holds the article's link definitions so reference-style links resolve. Images
/// become links to the image (pages load nothing remote); raw HTML is sanitised: no script,
/// event handlers, `javascript:` URLs, frames, forms or styles survive.
pub fn markdown_to_html(markdown: &str, links: &str) -> String {
    let key = (markdown.to_owned(), links.to_owned());
    if let Some(html) = RECENT.with(|recent| recent.borrow().get(&key).cloned()) {
        return html;
    }
    let html = convert(markdown, links);
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if recent.len() >= 512 {
            recent.clear();
        }
        recent.insert(key, html.clone());
    });
    html
}

thread_local! {
    /// The fragments of the article being rendered on this thread, converted.
    static RECENT: std::cell::RefCell<std::collections::HashMap<(String, String), String>> =
        std::cell::RefCell::default();
}

/// Starts a new article on this thread: an article's page and its troubleshooter show the
/// same fragments, so each is converted once per article (never across articles).
pub(crate) fn start_article() {
    RECENT.with(|recent| recent.borrow_mut().clear());
}

fn convert(markdown: &str, links: &str) -> String {
    let source = if links.is_empty() {
        markdown.to_owned()
    } else {
        format!("{markdown}\n{links}\n")
    };
    let mut in_image = false;
    // Links that lead nowhere a page can follow lose their target and keep their text.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(&source, markdown_options()).filter_map(|event| match event {
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let works = is_working_target(dest_url);
            dropped.push(!works);
            works.then_some(event)
        }
        Event::End(TagEnd::Link) => {
            if dropped.pop().unwrap_or(false) {
                None
            } else {
                Some(event)
            }
        }
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            in_image = true;
            let works = is_working_target(&dest_url);
            dropped.push(!works);
            works.then_some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            if dropped.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        Event::Start(Tag::MetadataBlock(_)) | Event::End(TagEnd::MetadataBlock(_)) => None,
        other => {
            let _ = in_image;
            Some(other)
        }
    });
    // Headings get the anchors the source's links use (`#required-permissions-...`).
    // The heading texts come from the events already parsed, not from a second parse.
    let mut events: Vec<Event<'_>> = events.collect();
    let mut texts: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for event in &events {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => texts.extend(current.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = current.as_mut() {
                    heading.push_str(text);
                }
            }
            _ => {}
        }
    }
    let mut next_slug = crate::links::unique_slugs(texts).into_iter();
    for event in &mut events {
        if let Event::Start(Tag::Heading { id, .. }) = event
            && id.is_none()
            && let Some(slug) = next_slug.next()
        {
            *id = Some(slug.into());
        }
    }
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    SANITIZER.clean(&html).to_string()
}

/// Built once: a sanitiser's allow-lists are costly to build for every fragment.
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> =
    std::sync::LazyLock::new(sanitizer);

fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    let alerts: HashSet<&str> = [
        "markdown-alert-note",
        "markdown-alert-tip",
        "markdown-alert-important",
        "markdown-alert-warning",
        "markdown-alert-caution",
    ]
    .into_iter()
    .collect();
    builder
        .rm_tags(["img"])
        .add_allowed_classes("blockquote", alerts)
        .add_allowed_classes(
            "code",
            [
                "language-console",
                "language-powershell",
                "language-cmd",
                "language-bash",
                "language-sql",
                "language-json",
                "language-xml",
                "language-yaml",
                "language-text",
                "language-output",
                "language-azurecli",
                "language-csharp",
            ],
        )
        .add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .attribute_filter(|_, attribute, value| {
            // Links were resolved before rendering; what is left relative in raw HTML
            // (an `<a href>` in the article's text) leads nowhere in a generated page.
            if matches!(attribute, "href" | "src") && !is_working_target(value) {
                return None;
            }
            Some(value.into())
        })
        .link_rel(Some("noopener noreferrer"));
    builder
}

/// Targets a generated page can follow: absolute `http(s)`/`mailto` URLs, anchors, and the
/// site's own article and troubleshooter pages as `Links` writes them.
fn is_working_target(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('#') && lower.len() > 1)
        || lower.starts_with("../articles/")
        || lower.starts_with("../troubleshoot/")
        || lower.starts_with("../media/")
}
