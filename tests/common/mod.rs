//! Shared by the integration tests: small studies in temporary folders, and
//! the real binary run with a HOME and git configuration of its own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A small valid study: two coders, one group with two codes, one
/// transcript with a coding by each coder and one decision.
pub fn valid_files() -> Vec<(&'static str, String)> {
    let transcript = "MOD: How did it go?\nP01: Even on bad weeks I knew I could send one line.\n";
    vec![
        (
            "concord.toml",
            "[study]\nname = \"Tiny\"\n\n[[coder]]\nid = \"coder-a\"\nname = \"A\"\n\n[[coder]]\nid = \"coder-b\"\nname = \"B\"\n".into(),
        ),
        ("codebook/g/_index.md", code("g", "Group", false)),
        ("codebook/g/x.md", code("x", "Code X", true)),
        ("codebook/g/y.md", code("y", "Code Y", true)),
        ("transcripts/t1.txt", transcript.into()),
        (
            "codings/coder-a/t1.jsonl",
            coding_line("c-1", "x", 25, 72, transcript),
        ),
        (
            "codings/coder-b/t1.jsonl",
            coding_line("c-2", "x", 30, 72, transcript),
        ),
        (
            "decisions/t1.jsonl",
            "{\"id\":\"d-1\",\"unit\":\"t1:25-72:ab12\",\"basis\":[\"c-1\",\"c-2\"],\"action\":\"accept\",\"chosen\":\"coder-a\",\"result\":[{\"code\":\"x\",\"start\":25,\"end\":72}],\"reviewer\":\"R <r@example.org>\",\"at\":\"2026-11-23T10:04:00Z\",\"note\":\"\"}\n".into(),
        ),
    ]
}

pub fn code(id: &str, name: &str, codable: bool) -> String {
    format!(
        "+++\nid = \"{id}\"\nname = \"{name}\"\ncolor = \"#4e79a7\"\ncodable = {codable}\n+++\n## Definition\nA definition.\n"
    )
}

/// A canonical coding line whose quote is the transcript's text at its offsets.
pub fn coding_line(id: &str, code: &str, start: usize, end: usize, transcript: &str) -> String {
    let quote: String = transcript.chars().skip(start).take(end - start).collect();
    format!(
        "{{\"id\":\"{id}\",\"code\":\"{code}\",\"start\":{start},\"end\":{end},\"quote\":{},\"memo\":\"\"}}\n",
        serde_json::to_string(&quote).unwrap()
    )
}

/// Write `files` (study-relative path, contents) into a new temporary folder.
pub fn study(files: &[(&str, String)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    dir
}

pub fn write_files(root: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// The valid study with one file replaced (or added).
pub fn valid_study_with(path: &'static str, contents: impl Into<Vec<u8>>) -> TempDir {
    let dir = study(&valid_files());
    let p = dir.path().join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, contents.into()).unwrap();
    dir
}

/// The concord binary with a HOME and git configuration isolated from the machine's.
pub fn concord(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concord"));
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("NO_COLOR", "1");
    cmd
}

/// Run concord with `args` in `cwd` (HOME a fresh folder), returning its output.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    concord(home.path())
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The sample study as `concord demo` writes it, in a new folder: (that
/// folder, the study in it).
pub fn demo_study(home: &Path) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("study");
    let out = concord(home)
        .args(["demo", "--path"])
        .arg(&root)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (dir, root)
}

/// The repository's bundled sample study.
pub fn sample_study() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook")
}

/// `concord generate ARGS --path PATH` run in `cwd` (a synthetic study at
/// `path`), which must succeed.
pub fn generate(cwd: &Path, path: &Path, args: &[&str]) {
    let mut all: Vec<&str> = vec!["generate"];
    all.extend_from_slice(args);
    all.push("--path");
    all.push(path.to_str().unwrap());
    let out = run_in(cwd, &all);
    assert!(out.status.success(), "concord generate: {}", stderr(&out));
}

/// Commit every file under `root` on top of its branch's tip (a repository
/// is made there if there is none), as "Test <test@example.org>".
pub fn commit_all(root: &Path, message: &str) -> git2::Oid {
    let repo = git2::Repository::open(root)
        .or_else(|_| git2::Repository::init(root))
        .unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = git2::Signature::now("Test", "test@example.org").unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)
        .unwrap()
}
