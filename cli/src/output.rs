//! Everything `fixpath` prints: text or JSON, colour only on a terminal and never with `NO_COLOR`.

use std::io::{self, IsTerminal, Write};

use fixpath::diagnostic::{Diagnostic, Severity};

use fixpath::load::Loaded;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use rayon::prelude::*;
use serde::Serialize;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Human-readable text.
    Text,
    /// A stable JSON document, for scripts.
    Json,
}

/// True when stdout is a terminal and `NO_COLOR` is unset (or empty).
pub(crate) fn use_colour() -> bool {
    !no_colour() && io::stdout().is_terminal()
}

/// True when `NO_COLOR` is set to something.
pub(crate) fn no_colour() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn report_handler() -> GraphicalReportHandler {
    let theme = if use_colour() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// A view as pretty JSON with a final newline: every `--format json` output.
pub(crate) fn json(view: &impl serde::Serialize) -> anyhow::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(view)?))
}

/// True when the error is a closed pipe (`fixpath ... | head`), which is not a failure.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Prints a fatal error and its causes to stderr, once.
pub(crate) fn print_error(error: &anyhow::Error) {
    let mut message = format!("error: {error}");
    for cause in error.chain().skip(1) {
        message.push_str(&format!("\n  caused by: {cause}"));
    }
    eprintln!("{message}");
}

/// The result of `fixpath check`, as printed with `--format json`.
#[derive(Debug, Serialize)]
pub(crate) struct CheckReport<'a> {
    pub(crate) ok: bool,
    pub(crate) articles: usize,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) diagnostics: &'a [Diagnostic],
    /// What `import` drafted and no writer has accepted yet (`generated: true`): questions,
    /// and fixes whose cost is the importer's estimate.
    pub(crate) generated: Vec<Generated>,
}

/// One drafted item awaiting review.
#[derive(Debug, Serialize)]
pub(crate) struct Generated {
    /// The article's file, relative to the KB.
    pub(crate) file: String,
    /// The article's id.
    pub(crate) article: String,
    /// `question` (its text, help, answers and cost were drafted) or `cost` (a fix's
    /// estimated minutes).
    pub(crate) kind: &'static str,
    /// The question's or fix's id.
    pub(crate) id: String,
    /// The question's text, or the fix's title.
    pub(crate) text: String,
    /// The drafted minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cost: Option<f64>,
}

impl<'a> CheckReport<'a> {
    pub(crate) fn new(loaded: &Loaded, diagnostics: &'a [Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let mut generated = Vec::new();
        for entry in &loaded.kb.articles {
            let article = &entry.article;
            let item = |kind, id: &fixpath::model::NodeId, text: &str, cost| Generated {
                file: entry.file.name.clone(),
                article: article.id.to_string(),
                kind,
                id: id.to_string(),
                text: text.to_owned(),
                cost,
            };
            for question in article.questions.iter().filter(|q| q.generated) {
                generated.push(item(
                    "question",
                    &question.id,
                    &question.text,
                    question.cost,
                ));
            }
            for remedy in article
                .solutions
                .iter()
                .chain(&article.workarounds)
                .filter(|r| r.generated)
            {
                generated.push(item("cost", &remedy.id, &remedy.title, remedy.cost));
            }
        }
        CheckReport {
            ok: errors == 0,
            articles: loaded.kb.articles.len(),
            errors,
            warnings: diagnostics.len() - errors,
            diagnostics,
            generated,
        }
    }
}

/// A diagnostic dressed for miette, with the lines of its file that it quotes.
#[derive(Debug)]
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<Excerpt>>,
}

/// The most characters of a line a report quotes; longer lines (a long string written on
/// one line, as imports do) are cut to a window around the problem, marked with `…`.
const QUOTED_CHARS: usize = 96;

/// How much of the line before the problem a cut line keeps.
const LEAD_CHARS: usize = 32;

/// The lines a report quotes (the problem's line and one either side, each cut to
/// [`QUOTED_CHARS`]), placed where they are in the file: miette numbers the lines and
/// names the position from the file, not from the excerpt.
#[derive(Debug)]
struct Excerpt {
    text: String,
    /// The problem in `text`.
    span: std::ops::Range<usize>,
    /// The file's line (from 0) that `text` starts with.
    first_line: usize,
    /// The problem's line (from 0) and column (from 0, in characters) in the file.
    line: usize,
    column: usize,
}

impl Excerpt {
    fn new(text: &str, span: fixpath::diagnostic::Span) -> Excerpt {
        let at = floor_char_boundary(text, span.offset.min(text.len()));
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = trim_return(&text[start..end]);
        let problem_end =
            floor_char_boundary(text, (span.offset + span.len).min(start + line.len()));
        let (quoted, range) = cut_around(line, at - start, problem_end.max(at) - start);
        let mut excerpt = String::new();
        let mut first_line = span.line.saturating_sub(1);
        if start > 0 {
            let before_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
            excerpt.push_str(&cut_start(trim_return(&text[before_start..start - 1])));
            excerpt.push('\n');
            first_line = first_line.saturating_sub(1);
        }
        let problem = excerpt.len() + range.start..excerpt.len() + range.end;
        excerpt.push_str(&quoted);
        if end < text.len() {
            let after = &text[end + 1..];
            let after = &after[..after.find('\n').unwrap_or(after.len())];
            excerpt.push('\n');
            excerpt.push_str(&cut_start(trim_return(after)));
        }
        Excerpt {
            text: excerpt,
            span: problem,
            first_line,
            line: span.line.saturating_sub(1),
            column: span.column.saturating_sub(1),
        }
    }
}

fn trim_return(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The byte offset `chars` characters after `from` in `text` (or its end).
fn chars_after(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| from + i)
}

/// The byte offset `chars` characters before `to` in `text` (or its start).
fn chars_before(text: &str, to: usize, chars: usize) -> usize {
    text[..to]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i)
        .min(to)
}

/// A line shown as context: its first [`QUOTED_CHARS`] characters.
fn cut_start(line: &str) -> String {
    let end = chars_after(line, 0, QUOTED_CHARS);
    if end == line.len() {
        line.to_owned()
    } else {
        format!("{}…", &line[..end])
    }
}

/// The problem's line cut to a window holding `problem` (byte offsets in `line`), and where
/// the problem is in the cut line. A problem longer than the window is cut too.
fn cut_around(line: &str, start: usize, end: usize) -> (String, std::ops::Range<usize>) {
    if line.chars().count() <= QUOTED_CHARS {
        return (line.to_owned(), start..end);
    }
    // From the line's start when the problem shows from there; else a little before it.
    let fits = |to: usize, chars: usize| line[..to].chars().nth(chars).is_none();
    let from = if fits(start, QUOTED_CHARS / 2) || fits(end, QUOTED_CHARS) {
        0
    } else {
        chars_before(line, start, LEAD_CHARS)
    };
    let to = chars_after(line, from, QUOTED_CHARS);
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let shift = lead.len();
    let range = start - from + shift..end.min(to) - from + shift;
    (format!("{lead}{}{tail}", &line[from..to]), range)
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let line = inner.line() + self.first_line;
        // The column miette prints is the problem's, in the file (not in a cut line).
        let column = if line == self.line {
            self.column
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.source.as_ref()?.inner();
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".to_owned()),
            excerpt.span.start,
            excerpt.span.len(),
        ))))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        if self.source.is_some() && self.diagnostic.span.is_some() {
            return None;
        }
        // Without a quotable source, say where the problem is in words.
        Some(Box::new(location(self.diagnostic)))
    }
}

fn location(diagnostic: &Diagnostic) -> String {
    match diagnostic.span {
        Some(span) => format!("in {}:{}:{}", diagnostic.file, span.line, span.column),
        None => format!("in {}", diagnostic.file),
    }
}

/// Prints the result of `fixpath check`.
pub(crate) fn print_check(
    report: &CheckReport<'_>,
    loaded: &Loaded,
    format: Format,
) -> io::Result<()> {
    // Thousands of lines: written in large blocks, not a write per line.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write_check(&mut out, report, loaded, format)?;
    out.flush()
}

fn write_check(
    out: &mut impl Write,
    report: &CheckReport<'_>,
    loaded: &Loaded,
    format: Format,
) -> io::Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        return writeln!(out);
    }
    let handler = report_handler();
    // Thousands of reports for a large KB: rendered on every core, a batch at a time,
    // printed in order.
    for batch in report.diagnostics.chunks(256) {
        let rendered: Vec<String> = batch
            .par_iter()
            .map(|diagnostic| {
                let source =
                    diagnostic
                        .span
                        .zip(loaded.file(&diagnostic.file))
                        .map(|(span, file)| {
                            NamedSource::new(&file.name, Excerpt::new(&file.text, span))
                                .with_language("yaml")
                        });
                let mut rendered = String::new();
                let report = Report { diagnostic, source };
                if handler.render_report(&mut rendered, &report).is_err() {
                    rendered = diagnostic.to_string();
                }
                rendered
            })
            .collect();
        for text in rendered {
            writeln!(out, "{}", text.trim_end())?;
            writeln!(out)?;
        }
    }
    let articles = plural(report.articles, "article");
    let errors = plural(report.errors, "error");
    let warnings = plural(report.warnings, "warning");
    writeln!(out, "checked {articles}: {errors}, {warnings}")?;
    if !report.generated.is_empty() {
        let questions = report
            .generated
            .iter()
            .filter(|g| g.kind == "question")
            .count();
        let costs = report.generated.len() - questions;
        let drafts: std::collections::BTreeSet<&str> = report
            .generated
            .iter()
            .map(|g| g.article.as_str())
            .collect();
        writeln!(
            out,
            "to review: {} and {} drafted by import in {} (check --format json lists them)",
            plural(questions, "question"),
            plural(costs, "fix cost"),
            plural(drafts.len(), "article")
        )?;
    }
    Ok(())
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, needle: &str) -> fixpath::diagnostic::Span {
        let offset = text.find(needle).unwrap();
        fixpath::diagnostic::Span::from_offsets(text, offset, needle.len())
    }

    #[test]
    fn a_short_line_is_quoted_whole_with_its_neighbours() {
        let text = "a: 1\r\nb: here\r\nc: 3\r\n";
        let excerpt = Excerpt::new(text, span(text, "here"));
        assert_eq!(excerpt.text, "a: 1\nb: here\nc: 3");
        assert_eq!(&excerpt.text[excerpt.span.clone()], "here");
        assert_eq!(
            (excerpt.first_line, excerpt.line, excerpt.column),
            (0, 1, 3)
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_problem_on_character_boundaries() {
        let before = "é".repeat(300);
        let after = "ü".repeat(300);
        let text = format!("first\n{before}[x](nowhere.md){after}\n{after}");
        let excerpt = Excerpt::new(&text, span(&text, "nowhere.md"));
        let lines: Vec<&str> = excerpt.text.lines().collect();
        assert_eq!(lines[0], "first");
        assert!(
            lines[1].starts_with('…') && lines[1].ends_with('…'),
            "{}",
            lines[1]
        );
        assert_eq!(lines[1].chars().count(), QUOTED_CHARS + 2);
        assert_eq!(&excerpt.text[excerpt.span.clone()], "nowhere.md");
        assert_eq!(lines[2].chars().count(), QUOTED_CHARS + 1);
        // The position named is the file's.
        assert_eq!((excerpt.line, excerpt.column), (1, 304));
    }

    #[test]
    fn a_problem_longer_than_the_window_is_cut_too() {
        let long = "x".repeat(500);
        let text = format!("key: {long}");
        let excerpt = Excerpt::new(&text, span(&text, &long));
        assert_eq!(excerpt.text, format!("key: {}…", &long[..QUOTED_CHARS - 5]));
        assert_eq!(excerpt.span, 5..QUOTED_CHARS);
        // A span past the end of the text (a file changed meanwhile) is quoted, not a panic.
        let past = fixpath::diagnostic::Span {
            offset: 10_000,
            len: 3,
            line: 1,
            column: 9_999,
        };
        let excerpt = Excerpt::new(&text, past);
        assert!(excerpt.span.start <= excerpt.text.len());
    }
}
