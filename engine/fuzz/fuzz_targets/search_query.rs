//! Any text as a search query over the embedded KB: never a panic, never an error.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static INDEX: LazyLock<fixpath::search::SearchIndex> = LazyLock::new(|| {
    let loaded = fixpath::load::load_embedded();
    fixpath::search::SearchIndex::in_memory(loaded.kb.articles.iter().map(|e| &e.article)).unwrap()
});

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let results = INDEX.search(&query, 5).expect("a search never fails");
    for hit in &results.hits {
        for range in &hit.highlights {
            assert!(hit.snippet.get(range.clone()).is_some(), "highlight outside the snippet");
        }
    }
});
