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
        "skipped: {} is absent (python3 -m venv {} && {}/bin/pip install --no-deps -r tests/interop/requirements.txt)",
        p.display(),
        venv.display(),
        venv.display()
    );
    None
}

/// `../shared/refi/samples/NAME`, if it is there.
fn shared_sample(name: &str) -> Option<PathBuf> {
    // ../shared beside the repository, or where CONCORD_SHARED_REFI says.
    let p = std::env::var_os("CONCORD_SHARED_REFI")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/refi"))
        .join("samples")
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

/// qc's coded lines after importing FILE into a new folder, as `qc init
/// --import FILE` does (its CLI module imports spaCy, which the venv leaves
/// out: see tests/interop/requirements.txt).
fn qc_import(python: &Path, file: &Path) -> BTreeSet<(String, i64, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let import = "import sys; from pathlib import Path; from qualitative_coding.refi_qda.reader import REFIQDAReader; REFIQDAReader(sys.argv[1]).unpack_project(Path.cwd())";
    let out = Command::new(python)
        .args(["-c", import])
        .arg(file)
        .current_dir(dir.path())
        // qc 1.7.8's importer has a stray breakpoint().
        .env("PYTHONBREAKPOINT", "0")
        .output()
        .unwrap();
    assert!(out.status.success(), "qc's import failed: {}", stderr(&out));
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
    let Some(python) = venv_program("python", "CONCORD_REQUIRE_QC") else {
        return;
    };
    let has_qc = Command::new(&python)
        .args(["-c", "import qualitative_coding.refi_qda.reader"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_qc {
        assert!(std::env::var_os("CONCORD_REQUIRE_QC").is_none());
        println!(
            "skipped: qualitative-coding is not installed in {}",
            python.display()
        );
        return;
    }
    let qc = python;
    round_trip_through_concord_and_qc(&qc, &qc_style_export());
    if let Some(sample) = shared_sample("qc-1.3.2-demo.qdpx") {
        round_trip_through_concord_and_qc(&qc, &std::fs::read(sample).unwrap());
    }
}

// ---------------------------------------------------------------- CSV for R and pandas

/// A study whose text begins with what a spreadsheet takes for formulas.
fn formula_like_study() -> tempfile::TempDir {
    let transcript = "MOD: What did the form say?\nP01: =SUM(A1) and -3 weeks, @home +1\n";
    let start = transcript.find("=SUM").unwrap();
    let end = transcript.len() - 1;
    let mut files = valid_files();
    files.retain(|(p, _)| !p.starts_with("codings/") && !p.starts_with("decisions/"));
    files.retain(|(p, _)| *p != "transcripts/t1.txt");
    files.push(("transcripts/t1.txt", transcript.into()));
    files.push((
        "codings/coder-a/t1.jsonl",
        coding_line("c-1", "x", start, end, transcript),
    ));
    files.push((
        "codings/coder-b/t1.jsonl",
        coding_line(
            "c-2",
            "y",
            transcript[..transcript.find("@home").unwrap()]
                .chars()
                .count(),
            end,
            transcript,
        ),
    ));
    study(&files)
}

fn export_csv(study: &Path, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["export", "csv", out.path().to_str().unwrap()];
    args.push(study.to_str().unwrap());
    args.extend(extra);
    let o = run_in(study, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn csv_column(file: &Path, column: &str) -> Vec<String> {
    let mut r = ::csv::Reader::from_path(file).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records().map(|x| x.unwrap()[i].to_string()).collect()
}

#[test]
fn csv_quotes_are_the_transcripts_text_unless_asked_to_guard_formulas() {
    let dir = formula_like_study();
    let exact = export_csv(dir.path(), &[]);
    let quotes = csv_column(&exact.path().join("codings.csv"), "quote");
    assert_eq!(quotes[0], "=SUM(A1) and -3 weeks, @home +1");
    assert_eq!(quotes[1], "@home +1");
    let safe = export_csv(dir.path(), &["--excel-safe"]);
    let quotes = csv_column(&safe.path().join("codings.csv"), "quote");
    assert_eq!(quotes[0], "'=SUM(A1) and -3 weeks, @home +1");
    assert_eq!(quotes[1], "'@home +1");
}

#[test]
fn agreement_csv_has_one_level_column_and_one_measure_per_column() {
    let out = export_csv(&sample_study(), &[]);
    let file = out.path().join("agreement.csv");
    let levels: BTreeSet<String> = csv_column(&file, "level").into_iter().collect();
    let want: BTreeSet<String> = ["code", "domain", "overall", "transcript"]
        .map(String::from)
        .into();
    assert_eq!(levels, want);
    let mut r = ::csv::Reader::from_path(&file).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert!(!header.iter().any(|h| h == "notes" || h == "domain"));
    // The keys and names around the measures (code_name, code_path and
    // pair come last).
    assert_eq!(&header[..3], ["level", "code", "transcript"]);
    assert_eq!(&header[header.len() - 3..], TEXT_COLUMNS_AT_END);
    for rec in r.records() {
        let rec = rec.unwrap();
        let measures = header.len() - 3;
        for (h, v) in header.iter().zip(rec.iter()).take(measures).skip(3) {
            assert!(
                v.is_empty() || v.parse::<f64>().is_ok(),
                "{h} = {v:?} is not a number"
            );
        }
        // A domain row names its parent code and carries only domain figures.
        if &rec[0] == "domain" {
            assert!(!rec[1].is_empty());
            assert!(rec[3].is_empty(), "{rec:?}");
        }
        // Every row of a code names it and its place in the codebook.
        if !rec[1].is_empty() {
            assert!(!rec[measures].is_empty(), "{rec:?}");
            assert!(rec[measures + 1].ends_with(&rec[measures]), "{rec:?}");
        }
    }
    let notes = out.path().join("agreement_notes.csv");
    for note in csv_column(&notes, "note") {
        assert!(!note.contains("; "), "one message per cell: {note}");
    }
}

/// The last columns of agreement.csv, text: the code's name and path, the pair.
const TEXT_COLUMNS_AT_END: [&str; 3] = ["code_name", "code_path", "pair"];

/// A clean synthetic study of three coders, in a folder of its own.
fn three_coder_study() -> tempfile::TempDir {
    let files = concord::sample::synthetic::synthetic_study(&concord::sample::synthetic::Params {
        transcripts: 3,
        chars: 2000,
        coders: 3,
        excerpts: 10,
        seed: 11,
    });
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in &files.files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

#[test]
fn agreement_csv_keeps_each_pair_of_coders_as_rows_with_a_pair_column() {
    let dir = three_coder_study();
    let out = export_csv(dir.path(), &[]);
    let file = out.path().join("agreement.csv");
    let mut r = ::csv::Reader::from_path(&file).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<::csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let pairs: BTreeSet<&str> = rows.iter().map(|r| &r[col("pair")]).collect();
    let want: BTreeSet<&str> = ["", "coder-a+coder-b", "coder-a+coder-c", "coder-b+coder-c"].into();
    assert_eq!(pairs, want, "all coders (empty) and every pair");
    for pair in ["coder-a+coder-b", "coder-b+coder-c"] {
        let of = |level: &str| {
            rows.iter()
                .filter(|r| &r[col("pair")] == pair && &r[col("level")] == level)
                .count()
        };
        assert_eq!(of("overall"), 1, "{pair}: one overall row");
        // A pair's rows are pooled over transcripts.
        assert!(of("code") > 0 && of("transcript") == 0, "{pair}");
        // A pair is two coders: Cohen's kappa, not Fleiss'.
        let overall = rows
            .iter()
            .find(|r| &r[col("pair")] == pair && &r[col("level")] == "overall")
            .unwrap();
        assert!(
            !overall[col("character_cohen_kappa")].is_empty(),
            "{overall:?}"
        );
        assert!(
            overall[col("character_fleiss_kappa")].is_empty(),
            "{overall:?}"
        );
    }
    let all = rows
        .iter()
        .find(|r| r[col("pair")].is_empty() && &r[col("level")] == "overall")
        .unwrap();
    assert!(!all[col("character_fleiss_kappa")].is_empty(), "{all:?}");
    // The notes say which pair's figure they explain.
    let notes = out.path().join("agreement_notes.csv");
    let mut n = ::csv::Reader::from_path(&notes).unwrap();
    let nh: Vec<String> = n.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        nh,
        ["level", "code", "transcript", "pair", "measure", "note"]
    );

    // `concord agreement --csv --code` keeps that code's rows, every pair's too.
    let code = rows
        .iter()
        .find(|r| &r[col("level")] == "code" && !r[col("character_both")].is_empty())
        .map(|r| r[col("code")].to_string())
        .unwrap();
    let out = run_in(dir.path(), &["agreement", "--csv", "--code", &code]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut r = ::csv::Reader::from_reader(text.as_bytes());
    let got: Vec<::csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(got.iter().all(|r| r[col("code")] == *code), "{text}");
    let pairs: BTreeSet<&str> = got.iter().map(|r| &r[col("pair")]).collect();
    assert_eq!(pairs, want, "{text}");
}

#[test]
fn pandas_reads_every_table_with_numbers_as_numbers_and_text_exact() {
    let Some(python) = venv_program("python", "CONCORD_REQUIRE_PANDAS") else {
        return;
    };
    let has_pandas = Command::new(&python)
        .args(["-c", "import pandas"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_pandas {
        assert!(std::env::var_os("CONCORD_REQUIRE_PANDAS").is_none());
        println!("skipped: pandas is not installed in {}", python.display());
        return;
    }
    for (dir, quote) in [
        (
            formula_like_study(),
            Some("=SUM(A1) and -3 weeks, @home +1"),
        ),
        (copy_of_sample(), None),
    ] {
        let out = export_csv(dir.path(), &[]);
        let script = r#"
import json, sys, pandas as pd
d = sys.argv[1]
res = {}
for name in ["codings", "decisions", "decision_results", "units", "unit_codings", "agreement", "agreement_notes"]:
    t = pd.read_csv(f"{d}/{name}.csv", keep_default_na=False, na_values=[""])
    res[name] = {c: str(t[c].dtype) for c in t.columns}
c = pd.read_csv(f"{d}/codings.csv", keep_default_na=False)
res["quote0"] = c["quote"][0]
print(json.dumps(res))
"#;
        let o = Command::new(&python)
            .args(["-c", script, out.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for col in ["start", "end"] {
            assert_eq!(v["codings"][col], "int64", "{v}");
            assert_eq!(v["unit_codings"][col], "int64", "{v}");
        }
        for (col, t) in v["agreement"].as_object().unwrap() {
            let text = ["level", "code", "transcript"].contains(&col.as_str())
                || TEXT_COLUMNS_AT_END.contains(&col.as_str());
            if !text {
                assert!(
                    t == "float64" || t == "int64",
                    "agreement.csv {col} read as {t}"
                );
            }
        }
        if let Some(q) = quote {
            assert_eq!(v["quote0"], q);
        }
    }
}

#[test]
fn r_read_csv_reads_every_table_with_numbers_as_numbers_and_text_exact() {
    let found = Command::new("Rscript").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CONCORD_REQUIRE_R").is_none(),
            "Rscript is required: apt-get install r-base-core"
        );
        println!("skipped: Rscript is not installed (Debian package r-base-core)");
        return;
    }
    for (dir, quote) in [
        (
            formula_like_study(),
            Some("=SUM(A1) and -3 weeks, @home +1"),
        ),
        (copy_of_sample(), None),
    ] {
        let out = export_csv(dir.path(), &[]);
        let script = r#"
d <- commandArgs(trailingOnly = TRUE)[1]
a <- read.csv(file.path(d, "agreement.csv"), encoding = "UTF-8", stringsAsFactors = FALSE)
measures <- a[, -c(1:3, (ncol(a) - 2):ncol(a))]
# A column without a single value is NA throughout (R reads it as logical).
bad <- names(measures)[!sapply(measures, function(x) is.numeric(x) || all(is.na(x)))]
cat(sprintf("non-numeric:[%s]\n", paste(bad, collapse = ",")))
cat("levels:", sort(unique(a$level)), "\n")
c <- read.csv(file.path(d, "codings.csv"), encoding = "UTF-8", stringsAsFactors = FALSE)
cat("start:", class(c$start), "\n")
cat(sprintf("quote:[%s]\n", c$quote[1]))
u <- read.csv(file.path(d, "unit_codings.csv"), encoding = "UTF-8", stringsAsFactors = FALSE)
cat("unit_codings:", class(u$start), "\n")
"#;
        let o = Command::new("Rscript")
            .args(["-e", script, out.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("non-numeric:[]\n"), "{text}");
        assert!(text.contains("start: integer"), "{text}");
        assert!(text.contains("unit_codings: integer"), "{text}");
        if let Some(q) = quote {
            assert!(text.contains(&format!("quote:[{q}]\n")), "{text}");
        }
    }
}

/// The bundled sample study in a folder of its own.
fn copy_of_sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, b) in concord::sample::sample_study().files {
        let path = dir.path().join(&p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b).unwrap();
    }
    dir
}
