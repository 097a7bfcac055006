//! Reading YAML articles into the model, from a directory or from the embedded KB.
//!
//! Loading is lenient: it never stops at the first problem. Each file is parsed, then
//! deserialized into [`Article`]; every syntax and schema problem becomes a [`Diagnostic`]
//! with file, line and column, and the articles that did load are kept. `validate` then
//! checks ids and references. serde_yaml is used here and nowhere else, so a maintained
//! fork can replace it in one place. Loading never writes to the KB; given a parsed cache
//! ([`LoadOptions::parsed_cache`]), it writes that one file, in the cache directory.

mod cache;
pub mod edit;
mod spans;
mod validate;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_yaml::Value;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::{Article, ArticleId, NodeId};
use spans::SpanMap;

pub(crate) use spans::{index_path, key_path};

/// Files larger than this are refused with a diagnostic instead of being parsed.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// How many schema problems are reported for one file before giving up on it.
const MAX_SCHEMA_ERRORS_PER_FILE: usize = 50;

/// The embedded default KB: `kb/` at build time.
static EMBEDDED_KB: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../kb");

/// A knowledge base: the articles that loaded, in file-name order.
#[derive(Debug, Clone, Default)]
pub struct Kb {
    /// The articles, each with the file it came from.
    pub articles: Vec<KbArticle>,
    /// The KB's settings, from its `fixpath.toml`.
    pub config: KbConfig,
    /// What `fixpath learn` learned from recorded sessions (`learned.yaml`), when present.
    pub learned: Option<crate::learned::Learned>,
}

/// The name of a KB's settings file, beside its articles.
pub const CONFIG_FILE: &str = "fixpath.toml";

/// A KB's settings (`fixpath.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct KbConfig {
    /// The published site the articles came from, for links to its pages by root path
    /// (`/windows/...`), for example `https://learn.microsoft.com/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl KbConfig {
    /// Reads settings from `fixpath.toml` text; a problem is a diagnostic with its position.
    pub fn parse(text: &str) -> Result<KbConfig, Diagnostic> {
        let error = |span: Option<std::ops::Range<usize>>, message: String| {
            let span =
                span.map(|r| crate::diagnostic::Span::from_offsets(text, r.start, r.end - r.start));
            Diagnostic::error(Code::Schema, CONFIG_FILE, span, message)
        };
        let config: KbConfig =
            toml::from_str(text).map_err(|e| error(e.span(), e.message().to_owned()))?;
        if let Some(base) = &config.base_url {
            let ok = url::Url::parse(base)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                let at = text
                    .find(base.as_str())
                    .map(|start| start..start + base.len());
                return Err(error(
                    at,
                    format!(
                        "base_url `{base}` is not an absolute http(s) URL, for example https://learn.microsoft.com/"
                    ),
                ));
            }
        }
        Ok(config)
    }
}

/// An article and the file it was loaded from.
#[derive(Debug, Clone)]
pub struct KbArticle {
    /// The article.
    pub article: Article,
    /// Its source file.
    pub file: Arc<SourceFile>,
}

/// The text of one KB file, kept so diagnostics can point into it.
#[derive(Debug)]
pub struct SourceFile {
    /// The file's name relative to the KB root (`kb/` for the embedded KB).
    pub name: String,
    /// The file's text (without a byte-order mark).
    pub text: String,
    spans: OnceLock<SpanMap>,
}

impl SourceFile {
    fn new(name: String, text: String) -> Self {
        SourceFile {
            name,
            text,
            spans: OnceLock::new(),
        }
    }

    fn spans(&self) -> &SpanMap {
        self.spans.get_or_init(|| SpanMap::build(&self.text))
    }

    /// The span of the value at a YAML path such as `questions[2].answers[1].goto`,
    /// or of the nearest enclosing value.
    pub fn span_of(&self, path: &str) -> Option<Span> {
        self.spans().value(path)
    }

    /// The span of the key at a YAML path, falling back to its value.
    pub fn key_span_of(&self, path: &str) -> Option<Span> {
        self.spans().key(path).or_else(|| self.span_of(path))
    }
}

/// A loaded KB and every problem found while loading it.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The articles that could be read.
    pub kb: Kb,
    /// Every problem, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file whose text could be read, parsed or not, so diagnostics can quote it.
    pub files: Vec<Arc<SourceFile>>,
}

impl Loaded {
    /// The file with this name.
    pub fn file(&self, name: &str) -> Option<&Arc<SourceFile>> {
        // Files are read in name order: a binary search first, a scan when the order differs.
        match self.files.binary_search_by(|f| f.name.as_str().cmp(name)) {
            Ok(index) => Some(&self.files[index]),
            Err(_) => self.files.iter().find(|f| f.name == name),
        }
    }
}

/// Why a KB could not be loaded at all (problems inside files are diagnostics instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The KB directory does not exist or cannot be read.
    #[error("cannot read the KB directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The KB path is a file, not a directory.
    #[error("{path} is not a directory: give the folder that holds the YAML articles")]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
}

impl Kb {
    /// The article with this id.
    pub fn get(&self, id: &str) -> Option<&KbArticle> {
        self.articles
            .iter()
            .find(|entry| entry.article.id.as_str() == id)
    }

    /// The articles a user's text names: an exact article id, else every article with an
    /// error code the text holds (`sspr 0029`, `Error: 0x80070005`), in load order.
    ///
    /// This is the fast, exact path; `search` ranks free text.
    pub fn find(&self, query: &str) -> Vec<&KbArticle> {
        if let Some(entry) = self.get(query.trim()) {
            return vec![entry];
        }
        let wanted = crate::text::fold_code(query);
        if wanted.is_empty() {
            return Vec::new();
        }
        self.articles
            .iter()
            .filter(|entry| {
                entry.article.error_codes.iter().any(|code| {
                    let code = crate::text::fold_code(code);
                    !code.is_empty()
                        && (code == wanted || wanted.contains(&code) && code.len() >= 6)
                })
            })
            .collect()
    }

    /// The ids of all articles, in load order.
    pub fn ids(&self) -> impl Iterator<Item = &ArticleId> {
        self.articles.iter().map(|entry| &entry.article.id)
    }
}

/// Parses a YAML mapping (front matter, for example) into JSON values by key.
pub fn yaml_mapping(
    text: &str,
) -> Result<std::collections::BTreeMap<String, serde_json::Value>, String> {
    if text.trim().is_empty() {
        return Ok(std::collections::BTreeMap::new());
    }
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// Why a facts file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactsError {
    /// The text is not a YAML or JSON mapping.
    #[error("expected a mapping of question: answer ({0})")]
    NotAMapping(String),
    /// An answer is a list or a mapping, not one value.
    #[error("the answer to `{question}` must be a single value")]
    NotAValue {
        /// The question id whose answer is not one value.
        question: String,
    },
}

/// Reads a facts file (YAML or JSON): a mapping from question id to answer.
pub fn parse_facts(text: &str) -> Result<Vec<(String, String)>, FactsError> {
    let map: std::collections::BTreeMap<String, Value> =
        serde_yaml::from_str(text).map_err(|e| FactsError::NotAMapping(e.to_string()))?;
    map.into_iter()
        .map(|(question, answer)| match answer {
            Value::String(s) => Ok((question, s)),
            Value::Bool(b) => Ok((question, if b { "yes" } else { "no" }.to_owned())),
            Value::Number(n) => Ok((question, n.to_string())),
            Value::Null => Ok((question, "unknown".to_owned())),
            _ => Err(FactsError::NotAValue { question }),
        })
        .collect()
}

/// True for the files a KB directory is made of.
pub(crate) fn is_article_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    ) && path
        .file_name()
        .is_none_or(|name| name != crate::learned::FILE_NAME)
}

/// Loads every `*.yaml` / `*.yml` file under `root`, recursively, in path order.
///
/// Symbolic links are followed; a link loop is reported as a diagnostic, not followed forever.
pub fn load_dir(root: &Path) -> Result<Loaded, LoadError> {
    load_dir_with(root, &LoadOptions::default())
}

/// As [`load_dir`] for commands that only render the articles (`site`): the files' text is
/// not kept once parsed, so a large KB takes about half the memory. Diagnostics are still
/// reported, but [`Loaded::files`] is empty and no article's file can be quoted.
pub fn load_dir_to_render(root: &Path) -> Result<Loaded, LoadError> {
    let options = LoadOptions {
        drop_text: true,
        ..LoadOptions::default()
    };
    load_dir_with(root, &options)
}

/// How [`load_dir_with`] reads a KB directory.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Forget each file's text once parsed (see [`load_dir_to_render`]).
    pub drop_text: bool,
    /// A file of parsed articles kept between runs (created if missing): files whose text
    /// it holds are not parsed again, and it is rewritten when many of the KB's files
    /// changed (a few edited files are parsed again instead).
    /// The loaded KB and its diagnostics are the same with or without it.
    pub parsed_cache: Option<PathBuf>,
}

/// Loads every article under `root` as [`load_dir`] does, with `options`.
pub fn load_dir_with(root: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    let metadata = std::fs::metadata(root).map_err(|source| LoadError::Directory {
        path: root.to_owned(),
        source,
    })?;
    if !metadata.is_dir() {
        return Err(LoadError::NotADirectory {
            path: root.to_owned(),
        });
    }
    let mut paths = Vec::new();
    let mut diagnostics = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_article_file(entry.path()) => {
                paths.push((display_name(root, entry.path()), entry.into_path()));
            }
            Ok(_) => {}
            Err(error) => {
                let name = error
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| display_name(root, p));
                let message = if error.loop_ancestor().is_some() {
                    "symbolic link loop: this directory links back to one of its parents; it was skipped".to_owned()
                } else {
                    format!("cannot read: {}", io_message(&error))
                };
                diagnostics.push(Diagnostic::error(Code::Io, &name, None, message));
            }
        }
    }
    // Files are read on every core, in the walk's order.
    let read: Vec<(String, Result<Vec<u8>, String>)> = {
        use rayon::prelude::*;
        paths
            .into_par_iter()
            .map(|(name, path)| {
                let bytes = read_limited(&path);
                (name, bytes)
            })
            .collect()
    };
    let mut files = Vec::with_capacity(read.len());
    for (name, bytes) in read {
        match bytes {
            Ok(bytes) => files.push((name, bytes)),
            Err(message) => diagnostics.push(Diagnostic::error(Code::Io, &name, None, message)),
        }
    }
    let cache = options
        .parsed_cache
        .as_deref()
        .map(cache::ParsedCache::open);
    let mut loaded = load_sources_keeping(files, !options.drop_text, cache.as_ref());
    diagnostics.append(&mut loaded.diagnostics);
    match dir_learned(root) {
        Ok(learned) => loaded.kb.learned = learned,
        Err(diagnostic) => diagnostics.push(diagnostic),
    }
    let config = root.join(CONFIG_FILE);
    if config.is_file() {
        match std::fs::read_to_string(&config) {
            Ok(text) => match KbConfig::parse(&text) {
                Ok(parsed) => loaded.kb.config = parsed,
                Err(diagnostic) => diagnostics.push(diagnostic),
            },
            Err(error) => diagnostics.push(Diagnostic::error(
                Code::Io,
                CONFIG_FILE,
                None,
                format!("cannot read: {error}"),
            )),
        }
    }
    loaded.diagnostics = diagnostics;
    if loaded.kb.articles.is_empty() && !loaded.diagnostics.iter().any(Diagnostic::is_error) {
        loaded.diagnostics.push(Diagnostic::error(
            Code::EmptyKb,
            &root.display().to_string(),
            None,
            "no articles found: a KB is a directory of *.yaml files",
        ));
    }
    Ok(loaded)
}

/// Loads the KB embedded in the binary at build time (the repository's `kb/`).
pub fn load_embedded() -> Loaded {
    let mut files = Vec::new();
    collect_embedded(&EMBEDDED_KB, &mut files);
    files.sort();
    let mut loaded = load_sources(files);
    loaded.kb.config = embedded_config();
    loaded
}

fn collect_embedded(dir: &include_dir::Dir<'static>, out: &mut Vec<(String, Vec<u8>)>) {
    for file in dir.files() {
        if is_article_file(file.path()) {
            let name = format!("kb/{}", file.path().display());
            out.push((name, file.contents().to_vec()));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// Loads articles from named file contents; names are used in diagnostics.
pub fn load_sources(files: Vec<(String, Vec<u8>)>) -> Loaded {
    load_sources_keeping(files, true, None)
}

fn load_sources_keeping(
    files: Vec<(String, Vec<u8>)>,
    keep_text: bool,
    cache: Option<&cache::ParsedCache>,
) -> Loaded {
    use rayon::prelude::*;
    // Files parse on every core; the results keep the files' order.
    struct Parsed {
        file: Option<Arc<SourceFile>>,
        article: Option<Article>,
        diagnostics: Vec<Diagnostic>,
        cached: Option<cache::Entry>,
    }
    let parsed: Vec<Parsed> = files
        .into_par_iter()
        .map(|(name, bytes)| {
            let mut diagnostics = Vec::new();
            let Some(file) = decode_file(name, bytes, &mut diagnostics) else {
                return Parsed {
                    file: None,
                    article: None,
                    diagnostics,
                    cached: None,
                };
            };
            let (article, cached) = match cache {
                Some(cache) => parse_cached(cache, &file, &mut diagnostics),
                None => (parse_file(&file, &mut diagnostics), None),
            };
            let file = if keep_text {
                file
            } else {
                SourceFile::new(file.name, String::new())
            };
            Parsed {
                file: Some(Arc::new(file)),
                article,
                diagnostics,
                cached,
            }
        })
        .collect();
    let mut loaded = Loaded::default();
    let mut entries = Vec::new();
    for mut parsed in parsed {
        loaded.diagnostics.append(&mut parsed.diagnostics);
        entries.extend(parsed.cached);
        let Some(file) = parsed.file else { continue };
        if keep_text {
            loaded.files.push(Arc::clone(&file));
        }
        if let Some(article) = parsed.article {
            loaded.kb.articles.push(KbArticle { article, file });
        }
    }
    if let Some(cache) = cache {
        cache.save(&entries);
    }
    validate::validate(&loaded.kb, &mut loaded.diagnostics);
    loaded
}

/// As [`parse_file`], through the cache: a text parsed before is decoded instead, a text
/// that parses without a problem gets an entry for the next cache.
fn parse_cached(
    cache: &cache::ParsedCache,
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Article>, Option<cache::Entry>) {
    let key = cache::key(&file.text);
    if let Some((article, entry)) = cache.get(key) {
        return (Some(article), Some(entry));
    }
    let before = diagnostics.len();
    let article = parse_file(file, diagnostics);
    let entry = article
        .as_ref()
        .filter(|_| diagnostics.len() == before)
        .and_then(cache::encode)
        .map(|bytes| cache::Entry::New(key, bytes));
    (article, entry)
}

/// Loads one file of a larger KB, as [`load_sources`] would load it among the others:
/// `exists` answers whether the KB has an article with a given id (for its references).
pub fn load_one(name: String, bytes: Vec<u8>, exists: impl Fn(&str) -> bool) -> Loaded {
    let mut loaded = Loaded::default();
    let Some(file) = decode_file(name, bytes, &mut loaded.diagnostics) else {
        return loaded;
    };
    let file = Arc::new(file);
    loaded.files.push(Arc::clone(&file));
    if let Some(article) = parse_file(&file, &mut loaded.diagnostics) {
        loaded.kb.articles.push(KbArticle { article, file });
        let article = &loaded.kb.articles[0].article;
        let mut known: std::collections::HashSet<&str> = article
            .references
            .iter()
            .filter_map(|r| r.article.as_ref())
            .map(|id| id.as_str())
            .filter(|id| exists(id))
            .collect();
        known.insert(article.id.as_str());
        validate::validate_knowing(&loaded.kb, &known, &mut loaded.diagnostics);
    }
    loaded
}

/// Reads one file of a KB directory (`name` relative to `root`) within the size limit.
pub fn read_kb_file(root: &Path, name: &str) -> Result<Vec<u8>, String> {
    read_limited(&root.join(name))
}

/// The bytes of one file of the embedded KB (`kb/...`, as its diagnostics name it).
pub fn embedded_file(name: &str) -> Option<Vec<u8>> {
    let path = name.strip_prefix("kb/")?;
    EMBEDDED_KB.get_file(path).map(|f| f.contents().to_vec())
}

/// The embedded KB's `fixpath.toml` settings.
pub fn embedded_config() -> KbConfig {
    EMBEDDED_KB
        .get_file(CONFIG_FILE)
        .and_then(|f| f.contents_utf8())
        .and_then(|text| KbConfig::parse(text).ok())
        .unwrap_or_default()
}

/// A KB directory's `fixpath.toml` settings, or the defaults when it has none (or one
/// `check` reports as broken).
pub fn dir_config(root: &Path) -> KbConfig {
    std::fs::read_to_string(root.join(CONFIG_FILE))
        .ok()
        .and_then(|text| KbConfig::parse(&text).ok())
        .unwrap_or_default()
}

/// A KB directory's learned figures (`learned.yaml`): `None` when it has none, the
/// problem when they cannot be read.
pub fn dir_learned(root: &Path) -> Result<Option<crate::learned::Learned>, Diagnostic> {
    let path = root.join(crate::learned::FILE_NAME);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|error| {
        Diagnostic::error(
            Code::Io,
            crate::learned::FILE_NAME,
            None,
            format!("cannot read: {error}"),
        )
    })?;
    crate::learned::Learned::parse(&text, crate::learned::FILE_NAME).map(Some)
}

/// Parses one article from YAML text, for callers that hold a single file.
pub fn parse_article(name: &str, text: &str) -> Result<Article, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let file = decode_file(name.to_owned(), text.as_bytes().to_vec(), &mut diagnostics);
    match file.and_then(|file| parse_file(&file, &mut diagnostics)) {
        Some(article) if diagnostics.is_empty() => Ok(article),
        _ => Err(diagnostics),
    }
}

/// The YAML path of a node's `id` field (`questions[2].id`), for pointing diagnostics at it.
pub(crate) fn node_path(article: &Article, id: &NodeId) -> Option<String> {
    let sections: [(&str, Vec<&NodeId>); 5] = [
        ("symptoms", article.symptoms.iter().map(|n| &n.id).collect()),
        (
            "questions",
            article.questions.iter().map(|n| &n.id).collect(),
        ),
        ("causes", article.causes.iter().map(|n| &n.id).collect()),
        (
            "solutions",
            article.solutions.iter().map(|n| &n.id).collect(),
        ),
        (
            "workarounds",
            article.workarounds.iter().map(|n| &n.id).collect(),
        ),
    ];
    sections.iter().find_map(|(section, ids)| {
        let index = ids.iter().position(|node| *node == id)?;
        Some(key_path(&index_path(section, index), "id"))
    })
}

/// Serializes an article to YAML in the KB's layout.
pub fn to_yaml(article: &Article) -> String {
    serde_yaml::to_string(article).expect("an article always serializes")
}

fn display_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.display().to_string()
}

fn io_message(error: &walkdir::Error) -> String {
    error
        .io_error()
        .map_or_else(|| error.to_string(), ToString::to_string)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let problem = |e: std::io::Error| format!("cannot read: {e}");
    let file = std::fs::File::open(path).map_err(problem)?;
    let length = file.metadata().map_err(problem)?.len();
    if length > MAX_FILE_BYTES as u64 {
        return Err(format!(
            "file is {length} bytes, larger than the {} MiB an article may be; split it",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let mut bytes = Vec::with_capacity(length as usize);
    // A file that grew since: read no more than the limit allows (`decode_file` says so).
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(problem)?;
    Ok(bytes)
}

/// Turns a file's bytes into text: UTF-8, no byte-order mark, not empty, not too large.
fn decode_file(
    name: String,
    bytes: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    if bytes.len() > MAX_FILE_BYTES {
        let message = format!("file is larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024));
        diagnostics.push(Diagnostic::error(Code::Encoding, &name, None, message));
        return None;
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let prefix = &error.as_bytes()[..offset];
            let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
            let column = prefix.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            let span = Span {
                offset,
                len: 1,
                line,
                column,
            };
            let message = format!(
                "file is not valid UTF-8 (invalid byte at offset {offset}); save it as UTF-8"
            );
            diagnostics.push(Diagnostic::error(
                Code::Encoding,
                &name,
                Some(span),
                message,
            ));
            return None;
        }
    };
    if let Some(stripped) = text.strip_prefix('\u{feff}') {
        text = stripped.to_owned();
    }
    if text.trim().is_empty() {
        diagnostics.push(Diagnostic::error(
            Code::Encoding,
            &name,
            None,
            "file is empty: an article needs at least id, title and entry",
        ));
        return None;
    }
    Some(SourceFile::new(name, text))
}

/// Deeper nesting than this is refused before parsing: no article needs it, and YAML
/// parsers slow down badly (or recurse) on it.
const MAX_NESTING: usize = 128;

/// The deepest nesting of flow collections (`[`, `{`) and inline block sequences (`- - -`)
/// in the text, with the line it is on; quoted text is skipped.
fn nesting_depth(text: &str) -> (usize, usize) {
    let (mut depth, mut deepest, mut deepest_line) = (0usize, 0usize, 1usize);
    // The characters that matter are ASCII, so bytes will do (and are much faster).
    for (number, line) in text.as_bytes().split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // `- - - x` nests three sequences (and `- - ` with nothing after, three).
        let mut rest = line.trim_ascii_start();
        let mut dashes = 0;
        while let Some(after) = rest.strip_prefix(b"- ") {
            dashes += 1;
            rest = after;
        }
        dashes += usize::from(dashes > 0 && rest.is_empty());
        let mut quote: Option<u8> = None;
        for &c in line {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'#') => break,
                (None, b'[' | b'{') => {
                    depth += 1;
                    if depth > deepest {
                        deepest = depth;
                        deepest_line = number + 1;
                    }
                }
                (None, b']' | b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let here = depth.max(dashes);
        if here > deepest {
            deepest = here;
            deepest_line = number + 1;
        }
    }
    (deepest, deepest_line)
}

/// Parses and deserializes one file's article, reporting every problem.
fn parse_file(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Article> {
    let (depth, line) = nesting_depth(&file.text);
    if depth > MAX_NESTING {
        let span = Span {
            offset: 0,
            len: 1,
            line,
            column: 1,
        };
        let message = format!(
            "invalid YAML: nesting is {depth} levels deep; articles are refused beyond {MAX_NESTING} (recursion limit)"
        );
        diagnostics.push(Diagnostic::error(
            Code::Syntax,
            &file.name,
            Some(span),
            message,
        ));
        return None;
    }
    // Most files are well formed: read them straight into the model. Any problem, and the
    // file is read again the slow way, which reports every problem with its place.
    if let Ok(article) = serde_yaml::from_str::<Article>(&file.text) {
        return Some(article);
    }
    let value: Value = match serde_yaml::from_str(&file.text) {
        Ok(value) => value,
        Err(error) => {
            let span = error.location().map(|at| Span {
                offset: at.index(),
                len: 1,
                line: at.line(),
                column: at.column(),
            });
            let message = syntax_message(&error);
            diagnostics.push(Diagnostic::error(Code::Syntax, &file.name, span, message));
            return None;
        }
    };
    if !value.is_mapping() {
        let span = file.span_of("");
        diagnostics.push(Diagnostic::error(
            Code::Schema,
            &file.name,
            span,
            "expected an article: a mapping with at least id, title and entry",
        ));
        return None;
    }
    deserialize_article(value, file, diagnostics)
}

/// serde_yaml puts " at line L column C" after the problem; the span says that already,
/// but any context after it ("while scanning a quoted scalar at line 2 column 8") is kept.
fn syntax_message(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    let Some(cut) = message.find(" at line ") else {
        return format!("invalid YAML: {message}");
    };
    let rest = &message[cut + " at line ".len()..];
    let after_position = rest
        .find(" column ")
        .map(|at| &rest[at + " column ".len()..])
        .map(|tail| tail.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or("");
    format!("invalid YAML: {}{after_position}", &message[..cut])
}

/// Deserializes an article, reporting every schema problem rather than the first.
///
/// After each error the offending list item (or top-level field) is removed and the rest is
/// tried again, so one bad answer does not hide a bad cause further down.
fn deserialize_article(
    mut value: Value,
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let mut removed_fields: Vec<String> = Vec::new();
    let mut removed_items = RemovedItems::default();
    for _ in 0..MAX_SCHEMA_ERRORS_PER_FILE {
        let error = match serde_path_to_error::deserialize::<_, Article>(value.clone()) {
            // Unknown fields alone leave the article whole: keep it, so the checks that need
            // the whole article still run. Removed items or fields would make those checks lie.
            Ok(article) if removed_items.0.is_empty() && removed_fields.is_empty() => {
                return Some(article);
            }
            Ok(_) => return None,
            Err(error) => error,
        };
        let segments = path_segments(error.path());
        let original = removed_items.to_original(&segments);
        let path = segments_to_path(&original);
        let inner = error.into_inner().to_string();
        if unknown_field(&inner).is_some() {
            diagnostics.push(schema_diagnostic(file, &path, &inner));
            if !remove_key(&mut value, &segments) {
                return None;
            }
            continue;
        }
        // A field removed after an earlier error is now "missing": that was already said.
        if let Some(field) = missing_field(&inner)
            && removed_fields
                .iter()
                .any(|removed| *removed == key_path(&path, field))
        {
            if !remove_at(&mut value, &segments, true) {
                return None;
            }
            continue;
        }
        diagnostics.push(schema_diagnostic(file, &path, &inner));
        if segments.is_empty() {
            return None;
        }
        match original
            .iter()
            .rposition(|s| matches!(s, Segment::Index(_)))
        {
            Some(position) => removed_items.record(&original[..=position]),
            None => removed_fields.push(path.clone()),
        }
        if !remove_at(&mut value, &segments, false) {
            return None;
        }
    }
    None
}

/// List items removed so far, by their path in the original file, so later error paths
/// (which count items in the pruned value) can be mapped back to the right line.
#[derive(Default)]
struct RemovedItems(Vec<Vec<Segment>>);

impl RemovedItems {
    fn record(&mut self, original_item: &[Segment]) {
        self.0.push(original_item.to_vec());
    }

    fn to_original(&self, pruned: &[Segment]) -> Vec<Segment> {
        let mut original: Vec<Segment> = Vec::with_capacity(pruned.len());
        for segment in pruned {
            let segment = match segment {
                Segment::Index(index) => {
                    let mut removed: Vec<usize> = self
                        .0
                        .iter()
                        .filter(|item| item[..item.len() - 1] == original[..])
                        .filter_map(|item| match item.last() {
                            Some(Segment::Index(i)) => Some(*i),
                            _ => None,
                        })
                        .collect();
                    removed.sort_unstable();
                    let mut index = *index;
                    for gone in removed {
                        if gone <= index {
                            index += 1;
                        }
                    }
                    Segment::Index(index)
                }
                key => key.clone(),
            };
            original.push(segment);
        }
        original
    }
}

fn schema_diagnostic(file: &SourceFile, path: &str, inner: &str) -> Diagnostic {
    if unknown_field(inner).is_some() {
        // serde_path_to_error's path already ends with the unknown key.
        let field_path = path;
        let expected = inner
            .split_once(", expected ")
            .map_or(String::new(), |(_, rest)| format!("; expected {rest}"));
        let message = format!("unknown field `{field_path}`{expected}");
        return Diagnostic::error(
            Code::UnknownField,
            &file.name,
            file.key_span_of(field_path),
            message,
        );
    }
    if let Some(field) = missing_field(inner) {
        let where_ = if path.is_empty() {
            "the article".to_owned()
        } else {
            format!("`{path}`")
        };
        let message = format!("{where_} is missing the required field `{field}`");
        return Diagnostic::error(Code::Schema, &file.name, file.span_of(path), message);
    }
    let message = if path.is_empty() {
        inner.to_owned()
    } else {
        format!("`{path}`: {inner}")
    };
    Diagnostic::error(Code::Schema, &file.name, file.span_of(path), message)
}

fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn path_segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {
                None
            }
        })
        .collect()
}

fn segments_to_path(segments: &[Segment]) -> String {
    segments
        .iter()
        .fold(String::new(), |path, segment| match segment {
            Segment::Key(key) => key_path(&path, key),
            Segment::Index(index) => index_path(&path, *index),
        })
}

/// Removes the innermost list item on the path, or the top-level field when there is none.
/// With `whole_field`, removes the top-level field named by the first segment.
fn remove_at(value: &mut Value, segments: &[Segment], whole_field: bool) -> bool {
    let last_index = if whole_field {
        None
    } else {
        segments
            .iter()
            .rposition(|s| matches!(s, Segment::Index(_)))
    };
    match last_index {
        Some(position) => {
            let Some(Value::Sequence(items)) = walk_mut(value, &segments[..position]) else {
                return false;
            };
            let Segment::Index(index) = segments[position] else {
                return false;
            };
            if index < items.len() {
                items.remove(index);
                true
            } else {
                false
            }
        }
        None => match (value, segments.first()) {
            (Value::Mapping(map), Some(Segment::Key(key))) => map.remove(key.as_str()).is_some(),
            _ => false,
        },
    }
}

/// Removes the mapping key the path ends with.
fn remove_key(value: &mut Value, segments: &[Segment]) -> bool {
    let Some((Segment::Key(key), parent)) = segments.split_last() else {
        return false;
    };
    match walk_mut(value, parent) {
        Some(Value::Mapping(map)) => map.remove(key.as_str()).is_some(),
        _ => false,
    }
}

fn walk_mut<'v>(value: &'v mut Value, segments: &[Segment]) -> Option<&'v mut Value> {
    segments
        .iter()
        .try_fold(value, |value, segment| match (value, segment) {
            (Value::Mapping(map), Segment::Key(key)) => map.get_mut(key.as_str()),
            (Value::Sequence(items), Segment::Index(index)) => items.get_mut(*index),
            _ => None,
        })
}

#[cfg(test)]
mod tests;
