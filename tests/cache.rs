//! The derived cache (`repo/cache.rs`): every command prints the same with
//! and without it, on seeded random studies, committed or with uncommitted
//! edits, and with a cache that is corrupt; and a second run on an
//! unchanged study reads no transcript.

mod common;

use std::path::Path;

use common::*;
use concord::repo::cache::Opened;
use concord::repo::read::FileReads;
use concord::review::standing::standings;
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
    commit_all(dir.path(), "study");
    dir
}

// The table before --json and after it: with three coders the table's
// pairs (character level) and --json's (every measure) are kept apart.
const COMMANDS: [&[&str]; 9] = [
    &["check"],
    &["status", "--json"],
    &["units", "--json"],
    &["units"],
    &["agreement"],
    &["agreement", "--json"],
    &["agreement", "--csv", "--code", "g1c1s1"],
    &["agreement", "--measure", "character", "--json"],
    &["agreement"],
];

/// (exit code, stdout, stderr) of every command.
fn outputs(root: &Path, cache: bool) -> Vec<(Option<i32>, String, String)> {
    outputs_of(root, &COMMANDS, cache)
}

fn outputs_of(
    root: &Path,
    commands: &[&[&str]],
    cache: bool,
) -> Vec<(Option<i32>, String, String)> {
    let home = tempfile::tempdir().unwrap();
    commands
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
        for (k, p) in cache_files(root).into_iter().enumerate() {
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

/// Every file of the derived cache of the study at `root` (its values and
/// the transcripts' parts).
fn cache_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.join(".git/concord")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Rewrite the study file `rel` and commit it, as a coder or the lead would.
fn commit_edit(root: &Path, rel: &str, edit: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "{rel} is changed");
    std::fs::write(&path, changed).unwrap();
    commit_all(root, "edit");
}

/// A code file of the study at `root`.
fn a_code_file(root: &Path) -> String {
    let mut found: Vec<String> = cache_files_under(&root.join("codebook"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(root).unwrap().to_str().unwrap().to_string())
        .collect();
    found.sort();
    found.remove(0)
}

fn cache_files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Decide the first open unit of the study at `root` (`action`: `--union`,
/// `--reject`), as a reviewer would with `concord decide`; its id.
fn decide_first_open(root: &Path, action: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let open = concord(home.path())
        .args(["units", "--open"])
        .current_dir(root)
        .output()
        .unwrap();
    let unit = stdout(&open).lines().next().unwrap().to_string();
    let out = concord(home.path())
        .args([
            "decide",
            &unit,
            action,
            "--reviewer",
            "Rev <rev@example.org>",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    unit
}

/// Between runs that keep the cache, one file changes at a time (a
/// decision recorded, one coder's codings, the codebook) and the cached
/// parts are made foreign or broken: every command still prints what it
/// prints without the cache.
#[test]
fn one_file_changed_between_runs_gives_the_same_output() {
    for seed in [1, 5] {
        let dir = generated(seed);
        let root = dir.path();
        let same = |what: &str| {
            let fresh = outputs(root, false);
            assert_eq!(outputs(root, true), fresh, "seed {seed}, {what}");
            fresh
        };
        same("first run");

        // A decision, recorded by `concord decide` (which reads the study
        // through the cache too).
        let before = same("before the decision");
        decide_first_open(root, "--union");
        let decided = same("after a decision");
        assert_ne!(
            decided[1], before[1],
            "seed {seed}: status counts the decision"
        );

        // One coder's codings of one transcript: a coding fewer.
        commit_edit(root, "codings/coder-a/t0001.jsonl", |t| {
            let mut lines: Vec<&str> = t.lines().collect();
            lines.pop();
            lines.iter().map(|l| format!("{l}\n")).collect()
        });
        let recoded = same("after one coder's codings changed");
        assert_ne!(recoded[2], decided[2], "seed {seed}: the units changed");

        // The codebook: a code renamed.
        let code = a_code_file(root);
        commit_edit(root, &code, |t| {
            t.replacen("name = \"", "name = \"Renamed ", 1)
        });
        same("after a codebook edit");

        // Parts from another version of concord, or cut short: the values
        // of the whole study are removed so the parts are read.
        let parts: Vec<_> = cache_files(root)
            .into_iter()
            .filter(|p| p.parent().unwrap().ends_with("parts"))
            .collect();
        assert!(!parts.is_empty(), "the transcripts' parts are kept");
        for (k, p) in parts.iter().enumerate() {
            let mut bytes = std::fs::read(p).unwrap();
            if k % 2 == 0 {
                // The version field follows the magic and the format number.
                let at = b"concord-cache\n".len() + 4 + 4;
                bytes[at] ^= 1;
            } else {
                bytes.truncate(bytes.len() - 7);
            }
            std::fs::write(p, bytes).unwrap();
        }
        for p in cache_files(root) {
            if !p.parent().unwrap().ends_with("parts") {
                std::fs::remove_file(p).unwrap();
            }
        }
        same("with foreign and broken parts");
    }
}

/// The study put together from the transcripts' parts is the study read
/// and checked whole, with the same units, problems and all: on random
/// studies, then with a coder folder the manifest does not list whose
/// codings repeat another coder's ids, a transcript not in UTF-8, and a
/// decision recorded (so the parts are reused).
#[test]
fn a_study_from_its_parts_is_the_study_checked_whole() {
    let compare = |root: &Path, what: &str| {
        let whole = concord::study::check(&concord::repo::read::read_study(root).unwrap());
        let units = concord::align::review_units(&whole.study);
        let reads = FileReads::default();
        let (loaded, from_parts) = Opened::open(root, &reads).unwrap().into_checked();
        assert_eq!(loaded.study, whole.study, "{what}");
        assert_eq!(loaded.problems, whole.problems, "{what}");
        assert_eq!(
            loaded.unreadable_transcripts, whole.unreadable_transcripts,
            "{what}"
        );
        assert_eq!(from_parts, units, "{what}");
        let reads = FileReads::default();
        let (study, from_parts) = Opened::open(root, &reads).unwrap().into_study_and_units();
        assert_eq!(study, whole.study, "{what}, for deciding");
        assert_eq!(from_parts, units, "{what}, for deciding");
        // One transcript's part, for deciding one of its units: the same
        // units, and each stands as it does in the whole study.
        let everywhere = standings(&units, &whole.study.decisions);
        for t in &whole.study.transcripts {
            let reads = FileReads::default();
            let opened = Opened::open(root, &reads).unwrap();
            let (one, of_t) = opened.study_of_one(&t.id).unwrap();
            let expected: Vec<_> = units
                .iter()
                .filter(|u| u.transcript == t.id)
                .cloned()
                .collect();
            assert_eq!(of_t, expected, "{what}: units of {}", t.id);
            assert_eq!(one.decisions, whole.study.decisions, "{what}");
            assert_eq!(one.transcript(&t.id), Some(t), "{what}");
            let here = standings(&of_t, &one.decisions);
            for u in &of_t {
                assert_eq!(
                    here.get(u.id.as_str()),
                    everywhere.get(u.id.as_str()),
                    "{what}: {}",
                    u.id
                );
            }
        }
    };
    for seed in 1..=6 {
        let dir = generated(seed);
        let root = dir.path();
        compare(root, &format!("seed {seed}"));
        compare(root, &format!("seed {seed}, again"));
        let a = std::fs::read_to_string(root.join("codings/coder-a/t0001.jsonl")).unwrap();
        std::fs::create_dir_all(root.join("codings/zed")).unwrap();
        std::fs::write(root.join("codings/zed/t0001.jsonl"), a).unwrap();
        std::fs::write(root.join("transcripts/t0002.txt"), b"caf\xe9\n").unwrap();
        commit_edit(root, "concord.toml", |t| format!("{t}\n"));
        compare(root, &format!("seed {seed}, odd files"));
        std::fs::create_dir_all(root.join("decisions")).unwrap();
        std::fs::write(root.join("decisions/t0001.jsonl"), "").unwrap();
        // A decision on a unit of t0001 as it is, one whose basis moved (stale)
        // and one on a unit that is not there.
        let whole = concord::study::check(&concord::repo::read::read_study(root).unwrap());
        let units = concord::align::review_units(&whole.study);
        let mut of_t = units.iter().filter(|u| u.transcript == "t0001");
        let line = |n: usize, unit: &str, basis: Vec<String>| {
            serde_json::json!({"id": format!("d{n}"), "unit": unit, "basis": basis,
                "action": "reject", "result": [], "reviewer": "R <r@e.org>",
                "at": "2026-01-01T00:00:00Z", "note": ""})
            .to_string()
        };
        let ids = |u: &concord::align::ReviewUnit| -> Vec<String> {
            u.excerpts.iter().map(|e| e.coding.to_string()).collect()
        };
        let mut log = String::new();
        if let Some(u) = of_t.next() {
            log += &format!("{}\n", line(1, &u.id, ids(u)));
        }
        if let Some(u) = of_t.next() {
            log += &format!("{}\n", line(2, &format!("{}x", u.id), ids(u)));
        }
        log += &format!("{}\n", line(3, "t0001:1-2:0000", vec![]));
        commit_edit(root, "decisions/t0001.jsonl", |_| log);
        compare(root, &format!("seed {seed}, a decision"));
    }
}

/// After one run, a run on a study where one coder's codings of one
/// transcript changed reads that transcript's files and the files of no
/// transcript (manifest, codebook, logs), and no other transcript's.
#[test]
fn a_run_after_one_transcripts_codings_changed_reads_only_its_files() {
    let dir = generated(6);
    let root = dir.path();
    let (first, reads) = problems(root);
    assert!(
        reads.transcripts() >= 2,
        "the first run reads every transcript"
    );
    commit_edit(root, "codings/coder-b/t0001.jsonl", |t| {
        t.replacen("\"quote\":\"", "\"quote\":\"z", 1)
    });
    let (second, reads) = problems(root);
    assert_eq!(second.len(), first.len() + 1, "the broken quote is found");
    let read = reads.paths();
    assert_eq!(reads.transcripts(), 1, "one transcript read: {read:?}");
    assert!(
        read.contains(&"transcripts/t0001.txt".to_string()),
        "{read:?}"
    );
    for p in &read {
        let of = concord::study::parts::part_of(p);
        assert!(
            of.is_none() || of.as_deref() == Some("t0001"),
            "{p} is another transcript's file"
        );
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

/// The commands that show the whole study, whose values are kept.
const WHOLE: [&[&str]; 6] = [
    &["check"],
    &["status", "--json"],
    &["units", "--json"],
    &["units"],
    &["agreement"],
    &["agreement", "--json"],
];

/// How many transcripts' parts the derived cache holds.
fn parts_made(parts: &Path) -> usize {
    std::fs::read_dir(parts).map_or(0, |d| d.count())
}

/// How many transcripts have a decision log: the listing after a decision
/// reads (or makes) their parts, and no other.
fn reviewed_transcripts(root: &Path) -> usize {
    std::fs::read_dir(root.join("decisions")).map_or(0, |d| d.count())
}

/// A decision, a broken decision line and a done mark change only the
/// review's files: the commands on the whole study then use what they kept
/// of the coded files (`repo/layered.rs`) and make no transcript's part
/// but those of the reviewed transcripts (where `units` finds the
/// standings), and print what they print without the cache. A second run
/// on an unchanged study uses the values it kept (it makes no part either).
#[test]
fn after_a_decision_the_commands_use_what_they_kept_of_the_coded_files() {
    for seed in [1, 2, 4] {
        let dir = generated(seed);
        let root = dir.path();
        let parts = root.join(".git/concord/parts");
        let fresh = outputs_of(root, &WHOLE, false);
        assert_eq!(
            outputs_of(root, &WHOLE, true),
            fresh,
            "seed {seed}, first run"
        );
        assert!(parts.exists(), "seed {seed}: the first run keeps the parts");

        std::fs::remove_dir_all(&parts).unwrap();
        assert_eq!(
            outputs_of(root, &WHOLE, true),
            fresh,
            "seed {seed}, second run"
        );
        assert!(
            !parts.exists(),
            "seed {seed}: a second run uses its kept values"
        );

        let unit = decide_first_open(root, "--union");
        let transcript = unit.split(':').next().unwrap();
        let log = root.join(format!("decisions/{transcript}.jsonl"));
        let line = std::fs::read_to_string(&log).unwrap();
        // Uncommitted: the same decision again (a duplicate id) with a
        // basis that names no coding, and a done mark of no transcript.
        let bad = line.lines().last().unwrap().replacen(
            "\"basis\":[",
            "\"basis\":[\"no-such-coding\",",
            1,
        );
        std::fs::write(&log, format!("{line}{bad}\n")).unwrap();
        std::fs::write(
            root.join("codings/coder-a/_done.jsonl"),
            "{\"transcript\":\"t0099\",\"at\":\"2026-11-23T10:04:00Z\",\"commit\":\"9c2e1b0\"}\n",
        )
        .unwrap();
        std::fs::remove_dir_all(&parts).ok();
        let reviewed = outputs_of(root, &WHOLE, false);
        assert!(
            reviewed[0].1.contains("no-such-coding") && reviewed[0].1.contains("t0099"),
            "seed {seed}: check names the broken lines: {}",
            reviewed[0].1
        );
        assert_ne!(
            reviewed[1], fresh[1],
            "seed {seed}: status counts the decision"
        );
        assert_eq!(
            outputs_of(root, &WHOLE, true),
            reviewed,
            "seed {seed}, after a decision"
        );
        assert!(
            parts_made(&parts) <= reviewed_transcripts(root),
            "seed {seed}: after a decision no part but a reviewed transcript's is made"
        );

        // The cache made afresh on a study that has decisions already,
        // then one more: the same again.
        std::fs::remove_dir_all(root.join(".git/concord")).unwrap();
        assert_eq!(
            outputs_of(root, &WHOLE, true),
            reviewed,
            "seed {seed}, refilled"
        );
        decide_first_open(root, "--reject");
        std::fs::remove_dir_all(&parts).ok();
        let again = outputs_of(root, &WHOLE, false);
        assert_eq!(
            outputs_of(root, &WHOLE, true),
            again,
            "seed {seed}, one more decision"
        );
        assert!(
            parts_made(&parts) <= reviewed_transcripts(root),
            "seed {seed}: after one more decision no part but a reviewed transcript's is made"
        );
    }
}
