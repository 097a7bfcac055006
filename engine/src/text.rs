//! Text helpers: plain-text views of Markdown (for the search index, and for proving no text
//! was lost), error-code folding, digests.
//!
//! Markdown is parsed with pulldown-cmark; formatting, link targets and front matter are
//! dropped and white space is folded, so the same words compare equal however they were
//! marked up.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The pulldown-cmark options fixpath reads Markdown with everywhere.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_GFM
}

/// An error code reduced to lowercase letters and digits: `SSPR_0029`, `sspr 0029` and
/// `Sspr-0029` all fold to `sspr0029`.
pub fn fold_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The SHA-256 of some bytes, as lowercase hex (import headers, index folder names).
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Folds white space (including no-break spaces) to single spaces and trims.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The text of a Markdown fragment as one normalized string.
pub fn plain_text(markdown: &str) -> String {
    normalize(&blocks(markdown).join(" "))
}

/// The text blocks of a Markdown document, each normalized: every heading, paragraph,
/// list item's own text, table cell row and code block (front matter left out).
pub fn blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut in_metadata = false;
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        let block = normalize(current);
        if !block.is_empty() {
            blocks.push(block);
        }
        current.clear();
    };
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            _ if in_metadata => {}
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => {
                current.push_str(&text);
            }
            Event::Html(html) | Event::InlineHtml(html) => current.push_str(&html),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::Start(Tag::Item | Tag::TableCell) => {
                flush(&mut current, &mut blocks);
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::HtmlBlock,
            ) => flush(&mut current, &mut blocks),
            Event::End(TagEnd::TableCell) => current.push(' '),
            _ => {}
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

/// The text of every heading in a Markdown document, normalized.
pub fn headings(markdown: &str) -> Vec<String> {
    heading_texts(markdown)
        .iter()
        .map(|h| normalize(h))
        .collect()
}

/// The text of every heading in a Markdown document, as written (inline code kept as text).
pub fn heading_texts(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(text) | Event::Code(text) if current.is_some() => {
                if let Some(heading) = current.as_mut() {
                    heading.push_str(&text);
                }
            }
            _ => {}
        }
    }
    out
}

/// The content blocks of `source` (paragraphs, list items, code blocks, notes; headings
/// and include directives aside) that `held` does not contain, comparing normalized plain
/// text.
pub fn missing_blocks(source: &str, held: &str) -> Vec<String> {
    let held = normalize(held);
    let headings: Vec<String> = headings(source);
    blocks(source)
        .into_iter()
        .filter(|block| !block.contains("[!INCLUDE"))
        .filter(|block| !headings.contains(block))
        .filter(|block| !held.contains(block.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_drop_markup_and_front_matter() {
        let markdown = "---\ntitle: x\n---\n# Head *one*\n\nSome `code` and [a link](http://x).\n\n1. Step\n\n    ```console\n    gpupdate /force\n    ```\n\n> [!NOTE]\n> A   note.\n";
        assert_eq!(
            blocks(markdown),
            [
                "Head one",
                "Some code and a link.",
                "Step",
                "gpupdate /force",
                "A note."
            ]
        );
    }
}
