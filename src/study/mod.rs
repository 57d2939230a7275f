//! The study: types, parsing, validation and the canonical writers. Pure:
//! it takes [`StudyFiles`] (bytes by path) and returns values.

pub mod code_lookup;
pub mod codebook;
pub mod files;
pub mod load;
pub mod parse;
pub mod problem;
pub mod text;
pub mod types;
pub mod validate;
pub mod write;

pub use files::StudyFiles;
pub use load::Loaded;
pub use problem::{Location, Problem};
pub use types::*;

/// Load a study and check it whole: every problem at once, in file order.
pub fn check(files: &StudyFiles) -> Loaded {
    let mut loaded = load::load(files);
    let more = validate::validate(&loaded, files);
    loaded.problems.extend(more);
    loaded.problems.sort();
    loaded.problems.dedup();
    loaded
}
