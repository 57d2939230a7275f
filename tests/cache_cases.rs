//! The derived cache and `cases.toml`: the cases and variables are part of
//! the cached study (values of every type, dates too, come back from the
//! cache as they were parsed), and an edit of `cases.toml` after a cached
//! run is seen by the next `units --where`, `agreement --where` and
//! `check`, committed or not.

mod common;

use std::path::Path;

use common::*;
use concord::repo::cache::Opened;
use concord::repo::read::FileReads;
use concord::sample::synthetic::{Params, synthetic_study};

/// A clean synthetic study of four transcripts, with `cases` as its
/// `cases.toml`, committed to a new git repository.
fn study_with_cases(cases: &str) -> tempfile::TempDir {
    let mut files = synthetic_study(&Params {
        transcripts: 4,
        chars: 1500,
        coders: 2,
        excerpts: 8,
        seed: 7,
    });
    files.insert("cases.toml", cases.to_string());
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in &files.files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    commit_all(dir.path(), "study");
    dir
}

/// `p1` (group fg1) is transcript `case_transcript`'s case; it was
/// interviewed at a date-time (a TOML datetime, the one value type that is
/// not a plain string, number or boolean).
fn cases(case_transcript: &str) -> String {
    format!(
        "[[variable]]\nname = \"group\"\ntype = \"text\"\n\n[[variable]]\nname = \"interviewed\"\ntype = \"datetime\"\n\n\
[[case]]\nid = \"p1\"\ntranscripts = [\"{case_transcript}\"]\n\n[case.values]\ngroup = \"fg1\"\ninterviewed = 2026-03-04T10:30:00Z\n"
    )
}

/// The transcripts of the units `units --where group=fg1 --json` lists.
fn fg1_unit_transcripts(root: &Path, home: &Path) -> Vec<String> {
    let out = concord(home)
        .args(["units", "--where", "group=fg1", "--json"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let units: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut ts: Vec<String> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["transcript"].as_str().unwrap().to_string())
        .collect();
    ts.dedup();
    ts
}

/// The transcripts `agreement --where group=fg1 --json` has rows of.
fn fg1_agreement_transcripts(root: &Path, home: &Path) -> Vec<String> {
    let out = concord(home)
        .args(["agreement", "--where", "group=fg1", "--json"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut ts: Vec<String> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["transcript"].as_str().map(str::to_string))
        .collect();
    ts.sort();
    ts.dedup();
    ts
}

#[test]
fn cases_come_back_from_the_cache_as_they_were_parsed() {
    let dir = study_with_cases(&cases("t0002"));
    let reads = FileReads::default();
    let opened = Opened::open(dir.path(), &reads).unwrap();
    assert!(opened.caches());
    let first = opened.loaded().study.cases.clone();
    assert_eq!(first.cases.len(), 1);
    assert!(
        matches!(
            first.cases[0].values["interviewed"],
            toml::Value::Datetime(_)
        ),
        "{first:?}"
    );
    // As every cached value that holds them (`units`' listing) keeps them.
    let kept = concord::repo::cache::encode(&first, "key").unwrap();
    let second: concord::study::cases::Cases = concord::repo::cache::decode(&kept, "key").unwrap();
    assert_eq!(second, first, "cases.toml round-trips through the cache");
}

#[test]
fn an_edit_of_cases_toml_after_a_cached_run_is_seen() {
    let dir = study_with_cases(&cases("t0002"));
    let root = dir.path();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();

    assert_eq!(fg1_unit_transcripts(root, home), ["t0002"]);
    assert!(
        root.join(".git/concord/coded-listed.bin").exists()
            && root.join(".git/concord/units-review.bin").exists(),
        "units cached"
    );
    assert_eq!(
        fg1_unit_transcripts(root, home),
        ["t0002"],
        "from the cache"
    );
    assert_eq!(fg1_agreement_transcripts(root, home), ["t0002"]);

    // The case is moved to another transcript, not committed.
    std::fs::write(root.join("cases.toml"), cases("t0003")).unwrap();
    assert_eq!(fg1_unit_transcripts(root, home), ["t0003"]);
    assert_eq!(fg1_agreement_transcripts(root, home), ["t0003"]);

    // A value of the wrong type: check (cached clean before) reports it.
    let check = |home: &Path| {
        concord(home)
            .arg("check")
            .current_dir(root)
            .output()
            .unwrap()
    };
    assert_eq!(check(home).status.code(), Some(0));
    let broken = cases("t0003").replace("group = \"fg1\"", "group = 12");
    std::fs::write(root.join("cases.toml"), broken).unwrap();
    let out = check(home);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("cases.toml"), "{}", stdout(&out));

    // And a variable removed from cases.toml is no longer offered.
    std::fs::write(
        root.join("cases.toml"),
        "[[variable]]\nname = \"role\"\ntype = \"text\"\n",
    )
    .unwrap();
    let out = concord(home)
        .args(["units", "--where", "group=fg1"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no variable \"group\""),
        "{}",
        stderr(&out)
    );
}
