//! `fixpath stats`: what the recorded sessions say about each article.

use anyhow::Context as _;
use fixpath::learn::ArticleStats;
use serde::Serialize;

use crate::Outcome;

/// Arguments of `fixpath stats`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// One article (id) to show in detail; all articles when left out.
    article: Option<String>,
    /// Only sessions begun on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Text (a table), JSON, or CSV (a header row, one row per article).
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    format: StatsFormat,
    /// The session store (default: the local one `ask --record` and `serve` write).
    #[arg(long, env = "FIXPATH_DB", value_name = "URL")]
    db: Option<String>,
}

/// The output formats of `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StatsFormat {
    Text,
    Json,
    Csv,
}

/// `--since` as ms since the Unix epoch.
pub(crate) fn since_ms(day: &str) -> anyhow::Result<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, &format)
        .with_context(|| format!("`{day}` is not a day as YYYY-MM-DD"))?;
    Ok(date.midnight().assume_utc().unix_timestamp() * 1000)
}

/// The JSON output.
#[derive(Serialize)]
struct StatsView<'a> {
    articles: &'a [ArticleStats],
    /// Articles by escalations, most first: the KB's gaps.
    most_escalated: Vec<(&'a str, u32)>,
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

/// Prints the statistics; exit 1 when there are no sessions to report.
pub(crate) fn run(args: Args) -> anyhow::Result<Outcome> {
    let since = args.since.as_deref().map(since_ms).transpose()?;
    let records = crate::serve::ended_records(args.db.clone())?;
    let mut all = ArticleStats::of(records, since);
    if let Some(id) = &args.article {
        all.retain(|a| a.article.as_str() == id);
    }
    let mut escalated: Vec<(&str, u32)> = all
        .iter()
        .filter(|a| a.escalated > 0)
        .map(|a| (a.article.as_str(), a.escalated))
        .collect();
    escalated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let text = match args.format {
        StatsFormat::Json => crate::output::json(&StatsView {
            articles: &all,
            most_escalated: escalated,
        })?,
        StatsFormat::Csv => csv_of(&all)?,
        StatsFormat::Text => text_of(&all, &escalated, args.article.is_some()),
    };
    crate::kb::write_output(None, &text)?;
    Ok(if all.is_empty() {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

fn csv_of(all: &[ArticleStats]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "article",
        "sessions",
        "resolved",
        "resolution_rate",
        "median_minutes_to_fix",
        "escalated",
        "abandoned",
        "continued",
        "top_cause",
        "top_cause_sessions",
        "most_failed_fix",
        "most_failed_fix_failures",
        "most_unknown_question",
        "most_unknown_question_unknowns",
    ])?;
    for a in all {
        let top = a.causes.first();
        let fix = a.failing_fixes.first();
        let question = a.unknown_questions.first();
        writer.write_record([
            a.article.to_string(),
            a.sessions.to_string(),
            a.resolved.to_string(),
            format!("{:.4}", a.resolution_rate),
            a.median_minutes_to_fix
                .map(|m| format!("{m:.2}"))
                .unwrap_or_default(),
            a.escalated.to_string(),
            a.abandoned.to_string(),
            a.continued.to_string(),
            top.map(|(c, _)| c.to_string()).unwrap_or_default(),
            top.map(|(_, n)| n.to_string()).unwrap_or_default(),
            fix.map(|(f, ..)| f.to_string()).unwrap_or_default(),
            fix.map(|(_, _, n)| n.to_string()).unwrap_or_default(),
            question.map(|(q, ..)| q.to_string()).unwrap_or_default(),
            question.map(|(_, _, n)| n.to_string()).unwrap_or_default(),
        ])?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn text_of(all: &[ArticleStats], escalated: &[(&str, u32)], detail: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if all.is_empty() {
        return "No recorded sessions (fixpath serve records every session; ask --record records one).\n"
            .to_owned();
    }
    let width = all
        .iter()
        .map(|a| a.article.as_str().len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:<width$}  {:>8}  {:>8}  {:>5}  {:>10}  {:>9}  {:>9}  top cause",
        "article", "sessions", "resolved", "rate", "median min", "escalated", "abandoned"
    );
    for a in all {
        let top = a.causes.first().map_or_else(String::new, |(cause, n)| {
            format!(
                "{cause} ({})",
                percent(f64::from(*n) / f64::from(a.resolved.max(1)))
            )
        });
        let _ = writeln!(
            out,
            "{:<width$}  {:>8}  {:>8}  {:>5}  {:>10}  {:>9}  {:>9}  {top}",
            a.article.as_str(),
            a.sessions,
            a.resolved,
            percent(a.resolution_rate),
            a.median_minutes_to_fix
                .map_or_else(|| "-".to_owned(), |m| format!("{m:.1}")),
            a.escalated,
            a.abandoned,
        );
    }
    if !escalated.is_empty() {
        let list: Vec<String> = escalated
            .iter()
            .take(5)
            .map(|(id, n)| format!("{id} ({n})"))
            .collect();
        let _ = writeln!(out, "\nMost escalated (the KB's gaps): {}", list.join(", "));
    }
    for a in all.iter().filter(|_| detail) {
        let _ = writeln!(out, "\n{}:", a.article);
        let _ = writeln!(
            out,
            "  cause mix: {}",
            join(a.causes.iter().map(|(c, n)| format!("{c} {n}")))
        );
        let _ = writeln!(
            out,
            "  fixes that fail most: {}",
            join(
                a.failing_fixes
                    .iter()
                    .map(|(f, tried, failed)| format!("{f} failed {failed} of {tried}"))
            )
        );
        let _ = writeln!(
            out,
            "  answered \"I don't know\" most (their help needs work): {}",
            join(
                a.unknown_questions
                    .iter()
                    .map(|(q, asked, unknown)| format!("{q} {unknown} of {asked}"))
            )
        );
        let _ = writeln!(
            out,
            "  abandoned at: {}",
            join(a.abandoned_at.iter().map(|(at, n)| format!("{at} {n}")))
        );
    }
    out
}

fn join(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
