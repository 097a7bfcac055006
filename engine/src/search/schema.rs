//! The index schema, its tokenizers, and an article as an index document.
//!
//! One document per article. Prose fields are stemmed English; `codes` holds the folded
//! forms of every error code (one token each); `words` is the unstemmed vocabulary used for
//! typo correction; `body` is stored for snippets.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    TokenizerManager, WhitespaceTokenizer,
};
use tantivy::{TantivyDocument, doc};

use super::query::code_forms;
use crate::links::LinkInfo;
use crate::model::Article;
use crate::text::fold_code;
use crate::text::plain_text;

/// Bumped whenever the schema or what goes into a document changes: old indexes rebuild.
pub(crate) const SCHEMA_VERSION: u32 = 5;

/// The weight of the words agents typed for problems an article resolved (`fixpath
/// learn`), beside the title's 3.0 and the symptoms' 1.5: what helpdesks really type.
pub(crate) const LEARNED_BOOST: f32 = 2.0;

pub(crate) const STEMMED: &str = "fixpath_en";
pub(crate) const PLAIN: &str = "fixpath_words";
pub(crate) const CODES: &str = "fixpath_codes";

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) title: Field,
    pub(crate) codes: Field,
    pub(crate) code_list: Field,
    pub(crate) keywords: Field,
    pub(crate) symptoms: Field,
    pub(crate) causes: Field,
    pub(crate) fixes: Field,
    pub(crate) body: Field,
    pub(crate) words: Field,
    /// The article's text as written, for snippets.
    pub(crate) text: Field,
    /// The title as written, for results.
    pub(crate) title_display: Field,
    /// The KB file the article is in (`entra/x.yaml`), so one article can be read alone.
    pub(crate) file: Field,
    /// Each error code folded (`sspr0029`), one term each, for exact lookups.
    pub(crate) folded_codes: Field,
    /// The source file's normalised path, and its file name, for link lookups.
    pub(crate) source_path: Field,
    pub(crate) source_name: Field,
    /// What other articles' links need to know about this one (`LinkInfo` as JSON).
    pub(crate) link_info: Field,
    /// Problems agents typed that sessions resolved in the article (`fixpath learn`).
    pub(crate) learned: Field,
}

impl Fields {
    /// The prose fields searched for words, with their boosts.
    pub(crate) fn prose(&self) -> [(Field, f32); 7] {
        [
            (self.learned, LEARNED_BOOST),
            (self.title, 3.0),
            (self.keywords, 2.0),
            (self.symptoms, 1.5),
            (self.causes, 1.2),
            (self.fixes, 0.8),
            (self.body, 1.0),
        ]
    }
}

fn text(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// Builds the schema; the one place fields are declared.
pub(crate) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text(STEMMED, positions)),
        codes: builder.add_text_field("codes", text(CODES, IndexRecordOption::WithFreqs)),
        code_list: builder.add_text_field("code_list", STORED),
        keywords: builder.add_text_field("keywords", text(STEMMED, positions)),
        symptoms: builder.add_text_field("symptoms", text(STEMMED, positions)),
        causes: builder.add_text_field("causes", text(STEMMED, positions)),
        fixes: builder.add_text_field("fixes", text(STEMMED, positions)),
        body: builder.add_text_field("body", text(STEMMED, positions)),
        words: builder.add_text_field("words", text(PLAIN, IndexRecordOption::Basic)),
        text: builder.add_text_field("text", STORED),
        title_display: builder.add_text_field("title_display", STORED),
        file: builder.add_text_field("file", STRING | STORED | FAST),
        folded_codes: builder.add_text_field("folded_codes", STRING),
        source_path: builder.add_text_field("source_path", STRING),
        source_name: builder.add_text_field("source_name", STRING),
        link_info: builder.add_text_field("link_info", STORED),
        learned: builder.add_text_field("learned", text(STEMMED, positions)),
    };
    (builder.build(), fields)
}

/// The tokenizers the schema names.
pub(crate) fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(
        STEMMED,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(64))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    manager.register(
        PLAIN,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .build(),
    );
    manager.register(
        CODES,
        TextAnalyzer::builder(WhitespaceTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
    manager
}

/// Plain text of Markdown pieces, joined by blank lines.
fn joined<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let text = parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(plain_text)
        .collect::<Vec<_>>()
        .join("\n");
    fold_apostrophes(&text)
}

/// "won't" → "wont", "doesn't" → "doesnt": one word, as queries type them.
pub(crate) fn fold_apostrophes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        let joins = matches!(c, '\'' | '\u{2019}')
            && index > 0
            && chars[index - 1].is_alphabetic()
            && chars.get(index + 1).is_some_and(|n| n.is_alphabetic());
        if !joins {
            out.push(c);
        }
    }
    out
}

/// The index document of an article held in the KB file `file`, with the problems typed
/// for it that sessions resolved (`queries`).
pub(crate) fn document(
    fields: &Fields,
    article: &Article,
    file: &str,
    queries: &[String],
) -> TantivyDocument {
    let mut codes: Vec<String> = Vec::new();
    for code in article
        .error_codes
        .iter()
        .chain(article.keywords.iter().filter(|k| is_identifier(k)))
    {
        for form in code_forms(code) {
            if !codes.contains(&form) {
                codes.push(form);
            }
        }
    }
    let mut keywords: Vec<&str> = article.keywords.iter().map(String::as_str).collect();
    keywords.extend(article.product.as_deref());
    keywords.extend(article.area.as_deref());
    keywords.extend(article.error_codes.iter().map(String::as_str));
    let symptoms = joined(article.symptoms.iter().flat_map(|s| {
        let body = s.body();
        [
            s.title.as_deref().unwrap_or(""),
            body.text,
            body.after,
            s.message.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .chain(body.steps.iter().map(String::as_str))
    }));
    let causes = joined(article.causes.iter().flat_map(|c| {
        let body = c.body();
        [c.title.as_str(), body.text, body.after]
            .into_iter()
            .chain(body.steps.iter().map(String::as_str))
    }));
    let fixes = joined(
        article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .flat_map(|r| {
                let body = r.body();
                [r.title.as_str(), body.text, body.after]
                    .into_iter()
                    .chain(body.steps.iter().map(String::as_str))
            }),
    );
    let plain: Vec<String> = article
        .texts()
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .map(plain_text)
        .collect();
    let plain = plain.join("\n");
    let body = fold_apostrophes(&plain);
    let info = LinkInfo::of(article);
    let mut document = doc!(
        fields.id => article.id.as_str(),
        fields.title => fold_apostrophes(&article.title),
        fields.codes => codes.join(" "),
        fields.code_list => article.error_codes.join("\n"),
        fields.keywords => keywords.join("\n"),
        fields.symptoms => symptoms,
        fields.causes => causes,
        fields.fixes => fixes,
        fields.words => body.clone(),
        fields.body => body,
        fields.text => plain,
        fields.title_display => article.title.as_str(),
        fields.file => file,
        fields.link_info => serde_json::to_string(&info).expect("link info always serializes"),
        fields.learned => fold_apostrophes(&queries.join("\n")),
    );
    let mut folded: Vec<String> = article.error_codes.iter().map(|c| fold_code(c)).collect();
    folded.sort();
    folded.dedup();
    for code in folded.into_iter().filter(|c| !c.is_empty()) {
        document.add_text(fields.folded_codes, code);
    }
    if let Some(path) = &info.source_path {
        document.add_text(fields.source_path, path);
    }
    if let Some(name) = info.source_name() {
        document.add_text(fields.source_name, name);
    }
    document
}

/// Keywords that are identifiers (`KB3185990`) rather than words.
fn is_identifier(keyword: &str) -> bool {
    !keyword.contains(' ')
        && keyword.chars().any(|c| c.is_ascii_digit())
        && keyword.chars().any(|c| c.is_ascii_alphabetic())
}
