//! Where the index lives: the user's cache directory, one folder per KB, refreshed when the
//! KB changes and never left half-written.
//!
//! Layout: `<cache>/<kb key>/manifest.json` names the current generation folder and records
//! each KB file's size and modification time. A changed file is re-indexed in place (a tantivy
//! commit is atomic); a full rebuild writes a new generation folder and then swaps the
//! manifest (write to a temporary file, then rename), so a search running meanwhile reads
//! the old generation to the end. A manifest or index that cannot be read is rebuilt, with
//! the reason in [`IndexStatus::Rebuilt`]. Beside them, `parsed.bin` keeps the KB's parsed
//! articles for full loads (index builds, `check`; see [`load::LoadOptions::parsed_cache`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use tantivy::{Index, TantivyDocument, Term};

use super::schema::{self, SCHEMA_VERSION};
use super::{SearchError, SearchIndex};
use crate::load::{self, Loaded};

/// Which KB to index.
#[derive(Debug, Clone, Copy)]
pub enum KbSource<'a> {
    /// The KB embedded in the binary.
    Embedded,
    /// A KB directory.
    Dir(&'a Path),
}

/// What opening the index had to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum IndexStatus {
    /// The index matched the KB.
    Fresh,
    /// Some articles changed and were re-indexed.
    Updated {
        /// Files added or changed.
        changed: usize,
        /// Files removed.
        removed: usize,
    },
    /// The index was built from scratch.
    Rebuilt {
        /// Why it was built (its message, in JSON).
        #[serde(serialize_with = "serialize_display")]
        reason: RebuildReason,
    },
}

/// Why the index was built from scratch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RebuildReason {
    /// The caller asked for a rebuild (`fixpath index --rebuild`).
    #[error("asked for")]
    AskedFor,
    /// There was no index for this KB yet.
    #[error("there was no index yet")]
    NoneYet,
    /// The index was written by a build with another schema.
    #[error("the index format changed")]
    FormatChanged,
    /// The index could not be read; what was wrong.
    #[error("the index was damaged ({0})")]
    Damaged(String),
    /// `fixpath learn` changed what the KB learned (its queries are indexed).
    #[error("the learned figures changed")]
    LearnedChanged,
}

fn serialize_display<S: serde::Serializer>(
    value: &RebuildReason,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl RebuildReason {
    /// True when the index was damaged, which users should hear about.
    pub fn is_damage(&self) -> bool {
        matches!(self, RebuildReason::Damaged(_))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    schema: u32,
    generation: String,
    /// Kept in `files-<generation>.json` beside the manifest.
    #[serde(skip)]
    files: BTreeMap<String, FileEntry>,
    /// Modification times of the KB's directories when every file was last compared.
    #[serde(default)]
    directories: BTreeMap<String, u128>,
    /// When every file was last compared (seconds since the epoch).
    #[serde(default)]
    verified_at: u64,
    /// The hash of the KB's `learned.yaml` the index was built with (its queries are indexed).
    #[serde(default)]
    learned: Option<String>,
}

/// How long a comparison of every file's size and time stays trusted while no directory
/// of the KB changes. Adding, removing or renaming a file (which is how editors and git
/// save) changes its directory at once; an in-place edit is noticed within this time, or
/// at once with `fixpath index`. Stat-ing 10,000 files costs about 40 ms here, too much
/// for every search.
const FULL_CHECK_EVERY: Duration = Duration::from_secs(30);

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn modified_ns(metadata: &std::fs::Metadata) -> u128 {
    metadata
        .modified()
        .ok()
        .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The modification time of every directory of a KB (no file is stat-ed).
fn directory_times(dir: &Path) -> BTreeMap<String, u128> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter_map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .display()
                .to_string();
            e.metadata().ok().map(|m| (name, modified_ns(&m)))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FileEntry {
    size: u64,
    modified_ns: u128,
    /// The article id the file held when indexed (to delete it when the file changes).
    article: Option<String>,
}

/// The cache directory: `FIXPATH_CACHE_DIR`, else the platform's cache folder, else a temp folder.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FIXPATH_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "fixpath")
        .map(|dirs| dirs.cache_dir().join("index"))
        .unwrap_or_else(|| std::env::temp_dir().join("fixpath-index"))
}

/// The folder of one KB's index under the cache directory.
pub fn index_dir(cache: &Path, source: KbSource<'_>) -> PathBuf {
    match source {
        KbSource::Embedded => cache.join(format!("embedded-{}", env!("FIXPATH_KB_HASH"))),
        KbSource::Dir(dir) => {
            let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            let name = canonical
                .file_name()
                .map_or_else(|| "kb".to_owned(), |n| n.to_string_lossy().into_owned());
            let digest = crate::text::digest(canonical.to_string_lossy().as_bytes());
            cache.join(format!("{}-{}", sanitize(&name), &digest[..16]))
        }
    }
}

/// The file of parsed articles kept beside a KB directory's index, so the commands that read
/// the whole KB parse only what changed (see [`load::LoadOptions::parsed_cache`]).
pub fn parsed_cache_file(cache: &Path, dir: &Path) -> PathBuf {
    index_dir(cache, KbSource::Dir(dir)).join(PARSED_CACHE)
}

const PARSED_CACHE: &str = "parsed.bin";

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Opens the index of a KB, building or refreshing it as needed; `rebuild` forces a full build.
pub fn open_index(
    source: KbSource<'_>,
    cache: &Path,
    rebuild: bool,
) -> Result<(SearchIndex, IndexStatus), SearchError> {
    let root = index_dir(cache, source);
    std::fs::create_dir_all(&root).map_err(io(&root))?;
    if rebuild {
        return full_rebuild(source, &root, RebuildReason::AskedFor);
    }
    // A concurrent rebuild may swap generations between reading the manifest and opening
    // the folder: read again before calling the index damaged.
    let mut last_problem = String::new();
    for _ in 0..3 {
        let manifest = match read_manifest(&root) {
            Ok(Some(manifest)) if manifest.schema == SCHEMA_VERSION => manifest,
            Ok(Some(_)) => {
                return full_rebuild(source, &root, RebuildReason::FormatChanged);
            }
            Ok(None) => return full_rebuild(source, &root, RebuildReason::NoneYet),
            Err(problem) => {
                last_problem = problem;
                continue;
            }
        };
        if let KbSource::Dir(dir) = source
            && manifest.learned != learned_hash(dir)
        {
            return full_rebuild(source, &root, RebuildReason::LearnedChanged);
        }
        match Index::open_in_dir(root.join(&manifest.generation)) {
            Ok(index) => return refresh(source, &root, index, manifest),
            Err(error) => last_problem = format!("cannot open {}: {error}", manifest.generation),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    full_rebuild(source, &root, RebuildReason::Damaged(last_problem))
}

/// Reads the manifest; the per-file table is read only when `with_files` (it is large for
/// large KBs, and a search that trusts the directory times does not need it).
fn read_manifest_with(root: &Path, with_files: bool) -> Result<Option<Manifest>, String> {
    let mut manifest: Manifest = match std::fs::read(root.join("manifest.json")) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes).map_err(|e| format!("unreadable manifest: {e}"))?
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("unreadable manifest: {error}")),
    };
    if with_files {
        let name = format!("files-{}.json", manifest.generation);
        manifest.files = match std::fs::read(root.join(&name)) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| format!("unreadable {name}: {e}"))?
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(error) => return Err(format!("unreadable {name}: {error}")),
        };
    }
    Ok(Some(manifest))
}

fn read_manifest(root: &Path) -> Result<Option<Manifest>, String> {
    read_manifest_with(root, false)
}

/// Writes a file atomically: to a temporary name, then renamed over the target.
fn write_atomically(root: &Path, name: &str, bytes: &[u8]) -> Result<(), SearchError> {
    // A name of its own per write: two threads (or processes) rebuilding at once must not
    // rename each other's temporary file away.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = root.join(format!("{name}.{}-{write}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(io(&temporary))?;
    let target = root.join(name);
    std::fs::rename(&temporary, &target).map_err(io(&target))
}

/// Writes the per-file table, then the manifest that points at it.
fn write_manifest(root: &Path, manifest: &Manifest) -> Result<(), SearchError> {
    let files = serde_json::to_vec(&manifest.files).expect("a file table always serializes");
    write_atomically(root, &format!("files-{}.json", manifest.generation), &files)?;
    let bytes = serde_json::to_vec_pretty(manifest).expect("a manifest always serializes");
    write_atomically(root, "manifest.json", &bytes)
}

/// The size and modification time of every article file of a KB directory.
fn signatures(dir: &Path) -> BTreeMap<String, (u64, u128)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if !entry.file_type().is_file() || !load::is_article_file(path) {
            continue;
        }
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        let modified = metadata
            .modified()
            .ok()
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let name = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        out.insert(name, (metadata.len(), modified));
    }
    out
}

/// Brings an opened index up to date with a KB directory: re-indexes changed files only.
fn refresh(
    source: KbSource<'_>,
    root: &Path,
    mut index: Index,
    mut manifest: Manifest,
) -> Result<(SearchIndex, IndexStatus), SearchError> {
    let KbSource::Dir(dir) = source else {
        // The embedded KB is keyed by its content: an index that opens is current.
        return checked(index, source, root, IndexStatus::Fresh);
    };
    // A directory's time changes when an entry in it is added, removed or renamed, so
    // re-stat-ing the recorded directories (no listing) tells whether anything moved.
    let unchanged = !manifest.directories.is_empty()
        && manifest.directories.iter().all(|(name, time)| {
            std::fs::metadata(dir.join(name)).is_ok_and(|m| modified_ns(&m) == *time)
        });
    let recently_verified =
        now_seconds().saturating_sub(manifest.verified_at) < FULL_CHECK_EVERY.as_secs();
    if unchanged && recently_verified {
        return checked(index, source, root, IndexStatus::Fresh);
    }
    let directories = directory_times(dir);
    if let Ok(Some(full)) = read_manifest_with(root, true) {
        manifest.files = full.files;
    }
    let current = signatures(dir);
    let changed: Vec<&String> = current
        .iter()
        .filter(|(name, (size, modified))| {
            manifest
                .files
                .get(*name)
                .is_none_or(|e| e.size != *size || e.modified_ns != *modified)
        })
        .map(|(name, _)| name)
        .collect();
    let removed: Vec<String> = manifest
        .files
        .keys()
        .filter(|name| !current.contains_key(*name))
        .cloned()
        .collect();
    manifest.directories = directories;
    manifest.verified_at = now_seconds();
    if changed.is_empty() && removed.is_empty() {
        // Remember the check, so the next searches can skip it.
        let _ = write_manifest(root, &manifest);
        return checked(index, source, root, IndexStatus::Fresh);
    }
    index.set_tokenizers(schema::tokenizers());
    // Another process holding the writer is refreshing it already: search what is there.
    let Ok(mut writer) = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000) else {
        return checked(index, source, root, IndexStatus::Fresh);
    };
    let (_, fields) = schema::schema();
    let files: Vec<(String, Vec<u8>)> = changed
        .iter()
        .filter_map(|name| {
            std::fs::read(dir.join(name))
                .ok()
                .map(|b| ((*name).clone(), b))
        })
        .collect();
    let loaded = load::load_sources(files);
    for name in changed
        .iter()
        .map(|n| n.as_str())
        .chain(removed.iter().map(String::as_str))
    {
        if let Some(old) = manifest.files.get(name).and_then(|e| e.article.clone()) {
            writer.delete_term(Term::from_field_text(fields.id, &old));
        }
    }
    let learned = load::dir_learned(dir).ok().flatten();
    for entry in &loaded.kb.articles {
        writer.delete_term(Term::from_field_text(fields.id, entry.article.id.as_str()));
        add_article(&mut writer, &fields, entry, learned.as_ref())?;
    }
    writer.commit()?;
    for name in &removed {
        manifest.files.remove(name);
    }
    for name in &changed {
        let (size, modified_ns) = current[*name];
        let article = loaded
            .kb
            .articles
            .iter()
            .find(|e| e.file.name == **name)
            .map(|e| e.article.id.to_string());
        manifest.files.insert(
            (*name).clone(),
            FileEntry {
                size,
                modified_ns,
                article,
            },
        );
    }
    write_manifest(root, &manifest)?;
    let status = IndexStatus::Updated {
        changed: changed.len(),
        removed: removed.len(),
    };
    checked(index, source, root, status)
}

/// The hash of a KB directory's `learned.yaml`, `None` without one.
fn learned_hash(dir: &Path) -> Option<String> {
    let bytes = std::fs::read(dir.join(crate::learned::FILE_NAME)).ok()?;
    Some(format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes)))
}

/// Adds an article's document, with the problems learned for it.
fn add_article(
    writer: &mut tantivy::IndexWriter<TantivyDocument>,
    fields: &schema::Fields,
    entry: &load::KbArticle,
    learned: Option<&crate::learned::Learned>,
) -> Result<(), SearchError> {
    let queries: Vec<String> = learned
        .and_then(|l| l.articles.get(&entry.article.id))
        .map(|a| a.queries.keys().cloned().collect())
        .unwrap_or_default();
    writer.add_document(schema::document(
        fields,
        &entry.article,
        &entry.file.name,
        &queries,
    ))?;
    Ok(())
}

/// Opens a reader; an index whose files are damaged fails here and is rebuilt.
fn checked(
    index: Index,
    source: KbSource<'_>,
    root: &Path,
    status: IndexStatus,
) -> Result<(SearchIndex, IndexStatus), SearchError> {
    match SearchIndex::from_index(index).and_then(|search| search.probe().map(|()| search)) {
        Ok(search) => Ok((search, status)),
        Err(error) => full_rebuild(source, root, RebuildReason::Damaged(error.to_string())),
    }
}

fn load_source(source: KbSource<'_>, root: &Path) -> Result<Loaded, SearchError> {
    Ok(match source {
        KbSource::Embedded => load::load_embedded(),
        KbSource::Dir(dir) => {
            let options = load::LoadOptions {
                parsed_cache: Some(root.join(PARSED_CACHE)),
                ..load::LoadOptions::default()
            };
            load::load_dir_with(dir, &options)?
        }
    })
}

/// How long a finished generation that no manifest names is kept: long enough for the
/// process that built it to write its manifest.
const GENERATION_GRACE: Duration = Duration::from_secs(60);

/// How long a temporary build folder is kept before it counts as abandoned.
const TMP_ABANDONED: Duration = Duration::from_secs(600);

/// Builds a new generation from the whole KB and swaps it in.
fn full_rebuild(
    source: KbSource<'_>,
    root: &Path,
    reason: RebuildReason,
) -> Result<(SearchIndex, IndexStatus), SearchError> {
    let loaded = load_source(source, root)?;
    let files = match source {
        KbSource::Dir(dir) => signatures(dir),
        KbSource::Embedded => BTreeMap::new(),
    };
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let generation = format!("gen-{stamp}-{}", std::process::id());
    let building = root.join(format!("{generation}.tmp"));
    std::fs::create_dir_all(&building).map_err(io(&building))?;
    let (schema, fields) = schema::schema();
    let mut index = Index::create_in_dir(&building, schema)?;
    index.set_tokenizers(schema::tokenizers());
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
    for entry in &loaded.kb.articles {
        add_article(&mut writer, &fields, entry, loaded.kb.learned.as_ref())?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    drop(index);
    let target = root.join(&generation);
    std::fs::rename(&building, &target).map_err(io(&target))?;
    let mut manifest = Manifest {
        schema: SCHEMA_VERSION,
        generation: generation.clone(),
        files: BTreeMap::new(),
        directories: match source {
            KbSource::Dir(dir) => directory_times(dir),
            KbSource::Embedded => BTreeMap::new(),
        },
        verified_at: now_seconds(),
        learned: match source {
            KbSource::Dir(dir) => learned_hash(dir),
            KbSource::Embedded => None,
        },
    };
    for (name, (size, modified_ns)) in files {
        let article = loaded
            .kb
            .articles
            .iter()
            .find(|e| e.file.name == name)
            .map(|e| e.article.id.to_string());
        manifest.files.insert(
            name,
            FileEntry {
                size,
                modified_ns,
                article,
            },
        );
    }
    let previous = read_manifest(root).ok().flatten().map(|m| m.generation);
    write_manifest(root, &manifest)?;
    remove_old_generations(root, &generation, previous.as_deref());
    let index = SearchIndex::from_index(Index::open_in_dir(&target)?)?;
    Ok((index, IndexStatus::Rebuilt { reason }))
}

/// Deletes generations other than the current and the previous one (a search that read the
/// old manifest a moment ago may still be opening it), and abandoned temporary folders. A
/// generation younger than [`GENERATION_GRACE`] stays too: another process may have just
/// built it and not yet written the manifest that names it (several commands started at
/// once on an empty cache each build one).
fn remove_old_generations(root: &Path, current: &str, previous: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // The per-file table of a generation goes with it.
        if let Some(generation) = name
            .strip_prefix("files-")
            .and_then(|n| n.strip_suffix(".json"))
        {
            if generation != current && Some(generation) != previous {
                let _ = std::fs::remove_file(entry.path());
            }
            continue;
        }
        if !name.starts_with("gen-") || name == current || Some(name.as_str()) == previous {
            continue;
        }
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok());
        let abandoned = name.ends_with(".tmp") && age.is_some_and(|age| age > TMP_ABANDONED);
        let settled = !name.ends_with(".tmp") && age.is_some_and(|age| age > GENERATION_GRACE);
        if settled || abandoned {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
