//! `fixpath graph ARTICLE [--format dot|mermaid|svg]`: the decision graph as a picture source.

use std::path::PathBuf;

use fixpath::render::Renderer;

use crate::Outcome;
use crate::kb::{KbArgs, select_article, write_output};

/// Arguments of `fixpath graph`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The article: its id, or an error code it lists.
    article: String,
    /// Picture format: Graphviz DOT, a Mermaid flowchart, or an SVG laid out here (no tools needed).
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

/// Picture formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
    /// SVG.
    Svg,
}

/// Prints the picture source.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let catalog = kb.catalog()?;
    let entry = select_article(&catalog, &args.article)?;
    let renderer = Renderer::new(args.templates.as_deref())?;
    let text = match args.format {
        GraphFormat::Dot => renderer.render_dot(&entry.article)?,
        GraphFormat::Mermaid => renderer.render_mermaid(&entry.article)?,
        GraphFormat::Svg => renderer.render_svg(&entry.article)?,
    };
    write_output(args.output.as_deref(), &text)?;
    Ok(Outcome::Success)
}
