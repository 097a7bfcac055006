//! Measures the importer on the shared corpus against hand counts, and checks no text is lost.
//!
//! `cargo run --release -p fixpath-tools --bin eval-import [-- CORPUS_DIR GOLD_TSV...]`
//! prints, per gold article and in total for each file of hand counts, the exact-match rate of (causes, solutions,
//! workarounds, has_symptoms), error-code recall, and the share of corpus articles whose
//! rendered import holds every paragraph, list item, code block and note of the source.

use std::collections::BTreeSet;
use std::time::Instant;

use std::fmt::Write as _;
use std::path::Path;

use crate::common;

use fixpath::import::{ImportOptions, import_markdown};
use fixpath::render::{Format, Renderer};

/// Runs the evaluation of the importer on `corpus` against each file of hand counts in
/// `golds`, and returns the report.
pub fn run(corpus: &Path, golds: &[&Path]) -> anyhow::Result<String> {
    let mut out = String::new();
    let renderer = Renderer::new(None)?;

    // Every corpus article: import time and text coverage of the rendered draft.
    let sources = common::read_corpus(corpus)?;
    let started = Instant::now();
    let imported: Vec<_> = sources
        .iter()
        .map(|(path, text)| {
            import_markdown(
                text.as_bytes(),
                &ImportOptions {
                    source_path: path.clone(),
                    ..ImportOptions::default()
                },
            )
        })
        .collect();
    let import_time = started.elapsed();
    let mut full = 0;
    let mut partial = Vec::new();
    for ((path, text), result) in sources.iter().zip(&imported) {
        let Ok(imported) = result else {
            partial.push(format!("{path}: not imported"));
            continue;
        };
        let rendered = renderer.render_article(&imported.article, Format::Markdown, None)?;
        let plain = fixpath::text::plain_text(&rendered);
        let missing = fixpath::text::missing_blocks(text, &plain);
        if missing.is_empty() {
            full += 1;
        } else {
            partial.push(format!(
                "{path}: {} blocks missing, first: {}",
                missing.len(),
                missing[0]
            ));
        }
    }

    // Structure against the hand counts.
    for gold in golds {
        score(gold, &sources, &imported, &mut out)?;
    }
    let share = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    writeln!(
        out,
        "no text lost, {} corpus articles: {:.3} fully covered ({full}/{})",
        sources.len(),
        share(full, sources.len()),
        sources.len()
    )?;
    for line in &partial {
        writeln!(out, "  {line}")?;
    }
    writeln!(
        out,
        "import of {} articles: {:.1} ms",
        sources.len(),
        import_time.as_secs_f64() * 1000.0
    )?;
    Ok(out)
}

/// Compares the imported articles with one file of hand counts; appends the table and the
/// figures to `out`.
fn score(
    gold: &Path,
    sources: &[(String, String)],
    imported: &[Result<fixpath::import::Imported, fixpath::import::ImportError>],
    out: &mut String,
) -> anyhow::Result<()> {
    let gold_text = std::fs::read_to_string(gold)?;
    let name = gold
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut rows = 0;
    let mut tuple_matches = 0;
    let mut field_matches = [0usize; 5];
    let mut codes_expected = 0;
    let mut codes_found = 0;
    writeln!(
        out,
        "{:<72} {:>11} {:>11} {:>7} {:>9}",
        "article", "gold c/s/w/y", "got c/s/w/y", "tuple", "codes"
    )?;
    for line in gold_text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        let file = columns[0];
        let expected = (
            columns[1].parse::<usize>()?,
            columns[2].parse::<usize>()?,
            columns[3].parse::<usize>()?,
            columns[4] == "yes",
        );
        let gold_codes: BTreeSet<String> = columns
            .get(5)
            .unwrap_or(&"")
            .split(',')
            .map(fold)
            .filter(|c| !c.is_empty())
            .collect();
        let index = sources
            .iter()
            .position(|(path, _)| path == file)
            .ok_or_else(|| anyhow::anyhow!("{file} is not in the corpus"))?;
        let article = &imported[index]
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{file}: {e}"))?
            .article;
        let got = (
            article.causes.len(),
            article.solutions.iter().filter(|s| !s.by_design).count(),
            article.workarounds.len(),
            !article.symptoms.is_empty(),
        );
        let found: BTreeSet<String> = article.error_codes.iter().map(|c| fold(c)).collect();
        let hit = gold_codes.iter().filter(|c| found.contains(*c)).count();
        codes_expected += gold_codes.len();
        codes_found += hit;
        rows += 1;
        let same = got == expected;
        tuple_matches += usize::from(same);
        for (slot, equal) in [
            got.0 == expected.0,
            got.1 == expected.1,
            got.2 == expected.2,
            got.3 == expected.3,
            gold_codes.is_subset(&found),
        ]
        .iter()
        .enumerate()
        {
            field_matches[slot] += usize::from(*equal);
        }
        let show = |t: (usize, usize, usize, bool)| {
            format!("{}/{}/{}/{}", t.0, t.1, t.2, if t.3 { "y" } else { "n" })
        };
        writeln!(
            out,
            "{file:<72} {:>11} {:>11} {:>7} {:>4}/{:<4}",
            show(expected),
            show(got),
            if same { "ok" } else { "MISS" },
            hit,
            gold_codes.len()
        )?;
    }
    let share = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    writeln!(out)?;
    writeln!(out, "structure, {rows} gold articles ({name}):")?;
    writeln!(
        out,
        "  exact (causes, solutions, workarounds, has_symptoms): {:.3} ({tuple_matches}/{rows})",
        share(tuple_matches, rows)
    )?;
    for (name, count) in [
        "causes",
        "solutions",
        "workarounds",
        "has_symptoms",
        "all codes found",
    ]
    .iter()
    .zip(field_matches)
    {
        writeln!(out, "  {name:<14} {:.3}", share(count, rows))?;
    }
    writeln!(
        out,
        "  error-code recall: {:.3} ({codes_found}/{codes_expected})",
        share(codes_found, codes_expected)
    )?;
    Ok(())
}

/// A code as compared with the gold file: lowercase letters, digits and dots; event and
/// error words dropped (`Event ID 6329` and `6329` are the same code).
fn fold(code: &str) -> String {
    let lower = code.trim().to_lowercase();
    let lower = ["event id ", "event ", "error ", "http "]
        .iter()
        .fold(lower, |text, prefix| {
            text.strip_prefix(prefix).map(str::to_owned).unwrap_or(text)
        });
    lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
        .collect()
}
