//! The study: types, parsing, validation and the canonical writers. Pure:
//! it takes [`StudyFiles`] (bytes by path) and returns values.

pub mod cases;
pub mod code_lookup;
pub mod codebook;
pub mod files;
pub mod left_out;
pub mod load;
pub mod packed;
pub mod palette;
pub mod parse;
pub mod parts;
pub mod problem;
pub mod reanchor;
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

/// [`check`] of files it may keep: each transcript's bytes become its text
/// without a copy (the checks need only the other files' bytes, for lines
/// and columns), so a large study is not held twice. The same result.
pub fn check_owned(mut files: StudyFiles) -> Loaded {
    let paths: Vec<String> = files
        .files
        .keys()
        .filter(|p| matches!(files::role_of(p), files::FileRole::Transcript { .. }))
        .cloned()
        .collect();
    let owned: Vec<(String, Vec<u8>)> = paths
        .into_iter()
        .filter_map(|p| files.files.remove(&p).map(|b| (p, b)))
        .collect();
    let mut loaded = load::load(&files);
    load::add_transcripts(&mut loaded, owned);
    let more = validate::validate(&loaded, &files);
    loaded.problems.extend(more);
    loaded.problems.sort();
    loaded.problems.dedup();
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::synthetic::{Params, synthetic_study};

    /// Keeping the transcripts' bytes changes nothing of the result: on the
    /// sample, a synthetic study, and one with a transcript not in UTF-8,
    /// one with CRLF and a coding whose quote no longer matches.
    #[test]
    fn checking_owned_files_is_checking_borrowed_ones() {
        let mut broken = synthetic_study(&Params {
            transcripts: 20,
            chars: 800,
            coders: 2,
            excerpts: 4,
            seed: 3,
        });
        broken.insert("transcripts/t0002.txt", b"caf\xe9\n".to_vec());
        broken.insert("transcripts/t0003.txt", "MOD: a\r\nP01: b\r\n");
        for files in [crate::sample::sample_study(), broken] {
            let a = check(&files);
            let b = check_owned(files.clone());
            assert_eq!(a.study, b.study);
            assert_eq!(a.problems, b.problems);
            assert_eq!(a.unreadable_transcripts, b.unreadable_transcripts);
        }
    }
}
