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

/// A Markdown document as plain text for a ticket that takes no Markdown: no emphasis,
/// code or heading marks; headings underlined, list items as `- ` or `1. ` indented by
/// depth, quotes and code blocks indented, a link as its text with the target after it.
pub fn plain_document(markdown: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    // Per open list: the next number, or `None` for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = 0usize;
    let mut heading = 0usize;
    let mut links: Vec<String> = Vec::new();
    let mut in_code_block = false;
    let prefix_of = |lists: &[Option<u64>], quote: usize| "  ".repeat(lists.len() + quote);
    // Writes the words gathered so far, each line after the first under `prefix`.
    fn write(out: &mut String, line: &mut String, prefix: &str) {
        let text = std::mem::take(line);
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        for (index, part) in text.split('\n').enumerate() {
            if index > 0 {
                out.push('\n');
            }
            if out.is_empty() || out.ends_with('\n') {
                out.push_str(prefix);
            }
            out.push_str(part.trim());
        }
    }
    fn newline(out: &mut String) {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    fn blank(out: &mut String) {
        newline(out);
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                blank(&mut out);
                heading = level as usize;
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = std::mem::take(&mut line).trim().to_owned();
                out.push_str(&text);
                out.push('\n');
                let mark = if heading == 1 { "=" } else { "-" };
                out.push_str(&mark.repeat(text.chars().count().max(3)));
                out.push_str("\n\n");
            }
            // The first paragraph of a list item follows its marker; others stand apart.
            Event::Start(Tag::Paragraph)
                if lists.is_empty() || !(out.ends_with("- ") || out.ends_with(". ")) =>
            {
                blank(&mut out);
            }
            Event::End(TagEnd::Paragraph) => {
                write(&mut out, &mut line, &prefix_of(&lists, quote));
                newline(&mut out);
            }
            Event::Start(Tag::List(start)) => {
                write(&mut out, &mut line, &prefix_of(&lists, quote));
                if lists.is_empty() {
                    blank(&mut out);
                } else {
                    newline(&mut out);
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    blank(&mut out);
                }
            }
            Event::Start(Tag::Item) => {
                newline(&mut out);
                let depth = lists.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth + quote));
                match lists.last_mut() {
                    Some(Some(number)) => {
                        out.push_str(&format!("{number}. "));
                        *number += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) => {
                write(&mut out, &mut line, &prefix_of(&lists, quote));
                newline(&mut out);
            }
            Event::Start(Tag::BlockQuote(_)) => {
                write(&mut out, &mut line, &prefix_of(&lists, quote));
                quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => quote = quote.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => {
                blank(&mut out);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                blank(&mut out);
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop()
                    && !url.is_empty()
                    && !url.starts_with('#')
                    && !line.ends_with(url.as_str())
                {
                    line.push_str(&format!(" ({url})"));
                }
            }
            Event::Text(text) if in_code_block => {
                let prefix = format!("{}    ", prefix_of(&lists, quote));
                for code_line in text.lines() {
                    out.push_str(&prefix);
                    out.push_str(code_line);
                    out.push('\n');
                }
            }
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                line.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak => line.push('\n'),
            Event::Rule => {
                write(&mut out, &mut line, "");
                blank(&mut out);
                out.push_str(&"-".repeat(40));
                out.push_str("\n\n");
            }
            _ => {}
        }
    }
    write(&mut out, &mut line, "");
    let mut text = out.trim_end().to_owned();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_document_keeps_the_structure_and_drops_the_marks() {
        let markdown = "# Transcript: *one*\n\n- Outcome: **fixed**\n- Article: `sspr-0029`\n\n## What we checked\n\n- Is it [the policy](https://x.test/p)? **Yes**\n  (changed from No)\n\n1. First\n2. Second\n\n> quoted\n\nData:\n- A question\n\n  How to find it.\n";
        let text = plain_document(markdown);
        assert_eq!(
            text,
            "Transcript: one\n===============\n\n- Outcome: fixed\n- Article: sspr-0029\n\nWhat we checked\n---------------\n\n- Is it the policy (https://x.test/p)? Yes\n  (changed from No)\n\n1. First\n2. Second\n\n  quoted\n\nData:\n\n- A question\n\n  How to find it.\n"
        );
    }

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
