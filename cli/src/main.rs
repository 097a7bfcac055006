//! The `fixpath` command: parse the arguments, run one subcommand, map the outcome to an exit code.
//!
//! Exit codes: 0 when the command did its job (a clean KB, a resolved path, results found);
//! 1 when it ran but the answer is "no" (problems found, not resolved, nothing matched);
//! 2 when it could not run (bad arguments, unreadable KB, invalid facts).

mod cmd;
mod kb;
mod output;
mod progress;
mod prompt;
mod serve;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

// Loading a KB allocates many small strings; mimalloc makes that (and freeing them) cheaper
// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Offline troubleshooting knowledge base: ask, solve, search and render decision graphs.
#[derive(Debug, Parser)]
#[command(name = "fixpath", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: kb::KbArgs,
    #[command(subcommand)]
    command: cmd::Command,
}

/// The whole command line definition, for completions and the man page.
pub(crate) fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// What a command reports back to `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The command did its job.
    Success,
    /// The command ran, and the answer is "no".
    Negative,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(cli.command, &cli.global) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Err(error) => {
            if output::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            output::print_error(&error);
            ExitCode::from(2)
        }
    }
}
