//! `concord agreement` with three coders: every pair's figures where the
//! output contract says (docs/agreement.md, "Pairs of coders"): `--json`
//! has `pairs` with every measure, `--csv` a row set per pair, the table
//! each pair's Cohen's kappa on characters; `concord export csv` writes the
//! same agreement.csv as `--csv`. The real binary on a generated study.

mod common;

use std::path::Path;

use common::{run_in, stderr, stdout};
use concord::agreement::input::Input;
use concord::agreement::report::Measures;
use serde_json::Value;

fn study() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::generate(
        dir.path(),
        &dir.path().join("s"),
        &[
            "--transcripts",
            "3",
            "--chars",
            "3000",
            "--coders",
            "3",
            "--excerpts",
            "12",
            "--seed",
            "5",
        ],
    );
    dir
}

fn expected_pairs(root: &Path) -> Vec<concord::agreement::pairs::PairReport> {
    let files = concord::repo::read::read_study(root).unwrap();
    let study = concord::study::check(&files).study;
    concord::agreement::pairs::pairs(&Input::from_study(&study), Measures::ALL)
}

#[test]
fn every_output_has_the_pairs_its_contract_names() {
    let dir = study();
    let root = dir.path().join("s");
    let expected = expected_pairs(&root);
    assert_eq!(expected.len(), 3);

    // The table first (it keeps only the character level of the pairs),
    // then --json must still have every measure of every pair.
    let table = stdout(&run_in(&root, &["agreement"]));
    assert!(
        table.contains("Cohen's κ on characters, per pair of coders"),
        "{table}"
    );
    let overall = table
        .lines()
        .skip_while(|l| !l.starts_with("Cohen's κ on characters, per pair"))
        .find(|l| l.starts_with("overall"))
        .unwrap_or_else(|| panic!("no overall pair row:\n{table}"));
    for p in &expected {
        let row = p.rows.iter().find(|r| r.code.is_none()).unwrap();
        let k = row
            .character
            .as_ref()
            .unwrap()
            .cohen_kappa
            .as_ref()
            .unwrap();
        let shown = k.value().map_or("–".to_string(), |v| format!("{v:.3}"));
        assert!(overall.contains(&shown), "{shown} not in {overall}");
    }

    let json: Value =
        serde_json::from_str(&stdout(&run_in(&root, &["agreement", "--json"]))).unwrap();
    let pairs = json["pairs"].as_array().expect("pairs in --json");
    let expected_json = serde_json::to_value(&expected).unwrap();
    assert_eq!(pairs.len(), 3);
    for (mine, theirs) in pairs.iter().zip(expected_json.as_array().unwrap()) {
        assert_eq!(mine["coders"], theirs["coders"]);
        let (a, b) = (
            mine["rows"].as_array().unwrap(),
            theirs["rows"].as_array().unwrap(),
        );
        assert_eq!(a.len(), b.len(), "{}", mine["coders"]);
        for (x, y) in a.iter().zip(b) {
            for key in [
                "/character/cohen_kappa",
                "/character/gwet_ac1",
                "/segment/kappa_bp",
                "/alpha/binary_u_alpha",
                "/alpha/cu_alpha",
                "/alpha/cu_alpha_domains",
                "/turn/alpha",
            ] {
                let (p, q) = (x.pointer(key), y.pointer(key));
                let same = match (p.and_then(Value::as_f64), q.and_then(Value::as_f64)) {
                    (Some(p), Some(q)) => (p - q).abs() < 1e-12,
                    _ => p == q,
                };
                assert!(
                    same,
                    "{} {} {key}: {p:?} vs {q:?}",
                    mine["coders"], x["code"]
                );
            }
        }
    }
    for p in pairs {
        let groups: Vec<&str> = ["character", "segment", "alpha", "turn"]
            .into_iter()
            .filter(|g| {
                p["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| !r[g].is_null())
            })
            .collect();
        assert_eq!(groups.len(), 4, "{}: {groups:?}", p["coders"]);
    }

    let csv = stdout(&run_in(&root, &["agreement", "--csv"]));
    for p in &expected {
        let pair = format!("{}+{}", p.coders[0], p.coders[1]);
        assert!(
            csv.lines().any(|l| l.contains(&pair)),
            "no {pair} rows in --csv"
        );
    }
    let out_dir = tempfile::tempdir().unwrap();
    let export = run_in(&root, &["export", "csv", out_dir.path().to_str().unwrap()]);
    assert!(export.status.success(), "{}", stderr(&export));
    let exported = std::fs::read_to_string(out_dir.path().join("agreement.csv")).unwrap();
    assert_eq!(exported, csv, "export csv's agreement.csv is --csv's");
}

/// Two coders: no pairs anywhere.
#[test]
fn two_coders_have_no_pair_section() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let root = dir.path().join("demo");
    let json: Value =
        serde_json::from_str(&stdout(&run_in(&root, &["agreement", "--json"]))).unwrap();
    assert!(json.get("pairs").is_none());
    let table = stdout(&run_in(&root, &["agreement"]));
    assert!(!table.contains("per pair of coders"), "{table}");
}
