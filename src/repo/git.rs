//! git through git2: opening or creating the repository around a study,
//! the author's identity, and commits that never overwrite a branch blindly.

use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Repository, RepositoryInitOptions, Signature, Time};

use crate::repo::RepoError;

/// The branch a new repository starts on.
pub const INITIAL_BRANCH: &str = "main";

/// A person who authors commits: `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl Person {
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Person {
        Person {
            name: name.into(),
            email: email.into(),
        }
    }
    /// `Name <email>` as written in decisions and on the command line.
    pub fn parse(s: &str) -> Option<Person> {
        let (name, rest) = s.split_once('<')?;
        let email = rest.strip_suffix('>')?;
        let name = name.trim();
        (!name.is_empty() && email.contains('@')).then(|| Person::new(name, email.trim()))
    }
}

impl std::fmt::Display for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// The repository that contains `path`, if any.
pub fn discover(path: &Path) -> Option<Repository> {
    Repository::discover(path).ok()
}

/// A new repository at `path` whose first branch is `main`.
pub fn init(path: &Path) -> Result<Repository, RepoError> {
    let mut opts = RepositoryInitOptions::new();
    opts.initial_head(INITIAL_BRANCH);
    Ok(Repository::init_opts(path, &opts)?)
}

/// The branch the repository is on, as the status line names it: the
/// branch even before its first commit (an empty repository's HEAD names
/// it already), or `detached at abc1234`.
pub fn branch_name(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    if let Ok(Some(target)) = head.symbolic_target() {
        return Some(target.trim_start_matches("refs/heads/").to_string());
    }
    let oid = head.target()?;
    Some(format!("detached at {}", &oid.to_string()[..7]))
}

/// `user.name` and `user.email` from git's configuration, if both are set.
pub fn configured_identity(repo: &Repository) -> Option<Person> {
    let config = repo.config().ok()?;
    let name = config.get_string("user.name").ok()?;
    let email = config.get_string("user.email").ok()?;
    Some(Person::new(name, email))
}

/// Seconds since the epoch and the offset from UTC in minutes.
#[derive(Debug, Clone, Copy)]
pub struct When {
    pub seconds: i64,
    pub offset_minutes: i32,
}

/// Stage `paths` (relative to the repository's working folder, files
/// already written) and commit them on the current branch.
///
/// The branch moves only if it still points where this commit's parent was
/// read: git2 refuses the update otherwise, so a commit made meanwhile by
/// another process is never overwritten (the caller sees the error and can
/// retry on the new tip).
pub fn commit_paths(
    repo: &Repository,
    paths: &[PathBuf],
    author: &Person,
    when: Option<When>,
    message: &str,
) -> Result<git2::Oid, RepoError> {
    let sig = match when {
        Some(w) => Signature::new(
            &author.name,
            &author.email,
            &Time::new(w.seconds, w.offset_minutes),
        )?,
        None => Signature::now(&author.name, &author.email)?,
    };
    let mut index = repo.index()?;
    let specs: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    index.add_all(specs.iter(), IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let parent = match repo.head() {
        Ok(head) => Some(head.peel_to_commit()?),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            None
        }
        Err(e) => return Err(e.into()),
    };
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    Ok(repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_people() {
        assert_eq!(
            Person::parse("Ada Lovelace <ada@example.org>"),
            Some(Person::new("Ada Lovelace", "ada@example.org"))
        );
        assert_eq!(Person::parse("Ada"), None);
        assert_eq!(Person::parse("<ada@example.org>"), None);
    }

    #[test]
    fn commits_files_on_a_new_branch() {
        let dir = tempfile::tempdir().unwrap();
        let repo = init(dir.path()).unwrap();
        std::fs::write(dir.path().join("a.txt"), "a\n").unwrap();
        let who = Person::new("T", "t@example.org");
        let first = commit_paths(&repo, &["a.txt".into()], &who, None, "one").unwrap();
        std::fs::write(dir.path().join("a.txt"), "b\n").unwrap();
        let second = commit_paths(&repo, &["a.txt".into()], &who, None, "two").unwrap();
        let head = repo.head().unwrap();
        assert_eq!(head.shorthand().unwrap(), INITIAL_BRANCH);
        let c = head.peel_to_commit().unwrap();
        assert_eq!(c.id(), second);
        assert_eq!(c.parent_id(0).unwrap(), first);
        // The index matches the working tree: nothing left to commit.
        let statuses = repo.statuses(None).unwrap();
        assert!(statuses.is_empty());
    }

    #[test]
    fn an_empty_repository_is_on_its_branch_already() {
        let dir = tempfile::tempdir().unwrap();
        let repo = init(dir.path()).unwrap();
        assert_eq!(branch_name(&repo).as_deref(), Some(INITIAL_BRANCH));
        std::fs::write(dir.path().join("a.txt"), "a\n").unwrap();
        let who = Person::new("T", "t@example.org");
        let first = commit_paths(&repo, &["a.txt".into()], &who, None, "one").unwrap();
        assert_eq!(branch_name(&repo).as_deref(), Some(INITIAL_BRANCH));
        repo.set_head_detached(first).unwrap();
        assert_eq!(
            branch_name(&repo),
            Some(format!("detached at {}", &first.to_string()[..7]))
        );
    }
}
