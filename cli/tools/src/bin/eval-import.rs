//! Measures the importer on the shared corpus against hand counts (see `fixpath_tools::eval_import`)
//! and its drafted checks against the causes gold set (see `fixpath_tools::eval_causes`).
//!
//! `cargo run --release -p fixpath-tools --bin eval-import [-- [--set SET] CORPUS_DIR GOLD_TSV...]`:
//! by default the shared gold (the articles the rules were written against) and this
//! repository's `tests/eval/structure-gold-unseen.tsv` (articles counted later, from other
//! shapes), then `tests/eval/causes-gold.tsv` per set, `tests/eval/causes-gold-fresh.tsv`
//! (Exchange Online, `tests/eval/fresh-corpus`), `tests/eval/causes-gold-fresh-2.tsv`
//! (SharePoint Online, `tests/eval/fresh-corpus-2`), `tests/eval/causes-gold-fresh-3.tsv`
//! (Microsoft Teams, `tests/eval/fresh-corpus-3`), `tests/eval/causes-gold-fresh-4.tsv`
//! (Outlook, `tests/eval/fresh-corpus-4`), `tests/eval/causes-gold-fresh-5.tsv` (System
//! Center, `tests/eval/fresh-corpus-5`) — each held out until its first measurement, read
//! since — and `tests/eval/causes-gold-fresh-6.tsv` (Skype for Business,
//! `tests/eval/fresh-corpus-6`, the held-out set); `--set shared` scores and prints only
//! that set of the causes gold (to tune rules without reading the held-out sets).

use fixpath_tools::common;

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut only_set = None;
    if let Some(position) = args.iter().position(|a| a == "--set") {
        if position + 1 >= args.len() {
            anyhow::bail!("--set needs a set name (shared or unseen)");
        }
        only_set = Some(args.remove(position + 1));
        args.remove(position);
    }
    let mut args = args.into_iter();
    let corpus = common::path_arg(&mut args, "shared/corpus/dev");
    let mut golds: Vec<std::path::PathBuf> = args.map(std::path::PathBuf::from).collect();
    if golds.is_empty() {
        golds = vec![
            common::repo_root().join("../shared/eval/structure-gold.tsv"),
            common::repo_root().join("tests/eval/structure-gold-unseen.tsv"),
        ];
    }
    let golds: Vec<&std::path::Path> = golds.iter().map(|p| p.as_path()).collect();
    print!("{}", fixpath_tools::eval_import::run(&corpus, &golds)?);
    let includes = corpus.join("../includes");
    // The causes gold of the corpus, then the fresh held-out set: articles kept in this
    // repository (tests/eval/fresh-corpus), picked by rule from a family the corpus does
    // not hold, gold written before they were imported.
    let root = common::repo_root();
    for (articles, gold) in [
        (corpus.clone(), "tests/eval/causes-gold.tsv"),
        (
            root.join("tests/eval/fresh-corpus"),
            "tests/eval/causes-gold-fresh.tsv",
        ),
        (
            root.join("tests/eval/fresh-corpus-2"),
            "tests/eval/causes-gold-fresh-2.tsv",
        ),
        (
            root.join("tests/eval/fresh-corpus-3"),
            "tests/eval/causes-gold-fresh-3.tsv",
        ),
        (
            root.join("tests/eval/fresh-corpus-4"),
            "tests/eval/causes-gold-fresh-4.tsv",
        ),
        (
            root.join("tests/eval/fresh-corpus-5"),
            "tests/eval/causes-gold-fresh-5.tsv",
        ),
        (
            root.join("tests/eval/fresh-corpus-6"),
            "tests/eval/causes-gold-fresh-6.tsv",
        ),
    ] {
        let causes = fixpath_tools::eval_causes::run(
            &articles,
            &includes,
            &root.join(gold),
            only_set.as_deref(),
        )?;
        print!("\n{}", causes.text);
    }
    Ok(())
}
