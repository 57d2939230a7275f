//! The coding screen end to end: the real binary in a pseudo-terminal on a
//! demo repository, the coder known from git's identity. A coder selects a
//! span by words, applies two codes, adds a memo, adjusts a boundary,
//! deletes a coding and undoes it, marks the transcript done and quits;
//! then the codings file, the commits, git status, `concord check` and
//! the review units are read back, and the review screen (the real one,
//! in the pty as well) shows the new unit that it did not show before.

mod common;
#[path = "common/pty.rs"]
mod pty;

use common::{concord, stderr, stdout};
use pty::{Tui, counts, frame, loaded};
use serde_json::Value;
use std::path::Path;

/// The query the review screen is searched for: the words the coder codes.
const CODED_WORDS: &str = "Okay, I think";

/// The review screen on the study, as the team's PI, once the study has
/// loaded; with its open and decided counts.
fn review_screen(home: &Path, root: &Path) -> (Tui, (usize, usize)) {
    let cmd = pty::command(
        home,
        root,
        &[".", "--reviewer", "Helen Marsh <helen@example.org>"],
    );
    let tui = Tui::spawn(cmd, 100, 30);
    let screen = tui.wait_for("the review screen to load the study", loaded);
    let counts = counts(&screen).unwrap();
    (tui, counts)
}

#[test]
fn a_coder_codes_a_transcript_in_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("study");
    let out = concord(home.path())
        .args(["demo", "--path"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The coder's own git identity: concord finds coder-a by the name.
    std::fs::write(
        home.path().join(".gitconfig"),
        "[user]\n\tname = Priya Raman\n\temail = priya@example.org\n",
    )
    .unwrap();
    let repo = git2::Repository::open(&root).unwrap();
    let before = repo.head().unwrap().peel_to_commit().unwrap().id();

    // Before: the review screen has no unit on the words the coder will code.
    let (mut review, (open0, decided0)) = review_screen(home.path(), &root);
    review.keys(&format!("/{CODED_WORDS}\r"));
    review.wait_for("the search to find nothing", |s| {
        s.contains(&format!("“{CODED_WORDS}” is in no code and no unit"))
    });
    review.keys("q");
    assert!(review.wait_exit().success());

    let mut tui = Tui::spawn(pty::command(home.path(), &root, &["code"]), 100, 30);
    tui.wait_for("the coding screen", |s| {
        s.contains("concord code") && s.contains("Priya Raman (coder-a)")
    });
    let committed = |tui: &Tui, what: &str| {
        tui.wait_for(what, |s| {
            s.lines()
                .any(|l| l.contains("committed") && l.contains(what))
                && !s.contains("committing…")
        })
    };
    // Three turns down, past the label, three words: "Okay, I think".
    tui.keys("}}}wvwww\r");
    tui.wait_for("the picker", |s| s.contains("Apply a code"));
    tui.keys("bond\r");
    committed(&tui, "Bond “Okay, I think”");
    tui.keys("\r");
    tui.wait_for("the picker again", |s| s.contains("Apply a code"));
    tui.keys("goals\r");
    committed(&tui, "Agreement on goals and tasks “Okay, I think”");
    tui.keys("\x1b");
    tui.wait_for("the selection ended", |s| {
        s.contains("v:select") || s.contains("v select")
    });
    tui.keys("m");
    tui.wait_for("the memo prompt", |s| s.contains("memo: "));
    tui.keys("why hedge?\r");
    committed(&tui, "memo on");
    tui.keys("r");
    tui.wait_for("adjusting", |s| s.contains("adjust: move the end"));
    tui.keys("e\r");
    committed(&tui, "now ");
    tui.keys("x");
    committed(&tui, "delete");
    tui.keys("u");
    committed(&tui, "undo: restore");
    tui.keys("D");
    committed(&tui, "fg1 done");
    tui.keys("q");
    assert!(tui.wait_exit().success());

    // The JSON lines: both codes on the span, the adjusted one with its memo.
    let text = std::fs::read_to_string(root.join("codings/coder-a/fg1.jsonl")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let bond = lines
        .iter()
        .find(|v| v["code"] == "ta-bond" && v["quote"] == "Okay, I think")
        .expect("the Bond coding");
    let goals = lines
        .iter()
        .find(|v| v["code"] == "ta-goals" && v["memo"] == "why hedge?")
        .expect("the adjusted goals coding with its memo");
    assert_eq!(goals["start"], bond["start"]);
    assert_eq!(goals["quote"], "Okay, I think we’re");
    // Canonical form: what concord writes is what it reads back.
    let files = concord::repo::read::read_study(&root).unwrap();
    let loaded = concord::study::check(&files);
    let mine = loaded
        .study
        .codings
        .iter()
        .find(|f| f.coder == "coder-a" && f.transcript == "fg1")
        .unwrap();
    assert_eq!(concord::study::write::codings_text(&mine.codings), text);
    let done = std::fs::read_to_string(root.join("codings/coder-a/_done.jsonl")).unwrap();
    assert!(done.contains("\"transcript\":\"fg1\""), "{done}");

    // One commit per change, each authored by the coder; nothing left over.
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let new: Vec<git2::Oid> = walk
        .map(|o| o.unwrap())
        .take_while(|o| *o != before)
        .collect();
    assert_eq!(new.len(), 7, "add, add, memo, adjust, delete, undo, done");
    for oid in &new {
        let c = repo.find_commit(*oid).unwrap();
        assert_eq!(c.author().name().unwrap(), "Priya Raman");
        assert_eq!(c.author().email().unwrap(), "priya@example.org");
    }
    assert!(
        repo.statuses(None).unwrap().is_empty(),
        "git status is not clean"
    );
    let check = concord(home.path())
        .arg("check")
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    // The review sees the new codings as units of their own.
    let units = concord(home.path())
        .args(["units", "--transcript", "fg1", "--json"])
        .current_dir(&root)
        .output()
        .unwrap();
    let units: Value = serde_json::from_str(&stdout(&units)).unwrap();
    let ids = [bond["id"].as_str().unwrap(), goals["id"].as_str().unwrap()];
    let unit = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u.to_string().contains(ids[0]))
        .expect("a unit with the new coding");
    assert!(unit.to_string().contains(ids[1]), "{unit}");

    // The review screen shows it: one more open unit, found by its words,
    // with this coder's two codes on it and the other coder's omission.
    let (mut review, now) = review_screen(home.path(), &root);
    assert_eq!(
        now,
        (open0 + 1, decided0),
        "one new open unit in the status line:\n{}",
        frame(&review.screen())
    );
    let (start, end) = (
        bond["start"].as_u64().unwrap(),
        goals["end"].as_u64().unwrap(),
    );
    review.keys(&format!("/{CODED_WORDS}\r"));
    review.wait_for("the search to find the new unit", |s| {
        s.contains(&format!(
            "match 1 of 1 for “{CODED_WORDS}”: text in fg1 {start}-{end}"
        ))
    });
    // Enter: the unit, titled with its span and class, the coders' parts below.
    let bond_end = bond["end"].as_u64().unwrap();
    let title = format!("fg1 · {start}–{end} · omission disagreement · open");
    let mine =
        format!("Priya Raman: Bond {start}–{bond_end}; Agreement on goals and tasks {start}–{end}");
    review.keys("\r");
    review.wait_for("the new unit with this coder's two codings", |s| {
        s.lines().next().is_some_and(|l| l.contains(&title))
            && s.contains(&mine)
            && s.contains("Tom Becker: did not code this passage")
    });
    review.keys("q");
    assert!(review.wait_exit().success());
}
