//! One file per subcommand, each with its `Args` and a `run`.

pub(crate) mod check;
pub(crate) mod schema;

use crate::Outcome;
use crate::kb::KbArgs;

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Validate a KB and report every problem with file:line:column.
    Check(check::Args),
    /// Print the JSON Schema of the article format (as in kb/article.schema.json).
    Schema(schema::Args),
}

/// Runs one subcommand.
pub(crate) fn run(command: Command, kb: &KbArgs) -> anyhow::Result<Outcome> {
    match command {
        Command::Check(args) => check::run(args, kb),
        Command::Schema(args) => schema::run(args),
    }
}
