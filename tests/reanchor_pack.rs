//! A large `concord reanchor` writes its new blobs as one packfile of its
//! own making (`repo/pack.rs`), not through libgit2: git itself must take
//! the repository afterwards as if git had written it. Checked with the
//! real git: `git fsck --full` (every object's id, the pack's and index's
//! checksums and CRCs), `git cat-file` of every file committed against
//! the working file, a clean `git status`, `concord check` clean, and a
//! second reanchor on top as well.

mod common;
#[path = "common/kill.rs"]
mod kill;

use std::path::Path;
use std::process::Command;

use common::*;
use kill::*;

fn with_identity(home: &Path) {
    std::fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Ed Itor\n\temail = ed@example.org\n",
    )
    .unwrap();
}

/// `git ARGS` in `root`, its standard output; `None` if git is missing.
fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .ok()?;
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    Some(out.stdout)
}

/// A new first line in every transcript: every coding moves, none is touched.
/// `concord reanchor` in `root`, which must succeed; what it said.
fn reanchored(root: &Path, home: &Path) -> String {
    let out = concord(home)
        .arg("reanchor")
        .current_dir(root)
        .output()
        .unwrap();
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    said
}

fn edit_every_transcript(root: &Path, line: &str) {
    for e in std::fs::read_dir(root.join("transcripts")).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{line}\n{text}")).unwrap();
    }
}

fn packs(root: &Path) -> usize {
    std::fs::read_dir(root.join(".git/objects/pack"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".idx"))
                .count()
        })
        .unwrap_or(0)
}

/// Every file the last commit changed, as git reads it from the
/// repository, is the working file.
fn git_reads_what_was_committed(root: &Path) -> usize {
    let Some(names) = git(root, &["diff", "--name-only", "HEAD~1", "HEAD"]) else {
        eprintln!("skipping git cat-file: no git program");
        return 0;
    };
    let names = String::from_utf8(names).unwrap();
    for name in names.lines() {
        let committed = git(root, &["cat-file", "blob", &format!("HEAD:{name}")]).unwrap();
        assert_eq!(
            committed,
            std::fs::read(root.join(name)).unwrap(),
            "{name}: git reads another text than the working file"
        );
    }
    names.lines().count()
}

#[test]
fn a_large_reanchor_leaves_a_repository_git_takes_whole() {
    let (_dir, root) = generated(40);
    let home = tempfile::tempdir().unwrap();
    with_identity(home.path());
    assert_eq!(packs(&root), 0);
    let lines = [
        "MOD: Before we start, thank you.",
        "MOD: [name] joined at 10:02.",
    ];
    for (round, line) in lines.iter().enumerate() {
        edit_every_transcript(&root, line);
        let said = reanchored(&root, home.path());
        assert!(said.contains("40 transcript(s) edited"), "{said}");
        // 40 transcripts and 80 codings files: enough for a pack.
        assert_eq!(packs(&root), round + 1, "the new blobs are one pack");
        fsck(&root);
        git_status_clean(&root).unwrap();
        let changed = git_reads_what_was_committed(&root);
        assert!(changed == 0 || changed >= 120, "{changed} files committed");
        study_checks_clean(&root);
    }
}

#[test]
fn temporary_files_a_kill_left_before_the_commit_are_removed_by_the_next_start() {
    // A large reanchor writes the working files' temporary files while it
    // makes the pack, before its commit: killed then, it leaves them in
    // coders' folders that the last commit did not change. Made here as
    // such a kill leaves them (hidden, beside the codings files).
    let (_dir, root) = generated(40);
    let home = tempfile::tempdir().unwrap();
    with_identity(home.path());
    // The last commit changed no codings file.
    std::fs::write(root.join("notes.md"), "Interview notes.\n").unwrap();
    let repo = git2::Repository::open(&root).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("notes.md")).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Gen", "gen@example.org").unwrap();
    let tip = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "notes", &tree, &[&tip])
        .unwrap();
    let left: Vec<_> = ["coder-a", "coder-b"]
        .iter()
        .map(|c| root.join(format!("codings/{c}/.concord-write-AbC123")))
        .collect();
    for f in &left {
        assert!(f.parent().unwrap().is_dir(), "{}", f.display());
        std::fs::write(f, "half of a codings file").unwrap();
    }
    assert!(git_status_clean(&root).is_err(), "git status shows them");
    edit_every_transcript(&root, "MOD: Before we start, thank you.");
    let said = reanchored(&root, home.path());
    assert!(
        said.contains("removed, a temporary file left by an interrupted write"),
        "{said}"
    );
    for f in &left {
        assert!(!f.exists(), "{} is still there", f.display());
    }
    git_status_clean(&root).unwrap();
}
