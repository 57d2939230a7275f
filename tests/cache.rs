//! The derived cache (`repo/cache.rs`): every command prints the same with
//! and without it, on seeded random studies, committed or with uncommitted
//! edits, and with a cache that is corrupt; and a second run on an
//! unchanged study reads no transcript.

mod common;

use std::path::Path;

use common::*;
use concord::repo::cache::Opened;
use concord::repo::read::FileReads;
use concord::sample::synthetic::{Params, synthetic_study};
use concord::study::Problem;

/// A seeded random study (size, coders and a problem or two varying with
/// the seed), committed to a new git repository.
fn generated(seed: u64) -> tempfile::TempDir {
    let mut files = synthetic_study(&Params {
        transcripts: 2 + (seed % 4) as usize,
        chars: 1500 + 500 * (seed % 3) as usize,
        coders: 2 + (seed % 2) as usize,
        excerpts: 6 + (seed % 5) as usize,
        seed,
    });
    match seed % 3 {
        // A quote that no longer matches its transcript.
        1 => {
            let path = "codings/coder-a/t0001.jsonl";
            let text = String::from_utf8(files.files[path].clone()).unwrap();
            let changed = text.replacen("\"quote\":\"", "\"quote\":\"x", 1);
            files.insert(path, changed);
        }
        // Codings of a transcript that is not there.
        2 => {
            files.files.remove("transcripts/t0002.txt");
        }
        _ => {}
    }
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in &files.files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    commit_all(dir.path());
    dir
}

fn commit_all(root: &Path) {
    let repo = git2::Repository::init(root).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let who = git2::Signature::now("Test", "test@example.org").unwrap();
    repo.commit(Some("HEAD"), &who, &who, "study", &tree, &[])
        .unwrap();
}

// The table before --json and after it: with three coders the table's
// pairs (character level) and --json's (every measure) are kept apart.
const COMMANDS: [&[&str]; 8] = [
    &["check"],
    &["status", "--json"],
    &["units", "--json"],
    &["agreement"],
    &["agreement", "--json"],
    &["agreement", "--csv", "--code", "g1c1s1"],
    &["agreement", "--measure", "character", "--json"],
    &["agreement"],
];

/// (exit code, stdout, stderr) of every command.
fn outputs(root: &Path, cache: bool) -> Vec<(Option<i32>, String, String)> {
    let home = tempfile::tempdir().unwrap();
    COMMANDS
        .iter()
        .map(|args| {
            let mut cmd = concord(home.path());
            if !cache {
                cmd.env("CONCORD_NO_CACHE", "1");
            }
            let out = cmd.args(*args).current_dir(root).output().unwrap();
            (out.status.code(), stdout(&out), stderr(&out))
        })
        .collect()
}

#[test]
fn every_command_prints_the_same_with_and_without_the_cache() {
    // One seed of each kind of study (clean, a broken quote, a missing
    // transcript): each run is a process, so few of them.
    for seed in 1..=3 {
        let dir = generated(seed);
        let root = dir.path();
        let fresh = outputs(root, false);
        assert!(
            !root.join(".git/concord").exists(),
            "CONCORD_NO_CACHE keeps nothing"
        );
        assert_eq!(outputs(root, true), fresh, "seed {seed}, first run");
        assert!(root.join(".git/concord/agreement.bin").exists());
        assert_eq!(outputs(root, true), fresh, "seed {seed}, from the cache");

        // An uncommitted edit: a coding's quote broken, a transcript longer.
        let path = root.join("codings/coder-b/t0001.jsonl");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"quote\":\"", "\"quote\":\"y", 1)).unwrap();
        let t = root.join("transcripts/t0001.txt");
        let mut text = std::fs::read_to_string(&t).unwrap();
        text.push_str("P01: one more line.\n");
        std::fs::write(&t, text).unwrap();
        let edited = outputs(root, false);
        assert_ne!(edited[0], fresh[0], "seed {seed}: check sees the edit");
        assert_eq!(outputs(root, true), edited, "seed {seed}, after an edit");

        // A cache that is garbage, or cut short, is recomputed, not trusted.
        let dir_of_cache = root.join(".git/concord");
        for (k, entry) in std::fs::read_dir(&dir_of_cache).unwrap().enumerate() {
            let p = entry.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            let broken = if k % 2 == 0 {
                bytes[..bytes.len() / 2].to_vec()
            } else {
                let mut b = bytes.clone();
                let n = b.len();
                b[n - 3..].copy_from_slice(b"\xc1\xc1\xc1");
                b
            };
            std::fs::write(&p, broken).unwrap();
        }
        assert_eq!(outputs(root, true), edited, "seed {seed}, corrupt cache");
    }
}

/// The problems of the study at `root` through the cache, and what was read.
fn problems(root: &Path) -> (Vec<Problem>, FileReads) {
    let reads = FileReads::default();
    let study = Opened::open(root, &reads).unwrap();
    assert!(study.caches(), "a study in git is cached");
    let problems = study.derived("problems", |l| l.problems.clone());
    (problems, reads)
}

#[test]
fn a_second_run_on_an_unchanged_study_reads_no_transcript() {
    let dir = generated(4);
    let (first, reads) = problems(dir.path());
    assert!(reads.transcripts() > 0, "the first run reads the study");
    let (second, reads) = problems(dir.path());
    assert_eq!(second, first);
    assert_eq!(reads.transcripts(), 0, "the second run reads no transcript");
    assert_eq!(reads.others(), 0, "nor any other study file");

    // An edit the index does not know of is seen, and its file read.
    let t = dir.path().join("transcripts/t0001.txt");
    std::fs::write(&t, "MOD: all new.\n").unwrap();
    let (edited, reads) = problems(dir.path());
    assert!(reads.transcripts() >= 1);
    assert!(
        edited.len() > first.len(),
        "the codings of the rewritten transcript no longer fit it"
    );
    let (again, reads) = problems(dir.path());
    assert_eq!(again, edited);
    // Only the edited file is read (to hash it): the others are vouched
    // for by the index.
    assert_eq!(reads.transcripts(), 1);
    assert_eq!(reads.others(), 0);
}

#[test]
fn the_trend_keeps_its_figures_for_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = run_in(dir.path(), &["demo", "--path", demo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let trend = |cache: bool| {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = concord(home.path());
        if !cache {
            cmd.env("CONCORD_NO_CACHE", "1");
        }
        let out = cmd
            .args(["agreement", "--trend", "--json"])
            .current_dir(&demo)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let fresh = trend(false);
    assert!(fresh.contains("cohen_kappa"), "{fresh}");
    assert_eq!(trend(true), fresh);
    assert!(demo.join(".git/concord/trend.bin").exists());
    assert_eq!(trend(true), fresh, "from the kept figures");
}
