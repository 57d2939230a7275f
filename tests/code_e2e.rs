//! The coding screen end to end: the real binary in a pseudo-terminal on a
//! demo repository, the coder known from git's identity. A coder selects a
//! span by words, applies two codes, adds a memo, adjusts a boundary,
//! deletes a coding and undoes it, marks the transcript done and quits;
//! then the codings file, the commits, git status, `concord check` and
//! the review units are read back.

mod common;
#[path = "common/pty.rs"]
mod pty;

use common::{concord, stderr, stdout};
use pty::Tui;
use serde_json::Value;

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
}
