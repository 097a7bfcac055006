//! `fixpath index`: build the search index of the KB now (searches otherwise do it when needed).

use std::time::Instant;

use crate::Outcome;
use crate::kb::KbArgs;

/// Arguments of `fixpath index`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Rebuilds the index from scratch and says how long it took.
pub(crate) fn run(_args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let progress = crate::progress::Progress::spinner("indexing");
    let (index, _) = kb.index(true)?;
    progress.finish();
    eprintln!(
        "indexed {} articles in {:.0} ms into {}",
        index.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        fixpath::search::store::default_cache_dir().display()
    );
    Ok(Outcome::Success)
}
