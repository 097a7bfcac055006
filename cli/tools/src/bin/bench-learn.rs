//! `fixpath learn` and `fixpath stats` over a large session store.
//!
//! `cargo build --release -p fixpath-cli && cargo run --release -p fixpath-tools --bin
//! bench-learn [-- SESSIONS]` (default 100,000) simulates that many sessions on the default
//! KB's walkable articles (the planner in a helpdesk whose truth differs from the authors',
//! as `bench-planner learning`), stores them in a SQLite session store of the server's
//! schema, and times `fixpath learn --dry-run` and `fixpath stats` over it (p50 of 3 runs,
//! and the peak RSS of each). `BENCH_KEEP=1` leaves the store behind.

use std::process::Command;
use std::time::Instant;

use fixpath_tools::common;
use fixpath_tools::simulate::{Rng, draw_truth, draw_world_with, run_session};
use sqlx::Connection as _;

fn main() -> anyhow::Result<()> {
    let sessions: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let root = common::repo_root();
    let fixpath = common::release_fixpath(&root)?;
    let mut work = tempfile::TempDir::with_prefix("fixpath-bench-learn-")?;
    work.disable_cleanup(std::env::var_os("BENCH_KEEP").is_some());
    let kb = work.path().join("kb");
    std::fs::create_dir_all(&kb)?;
    for entry in std::fs::read_dir(root.join("kb"))? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, kb.join(path.file_name().unwrap_or_default()))?;
        }
    }
    let db_path = work.path().join("sessions.sqlite");
    let db = format!("sqlite://{}", db_path.display());
    let created = Command::new(&fixpath)
        .args(["serve", "--verify-store", "--db", &db])
        .output()?;
    anyhow::ensure!(created.status.success(), "cannot create the store");

    let loaded = fixpath::load::load_embedded();
    let articles: Vec<&fixpath::model::Article> = loaded
        .kb
        .articles
        .iter()
        .map(|e| &e.article)
        .filter(|a| a.entry.is_some() && !a.causes.is_empty())
        .collect();
    let started = Instant::now();
    let mut rng = Rng(0x5eed_1ea5);
    let truths: Vec<_> = articles
        .iter()
        .map(|a| draw_truth(a, 1.2, fixpath_tools::simulate::SUCCESS_FROM, &mut rng))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&db).await?;
        let mut tx = conn.begin().await?;
        let mut made = 0usize;
        while made < sessions {
            let index = (rng.next_u64() % articles.len() as u64) as usize;
            let (article, truth) = (articles[index], &truths[index]);
            let Some(world) = draw_world_with(article, &truth.priors, &mut rng) else {
                continue;
            };
            let mut draws = Rng(rng.next_u64() | 1);
            let (_, mut state) = run_session(article, article, truth, &world, 0.15, &mut draws);
            // Spread the sessions over the last 90 days.
            let offset = 1_790_000_000_000 + (made as i64 % 90) * 86_400_000;
            for leg in &mut state.legs {
                leg.started_at.0 += offset;
                for event in &mut leg.events {
                    event.at.0 += offset;
                }
            }
            let status = state
                .outcome()
                .map_or_else(|| "open".to_owned(), |o| o.to_string());
            let steps: i64 = state.legs.iter().map(|l| l.events.len() as i64).sum();
            sqlx::query(
                "INSERT INTO sessions (id, article, current, title, status, steps, state, created_by, created_at, updated_at) \
                 VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, 'bench', ?7, ?7)",
            )
            .bind(format!("{made:032x}"))
            .bind(article.id.as_str())
            .bind(&article.title)
            .bind(status)
            .bind(steps)
            .bind(serde_json::to_string(&state)?)
            .bind(offset)
            .execute(&mut *tx)
            .await?;
            made += 1;
        }
        tx.commit().await?;
        anyhow::Ok(())
    })?;
    let size = std::fs::metadata(&db_path)?.len();
    println!(
        "{sessions} simulated sessions over {} articles stored in {:.1} s ({:.0} MiB)",
        articles.len(),
        started.elapsed().as_secs_f64(),
        size as f64 / 1048576.0
    );
    let kb_arg = kb.display().to_string();
    for (name, args, goal) in [
        (
            "fixpath learn --dry-run",
            vec!["--kb", &kb_arg, "learn", "--dry-run", "--db", &db],
            "≤ 5 s, ≤ 200 MB",
        ),
        ("fixpath stats", vec!["stats", "--db", &db], "≤ 1 s"),
    ] {
        let mut times = Vec::new();
        let mut peak = 0;
        for _ in 0..3 {
            let mut command = Command::new(&fixpath);
            command.args(&args).env("NO_COLOR", "1");
            let (seconds, rss) = common::run_measured(&mut command)?;
            times.push(seconds);
            peak = peak.max(rss);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} over {sessions} sessions | {goal} | {:.2} s | {:.1} MiB |",
            times[1],
            peak as f64 / 1024.0
        );
    }
    Ok(())
}
