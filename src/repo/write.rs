//! Writing files so that a crash, a kill or a full disk never leaves a
//! half-written file: write a temporary file beside the target, flush it
//! to disk, then rename it over the target.

use std::io::Write;
use std::path::Path;

use crate::repo::RepoError;

/// The start of the name of a temporary file [`write_atomically`] makes
/// (a hidden file, so a study check ignores one a kill left behind; the
/// next decision's start removes those in `decisions/`).
pub const TEMPORARY_PREFIX: &str = ".concord-write-";

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RepoError> {
    let err = |source| RepoError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Write a new file, refusing to replace one that exists.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), RepoError> {
    if path.exists() {
        return Err(RepoError::Refused(format!(
            "{} exists already; concord does not overwrite it",
            path.display()
        )));
    }
    write_atomically(path, bytes)
}
