//! Problems found in a KB, each with the file and position it is about.
//!
//! Loading and checking never stop at the first problem: they return every [`Diagnostic`]
//! they find (the lenient-parse idea), and the caller decides how to show them.

use std::fmt;

use serde::Serialize;

/// A position in a source file: a byte range plus the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes (at least 1).
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl Span {
    /// The span of `len` bytes from `offset` in `text`, with its line and column.
    pub fn from_offsets(text: &str, offset: usize, len: usize) -> Span {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Span {
            offset,
            len: len.max(1),
            line,
            column,
        }
    }
}

/// How bad a problem is: errors make `check` fail, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The KB is wrong and the article cannot be trusted.
    Error,
    /// Worth a look, but the article works.
    Warning,
}

/// The class of a problem; stable, for tools that read `--format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// The file could not be read.
    Io,
    /// The file is not UTF-8, is empty or is too large.
    Encoding,
    /// The YAML itself is malformed.
    Syntax,
    /// A field the format does not have.
    UnknownField,
    /// A value of the wrong type, or a missing required field.
    Schema,
    /// Two articles, nodes, answers or references with the same id.
    DuplicateId,
    /// A reference to a node or article that does not exist, or of the wrong kind.
    DanglingReference,
    /// Questions that lead back to themselves.
    Cycle,
    /// A node no walk from the symptoms can reach.
    Unreachable,
    /// A question whose answers do not cover what its kind requires, or lead nowhere.
    MissingBranch,
    /// A cause with neither a solution nor a workaround.
    NoRemedy,
    /// A KB directory with no articles in it.
    EmptyKb,
    /// A link that leads nowhere a reader can follow; it is shown as text.
    DeadLink,
    /// The learned figures (`learned.yaml`) are malformed, impossible, or name what the KB lacks.
    Learned,
}

impl Code {
    /// The code as written in JSON and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Encoding => "encoding",
            Code::Syntax => "syntax",
            Code::UnknownField => "unknown-field",
            Code::Schema => "schema",
            Code::DuplicateId => "duplicate-id",
            Code::DanglingReference => "dangling-reference",
            Code::Cycle => "cycle",
            Code::Unreachable => "unreachable",
            Code::MissingBranch => "missing-branch",
            Code::NoRemedy => "no-remedy",
            Code::EmptyKb => "empty-kb",
            Code::DeadLink => "dead-link",
            Code::Learned => "learned",
        }
    }
}

/// One problem in a KB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The class of problem.
    pub code: Code,
    /// The file, as given to the loader (relative to the KB root for directories).
    pub file: String,
    /// Where in the file, when the problem has a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// A plain sentence saying what is wrong, lowercase and without a final period.
    pub message: String,
}

impl Diagnostic {
    /// An error in `file` at `span`.
    pub fn error(code: Code, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_owned(),
            span,
            message: message.into(),
        }
    }

    /// A warning in `file` at `span`.
    pub fn warning(code: Code, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.file)?;
        if let Some(span) = self.span {
            write!(f, ":{}:{}", span.line, span.column)?;
        }
        write!(f, ": {severity}[{}]: {}", self.code.as_str(), self.message)
    }
}
