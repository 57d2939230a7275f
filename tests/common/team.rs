//! A team around one remote: a bare repository holding the demo study,
//! and members' clones, each with a HOME and git identity of its own.
//! Decisions are written through the library's recorder (the same commit
//! the review screen makes); the binary does clone and sync.
//!
//! Include it with `#[path = "common/team.rs"] mod team;` (after `mod common;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use concord::align::{ReviewUnit, review_units};
use concord::repo::git::Person;
use concord::repo::read::read_study;
use concord::repo::record::record_decisions;
use concord::review::{Choice, Standing, decision_for, standings};
use tempfile::TempDir;

/// git with no system or user configuration but `home`'s.
pub fn git_in(home: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    cmd
}

/// Run git and return its stdout; the test fails if git does.
pub fn git_ok(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = git_in(home, dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The server side: a bare repository with the demo study in it.
pub struct Server {
    _dir: TempDir,
    pub bare: PathBuf,
    home: TempDir,
}

impl Server {
    pub fn with_demo() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let work = dir.path().join("first");
        let out = super::common::concord(home.path())
            .args(["demo", "--path"])
            .arg(&work)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", super::common::stderr(&out));
        // The team lists its reviewers (one has not decided anything yet).
        let manifest = work.join("concord.toml");
        let mut text = std::fs::read_to_string(&manifest).unwrap();
        text.push_str("\n[[reviewer]]\nname = \"Ann Reviewer\"\nemail = \"ann.reviewer@example.org\"\n\n[[reviewer]]\nname = \"Cleo Reviewer\"\n");
        std::fs::write(&manifest, text).unwrap();
        let who = ["-c", "user.name=PI", "-c", "user.email=pi@example.org"];
        git_ok(
            home.path(),
            &work,
            &[&who[..], &["commit", "-qam", "List the reviewers"]].concat(),
        );
        let bare = dir.path().join("study.git");
        git_ok(
            home.path(),
            dir.path(),
            &["clone", "--quiet", "--bare", "first", "study.git"],
        );
        Server {
            _dir: dir,
            bare,
            home,
        }
    }

    pub fn file_url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// The branch tip on the server.
    pub fn tip(&self) -> String {
        git_ok(self.home.path(), &self.bare, &["rev-parse", "main"])
            .trim()
            .to_string()
    }

    /// `git fsck` of the server's repository is clean.
    pub fn fsck(&self) {
        git_ok(
            self.home.path(),
            &self.bare,
            &["fsck", "--strict", "--no-progress"],
        );
    }

    /// The decision ids in the server's logs at `main` (read in-process).
    pub fn decision_ids(&self) -> Vec<String> {
        let repo = git2::Repository::open_bare(&self.bare).unwrap();
        let tree = repo
            .revparse_single("main")
            .unwrap()
            .peel_to_tree()
            .unwrap();
        let mut ids = Vec::new();
        if let Ok(entry) = tree.get_path(Path::new("decisions")) {
            let dir = repo.find_tree(entry.id()).unwrap();
            for e in dir.iter() {
                if e.name().is_ok_and(|n| n.ends_with(".jsonl")) {
                    let blob = repo.find_blob(e.id()).unwrap();
                    ids.extend(ids_in(&String::from_utf8_lossy(blob.content())));
                }
            }
        }
        ids.sort();
        ids
    }
}

/// The ids of the decision lines in a log's text.
pub fn ids_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect()
}

/// A team member: a HOME with their git identity, and their clone.
pub struct Member {
    pub name: String,
    pub email: String,
    pub home: TempDir,
    pub root: PathBuf,
    made: u32,
}

impl Member {
    /// A HOME for `name` (git identity set), not cloned yet. `extra` is
    /// appended to their ~/.gitconfig (an ssh command, say).
    pub fn new(name: &str, extra: &str) -> Member {
        let home = tempfile::tempdir().unwrap();
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        std::fs::write(
            home.path().join(".gitconfig"),
            format!("[user]\n\tname = {name}\n\temail = {email}\n{extra}"),
        )
        .unwrap();
        let root = home.path().join("study");
        Member {
            name: name.into(),
            email,
            home,
            root,
            made: 0,
        }
    }

    /// Append to their ~/.gitconfig.
    pub fn gitconfig(&self, extra: &str) {
        let path = self.home.path().join(".gitconfig");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(extra);
        std::fs::write(path, text).unwrap();
    }

    pub fn person(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }

    /// concord with this member's HOME, in their HOME.
    pub fn concord(&self, args: &[&str]) -> Output {
        super::common::concord(self.home.path())
            .args(args)
            .current_dir(self.home.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// `concord clone URL study`; the test fails if it does.
    pub fn clone_from(&self, url: &str) {
        let out = self.concord(&["clone", url, "study"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "clone: {}{}",
            super::common::stdout(&out),
            super::common::stderr(&out)
        );
    }

    /// `concord sync study` (and `--json` output parsed when asked).
    pub fn sync(&self) -> Output {
        self.concord(&["sync", self.root.to_str().unwrap()])
    }

    /// Sync, which must succeed; its sentence.
    pub fn sync_ok(&self) -> String {
        let out = self.sync();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{} could not sync: {}",
            self.name,
            super::common::stderr(&out)
        );
        super::common::stdout(&out)
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_ok(self.home.path(), &self.root, args)
    }

    pub fn tip(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// The review units of their clone as it is now, with their standings.
    pub fn units(&self) -> Vec<(ReviewUnit, Standing)> {
        let files = read_study(&self.root).unwrap();
        let loaded = concord::study::check(&files);
        let units = review_units(&loaded.study);
        let by_id = standings(&units, &loaded.study.decisions);
        units
            .into_iter()
            .map(|u| {
                let s = by_id[u.id.as_str()].clone();
                (u, s)
            })
            .collect()
    }

    /// Decide `unit` (reject, with a note) and commit it, as the review
    /// screen does; the decision's id.
    pub fn decide(&mut self, unit: &ReviewUnit) -> String {
        self.made += 1;
        let id = format!(
            "d-{}-{}",
            self.name.to_lowercase().replace(' ', "-"),
            self.made
        );
        let d = decision_for(
            unit,
            &Choice::Reject,
            id.clone(),
            self.person(),
            format!("2026-12-02T01:{:02}:00Z", self.made % 60),
            format!("{} thinks nothing is coded here", self.name),
        );
        let who = Person::new(self.name.clone(), self.email.clone());
        record_decisions(
            &self.root,
            &unit.transcript,
            &[d],
            &who,
            &format!("{} {}: reject", unit.transcript, unit.id),
        )
        .unwrap();
        id
    }

    /// Every decision id in their clone's logs (working tree).
    pub fn decision_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        if let Ok(dir) = std::fs::read_dir(self.root.join("decisions")) {
            for e in dir.flatten() {
                if e.path().extension().is_some_and(|x| x == "jsonl") {
                    ids.extend(ids_in(&std::fs::read_to_string(e.path()).unwrap()));
                }
            }
        }
        ids.sort();
        ids
    }

    /// The repository is sound and nothing is left uncommitted.
    pub fn assert_sound(&self) {
        self.git(&["fsck", "--strict", "--no-progress"]);
        let status = self.git(&["status", "--porcelain", "--untracked-files=no"]);
        assert!(
            status.is_empty(),
            "{}'s clone is not clean:\n{status}",
            self.name
        );
    }
}
