//! `fixpath search QUERY`: ranked articles for an error code or a few words.

use std::io::Write;

use fixpath::search::Results;

use crate::Outcome;
use crate::kb::KbArgs;
use crate::output::{self, Format};

/// Arguments of `fixpath search`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// What to look for: an error code, a pasted message, or a few words. Quotes make a phrase.
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    /// The most results to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Searches; exit 0 when something matched, 1 when nothing did.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let query = args.query.join(" ");
    let (index, status) = kb.index(false)?;
    crate::kb::report_status(&status);
    let results = index.search(&query, args.limit.max(1))?;
    print(&query, &results, args.format)?;
    Ok(if results.hits.is_empty() {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

fn print(query: &str, results: &Results, format: Format) -> anyhow::Result<()> {
    // One write for the whole answer, not one per line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write_results(&mut out, query, results, format)?;
    out.flush()?;
    Ok(())
}

fn write_results(
    out: &mut impl Write,
    query: &str,
    results: &Results,
    format: Format,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let view = fixpath::search::SearchView { query, results };
        write!(out, "{}", crate::output::json(&view)?)?;
        return Ok(());
    }
    if results.hits.is_empty() {
        writeln!(out, "no articles match `{query}`")?;
        if let Some(suggestion) = &results.did_you_mean {
            writeln!(out, "did you mean: {suggestion}")?;
        }
        return Ok(());
    }
    let colour = output::use_colour();
    for (rank, hit) in results.hits.iter().enumerate() {
        let title = if colour {
            format!("\x1b[1m{}\x1b[0m", hit.title)
        } else {
            hit.title.clone()
        };
        writeln!(out, "{:>2}. {}  {title}", rank + 1, hit.id)?;
        if !hit.codes.is_empty() {
            writeln!(out, "    codes: {}", hit.codes.join(", "))?;
        }
        if !hit.snippet.is_empty() {
            writeln!(
                out,
                "    {}",
                highlight(&hit.snippet, &hit.highlights, colour).replace('\n', " ")
            )?;
        }
    }
    if !results.corrections.is_empty() {
        let read: Vec<String> = results
            .corrections
            .iter()
            .map(|(from, to)| format!("{from} → {to}"))
            .collect();
        writeln!(out, "(read as: {})", read.join(", "))?;
    }
    Ok(())
}

/// The snippet with matched words in bold yellow on a terminal, plain otherwise.
fn highlight(snippet: &str, ranges: &[std::ops::Range<usize>], colour: bool) -> String {
    if !colour {
        return snippet.to_owned();
    }
    let mut out = String::new();
    let mut position = 0;
    for range in ranges {
        if range.start < position || range.end > snippet.len() {
            continue;
        }
        out.push_str(&snippet[position..range.start]);
        out.push_str("\x1b[1;33m");
        out.push_str(&snippet[range.clone()]);
        out.push_str("\x1b[0m");
        position = range.end;
    }
    out.push_str(&snippet[position..]);
    out
}
