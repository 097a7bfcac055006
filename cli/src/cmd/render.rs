//! `fixpath render ARTICLE`: the customer-facing article for the whole graph.

use std::path::PathBuf;

use fixpath::render::{Format, Renderer};

use crate::Outcome;
use crate::kb::{KbArgs, resolved, select_article, write_output};

/// Arguments of `fixpath render`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The article: its id, or an error code it lists.
    article: String,
    /// Output format (default: Markdown, formatted and paged on a terminal; `md` keeps it
    /// plain Markdown there too).
    #[arg(long, value_enum)]
    format: Option<DocFormat>,
    /// On a terminal, print straight to it instead of through `$PAGER`.
    #[arg(long)]
    no_pager: bool,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

/// Formats a whole article can be rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DocFormat {
    /// Markdown.
    Md,
    /// A self-contained HTML page.
    Html,
}

/// Renders the article with every cause, solution and workaround, in source order.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let catalog = kb.catalog()?;
    let entry = select_article(&catalog, &args.article)?;
    let format = match args.format {
        None | Some(DocFormat::Md) => Format::Markdown,
        Some(DocFormat::Html) => Format::Html,
    };
    let article = resolved(&catalog, &entry)?;
    let text = Renderer::new(args.templates.as_deref())?.render_article(&article, format, None)?;
    if args.format.is_none() && args.output.is_none() {
        // For a person at a terminal: formatted and paged; piped, plain Markdown.
        crate::terminal::print_markdown(&text, args.no_pager)?;
    } else {
        write_output(args.output.as_deref(), &text)?;
    }
    Ok(Outcome::Success)
}
