//! A FIFO (or any file that is not a regular file) in the study is refused
//! as "not a regular file", never opened: opening a FIFO with no writer
//! blocks forever, and every command used to hang on one.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Make a FIFO at `path`.
fn mkfifo(path: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// Run `cmd` to its end, or kill it and fail if it is still running after
/// `limit` (the hang this file is about).
fn finishes(mut cmd: Command, what: &str, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("concord {what} hung on a FIFO in the study (killed after {limit:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_fifo_anywhere_in_the_study_is_refused_and_hangs_nothing() {
    for fifo in [
        "transcripts/t2.txt",
        "codings/coder-a/t2.jsonl",
        "decisions/t2.jsonl",
        "codebook/g/z.md",
    ] {
        let dir = study(&valid_files());
        mkfifo(&dir.path().join(fifo));
        let home = tempfile::tempdir().unwrap();
        for args in [
            &["check", "."][..],
            &["status", "."],
            &["units", "."],
            &["agreement", "."],
            &["reanchor", "--dry-run", "."],
        ] {
            let mut cmd = concord(home.path());
            cmd.args(args).current_dir(dir.path());
            let out = finishes(cmd, &args.join(" "), Duration::from_secs(20));
            if args[0] == "check" {
                assert_eq!(out.status.code(), Some(1), "{fifo}: {}", stdout(&out));
                let said = stdout(&out);
                assert!(
                    said.lines()
                        .any(|l| l.starts_with(&format!("{fifo}:"))
                            && l.contains("not a regular file")),
                    "check should name {fifo} as not a regular file: {said}"
                );
            }
        }
    }
}

#[test]
fn a_fifo_given_to_import_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("project.qdpx");
    mkfifo(&fifo);
    let home = tempfile::tempdir().unwrap();
    let mut cmd = concord(home.path());
    cmd.args(["import", fifo.to_str().unwrap(), "--into", "new"])
        .current_dir(dir.path());
    let out = finishes(cmd, "import", Duration::from_secs(20));
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}
