//! `concord sync`: fetch, integrate, push, until it lands.
//!
//! Transport is the system `git` (see [`crate::repo::remote`]); everything
//! local is git2:
//!
//! - The remote's commits are fetched into `refs/remotes/<remote>/<branch>`.
//! - Integration builds new commits without moving any branch: a
//!   fast-forward; a replay of this clone's own decision commits on top of
//!   the remote's (each commit's appended log lines appended again, the
//!   union rule, keeping author, time and message); or, when this clone has
//!   other commits too, a merge commit made path by path: a file changed on
//!   one side only takes that side; a decision log changed on both takes the
//!   union of their lines; any other file changed on both sides (codebook,
//!   codings, transcripts, the manifest) stops the sync with the files named
//!   and the local branch as it was.
//! - The result is pushed (never forced) before the local branch moves: a
//!   refused push leaves the branch as it was; a non-fast-forward (someone
//!   pushed meanwhile) starts again from the fetch, a bounded number of times.
//! - The branch moves by compare-and-swap, then the changed files are
//!   written and staged. A note in `.git/concord-sync` says which commits
//!   the checkout goes between, so a sync killed half way is finished by the
//!   next one instead of leaving an unexplained dirty tree.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use git2::{ErrorCode, Oid, Repository, Tree};

use crate::repo::RepoError;
use crate::repo::at_commit;
use crate::repo::remote::{self, Pushed};
use crate::repo::trees::{changed_paths, edit_tree};
use crate::repo::write::write_atomically;
use crate::review::standing::{Standing, standings};
use crate::review::sync_summary::{
    ByReviewer, ConflictShown, Integration, Recoded, SyncSummary, is_you, name_of,
};
use crate::review::union::{added_lines, append_lines, union_logs};
use crate::study::files::{
    CODINGS_DIR, DECISIONS_DIR, FileRole, MANIFEST, StudyFiles, codings_path, decisions_path,
    role_of, transcript_path,
};
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::parse::manifest::parse_manifest;
use crate::study::{Decision, load};

/// How many times to fetch and integrate again when the remote moved
/// between our fetch and our push.
pub const ATTEMPTS: usize = 5;

/// The note of a checkout in progress, inside the repository's git folder.
const CHECKOUT_NOTE: &str = "concord-sync";

#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// The remote to sync with (default: the branch's upstream, else `origin`).
    pub remote: Option<String>,
}

/// Where a sync is, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Fetching { attempt: usize },
    Integrating,
    Pushing { attempt: usize },
    Updating,
}

impl Stage {
    pub fn words(self) -> String {
        match self {
            Stage::Fetching { attempt: 1 } => "fetching".into(),
            Stage::Fetching { attempt } => format!("fetching again (try {attempt})"),
            Stage::Integrating => "integrating".into(),
            Stage::Pushing { .. } => "pushing".into(),
            Stage::Updating => "updating the working tree".into(),
        }
    }
}

/// A study's clone and what sync needs to know about it.
struct Clone {
    repo: Repository,
    workdir: PathBuf,
    /// The study folder in the repository, `""` or ending in `/`.
    prefix: String,
    branch: String,
}

impl Clone {
    fn open(start: &Path) -> Result<Clone, RepoError> {
        let study = at_commit::open(Some(start))?;
        let workdir =
            study.repo.workdir().map(Path::to_path_buf).ok_or_else(|| {
                RepoError::Refused("a bare repository has nothing to sync".into())
            })?;
        let prefix = if study.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", study.prefix)
        };
        let branch = {
            let head = match study.repo.head() {
                Ok(h) => h,
                Err(e) if e.code() == ErrorCode::UnbornBranch => {
                    return Err(RepoError::Refused(
                        "nothing is committed yet: commit the study first (git add -A && git commit -m 'Start the study'), then sync".into(),
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            if !head.is_branch() {
                return Err(RepoError::Refused(
                    "HEAD is not on a branch (detached): switch to your branch (git switch main) and sync again".into(),
                ));
            }
            head.shorthand().unwrap_or("main").to_string()
        };
        Ok(Clone {
            repo: study.repo,
            workdir,
            prefix,
            branch,
        })
    }

    fn branch_ref(&self) -> String {
        format!("refs/heads/{}", self.branch)
    }

    fn tip(&self) -> Result<Oid, RepoError> {
        Ok(self.repo.refname_to_id(&self.branch_ref())?)
    }

    /// The study-relative path of a repository path, if it is in the study.
    fn in_study<'a>(&self, path: &'a str) -> Option<&'a str> {
        path.strip_prefix(self.prefix.as_str())
    }

    fn is_decision_log(&self, path: &str) -> bool {
        self.in_study(path)
            .is_some_and(|p| matches!(role_of(p), FileRole::Decisions { .. }))
    }

    /// The remote to use and its address.
    fn remote(&self, asked: Option<&str>) -> Result<(String, String), RepoError> {
        let name = match asked {
            Some(n) => n.to_string(),
            None => {
                let configured = self
                    .repo
                    .config()
                    .ok()
                    .and_then(|c| c.get_string(&format!("branch.{}.remote", self.branch)).ok());
                match configured {
                    Some(n) => n,
                    None => {
                        let names = self.repo.remotes()?;
                        let names: Vec<&str> = names.iter().flatten().flatten().collect();
                        match names.as_slice() {
                            [] => {
                                return Err(RepoError::Refused(
                                    "this clone has no remote to sync with: add one (git remote add origin URL), or start from one (concord clone URL)".into(),
                                ));
                            }
                            [one] => one.to_string(),
                            many if many.contains(&"origin") => "origin".into(),
                            many => {
                                return Err(RepoError::Refused(format!(
                                    "this clone has several remotes ({}): name one with --remote",
                                    many.join(", ")
                                )));
                            }
                        }
                    }
                }
            }
        };
        let url = remote::url_of(&self.repo, &name).ok_or_else(|| {
            RepoError::Refused(format!(
                "no remote called {name:?} (git remote -v lists them)"
            ))
        })?;
        Ok((name, url))
    }
}

/// Sync the study at or above `start` with its remote.
pub fn sync(
    start: &Path,
    options: &SyncOptions,
    progress: &mut dyn FnMut(Stage),
) -> Result<SyncSummary, RepoError> {
    let clone = Clone::open(start)?;
    finish_interrupted_checkout(&clone)?;
    refuse_uncommitted(&clone)?;
    let (remote, url) = clone.remote(options.remote.as_deref())?;
    let tracking = format!("refs/remotes/{remote}/{}", clone.branch);
    let you = clone
        .repo
        .signature()
        .ok()
        .and_then(|s| Some(format!("{} <{}>", s.name().ok()?, s.email().ok()?)));
    let first_local = clone.tip()?;
    let mut last_how = Integration::UpToDate;
    for attempt in 1..=ATTEMPTS {
        progress(Stage::Fetching { attempt });
        remote::fetch(&clone.workdir, &remote, &url)?;
        let upstream = clone.repo.refname_to_id(&tracking).ok();
        let local = clone.tip()?;
        progress(Stage::Integrating);
        let (tip, how) = integrate(&clone, &remote, local, upstream)?;
        last_how = how;
        if Some(tip) != upstream {
            progress(Stage::Pushing { attempt });
            match remote::push(&clone.workdir, &remote, &url, tip, &clone.branch)? {
                Pushed::Done => {}
                Pushed::NotFastForward => continue,
            }
        }
        if tip != local {
            progress(Stage::Updating);
            if !move_branch(&clone, local, tip)? {
                // A decision was committed here meanwhile: it goes out on the next round.
                continue;
            }
        }
        set_upstream(&clone, &remote)?;
        let mut summary = summarise(&clone, first_local, upstream, tip, you.clone())?;
        summary.remote = remote;
        summary.how = if first_local == tip && upstream == Some(tip) {
            Integration::UpToDate
        } else {
            last_how
        };
        summary.attempts = attempt;
        return Ok(summary);
    }
    let _ = last_how;
    Err(RepoError::Refused(format!(
        "the remote branch kept moving ({ATTEMPTS} tries): others are pushing right now. Nothing was lost; sync again in a moment"
    )))
}

/// Refuse to sync over uncommitted changes to tracked files: the sync would
/// have to write over them.
fn refuse_uncommitted(clone: &Clone) -> Result<(), RepoError> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(false)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = clone.repo.statuses(Some(&mut opts))?;
    let dirty: Vec<String> = statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .filter_map(|s| s.path().ok().map(str::to_string))
        .collect();
    if dirty.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
    Err(RepoError::Refused(format!(
        "uncommitted changes in {}{}: commit them (or put them aside with git stash), then sync again; nothing was changed",
        shown.join(", "),
        if dirty.len() > 5 {
            format!(" and {} more", dirty.len() - 5)
        } else {
            String::new()
        }
    )))
}

/// The new tip for the local branch (commits made, no branch moved) and how.
fn integrate(
    clone: &Clone,
    remote: &str,
    local: Oid,
    upstream: Option<Oid>,
) -> Result<(Oid, Integration), RepoError> {
    let repo = &clone.repo;
    let Some(up) = upstream else {
        return Ok((local, Integration::Published));
    };
    if up == local {
        return Ok((local, Integration::UpToDate));
    }
    let base = match repo.merge_base(local, up) {
        Ok(b) => b,
        Err(e) if e.code() == ErrorCode::NotFound => {
            return Err(RepoError::Refused(format!(
                "this clone and {remote}/{} share no history: start from the remote (concord clone URL) and record your decisions there",
                clone.branch
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if base == up {
        return Ok((local, Integration::Ahead));
    }
    if base == local {
        return Ok((up, Integration::FastForward));
    }
    // This clone's commits since the common ancestor, oldest first.
    let mut walk = repo.revwalk()?;
    walk.push(local)?;
    walk.hide(up)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let ours: Vec<Oid> = walk.collect::<Result<_, _>>()?;
    let mut only_decisions = true;
    for id in &ours {
        let c = repo.find_commit(*id)?;
        if c.parent_count() != 1 {
            only_decisions = false;
            break;
        }
        let changed = changed_paths(repo, Some(&c.parent(0)?.tree()?), &c.tree()?, None)?;
        if !changed.iter().all(|p| clone.is_decision_log(p)) {
            only_decisions = false;
            break;
        }
    }
    if only_decisions {
        Ok((replay(clone, &ours, up)?, Integration::Rebased))
    } else {
        Ok((merge(clone, remote, base, local, up)?, Integration::Merged))
    }
}

/// This clone's decision commits replayed on `onto`: each one's appended
/// lines appended to the remote's log (lines already there left out).
fn replay(clone: &Clone, ours: &[Oid], onto: Oid) -> Result<Oid, RepoError> {
    let repo = &clone.repo;
    let mut tip = repo.find_commit(onto)?;
    for id in ours {
        let c = repo.find_commit(*id)?;
        let parent_tree = c.parent(0)?.tree()?;
        let tree = c.tree()?;
        let tip_tree = tip.tree()?;
        let mut edits = Vec::new();
        for path in changed_paths(repo, Some(&parent_tree), &tree, None)? {
            let before = text_at(repo, &parent_tree, &path)?.unwrap_or_default();
            let after = text_at(repo, &tree, &path)?.unwrap_or_default();
            let current = text_at(repo, &tip_tree, &path)?.unwrap_or_default();
            let added = added_lines(&before, &after);
            let merged = append_lines(&current, &added);
            if merged != current {
                edits.push((path, Some(merged.into_bytes())));
            }
        }
        if edits.is_empty() {
            continue; // already on the remote (a sync that was interrupted after its push)
        }
        let new_tree = edit_tree(repo, &tip_tree, edits)?;
        let message = c.message().unwrap_or("decision");
        let oid = repo.commit(
            None,
            &c.author(),
            &c.committer(),
            message,
            &new_tree,
            &[&tip],
        )?;
        tip = repo.find_commit(oid)?;
    }
    Ok(tip.id())
}

/// A merge commit of `local` and `up`, path by path (see the module's comment).
fn merge(clone: &Clone, remote: &str, base: Oid, local: Oid, up: Oid) -> Result<Oid, RepoError> {
    let repo = &clone.repo;
    let base_tree = repo.find_commit(base)?.tree()?;
    let ours_tree = repo.find_commit(local)?.tree()?;
    let theirs_tree = repo.find_commit(up)?.tree()?;
    let ours_changed: BTreeSet<String> = changed_paths(repo, Some(&base_tree), &ours_tree, None)?
        .into_iter()
        .collect();
    let theirs_changed: BTreeSet<String> =
        changed_paths(repo, Some(&base_tree), &theirs_tree, None)?
            .into_iter()
            .collect();
    let mut edits = Vec::new();
    let mut clashes = Vec::new();
    for path in &ours_changed {
        let ours = entry_at(&ours_tree, path);
        if !theirs_changed.contains(path) {
            // Ours only: take ours.
            edits.push((path.clone(), blob_bytes(repo, ours)?));
            continue;
        }
        let theirs = entry_at(&theirs_tree, path);
        if ours == theirs {
            continue;
        }
        if clone.is_decision_log(path) && ours.is_some() && theirs.is_some() {
            let o = text_at(repo, &ours_tree, path)?.unwrap_or_default();
            let t = text_at(repo, &theirs_tree, path)?.unwrap_or_default();
            edits.push((path.clone(), Some(union_logs(&o, &t).into_bytes())));
        } else {
            clashes.push(path.clone());
        }
    }
    if !clashes.is_empty() {
        let shown: Vec<&str> = clashes.iter().take(8).map(String::as_str).collect();
        return Err(RepoError::Refused(format!(
            "{} {} changed both here and on {remote}/{b}; concord does not merge codebooks, codings or transcripts silently. \
Your branch is as it was. Look at both sides (git diff {b} {remote}/{b} -- {first}), merge them by hand (git merge {remote}/{b}, edit, git commit), \
then sync again{more}",
            shown.join(", "),
            if clashes.len() == 1 { "was" } else { "were" },
            b = clone.branch,
            first = shown[0],
            more = if clashes.len() > 8 {
                format!(" ({} more files)", clashes.len() - 8)
            } else {
                String::new()
            }
        )));
    }
    let tree = edit_tree(repo, &theirs_tree, edits)?;
    let sig = repo.signature().map_err(|_| {
        RepoError::Refused(
            "git does not know who you are, and a merge commit needs an author: git config --global user.name \"Your Name\"; git config --global user.email you@example.org".into(),
        )
    })?;
    let message = format!(
        "sync: merge {remote}/{} (decision logs of both sides kept)",
        clone.branch
    );
    let ours = repo.find_commit(local)?;
    let theirs = repo.find_commit(up)?;
    Ok(repo.commit(None, &sig, &sig, &message, &tree, &[&ours, &theirs])?)
}

/// The blob id and mode at `path` in `tree`.
fn entry_at(tree: &Tree, path: &str) -> Option<(Oid, i32)> {
    tree.get_path(Path::new(path))
        .ok()
        .map(|e| (e.id(), e.filemode()))
}

fn blob_bytes(repo: &Repository, entry: Option<(Oid, i32)>) -> Result<Option<Vec<u8>>, RepoError> {
    match entry {
        Some((id, _)) => Ok(Some(repo.find_blob(id)?.content().to_vec())),
        None => Ok(None),
    }
}

/// The text of `path` in `tree`, if it is there.
fn text_at(repo: &Repository, tree: &Tree, path: &str) -> Result<Option<String>, RepoError> {
    match tree.get_path(Path::new(path)) {
        Ok(e) => {
            let blob = repo.find_blob(e.id())?;
            Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
        }
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Move the branch from `from` to `to` if it is still at `from` (false if
/// it moved meanwhile), then write the changed files and stage them.
fn move_branch(clone: &Clone, from: Oid, to: Oid) -> Result<bool, RepoError> {
    let repo = &clone.repo;
    let old = repo.find_commit(from)?.tree()?;
    let new = repo.find_commit(to)?.tree()?;
    let paths = changed_paths(repo, Some(&old), &new, None)?;
    // A file edited while we fetched would be written over: stop instead.
    for p in &paths {
        if !matches_blob(&clone.workdir.join(p), entry_at(&old, p)) {
            return Err(RepoError::Refused(format!(
                "{p} was changed while syncing; commit it and sync again (the remote has the sync's result, nothing was lost)"
            )));
        }
    }
    let note = repo.path().join(CHECKOUT_NOTE);
    write_atomically(&note, format!("{from}\n{to}\n").as_bytes())?;
    match repo.reference_matching(&clone.branch_ref(), to, true, from, "concord sync") {
        Ok(_) => {}
        Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked) => {
            let _ = std::fs::remove_file(&note);
            return Ok(false);
        }
        Err(e) => {
            let _ = std::fs::remove_file(&note);
            return Err(e.into());
        }
    }
    write_paths(clone, &old, &new, &paths)?;
    let _ = std::fs::remove_file(&note);
    Ok(true)
}

/// Whether the file at `path` holds the blob (or is absent when `None`).
fn matches_blob(path: &Path, entry: Option<(Oid, i32)>) -> bool {
    match (entry, path.symlink_metadata()) {
        (None, Err(_)) => true,
        (Some((id, _)), Ok(m)) if m.is_file() => {
            Oid::hash_file(git2::ObjectType::Blob, path).is_ok_and(|h| h == id)
        }
        _ => false,
    }
}

/// Write `paths` as they are in `new` (removing those it lacks) where the
/// working file is still as in `old` (or already as in `new`), and stage them.
fn write_paths(clone: &Clone, old: &Tree, new: &Tree, paths: &[String]) -> Result<(), RepoError> {
    let repo = &clone.repo;
    let mut index = repo.index()?;
    for p in paths {
        let on_disk = clone.workdir.join(p);
        let target = entry_at(new, p);
        if matches_blob(&on_disk, target) {
            // Already written (a sync that was interrupted): only stage it.
        } else if !matches_blob(&on_disk, entry_at(old, p)) {
            continue; // edited by the user meanwhile: theirs to commit
        } else {
            match target {
                Some((id, _)) => {
                    if let Some(dir) = on_disk.parent() {
                        std::fs::create_dir_all(dir).map_err(|source| RepoError::Write {
                            path: dir.to_path_buf(),
                            source,
                        })?;
                    }
                    write_atomically(&on_disk, repo.find_blob(id)?.content())?;
                }
                None => {
                    std::fs::remove_file(&on_disk).map_err(|source| RepoError::Write {
                        path: on_disk.clone(),
                        source,
                    })?;
                }
            }
        }
        match target {
            Some(_) => index.add_path(Path::new(p))?,
            None => match index.remove_path(Path::new(p)) {
                Ok(()) => {}
                Err(e) if e.code() == ErrorCode::NotFound => {}
                Err(e) => return Err(e.into()),
            },
        }
    }
    index.write()?;
    Ok(())
}

/// A sync killed between moving the branch and writing the files left a
/// note: finish writing them, so the tree is clean again.
fn finish_interrupted_checkout(clone: &Clone) -> Result<(), RepoError> {
    let note = clone.repo.path().join(CHECKOUT_NOTE);
    let Ok(text) = std::fs::read_to_string(&note) else {
        return Ok(());
    };
    let ids: Vec<Oid> = text
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect();
    if let [from, to] = ids.as_slice() {
        if clone.tip()? == *to {
            let repo = &clone.repo;
            let old = repo.find_commit(*from)?.tree()?;
            let new = repo.find_commit(*to)?.tree()?;
            let paths = changed_paths(repo, Some(&old), &new, None)?;
            write_paths(clone, &old, &new, &paths)?;
        }
    }
    let _ = std::fs::remove_file(&note);
    Ok(())
}

/// Record `remote`/`branch` as the branch's upstream if it has none, so
/// that `git status` and the review screen count ahead and behind.
fn set_upstream(clone: &Clone, remote: &str) -> Result<(), RepoError> {
    let mut config = clone.repo.config()?;
    let key = format!("branch.{}.remote", clone.branch);
    if config.get_string(&key).is_err() {
        config.set_str(&key, remote)?;
        config.set_str(
            &format!("branch.{}.merge", clone.branch),
            &clone.branch_ref(),
        )?;
    }
    Ok(())
}

/// Decision lines in `to`'s logs that `from`'s do not have.
fn new_decisions(clone: &Clone, from: Option<Oid>, to: Oid) -> Result<Vec<Decision>, RepoError> {
    let repo = &clone.repo;
    let from_tree = match from {
        Some(f) => Some(repo.find_commit(f)?.tree()?),
        None => None,
    };
    let to_tree = repo.find_commit(to)?.tree()?;
    let under = format!("{}{DECISIONS_DIR}", clone.prefix);
    let mut out = Vec::new();
    for path in changed_paths(repo, from_tree.as_ref(), &to_tree, Some(&under))? {
        if !clone.is_decision_log(&path) {
            continue;
        }
        let before = match &from_tree {
            Some(t) => text_at(repo, t, &path)?.unwrap_or_default(),
            None => String::new(),
        };
        let after = text_at(repo, &to_tree, &path)?.unwrap_or_default();
        let added = added_lines(&before, &after).join("\n");
        let (lines, _) = parse_jsonl::<Decision>(&path, added.as_bytes(), "");
        out.extend(lines.into_iter().map(|(_, d)| d));
    }
    Ok(out)
}

fn by_reviewer(decisions: &[Decision], you: Option<&str>) -> Vec<ByReviewer> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for d in decisions {
        let key = if is_you(&d.reviewer, you) {
            you.unwrap_or(&d.reviewer).to_string()
        } else {
            d.reviewer.clone()
        };
        if !counts.contains_key(&key) {
            order.push(key.clone());
        }
        *counts.entry(key).or_default() += 1;
    }
    order
        .into_iter()
        .map(|r| ByReviewer {
            decisions: counts[&r],
            reviewer: r,
        })
        .collect()
}

/// The transcript a decision belongs to (its unit id starts `<transcript>:`).
fn transcript_of(d: &Decision) -> &str {
    d.unit.rsplitn(3, ':').last().unwrap_or(&d.unit)
}

/// What came in and went out between the local branch before the sync
/// (`before`), the remote as fetched (`upstream`) and the result (`tip`).
fn summarise(
    clone: &Clone,
    before: Oid,
    upstream: Option<Oid>,
    tip: Oid,
    you: Option<String>,
) -> Result<SyncSummary, RepoError> {
    let repo = &clone.repo;
    let incoming = new_decisions(clone, Some(before), tip)?;
    let outgoing = if upstream == Some(tip) && before != tip {
        Vec::new()
    } else {
        new_decisions(clone, upstream, tip)?
    };
    // Codings that came in changed, by transcript.
    let before_tree = repo.find_commit(before)?.tree()?;
    let tip_tree = repo.find_commit(tip)?.tree()?;
    let under = format!("{}{CODINGS_DIR}", clone.prefix);
    let mut recoded_files: Vec<(String, String)> = Vec::new();
    for path in changed_paths(repo, Some(&before_tree), &tip_tree, Some(&under))? {
        if let Some(FileRole::Codings { coder, transcript }) = clone.in_study(&path).map(role_of) {
            recoded_files.push((coder, transcript));
        }
    }
    // The conflicts this sync brought about: units of the logs it touched
    // with more than one live decision, one of them in or out just now.
    let moved: BTreeSet<&str> = incoming
        .iter()
        .chain(outgoing.iter())
        .map(|d| d.id.as_str())
        .collect();
    let touched: BTreeSet<&str> = incoming
        .iter()
        .chain(outgoing.iter())
        .map(transcript_of)
        .collect();
    let mut looked_at: HashMap<String, StudyAt> = HashMap::new();
    let mut conflicts = Vec::new();
    for t in touched {
        // Cheap first look: a unit named by two settling lines at all?
        let log = text_at(
            repo,
            &tip_tree,
            &format!("{}{}", clone.prefix, decisions_path(t)),
        )?
        .unwrap_or_default();
        let (lines, _) = parse_jsonl::<Decision>(t, log.as_bytes(), "");
        let mut per_unit: HashMap<&str, usize> = HashMap::new();
        for (_, d) in lines.iter().filter(|(_, d)| d.action.settles()) {
            *per_unit.entry(d.unit.as_str()).or_default() += 1;
        }
        if per_unit.values().all(|n| *n < 2) {
            continue;
        }
        let at = study_of_transcript(clone, &tip_tree, t)?;
        for (unit, standing) in &at.standings {
            if let Standing::Conflict(ids) = standing {
                if !ids.iter().any(|id| moved.contains(id.as_str())) {
                    continue;
                }
                let reviewers: Vec<String> = ids
                    .iter()
                    .filter_map(|id| at.decisions.iter().find(|d| d.id == *id))
                    .map(|d| name_of(&d.reviewer).to_string())
                    .collect();
                conflicts.push(ConflictShown {
                    unit: unit.clone(),
                    reviewers,
                });
            }
        }
        looked_at.insert(t.to_string(), at);
    }
    conflicts.sort_by(|a, b| a.unit.cmp(&b.unit));
    let mut recoded = Vec::new();
    for (coder, transcript) in recoded_files {
        if !looked_at.contains_key(&transcript) {
            let at = study_of_transcript(clone, &tip_tree, &transcript)?;
            looked_at.insert(transcript.clone(), at);
        }
        let at = &looked_at[&transcript];
        let stale_units = at
            .standings
            .iter()
            .map(|(_, s)| s)
            .filter(|s| matches!(s, Standing::Stale(_)))
            .count();
        let coder_name = at
            .coder_names
            .get(&coder)
            .cloned()
            .unwrap_or_else(|| coder.clone());
        recoded.push(Recoded {
            coder,
            coder_name,
            transcript,
            stale_units,
        });
    }
    Ok(SyncSummary {
        remote: String::new(),
        branch: clone.branch.clone(),
        how: Integration::UpToDate,
        incoming: by_reviewer(&incoming, you.as_deref()),
        outgoing: by_reviewer(&outgoing, you.as_deref()),
        you,
        recoded,
        conflicts,
        attempts: 1,
    })
}

/// One transcript's units and their standings at a commit.
struct StudyAt {
    standings: Vec<(String, Standing)>,
    decisions: Vec<Decision>,
    coder_names: HashMap<String, String>,
}

/// Read only what one transcript's standings need (manifest, its codings,
/// its log) from `tree`: a sync of a large study stays quick.
fn study_of_transcript(clone: &Clone, tree: &Tree, transcript: &str) -> Result<StudyAt, RepoError> {
    let repo = &clone.repo;
    let mut files = StudyFiles::default();
    let at = |p: &str| format!("{}{p}", clone.prefix);
    let mut coder_names = HashMap::new();
    if let Some(bytes) = text_at(repo, tree, &at(MANIFEST))? {
        if let Ok(m) = parse_manifest(MANIFEST, bytes.as_bytes()) {
            coder_names = m
                .coders
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect();
        }
        files.insert(MANIFEST, bytes.into_bytes());
    }
    for p in [transcript_path(transcript), decisions_path(transcript)] {
        if let Some(t) = text_at(repo, tree, &at(&p))? {
            files.insert(p, t.into_bytes());
        }
    }
    if let Ok(entry) = tree.get_path(Path::new(&at(CODINGS_DIR))) {
        if let Ok(dir) = repo.find_tree(entry.id()) {
            for coder in dir.iter().filter_map(|e| e.name().ok().map(str::to_string)) {
                let p = codings_path(&coder, transcript);
                if let Some(t) = text_at(repo, tree, &at(&p))? {
                    files.insert(p, t.into_bytes());
                }
            }
        }
    }
    let loaded = load::load(&files);
    let units = crate::align::review_units(&loaded.study);
    let standing = standings(&units, &loaded.study.decisions);
    let decisions = loaded
        .study
        .decisions
        .iter()
        .flat_map(|f| f.decisions.iter().cloned())
        .collect();
    Ok(StudyAt {
        standings: units
            .iter()
            .filter_map(|u| {
                standing
                    .get(u.id.as_str())
                    .map(|s| (u.id.to_string(), s.clone()))
            })
            .collect(),
        decisions,
        coder_names,
    })
}

/// Ahead and behind the upstream, as git counts them, without fetching.
pub fn ahead_behind(start: &Path) -> Option<(usize, usize)> {
    let repo = Repository::discover(start).ok()?;
    let head = repo.head().ok()?;
    let branch = git2::Branch::wrap(head);
    let upstream = branch.upstream().ok()?;
    let local = branch.get().target()?;
    let up = upstream.get().target()?;
    repo.graph_ahead_behind(local, up).ok()
}
