//! Links that work: every link target in an article's Markdown resolved against the KB.
//!
//! Articles come from a docs site, so their links name other articles by source file
//! (`x.md`, `../../area/x.md#fragment`), pages of that site by root path (`/windows/...`),
//! images beside the source (`./media/x.png`), and DocFX includes. [`Links`] knows which
//! article each source file became, the anchors each article's page has, and the KB's
//! published base URL, and rewrites every link before rendering:
//!
//! - a KB article's source file becomes that article (its page in the site, with the
//!   fragment when the page has that anchor; `fixpath render ID` in text);
//! - a site-root path becomes absolute against the base URL, a relative one against the
//!   article's own URL when the source names one;
//! - anything else (no base known, `javascript:`, an anchor the page lacks) keeps its text
//!   and loses its target, and `[!INCLUDE ...]` directives left in the text are removed.
//!
//! Reference-style links come out inline, so no link definitions trail the text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use regex::Regex;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::load::{Kb, KbArticle};
use crate::model::{Article, ArticleId, Remedy};
use crate::text::markdown_options;

/// How article links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Pages of the static site: `../articles/ID.html#fragment`.
    Site,
    /// A page or text on its own (Markdown, a terminal, a single HTML page): the link text
    /// followed by the command that opens the article.
    Text,
}

/// Where one link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Another article of the KB (or this one), with an anchor its page has.
    Article {
        /// The article.
        id: ArticleId,
        /// The anchor, when the page has it.
        fragment: Option<String>,
    },
    /// An anchor on the article's own page.
    Anchor(String),
    /// An absolute `http(s)` or `mailto` URL.
    Url(String),
    /// A file of the KB's `media/` folder (an image copied in by `import`).
    Media(String),
    /// Nowhere that works: keep the text, drop the target.
    Drop,
}

/// Another article, by id and title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleRef {
    /// Article id.
    pub id: String,
    /// Article title.
    pub title: String,
}

/// The articles each fix of an article continues in (see [`Links::continuations`]), by fix id.
pub type Continuations = std::collections::BTreeMap<crate::model::NodeId, Vec<ArticleRef>>;

/// What the KB holds, for resolving links.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Articles by normalised source path (`entra/x.md`).
    by_path: HashMap<String, ArticleId>,
    /// Articles by source file name, for links whose folders differ from the KB's layout.
    by_name: HashMap<String, Vec<ArticleId>>,
    /// Each article's title.
    titles: HashMap<ArticleId, String>,
    /// The anchors each article's page has: node ids and heading slugs.
    anchors: HashMap<ArticleId, HashSet<String>>,
    /// The published site's base URL, for site-root paths.
    base_url: Option<url::Url>,
    /// Each article's own public URL, when its source names one.
    public: HashMap<ArticleId, url::Url>,
    /// The articles with a decision graph to walk (an entry).
    walkable: HashSet<ArticleId>,
    /// Source file names several articles of the KB have, when only some of the KB was
    /// added (a link by such a name alone leads nowhere).
    ambiguous: HashSet<String>,
}

/// What resolving links to one article needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkInfo {
    /// The article.
    pub id: ArticleId,
    /// Its title.
    pub title: String,
    /// Its source file's path, normalised (`entra/x.md`), when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_path: Option<String>,
    /// Its own public URL, when its source names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// The anchors its page has, sorted.
    #[serde(default)]
    pub anchors: Vec<String>,
    /// True when it has a decision graph to walk.
    #[serde(default)]
    pub walkable: bool,
}

impl LinkInfo {
    /// What an article tells others' links about itself.
    pub fn of(article: &Article) -> LinkInfo {
        let mut anchors: Vec<String> = anchors(article).into_iter().collect();
        anchors.sort();
        LinkInfo {
            id: article.id.clone(),
            title: article.title.clone(),
            source_path: article
                .source
                .as_ref()
                .and_then(|s| s.path.as_deref())
                .map(normalise),
            public_url: own_url(article).map(String::from),
            anchors,
            walkable: article.entry.is_some(),
        }
    }

    /// The file name of its source path (`x.md`).
    pub fn source_name(&self) -> Option<&str> {
        self.source_path.as_deref().map(file_name)
    }
}

/// The source paths and file names an article's links could name (see [`Links::lookups`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookups {
    /// Normalised source paths.
    pub paths: Vec<String>,
    /// Source file names.
    pub names: Vec<String>,
}

static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[!INCLUDE\s*\[[^\]]*\]\([^)]*\)\s*\]").expect("a valid pattern")
});

static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z][A-Za-z0-9+.-]*):").expect("a valid pattern"));

impl Links {
    /// Links for a KB, with its published base URL (from its `fixpath.toml`).
    pub fn new(kb: &Kb, base_url: Option<&str>) -> Links {
        use rayon::prelude::*;
        let infos: Vec<LinkInfo> = kb
            .articles
            .par_iter()
            .map(|entry| LinkInfo::of(&entry.article))
            .collect();
        let mut links = Links::with_base(base_url);
        for info in infos {
            links.add_info(info);
        }
        links
    }

    /// Links with no article yet: add them with [`Links::add_info`].
    pub fn with_base(base_url: Option<&str>) -> Links {
        Links {
            base_url: base_url.and_then(|b| url::Url::parse(b).ok()),
            ..Links::default()
        }
    }

    /// Adds what is known of one article (from the article itself, or from the search
    /// index, which keeps this for every article). Added in KB order: of two articles
    /// with the same source path, the first keeps it.
    pub fn add_info(&mut self, info: LinkInfo) {
        let LinkInfo {
            id,
            title,
            source_path,
            public_url,
            anchors,
            walkable,
        } = info;
        if let Some(normal) = source_path {
            let name = file_name(&normal).to_owned();
            self.by_path.entry(normal).or_insert_with(|| id.clone());
            let ids = self.by_name.entry(name).or_default();
            if !ids.contains(&id) {
                ids.push(id.clone());
            }
        }
        self.titles.insert(id.clone(), title);
        if walkable {
            self.walkable.insert(id.clone());
        }
        if let Some(url) = public_url.and_then(|u| url::Url::parse(&u).ok()) {
            self.public.insert(id.clone(), url);
        }
        self.anchors.insert(id, anchors.into_iter().collect());
    }

    /// What resolving the links of `article` looks up: the source paths and file names its
    /// `.md` targets could name. Links built from the articles holding these (and the
    /// article itself) resolve its links exactly as links built from the whole KB.
    pub fn lookups(article: &Article) -> Lookups {
        let folder = source_folder(article);
        let definitions = article.link_definitions();
        let targets = link_targets(article, article.texts(), true)
            .into_iter()
            .chain(definition_targets(&definitions).map(str::to_owned));
        let mut lookups = Lookups::default();
        for target in targets {
            let target = target.trim().trim_start_matches('<').trim_end_matches('>');
            let path = target.split_once('#').map_or(target, |(path, _)| path);
            if SCHEME.is_match(path) || !path.to_ascii_lowercase().ends_with(".md") {
                continue;
            }
            let joined = normalise(&format!("{folder}/{path}"));
            let name = file_name(&joined).to_owned();
            if !lookups.paths.contains(&joined) {
                lookups.paths.push(joined);
            }
            if !lookups.names.contains(&name) {
                lookups.names.push(name);
            }
        }
        lookups
    }

    /// The title of a KB article.
    pub fn title(&self, id: &ArticleId) -> Option<&str> {
        self.titles.get(id).map(String::as_str)
    }

    /// The title of a KB article, or its id when the KB does not have it.
    pub fn title_or_id<'s>(&'s self, id: &'s ArticleId) -> &'s str {
        self.title(id).unwrap_or(id.as_str())
    }

    /// Where a link target written in `article` leads.
    pub fn resolve(&self, article: &Article, destination: &str) -> Target {
        let destination = destination
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        if destination.is_empty() {
            return Target::Drop;
        }
        if let Some(scheme) = SCHEME.captures(destination) {
            return match scheme[1].to_ascii_lowercase().as_str() {
                "http" | "https" | "mailto" => Target::Url(destination.to_owned()),
                _ => Target::Drop,
            };
        }
        if let Some(fragment) = destination.strip_prefix('#') {
            return match self.anchors.get(&article.id) {
                Some(anchors) if anchors.contains(fragment) => Target::Anchor(fragment.to_owned()),
                _ => Target::Drop,
            };
        }
        if let Some(rest) = destination.strip_prefix("//") {
            return Target::Url(format!("https://{rest}"));
        }
        let (path, fragment) = match destination.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (destination, None),
        };
        if path.starts_with('/') {
            return match &self.base_url {
                Some(base) => base
                    .join(destination.trim_start_matches('/'))
                    .map_or(Target::Drop, |u| Target::Url(u.to_string())),
                None => Target::Drop,
            };
        }
        if let Some(media) = path.strip_prefix("media/")
            && !media.contains("..")
        {
            return Target::Media(format!("media/{media}"));
        }
        if path.to_ascii_lowercase().ends_with(".md")
            && let Some(id) = self.article_for(article, path)
        {
            let fragment = fragment
                .filter(|f| self.anchors.get(&id).is_some_and(|a| a.contains(*f)))
                .map(str::to_owned);
            return Target::Article { id, fragment };
        }
        // Another page of the docs site, or an image beside the source: absolute against
        // the article's own URL, when the source names one.
        match own_url(article) {
            Some(base) => {
                let relative = match path.strip_suffix(".md") {
                    Some(stem) => match fragment {
                        Some(f) => format!("{stem}#{f}"),
                        None => stem.to_owned(),
                    },
                    None => destination.to_owned(),
                };
                base.join(&relative)
                    .map_or(Target::Drop, |u| Target::Url(u.to_string()))
            }
            None => Target::Drop,
        }
    }

    /// The KB article a relative `.md` path names: by path from the article's own source
    /// folder, else by file name when only one article has it.
    fn article_for(&self, article: &Article, path: &str) -> Option<ArticleId> {
        let joined = normalise(&format!("{}/{path}", source_folder(article)));
        if let Some(id) = self.by_path.get(&joined) {
            return Some(id.clone());
        }
        let name = file_name(&joined);
        if self.ambiguous.contains(name) {
            return None;
        }
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        }
    }

    /// Records that several articles of the KB have this source file name, for links
    /// built from part of the KB.
    pub fn add_ambiguous_name(&mut self, name: &str) {
        self.ambiguous.insert(name.to_owned());
    }

    /// Rewrites every link of a Markdown fragment of `article` (reference-style ones
    /// included) to where it leads, in the given style.
    pub fn rewrite(&self, article: &Article, markdown: &str, style: Style) -> String {
        let definitions = article.link_definitions();
        self.rewrite_noting(article, &definitions, markdown, style, &mut Vec::new())
    }

    /// [`Links::rewrite`], adding the other KB articles the text links to to `seen`.
    fn rewrite_noting(
        &self,
        article: &Article,
        definitions: &str,
        markdown: &str,
        style: Style,
        seen: &mut Vec<ArticleId>,
    ) -> String {
        // No bracket, no link (and no include): nothing to rewrite.
        if !markdown.contains('[') {
            return markdown.to_owned();
        }
        let markdown = INCLUDE.replace_all(markdown, "");
        let source = format!("{markdown}\n{definitions}\n");
        let limit = markdown.len();
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let mut open: Vec<OpenLink> = Vec::new();
        for (event, range) in Parser::new_ext(&source, markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    dest_url,
                    ..
                }) if matches!(self.resolve(article, &dest_url), Target::Url(_)) => {
                    // `<https://...>` already says where it leads: leave it as written.
                    open.push((range, None, String::new(), false));
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    open.push((range, None, dest_url.to_string(), false));
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    open.push((range, None, dest_url.to_string(), true));
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    let Some((whole, inner, destination, image)) = open.pop() else {
                        continue;
                    };
                    if whole.end > limit || destination.is_empty() {
                        continue;
                    }
                    let text = inner.map_or("", |r| &markdown[r]);
                    let target = self.resolve(article, &destination);
                    if let Target::Article { id, .. } = &target
                        && *id != article.id
                        && !seen.contains(id)
                    {
                        seen.push(id.clone());
                    }
                    let replacement = self.replacement(article, target, text, image, style);
                    if let Some(outer) = open.last_mut() {
                        // A link inside a link's text: the outer one is rewritten whole.
                        extend(&mut outer.1, whole.clone());
                    }
                    edits.push((whole, replacement));
                }
                _ => {
                    if let Some(current) = open.last_mut() {
                        extend(&mut current.1, range);
                    }
                }
            }
        }
        // Outer links were pushed after the links inside them: keep the outermost only.
        edits.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
        let mut kept: Vec<(Range<usize>, String)> = Vec::new();
        for (range, text) in edits {
            if kept.last().is_some_and(|(last, _)| range.start < last.end) {
                continue;
            }
            kept.push((range, text));
        }
        let mut out = markdown.into_owned();
        for (range, text) in kept.into_iter().rev() {
            out.replace_range(range, &text);
        }
        out
    }

    fn replacement(
        &self,
        article: &Article,
        target: Target,
        text: &str,
        image: bool,
        style: Style,
    ) -> String {
        let bang = if image { "!" } else { "" };
        match (target, style) {
            (Target::Url(url), _) => format!("{bang}[{text}](<{url}>)"),
            (Target::Media(path), Style::Site) => format!("{bang}[{text}](../{path})"),
            (Target::Media(path), Style::Text) => format!("{bang}[{text}]({path})"),
            (Target::Article { id, fragment }, Style::Site) => {
                let anchor = fragment.map(|f| format!("#{f}")).unwrap_or_default();
                format!("[{text}](../articles/{id}.html{anchor})")
            }
            // On its own, a KB article is linked at its public page when it has one (and
            // named with the command that opens it at the end of the article).
            (Target::Article { id, fragment }, Style::Text)
                if id != article.id && self.public.contains_key(&id) =>
            {
                let mut url = self.public[&id].clone();
                url.set_fragment(fragment.as_deref());
                format!("[{text}](<{url}>)")
            }
            // Through the article's page, so the anchor works from its troubleshooter too.
            (Target::Anchor(fragment), Style::Site) => {
                format!("[{text}](../articles/{}.html#{fragment})", article.id)
            }
            (Target::Article { .. } | Target::Anchor(_) | Target::Drop, _) => text.to_owned(),
        }
    }

    /// The article with every Markdown field rewritten (see [`Links::rewrite`]); its
    /// references are then inline, so the copy has none.
    pub fn resolve_article(&self, article: &Article, style: Style) -> Article {
        let mut out = article.clone();
        let mut seen: Vec<ArticleId> = Vec::new();
        let definitions = article.link_definitions();
        let mut fix = |text: &mut String| {
            if !text.is_empty() {
                *text = self.rewrite_noting(article, &definitions, text, style, &mut seen);
            }
        };
        fix(&mut out.summary);
        for symptom in &mut out.symptoms {
            fix(&mut symptom.text);
            symptom.steps.iter_mut().for_each(&mut fix);
            fix(&mut symptom.after);
            if let Some(message) = &mut symptom.message {
                fix(message);
            }
        }
        for question in &mut out.questions {
            fix(&mut question.help);
        }
        for cause in &mut out.causes {
            fix(&mut cause.text);
            cause.steps.iter_mut().for_each(&mut fix);
            fix(&mut cause.after);
        }
        for remedy in out.solutions.iter_mut().chain(&mut out.workarounds) {
            fix(&mut remedy.title);
            fix(&mut remedy.text);
            remedy.steps.iter_mut().for_each(&mut fix);
            fix(&mut remedy.after);
        }
        out.notes.iter_mut().for_each(&mut fix);
        out.notes.retain(|note| !note.trim().is_empty());
        out.references.clear();
        if style == Style::Text && !seen.is_empty() {
            let list: Vec<String> = seen
                .iter()
                .map(|id| format!("- {}: `fixpath render {id}`", self.title_or_id(id)))
                .collect();
            out.notes.push(format!(
                "Related articles in this KB:\n\n{}",
                list.join("\n")
            ));
        }
        out
    }

    /// True when the article has a decision graph to troubleshoot with.
    pub fn is_walkable(&self, id: &ArticleId) -> bool {
        self.walkable.contains(id)
    }

    /// The other KB articles a fix sends the reader to, in the order its text names them.
    pub fn continues_in(&self, article: &Article, remedy: &Remedy) -> Vec<ArticleId> {
        let texts = [&remedy.text, &remedy.after]
            .into_iter()
            .chain(&remedy.steps)
            .map(String::as_str);
        let mut out: Vec<ArticleId> = Vec::new();
        for target in link_targets(article, texts, false) {
            if let Target::Article { id, .. } = self.resolve(article, &target)
                && id != article.id
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
        out
    }

    /// Where each fix of an article lets a troubleshooting session go on: the other KB
    /// articles its text links to that have a graph to walk, by fix id. Every front-end
    /// (the terminal, the site, a served session, `solve`'s outputs) reads this one answer.
    pub fn continuations(&self, article: &Article) -> Continuations {
        article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .filter_map(|remedy| {
                let targets: Vec<ArticleRef> = self
                    .continues_in(article, remedy)
                    .into_iter()
                    .filter(|id| self.is_walkable(id))
                    .map(|id| ArticleRef {
                        title: self.title_or_id(&id).to_owned(),
                        id: id.to_string(),
                    })
                    .collect();
                (!targets.is_empty()).then(|| (remedy.id.clone(), targets))
            })
            .collect()
    }

    /// Every link target of an article that leads nowhere, for `check`.
    pub fn dead_links(&self, article: &Article) -> Vec<String> {
        link_targets(article, article.texts(), true)
            .into_iter()
            .filter(|target| self.resolve(article, target) == Target::Drop)
            .collect()
    }
}

/// The targets of the links (and, with `images`, the images) in some of an article's
/// fragments, in order, each once; reference-style links resolve against its references.
fn link_targets<'t>(
    article: &Article,
    texts: impl IntoIterator<Item = &'t str>,
    images: bool,
) -> Vec<String> {
    let definitions = article.link_definitions();
    let mut out: Vec<String> = Vec::new();
    for text in texts
        .into_iter()
        .filter(|t| might_hold_link(t, &definitions))
    {
        let source = format!("{text}\n{definitions}\n");
        for event in Parser::new_ext(&source, markdown_options()) {
            let target = match event {
                Event::Start(Tag::Link { dest_url, .. }) => dest_url,
                Event::Start(Tag::Image { dest_url, .. }) if images => dest_url,
                _ => continue,
            };
            if !out.iter().any(|t| *t == *target) {
                out.push(target.to_string());
            }
        }
    }
    out
}

/// A link being read: its whole source range, the range of its text, where it points (empty
/// to leave it as written), and whether it is an image.
type OpenLink = (Range<usize>, Option<Range<usize>>, String, bool);

impl Links {
    /// A warning for each link target of the article that leads nowhere (it is shown as
    /// text), at its first place in the file.
    pub fn check(&self, entry: &KbArticle, diagnostics: &mut Vec<Diagnostic>) {
        for target in self.dead_links(&entry.article) {
            let span = entry
                .file
                .text
                .find(target.as_str())
                .map(|at| Span::from_offsets(&entry.file.text, at, target.len()));
            let why = if target.starts_with('/') {
                "a site-root path with no `base_url` in fixpath.toml"
            } else if target.starts_with('#') {
                "an anchor the article's page does not have"
            } else if SCHEME.is_match(&target) {
                "a scheme pages never follow"
            } else {
                "not an article of this KB, and the source names no public URL to resolve it against"
            };
            diagnostics.push(Diagnostic::warning(
                Code::DeadLink,
                &entry.file.name,
                span,
                format!("the link to `{target}` leads nowhere ({why}); it is shown as text"),
            ));
        }
    }
}

/// False when a fragment certainly holds no link: no `](`, no `<http`, no link definition
/// of its own, and no `]` a reference could complete.
pub(crate) fn might_hold_link(text: &str, definitions: &str) -> bool {
    text.contains("](")
        || text.contains("<http")
        || text.contains("]:")
        || (!definitions.is_empty() && text.contains(']'))
}

fn extend(range: &mut Option<Range<usize>>, more: Range<usize>) {
    *range = Some(match range.take() {
        None => more,
        Some(r) => r.start.min(more.start)..r.end.max(more.end),
    });
}

/// The article's own public URL, when its source names one for this article (not only the
/// repository it came from): the last part of the URL is the source file's stem.
fn own_url(article: &Article) -> Option<url::Url> {
    let source = article.source.as_ref()?;
    let url = url::Url::parse(source.url.as_deref()?).ok()?;
    let stem = source
        .path
        .as_deref()
        .map(|p| file_name(p).trim_end_matches(".md").to_owned())?;
    let last = url.path_segments()?.next_back()?.to_owned();
    (last == stem).then_some(url)
}

/// A relative path with `.` and `..` folded, `/` separators, no leading `./`.
fn normalise(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/").to_lowercase()
}

/// The folder of the article's source file (`entra` for `entra/x.md`), or "".
fn source_folder(article: &Article) -> &str {
    article
        .source
        .as_ref()
        .and_then(|s| s.path.as_deref())
        .map_or("", |p| p.rsplit_once('/').map_or("", |(dir, _)| dir))
}

/// The targets of link definitions as [`Article::link_definitions`] writes them.
fn definition_targets(definitions: &str) -> impl Iterator<Item = &str> {
    definitions.lines().filter_map(|line| {
        line.split_once("]: <")
            .map(|(_, rest)| rest.trim_end_matches('>'))
    })
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The anchor a heading gets: lowercase words joined by `-`, punctuation dropped (the
/// rule docs sites use, so source fragments keep working).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.is_empty() {
            out.push(if c == '_' { '_' } else { '-' });
        }
    }
    out
}

/// Every anchor an article's page has: symptom and cause ids, `cause--remedy` sections, and
/// the slug of every heading in the Markdown the page shows (question help is not on it).
fn anchors(article: &Article) -> HashSet<String> {
    let mut out: HashSet<String> = article
        .symptoms
        .iter()
        .map(|s| s.id.to_string())
        .chain(article.causes.iter().map(|c| c.id.to_string()))
        .collect();
    for cause in &article.causes {
        for remedy in cause.solutions.iter().chain(&cause.workarounds) {
            out.insert(format!("{}--{}", cause.id, remedy));
        }
    }
    let help: HashSet<&str> = article.questions.iter().map(|q| q.help.as_str()).collect();
    for text in article.texts() {
        // Most fragments hold no heading: only those that might are parsed.
        if !help.contains(text) && might_hold_heading(text) {
            out.extend(heading_slugs(text));
        }
    }
    out
}

/// False when a fragment certainly has no heading: no line that, past its indent, quote
/// marks and list markers, starts with `#` or is a setext underline (`===`, `---`).
pub(crate) fn might_hold_heading(text: &str) -> bool {
    text.lines().any(|line| {
        let mut rest = line;
        loop {
            let trimmed = rest.trim_start_matches([' ', '\t', '>']);
            let after_marker = trimmed
                .strip_prefix(['-', '*', '+'])
                .or_else(|| {
                    let digits = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
                    (digits.len() < trimmed.len())
                        .then(|| digits.strip_prefix(['.', ')']))
                        .flatten()
                })
                .filter(|after| after.starts_with([' ', '\t']));
            match after_marker {
                Some(after) => rest = after,
                None => {
                    rest = trimmed;
                    break;
                }
            }
        }
        let rest = rest.trim_end();
        rest.starts_with('#')
            || (!rest.is_empty() && rest.bytes().all(|b| b == b'='))
            || (!rest.is_empty() && rest.bytes().all(|b| matches!(b, b'-' | b' ' | b'\t')))
    })
}

/// The slugs of a fragment's headings, in order (repeats get `-1`, `-2`).
pub fn heading_slugs(markdown: &str) -> Vec<String> {
    unique_slugs(crate::text::heading_texts(markdown))
}

/// The slugs of these heading texts, in order (repeats get `-1`, `-2`).
pub fn unique_slugs(headings: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::new();
    for heading in headings {
        let base = slug(&heading);
        let mut unique = base.clone();
        let mut n = 1;
        while slugs.contains(&unique) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        slugs.push(unique);
    }
    slugs
}
