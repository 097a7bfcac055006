//! What the measuring tools share: where the shared corpus is, and reading it.

use std::path::PathBuf;

use fixpath::import::{ImportOptions, import_markdown};
use fixpath::model::Article;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The next command-line argument as a path, or `default` under the repository's parent.
pub fn path_arg(args: &mut impl Iterator<Item = String>, default: &str) -> PathBuf {
    args.next()
        .map_or_else(|| repo_root().join("..").join(default), PathBuf::from)
}

/// Every `*.md` file under `dir` as (path relative to `dir` with `/` separators, text), sorted.
pub fn read_corpus(dir: &std::path::Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut sources = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let path = entry
                .path()
                .strip_prefix(dir)?
                .to_string_lossy()
                .replace('\\', "/");
            sources.push((path, std::fs::read_to_string(entry.path())?));
        }
    }
    sources.sort();
    Ok(sources)
}

/// Imports every source as a draft article, recording its path as the source.
pub fn import_corpus(sources: &[(String, String)]) -> anyhow::Result<Vec<Article>> {
    sources
        .iter()
        .map(|(path, text)| {
            let options = ImportOptions {
                source_path: path.clone(),
                ..ImportOptions::default()
            };
            Ok(import_markdown(text.as_bytes(), &options)?.article)
        })
        .collect()
}

/// Writes a KB of `size` articles into `kb`: the default KB as it is (its reviewed graphs,
/// their links), then copies of `base` with unique ids, titles and error codes; with
/// `markdown`, the same articles' sources as Markdown there (for ripgrep).
pub fn write_bench_kb(
    root: &std::path::Path,
    kb: &std::path::Path,
    markdown: Option<&std::path::Path>,
    sources: &[(String, String)],
    base: &[Article],
    size: usize,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(kb)?;
    let mut written = 0;
    for entry in std::fs::read_dir(root.join("kb"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "toml") {
            std::fs::copy(&path, kb.join(path.file_name().unwrap_or_default()))?;
            written += usize::from(path.extension().is_some_and(|e| e == "yaml"));
        }
    }
    for i in 0..size.saturating_sub(written) {
        let mut article = base[i % base.len()].clone();
        article.id = fixpath::model::ArticleId(format!("{}-{i:05}", article.id));
        article.title = format!("{} (copy {i})", article.title);
        article.error_codes.push(format!("FXP_{i:05}"));
        std::fs::write(
            kb.join(format!("{}.yaml", article.id)),
            fixpath::load::to_yaml(&article),
        )?;
        if let Some(markdown) = markdown {
            let (_, text) = &sources[i % sources.len()];
            std::fs::write(
                markdown.join(format!("{}.md", article.id)),
                format!("{text}\n\nFXP_{i:05} (copy {i})\n"),
            )?;
        }
    }
    Ok(())
}

/// Fifty queries of the hand-written evaluation set (every third), for speed figures.
pub fn bench_queries(root: &std::path::Path) -> anyhow::Result<Vec<String>> {
    Ok(
        std::fs::read_to_string(root.join("../shared/eval/search-queries.tsv"))?
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .step_by(3)
            .take(50)
            .map(str::to_owned)
            .collect(),
    )
}

/// The release binary the benchmarks measure, or how to build it; `FIXPATH_BENCH_BIN`
/// names another build (another checkout's, or a debug one for upper bounds).
pub fn release_fixpath(root: &std::path::Path) -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("FIXPATH_BENCH_BIN") {
        return Ok(path.into());
    }
    let fixpath = root.join("target/release/fixpath");
    anyhow::ensure!(
        fixpath.is_file(),
        "build it first: cargo build --release -p fixpath-cli"
    );
    Ok(fixpath)
}

/// Fails with how to install `program` when it does not run.
pub fn require(program: &str, version_flag: &str, install: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        std::process::Command::new(program)
            .arg(version_flag)
            .output()
            .is_ok(),
        "install {program} ({install})"
    );
    Ok(())
}

/// Runs a command to its end; its wall time in seconds and its own peak RSS in KiB (read
/// with `wait4`, which reports that child alone).
pub fn run_measured(command: &mut std::process::Command) -> anyhow::Result<(f64, u64)> {
    let started = std::time::Instant::now();
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 writes only into the status and the rusage we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(waited == pid, "cannot wait for {command:?}");
    anyhow::ensure!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1,
        "{command:?} failed"
    );
    Ok((seconds, usage.ru_maxrss as u64))
}
