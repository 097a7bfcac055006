//! Full-text search of a KB with tantivy: the only module that knows tantivy.
//!
//! One document per article ([`schema`]). User text becomes our own query ([`query`]):
//! error codes in all their spellings match a dedicated field, words match stemmed prose
//! fields with boosts (title above keywords above symptoms and causes above fixes), a word
//! the KB does not have is corrected to the nearest one it has, and the best fifty are
//! re-ranked by how many of the query's words they hold. [`store`] keeps the index in the
//! cache directory, keyed to the KB, and refreshes it when the KB changes.

pub mod baseline;
mod lookup;
pub(crate) mod query;
mod schema;
pub mod store;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::model::Article;
use schema::Fields;

pub use lookup::{LinkInfos, Located};
pub use store::{IndexStatus, KbSource, RebuildReason, open_index};

/// How many top hits are re-ranked by query-word coverage.
const RERANK_DEPTH: usize = 50;

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// tantivy failed (a damaged index, usually).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The cache directory could not be used.
    #[error("search index in {path}: {source}")]
    Io {
        /// The path involved.
        path: std::path::PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An index file could not be read.
    #[error("search index: {0}")]
    Read(#[from] std::io::Error),
    /// The KB could not be loaded to index it.
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
}

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Article id.
    pub id: String,
    /// Article title.
    pub title: String,
    /// Relevance (higher is better; comparable within one search only).
    pub score: f32,
    /// The article's error codes that the query names.
    pub codes: Vec<String>,
    /// A short passage of the article around the matched words.
    pub snippet: String,
    /// Byte ranges of the matched words in `snippet`.
    pub highlights: Vec<Range<usize>>,
}

/// The outcome of a search.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    /// Best first.
    pub hits: Vec<Hit>,
    /// Words of the query the KB does not have, and what they were read as.
    pub corrections: Vec<(String, String)>,
    /// A corrected query to suggest when nothing matched.
    pub did_you_mean: Option<String>,
}

/// A search as `--format json` (and any other front-end) returns it: the query and its results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView<'a> {
    /// The query as given.
    pub query: &'a str,
    /// What it found.
    pub results: &'a Results,
}

/// An open search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// English words too common to rank by, unless the query has nothing else.
const STOP_WORDS: [&str; 40] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "i", "my", "we", "our", "you", "can", "when",
];

impl SearchIndex {
    /// Indexes articles in memory (for tests and evaluations).
    pub fn in_memory<'a>(
        articles: impl IntoIterator<Item = &'a Article>,
    ) -> Result<Self, SearchError> {
        let (schema, fields) = schema::schema();
        let mut index = Index::create_in_ram(schema);
        index.set_tokenizers(schema::tokenizers());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        for article in articles {
            let queries = article
                .learned
                .as_ref()
                .map_or(&[][..], |learned| learned.queries.as_slice());
            writer.add_document(schema::document(&fields, article, "", queries))?;
        }
        writer.commit()?;
        Self::from_index(index)
    }

    pub(crate) fn from_index(mut index: Index) -> Result<Self, SearchError> {
        index.set_tokenizers(schema::tokenizers());
        let (_, fields) = schema::schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    /// Reads every segment's stored documents once, so a damaged index fails here, not mid-search.
    fn probe(&self) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(1)?;
            if segment.num_docs() > 0 {
                store.get::<TantivyDocument>(0)?;
            }
            for field in [self.fields.words, self.fields.codes] {
                segment.inverted_index(field)?;
            }
        }
        Ok(())
    }

    /// The number of articles indexed.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches; at most `limit` hits.
    pub fn search(&self, text: &str, limit: usize) -> Result<Results, SearchError> {
        let parsed = query::parse(text);
        let searcher = self.reader.searcher();
        let mut results = Results::default();
        if parsed.words.is_empty() && parsed.codes.is_empty() {
            return Ok(results);
        }
        // Common words rank nothing, unless the query is only common words.
        // Prose is indexed in plain words: `SSPR_0029` is the words `sspr` and `0029` there
        // (the codes field still matches it whole).
        let mut words: Vec<String> = Vec::new();
        for part in parsed
            .words
            .iter()
            .flat_map(|w| w.split('_'))
            .filter(|p| !p.is_empty())
        {
            if !STOP_WORDS.contains(&part) && !words.iter().any(|w| w == part) {
                words.push(part.to_owned());
            }
        }
        if words.is_empty() {
            words.clone_from(&parsed.words);
        }
        // Words the KB does not have are read as the nearest word it has, preferring the
        // one that goes with the rest of the query ("acess denied": "access", not "aces").
        let mut known: Vec<String> = Vec::new();
        for word in &words {
            if self.word_count(&searcher, word)? > 0 {
                known.push(word.clone());
            }
        }
        let mut terms: Vec<String> = Vec::new();
        for word in &words {
            if known.contains(word) || word.chars().all(|c| c.is_ascii_digit()) {
                terms.push(word.clone());
            } else if let Some(completion) = self.completion(&searcher, word)? {
                // An abbreviation of a word the KB has ("diag" → "diagnostics").
                results.corrections.push((word.clone(), completion.clone()));
                terms.push(completion);
            } else if let Some(correction) = self.nearest_word(&searcher, word, &known)? {
                results.corrections.push((word.clone(), correction.clone()));
                // A corrected word is context for the words after it ("pasword acess").
                known.push(correction.clone());
                terms.push(correction);
            } else {
                terms.push(word.clone());
            }
        }
        let stemmed: Vec<String> = terms.iter().filter_map(|t| self.stem(t)).collect();
        // Words most articles hold cost the most to score and tell the least; they still
        // count for coverage in the re-rank.
        let total = searcher.num_docs().max(1);
        let rare: Vec<String> = stemmed
            .iter()
            .filter(|t| {
                searcher
                    .doc_freq(&Term::from_field_text(self.fields.body, t))
                    .map_or(true, |n| n * 10 <= total * 4)
            })
            .cloned()
            .collect();
        let scoring = if rare.is_empty() { &stemmed } else { &rare };
        let query = self.build_query(scoring, &parsed.codes, &parsed.phrases);
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(RERANK_DEPTH.max(limit)).order_by_score(),
        )?;
        let mut scored = self.rerank(&searcher, top, &stemmed, &parsed.codes)?;
        scored.truncate(limit);
        let snippet_query = self.snippet_query(&stemmed);
        let mut snippets = SnippetGenerator::create(&searcher, &*snippet_query, self.fields.body)?;
        snippets.set_max_num_chars(180);
        // Finds where a hit's text first holds a query term, ignoring ASCII case.
        let first_term = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(stemmed.iter().filter(|t| t.len() > 1))
            .ok();
        for (score, address) in scored {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| stored_text(&doc, field);
            let full = stored_str(&doc, self.fields.text);
            let snippet = snippets.snippet(snippet_window(full, first_term.as_ref()));
            let codes = text(self.fields.code_list)
                .lines()
                .filter(|code| {
                    query::code_forms(code)
                        .iter()
                        .any(|form| parsed.codes.contains(form))
                })
                .map(str::to_owned)
                .collect();
            results.hits.push(Hit {
                id: text(self.fields.id),
                title: text(self.fields.title_display),
                score,
                codes,
                snippet: snippet.fragment().to_owned(),
                highlights: snippet.highlighted().to_vec(),
            });
        }
        if results.hits.is_empty() {
            // Nothing at all: look further for words the user may have meant.
            for word in &words {
                if !results.corrections.iter().any(|(from, _)| from == word)
                    && let Some(near) = self.nearest_word_within(&searcher, word, 2)?
                {
                    results.corrections.push((word.clone(), near));
                }
            }
        }
        if results.hits.is_empty() && !results.corrections.is_empty() {
            let corrected: Vec<String> = parsed
                .words
                .iter()
                .map(|w| {
                    results
                        .corrections
                        .iter()
                        .find(|(from, _)| from == w)
                        .map_or(w.clone(), |(_, to)| to.clone())
                })
                .collect();
            results.did_you_mean = Some(corrected.join(" "));
        }
        Ok(results)
    }

    /// How many articles hold `word` (unstemmed).
    fn word_count(&self, searcher: &Searcher, word: &str) -> Result<u64, SearchError> {
        Ok(searcher.doc_freq(&Term::from_field_text(self.fields.words, word))?)
    }

    /// The most common word of the KB that starts with `prefix` (three letters or more).
    fn completion(&self, searcher: &Searcher, prefix: &str) -> Result<Option<String>, SearchError> {
        if prefix.chars().count() < 3 || prefix.chars().any(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.words)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
            while stream.advance() {
                if !stream.key().starts_with(prefix.as_bytes()) {
                    break;
                }
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    *counts.entry(word.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(word, _)| word))
    }

    /// The closest word of the KB's vocabulary to a word it does not have: the smallest
    /// edit distance (one edit for short words, two for long), then the one found in the
    /// most articles beside the other words of the query (`context`), then as below.
    fn nearest_word(
        &self,
        searcher: &Searcher,
        word: &str,
        context: &[String],
    ) -> Result<Option<String>, SearchError> {
        let limit = if word.chars().count() >= 8 { 2 } else { 1 };
        self.nearest_word_in(searcher, word, limit, context)
    }

    /// The closest vocabulary word at most `limit` edits away.
    fn nearest_word_within(
        &self,
        searcher: &Searcher,
        word: &str,
        limit: usize,
    ) -> Result<Option<String>, SearchError> {
        self.nearest_word_in(searcher, word, limit, &[])
    }

    /// How many articles hold `candidate` and every word of `context` (unstemmed words): a
    /// common word found beside anything does not count, a word that fits the query does.
    fn together(
        &self,
        searcher: &Searcher,
        candidate: &str,
        context: &[String],
    ) -> Result<usize, SearchError> {
        let term = |word: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.words, word),
                IndexRecordOption::Basic,
            ))
        };
        let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, term(candidate))];
        all.extend(context.iter().map(|w| (Occur::Must, term(w))));
        let query = BooleanQuery::new(all);
        Ok(searcher.search(&query, &tantivy::collector::Count)?)
    }

    /// The closest vocabulary word at most `limit` edits away, the one that goes with
    /// `context` first among equally close ones.
    fn nearest_word_in(
        &self,
        searcher: &Searcher,
        word: &str,
        limit: usize,
        context: &[String],
    ) -> Result<Option<String>, SearchError> {
        let length = word.chars().count();
        if length < 4 || word.chars().any(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let first = word.chars().next().unwrap_or_default();
        let mut best: HashMap<String, (usize, u64)> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.words)?;
            // Typos rarely hit the first letter: only words starting with it are compared.
            let mut first_bytes = [0u8; 4];
            let start = first.encode_utf8(&mut first_bytes).as_bytes().to_vec();
            let mut end = start.clone();
            if let Some(last) = end.last_mut() {
                *last = last.saturating_add(1);
            }
            let mut stream = inverted.terms().range().ge(&start).lt(&end).into_stream()?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let candidate_length = candidate.chars().count();
                if candidate_length.abs_diff(length) > limit || !candidate.starts_with(first) {
                    continue;
                }
                let distance = strsim::osa_distance(word, candidate);
                if distance <= limit {
                    let entry = best.entry(candidate.to_owned()).or_insert((distance, 0));
                    entry.1 += u64::from(stream.value().doc_freq);
                }
            }
        }
        // Fewest edits first; among equals, the one found most often with all the query's
        // other words, then (a query of one word) one ten times as common as the other
        // ("acess": "access" in 51 articles, not "aces" from one "ACEs"), then the one that
        // keeps the word's start
        // (a dropped letter, as in "limt" for "limit"), then the most common.
        let fewest = best.values().map(|(d, _)| *d).min().unwrap_or(0);
        let mut ranked: Vec<(String, usize, usize, u64)> = Vec::new();
        for (candidate, (distance, count)) in best {
            let together = if context.is_empty() || distance > fewest {
                0
            } else {
                self.together(searcher, &candidate, context)?
            };
            ranked.push((candidate, distance, together, count));
        }
        let similarity = |candidate: &str| strsim::jaro_winkler(word, candidate);
        Ok(ranked
            .into_iter()
            .min_by(|a, b| {
                // Without other words to go by, a word far more common wins.
                let far_more_common = if !context.is_empty() {
                    std::cmp::Ordering::Equal
                } else if a.3 >= 10 * b.3.max(1) {
                    std::cmp::Ordering::Less
                } else if b.3 >= 10 * a.3.max(1) {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                };
                a.1.cmp(&b.1)
                    .then(b.2.cmp(&a.2))
                    .then(far_more_common)
                    .then(similarity(&b.0).total_cmp(&similarity(&a.0)))
                    .then(b.3.cmp(&a.3))
                    .then(a.0.cmp(&b.0))
            })
            .map(|(w, ..)| w))
    }

    /// The stemmed form of a word, as the prose fields index it.
    fn stem(&self, word: &str) -> Option<String> {
        let mut analyzer = self.index.tokenizers().get(schema::STEMMED)?;
        let mut stream = analyzer.token_stream(word);
        let mut out = None;
        while stream.advance() {
            out = Some(stream.token().text.clone());
        }
        out
    }

    fn build_query(
        &self,
        stemmed: &[String],
        codes: &[String],
        phrases: &[Vec<String>],
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in stemmed {
            let per_field: Vec<Box<dyn Query>> = self
                .fields
                .prose()
                .iter()
                .map(|(field, boost)| {
                    let query = TermQuery::new(
                        Term::from_field_text(*field, term),
                        IndexRecordOption::WithFreqs,
                    );
                    Box::new(BoostQuery::new(Box::new(query), *boost)) as Box<dyn Query>
                })
                .collect();
            clauses.push((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.1)),
            ));
        }
        for code in codes {
            let query = TermQuery::new(
                Term::from_field_text(self.fields.codes, code),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), 8.0)),
            ));
        }
        for phrase in phrases {
            let terms: Vec<Term> = phrase
                .iter()
                .filter_map(|w| self.stem(w))
                .map(|t| Term::from_field_text(self.fields.body, &t))
                .collect();
            if terms.len() > 1 {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), 4.0)),
                ));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Re-ranks by coverage: an article that holds more of the query's words (or its code)
    /// beats one that repeats a few of them often.
    fn rerank(
        &self,
        searcher: &Searcher,
        top: Vec<(f32, DocAddress)>,
        stemmed: &[String],
        codes: &[String],
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let distinct: Vec<&String> = stemmed.iter().collect::<HashSet<_>>().into_iter().collect();
        let wanted = distinct.len() + usize::from(!codes.is_empty());
        if wanted == 0 {
            return Ok(top);
        }
        // How many of the wanted terms each hit holds. Each term's posting list is read
        // once per segment and walked forward over the hits in document order.
        let mut held = vec![0usize; top.len()];
        let mut order: Vec<usize> = (0..top.len()).collect();
        order.sort_by_key(|&i| (top[i].1.segment_ord, top[i].1.doc_id));
        for segment_hits in order.chunk_by(|&a, &b| top[a].1.segment_ord == top[b].1.segment_ord) {
            let segment = searcher.segment_reader(top[segment_hits[0]].1.segment_ord);
            let docs: Vec<(usize, u32)> =
                segment_hits.iter().map(|&i| (i, top[i].1.doc_id)).collect();
            for term in &distinct {
                let mut found = vec![false; docs.len()];
                for (field, _) in self.fields.prose() {
                    mark_holders(segment, field, term, &docs, &mut found)?;
                }
                for ((index, _), found) in docs.iter().zip(found) {
                    held[*index] += usize::from(found);
                }
            }
            let mut found = vec![false; docs.len()];
            for code in codes {
                mark_holders(segment, self.fields.codes, code, &docs, &mut found)?;
            }
            for ((index, _), found) in docs.iter().zip(found) {
                held[*index] += usize::from(found);
            }
        }
        let mut out: Vec<(f32, DocAddress)> = top
            .into_iter()
            .zip(held)
            .map(|((score, address), held)| {
                let coverage = held as f32 / wanted as f32;
                (score * (0.25 + 0.75 * coverage), address)
            })
            .collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(out)
    }

    fn snippet_query(&self, stemmed: &[String]) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = stemmed
            .iter()
            .map(|t| {
                let query = TermQuery::new(
                    Term::from_field_text(self.fields.body, t),
                    IndexRecordOption::WithFreqs,
                );
                (Occur::Should, Box::new(query) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }
}

/// A stored text field of a document, or "" when it has none.
pub(crate) fn stored_text(document: &TantivyDocument, field: Field) -> String {
    stored_str(document, field).to_owned()
}

/// As [`stored_text`], borrowed from the document.
fn stored_str(document: &TantivyDocument, field: Field) -> &str {
    document
        .get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// How much of a long text the snippet is looked for in: the 180-character snippet and a
/// little either side. Tokenizing and stemming the window is most of a query's time, so it
/// is kept small.
const SNIPPET_WINDOW: usize = 480;

/// How far before the first query term the window starts, so the snippet can open on the
/// words that lead to it.
const SNIPPET_LEAD: usize = 60;

/// The part of a hit's text its snippet comes from: all of a short text; of a long one,
/// the stretch from just before the first place a query term appears (stemming a whole
/// long article for a 180-character snippet costs more than the search itself).
fn snippet_window<'t>(text: &'t str, terms: Option<&aho_corasick::AhoCorasick>) -> &'t str {
    if text.len() <= SNIPPET_WINDOW {
        return text;
    }
    // The leftmost place any term starts (the text is not copied to lowercase it).
    let first = terms
        .and_then(|terms| terms.find(text))
        .map_or(0, |found| found.start());
    let floor = |at: usize| {
        (0..=at.min(text.len()))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0)
    };
    // Start on a word: just after the last space before the lead's start.
    let lead = floor(first.saturating_sub(SNIPPET_LEAD));
    let start = text[..lead]
        .rfind(char::is_whitespace)
        .map_or(0, |space| space + 1);
    let end = floor(start + SNIPPET_WINDOW);
    &text[start..end]
}

/// Sets `found[i]` for each of `docs` (ascending document ids) that holds `term` in
/// `field`; one read of the term's posting list.
fn mark_holders(
    segment: &tantivy::SegmentReader,
    field: Field,
    term: &str,
    docs: &[(usize, u32)],
    found: &mut [bool],
) -> Result<(), SearchError> {
    let inverted = segment.inverted_index(field)?;
    let term = Term::from_field_text(field, term);
    let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? else {
        return Ok(());
    };
    for (position, (_, doc)) in docs.iter().enumerate() {
        // Posting lists only move forward: past this document means it is not there.
        if postings.doc() <= *doc && postings.seek(*doc) == *doc {
            found[position] = true;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
