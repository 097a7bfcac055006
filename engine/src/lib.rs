//! fixpath: troubleshooting articles as decision graphs.
//!
//! # Brief overview
//!
//! A KB is a directory of YAML articles. Each [`model::Article`] holds symptoms, questions,
//! causes, solutions and workarounds, and the edges between them. The modules read as the
//! pipeline:
//!
//! - [`model`]: the plain serde data of the format;
//! - [`load`]: YAML files (or the embedded `kb/`) into a [`load::Kb`], with a
//!   [`Diagnostic`] for every problem, each with file, line and column;
//! - [`catalog`]: one article of a large KB through the search index, at the cost of that
//!   article (its file, its problems, what its links lead to);
//! - [`graph`]: one article as a petgraph [`graph::DecisionGraph`]; cycles and reachability;
//! - [`solve`]: [`solve::Facts`] (answers to questions) into a [`solve::Resolution`]: the
//!   cause and its fixes, or the causes still possible and the next question;
//! - [`render`]: articles and resolution paths as Markdown or HTML through minijinja templates.
//!
//! ```
//! use fixpath::graph::DecisionGraph;
//! use fixpath::solve::{Facts, solve};
//!
//! let loaded = fixpath::load::load_embedded();
//! assert!(fixpath::check(&loaded).iter().all(|d| !d.is_error()));
//! let article = &loaded.kb.get("sspr-0029").unwrap().article;
//! let facts = Facts::parse(["protected-admin=yes"]).unwrap();
//! let resolution = solve(article, &DecisionGraph::build(article), &facts).unwrap();
//! assert_eq!(resolution.cause().unwrap().cause.as_str(), "protected-admin-account");
//! let markdown = fixpath::render::Renderer::new(None)
//!     .unwrap()
//!     .render_path(article, &resolution, &Default::default(), fixpath::render::Format::Markdown)
//!     .unwrap();
//! assert!(markdown.contains("None (behavior is by design)"));
//! ```

pub mod catalog;
pub mod diagnostic;
pub mod error;
pub mod graph;
pub mod import;
pub mod learn;
pub mod learned;
pub mod links;
pub mod load;
pub mod model;
pub mod render;
pub mod search;
pub mod session;
pub mod solve;
pub mod text;

pub use diagnostic::{Diagnostic, Severity};
pub use error::{Error, Result};

/// Every problem in a loaded KB: the loader's diagnostics plus the graph checks.
///
/// Errors come before warnings; within each, the order is file, then position.
pub fn check(loaded: &load::Loaded) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let mut diagnostics = loaded.diagnostics.clone();
    let links = links::Links::new(&loaded.kb, loaded.kb.config.base_url.as_deref());
    // Each article's graph and links are checked on their own, on every core.
    let found: Vec<Vec<Diagnostic>> = loaded
        .kb
        .articles
        .par_iter()
        .map(|entry| {
            let mut found = Vec::new();
            graph::check_article(entry, &mut found);
            links.check(entry, &mut found);
            found
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    if let Some(learned) = &loaded.kb.learned {
        diagnostics.extend(learned.check(learn::FILE_NAME, |id| {
            loaded.kb.get(id.as_str()).map(|e| e.article.clone())
        }));
    }
    diagnostics.sort_by(|a, b| {
        let position = |d: &Diagnostic| d.span.map_or(0, |s| s.offset);
        (a.severity, &a.file, position(a)).cmp(&(b.severity, &b.file, position(b)))
    });
    diagnostics
}

/// The embedded KB, loaded once for every unit test that reads it.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::OnceLock;

    use crate::load::{Loaded, load_embedded};
    use crate::model::Article;

    /// The embedded KB.
    pub(crate) fn kb() -> &'static Loaded {
        static KB: OnceLock<Loaded> = OnceLock::new();
        KB.get_or_init(load_embedded)
    }

    /// Its articles with a graph to walk.
    pub(crate) fn walkable() -> Vec<&'static Article> {
        kb().kb
            .articles
            .iter()
            .map(|e| &e.article)
            .filter(|a| a.entry.is_some())
            .collect()
    }
}
