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
    let mut args = std::env::args().skip(1).filter(|a| a != "--learning");
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
    if std::env::args().any(|a| a == "--learning") {
        return learning(&articles, &id_to_path, &queries);
    }
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

/// Search learning, measured honestly: the paraphrased queries (symptom and hard ones) are
/// split in two; one half is learned as the problems of resolved sessions (as `fixpath
/// learn` records them), and success@1 is measured on the other half, on the whole set and
/// on the code queries, before and after.
fn learning(
    articles: &[fixpath::model::Article],
    id_to_path: &BTreeMap<String, String>,
    queries: &std::path::Path,
) -> anyhow::Result<()> {
    use fixpath::learn::{Learned, LearnedArticle};
    use fixpath::model::ArticleId;
    let text = std::fs::read_to_string(queries)?;
    let rows: Vec<(usize, &str, &str)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .filter_map(|(row, line)| {
            let (query, expected) = line.split_once('\t')?;
            Some((row % 3, query, expected))
        })
        .collect();
    // Paraphrased queries alternate between the learned half and the held-out half.
    let mut learned_half = Vec::new();
    let mut held_out = Vec::new();
    for (position, row) in rows.iter().filter(|(kind, ..)| *kind != 0).enumerate() {
        if position % 2 == 0 {
            learned_half.push(*row);
        } else {
            held_out.push(*row);
        }
    }
    let path_to_id: BTreeMap<&str, &str> = id_to_path
        .iter()
        .map(|(id, path)| (path.as_str(), id.as_str()))
        .collect();
    let mut learned = Learned::default();
    for (_, query, expected) in &learned_half {
        let Some(id) = path_to_id.get(expected) else {
            continue;
        };
        let entry: &mut LearnedArticle = learned
            .articles
            .entry(ArticleId((*id).to_owned()))
            .or_default();
        entry.sessions += 1;
        entry.resolved += 1;
        *entry.queries.entry((*query).to_owned()).or_default() += 1;
    }
    let with_learning: Vec<fixpath::model::Article> =
        articles.iter().map(|a| learned.apply(a)).collect();
    let before = SearchIndex::in_memory(articles)?;
    let after = SearchIndex::in_memory(&with_learning)?;
    let success_at_1 = |index: &SearchIndex, set: &[(usize, &str, &str)]| -> anyhow::Result<f64> {
        let mut hits = 0usize;
        for (_, query, expected) in set {
            let top = index.search(query, 1)?.hits.into_iter().next();
            hits += usize::from(
                top.and_then(|h| id_to_path.get(&h.id))
                    .is_some_and(|p| p == expected),
            );
        }
        Ok(hits as f64 / set.len().max(1) as f64)
    };
    let codes: Vec<(usize, &str, &str)> = rows
        .iter()
        .filter(|(kind, ..)| *kind == 0)
        .copied()
        .collect();
    println!(
        "search learning: {} paraphrased queries learned as resolved sessions' problems, {} held out",
        learned_half.len(),
        held_out.len()
    );
    println!("| queries | before | after |");
    println!("| --- | ---: | ---: |");
    for (name, set) in [
        ("held-out half (paraphrases never learned)", &held_out),
        ("learned half", &learned_half),
        ("code queries", &codes),
        ("whole set", &rows),
    ] {
        println!(
            "| {name} (n={}) | s@1 {:.3} | s@1 {:.3} |",
            set.len(),
            success_at_1(&before, set)?,
            success_at_1(&after, set)?
        );
    }
    Ok(())
}
