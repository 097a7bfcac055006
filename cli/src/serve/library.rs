//! The KB as the server holds it: the search index, and the articles sessions use, each
//! prepared once (links resolved, revision and continuations computed) and kept.
//!
//! A reload (`--watch`) builds a new [`Library`] beside the one serving; it replaces it
//! only when the KB validates. Until then the last good one serves, with the problems.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use fixpath::Diagnostic;
use fixpath::catalog::Catalog;
use fixpath::links::{Continuations, Style};
use fixpath::load::KbArticle;
use fixpath::model::Article;
use fixpath::search::{self, KbSource};
use fixpath::session::{Revision, Subject};

/// How many prepared articles are kept (the ones agents use; the rest are read on demand).
const KEPT: usize = 2048;

/// One article, ready for sessions and pages.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) entry: KbArticle,
    /// Links as the served pages follow them (`../articles/ID.html`).
    pub(crate) page: Article,
    /// Links as text (transcripts pasted into a ticket, the API's JSON).
    pub(crate) text: Article,
    pub(crate) revision: Revision,
    pub(crate) continuations: Continuations,
}

impl Prepared {
    /// The session subject, with links for pages or for text.
    pub(crate) fn subject(&self, style: Style) -> Subject<'_> {
        let shown = match style {
            Style::Site => &self.page,
            Style::Text => &self.text,
        };
        Subject::prepared(shown, self.revision.clone(), self.continuations.clone())
    }
}

/// Why an article cannot be served.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LibraryError {
    #[error("no article has the id `{0}`")]
    NotFound(String),
    #[error("article {id} has errors (the check page lists them): {problem}")]
    Broken { id: String, problem: String },
    #[error("{0}")]
    Search(#[from] search::SearchError),
}

/// The KB being served.
#[derive(Debug)]
pub(crate) struct Library {
    catalog: Catalog,
    kept: Mutex<HashMap<String, Arc<Prepared>>>,
    /// What `fixpath check` reports for this version (errors first).
    pub(crate) problems: Vec<Diagnostic>,
    /// The KB directory, `None` for the embedded KB.
    pub(crate) dir: Option<PathBuf>,
    /// True to plan on the authored figures alone (`--no-learned`).
    pub(crate) no_learned: bool,
}

impl Library {
    /// Opens the KB: its index (built or refreshed), and its problems.
    pub(crate) fn open(
        dir: Option<PathBuf>,
        cache: &std::path::Path,
        no_learned: bool,
    ) -> anyhow::Result<Library> {
        let source = match &dir {
            Some(dir) => KbSource::Dir(dir),
            None => KbSource::Embedded,
        };
        let (catalog, _) = Catalog::open(source, cache)?;
        Ok(Library {
            catalog,
            kept: Mutex::new(HashMap::new()),
            problems: Vec::new(),
            dir,
            no_learned,
        })
    }

    /// Checks the KB whole (`fixpath check`), for the check page and reloads.
    pub(crate) fn check(dir: Option<&std::path::Path>) -> anyhow::Result<Vec<Diagnostic>> {
        let loaded = match dir {
            Some(dir) => fixpath::load::load_dir_with(
                dir,
                &fixpath::load::LoadOptions {
                    drop_text: true,
                    ..Default::default()
                },
            )?,
            None => fixpath::load::load_embedded(),
        };
        Ok(fixpath::check(&loaded))
    }

    /// The catalog, for search and lookups.
    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The article with this id, prepared.
    pub(crate) fn article(&self, id: &str) -> Result<Arc<Prepared>, LibraryError> {
        if let Some(found) = self.kept.lock().expect("not poisoned").get(id) {
            return Ok(found.clone());
        }
        let Some(mut single) = self.catalog.article(id)? else {
            return Err(LibraryError::NotFound(id.to_owned()));
        };
        if let Some(problem) = single.diagnostics.iter().find(|d| d.is_error()) {
            return Err(LibraryError::Broken {
                id: id.to_owned(),
                problem: problem.to_string(),
            });
        }
        let Some(entry) = single.kb.articles.pop() else {
            return Err(LibraryError::NotFound(id.to_owned()));
        };
        let links = self.catalog.links(&entry)?;
        let prepared = Arc::new(Prepared {
            page: crate::kb::shown(
                &self.catalog,
                &links,
                &entry.article,
                Style::Site,
                self.no_learned,
            ),
            text: crate::kb::shown(
                &self.catalog,
                &links,
                &entry.article,
                Style::Text,
                self.no_learned,
            ),
            revision: Revision::of(&entry.article),
            continuations: links.continuations(&entry.article),
            entry,
        });
        let mut kept = self.kept.lock().expect("not poisoned");
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(id.to_owned(), prepared.clone());
        Ok(prepared)
    }
}
