//! Any text as KB Markdown rendered to HTML: never a panic, and nothing that could run.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let markdown = String::from_utf8_lossy(data);
    let html = fixpath::render::markdown_to_html(&markdown, "[ref]: javascript:alert(1)");
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script survived: {html}");
    assert!(!lower.contains("<iframe"), "iframe survived: {html}");
    assert!(!lower.contains("<img"), "an image (a remote load) survived: {html}");
    for attribute in ["href=\"javascript:", "src=\"javascript:", " onerror=", " onload=", " onclick="] {
        assert!(!lower.contains(attribute), "{attribute} survived: {html}");
    }
});
