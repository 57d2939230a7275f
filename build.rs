//! The sample study in `codebook/` is embedded with `include_dir!`, which
//! cannot tell cargo about files added later; watching the folder here makes
//! any change to the sample rebuild the binary that carries it.
fn main() {
    println!("cargo:rerun-if-changed=codebook");
}
