//! Finding the study: the nearest folder at or above a path that holds a
//! `concord.toml`.

use std::path::{Path, PathBuf};

use crate::repo::RepoError;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, MANIFEST, TRANSCRIPTS_DIR};

/// The study root for `start`: the nearest folder at or above it with a
/// manifest. A folder named explicitly that has a study's folders but no
/// manifest is taken as the root too, so that `check` can say the manifest
/// is missing rather than that there is no study.
pub fn find_study_root(start: &Path, named_explicitly: bool) -> Result<PathBuf, RepoError> {
    let start = start.canonicalize().map_err(|source| RepoError::Read {
        path: start.to_path_buf(),
        source,
    })?;
    if !start.is_dir() {
        return Err(RepoError::Read {
            path: start.clone(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        });
    }
    for dir in start.ancestors() {
        if dir.join(MANIFEST).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    if named_explicitly
        && [CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR]
            .iter()
            .any(|d| start.join(d).is_dir())
    {
        return Ok(start);
    }
    Err(RepoError::NoStudy(start))
}

/// How to show `root` to a user whose current folder is `cwd`: relative
/// when it is below or above it, absolute otherwise.
pub fn display_path(root: &Path, cwd: &Path) -> String {
    if let Ok(rel) = root.strip_prefix(cwd) {
        return rel.to_string_lossy().into_owned();
    }
    if let Ok(rel) = cwd.strip_prefix(root) {
        let ups = rel.components().count();
        return vec![".."; ups].join("/");
    }
    root.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_up_to_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), "").unwrap();
        let deep = dir.path().join("codings/coder-a");
        std::fs::create_dir_all(&deep).unwrap();
        let root = find_study_root(&deep, false).unwrap();
        assert_eq!(root, dir.path().canonicalize().unwrap());
        assert_eq!(display_path(&root, &root.join("codings/coder-a")), "../..");
        assert_eq!(display_path(&root.join("x"), &root), "x");
    }

    #[test]
    fn no_study_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            find_study_root(dir.path(), true),
            Err(RepoError::NoStudy(_))
        ));
    }
}
