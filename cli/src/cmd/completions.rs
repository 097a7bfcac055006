//! `fixpath completions SHELL` and `fixpath man`: shell completions and a man page, both
//! generated from the same clap definition as `--help`.

use std::io::Write;

use crate::Outcome;

/// Arguments of `fixpath completions`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

/// Arguments of `fixpath man`.
#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {}

/// Prints the completion script for the shell.
pub(crate) fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut command = crate::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "fixpath", &mut out);
    out.flush()?;
    Ok(Outcome::Success)
}

/// Prints the man page (roff).
pub(crate) fn man(_: ManArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(crate::command()).render(&mut out)?;
    out.flush()?;
    Ok(Outcome::Success)
}
