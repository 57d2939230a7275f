//! After a kill: a decision log or a coder's codings file whose working
//! file or index is not what the branch holds.
//!
//! Recording a decision or a coding commits it and then writes the working
//! file and the index (see `record.rs`; `concord reanchor` commits first
//! too). A kill in between leaves the working file and index behind the
//! branch (`git status`: `M  decisions/fg4.jsonl`, staged), and the next
//! change of that file was refused as "uncommitted changes". A decision log
//! can also be ahead: complete decision lines after the committed ones that
//! no commit holds (written by hand or by an older concord). Before
//! deciding or coding, concord puts each file in step:
//!
//! - behind the branch (the working file and the index both hold the file
//!   as the commit before the tip had it, or a decision log is a part of
//!   the committed one): the working file and index take the committed
//!   file (nothing is lost: the commit has it);
//! - a decision log ahead by complete decision lines whose units are still
//!   open there: the commit is finished;
//! - a decision log ahead by anything else (a torn line, a unit decided
//!   meanwhile): the file is put back as committed, and the extra text kept
//!   in `.git/concord/recovered/`, named in the message.
//!
//! Any other difference is the user's own edit, left alone (deciding or
//! coding on that transcript then says so). Codings files are rewritten
//! whole (canonical form), so only "behind" applies to them.

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::repo::RepoError;
use crate::repo::git::Person;
use crate::repo::read::{MAX_FILE_BYTES, read_regular_file};
use crate::repo::record::{
    RecordLock, already_decided, blob_text, finish_locked, study_in_repo, sync_worktree, tip_of,
};
use crate::repo::write::{TEMPORARY_PREFIX, write_atomically};
use crate::study::Decision;
use crate::study::files::{CODINGS_DIR, DECISIONS_DIR, TRANSCRIPTS_DIR};
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::text::printable;

/// Put every decision log of the study at `study_root` in step with the
/// branch (see the module's text), holding the record lock so a concord
/// recording meanwhile is waited for, not mistaken for a kill. Returns one
/// sentence for the reviewer per log repaired; nothing when all was well
/// or the study is not in a git repository.
pub fn recover_interrupted(study_root: &Path, reviewer: &Person) -> Result<Vec<String>, RepoError> {
    let Ok(repo) = Repository::discover(study_root) else {
        return Ok(Vec::new());
    };
    if repo.is_bare() {
        return Ok(Vec::new());
    }
    let (root, prefix) = study_in_repo(&repo, study_root)?;
    let _lock = RecordLock::take(&repo)?;
    let mut said = Vec::new();
    let files = recorded_files(&repo, &root, &prefix)?;
    let mut dirs: Vec<PathBuf> = vec![root.join(DECISIONS_DIR)];
    // Every coder's folder: a large commit writes its temporary files there
    // before it commits (`record::commit_files`), so a kill can leave them
    // where the last commit changed nothing.
    if let Ok(coders) = std::fs::read_dir(root.join(CODINGS_DIR)) {
        for c in coders.flatten() {
            if c.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(c.path());
            }
        }
    }
    for f in &files {
        if let Some(dir) = root.join(&f.in_study).parent() {
            if !dirs.iter().any(|d| d == dir) {
                dirs.push(dir.to_path_buf());
            }
        }
    }
    // Said last: a status line that shows only the first sentences shows
    // what was put in step rather than what was tidied.
    let mut tidied = Vec::new();
    for dir in &dirs {
        remove_temporaries(&root, dir, &mut tidied);
    }
    clear_stale_git_locks(&repo, &mut tidied);
    let Some(tip) = tip_of(&repo)? else {
        said.extend(tidied);
        return Ok(said);
    };
    transcripts_in_index(&repo, &tip, &prefix, &root, &mut said)?;
    let changed = changed_in_status(&repo, &prefix)?;
    for file in files {
        let in_study = file.in_study;
        let repo_path = prefix.join(&in_study).to_string_lossy().replace('\\', "/");
        if !changed.contains(&repo_path) {
            continue;
        }
        let on_disk = root.join(&in_study);
        let committed = committed_blob(&repo, &tip, &repo_path)?;
        let working = read_regular_file(&on_disk, MAX_FILE_BYTES)
            .ok()
            .map(text_of);
        let Some((committed_id, committed)) = committed else {
            continue;
        };
        let shown = printable(&in_study);
        let short = &tip.id().to_string()[..7];
        let what = match file.decisions_of {
            Some(_) => "the decision",
            None => "the change",
        };
        if working.as_deref() == Some(committed.as_str()) {
            if !index_matches(&repo, &repo_path, committed_id)? {
                sync_worktree(&repo, &on_disk, &repo_path, committed.as_bytes())
                    .map_err(repo_error)?;
                said.push(format!(
                    "{shown}: git's index was behind the last commit ({short}), as when concord is stopped while recording; it is in step again"
                ));
            }
            continue;
        }
        if left_behind(&repo, &tip, &repo_path, working.as_deref())? {
            sync_worktree(&repo, &on_disk, &repo_path, committed.as_bytes()).map_err(repo_error)?;
            said.push(format!(
                "{shown}: {what} committed in {short} had not reached the working file when concord was stopped; the file now holds it (nothing was lost)"
            ));
            continue;
        }
        // What follows reads a decision log as lines appended to the committed ones.
        let Some(transcript) = file.decisions_of else {
            continue;
        };
        let working = match working {
            Some(w) => w,
            // Committed as a new log, killed before the file and the index
            // had it (git status: staged deletion). A log the user removed
            // is still in the index, and left alone.
            None if !in_index(&repo, &repo_path)? => String::new(),
            None => continue,
        };
        if committed.starts_with(&working) && (working.is_empty() || working.ends_with('\n')) {
            sync_worktree(&repo, &on_disk, &repo_path, committed.as_bytes()).map_err(repo_error)?;
            said.push(format!(
                "{shown}: the decision committed in {short} had not reached the working file when concord was stopped; the file now holds it (nothing was lost)"
            ));
        } else if let Some(extra) = working.strip_prefix(committed.as_str()) {
            // Put the file back first: whatever happens next, it is as committed.
            sync_worktree(&repo, &on_disk, &repo_path, committed.as_bytes()).map_err(repo_error)?;
            match finishable(&committed, &repo_path, extra) {
                Some(lines) => {
                    let ids: Vec<&str> = lines.iter().map(|d| d.id.as_str()).collect();
                    let message = format!(
                        "{transcript}: finish recording {} (interrupted)",
                        ids.join(", ")
                    );
                    let done =
                        finish_locked(&repo, study_root, &transcript, &lines, reviewer, &message)
                            .map_err(|e| RepoError::Refused(e.to_string()))?;
                    said.push(format!(
                        "{shown}: finished recording {} that concord was stopped in the middle of (commit {})",
                        printable(&ids.join(", ")),
                        &done.commit.to_string()[..7]
                    ));
                }
                None => {
                    let kept = keep_aside(&repo, &transcript, extra)?;
                    said.push(format!(
                        "{shown}: put back as committed ({short}); the unfinished text after its last line could not be recorded and is kept in {}",
                        kept.display()
                    ));
                }
            }
        }
    }
    said.extend(tidied);
    Ok(said)
}

/// The paths (in the repository) under the study's decisions and codings
/// folders that `git status` lists: a file it does not list is the same in
/// the working tree, the index and the tip, and is in step. Git knows that
/// from the index's record of each file's size and time, without reading
/// it: reading every file the tip commit changed (all 3,000 codings files
/// after `concord reanchor` on a large study) was a quarter of that
/// command's time.
fn changed_in_status(
    repo: &Repository,
    prefix: &Path,
) -> Result<std::collections::HashSet<String>, RepoError> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .exclude_submodules(true);
    for dir in [DECISIONS_DIR, CODINGS_DIR] {
        opts.pathspec(prefix.join(dir).to_string_lossy().replace('\\', "/") + "/");
    }
    let statuses = repo.statuses(Some(&mut opts))?;
    Ok(statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
        .collect())
}

fn repo_error(e: crate::repo::record::RecordError) -> RepoError {
    match e {
        crate::repo::record::RecordError::Repo(r) => r,
        other => RepoError::Refused(other.to_string()),
    }
}

/// A file concord records to: a decision log (of the transcript named) or
/// a coder's codings or done marks.
struct RecordedFile {
    in_study: String,
    decisions_of: Option<String>,
}

/// Every decision log in the branch tip or the working tree, and the
/// codings files the tip commit changed (a kill can only leave behind the
/// last commit's: the next concord start puts it in step before committing
/// again, and refuses to record over it until then).
fn recorded_files(
    repo: &Repository,
    root: &Path,
    prefix: &Path,
) -> Result<Vec<RecordedFile>, RepoError> {
    let mut names = std::collections::BTreeSet::new();
    let tip = tip_of(repo)?;
    if let Some(tree) = tip
        .as_ref()
        .and_then(|t| t.tree().ok())
        .and_then(|t| t.get_path(&prefix.join(DECISIONS_DIR)).ok())
        .and_then(|e| e.to_object(repo).ok())
        .and_then(|o| o.into_tree().ok())
    {
        for e in tree.iter() {
            if let Some(n) = e.name().ok().filter(|n| n.ends_with(".jsonl")) {
                names.insert(format!("{DECISIONS_DIR}/{n}"));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(root.join(DECISIONS_DIR)) {
        for e in entries.flatten() {
            if let Some(n) = e.file_name().to_str() {
                if n.ends_with(".jsonl") && !n.starts_with('.') {
                    names.insert(format!("{DECISIONS_DIR}/{n}"));
                }
            }
        }
    }
    if let Some(tip) = &tip {
        for path in changed_by(repo, tip, &prefix.join(CODINGS_DIR))? {
            if let Ok(rel) = path.strip_prefix(prefix) {
                names.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let decisions = format!("{DECISIONS_DIR}/");
    Ok(names
        .into_iter()
        .map(|in_study| RecordedFile {
            decisions_of: in_study
                .strip_prefix(&decisions)
                .and_then(|n| n.strip_suffix(".jsonl"))
                .map(str::to_string),
            in_study,
        })
        .collect())
}

/// The files under `dir` (repository-relative) that `tip` changed from its
/// first parent (added or modified).
fn changed_by(
    repo: &Repository,
    tip: &git2::Commit,
    dir: &Path,
) -> Result<Vec<PathBuf>, RepoError> {
    let parent_tree = match tip.parents().next() {
        Some(p) => Some(p.tree()?),
        None => None,
    };
    let mut opts = git2::DiffOptions::new();
    opts.pathspec(dir.to_string_lossy().replace('\\', "/") + "/");
    let diff = repo.diff_tree_to_tree(parent_tree.as_ref(), Some(&tip.tree()?), Some(&mut opts))?;
    Ok(diff
        .deltas()
        .filter_map(|d| d.new_file().path().map(Path::to_path_buf))
        .collect())
}

/// The transcripts the tip commit changed (`concord reanchor` commits the
/// edited ones with the moved codings) whose working file is as committed
/// but whose index entry is still the parent commit's: a kill before the
/// index was written. The index takes the committed text.
fn transcripts_in_index(
    repo: &Repository,
    tip: &git2::Commit,
    prefix: &Path,
    root: &Path,
    said: &mut Vec<String>,
) -> Result<(), RepoError> {
    let Some(parent) = tip.parents().next() else {
        return Ok(());
    };
    // The parent's tree and the index read once: after a large reanchor the
    // tip changed a thousand transcripts, and each read the index again.
    let parent_tree = parent.tree()?;
    let index = repo.index()?;
    for path in changed_by(repo, tip, &prefix.join(TRANSCRIPTS_DIR))? {
        let path = path.as_path();
        let Some(old) = parent_tree.get_path(path).ok().map(|e| e.id()) else {
            continue;
        };
        let repo_path = path.to_string_lossy().replace('\\', "/");
        let Some(entry) = index.get_path(path, 0) else {
            continue;
        };
        if entry.id != old {
            continue;
        }
        let Ok(rel) = path.strip_prefix(prefix) else {
            continue;
        };
        let working = read_regular_file(&root.join(rel), MAX_FILE_BYTES).ok();
        let committed = blob_text(repo, tip, &repo_path)?;
        if working.is_some()
            && working.map(|b| String::from_utf8_lossy(&b).into_owned()) == committed
        {
            let mut index = repo.index()?;
            index.add_path(path)?;
            index.write()?;
            said.push(format!(
                "{}: git's index was behind the last commit ({}), as when concord is stopped while recording; it is in step again",
                printable(&rel.to_string_lossy()),
                &tip.id().to_string()[..7]
            ));
        }
    }
    Ok(())
}

/// Whether the working file (`None`: absent) and the index both hold `path`
/// as the tip's parent commit had it, while the tip changed it: what a kill
/// between a commit and the writing of its working file leaves. (The same
/// state, made by hand, would be a staged revert of the last commit's
/// change: rare, and concord would refuse to record over it anyway.)
fn left_behind(
    repo: &Repository,
    tip: &git2::Commit,
    path: &str,
    working: Option<&str>,
) -> Result<bool, RepoError> {
    let Some(parent) = tip.parents().next() else {
        return Ok(false);
    };
    let before = committed_blob(repo, &parent, path)?;
    if before.as_ref().map(|(_, text)| text.as_str()) != working {
        return Ok(false);
    }
    match before {
        Some((id, _)) => index_matches(repo, path, id),
        None => Ok(!in_index(repo, path)?),
    }
}

/// Whether the index has an entry for `path`.
fn in_index(repo: &Repository, path: &str) -> Result<bool, RepoError> {
    Ok(repo.index()?.get_path(Path::new(path), 0).is_some())
}

/// Whether the index holds the blob `id` for `path`. (The id is the
/// tree's: hashing the text again, for every codings file the tip
/// changed, was a quarter of the time `concord reanchor` took.)
fn index_matches(repo: &Repository, path: &str, id: git2::Oid) -> Result<bool, RepoError> {
    Ok(repo
        .index()?
        .get_path(Path::new(path), 0)
        .is_some_and(|e| e.id == id))
}

/// The blob id and text (invalid UTF-8 replaced, as `blob_text` does) of
/// `path` in `commit`, if it is there.
fn committed_blob(
    repo: &Repository,
    commit: &git2::Commit,
    path: &str,
) -> Result<Option<(git2::Oid, String)>, RepoError> {
    let entry = match commit.tree()?.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let blob = repo.find_blob(entry.id())?;
    Ok(Some((
        entry.id(),
        String::from_utf8_lossy(blob.content()).into_owned(),
    )))
}

/// A file's bytes as text, invalid UTF-8 replaced; valid text is not copied.
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The lines of `extra` as decisions, if every one is a complete decision
/// line whose unit the committed log leaves open.
fn finishable(committed: &str, path: &str, extra: &str) -> Option<Vec<Decision>> {
    if extra.trim().is_empty() || !extra.ends_with('\n') {
        return None;
    }
    let (parsed, problems) = parse_jsonl::<Decision>(path, extra.as_bytes(), "");
    if !problems.is_empty() || parsed.len() != extra.lines().count() {
        return None;
    }
    let lines: Vec<Decision> = parsed.into_iter().map(|(_, d)| d).collect();
    // Not already in the log under its id, and its unit not decided there.
    let (old, _) = parse_jsonl::<Decision>(path, committed.as_bytes(), "");
    if lines.iter().any(|d| old.iter().any(|(_, o)| o.id == d.id)) {
        return None;
    }
    if already_decided(committed, path, &lines).is_some() {
        return None;
    }
    Some(lines)
}

/// Keep `text` in `.git/concord/recovered/<transcript>-<time>.jsonl`.
fn keep_aside(repo: &Repository, transcript: &str, text: &str) -> Result<PathBuf, RepoError> {
    let stamp = crate::repo::record::now().replace(':', "");
    let name: String = format!("{transcript}-{stamp}.jsonl")
        .chars()
        .map(|c| if c == '/' || c.is_control() { '_' } else { c })
        .collect();
    let path = repo.path().join("concord").join("recovered").join(name);
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// A git lock file older than this, while concord holds the record lock,
/// is a killed writer's: git holds a ref's lock for the moment of an update.
const STALE_LOCK: std::time::Duration = std::time::Duration::from_secs(2);

/// The lock files of the current branch, of HEAD and of the index that a
/// kill in the middle of a commit leaves behind: while one is there, every
/// commit fails ("locked"), with git as with concord. One that is not
/// going away (older than [`STALE_LOCK`]; a younger one is waited for, as a
/// git command may be finishing) is removed, and the reviewer told.
fn clear_stale_git_locks(repo: &Repository, said: &mut Vec<String>) {
    let mut locks = vec!["HEAD.lock".to_string(), "index.lock".to_string()];
    if let Ok(head) = repo.find_reference("HEAD") {
        if let Some(target) = head.symbolic_target().ok().flatten() {
            locks.push(format!("{target}.lock"));
        }
    }
    for name in locks {
        let path = repo.path().join(&name);
        let started = std::time::Instant::now();
        while let Ok(meta) = std::fs::symlink_metadata(&path) {
            let age = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .unwrap_or_default();
            if age >= STALE_LOCK || started.elapsed() >= STALE_LOCK {
                if meta.is_file() && std::fs::remove_file(&path).is_ok() {
                    said.push(format!(
                        ".git/{name}: removed, left by a commit that was stopped in the middle (while it was there no commit could be made)"
                    ));
                }
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// Temporary files a killed write left in `dir` (within the study at `root`).
fn remove_temporaries(root: &Path, dir: &Path, said: &mut Vec<String>) {
    let shown = dir
        .strip_prefix(root)
        .unwrap_or(dir)
        .to_string_lossy()
        .replace('\\', "/");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(TEMPORARY_PREFIX)
            && e.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(e.path()).is_ok()
        {
            said.push(format!(
                "{}/{}: removed, a temporary file left by an interrupted write",
                printable(&shown),
                printable(name)
            ));
        }
    }
}
