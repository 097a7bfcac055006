//! End-to-end tests: run the real `fixpath` binary and snapshot what it prints.

mod util;
