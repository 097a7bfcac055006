//! One file per subcommand, each with its `Args` and a `run`.

pub(crate) mod ask;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod graph;
pub(crate) mod import;
pub(crate) mod index;
pub(crate) mod learn;
pub(crate) mod render;
pub(crate) mod schema;
pub(crate) mod search;
pub(crate) mod site;
pub(crate) mod solve;
pub(crate) mod stats;
pub(crate) mod token;

use crate::Outcome;
use crate::kb::KbArgs;

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Troubleshoot interactively: one question at a time, then the fix, then a transcript.
    #[command(allow_negative_numbers = true)]
    Ask(ask::Args),
    /// Find the cause and fix from known answers (`--fact QUESTION=ANSWER`), for scripts.
    Solve(solve::Args),
    /// Search the KB for an error code, a pasted message or a few words.
    #[command(allow_negative_numbers = true)]
    Search(search::Args),
    /// Render a whole article as Markdown or HTML, for customers and publishing.
    Render(render::Args),
    /// Draw an article's decision graph (DOT, Mermaid or SVG).
    Graph(graph::Args),
    /// Write a static HTML site for the whole KB: index with offline search, articles, troubleshooters.
    Site(site::Args),
    /// Validate a KB and report every problem with file:line:column.
    Check(check::Args),
    /// Turn Markdown support articles into draft YAML graphs.
    Import(import::Args),
    /// Build the search index now (searches build or refresh it when needed).
    Index(index::Args),
    /// Learn priors, answer rates and minutes from recorded sessions into the KB's learned.yaml.
    Learn(learn::Args),
    /// Report what recorded sessions say: resolution, time to fix, causes, failing fixes, gaps.
    Stats(stats::Args),
    /// Serve the helpdesk: the troubleshooter in a browser and an API, sessions kept in a database.
    Serve(crate::serve::Args),
    /// Create an access token for `fixpath serve` (printed once; its hash goes in the tokens file).
    Token(token::Args),
    /// Print the JSON Schema of the article format (as in kb/article.schema.json).
    Schema(schema::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print the man page (roff), for `man -l -` or a man directory.
    Man(completions::ManArgs),
}

/// Runs one subcommand.
pub(crate) fn run(command: Command, kb: &KbArgs) -> anyhow::Result<Outcome> {
    match command {
        Command::Ask(args) => ask::run(args, kb),
        Command::Check(args) => check::run(args, kb),
        Command::Graph(args) => graph::run(args, kb),
        Command::Import(args) => import::run(args, kb),
        Command::Index(args) => index::run(args, kb),
        Command::Search(args) => search::run(args, kb),
        Command::Render(args) => render::run(args, kb),
        Command::Schema(args) => schema::run(args),
        Command::Site(args) => site::run(args, kb),
        Command::Solve(args) => solve::run(args, kb),
        Command::Serve(args) => crate::serve::run(args, kb),
        Command::Learn(args) => learn::run(args, kb),
        Command::Stats(args) => stats::run(args),
        Command::Token(args) => token::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::man(args),
    }
}
