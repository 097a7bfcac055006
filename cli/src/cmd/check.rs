//! `fixpath check [PATH]`: validate a KB and report every problem at once.

use std::path::PathBuf;

use crate::Outcome;
use crate::kb::KbArgs;
use crate::output::{self, Format};

/// Arguments of `fixpath check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The KB directory to check (default: `--kb`, then the embedded KB).
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Loads the KB, runs every check and prints the problems. Never writes to the KB.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let kb = match args.path {
        Some(path) => KbArgs {
            kb: Some(path),
            no_learned: kb.no_learned,
        },
        None => KbArgs {
            kb: kb.kb.clone(),
            no_learned: kb.no_learned,
        },
    };
    let loaded = kb.load()?;
    let diagnostics = fixpath::check(&loaded);
    let report = output::CheckReport::new(&loaded, &diagnostics);
    output::print_check(&report, &loaded, args.format)?;
    let outcome = if report.errors == 0 {
        Outcome::Success
    } else {
        Outcome::Negative
    };
    // The process ends with this command: freeing a large KB string by string is wasted
    // work (tens of milliseconds at 10,000 articles).
    std::mem::forget(diagnostics);
    std::mem::forget(loaded);
    Ok(outcome)
}
