//! Any bytes as a Markdown article: import never panics, and what it makes always loads back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = fixpath::import::ImportOptions { source_path: "fuzz/article.md".to_owned(), ..Default::default() };
    if let Ok(imported) = fixpath::import::import_markdown(data, &options) {
        let yaml = fixpath::load::to_yaml(&imported.article);
        let loaded = fixpath::load::load_sources(vec![("fuzz.yaml".to_owned(), yaml.into_bytes())]);
        let errors: Vec<String> = fixpath::check(&loaded).iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
        assert!(errors.is_empty(), "an imported draft does not load: {errors:?}");
        assert_eq!(loaded.kb.articles[0].article, imported.article, "the draft changed on the way through YAML");
    }
});
