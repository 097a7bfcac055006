//! Choosing the KB: `--kb DIR`, the `FIXPATH_KB` environment variable, or the embedded default.

use std::path::PathBuf;

use anyhow::Context;
use fixpath::load::{self, KbArticle, Loaded};

/// Options shared by every subcommand.
#[derive(Debug, clap::Args)]
pub(crate) struct KbArgs {
    /// The KB directory to use instead of the embedded default.
    #[arg(long, global = true, env = "FIXPATH_KB", value_name = "DIR")]
    pub(crate) kb: Option<PathBuf>,
}

impl KbArgs {
    /// Loads the chosen KB, or the embedded one.
    pub(crate) fn load(&self) -> anyhow::Result<Loaded> {
        match &self.kb {
            Some(dir) => load::load_dir(dir)
                .with_context(|| format!("cannot load the KB at {}", dir.display())),
            None => Ok(load::load_embedded()),
        }
    }
}

/// Picks the one article a user's text names (id or error code), or says why not.
///
/// An article whose file has errors is refused with the first of them: walking a broken
/// graph would give wrong answers.
pub(crate) fn select_article<'a>(loaded: &'a Loaded, query: &str) -> anyhow::Result<&'a KbArticle> {
    select_article_in(loaded, None, query)
}

/// As [`select_article`]; with `kb`, free text that names no id or code is searched, and
/// a top hit well ahead of the next one is taken.
pub(crate) fn select_article_in<'a>(
    loaded: &'a Loaded,
    kb: Option<&KbArgs>,
    query: &str,
) -> anyhow::Result<&'a KbArticle> {
    let mut found = loaded.kb.find(query);
    if found.is_empty()
        && let Some(kb) = kb
    {
        let (index, status) = crate::cmd::search::open(kb, false)?;
        crate::cmd::search::report_status(&status);
        let hits = index.search(query, 5)?.hits;
        let clear_winner = match hits.as_slice() {
            [only] => Some(only),
            [first, second, ..] if first.score >= 1.5 * second.score => Some(first),
            _ => None,
        };
        match clear_winner.and_then(|hit| loaded.kb.get(&hit.id)) {
            Some(entry) => found.push(entry),
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
    let entry = match found.as_slice() {
        [one] => *one,
        [] => anyhow::bail!(
            "no article matches `{query}`: give an article id or an error code (`fixpath search {query}` lists close matches)"
        ),
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|e| format!("{} ({})", e.article.id, e.article.title))
                .collect();
            anyhow::bail!(
                "`{query}` matches {} articles; name one by id:\n  {}",
                many.len(),
                ids.join("\n  ")
            )
        }
    };
    // Only this article's problems matter here: its file's load diagnostics and its graph.
    let mut graph_problems = Vec::new();
    fixpath::graph::check_article(entry, &mut graph_problems);
    let broken = loaded
        .diagnostics
        .iter()
        .chain(&graph_problems)
        .find(|d| d.is_error() && d.file == entry.file.name)
        .cloned();
    if let Some(diagnostic) = broken {
        anyhow::bail!(
            "article {} has errors; run `fixpath check`:\n  {diagnostic}",
            entry.article.id
        );
    }
    Ok(entry)
}

/// Writes command output to `-o FILE`, or to stdout.
/// The KB's links, for resolving the links of its articles.
pub(crate) fn links(loaded: &Loaded) -> fixpath::render::links::Links {
    fixpath::render::links::Links::new(&loaded.kb, loaded.kb.config.base_url.as_deref())
}

/// The article with every link resolved for text output (a terminal, Markdown, a page on
/// its own): other KB articles by the command that opens them, the rest absolute or text.
pub(crate) fn resolved(
    loaded: &Loaded,
    article: &fixpath::model::Article,
) -> fixpath::model::Article {
    links(loaded).resolve_article(article, fixpath::render::links::Style::Text)
}

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
pub(crate) fn suggest<'a>(
    loaded: &'a Loaded,
    kb: &KbArgs,
    query: &str,
) -> anyhow::Result<Vec<&'a KbArticle>> {
    let found = loaded.kb.find(query);
    if !found.is_empty() {
        return Ok(found);
    }
    let (index, status) = crate::cmd::search::open(kb, false)?;
    crate::cmd::search::report_status(&status);
    let results = index.search(query, 10)?;
    Ok(results
        .hits
        .iter()
        .filter_map(|hit| loaded.kb.get(&hit.id))
        .collect())
}
