//! One article out of a KB at the cost of that article.
//!
//! Commands about one article (`solve`, `render`, `graph`, `ask`) need that article, its
//! problems, and what its links lead to, not the whole KB. The search index already maps
//! ids and error codes to articles; it also records each article's file and what other
//! articles' links need to know ([`LinkInfo`]). A [`Catalog`] finds the file through the
//! index, then reads, parses and validates that file alone.
//!
//! The answers are those of a full load ([`load::load_dir`]): the same article for the same
//! text, the same problems in its file, the same link targets. When the index cannot be
//! used, a catalog over a full load gives them the slow way.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::links::{LinkInfo, Links};
use crate::load::{self, KbArticle, KbConfig, Loaded};
use crate::search::{IndexStatus, KbSource, Located, Results, SearchError, SearchIndex};

/// A KB opened for commands about one article.
#[derive(Debug)]
pub struct Catalog {
    backing: Backing,
    config: KbConfig,
    /// The KB's learned figures, when it has them and they read.
    learned: Option<crate::learned::Learned>,
}

#[derive(Debug)]
enum Backing {
    /// Through the search index; files read on demand.
    Index {
        index: Box<SearchIndex>,
        /// The KB directory, or `None` for the embedded KB.
        dir: Option<PathBuf>,
    },
    /// A KB loaded whole.
    Loaded(Box<Loaded>),
}

impl Catalog {
    /// Opens the KB through its search index (built or refreshed first when needed).
    pub fn open(source: KbSource<'_>, cache: &Path) -> Result<(Catalog, IndexStatus), SearchError> {
        let (index, status) = crate::search::open_index(source, cache, false)?;
        let (dir, config) = match source {
            KbSource::Embedded => (None, load::embedded_config()),
            KbSource::Dir(dir) => (Some(dir.to_path_buf()), load::dir_config(dir)),
        };
        let learned = dir
            .as_deref()
            .and_then(|dir| load::dir_learned(dir).ok().flatten());
        let backing = Backing::Index {
            index: Box::new(index),
            dir,
        };
        Ok((
            Catalog {
                backing,
                config,
                learned,
            },
            status,
        ))
    }

    /// A catalog over a KB already loaded whole.
    pub fn from_loaded(loaded: Loaded) -> Catalog {
        Catalog {
            config: loaded.kb.config.clone(),
            learned: loaded.kb.learned.clone(),
            backing: Backing::Loaded(Box::new(loaded)),
        }
    }

    /// True when the KB has no article at all.
    pub fn is_empty(&self) -> bool {
        match &self.backing {
            Backing::Index { index, .. } => index.is_empty(),
            Backing::Loaded(loaded) => loaded.kb.articles.is_empty(),
        }
    }

    /// How many articles the KB has.
    pub fn len(&self) -> u64 {
        match &self.backing {
            Backing::Index { index, .. } => index.len(),
            Backing::Loaded(loaded) => loaded.kb.articles.len() as u64,
        }
    }

    /// The KB's learned figures (`learned.yaml`), when it has them and they read.
    pub fn learned(&self) -> Option<&crate::learned::Learned> {
        self.learned.as_ref()
    }

    /// The KB's settings.
    pub fn config(&self) -> &KbConfig {
        &self.config
    }

    /// The articles a user's text names exactly: an article id, else every article with an
    /// error code the text holds, in KB order (as [`load::Kb::find`]).
    pub fn find(&self, query: &str) -> Result<Vec<Located>, SearchError> {
        match &self.backing {
            Backing::Index { index, .. } => index.locate(query),
            Backing::Loaded(loaded) => Ok(loaded.kb.find(query).into_iter().map(located).collect()),
        }
    }

    /// Ranked articles for free text.
    pub fn search(&self, query: &str, limit: usize) -> Result<Results, SearchError> {
        match &self.backing {
            Backing::Index { index, .. } => index.search(query, limit),
            Backing::Loaded(loaded) => {
                SearchIndex::in_memory(loaded.kb.articles.iter().map(|e| &e.article))?
                    .search(query, limit)
            }
        }
    }

    /// The article with this id and every problem of its file (loading and graph), as a
    /// [`Loaded`] of that one file; `None` when the KB has no such article.
    pub fn article(&self, id: &str) -> Result<Option<Loaded>, SearchError> {
        let (index, dir) = match &self.backing {
            Backing::Loaded(loaded) => return Ok(one_of(loaded, id)),
            Backing::Index { index, dir } => (index, dir),
        };
        let Some(found) = index.file_of(id)? else {
            return Ok(None);
        };
        let bytes = match dir {
            Some(dir) => load::read_kb_file(dir, &found.file),
            None => load::embedded_file(&found.file).ok_or_else(|| "not embedded".to_owned()),
        };
        let mut single = match bytes {
            Ok(bytes) => load::load_one(found.file.clone(), bytes, |other| {
                index.file_of(other).ok().flatten().is_some()
            }),
            Err(message) => {
                let mut loaded = Loaded::default();
                loaded
                    .diagnostics
                    .push(Diagnostic::error(Code::Io, &found.file, None, message));
                loaded
            }
        };
        let holds_it = single
            .kb
            .articles
            .iter()
            .any(|e| e.article.id.as_str() == id);
        if !holds_it && single.diagnostics.iter().all(|d| !d.is_error()) {
            // The file changed since it was indexed (an id edited in place, a file moved):
            // read the KB whole rather than answer from a stale index.
            let loaded = match dir {
                Some(dir) => load::load_dir(dir)?,
                None => load::load_embedded(),
            };
            return Ok(one_of(&loaded, id));
        }
        single.kb.config = self.config.clone();
        for entry in &single.kb.articles {
            crate::graph::check_article(entry, &mut single.diagnostics);
        }
        Ok(Some(single))
    }

    /// Links that resolve this article's links as links built from the whole KB would.
    pub fn links(&self, entry: &KbArticle) -> Result<Links, SearchError> {
        let article = &entry.article;
        let index = match &self.backing {
            Backing::Loaded(loaded) => {
                return Ok(Links::new(&loaded.kb, self.config.base_url.as_deref()));
            }
            Backing::Index { index, .. } => index,
        };
        let found = index.link_infos(&Links::lookups(article))?;
        let mut infos = found.articles;
        // The article itself as read now, in its place in the KB's order.
        infos.retain(|(_, info)| info.id != article.id);
        infos.push((entry.file.name.clone(), LinkInfo::of(article)));
        infos.sort_by(|a, b| a.0.cmp(&b.0));
        let mut links = Links::with_base(self.config.base_url.as_deref());
        for (_, info) in infos {
            links.add_info(info);
        }
        for name in &found.ambiguous_names {
            links.add_ambiguous_name(name);
        }
        Ok(links)
    }
}

fn located(entry: &KbArticle) -> Located {
    Located {
        id: entry.article.id.to_string(),
        file: entry.file.name.clone(),
        title: entry.article.title.clone(),
    }
}

/// The article with this id out of a whole load, with the problems of its file.
fn one_of(loaded: &Loaded, id: &str) -> Option<Loaded> {
    let entry = loaded.kb.get(id)?;
    let mut diagnostics: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.file == entry.file.name)
        .cloned()
        .collect();
    crate::graph::check_article(entry, &mut diagnostics);
    let mut kb = load::Kb::default();
    kb.config = loaded.kb.config.clone();
    kb.articles.push(entry.clone());
    Some(Loaded {
        kb,
        diagnostics,
        files: vec![std::sync::Arc::clone(&entry.file)],
    })
}

#[cfg(test)]
mod tests;
