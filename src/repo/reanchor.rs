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
use crate::study::reanchor::{OffsetMap, Reanchored, move_decision, reanchor_owned};
use crate::study::write::{codings_text_of, decisions_text};
use crate::study::{Coding, Decision, Study, Transcript};

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
}

impl TranscriptReanchored {
    pub fn all(&self) -> impl Iterator<Item = (&str, &Reanchored)> {
        self.codings
            .iter()
            .flat_map(|(coder, v)| v.iter().map(move |r| (coder.as_str(), r)))
    }
}

/// Re-anchor every transcript of `study` (or only `only`) whose working text
/// differs from the text at its codings' last commit. The codings of the
/// transcripts re-anchored are moved out of `study` into the result (the
/// moved codings are the study's, not copies of them: a large study's
/// 450,000 codings were copied once more); the others are left in it.
pub fn plan(
    gs: &GitStudy,
    study: &mut Study,
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
    // Each transcript's codings and decisions, found once (each transcript
    // looking through every file was quadratic in their number), and handed
    // to the thread that moves them.
    let mut files: HashMap<&str, Files<'_>> = HashMap::new();
    for f in &mut study.codings {
        if let Some((t, _)) = since.get_key_value(&f.transcript) {
            files
                .entry(t.as_str())
                .or_default()
                .codings
                .push((f.coder.clone(), std::mem::take(&mut f.codings)));
        }
    }
    for f in &study.decisions {
        if let Some((t, _)) = since.get_key_value(&f.transcript) {
            files
                .entry(t.as_str())
                .or_default()
                .decisions
                .get_or_insert(&f.decisions);
        }
    }
    let work: Vec<(&str, Oid, &Transcript, std::sync::Mutex<Files<'_>>)> = since
        .iter()
        .filter_map(|(t, commit)| {
            let now = study.transcript(t)?;
            let of = files.remove(t.as_str()).unwrap_or_default();
            Some((t.as_str(), *commit, now, std::sync::Mutex::new(of)))
        })
        .collect();
    // On every core, each thread with a repository handle of its own (a
    // `git2::Repository` is not `Sync`): the text at the codings' commit
    // inflated, compared with the working text, and (when it differs) the
    // diff and the moves made at once, so that each old text is dropped
    // before the next is read. Inflating a thousand old transcripts was
    // most of the time of re-anchoring a large study.
    let prefix = gs.prefix.as_str();
    let done =
        crate::repo::threads::each_with_repo(&gs.repo, work.len(), |repo, part| {
            // The study's tree of each commit, found once (usually one commit for all).
            let mut trees: Vec<(Oid, Option<Tree<'_>>)> = Vec::new();
            let mut out = Vec::new();
            for (t, commit, now, of) in &work[part] {
                let at = match trees.iter().position(|(c, _)| c == commit) {
                    Some(i) => i,
                    None => {
                        trees.push((*commit, study_tree_of(repo, prefix, *commit)?));
                        trees.len() - 1
                    }
                };
                let Some(then) = trees[at].1.as_ref().and_then(|tree| {
                    changed_text(repo, tree, &transcript_path(t), Some(&now.text))
                }) else {
                    continue;
                };
                let then = Transcript::new(*t, then);
                let of = std::mem::take(&mut *of.lock().unwrap_or_else(|e| e.into_inner()));
                out.push(reanchor_one(of, t, *commit, &then, now));
            }
            Ok::<_, RepoError>(out)
        })?;
    // The transcripts not edited keep their codings in the study.
    let left: Vec<(String, ByCoder)> = work
        .into_iter()
        .map(|(t, _, _, of)| {
            let of = of.into_inner().unwrap_or_else(|e| e.into_inner());
            (t.to_string(), of.codings)
        })
        .filter(|(_, codings)| !codings.is_empty())
        .collect();
    if !left.is_empty() {
        let at: HashMap<(&str, &str), usize> = study
            .codings
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.transcript.as_str(), f.coder.as_str()), i))
            .collect();
        let back: Vec<(usize, Vec<Coding>)> = left
            .into_iter()
            .flat_map(|(t, codings)| {
                codings
                    .into_iter()
                    .filter_map(|(coder, c)| Some((*at.get(&(t.as_str(), coder.as_str()))?, c)))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (i, codings) in back {
            study.codings[i].codings = codings;
        }
    }
    Ok(done)
}

/// Codings by coder, in file order.
type ByCoder = Vec<(String, Vec<Coding>)>;

/// One transcript's codings (handed over) and decisions (the study's).
#[derive(Default)]
struct Files<'s> {
    codings: ByCoder,
    decisions: Option<&'s Vec<Decision>>,
}

/// One transcript's codings (every coder's) and decisions moved from the
/// text `then` (at `since`) to `now`.
fn reanchor_one(
    files: Files<'_>,
    t: &str,
    since: Oid,
    then: &Transcript,
    now: &Transcript,
) -> TranscriptReanchored {
    let map = OffsetMap::between(&then.text, &now.text);
    let codings = files
        .codings
        .into_iter()
        .map(|(coder, codings)| (coder, reanchor_owned(&map, then, now, codings)))
        .collect();
    let (decisions, decisions_moved) = match files.decisions {
        Some(d) => {
            let moved: Vec<Decision> = d.iter().map(|d| move_decision(&map, d)).collect();
            let n = moved.iter().zip(d).filter(|(a, b)| a != b).count();
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
    }
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
    study: &Study,
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
    // Each file's study path and what it is made from; then its new text,
    // made on every core.
    enum Source<'d> {
        /// The edited transcript, in the study the codings were moved through.
        Transcript(Option<&'d Transcript>),
        Codings(&'d [Reanchored]),
        Decisions(&'d [Decision]),
    }
    enum New<'d> {
        Made(String),
        /// The working transcript, committed as it is (the study's text).
        Edited(Option<&'d Transcript>),
    }
    let mut sources: Vec<(String, Source<'_>)> = Vec::new();
    for t in done {
        let now = study.transcript(&t.transcript);
        sources.push((transcript_path(&t.transcript), Source::Transcript(now)));
        for (coder, codings) in &t.codings {
            sources.push((codings_path(coder, &t.transcript), Source::Codings(codings)));
        }
        if let Some(d) = &t.decisions {
            sources.push((decisions_path(&t.transcript), Source::Decisions(d)));
        }
    }
    let texts = crate::repo::threads::each(sources.len(), |i| match sources[i].1 {
        Source::Transcript(now) => New::Edited(now),
        Source::Codings(codings) => New::Made(codings_text_of(codings.iter().map(|r| &r.coding))),
        Source::Decisions(d) => New::Made(decisions_text(d)),
    });
    let planned: Vec<(String, New<'_>)> =
        sources.into_iter().map(|(rel, _)| rel).zip(texts).collect();
    if planned.is_empty() {
        return Ok(None);
    }
    let paths: Vec<(String, PathBuf)> = planned
        .iter()
        .map(|(rel, _)| (in_repo(rel), root.join(rel)))
        .collect();
    // The edited transcripts as they are, each with its metadata as read
    // (git's index records it with the committed blob). The text committed
    // is the study's, which the codings were moved through; the file is read
    // again only to refuse one edited meanwhile, and dropped at once.
    let transcripts: Vec<Option<std::fs::Metadata>> =
        crate::repo::threads::each(planned.len(), |i| match &planned[i] {
            (_, New::Made(_)) => Ok(None),
            (rel, New::Edited(moved_through)) => {
                let path = root.join(rel);
                let (bytes, seen) = read_regular_file_seen(&path, MAX_FILE_BYTES)
                    .map_err(|e| RepoError::Refused(format!("{rel}: {e}")))?;
                // Edited again since the codings were moved through it: the
                // moved codings would be committed beside another text.
                match moved_through {
                    Some(t) if t.text.as_bytes() == bytes => Ok(Some(seen)),
                    _ => Err(RepoError::Refused(format!(
                        "{rel} was edited while concord reanchor ran; nothing was written — run it again"
                    ))),
                }
            }
        })
        .into_iter()
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
                Some(read) => Working::Kept(read.clone()),
                None => Working::Written,
            },
            change: Box::new(move |base: Option<Committed>| {
                let blob = base.map(|c| c.blob);
                if *seen.get_or_init(|| blob) != blob {
                    return Err(RecordError::Repo(RepoError::Refused(format!(
                        "{rel} was changed by a commit made while concord reanchor ran; nothing was written — run it again"
                    ))));
                }
                Ok(Cow::Borrowed(match new {
                    New::Made(text) => text.as_str(),
                    New::Edited(now) => now.map_or("", |t| t.text.as_str()),
                }))
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
