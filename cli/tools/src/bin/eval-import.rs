//! Measures the importer on the shared corpus against hand counts (see `fixpath_tools::eval_import`).
//!
//! `cargo run --release -p fixpath-tools --bin eval-import [-- CORPUS_DIR GOLD_TSV]`

use fixpath_tools::common;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let corpus = common::path_arg(&mut args, "shared/corpus/dev");
    let gold = common::path_arg(&mut args, "shared/eval/structure-gold.tsv");
    print!("{}", fixpath_tools::eval_import::run(&corpus, &gold)?);
    Ok(())
}
