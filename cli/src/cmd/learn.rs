//! `fixpath learn`: recorded sessions into the KB's learned figures (`learned.yaml`).

use std::path::PathBuf;

use anyhow::Context as _;
use fixpath::learn::{FILE_NAME, Learned, Record};
use fixpath::session::{Revision, SessionState};

use crate::Outcome;
use crate::kb::KbArgs;

/// Arguments of `fixpath learn`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Transcript files (`ask --format json`) or saved sessions (`ask --session`) to learn
    /// from, instead of the session store.
    files: Vec<PathBuf>,
    /// The session store to learn from (default: the local one `ask --record` and `serve`
    /// write, in `FIXPATH_DATA_DIR`).
    #[arg(long, env = "FIXPATH_DB", value_name = "URL")]
    db: Option<String>,
    /// Print what would change, and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// A session's state from a file: a transcript's `record`, or a saved state itself.
fn read_state(path: &std::path::Path) -> anyhow::Result<SessionState> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let state = value.get("record").cloned().unwrap_or(value);
    serde_json::from_value(state).with_context(|| {
        format!(
            "{} holds no session record (an `ask --format json` transcript or an `ask --session` file)",
            path.display()
        )
    })
}

/// Learns, and writes (or with `--dry-run` prints) what changed.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let Some(dir) = &kb.kb else {
        anyhow::bail!(
            "learn writes {FILE_NAME} beside the KB's articles: give the KB directory with --kb DIR (the embedded KB cannot change)"
        );
    };
    let loaded = kb.load()?;
    // What each session teaches, with the problem it began with when typed as free text.
    let records: Vec<Record> = if args.files.is_empty() {
        crate::serve::ended_records(args.db.clone())?
    } else {
        let mut records = Vec::new();
        for path in &args.files {
            records.extend(Record::of(&read_state(path)?));
        }
        records
    };
    let sessions = records
        .iter()
        .filter(|r| !matches!(r.end, Some(fixpath::session::SessionEnd::Continued)))
        .count();
    let revisions: std::collections::HashMap<&str, String> = loaded
        .kb
        .articles
        .iter()
        .map(|e| (e.article.id.as_str(), Revision::of(&e.article).0))
        .collect();
    let mut learned = Learned::learn(records, |id| {
        let entry = loaded.kb.get(id.as_str())?;
        Some((&entry.article, revisions.get(id.as_str())?.clone()))
    });
    if let Some(previous) = &loaded.kb.learned {
        learned.strength = previous.strength;
    }
    use std::fmt::Write as _;
    let mut report = String::new();
    let queries: usize = learned.articles.values().map(|a| a.queries.len()).sum();
    if queries > 0 {
        let _ = writeln!(
            report,
            "{queries} problems typed as free text now find the articles that resolved them."
        );
    }
    let _ = writeln!(
        report,
        "Learned from {} sessions over {} articles:",
        sessions,
        learned.articles.len()
    );
    for (id, article) in &learned.articles {
        let Some(entry) = loaded.kb.get(id.as_str()) else {
            continue;
        };
        let applied = learned.apply(&entry.article);
        let mut causes: Vec<String> = applied
            .learned
            .iter()
            .flat_map(|a| a.causes.iter())
            .filter(|(_, change)| change.seen > 0.0)
            .map(|(cause, change)| {
                format!(
                    "{cause} {:.0}% → {:.0}% (behind {})",
                    change.authored * 100.0,
                    change.learned * 100.0,
                    fixpath::learn::count(change.seen)
                )
            })
            .collect();
        causes.sort();
        // Fixes whose chance of working, when right, learning moved.
        let fixes: Vec<String> = applied
            .learned
            .iter()
            .flat_map(|a| a.fixes.iter())
            .filter(|(_, change)| (change.learned_success - change.authored_success).abs() >= 0.01)
            .map(|(remedy, change)| {
                format!(
                    "{remedy} {:.0}% → {:.0}% (worked {} of {} right tries)",
                    change.authored_success * 100.0,
                    change.learned_success * 100.0,
                    change.worked,
                    fixpath::learn::count(change.right)
                )
            })
            .collect();
        let _ = writeln!(
            report,
            "  {id}: {} sessions, {} resolved, {} escalated, {} abandoned{}{}{}",
            article.sessions,
            article.resolved,
            article.escalated,
            article.abandoned,
            if causes.is_empty() {
                String::new()
            } else {
                format!("; priors: {}", causes.join(", "))
            },
            if fixes.is_empty() {
                String::new()
            } else {
                format!("; fixes working when right: {}", fixes.join(", "))
            },
            if article.older_versions > 0 {
                format!(
                    "; {} recorded against an older version (counted for what still exists{})",
                    article.older_versions,
                    if article.gone.is_empty() {
                        String::new()
                    } else {
                        format!(", not for {}", article.gone.join(", "))
                    }
                )
            } else {
                String::new()
            }
        );
    }
    let path = dir.join(FILE_NAME);
    if args.dry_run {
        let _ = writeln!(report, "Dry run: {} left as it was.", path.display());
        crate::kb::write_output(None, &report)?;
        return Ok(Outcome::Success);
    }
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut file, learned.to_yaml().as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let _ = writeln!(
        report,
        "Wrote {} (review it like the articles; `--no-learned` ignores it).",
        path.display()
    );
    crate::kb::write_output(None, &report)?;
    Ok(Outcome::Success)
}
