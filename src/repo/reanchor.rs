//! `concord reanchor` in the effects layer: for each transcript, the text
//! its codings were made on (the transcript at the newest commit that
//! changed any of its codings files) and the text in the working tree; the
//! pure core ([`crate::study::reanchor`]) moves the codings and decisions
//! between the two, and the moved files are written and committed in one
//! commit.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use git2::{DiffOptions, Oid, Repository, Sort, Tree};

use crate::repo::RepoError;
use crate::repo::at_commit::GitStudy;
use crate::repo::git::Person;
use crate::repo::read::{MAX_FILE_BYTES, read_regular_file_seen};
use crate::repo::record::{Committed, FileChange, RecordError, RecordLock, Working, commit_files};
use crate::study::files::{FileRole, codings_path, decisions_path, role_of, transcript_path};
use crate::study::reanchor::{OffsetMap, Reanchored, move_decision, reanchor_between};
use crate::study::write::{codings_text_of, decisions_text};
use crate::study::{CodingFile, Decision, DecisionFile, Study, Transcript};

/// The newest commit (from `HEAD`) that changed a codings file of each of
/// `wanted`, by transcript id. A transcript whose codings were never
/// committed is absent.
pub fn codings_commits(
    gs: &GitStudy,
    wanted: &BTreeSet<String>,
) -> Result<BTreeMap<String, Oid>, RepoError> {
    let mut found = BTreeMap::new();
    let head = match gs.repo.head().and_then(|h| h.peel_to_commit()) {
        Ok(c) => c,
        Err(_) => return Ok(found),
    };
    let mut walk = gs.repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(head.id())?;
    let prefix = if gs.prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", gs.prefix)
    };
    for oid in walk {
        let oid = oid?;
        let commit = gs.repo.find_commit(oid)?;
        let tree = commit.tree()?;
        let parent_tree = match commit.parents().next() {
            Some(p) => Some(p.tree()?),
            None => None,
        };
        let mut opts = DiffOptions::new();
        opts.pathspec(format!("{prefix}codings/"));
        let diff = gs
            .repo
            .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut opts))?;
        for delta in diff.deltas() {
            let Some(path) = delta.new_file().path().or(delta.old_file().path()) else {
                continue;
            };
            let path = path.to_string_lossy().replace('\\', "/");
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            if let FileRole::Codings { transcript, .. } = role_of(rel) {
                if wanted.contains(&transcript) {
                    found.entry(transcript).or_insert(oid);
                }
            }
        }
        if found.len() == wanted.len() {
            break;
        }
    }
    Ok(found)
}

/// The text of study file `rel` at `commit`, if it is there and UTF-8.
pub fn text_at(gs: &GitStudy, commit: Oid, rel: &str) -> Result<Option<String>, RepoError> {
    let Some(tree) = gs.study_tree(commit)? else {
        return Ok(None);
    };
    Ok(changed_text(&gs.repo, &tree, rel, None))
}

/// The text of `rel` in the study's `tree`, if it is there, UTF-8 and not
/// `now` (compared before anything is copied: most transcripts are not
/// edited).
fn changed_text(
    repo: &Repository,
    tree: &Tree<'_>,
    rel: &str,
    now: Option<&str>,
) -> Option<String> {
    let entry = tree.get_path(Path::new(rel)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    let bytes = blob.content();
    if now.is_some_and(|n| n.as_bytes() == bytes) {
        return None;
    }
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

/// For each `(transcript, commit, now)`, the transcript's text at `commit`
/// when it is there and differs from `now`. Read on every core, each
/// thread with a repository handle of its own (a `git2::Repository` is not
/// `Sync`): inflating a thousand old transcripts was most of the time of
/// re-anchoring a large study.
fn old_texts(
    gs: &GitStudy,
    wanted: &[(&str, Oid, &str)],
) -> Result<Vec<Option<String>>, RepoError> {
    let prefix = gs.prefix.as_str();
    crate::repo::threads::each_with_repo(&gs.repo, wanted.len(), |repo, part| {
        // The study's tree of each commit, found once (usually one commit for all).
        let mut trees: Vec<(Oid, Option<Tree<'_>>)> = Vec::new();
        let mut out = Vec::with_capacity(part.len());
        for &(t, commit, now) in &wanted[part] {
            let at = match trees.iter().position(|(c, _)| *c == commit) {
                Some(i) => i,
                None => {
                    trees.push((commit, study_tree_of(repo, prefix, commit)?));
                    trees.len() - 1
                }
            };
            out.push(
                trees[at]
                    .1
                    .as_ref()
                    .and_then(|tree| changed_text(repo, tree, &transcript_path(t), Some(now))),
            );
        }
        Ok(out)
    })
}

/// The study folder's tree at `commit` in `repo` ([`GitStudy::study_tree`]
/// for another handle on the same repository).
fn study_tree_of<'r>(
    repo: &'r Repository,
    prefix: &str,
    commit: Oid,
) -> Result<Option<Tree<'r>>, RepoError> {
    let tree = repo.find_commit(commit)?.tree()?;
    if prefix.is_empty() {
        return Ok(Some(tree));
    }
    match tree.get_path(Path::new(prefix)) {
        Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
            Ok(Some(repo.find_tree(entry.id())?))
        }
        _ => Ok(None),
    }
}

/// What re-anchoring one transcript did.
#[derive(Debug, Clone)]
pub struct TranscriptReanchored {
    pub transcript: String,
    /// The commit whose text the codings were made on.
    pub since: Oid,
    /// By coder, every coding (moved or not), in file order.
    pub codings: BTreeMap<String, Vec<Reanchored>>,
    /// The decisions log with unit and result spans moved.
    pub decisions: Option<Vec<Decision>>,
    pub decisions_moved: usize,
    /// A hash of the working text the codings were moved through: the
    /// transcript committed with them must be that text.
    pub moved_through: u64,
}

impl TranscriptReanchored {
    pub fn all(&self) -> impl Iterator<Item = (&str, &Reanchored)> {
        self.codings
            .iter()
            .flat_map(|(coder, v)| v.iter().map(move |r| (coder.as_str(), r)))
    }
}

/// Re-anchor every transcript of `study` (or only `only`) whose working text
/// differs from the text at its codings' last commit.
pub fn plan(
    gs: &GitStudy,
    study: &Study,
    only: Option<&str>,
) -> Result<Vec<TranscriptReanchored>, RepoError> {
    let wanted: BTreeSet<String> = study
        .codings
        .iter()
        .map(|f| f.transcript.clone())
        .filter(|t| only.is_none_or(|o| o == t))
        .collect();
    if let Some(o) = only {
        if study.transcript(o).is_none() {
            return Err(RepoError::Refused(format!(
                "there is no transcript {o:?} (transcripts/{o}.txt); concord status lists them"
            )));
        }
    }
    let since = codings_commits(gs, &wanted)?;
    let now: Vec<(&str, Oid, &Transcript)> = since
        .iter()
        .filter_map(|(t, commit)| Some((t.as_str(), *commit, study.transcript(t)?)))
        .collect();
    let asked: Vec<(&str, Oid, &str)> = now
        .iter()
        .map(|(t, c, now)| (*t, *c, now.text.as_str()))
        .collect();
    let edited: Vec<(&str, Oid, Transcript, &Transcript)> = old_texts(gs, &asked)?
        .into_iter()
        .zip(now)
        .filter_map(|(then, (t, commit, now))| Some((t, commit, Transcript::new(t, then?), now)))
        .collect();
    // Each transcript's codings and decisions files, found once (each
    // transcript looking through every file was quadratic in their number).
    let mut files: HashMap<&str, Files<'_>> = HashMap::new();
    for f in &study.codings {
        files.entry(&f.transcript).or_default().codings.push(f);
    }
    for f in &study.decisions {
        files
            .entry(&f.transcript)
            .or_default()
            .decisions
            .get_or_insert(f);
    }
    // The diffs and moves, pure, on every core.
    let out = crate::agreement::interval::on_every_core(edited.len(), |i| {
        let (t, commit, then, now) = &edited[i];
        let of = files.get(t).cloned().unwrap_or_default();
        reanchor_one(&of, t, *commit, then, now)
    });
    Ok(out)
}

/// One transcript's files.
#[derive(Default, Clone)]
struct Files<'s> {
    codings: Vec<&'s CodingFile>,
    decisions: Option<&'s DecisionFile>,
}

/// One transcript's codings (every coder's) and decisions moved from the
/// text `then` (at `since`) to `now`.
fn reanchor_one(
    files: &Files<'_>,
    t: &str,
    since: Oid,
    then: &Transcript,
    now: &Transcript,
) -> TranscriptReanchored {
    let map = OffsetMap::between(&then.text, &now.text);
    let codings = files
        .codings
        .iter()
        .map(|f| {
            (
                f.coder.clone(),
                reanchor_between(&map, then, now, &f.codings),
            )
        })
        .collect();
    let (decisions, decisions_moved) = match files.decisions {
        Some(f) => {
            let moved: Vec<Decision> = f.decisions.iter().map(|d| move_decision(&map, d)).collect();
            let n = moved
                .iter()
                .zip(&f.decisions)
                .filter(|(a, b)| a != b)
                .count();
            (Some(moved), n)
        }
        None => (None, 0),
    };
    TranscriptReanchored {
        transcript: t.to_string(),
        since,
        codings,
        decisions,
        decisions_moved,
        moved_through: text_hash(&now.text),
    }
}

/// A hash of a transcript's text, to tell whether it changed between the
/// plan and the commit (within one run: not kept anywhere).
fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Commit the moved codings and decisions (canonical form) with the edited
/// transcripts, in one commit authored by `author`, then write them to the
/// working tree. Committing first means a kill leaves the working files
/// behind the branch, which the next start puts in step
/// (`recover::recover_interrupted`); written first, they would be moved a
/// second time by the next `concord reanchor`. The commit goes through the
/// record lock and compare-and-swap of decisions: a codings file with
/// changes not committed is refused, and so is a file that a commit made
/// meanwhile changed.
pub fn write_and_commit(
    gs: &GitStudy,
    done: &[TranscriptReanchored],
    author: &Person,
    message: &str,
) -> Result<Option<Oid>, RepoError> {
    let root = gs
        .root
        .as_ref()
        .ok_or_else(|| RepoError::Refused("the repository has no working tree".into()))?;
    let in_repo = |rel: &str| -> String {
        if gs.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", gs.prefix)
        }
    };
    // (study path, new text or None for the working transcript as it is),
    // the texts made on every core.
    enum Source<'d> {
        Transcript,
        Codings(&'d [Reanchored]),
        Decisions(&'d [Decision]),
    }
    let mut sources: Vec<(String, Source<'_>)> = Vec::new();
    let mut moved_through: std::collections::HashMap<String, u64> = Default::default();
    for t in done {
        sources.push((transcript_path(&t.transcript), Source::Transcript));
        moved_through.insert(transcript_path(&t.transcript), t.moved_through);
        for (coder, codings) in &t.codings {
            sources.push((codings_path(coder, &t.transcript), Source::Codings(codings)));
        }
        if let Some(d) = &t.decisions {
            sources.push((decisions_path(&t.transcript), Source::Decisions(d)));
        }
    }
    let texts = crate::repo::threads::each(sources.len(), |i| match sources[i].1 {
        Source::Transcript => None,
        Source::Codings(codings) => Some(codings_text_of(codings.iter().map(|r| &r.coding))),
        Source::Decisions(d) => Some(decisions_text(d)),
    });
    let planned: Vec<(String, Option<String>)> =
        sources.into_iter().map(|(rel, _)| rel).zip(texts).collect();
    if planned.is_empty() {
        return Ok(None);
    }
    let paths: Vec<(String, PathBuf)> = planned
        .iter()
        .map(|(rel, _)| (in_repo(rel), root.join(rel)))
        .collect();
    // The edited transcripts as they are, each with its metadata as read
    // (git's index records it with the committed blob).
    let transcripts: Vec<Option<(String, std::fs::Metadata)>> = planned
        .iter()
        .map(|(rel, new)| match new {
            Some(_) => Ok(None),
            None => {
                let path = root.join(rel);
                let (bytes, seen) = read_regular_file_seen(&path, MAX_FILE_BYTES)
                    .map_err(|e| RepoError::Refused(format!("{rel}: {e}")))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    RepoError::Refused(format!(
                        "{rel} is not UTF-8 text; save it as UTF-8 and run concord reanchor again"
                    ))
                })?;
                // Edited again since the codings were moved through it: the
                // moved codings would be committed beside another text.
                if moved_through.get(rel.as_str()) != Some(&text_hash(&text)) {
                    return Err(RepoError::Refused(format!(
                        "{rel} was edited while concord reanchor ran; nothing was written — run it again"
                    )));
                }
                Ok(Some((text, seen)))
            }
        })
        .collect::<Result<_, RepoError>>()?;
    // Which blob each file was at the tip the first attempt saw: a later
    // attempt (the branch moved) finding another refuses.
    let seen: Vec<std::sync::OnceLock<Option<Oid>>> =
        planned.iter().map(|_| std::sync::OnceLock::new()).collect();
    let files: Vec<FileChange<'_>> = planned
        .iter()
        .zip(&paths)
        .zip(transcripts.iter().zip(&seen))
        .map(|(((rel, new), (repo_path, on_disk)), (working, seen))| FileChange {
            in_study: rel,
            repo_path,
            on_disk,
            working: match working {
                Some((_, read)) => Working::Kept(read.clone()),
                None => Working::Written,
            },
            change: Box::new(move |base: Option<Committed>| {
                let blob = base.map(|c| c.blob);
                if *seen.get_or_init(|| blob) != blob {
                    return Err(RecordError::Repo(RepoError::Refused(format!(
                        "{rel} was changed by a commit made while concord reanchor ran; nothing was written — run it again"
                    ))));
                }
                let text = new.as_deref().or(working.as_ref().map(|(text, _)| text.as_str()));
                Ok(Cow::Borrowed(text.unwrap_or_default()))
            }),
        })
        .collect();
    let sig = git2::Signature::now(&author.name, &author.email)?;
    let _lock = RecordLock::take(&gs.repo)?;
    match commit_files(&gs.repo, &files, &sig, message) {
        Ok(done) => {
            if let Some(why) = done.worktree_behind {
                eprintln!(
                    "concord: committed, but the working tree could not be brought up to the commit ({why}); the next concord command puts it in step"
                );
            }
            Ok(Some(done.commit))
        }
        Err(RecordError::Repo(e)) => Err(e),
        Err(e) => Err(RepoError::Refused(e.to_string())),
    }
}
