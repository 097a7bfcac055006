//! Any bytes as a KB file: loading, checking, solving and rendering never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = fixpath::load::load_sources(vec![("fuzz.yaml".to_owned(), data.to_vec())]);
    let diagnostics = fixpath::check(&loaded);
    for diagnostic in &diagnostics {
        let _ = diagnostic.to_string();
    }
    if let Some(entry) = loaded.kb.articles.first() {
        let article = &entry.article;
        let graph = fixpath::graph::DecisionGraph::build(article);
        let _ = graph.cycles();
        let _ = graph.unreachable();
        if diagnostics.iter().all(|d| !d.is_error()) {
            let _ = fixpath::solve::solve(article, &graph, &fixpath::solve::Facts::new());
            let renderer = fixpath::render::Renderer::new(None).unwrap();
            let _ = renderer.render_article(article, fixpath::render::Format::Html, None);
        }
    }
});
