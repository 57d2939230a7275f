//! `concord decide`, `discuss`, `undo` and `units --open` on the demo
//! repository: the screen's decisions from a script, each a commit, and
//! the refusals a script must be able to tell apart by exit status.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const ME: &str = "Rita Reviewer <rita@example.org>";

/// The demo study in a new repository, and the folder that holds it.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "study"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = dir.path().join("study");
    (dir, root)
}

/// concord `args` in `root`, deciding as `ME`.
fn run(root: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = concord(home.path());
    cmd.args(args).current_dir(root);
    if matches!(args.first(), Some(&"decide" | &"discuss" | &"undo")) {
        cmd.args(["--reviewer", ME]);
    }
    cmd.output().unwrap()
}

fn open_units(root: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["units", "--open"];
    args.extend_from_slice(extra);
    let out = run(root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

fn commits(root: &Path) -> usize {
    let repo = git2::Repository::open(root).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    walk.count()
}

fn clean(root: &Path) -> bool {
    let repo = git2::Repository::open(root).unwrap();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true);
    let statuses = repo.statuses(Some(&mut opts)).unwrap();
    let dirty: Vec<String> = statuses
        .iter()
        .map(|s| format!("{:?} {}", s.status(), s.path().unwrap_or("?")))
        .collect();
    if !dirty.is_empty() {
        eprintln!("git status: {dirty:?}");
    }
    dirty.is_empty()
}

fn log_text(root: &Path, transcript: &str) -> String {
    std::fs::read_to_string(root.join(format!("decisions/{transcript}.jsonl"))).unwrap_or_default()
}

/// The committed text of a file at the branch tip.
fn committed(root: &Path, path: &str) -> String {
    let repo = git2::Repository::open(root).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let blob = repo
        .find_blob(tree.get_path(Path::new(path)).unwrap().id())
        .unwrap();
    String::from_utf8(blob.content().to_vec()).unwrap()
}

#[test]
fn a_unit_is_decided_once_and_a_second_decision_is_refused_with_exit_1() {
    let (_d, root) = demo();
    let before = commits(&root);
    let open = open_units(&root, &[]);
    assert!(open.len() > 20, "the demo has open units: {open:?}");
    let unit = &open[0];
    let out = run(
        &root,
        &[
            "decide",
            unit,
            "--union",
            "--note",
            "both are right",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let line = &said["decisions"][0];
    assert_eq!(line["unit"], unit.as_str());
    assert_eq!(line["action"], "union");
    assert_eq!(line["reviewer"], ME);
    assert_eq!(line["note"], "both are right");
    assert_eq!(commits(&root), before + 1);
    let transcript = unit.split(':').next().unwrap();
    let id = line["id"].as_str().unwrap();
    assert!(committed(&root, &format!("decisions/{transcript}.jsonl")).contains(id));
    assert!(clean(&root));
    assert!(
        !open_units(&root, &[]).contains(unit),
        "decided: no longer open"
    );

    let again = run(&root, &["decide", unit, "--reject"]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already decided"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains(id), "names the decision to undo");
    assert_eq!(commits(&root), before + 1, "nothing written");
}

#[test]
fn a_unit_id_that_is_no_longer_a_unit_exits_1_and_bad_arguments_exit_2() {
    let (_d, root) = demo();
    let before = commits(&root);
    let stale = run(&root, &["decide", "fg1:1-2:ffff", "--union"]);
    assert_eq!(stale.status.code(), Some(1), "{}", stderr(&stale));
    assert!(
        stderr(&stale).contains("units --open"),
        "{}",
        stderr(&stale)
    );
    let unit = open_units(&root, &[]).remove(0);
    for bad in [
        &["decide", &unit, "--accept", "nobody"][..],
        &["decide", &unit, "--edit", "no-such-code:1-2"],
        &["decide", &unit, "--edit", "x"],
        &["decide", &unit],
        &["decide", &unit, "--union", "--reject"],
        &["discuss", &unit, "--note", " "],
    ] {
        let out = run(&root, bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
    // Without a reviewer identity (no --reviewer, no git config) it cannot run.
    let home = tempfile::tempdir().unwrap();
    let out = concord(home.path())
        .args(["decide", &unit, "--union"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--reviewer"), "{}", stderr(&out));
    assert_eq!(commits(&root), before);
}

#[test]
fn accept_and_edit_record_the_result_the_screen_would() {
    let (_d, root) = demo();
    let unit = open_units(&root, &["--class", "boundary"]).remove(0);
    let out = run(&root, &["decide", &unit, "--accept", "coder-b", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(said["decisions"][0]["chosen"], "coder-b");
    assert!(
        !said["decisions"][0]["result"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let other = open_units(&root, &["--class", "boundary"]).remove(0);
    let (start, end) = {
        let span = other.split(':').nth(1).unwrap();
        let (s, e) = span.split_once('-').unwrap();
        (s.parse::<usize>().unwrap(), e.parse::<usize>().unwrap())
    };
    let units = run(&root, &["units", "--json"]);
    let all: serde_json::Value = serde_json::from_str(&stdout(&units)).unwrap();
    let code = all
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == other.as_str())
        .unwrap()["excerpts"][0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let spec = format!("{code}:{}-{}", start + 1, end - 1);
    let out = run(&root, &["decide", &other, "--edit", &spec, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = &said["decisions"][0];
    assert_eq!(d["action"], "custom");
    assert_eq!(
        d["result"],
        serde_json::json!([{"code": code, "start": start + 1, "end": end - 1}])
    );
    assert!(clean(&root));
}

#[test]
fn a_bulk_rule_decides_every_open_unit_it_matches_in_one_commit() {
    let (_d, root) = demo();
    let boundary = open_units(&root, &["--class", "boundary"]);
    let others = open_units(&root, &[]).len() - boundary.len();
    assert!(boundary.len() > 3);
    let before = commits(&root);
    let out = run(
        &root,
        &["decide", "--class", "boundary", "--union", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let decided: Vec<&str> = said["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["unit"].as_str().unwrap())
        .collect();
    assert_eq!(
        decided, boundary,
        "every open boundary unit, in the listed order"
    );
    assert_eq!(commits(&root), before + 1, "one commit");
    assert!(open_units(&root, &["--class", "boundary"]).is_empty());
    assert_eq!(
        open_units(&root, &[]).len(),
        others,
        "other units untouched"
    );
    assert!(clean(&root));
    // Nothing left: done, nothing written.
    let out = run(&root, &["decide", "--class", "boundary", "--union"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(commits(&root), before + 1);

    // By code and transcript together (both must match).
    let t_units = open_units(&root, &["--transcript", "fg2"]);
    let out = run(
        &root,
        &["decide", "--transcript", "fg2", "--accept", "coder-a"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(commits(&root), before + 2);
    assert!(open_units(&root, &["--transcript", "fg2"]).is_empty());
    assert!(
        log_text(&root, "fg2").matches("\"coder-a\"").count() >= t_units.len(),
        "each fg2 unit accepted coder-a"
    );
}

#[test]
fn discuss_keeps_the_unit_open_and_undo_takes_back_the_newest_of_yours() {
    let (_d, root) = demo();
    let unit = open_units(&root, &[]).remove(0);
    let out = run(
        &root,
        &["discuss", &unit, "--note", "bring to Thursday's meeting"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        open_units(&root, &[]).contains(&unit),
        "a mark settles nothing"
    );
    let transcript = unit.split(':').next().unwrap();
    assert!(log_text(&root, transcript).contains("\"action\":\"discuss\""));
    // A marked unit can still be decided (the mark does not block it), and
    // the decision undone again.
    let out = run(&root, &["decide", &unit, "--union"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!open_units(&root, &[]).contains(&unit));
    assert_eq!(run(&root, &["undo"]).status.code(), Some(0));
    assert!(open_units(&root, &[]).contains(&unit));

    let second = open_units(&root, &[])
        .into_iter()
        .find(|u| *u != unit)
        .unwrap();
    let out = run(&root, &["decide", &second, "--reject", "--json"]);
    let id =
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()["decisions"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    // Undo with no id: the newest of mine, the rejection.
    let out = run(&root, &["undo", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(said["decisions"][0]["reverts"], id.as_str());
    assert!(open_units(&root, &[]).contains(&second));
    // Undoing it again is refused; so is an unknown id.
    let out = run(&root, &["undo", &id]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("already undone"));
    assert_eq!(run(&root, &["undo", "d-nope"]).status.code(), Some(1));
    // The next undo takes back the discussion mark.
    let out = run(&root, &["undo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&root, &["undo"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "nothing of mine left: {}",
        stderr(&out)
    );
    assert!(clean(&root));
}

#[test]
fn a_shell_loop_over_units_open_works_through_the_queue() {
    let (_d, root) = demo();
    let fg1 = open_units(&root, &["--transcript", "fg1"]);
    for unit in &fg1 {
        let out = run(&root, &["decide", unit, "--reject"]);
        assert_eq!(out.status.code(), Some(0), "{unit}: {}", stderr(&out));
    }
    assert!(open_units(&root, &["--transcript", "fg1"]).is_empty());
    let check = run(&root, &["check", "."]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

// ---- After a kill (defect 2): the log and index out of step with the branch.

/// Decide `unit` (union) and return the line's id.
fn decide(root: &Path, unit: &str) -> String {
    let out = run(root, &["decide", unit, "--union", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()["decisions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Write `text` as the working file and the index entry of `path`.
fn stage(root: &Path, path: &str, text: &str) {
    std::fs::write(root.join(path), text).unwrap();
    let repo = git2::Repository::open(root).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(path)).unwrap();
    index.write().unwrap();
}

/// Two open units of a transcript whose decision log is committed (a
/// third unit is decided first: the demo starts with no decisions).
fn two_units(root: &Path) -> (String, String, String) {
    let units = open_units(root, &["--transcript", "fg4"]);
    assert!(units.len() >= 4);
    decide(root, &units[3]);
    ("fg4".into(), units[0].clone(), units[1].clone())
}

fn staged(root: &Path, path: &str) -> bool {
    let repo = git2::Repository::open(root).unwrap();
    repo.status_file(Path::new(path))
        .unwrap()
        .contains(git2::Status::INDEX_MODIFIED)
}

#[test]
fn killed_after_the_commit_the_working_log_is_brought_up_and_the_next_decision_goes_in() {
    let (_d, root) = demo();
    let (t, u1, u2) = two_units(&root);
    let path = format!("decisions/{t}.jsonl");
    let old = log_text(&root, &t);
    let id1 = decide(&root, &u1);
    // The state a kill between the commit and the working-file write leaves.
    stage(&root, &path, &old);
    assert!(staged(&root, &path), "M  {path}");
    let out = run(&root, &["decide", &u2, "--union"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "never refused: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("had not reached the working file"),
        "the reviewer is told: {}",
        stderr(&out)
    );
    let text = committed(&root, &path);
    assert!(text.contains(&id1) && text.contains(&u2));
    assert!(clean(&root));
}

#[test]
fn a_complete_uncommitted_line_of_an_open_unit_is_committed() {
    let (_d, root) = demo();
    let (t, u1, u2) = two_units(&root);
    let path = format!("decisions/{t}.jsonl");
    let id1 = decide(&root, &u1);
    // The branch moved back, the log and index keep the line: staged, ahead of the branch.
    let repo = git2::Repository::open(&root).unwrap();
    let parent = repo
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .parent(0)
        .unwrap();
    repo.reset(parent.as_object(), git2::ResetType::Soft, None)
        .unwrap();
    assert!(staged(&root, &path));
    assert!(!committed(&root, &path).contains(&id1));
    let out = run(&root, &["decide", &u2, "--union"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("finished recording"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(&id1), "{}", stderr(&out));
    let text = committed(&root, &path);
    assert!(text.contains(&id1) && text.contains(&u2), "{text}");
    assert!(!open_units(&root, &[]).contains(&u1));
    assert!(clean(&root));
}

#[test]
fn a_torn_or_already_settled_line_is_put_back_and_kept_aside() {
    let (_d, root) = demo();
    let (t, u1, u2) = two_units(&root);
    let path = format!("decisions/{t}.jsonl");
    let id1 = decide(&root, &u1);
    let good = log_text(&root, &t);
    // A torn line after the committed ones.
    stage(
        &root,
        &path,
        &format!("{good}{{\"id\":\"d-torn\",\"unit\":\"{u2}"),
    );
    let out = run(&root, &["decide", &u2, "--union"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("put back"), "{}", stderr(&out));
    let kept = std::fs::read_dir(root.join(".git/concord/recovered"))
        .unwrap()
        .count();
    assert_eq!(kept, 1, "the text is kept, not lost");
    assert!(!committed(&root, &path).contains("d-torn"));

    // A complete line for a unit the log already settles: put back, not committed.
    let dup = log_text(&root, &t)
        .lines()
        .find(|l| l.contains(&id1))
        .unwrap()
        .replace(&id1, "d-duplicate");
    let now = log_text(&root, &t);
    stage(&root, &path, &format!("{now}{dup}\n"));
    let out = run(&root, &["units", "--open"]);
    assert_eq!(out.status.code(), Some(0));
    let third = open_units(&root, &["--transcript", &t]).remove(0);
    let out = run(&root, &["decide", &third, "--reject"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("put back"), "{}", stderr(&out));
    assert!(!committed(&root, &path).contains("d-duplicate"));
    assert!(clean(&root));
}

#[test]
fn the_users_own_edit_of_a_log_is_left_alone() {
    let (_d, root) = demo();
    let (t, u1, _) = two_units(&root);
    let path = format!("decisions/{t}.jsonl");
    std::fs::write(root.join(&path), "my own notes\n").unwrap();
    let out = run(&root, &["decide", &u1, "--union"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not committed"), "{}", stderr(&out));
    assert_eq!(log_text(&root, &t), "my own notes\n");
}

#[test]
fn killed_after_committing_a_new_log_the_file_and_index_are_brought_up() {
    let (_d, root) = demo();
    let units = open_units(&root, &["--transcript", "fg3"]);
    let path = "decisions/fg3.jsonl";
    let id1 = decide(&root, &units[0]);
    // The first decision of a transcript committed, the kill before the file and index had it.
    std::fs::remove_file(root.join(path)).unwrap();
    let repo = git2::Repository::open(&root).unwrap();
    let mut index = repo.index().unwrap();
    index.remove_path(Path::new(path)).unwrap();
    index.write().unwrap();
    let out = run(&root, &["decide", &units[1], "--union"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("had not reached"), "{}", stderr(&out));
    assert!(log_text(&root, "fg3").contains(&id1));
    assert!(clean(&root));
}
