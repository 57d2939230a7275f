//! `concord units`, `concord agreement` and the units line of `concord
//! status`, run as the real binary on a small study in a temporary folder:
//! the published L = 60 case as a study (coders a, b; codes x, y under g).

mod common;

use common::{code, coding_line, run_in, stderr, stdout, study};
use serde_json::Value;

/// A 60-character transcript in three speaker turns.
const TEXT: &str = "MOD: we start now, thanks for coming.\nP01: yes sure.\nP02: ok";

fn l60_study() -> tempfile::TempDir {
    assert_eq!(TEXT.chars().count(), 60);
    let lines = |spans: &[(&str, &str, usize, usize)]| -> String {
        spans
            .iter()
            .map(|(id, c, s, e)| coding_line(id, c, *s, *e, TEXT))
            .collect()
    };
    study(&[
        (
            "concord.toml",
            "[study]\nname = \"L60\"\n\n[[coder]]\nid = \"a\"\nname = \"A\"\n\n[[coder]]\nid = \"b\"\nname = \"B\"\n".into(),
        ),
        ("codebook/g/_index.md", code("g", "Group", false)),
        ("codebook/g/x.md", code("x", "Code X", true)),
        ("codebook/g/y.md", code("y", "Code Y", true)),
        ("transcripts/t1.txt", TEXT.into()),
        ("codings/a/t1.jsonl", lines(&[("c-a1", "x", 0, 10), ("c-a2", "y", 15, 30), ("c-a3", "x", 40, 50)])),
        (
            "codings/b/t1.jsonl",
            lines(&[("c-b1", "x", 0, 12), ("c-b2", "y", 15, 28), ("c-b3", "x", 41, 50), ("c-b4", "y", 55, 60)]),
        ),
    ])
}

fn json(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).unwrap()
}

#[test]
fn agreement_json_has_the_published_figures() {
    let dir = l60_study();
    let v = json(&run_in(dir.path(), &["agreement", "--json"]));
    assert_eq!(v["coders"], serde_json::json!(["a", "b"]));
    let rows = v["rows"].as_array().unwrap();
    let domain = rows.iter().find(|r| r["code"] == "g").unwrap();
    let u = domain["alpha"]["u_alpha"].as_f64().unwrap();
    assert!((u - 0.763331231168103).abs() < 1e-12);
    assert_eq!(domain["alpha"]["cu_alpha"].as_f64(), Some(1.0));
    let x = rows
        .iter()
        .find(|r| r["code"] == "x" && r["transcript"] == "t1")
        .unwrap();
    assert_eq!(x["character"]["both"], 19);
    assert_eq!(x["segment"]["agreements"], 1);
    let overall = rows.last().unwrap();
    assert!(overall["code"].is_null() && overall["transcript"].is_null());
    // One domain only: Cu-α over domains has no variation, so it is null.
    assert!(
        overall["alpha"]
            .get("cu_alpha_domains")
            .is_some_and(|v| v.is_null())
    );
}

#[test]
fn undefined_figures_are_null_with_a_note() {
    let dir = l60_study();
    let v = json(&run_in(
        dir.path(),
        &["agreement", "--json", "--measure", "alpha"],
    ));
    let overall = v["rows"].as_array().unwrap().last().unwrap().clone();
    // Cu-α over domains: one domain only, so no variation: undefined.
    assert!(overall["alpha"]["cu_alpha_domains"].is_null());
    let notes = overall["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("alpha.cu_alpha_domains: ")),
        "{notes:?}"
    );
}

#[test]
fn table_fits_80_columns_with_hierarchy_and_legend() {
    let dir = l60_study();
    let out = run_in(dir.path(), &["agreement"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Code"));
    // Codes by name, indented under their parent.
    assert!(lines[1].starts_with("Group"), "{text}");
    assert!(lines[2].starts_with("  Code X"), "{text}");
    assert!(!text.contains("\nx "), "{text}");
    assert!(text.contains("overall"));
    assert!(lines.last().unwrap().contains("undefined"));
}

#[test]
fn csv_has_a_header_and_a_row_per_figure_set() {
    let dir = l60_study();
    let out = run_in(dir.path(), &["agreement", "--csv", "--code", "x"]);
    let text = stdout(&out);
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("level,code,transcript,character_both")
    );
    let levels: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(levels, ["transcript", "code"], "{text}"); // x in t1, x pooled
}

#[test]
fn a_code_is_found_by_name_or_path_and_a_typo_gets_the_nearest() {
    let dir = l60_study();
    let by_id = json(&run_in(dir.path(), &["agreement", "--json", "--code", "x"]));
    for spelling in ["Code X", "code x", "Group/Code X", "Group › Code X", "g/x"] {
        let v = json(&run_in(
            dir.path(),
            &["agreement", "--json", "--code", spelling],
        ));
        assert_eq!(v["rows"], by_id["rows"], "{spelling}");
    }
    // The id stays in its own field, the name and path beside it.
    let row = &by_id["rows"][0];
    assert_eq!(row["code"], "x");
    assert_eq!(row["code_name"], "Code X");
    assert_eq!(row["code_path"], "Group/Code X");
    let csv = stdout(&run_in(
        dir.path(),
        &["agreement", "--csv", "--code", "Code X"],
    ));
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(first[col("code")], "x");
    assert_eq!(first[col("code_name")], "Code X");
    assert_eq!(first[col("code_path")], "Group/Code X");
    // A typo: exit 2 and the nearest code named.
    let out = run_in(dir.path(), &["agreement", "--code", "Code Xx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean \"Code X\" (id x)?"),
        "{}",
        stderr(&out)
    );
    // units takes the same spellings; a parent stands for its subtree.
    let units =
        |code: &str| -> Value { json(&run_in(dir.path(), &["units", "--json", "--code", code])) };
    assert_eq!(units("Code Y"), units("y"));
    assert!(units("Group").as_array().unwrap().len() > units("y").as_array().unwrap().len());
    let out = run_in(dir.path(), &["units", "--code", "Cde Y"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

#[test]
fn units_say_whether_each_is_decided() {
    let dir = l60_study();
    let v = json(&run_in(dir.path(), &["units", "--json"]));
    let units = v.as_array().unwrap();
    assert!(
        units
            .iter()
            .all(|u| u["standing"] == "open" || u["standing"] == "agreed")
    );
    // Decide the first unit by writing its decision line as the screen would.
    let first = &units[0];
    let basis: Vec<String> = first["excerpts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("\"{}\"", e["coding"].as_str().unwrap()))
        .collect();
    let line = format!(
        "{{\"id\":\"d-1\",\"unit\":{},\"basis\":[{}],\"action\":\"reject\",\"result\":[],\"reviewer\":\"R <r@example.org>\",\"at\":\"2026-01-01T00:00:00Z\",\"note\":\"\"}}\n",
        first["id"],
        basis.join(",")
    );
    std::fs::create_dir_all(dir.path().join("decisions")).unwrap();
    std::fs::write(dir.path().join("decisions/t1.jsonl"), line).unwrap();
    let v = json(&run_in(dir.path(), &["units", "--json"]));
    assert_eq!(v[0]["standing"], "decided", "{v}");
    assert_eq!(v[0]["decision"], "d-1");
    let text = stdout(&run_in(dir.path(), &["units"]));
    assert!(
        text.lines().next().unwrap().ends_with("  decided"),
        "{text}"
    );
}

#[test]
fn unknown_code_or_transcript_is_refused() {
    let dir = l60_study();
    let out = run_in(dir.path(), &["agreement", "--code", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no code \"nope\""));
    let out = run_in(dir.path(), &["units", "--transcript", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn units_lists_and_filters_by_class() {
    let dir = l60_study();
    let v = json(&run_in(dir.path(), &["units", "--json"]));
    let classes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes, ["boundary", "boundary", "boundary", "omission"]);
    let first = &v[0];
    assert!(first["id"].as_str().unwrap().starts_with("t1:0-12:"));
    assert_eq!(first["quote"], "MOD: we star");
    let v = json(&run_in(
        dir.path(),
        &["units", "--json", "--class", "omission"],
    ));
    assert_eq!(v.as_array().unwrap().len(), 1);
    let out = run_in(dir.path(), &["units", "--class", "boundary"]);
    assert!(stdout(&out).contains("a: x; b: x"));
    let listed = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("t1:"))
        .count();
    assert_eq!(listed, 3, "{}", stdout(&out));
    // Piped, the list is not followed by a count on standard error.
    assert!(!stderr(&out).contains("units"), "{}", stderr(&out));
}

#[test]
fn status_reports_units_by_class() {
    let dir = l60_study();
    let out = run_in(dir.path(), &["status"]);
    assert!(
        stdout(&out).contains("Units        4 (0 agreement, 3 boundary, 0 code, 1 omission)"),
        "{}",
        stdout(&out)
    );
    let v = json(&run_in(dir.path(), &["status", "--json"]));
    assert_eq!(v["units"]["boundary"], 3);
}

#[test]
fn generated_study_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let p = path.to_str().unwrap();
    common::generate(
        dir.path(),
        &path,
        &[
            "--transcripts",
            "2",
            "--chars",
            "2000",
            "--coders",
            "3",
            "--excerpts",
            "8",
        ],
    );
    let out = run_in(dir.path(), &["check", p]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v = json(&run_in(dir.path(), &["agreement", "--json", p]));
    assert_eq!(v["coders"].as_array().unwrap().len(), 3);
}

/// `--ci` on the demo study (5 transcripts): every pooled row's figures get
/// intervals around them; the same seed prints the same bytes; `--csv`
/// gives one line per figure; a level outside (0, 1) is refused.
#[test]
fn agreement_ci_gives_intervals_around_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let demo = dir.path().join("demo");
    let args = [
        "agreement",
        "--json",
        "--ci",
        "0.9",
        "--boot",
        "200",
        "--seed",
        "4",
        "--min",
        "0.667",
    ];
    let once = run_in(&demo, &args);
    let again = run_in(&demo, &args);
    assert_eq!(stdout(&once), stdout(&again), "same seed, same intervals");
    let v = json(&once);
    let rows = v["rows"].as_array().unwrap();
    let mut checked = 0;
    for row in rows.iter().filter(|r| r["transcript"].is_null()) {
        for (key, i) in row["intervals"].as_object().into_iter().flatten() {
            let (low, high) = (i["low"].as_f64().unwrap(), i["high"].as_f64().unwrap());
            assert!(low <= high, "{key}: {i}");
            assert_eq!(i["level"].as_f64(), Some(0.9));
            if key.starts_with("alpha.") || key == "turn.alpha" {
                let q = i["below_minimum"].as_f64().unwrap();
                assert!((0.0..=1.0).contains(&q), "{key}: q {q}");
            }
            checked += 1;
        }
    }
    let x = rows
        .iter()
        .find(|r| r["code"] == "ss-stigma" && r["transcript"].is_null())
        .unwrap();
    let kappa = x["character"]["cohen_kappa"].as_f64().unwrap();
    let i = &x["intervals"]["character.cohen_kappa"];
    assert!(i["low"].as_f64().unwrap() <= kappa && kappa <= i["high"].as_f64().unwrap());
    assert_eq!(i["method"], "cluster_bootstrap");
    assert_eq!(
        x["intervals"]["turn.alpha"]["method"],
        "coincidence_bootstrap"
    );
    let ls = i["large_sample"].as_array().unwrap();
    assert!(ls[0].as_f64().unwrap() < kappa && kappa < ls[1].as_f64().unwrap());
    assert!(checked > 100, "{checked}");
    // Per-transcript rows have no intervals (one transcript: nothing to resample).
    assert!(
        rows.iter()
            .filter(|r| !r["transcript"].is_null())
            .all(|r| r.get("intervals").is_none())
    );

    let csv = stdout(&run_in(
        &demo,
        &[
            "agreement",
            "--csv",
            "--ci",
            "0.9",
            "--boot",
            "200",
            "--seed",
            "4",
        ],
    ));
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("code,figure,estimate,level,low,high")
    );
    assert_eq!(lines.count(), checked);

    let bad = run_in(&demo, &["agreement", "--ci", "95"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("between 0 and 1"), "{}", stderr(&bad));
}

/// One transcript: no cluster intervals, and the overall row says why;
/// the turn alpha still gets Hayes and Krippendorff's.
#[test]
fn agreement_ci_on_one_transcript_says_why_there_is_no_interval() {
    let dir = l60_study();
    let v = json(&run_in(
        dir.path(),
        &["agreement", "--json", "--ci", "0.95", "--boot", "200"],
    ));
    let rows = v["rows"].as_array().unwrap();
    let overall = rows.last().unwrap();
    let notes: Vec<&str> = overall["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("one transcript only")),
        "{notes:?}"
    );
    assert!(rows.iter().all(|r| {
        r["intervals"]
            .as_object()
            .is_none_or(|m| m.keys().all(|k| k == "turn.alpha"))
    }));
}

/// After a reviewer settles units, `agreement --json` says how (per action
/// and reviewer) and how much of each coder's work stood.
#[test]
fn agreement_reports_what_stood_after_reconciliation() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        run_in(dir.path(), &["demo", "--path", "demo"])
            .status
            .success()
    );
    let demo = dir.path().join("demo");
    let out = run_in(
        &demo,
        &[
            "decide",
            "--code",
            "se-maintenance",
            "--accept",
            "coder-b",
            "--reviewer",
            "Pat <pat@example.org>",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&run_in(
        &demo,
        &["agreement", "--json", "--measure", "character"],
    ));
    let r = &v["reconciliation"];
    let decided = r["decided"].as_u64().unwrap();
    assert!(decided > 0);
    assert_eq!(r["by_action"]["accept coder-b"].as_u64(), Some(decided));
    assert!(
        r["by_reviewer"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.contains("Pat"))
    );
    assert_eq!(
        r["units"].as_u64().unwrap(),
        decided + r["agreed"].as_u64().unwrap() + r["unsettled"].as_u64().unwrap()
    );
    let row = |coder: usize| {
        r["coders"][coder]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "se-maintenance")
            .unwrap()
            .clone()
    };
    // Accepting b's version everywhere: all of b's work stood, not all of a's.
    assert_eq!(row(1)["stood"], row(1)["coded"]);
    assert!(row(0)["stood_share"].as_f64().unwrap() < 1.0);
    let text = stdout(&run_in(&demo, &["agreement", "--measure", "character"]));
    assert!(text.contains("After reconciliation:"), "{text}");
}

/// `--explain CODE` shows the 2x2 table the kappa came from, its
/// arithmetic and each coder's units; `--transcript` narrows it.
#[test]
fn agreement_explain_shows_what_went_into_the_figures() {
    let dir = l60_study();
    let out = run_in(dir.path(), &["agreement", "--explain", "x"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let v = json(&run_in(dir.path(), &["agreement", "--json"]));
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "x" && r["transcript"].is_null())
        .unwrap()
        .clone();
    let kappa = row["character"]["cohen_kappa"].as_f64().unwrap();
    assert!(
        text.contains(&format!("Cohen's κ = (po − pe) / (1 − pe) = {kappa:.3}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{:>16}", row["character"]["both"])),
        "{text}"
    );
    // a's x units: [0,10) and [40,50); b's: [0,12) and [41,50).
    assert!(
        text.contains("a: 2 excerpt(s), 2 unit(s): 0-10 (10 chars), 40-50 (10 chars)"),
        "{text}"
    );
    assert!(
        text.contains("b: 2 excerpt(s), 2 unit(s): 0-12 (12 chars), 41-50 (9 chars)"),
        "{text}"
    );
    let bad = run_in(dir.path(), &["agreement", "--explain", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
}
