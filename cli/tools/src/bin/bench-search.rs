//! Search speed at 10,000 articles, measured end to end against `rg -il`.
//!
//! `cargo run --release -p fixpath-tools --bin bench-search [-- ARTICLES]` builds a KB of
//! ARTICLES (default 10,000) from the shared corpus deterministically (the imported articles
//! repeated with unique ids, titles and error codes), writes the same articles as Markdown
//! for ripgrep, and prints: full index build time, reindex time after one article changes,
//! `fixpath search` process time p50/p95 over 50 queries next to `rg -il` over the Markdown,
//! and the maximum RSS of one search. Needs the release `fixpath` binary and `rg` on PATH.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use fixpath_tools::common;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--max-rss-of") {
        // Runs one command as our only child and prints its peak RSS in KiB.
        let command: Vec<String> = args.collect();
        let status = Command::new(&command[0])
            .args(&command[1..])
            .env("NO_COLOR", "1")
            .output()?;
        anyhow::ensure!(
            status.status.success() || status.status.code() == Some(1),
            "{command:?} failed"
        );
        // SAFETY: getrusage only writes into the struct we pass.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
        println!("{}", usage.ru_maxrss);
        return Ok(());
    }
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let root = common::repo_root();
    let corpus = root.join("../shared/corpus/dev");
    let fixpath = root.join("target/release/fixpath");
    anyhow::ensure!(
        fixpath.is_file(),
        "build it first: cargo build --release -p fixpath-cli"
    );
    anyhow::ensure!(
        Command::new("rg").arg("--version").output().is_ok(),
        "install ripgrep (apt-get install ripgrep)"
    );

    let mut work = tempfile::TempDir::with_prefix("fixpath-bench-")?;
    // BENCH_KEEP=1 leaves the KB, the Markdown and the index behind for a closer look.
    work.disable_cleanup(std::env::var_os("BENCH_KEEP").is_some());
    let kb = work.path().join("kb");
    let markdown = work.path().join("md");
    let cache = work.path().join("cache");
    std::fs::create_dir_all(&kb)?;
    std::fs::create_dir_all(&markdown)?;
    let sources = common::read_corpus(&corpus)?;
    let base = common::import_corpus(&sources)?;
    for i in 0..count {
        let mut article = base[i % base.len()].clone();
        article.id = fixpath::model::ArticleId(format!("{}-{i:05}", article.id));
        article.title = format!("{} (copy {i})", article.title);
        article.error_codes.push(format!("FXP_{i:05}"));
        std::fs::write(
            kb.join(format!("{}.yaml", article.id)),
            fixpath::load::to_yaml(&article),
        )?;
        let (_, text) = &sources[i % sources.len()];
        std::fs::write(
            markdown.join(format!("{}.md", article.id)),
            format!("{text}\n\nFXP_{i:05} (copy {i})\n"),
        )?;
    }
    println!(
        "KB: {count} articles ({} distinct sources), in {}",
        base.len(),
        work.path().display()
    );

    let run = |args: &[&str]| -> anyhow::Result<f64> {
        let started = Instant::now();
        let output = Command::new(&fixpath)
            .args(args)
            .env("FIXPATH_CACHE_DIR", &cache)
            .env("NO_COLOR", "1")
            .output()?;
        anyhow::ensure!(
            output.status.success() || output.status.code() == Some(1),
            "fixpath {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    let kb_arg = kb.to_str().unwrap();
    let build = run(&["--kb", kb_arg, "index"])?;
    println!(
        "index build: {build:.0} ms for {count} articles = {:.0} articles/s (whole process: YAML parse + index)",
        count as f64 / (build / 1000.0)
    );

    let queries: Vec<String> =
        std::fs::read_to_string(root.join("../shared/eval/search-queries.tsv"))?
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .step_by(3)
            .take(50)
            .map(str::to_owned)
            .collect();
    let warm = run(&["--kb", kb_arg, "search", "-n", "10", "--", &queries[0]])?;
    let _ = warm;
    let mut ours = Vec::new();
    let mut grep = Vec::new();
    for query in &queries {
        ours.push(run(&["--kb", kb_arg, "search", "-n", "10", "--", query])?);
        let words: Vec<&str> = query.split_whitespace().filter(|w| w.len() > 2).collect();
        let mut rg = Command::new("rg");
        rg.arg("-il").arg("-F");
        for word in &words {
            rg.arg("-e").arg(word);
        }
        rg.arg(&markdown);
        let started = Instant::now();
        rg.output()?;
        grep.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (p50, p95) = percentiles(&mut ours);
    let (rg50, rg95) = percentiles(&mut grep);
    println!("fixpath search (process, 50 queries): p50 {p50:.1} ms, p95 {p95:.1} ms");
    println!("rg -il (process, same queries):       p50 {rg50:.1} ms, p95 {rg95:.1} ms");
    println!("speed-up at p50: {:.1}x", rg50 / p50);

    // Reindex after one article changes: the first search after the edit re-indexes it.
    let changed = kb.join(
        std::fs::read_dir(&kb)?
            .filter_map(Result::ok)
            .next()
            .unwrap()
            .file_name(),
    );
    let mut text = std::fs::read_to_string(&changed)?;
    text = text.replacen("title: ", "title: Zyxwvut edited ", 1);
    // Saved the way editors and git save: a new file renamed over the old one.
    let temporary = kb.join("edit.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, &changed)?;
    let after_edit = run(&["--kb", kb_arg, "search", "-n", "10", "--", "zyxwvut"])?;
    let found = Command::new(&fixpath)
        .args([
            "--kb", kb_arg, "search", "--format", "json", "--", "zyxwvut",
        ])
        .env("FIXPATH_CACHE_DIR", &cache)
        .output()?;
    anyhow::ensure!(
        String::from_utf8_lossy(&found.stdout).contains("Zyxwvut edited"),
        "the edit was not re-indexed"
    );
    println!(
        "reindex after one article changed: {:.0} ms (search that refreshed: {after_edit:.0} ms, minus search p50 {p50:.0} ms)",
        (after_edit - p50).max(0.0)
    );

    let me = std::env::current_exe()?;
    let rss = Command::new(me)
        .args([
            "--max-rss-of",
            fixpath.to_str().unwrap(),
            "--kb",
            kb_arg,
            "search",
            "--",
            &queries[1],
        ])
        .env("FIXPATH_CACHE_DIR", &cache)
        .output()?;
    println!(
        "max RSS of one search: {} KiB",
        String::from_utf8_lossy(&rss.stdout).trim()
    );
    let size = dir_size(&cache);
    println!(
        "index size on disk: {:.1} MiB",
        size as f64 / (1024.0 * 1024.0)
    );
    Ok(())
}

fn percentiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[(values.len() * 95 / 100).min(values.len() - 1)],
    )
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
