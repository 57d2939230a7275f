//! Writing files so that a crash, a kill or a full disk never leaves a
//! half-written file: write a temporary file beside the target, flush it
//! to disk, then rename it over the target.
//!
//! The file gets the mode git would give it: a replaced file keeps its
//! mode, a new one is created `0666` less the umask (on a shared server the
//! team can read what concord writes, as it can read what git checks out).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::repo::RepoError;

/// The start of the name of a temporary file [`write_atomically`] makes
/// (a hidden file, so a study check ignores one a kill left behind; the
/// next decision's start removes those in `decisions/`).
pub const TEMPORARY_PREFIX: &str = ".concord-write-";

/// Up to this many files, [`prepare_all`] holds their temporary files open
/// until their rename (well under the usual limit of 1,024 open files per
/// process); more are closed and opened again.
const OPEN_AT_ONCE: usize = 256;

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RepoError> {
    let mut done = write_all_atomically(&[(path, bytes)]);
    done.pop().unwrap_or(Ok(None)).map(|_| ())
}

/// Write every `(path, bytes)` as [`write_atomically`] does: each file
/// flushed to disk before it replaces its target whole, with the waiting
/// on the disk shared ([`prepare_all`], then [`replace_all`]). Returns, per
/// file, what the file system says of the file written (for git's index;
/// `None` where the platform gives no such record) or why it could not be
/// written.
pub fn write_all_atomically(
    files: &[(&Path, &[u8])],
) -> Vec<Result<Option<std::fs::Metadata>, RepoError>> {
    replace_all(prepare_all(files))
}

/// Files written to temporary files beside their targets, not yet in their
/// place: invisible to a study (hidden names), removed if dropped (and by
/// the next start if a kill leaves them, see `recover`).
pub struct Prepared {
    files: Vec<Result<Staged, RepoError>>,
}

struct Staged {
    target: PathBuf,
    tmp: tempfile::TempPath,
    /// Held open while few files are written; many are closed after
    /// writing (opened again to be flushed, and to be renamed), so that
    /// any number can wait for their rename.
    open: Option<std::fs::File>,
}

/// Write each `(path, bytes)` to a temporary file beside `path`, on every
/// core, and flush each to disk. Every temporary file is made before any
/// target is replaced: on this machine's ext4 (no journal) each new file's
/// inode was found by stepping over the inodes that this run's own renames
/// had just freed, which made creating them quadratic in their number (12%
/// of a large `concord reanchor`). The flushes are made here rather than at
/// the rename so that a caller doing other work meanwhile (the commit of
/// `concord reanchor` compressing its pack) waits on the disk while it
/// computes, not after.
pub fn prepare_all(files: &[(&Path, &[u8])]) -> Prepared {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RepoError::Write { path, source }
    };
    let keep_open = files.len() <= OPEN_AT_ONCE;
    let written = crate::repo::threads::each(files.len(), |i| {
        let (path, bytes) = files[i];
        let mut tmp = temporary_beside(path).map_err(err(path))?;
        tmp.write_all(bytes).map_err(err(path))?;
        start_writing_to_disk(tmp.as_file());
        let (file, tmp) = tmp.into_parts();
        Ok(Staged {
            target: path.to_path_buf(),
            tmp,
            open: keep_open.then_some(file),
        })
    });
    // Then each flushed, on several threads at once: the writing started
    // above is mostly done by now, and what waits on the disk waits on
    // many at once.
    let files = crate::repo::threads::each_waiting(written, |s: Result<Staged, RepoError>| {
        let s = s?;
        match &s.open {
            Some(f) => f.sync_all().map_err(err(&s.target))?,
            None => std::fs::File::open(&s.tmp)
                .and_then(|f| f.sync_all())
                .map_err(err(&s.target))?,
        }
        Ok(s)
    });
    Prepared { files }
}

/// Rename each prepared file (already on disk, see [`prepare_all`]) over
/// its target, on several threads at once; then flush each folder once, so
/// that the renames last too. A kill leaves some files old and some new,
/// each whole, and temporary files. Per file, in order: its record (see
/// [`write_all_atomically`]) or why it could not be written.
pub fn replace_all(prepared: Prepared) -> Vec<Result<Option<std::fs::Metadata>, RepoError>> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RepoError::Write { path, source }
    };
    let done = crate::repo::threads::each_waiting(prepared.files, |s| {
        let s = s?;
        // Opened before the rename, so that its record is of this file
        // whatever replaces the target later.
        let file = match s.open {
            Some(f) => f,
            None => std::fs::File::open(&s.tmp).map_err(err(&s.target))?,
        };
        s.tmp
            .persist(&s.target)
            .map_err(|e| err(&s.target)(e.error))?;
        Ok((s.target, record_of(&file)))
    });
    let mut folders: Vec<PathBuf> = Vec::new();
    for (target, _) in done.iter().flatten() {
        let dir = target.parent().unwrap_or(Path::new("."));
        if !folders.iter().any(|f| f == dir) {
            folders.push(dir.to_path_buf());
        }
    }
    for dir in folders {
        // Where a folder cannot be opened or flushed (some file systems
        // refuse), each file is still whole: only a rename may not survive
        // a power cut, and the commit holds what it wrote.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    done.into_iter().map(|r| r.map(|(_, seen)| seen)).collect()
}

/// A temporary file beside `path`, in its folder (made if missing), with
/// the mode git would give `path` (see the module's text).
fn temporary_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
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
    let tmp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    if let Ok(m) = std::fs::metadata(path) {
        // A replaced file keeps its mode exactly, whatever the umask.
        let _ = tmp.as_file().set_permissions(m.permissions());
    }
    Ok(tmp)
}

/// Ask the kernel to start writing `file` to disk without waiting, so that
/// the flushes that follow find most of the writing done (what git's
/// `core.fsyncMethod = batch` does on Linux; the flush itself is still
/// made for every file).
pub(crate) fn start_writing_to_disk(file: &std::fs::File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: a descriptor this `File` owns for the call's duration; the
        // call only schedules writeback. Failure is harmless: the flush waits.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// The file system's record of `file` (read after the rename, which
/// changes a file's ctime), as git's index keeps it.
fn record_of(file: &std::fs::File) -> Option<std::fs::Metadata> {
    if cfg!(unix) {
        file.metadata().ok()
    } else {
        None
    }
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
    fn many_files_are_each_written_whole_with_their_modes_and_no_temporary_left() {
        // Enough files for several batches, written on several threads.
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<_> = (0..600)
            .map(|i| dir.path().join(format!("sub{}/f{i}", i % 3)))
            .collect();
        for p in &paths[..300] {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "old\n").unwrap();
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let texts: Vec<String> = (0..600).map(|i| format!("new {i}\n")).collect();
        let files: Vec<(&Path, &[u8])> = paths
            .iter()
            .zip(&texts)
            .map(|(p, t)| (p.as_path(), t.as_bytes()))
            .collect();
        let done = write_all_atomically(&files);
        for ((p, t), d) in paths.iter().zip(&texts).zip(&done) {
            let seen = d.as_ref().unwrap().as_ref().unwrap();
            assert_eq!(&std::fs::read_to_string(p).unwrap(), t);
            // What is returned is the file now at the path.
            use std::os::unix::fs::MetadataExt;
            let now = std::fs::metadata(p).unwrap();
            assert_eq!((seen.ino(), seen.len()), (now.ino(), now.len()));
        }
        assert_eq!(mode(&paths[7]), 0o640, "a replaced file keeps its mode");
        for sub in 0..3 {
            let left: Vec<_> = std::fs::read_dir(dir.path().join(format!("sub{sub}")))
                .unwrap()
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(TEMPORARY_PREFIX)
                })
                .collect();
            assert!(left.is_empty(), "temporary files left: {left:?}");
        }
    }

    #[test]
    fn a_file_that_cannot_be_written_does_not_stop_the_others() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where a file should be: its file's folder cannot be made.
        std::fs::write(dir.path().join("blocked"), "a file").unwrap();
        let ok = dir.path().join("ok.txt");
        let bad = dir.path().join("blocked/inside.txt");
        let done = write_all_atomically(&[(&ok, b"yes\n"), (&bad, b"no\n")]);
        assert!(done[0].is_ok());
        assert!(done[1].is_err());
        assert_eq!(std::fs::read_to_string(&ok).unwrap(), "yes\n");
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
