//! Microsoft-style troubleshooting Markdown into draft decision graphs.
//!
//! [`import_markdown`] reads front matter and the heading outline (pulldown-cmark), maps
//! Symptoms, Cause 1..N, Resolution / Solution / Method N and Workaround sections onto the
//! model, links each fix to its cause, and finds error codes. Causes come in many shapes:
//! `Cause N` headings, bulleted or numbered lists after "one of the following reasons" (or
//! under a `Reasons why ...` heading), bold `**Cause N:**` paragraphs, `Scenario N`
//! sections, sections with `**Cause**` and `**Workaround**` paragraphs, a table's Cause
//! column; a Resolution that links one section per cause gives each its fix. With no cause
//! stated, a Resolution's "If X, do Y" cases and `Verify that ...` sections are causes
//! (`cases`), and so are the causes of each of several symptoms. Articles with
//! several causes get a drafted check per observable cause and the which-cause menu last
//! (`checks`: the questions, their help and the cost rule), marked `generated` for review.
//! Section text is kept as written; sections it does not recognise become notes, never
//! dropped. The result is a draft (`status: draft`) for a writer to review. Depends on
//! `model`, `text` and `load`'s YAML.

mod cases;
mod checks;
mod codes;
mod sections;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    Answer, Article, ArticleId, Cause, NodeId, Question, QuestionKind, Reference, Remedy, Source,
    Status, Symptom,
};
use sections::{
    Kind, Outline, Section, first_sentence, introduces_alternative_causes,
    introduces_alternative_fixes, split_alternative_lists, split_alternatives, split_cause_list,
    split_first_list, split_steps, top_level_lists,
};

pub use checks::{
    COST_COMMAND, COST_CONSOLE, COST_MESSAGE, COST_SYNC, FALLBACK_MARK, LEFT_MENU, MENU_DONT_KNOW,
    POINTING_BASE_RATE,
};
pub use codes::error_codes;

/// Where an imported article came from, and how to attribute it.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The source file's path as it should be recorded (for example `entra/x.md`).
    pub source_path: String,
    /// A URL to record as the source (for example the upstream repository).
    pub source_url: Option<String>,
    /// The licence of the source text (for example `CC BY 4.0`).
    pub license: Option<String>,
}

/// Expands the DocFX `[!INCLUDE [title](path)]` directives of a Markdown article with the
/// text `read` finds for each path (front matter dropped), or removes them. Returns the
/// text and a note for each include that could not be found.
pub fn expand_includes(
    markdown: &str,
    read: impl Fn(&str) -> Option<String>,
) -> (String, Vec<String>) {
    static DIRECTIVE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?im)^([ \t>]*)\[!INCLUDE\s*\[[^\]]*\]\(([^)]*)\)\s*\][ \t]*$")
            .expect("a valid pattern")
    });
    let mut notes = Vec::new();
    let expanded = DIRECTIVE.replace_all(markdown, |c: &regex::Captures<'_>| {
        let prefix = &c[1];
        let path = c[2].trim();
        match read(path) {
            Some(text) => {
                let body = strip_front_matter(&text).trim();
                body.lines()
                    .map(|line| format!("{prefix}{line}").trim_end().to_owned())
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            None => {
                notes.push(format!("include `{path}` not found: removed"));
                String::new()
            }
        }
    });
    (expanded.into_owned(), notes)
}

/// The targets of the images a Markdown text shows, as written, in order.
pub fn image_targets(markdown: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for event in pulldown_cmark::Parser::new_ext(markdown, crate::text::markdown_options()) {
        if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) = event
            && !out.iter().any(|d| *d == *dest_url)
        {
            out.push(dest_url.to_string());
        }
    }
    out
}

fn strip_front_matter(text: &str) -> &str {
    let text = text.trim_start_matches('\u{feff}');
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---")
    {
        return rest[end + 4..].trim_start_matches(['\r', '\n']);
    }
    text
}

/// An imported draft and what the importer noticed while mapping it.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The draft article.
    pub article: Article,
    /// Mapping notes for the writer ("no Cause section: the cause is implied").
    pub notes: Vec<String>,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file holds no text.
    #[error("the file is empty")]
    Empty,
    /// The file is not UTF-8 text.
    #[error("the file is not UTF-8 text (binary file?)")]
    NotText,
    /// The file has neither a title nor any section to import.
    #[error("no title and no sections: nothing to import")]
    NothingToImport,
}

/// Imports one Markdown article.
pub fn import_markdown(bytes: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotText)?;
    if text.contains('\0') {
        return Err(ImportError::NotText);
    }
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let mut notes = Vec::new();
    let (front, body) = split_front_matter(&text);
    let meta = match front.map(crate::load::yaml_mapping) {
        Some(Ok(meta)) => meta,
        Some(Err(error)) => {
            notes.push(format!(
                "front matter is not valid YAML ({error}); it was ignored"
            ));
            BTreeMap::new()
        }
        None => {
            notes.push("no front matter: title and dates come from the body".to_owned());
            BTreeMap::new()
        }
    };
    let outline = sections::outline(body);
    let title = meta_string(&meta, "title")
        .or_else(|| outline.title.as_deref().map(crate::text::plain_text));
    let Some(title) = title.filter(|t| !t.trim().is_empty()) else {
        if outline.sections.is_empty() {
            return Err(ImportError::NothingToImport);
        }
        notes.push("no title in front matter or an H1: the file name is used".to_owned());
        return Ok(build(
            &stem_title(&options.source_path),
            &meta,
            &outline,
            body,
            options,
            notes,
        ));
    };
    Ok(build(&title, &meta, &outline, body, options, notes))
}

/// The article id for a source path: the file name without extension, lowercased, with
/// anything but letters, digits, `-`, `_` and `.` turned into `-`.
pub fn article_id_for(source_path: &str) -> ArticleId {
    let stem = std::path::Path::new(source_path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("article");
    let mut id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        id.insert(0, 'a');
    }
    ArticleId(id)
}

fn stem_title(source_path: &str) -> String {
    article_id_for(source_path).0.replace(['-', '_'], " ")
}

fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (None, text);
    };
    match rest.find("\n---") {
        Some(end) => {
            let after = &rest[end + 4..];
            let body = after.split_once('\n').map_or("", |(_, body)| body);
            (Some(&rest[..end]), body)
        }
        None => (None, text),
    }
}

fn meta_string(meta: &BTreeMap<String, serde_json::Value>, key: &str) -> Option<String> {
    match meta.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn meta_list(meta: &BTreeMap<String, serde_json::Value>, key: &str) -> Vec<String> {
    match meta.get(key) {
        Some(serde_json::Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A fix found in the article, before it is linked to causes.
#[derive(Clone)]
struct Fix {
    workaround: bool,
    title: String,
    text: String,
    by_design: bool,
    /// The cause this fix names (`Resolution for cause 2`), 1-based.
    for_cause: Option<usize>,
    /// `Step N` groups this fix is made of: one fix, unless there are as many as causes
    /// and each names a cause of its own.
    parts: Vec<Fix>,
}

/// What a reading of sections as causes replaces when it is used.
enum Replaces {
    /// These fixes (a Resolution's, or a section taken as a fix).
    Fixes(std::ops::Range<usize>),
    /// This note (a section kept as it stands).
    Note(usize),
}

/// A cause found in the article, with the fixes written under it.
struct Found {
    title: String,
    text: String,
    fixes: Vec<Fix>,
    issue: Option<usize>,
    /// The message the user sees with this cause and no other (its group's error
    /// heading), which a check can ask about first.
    sign: Option<String>,
}

#[derive(Default)]
struct Builder {
    summary: Vec<String>,
    symptoms: Vec<String>,
    causes: Vec<Found>,
    fixes: Vec<Fix>,
    notes: Vec<String>,
    mapping: Vec<String>,
    /// Set after a section ending "use one of the following methods": whether they are workarounds.
    methods_follow: Option<bool>,
    /// True when the article has a Resolution, Solution, Workaround or Method heading.
    has_fix_headings: bool,
    /// True once a `Determine whether ...` section was read (a how-to article's problem).
    checked: bool,
    /// Fix sections read as causes of their own ("If the service is disabled, ..." items,
    /// `Verify that ...` sub-sections): the range of `fixes` each reading replaces, and
    /// its causes. Used when the article states no cause (see `finish`).
    cased: Vec<(Replaces, Vec<Found>)>,
    /// A Resolution said to check the conditions in its sections, one by one.
    conditions_listed: bool,
    /// True when the article has a Cause, Causes or Scenario heading anywhere.
    cause_headings: bool,
    /// Causes a note lists ("This event is logged in the following situations:" under
    /// `More information`): used when the article names no cause otherwise.
    listed_in_notes: Vec<Found>,
    /// Groups of a cause and its fix made from sections not headed `Issue N` (an error
    /// message's heading): numbered after the article's own issues.
    groups: usize,
    /// The messages sections named for an error quote (`### Error Message 2` and `> Your
    /// OneDrive isn't available.`): (the heading, lowercased plain text; the message).
    messages: Vec<(String, String)>,
}

fn build(
    title: &str,
    meta: &BTreeMap<String, serde_json::Value>,
    outline: &Outline,
    body: &str,
    options: &ImportOptions,
    mapping: Vec<String>,
) -> Imported {
    let mut builder = Builder {
        mapping,
        ..Builder::default()
    };
    if let Some(h1) = &outline.title
        && crate::text::plain_text(h1) != crate::text::plain_text(title)
    {
        // The H1 often words the problem differently from the front-matter title: keep it.
        builder.summary.push(format!("**{h1}**"));
    }
    if !outline.preamble.trim().is_empty() {
        builder.summary.push(outline.preamble.trim().to_owned());
    }
    builder.has_fix_headings = outline.sections.iter().any(holds_fix_heading);
    builder.cause_headings = outline.sections.iter().any(holds_cause_heading);
    for section in &outline.sections {
        builder.section(section);
    }
    let id = article_id_for(&options.source_path);
    let (mut article, notes) = builder.finish(id, title);
    let mut searchable = format!(
        "{title}\n{}\n{body}",
        meta_string(meta, "description").unwrap_or_default()
    );
    searchable.push('\n');
    article.error_codes = codes::error_codes(&searchable);
    let mut keywords = meta_list(meta, "keywords");
    keywords.extend(codes::kb_numbers(body));
    article.keywords = keywords;
    if article.summary.is_empty()
        && let Some(description) = meta_string(meta, "description")
    {
        article.summary = description;
    }
    article.product = meta_string(meta, "ms.service")
        .or_else(|| meta_string(meta, "ms.prod"))
        .or_else(|| {
            options
                .source_path
                .split('/')
                .next()
                .filter(|_| options.source_path.contains('/'))
                .map(str::to_owned)
        });
    article.area = meta_string(meta, "ms.custom")
        .and_then(|custom| {
            custom
                .split(',')
                .find_map(|part| part.trim().strip_prefix("sap:").map(str::to_owned))
        })
        .or_else(|| meta_string(meta, "ms.subservice"))
        .or_else(|| meta_string(meta, "ms.technology"));
    article.source = Some(Source {
        url: options.source_url.clone(),
        path: Some(options.source_path.clone()),
        date: meta_string(meta, "ms.date"),
        license: options.license.clone(),
    });
    article.references = outline
        .links
        .iter()
        .map(|(label, dest)| Reference {
            id: label.clone(),
            url: Some(dest.clone()),
            article: None,
            title: None,
        })
        .collect();
    Imported { article, notes }
}

impl Builder {
    fn section(&mut self, section: &Section) {
        // After "use one of the following methods.", the next plain sections are the methods.
        if let Some(workaround) = self.methods_follow
            && matches!(section.kind, Kind::Other | Kind::Action)
        {
            let text = section.full_text();
            let title = crate::text::plain_text(&section.heading);
            self.fixes.push(Fix {
                workaround,
                title,
                text,
                by_design: false,
                for_cause: None,
                parts: Vec::new(),
            });
            return;
        }
        self.methods_follow = None;
        let fixes_before = self.fixes.len();
        let notes_before = self.notes.len();
        let full = section.full_text();
        let last_paragraph = full
            .rsplit("\n\n")
            .next()
            .unwrap_or_default()
            .to_lowercase();
        if last_paragraph.contains("one of the following methods") && section.kind != Kind::Notes {
            self.methods_follow = Some(last_paragraph.contains("work around"));
        }
        if names_a_symptom(&section.heading)
            && let Some(message) = cases::quoted_message(&section.body)
        {
            let heading = crate::text::plain_text(&section.heading)
                .trim()
                .to_lowercase();
            self.messages.push((heading, message));
        }
        match &section.kind {
            Kind::Symptoms => self.symptoms_section(section),
            Kind::Summary => self.summary.push(section.full_text()),
            Kind::Cause { title, issue, .. } => self.cause(section, title.clone(), *issue),
            Kind::Causes => self.causes_list(section),
            Kind::Solution { .. } | Kind::Workaround { .. } | Kind::Method { .. } => {
                let workaround = matches!(section.kind, Kind::Workaround { .. });
                let start = self.fixes.len();
                let fixes = self.fixes_of(section, workaround);
                self.fixes.extend(fixes);
                if matches!(section.kind, Kind::Solution { .. })
                    && let Some(found) = self.cases_of(section, workaround)
                {
                    self.cased
                        .push((Replaces::Fixes(start..self.fixes.len()), found));
                }
            }
            Kind::Issue { number } => self.issue(section, *number),
            // A heading per error message, holding its own Cause (or its own list of
            // reasons) and Resolution: a group, like `Issue N`.
            Kind::Other if is_group(section) => {
                self.groups += 1;
                self.issue(section, 1000 + self.groups)
            }
            Kind::Scenario { number, title } => self.scenario(section, *number, title.clone()),
            // A section whose text says `**Cause**` and then `**Workaround**` (or
            // `**Resolution**`): a scenario, a cause with its fix.
            Kind::Other | Kind::Action if self.bold_cause(section) => {}
            // Named for what it does, after a cause (or a how-to's check) in an article
            // with no Resolution heading: a fix.
            Kind::Action if !self.has_fix_headings && (!self.causes.is_empty() || self.checked) => {
                self.fixes.push(Fix {
                    workaround: false,
                    title: crate::text::plain_text(&section.heading),
                    text: section.full_text(),
                    by_design: false,
                    for_cause: None,
                    parts: Vec::new(),
                });
            }
            Kind::Check if !self.has_fix_headings && self.causes.is_empty() => {
                self.checked = true;
                self.note(section);
            }
            Kind::Notes | Kind::Other | Kind::Step | Kind::Action | Kind::Check => {
                self.note(section)
            }
        }
        // Read another way when the article states no cause: a top-level `Verify that
        // ...` section is a cause with its check and fix, and a section of "If ..."
        // paragraphs (or of `Verify` sub-sections) names a cause per case.
        let replaces = match (
            fixes_before < self.fixes.len(),
            notes_before < self.notes.len(),
        ) {
            (true, _) => Some(Replaces::Fixes(fixes_before..self.fixes.len())),
            (false, true) => Some(Replaces::Note(notes_before)),
            _ => None,
        };
        if let Some(replaces) = replaces
            && matches!(section.kind, Kind::Action | Kind::Check | Kind::Other)
        {
            let found = if let Some(found) = asked_case(section) {
                // "## Do users have appropriate permissions?": the article's own check.
                Some(vec![found])
            } else if matches!(section.kind, Kind::Other) && !is_group(section) {
                self.cases_of(section, false)
            } else if cases::verifies(&section.heading) && !self.has_fix_headings {
                Some(vec![verified_case(section, "", "")])
            } else {
                None
            };
            if let Some(found) = found {
                self.cased.push((replaces, found));
            }
        }
    }

    /// `## Symptoms`: its text, unless a sub-section is a group of its own (a symptom
    /// with its Cause, or an error heading listing its reasons): those are read as groups.
    fn symptoms_section(&mut self, section: &Section) {
        let grouped = |child: &Section| {
            matches!(child.kind, Kind::Issue { .. } | Kind::Scenario { .. }) || is_group(child)
        };
        if !section.children.iter().any(grouped) {
            // "This event is logged for one of the following reasons:" in an article
            // with no Cause heading: a cause per reason; the rest stays the symptom.
            if !self.cause_headings
                && section.children.is_empty()
                && let Some((intro, items, after)) = split_cause_list(section.body.trim())
                && introduces_alternative_causes(&intro)
                && names_reasons(&intro)
            {
                self.mapping.push(format!(
                    "{}: {} causes from the reasons it lists",
                    crate::text::plain_text(&section.heading),
                    items.len()
                ));
                let text = [intro.as_str(), after.as_str()]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                self.symptoms.push(text);
                self.alternatives("", items, "", None);
                return;
            }
            self.symptoms.push(section.full_text());
            return;
        }
        let plain = Section {
            children: section
                .children
                .iter()
                .filter(|c| !grouped(c))
                .cloned()
                .collect(),
            ..section.clone()
        };
        let text = plain.full_text();
        if !text.is_empty() {
            self.symptoms.push(text);
        }
        for child in section.children.iter().filter(|c| grouped(c)) {
            self.section(child);
        }
    }

    fn note(&mut self, section: &Section) {
        // A table with a Cause column ("error details | cause | more information"), in an
        // article that names no cause otherwise: each distinct cause is a cause, its rows'
        // other cells its signs, its resolution cell its fix. The table stays in the note.
        if self.causes.is_empty() {
            let found = table_causes(&section.full_text());
            if found.len() >= 2 {
                self.mapping.push(format!(
                    "{}: {} causes from the table's Cause column",
                    crate::text::plain_text(&section.heading),
                    found.len()
                ));
                self.causes.extend(found);
            }
        }
        if !self.cause_headings
            && self.listed_in_notes.is_empty()
            && let Some((intro, items, after)) = split_cause_list(&section.full_text())
            && introduces_alternative_causes(&intro)
            && (names_reasons(&intro) || sections::reasons_follow(&intro.to_lowercase()))
        {
            let count = items.len();
            for (index, item) in items.into_iter().enumerate() {
                let mut text = String::new();
                if index == 0 {
                    text.push_str(&intro);
                    text.push_str("\n\n");
                }
                text.push_str("- ");
                text.push_str(&item);
                if index + 1 == count && !after.is_empty() {
                    text.push_str("\n\n");
                    text.push_str(&after);
                }
                self.listed_in_notes.push(Found {
                    sign: None,
                    title: item_title(&item),
                    text: text.trim().to_owned(),
                    fixes: Vec::new(),
                    issue: None,
                });
            }
        }
        let hashes = "#".repeat(usize::from(section.level));
        let text = section.full_text();
        self.notes.push(if text.is_empty() {
            format!("{hashes} {}", section.heading)
        } else {
            format!("{hashes} {}\n\n{text}", section.heading)
        });
    }

    /// `## Issue 1: title` (or `Symptom 1`, or an error message's heading): its symptoms,
    /// cause (a Cause heading, or the list of reasons its text gives) and resolution,
    /// grouped. The group's fixes are its causes' fixes.
    fn issue(&mut self, section: &Section, number: usize) {
        let mut plain = Section {
            children: Vec::new(),
            ..section.clone()
        };
        plain.body = format!("**{}**\n\n{}", section.heading, section.body.trim());
        let mut holder = Vec::new();
        let mut fixes = Vec::new();
        for child in &section.children {
            match &child.kind {
                Kind::Cause { title, .. } => self.cause(child, title.clone(), Some(number)),
                Kind::Solution { .. } | Kind::Workaround { .. } | Kind::Method { .. } => {
                    let found = self.fixes_of(child, matches!(child.kind, Kind::Workaround { .. }));
                    match self.causes.iter().rposition(|c| c.issue == Some(number)) {
                        Some(index) => self.causes[index].fixes.extend(found),
                        None => fixes.extend(found),
                    }
                }
                Kind::Symptoms => {
                    self.symptoms
                        .push(format!("{}\n\n{}", section.heading, child.full_text()))
                }
                _ => holder.push(child.clone()),
            }
        }
        plain.children = holder;
        let text = plain.full_text();
        let has_cause = self.causes.iter().any(|c| c.issue == Some(number));
        if !has_cause
            && let Some((intro, items, after)) = split_cause_list(&text)
            && introduces_alternative_causes(&intro)
        {
            // "This error occurs for one of the following reasons:" under the group's
            // heading: a cause per reason, each with the group's fixes.
            self.alternatives(&intro, items, &after, Some(number));
        } else if !has_cause
            && is_error_group(section)
            && let Some(cause) = cases::stated_cause(&section.body)
        {
            // "## Error: <message>" opening "This error occurs if ...": its cause, seen
            // with that message.
            self.mapping.push(format!(
                "{}: a cause stated for this error",
                crate::text::plain_text(&section.heading)
            ));
            self.causes.push(Found {
                title: cause,
                text,
                fixes: Vec::new(),
                issue: Some(number),
                sign: cases::heading_message(&section.heading),
            });
        } else {
            // The issue's own description belongs with its cause, ahead of the cause's text.
            match self.causes.iter_mut().find(|c| c.issue == Some(number)) {
                Some(cause) if !text.trim().is_empty() => {
                    cause.text = format!("{text}\n\n{}", cause.text)
                }
                Some(_) => {}
                None => self.notes.push(text),
            }
        }
        let owners: Vec<usize> = (0..self.causes.len())
            .filter(|i| self.causes[*i].issue == Some(number))
            .collect();
        match owners.as_slice() {
            [] => self.fixes.extend(fixes),
            // One cause: its fixes. Several (a list of reasons, or `Cause 1`, `Cause 2` in
            // one group): the group's fixes serve each, unless each has its own already.
            [only] => self.causes[*only].fixes.extend(fixes),
            several => {
                let last = *several.last().unwrap_or(&0);
                if several.iter().all(|i| self.causes[*i].fixes.is_empty()) {
                    for index in several {
                        self.causes[*index].fixes.extend(fixes.iter().cloned());
                    }
                } else {
                    self.causes[last].fixes.extend(fixes);
                }
            }
        }
    }

    fn cause(&mut self, section: &Section, title: Option<String>, issue: Option<usize>) {
        let mut own = Section {
            children: Vec::new(),
            ..section.clone()
        };
        let mut fixes = Vec::new();
        for child in &section.children {
            match &child.kind {
                Kind::Solution { .. } | Kind::Method { .. } => {
                    fixes.extend(self.fixes_of(child, false))
                }
                Kind::Workaround { .. } => fixes.extend(self.fixes_of(child, true)),
                _ => own.children.push(child.clone()),
            }
        }
        let text = own.full_text();
        // `**Cause 1:** ...` paragraphs (or `**Scenario 1**`): each is a cause of its own.
        if title.is_none()
            && fixes.is_empty()
            && let Some((intro, parts)) = split_marked(&text, &["cause", "scenario", "reason"])
        {
            self.mapping.push(format!(
                "{}: {} causes marked in bold",
                crate::text::plain_text(&section.heading),
                parts.len()
            ));
            for (index, part) in parts.into_iter().enumerate() {
                let text = if index == 0 && !intro.is_empty() {
                    format!("{intro}\n\n{}", part.text)
                } else {
                    part.text
                };
                self.causes.push(Found {
                    sign: None,
                    title: part.title,
                    text,
                    fixes: Vec::new(),
                    issue,
                });
            }
            return;
        }
        // "Cause for Symptom 1: ..." paragraphs (and "The other symptoms are caused by
        // ..."): a cause per symptom.
        if title.is_none()
            && fixes.is_empty()
            && let Some((intro, parts)) = cases::split_by_symptom(&text)
        {
            self.mapping.push(format!(
                "{}: {} causes, one per symptom",
                crate::text::plain_text(&section.heading),
                parts.len()
            ));
            for (index, (title, part)) in parts.into_iter().enumerate() {
                let title = title.unwrap_or_else(|| first_sentence(&symptom_marker_dropped(&part)));
                let text = if index == 0 && !intro.is_empty() {
                    format!("{intro}\n\n{part}")
                } else {
                    part
                };
                self.causes.push(Found {
                    sign: None,
                    title,
                    text,
                    fixes: Vec::new(),
                    issue,
                });
            }
            return;
        }
        // "This can also happen in ..." paragraphs after the first cause: a cause each.
        if title.is_none()
            && fixes.is_empty()
            && own.children.is_empty()
            && split_cause_list(&text).is_none_or(|(intro, _, _)| {
                !introduces_alternative_causes(&intro) && !cases::introduces_checks(&intro)
            })
            && let Some(parts) = cases::split_by_also(&text)
        {
            self.mapping.push(format!(
                "{}: {} causes, the others \"also\" in paragraphs of their own",
                crate::text::plain_text(&section.heading),
                parts.len()
            ));
            for part in parts {
                self.causes.push(Found {
                    sign: None,
                    title: cause_title(&part),
                    text: part,
                    fixes: Vec::new(),
                    issue,
                });
            }
            return;
        }
        // A Cause with a sub-section per symptom or error ("### Event ID 4000",
        // "### Symptom 2"): a cause each, the Cause's own text leading the first.
        let per_symptom = own
            .children
            .iter()
            .filter(|c| names_a_symptom(&c.heading))
            .count();
        if title.is_none()
            && fixes.is_empty()
            && per_symptom >= 2
            && per_symptom == own.children.len()
        {
            self.mapping.push(format!(
                "{}: {per_symptom} causes, one per symptom section",
                crate::text::plain_text(&section.heading)
            ));
            for (index, child) in own.children.iter().enumerate() {
                let mut text = child.full_text();
                if index == 0 && !own.body.trim().is_empty() {
                    text = format!("{}\n\n{text}", own.body.trim());
                }
                let title = match first_sentence(&child.full_text()) {
                    sentence if sentence.is_empty() => crate::text::plain_text(&child.heading),
                    sentence => sentence,
                };
                self.causes.push(Found {
                    sign: None,
                    title,
                    text: format!("**{}**\n\n{text}", child.heading),
                    fixes: Vec::new(),
                    issue,
                });
            }
            return;
        }
        // A plain "Cause" heading that lists alternatives: each is a cause of its own.
        if title.is_none()
            && fixes.is_empty()
            && own.children.is_empty()
            && let Some((intro, items, after)) = split_cause_list(&text)
            && (introduces_alternative_causes(&intro) || cases::introduces_checks(&intro))
        {
            self.alternatives(&intro, items, &after, None);
            return;
        }
        // Several lists of alternatives (one per error the article names): every item.
        if title.is_none()
            && fixes.is_empty()
            && own.children.is_empty()
            && let Some((lists, after)) = split_alternative_lists(&text)
        {
            let count = lists.len();
            for (index, (intro, items)) in lists.into_iter().enumerate() {
                let tail = if index + 1 == count {
                    after.as_str()
                } else {
                    ""
                };
                self.alternatives(&intro, items, tail, None);
            }
            return;
        }
        // A list of alternatives, then more lists (the steps that verify them): the first
        // list's items are the causes; the rest goes with the last one.
        if title.is_none()
            && fixes.is_empty()
            && own.children.is_empty()
            && let Some((intro, items, after)) = split_first_list(&text)
            && introduces_alternative_causes(&intro)
        {
            self.mapping.push(format!(
                "{}: {} causes listed before the text that follows them",
                crate::text::plain_text(&section.heading),
                items.len()
            ));
            self.alternatives(&intro, items, &after, None);
            return;
        }
        // "To resolve this issue, convert ..." closing the cause's own text: its fix.
        let (text, fixes) = match cases::closing_fix(&text) {
            Some((before, fix_title, fix_text, workaround)) if fixes.is_empty() => {
                self.mapping.push(format!(
                    "{}: the paragraph \"{}\" is its fix",
                    crate::text::plain_text(&section.heading),
                    first_sentence(&fix_text)
                ));
                let fix = Fix {
                    workaround,
                    title: fix_title,
                    text: fix_text,
                    by_design: false,
                    for_cause: None,
                    parts: Vec::new(),
                };
                (before, vec![fix])
            }
            _ => (text, fixes),
        };
        let title = title
            .unwrap_or_else(|| cause_title(&text))
            .trim()
            .to_owned();
        self.causes.push(Found {
            sign: None,
            title,
            text,
            fixes,
            issue,
        });
    }

    fn causes_list(&mut self, section: &Section) {
        // `## Causes` with one sub-heading per cause.
        if section.children.len() >= 2 && section.children.iter().all(|c| c.kind == Kind::Other) {
            for (index, child) in section.children.iter().enumerate() {
                let mut text = child.full_text();
                if index == 0 && !section.body.trim().is_empty() {
                    text = format!("{}\n\n{text}", section.body.trim());
                }
                self.causes.push(Found {
                    sign: None,
                    title: crate::text::plain_text(&child.heading),
                    text,
                    fixes: Vec::new(),
                    issue: None,
                });
            }
            return;
        }
        let text = section.full_text();
        // `## Reasons why ...` is itself the intro of the list it holds.
        let by_heading = !matches!(
            crate::text::plain_text(&section.heading)
                .to_lowercase()
                .trim(),
            "causes" | "cause" | "possible causes" | "possible cause"
        );
        match split_cause_list(&text) {
            Some((intro, items, after)) if by_heading || introduces_alternative_causes(&intro) => {
                self.alternatives(&intro, items, &after, None)
            }
            _ => self.cause(section, None, None),
        }
    }

    /// `## Title` with `**Cause ...**` and `**Workaround**` paragraphs: one cause titled by
    /// the heading, its text up to the fix's paragraph, the rest its fix. False (nothing
    /// done) for a section without both.
    fn bold_cause(&mut self, section: &Section) -> bool {
        static CAUSE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            // `**Cause**`, or a paragraph opening with a plain `Cause:`.
            regex::Regex::new(r"(?im)^(?:\*\*(?:cause|reason)\b[^*\n]*\*\*|(?:cause|reason)\s*:)")
                .expect("a valid pattern")
        });
        static FIX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(
                r"(?im)^(?:\*\*(resolution|solution|workaround|fix|mitigation)\b[^*\n]*\*\*|(resolution|solution|workaround|fix|mitigation)\s*:)",
            )
            .expect("a valid pattern")
        });
        let text = section.full_text();
        let Some(cause) = CAUSE.find(&text) else {
            return false;
        };
        let Some(fix) = FIX.find_at(&text, cause.end()) else {
            return false;
        };
        let workaround = text[fix.start()..fix.end()]
            .to_lowercase()
            .contains("workaround");
        let title = crate::text::plain_text(&section.heading);
        self.causes.push(Found {
            sign: None,
            title: title.clone(),
            text: text[..fix.start()].trim().to_owned(),
            fixes: vec![Fix {
                workaround,
                title,
                text: text[fix.start()..].trim().to_owned(),
                by_design: false,
                for_cause: None,
                parts: Vec::new(),
            }],
            issue: None,
        });
        true
    }

    /// `## Scenario 1: title`: a group holding a cause and its resolution (as an issue),
    /// or, without a Cause heading, a cause of its own whose fixes are written under it.
    fn scenario(&mut self, section: &Section, number: usize, title: Option<String>) {
        if section
            .children
            .iter()
            .any(|c| matches!(c.kind, Kind::Cause { .. }))
        {
            self.issue(section, number);
            return;
        }
        let title = title.unwrap_or_else(|| crate::text::plain_text(&section.heading));
        self.cause(section, Some(title), None);
    }

    /// A Resolution read as causes of its own, for an article that states none: one per
    /// `Verify that ...` sub-section (two or more), or one per item or paragraph that
    /// opens with a condition ("If the service is disabled, start it."). Each cause's fix
    /// is its part of the Resolution, led by the shared text before the parts and closed
    /// by the shared text after them.
    fn cases_of(&mut self, section: &Section, workaround: bool) -> Option<Vec<Found>> {
        let join = |parts: &[String]| {
            parts
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(|p| p.trim())
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        let checked = cases::verifying_sections(section);
        if checked.len() >= 2 {
            // Told to check each condition in turn: the conditions are the causes, and a
            // single stated cause only names their kind.
            self.conditions_listed |= cases::introduces_checks(&section.body);
            let first = checked[0];
            let last = checked[checked.len() - 1];
            let mut lead = vec![section.body.trim().to_owned()];
            lead.extend(section.children[..first].iter().map(section_markdown));
            let lead = join(&lead);
            let tail: Vec<String> = section.children[last + 1..]
                .iter()
                .map(section_markdown)
                .collect();
            let tail = join(&tail);
            let mut found: Vec<Found> = Vec::new();
            for (index, child) in section
                .children
                .iter()
                .enumerate()
                .take(last + 1)
                .skip(first)
            {
                if checked.contains(&index) {
                    found.push(verified_case(child, &lead, ""));
                } else if let Some(previous) = found.last_mut().and_then(|f| f.fixes.last_mut()) {
                    previous.text = join(&[previous.text.clone(), section_markdown(child)]);
                }
            }
            for cause in &mut found {
                for fix in &mut cause.fixes {
                    fix.text = join(&[fix.text.clone(), tail.clone()]);
                }
            }
            return Some(found);
        }
        if let Some(found) = self.cases_per_error(section, workaround) {
            return Some(found);
        }
        if !section.children.is_empty() {
            return None;
        }
        let (intro, parts, after) = cases::conditional_cases(&section.body)?;
        // "This situation can occur for one of several reasons. The following situations
        // are the most common:" (or requirements that must be met): the list names the
        // causes, and a single stated cause only says what kind of problem it is.
        self.conditions_listed |=
            cases::states_causes(&intro) || cases::introduces_requirements(&intro);
        Some(
            parts
                .into_iter()
                .map(|case| Found {
                    sign: None,
                    title: case.cause,
                    // "This issue may occur if ...": the article's words for the cause.
                    text: case.statement,
                    fixes: vec![Fix {
                        workaround,
                        title: case.fix_title,
                        text: join(&[intro.clone(), case.fix, after.clone()]),
                        by_design: false,
                        for_cause: None,
                        parts: Vec::new(),
                    }],
                    issue: None,
                })
                .collect(),
        )
    }

    /// A Resolution with a sub-section per error ("### Error Message 1", two or more), each
    /// made of parts ("**Resolution 1**", or the whole sub-section) that open by stating
    /// a cause ("Error 1 can occur if your OneDrive site is set as ReadOnly."): a cause per
    /// part, its fix the part, seen with the message the article quotes for that error.
    /// The Resolution's and each sub-section's opening text lead the first fix they hold.
    fn cases_per_error(&self, section: &Section, workaround: bool) -> Option<Vec<Found>> {
        if section.children.len() < 2
            || !section
                .children
                .iter()
                .all(|c| names_a_symptom(&c.heading) && c.children.is_empty())
        {
            return None;
        }
        let mut found: Vec<Found> = Vec::new();
        let mut lead = section.body.trim().to_owned();
        for child in &section.children {
            let heading = crate::text::plain_text(&child.heading)
                .trim()
                .to_lowercase();
            let sign = self
                .messages
                .iter()
                .find(|(named, _)| *named == heading)
                .map(|(_, message)| message.clone())
                .or_else(|| cases::heading_message(&child.heading));
            let (intro, parts) =
                match split_marked(&child.body, &["resolution", "solution", "cause"]) {
                    Some((intro, parts)) => (intro, parts.into_iter().map(|p| p.text).collect()),
                    None => (String::new(), vec![child.body.trim().to_owned()]),
                };
            lead = [lead, format!("**{}**", child.heading), intro]
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            for part in parts {
                // "**Resolution 1**" on a line of its own: the cause opens the next paragraph.
                let opening = match part.split_once("\n\n") {
                    Some((marker, rest))
                        if crate::text::plain_text(marker).split_whitespace().count() <= 3 =>
                    {
                        rest
                    }
                    _ => part.as_str(),
                };
                let cause = cases::stated_cause(opening)?;
                let text = std::mem::take(&mut lead);
                let fix = [text, part.clone()]
                    .into_iter()
                    .filter(|t| !t.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                found.push(Found {
                    title: cause.clone(),
                    // The article's sentence that states it.
                    text: opening
                        .split("\n\n")
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                    fixes: vec![Fix {
                        workaround,
                        // What the part has the reader do: the sentence after the cause's.
                        title: match opening
                            .split_once("\n\n")
                            .map(|(_, rest)| rest)
                            .or_else(|| opening.split_once(". ").map(|(_, rest)| rest))
                            .map(first_sentence)
                            .filter(|t| !t.trim().is_empty())
                        {
                            Some(title) => title.trim().to_owned(),
                            None => cause.clone(),
                        },
                        text: fix,
                        by_design: false,
                        for_cause: None,
                        parts: Vec::new(),
                    }],
                    issue: None,
                    sign: sign.clone(),
                });
            }
        }
        (found.len() >= 2).then_some(found)
    }

    fn alternatives(&mut self, intro: &str, items: Vec<String>, after: &str, issue: Option<usize>) {
        let count = items.len();
        for (index, item) in items.into_iter().enumerate() {
            let mut text = String::new();
            if index == 0 && !intro.is_empty() {
                text.push_str(intro);
                text.push_str("\n\n");
            }
            text.push_str("- ");
            text.push_str(&item);
            if index + 1 == count && !after.is_empty() {
                text.push_str("\n\n");
                text.push_str(after);
            }
            self.causes.push(Found {
                sign: None,
                title: item_title(&item),
                text,
                fixes: Vec::new(),
                issue,
            });
        }
    }

    /// The fixes a Resolution / Solution / Workaround / Method section holds: one, or one
    /// per `Method N` (or `Solution N`, `Workaround N`) sub-section, or one per alternative
    /// in "use one of the following methods" lists.
    fn fixes_of(&mut self, section: &Section, workaround: bool) -> Vec<Fix> {
        let (number_title, for_cause) = match &section.kind {
            Kind::Solution { title, cause, .. } => (title.clone(), *cause),
            Kind::Workaround { title, .. } | Kind::Method { title, .. } => (title.clone(), None),
            _ => (None, None),
        };
        let is_fix = |kind: &Kind| {
            matches!(
                kind,
                Kind::Solution { .. } | Kind::Workaround { .. } | Kind::Method { .. }
            )
        };
        let split_children = section.children.iter().filter(|c| is_fix(&c.kind)).count() >= 1;
        let heading_title = number_title.unwrap_or_else(|| section.heading.clone());
        let by_design = is_by_design(&section.heading);
        if split_children {
            let mut fixes = Vec::new();
            let mut intro = section.body.trim().to_owned();
            let mut others = Vec::new();
            for child in &section.children {
                if is_fix(&child.kind) {
                    let child_workaround =
                        workaround || matches!(child.kind, Kind::Workaround { .. });
                    for mut fix in self.fixes_of(child, child_workaround) {
                        if !intro.is_empty() {
                            fix.text = format!("{intro}\n\n{}", fix.text);
                            intro.clear();
                        }
                        fix.for_cause = fix.for_cause.or(for_cause);
                        fixes.push(fix);
                    }
                } else {
                    others.push(child.clone());
                }
            }
            if let Some(last) = fixes.last_mut() {
                let rest = Section {
                    body: String::new(),
                    children: others,
                    ..section.clone()
                }
                .full_text();
                if !rest.is_empty() {
                    last.text = format!("{}\n\n{rest}", last.text);
                }
            }
            return fixes;
        }
        // "Select a solution: [Repair the file](#repair-the-file), [Add the variable](#...)":
        // the sub-sections it links to are fixes each; the sub-sections before them (the
        // shared preparation) lead each fix, and those after them close each.
        let linked: Vec<usize> = {
            // The links of the text before the first section they name.
            let mut lead = section.body.clone();
            let links = |text: &str, child: &Section| {
                text.contains(&format!("](#{})", slug(&child.heading)))
            };
            let start = section.children.iter().position(|child| {
                let named = links(&lead, child);
                if !named {
                    lead.push_str(&child.full_text());
                }
                named
            });
            match start {
                Some(start) => (start..section.children.len())
                    .filter(|&i| links(&lead, &section.children[i]))
                    .collect(),
                None => Vec::new(),
            }
        };
        if linked.len() >= 2 && section.children.len() > linked.len() {
            let first = linked[0];
            let last = linked[linked.len() - 1];
            let mut lead = vec![section.body.trim().to_owned()];
            lead.extend(section.children[..first].iter().map(section_markdown));
            let lead = lead
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            // Sections between the linked ones that no link names stay with the fix before.
            let mut fixes: Vec<Fix> = Vec::new();
            for (index, child) in section
                .children
                .iter()
                .enumerate()
                .take(last + 1)
                .skip(first)
            {
                if linked.contains(&index) {
                    fixes.push(Fix {
                        workaround,
                        title: crate::text::plain_text(&child.heading),
                        text: format!("{lead}\n\n{}", section_markdown(child))
                            .trim()
                            .to_owned(),
                        by_design: false,
                        for_cause,
                        parts: Vec::new(),
                    });
                } else if let Some(previous) = fixes.last_mut() {
                    previous.text = format!("{}\n\n{}", previous.text, section_markdown(child));
                }
            }
            let tail = section.children[last + 1..]
                .iter()
                .map(section_markdown)
                .collect::<Vec<_>>()
                .join("\n\n");
            if !tail.is_empty() {
                for fix in &mut fixes {
                    fix.text = format!("{}\n\n{tail}", fix.text);
                }
            }
            return fixes;
        }
        // "Possible solutions" with one sub-heading per fix.
        let plural = matches!(
            section.heading.to_lowercase().trim(),
            "possible solutions"
                | "solutions"
                | "resolutions"
                | "possible resolutions"
                | "workarounds"
        );
        if plural && section.children.len() >= 2 {
            let mut fixes = Vec::new();
            for (index, child) in section.children.iter().enumerate() {
                let mut text = child.full_text();
                if index == 0 && !section.body.trim().is_empty() {
                    text = format!("{}\n\n{text}", section.body.trim());
                }
                let title = crate::text::plain_text(&child.heading);
                fixes.push(Fix {
                    workaround,
                    title,
                    text,
                    by_design: false,
                    for_cause,
                    parts: Vec::new(),
                });
            }
            return fixes;
        }
        // A Resolution whose sub-sections are named for what they do ("Refresh the flow",
        // "Check for null inputs"): each is a fix, tried in turn.
        let actions = section
            .children
            .iter()
            .filter(|c| c.kind == Kind::Action)
            .count();
        if actions >= 2
            && section
                .children
                .iter()
                .all(|c| matches!(c.kind, Kind::Action | Kind::Notes))
        {
            let mut fixes: Vec<Fix> = Vec::new();
            // The Resolution's own text (and any note before the first action) leads the
            // first fix; a note after an action stays with that action.
            let mut lead = section.body.trim().to_owned();
            for child in &section.children {
                let text = child.full_text();
                if child.kind == Kind::Notes {
                    let note = format!(
                        "{} {}\n\n{text}",
                        "#".repeat(usize::from(child.level)),
                        child.heading
                    );
                    match fixes.last_mut() {
                        Some(last) => last.text = format!("{}\n\n{note}", last.text),
                        None => lead = format!("{lead}\n\n{note}").trim().to_owned(),
                    }
                    continue;
                }
                let text = if lead.is_empty() {
                    text
                } else {
                    format!("{}\n\n{text}", std::mem::take(&mut lead))
                };
                fixes.push(Fix {
                    workaround,
                    title: crate::text::plain_text(&child.heading),
                    text,
                    by_design: false,
                    for_cause,
                    parts: Vec::new(),
                });
            }
            return fixes;
        }
        let text = section.full_text();
        // `Step 1`, `Step 2` groups: one procedure, but kept apart in case each fixes a
        // cause of its own (see `finish`).
        let steps: Vec<&Section> = section
            .children
            .iter()
            .filter(|c| c.kind == Kind::Step)
            .collect();
        if steps.len() >= 2 && section.body.trim().is_empty() {
            let parts = steps
                .iter()
                .map(|step| Fix {
                    workaround,
                    title: crate::text::plain_text(&step.heading),
                    text: step.full_text(),
                    by_design: false,
                    for_cause: None,
                    parts: Vec::new(),
                })
                .collect();
            return vec![Fix {
                workaround,
                title: heading_title,
                text,
                by_design,
                for_cause,
                parts,
            }];
        }
        // `**Resolution 1:** ...` paragraphs: one fix each, for the cause of that number.
        if let Some((intro, parts)) = split_marked(&text, &["resolution", "solution", "fix"]) {
            return parts
                .into_iter()
                .enumerate()
                .map(|(index, part)| Fix {
                    workaround,
                    title: part.title,
                    text: if index == 0 && !intro.is_empty() {
                        format!("{intro}\n\n{}", part.text)
                    } else {
                        part.text
                    },
                    by_design: false,
                    for_cause: for_cause.or(Some(part.number)),
                    parts: Vec::new(),
                })
                .collect();
        }
        if let Some((intro, items, after)) = split_alternatives(&text)
            && introduces_alternative_fixes(&intro, workaround)
        {
            let count = items.len();
            return items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    let mut fix_text = if index == 0 {
                        format!("{intro}\n\n- {item}")
                    } else {
                        format!("- {item}")
                    };
                    if index + 1 == count && !after.is_empty() {
                        fix_text = format!("{fix_text}\n\n{after}");
                    }
                    Fix {
                        workaround,
                        title: first_sentence(&item),
                        text: fix_text,
                        by_design: false,
                        for_cause,
                        parts: Vec::new(),
                    }
                })
                .collect();
        }
        vec![Fix {
            workaround,
            title: heading_title,
            text,
            by_design,
            for_cause,
            parts: Vec::new(),
        }]
    }

    /// A shared fix cut into one part per cause, in the causes' order: its cases (or list
    /// items) are as many as the causes and each shares the most words with a different
    /// one. `None` otherwise.
    fn split_per_cause(&self, fix: &Fix) -> Option<Vec<Fix>> {
        let (intro, parts, after): (String, Vec<(String, String, String)>, String) =
            match cases::conditional_cases(&fix.text) {
                Some((intro, cases, after)) => (
                    intro,
                    cases
                        .into_iter()
                        .map(|c| (c.cause, c.fix_title, c.fix))
                        .collect(),
                    after,
                ),
                None => {
                    // Bullets; or numbered steps that each check something ("1. Verify the
                    // instance is running. 2. Verify the hostname resolves."): a checklist
                    // in the causes' order, not a procedure.
                    let (intro, items, after, numbered) = match split_alternatives(&fix.text) {
                        Some((intro, items, after)) => (intro, items, after, false),
                        None => {
                            let (intro, items, after) = split_cause_list(&fix.text)?;
                            // "2. Verify database server hostname" and its paragraph: a
                            // step named for what it checks.
                            let labelled = |item: &String| {
                                let (first, rest) = item.split_once('\n').unwrap_or((item, ""));
                                let first = crate::text::plain_text(first);
                                !rest.trim().is_empty()
                                    && first.split_whitespace().count() <= 6
                                    && !first.trim_end().ends_with(['.', ':'])
                            };
                            if !items.iter().all(|item| cases::verifies(item))
                                && !items.iter().all(labelled)
                            {
                                return None;
                            }
                            (intro, items, after, true)
                        }
                    };
                    let parts = items
                        .into_iter()
                        .map(|item| {
                            // "Database instance port" over "Validate that the expected
                            // port ...": the label names it, the sentence says what to do.
                            let (label, rest) = match item.split_once('\n') {
                                Some((label, rest))
                                    if numbered && !label.trim_end().ends_with(['.', ':']) =>
                                {
                                    (crate::text::plain_text(label), rest)
                                }
                                _ => (String::new(), item.as_str()),
                            };
                            let title = if label.is_empty() {
                                first_sentence(&item)
                            } else {
                                format!("{label}: {}", first_sentence(rest))
                            };
                            let fix_title = if label.is_empty() || cases::verifies(&label) {
                                match label.is_empty() {
                                    true => title.trim_end_matches('.').to_owned(),
                                    false => label.trim().to_owned(),
                                }
                            } else if tells_to_do(&first_sentence(rest)) {
                                first_sentence(rest).trim_end_matches('.').to_owned()
                            } else {
                                label.trim().to_owned()
                            };
                            // A step of a checklist stands alone as its cause's fix.
                            let text = if numbered {
                                item.clone()
                            } else {
                                format!("- {item}")
                            };
                            (title, fix_title, text)
                        })
                        .collect();
                    (intro, parts, after)
                }
            };
        if parts.len() != self.causes.len() {
            return None;
        }
        // Words most causes share ("database", "Orchestrator") tell none apart.
        let cause_words: Vec<BTreeSet<String>> = self
            .causes
            .iter()
            .map(|c| content_words(&format!("{} {}", c.title, c.text)))
            .collect();
        let distinctive = |words: BTreeSet<String>, cause: usize| -> usize {
            words
                .intersection(&cause_words[cause])
                .filter(|w| {
                    cause_words.iter().filter(|c| c.contains(*w)).count() * 2 <= cause_words.len()
                })
                .count()
        };
        let scores: Vec<Vec<usize>> = parts
            .iter()
            .map(|(condition, _, text)| {
                (0..self.causes.len())
                    .map(|cause| {
                        distinctive(content_words(condition), cause) * 2
                            + distinctive(content_words(text), cause)
                    })
                    .collect()
            })
            .collect();
        let targets = best_assignment(&scores)?;
        if targets
            .iter()
            .enumerate()
            .any(|(part, &cause)| scores[part][cause] < 2)
        {
            return None;
        }
        let mut out: Vec<Option<Fix>> = vec![None; parts.len()];
        for ((_, title, text), target) in parts.into_iter().zip(targets) {
            let joined = [intro.as_str(), text.as_str(), after.as_str()]
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            out[target] = Some(Fix {
                workaround: fix.workaround,
                title,
                text: joined,
                by_design: false,
                for_cause: None,
                parts: Vec::new(),
            });
        }
        out.into_iter().collect()
    }

    /// The cause each step group fixes, when there is one group per cause (two or more)
    /// and each shares the most words with a different cause.
    fn assign_parts(&self, parts: &[Fix]) -> Option<Vec<usize>> {
        if parts.len() < 2 || parts.len() != self.causes.len() {
            return None;
        }
        let mut targets = Vec::new();
        for part in parts {
            let scores: Vec<usize> = self
                .causes
                .iter()
                .map(|c| overlap(&part.title, &format!("{} {}", c.title, c.text)))
                .collect();
            let best = *scores.iter().max()?;
            let index = scores.iter().position(|s| *s == best)?;
            // A tie, or no shared word at all: the groups are steps of one procedure.
            if best == 0 || scores.iter().filter(|s| **s == best).count() > 1 {
                return None;
            }
            targets.push(index);
        }
        let mut distinct = targets.clone();
        distinct.sort_unstable();
        distinct.dedup();
        (distinct.len() == targets.len()).then_some(targets)
    }

    fn finish(mut self, id: ArticleId, title: &str) -> (Article, Vec<String>) {
        // No cause stated (or one that only says there are several): a Resolution made of
        // cases ("If ...", `Verify that ...`) states them.
        // A single stated cause that names none of the cases is as good as generic: it
        // says what kind of problem it is, the cases say which.
        let generic = self.causes.len() == 1
            && self.causes[0].fixes.is_empty()
            && (is_generic(&self.causes[0].text)
                || self.conditions_listed
                || self.cased.iter().all(|(_, found)| {
                    found
                        .iter()
                        .all(|case| !names(&self.causes[0].text, &case.title))
                }));
        let cases: usize = self.cased.iter().map(|(_, found)| found.len()).sum();
        if (self.causes.is_empty() || generic) && cases >= 2 {
            let stated = if generic {
                self.causes.pop().map(|c| c.text)
            } else {
                None
            };
            let mut found: Vec<Found> = Vec::new();
            for (replaces, causes) in std::mem::take(&mut self.cased).into_iter().rev() {
                match replaces {
                    Replaces::Fixes(range) => {
                        self.fixes.drain(range);
                    }
                    Replaces::Note(index) => {
                        self.notes.remove(index);
                    }
                }
                found.splice(0..0, causes);
            }
            if let Some(stated) = stated.filter(|t| !t.trim().is_empty())
                && let Some(first) = found.first_mut()
            {
                first.text = format!("{}\n\n{}", stated.trim(), first.text)
                    .trim()
                    .to_owned();
            }
            self.mapping.push(format!(
                "no cause stated: {} causes from the cases the resolution names",
                found.len()
            ));
            self.causes = found;
        }
        // Causes stated in the Cause section, none with a fix, and one Resolution made of
        // as many cases ("If there are other DNS servers, ..." / "If this is the only DC,
        // ..."): the article gives the cases in the order of its causes, so each cause
        // takes its case's fix.
        if self.causes.len() >= 2
            && self.causes.iter().all(|c| c.fixes.is_empty())
            && let [(Replaces::Fixes(range), cases)] = self.cased.as_slice()
            && range.len() == 1
            && cases.len() == self.causes.len()
            && cases.iter().all(|case| case.fixes.len() == 1)
            // A case that names another cause than the one in its place is matched by
            // name further on ("one part per cause"), not by order.
            && cases.iter().enumerate().all(|(i, case)| {
                self.causes
                    .iter()
                    .enumerate()
                    .all(|(j, cause)| i == j || !names(&cause.title, &case.title))
            })
        {
            let range = range.clone();
            let (_, cases) = self.cased.pop().expect("one entry");
            self.fixes.drain(range);
            self.mapping.push(format!(
                "{} cases in the resolution, one per stated cause, in order",
                cases.len()
            ));
            for (cause, case) in self.causes.iter_mut().zip(cases) {
                cause.fixes = case.fixes;
            }
        }
        // No cause in any section, but the article's opening text (or its Summary) states
        // them: requirements that must be met, a list of reasons, or "If ..." paragraphs.
        if self.causes.is_empty()
            && let Some((how, found)) = self.summary.iter().find_map(|text| opening_causes(text))
        {
            self.mapping.push(format!(
                "{} causes from the {how} of the article's opening text",
                found.len()
            ));
            self.causes = found;
        }
        let has_problem = !self.symptoms.is_empty() || !self.fixes.is_empty();
        // No cause anywhere else, but a note lists the reasons: those are the causes (the
        // note stays as written, like a table's Cause column).
        // A note that lists reasons states the problem too ("There are several reasons why
        // you may be unable to delete a file."), in an article with no other section for it.
        if self.causes.is_empty() && self.listed_in_notes.len() >= 2 {
            self.mapping.push(format!(
                "{} causes from the reasons a note lists",
                self.listed_in_notes.len()
            ));
            self.causes = std::mem::take(&mut self.listed_in_notes);
        }
        if self.causes.is_empty() && has_problem {
            self.mapping
                .push("no Cause section: one cause is implied".to_owned());
            let fixes = std::mem::take(&mut self.fixes);
            self.causes.push(Found {
                sign: None,
                title: "Cause not stated in the source article".to_owned(),
                text: String::new(),
                fixes,
                issue: None,
            });
        }
        // One stated cause, and a fix that goes on "If you still can't delete the folder,
        // the folder might be associated with an active Teams channel. ...": that is a
        // second cause, fixed by the text from there on; the other fixes stay the first's.
        if self.causes.len() == 1
            && self.causes[0].fixes.is_empty()
            && self
                .fixes
                .iter()
                .all(|f| f.for_cause.is_none() && f.parts.is_empty())
            && let Some((position, (before, cause, from))) =
                self.fixes.iter().enumerate().find_map(|(i, f)| {
                    (!f.workaround)
                        .then(|| cases::further_cause(&f.text))
                        .flatten()
                        .map(|found| (i, found))
                })
        {
            let mut second = self.fixes[position].clone();
            if !before.trim().is_empty() {
                let rest = crate::text::plain_text(&from);
                let rest = rest.split_once(". ").map_or("", |(_, r)| r);
                if !rest.trim().is_empty() {
                    second.title = first_sentence(rest);
                }
                self.fixes[position].text = before;
            } else {
                self.fixes.remove(position);
            }
            second.text = from;
            for fix in &mut self.fixes {
                fix.for_cause = Some(1);
            }
            second.for_cause = Some(2);
            self.fixes.push(second);
            self.mapping.push(format!(
                "a second cause where a fix goes on \"if it still fails\": {cause}"
            ));
            self.causes.push(Found {
                sign: None,
                title: cause,
                text: String::new(),
                fixes: Vec::new(),
                issue: None,
            });
        }
        // One procedure of `Step` groups, as many as the causes, each naming one of them
        // (and no cause with a fix of its own): each group fixes the cause it names.
        let causes_without_fixes = self.causes.iter().all(|c| c.fixes.is_empty());
        let mut loose: Vec<Fix> = Vec::new();
        for mut fix in std::mem::take(&mut self.fixes) {
            let parts = std::mem::take(&mut fix.parts);
            match self.assign_parts(&parts) {
                Some(targets) if causes_without_fixes && fix.for_cause.is_none() => {
                    self.mapping.push(format!(
                        "{}: {} step groups, one per cause",
                        fix.title,
                        parts.len()
                    ));
                    for (mut part, target) in parts.into_iter().zip(targets) {
                        part.for_cause = Some(target + 1);
                        loose.push(part);
                    }
                }
                _ => loose.push(fix),
            }
        }
        // Link the fixes written outside any cause.
        let count = self.causes.len();
        let (targeted, untargeted): (Vec<Fix>, Vec<Fix>) = loose
            .into_iter()
            .partition(|f| f.for_cause.is_some_and(|n| n >= 1 && n <= count));
        for fix in targeted {
            let index = fix.for_cause.unwrap_or(1) - 1;
            self.causes[index].fixes.push(fix);
        }
        let solutions = untargeted.iter().filter(|f| !f.workaround).count();
        let workarounds = untargeted.len() - solutions;
        let mut solution_index = 0;
        let mut workaround_index = 0;
        let mut shared: Vec<Fix> = Vec::new();
        for fix in untargeted {
            let (index, total) = if fix.workaround {
                (&mut workaround_index, workarounds)
            } else {
                (&mut solution_index, solutions)
            };
            if count > 1 && total == count {
                // As many fixes as causes, in order: each fixes its cause.
                self.causes[*index].fixes.push(fix);
                *index += 1;
            } else {
                shared.push(fix);
            }
        }
        // One Resolution for every cause, whose items or paragraphs each answer one of
        // them ("If the account is locked, ...", "If the password expired, ..."): each
        // cause gets its own part, led and closed by the shared text.
        if count > 1
            && causes_without_fixes
            && let [only] = shared.as_slice()
            && let Some(parts) = self.split_per_cause(only)
        {
            self.mapping.push(format!(
                "{}: one part per cause",
                crate::text::plain_text(&only.title)
            ));
            shared.clear();
            for (index, fix) in parts.into_iter().enumerate() {
                self.causes[index].fixes.push(fix);
            }
        }
        // A cause listed as a link to the heading of its fix ("[The port is in conflict
        // ...](#the-port-is-in-conflict...)"): the heading words it best.
        for cause in &mut self.causes {
            if let Some(fix) = cause
                .fixes
                .iter()
                .find(|fix| cause.text.contains(&format!("](#{})", slug(&fix.title))))
            {
                cause.title = crate::text::plain_text(&fix.title);
            }
        }
        let mut article = Article {
            id,
            title: title.to_owned(),
            summary: self.summary.join("\n\n"),
            status: Status::Draft,
            product: None,
            area: None,
            error_codes: Vec::new(),
            keywords: Vec::new(),
            source: None,
            symptoms: Vec::new(),
            entry: None,
            questions: Vec::new(),
            causes: Vec::new(),
            solutions: Vec::new(),
            workarounds: Vec::new(),
            notes: self.notes,
            references: Vec::new(),
            escalation_cost: None,
            learned: None,
        };
        for (index, text) in self.symptoms.into_iter().enumerate() {
            let (text, steps, after) = body_parts(&text);
            let id = if index == 0 {
                "symptoms".to_owned()
            } else {
                format!("symptoms-{}", index + 1)
            };
            article.symptoms.push(Symptom {
                id: NodeId(id),
                title: None,
                text,
                steps,
                after,
                message: None,
            });
        }
        let shared_ids: Vec<(NodeId, bool)> = shared
            .into_iter()
            .map(|fix| {
                let workaround = fix.workaround;
                (push_fix(&mut article, fix), workaround)
            })
            .collect();
        let signs: Vec<Option<String>> = self.causes.iter().map(|c| c.sign.clone()).collect();
        for (index, found) in self.causes.into_iter().enumerate() {
            let (text, steps, after) = body_parts(&found.text);
            let mut cause = Cause {
                id: NodeId(format!("cause-{}", index + 1)),
                title: if found.title.is_empty() {
                    format!("Cause {}", index + 1)
                } else {
                    found.title
                },
                text,
                steps,
                after,
                solutions: Vec::new(),
                workarounds: Vec::new(),
                then: None,
                likelihood: None,
            };
            if count > 1 {
                cause.likelihood = stated_frequency(&found.text);
            }
            for fix in found.fixes {
                let workaround = fix.workaround;
                let id = push_fix(&mut article, fix);
                if workaround {
                    cause.workarounds.push(id)
                } else {
                    cause.solutions.push(id)
                }
            }
            for (id, workaround) in &shared_ids {
                if *workaround {
                    cause.workarounds.push(id.clone())
                } else {
                    cause.solutions.push(id.clone())
                }
            }
            article.causes.push(cause);
        }
        match article.causes.len() {
            0 => {}
            1 => article.entry = Some(article.causes[0].id.clone()),
            _ => {
                let menu = which_cause(&article.causes);
                let notes = checks::draft(&mut article, menu, &signs);
                self.mapping.extend(notes);
            }
        }
        (article, self.mapping)
    }
}

/// The causes an article's opening text (or Summary) states, and how it states them: a
/// list of requirements (each a cause when not met, with the item as its fix), a list of
/// reasons ("More than one reason can prevent Teams from updating:"), or two or more
/// paragraphs opening with a condition ("If a user account is deleted, ..."). The text
/// stays in the summary as written; each cause's text is its item or paragraph.
fn opening_causes(text: &str) -> Option<(&'static str, Vec<Found>)> {
    for list in top_level_lists(text) {
        if list.items.len() < 2 {
            continue;
        }
        if cases::introduces_requirements(&list.intro) {
            let found = list
                .items
                .iter()
                .map(|item| {
                    let case = cases::unmet_requirement(item);
                    // The requirement as the article words it: what the cause is not.
                    let required = first_sentence(item.lines().next().unwrap_or_default());
                    Found {
                        sign: None,
                        title: case.cause,
                        text: format!("Required: {required}"),
                        fixes: vec![Fix {
                            workaround: false,
                            title: case.fix_title,
                            text: case.fix,
                            by_design: false,
                            for_cause: None,
                            parts: Vec::new(),
                        }],
                        issue: None,
                    }
                })
                .collect();
            return Some(("requirements", found));
        }
        if introduces_alternative_causes(&list.intro) && names_reasons(&list.intro)
            || sections::reasons_follow(&list.intro.to_lowercase())
        {
            let found = list
                .items
                .iter()
                .map(|item| Found {
                    sign: None,
                    title: item_title(item),
                    text: format!("- {item}"),
                    fixes: Vec::new(),
                    issue: None,
                })
                .collect();
            return Some(("reasons", found));
        }
    }
    let (_, cases, _) = cases::conditional_cases(text)?;
    let found = cases
        .into_iter()
        .map(|case| Found {
            sign: None,
            title: case.cause,
            text: case.fix,
            fixes: Vec::new(),
            issue: None,
        })
        .collect();
    Some(("\"If ...\" paragraphs", found))
}

/// A table cell's text without its HTML tags (`<p>`, `<ul><li>`), spaces collapsed.
fn without_tags(cell: &str) -> String {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"</?[A-Za-z][^>]*>").expect("a valid pattern")
    });
    TAG.replace_all(cell, " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The causes a Markdown table with a `Cause` (or `Reason`) column names: rows with the
/// same cause are one cause; the other cells are its signs, a `Resolution`, `Solution`,
/// `Workaround` or `More information` cell its fix.
fn table_causes(markdown: &str) -> Vec<Found> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_start_matches('|')
            .trim_end_matches('|')
            .split('|')
            .map(|c| {
                c.replace("<br />", " ")
                    .replace("<br/>", " ")
                    .replace("<br>", " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    let lines: Vec<&str> = markdown.lines().collect();
    let mut found: Vec<Found> = Vec::new();
    let mut index = 0;
    while index + 2 < lines.len() {
        let is_row = |l: &str| l.trim_start().starts_with('|');
        let is_rule = |l: &str| {
            let t = l.trim();
            t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        };
        if !(is_row(lines[index]) && is_rule(lines[index + 1])) {
            index += 1;
            continue;
        }
        let header: Vec<String> = cells(lines[index])
            .iter()
            .map(|h| h.to_lowercase())
            .collect();
        let cause_column = header
            .iter()
            .position(|h| matches!(h.as_str(), "cause" | "causes" | "reason" | "possible cause"));
        let fix_column = header.iter().position(|h| {
            [
                "resolution",
                "solution",
                "workaround",
                "more information",
                "fix",
            ]
            .iter()
            .any(|w| h.starts_with(w))
        });
        let mut row = index + 2;
        while row < lines.len() && is_row(lines[row]) {
            if let Some(column) = cause_column {
                let values = cells(lines[row]);
                let cause = values.get(column).cloned().unwrap_or_default();
                if !cause.is_empty() {
                    let signs: Vec<String> = values
                        .iter()
                        .enumerate()
                        .filter(|(i, v)| *i != column && Some(*i) != fix_column && !v.is_empty())
                        .map(|(i, v)| format!("- {}: {v}", capitalise_first(&header[i])))
                        .collect();
                    let fix = fix_column
                        .and_then(|c| values.get(c))
                        .filter(|f| !f.is_empty());
                    match found
                        .iter_mut()
                        .find(|f| f.title == first_sentence(&without_tags(&cause)))
                    {
                        Some(existing) => {
                            existing.text = format!("{}\n{}", existing.text, signs.join("\n"))
                        }
                        None => found.push(Found {
                            sign: None,
                            // A cell may hold HTML (`<p>`, `<ul><li>`): the title is its text.
                            title: first_sentence(&without_tags(&cause)),
                            text: format!("{cause}\n\n{}", signs.join("\n")),
                            fixes: fix
                                .map(|fix| Fix {
                                    workaround: false,
                                    title: first_sentence(fix),
                                    text: fix.clone(),
                                    by_design: false,
                                    for_cause: None,
                                    parts: Vec::new(),
                                })
                                .into_iter()
                                .collect(),
                            issue: None,
                        }),
                    }
                }
            }
            row += 1;
        }
        index = row;
    }
    found
}

fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        format!("{}{}", c.to_uppercase(), chars.as_str())
    })
}

/// One part of a text cut at bold markers (`**Cause 2:** ...`).
struct Marked {
    /// The number the marker gives.
    number: usize,
    /// The marker's own title (`**Cause 2: Time skew**`) or the part's first sentence.
    title: String,
    /// The part's Markdown, marker included.
    text: String,
}

/// Cuts a text at paragraphs that start with a bold `Cause N`, `Scenario N`, ... marker
/// (one of `words`, case-insensitive): (text before the first marker, parts). `None` unless
/// there are two or more markers with different numbers.
fn split_marked(markdown: &str, words: &[&str]) -> Option<(String, Vec<Marked>)> {
    static MARKER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?im)^(?:\*\*|__)(cause|scenario|reason|resolution|solution|fix)\s+(?:for\s+cause\s+)?#?\s*(\d{1,2})\s*(?:[:.\-–]\s*([^*\n]*?))?\s*[:.]?\s*(?:\*\*|__)\s*[:.\-–]?\s*",
        )
        .expect("a valid pattern")
    });
    // "Cause # 1" alone on its line, not bold.
    static PLAIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?im)^(cause|scenario|reason|resolution|solution|fix)\s*#?\s*(\d{1,2})\s*[:.]?[ \t]*$",
        )
        .expect("a valid pattern")
    });
    let mut starts: Vec<(usize, usize, usize, String)> = Vec::new();
    let bold = MARKER.captures_iter(markdown).count() > 0;
    let markers = if bold { &*MARKER } else { &*PLAIN };
    for captures in markers.captures_iter(markdown) {
        let whole = captures.get(0)?;
        let word = captures[1].to_lowercase();
        if !words.contains(&word.as_str()) {
            continue;
        }
        // Only at the start of a paragraph.
        let before = &markdown[..whole.start()];
        if !(before.trim().is_empty() || before.ends_with("\n\n")) {
            continue;
        }
        let number = captures[2].parse().ok()?;
        let title = captures
            .get(3)
            .map(|m| m.as_str().trim().trim_end_matches(['.', ':']).to_owned())
            .unwrap_or_default();
        starts.push((whole.start(), whole.end(), number, title));
    }
    let mut numbers: Vec<usize> = starts.iter().map(|s| s.2).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if starts.len() < 2 || numbers.len() != starts.len() {
        return None;
    }
    let intro = markdown[..starts[0].0].trim().to_owned();
    let parts = starts
        .iter()
        .enumerate()
        .map(|(index, (start, body_start, number, title))| {
            let end = starts.get(index + 1).map_or(markdown.len(), |next| next.0);
            let title = if title.is_empty() {
                first_sentence(&markdown[*body_start..end])
            } else {
                title.clone()
            };
            // A plain marker line is made bold, so that it reads as the label it is.
            let text = if bold {
                markdown[*start..end].trim().to_owned()
            } else {
                format!(
                    "**{}**\n\n{}",
                    markdown[*start..*body_start].trim(),
                    markdown[*body_start..end].trim()
                )
            };
            Marked {
                number: *number,
                title,
                text,
            }
        })
        .collect();
    Some((intro, parts))
}

/// A `Verify that ...` section as a cause: titled by what is wrong when the check fails,
/// its text the heading and the section's opening paragraph (what to look at), its fix
/// the section, led by `lead` and closed by `tail`.
fn verified_case(section: &Section, lead: &str, tail: &str) -> Found {
    let heading = crate::text::plain_text(&section.heading);
    let title = cases::check_sentence(section).map_or_else(
        || heading.clone(),
        |sentence| cases::cause_of_check(&sentence),
    );
    section_case(section, title, heading, lead, tail)
}

/// A section read as one cause: its text the heading and the section's opening block
/// (what to look at), its one fix the section, led by `lead` and closed by `tail`.
fn section_case(
    section: &Section,
    title: String,
    fix_title: String,
    lead: &str,
    tail: &str,
) -> Found {
    let heading = crate::text::plain_text(&section.heading);
    let fix_text = [
        lead.trim().to_owned(),
        section_markdown(section),
        tail.trim().to_owned(),
    ]
    .into_iter()
    .filter(|t| !t.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n");
    Found {
        sign: None,
        title,
        text: [format!("*{heading}*"), opening_block(section)]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
        fixes: vec![Fix {
            workaround: false,
            title: fix_title,
            text: fix_text,
            by_design: false,
            for_cause: None,
            parts: Vec::new(),
        }],
        issue: None,
    }
}

/// A section's first block of text.
fn opening_block(section: &Section) -> String {
    section
        .body
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A section headed by a yes/no question ("Do users have appropriate permissions?") as a
/// cause: what the question asks about, said so that the answer the article's text treats
/// as the problem points to it; the section, which says what to do, its fix.
fn asked_case(section: &Section) -> Option<Found> {
    let (title, _) = cases::asked_cause(&section.heading)?;
    // What the section has the reader do first, else its question.
    let fix_title = Some(first_sentence(&opening_block(section)))
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| crate::text::plain_text(&section.heading).trim().to_owned());
    Some(section_case(section, title, fix_title, "", ""))
}

/// True for a section not headed `Issue N` that groups causes with their fix: it holds
/// a Cause heading, or its own text gives a list of reasons.
fn is_group(section: &Section) -> bool {
    let has_cause = section
        .children
        .iter()
        .any(|c| matches!(c.kind, Kind::Cause { .. }));
    has_cause
        || split_cause_list(section.body.trim())
            .is_some_and(|(intro, _, _)| introduces_alternative_causes(&intro))
        || is_error_group(section)
}

/// True for a section headed by an error ("Error: The object specified does not belong
/// to a list", "Error 2") whose opening sentence states its cause ("This error occurs if
/// ...").
fn is_error_group(section: &Section) -> bool {
    crate::text::plain_text(&section.heading)
        .trim()
        .to_lowercase()
        .starts_with("error")
        && !section
            .children
            .iter()
            .any(|c| matches!(c.kind, Kind::Cause { .. }))
        && cases::stated_cause(&section.body).is_some()
}

/// True when the last paragraph of a list's intro says the items are reasons, not
/// signs ("one of the following reasons:", "in the following situations:", "occurs if:").
fn names_reasons(intro: &str) -> bool {
    static REASONS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:reasons?|causes?|conditions?|situations?|scenarios?|circumstances|cases)\b\s*:?\s*$|\b(?:occurs?|happens?|is logged|appears?)\s+(?:if|when|because)\s*:\s*$")
            .expect("a valid pattern")
    });
    let last = intro.trim().rsplit("\n\n").next().unwrap_or_default();
    REASONS.is_match(&crate::text::plain_text(last))
}

/// True for a heading named for a symptom, an error or an event ("Symptom 2", "Error
/// 0x80070005", "Event ID 4000", "Issue 1").
fn names_a_symptom(heading: &str) -> bool {
    static SYMPTOM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:symptom|issue|problem|error|event|scenario)\b|\b0x[0-9a-f]{4,8}\b|\bevent\s+(?:id\s+)?\d{2,5}\b|\berror\s+(?:code\s+)?\d{3,}\b")
            .expect("a valid pattern")
    });
    SYMPTOM.is_match(&crate::text::plain_text(heading))
}

/// True for a cause that only says there are several ("This issue can occur for several
/// reasons."): the Resolution's cases name them.
fn is_generic(text: &str) -> bool {
    static GENERIC: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:several|various|many|multiple|numerous|a number of|a variety of|different)\s+(?:\w+\s+)?(?:reasons|causes|factors|issues|problems|conditions|things|scenarios|configurations|misconfigurations|settings)\b")
            .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(text);
    plain.split_whitespace().count() <= 60 && GENERIC.is_match(&plain)
}

/// True when a text names a case: it holds most of the case's words (of four letters or
/// more, compared on their first five letters).
fn names(text: &str, case: &str) -> bool {
    let stems = |text: &str| -> std::collections::BTreeSet<String> {
        crate::text::plain_text(text)
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .map(|w| w.chars().take(5).collect())
            .collect()
    };
    let wanted = stems(case);
    let held = stems(text);
    !wanted.is_empty() && wanted.intersection(&held).count() * 2 >= wanted.len()
}

/// A cause's part without its "Cause for Symptom 1:" opening, for its title.
fn symptom_marker_dropped(part: &str) -> String {
    static MARKER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:\*\*|__)?(?:(?:cause|reason)s?\s+(?:for|of)\s+|for\s+)?(?:symptom|issue|problem)\s+\d{1,2}\s*(?:\*\*|__)?\s*[:.\-–]\s*(?:\*\*|__)?\s*")
            .expect("a valid pattern")
    });
    MARKER.replace(part.trim(), "").into_owned()
}

/// True when the section, or one inside it, is headed Cause, Causes or Scenario N.
fn holds_cause_heading(section: &Section) -> bool {
    matches!(
        section.kind,
        Kind::Cause { .. } | Kind::Causes | Kind::Scenario { .. }
    ) || section.children.iter().any(holds_cause_heading)
}

/// True when the section, or one inside it, is headed Resolution, Solution, Workaround or Method.
fn holds_fix_heading(section: &Section) -> bool {
    matches!(
        section.kind,
        Kind::Solution { .. } | Kind::Workaround { .. } | Kind::Method { .. }
    ) || section.children.iter().any(holds_fix_heading)
}

/// A heading's anchor as DocFX writes it: lowercase words joined by `-`, punctuation dropped.
fn slug(heading: &str) -> String {
    crate::text::plain_text(heading)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
}

/// How much two texts share: the words of four letters or more of `a` found in `b`.
fn overlap(a: &str, b: &str) -> usize {
    content_words(a).intersection(&content_words(b)).count()
}

/// A text's words of four letters or more, lowercased.
fn content_words(text: &str) -> BTreeSet<String> {
    crate::text::plain_text(text)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(str::to_owned)
        .collect()
}

/// The one-to-one matching of parts to causes (as many of each, at most 12) with the
/// highest total score; of equal totals, the one keeping most parts in the causes' order.
/// `None` for a square of another size.
fn best_assignment(scores: &[Vec<usize>]) -> Option<Vec<usize>> {
    let n = scores.len();
    if n == 0 || n > 12 || scores.iter().any(|row| row.len() != n) {
        return None;
    }
    // best[mask] = (total, in order) over the first popcount(mask) parts, given the set of
    // causes they took; choice[mask] = the cause the last of them took.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; 1 << n];
    let mut choice = vec![0usize; 1 << n];
    best[0] = Some((0, 0));
    for mask in 0..(1usize << n) {
        let Some((total, ordered)) = best[mask] else {
            continue;
        };
        let part = mask.count_ones() as usize;
        if part == n {
            continue;
        }
        for (cause, score) in scores[part].iter().enumerate() {
            if mask & (1 << cause) != 0 {
                continue;
            }
            let next = mask | (1 << cause);
            let value = (total + score, ordered + usize::from(cause == part));
            if best[next].is_none_or(|current| value > current) {
                best[next] = Some(value);
                choice[next] = cause;
            }
        }
    }
    let mut targets = vec![0; n];
    let mut mask = (1usize << n) - 1;
    for part in (0..n).rev() {
        targets[part] = choice[mask];
        mask &= !(1 << choice[mask]);
    }
    Some(targets)
}

/// One fix into the article's solutions or workarounds; returns its id.
fn push_fix(article: &mut Article, fix: Fix) -> NodeId {
    let list = if fix.workaround {
        &mut article.workarounds
    } else {
        &mut article.solutions
    };
    let prefix = if fix.workaround {
        "workaround"
    } else {
        "solution"
    };
    let (text, steps, after) = body_parts(&fix.text);
    let title = crate::text::plain_text(&fix.title);
    // The same fix serving several causes of one group is one node.
    if let Some(same) = list
        .iter()
        .find(|r| r.title == title && r.text == text && r.steps == steps && r.after == after)
    {
        return same.id.clone();
    }
    let id = NodeId(format!("{prefix}-{}", list.len() + 1));
    list.push(Remedy {
        id: id.clone(),
        title,
        by_design: fix.by_design,
        cost: None,
        success: None,
        text,
        steps,
        after,
        generated: false,
    });
    id
}

fn body_parts(markdown: &str) -> (String, Vec<String>, String) {
    match split_steps(markdown) {
        Some((before, steps, after)) => (before, steps, after),
        None => (markdown.trim().to_owned(), Vec::new(), String::new()),
    }
}

/// A section as Markdown: its heading at its level, then its text.
fn section_markdown(child: &Section) -> String {
    let text = child.full_text();
    let hashes = "#".repeat(usize::from(child.level));
    if text.is_empty() {
        format!("{hashes} {}", child.heading)
    } else {
        format!("{hashes} {}\n\n{text}", child.heading)
    }
}

fn is_by_design(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    lower.contains("none") && lower.contains("by design")
}

/// "Which of these matches what you see?": one answer per cause.
fn which_cause(causes: &[Cause]) -> Question {
    let answers = causes
        .iter()
        .map(|cause| Answer {
            value: cause.id.to_string(),
            label: Some(cause.title.clone()),
            goto: Some(cause.id.clone()),
            base_rate: None,
        })
        .collect();
    let help = causes
        .iter()
        .map(|cause| {
            let detail = first_sentence(&cause.text);
            if detail.is_empty() || detail == cause.title {
                format!("- **{}**", cause.title)
            } else {
                format!("- **{}**: {detail}", cause.title)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Question {
        id: NodeId("which-cause".to_owned()),
        text: "Which of these matches what you see?".to_owned(),
        help,
        kind: QuestionKind::Choice,
        cost: None,
        dont_know: None,
        answers,
        generated: true,
        shortcut: false,
    }
}

#[cfg(test)]
mod tests;

/// A cause's title: the first sentence of its text or, when the text states the cause as
/// conditions that must all hold ("This issue occurs if the following conditions are
/// true:" and a list of two to four), the conditions joined into one sentence.
fn cause_title(text: &str) -> String {
    static ALL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:(?:all|both)\s+(?:of\s+)?the\s+following|the\s+following\s+conditions\s+are\s+(?:all\s+)?(?:true|met))\b[^.]*:$")
            .expect("a valid pattern")
    });
    if let Some((intro, items, _)) = split_cause_list(text)
        && (2..=4).contains(&items.len())
        && ALL.is_match(crate::text::plain_text(&intro).trim())
    {
        let conditions: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let sentence = first_sentence(item);
                let sentence = sentence.trim_end_matches(['.', ';', ',']);
                let sentence = sentence.strip_suffix(" and").unwrap_or(sentence);
                if index == 0 {
                    sentence.to_owned()
                } else {
                    lower_common_word(sentence, text)
                }
            })
            .collect();
        return conditions.join(", and ");
    }
    let sentence = stated_sentence(text);
    // "However, even when using X, the error may still occur if you have Y.": Y.
    if let Some(found) = cases::STILL_OCCURS.find(&sentence)
        && found.end() < sentence.len()
    {
        return capitalise_first(sentence[found.end()..].trim_end_matches('.'));
    }
    // "Additionally, the install folder may be damaged.", "Or, in rare cases, there may
    // be ...": the cause, without the link.
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:(?:Additionally|In addition|Also),|Or,?)\s+(?:in\s+(?:rare|some|other|a\s+few)\s+cases,\s+)?")
            .expect("a valid pattern")
    });
    match LINK.find(&sentence) {
        // "There may also be ...": once on its own, the cause is not "also" one.
        Some(lead) if lead.end() < sentence.len() => {
            capitalise_first(&sentence[lead.end()..].replacen(" also be ", " be ", 1))
        }
        _ => sentence,
    }
}

/// The sentence of a cause's text that states the cause: its first, unless that only
/// says the behaviour is by design (then the sentence saying what is so by default, else
/// the next), or sets the scene ("When a client connects ..., the connection is ...
/// However, if you have the Closest GC value configured, ...": the "if" of the exception).
/// A first sentence "If X, Y" states X.
fn stated_sentence(text: &str) -> String {
    static BY_DESIGN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^this\s+(?:behavior|behaviour|issue|is)\s+(?:is\s+)?by\s+design\b")
            .expect("a valid pattern")
    });
    static SCENE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:when|by default|normally|typically|usually)\b")
            .expect("a valid pattern")
    });
    static EXCEPTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:however|but),?\s+(?:if|when)\s+(.{6,200}?),\s+\S")
            .expect("a valid pattern")
    });
    static PURPOSE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^to\s+[^,]{3,120},\s+").expect("a valid pattern")
    });
    let first = first_sentence(text);
    let paragraph = crate::text::plain_text(text.trim().split("\n\n").next().unwrap_or_default());
    let later: Vec<&str> = paragraph
        .split_inclusive(". ")
        .map(str::trim)
        .skip(1)
        .filter(|s| !s.is_empty())
        .collect();
    if BY_DESIGN.is_match(&first) {
        let chosen = later
            .iter()
            .find(|s| s.contains("by default"))
            .or_else(|| later.first());
        if let Some(chosen) = chosen {
            return capitalise_first(&PURPOSE.replace(chosen, ""));
        }
        return first;
    }
    if SCENE.is_match(&first)
        && let Some(condition) = later
            .iter()
            .find_map(|s| EXCEPTION.captures(s).map(|c| c[1].to_owned()))
    {
        return capitalise_first(&condition);
    }
    // The whole first sentence, however long: a long condition is still the cause.
    let whole = paragraph
        .split_inclusive(". ")
        .next()
        .unwrap_or_default()
        .trim();
    // "If the alias contains unauthorized characters, you can't edit it": the condition
    // of a failure is the cause. "When UAC is enabled, the system creates two sessions"
    // sets the scene, and stays whole.
    static FAILS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^if\s[^,]+,.*\b(?:can't|cannot|can not|won't|doesn't|don't|isn't|aren't|fails?|unable|not able|error|will\s+(?:not|cause))\b")
            .expect("a valid pattern")
    });
    if FAILS.is_match(whole)
        && let Some(case) = cases::case_of(whole)
    {
        return case.cause;
    }
    // "The group that you are trying to change must be a universal group.": the cause is
    // the requirement not met.
    static MUST: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:the|a|an|your|this|each|every|all)\s[^,;:]{2,120}?\s(?:must|needs? to)\s+be\s+\w[^,;:]*\.?$")
            .expect("a valid pattern")
    });
    if MUST.is_match(&first) {
        let case = cases::unmet_requirement(&first);
        if !case.cause.starts_with("Not met:") {
            return case.cause;
        }
    }
    first
}

/// True when a sentence tells the reader to do something ("Validate that the port ...",
/// "Check that ...", "Restart the service."): it opens with a verb of the steps articles give.
fn tells_to_do(sentence: &str) -> bool {
    static DO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)^(?:verify|check|validate|ensure|make\s+sure|confirm|set|change|restart|run|open|add|remove|install|reinstall|update|upgrade|configure|use|grant|assign|enable|disable|create|delete|contact|register|deploy|select|clear|start|stop|replace|rename|move|edit|modify|apply|download|sign|reset|renew|re-?create)\b")
            .expect("a valid pattern")
    });
    DO.is_match(crate::text::plain_text(sentence).trim())
}

/// How common the article says a cause is, against the others: "in rare cases" 0.3, "the
/// most common cause" 2. `None` when it says neither.
fn stated_frequency(text: &str) -> Option<f64> {
    static RARE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:in\s+(?:some\s+)?rare\s+(?:cases|circumstances|situations|scenarios)|rarely|less\s+common(?:ly)?|uncommon)\b")
            .expect("a valid pattern")
    });
    static COMMON: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:the\s+most\s+(?:common|frequent|likely)|most\s+(?:commonly|often|frequently))\b")
            .expect("a valid pattern")
    });
    let plain = crate::text::plain_text(text);
    if RARE.is_match(&plain) {
        Some(0.3)
    } else if COMMON.is_match(&plain) {
        Some(2.0)
    } else {
        None
    }
}

/// The sentence with its first word lowercased, unless the text also writes that word with
/// its capital inside a sentence: a name ("Windows", "DNS") keeps it, "Connections" does not.
fn lower_common_word(sentence: &str, text: &str) -> String {
    let first = sentence.split_whitespace().next().unwrap_or_default();
    let named = first.chars().skip(1).any(|c| !c.is_ascii_lowercase())
        || text.match_indices(first).any(|(at, _)| {
            text[..at]
                .trim_end()
                .ends_with(|c: char| c.is_alphanumeric() || c == ',')
        });
    match sentence.chars().next() {
        Some(c) if !named => format!("{}{}", c.to_lowercase(), &sentence[c.len_utf8()..]),
        _ => sentence.to_owned(),
    }
}

/// A listed cause's title: the item's first sentence, or, for an item that has the reader
/// check something ("Ensure the item isn't checked out to another user."), what is wrong
/// when the check fails ("The item is checked out to another user").
fn item_title(item: &str) -> String {
    let sentence = first_sentence(item);
    // "The setting is turned on. However, in the policy the setting is turned off.": the
    // second sentence is what goes wrong, the first the state it goes wrong in.
    let plain = crate::text::plain_text(item.lines().next().unwrap_or_default());
    if let Some(rest) = plain.get(sentence.len()..)
        && let Some(however) = rest.trim_start().strip_prefix("However, ")
        && sentence.ends_with('.')
        && !sentence.ends_with("...")
    {
        let second = first_sentence(however);
        let joined = format!(
            "{}, but {}",
            sentence.trim_end_matches('.'),
            second.trim_end_matches('.')
        );
        if joined.chars().count() <= 320 {
            return joined;
        }
    }
    // "When Teams is installed to Program Files, the client won't update.": the condition.
    if let Some(case) = cases::case_of(&sentence) {
        return case.cause;
    }
    cases::checked_cause(&sentence).unwrap_or(sentence)
}
