//! Parsed articles kept between runs, so a command that reads a whole KB again (`check`,
//! `index`) parses only the files that changed since.
//!
//! The cache is one file, keyed by each KB file's content (XXH3-128 of its text), never by
//! its name or time: a file changed by any means misses, and a file renamed or copied hits.
//! Only files that parsed without a problem are kept, so every problem is found again on
//! every run. The file starts with a fingerprint of the build (the model, the loader and the
//! dependency versions); a cache written by another build is ignored, as is anything that
//! cannot be read. It is written to a temporary file and renamed, so readers never see half
//! of it, and only when enough changed to be worth rewriting it whole (see `save`).
//!
//! Layout: [`MAGIC`], the fingerprint (8 bytes), the entry count (8 bytes), then for each
//! entry its key (16 bytes), its length (4 bytes) and the article as MessagePack (fields by
//! name). Integers are little-endian.

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::model::Article;

const MAGIC: &[u8] = b"fixpath parsed articles\n";

/// Set by `build.rs` from the model, the loader and `Cargo.lock`.
const FINGERPRINT: &str = env!("FIXPATH_MODEL_HASH");

/// The key of a file's text.
pub(super) fn key(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// An article as the cache stores it; `None` if it cannot be encoded (never expected).
pub(super) fn encode(article: &Article) -> Option<Vec<u8>> {
    rmp_serde::to_vec_named(article).ok()
}

/// What a cache file held when it was opened.
#[derive(Debug, Default)]
pub(super) struct ParsedCache {
    path: PathBuf,
    bytes: Vec<u8>,
    entries: HashMap<u128, Range<usize>>,
}

/// One file's entry for the cache written after a load: found in the old cache (a range of
/// its bytes), or parsed now and encoded.
#[derive(Debug)]
pub(super) enum Entry {
    Kept(u128, Range<usize>),
    New(u128, Vec<u8>),
}

impl Entry {
    fn key(&self) -> u128 {
        match self {
            Entry::Kept(key, _) | Entry::New(key, _) => *key,
        }
    }
}

impl ParsedCache {
    /// Opens the cache at `path`; a missing, foreign or damaged file is an empty cache.
    pub(super) fn open(path: &Path) -> ParsedCache {
        let bytes = read_if_ours(path).unwrap_or_default();
        let entries = read_entries(&bytes).unwrap_or_default();
        ParsedCache {
            path: path.to_owned(),
            bytes,
            entries,
        }
    }

    /// The article parsed from a text with this key, and its entry for the next cache.
    pub(super) fn get(&self, key: u128) -> Option<(Article, Entry)> {
        let range = self.entries.get(&key)?;
        let article = rmp_serde::from_slice(&self.bytes[range.clone()]).ok()?;
        Some((article, Entry::Kept(key, range.clone())))
    }

    /// Writes the cache for the files just loaded, when it is worth it: the whole file is
    /// rewritten, so a few edited files (parsed again each run, a fraction of a millisecond
    /// each) do not cause it; many new files, or many entries for files that are gone, do.
    /// A cache that cannot be written is not an error: the next run parses again.
    pub(super) fn save(&self, entries: &[Entry]) {
        let mut unique: HashMap<u128, &Entry> = HashMap::with_capacity(entries.len());
        for entry in entries {
            unique.entry(entry.key()).or_insert(entry);
        }
        let new = unique
            .values()
            .filter(|e| matches!(e, Entry::New(..)))
            .count();
        let kept = unique.len() - new;
        let gone = self.entries.len() - kept;
        if !worth_writing(new, kept, gone) {
            return;
        }
        let mut sorted: Vec<&Entry> = unique.into_values().collect();
        sorted.sort_by_key(|e| e.key());
        let _ = self.write(&sorted);
    }

    fn write(&self, entries: &[&Entry]) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
        {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, temporary.as_file_mut());
            out.write_all(MAGIC)?;
            out.write_all(&fingerprint().to_le_bytes())?;
            out.write_all(&(entries.len() as u64).to_le_bytes())?;
            for entry in entries {
                let bytes = match entry {
                    Entry::Kept(_, range) => &self.bytes[range.clone()],
                    Entry::New(_, bytes) => bytes.as_slice(),
                };
                let Ok(len) = u32::try_from(bytes.len()) else {
                    continue;
                };
                out.write_all(&entry.key().to_le_bytes())?;
                out.write_all(&len.to_le_bytes())?;
                out.write_all(bytes)?;
            }
            out.flush()?;
        }
        temporary.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Whether to rewrite a cache that holds `kept + gone` entries when a load found `new`
/// files it lacks: always when it holds nothing yet, else when more than 1 file in 20 is
/// new or more than 1 entry in 4 is for a file that is gone.
fn worth_writing(new: usize, kept: usize, gone: usize) -> bool {
    let held = kept + gone;
    (held == 0 && new > 0) || new * 20 > kept + new || gone * 4 > held
}

/// The cache file's bytes, unless it is missing or another build's (known from its first
/// bytes, before the rest is read).
fn read_if_ours(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut bytes = vec![0; MAGIC.len() + 8];
    file.read_exact(&mut bytes).ok()?;
    if !bytes.starts_with(MAGIC) || bytes[MAGIC.len()..] != fingerprint().to_le_bytes() {
        return None;
    }
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

fn fingerprint() -> u64 {
    u64::from_str_radix(FINGERPRINT, 16).unwrap_or(0)
}

/// The entries of a cache file, or `None` if it is not one this build wrote whole.
fn read_entries(bytes: &[u8]) -> Option<HashMap<u128, Range<usize>>> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
    if u64::from_le_bytes(take(&mut rest)?) != fingerprint() {
        return None;
    }
    let count = u64::from_le_bytes(take(&mut rest)?);
    let mut entries = HashMap::with_capacity(usize::try_from(count).ok()?.min(1 << 20));
    for _ in 0..count {
        let key = u128::from_le_bytes(take(&mut rest)?);
        let len = u32::from_le_bytes(take(&mut rest)?) as usize;
        let start = bytes.len() - rest.len();
        rest = rest.get(len..)?;
        entries.insert(key, start..start + len);
    }
    rest.is_empty().then_some(entries)
}

/// The next `N` bytes of `rest`, which moves past them.
fn take<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
    let (head, tail) = rest.split_first_chunk::<N>()?;
    *rest = tail;
    Some(*head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str) -> Article {
        let yaml = format!("id: {id}\ntitle: T\nentry: c\ncauses:\n  - id: c\n    title: C\n");
        serde_yaml::from_str(&yaml).unwrap()
    }

    #[test]
    fn saved_articles_come_back_whole_and_only_changes_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/parsed.bin");
        let empty = ParsedCache::open(&path);
        assert!(empty.get(1).is_none());
        let (a, b) = (article("a"), article("b"));
        empty.save(&[
            Entry::New(1, encode(&a).unwrap()),
            Entry::New(2, encode(&b).unwrap()),
            Entry::New(1, encode(&a).unwrap()),
        ]);
        let cache = ParsedCache::open(&path);
        assert_eq!(cache.entries.len(), 2);
        let (got, entry) = cache.get(2).unwrap();
        assert_eq!(got, b);
        assert!(matches!(entry, Entry::Kept(2, _)));
        assert!(cache.get(3).is_none());

        // The same entries again: the file is left alone.
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let kept: Vec<Entry> = [1, 2].iter().map(|k| cache.get(*k).unwrap().1).collect();
        cache.save(&kept);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written
        );
        // One file of two gone: rewritten without it.
        cache.save(&kept[..1]);
        let cache = ParsedCache::open(&path);
        assert_eq!(cache.get(1).unwrap().0, a);
        assert!(cache.get(2).is_none());
    }

    #[test]
    fn a_few_edited_files_do_not_rewrite_a_large_cache() {
        assert!(worth_writing(1, 0, 0), "an empty cache is written");
        assert!(!worth_writing(0, 0, 0), "nothing to write");
        assert!(!worth_writing(1, 99, 0), "1 new in 100");
        assert!(!worth_writing(5, 195, 1), "5 new in 200, 1 gone");
        assert!(worth_writing(6, 94, 0), "6 new in 100");
        assert!(worth_writing(0, 70, 30), "30 of 100 gone");
        assert!(!worth_writing(0, 80, 20), "20 of 100 gone");
    }

    #[test]
    fn damaged_or_foreign_files_are_empty_caches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parsed.bin");
        ParsedCache::default().write_to(&path, &[Entry::New(7, encode(&article("a")).unwrap())]);
        let whole = std::fs::read(&path).unwrap();
        assert!(ParsedCache::open(&path).get(7).is_some());
        // Cut short, one byte more, another build's fingerprint, not a cache at all.
        let mut foreign = whole.clone();
        foreign[MAGIC.len()] ^= 0xff;
        let mut longer = whole.clone();
        longer.push(0);
        for bytes in [
            whole[..whole.len() - 1].to_vec(),
            longer,
            foreign,
            b"id: a\n".to_vec(),
        ] {
            std::fs::write(&path, bytes).unwrap();
            assert!(ParsedCache::open(&path).get(7).is_none());
        }
        // An entry whose bytes are not an article is a miss, not an error.
        ParsedCache::default().write_to(&path, &[Entry::New(7, b"\xc1garbage".to_vec())]);
        let cache = ParsedCache::open(&path);
        assert_eq!(cache.entries.len(), 1);
        assert!(cache.get(7).is_none());
    }

    impl ParsedCache {
        fn write_to(&self, path: &Path, entries: &[Entry]) {
            let cache = ParsedCache {
                path: path.to_owned(),
                ..ParsedCache::default()
            };
            cache.write(&entries.iter().collect::<Vec<_>>()).unwrap();
        }
    }
}
