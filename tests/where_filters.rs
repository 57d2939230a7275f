//! `--where VARIABLE=VALUE` (cases.toml) with the review commands' other
//! filters: `units --open` lists the queue of one group, and `decide`'s
//! bulk rule settles that group's units only, with `--class` and
//! `--transcript` as well (every rule given must match).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const ME: &str = "Rita Reviewer <rita@example.org>";

/// fg1 and fg2 are the cases of the first focus group, fg3 to fg5 the
/// second's; fg2 is also the site "north" by its own value.
const CASES: &str = "[[variable]]\nname = \"group\"\ntype = \"text\"\n\n[[variable]]\nname = \"site\"\ntype = \"text\"\n\n\
[[case]]\nid = \"p1\"\ntranscripts = [\"fg1\", \"fg2\"]\n\n[case.values]\ngroup = \"first\"\n\n\
[[case]]\nid = \"p2\"\ntranscripts = [\"fg3\", \"fg4\", \"fg5\"]\n\n[case.values]\ngroup = \"second\"\n\n\
[transcript.fg2]\nsite = \"north\"\n";

/// The demo study with `CASES` committed, and the folder that holds it.
fn demo_with_cases() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "study"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = dir.path().join("study");
    std::fs::write(root.join("cases.toml"), CASES).unwrap();
    let repo = git2::Repository::open(&root).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("cases.toml")).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = git2::Signature::now("Test", "test@example.org").unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &who, &who, "cases", &tree, &[&head])
        .unwrap();
    (dir, root)
}

fn run(root: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = concord(home.path());
    cmd.args(args).current_dir(root);
    if args.first() == Some(&"decide") {
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

fn transcript_of(unit: &str) -> &str {
    unit.split(':').next().unwrap()
}

#[test]
fn units_open_lists_one_groups_queue_with_the_other_filters() {
    let (_d, root) = demo_with_cases();
    let all = open_units(&root, &[]);
    let first = open_units(&root, &["--where", "group=first"]);
    let second = open_units(&root, &["--where", "group=second"]);
    assert!(!first.is_empty() && !second.is_empty());
    assert!(
        first
            .iter()
            .all(|u| ["fg1", "fg2"].contains(&transcript_of(u)))
    );
    assert!(
        second
            .iter()
            .all(|u| ["fg3", "fg4", "fg5"].contains(&transcript_of(u)))
    );
    assert_eq!(first.len() + second.len(), all.len());

    // With --class and --transcript: all must hold.
    let boundary_first = open_units(&root, &["--where", "group=first", "--class", "boundary"]);
    let boundary: Vec<String> = open_units(&root, &["--class", "boundary"])
        .into_iter()
        .filter(|u| first.contains(u))
        .collect();
    assert_eq!(boundary_first, boundary);
    assert!(open_units(&root, &["--where", "group=second", "--transcript", "fg1"]).is_empty());
    // A transcript's own value, and two conditions together.
    let north = open_units(&root, &["--where", "site=north", "--where", "group=first"]);
    assert_eq!(north, open_units(&root, &["--transcript", "fg2"]));
}

#[test]
fn decide_settles_the_open_units_of_one_group_only() {
    let (_d, root) = demo_with_cases();
    let first = open_units(&root, &["--where", "group=first", "--class", "boundary"]);
    assert!(!first.is_empty());
    let second = open_units(&root, &["--where", "group=second"]);
    let out = run(
        &root,
        &[
            "decide",
            "--where",
            "group=first",
            "--class",
            "boundary",
            "--union",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let decided: Vec<&str> = said["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["unit"].as_str().unwrap())
        .collect();
    assert_eq!(decided, first);
    assert!(open_units(&root, &["--where", "group=first", "--class", "boundary"]).is_empty());
    assert_eq!(open_units(&root, &["--where", "group=second"]), second);
    let repo = git2::Repository::open(&root).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert!(
        head.message().unwrap().contains("where group=first"),
        "{:?}",
        head.message()
    );

    // A variable the study does not have: exit 2, nothing written.
    let out = run(&root, &["decide", "--where", "grup=first", "--union"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no variable \"grup\""),
        "{}",
        stderr(&out)
    );
    let again = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(again.id(), head.id());
}

#[test]
fn the_trend_refuses_where_rather_than_ignore_it() {
    let (_d, root) = demo_with_cases();
    let out = run(&root, &["agreement", "--trend", "--where", "group=first"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("--where"), "{}", stderr(&out));
}
