//! Exact lookups in the index, for commands about one article: which file holds an id,
//! which articles list an error code, and what other articles' links need to know.
//!
//! These answer what a full load of the KB would answer (`Kb::get`, `Kb::find`,
//! `Links::new`), at the cost of a few term lookups instead of parsing every file.

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::{SearchError, SearchIndex};
use crate::links::{LinkInfo, Lookups};
use crate::text::fold_code;

/// Error codes are matched inside a longer query only from this length on (as `Kb::find`).
const MIN_CONTAINED_CODE: usize = 6;
/// No folded error code of a real article is longer than this.
const MAX_CODE: usize = 64;
/// Up to this length a query's parts are looked up one by one; a longer one is compared
/// with every code of the KB.
const LOOKUP_EACH_PART: usize = 96;

/// What [`SearchIndex::link_infos`] finds.
#[derive(Debug, Clone, Default)]
pub struct LinkInfos {
    /// The articles, each with its KB file, in file order.
    pub articles: Vec<(String, LinkInfo)>,
    /// Source file names several articles have.
    pub ambiguous_names: Vec<String>,
}

/// An article the index holds, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The article id.
    pub id: String,
    /// The KB file it is in (relative to the KB root; `kb/...` for the embedded KB).
    pub file: String,
    /// Its title.
    pub title: String,
}

impl SearchIndex {
    /// The articles a user's text names, as `Kb::find` finds them: an exact id, else every
    /// article with an error code the text holds; in KB file order.
    pub fn locate(&self, query: &str) -> Result<Vec<Located>, SearchError> {
        let by_id = self.located(&[(self.fields.id, query.trim().to_owned())])?;
        if let Some(first) = by_id.into_iter().next() {
            // Two files with one id: the first loads, the other is `check`'s error.
            return Ok(vec![first]);
        }
        let wanted = fold_code(query);
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let codes = self.codes_within(&wanted)?;
        let terms: Vec<(Field, String)> = codes
            .into_iter()
            .map(|code| (self.fields.folded_codes, code))
            .collect();
        self.located(&terms)
    }

    /// The folded error codes of the KB that a folded query names: the whole query, or a
    /// code of six characters or more inside it.
    fn codes_within(&self, wanted: &str) -> Result<Vec<String>, SearchError> {
        let named = |code: &str| {
            code == wanted || (code.len() >= MIN_CONTAINED_CODE && wanted.contains(code))
        };
        let mut out: Vec<String> = Vec::new();
        for segment in self.reader.searcher().segment_readers() {
            let index = segment.inverted_index(self.fields.folded_codes)?;
            let dictionary = index.terms();
            if wanted.len() <= LOOKUP_EACH_PART {
                // A short query: look up each part of it.
                let mut parts = vec![wanted];
                for start in 0..wanted.len() {
                    let longest = wanted.len().min(start + MAX_CODE);
                    for end in start + MIN_CONTAINED_CODE..=longest {
                        parts.push(&wanted[start..end]);
                    }
                }
                for part in parts {
                    if dictionary.get(part.as_bytes())?.is_some() && !out.iter().any(|c| c == part)
                    {
                        out.push(part.to_owned());
                    }
                }
            } else {
                // A pasted log: read the KB's codes once instead.
                let mut stream = dictionary.stream()?;
                while stream.advance() {
                    if let Ok(code) = std::str::from_utf8(stream.key())
                        && named(code)
                        && !out.iter().any(|c| c == code)
                    {
                        out.push(code.to_owned());
                    }
                }
            }
        }
        Ok(out)
    }

    /// The file that holds the article with this id (the first, if two files claim it).
    pub fn file_of(&self, id: &str) -> Result<Option<Located>, SearchError> {
        Ok(self
            .located(&[(self.fields.id, id.to_owned())])?
            .into_iter()
            .next())
    }

    /// What the links of an article need to know about the articles they could name: the
    /// first article (in KB file order) with each of these source paths, the one article
    /// with each of these file names, with its KB file, in file order; and the file names
    /// several articles have. Only those articles' documents are read, however many share
    /// a name.
    pub fn link_infos(&self, lookups: &Lookups) -> Result<LinkInfos, SearchError> {
        let searcher = self.reader.searcher();
        let mut chosen: Vec<DocAddress> = Vec::new();
        for path in &lookups.paths {
            let mut first: Option<(String, DocAddress)> = None;
            for address in self.addresses(&searcher, self.fields.source_path, path)? {
                let file = self.file_at(&searcher, address)?;
                if first.as_ref().is_none_or(|(f, _)| file < *f) {
                    first = Some((file, address));
                }
            }
            chosen.extend(first.map(|(_, address)| address));
        }
        let mut ambiguous = Vec::new();
        for name in &lookups.names {
            match self
                .addresses(&searcher, self.fields.source_name, name)?
                .as_slice()
            {
                [] => {}
                [only] => chosen.push(*only),
                _ => ambiguous.push(name.clone()),
            }
        }
        chosen.sort();
        chosen.dedup();
        let mut found: Vec<(String, LinkInfo)> = Vec::new();
        for address in chosen {
            let document: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| super::stored_text(&document, field);
            let info: LinkInfo = serde_json::from_str(&text(self.fields.link_info))
                .map_err(|e| SearchError::Read(std::io::Error::other(e)))?;
            found.push((text(self.fields.file), info));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(LinkInfos {
            articles: found,
            ambiguous_names: ambiguous,
        })
    }

    /// The live documents holding one exact term.
    fn addresses(
        &self,
        searcher: &tantivy::Searcher,
        field: Field,
        text: &str,
    ) -> Result<Vec<DocAddress>, SearchError> {
        let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
        let found = searcher.search(&query, &DocSetCollector)?;
        let mut found: Vec<DocAddress> = found.into_iter().collect();
        found.sort();
        Ok(found)
    }

    /// The KB file of a document, from the column store (no stored document is read).
    fn file_at(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<String, SearchError> {
        let segment = searcher.segment_reader(address.segment_ord);
        let mut file = String::new();
        if let Some(column) = segment.fast_fields().str("file")?
            && let Some(ord) = column.term_ords(address.doc_id).next()
        {
            column.ord_to_str(ord, &mut file)?;
        }
        Ok(file)
    }

    /// The articles matching any of these exact terms, in file order.
    fn located(&self, terms: &[(Field, String)]) -> Result<Vec<Located>, SearchError> {
        let mut out: Vec<Located> = self
            .documents(terms)?
            .into_iter()
            .map(|document| {
                let text = |field: Field| super::stored_text(&document, field);
                Located {
                    id: text(self.fields.id),
                    file: text(self.fields.file),
                    title: text(self.fields.title_display),
                }
            })
            .collect();
        out.sort_by(|a, b| a.file.cmp(&b.file).then_with(|| a.id.cmp(&b.id)));
        out.dedup();
        Ok(out)
    }

    /// The stored documents matching any of these exact terms.
    fn documents(&self, terms: &[(Field, String)]) -> Result<Vec<TantivyDocument>, SearchError> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|(field, text)| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(*field, text),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, query)
            })
            .collect();
        let addresses = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        let mut addresses: Vec<_> = addresses.into_iter().collect();
        addresses.sort();
        addresses
            .into_iter()
            .map(|address| Ok(searcher.doc(address)?))
            .collect()
    }
}
