//! `fixpath solve ARTICLE --fact QUESTION=ANSWER ...`: the resolution path from facts, for scripts.

use std::path::{Path, PathBuf};

use anyhow::Context;
use fixpath::graph::DecisionGraph;
use fixpath::render::{self, Renderer};
use fixpath::solve::{Facts, solve};

use crate::Outcome;
use crate::kb::{KbArgs, select_article_in, write_output};

/// Arguments of `fixpath solve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The article: its id, an error code it lists (SSPR_0029), or words that find it.
    article: String,
    /// A known answer, as QUESTION=ANSWER, in any order (`unknown` for "don't know"). Repeatable.
    #[arg(long = "fact", short = 'f', value_name = "QUESTION=ANSWER")]
    facts: Vec<String>,
    /// A fix (solution or workaround id) that was tried and did not work. Repeatable.
    #[arg(long, value_name = "FIX")]
    failed: Vec<String>,
    /// A YAML or JSON file of `question: answer` pairs.
    #[arg(long = "facts", value_name = "FILE")]
    facts_file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PathFormat::Md)]
    format: PathFormat,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

/// Formats a resolution path can be printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PathFormat {
    /// Markdown, to paste into a ticket.
    Md,
    /// A self-contained HTML page.
    Html,
    /// The path as JSON (see docs/integrators.md, "JSON output").
    Json,
}

/// Facts from `--facts FILE` (YAML or JSON `question: answer` pairs) and then `--fact` pairs.
pub(crate) fn read_facts(pairs: &[String], file: Option<&Path>) -> anyhow::Result<Facts> {
    let mut all: Vec<String> = Vec::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let parsed = fixpath::load::parse_facts(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        all.extend(parsed.into_iter().map(|(q, a)| format!("{q}={a}")));
    }
    all.extend(pairs.iter().cloned());
    Ok(Facts::parse(all.iter().map(String::as_str))?)
}

/// Solves, prints the path, and exits 0 when one cause is found and no question is left to
/// ask, 1 when more are possible or none fits.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let catalog = kb.catalog()?;
    let entry = select_article_in(&catalog, true, &args.article)?;
    let links = catalog.links(&entry)?;
    let article = &crate::kb::shown(
        &catalog,
        &links,
        &entry.article,
        fixpath::links::Style::Text,
        kb.no_learned,
    );
    if article.entry.is_none() {
        anyhow::bail!(
            "{} describes no problem to troubleshoot; read it with `fixpath render {}`",
            article.id,
            article.id
        );
    }
    let mut facts = read_facts(&args.facts, args.facts_file.as_deref())?;
    for remedy in &args.failed {
        facts.fail(fixpath::model::NodeId(remedy.clone()));
    }
    let graph = DecisionGraph::build(article);
    let resolution = solve(article, &graph, &facts)?;
    let continuations = links.continuations(&entry.article);
    let text = match args.format {
        PathFormat::Json => crate::output::json(&render::view::solve_view(
            article,
            &resolution,
            &continuations,
        ))?,
        PathFormat::Md | PathFormat::Html => {
            let format = if args.format == PathFormat::Md {
                render::Format::Markdown
            } else {
                render::Format::Html
            };
            Renderer::new(args.templates.as_deref())?.render_path(
                article,
                &resolution,
                &continuations,
                format,
            )?
        }
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(if resolution.is_resolved() && resolution.next.is_none() {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
