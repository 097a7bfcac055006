//! `--watch`: reload the KB when its files change. The KB is checked whole first; only a
//! KB without errors replaces the one serving (its index refreshed for the files that
//! changed). A KB with errors keeps the last good version serving, and the check page
//! and a banner show the problems until they are fixed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

use super::Shared;
use super::library::Library;

/// How long the files must be quiet before a reload (an editor's save, a `git pull`).
const QUIET: Duration = Duration::from_millis(150);

/// Starts watching `dir`; the watcher stops when the value returned is dropped.
pub(crate) fn watch(
    state: Shared,
    dir: PathBuf,
    cache: PathBuf,
    no_learned: bool,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let root = dir.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| relevant(&root, p))
        {
            let _ = sender.send(());
        }
    })?;
    watcher.watch(&dir, RecursiveMode::Recursive)?;
    tokio::spawn(async move {
        while receiver.recv().await.is_some() {
            // Wait until the writes stop.
            while let Ok(Some(())) = tokio::time::timeout(QUIET, receiver.recv()).await {}
            let (state, dir, cache) = (state.clone(), dir.clone(), cache.clone());
            let reloaded =
                tokio::task::spawn_blocking(move || reload(&state, dir, &cache, no_learned)).await;
            if let Ok(Err(error)) = reloaded {
                eprintln!("warning: cannot reload the KB: {error:#}");
            }
        }
    });
    Ok(watcher)
}

/// A KB file (YAML, or the KB's settings) outside hidden folders (`.git`) of the KB.
fn relevant(root: &std::path::Path, path: &std::path::Path) -> bool {
    let inside = path.strip_prefix(root).unwrap_or(path);
    let hidden = inside
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    !hidden
        && path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "toml")
}

/// Checks the KB on disk and, when it has no errors, serves it.
pub(crate) fn reload(
    state: &Shared,
    dir: PathBuf,
    cache: &std::path::Path,
    no_learned: bool,
) -> anyhow::Result<bool> {
    let started = std::time::Instant::now();
    let problems = Library::check(Some(&dir))?;
    if problems.iter().any(fixpath::Diagnostic::is_error) {
        let errors = problems.iter().filter(|d| d.is_error()).count();
        eprintln!(
            "The KB has {errors} errors: still serving the last good version (the check page lists them)."
        );
        state.pending.store(Arc::new(Some(problems)));
        metrics::counter!("fixpath_kb_reloads_total", "result" => "failed").increment(1);
        return Ok(false);
    }
    let mut library = Library::open(Some(dir), cache, no_learned)?;
    library.problems = problems;
    state.desk.library.store(Arc::new(library));
    state.pending.store(Arc::new(None));
    metrics::counter!("fixpath_kb_reloads_total", "result" => "ok").increment(1);
    eprintln!("Reloaded the KB in {} ms.", started.elapsed().as_millis());
    Ok(true)
}
