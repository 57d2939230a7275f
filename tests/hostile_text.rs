//! Study text is data, never terminal commands: OSC (window title), CSI,
//! the C1 control U+009B, a bidi override (U+202E) and NUL in transcripts,
//! memos, code names, coder names and notes. Every command, and the review
//! screen, runs in a pseudo-terminal; what reaches the terminal holds none
//! of them raw.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::path::Path;

use common::*;
use pty::Tui;

const REVIEWER: &str = "Test Reviewer <test@example.org>";

/// Each hostile piece, and the bytes that must never reach the terminal
/// because of it.
const TITLE: &str = "\u{1b}]0;PWNED\u{7}";
const CSI: &str = "\u{1b}[3J";
const C1: &str = "\u{9b}31m";
const BIDI: &str = "\u{202e}";
const NUL: &str = "\u{0}";

fn hostile(word: &str) -> String {
    format!("{word}{TITLE}{CSI}{C1}{BIDI}{NUL}end")
}

/// The same for a command-line argument, which cannot hold NUL.
fn hostile_arg(word: &str) -> String {
    format!("{word}{TITLE}{CSI}{C1}{BIDI}end")
}

/// Forbidden raw in the output: the OSC introducer, our CSI, C1 CSI (as
/// UTF-8), the override (as UTF-8), NUL.
fn assert_harmless(what: &str, bytes: &[u8]) {
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for (name, needle) in [
        ("an OSC sequence (window title)", &b"\x1b]"[..]),
        ("the study's CSI sequence", b"\x1b[3J"),
        ("the C1 control U+009B", "\u{9b}".as_bytes()),
        ("the bidi override U+202E", "\u{202e}".as_bytes()),
        ("NUL", b"\0"),
    ] {
        assert!(
            !find(needle),
            "{what}: {name} reached the terminal: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// The valid small study with hostile text everywhere a person writes.
fn hostile_study() -> tempfile::TempDir {
    let transcript = format!(
        "MOD: How did it go? {}\nP01: Even on bad weeks I knew I could send one line.\n",
        hostile("t")
    );
    let tlen = transcript.chars().count();
    let coding = |id: &str, start: usize, end: usize, memo: &str| {
        let quote: String = transcript.chars().skip(start).take(end - start).collect();
        serde_json::json!({"id": id, "code": "x", "start": start, "end": end, "quote": quote, "memo": memo})
            .to_string()
            + "\n"
    };
    let coder_name = serde_json::to_string(&hostile("A")).unwrap(); // a TOML basic string too
    let files = vec![
        (
            "concord.toml",
            format!(
                "[study]\nname = {}\n\n[[coder]]\nid = \"coder-a\"\nname = {coder_name}\n\n[[coder]]\nid = \"coder-b\"\nname = \"B\"\n",
                serde_json::to_string(&hostile("S")).unwrap()
            ),
        ),
        ("codebook/g/_index.md", code("g", "Group", false)),
        (
            "codebook/g/x.md",
            format!(
                "+++\nid = \"x\"\nname = {}\ncolor = \"#4e79a7\"\ncodable = true\n+++\n## Definition\n{}\n",
                serde_json::to_string(&hostile("Code")).unwrap(),
                hostile("def")
            ),
        ),
        ("codebook/g/y.md", code("y", "Code Y", true)),
        ("transcripts/t1.txt", transcript.clone()),
        (
            "codings/coder-a/t1.jsonl",
            coding("c-1", 2, tlen - 5, &hostile("memo")),
        ),
        ("codings/coder-b/t1.jsonl", coding("c-2", 4, tlen - 5, "")),
    ];
    let dir = study(&files);
    let repo = git2::Repository::init(dir.path()).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("S", "s@example.org").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "study", &tree, &[])
        .unwrap();
    dir
}

/// Run concord with `args` in a pty in `root` and return all it wrote.
fn in_pty(root: &Path, args: &[&str]) -> Vec<u8> {
    let home = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(pty::command(home.path(), root, args), 100, 30);
    tui.wait_exit();
    tui.bytes()
}

#[test]
fn no_command_sends_control_sequences_from_study_text() {
    let dir = hostile_study();
    let root = dir.path();
    let check = run_in(root, &["check", "."]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "the study is valid: {}",
        stdout(&check)
    );
    let unit = stdout(&run_in(root, &["units", "--open"]))
        .lines()
        .next()
        .expect("one open unit")
        .to_string();
    let note = hostile_arg("note");
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["check", "."],
        vec!["status", "."],
        vec!["status", ".", "--json"],
        vec!["units", "."],
        vec!["units", ".", "--json"],
        vec!["units", ".", "--open"],
        vec!["agreement", "."],
        vec!["agreement", ".", "--json"],
        vec!["history", "."],
        vec!["diff", "."],
        vec!["discuss", &unit, "--note", &note, "--reviewer", REVIEWER],
        vec![
            "decide",
            &unit,
            "--union",
            "--note",
            &note,
            "--reviewer",
            REVIEWER,
        ],
        vec![
            "decide",
            &unit,
            "--union",
            "--note",
            &note,
            "--reviewer",
            REVIEWER,
            "--json",
        ],
        vec!["units", ".", "--json"],
        vec!["undo", "--reviewer", REVIEWER, "--json"],
        vec!["undo", "--reviewer", REVIEWER],
        vec![
            "decide",
            &unit,
            "--reject",
            "--note",
            &note,
            "--reviewer",
            REVIEWER,
        ],
        vec!["history", "."],
    ];
    // The help of each command does not read the study, but costs nothing to cover.
    commands.push(vec!["--help"]);
    for args in &commands {
        let bytes = in_pty(root, args);
        assert_harmless(&format!("concord {}", args.join(" ")), &bytes);
    }
}

#[test]
fn the_review_screen_sends_no_control_sequences_from_study_text() {
    let dir = hostile_study();
    let root = dir.path();
    // A discussion note from study text on the unit the screen will show.
    let unit = stdout(&run_in(root, &["units", "--open"]))
        .lines()
        .next()
        .unwrap()
        .to_string();
    let out = run_in(
        root,
        &[
            "discuss",
            &unit,
            "--note",
            &hostile_arg("note"),
            "--reviewer",
            REVIEWER,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let home = tempfile::tempdir().unwrap();
    let cmd = pty::command(
        home.path(),
        root,
        &[root.to_str().unwrap(), "--reviewer", REVIEWER],
    );
    let mut tui = Tui::spawn(cmd, 100, 30);
    tui.wait_for("the study to load", |s| s.contains(" open"));
    // The unit, its passage, the coders' versions, a note and the decision.
    tui.keys("]");
    tui.keys("\r");
    tui.wait_for("the unit view", |s| s.contains("Coders"));
    tui.keys("b");
    // The only unit decided: the screen goes on to "review complete".
    tui.wait_for("the decision", |s| {
        s.contains("Decided") || s.contains("Review complete")
    });
    tui.keys("?");
    tui.keys("q");
    tui.wait_exit();
    assert_harmless("the review screen", &tui.bytes());
}
