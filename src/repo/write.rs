//! Writing files so that a crash, a kill or a full disk never leaves a
//! half-written file: write a temporary file beside the target, flush it
//! to disk, then rename it over the target.
//!
//! The file gets the mode git would give it: a replaced file keeps its
//! mode, a new one is created `0666` less the umask (on a shared server the
//! team can read what concord writes, as it can read what git checks out).

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
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode the open asks for; the operating system takes the umask off it.
        let mode = match std::fs::metadata(path) {
            Ok(m) => m.permissions().mode() & 0o7777,
            Err(_) => 0o666,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    #[cfg(unix)]
    if let Ok(m) = std::fs::metadata(path) {
        // A replaced file keeps its mode exactly, whatever the umask.
        let _ = tmp.as_file().set_permissions(m.permissions());
    }
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        for m in [0o640, 0o664, 0o600] {
            let path = dir.path().join(format!("f{m:o}"));
            std::fs::write(&path, "old\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
            write_atomically(&path, b"new\n").unwrap();
            assert_eq!(mode(&path), m, "{m:o}");
            assert_eq!(std::fs::read(&path).unwrap(), b"new\n");
        }
    }

    #[test]
    fn a_new_file_is_readable_by_others_as_a_plain_create_is() {
        // The umask is the process's: compare with what a plain create gets under it.
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "x").unwrap();
        let ours = dir.path().join("sub/ours");
        write_atomically(&ours, b"x").unwrap();
        assert_eq!(mode(&ours), mode(&plain));
    }
}
