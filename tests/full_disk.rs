//! A full disk: a study on a small tmpfs (mounted by the test; skipped,
//! with the reason, where it cannot mount one). A decision that cannot be
//! written fails with a clear message, the screen does not mark it done,
//! nothing in the repository is damaged, and it goes in once space is freed.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use pty::Tui;

const REVIEWER: &str = "Test Reviewer <test@example.org>";

/// A tmpfs mounted on a new folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("no mount program ({e})"))?;
        if !out.status.success() {
            return Err(format!(
                "cannot mount a tmpfs (needs root): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fill the file system holding `path` to the last byte.
fn fill(path: &Path) -> PathBuf {
    let filler = path.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    while f.write_all(&[0]).is_ok() {}
    let _ = f.sync_all();
    filler
}

fn head(root: &Path) -> git2::Oid {
    git2::Repository::open(root)
        .unwrap()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
}

fn fsck(root: &Path) {
    match Command::new("git")
        .args(["fsck", "--full", "--no-progress"])
        .current_dir(root)
        .output()
    {
        Ok(out) => assert!(out.status.success(), "git fsck: {}", stderr(&out)),
        Err(e) => eprintln!("skipping git fsck: no git program ({e})"),
    }
}

fn first_open(root: &Path) -> String {
    let out = run_in(root, &["units", "--open"]);
    stdout(&out).lines().next().unwrap().to_string()
}

fn decide(root: &Path, unit: &str) -> std::process::Output {
    run_in(root, &["decide", unit, "--union", "--reviewer", REVIEWER])
}

#[test]
fn a_decision_on_a_full_disk_fails_clearly_damages_nothing_and_goes_in_once_there_is_room() {
    let fs = match Tmpfs::mount("16m") {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("skipping the full-disk test: {why}");
            return;
        }
    };
    let out = run_in(fs.path(), &["demo", "--path", "study"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = fs.path().join("study");
    let unit = first_open(&root);
    let before = head(&root);
    let filler = fill(fs.path());

    // The command line.
    let out = decide(&root, &unit);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("disk is full"), "a clear message: {said}");
    assert!(said.contains("nothing was recorded"), "{said}");
    assert_eq!(head(&root), before, "no commit");
    assert!(
        !root.join("decisions").exists()
            || std::fs::read_dir(root.join("decisions")).unwrap().count() == 0,
        "no decision file, not even a half-written one"
    );

    // The screen: the decision is not shown as made.
    let home = tempfile::tempdir().unwrap();
    let cmd = pty::command(
        home.path(),
        &root,
        &[root.to_str().unwrap(), "--reviewer", REVIEWER],
    );
    let mut tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for("the study to load", |s| s.contains(" open"));
    tui.keys("]");
    tui.keys("\r");
    tui.wait_for("the unit view", |s| s.contains("Coders"));
    tui.keys("1");
    let screen = tui.wait_for("the failure on screen", |s| s.contains("disk is full"));
    let title = screen.lines().next().unwrap_or_default().to_string();
    assert!(
        title.contains("open") && !title.contains("decided"),
        "the unit is still open: {title}"
    );
    assert!(!screen.contains("Decided"), "{}", pty::frame(&screen));
    tui.keys("q");
    tui.wait_exit();
    assert_eq!(head(&root), before);

    // Nothing damaged: the repository and the study read as before.
    fsck(&root);
    let check = run_in(&root, &["check", "."]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    // Room again: the same decision goes in.
    std::fs::remove_file(filler).unwrap();
    let out = decide(&root, &unit);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(head(&root), before);
    fsck(&root);
    let out = run_in(&root, &["units", "--open"]);
    assert!(!stdout(&out).lines().any(|l| l == unit));
}
