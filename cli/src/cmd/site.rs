//! `fixpath site OUT_DIR`: a static, self-contained HTML site for the whole KB.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use fixpath::render::site::Page;
use fixpath::render::{RenderError, Renderer};

use crate::Outcome;
use crate::kb::KbArgs;

/// Arguments of `fixpath site`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The folder to write the site into (created if needed; files fixpath writes are replaced).
    out_dir: PathBuf,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write into a folder that holds other files (they are left alone).
    #[arg(long)]
    force: bool,
}

/// The file that marks a folder as a fixpath site, listing the files written there.
const MARKER: &str = ".fixpath-site";

/// Writes index.html, articles/*.html and troubleshoot/*.html.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let loaded = kb.load_to_render()?;
    guard(&args, kb)?;
    let progress = crate::progress::Progress::bar(page_count(&loaded), "writing pages");
    let renderer = Renderer::new(args.templates.as_deref())?;
    // Pages are rendered on every core and written by one thread as they come: files
    // created in one folder from several threads only wait on each other.
    let (send, receive) = std::sync::mpsc::sync_channel::<Page>(256);
    let out_dir = args.out_dir.clone();
    let writer = std::thread::spawn(move || -> Result<(), RenderError> {
        for page in receive {
            let path = out_dir.join(&page.path);
            let fail = |source| RenderError::Write {
                path: path.clone(),
                source,
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(fail)?;
            }
            std::fs::write(&path, &page.text).map_err(fail)?;
        }
        Ok(())
    });
    let rendered = renderer.render_site(&loaded.kb, &|page: Page| {
        progress.step();
        let path = page.path.clone();
        // A closed channel means the writer stopped on an error, reported below.
        send.send(page).map_err(|_| RenderError::Write {
            path: path.into(),
            source: std::io::Error::other("the page writer stopped"),
        })
    });
    drop(send);
    let wrote = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the page writer panicked"))?;
    wrote?;
    let written = rendered?;
    progress.finish();
    // Images `import` copied into the KB, for the pages that show them.
    let mut media = 0;
    if let Some(dir) = &kb.kb {
        let source = dir.join("media");
        for entry in walkdir::WalkDir::new(&source)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let relative = entry.path().strip_prefix(&source)?;
            let target = args.out_dir.join("media").join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
            media += 1;
        }
    }
    if media > 0 {
        eprintln!("copied {media} media files");
    }
    std::fs::write(
        args.out_dir.join(MARKER),
        format!("# written by fixpath site\n{}\n", written.join("\n")),
    )
    .with_context(|| format!("cannot write {}", args.out_dir.join(MARKER).display()))?;
    eprintln!(
        "wrote {} pages for {} articles to {} in {:.0} ms; open {}",
        written.iter().filter(|p| p.ends_with(".html")).count(),
        loaded.kb.articles.len(),
        args.out_dir.display(),
        started.elapsed().as_secs_f64() * 1000.0,
        args.out_dir.join("index.html").display()
    );
    Ok(Outcome::Success)
}

/// About how many pages the site has, for the progress bar: an article page each, a
/// troubleshooter for each with a graph, and the index's few.
fn page_count(loaded: &fixpath::load::Loaded) -> u64 {
    let troubleshooters = loaded
        .kb
        .articles
        .iter()
        .filter(|e| e.article.entry.is_some())
        .count();
    (loaded.kb.articles.len() + troubleshooters + 2) as u64
}

/// Refuses folders a site must not be written into: the KB itself (or a folder inside it),
/// the file system's root, and, without `--force`, a folder holding files that are not a
/// previous fixpath site. Nothing is ever deleted.
fn guard(args: &Args, kb: &KbArgs) -> anyhow::Result<()> {
    let out = std::fs::canonicalize(&args.out_dir).ok();
    if let (Some(dir), Some(out)) = (&kb.kb, &out)
        && let Ok(kb_dir) = std::fs::canonicalize(dir)
        && out.starts_with(&kb_dir)
    {
        anyhow::bail!(
            "the site would be written into the KB directory {}; choose another folder",
            dir.display()
        );
    }
    if out.as_deref().is_some_and(|o| o.parent().is_none()) {
        anyhow::bail!(
            "refusing to write a site into the root folder /; choose a folder of its own"
        );
    }
    let foreign = std::fs::read_dir(&args.out_dir)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false)
        && !args.out_dir.join(MARKER).is_file();
    if foreign && !args.force {
        anyhow::bail!(
            "{} already holds files that are not a fixpath site; choose an empty folder, or pass --force to write beside them (nothing is deleted)",
            args.out_dir.display()
        );
    }
    Ok(())
}
