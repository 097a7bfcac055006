//! Two plain rankings to measure fixpath's search against (used by `eval-search` only).
//!
//! - [`TantivyDefault`]: tantivy with default settings: one text field with the default
//!   tokenizer, every query word as a should-match term, BM25.
//! - [`word_count_ranking`]: files ranked by how many distinct query words they contain,
//!   which is what `grep -c` over the Markdown would give.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, ReloadPolicy, TantivyDocument, Term, doc};

use super::SearchError;

/// A default-settings tantivy index over named texts.
pub struct TantivyDefault {
    index: Index,
    reader: tantivy::IndexReader,
    name: tantivy::schema::Field,
    text: tantivy::schema::Field,
}

impl TantivyDefault {
    /// Indexes `(name, text)` pairs.
    pub fn new<'a>(
        documents: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, SearchError> {
        let mut builder = Schema::builder();
        let name = builder.add_text_field("name", STRING | STORED);
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        for (document_name, document_text) in documents {
            writer.add_document(doc!(name => document_name, text => document_text))?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(TantivyDefault {
            index,
            reader,
            name,
            text,
        })
    }

    /// The names of the best `limit` documents for the query.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        let mut analyzer = self.index.tokenizer_for_field(self.text)?;
        let mut stream = analyzer.token_stream(query);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        while stream.advance() {
            let term = Term::from_field_text(self.text, &stream.token().text);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit).order_by_score(),
        )?;
        top.into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(doc
                    .get_first(self.name)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned())
            })
            .collect()
    }
}

/// Ranks named texts by the number of distinct query words each contains (case-insensitive),
/// ties in input order; texts with none are left out.
pub fn word_count_ranking<'a>(
    documents: &'a [(String, String)],
    query: &str,
    limit: usize,
) -> Vec<&'a str> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut scored: Vec<(usize, usize, &str)> = documents
        .iter()
        .enumerate()
        .map(|(order, (name, text))| {
            let lower = text.to_lowercase();
            (
                words
                    .iter()
                    .filter(|w| lower.contains(String::as_str(w)))
                    .count(),
                order,
                String::as_str(name),
            )
        })
        .filter(|(count, ..)| *count > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(limit)
        .map(|(.., name)| name)
        .collect()
}
