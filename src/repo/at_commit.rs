//! Reading a study as it was at any commit, from git's tree objects: no
//! checkout, so it works on a repository with a dirty working tree and on
//! a bare clone, and never touches the working tree. The same safety as
//! reading the working tree: symbolic links (and submodules) are listed as
//! skipped, never followed, and no file larger than [`MAX_FILE_BYTES`] is
//! read.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Tree};

use crate::repo::RepoError;
use crate::repo::locate::{display_path, find_study_root};
use crate::repo::read::MAX_FILE_BYTES;
use crate::study::StudyFiles;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, DECISIONS_DIR, MANIFEST, TRANSCRIPTS_DIR};

/// git's file mode of a symbolic link.
const LINK_MODE: i32 = 0o120000;

/// A study in a git repository: the repository and the study's folder in
/// it (`""` when the study is the repository's root).
pub struct GitStudy {
    pub repo: Repository,
    /// The study folder relative to the repository's root, with `/`.
    pub prefix: String,
    /// The working-tree folder of the study, when there is one.
    pub root: Option<PathBuf>,
    /// How to name the study to the user.
    pub shown: String,
}

/// Open the study at or above `path` (default: the current folder) with
/// its repository. A bare repository (no working tree) is a study whose
/// folder is found in the tree of `HEAD`: the root if it has a
/// `concord.toml`, else the one folder that has.
pub fn open(path: Option<&Path>) -> Result<GitStudy, RepoError> {
    let cwd = std::env::current_dir().map_err(|source| RepoError::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let start = path.unwrap_or(&cwd);
    if let Ok(repo) = Repository::open_bare(start) {
        if repo.is_bare() {
            let prefix = prefix_in_head(&repo)?;
            return Ok(GitStudy {
                repo,
                prefix,
                root: None,
                shown: start.display().to_string(),
            });
        }
    }
    let root = find_study_root(start, path.is_some())?;
    let repo = Repository::discover(&root).map_err(|_| {
        RepoError::Refused(format!(
            "{} is not in a git repository: the codebook's history is git's (git init, then commit the study)",
            root.display()
        ))
    })?;
    let workdir = repo
        .workdir()
        .and_then(|w| w.canonicalize().ok())
        .ok_or_else(|| RepoError::Refused("the repository has no working tree".into()))?;
    let prefix = root
        .strip_prefix(&workdir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let shown = display_path(&root, &cwd.canonicalize().unwrap_or(cwd));
    Ok(GitStudy {
        repo,
        prefix,
        root: Some(root),
        shown,
    })
}

/// Where the study is in a bare repository's `HEAD`.
fn prefix_in_head(repo: &Repository) -> Result<String, RepoError> {
    let head = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .map_err(|_| RepoError::Refused("the repository has no commits yet".into()))?;
    if head.get_name(MANIFEST).is_some() {
        return Ok(String::new());
    }
    let mut found = Vec::new();
    head.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.name().ok() == Some(MANIFEST) && entry.kind() == Some(ObjectType::Blob) {
            found.push(dir.trim_end_matches('/').to_string());
        }
        if found.len() > 1 {
            git2::TreeWalkResult::Abort
        } else {
            git2::TreeWalkResult::Ok
        }
    })
    .ok();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(RepoError::Refused(
            "no concord.toml in the repository's HEAD: this is not a concord study".into(),
        )),
        _ => Err(RepoError::Refused(
            "more than one study in the repository; give the study's folder from a clone with a working tree".into(),
        )),
    }
}

impl GitStudy {
    /// The commit a revision names (`HEAD~2`, a branch, a tag, a hash).
    pub fn resolve(&self, rev: &str) -> Result<Oid, RepoError> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| {
                RepoError::Refused(format!(
                    "unknown revision {rev:?}: give a commit, branch or tag (see git log)"
                ))
            })
    }

    /// The study folder's tree at `commit`, if the folder exists there.
    pub fn study_tree(&self, commit: Oid) -> Result<Option<Tree<'_>>, RepoError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        if self.prefix.is_empty() {
            return Ok(Some(tree));
        }
        match tree.get_path(Path::new(&self.prefix)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => {
                Ok(Some(self.repo.find_tree(entry.id())?))
            }
            _ => Ok(None),
        }
    }

    /// The study's files at `commit` (all of them).
    pub fn files_at(&self, commit: Oid) -> Result<StudyFiles, RepoError> {
        self.files_at_only(
            commit,
            &[
                MANIFEST,
                crate::study::cases::CASES_FILE,
                CODEBOOK_DIR,
                TRANSCRIPTS_DIR,
                CODINGS_DIR,
                DECISIONS_DIR,
            ],
        )
    }

    /// The study's files at `commit` under the given top-level names.
    pub fn files_at_only(&self, commit: Oid, tops: &[&str]) -> Result<StudyFiles, RepoError> {
        let mut files = StudyFiles::default();
        if let Some(tree) = self.study_tree(commit)? {
            read_tree(&self.repo, &tree, tops, &mut files)?;
        }
        Ok(files)
    }
}

/// Read `tops` (top-level names) of a study tree into `files`.
pub fn read_tree(
    repo: &Repository,
    tree: &Tree<'_>,
    tops: &[&str],
    files: &mut StudyFiles,
) -> Result<(), RepoError> {
    let odb = repo.odb()?;
    for top in tops {
        if let Some(entry) = tree.get_name(top) {
            read_entry(repo, &odb, top, &entry, files, 0)?;
        }
    }
    Ok(())
}

/// How deep folders may nest in a study tree: far beyond any codebook.
const MAX_DEPTH: usize = 64;

fn read_entry(
    repo: &Repository,
    odb: &git2::Odb<'_>,
    rel: &str,
    entry: &git2::TreeEntry<'_>,
    files: &mut StudyFiles,
    depth: usize,
) -> Result<(), RepoError> {
    match entry.kind() {
        Some(ObjectType::Tree) => {
            if depth >= MAX_DEPTH {
                files
                    .skipped
                    .push((rel.to_string(), "folders nested too deep".into()));
                return Ok(());
            }
            let tree = repo.find_tree(entry.id())?;
            for child in tree.iter() {
                match child.name().ok() {
                    Some(name) => read_entry(
                        repo,
                        odb,
                        &format!("{rel}/{name}"),
                        &child,
                        files,
                        depth + 1,
                    )?,
                    None => files.skipped.push((
                        format!("{rel}/{}", String::from_utf8_lossy(child.name_bytes())),
                        "the file name is not valid UTF-8".into(),
                    )),
                }
            }
        }
        Some(ObjectType::Blob) if entry.filemode() == LINK_MODE => files
            .skipped
            .push((rel.to_string(), "symbolic links are not followed".into())),
        Some(ObjectType::Blob) => {
            let (size, _) = odb.read_header(entry.id())?;
            if size as u64 > MAX_FILE_BYTES {
                files.skipped.push((
                    rel.to_string(),
                    format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
                ));
            } else {
                let blob = repo.find_blob(entry.id())?;
                files.insert(rel, blob.content());
            }
        }
        _ => files.skipped.push((
            rel.to_string(),
            "a submodule, not a file of the study".into(),
        )),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_commit_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let commit = {
            let odb_blob = |bytes: &[u8]| repo.blob(bytes).unwrap();
            let mut codebook = repo.treebuilder(None).unwrap();
            codebook
                .insert("x.md", odb_blob(b"+++\nid = \"x\"\n+++\n"), 0o100644)
                .unwrap();
            codebook
                .insert("link.md", odb_blob(b"/etc/passwd"), LINK_MODE)
                .unwrap();
            let codebook = codebook.write().unwrap();
            let mut study = repo.treebuilder(None).unwrap();
            study
                .insert(MANIFEST, odb_blob(b"[study]\nname = \"s\"\n"), 0o100644)
                .unwrap();
            study.insert(CODEBOOK_DIR, codebook, 0o040000).unwrap();
            study
                .insert("README.md", odb_blob(b"not ours"), 0o100644)
                .unwrap();
            let study = study.write().unwrap();
            let mut top = repo.treebuilder(None).unwrap();
            top.insert("sub", study, 0o040000).unwrap();
            let tree = repo.find_tree(top.write().unwrap()).unwrap();
            let sig = git2::Signature::now("T", "t@example.org").unwrap();
            repo.commit(None, &sig, &sig, "m", &tree, &[]).unwrap()
        };
        let gs = GitStudy {
            repo,
            prefix: "sub".into(),
            root: None,
            shown: "sub".into(),
        };
        let files = gs.files_at(commit).unwrap();
        let paths: Vec<&str> = files.files.keys().map(|k| k.as_str()).collect();
        assert_eq!(paths, ["codebook/x.md", "concord.toml"]);
        assert_eq!(
            files.skipped,
            vec![(
                "codebook/link.md".to_string(),
                "symbolic links are not followed".to_string()
            )]
        );
        // A folder the commit does not have is an empty study, not an error.
        let other = GitStudy {
            prefix: "elsewhere".into(),
            ..gs
        };
        assert!(other.files_at(commit).unwrap().files.is_empty());
        assert!(other.resolve("no-such-branch").is_err());
    }
}
