//! Reading a study from the working tree into [`StudyFiles`].

use std::fs;
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
    } else if meta.len() > MAX_FILE_BYTES {
        files.skipped.push((
            rel.to_string(),
            format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
        ));
    } else {
        match fs::read(&path) {
            Ok(bytes) => files.insert(rel, bytes),
            Err(e) => files.skipped.push((rel.to_string(), e.to_string())),
        }
    }
}
