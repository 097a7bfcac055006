//! Links the `fixpath` binary as a position-dependent executable on Linux: the dynamic
//! loader then has no relocations to apply at start (a PIE of this size has tens of
//! thousands), which a command that runs for a few milliseconds notices.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let gnu = std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|env| env == "gnu");
    if linux && gnu {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
