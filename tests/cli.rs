//! The commands that make studies: `init` and `demo`, and the help text.

mod common;

use common::*;

#[test]
fn init_scaffolds_an_empty_study_in_a_new_repository() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("my-study");
    let out = run_in(dir.path(), &["init", "my-study"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for folder in ["codebook", "transcripts", "codings", "decisions"] {
        assert!(target.join(folder).is_dir(), "{folder}/ missing");
    }
    let attributes = std::fs::read_to_string(target.join(".gitattributes")).unwrap();
    assert!(attributes.contains("decisions/*.jsonl merge=union"));
    assert!(target.join(".git").is_dir(), "git init was not run");
    let manifest = std::fs::read_to_string(target.join("concord.toml")).unwrap();
    assert!(manifest.contains("name = \"my-study\""), "{manifest}");
    // The scaffold is a valid (empty) study.
    let out = run_in(&target, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn init_inside_a_repository_does_not_make_another() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    let out = run_in(dir.path(), &["init", "studies/one"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!dir.path().join("studies/one/.git").exists());
    assert!(dir.path().join("studies/one/concord.toml").is_file());
}

#[test]
fn init_refuses_to_overwrite_a_study() {
    let dir = study(&valid_files());
    let before = std::fs::read(dir.path().join("concord.toml")).unwrap();
    let out = run_in(dir.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already holds a study"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(dir.path().join("concord.toml")).unwrap(),
        before
    );
}

#[test]
fn demo_makes_a_repository_that_tells_the_story() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("demo");
    let out = run_in(dir.path(), &["demo", "--path", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "demo");

    let repo = git2::Repository::open(&target).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let commits: Vec<git2::Commit> = walk
        .map(|id| repo.find_commit(id.unwrap()).unwrap())
        .collect();
    assert!(commits.len() >= 4, "{} commits", commits.len());
    let authors: std::collections::BTreeSet<String> = commits
        .iter()
        .map(|c| c.author().name().unwrap().to_string())
        .collect();
    assert!(authors.len() >= 3, "{authors:?}");
    // The newest commit revises a definition of the codebook.
    let newest = &commits[0];
    let diff = repo
        .diff_tree_to_tree(
            Some(&newest.parent(0).unwrap().tree().unwrap()),
            Some(&newest.tree().unwrap()),
            None,
        )
        .unwrap();
    let changed: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|p| p.starts_with("codebook/")),
        "{changed:?}"
    );
    // Clean: nothing left uncommitted, and the study checks.
    assert!(repo.statuses(None).unwrap().is_empty());
    let out = run_in(&target, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn demo_without_a_path_uses_a_new_temporary_folder() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = concord(home.path())
        .args(["demo"])
        .env("TMPDIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = std::path::PathBuf::from(stdout(&out).trim());
    assert!(path.starts_with(dir.path()), "{}", path.display());
    assert!(path.join("concord.toml").is_file());
}

#[test]
fn demo_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn help_names_every_command() {
    let out = run_in(std::path::Path::new("."), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for cmd in ["check", "status", "init", "demo"] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
    let out = run_in(std::path::Path::new("."), &["check", "--help"]);
    assert!(stdout(&out).contains("file:line:column"));
}

#[test]
fn completions_and_man_page_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    // Every command `--help` lists (the first word of each line of its
    // "Commands:" section that is not a continuation).
    let help = stdout(&run_in(dir.path(), &["--help"]));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 20, "{commands:?}");
    for shell in ["bash", "zsh", "fish"] {
        let out = run_in(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let script = stdout(&out);
        for word in commands.iter().copied().chain(["--transcript"]) {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let out = run_in(dir.path(), &["completions", "cmd.exe"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run_in(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH concord"),
        "{page}"
    );
    for section in [".SH COMMANDS", ".SH FILES"] {
        assert!(page.contains(section), "no {section}");
    }
    for command in &commands {
        assert!(
            page.contains(&format!(".SS \"concord {command}\"")),
            "the man page has no section for {command}"
        );
    }
    assert!(
        page.contains("name, or its path"),
        "--code's help is missing"
    );
}
