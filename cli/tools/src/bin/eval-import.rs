//! Measures the importer on the shared corpus against hand counts (see `fixpath_tools::eval_import`).
//!
//! `cargo run --release -p fixpath-tools --bin eval-import [-- CORPUS_DIR GOLD_TSV...]`:
//! by default the shared gold (the articles the rules were written against) and this
//! repository's `tests/eval/structure-gold-unseen.tsv` (articles counted later, from other
//! shapes).

use fixpath_tools::common;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
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
    Ok(())
}
