//! The bundled sample study (the top-level `codebook/` folder of the
//! repository), embedded in the binary so an installed concord carries it.

pub mod synthetic;

use include_dir::{Dir, include_dir};

use crate::study::StudyFiles;

static SAMPLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/codebook");

/// The folders and files of the sample that make up the study itself; the
/// annotated sources it was generated from stay out.
const STUDY_PARTS: [&str; 5] = [
    "concord.toml",
    "README.md",
    "codebook/",
    "transcripts/",
    "codings/",
];

/// The earlier codebook files that the demo's history starts from, under
/// `source/codebook-v1/`, by study-relative path.
const V1_PREFIX: &str = "source/codebook-v1/";

/// The sample study as it is now.
pub fn sample_study() -> StudyFiles {
    let mut files = StudyFiles::default();
    collect(&SAMPLE, &mut |path, bytes| {
        if STUDY_PARTS
            .iter()
            .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
        {
            files.insert(path, bytes);
        }
    });
    files
}

/// The codebook files as they were before the demo's revision commit:
/// study-relative path to earlier contents.
pub fn first_codebook_versions() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    collect(&SAMPLE, &mut |path, bytes| {
        if let Some(rel) = path.strip_prefix(V1_PREFIX) {
            out.push((rel.to_string(), bytes.to_vec()));
        }
    });
    out
}

fn collect(dir: &Dir<'static>, f: &mut dyn FnMut(&str, &[u8])) {
    for file in dir.files() {
        if let Some(path) = file.path().to_str() {
            f(&path.replace('\\', "/"), file.contents());
        }
    }
    for sub in dir.dirs() {
        collect(sub, f);
    }
}
