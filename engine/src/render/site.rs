//! A static, self-contained HTML site for a whole KB: an index with offline search, one page
//! per article, one troubleshooter page per article.
//!
//! Pages are returned as (relative path, text); the caller writes them. Every page loads
//! nothing from elsewhere, and its Content-Security-Policy allows only the one script the
//! page carries (by its SHA-256), so nothing injected into an article could run.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use minijinja::value::Serde;
use serde::Serialize;
use sha2::Digest;

use super::links::{Links, Style};
use super::{Format, RenderError, Renderer, view};
use crate::load::{Kb, KbArticle};
use crate::model::{Article, Status};

/// One file of the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site's root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: String,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    status: Status,
}

#[derive(Serialize)]
struct Group<'a> {
    name: String,
    articles: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct SearchRecord<'a> {
    id: &'a str,
    title: &'a str,
    codes: &'a [String],
    keywords: &'a [String],
    summary: String,
}

#[derive(Serialize)]
struct QuestionData<'a> {
    text: &'a str,
    help: String,
    answers: Vec<AnswerData<'a>>,
}

#[derive(Serialize)]
struct AnswerData<'a> {
    value: &'a str,
    label: &'a str,
    goto: Option<&'a str>,
}

#[derive(Serialize)]
struct CauseData<'a> {
    title: &'a str,
    html: String,
    remedies: Vec<&'a str>,
    then: Option<&'a str>,
}

#[derive(Serialize)]
struct RemedyData {
    kind: &'static str,
    heading: String,
    html: String,
    /// Troubleshooters of the articles this fix sends the reader to.
    continues: Vec<ContinueData>,
}

#[derive(Serialize)]
struct ContinueData {
    href: String,
    title: String,
}

#[derive(Serialize)]
struct GraphData<'a> {
    entry: Option<&'a str>,
    questions: BTreeMap<&'a str, QuestionData<'a>>,
    causes: BTreeMap<&'a str, CauseData<'a>>,
    remedies: BTreeMap<&'a str, RemedyData>,
}

/// The CSP source for an inline script: `sha256-<base64>`.
fn script_hash(script: &str) -> String {
    let digest = sha2::Sha256::digest(script.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

impl Renderer {
    /// Every page of the site for a KB.
    ///
    /// Links are resolved first (see [`Links`]): to other articles' pages, absolute against
    /// the KB's `base_url`, or dropped to their text.
    pub fn render_site(&self, kb: &Kb) -> Result<Vec<Page>, RenderError> {
        let troubleshooter_script = self.template_text("html/site/troubleshooter.js")?;
        let links = Links::new(kb, kb.config.base_url.as_deref());
        let resolved_kb = Kb {
            articles: kb
                .articles
                .iter()
                .map(|entry| KbArticle {
                    article: links.resolve_article(&entry.article, Style::Site),
                    file: std::sync::Arc::clone(&entry.file),
                })
                .collect(),
            config: kb.config.clone(),
        };
        let mut pages = vec![self.site_index(&resolved_kb)?];
        for (entry, resolved) in kb.articles.iter().zip(&resolved_kb.articles) {
            let original = &entry.article;
            let continues: HashMap<String, Vec<ContinueData>> = original
                .solutions
                .iter()
                .chain(&original.workarounds)
                .map(|remedy| {
                    let targets = links
                        .continues_in(original, remedy)
                        .into_iter()
                        .filter(|id| links.is_walkable(id))
                        .map(|id| ContinueData {
                            href: format!("../troubleshoot/{id}.html"),
                            title: links.title_or_id(&id).to_owned(),
                        })
                        .collect();
                    (remedy.id.to_string(), targets)
                })
                .collect();
            let article = &resolved.article;
            // One view per article, shared by its page and its troubleshooter.
            let article_view = view::article_view(article);
            let diagram = self.render_svg(article).ok();
            let troubleshooter = article
                .entry
                .as_ref()
                .map(|_| format!("../troubleshoot/{}.html", article.id));
            let context = minijinja::context! {
                article => Serde(&article_view),
                diagram => diagram,
                site_root => "../",
                troubleshooter => troubleshooter,
            };
            let text = self.render(
                &format!(
                    "{}/article.{}.j2",
                    Format::Html.directory(),
                    Format::Html.extension()
                ),
                context,
            )?;
            pages.push(Page {
                path: format!("articles/{}.html", article.id),
                text,
            });
            if article.entry.is_some() {
                let context = minijinja::context! {
                    article => Serde(&article_view),
                    data => Serde(self.graph_data(article, &article_view, continues)?),
                    site_root => "../",
                    script => troubleshooter_script.clone(),
                    script_hash => script_hash(&troubleshooter_script),
                };
                let text = self.render("html/site/troubleshooter.html.j2", context)?;
                pages.push(Page {
                    path: format!("troubleshoot/{}.html", article.id),
                    text,
                });
            }
        }
        Ok(pages)
    }

    fn site_index(&self, kb: &Kb) -> Result<Page, RenderError> {
        let mut groups: BTreeMap<String, Vec<&Article>> = BTreeMap::new();
        for entry in &kb.articles {
            let article = &entry.article;
            let name = match (&article.product, &article.area) {
                (Some(product), Some(area)) => format!("{product} · {area}"),
                (Some(product), None) => product.clone(),
                (None, Some(area)) => area.clone(),
                (None, None) => "Other".to_owned(),
            };
            groups.entry(name).or_default().push(article);
        }
        let groups: Vec<Group<'_>> = groups
            .into_iter()
            .map(|(name, mut articles)| {
                articles.sort_by(|a, b| a.title.cmp(&b.title));
                let articles = articles
                    .into_iter()
                    .map(|a| Entry {
                        id: a.id.as_str(),
                        title: &a.title,
                        status: a.status,
                    })
                    .collect();
                Group { name, articles }
            })
            .collect();
        let data: Vec<SearchRecord<'_>> = kb
            .articles
            .iter()
            .map(|entry| {
                let article = &entry.article;
                let summary: String = crate::text::plain_text(&article.summary)
                    .chars()
                    .take(300)
                    .collect();
                SearchRecord {
                    id: article.id.as_str(),
                    title: &article.title,
                    codes: &article.error_codes,
                    keywords: &article.keywords,
                    summary,
                }
            })
            .collect();
        let script = self.template_text("html/site/search.js")?;
        let context = minijinja::context! {
            groups => Serde(groups),
            data => Serde(data),
            count => kb.articles.len(),
            site_root => "",
            script_hash => script_hash(&script),
            script => script,
        };
        Ok(Page {
            path: "index.html".to_owned(),
            text: self.render("html/site/index.html.j2", context)?,
        })
    }

    /// The graph of one article for the troubleshooter script, fragments as sanitised HTML.
    fn graph_data<'a>(
        &self,
        article: &'a Article,
        view: &view::ArticleView<'_>,
        mut continues: HashMap<String, Vec<ContinueData>>,
    ) -> Result<GraphData<'a>, RenderError> {
        let links = article.link_definitions();
        let html = |markdown: &str| super::markdown_to_html(markdown, &links);
        let body = |node: minijinja::Value| -> Result<String, RenderError> {
            self.render_named(
                "html/partials/body.html.j2",
                minijinja::context! { remedy => node, article => Serde(&view) },
            )
        };
        let questions = article
            .questions
            .iter()
            .map(|q| {
                let answers = q
                    .answers
                    .iter()
                    .map(|a| AnswerData {
                        value: &a.value,
                        label: a.label(),
                        goto: a.goto.as_ref().map(|g| g.as_str()),
                    })
                    .collect();
                (
                    q.id.as_str(),
                    QuestionData {
                        text: &q.text,
                        help: html(&q.help),
                        answers,
                    },
                )
            })
            .collect();
        let mut remedies = BTreeMap::new();
        let mut causes = BTreeMap::new();
        let headings: HashMap<&str, (&'static str, String)> = view
            .causes
            .iter()
            .flat_map(|c| {
                c.remedies
                    .iter()
                    .map(|r| (r.id, (r.kind, r.heading.clone())))
            })
            .collect();
        for cause in &article.causes {
            let ids: Vec<&str> = cause
                .solutions
                .iter()
                .chain(&cause.workarounds)
                .map(|r| r.as_str())
                .collect();
            for id in &ids {
                if let Some(remedy) = article.remedy(&crate::model::NodeId((*id).to_owned()))
                    && !remedies.contains_key(id)
                {
                    let (kind, heading) = headings
                        .get(id)
                        .cloned()
                        .unwrap_or(("solution", remedy.title.clone()));
                    remedies.insert(
                        *id,
                        RemedyData {
                            kind,
                            heading,
                            html: body(minijinja::Value::from(Serde(remedy)))?,
                            continues: continues.remove(*id).unwrap_or_default(),
                        },
                    );
                }
            }
            causes.insert(
                cause.id.as_str(),
                CauseData {
                    title: &cause.title,
                    html: body(minijinja::Value::from(Serde(cause)))?,
                    remedies: ids,
                    then: cause.then.as_ref().map(|t| t.as_str()),
                },
            );
        }
        Ok(GraphData {
            entry: article.entry.as_ref().map(|e| e.as_str()),
            questions,
            causes,
            remedies,
        })
    }

    fn template_text(&self, name: &str) -> Result<String, RenderError> {
        self.source(name)
    }
}
