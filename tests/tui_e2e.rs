//! The review screen end to end: the real binary in a pseudo-terminal of
//! 100x30 on a temporary demo repository, with HOME and git's configuration
//! of its own. Keys go in as a terminal sends them; the screen is read back
//! through a vt100 emulator; commits and decision files are read with git2.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};

use common::{concord, stderr, stdout};
use pty::{Tui, counts, frame, loaded};
use serde_json::Value;
use tempfile::TempDir;

const REVIEWER: &str = "Test Reviewer <test@example.org>";
const COLS: u16 = 100;
const ROWS: u16 = 30;

/// A demo study written without a terminal (so `concord demo` only writes
/// it), and a HOME of its own.
struct Demo {
    home: TempDir,
    _dir: TempDir,
    root: PathBuf,
}

fn demo() -> Demo {
    let home = tempfile::tempdir().unwrap();
    let (dir, root) = common::demo_study(home.path());
    Demo {
        home,
        _dir: dir,
        root,
    }
}

impl Demo {
    /// `concord <study> --reviewer "Test Reviewer <...>"` in a 100x30 terminal.
    fn open(&self) -> Tui {
        let root = self.root.to_str().unwrap();
        let cmd = pty::command(
            self.home.path(),
            &self.root,
            &[root, "--reviewer", REVIEWER],
        );
        Tui::spawn(cmd, COLS, ROWS)
    }
}

/// The unit view's title: transcript, range ("928-1056") and status, as in
/// "┌ fg1 · 928–1056 · boundary disagreement · open ───".
fn unit_title(screen: &str) -> Option<(String, String, String)> {
    let top = screen.lines().next()?;
    let title = top.trim_start_matches('┌').trim();
    let parts: Vec<&str> = title.split(" · ").collect();
    if parts.len() < 4 || !parts[1].contains('–') {
        return None;
    }
    Some((
        parts[0].to_string(),
        parts[1].replace('–', "-"),
        // After it come the unit's place in the queue and the search match.
        parts[3].split_whitespace().next()?.to_string(),
    ))
}

fn head(root: &Path) -> git2::Oid {
    let repo = git2::Repository::open(root).unwrap();
    repo.head().unwrap().peel_to_commit().unwrap().id()
}

/// The branch tip once it has moved on from `before`: the screen may show
/// a decision a moment before its commit is the tip (the working files are
/// written after the commit), so wait for git itself, within a bound.
fn head_after(root: &Path, before: git2::Oid) -> git2::Oid {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now = head(root);
        if now != before {
            return now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no new commit on top of {before} within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// (message, author name, author email, parent ids) of a commit.
fn commit_info(root: &Path, oid: git2::Oid) -> (String, String, String, Vec<git2::Oid>) {
    let repo = git2::Repository::open(root).unwrap();
    let c = repo.find_commit(oid).unwrap();
    let author = c.author();
    (
        c.message().unwrap().trim().to_string(),
        author.name().unwrap().to_string(),
        author.email().unwrap().to_string(),
        c.parent_ids().collect(),
    )
}

/// `git status` has nothing to say: no change, no untracked file.
fn assert_clean(root: &Path) {
    let repo = git2::Repository::open(root).unwrap();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    let statuses = repo.statuses(Some(&mut opts)).unwrap();
    let dirty: Vec<String> = statuses
        .iter()
        .map(|s| format!("{:?} {}", s.status(), s.path().unwrap_or("?")))
        .collect();
    assert!(dirty.is_empty(), "git status is not clean: {dirty:?}");
}

/// The decision lines of `decisions/<transcript>.jsonl` about the unit at `range`.
fn decision_lines(root: &Path, transcript: &str, range: &str) -> Vec<Value> {
    let path = root.join("decisions").join(format!("{transcript}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let prefix = format!("{transcript}:{range}:");
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|d| d["unit"].as_str().is_some_and(|u| u.starts_with(&prefix)))
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The terminal is as the program found it: main screen, cursor shown,
/// line editing and echo back on.
fn assert_restored(tui: &Tui) {
    let bytes = tui.bytes();
    let enter = find(&bytes, b"\x1b[?1049h").expect("the screen never opened");
    let leave = find(&bytes, b"\x1b[?1049l").expect("the alternate screen was never left");
    assert!(
        leave > enter,
        "the alternate screen was entered again after it was left"
    );
    let shown = find(&bytes, b"\x1b[?25h").expect("the cursor was never shown again");
    if let Some(hidden) = find(&bytes, b"\x1b[?25l") {
        assert!(shown > hidden, "the cursor was left hidden");
    }
    assert_eq!(
        tui.modes(),
        (false, false),
        "(alternate screen, cursor hidden)"
    );
    if let Some(termios) = tui.termios_local_flags() {
        for flag in ["ICANON", "ECHO"] {
            assert!(
                termios.iter().any(|f| f == flag),
                "raw mode left on: {flag} is off ({termios:?})"
            );
        }
    }
}

#[test]
fn review_a_study_in_a_terminal_decide_note_undo_and_quit() {
    let demo = demo();
    let root = &demo.root;
    let start = head(root);
    let mut tui = demo.open();

    let screen = tui.wait_for("the study to load", loaded);
    let (open0, decided0) = counts(&screen).unwrap();
    assert_eq!(decided0, 0, "{}", frame(&screen));
    assert!(screen.contains("Codebook"), "{}", frame(&screen));
    // A: stay on a unit once it is decided (the default goes on to the
    // next open one), so this test can follow one unit through.
    tui.keys("A");

    // The next open disagreement, opened.
    tui.keys("]");
    tui.keys("\r");
    let screen = tui.wait_for("the unit view", |s| {
        unit_title(s).is_some_and(|t| t.2 == "open")
            && s.contains("Coders")
            && s.contains("Difference")
    });
    let (t1, range1, _) = unit_title(&screen).unwrap();

    // 1: accept the first coder's version. The screen says so only once
    // the commit exists, so git is read as soon as it does.
    tui.keys("1");
    tui.wait_for("the decision to show as made", |s| {
        s.contains("Decided") && unit_title(s).is_some_and(|t| t.2 == "decided")
    });
    let accept = head_after(root, start);
    let (message, name, email, parents) = commit_info(root, accept);
    assert_eq!(parents, vec![start], "one new commit on the branch");
    assert!(
        message.starts_with(&format!("{t1} {range1} ")) && message.ends_with(": accept coder-a"),
        "commit message: {message:?}"
    );
    assert_eq!(
        (name.as_str(), email.as_str()),
        ("Test Reviewer", "test@example.org")
    );
    let lines = decision_lines(root, &t1, &range1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["action"], "accept");
    assert_eq!(lines[0]["chosen"], "coder-a");
    assert_eq!(lines[0]["reviewer"], REVIEWER);
    // The status line counts it and shows the decision's commit.
    let short = accept.to_string()[..7].to_string();
    tui.wait_for("the new counts and commit in the status line", |s| {
        counts(s) == Some((open0 - 1, 1)) && s.contains(&short)
    });

    // The next open one: a note first, then 2.
    tui.keys("]");
    let screen = tui.wait_for("another open unit", |s| {
        unit_title(s).is_some_and(|(t, r, st)| (&t, &r) != (&t1, &range1) && st == "open")
            && s.contains("Difference")
    });
    let (t2, range2, _) = unit_title(&screen).unwrap();
    tui.keys("c");
    tui.wait_for("the note prompt", |s| s.contains("note:"));
    let note = "Checked with Priya";
    tui.keys(note);
    tui.wait_for("the note typed", |s| s.contains(note));
    tui.keys("\r");
    // A note on an open unit is recorded at once: a "needs discussion" line.
    tui.wait_for("the note recorded, the unit marked ⚑", |s| {
        !s.contains("Enter to confirm")
            && s.contains(note)
            && unit_title(s).is_some_and(|t| t.2 == "discussion")
    });
    let marked = head_after(root, accept);
    let (message, _, _, parents) = commit_info(root, marked);
    assert_eq!(parents, vec![accept]);
    assert!(message.contains("needs discussion"), "{message:?}");
    assert!(
        message.contains(note),
        "the note is in the message: {message:?}"
    );
    tui.keys("2");
    tui.wait_for("the noted decision", |s| {
        s.contains("Decided") && unit_title(s).is_some_and(|t| t.2 == "decided")
    });
    let noted = head_after(root, marked);
    let (message, name, _, parents) = commit_info(root, noted);
    assert_eq!(parents, vec![marked]);
    assert!(
        message.starts_with(&format!("{t2} {range2} ")) && message.contains(": accept coder-b"),
        "commit message: {message:?}"
    );
    assert_eq!(name, "Test Reviewer");
    let lines = decision_lines(root, &t2, &range2);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["action"], "discuss");
    assert_eq!(lines[0]["note"], note);
    assert_eq!(lines[1]["chosen"], "coder-b");
    assert_eq!(lines[1]["note"], note, "the decision carries the note");
    let noted_id = lines[1]["id"].as_str().unwrap().to_string();
    let short = noted.to_string()[..7].to_string();
    tui.wait_for("the noted decision on screen and in the status line", |s| {
        s.contains(note) && counts(s) == Some((open0 - 2, 2)) && s.contains(&short)
    });

    // u: the last decision is reverted in a new commit; history stays.
    tui.keys("u");
    // Undone: the unit is back in the queue, still marked for discussion.
    tui.wait_for("the undo", |s| {
        counts(s) == Some((open0 - 1, 1)) && unit_title(s).is_some_and(|t| t.2 == "discussion")
    });
    let undo = head_after(root, noted);
    let (message, _, _, parents) = commit_info(root, undo);
    assert_eq!(parents, vec![noted], "the undo is a new commit on top");
    assert!(
        message.starts_with(&format!("{t2} {range2} ")) && message.contains(&noted_id),
        "commit message: {message:?}"
    );
    assert!(
        message.contains("undo accept coder-b"),
        "the message says what was undone: {message:?}"
    );
    let lines = decision_lines(root, &t2, &range2);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[1]["note"], note, "the noted line is kept");
    assert_eq!(lines[2]["action"], "revert");
    assert_eq!(lines[2]["reverts"], noted_id.as_str());
    assert_eq!(decision_lines(root, &t1, &range1).len(), 1);
    let short = undo.to_string()[..7].to_string();
    tui.wait_for("the undo's commit in the status line", |s| {
        s.contains(&short)
    });

    // q: out, cleanly.
    tui.keys("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(head(root), undo, "quitting commits nothing more");
    assert_clean(root);
    assert_restored(&tui);
}

#[test]
fn a_hang_up_right_after_a_decision_loses_nothing() {
    let demo = demo();
    let root = &demo.root;
    let start = head(root);
    let mut tui = demo.open();
    tui.wait_for("the study to load", loaded);

    // The next open disagreement, accepted from the units pane, and the
    // connection dropped at once.
    tui.keys("]1");
    let pid = tui.pid().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap();
    assert!(kill.success());

    let status = tui.wait_exit();
    assert_eq!(
        status.signal(),
        None,
        "concord died of the signal instead of leaving cleanly"
    );
    // The process has ended: what is in git now is all there will be.
    let accept = head(root);
    assert_ne!(accept, start, "the decision was lost: no commit");
    let (message, name, _, parents) = commit_info(root, accept);
    assert_eq!(parents, vec![start]);
    assert!(message.ends_with(": accept coder-a"), "{message:?}");
    assert_eq!(name, "Test Reviewer");
    // "fg1 928-1056 code/id: accept coder-a": the unit's transcript and range.
    let mut words = message.split_whitespace();
    let (t, range) = (words.next().unwrap(), words.next().unwrap());
    let lines = decision_lines(root, t, range);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["chosen"], "coder-a");
    assert_clean(root);
    assert_restored(&tui);
}

#[test]
fn without_a_terminal_the_review_screen_says_what_works_instead() {
    let demo = demo();
    let out = concord(demo.home.path())
        .current_dir(&demo.root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("concord check"), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        !err.contains('\x1b'),
        "escape sequences without a terminal: {err:?}"
    );
}

#[test]
fn demo_without_a_terminal_only_writes_the_study_and_prints_its_path() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = concord(home.path())
        .args(["demo", "--path", "here"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "here\n");
    assert!(!stderr(&out).contains('\x1b'), "{:?}", stderr(&out));
    let root = dir.path().join("here");
    assert!(root.join("concord.toml").is_file());
    // Written and committed, nothing decided.
    assert_clean(&root);
    let decisions = std::fs::read_dir(root.join("decisions"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(decisions, 0);
}

#[test]
fn in_a_terminal_without_an_identity_it_says_so_before_any_screen() {
    let demo = demo();
    let root = demo.root.to_str().unwrap();
    let cmd = pty::command(demo.home.path(), &demo.root, &[root]);
    let mut tui = Tui::spawn(cmd, COLS, ROWS);
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 2, "{}", frame(&tui.screen()));
    let screen = tui.screen();
    assert!(screen.contains("--reviewer"), "{}", frame(&screen));
    assert!(screen.contains("user.name"), "{}", frame(&screen));
    let bytes = tui.bytes();
    assert_eq!(
        find(&bytes, b"\x1b[?1049h"),
        None,
        "the screen opened without an identity"
    );
    assert_clean(&demo.root);
}

/// Another reviewer's process decides the first open unit of the study
/// (found as the screen finds units) and commits it. Returns the unit's
/// transcript and range.
fn another_reviewer_decides(root: &Path, who: &str, email: &str) -> (String, String) {
    let files = concord::repo::read::read_study(root).unwrap();
    let study = concord::study::check(&files).study;
    let units = concord::align::review_units(&study);
    let standings = concord::review::standings(&units, &study.decisions);
    let unit = units
        .iter()
        .rfind(|u| standings[u.id.as_str()] == concord::review::Standing::Open)
        .unwrap();
    let d = concord::review::decision_for(
        unit,
        &concord::review::Choice::Union,
        "d-from-another-process".into(),
        format!("{who} <{email}>"),
        "2026-11-23T12:00:00Z".into(),
        "settled at the meeting".into(),
    );
    concord::repo::record::record_decisions(
        root,
        &unit.transcript,
        &[d],
        &concord::repo::git::Person::new(who, email),
        "another reviewer's decision",
    )
    .unwrap();
    (
        unit.transcript.to_string(),
        format!("{}-{}", unit.start, unit.end),
    )
}

#[test]
fn another_reviewers_commit_shows_without_a_key() {
    let demo = demo();
    let root = &demo.root;
    let mut tui = demo.open();
    let screen = tui.wait_for("the study to load", loaded);
    let (open0, _) = counts(&screen).unwrap();
    // Into the units pane: the reviewer's place, which the reload keeps.
    tui.keys("]");
    tui.keys("\r");
    let screen = tui.wait_for("the unit view", |s| unit_title(s).is_some());
    let (t, range, _) = unit_title(&screen).unwrap();

    let (t2, range2) = another_reviewer_decides(root, "Ann Other", "ann@example.org");
    assert_ne!((&t, &range), (&t2, &range2));
    let screen = tui.wait_for("the other reviewer's decision, with no key pressed", |s| {
        counts(s) == Some((open0 - 1, 1)) && s.contains("1 decision by Ann Other")
    });
    assert_eq!(
        unit_title(&screen).map(|u| (u.0, u.1)),
        Some((t, range)),
        "the reviewer is still on the same unit"
    );
    tui.keys("q");
    assert!(tui.wait_exit().success());
    assert_restored(&tui);
}

#[test]
fn a_note_typed_on_an_open_unit_is_on_disk_after_quitting() {
    let demo = demo();
    let root = &demo.root;
    let mut tui = demo.open();
    tui.wait_for("the study to load", loaded);
    tui.keys("]");
    tui.keys("\r");
    let screen = tui.wait_for("the unit view", |s| unit_title(s).is_some());
    let (t, range, _) = unit_title(&screen).unwrap();
    // A note, confirmed, and q at once: the commit in flight is waited for.
    tui.keys("c");
    tui.wait_for("the note prompt", |s| s.contains("note:"));
    tui.keys("P07 means the weekly call");
    tui.wait_for("the note typed", |s| s.contains("weekly call"));
    tui.keys("\r");
    tui.keys("q");
    let screen = tui.wait_for("quit asks or the program ends", |s| {
        s.contains("Quit with") || unit_title(s).is_some_and(|t| t.2 == "discussion")
    });
    if screen.contains("Quit with") {
        tui.keys("y");
    } else {
        tui.keys("q");
    }
    assert!(tui.wait_exit().success());
    let lines = decision_lines(root, &t, &range);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["action"], "discuss");
    assert_eq!(lines[0]["note"], "P07 means the weekly call");
    assert_clean(root);
    assert_restored(&tui);
}

#[test]
fn the_agreement_view_scrolls_to_its_last_row_and_the_picker_to_its_last_code() {
    let demo = demo();
    let mut tui = demo.open();
    tui.wait_for("the study to load", loaded);
    // a, then G: the last code of the codebook in view, with the overall row and legend.
    tui.keys("a");
    tui.wait_for("the figures", |s| {
        s.contains("Overall") && s.contains("rows 1–")
    });
    tui.keys("G");
    tui.wait_for("the last row of the agreement view", |s| {
        s.contains("Usability and features") && s.contains("of 37") && s.contains("–: undefined")
    });
    // Enter on it: its open disagreements in the units pane.
    tui.keys("\r");
    tui.wait_for("the code's open units", |s| {
        s.contains("Units: ") && s.contains("· Usability and features · open")
    });
    // Open a unit, edit, pick: Down past the bottom of the picker to its last code.
    tui.keys("\r");
    tui.wait_for("the unit view", |s| unit_title(s).is_some());
    tui.keys("ep");
    tui.wait_for("the picker", |s| s.contains("Pick a code · 1 of 24"));
    for _ in 0..30 {
        tui.keys("\x1b[B");
    }
    tui.wait_for("the last code selected and in view", |s| {
        s.contains("Pick a code · 24 of 24")
            && s.contains("▶ Platform and modality › Usability and features")
    });
    tui.keys("\r");
    tui.wait_for("the edited result with the last code", |s| {
        !s.contains("Pick a code") && s.contains("▶ Usability and features")
    });
    tui.keys("\x1b");
    tui.wait_for("the edit cancelled", |s| s.contains("edit cancelled"));
    tui.keys("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn keys_from_the_config_file_and_the_transcript_view() {
    let demo = demo();
    // A partial config: one key moved, one misspelt command, reported with its line.
    let config = demo.home.path().join(".config/concord");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "# mine\n[keys]\ntranscript_view = \"V\"\nnxt_open = \"J\"\n",
    )
    .unwrap();
    let mut tui = demo.open();
    let screen = tui.wait_for("the study to load", loaded);
    assert!(
        screen.contains("config.toml:4: [keys] has no command"),
        "{}",
        frame(&screen)
    );
    // The help is generated from the keys in force.
    // It is taller than the screen: scroll (j) until the row shows.
    tui.keys("?");
    tui.wait_for("the help", |s| s.contains("Reviewing"));
    let has_v = |s: &str| {
        s.lines()
            .any(|l| l.contains(" V ") && l.contains("whole transcript view"))
    };
    for _ in 0..60 {
        if has_v(&tui.screen()) {
            break;
        }
        tui.keys("j");
        tui.wait_for("the help still open", |s| {
            s.contains("Reviewing") || s.contains("Keys")
        });
    }
    tui.wait_for("the help with V", has_v);
    // Any key closes it (not Esc here: Esc and ] together read as an escape sequence).
    tui.keys("?");
    tui.wait_for("the help closed", |s| !s.contains("any key closes"));
    // v is free now; V opens the transcript at the first open unit.
    tui.keys("]");
    tui.wait_for("a unit selected", |s| s.contains("Enter open"));
    tui.keys("v");
    tui.keys("V");
    // The whole frame drawn: the title and the coders' stripes in the margin.
    let screen = tui.wait_for("the transcript view with stripes", |s| {
        s.lines().next().is_some_and(|l| l.contains("fg1 · row"))
            && s.lines().any(|l| l.starts_with("│▌▌"))
            && !s.contains("Codebook")
    });
    let row = |s: &str| -> usize {
        let top = s.lines().next().unwrap_or("");
        let after = top.split("row ").nth(1).unwrap_or("");
        after
            .split_whitespace()
            .next()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0)
    };
    let first = row(&screen);
    assert!(first > 1, "the cursor is on the unit, not the top");
    // G: the last row of the whole transcript, then back to the unit's row.
    tui.keys("G");
    let screen = tui.wait_for("the end of the transcript", |s| {
        s.lines().next().is_some_and(|l| {
            let r = l.split("row ").nth(1).unwrap_or("");
            let mut w = r.split_whitespace();
            let (a, _, b) = (w.next(), w.next(), w.next());
            a.is_some() && a == b
        }) && s.contains("That’s a lovely place to stop")
    });
    assert!(!screen.contains("signing up?"), "{}", frame(&screen));
    tui.keys("g");
    for _ in 1..first {
        tui.keys("j");
    }
    tui.wait_for("back on the unit's row", |s| {
        row(s) == first && s.lines().any(|l| l.starts_with("│▌▌›"))
    });
    // Enter: the unit at the cursor.
    tui.keys("\r");
    let screen = tui.wait_for("the unit view", |s| {
        unit_title(s).is_some_and(|t| t.2 == "open") && s.contains("Difference")
    });
    let (t, _, _) = unit_title(&screen).unwrap();
    assert_eq!(t, "fg1");
    assert!(screen.contains("unit 1 of"), "{}", frame(&screen));
    tui.keys("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    // Every problem of the config file, again, once the screen is gone.
    let after = tui.screen();
    assert!(after.contains("config.toml:4:"), "{}", frame(&after));
    assert_restored(&tui);
}
