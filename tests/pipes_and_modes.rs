//! How concord behaves as a citizen of the shell and of a shared server:
//! a reader that stops reading ends a command quietly (`concord units |
//! head -1`), and the files it writes can be read by the team as git's are.

mod common;

use std::path::Path;
use std::process::Stdio;

use common::*;

/// The demo study in a fresh folder.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

#[test]
fn every_command_ends_quietly_when_its_reader_is_gone() {
    let dir = demo();
    let study = dir.path().join("demo");
    for args in [
        &["units"][..],
        &["units", "--json"],
        &["agreement"],
        &["agreement", "--json"],
        &["status"],
        &["check"],
        &["history"],
        &["--help"],
    ] {
        // A pipe whose reading end is closed before concord writes a byte:
        // every write fails with EPIPE, at once and every time.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let home = tempfile::tempdir().unwrap();
        let out = concord(home.path())
            .args(args)
            .current_dir(&study)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        // `check` sums up on standard error, as it should; nothing else may be said.
        let said = stderr(&out).replace(".: no problems\n", "");
        assert_eq!(said, "", "{args:?} said something");
    }
}

/// JSON written to a full disk (`/dev/full`) is an error that says so,
/// not a silent truncation nor a panic.
#[test]
fn json_on_a_full_disk_is_an_error_naming_standard_output() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        println!("skipped: /dev/full is absent here");
        return;
    };
    let dir = demo();
    let home = tempfile::tempdir().unwrap();
    let out = concord(home.path())
        .args(["units", "--json"])
        .current_dir(dir.path().join("demo"))
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("standard output") && said.contains("No space left"),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");
}

/// `sh -c SCRIPT` with `$CONCORD` the binary, in `cwd`, under `bash -o
/// pipefail` when bash is there (so concord's own status counts).
fn shell(cwd: &Path, script: &str) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let bash = Path::new("/bin/bash").exists();
    let mut cmd = std::process::Command::new(if bash { "/bin/bash" } else { "sh" });
    if bash {
        cmd.args(["-o", "pipefail"]);
    }
    cmd.arg("-c")
        .arg(script)
        .env("CONCORD", env!("CARGO_BIN_EXE_concord"))
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.path().join(".gitconfig"))
        .env("NO_COLOR", "1")
        .current_dir(cwd)
        .output()
        .unwrap()
}

#[test]
fn head_takes_what_it_wants_and_nobody_complains() {
    let dir = demo();
    let study = dir.path().join("demo");
    let out = shell(&study, r#""$CONCORD" units | head -1"#);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Nothing on standard error: no complaint, and no count (a pipeline counts for itself).
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out).lines().count(), 1);
    let out = shell(&study, r#""$CONCORD" agreement --json | head -c 10"#);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(out.stdout.len(), 10);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file under `root` (outside `.git`).
fn files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn study_files_follow_the_umask_as_git_writes_them() {
    for (umask, expected) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let dir = tempfile::tempdir().unwrap();
        let out = shell(
            dir.path(),
            &format!(r#"umask {umask} && "$CONCORD" demo --path demo && "$CONCORD" init fresh"#),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let written = files(dir.path());
        assert!(written.len() > 20, "{written:?}");
        for f in written {
            assert_eq!(mode(&f), expected, "umask {umask}: {}", f.display());
        }
    }
}
