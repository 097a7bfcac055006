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
    let source = if links.is_empty() {
        markdown.to_owned()
    } else {
        format!("{markdown}\n{links}\n")
    };
    let mut in_image = false;
    let events = Parser::new_ext(&source, markdown_options()).filter_map(|event| match event {
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            in_image = true;
            Some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Image) => {
            in_image = false;
            Some(Event::End(TagEnd::Link))
        }
        Event::Start(Tag::MetadataBlock(_)) | Event::End(TagEnd::MetadataBlock(_)) => None,
        other => {
            let _ = in_image;
            Some(other)
        }
    });
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitizer().clean(&html).to_string()
}

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
        .link_rel(Some("noopener noreferrer"));
    builder
}
