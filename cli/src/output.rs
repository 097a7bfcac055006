//! Everything `fixpath` prints: text or JSON, colour only on a terminal and never with `NO_COLOR`.

use std::io::{self, IsTerminal, Write};

use fixpath::diagnostic::{Diagnostic, Severity};
use std::sync::Arc;

use fixpath::load::{Loaded, SourceFile};
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
}

impl<'a> CheckReport<'a> {
    pub(crate) fn new(loaded: &Loaded, diagnostics: &'a [Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        CheckReport {
            ok: errors == 0,
            articles: loaded.kb.articles.len(),
            errors,
            warnings: diagnostics.len() - errors,
            diagnostics,
        }
    }
}

/// A diagnostic dressed for miette, with the file's text so it can quote the line.
#[derive(Debug)]
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<Shared>>,
}

/// A KB file's text, shared by every report that quotes it (not copied for each), and the
/// line (from 1) the report's span starts on.
struct Shared(Arc<SourceFile>, usize);

impl miette::SourceCode for Shared {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // miette reads from the start of the text to the span; a large file with many
        // reports would be read again for each. Start from the first line shown instead.
        let text = self.0.text.as_bytes();
        let at = span.offset().min(text.len());
        let mut window = line_start(text, at);
        for _ in 0..context_lines_before {
            if window == 0 {
                break;
            }
            window = line_start(text, window - 1);
        }
        // The span's line is known: count back from it, not forward from the start.
        let lines_before =
            self.1.saturating_sub(1) - line_breaks(&text[window..at]).min(self.1.saturating_sub(1));
        let shifted = miette::SourceSpan::new((span.offset() - window).into(), span.len());
        let inner =
            text[window..].read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + window).into(), inner.span().len()),
            inner.line() + lines_before,
            inner.column(),
            inner.line_count() + lines_before,
        )))
    }
}

/// Where the line holding byte `at` starts.
fn line_start(text: &[u8], at: usize) -> usize {
    text[..at]
        .iter()
        .rposition(|b| matches!(b, b'\n' | b'\r'))
        .map_or(0, |i| i + 1)
}

/// Line breaks as miette counts them: `\n`, `\r\n`, or a lone `\r`.
fn line_breaks(text: &[u8]) -> usize {
    let newlines = text.iter().filter(|b| **b == b'\n').count();
    let lone_returns = text
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(text.last() == Some(&b'\r'));
    newlines + lone_returns
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
        let span = self.diagnostic.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".to_owned()),
            span.offset,
            span.len,
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
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut out, report)?;
        return writeln!(out);
    }
    let handler = report_handler();
    // Thousands of reports for a large KB: rendered on every core, a batch at a time,
    // printed in order.
    for batch in report.diagnostics.chunks(256) {
        let rendered: Vec<String> = batch
            .par_iter()
            .map(|diagnostic| {
                let source = diagnostic
                    .span
                    .and(loaded.file(&diagnostic.file))
                    .map(|file| {
                        let line = diagnostic.span.map_or(1, |s| s.line);
                        NamedSource::new(&file.name, Shared(Arc::clone(file), line))
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
    writeln!(out, "checked {articles}: {errors}, {warnings}")
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}
