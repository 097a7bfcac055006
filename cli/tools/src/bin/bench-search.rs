//! The speed of every command at team-KB sizes, measured end to end as processes.
//!
//! `cargo build --release -p fixpath-cli && cargo run --release -p fixpath-tools --bin
//! bench-search [-- SIZE...]` (default sizes 10000 and 50000) builds, for each size, a KB
//! of the default KB's articles (the reviewed graphs among them) plus the shared corpus
//! imported and repeated with unique ids, titles and error codes up to SIZE, and the same
//! articles as Markdown for ripgrep. It prints, per size: index build, `fixpath search`
//! p50/p95 next to `rg -il -F` in the same run, reindex after one edit, and for the
//! commands about one article (`solve ID`, `solve ERROR_CODE`, `render ID`, `graph ID`, the
//! first prompt of `ask ID`) the p50 time and the peak RSS. At the first size it also runs
//! `check` (text and JSON) and `site`, with the size of the site's index page and search
//! data. A table of every row closes the output. Needs `rg` on PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use fixpath_tools::common;

/// One measured row: what ran, its p50 in ms, its peak RSS in KiB, and a note.
struct Row {
    size: usize,
    what: String,
    ms: f64,
    rss_kib: Option<u64>,
    note: String,
}

struct Bench {
    fixpath: PathBuf,
    cache: PathBuf,
    kb: PathBuf,
}

impl Bench {
    /// Runs `fixpath ARGS` once; the wall time in ms.
    fn run(&self, args: &[&str]) -> anyhow::Result<f64> {
        let started = Instant::now();
        let output = self.command(args).output()?;
        anyhow::ensure!(
            output.status.success() || output.status.code() == Some(1),
            "fixpath {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.fixpath);
        command
            .arg("--kb")
            .arg(&self.kb)
            .args(args)
            .env("FIXPATH_CACHE_DIR", &self.cache)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        command
    }

    /// The p50 of `runs` runs (after one warm-up), and the peak RSS of one more.
    fn measure(&self, args: &[&str], runs: usize) -> anyhow::Result<(f64, u64)> {
        self.run(args)?;
        let mut times = Vec::new();
        for _ in 0..runs {
            times.push(self.run(args)?);
        }
        let (p50, _) = percentiles(&mut times);
        Ok((p50, self.max_rss(args)?))
    }

    /// The peak RSS (KiB) of one run, read by a child of our own that waits for it.
    fn max_rss(&self, args: &[&str]) -> anyhow::Result<u64> {
        let me = std::env::current_exe()?;
        let mut command = Command::new(me);
        command
            .arg("--max-rss-of")
            .arg(&self.fixpath)
            .arg("--kb")
            .arg(&self.kb)
            .args(args)
            .env("FIXPATH_CACHE_DIR", &self.cache);
        let output = command.output()?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().parse()?)
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--max-rss-of") {
        // Runs one command as our only child and prints its peak RSS in KiB.
        let command: Vec<String> = args.skip(1).collect();
        let status = Command::new(&command[0])
            .args(&command[1..])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()?;
        anyhow::ensure!(
            status.status.success() || status.status.code() == Some(1),
            "{command:?} failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        // SAFETY: getrusage only writes into the struct we pass.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
        println!("{}", usage.ru_maxrss);
        return Ok(());
    }
    let mut sizes: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![10_000, 50_000];
    }
    let root = common::repo_root();
    let fixpath = common::release_fixpath(&root)?;
    common::require("rg", "--version", "apt-get install ripgrep")?;
    let sources = common::read_corpus(&root.join("../shared/corpus/dev"))?;
    let base = common::import_corpus(&sources)?;
    let mut rows: Vec<Row> = Vec::new();
    for (position, &size) in sizes.iter().enumerate() {
        rows.extend(bench_size(
            &root,
            &fixpath,
            &sources,
            &base,
            size,
            position == 0,
        )?);
    }
    println!("\n| articles | command | p50 | peak RSS | note |");
    println!("| ---: | --- | ---: | ---: | --- |");
    for row in &rows {
        let rss = row
            .rss_kib
            .map_or_else(String::new, |k| format!("{:.1} MiB", k as f64 / 1024.0));
        println!(
            "| {} | {} | {:.1} ms | {rss} | {} |",
            row.size, row.what, row.ms, row.note
        );
    }
    Ok(())
}

/// Builds a KB of `size` articles and measures it; `everything` adds check and site.
fn bench_size(
    root: &Path,
    fixpath: &Path,
    sources: &[(String, String)],
    base: &[fixpath::model::Article],
    size: usize,
    everything: bool,
) -> anyhow::Result<Vec<Row>> {
    let mut work = tempfile::TempDir::with_prefix("fixpath-bench-")?;
    // BENCH_KEEP=1 leaves the KB, the Markdown and the index behind for a closer look.
    work.disable_cleanup(std::env::var_os("BENCH_KEEP").is_some());
    let bench = Bench {
        fixpath: fixpath.to_path_buf(),
        cache: work.path().join("cache"),
        kb: work.path().join("kb"),
    };
    let markdown = work.path().join("md");
    std::fs::create_dir_all(&bench.kb)?;
    std::fs::create_dir_all(&markdown)?;
    common::write_bench_kb(root, &bench.kb, Some(&markdown), sources, base, size)?;
    println!(
        "\n## {size} articles ({} distinct sources), in {}",
        base.len(),
        work.path().display()
    );
    let mut rows = Vec::new();
    let mut row = |what: &str, ms: f64, rss: Option<u64>, note: String| {
        println!(
            "{what}: {ms:.1} ms{}{}",
            rss.map_or_else(String::new, |k| format!(
                ", peak RSS {:.1} MiB",
                k as f64 / 1024.0
            )),
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            }
        );
        rows.push(Row {
            size,
            what: what.to_owned(),
            ms,
            rss_kib: rss,
            note,
        });
    };

    let build = bench.run(&["index"])?;
    row(
        "index (build)",
        build,
        None,
        format!("{:.0} articles/s", size as f64 / (build / 1000.0)),
    );

    let queries = common::bench_queries(root)?;
    bench.run(&["search", "-n", "10", "--", &queries[0]])?;
    let mut ours = Vec::new();
    let mut grep = Vec::new();
    for query in &queries {
        ours.push(bench.run(&["search", "-n", "10", "--", query])?);
        let mut rg = Command::new("rg");
        rg.arg("-il").arg("-F");
        for word in query.split_whitespace().filter(|w| w.len() > 2) {
            rg.arg("-e").arg(word);
        }
        rg.arg(&markdown);
        let started = Instant::now();
        rg.output()?;
        grep.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    // What any process costs here, for scale: the machine's speed varies from hour to hour.
    let mut start = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        Command::new(&bench.fixpath).arg("--version").output()?;
        start.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (start50, _) = percentiles(&mut start);
    row(
        "fixpath --version (process start, for scale)",
        start50,
        None,
        String::new(),
    );
    let (p50, p95) = percentiles(&mut ours);
    let (rg50, rg95) = percentiles(&mut grep);
    let search_rss = bench.max_rss(&["search", "--", &queries[1]])?;
    row(
        "search (50 queries)",
        p50,
        Some(search_rss),
        format!(
            "p95 {p95:.1} ms; rg -il -F p50 {rg50:.1} ms, p95 {rg95:.1} ms: {:.1}x faster",
            rg50 / p50
        ),
    );

    // The commands about one article, by id and by an error code only one article has.
    let code = format!("FXP_{:05}", size / 2);
    let one_article: [(&str, Vec<&str>); 5] = [
        (
            "solve ID",
            vec!["solve", "sspr-0029", "-f", "protected-admin=no"],
        ),
        ("solve ERROR_CODE", vec!["solve", &code]),
        ("render ID", vec!["render", "sspr-0029", "--format", "md"]),
        ("graph ID", vec!["graph", "sspr-0029"]),
        ("ask ID (first prompt)", vec!["ask", "sspr-0029"]),
    ];
    for (what, args) in &one_article {
        let (ms, rss) = bench.measure(args, 20)?;
        row(what, ms, Some(rss), String::new());
    }

    // Reindex after one article changes: the first search after the edit re-indexes it.
    let changed = bench.kb.join("sspr-0029.yaml");
    let text = std::fs::read_to_string(&changed)?.replacen("title: ", "title: Zyxwvut edited ", 1);
    // Saved the way editors and git save: a new file renamed over the old one.
    let temporary = bench.kb.join("edit.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, &changed)?;
    let after_edit = bench.run(&["search", "-n", "10", "--", "zyxwvut"])?;
    let found = bench
        .command(&["search", "--format", "json", "--", "zyxwvut"])
        .output()?;
    anyhow::ensure!(
        String::from_utf8_lossy(&found.stdout).contains("Zyxwvut edited"),
        "the edit was not re-indexed"
    );
    row(
        "reindex after one edit",
        (after_edit - p50).max(0.0),
        None,
        format!("the search that refreshed took {after_edit:.0} ms"),
    );

    if everything {
        // The first check after a clone or an upgrade parses every file; later ones parse
        // only what changed (the index build above already left parsed articles behind).
        let parsed = fixpath::search::store::parsed_cache_file(&bench.cache, &bench.kb);
        let mut cold = Vec::new();
        for _ in 0..3 {
            std::fs::remove_file(&parsed)?;
            cold.push(bench.run(&["check"])?);
        }
        let (ms, _) = percentiles(&mut cold);
        row(
            "check, nothing parsed before",
            ms,
            None,
            "every file parsed".to_owned(),
        );
        for (what, args) in [
            ("check", vec!["check"]),
            ("check --format json", vec!["check", "--format", "json"]),
        ] {
            let (ms, rss) = bench.measure(&args, 3)?;
            row(what, ms, Some(rss), String::new());
        }
        // The site, into a fresh folder each time.
        let mut times = Vec::new();
        let mut rss = 0;
        for run in 0..4 {
            let out = work.path().join(format!("site-{run}"));
            let out = out.to_str().unwrap();
            if run == 3 {
                rss = bench.max_rss(&["site", out])?;
            } else {
                times.push(bench.run(&["site", out])?);
            }
        }
        let (ms, _) = percentiles(&mut times);
        let site = work.path().join("site-0");
        let kib = |name: &str| std::fs::metadata(site.join(name)).map_or(0, |m| m.len()) / 1024;
        row(
            "site",
            ms,
            Some(rss),
            format!(
                "index.html {} KiB, search-data.js {} KiB",
                kib("index.html"),
                kib(fixpath::render::site::SEARCH_DATA)
            ),
        );
    }
    let parsed = fixpath::search::store::parsed_cache_file(&bench.cache, &bench.kb);
    let parsed_size = std::fs::metadata(&parsed).map_or(0, |m| m.len());
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "index size on disk: {:.1} MiB; parsed articles kept beside it: {:.1} MiB",
        mib(dir_size(&bench.cache) - parsed_size),
        mib(parsed_size)
    );
    Ok(rows)
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
