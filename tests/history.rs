//! The codebook's history from git: `concord history`, `concord diff` and
//! `concord agreement --trend` on a repository built here, commit by
//! commit, with the study in a subfolder; a bare clone; a dirty working
//! tree; and the demo repository's own history.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const STUDY: &str = "studies/one";

const TRANSCRIPT: &str = "MOD: How did the messaging go for you?\n\
P01: Even on bad weeks I knew I could send one line, and that kept me in.\n\
P02: I stopped for a month and then I came back when my therapist wrote.\n\
P03: The app was slow and I never knew when a reply would come.\n";

fn manifest() -> String {
    "[study]\nname = \"History\"\n\n[[coder]]\nid = \"coder-a\"\nname = \"A\"\n\n[[coder]]\nid = \"coder-b\"\nname = \"B\"\n".into()
}

fn code_file(id: &str, name: &str, color: &str, codable: bool, definition: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\nname = \"{name}\"\ncolor = \"{color}\"\ncodable = {codable}\n+++\n## Definition\n{definition}\n\n## When to use\nWhen it fits.\n"
    )
}

/// (id, code, start, end) in TRANSCRIPT.
fn codings(lines: &[(&str, &str, usize, usize)]) -> String {
    lines
        .iter()
        .map(|(id, code, s, e)| coding_line(id, code, *s, *e, TRANSCRIPT))
        .collect()
}

struct Repo {
    dir: tempfile::TempDir,
    repo: git2::Repository,
    time: i64,
    commits: Vec<String>,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        Repo {
            dir,
            repo,
            time: 1_700_000_000,
            commits: Vec::new(),
        }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join(STUDY)
    }

    /// Write (Some) or delete (None) study files, commit everything.
    fn commit(&mut self, who: &str, message: &str, files: &[(&str, Option<String>)]) -> String {
        for (path, text) in files {
            let p = match path.strip_prefix('/') {
                Some(outside) => self.dir.path().join(outside),
                None => self.root().join(path),
            };
            match text {
                Some(t) => {
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, t).unwrap();
                }
                None => std::fs::remove_file(&p).unwrap(),
            }
        }
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"].iter(), None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        self.time += 86_400;
        let sig = git2::Signature::new(
            who,
            &format!("{}@example.org", who.to_lowercase()),
            &git2::Time::new(self.time, 0),
        )
        .unwrap();
        let parent = self.repo.head().ok().map(|h| h.peel_to_commit().unwrap());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let oid = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap();
        self.commits.push(oid.to_string());
        oid.to_string()
    }
}

fn json(out: &std::process::Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The history the tests read: 10 commits.
///
/// 0 PI: codebook (groups g, h; x, y under g; z under h) and transcript
/// 1 Ann: coder A's codings            2 Bob: coder B's codings
/// 3 PI: x renamed, y redefined        4 PI: y moved to h, z's colour
/// 5 Bob: recodes an excerpt           6 PI: z removed, w added under g
/// 7 PI: a README outside the study    8 PI: breaks concord.toml
/// 9 PI: mends concord.toml
fn build() -> Repo {
    let mut r = Repo::new();
    r.commit(
        "Pi",
        "Codebook v1",
        &[
            ("concord.toml", Some(manifest())),
            (
                "codebook/g/_index.md",
                Some(code_file("g", "Group G", "#111111", false, "Group.")),
            ),
            (
                "codebook/h/_index.md",
                Some(code_file("h", "Group H", "#222222", false, "Group.")),
            ),
            (
                "codebook/g/x.md",
                Some(code_file(
                    "x",
                    "Code X",
                    "#4e79a7",
                    true,
                    "Staying in touch when it gets hard.",
                )),
            ),
            (
                "codebook/g/y.md",
                Some(code_file(
                    "y",
                    "Code Y",
                    "#f28e2b",
                    true,
                    "Coming back after a stop.",
                )),
            ),
            (
                "codebook/h/z.md",
                Some(code_file(
                    "z",
                    "Code Z",
                    "#e15759",
                    true,
                    "The app is slow.",
                )),
            ),
            ("transcripts/t1.txt", Some(TRANSCRIPT.into())),
        ],
    );
    r.commit(
        "Ann",
        "Code t1 (A)",
        &[(
            "codings/coder-a/t1.jsonl",
            Some(codings(&[
                ("a-1", "x", 44, 112),
                ("a-2", "y", 118, 186),
                ("a-3", "z", 192, 250),
            ])),
        )],
    );
    r.commit(
        "Bob",
        "Code t1 (B)",
        &[(
            "codings/coder-b/t1.jsonl",
            Some(codings(&[
                ("b-1", "x", 60, 112),
                ("b-2", "x", 118, 186),
                ("b-3", "z", 192, 230),
            ])),
        )],
    );
    r.commit(
        "Pi",
        "Rename x, sharpen y",
        &[
            (
                "codebook/g/x.md",
                Some(code_file(
                    "x",
                    "Keeping in touch",
                    "#4e79a7",
                    true,
                    "Staying in touch when it gets hard.",
                )),
            ),
            (
                "codebook/g/y.md",
                Some(code_file(
                    "y",
                    "Code Y",
                    "#f28e2b",
                    true,
                    "Coming back after a lapse: a stop longer than usual.",
                )),
            ),
        ],
    );
    r.commit(
        "Pi",
        "Move y under h; z in another colour",
        &[
            ("codebook/g/y.md", None),
            (
                "codebook/h/y.md",
                Some(code_file(
                    "y",
                    "Code Y",
                    "#f28e2b",
                    true,
                    "Coming back after a lapse: a stop longer than usual.",
                )),
            ),
            (
                "codebook/h/z.md",
                Some(code_file(
                    "z",
                    "Code Z",
                    "#59a14f",
                    true,
                    "The app is slow.",
                )),
            ),
        ],
    );
    r.commit(
        "Bob",
        "Recode t1 (B): the return is y",
        &[(
            "codings/coder-b/t1.jsonl",
            Some(codings(&[
                ("b-1", "x", 60, 112),
                ("b-4", "y", 118, 186),
                ("b-3", "z", 192, 230),
            ])),
        )],
    );
    r.commit(
        "Pi",
        "Drop z, add w",
        &[
            ("codebook/h/z.md", None),
            (
                "codebook/g/w.md",
                Some(code_file(
                    "w",
                    "Code W",
                    "#76b7b2",
                    true,
                    "Writing at night.",
                )),
            ),
            (
                "codings/coder-a/t1.jsonl",
                Some(codings(&[("a-1", "x", 44, 112), ("a-2", "y", 118, 186)])),
            ),
            (
                "codings/coder-b/t1.jsonl",
                Some(codings(&[("b-1", "x", 60, 112), ("b-4", "y", 118, 186)])),
            ),
        ],
    );
    r.commit(
        "Pi",
        "A README for the repository",
        &[("/README.md", Some("Studies.\n".into()))],
    );
    r.commit(
        "Pi",
        "Break the manifest",
        &[("concord.toml", Some("[study\n".into()))],
    );
    r.commit(
        "Pi",
        "Mend the manifest",
        &[("concord.toml", Some(manifest()))],
    );
    r
}

fn kinds(code: &Value) -> Vec<String> {
    code["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn history_lists_each_codebook_change_newest_first() {
    let r = build();
    let h = json(&run_in(&r.root(), &["history", "--json"]));
    let entries = h["entries"].as_array().unwrap();
    let commits: Vec<&str> = entries
        .iter()
        .map(|e| e["commit"].as_str().unwrap())
        .collect();
    let c = &r.commits;
    assert_eq!(commits, [&c[6], &c[4], &c[3], &c[0]].map(|s| s.as_str()));

    let drop = &entries[0];
    assert_eq!(drop["author"], "Pi");
    assert_eq!(drop["email"], "pi@example.org");
    assert_eq!(drop["message"], "Drop z, add w");
    assert_eq!(drop["date"], "2023-11-21T22:13:20+00:00");
    assert_eq!(drop["short"].as_str().unwrap(), &c[6][..7]);
    let codes = drop["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 2);
    assert_eq!(codes[0]["code"], "w");
    assert_eq!(codes[0]["name"], "Code W");
    assert_eq!(
        codes[0]["changes"][0],
        serde_json::json!({"kind": "added", "parent": "g"})
    );
    assert_eq!(codes[0]["summary"][0], "added under Group G `g`");
    assert_eq!(codes[1]["code"], "z");
    assert_eq!(
        codes[1]["changes"][0],
        serde_json::json!({"kind": "removed"})
    );

    let moved = &entries[1]["codes"].as_array().unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(moved[0]["code"], "y");
    assert_eq!(
        moved[0]["changes"][0],
        serde_json::json!({"kind": "moved", "from": "g", "to": "h"})
    );
    assert_eq!(
        moved[0]["summary"][0],
        "moved from Group G `g` to Group H `h`"
    );
    assert_eq!(
        kinds(&moved[0]),
        ["moved"],
        "a move alone, the file's new place is no other change"
    );
    assert_eq!(moved[1]["code"], "z");
    assert_eq!(
        moved[1]["changes"][0],
        serde_json::json!({"kind": "colour", "from": "#e15759", "to": "#59a14f"})
    );

    let renamed = &entries[2]["codes"].as_array().unwrap();
    assert_eq!(renamed[0]["code"], "x");
    assert_eq!(
        renamed[0]["changes"][0],
        serde_json::json!({"kind": "renamed", "from": "Code X", "to": "Keeping in touch"})
    );
    assert_eq!(renamed[1]["code"], "y");
    assert_eq!(
        renamed[1]["changes"][0],
        serde_json::json!({"kind": "definition", "from": "Coming back after a stop.", "to": "Coming back after a lapse: a stop longer than usual."})
    );
    assert_eq!(renamed[1]["summary"][0], "definition changed");

    let first: Vec<&str> = entries[3]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["g", "x", "y", "h", "z"]);

    // The text says the same in words, codes followed by their id.
    let text = stdout(&run_in(&r.root(), &["history"]));
    assert!(
        text.contains("Code Y `y`: moved from Group G `g` to Group H `h`"),
        "{text}"
    );
    assert!(
        text.contains("Keeping in touch `x`: renamed from “Code X” to “Keeping in touch”"),
        "{text}"
    );
    assert!(text.contains("Code Z `z`: removed"), "{text}");
}

#[test]
fn history_of_one_code_is_its_whole_life() {
    let r = build();
    let h = json(&run_in(&r.root(), &["history", "--code", "y", "--json"]));
    let entries = h["entries"].as_array().unwrap();
    let life: Vec<(String, Vec<String>)> = entries
        .iter()
        .map(|e| {
            let codes = e["codes"].as_array().unwrap();
            assert_eq!(codes.len(), 1);
            (e["message"].as_str().unwrap().to_string(), kinds(&codes[0]))
        })
        .collect();
    assert_eq!(
        life,
        [
            (
                "Move y under h; z in another colour".to_string(),
                vec!["moved".to_string()]
            ),
            ("Rename x, sharpen y".into(), vec!["definition".into()]),
            ("Codebook v1".into(), vec!["added".into()]),
        ]
    );
    let out = run_in(&r.root(), &["history", "--code", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no code \"nope\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn diff_between_revisions_and_against_the_working_tree() {
    let r = build();
    let c = &r.commits;
    let d = json(&run_in(&r.root(), &["diff", &c[0], &c[6], "--json"]));
    assert_eq!(d["from"]["commit"], c[0].as_str());
    assert_eq!(d["to"]["commit"], c[6].as_str());
    let codes = d["codes"].as_array().unwrap();
    let by: Vec<(&str, Vec<String>)> = codes
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), kinds(c)))
        .collect();
    assert_eq!(
        by,
        [
            ("w", vec!["added".to_string()]),
            ("x", vec!["renamed".into()]),
            ("y", vec!["moved".into(), "definition".into()]),
            ("z", vec!["removed".into()]),
        ]
    );
    let y = &codes[2];
    assert_eq!(y["file_before"], "codebook/g/y.md");
    assert_eq!(y["file_after"], "codebook/h/y.md");
    assert_eq!(
        y["changes"][1]["words"],
        serde_json::json!([
            {"op": "same", "text": "Coming back after a "},
            {"op": "removed", "text": "stop."},
            {"op": "added", "text": "lapse: a stop longer than usual."},
        ])
    );
    // Not a terminal: + and - markers.
    let text = stdout(&run_in(&r.root(), &["diff", &c[0], &c[6], "--code", "y"]));
    assert!(
        text.contains("Coming back after a [-stop.-]{+lapse: a stop longer than usual.+}"),
        "{text}"
    );
    assert!(!text.contains("Code W"), "--code keeps one code: {text}");

    // REV2 defaults to the working tree, uncommitted edits included; the
    // history is read from commits and does not see them.
    std::fs::write(
        r.root().join("codebook/g/w.md"),
        code_file("w", "Code W", "#76b7b2", true, "Writing late at night."),
    )
    .unwrap();
    let d = json(&run_in(&r.root(), &["diff", "HEAD", "--json"]));
    assert_eq!(d["to"]["revision"], "working tree");
    assert_eq!(d["codes"][0]["code"], "w");
    assert_eq!(kinds(&d["codes"][0]), ["definition"]);
    let h = json(&run_in(&r.root(), &["history", "--json"]));
    assert_eq!(h["entries"].as_array().unwrap().len(), 4);
    // PATH first when it is a folder.
    let from_above = json(&run_in(r.dir.path(), &["diff", STUDY, "HEAD", "--json"]));
    assert_eq!(from_above["codes"], d["codes"]);

    for (args, says) in [
        (vec!["diff", "no-such-rev"], "unknown revision"),
        (vec!["diff", "HEAD", "nope~3"], "unknown revision"),
    ] {
        let out = run_in(&r.root(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
}

#[test]
fn not_a_git_repository_is_a_clear_error() {
    let dir = study(&valid_files());
    for args in [
        vec!["history"],
        vec!["diff", "HEAD"],
        vec!["agreement", "--trend"],
    ] {
        let out = run_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("not in a git repository"),
            "{}",
            stderr(&out)
        );
    }
}

/// A checkout of `commit` in a folder of its own (the repository untouched).
fn checkout(repo: &git2::Repository, commit: &str, into: &Path) {
    let clone = git2::Repository::clone(repo.path().to_str().unwrap(), into).unwrap();
    let obj = clone.revparse_single(commit).unwrap();
    clone
        .checkout_tree(&obj, Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    clone.set_head_detached(obj.id()).unwrap();
}

fn figure(v: &Value) -> Option<f64> {
    v.as_f64()
}

#[test]
fn trend_matches_agreement_on_a_checkout_of_each_commit() {
    let r = build();
    let c = &r.commits;
    let t = json(&run_in(&r.root(), &["agreement", "--trend", "--json"]));
    let points = t["commits"].as_array().unwrap();
    let listed: Vec<&str> = points
        .iter()
        .map(|p| p["commit"].as_str().unwrap())
        .collect();
    // Oldest first; the README commit changed nothing of the study.
    let expected: Vec<&str> = [0, 1, 2, 3, 4, 5, 6, 8, 9]
        .iter()
        .map(|&i| c[i].as_str())
        .collect();
    assert_eq!(listed, expected);
    let changed: Vec<Vec<&str>> = points
        .iter()
        .map(|p| {
            p["changed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            vec!["codebook", "transcripts", "manifest"],
            vec!["codings"],
            vec!["codings"],
            vec!["codebook"],
            vec!["codebook"],
            vec!["codings"],
            vec!["codebook", "codings"],
            vec!["manifest"],
            vec!["manifest"],
        ]
    );
    // The broken manifest is listed with the reason.
    assert!(
        points[7]["not_loaded"]
            .as_str()
            .unwrap()
            .contains("concord.toml does not load")
    );
    assert!(points[7].get("figures").is_none());
    // Rewording definitions and mending the manifest reuse the figures.
    let reused: Vec<Option<bool>> = points.iter().map(|p| p["reused"].as_bool()).collect();
    assert_eq!(
        reused,
        [
            Some(false),
            Some(false),
            Some(false),
            Some(true),
            Some(false),
            Some(false),
            Some(false),
            None,
            Some(true)
        ]
    );

    let scratch = tempfile::tempdir().unwrap();
    for (i, p) in points.iter().enumerate() {
        let Some(figures) = p["figures"].as_array() else {
            continue;
        };
        let into = scratch.path().join(format!("c{i}"));
        checkout(&r.repo, p["commit"].as_str().unwrap(), &into);
        let a = json(&run_in(
            &into.join(STUDY),
            &["agreement", "--json", "--measure", "all"],
        ));
        let pooled: Vec<&Value> = a["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| row["transcript"].is_null())
            .filter(|row| row["character"].is_object())
            .collect();
        assert_eq!(figures.len(), pooled.len(), "commit {i}: {figures:?}");
        for (f, row) in figures.iter().zip(&pooled) {
            assert_eq!(f["code"], row["code"], "commit {i}");
            assert_eq!(
                figure(&f["cohen_kappa"]),
                figure(&row["character"]["cohen_kappa"]),
                "commit {i} code {}",
                f["code"]
            );
            assert_eq!(
                figure(&f["binary_u_alpha"]),
                figure(&row["alpha"]["binary_u_alpha"]),
                "commit {i} code {}",
                f["code"]
            );
        }
    }
    // Recoding moved x's and y's figures between commits 4 and 5.
    let x = |p: &Value| {
        p["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "y")
            .map(|f| figure(&f["cohen_kappa"]))
    };
    assert_ne!(x(&points[4]), x(&points[5]));

    let one = json(&run_in(
        &r.root(),
        &["agreement", "--trend", "--code", "x", "--json"],
    ));
    for p in one["commits"].as_array().unwrap() {
        if let Some(f) = p["figures"].as_array() {
            assert!(f.iter().all(|f| f["code"] == "x"));
        }
    }
}

#[test]
fn a_bare_clone_has_the_same_history() {
    let r = build();
    let bare = tempfile::tempdir().unwrap();
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(r.repo.path().to_str().unwrap(), bare.path())
        .unwrap();
    let here = json(&run_in(&r.root(), &["history", "--json"]));
    let there = json(&run_in(
        bare.path(),
        &["history", bare.path().to_str().unwrap(), "--json"],
    ));
    assert_eq!(here, there);
    let trend_here = json(&run_in(&r.root(), &["agreement", "--trend", "--json"]));
    let trend_there = json(&run_in(
        bare.path(),
        &[
            "agreement",
            "--trend",
            bare.path().to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(trend_here, trend_there);
    let out = run_in(
        bare.path(),
        &["diff", bare.path().to_str().unwrap(), "HEAD~1"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no working tree"), "{}", stderr(&out));
}

#[test]
fn the_demo_history_shows_its_definition_revision() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = run_in(dir.path(), &["demo", "--path", demo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let h = json(&run_in(&demo, &["history", "--json"]));
    let entries = h["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "codebook v1 and the revision");
    let revision = &entries[0];
    assert_eq!(revision["author"], "Helen Marsh");
    assert!(
        revision["message"]
            .as_str()
            .unwrap()
            .starts_with("Sharpen maintenance vs recovery")
    );
    let codes: Vec<&str> = revision["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["se-maintenance", "se-recovery"]);
    for c in revision["codes"].as_array().unwrap() {
        assert_eq!(kinds(c)[0], "definition");
    }
    let text = stdout(&run_in(&demo, &["history", "--code", "se-maintenance"]));
    assert!(
        text.contains("Maintenance self-efficacy `se-maintenance`: definition changed"),
        "{text}"
    );
    let trend = json(&run_in(&demo, &["agreement", "--trend", "--json"]));
    assert_eq!(trend["commits"].as_array().unwrap().len(), 4);
    assert_eq!(
        trend["commits"][3]["reused"], true,
        "a reworded definition costs no statistics"
    );
}
