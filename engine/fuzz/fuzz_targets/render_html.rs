//! Any text as KB Markdown rendered to HTML: never a panic, and nothing that could run.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use regex::Regex;

/// A tag (text is escaped, so only real markup has a raw `<`) with an event handler, or a
/// script/data URL in an attribute.
static DANGEROUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<[a-z][^>]*\son[a-z]+\s*=|(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):|<(?:script|iframe|img|object|embed)\b"#).unwrap()
});

fuzz_target!(|data: &[u8]| {
    let markdown = String::from_utf8_lossy(data);
    let html = fixpath::render::markdown_to_html(&markdown, "[ref]: javascript:alert(1)");
    assert!(!DANGEROUS.is_match(&html), "{:?} survived in: {html}", DANGEROUS.find(&html));
});
