//! fixpath's measuring tools: they run with `cargo run -p fixpath-tools --bin NAME` and are
//! never installed with `fixpath` (`cargo install --path cli` installs the one binary).
//!
//! - `eval-import`: the importer against the hand counts (also run by the end-to-end tests
//!   through [`eval_import::run`]), and the drafted checks against the causes gold
//!   ([`eval_causes::run`]);
//! - `eval-search`: relevance against two baselines;
//! - `bench-search`: search speed at 10,000 articles against ripgrep;
//! - `bench-planner`: simulated sessions, the planner against the authored-order walk.

pub mod common;
pub mod eval_causes;
pub mod eval_import;
pub mod postgres;
pub mod server;
pub mod simulate;
