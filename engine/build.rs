//! Rebuilds the engine when the embedded KB or templates change (include_dir alone does not
//! tell cargo), fingerprints the KB so the search index of the embedded KB is keyed to it, and
//! fingerprints the model so parsed articles cached by another build are not trusted.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn collect(dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.push((path.display().to_string(), bytes));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=../kb");
    println!("cargo:rerun-if-changed=../templates");
    let mut files = Vec::new();
    collect(Path::new("../kb"), &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    println!("cargo:rustc-env=FIXPATH_KB_HASH={:016x}", hasher.finish());

    // Parsed articles kept between runs are only trusted by a build with the same model
    // and the same way of reading it.
    let mut hasher = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    for file in [
        "src/model.rs",
        "src/load/mod.rs",
        "src/load/cache.rs",
        "../Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={file}");
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=FIXPATH_MODEL_HASH={:016x}",
        hasher.finish()
    );
}
