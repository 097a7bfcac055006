//! Choosing the KB: `--kb DIR`, the `FIXPATH_KB` environment variable, or the embedded default.

use std::path::PathBuf;

use anyhow::Context;
use fixpath::load::{self, Loaded};

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
