//! How long the helpdesk waits: loading the embedded KB, building a graph, solving, rendering.
//!
//! Run with `cargo bench -p fixpath-engine --bench solve`.

use criterion::{Criterion, criterion_group, criterion_main};
use fixpath::graph::DecisionGraph;
use fixpath::render::{Format, Renderer};
use fixpath::solve::{Facts, solve};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let loaded = fixpath::load::load_embedded();
    let article = &loaded
        .kb
        .get("sspr-0029")
        .expect("the seed is embedded")
        .article;
    let graph = DecisionGraph::build(article);
    let deepest = Facts::parse([
        "protected-admin=no",
        "event-6329-access-denied=yes",
        "restrict-remote-sam-present=yes",
        "keep-sam-policy=no",
    ])
    .unwrap();
    let unknown = Facts::parse(["protected-admin=no", "event-6329-access-denied=unknown"]).unwrap();

    let nothing = Facts::new();
    let partial = Facts::parse(["event-6329-access-denied=yes"]).unwrap();
    c.bench_function(
        "solve sspr-0029 no facts (planner weighs every question)",
        |b| b.iter(|| solve(black_box(article), black_box(&graph), black_box(&nothing)).unwrap()),
    );
    c.bench_function("solve sspr-0029 one fact from the middle", |b| {
        b.iter(|| solve(black_box(article), black_box(&graph), black_box(&partial)).unwrap())
    });
    let network = fixpath::solve::Network::new(article, &graph);
    c.bench_function(
        "solve sspr-0029 no facts, network kept (a session step)",
        |b| b.iter(|| network.solve(black_box(&nothing)).unwrap()),
    );
    c.bench_function("solve sspr-0029 deepest path", |b| {
        b.iter(|| solve(black_box(article), black_box(&graph), black_box(&deepest)).unwrap())
    });
    c.bench_function("solve sspr-0029 with don't know", |b| {
        b.iter(|| solve(black_box(article), black_box(&graph), black_box(&unknown)).unwrap())
    });
    c.bench_function("build graph sspr-0029", |b| {
        b.iter(|| DecisionGraph::build(black_box(article)))
    });
    c.bench_function("load embedded KB", |b| b.iter(fixpath::load::load_embedded));
    let renderer = Renderer::new(None).unwrap();
    let resolution = solve(article, &graph, &deepest).unwrap();
    c.bench_function("render path markdown", |b| {
        b.iter(|| {
            renderer
                .render_path(
                    black_box(article),
                    black_box(&resolution),
                    &Default::default(),
                    Format::Markdown,
                )
                .unwrap()
        })
    });
}

criterion_group!(solve_benches, benches);
criterion_main!(solve_benches);
