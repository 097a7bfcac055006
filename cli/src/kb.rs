//! Choosing the KB: `--kb DIR`, the `FIXPATH_KB` environment variable, or the embedded default.

use std::path::PathBuf;

use anyhow::Context;
use fixpath::catalog::Catalog;
use fixpath::links::Style;
use fixpath::load::{self, KbArticle, Loaded};
use fixpath::model::Article;
use fixpath::search::{self, IndexStatus, Located, RebuildReason};

/// Options shared by every subcommand.
#[derive(Debug, clap::Args)]
pub(crate) struct KbArgs {
    /// The KB directory to use instead of the embedded default.
    #[arg(long, global = true, env = "FIXPATH_KB", value_name = "DIR")]
    pub(crate) kb: Option<PathBuf>,
    /// Ignore the figures `fixpath learn` learned from recorded sessions (the KB's
    /// `learned.yaml`): plan on the authored ones alone.
    #[arg(long, global = true)]
    pub(crate) no_learned: bool,
}

impl KbArgs {
    /// Loads the chosen KB whole, or the embedded one (for commands about every article).
    /// Files parsed by an earlier run and unchanged since are not parsed again.
    pub(crate) fn load(&self) -> anyhow::Result<Loaded> {
        self.load_with(|dir| load::LoadOptions {
            parsed_cache: Some(search::store::parsed_cache_file(
                &search::store::default_cache_dir(),
                dir,
            )),
            ..load::LoadOptions::default()
        })
    }

    /// Loads the chosen KB whole for rendering only: the files' text is not kept.
    pub(crate) fn load_to_render(&self) -> anyhow::Result<Loaded> {
        self.load_with(|_| load::LoadOptions {
            drop_text: true,
            ..load::LoadOptions::default()
        })
    }

    fn load_with(
        &self,
        options: impl Fn(&std::path::Path) -> load::LoadOptions,
    ) -> anyhow::Result<Loaded> {
        match &self.kb {
            Some(dir) => load::load_dir_with(dir, &options(dir))
                .with_context(|| format!("cannot load the KB at {}", dir.display())),
            None => Ok(load::load_embedded()),
        }
    }

    /// Which KB, as the search index names it.
    pub(crate) fn source(&self) -> search::KbSource<'_> {
        match &self.kb {
            Some(dir) => search::KbSource::Dir(dir),
            None => search::KbSource::Embedded,
        }
    }

    /// Opens (building or refreshing) the search index of the chosen KB.
    pub(crate) fn index(
        &self,
        rebuild: bool,
    ) -> anyhow::Result<(search::SearchIndex, IndexStatus)> {
        let cache = search::store::default_cache_dir();
        Ok(search::open_index(self.source(), &cache, rebuild)?)
    }

    /// Opens the chosen KB for a command about one article: through its search index
    /// (built first if there is none), so only that article's file is read. When the
    /// index cannot be used, the KB is read whole.
    pub(crate) fn catalog(&self) -> anyhow::Result<Catalog> {
        let cache = search::store::default_cache_dir();
        let building = crate::progress::Progress::spinner("indexing the KB");
        let opened = Catalog::open(self.source(), &cache);
        building.finish();
        match opened {
            Ok((catalog, status)) => {
                if let IndexStatus::Rebuilt { reason } = &status
                    && reason.is_damage()
                {
                    report_status(&status);
                }
                Ok(catalog)
            }
            Err(error) => {
                if let Some(dir) = &self.kb
                    && !dir.is_dir()
                {
                    // Say what is wrong with the KB, not with its index.
                    self.load()?;
                }
                eprintln!("note: the search index cannot be used ({error}); reading the whole KB");
                Ok(Catalog::from_loaded(self.load()?))
            }
        }
    }
}

/// How many articles an ambiguous name lists.
const MAX_LISTED: usize = 10;

/// Picks the one article a user's text names (id or error code), or says why not.
///
/// An article whose file has errors is refused with the first of them: walking a broken
/// graph would give wrong answers.
pub(crate) fn select_article(catalog: &Catalog, query: &str) -> anyhow::Result<KbArticle> {
    select_article_in(catalog, false, query)
}

/// As [`select_article`]; with `search`, free text that names no id or code is searched,
/// and a top hit well ahead of the next one is taken.
pub(crate) fn select_article_in(
    catalog: &Catalog,
    search: bool,
    query: &str,
) -> anyhow::Result<KbArticle> {
    article(catalog, &choose_id(catalog, search, query)?)
}

/// The id of the one article a user's text names (with `search`, free text too), or why
/// there is not one.
pub(crate) fn choose_id(catalog: &Catalog, search: bool, query: &str) -> anyhow::Result<String> {
    if catalog.is_empty() {
        anyhow::bail!(
            "the KB has no articles: a KB is a directory of *.yaml files (`fixpath check` says more)"
        );
    }
    let mut found = catalog.find(query)?;
    if found.is_empty() && search {
        let hits = catalog.search(query, 5)?.hits;
        let clear_winner = match hits.as_slice() {
            [only] => Some(only),
            [first, second, ..] if first.score >= 1.5 * second.score => Some(first),
            _ => None,
        };
        match clear_winner {
            Some(hit) => found.extend(catalog.find(&hit.id)?),
            None if !hits.is_empty() => {
                let ids: Vec<String> = hits
                    .iter()
                    .map(|h| format!("{} ({})", h.id, h.title))
                    .collect();
                anyhow::bail!(
                    "`{query}` could mean several articles; name one by id:\n  {}",
                    ids.join("\n  ")
                )
            }
            None => {}
        }
    }
    let located = match found.as_slice() {
        [one] => one,
        [] => anyhow::bail!(
            "no article matches `{query}`: give an article id or an error code (`fixpath search {query}` lists close matches)"
        ),
        many => {
            let mut ids: Vec<String> = many
                .iter()
                .take(MAX_LISTED)
                .map(|l| format!("{} ({})", l.id, l.title))
                .collect();
            if many.len() > MAX_LISTED {
                ids.push(format!(
                    "... and {} more (`fixpath search {query}` ranks them)",
                    many.len() - MAX_LISTED
                ));
            }
            anyhow::bail!(
                "`{query}` matches {} articles; name one by id:\n  {}",
                many.len(),
                ids.join("\n  ")
            )
        }
    };
    Ok(located.id.clone())
}

/// The article with this id, refused when its file has errors.
pub(crate) fn article(catalog: &Catalog, id: &str) -> anyhow::Result<KbArticle> {
    let Some(mut single) = catalog.article(id)? else {
        anyhow::bail!("no article has the id `{id}`");
    };
    // Only this article's problems matter here: its file's load diagnostics and its graph.
    if let Some(diagnostic) = single.diagnostics.iter().find(|d| d.is_error()) {
        anyhow::bail!("article {id} has errors; run `fixpath check`:\n  {diagnostic}");
    }
    match single.kb.articles.pop() {
        Some(entry) => Ok(entry),
        None => anyhow::bail!("article {id} could not be read; run `fixpath check`"),
    }
}

/// The article as a session or path shows it: links resolved in `style`, and the KB's
/// learned figures merged over the authored ones unless `--no-learned`.
pub(crate) fn shown(
    catalog: &Catalog,
    links: &fixpath::links::Links,
    article: &Article,
    style: Style,
    no_learned: bool,
) -> Article {
    let resolved = links.resolve_article(article, style);
    match catalog.learned() {
        Some(learned) if !no_learned => learned.apply(&resolved),
        _ => resolved,
    }
}

/// The article with every link resolved for text output (a terminal, Markdown, a page on
/// its own): other KB articles by the command that opens them, the rest absolute or text.
pub(crate) fn resolved(catalog: &Catalog, entry: &KbArticle) -> anyhow::Result<Article> {
    Ok(catalog
        .links(entry)?
        .resolve_article(&entry.article, Style::Text))
}

/// Writes command output to `-o FILE`, or to stdout.
pub(crate) fn write_output(output: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Articles worth offering for free text, best first: error-code matches, else the search
/// index's top ten.
pub(crate) fn suggest(catalog: &Catalog, query: &str) -> anyhow::Result<Vec<Located>> {
    let found = catalog.find(query)?;
    if !found.is_empty() {
        return Ok(found);
    }
    let results = catalog.search(query, 10)?;
    Ok(results
        .hits
        .into_iter()
        .map(|hit| Located {
            id: hit.id,
            file: String::new(),
            title: hit.title,
        })
        .collect())
}

/// Says on stderr when the index had to be built or was damaged.
pub(crate) fn report_status(status: &IndexStatus) {
    match status {
        IndexStatus::Rebuilt { reason } if reason.is_damage() => {
            eprintln!("warning: {reason}; it was rebuilt");
        }
        IndexStatus::Rebuilt {
            reason: RebuildReason::AskedFor,
        } => {}
        IndexStatus::Rebuilt { reason } => eprintln!("note: built the search index ({reason})"),
        _ => {}
    }
}
