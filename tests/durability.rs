//! Nothing acknowledged is lost: the real binary deciding, killed with
//! SIGKILL at seeded random moments, and four processes deciding on one
//! repository at once.
//!
//! `CONCORD_KILL_RUNS` (default 25) and `CONCORD_KILL_SEED` set the kill
//! test's size and seed; `tests/soak/kill.sh` runs it 1,000 times.

mod common;
#[path = "common/kill.rs"]
mod kill;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use kill::*;

const ME: &str = "Kim Killtest <kim@example.org>";

fn concord_in(root: &Path, home: &Path, args: &[&str]) -> Command {
    let mut cmd = concord(home);
    cmd.args(args).current_dir(root);
    cmd
}

fn open_units(root: &Path) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let out = concord_in(root, home.path(), &["units", "--open"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

fn decide_cmd(root: &Path, home: &Path, unit: &str) -> Command {
    let mut cmd = concord_in(
        root,
        home,
        &["decide", unit, "--union", "--json", "--reviewer", ME],
    );
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The id of the decision an acknowledged `decide` printed.
fn acknowledged(out: &Output) -> String {
    let v: serde_json::Value = serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("decide printed no JSON ({e}): {}", stdout(out)));
    v["decisions"][0]["id"].as_str().unwrap().to_string()
}

/// Every decision line at the branch tip, by id: its unit and whether it is a revert.
fn committed_lines(root: &Path) -> Vec<(String, String)> {
    let repo = git2::Repository::open(root).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let Ok(entry) = tree.get_path(Path::new("decisions")) else {
        return Vec::new();
    };
    let dir = repo.find_tree(entry.id()).unwrap();
    let mut lines = Vec::new();
    for e in dir.iter() {
        let blob = repo.find_blob(e.id()).unwrap();
        for line in std::str::from_utf8(blob.content()).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("a committed line is not JSON ({err}): {line}"));
            assert_ne!(v["action"], "revert", "nobody undid anything here");
            lines.push((
                v["id"].as_str().unwrap().to_string(),
                v["unit"].as_str().unwrap().to_string(),
            ));
        }
    }
    lines
}

#[test]
fn decisions_acknowledged_before_a_kill_are_all_in_git_and_the_next_start_is_clean() {
    let runs: usize = std::env::var("CONCORD_KILL_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25);
    let seed: u64 = std::env::var("CONCORD_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let (_dir, root) = generated((runs / 40).clamp(3, 60));
    let home = tempfile::tempdir().unwrap();
    let mut units = open_units(&root).into_iter();
    let mut rng = Rng(seed | 1);

    // How long one decision takes here, uncontended: the kill moments are drawn from it.
    let first = units.next().unwrap();
    let t0 = Instant::now();
    let out = decide_cmd(&root, home.path(), &first).output().unwrap();
    let took = t0.elapsed().max(Duration::from_millis(5));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut acked = vec![acknowledged(&out)];

    let mut repaired = BTreeMap::<String, usize>::new();
    let mut killed = 0;
    for _ in 0..runs {
        // Half the kills anywhere in a decision's life, half near its end,
        // where the commit and the working-file write are.
        let micros = took.as_micros() as u64;
        let at = if rng.below(2) == 0 {
            rng.below(micros * 12 / 10)
        } else {
            micros * 6 / 10 + rng.below(micros / 2)
        };
        let deadline = Instant::now() + Duration::from_micros(at);
        // Decide one unit after another until the moment comes.
        for unit in units.by_ref() {
            let child = decide_cmd(&root, home.path(), &unit).spawn().unwrap();
            match run_until(child, deadline) {
                Some(out) => {
                    let said = stderr(&out);
                    assert_eq!(
                        out.status.code(),
                        Some(0),
                        "a decision after a kill was refused: {said}"
                    );
                    for line in said.lines().filter(|l| l.starts_with("concord: ")) {
                        let kind = if line.contains("had not reached") {
                            "working log behind the branch"
                        } else if line.contains("index was behind") {
                            "index behind the branch"
                        } else if line.contains("finished recording") {
                            "finished an interrupted commit"
                        } else if line.contains("put back") {
                            "put back"
                        } else if line.contains(".lock: removed") {
                            "stale git lock removed"
                        } else if line.contains("temporary file") {
                            "temporary file removed"
                        } else {
                            line
                        };
                        *repaired.entry(kind.to_string()).or_default() += 1;
                    }
                    acked.push(acknowledged(&out));
                }
                None => {
                    killed += 1;
                    break;
                }
            }
        }
    }
    // The next start after the last kill.
    if let Some(unit) = units.next() {
        let out = decide_cmd(&root, home.path(), &unit).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        acked.push(acknowledged(&out));
    }
    let in_git: BTreeSet<String> = committed_lines(&root)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !in_git.contains(*id)).collect();
    eprintln!(
        "kill test: seed {seed:#x}, {runs} runs, {killed} killed mid-decision, {} acknowledged, {} in git, repaired at the next start: {repaired:?}",
        acked.len(),
        in_git.len()
    );
    assert!(lost.is_empty(), "acknowledged but not in git: {lost:?}");
    assert!(
        killed > runs / 2,
        "most runs should end in a kill ({killed} of {runs})"
    );
    git_status_clean(&root).unwrap();
    fsck(&root);
    study_checks_clean(&root);
}

#[test]
fn four_processes_deciding_at_once_lose_nothing_and_never_both_win_a_unit() {
    const WORKERS: usize = 4;
    const EACH: usize = 250;
    const CONTESTED: usize = 40;
    let (_dir, root) = generated(20);
    let units = open_units(&root);
    assert!(
        units.len() >= CONTESTED + WORKERS * EACH,
        "the generated study has {} open units",
        units.len()
    );
    let contested: Vec<String> = units[..CONTESTED].to_vec();
    let started = Instant::now();
    let handles: Vec<_> = (0..WORKERS)
        .map(|w| {
            let root = root.clone();
            let private: Vec<String> =
                units[CONTESTED + w * EACH..CONTESTED + (w + 1) * EACH].to_vec();
            // Every worker tries every contested unit, each in its own order.
            let mut mine: Vec<String> = contested.clone();
            mine.rotate_left(w * CONTESTED / WORKERS);
            std::thread::spawn(move || {
                let home = tempfile::tempdir().unwrap();
                let mut acked: Vec<(String, String)> = Vec::new();
                let mut lost_races: Vec<(String, String)> = Vec::new();
                let mut private = private.into_iter();
                let mut contested = mine.into_iter();
                let mut step = 0;
                while acked.len() < EACH {
                    step += 1;
                    let unit = if step % 5 == 0 {
                        contested.next().or_else(|| private.next())
                    } else {
                        private.next().or_else(|| contested.next())
                    };
                    let Some(unit) = unit else { break };
                    let out = decide_cmd(&root, home.path(), &unit).output().unwrap();
                    match out.status.code() {
                        Some(0) => acked.push((acknowledged(&out), unit)),
                        Some(1) => lost_races.push((unit, stderr(&out))),
                        other => panic!("decide {unit} exited {other:?}: {}", stderr(&out)),
                    }
                }
                (acked, lost_races)
            })
        })
        .collect();
    let mut acked = Vec::new();
    let mut lost_races = Vec::new();
    for h in handles {
        let (a, l) = h.join().unwrap();
        acked.extend(a);
        lost_races.extend(l);
    }
    eprintln!(
        "concurrency test: {} acknowledged, {} refused to the loser, in {:.1?}",
        acked.len(),
        lost_races.len(),
        started.elapsed()
    );
    assert_eq!(acked.len(), WORKERS * EACH);
    for (unit, said) in &lost_races {
        assert!(
            contested.contains(unit),
            "only contested units are refused: {unit}: {said}"
        );
        assert!(
            said.contains("already decided") || said.contains("decided meanwhile"),
            "the loser is told: {said}"
        );
    }
    assert!(
        !lost_races.is_empty(),
        "contested units were tried by every worker"
    );
    let lines = committed_lines(&root);
    let in_git: BTreeSet<&str> = lines.iter().map(|(id, _)| id.as_str()).collect();
    let acked_ids: BTreeSet<&str> = acked.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        lines.len(),
        WORKERS * EACH,
        "one line per acknowledged decision"
    );
    assert_eq!(
        in_git, acked_ids,
        "exactly the acknowledged decisions are in git"
    );
    let mut per_unit = BTreeMap::<&str, usize>::new();
    for (_, unit) in &lines {
        *per_unit.entry(unit.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = per_unit.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "units with two live decisions: {twice:?}");
    for c in &contested {
        assert_eq!(per_unit.get(c.as_str()), Some(&1), "{c} decided once");
    }
    git_status_clean(&root).unwrap();
    study_checks_clean(&root);
}
