//! `concord sync` between real clones through a real remote: a bare
//! repository reached over file:// and through a real OpenSSH server on
//! loopback (skipped, with the reason, only where sshd cannot be had).
//! Two reviewers and a coder; failures of the transport and of the remote;
//! a sync killed at random points.

mod common;
#[path = "common/sshd.rs"]
mod sshd;
#[path = "common/team.rs"]
mod team;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{stderr, stdout};
use concord::align::ReviewUnit;
use concord::review::Standing;
use serde_json::Value;
use team::{Member, Server};

/// Units that still need a reviewer, in study order.
fn open_units(m: &Member) -> Vec<ReviewUnit> {
    m.units()
        .into_iter()
        .filter(|(_, s)| *s == Standing::Open)
        .map(|(u, _)| u)
        .collect()
}

/// The units `concord units --class <class> --json` lists in `m`'s clone.
fn units_of_class(m: &Member, class: &str) -> Vec<Value> {
    let out = m.concord(&[
        "units",
        m.root.to_str().unwrap(),
        "--class",
        class,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str::<Vec<Value>>(&stdout(&out)).unwrap()
}

/// Two reviewers and a coder, each with a clone of `url`; each syncs in
/// turn, twice round; every clone ends with every decision, the unit both
/// reviewers decided is a conflict, the recoded unit is stale.
fn three_clones(url: &str, mut ann: Member, mut ben: Member, coder: Member, server: &Server) {
    for m in [&ann, &ben, &coder] {
        m.clone_from(url);
    }
    let before = server.decision_ids();
    let open = open_units(&ann);
    assert!(open.len() > 6, "the demo has open units");
    let shared = &open[0];
    let ann_only = &open[1];
    let ben_only = &open[2];
    // The unit the coder recodes: one with a coder-b excerpt that Ann decides.
    let recoded = open[3..]
        .iter()
        .find(|u| u.excerpts.iter().any(|e| e.coder == "coder-b"))
        .unwrap();
    let mut decided = vec![
        ann.decide(ann_only),
        ann.decide(shared),
        ann.decide(recoded),
        ben.decide(ben_only),
        ben.decide(shared),
    ];
    // The coder recodes the passage: the excerpt is replaced by a new coding.
    let coding = &recoded
        .excerpts
        .iter()
        .find(|e| e.coder == "coder-b")
        .unwrap()
        .coding;
    let file = coder
        .root
        .join(format!("codings/coder-b/{}.jsonl", recoded.transcript));
    let text = std::fs::read_to_string(&file).unwrap();
    let new_id = format!("{coding}9");
    let recoded_text = text.replace(
        &format!("\"id\":\"{coding}\""),
        &format!("\"id\":\"{new_id}\""),
    );
    assert_ne!(text, recoded_text);
    std::fs::write(&file, recoded_text).unwrap();
    coder.git(&["commit", "-qam", "Recode a passage (coder B)"]);

    let first = ann.sync_ok();
    assert!(first.contains("3 decisions of yours out"), "{first}");
    let second = ben.sync_ok();
    assert!(
        second.contains("3 decisions by Ann Reviewer in, 2 of yours out"),
        "{second}"
    );
    assert!(second.contains("1 decision conflict to settle"), "{second}");
    let third = coder.sync_ok();
    assert!(
        third.contains("3 decisions by Ann Reviewer and 2 by Ben Reviewer in"),
        "{third}"
    );
    let again = ann.sync_ok();
    assert!(again.contains("2 decisions by Ben Reviewer in"), "{again}");
    assert!(again.contains("Tom Becker recoded"), "{again}");
    assert!(again.contains("(1 unit now stale)"), "{again}");
    assert!(again.contains("1 decision conflict to settle"), "{again}");
    let last = ben.sync_ok();
    assert!(last.contains("Tom Becker recoded"), "{last}");
    coder.sync_ok();

    decided.extend(before);
    decided.sort();
    for m in [&ann, &ben, &coder] {
        assert_eq!(m.decision_ids(), decided, "{} lacks decisions", m.name);
        let conflicts = units_of_class(m, "conflict");
        assert_eq!(conflicts.len(), 1, "{}: {conflicts:?}", m.name);
        assert_eq!(conflicts[0]["id"], shared.id.as_str());
        let reviewers: BTreeSet<&str> = conflicts[0]["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["reviewer"].as_str().unwrap())
            .collect();
        assert_eq!(
            reviewers,
            BTreeSet::from([ann.person().as_str(), ben.person().as_str()])
        );
        let stale = units_of_class(m, "stale");
        assert!(
            stale.iter().any(|u| u["excerpts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["coding"] == new_id.as_str())),
            "{}: the recoded unit is not stale: {stale:?}",
            m.name
        );
        // Per reviewer: Ann's recoded unit went stale, so one decided each, one conflict each.
        let status = m.concord(&["status", m.root.to_str().unwrap(), "--json"]);
        let status: Value = serde_json::from_str(&stdout(&status)).unwrap();
        let reviewers: Vec<(String, u64, u64, bool)> = status["reviewers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["decided"].as_u64().unwrap(),
                    r["conflict"].as_u64().unwrap(),
                    r["listed"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            reviewers,
            [
                ("Ann Reviewer".into(), 1, 1, true),
                ("Cleo Reviewer".into(), 0, 0, true),
                ("Ben Reviewer".into(), 1, 1, false),
            ],
            "{}",
            m.name
        );
        let coder_b = status["review_by_coder"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "coder-b")
            .unwrap()
            .clone();
        assert!(
            coder_b["conflict"].as_u64().unwrap() <= 1 && coder_b["open"].as_u64().unwrap() > 0
        );
        let check = m.concord(&["check", m.root.to_str().unwrap()]);
        assert!(
            stderr(&check).contains("1 decision conflict"),
            "{}",
            stderr(&check)
        );
        m.assert_sound();
        assert_eq!(
            m.tip(),
            server.tip(),
            "{} is not at the server's tip",
            m.name
        );
    }
    assert_eq!(server.decision_ids(), decided);
    server.fsck();
}

#[test]
fn three_clones_over_a_file_remote() {
    let server = Server::with_demo();
    let url = server.file_url();
    three_clones(
        &url,
        Member::new("Ann Reviewer", ""),
        Member::new("Ben Reviewer", ""),
        Member::new("Tom Becker", ""),
        &server,
    );
}

#[test]
fn three_clones_over_a_real_ssh_server() {
    let Some(sshd) = sshd::Sshd::start() else {
        return;
    };
    let server = Server::with_demo();
    let members = ["Ann Reviewer", "Ben Reviewer", "Tom Becker"].map(|n| {
        let m = Member::new(n, "");
        m.gitconfig(&sshd.client(m.home.path(), "user_key", true, sshd.port));
        m
    });
    let [ann, ben, coder] = members;
    three_clones(&sshd.url(&server.bare), ann, ben, coder, &server);
}

/// Sync must fail with exit 2, a message containing each of `words`, and
/// leave the branch where it was.
fn fails_cleanly(m: &Member, words: &[&str]) {
    let before = m.tip();
    let out = m.sync();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}{err}", stdout(&out));
    for w in words {
        assert!(err.contains(w), "expected {w:?} in: {err}");
    }
    assert_eq!(m.tip(), before, "the branch moved");
    m.assert_sound();
}

#[test]
fn ssh_failures_are_clear_and_change_nothing() {
    let Some(sshd) = sshd::Sshd::start() else {
        return;
    };
    let server = Server::with_demo();
    let mut ann = Member::new("Ann Reviewer", "");
    ann.gitconfig(&sshd.client(ann.home.path(), "user_key", true, sshd.port));
    ann.clone_from(&sshd.url(&server.bare));
    let unit = open_units(&ann)[0].clone();
    let id = ann.decide(&unit);
    let server_tip = server.tip();

    // A server whose host key is not in known_hosts.
    sshd.client(ann.home.path(), "user_key", false, sshd.port);
    fails_cleanly(
        &ann,
        &["host key is not known", "known_hosts", "never accepts"],
    );
    // A key the server does not have in authorized_keys.
    sshd.client(ann.home.path(), "stranger_key", true, sshd.port);
    fails_cleanly(&ann, &["refused your key"]);
    // Nothing listening.
    sshd.client(ann.home.path(), "user_key", true, sshd::free_port());
    fails_cleanly(&ann, &["cannot reach", "Connection refused"]);
    assert_eq!(server.tip(), server_tip, "something reached the server");

    // Set right again: the decision goes out with the next sync.
    sshd.client(ann.home.path(), "user_key", true, sshd.port);
    let said = ann.sync_ok();
    assert!(said.contains("1 decision of yours out"), "{said}");
    assert!(server.decision_ids().contains(&id));
}

#[test]
fn a_remote_that_rejects_the_push_changes_nothing_here() {
    let server = Server::with_demo();
    let mut ann = Member::new("Ann Reviewer", "");
    ann.clone_from(&server.file_url());
    let unit = open_units(&ann)[0].clone();
    ann.decide(&unit);
    let hook = server.bare.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'the study is frozen for the audit' >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server_tip = server.tip();
    fails_cleanly(
        &ann,
        &[
            "refused the push",
            "pre-receive hook declined",
            "frozen for the audit",
        ],
    );
    assert_eq!(server.tip(), server_tip);
}

#[test]
fn a_codings_file_changed_on_both_sides_stops_the_sync() {
    let server = Server::with_demo();
    let ann = Member::new("Ann Reviewer", "");
    let tom = Member::new("Tom Becker", "");
    ann.clone_from(&server.file_url());
    tom.clone_from(&server.file_url());
    let file = "codings/coder-b/fg1.jsonl";
    for (m, memo) in [(&ann, "ann's memo"), (&tom, "tom's memo")] {
        let path = m.root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen("\"memo\":\"\"", &format!("\"memo\":\"{memo}\""), 1);
        std::fs::write(&path, edited).unwrap();
        m.git(&["commit", "-qam", memo]);
    }
    tom.sync_ok();
    fails_cleanly(
        &ann,
        &[
            file,
            "changed both here and on origin/main",
            "git merge origin/main",
        ],
    );
    // Her commit is still hers, not pushed.
    assert!(
        ann.git(&["log", "-1", "--format=%s"])
            .contains("ann's memo")
    );
}

#[test]
fn uncommitted_changes_are_not_synced_over() {
    let server = Server::with_demo();
    let ann = Member::new("Ann Reviewer", "");
    ann.clone_from(&server.file_url());
    let path = ann.root.join("concord.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("# a note\n");
    std::fs::write(&path, &text).unwrap();
    let before = ann.tip();
    let out = ann.sync();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("uncommitted changes in concord.toml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(ann.tip(), before);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "the edit was lost"
    );
}

/// A small deterministic generator for the kill points.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Whether any process of the group is still running (zombies, which
/// nobody may reap in a container, do not count).
fn group_alive(pgid: u32) -> bool {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return false;
    };
    procs.flatten().any(|p| {
        let Ok(stat) = std::fs::read_to_string(p.path().join("stat")) else {
            return false;
        };
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return false;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string()
    })
}

#[test]
fn a_sync_killed_at_random_points_loses_nothing() {
    use std::os::unix::process::CommandExt;
    let server = Server::with_demo();
    let mut ann = Member::new("Ann Reviewer", "");
    let mut ben = Member::new("Ben Reviewer", "");
    ann.clone_from(&server.file_url());
    ben.clone_from(&server.file_url());
    let open = open_units(&ann);
    // How long a whole sync takes here: the kill points fall inside it.
    let started = Instant::now();
    ann.sync_ok();
    let span = (started.elapsed().as_millis() as u64).max(20) * 2;
    let mut rng = Lcg(0x5eed_0010);
    let mut made = Vec::new();
    let mut interrupted = 0;
    const RUNS: usize = 20;
    for run in 0..RUNS {
        // Something to send on every run, and something to receive on every other.
        made.push(ann.decide(&open[2 * run]));
        if run % 2 == 0 {
            made.push(ben.decide(&open[2 * run + 1]));
            ben.sync_ok();
        }
        let mut child = common::concord(ann.home.path())
            .args(["sync", ann.root.to_str().unwrap()])
            .current_dir(ann.home.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = child.id();
        std::thread::sleep(Duration::from_millis(rng.below(span)));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        let _ = child.kill(); // SIGKILL: concord only; a git it started runs to its end
        let _ = child.wait();
        let deadline = Instant::now() + Duration::from_secs(30);
        while group_alive(pgid) {
            assert!(
                Instant::now() < deadline,
                "run {run}: git children did not finish"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        ann.git(&["fsck", "--strict", "--no-progress"]);
        // Nothing decided is lost: every decision is in her log or on the server.
        let mut have: BTreeSet<String> = ann.decision_ids().into_iter().collect();
        have.extend(server.decision_ids());
        for id in &made {
            assert!(have.contains(id), "run {run}: {id} is lost");
        }
        // The next sync completes.
        ann.sync_ok();
        ann.assert_sound();
    }
    let on_server: BTreeSet<String> = server.decision_ids().into_iter().collect();
    for id in &made {
        assert!(on_server.contains(id), "{id} did not reach the server");
    }
    assert_eq!(ann.tip(), server.tip());
    server.fsck();
    // The kill points fell inside syncs, not only after them.
    assert!(
        interrupted >= 3,
        "only {interrupted} of {RUNS} syncs were interrupted"
    );
    eprintln!("{interrupted} of {RUNS} syncs killed while running (seed 0x5eed0010)");
}
