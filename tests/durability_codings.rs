//! Nothing a coder did is lost to a kill: the real binary killed with
//! SIGKILL between a coding's commit and the writing of its working file,
//! and the next start putting the working tree in step with the branch.
//!
//! - `concord reanchor` commits first and writes the moved codings after:
//!   killed the moment its commit is on the branch, it leaves codings files
//!   (and git's index) behind, which the next run puts in step, moving
//!   nothing twice.
//! - `concord code`, killed at seeded random moments while committing a
//!   coding: every change the screen acknowledged is on the branch, the
//!   next start says what it put in step, and the last one leaves a clean
//!   `git status` and a study that checks clean.
//!
//! `CONCORD_KILL_RUNS` (default 12) and `CONCORD_KILL_SEED` set the coding
//! screen's runs and seed.

mod common;
#[path = "common/kill.rs"]
mod kill;
#[path = "common/pty.rs"]
mod pty;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use kill::*;
use pty::Tui;

fn sigkill(pid: u32) {
    // SAFETY: a signal to a child process this test started and has not reaped.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
}

/// The branch tip, read afresh.
fn head(root: &Path) -> Option<git2::Oid> {
    git2::Repository::open(root).ok()?.head().ok()?.target()
}

/// The study files whose working copy or index is not the branch tip's.
fn out_of_step(root: &Path) -> Vec<String> {
    let repo = git2::Repository::open(root).unwrap();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(false);
    repo.statuses(Some(&mut opts))
        .unwrap()
        .iter()
        .map(|s| s.path().unwrap_or("?").to_string())
        .collect()
}

/// A new first line in every transcript: every coding moves, none is touched.
fn edit_every_transcript(root: &Path) {
    for e in std::fs::read_dir(root.join("transcripts")).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("MOD: Before we start, thank you.\n{text}")).unwrap();
    }
}

fn with_identity(home: &Path, name: &str, email: &str) {
    std::fs::write(
        home.join(".gitconfig"),
        format!("[user]\n\tname = {name}\n\temail = {email}\n"),
    )
    .unwrap();
}

#[test]
fn reanchor_killed_after_its_commit_is_finished_by_the_next_run() {
    let (_dir, root) = generated(60);
    let home = tempfile::tempdir().unwrap();
    with_identity(home.path(), "Ed Itor", "ed@example.org");
    let before = head(&root).unwrap();
    // The kill lands after the commit and before the last working file is
    // written: waited for, tried again if reanchor was quicker than the poll.
    let mut caught = None;
    for attempt in 0..6 {
        edit_every_transcript(&root);
        let mut child = concord(home.path())
            .arg("reanchor")
            .current_dir(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        while head(&root) == Some(before) && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        sigkill(child.id());
        let _ = child.wait();
        assert_ne!(head(&root), Some(before), "reanchor committed nothing");
        let behind = out_of_step(&root);
        if !behind.is_empty() {
            caught = Some(behind);
            break;
        }
        eprintln!("attempt {attempt}: reanchor had finished before the kill; again");
        let repo = git2::Repository::open(&root).unwrap();
        let first = repo.find_commit(before).unwrap();
        repo.reset(first.as_object(), git2::ResetType::Hard, None)
            .unwrap();
    }
    let behind = caught.expect("no kill landed between reanchor's commit and its last write");
    assert!(
        behind.iter().any(|p| p.starts_with("codings/")),
        "the kill left no codings file behind: {behind:?}"
    );
    let tip = head(&root).unwrap();

    // The next run: puts the files in step, and has nothing left to move.
    let again = concord(home.path())
        .arg("reanchor")
        .current_dir(&root)
        .output()
        .unwrap();
    let said = stderr(&again);
    assert_eq!(again.status.code(), Some(0), "{said}");
    assert!(said.contains("had not reached the working file"), "{said}");
    assert!(said.contains("nothing to move"), "{said}");
    assert_eq!(head(&root), Some(tip), "nothing was committed twice");
    git_status_clean(&root).unwrap();
    fsck(&root);
    // Every coding on its quote in the edited text: moved once, not twice.
    study_checks_clean(&root);
}

/// What the coding screen's status line said was committed (short ids).
fn acknowledged(screen: &str) -> Option<String> {
    let at = screen.find("committed ")?;
    let id: String = screen[at + "committed ".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (id.len() == 7).then_some(id)
}

#[test]
fn codings_acknowledged_before_a_kill_are_in_git_and_the_next_start_is_clean() {
    let runs: usize = std::env::var("CONCORD_KILL_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let seed: u64 = std::env::var("CONCORD_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x2545_f491_4f6c_dd1d);
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("study");
    let out = concord(home.path())
        .args(["demo", "--path"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    with_identity(home.path(), "Priya Raman", "priya@example.org");
    let mut rng = Rng(seed | 1);

    // One coding: `turn` turns down, past the label, two words, code Bond.
    let code_a_turn = |tui: &mut Tui, turn: usize| {
        tui.keys(&format!("{}wvww\r", "}".repeat(turn)));
        tui.wait_for("the picker", |s| s.contains("Apply a code"));
        tui.keys("bond");
        tui.wait_for("the code found", |s| s.contains("Bond"));
    };
    let open = |announce: bool| {
        let tui = Tui::spawn(pty::command(home.path(), &root, &["code"]), 100, 30);
        let screen = tui.wait_for("the coding screen", |s| {
            s.contains("Priya Raman (coder-a)")
                && (!announce || s.contains("had not reached") || s.contains("index was behind"))
        });
        (tui, screen)
    };

    // How long a commit takes here, uncontended: the kill moments are drawn from it.
    let (mut tui, _) = open(false);
    code_a_turn(&mut tui, 1);
    let t0 = Instant::now();
    tui.keys("\r");
    let screen = tui.wait_for("the first commit", |s| acknowledged(s).is_some());
    let took = t0.elapsed().max(Duration::from_millis(2));
    let mut acked = vec![acknowledged(&screen).unwrap()];
    tui.keys("q");
    assert!(tui.wait_exit().success());

    let mut repaired = BTreeMap::<&str, usize>::new();
    for run in 0..runs {
        // Left behind by the last kill: the next start must say it put it in step.
        let behind = !out_of_step(&root).is_empty();
        let (mut tui, screen) = open(behind);
        assert!(
            out_of_step(&root).is_empty(),
            "the next start left {:?} out of step",
            out_of_step(&root)
        );
        if behind {
            let kind = if screen.contains("had not reached") {
                "working file behind the branch"
            } else {
                "index behind the branch"
            };
            *repaired.entry(kind).or_default() += 1;
        }
        assert!(!screen.contains("not committed"), "{screen}");
        code_a_turn(&mut tui, 2 + run % 6);
        let micros = took.as_micros() as u64;
        // Half anywhere in the commit's life, half near its end (the working-file write).
        let at = if rng.below(2) == 0 {
            rng.below(micros * 12 / 10)
        } else {
            micros * 6 / 10 + rng.below(micros / 2)
        };
        let before = tui.screen();
        tui.keys("\r");
        std::thread::sleep(Duration::from_micros(at));
        sigkill(tui.pid());
        let _ = tui.wait_exit();
        let after = tui.screen();
        if let Some(id) =
            acknowledged(&after).filter(|id| acknowledged(&before).as_ref() != Some(id))
        {
            acked.push(id);
        }
    }
    // The next start after the last kill, coding once more and quitting.
    let behind = !out_of_step(&root).is_empty();
    let (mut tui, screen) = open(behind);
    assert!(!screen.contains("not committed"), "{screen}");
    code_a_turn(&mut tui, 1);
    tui.keys("\r");
    let screen = tui.wait_for("the last commit", |s| {
        acknowledged(s).is_some_and(|id| !acked.contains(&id))
    });
    acked.push(acknowledged(&screen).unwrap());
    tui.keys("q");
    assert!(tui.wait_exit().success());

    let repo = git2::Repository::open(&root).unwrap();
    let tip = repo.head().unwrap().target().unwrap();
    let lost: Vec<&String> = acked
        .iter()
        .filter(|id| {
            let oid = repo.revparse_single(id).unwrap().id();
            oid != tip && !repo.graph_descendant_of(tip, oid).unwrap()
        })
        .collect();
    eprintln!(
        "coding kill test: seed {seed:#x}, {runs} runs, {} acknowledged, repaired at the next start: {repaired:?}",
        acked.len()
    );
    assert!(
        lost.is_empty(),
        "acknowledged but not on the branch: {lost:?}"
    );
    git_status_clean(&root).unwrap();
    fsck(&root);
    study_checks_clean(&root);
}

#[test]
fn a_hang_up_commits_the_batch_before_the_screen_ends() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("study");
    let out = concord(home.path())
        .args(["demo", "--path"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    with_identity(home.path(), "Priya Raman", "priya@example.org");
    let before = head(&root).unwrap();
    let mut tui = Tui::spawn(pty::command(home.path(), &root, &["code"]), 100, 30);
    tui.wait_for("the coding screen", |s| s.contains("Priya Raman (coder-a)"));
    // By batch: two codings wait, uncommitted, when the terminal goes away.
    tui.keys("B");
    tui.wait_for("batch mode", |s| s.contains("batch"));
    tui.keys("}}}wvww\r");
    tui.wait_for("the picker", |s| s.contains("Apply a code"));
    tui.keys("bond\r");
    tui.wait_for("one waiting", |s| s.contains("1 waiting"));
    tui.keys("\rgoals\r");
    tui.wait_for("two waiting", |s| s.contains("2 waiting"));
    assert_eq!(
        head(&root),
        Some(before),
        "nothing is committed before the batch ends"
    );
    // SAFETY: a signal to the child this test started.
    unsafe {
        libc::kill(tui.pid() as libc::pid_t, libc::SIGHUP);
    }
    tui.wait_exit();
    let repo = git2::Repository::open(&root).unwrap();
    let tip = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(
        tip.parent_id(0).unwrap(),
        before,
        "one commit for the batch"
    );
    assert_eq!(tip.author().name().ok(), Some("Priya Raman"));
    let text = std::fs::read_to_string(root.join("codings/coder-a/fg1.jsonl")).unwrap();
    for code in ["\"ta-bond\"", "\"ta-goals\""] {
        assert!(
            text.lines()
                .any(|l| l.contains(code) && l.contains("\"quote\":\"Okay, I\"")),
            "{code} on “Okay, I” not in the file: {text}"
        );
    }
    git_status_clean(&root).unwrap();
}
