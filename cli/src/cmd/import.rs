//! `fixpath import FILE_OR_DIR... [-o KB_DIR]`: Markdown articles into draft YAML graphs.
//!
//! Each written file starts with a comment holding the SHA-256 of what was written, so a
//! later import can tell an untouched draft (safe to refresh) from one a writer edited
//! (never overwritten). A reviewed article with the same source wins over its draft.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use fixpath::import::{ImportOptions, import_markdown};
use fixpath::model::{Article, Status};
use serde::Serialize;

use crate::Outcome;
use crate::kb::write_output;
use crate::output::Format;

/// Arguments of `fixpath import`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Markdown files, or directories searched for `*.md`.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Write one YAML file per article into this KB directory (default: print YAML).
    #[arg(short, long, value_name = "KB_DIR")]
    output: Option<PathBuf>,
    /// A URL to record as every article's source (for example the upstream repository).
    #[arg(long, value_name = "URL")]
    source_url: Option<String>,
    /// The licence of the source text, recorded for attribution (for example "CC BY 4.0").
    #[arg(long, value_name = "TEXT")]
    license: Option<String>,
    /// Where `[!INCLUDE]` files are (default: an `includes/` folder beside or above each
    /// source). Includes found are expanded; the others are removed with a note.
    #[arg(long, value_name = "DIR")]
    includes: Option<PathBuf>,
    /// The published site the sources come from, for their links by root path
    /// (`/windows/...`); written to the KB's fixpath.toml (needs --output).
    #[arg(long, value_name = "URL", requires = "output")]
    base_url: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// What happened to one input file.
#[derive(Debug, Serialize)]
struct FileReport {
    source: String,
    id: Option<String>,
    outcome: &'static str,
    causes: usize,
    solutions: usize,
    workarounds: usize,
    error_codes: Vec<String>,
    notes: Vec<String>,
}

const HEADER: &str = "# fixpath import";

/// Imports every input; exit 0 when every file was imported or deliberately kept, 1 otherwise.
pub(crate) fn run(args: Args, _kb: &crate::kb::KbArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let files = collect_inputs(&args.inputs)?;
    let reviewed = match &args.output {
        Some(dir) => reviewed_sources(dir)?,
        None => HashMap::new(),
    };
    if let Some(dir) = &args.output {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        if let Some(base) = &args.base_url {
            write_config(dir, base)?;
        }
    }
    let schema_line = args
        .output
        .as_deref()
        .filter(|dir| dir.join("article.schema.json").is_file())
        .map(|_| "# yaml-language-server: $schema=article.schema.json\n");
    let mut reports = Vec::new();
    let mut printed = Vec::new();
    let progress = crate::progress::Progress::bar(files.len() as u64, "importing");
    for (path, source) in &files {
        progress.step();
        let options = ImportOptions {
            source_path: source.clone(),
            source_url: args.source_url.clone(),
            license: args.license.clone(),
        };
        let mut report = FileReport {
            source: source.clone(),
            id: None,
            outcome: "imported",
            causes: 0,
            solutions: 0,
            workarounds: 0,
            error_codes: Vec::new(),
            notes: Vec::new(),
        };
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains("[!INCLUDE") => {
                let (text, notes) = fixpath::import::expand_includes(text, |include| {
                    read_include(path, args.includes.as_deref(), include)
                });
                report.notes.extend(notes);
                text.into_bytes()
            }
            _ => bytes,
        };
        // Images beside the source go into the KB's media folder, linked from there.
        let bytes = match (&args.output, std::str::from_utf8(&bytes)) {
            (Some(kb), Ok(text)) if text.contains("![") => {
                copy_images(path, kb, text, &mut report.notes)?.into_bytes()
            }
            _ => bytes,
        };
        let imported = match import_markdown(&bytes, &options) {
            Ok(imported) => imported,
            Err(error) => {
                report.outcome = "failed";
                report.notes.push(error.to_string());
                reports.push(report);
                continue;
            }
        };
        let article = &imported.article;
        report.id = Some(article.id.to_string());
        report.causes = article.causes.len();
        report.solutions = article.solutions.iter().filter(|s| !s.by_design).count();
        report.workarounds = article.workarounds.len();
        report.error_codes = article.error_codes.clone();
        report.notes.extend(imported.notes.iter().cloned());
        report.notes.extend(review_notes(article));
        let yaml = fixpath::load::to_yaml(article);
        let digest = fixpath::text::digest(yaml.as_bytes());
        let text = format!(
            "{HEADER} of {source}; sha256 {digest}\n{}{yaml}",
            schema_line.unwrap_or("")
        );
        match &args.output {
            None => printed.push(text),
            Some(dir) => {
                if let Some(reviewed_id) = reviewed_for(&reviewed, source) {
                    report.outcome = "kept-reviewed";
                    report.notes.push(format!("the reviewed article `{reviewed_id}` covers this source; the draft was not written"));
                } else {
                    let target = dir.join(format!("{}.yaml", article.id));
                    if is_hand_edited(&target)? {
                        report.outcome = "kept-edited";
                        report.notes.push(format!(
                            "{} was edited by hand since it was imported; it was left as it is",
                            target.display()
                        ));
                    } else {
                        write_atomically(&target, &text)?;
                    }
                }
            }
        }
        reports.push(report);
    }
    progress.finish();
    let elapsed = started.elapsed();
    if args.output.is_none() {
        write_output(None, &printed.join("---\n"))?;
    }
    print_reports(&reports, args.format, elapsed, args.output.is_some())?;
    let failed = reports.iter().any(|r| r.outcome == "failed");
    Ok(if failed {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

/// Things a writer should look at before marking the draft reviewed.
fn review_notes(article: &Article) -> Vec<String> {
    let mut notes = Vec::new();
    if article.symptoms.is_empty() {
        notes.push("no Symptoms section".to_owned());
    }
    for cause in &article.causes {
        if cause.solutions.is_empty() && cause.workarounds.is_empty() {
            notes.push(format!(
                "{} ({}) has no solution or workaround in the source",
                cause.id, cause.title
            ));
        }
    }
    if article.entry.is_none() {
        notes.push(
            "describes no problem: no cause, symptom or fix; kept as an informational article"
                .to_owned(),
        );
    }
    notes
}

/// `import --format json`: each file's report and the time taken.
#[derive(serde::Serialize)]
struct ImportReport<'a> {
    files: &'a [FileReport],
    seconds: f64,
}

fn print_reports(
    reports: &[FileReport],
    format: Format,
    elapsed: std::time::Duration,
    wrote: bool,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let report = ImportReport {
            files: reports,
            seconds: elapsed.as_secs_f64(),
        };
        // With YAML on stdout, the report goes to stderr.
        let text = crate::output::json(&report)?;
        if wrote {
            print!("{text}")
        } else {
            eprint!("{text}")
        }
        return Ok(());
    }
    for report in reports {
        let id = report.id.as_deref().unwrap_or("-");
        eprintln!(
            "{:<13} {} -> {id}: {} causes, {} solutions, {} workarounds",
            report.outcome, report.source, report.causes, report.solutions, report.workarounds
        );
        for note in &report.notes {
            eprintln!("              note: {note}");
        }
    }
    let count = |outcome: &str| reports.iter().filter(|r| r.outcome == outcome).count();
    eprintln!(
        "{} files in {:.0} ms: {} imported, {} kept (reviewed), {} kept (edited by hand), {} failed",
        reports.len(),
        elapsed.as_secs_f64() * 1000.0,
        count("imported"),
        count("kept-reviewed"),
        count("kept-edited"),
        count("failed")
    );
    Ok(())
}

/// Every `*.md` file under the inputs, with the path to record as its source.
fn collect_inputs(inputs: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    for input in inputs {
        let metadata =
            std::fs::metadata(input).with_context(|| format!("cannot read {}", input.display()))?;
        if metadata.is_file() {
            let name = input.file_name().map_or_else(
                || input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            files.push((input.clone(), name));
            continue;
        }
        for entry in walkdir::WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.with_context(|| format!("cannot walk {}", input.display()))?;
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "md") {
                let relative = path.strip_prefix(input).unwrap_or(path);
                let source = relative.to_string_lossy().replace('\\', "/");
                files.push((path.to_path_buf(), source));
            }
        }
    }
    Ok(files)
}

/// Source paths covered by reviewed articles already in the KB directory.
fn reviewed_sources(dir: &Path) -> anyhow::Result<HashMap<String, String>> {
    if !dir.is_dir() {
        return Ok(HashMap::new());
    }
    let loaded = fixpath::load::load_dir(dir)?;
    Ok(loaded
        .kb
        .articles
        .iter()
        .filter(|e| e.article.status == Status::Reviewed)
        .filter_map(|e| {
            Some((
                e.article.source.as_ref()?.path.clone()?,
                e.article.id.to_string(),
            ))
        })
        .collect())
}

/// The reviewed article whose source is this file. Paths are compared from the end, so
/// `entra/x.md` (imported from the corpus root) and `x.md` (from its folder) match.
fn reviewed_for<'a>(reviewed: &'a HashMap<String, String>, source: &str) -> Option<&'a String> {
    reviewed.iter().find_map(|(path, id)| {
        let same = path == source
            || path.ends_with(&format!("/{source}"))
            || source.ends_with(&format!("/{path}"));
        same.then_some(id)
    })
}

/// True when the file exists and is not byte-for-byte what an import wrote.
fn is_hand_edited(path: &Path) -> anyhow::Result<bool> {
    let Ok(existing) = std::fs::read_to_string(path) else {
        return Ok(false);
    };
    let Some(first) = existing.lines().next().filter(|l| l.starts_with(HEADER)) else {
        return Ok(true);
    };
    let Some(recorded) = first.rsplit("sha256 ").next() else {
        return Ok(true);
    };
    let yaml: String = existing
        .split_inclusive('\n')
        .skip(1)
        .filter(|l| !l.starts_with("# yaml-language-server"))
        .collect();
    Ok(fixpath::text::digest(yaml.as_bytes()) != recorded.trim())
}

fn write_atomically(target: &Path, text: &str) -> anyhow::Result<()> {
    let temporary = target.with_extension("yaml.tmp");
    std::fs::write(&temporary, text)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, target)
        .with_context(|| format!("cannot write {}", target.display()))
}

/// The text of an include a source names: at its path from the source, else by file name
/// in `--includes DIR`, else in an `includes/` folder beside or above the source.
fn read_include(source: &Path, includes: Option<&Path>, include: &str) -> Option<String> {
    let folder = source.parent()?;
    let name = Path::new(include.trim_start_matches("~/")).file_name()?;
    let mut candidates = vec![folder.join(include)];
    if let Some(dir) = includes {
        candidates.push(dir.join(name));
    }
    candidates.extend(
        folder
            .ancestors()
            .take(6)
            .map(|dir| dir.join("includes").join(name)),
    );
    candidates
        .into_iter()
        .find(|candidate| candidate.is_file())
        .and_then(|file| std::fs::read_to_string(file).ok())
}

/// Records the published site's base URL in the KB's fixpath.toml.
fn write_config(dir: &Path, base_url: &str) -> anyhow::Result<()> {
    let config = fixpath::load::KbConfig {
        base_url: Some(base_url.to_owned()),
    };
    let text = format!(
        "# fixpath KB settings (see the README, \"The KB format\")\n{}",
        toml::to_string(&config)?
    );
    // Check it the way `check` will before writing it.
    fixpath::load::KbConfig::parse(&text)
        .map_err(|d| anyhow::anyhow!("--base-url: {}", d.message))?;
    let path = dir.join(fixpath::load::CONFIG_FILE);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Copies each image a source shows that exists beside it into `KB/media/<source name>/`
/// and points the image there; the others stay as written (`render` resolves them).
fn copy_images(
    source: &Path,
    kb: &Path,
    text: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<String> {
    let folder = source.parent().unwrap_or(Path::new("."));
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = text.to_owned();
    for destination in fixpath::import::image_targets(text) {
        let relative = destination.split(['#', '?']).next().unwrap_or_default();
        let file = folder.join(relative);
        let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if relative.contains(':') || relative.starts_with('/') || !file.is_file() {
            continue;
        }
        let target_dir = kb.join("media").join(&stem);
        std::fs::create_dir_all(&target_dir)
            .with_context(|| format!("cannot create {}", target_dir.display()))?;
        std::fs::copy(&file, target_dir.join(&name))
            .with_context(|| format!("cannot copy {}", file.display()))?;
        let linked = format!("media/{stem}/{name}");
        out = out.replace(&format!("]({destination}"), &format!("]({linked}"));
        notes.push(format!("image `{relative}` copied to {linked}"));
    }
    Ok(out)
}
