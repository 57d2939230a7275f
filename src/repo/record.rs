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

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository};

use crate::repo::RepoError;
use crate::repo::git::Person;
use crate::repo::write::write_atomically;
use crate::study::files::decisions_path;
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::write::decision_line;
use crate::study::{Action, Decision};

/// How often to re-apply on a moved branch before giving up.
const ATTEMPTS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub commit: git2::Oid,
    /// How many times the branch had moved under us.
    pub retries: usize,
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
        "coding {coding} in {file} was changed meanwhile (another session of the same coder?); nothing was written — look at it again"
    )]
    CodingChangedMeanwhile { coding: String, file: String },
    #[error(
        "{0} has changes that are not committed; commit or restore them first (concord does not overwrite them)"
    )]
    UncommittedChanges(String),
    #[error("the branch kept moving ({0} attempts); try again")]
    Contended(usize),
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
    let mut appended = String::new();
    for d in decisions {
        appended.push_str(&decision_line(d));
    }
    let in_study = decisions_path(transcript);
    commit_file(
        study_root,
        &in_study,
        reviewer,
        message,
        |repo_path, base| {
            let base = base.unwrap_or_default();
            if let Some(clash) = already_decided(&base, repo_path, decisions) {
                return Err(clash);
            }
            let mut content = base;
            if !content.is_empty() && !content.ends_with('\n') {
                content.push('\n');
            }
            content.push_str(&appended);
            Ok(content)
        },
    )
}

/// Commit a new version of one study file (`in_study`, study-relative) on
/// the current branch, authored by `author`: `change` gets the file as
/// committed at the branch tip (`None` if absent) and returns the new text.
///
/// The compare-and-swap: if the branch moved meanwhile, `change` runs again
/// on the new tip's file, so another commit's lines are kept; `change` may
/// refuse (the other commit clashes with this one). A working copy with
/// edits that are not committed is never overwritten. Afterwards the
/// working file and its index entry match the commit.
pub fn commit_file(
    study_root: &Path,
    in_study: &str,
    author: &Person,
    message: &str,
    change: impl Fn(&str, Option<String>) -> Result<String, RecordError>,
) -> Result<Recorded, RecordError> {
    let repo = Repository::discover(study_root).map_err(RepoError::Git)?;
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
    let in_repo: PathBuf = root
        .strip_prefix(&workdir)
        .unwrap_or(Path::new(""))
        .join(in_study);
    let repo_path = in_repo.to_string_lossy().replace('\\', "/");
    let on_disk = root.join(in_study);
    let sig = git2::Signature::now(&author.name, &author.email)?;

    for attempt in 0..ATTEMPTS {
        let tip = match repo.head() {
            Ok(h) => Some(h.peel_to_commit()?),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let committed = match &tip {
            Some(c) => blob_text(&repo, c, &repo_path)?,
            None => None,
        };
        // The working copy must be what was committed, or the user's edit would be lost.
        if attempt == 0 {
            let working = std::fs::read(&on_disk).ok();
            let committed_bytes = committed.as_ref().map(|s| s.as_bytes().to_vec());
            if working.is_some() && working != committed_bytes {
                return Err(RecordError::UncommittedChanges(in_study.to_string()));
            }
        }
        let content = change(&repo_path, committed)?;

        // The new tree: the tip's, with the file replaced.
        let mut index = git2::Index::new()?;
        if let Some(c) = &tip {
            index.read_tree(&c.tree()?)?;
        }
        let blob = repo.blob(content.as_bytes())?;
        index.add(&index_entry(&repo_path, content.len(), blob))?;
        let tree = repo.find_tree(index.write_tree_to(&repo)?)?;
        let parents: Vec<&git2::Commit> = tip.iter().collect();
        match repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents) {
            Ok(oid) => {
                sync_worktree(&repo, &on_disk, &repo_path, content.as_bytes())?;
                return Ok(Recorded {
                    commit: oid,
                    retries: attempt,
                });
            }
            // The branch moved (another process) or is being written: re-read and re-apply.
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(RecordError::Contended(ATTEMPTS))
}

/// The text of `path` in `commit`'s tree, if it is there.
fn blob_text(
    repo: &Repository,
    commit: &git2::Commit,
    path: &str,
) -> Result<Option<String>, git2::Error> {
    let tree = commit.tree()?;
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let blob = repo.find_blob(entry.id())?;
    Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
}

/// A live decision in `log` for a unit that `new` decides (other than a
/// decision that `new` itself reverts).
fn already_decided(log: &str, path: &str, new: &[Decision]) -> Option<RecordError> {
    let (existing, _) = parse_jsonl::<Decision>(path, log.as_bytes(), "");
    let existing: Vec<Decision> = existing.into_iter().map(|(_, d)| d).collect();
    let reverted: Vec<&str> = existing
        .iter()
        .chain(new.iter())
        .filter_map(|d| d.reverts.as_deref())
        .collect();
    for d in new.iter().filter(|d| d.action != Action::Revert) {
        if let Some(other) = existing.iter().find(|e| {
            e.unit == d.unit && e.action != Action::Revert && !reverted.contains(&e.id.as_str())
        }) {
            return Some(RecordError::DecidedMeanwhile {
                unit: d.unit.clone(),
                decision: other.id.clone(),
                by: other.reviewer.clone(),
            });
        }
    }
    None
}

fn index_entry(path: &str, len: usize, id: git2::Oid) -> git2::IndexEntry {
    git2::IndexEntry {
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
    }
}

/// Make the working file and the index entry match the commit just made.
fn sync_worktree(
    repo: &Repository,
    on_disk: &Path,
    repo_path: &str,
    bytes: &[u8],
) -> Result<(), RecordError> {
    write_atomically(on_disk, bytes)?;
    let mut index = repo.index()?;
    index.add_path(Path::new(repo_path))?;
    index.write()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::git::{commit_paths, init};

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
