//! Reading a study from the working tree into [`StudyFiles`]: first a
//! listing (names and `stat` data, no contents), then the contents of the
//! listed files. The cache (`repo/cache.rs`) works from the listing alone
//! when nothing changed; [`FileReads`] counts what was read, so a test can
//! see that it did.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::repo::RepoError;
use crate::study::StudyFiles;
use crate::study::files::{
    CODEBOOK_DIR, CODINGS_DIR, DECISIONS_DIR, FileRole, MANIFEST, TRANSCRIPTS_DIR, role_of,
};

/// A study file larger than this is not read (and `check` says so): no
/// transcript, codebook entry or log of a real study comes near it.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The study's files by name and `stat` data, contents not read.
#[derive(Debug, Default)]
pub struct Listing {
    /// Study-relative path and metadata, in path order.
    pub files: Vec<(String, fs::Metadata)>,
    /// Paths not taken, with the reason (as [`StudyFiles::skipped`]).
    pub skipped: Vec<(String, String)>,
}

/// How many files of each kind were read (their contents), for tests.
#[derive(Debug, Default)]
pub struct FileReads {
    transcripts: AtomicUsize,
    others: AtomicUsize,
    /// Which files, in the order read.
    paths: std::sync::Mutex<Vec<String>>,
}

impl FileReads {
    pub fn transcripts(&self) -> usize {
        self.transcripts.load(Ordering::Relaxed)
    }
    pub fn others(&self) -> usize {
        self.others.load(Ordering::Relaxed)
    }
    /// The study-relative paths read, in order.
    pub fn paths(&self) -> Vec<String> {
        self.paths.lock().map(|p| p.clone()).unwrap_or_default()
    }
    fn count(&self, rel: &str) {
        if let Ok(mut p) = self.paths.lock() {
            p.push(rel.to_string());
        }
        let which = match role_of(rel) {
            FileRole::Transcript { .. } => &self.transcripts,
            _ => &self.others,
        };
        which.fetch_add(1, Ordering::Relaxed);
    }
}

/// Read the manifest and everything under the study's folders. Symbolic
/// links are not followed (a study from elsewhere must not reach outside
/// its folder); they are listed as skipped.
pub fn read_study(root: &Path) -> Result<StudyFiles, RepoError> {
    read_study_counted(root, &FileReads::default())
}

/// [`read_study`], counting the files read in `reads`.
pub fn read_study_counted(root: &Path, reads: &FileReads) -> Result<StudyFiles, RepoError> {
    let listing = list_study(root)?;
    Ok(read_listed(root, &listing, reads))
}

/// The study read and parsed at once ([`crate::study::load::load_reading`]):
/// each file read by the thread that parses it, its bytes freed once
/// parsed (a transcript's kept as its text), for a command that needs the
/// parsed study and not the files.
pub fn read_and_load(root: &Path) -> Result<crate::study::load::Loaded, RepoError> {
    let listing = list_study(root)?;
    let paths: Vec<String> = listing.files.iter().map(|(rel, _)| rel.clone()).collect();
    let reads = FileReads::default();
    let read = |rel: &str| read_file(root, rel, &reads).map_err(|e| e.to_string());
    Ok(crate::study::load::load_reading(
        &paths,
        &listing.skipped,
        &read,
    ))
}

/// The study's files, without their contents.
pub fn list_study(root: &Path) -> Result<Listing, RepoError> {
    let mut listing = Listing::default();
    // The root itself must be readable, or nothing can be said.
    fs::read_dir(root).map_err(|source| RepoError::Read {
        path: root.to_path_buf(),
        source,
    })?;
    list_entry(root, MANIFEST, &mut listing);
    list_entry(root, crate::study::cases::CASES_FILE, &mut listing);
    for dir in [CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR, DECISIONS_DIR] {
        list_entry(root, dir, &mut listing);
    }
    listing.files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(listing)
}

/// The contents of every listed file.
pub fn read_listed(root: &Path, listing: &Listing, reads: &FileReads) -> StudyFiles {
    let mut files = StudyFiles {
        skipped: listing.skipped.clone(),
        ..StudyFiles::default()
    };
    for (rel, _) in &listing.files {
        match read_file(root, rel, reads) {
            Ok(bytes) => files.insert(rel.as_str(), bytes),
            Err(e) => files.skipped.push((rel.clone(), e.to_string())),
        }
    }
    files
}

/// One listed file's contents, counted (as every study file is read:
/// through [`read_regular_file`]).
pub fn read_file(root: &Path, rel: &str, reads: &FileReads) -> Result<Vec<u8>, NotRead> {
    reads.count(rel);
    read_regular_file(&root.join(rel), MAX_FILE_BYTES)
}

fn list_entry(root: &Path, rel: &str, listing: &mut Listing) {
    let path = root.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            listing.skipped.push((rel.to_string(), e.to_string()));
            return;
        }
    };
    if meta.file_type().is_symlink() {
        listing
            .skipped
            .push((rel.to_string(), "symbolic links are not followed".into()));
    } else if meta.is_dir() {
        let entries = match fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) => {
                listing.skipped.push((rel.to_string(), e.to_string()));
                return;
            }
        };
        for entry in entries.flatten() {
            match entry.file_name().to_str() {
                Some(name) => list_entry(root, &format!("{rel}/{name}"), listing),
                None => listing.skipped.push((
                    format!("{rel}/{}", entry.file_name().to_string_lossy()),
                    "the file name is not valid UTF-8".into(),
                )),
            }
        }
    } else if !meta.is_file() {
        // A FIFO, socket or device is never opened (see read_regular_file).
        listing
            .skipped
            .push((rel.to_string(), NotRead::NotRegular.to_string()));
    } else if meta.len() > MAX_FILE_BYTES {
        listing.skipped.push((
            rel.to_string(),
            NotRead::TooLarge(MAX_FILE_BYTES).to_string(),
        ));
    } else {
        listing.files.push((rel.to_string(), meta));
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
    read_regular_file_seen(path, max).map(|(bytes, _)| bytes)
}

/// [`read_regular_file`], with the file's metadata as it was just before
/// it was read (what git's index records of a file it takes).
pub fn read_regular_file_seen(path: &Path, max: u64) -> Result<(Vec<u8>, fs::Metadata), NotRead> {
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
    Ok((bytes, meta))
}
