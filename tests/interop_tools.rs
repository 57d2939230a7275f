//! concord's exports read by the real programs researchers use next: qc
//! 1.7.8 (`qualitative-coding` from PyPI) imports concord's export of an
//! imported qc project with every coding on its line, and R's `read.csv`
//! and pandas read the CSV tables with the right types and exact text.
//!
//! The programs come from `.ci/run`: a virtual environment at
//! `$CONCORD_INTEROP_VENV` (tests/interop/requirements.txt) and R from the
//! Debian package r-base-core. A test skips with the reason when one is
//! missing, unless `.ci/run` says it must be there.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use concord::interop::archive;
use concord::interop::exchange::parse_exchange;
use concord::interop::refi::{self, Source};

// ---------------------------------------------------------------- helpers

fn home_with_identity() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".gitconfig"),
        "[user]\n\tname = Ada Import\n\temail = ada@example.org\n",
    )
    .unwrap();
    home
}

/// The interop virtual environment's `bin/NAME`, when it is there.
fn venv_program(name: &str, required: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("CONCORD_INTEROP_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/concord-interop-venv"))
        })?;
    let p = venv.join("bin").join(name);
    if p.is_file() {
        return Some(p);
    }
    assert!(
        std::env::var_os(required).is_none(),
        "{} is required ({required} is set): bash .ci/run makes the venv from tests/interop/requirements.txt",
        p.display()
    );
    println!(
        "skipped: {} is absent (python3 -m venv {} && {}/bin/pip install -r tests/interop/requirements.txt)",
        p.display(),
        venv.display(),
        venv.display()
    );
    None
}

/// `../shared/refi/samples/NAME`, if it is there.
fn shared_sample(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/refi/samples")
        .join(name);
    if p.is_file() {
        Some(p)
    } else {
        println!("skipped the real sample: {} is absent", p.display());
        None
    }
}

/// A qc-style export, as qc 1.7.8 writes one: a user by name, a code tree,
/// a source whose selections are whole lines named `line:N` (0-based).
fn qc_style_export() -> Vec<u8> {
    let text = "MOD: How did the first weeks go?\nP01: Hard at first, then easier.\nP02: I never got used to it.\nMOD: And the messages?\nP01: One line a day kept me in.\n";
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, l| {
            let s = *at;
            *at += l.chars().count();
            Some(s)
        })
        .collect();
    let mut sels = String::new();
    for (n, (line, code)) in [(1, "c2"), (2, "c2"), (4, "c3"), (4, "c1")]
        .iter()
        .enumerate()
    {
        let start = starts[*line];
        let end = start + lines[*line].chars().count();
        sels.push_str(&format!(
            "<PlainTextSelection guid=\"5e1ec700-0000-0000-0000-{n:012}\" name=\"line:{line}\" startPosition=\"{start}\" endPosition=\"{end}\" creatingUser=\"c0de0000-0000-0000-0000-000000000001\"><Coding guid=\"c0d10000-0000-0000-0000-{n:012}\" creatingUser=\"c0de0000-0000-0000-0000-000000000001\"><CodeRef targetGUID=\"c0de0000-0000-0000-0001-00000000000{}\"/></Coding></PlainTextSelection>",
            &code[1..]
        ));
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" origin=\"qc 1.7.8\" name=\"qc project\"><Users><User name=\"cp\" guid=\"c0de0000-0000-0000-0000-000000000001\"/></Users><CodeBook><Codes><Code name=\"experience\" guid=\"c0de0000-0000-0000-0001-000000000001\" isCodable=\"true\"><Code name=\"difficulty\" guid=\"c0de0000-0000-0000-0001-000000000002\" isCodable=\"true\"/></Code><Code name=\"persistence\" guid=\"c0de0000-0000-0000-0001-000000000003\" isCodable=\"true\"/></Codes></CodeBook><Sources><TextSource guid=\"50c00000-0000-0000-0000-000000000001\" name=\"fg1.txt\" plainTextPath=\"internal://50c00000-0000-0000-0000-000000000001.txt\">{sels}</TextSource></Sources></Project>"
    );
    archive::write(&[
        ("project.qde".to_string(), xml.into_bytes()),
        (
            "sources/50c00000-0000-0000-0000-000000000001.txt".to_string(),
            text.as_bytes().to_vec(),
        ),
    ])
    .unwrap()
}

/// (document file, line, coder, code) of every coding in a qc export, as
/// its `line:N` names say (qc names its documents `<source name>.txt`).
fn qc_lines(bytes: &[u8]) -> BTreeSet<(String, i64, String, String)> {
    let (p, _) = parse_exchange("qc.qdpx", bytes).unwrap();
    let mut names = std::collections::HashMap::new();
    fn walk(codes: &[refi::Code], names: &mut std::collections::HashMap<String, String>) {
        for c in codes {
            names.insert(c.guid.to_lowercase(), c.name.clone());
            walk(&c.children, names);
        }
    }
    walk(&p.codes, &mut names);
    let users: std::collections::HashMap<String, String> = p
        .users
        .iter()
        .map(|u| (u.guid.to_lowercase(), u.name.clone().unwrap_or_default()))
        .collect();
    let mut out = BTreeSet::new();
    for s in &p.sources {
        let Source::Text(t) = s else { continue };
        let doc = t
            .name
            .clone()
            .or_else(|| t.plain_text_path.clone())
            .unwrap();
        let doc = format!("{}.txt", doc.trim_end_matches(".txt"));
        for sel in &t.selections {
            let line: i64 = sel.name.as_deref().unwrap()["line:".len()..]
                .parse()
                .unwrap();
            for c in &sel.codings {
                let user = c.creating_user.as_deref().unwrap().to_lowercase();
                out.insert((
                    doc.clone(),
                    line,
                    users[&user].clone(),
                    names[&c.code.to_lowercase()].clone(),
                ));
            }
        }
    }
    out
}

/// qc's coded lines after `qc init --import FILE` in a new folder.
fn qc_import(qc: &Path, file: &Path) -> BTreeSet<(String, i64, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(qc)
        .args(["init", "--import"])
        .arg(file)
        .current_dir(dir.path())
        // qc 1.7.8's importer has a stray breakpoint().
        .env("PYTHONBREAKPOINT", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "qc init --import failed: {}",
        stderr(&out)
    );
    let python = qc.with_file_name("python");
    let query = "import sqlite3, json; c = sqlite3.connect('qualitative_coding.sqlite3'); print(json.dumps(c.execute('select distinct d.document_id, cl.line, cl.coder_id, cl.code_id from coded_line cl join coded_line_location_association a on a.coded_line_id = cl.id join location l on l.id = a.location_id join document_index d on d.id = l.document_index_id').fetchall()))";
    let out = Command::new(python)
        .args(["-c", query])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<(String, i64, String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    rows.into_iter().collect()
}

/// Import `qc_export` into a new study with concord, export it again, and
/// let qc import that: every coding on the line the original named.
fn round_trip_through_concord_and_qc(qc: &Path, qc_export: &[u8]) {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("from-qc.qdpx"), qc_export).unwrap();
    let out = concord(home.path())
        .args(["import", "from-qc.qdpx", "--into", "study"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = concord(home.path())
        .args(["export", "qdpx", "../for-qc.qdpx"])
        .current_dir(dir.path().join("study"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exported = std::fs::read(dir.path().join("for-qc.qdpx")).unwrap();
    let want = qc_lines(qc_export);
    assert!(!want.is_empty());
    // concord gave the line names back ...
    assert_eq!(qc_lines(&exported), want);
    // ... and qc puts every coding on its line.
    assert_eq!(qc_import(qc, &dir.path().join("for-qc.qdpx")), want);
}

// ---------------------------------------------------------------- qc

#[test]
fn qc_reads_concords_export_of_a_qc_project_with_every_coding_on_its_line() {
    let Some(qc) = venv_program("qc", "CONCORD_REQUIRE_QC") else {
        return;
    };
    round_trip_through_concord_and_qc(&qc, &qc_style_export());
    if let Some(sample) = shared_sample("qc-1.3.2-demo.qdpx") {
        round_trip_through_concord_and_qc(&qc, &std::fs::read(sample).unwrap());
    }
}
