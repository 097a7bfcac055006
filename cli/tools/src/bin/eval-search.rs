//! Measures search relevance on the hand-written query set, against two baselines.
//!
//! `cargo run --release -p fixpath-tools --bin eval-search [-- CORPUS_DIR QUERIES_TSV]`
//! imports the corpus into an in-memory KB, runs every query through fixpath's search,
//! tantivy with default settings, and a word-count ranking (what grep gives), and prints
//! success@1, success@3 and MRR@10 overall, per query type (a code, b symptom, c hard) and per area.

use std::collections::BTreeMap;
use std::time::Instant;

use fixpath_tools::common;

use fixpath::search::SearchIndex;
use fixpath::search::baseline::{TantivyDefault, word_count_ranking};

#[derive(Default, Clone, Copy)]
struct Tally {
    count: usize,
    at1: usize,
    at3: usize,
    reciprocal: f64,
}

impl Tally {
    fn add(&mut self, rank: Option<usize>) {
        self.count += 1;
        if let Some(rank) = rank {
            self.at1 += usize::from(rank == 1);
            self.at3 += usize::from(rank <= 3);
            if rank <= 10 {
                self.reciprocal += 1.0 / rank as f64;
            }
        }
    }

    fn line(&self) -> String {
        let n = self.count.max(1) as f64;
        format!(
            "s@1 {:.3}  s@3 {:.3}  MRR@10 {:.3}  (n={})",
            self.at1 as f64 / n,
            self.at3 as f64 / n,
            self.reciprocal / n,
            self.count
        )
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let corpus = common::path_arg(&mut args, "shared/corpus/dev");
    let queries = common::path_arg(&mut args, "shared/eval/search-queries.tsv");
    let verbose = std::env::var_os("EVAL_VERBOSE").is_some();

    let sources = common::read_corpus(&corpus)?;
    let articles = common::import_corpus(&sources)?;
    let id_to_path: BTreeMap<String, String> = articles
        .iter()
        .zip(&sources)
        .map(|(article, (path, _))| (article.id.to_string(), path.clone()))
        .collect();
    let started = Instant::now();
    let index = SearchIndex::in_memory(&articles)?;
    let build = started.elapsed();
    let plain = TantivyDefault::new(sources.iter().map(|(p, t)| (p.as_str(), t.as_str())))?;
    if let Some(query) = std::env::var_os("EVAL_QUERY") {
        let results = index.search(&query.to_string_lossy(), 5)?;
        println!("corrections: {:?}", results.corrections);
        for hit in results.hits {
            println!("{:8.3} {} | {}", hit.score, hit.id, hit.snippet);
        }
        return Ok(());
    }

    let text = std::fs::read_to_string(&queries)?;
    let mut ours: BTreeMap<String, Tally> = BTreeMap::new();
    let mut default: BTreeMap<String, Tally> = BTreeMap::new();
    let mut grep: BTreeMap<String, Tally> = BTreeMap::new();
    let mut timings = Vec::new();
    for (row, line) in text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
    {
        let (query, expected) = line
            .split_once('\t')
            .ok_or_else(|| anyhow::anyhow!("bad row: {line}"))?;
        let kind = ["a code", "b symptom", "c hard"][row % 3];
        let area = expected.split('/').next().unwrap_or("?").to_owned();
        let started = Instant::now();
        let results = index.search(query, 10)?;
        timings.push(started.elapsed().as_secs_f64() * 1000.0);
        let ranked: Vec<String> = results
            .hits
            .iter()
            .map(|h| id_to_path.get(&h.id).cloned().unwrap_or_default())
            .collect();
        let rank = ranked.iter().position(|p| p == expected).map(|i| i + 1);
        let default_rank = plain
            .search(query, 10)?
            .iter()
            .position(|p| p == expected)
            .map(|i| i + 1);
        let grep_rank = word_count_ranking(&sources, query, 10)
            .iter()
            .position(|p| *p == expected)
            .map(|i| i + 1);
        for (tallies, rank) in [
            (&mut ours, rank),
            (&mut default, default_rank),
            (&mut grep, grep_rank),
        ] {
            for key in ["all".to_owned(), kind.to_owned(), format!("area {area}")] {
                tallies.entry(key).or_default().add(rank);
            }
        }
        if verbose && rank != Some(1) {
            println!(
                "MISS rank {:?} [{kind}] {query}\n     want {expected}\n     got  {}",
                rank,
                ranked.first().map_or("-", String::as_str)
            );
        }
    }
    let keys: Vec<String> = ours.keys().cloned().collect();
    let order = ["all", "a code", "b symptom", "c hard"];
    let mut sorted: Vec<&String> = order
        .iter()
        .filter_map(|k| keys.iter().find(|x| x == k))
        .collect();
    sorted.extend(keys.iter().filter(|k| k.starts_with("area ")));
    let headings = [
        "queries",
        "fixpath",
        "tantivy default (one field)",
        "word count (grep)",
    ];
    println!(
        "{:<24} {:<52} {:<52} {}",
        headings[0], headings[1], headings[2], headings[3]
    );
    for key in sorted {
        println!(
            "{key:<24} {:<52} {:<52} {}",
            ours[key].line(),
            default[key].line(),
            grep[key].line()
        );
    }
    timings.sort_by(f64::total_cmp);
    let p50 = timings[timings.len() / 2];
    let p95 = timings[timings.len() * 95 / 100];
    println!(
        "index build: {} articles in {:.1} ms; query p50 {p50:.2} ms, p95 {p95:.2} ms (in process)",
        articles.len(),
        build.as_secs_f64() * 1000.0
    );
    Ok(())
}
