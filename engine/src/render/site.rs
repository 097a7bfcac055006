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

use super::{Format, RenderError, Renderer, view};
use crate::links::{Links, Style};
use crate::load::{Kb, KbArticle};
use crate::model::{Article, Status};
use crate::session::{MAX_STATES, Policy, Subject};

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
    /// The group page's file name (`groups/<slug>.html`).
    slug: String,
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
}

#[derive(Serialize)]
struct CauseData<'a> {
    title: &'a str,
    html: String,
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

/// What a troubleshooter page carries: the texts of the article's nodes, and the engine's
/// step for every state a reader can reach (`session::explore`).
#[derive(Serialize)]
struct GraphData<'a> {
    questions: BTreeMap<&'a str, QuestionData<'a>>,
    causes: BTreeMap<&'a str, CauseData<'a>>,
    remedies: BTreeMap<&'a str, RemedyData>,
    policy: Policy,
    /// How many states are precomputed at most ([`MAX_STATES`]).
    bound: usize,
}

/// The CSP source for an inline script: `sha256-<base64>`.
fn script_hash(script: &str) -> String {
    let digest = sha2::Sha256::digest(script.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// How many articles of a group the index lists before linking to the group's own page.
const LISTED_PER_GROUP: usize = 12;

/// The file holding the index's search records, loaded by a `<script>` (pages opened
/// from `file://` cannot fetch data, but can load a script beside them).
pub const SEARCH_DATA: &str = "search-data.js";

impl Renderer {
    /// Renders every page of the site for a KB and hands each to `write` as soon as it is
    /// rendered (articles on every core, so a large KB is never held as pages in memory);
    /// returns the paths written.
    ///
    /// Links are resolved first (see [`Links`]): to other articles' pages, absolute against
    /// the KB's `base_url`, or dropped to their text.
    pub fn render_site(
        &self,
        kb: &Kb,
        write: &(dyn Fn(Page) -> Result<(), RenderError> + Sync),
    ) -> Result<Vec<String>, RenderError> {
        use rayon::prelude::*;
        let troubleshooter_script = self.template_text("html/site/troubleshooter.js")?;
        let troubleshooter_hash = script_hash(&troubleshooter_script);
        let links = Links::new(kb, kb.config.base_url.as_deref());
        let mut written = Vec::new();
        for page in self.site_index(kb)? {
            written.push(page.path.clone());
            write(page)?;
        }
        let per_article: Vec<Vec<String>> = kb
            .articles
            .par_iter()
            .map(|entry| {
                let mut paths = Vec::new();
                for page in
                    self.article_pages(entry, &links, &troubleshooter_script, &troubleshooter_hash)?
                {
                    paths.push(page.path.clone());
                    write(page)?;
                }
                Ok(paths)
            })
            .collect::<Result<_, RenderError>>()?;
        written.extend(per_article.into_iter().flatten());
        Ok(written)
    }

    /// An article's page, and its troubleshooter when it has a graph.
    fn article_pages(
        &self,
        entry: &KbArticle,
        links: &Links,
        troubleshooter_script: &str,
        troubleshooter_hash: &str,
    ) -> Result<Vec<Page>, RenderError> {
        super::html::start_article();
        let original = &entry.article;
        let article = &links.resolve_article(original, Style::Site);
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
        let mut pages = vec![Page {
            path: format!("articles/{}.html", article.id),
            text,
        }];
        if article.entry.is_some() {
            // The states are never saved: no revision is needed.
            let subject = Subject::unsaved(article, links.continuations(original));
            let data = self.graph_data(subject, &article_view)?;
            let context = minijinja::context! {
                article => Serde(&article_view),
                complete => data.policy.complete,
                data => Serde(data),
                site_root => "../",
                script => troubleshooter_script,
                script_hash => troubleshooter_hash,
            };
            let text = self.render("html/site/troubleshooter.html.j2", context)?;
            pages.push(Page {
                path: format!("troubleshoot/{}.html", article.id),
                text,
            });
        }
        Ok(pages)
    }

    /// The index (each group's first articles, and the search box), a page per group
    /// listing all of its articles, and the search records the index loads.
    fn site_index(&self, kb: &Kb) -> Result<Vec<Page>, RenderError> {
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
        // A group page's name: its slug, `group` for a name without letters or digits,
        // and `-1`, `-2` for repeats.
        let slugs = crate::links::unique_slugs(groups.keys().map(|name| {
            if crate::links::slug(name).is_empty() {
                "group".to_owned()
            } else {
                name.clone()
            }
        }));
        let groups: Vec<Group<'_>> = groups
            .into_iter()
            .zip(slugs)
            .map(|((name, mut articles), slug)| {
                articles.sort_by(|a, b| a.title.cmp(&b.title));
                let articles = articles
                    .into_iter()
                    .map(|a| Entry {
                        id: a.id.as_str(),
                        title: &a.title,
                        status: a.status,
                    })
                    .collect();
                Group {
                    name,
                    slug,
                    articles,
                }
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
        let data = serde_json::to_string(&data).expect("search records always serialize");
        let script = self.template_text("html/site/search.js")?;
        let index: Vec<minijinja::Value> = groups
            .iter()
            .map(|g| {
                minijinja::context! {
                    name => &g.name,
                    slug => &g.slug,
                    count => g.articles.len(),
                    articles => Serde(&g.articles[..g.articles.len().min(LISTED_PER_GROUP)]),
                }
            })
            .collect();
        let context = minijinja::context! {
            groups => index,
            count => kb.articles.len(),
            site_root => "",
            script_hash => script_hash(&script),
            script => script,
            script_files => true,
            search_data => SEARCH_DATA,
        };
        let mut pages = vec![
            Page {
                path: "index.html".to_owned(),
                text: self.render("html/site/index.html.j2", context)?,
            },
            Page {
                path: SEARCH_DATA.to_owned(),
                text: format!("// The index's search records.\nwindow.fixpathSearch = {data};\n"),
            },
        ];
        for group in &groups {
            let context = minijinja::context! {
                group => Serde(group),
                site_root => "../",
            };
            pages.push(Page {
                path: format!("groups/{}.html", group.slug),
                text: self.render("html/site/group.html.j2", context)?,
            });
        }
        Ok(pages)
    }

    /// One article for the troubleshooter script: its nodes' texts (fragments as sanitised
    /// HTML) and the engine's precomputed steps.
    fn graph_data<'a>(
        &self,
        subject: Subject<'a>,
        view: &view::ArticleView<'_>,
    ) -> Result<GraphData<'a>, RenderError> {
        let article = subject.article;
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
        let headings: HashMap<&str, (&'static str, String)> = view
            .causes
            .iter()
            .flat_map(|c| {
                c.remedies
                    .iter()
                    .map(|r| (r.id, (r.kind, r.heading.clone())))
            })
            .collect();
        let mut remedies = BTreeMap::new();
        for remedy in article.solutions.iter().chain(&article.workarounds) {
            let id = remedy.id.as_str();
            let (kind, heading) = headings
                .get(id)
                .cloned()
                .unwrap_or(("solution", remedy.title.clone()));
            let continues = subject
                .continuations
                .get(&remedy.id)
                .into_iter()
                .flatten()
                .map(|target| ContinueData {
                    href: format!("../troubleshoot/{}.html", target.id),
                    title: target.title.clone(),
                })
                .collect();
            remedies.insert(
                id,
                RemedyData {
                    kind,
                    heading,
                    html: body(minijinja::Value::from(Serde(remedy)))?,
                    continues,
                },
            );
        }
        let mut causes = BTreeMap::new();
        for cause in &article.causes {
            causes.insert(
                cause.id.as_str(),
                CauseData {
                    title: &cause.title,
                    html: body(minijinja::Value::from(Serde(cause)))?,
                },
            );
        }
        let policy = crate::session::explore(subject, MAX_STATES)
            .map_err(|error| RenderError::Session(article.id.to_string(), error))?;
        Ok(GraphData {
            questions,
            causes,
            remedies,
            policy,
            bound: MAX_STATES,
        })
    }

    fn template_text(&self, name: &str) -> Result<String, RenderError> {
        self.source(name)
    }
}
