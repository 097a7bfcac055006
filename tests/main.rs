//! End-to-end tests: run the real `fixpath` binary and snapshot what it prints.
//!
//! One module per command; fixtures live in `tests/fixtures/<command>/<case>/`.

mod util;

mod ask;
mod browser;
mod check;
mod hostile;
mod import;
mod import_checks;
mod kb;
mod learn;
mod render;
mod search;
mod serve;
mod serve_api;
mod serve_editor;
mod serve_shift;
mod solve;
mod terminal;
