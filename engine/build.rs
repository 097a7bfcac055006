//! Rebuilds the engine when the embedded KB or templates change (include_dir alone does not tell cargo).

fn main() {
    println!("cargo:rerun-if-changed=../kb");
    println!("cargo:rerun-if-changed=../templates");
}
