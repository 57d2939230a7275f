//! Two tree operations that `sync` does once per commit it integrates,
//! each touching only the subtrees on the paths that changed: a study of
//! 1,000 transcripts has 4,000 files, and a sync that replays 200 decision
//! commits must not walk all of them 200 times.
//!
//! - [`changed_paths`]: the blobs that differ between two trees. libgit2's
//!   tree-to-tree diff visits every entry of both trees; here a subtree
//!   whose id is the same on both sides is skipped whole, as git does.
//! - [`edit_tree`]: a tree with some paths replaced or removed, built with
//!   tree builders along those paths only (reading the whole tree into an
//!   index and writing it back costs the size of the study).

use std::collections::BTreeMap;

use git2::{ObjectType, Oid, Repository, Tree};

use crate::repo::RepoError;

/// A path's components and its new blob (`None`: removed).
type Edit = (Vec<String>, Option<Oid>);

const TREE_MODE: i32 = 0o040000;
const BLOB_MODE: i32 = 0o100644;

/// A submodule's entry: neither a file of the study nor a tree to enter.
fn is_commit(mode: i32) -> bool {
    mode == 0o160000
}

/// Every file path (slash-separated, from the root of the trees) whose
/// blob or mode differs between `old` (none: an empty tree) and `new`, in
/// the order of the trees, limited to paths under `under` (a folder, or a
/// file, as a pathspec would) when given.
pub fn changed_paths(
    repo: &Repository,
    old: Option<&Tree>,
    new: &Tree,
    under: Option<&str>,
) -> Result<Vec<String>, RepoError> {
    let mut out = Vec::new();
    let under = under.map(|u| u.trim_end_matches('/'));
    walk(repo, old.map(Tree::id), Some(new.id()), "", under, &mut out)?;
    Ok(out)
}

/// Whether `path` (a folder) may hold something under `under`, or lies under it.
fn relevant(path: &str, under: Option<&str>) -> bool {
    match under {
        None | Some("") => true,
        Some(u) => {
            path.is_empty()
                || path == u
                || path.starts_with(&format!("{u}/"))
                || u.starts_with(&format!("{path}/"))
        }
    }
}

fn walk(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    under: Option<&str>,
    out: &mut Vec<String>,
) -> Result<(), RepoError> {
    if old == new || !relevant(prefix, under) {
        return Ok(());
    }
    let entries = |id: Option<Oid>| -> Result<BTreeMap<Vec<u8>, (Oid, i32)>, RepoError> {
        let mut map = BTreeMap::new();
        if let Some(id) = id {
            for e in repo.find_tree(id)?.iter() {
                map.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
            }
        }
        Ok(map)
    };
    let (old, new) = (entries(old)?, entries(new)?);
    let mut names: Vec<&Vec<u8>> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let (a, b) = (old.get(name).copied(), new.get(name).copied());
        if a == b {
            continue;
        }
        let name = String::from_utf8_lossy(name);
        let path = if prefix.is_empty() {
            name.into_owned()
        } else {
            format!("{prefix}/{name}")
        };
        let tree_of = |e: Option<(Oid, i32)>| e.filter(|(_, m)| *m == TREE_MODE).map(|(id, _)| id);
        let file_of = |e: Option<(Oid, i32)>| e.filter(|(_, m)| *m != TREE_MODE && !is_commit(*m));
        // A folder on either side: what differs inside it.
        if tree_of(a).is_some() || tree_of(b).is_some() {
            walk(repo, tree_of(a), tree_of(b), &path, under, out)?;
        }
        // A file on either side (also a file that became a folder, or back).
        if (file_of(a).is_some() || file_of(b).is_some())
            && file_of(a) != file_of(b)
            && relevant(&path, under)
        {
            out.push(path);
        }
    }
    Ok(())
}

/// `tree` with each path set to the bytes given (a new file takes mode
/// 100644, an existing one keeps its mode) or removed (`None`); folders
/// left empty are removed, missing ones made.
pub fn edit_tree<'r>(
    repo: &'r Repository,
    tree: &Tree,
    edits: Vec<(String, Option<Vec<u8>>)>,
) -> Result<Tree<'r>, RepoError> {
    let mut blobs: Vec<Edit> = Vec::with_capacity(edits.len());
    for (path, bytes) in edits {
        let parts = path.split('/').map(str::to_string).collect();
        let id = match bytes {
            Some(bytes) => Some(repo.blob(&bytes)?),
            None => None,
        };
        blobs.push((parts, id));
    }
    let id = edit_at(repo, Some(tree.id()), &blobs)?.unwrap_or(empty_tree(repo)?);
    Ok(repo.find_tree(id)?)
}

fn empty_tree(repo: &Repository) -> Result<Oid, RepoError> {
    Ok(repo.treebuilder(None)?.write()?)
}

/// The tree `tree` (none: a new folder) with `edits` applied, paths
/// relative to it; `None` when it ends up empty.
fn edit_at(repo: &Repository, tree: Option<Oid>, edits: &[Edit]) -> Result<Option<Oid>, RepoError> {
    let existing = match tree {
        Some(id) => Some(repo.find_tree(id)?),
        None => None,
    };
    let mut builder = repo.treebuilder(existing.as_ref())?;
    // Edits of files here, and edits inside each folder, grouped by folder.
    let mut inside: BTreeMap<&str, Vec<Edit>> = BTreeMap::new();
    for (parts, id) in edits {
        match parts.as_slice() {
            [] => {}
            [file] => match id {
                Some(id) => {
                    let mode = match builder.get(file)? {
                        Some(e) if e.kind() == Some(ObjectType::Blob) => e.filemode(),
                        _ => BLOB_MODE,
                    };
                    builder.insert(file, *id, mode)?;
                }
                None => {
                    if builder.get(file)?.is_some() {
                        builder.remove(file)?;
                    }
                }
            },
            [folder, rest @ ..] => inside
                .entry(folder.as_str())
                .or_default()
                .push((rest.to_vec(), *id)),
        }
    }
    for (folder, edits) in inside {
        let current = match builder.get(folder)? {
            Some(e) if e.kind() == Some(ObjectType::Tree) => Some(e.id()),
            _ => None,
        };
        match edit_at(repo, current, &edits)? {
            Some(id) => {
                builder.insert(folder, id, TREE_MODE)?;
            }
            None => {
                if builder.get(folder)?.is_some() {
                    builder.remove(folder)?;
                }
            }
        }
    }
    if builder.is_empty() {
        return Ok(None);
    }
    Ok(Some(builder.write()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        (dir, repo)
    }

    /// A tree of `files` (path, text), built through an index as git would.
    fn tree_of(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for (path, text) in files {
            let id = repo.blob(text.as_bytes()).unwrap();
            index
                .add(&git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: 0o100644,
                    uid: 0,
                    gid: 0,
                    file_size: text.len() as u32,
                    id,
                    flags: 0,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                })
                .unwrap();
        }
        index.write_tree_to(repo).unwrap()
    }

    /// What libgit2's own diff says changed: the reference for `changed_paths`.
    fn by_libgit2(repo: &Repository, old: &Tree, new: &Tree, under: Option<&str>) -> Vec<String> {
        let mut opts = git2::DiffOptions::new();
        if let Some(u) = under {
            opts.pathspec(u);
        }
        let diff = repo
            .diff_tree_to_tree(Some(old), Some(new), Some(&mut opts))
            .unwrap();
        let mut out: Vec<String> = Vec::new();
        for d in diff.deltas() {
            for f in [d.old_file(), d.new_file()] {
                if let Some(p) = f.path().and_then(|p| p.to_str()) {
                    if !out.contains(&p.to_string()) {
                        out.push(p.to_string());
                    }
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn changed_paths_are_libgit2s_without_walking_equal_folders() {
        let (_d, repo) = repo();
        let old = tree_of(
            &repo,
            &[
                ("concord.toml", "a"),
                ("decisions/fg1.jsonl", "1\n"),
                ("decisions/fg2.jsonl", "2\n"),
                ("codings/ann/fg1.jsonl", "x\n"),
                ("transcripts/fg1.txt", "t"),
            ],
        );
        let new = tree_of(
            &repo,
            &[
                ("concord.toml", "a"),
                ("decisions/fg1.jsonl", "1\n3\n"),
                ("decisions/fg3.jsonl", "new\n"),
                ("codings/ann/fg1.jsonl", "x\n"),
                ("codings/ben/fg1.jsonl", "y\n"),
            ],
        );
        let (old, new) = (repo.find_tree(old).unwrap(), repo.find_tree(new).unwrap());
        for under in [
            None,
            Some("decisions"),
            Some("codings/"),
            Some("transcripts"),
        ] {
            let mut ours = changed_paths(&repo, Some(&old), &new, under).unwrap();
            ours.sort();
            assert_eq!(
                ours,
                by_libgit2(&repo, &old, &new, under),
                "under {under:?}"
            );
        }
        assert!(
            changed_paths(&repo, Some(&new), &new, None)
                .unwrap()
                .is_empty()
        );
        let all = changed_paths(&repo, None, &new, None).unwrap();
        assert_eq!(all.len(), 5, "{all:?}");
    }

    #[test]
    fn an_edited_tree_equals_the_tree_git_would_write() {
        let (_d, repo) = repo();
        let before = tree_of(
            &repo,
            &[
                ("concord.toml", "a"),
                ("decisions/fg1.jsonl", "1\n"),
                ("decisions/fg2.jsonl", "2\n"),
                ("old/only.txt", "gone"),
            ],
        );
        let expected = tree_of(
            &repo,
            &[
                ("concord.toml", "a"),
                ("decisions/fg1.jsonl", "1\n3\n"),
                ("decisions/fg2.jsonl", "2\n"),
                ("new/deep/fg9.jsonl", "9\n"),
            ],
        );
        let tree = repo.find_tree(before).unwrap();
        let edited = edit_tree(
            &repo,
            &tree,
            vec![
                ("decisions/fg1.jsonl".into(), Some(b"1\n3\n".to_vec())),
                ("new/deep/fg9.jsonl".into(), Some(b"9\n".to_vec())),
                ("old/only.txt".into(), None),
                ("not/there.txt".into(), None),
            ],
        )
        .unwrap();
        assert_eq!(edited.id(), expected);
    }
}
