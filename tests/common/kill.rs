//! Shared by the kill tests (durability.rs, durability_codings.rs): a
//! seeded generator of kill moments, a generated study committed in a new
//! repository, and what must hold after the next start.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use crate::common::{concord, run_in, stderr, stdout};

/// A small xorshift generator: the same seed, the same kill moments.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A generated study committed in a new repository.
pub fn generated(transcripts: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("study");
    let out = run_in(
        dir.path(),
        &[
            "generate",
            "--transcripts",
            &transcripts.to_string(),
            "--chars",
            "15000",
            "--coders",
            "2",
            "--excerpts",
            "70",
            "--path",
            "study",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let repo = git2::Repository::init(&root).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Gen", "gen@example.org").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "study", &tree, &[])
        .unwrap();
    (dir, root)
}

pub fn git_status_clean(root: &Path) -> Result<(), String> {
    let repo = git2::Repository::open(root).unwrap();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true);
    let dirty: Vec<String> = repo
        .statuses(Some(&mut opts))
        .unwrap()
        .iter()
        .map(|s| format!("{:?} {}", s.status(), s.path().unwrap_or("?")))
        .collect();
    if dirty.is_empty() {
        Ok(())
    } else {
        Err(format!("git status: {dirty:?}"))
    }
}

/// `git fsck --full`, when git is installed (else skipped, said why).
pub fn fsck(root: &Path) {
    match Command::new("git")
        .args(["fsck", "--full", "--no-progress"])
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "git fsck --full: {}{}",
            stdout(&out),
            stderr(&out)
        ),
        Err(e) => eprintln!("skipping git fsck: no git program ({e})"),
    }
}

pub fn study_checks_clean(root: &Path) {
    let home = tempfile::tempdir().unwrap();
    let out = concord(home.path())
        .args(["check", "."])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "concord check: {}",
        stdout(&out)
    );
}

/// Wait for `child` until `deadline`; kill it with SIGKILL if it is still
/// running then. Its output if it finished by itself.
pub fn run_until(mut child: Child, deadline: Instant) -> Option<Output> {
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if Instant::now() >= deadline {
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}
