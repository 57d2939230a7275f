//! The optional `[PATH]` every study command takes, and opening the study
//! it names.

use std::path::{Path, PathBuf};

use crate::repo::RepoError;
use crate::repo::cache::Opened;
use crate::repo::locate::{display_path, find_study_root};
use crate::repo::read::{FileReads, read_study};
use crate::study::{self, Loaded};

/// A study found on disk, read and checked.
pub struct OpenStudy {
    pub loaded: Loaded,
}

pub fn open(path: Option<&Path>) -> Result<OpenStudy, RepoError> {
    let (root, _) = locate(path)?;
    let files = read_study(&root)?;
    let loaded = study::check_owned(files);
    Ok(OpenStudy { loaded })
}

/// A study found on disk, opened through the derived cache
/// (`repo/cache.rs`): nothing is read or checked until a command asks for
/// a value the cache does not hold.
pub struct CachedStudy<'r> {
    /// The root as the user should see it in messages (relative if possible).
    pub shown: String,
    pub study: Opened<'r>,
}

pub fn open_cached<'r>(
    path: Option<&Path>,
    reads: &'r FileReads,
) -> Result<CachedStudy<'r>, RepoError> {
    let (root, shown) = locate(path)?;
    let mut study = Opened::open(&root, reads)?;
    // Every command opened so (check, status, units, agreement) shows summaries only.
    study.for_summaries();
    Ok(CachedStudy { shown, study })
}

/// The study's root, and how to show it.
fn locate(path: Option<&Path>) -> Result<(PathBuf, String), RepoError> {
    let cwd = std::env::current_dir().map_err(|source| RepoError::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let root = find_study_root(path.unwrap_or(&cwd), path.is_some())?;
    let shown = display_path(&root, &cwd.canonicalize().unwrap_or(cwd));
    Ok((root, shown))
}
