//! The optional `[PATH]` every study command takes, and opening the study
//! it names.

use std::path::{Path, PathBuf};

use crate::repo::RepoError;
use crate::repo::locate::{display_path, find_study_root};
use crate::repo::read::read_study;
use crate::study::{self, Loaded};

/// A study found on disk, read and checked.
pub struct OpenStudy {
    /// The root as the user should see it in messages (relative if possible).
    pub shown: String,
    pub loaded: Loaded,
}

pub fn open(path: Option<&Path>) -> Result<OpenStudy, RepoError> {
    let cwd = std::env::current_dir().map_err(|source| RepoError::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let root = find_study_root(path.unwrap_or(&cwd), path.is_some())?;
    let files = read_study(&root)?;
    let loaded = study::check(&files);
    let shown = display_path(&root, &cwd.canonicalize().unwrap_or(cwd));
    Ok(OpenStudy { shown, loaded })
}
