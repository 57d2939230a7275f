//! Recording decisions: append lines to `decisions/<transcript>.jsonl` and
//! commit them, so that a decision is durable in git before the screen
//! calls it done.
//!
//! The commit is built from the branch tip's tree, not from the index, and
//! the branch moves only if it still points at that tip (git2's
//! compare-and-swap). If another reviewer committed meanwhile, the log is
//! re-read from the new tip, the lines re-applied and the commit tried
//! again; if they decided one of the same units, nothing is written and the
//! caller is told, so the conflict can be shown rather than overwritten.
//! Afterwards the working tree and the index hold exactly the committed
//! file, so `git status` stays clean.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use git2::{ErrorCode, Repository};

use crate::repo::RepoError;
use crate::repo::git::Person;
use crate::repo::index_stat::IndexStat;
use crate::repo::read::{MAX_FILE_BYTES, NotRead, read_regular_file};
use crate::repo::write::{Prepared, prepare_all, replace_all, write_all_atomically};
use crate::study::Decision;
use crate::study::files::decisions_path;
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::write::decision_line;

/// How often to re-apply on a moved branch before giving up.
const ATTEMPTS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub commit: git2::Oid,
    /// How many times the branch had moved under us.
    pub retries: usize,
    /// Committed, but the working file or index could not be brought up to
    /// the commit (a disk that filled in between): why. The decision is
    /// durable; the next start puts the working tree in step (`recover`).
    pub worktree_behind: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(
        "{unit} was decided meanwhile by {by} (decision {decision}); nothing was written — look at it again"
    )]
    DecidedMeanwhile {
        unit: String,
        decision: String,
        by: String,
    },
    #[error(
        "{0} has changes that are not committed; commit or restore them first (concord does not overwrite them)"
    )]
    UncommittedChanges(String),
    #[error(
        "coding {coding} in {file} was changed meanwhile (another session of the same coder?); nothing was written — look at it again"
    )]
    CodingChangedMeanwhile { coding: String, file: String },
    #[error("the branch kept moving ({0} attempts); try again")]
    Contended(usize),
    #[error(
        "the disk is full ({0}); nothing was recorded and nothing was damaged — free some space and decide again"
    )]
    DiskFull(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<git2::Error> for RecordError {
    fn from(e: git2::Error) -> Self {
        RecordError::Repo(RepoError::Git(e))
    }
}

/// Append `decisions` (all of one transcript) to its log and commit them on
/// the current branch, authored by `reviewer`.
pub fn record_decisions(
    study_root: &Path,
    transcript: &str,
    decisions: &[Decision],
    reviewer: &Person,
    message: &str,
) -> Result<Recorded, RecordError> {
    record_in_logs(
        study_root,
        &[(transcript.to_string(), decisions.to_vec())],
        reviewer,
        message,
    )
}

/// One log's part of a commit: where it is and what is appended.
pub(crate) struct Log {
    in_study: String,
    repo_path: String,
    on_disk: PathBuf,
    appended: String,
    decisions: Vec<Decision>,
}

impl Log {
    fn new(root: &Path, prefix: &Path, transcript: &str, decisions: &[Decision]) -> Log {
        let in_study = decisions_path(transcript);
        let repo_path = prefix.join(&in_study).to_string_lossy().replace('\\', "/");
        Log {
            on_disk: root.join(&in_study),
            in_study,
            repo_path,
            appended: decisions.iter().map(decision_line).collect(),
            decisions: decisions.to_vec(),
        }
    }
}

/// Commit `decisions` (lines a killed concord had written to the working
/// log of `transcript` but not committed) with the record lock already
/// held by the caller, and the working log already put back as committed.
pub(crate) fn finish_locked(
    repo: &Repository,
    study_root: &Path,
    transcript: &str,
    decisions: &[Decision],
    reviewer: &Person,
    message: &str,
) -> Result<Recorded, RecordError> {
    let (root, prefix) = study_in_repo(repo, study_root)?;
    let log = Log::new(&root, &prefix, transcript, decisions);
    let sig = git2::Signature::now(&reviewer.name, &reviewer.email)?;
    commit_logs(repo, std::slice::from_ref(&log), &sig, message)
}

/// Append each transcript's decisions to its log, all in one commit on the
/// current branch (a bulk decision is one commit), authored by `reviewer`.
/// Nothing is written unless every log can take its lines.
pub fn record_in_logs(
    study_root: &Path,
    logs: &[(String, Vec<Decision>)],
    reviewer: &Person,
    message: &str,
) -> Result<Recorded, RecordError> {
    let repo = Repository::discover(study_root).map_err(RepoError::Git)?;
    let (root, prefix) = study_in_repo(&repo, study_root)?;
    let logs: Vec<Log> = logs
        .iter()
        .map(|(transcript, decisions)| Log::new(&root, &prefix, transcript, decisions))
        .collect();
    let sig = git2::Signature::now(&reviewer.name, &reviewer.email)?;
    // One recording at a time in this clone: two processes must not both
    // read the tip, and the working file and index written after a commit
    // must be that commit's (another process's later commit would otherwise
    // be undone in the working tree). Other clones are kept apart by the
    // compare-and-swap on the branch.
    let _lock = RecordLock::take(&repo).map_err(|e| disk_full(e.into()))?;
    commit_logs(&repo, &logs, &sig, message).map_err(disk_full)
}

/// A failure for want of space, said as such (git2 and the file system
/// each word it their own way).
fn disk_full(e: RecordError) -> RecordError {
    let text = e.to_string();
    let full = text.contains("No space left")
        || text.contains("os error 28")
        || text.contains("Disk quota exceeded")
        || text.contains("os error 122");
    match e {
        RecordError::Repo(_) if full => RecordError::DiskFull(text),
        other => other,
    }
}

/// The commit itself, with the record lock held.
fn commit_logs(
    repo: &Repository,
    logs: &[Log],
    sig: &git2::Signature,
    message: &str,
) -> Result<Recorded, RecordError> {
    let files: Vec<FileChange<'_>> = logs
        .iter()
        .map(|log| FileChange {
            in_study: &log.in_study,
            repo_path: &log.repo_path,
            on_disk: &log.on_disk,
            working: Working::Written,
            change: Box::new(move |base: Option<Committed>| {
                let base = base.map(|c| c.text()).transpose()?.unwrap_or_default();
                if let Some(clash) = already_decided(&base, &log.repo_path, &log.decisions) {
                    return Err(clash);
                }
                let mut content = base;
                if !content.is_empty() && !content.ends_with('\n') {
                    content.push('\n');
                }
                content.push_str(&log.appended);
                Ok(Cow::Owned(content))
            }),
        })
        .collect();
    commit_files(repo, &files, sig, message)
}

/// The new text of one file from the file at the branch tip (`None` when
/// absent): made, or borrowed from the caller (a large commit's texts are
/// not copied). Run on any core (a large commit makes its files' blobs on
/// every core).
type Change<'a> =
    Box<dyn Fn(Option<Committed<'_>>) -> Result<Cow<'a, str>, RecordError> + Sync + 'a>;

/// A file as the branch tip holds it.
pub(crate) struct Committed<'r> {
    pub blob: git2::Oid,
    repo: &'r Repository,
}

impl Committed<'_> {
    /// Its text (invalid UTF-8 replaced), read from git only when asked: a
    /// large commit's changes need only the blob's id, and inflating 4,000
    /// committed files was a tenth of a large `concord reanchor`.
    pub fn text(&self) -> Result<String, git2::Error> {
        let blob = self.repo.find_blob(self.blob)?;
        Ok(String::from_utf8_lossy(blob.content()).into_owned())
    }
}

/// One file's part of a commit: where it is, and how its new text is made
/// from the committed one (run again on a moved branch).
pub(crate) struct FileChange<'a> {
    pub in_study: &'a str,
    pub repo_path: &'a str,
    pub on_disk: &'a Path,
    pub working: Working,
    pub change: Change<'a>,
}

/// What becomes of a committed file's working copy.
pub(crate) enum Working {
    /// It must be as committed before (or the user's edit would be lost),
    /// and takes the new text after the commit.
    Written,
    /// It already holds the new text (a transcript the user edited,
    /// committed by `concord reanchor`): it need not be as committed, and
    /// is not written. Its metadata as it was read, before its text was,
    /// goes into git's index with the committed blob (a later change of the
    /// file changes that metadata, so git looks at the file again).
    Kept(std::fs::Metadata),
}

/// The commit itself, with the record lock held: the tip's tree with each
/// file replaced by its change of the tip's version, and the branch moved
/// only if it still points at that tip (else everything is re-applied on
/// the new tip). A working file with edits not committed is never
/// overwritten; afterwards the working files and index match the commit.
pub(crate) fn commit_files(
    repo: &Repository,
    files: &[FileChange<'_>],
    sig: &git2::Signature,
    message: &str,
) -> Result<Recorded, RecordError> {
    for attempt in 0..ATTEMPTS {
        let tip = tip_of(repo)?;
        let tip_id = tip.as_ref().map(git2::Commit::id);
        // The files' new texts, on every core for a large commit (reading
        // the committed text and comparing the working file with it were
        // much of the time of `concord reanchor`).
        let texts = crate::repo::threads::each_with_repo(repo, files.len(), |repo, part| {
            let mut tip = TipFiles::new(repo, tip_id)?;
            // For many files, git's index tells most of them unchanged
            // without reading them (for one, reading it is cheaper).
            let index = (part.len() >= MANY_FILES)
                .then(|| IndexStat::open(repo))
                .flatten();
            files[part]
                .iter()
                .map(|file| new_text(&mut tip, index.as_ref(), file, attempt == 0))
                .collect::<Result<Vec<_>, RecordError>>()
        })?;
        // Their blobs: loose for a few, one pack for many (`repo::pack`).
        // For many, the working files' temporary files are written
        // meanwhile, so that the disk works while the blobs are made: they
        // are invisible until renamed, after the commit, and removed if
        // the commit is not made.
        let contents: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        let to_write = working_files(files, &texts);
        let (blobs, prepared) = if to_write.len() >= crate::repo::pack::PACK_FROM {
            std::thread::scope(|scope| {
                let prepared = scope.spawn(|| prepare_all(&to_write));
                let blobs = crate::repo::pack::write_blobs(repo, &contents);
                let prepared = prepared
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (blobs, Some(prepared))
            })
        } else {
            (crate::repo::pack::write_blobs(repo, &contents), None)
        };
        let blobs = blobs?;
        let made: Vec<(git2::Oid, Cow<'_, str>)> = blobs.into_iter().zip(texts).collect();
        // The new tree: the tip's, with the files replaced.
        let mut index = git2::Index::new()?;
        if let Some(c) = &tip {
            index.read_tree(&c.tree()?)?;
        }
        for (file, (blob, content)) in files.iter().zip(&made) {
            index.add(&index_entry(file.repo_path, *blob, None, content.len()))?;
        }
        let tree = repo.find_tree(index.write_tree_to(repo)?)?;
        let parents: Vec<&git2::Commit> = tip.iter().collect();
        match repo.commit(Some("HEAD"), sig, sig, message, &tree, &parents) {
            Ok(oid) => {
                let worktree_behind = worktree_takes(repo, files, &made, prepared);
                return Ok(Recorded {
                    commit: oid,
                    retries: attempt,
                    worktree_behind,
                });
            }
            // The branch moved (another reviewer): re-read and re-apply.
            Err(e) if e.code() == ErrorCode::Modified => continue,
            // Being written by a git command: give it a moment, then re-apply.
            Err(e) if e.code() == ErrorCode::Locked => {
                std::thread::sleep(std::time::Duration::from_millis(25 << attempt.min(5)));
                continue;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(RecordError::Contended(ATTEMPTS))
}

/// The files of `files` that concord writes, each with its new text.
fn working_files<'p, 't>(
    files: &'p [FileChange<'_>],
    texts: &'t [impl AsRef<str>],
) -> Vec<(&'p Path, &'t [u8])> {
    files
        .iter()
        .zip(texts)
        .filter(|(f, _)| matches!(f.working, Working::Written))
        .map(|(f, text)| (f.on_disk, text.as_ref().as_bytes()))
        .collect()
}

/// From this many files in a commit, git's index is read to tell the
/// unchanged working files.
const MANY_FILES: usize = 16;

/// One file's new text from the text in `tip` (its tree).
/// `check_working`: the working file must be as committed (told by
/// `index`'s stat data when it can, else by reading the file).
fn new_text<'a>(
    tip: &mut TipFiles<'_>,
    index: Option<&IndexStat>,
    file: &FileChange<'a>,
    check_working: bool,
) -> Result<Cow<'a, str>, RecordError> {
    let committed = tip.file(file.repo_path)?;
    let unchanged = || {
        let committed = committed.as_ref()?.blob;
        let meta = std::fs::symlink_metadata(file.on_disk).ok()?;
        (index?.unchanged(file.repo_path, &meta)? == committed).then_some(())
    };
    // The working copy must be what was committed, or the user's edit would be lost.
    if check_working && matches!(file.working, Working::Written) && unchanged().is_none() {
        let working = match read_regular_file(file.on_disk, MAX_FILE_BYTES) {
            Ok(bytes) => Some(bytes),
            Err(NotRead::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(RecordError::Repo(RepoError::Refused(format!(
                    "{}: {e}; concord writes only to a regular file",
                    file.in_study
                ))));
            }
        };
        // Compared by blob id, as git does (the committed text is not read).
        let working = working.as_deref().map(crate::repo::pack::blob_id);
        if working.is_some() && working != committed.as_ref().map(|c| c.blob) {
            return Err(RecordError::UncommittedChanges(file.in_study.to_string()));
        }
    }
    (file.change)(committed)
}

/// The files of the branch tip (none on an unborn branch), each folder's
/// tree found once: a folder of 1,000 codings files is a tree too large
/// for libgit2's object cache (4 KiB), and was read and parsed again for
/// every file looked up in it.
struct TipFiles<'r> {
    repo: &'r Repository,
    root: Option<git2::Tree<'r>>,
    folders: std::collections::HashMap<String, Option<git2::Tree<'r>>>,
}

impl<'r> TipFiles<'r> {
    fn new(repo: &'r Repository, tip: Option<git2::Oid>) -> Result<TipFiles<'r>, git2::Error> {
        let root = match tip {
            Some(id) => Some(repo.find_commit(id)?.tree()?),
            None => None,
        };
        Ok(TipFiles {
            repo,
            root,
            folders: Default::default(),
        })
    }

    /// The text of `path` (repository-relative), if it is there.
    fn file(&mut self, path: &str) -> Result<Option<Committed<'r>>, git2::Error> {
        let Some(root) = &self.root else {
            return Ok(None);
        };
        let Some((folder, name)) = path.rsplit_once('/') else {
            return committed_in(self.repo, root, path);
        };
        if !self.folders.contains_key(folder) {
            let tree = match root.get_path(Path::new(folder)) {
                Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => {
                    Some(self.repo.find_tree(e.id())?)
                }
                Ok(_) => None,
                Err(e) if e.code() == ErrorCode::NotFound => None,
                Err(e) => return Err(e),
            };
            self.folders.insert(folder.to_string(), tree);
        }
        match &self.folders[folder] {
            Some(tree) => committed_in(self.repo, tree, name),
            None => Ok(None),
        }
    }
}

/// After the commit: the working files first (all at once, flushed to disk
/// in batches), then the index in one write (a kill in between leaves what
/// `recover` puts in step). Why a file could not be brought in step, if one
/// could not.
fn worktree_takes(
    repo: &Repository,
    files: &[FileChange<'_>],
    made: &[(git2::Oid, Cow<'_, str>)],
    prepared: Option<Prepared>,
) -> Option<String> {
    let mut worktree_behind = None;
    let prepared = prepared.unwrap_or_else(|| {
        let texts: Vec<&Cow<'_, str>> = made.iter().map(|(_, t)| t).collect();
        prepare_all(&working_files(files, &texts))
    });
    let mut written = replace_all(prepared).into_iter();
    let mut in_step = Vec::with_capacity(files.len());
    for (file, (blob, _)) in files.iter().zip(made) {
        let seen = match &file.working {
            Working::Kept(seen) => Some(seen.clone()),
            Working::Written => match written.next() {
                Some(Ok(seen)) => seen,
                Some(Err(e)) => {
                    worktree_behind.get_or_insert(format!("{}: {e}", file.in_study));
                    continue;
                }
                None => continue,
            },
        };
        in_step.push(InStep {
            repo_path: file.repo_path,
            blob: *blob,
            seen,
        });
    }
    if let Err(e) = index_takes(repo, &in_step) {
        worktree_behind.get_or_insert(format!("git's index: {e}"));
    }
    worktree_behind
}

/// Commit a new version of one study file (`in_study`, study-relative) on
/// the current branch, authored by `author`, with the same lock and
/// compare-and-swap as decisions: `change` gets the file as committed at
/// the branch tip (`None` if absent) and returns its new text; on a moved
/// branch it runs again on the new tip's file, and may refuse.
pub fn commit_file(
    study_root: &Path,
    in_study: &str,
    author: &Person,
    message: &str,
    change: impl Fn(Option<String>) -> Result<String, RecordError> + Sync,
) -> Result<Recorded, RecordError> {
    let repo = Repository::discover(study_root).map_err(RepoError::Git)?;
    let (root, prefix) = study_in_repo(&repo, study_root)?;
    let repo_path = prefix.join(in_study).to_string_lossy().replace('\\', "/");
    let on_disk = root.join(in_study);
    let sig = git2::Signature::now(&author.name, &author.email)?;
    let _lock = RecordLock::take(&repo)?;
    let file = FileChange {
        in_study,
        repo_path: &repo_path,
        on_disk: &on_disk,
        working: Working::Written,
        change: Box::new(move |base: Option<Committed>| {
            change(base.map(|c| c.text()).transpose()?).map(Cow::Owned)
        }),
    };
    commit_files(&repo, std::slice::from_ref(&file), &sig, message)
}

/// The study's root (canonical) and its folder within the repository's
/// working tree (empty when the study is the repository's root).
pub(crate) fn study_in_repo(
    repo: &Repository,
    study_root: &Path,
) -> Result<(PathBuf, PathBuf), RepoError> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| RepoError::Refused("the repository has no working tree".into()))?
        .canonicalize()
        .map_err(|source| RepoError::Read {
            path: study_root.to_path_buf(),
            source,
        })?;
    let root = study_root
        .canonicalize()
        .map_err(|source| RepoError::Read {
            path: study_root.to_path_buf(),
            source,
        })?;
    let prefix = root
        .strip_prefix(&workdir)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    Ok((root, prefix))
}

/// The commit the current branch points at (none on an unborn branch).
pub(crate) fn tip_of(repo: &Repository) -> Result<Option<git2::Commit<'_>>, git2::Error> {
    match repo.head() {
        Ok(h) => Ok(Some(h.peel_to_commit()?)),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An exclusive lock on `.git/concord-record.lock`, held while a decision
/// is recorded; the operating system releases it when the process ends, so
/// a killed process never leaves it taken. (The file is held only to keep
/// the lock: dropping it unlocks.)
pub(crate) struct RecordLock(#[allow(dead_code)] std::fs::File);

impl RecordLock {
    pub(crate) fn take(repo: &Repository) -> Result<RecordLock, RepoError> {
        let path = repo.path().join("concord-record.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| RepoError::Write {
                path: path.clone(),
                source,
            })?;
        lock_exclusive(&file).map_err(|source| RepoError::Write { path, source })?;
        Ok(RecordLock(file))
    }
}

/// Wait for an exclusive `flock` on `file` (released when it is closed,
/// also by a kill). `File::lock` would do, but is newer than concord's
/// minimum Rust.
#[cfg(unix)]
fn lock_exclusive(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor this `File` owns for the call's duration.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// A decision id that no other decision has: the time in nanoseconds, the
/// process and a counter.
pub fn new_decision_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("d-{nanos:x}-{:x}{n:x}", std::process::id())
}

/// Now, as a decision's `at` (RFC 3339, seconds, UTC).
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// The text of `path` in `commit`'s tree, if it is there.
pub(crate) fn blob_text(
    repo: &Repository,
    commit: &git2::Commit,
    path: &str,
) -> Result<Option<String>, git2::Error> {
    committed_in(repo, &commit.tree()?, path)?
        .map(|c| c.text())
        .transpose()
}

/// The file at `path` in `tree`, if it is there.
fn committed_in<'r>(
    repo: &'r Repository,
    tree: &git2::Tree<'_>,
    path: &str,
) -> Result<Option<Committed<'r>>, git2::Error> {
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if entry.kind() != Some(git2::ObjectType::Blob) {
        return Err(git2::Error::from_str(&format!(
            "{path} is not a file in git"
        )));
    }
    Ok(Some(Committed {
        blob: entry.id(),
        repo,
    }))
}

/// A live decision in `log` for a unit that `new` decides (other than a
/// decision that `new` itself reverts). A "needs discussion" line settles
/// nothing: it neither clashes nor is clashed with.
pub(crate) fn already_decided(log: &str, path: &str, new: &[Decision]) -> Option<RecordError> {
    let (existing, _) = parse_jsonl::<Decision>(path, log.as_bytes(), "");
    let existing: Vec<Decision> = existing.into_iter().map(|(_, d)| d).collect();
    let reverted: Vec<&str> = existing
        .iter()
        .chain(new.iter())
        .filter_map(|d| d.reverts.as_deref())
        .collect();
    for d in new.iter().filter(|d| d.action.settles()) {
        if let Some(other) = existing
            .iter()
            .find(|e| e.unit == d.unit && e.action.settles() && !reverted.contains(&e.id.as_str()))
        {
            return Some(RecordError::DecidedMeanwhile {
                unit: d.unit.clone(),
                decision: other.id.clone(),
                by: other.reviewer.clone(),
            });
        }
    }
    None
}

/// An index entry for the blob `id` at `path`: with the working file's
/// metadata `seen` (as `git add` records it, so that git trusts the file is
/// the blob until its size or times change), or none (an entry of a tree
/// being built, `len` bytes long).
fn index_entry(
    path: &str,
    id: git2::Oid,
    seen: Option<&std::fs::Metadata>,
    len: usize,
) -> git2::IndexEntry {
    let mut entry = git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: len as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    };
    #[cfg(unix)]
    if let Some(m) = seen {
        use std::os::unix::fs::MetadataExt;
        // What libgit2 records from a stat (`git_index_entry__init_from_stat`):
        // 32-bit seconds and sizes, and `st_rdev` as the device.
        entry.ctime = git2::IndexTime::new(m.ctime() as i32, m.ctime_nsec() as u32);
        entry.mtime = git2::IndexTime::new(m.mtime() as i32, m.mtime_nsec() as u32);
        entry.dev = m.rdev() as u32;
        entry.ino = m.ino() as u32;
        entry.uid = m.uid();
        entry.gid = m.gid();
        entry.file_size = m.size() as u32;
    }
    #[cfg(not(unix))]
    let _ = seen;
    entry
}

/// Make the working file and the index entry match the commit just made.
pub(crate) fn sync_worktree(
    repo: &Repository,
    on_disk: &Path,
    repo_path: &str,
    bytes: &[u8],
) -> Result<(), RecordError> {
    let seen = write_all_atomically(&[(on_disk, bytes)])
        .pop()
        .unwrap_or(Ok(None))?;
    let blob = git2::Oid::hash_object(git2::ObjectType::Blob, bytes)?;
    index_takes(
        repo,
        &[InStep {
            repo_path,
            blob,
            seen,
        }],
    )
}

/// A working file now as committed: its blob, and its metadata if known.
struct InStep<'a> {
    repo_path: &'a str,
    blob: git2::Oid,
    seen: Option<std::fs::Metadata>,
}

/// The index takes the working files `files`, in one write (one write per
/// file would rewrite the whole index thousands of times when `concord
/// reanchor` commits a large study). A file whose metadata is known is
/// entered with its blob as it is (reading and hashing 4,000 files again
/// was a tenth of that command's time); any other is read from disk.
fn index_takes(repo: &Repository, files: &[InStep<'_>]) -> Result<(), RecordError> {
    let mut index = repo.index()?;
    for f in files {
        match &f.seen {
            Some(seen) if cfg!(unix) => {
                index.add(&index_entry(f.repo_path, f.blob, Some(seen), 0))?
            }
            _ => index.add_path(Path::new(f.repo_path))?,
        }
    }
    index.write()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::git::{commit_paths, init};
    use crate::study::Action;

    fn decision(id: &str, unit: &str) -> Decision {
        Decision {
            id: id.into(),
            unit: unit.into(),
            basis: vec!["c-1".into()],
            action: Action::Reject,
            reverts: None,
            chosen: None,
            result: vec![],
            reviewer: "R <r@example.org>".into(),
            at: "2026-11-23T10:00:00Z".into(),
            note: String::new(),
        }
    }

    fn repo_with_study() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = init(dir.path()).unwrap();
        std::fs::write(dir.path().join("concord.toml"), "[study]\nname = \"S\"\n").unwrap();
        commit_paths(
            &repo,
            &["concord.toml".into()],
            &Person::new("P", "p@example.org"),
            None,
            "start",
        )
        .unwrap();
        (dir, repo)
    }

    #[test]
    fn appends_commits_and_leaves_a_clean_tree() {
        let (dir, repo) = repo_with_study();
        let who = Person::new("Rev", "rev@example.org");
        let r = record_decisions(
            dir.path(),
            "t1",
            &[decision("d-1", "u1")],
            &who,
            "t1 u1: reject",
        )
        .unwrap();
        assert_eq!(r.retries, 0);
        record_decisions(
            dir.path(),
            "t1",
            &[decision("d-2", "u2")],
            &who,
            "t1 u2: reject",
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join("decisions/t1.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 2);
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(head.message().unwrap(), "t1 u2: reject");
        assert_eq!(head.author().name().unwrap(), "Rev");
        assert!(
            repo.statuses(None).unwrap().is_empty(),
            "git status is not clean"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_index_records_the_written_file_so_git_need_not_read_it_again() {
        use std::os::unix::fs::MetadataExt;
        let (dir, _) = repo_with_study();
        let who = Person::new("Rev", "rev@example.org");
        record_decisions(dir.path(), "t1", &[decision("d-1", "u1")], &who, "m").unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let path = dir.path().join("decisions/t1.jsonl");
        let file = std::fs::metadata(&path).unwrap();
        let index = repo.index().unwrap();
        let entry = index.get_path(Path::new("decisions/t1.jsonl"), 0).unwrap();
        let head = repo.head().unwrap().peel_to_tree().unwrap();
        assert_eq!(
            entry.id,
            head.get_path(Path::new("decisions/t1.jsonl")).unwrap().id()
        );
        // The stat data git compares before it would read the file.
        assert_eq!(entry.file_size as u64, file.size());
        assert_eq!(entry.ino, file.ino() as u32);
        assert_eq!(entry.mtime.seconds() as i64, file.mtime());
        assert_eq!(entry.mtime.nanoseconds() as i64, file.mtime_nsec());
        assert_eq!(entry.ctime.seconds() as i64, file.ctime());
        // And git agrees the file is as committed.
        assert!(repo.statuses(None).unwrap().is_empty());
    }

    #[test]
    fn a_second_decision_of_the_same_unit_is_refused() {
        let (dir, _repo) = repo_with_study();
        let who = Person::new("Rev", "rev@example.org");
        record_decisions(dir.path(), "t1", &[decision("d-1", "u1")], &who, "m").unwrap();
        let err =
            record_decisions(dir.path(), "t1", &[decision("d-2", "u1")], &who, "m").unwrap_err();
        assert!(matches!(err, RecordError::DecidedMeanwhile { .. }), "{err}");
        // Reverting the first, then deciding again, is fine.
        let mut undo = decision("d-3", "u1");
        undo.action = Action::Revert;
        undo.reverts = Some("d-1".into());
        record_decisions(dir.path(), "t1", &[undo, decision("d-4", "u1")], &who, "m").unwrap();
    }

    #[test]
    fn a_discussion_mark_neither_blocks_a_decision_nor_is_blocked() {
        let (dir, _repo) = repo_with_study();
        let who = Person::new("Rev", "rev@example.org");
        let mut mark = decision("d-1", "u1");
        mark.action = Action::Discuss;
        mark.note = "ask A".into();
        record_decisions(dir.path(), "t1", &[mark.clone()], &who, "m").unwrap();
        // Marked again (a new note), then decided after the meeting.
        mark.id = "d-2".into();
        record_decisions(dir.path(), "t1", &[mark], &who, "m").unwrap();
        record_decisions(dir.path(), "t1", &[decision("d-3", "u1")], &who, "m").unwrap();
        let text = std::fs::read_to_string(dir.path().join("decisions/t1.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 3);
    }

    #[test]
    fn a_commit_made_meanwhile_is_kept() {
        let (dir, repo) = repo_with_study();
        let who = Person::new("Rev", "rev@example.org");
        record_decisions(dir.path(), "t1", &[decision("d-1", "u1")], &who, "first").unwrap();
        // Another reviewer's clone pushed a decision of another unit: simulate
        // it by committing a new log straight onto the branch.
        let other = format!(
            "{}{}",
            std::fs::read_to_string(dir.path().join("decisions/t1.jsonl")).unwrap(),
            decision_line(&decision("d-9", "u9"))
        );
        std::fs::write(dir.path().join("decisions/t1.jsonl"), &other).unwrap();
        commit_paths(
            &repo,
            &["decisions/t1.jsonl".into()],
            &Person::new("B", "b@example.org"),
            None,
            "other",
        )
        .unwrap();
        record_decisions(dir.path(), "t1", &[decision("d-2", "u2")], &who, "second").unwrap();
        let text = std::fs::read_to_string(dir.path().join("decisions/t1.jsonl")).unwrap();
        let ids: Vec<&str> = text.lines().map(|l| &l[7..10]).collect();
        assert_eq!(ids, ["d-1", "d-9", "d-2"]);
    }

    #[test]
    fn uncommitted_edits_of_the_log_are_not_overwritten() {
        let (dir, _repo) = repo_with_study();
        let who = Person::new("Rev", "rev@example.org");
        record_decisions(dir.path(), "t1", &[decision("d-1", "u1")], &who, "m").unwrap();
        let path = dir.path().join("decisions/t1.jsonl");
        std::fs::write(&path, "my own edit\n").unwrap();
        let err =
            record_decisions(dir.path(), "t1", &[decision("d-2", "u2")], &who, "m").unwrap_err();
        assert!(matches!(err, RecordError::UncommittedChanges(_)));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own edit\n");
    }
}
