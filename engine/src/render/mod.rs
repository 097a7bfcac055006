//! Articles and resolution paths as Markdown or HTML, through minijinja templates.
//!
//! Templates are files in `templates/`, embedded at build time; a directory given to
//! [`Renderer::new`] overrides them file by file. Rust code only fills the documented
//! views in [`view`]; it never assembles Markdown or HTML itself. Markdown fragments from
//! the KB become HTML through pulldown-cmark and are sanitised with ammonia, so article
//! content can never run script or load remote resources. KB text is data, never template.

mod html;

pub mod site;
pub mod view;

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{Environment, State, Value};
use serde::Serialize;

use crate::model::Article;
use crate::solve::Resolution;

pub use html::markdown_to_html;

/// The templates embedded in the binary: `templates/` at build time.
static TEMPLATES: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../templates");

/// Graphs larger than this are not laid out as pictures (layout time grows fast with size);
/// DOT and Mermaid have no limit.
pub const MAX_DRAWN_NODES: usize = 300;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CommonMark with Microsoft-style alerts.
    Markdown,
    /// A self-contained HTML5 page.
    Html,
}

impl Format {
    fn directory(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A template is malformed or failed while rendering.
    #[error("template {name}: {source}")]
    Template {
        /// The template's name.
        name: String,
        /// What minijinja said.
        source: minijinja::Error,
    },
    /// The graph could not be laid out as a picture.
    #[error(
        "cannot draw the decision graph of {article}: it has none (it describes no problem), or more than 300 nodes"
    )]
    Layout {
        /// The article.
        article: String,
    },
    /// The troubleshooter's steps could not be computed for an article.
    #[error("cannot precompute the troubleshooter of {0}: {1}")]
    Session(String, crate::session::SessionError),
    /// A page could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The page's path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The override directory cannot be read.
    #[error("cannot read the templates directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Renders articles and paths; holds the template environment.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
    overrides: Option<PathBuf>,
}

/// The names of every embedded template, for `--templates` users to copy and override.
pub fn template_names() -> Vec<String> {
    fn collect(dir: &include_dir::Dir<'static>, out: &mut Vec<String>) {
        for file in dir.files() {
            out.push(file.path().display().to_string());
        }
        for sub in dir.dirs() {
            collect(sub, out);
        }
    }
    let mut names = Vec::new();
    collect(&TEMPLATES, &mut names);
    names.sort();
    names
}

/// The embedded text of a template.
pub fn embedded_template(name: &str) -> Option<&'static str> {
    TEMPLATES.get_file(name).and_then(|f| f.contents_utf8())
}

impl Renderer {
    /// A renderer over the embedded templates, overridden file by file by `overrides`.
    pub fn new(overrides: Option<&Path>) -> Result<Self, RenderError> {
        if let Some(dir) = overrides {
            std::fs::read_dir(dir).map_err(|source| RenderError::Directory {
                path: dir.to_owned(),
                source,
            })?;
        }
        let overrides = overrides.map(Path::to_path_buf);
        let loader_overrides = overrides.clone();
        let mut env = Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.set_loader(move |name| {
            // Names come from our templates; refuse anything that climbs out of the directory.
            if name.split('/').any(|part| part == ".." || part.is_empty()) {
                return Ok(None);
            }
            if let Some(dir) = &loader_overrides {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read {}: {e}", path.display()),
                        )
                    });
                }
            }
            Ok(embedded_template(name).map(str::to_owned))
        });
        env.add_filter("markdown", markdown_filter);
        env.add_filter("quote", quote_filter);
        env.add_filter("url", safe_url);
        env.add_filter("dot", |text: String| {
            text.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        });
        env.add_filter("mermaid", |text: String| {
            text.replace('"', "#quot;").replace('\n', "<br/>")
        });
        Ok(Renderer { env, overrides })
    }

    /// The whole article: symptoms, every cause with its solutions and workarounds.
    ///
    /// `diagram` is an inline SVG of the decision graph for HTML pages (or `None`).
    pub fn render_article(
        &self,
        article: &Article,
        format: Format,
        diagram: Option<&str>,
    ) -> Result<String, RenderError> {
        let context = minijinja::context! {
            article => Serde(view::article_view(article)),
            diagram => diagram,
        };
        self.render(
            &format!("{}/article.{}.j2", format.directory(), format.extension()),
            context,
        )
    }

    /// The resolution path alone: what was checked, and the branch that applies.
    pub fn render_path(
        &self,
        article: &Article,
        resolution: &Resolution,
        continuations: &crate::links::Continuations,
        format: Format,
    ) -> Result<String, RenderError> {
        let context = minijinja::context! {
            article => Serde(view::article_view(article)),
            path => Serde(view::path_view(article, resolution, continuations)),
        };
        self.render(
            &format!("{}/path.{}.j2", format.directory(), format.extension()),
            context,
        )
    }

    /// A session's transcript (Markdown): what was checked, the result, the fixes tried and,
    /// when nothing worked, the escalation note.
    pub fn render_transcript(
        &self,
        transcript: &view::TranscriptView<'_>,
        article: &Article,
    ) -> Result<String, RenderError> {
        let context = minijinja::context! {
            article => Serde(view::article_view(article)),
            path => Serde(&transcript.path),
            tried => Serde(&transcript.tried),
            outcome => Serde(transcript.outcome),
            continued_in => Serde(&transcript.continued_in),
            result => Serde(&transcript.result),
            escalation => Serde(&transcript.escalation),
            changes => Serde(&transcript.changes),
        };
        self.render("markdown/transcript.md.j2", context)
    }

    /// The head of a whole session's transcript (Markdown): session, ticket, agent, times,
    /// outcome and notes.
    pub fn render_transcript_header(
        &self,
        header: &view::SessionHeaderView,
    ) -> Result<String, RenderError> {
        let context = minijinja::context! { session => Serde(header) };
        self.render("markdown/transcript-header.md.j2", context)
    }

    /// One fix on its own, under its cause (Markdown), as `ask` shows it to try.
    /// `against` lists the earlier answers the fix goes against (said before the fix).
    pub fn render_fix(
        &self,
        article: &Article,
        cause: &view::CauseView<'_>,
        against: &[view::AnswerView<'_>],
    ) -> Result<String, RenderError> {
        let context = minijinja::context! {
            article => Serde(view::article_view(article)),
            cause => Serde(cause),
            against => Serde(against),
        };
        self.render("markdown/fix.md.j2", context)
    }

    /// The decision graph as Graphviz DOT.
    pub fn render_dot(&self, article: &Article) -> Result<String, RenderError> {
        self.render(
            "graph/graph.dot.j2",
            minijinja::context! { graph => Serde(view::graph_view(article)) },
        )
    }

    /// The decision graph as a Mermaid flowchart.
    pub fn render_mermaid(&self, article: &Article) -> Result<String, RenderError> {
        self.render(
            "graph/graph.mmd.j2",
            minijinja::context! { graph => Serde(view::graph_view(article)) },
        )
    }

    /// The decision graph as a self-contained SVG picture (laid out in process, no network).
    pub fn render_svg(&self, article: &Article) -> Result<String, RenderError> {
        if article.entry.is_none() || article.nodes().count() > MAX_DRAWN_NODES {
            return Err(RenderError::Layout {
                article: article.id.to_string(),
            });
        }
        let dot = self.render_dot(article)?;
        svg_from_dot(&dot).ok_or_else(|| RenderError::Layout {
            article: article.id.to_string(),
        })
    }

    /// Renders any template by name with a serialisable context (for the site and escalation notes).
    pub fn render_named(&self, name: &str, context: impl Serialize) -> Result<String, RenderError> {
        self.render(name, Value::from(Serde(context)))
    }

    /// The raw text of a template file (a script or stylesheet), override first.
    fn source(&self, name: &str) -> Result<String, RenderError> {
        if let Some(path) = self
            .overrides
            .as_ref()
            .map(|dir| dir.join(name))
            .filter(|p| p.is_file())
        {
            return std::fs::read_to_string(&path)
                .map_err(|source| RenderError::Directory { path, source });
        }
        embedded_template(name)
            .map(str::to_owned)
            .ok_or_else(|| RenderError::Template {
                name: name.to_owned(),
                source: minijinja::Error::new(
                    minijinja::ErrorKind::TemplateNotFound,
                    "no such template",
                ),
            })
    }

    fn render(&self, name: &str, context: Value) -> Result<String, RenderError> {
        let wrap = |source| RenderError::Template {
            name: name.to_owned(),
            source,
        };
        let template = self.env.get_template(name).map_err(wrap)?;
        let mut out = template.render(context).map_err(wrap)?;
        if !out.ends_with('\n') {
            out.push('\n');
        }
        Ok(out)
    }
}

/// `{{ text | markdown }}`: Markdown to sanitised HTML, with the article's link definitions.
fn markdown_filter(state: &State, text: String) -> Value {
    let links = state
        .lookup("article")
        .and_then(|article| article.get_attr("links").ok())
        .and_then(|links| links.as_str().map(str::to_owned))
        .unwrap_or_default();
    Value::from_safe_string(markdown_to_html(&text, &links))
}

/// Lays out DOT with layout-rs; `None` if it cannot (it is given only DOT we generate).
fn svg_from_dot(dot: &str) -> Option<String> {
    let dot = dot.to_owned();
    // layout-rs asserts on graphs it cannot place; a picture is not worth a crash.
    std::panic::catch_unwind(move || {
        let mut parser = layout::gv::DotParser::new(&dot);
        let graph = parser.process().ok()?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let mut svg = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, false, false, &mut svg);
        Some(svg.finalize())
    })
    .ok()
    .flatten()
}

/// `{{ link | url }}`: the link if it is http(s), mailto or relative, else `#` (so a
/// `javascript:` or `data:` URL from the KB never reaches an `href`).
fn safe_url(link: String) -> String {
    let trimmed: String = link
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let scheme = trimmed
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme {
        None => link,
        Some(scheme) if matches!(scheme.as_str(), "http" | "https" | "mailto") => link,
        // A colon after a slash, `?` or `#` is part of a relative path, not a scheme.
        Some(scheme) if scheme.contains(['/', '?', '#']) => link,
        Some(_) => "#".to_owned(),
    }
}

/// `{{ text | quote }}`: every line as a Markdown block quote.
fn quote_filter(text: String) -> String {
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                ">".to_owned()
            } else {
                format!("> {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
