//! What the measuring tools share: where the shared corpus is, and reading it.

use std::path::PathBuf;

use fixpath::import::{ImportOptions, import_markdown};
use fixpath::model::Article;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The next command-line argument as a path, or `default` under the repository's parent.
pub fn path_arg(args: &mut impl Iterator<Item = String>, default: &str) -> PathBuf {
    args.next()
        .map_or_else(|| repo_root().join("..").join(default), PathBuf::from)
}

/// Every `*.md` file under `dir` as (path relative to `dir` with `/` separators, text), sorted.
pub fn read_corpus(dir: &std::path::Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut sources = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let path = entry
                .path()
                .strip_prefix(dir)?
                .to_string_lossy()
                .replace('\\', "/");
            sources.push((path, std::fs::read_to_string(entry.path())?));
        }
    }
    sources.sort();
    Ok(sources)
}

/// Imports every source as a draft article, recording its path as the source.
pub fn import_corpus(sources: &[(String, String)]) -> anyhow::Result<Vec<Article>> {
    sources
        .iter()
        .map(|(path, text)| {
            let options = ImportOptions {
                source_path: path.clone(),
                ..ImportOptions::default()
            };
            Ok(import_markdown(text.as_bytes(), &options)?.article)
        })
        .collect()
}
