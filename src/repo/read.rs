//! Reading a study from the working tree into [`StudyFiles`].

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::repo::RepoError;
use crate::study::StudyFiles;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, DECISIONS_DIR, MANIFEST, TRANSCRIPTS_DIR};

/// A study file larger than this is not read (and `check` says so): no
/// transcript, codebook entry or log of a real study comes near it.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Read the manifest and everything under the study's folders. Symbolic
/// links are not followed (a study from elsewhere must not reach outside
/// its folder); they are listed as skipped.
pub fn read_study(root: &Path) -> Result<StudyFiles, RepoError> {
    let mut files = StudyFiles::default();
    // The root itself must be readable, or nothing can be said.
    fs::read_dir(root).map_err(|source| RepoError::Read {
        path: root.to_path_buf(),
        source,
    })?;
    read_entry(root, MANIFEST, &mut files);
    for dir in [CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR, DECISIONS_DIR] {
        read_entry(root, dir, &mut files);
    }
    Ok(files)
}

fn read_entry(root: &Path, rel: &str, files: &mut StudyFiles) {
    let path = root.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            files.skipped.push((rel.to_string(), e.to_string()));
            return;
        }
    };
    if meta.file_type().is_symlink() {
        files
            .skipped
            .push((rel.to_string(), "symbolic links are not followed".into()));
    } else if meta.is_dir() {
        let entries = match fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) => {
                files.skipped.push((rel.to_string(), e.to_string()));
                return;
            }
        };
        for entry in entries.flatten() {
            match entry.file_name().to_str() {
                Some(name) => read_entry(root, &format!("{rel}/{name}"), files),
                None => files.skipped.push((
                    format!("{rel}/{}", entry.file_name().to_string_lossy()),
                    "the file name is not valid UTF-8".into(),
                )),
            }
        }
    } else {
        match read_regular_file(&path, MAX_FILE_BYTES) {
            Ok(bytes) => files.insert(rel, bytes),
            Err(why) => files.skipped.push((rel.to_string(), why.to_string())),
        }
    }
}

/// Why [`read_regular_file`] did not read a file.
#[derive(Debug, thiserror::Error)]
pub enum NotRead {
    /// A FIFO, socket or device: reading it could block forever (a FIFO
    /// with no writer) or never end (a device), so it is never opened for
    /// reading.
    #[error("not a regular file")]
    NotRegular,
    #[error("symbolic links are not followed")]
    Link,
    #[error("larger than {} MiB", .0 / (1024 * 1024))]
    TooLarge(u64),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The bytes of the regular file at `path`, if it is one and at most
/// `max` bytes long. Everything concord reads from a folder it does not
/// control goes through here: the type is checked before opening (a FIFO
/// would block `open` itself), the file is opened without following a link
/// and without blocking, and checked again on the open handle, so a file
/// swapped for a FIFO or a link in between is refused too.
pub fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, NotRead> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(NotRead::Link);
    }
    if !meta.is_file() {
        return Err(NotRead::NotRegular);
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let mut file = options.open(path).map_err(|e| {
        // O_NOFOLLOW on a link that appeared since the check.
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return NotRead::Link;
        }
        NotRead::Io(e)
    })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(NotRead::NotRegular);
    }
    if meta.len() > max {
        return Err(NotRead::TooLarge(max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read at most one byte past the bound: a file that grew meanwhile is refused, not read whole.
    file.by_ref().take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(NotRead::TooLarge(max));
    }
    Ok(bytes)
}
