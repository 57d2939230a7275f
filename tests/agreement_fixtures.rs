//! Every fixture in tests/fixtures/agreement (see FORMAT.md there), produced
//! by independent reference implementations, against concord's engine:
//! every number to 1e-9, `null` exactly where the reference has `null`.
//! Passes on whatever fixtures exist; fails loudly, listing every
//! difference, when one disagrees.

use std::path::{Path, PathBuf};

use concord::agreement::input::{CodeInfo, Excerpt, Input, TranscriptInfo};
use concord::agreement::report::{Measures, report};
use concord::agreement::turn::nominal_alpha;
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

/// tests/fixtures/agreement, or the folder in `CONCORD_AGREEMENT_FIXTURES`
/// (to check other oracle output, e.g. a subset of a large study, with the
/// same comparison: see docs/performance.md).
fn fixture_dir() -> PathBuf {
    match std::env::var_os("CONCORD_AGREEMENT_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agreement"),
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/fixtures/agreement exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_string()
}

fn n(v: &Value) -> usize {
    v.as_u64()
        .unwrap_or_else(|| panic!("expected a count, got {v}")) as usize
}

/// The fixture's `input` as concord's [`Input`]. A code is codable when no
/// code has it as parent (FORMAT.md, "Rows and codes").
pub fn input_of(v: &Value) -> Input {
    let coders: Vec<String> = v["coders"].as_array().unwrap().iter().map(s).collect();
    let raw_codes = v["codes"].as_array().unwrap();
    let parents: Vec<Option<String>> = raw_codes
        .iter()
        .map(|c| c["parent"].as_str().map(String::from))
        .collect();
    let ids: Vec<String> = raw_codes.iter().map(|c| s(&c["id"])).collect();
    let depth = |start: usize| {
        let mut p = parents[start].as_ref();
        let mut d = 0;
        while let Some(id) = p {
            d += 1;
            p = ids
                .iter()
                .position(|x| x == id)
                .and_then(|i| parents[i].as_ref());
        }
        d
    };
    let codes: Vec<CodeInfo> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| CodeInfo {
            id: id.clone(),
            parent: parents[i].clone(),
            depth: depth(i),
            codable: !parents.iter().any(|p| p.as_ref() == Some(id)),
        })
        .collect();
    let transcripts: Vec<TranscriptInfo> = v["transcripts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| TranscriptInfo {
            id: s(&t["id"]),
            length: n(&t["length"]),
            turns: t["turns"].as_array().map_or(Vec::new(), |ts| {
                ts.iter().map(|p| (n(&p[0]), n(&p[1]))).collect()
            }),
        })
        .collect();
    let excerpts = v["codings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Excerpt {
            coder: coders
                .iter()
                .position(|x| *x == s(&c["coder"]))
                .expect("known coder"),
            code: ids
                .iter()
                .position(|x| *x == s(&c["code"]))
                .expect("known code"),
            transcript: transcripts
                .iter()
                .position(|t| t.id == s(&c["transcript"]))
                .expect("known transcript"),
            start: n(&c["start"]),
            end: n(&c["end"]),
        })
        .collect();
    Input {
        coders,
        codes,
        transcripts,
        excerpts,
        segment_overlap: v["segment_overlap"].as_f64().unwrap_or(0.9),
    }
    .sorted()
}

struct Differences {
    fixture: String,
    found: Vec<String>,
    compared: usize,
}

impl Differences {
    /// Compare one expected figure with concord's (both JSON values).
    fn figure(&mut self, what: &str, expected: &Value, actual: Option<&Value>) {
        self.compared += 1;
        let actual = actual.unwrap_or(&Value::Null);
        let same = match (expected, actual) {
            (Value::Null, Value::Null) => true,
            (Value::Number(e), Value::Number(a)) => {
                let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
                (e - a).abs() <= TOLERANCE * e.abs().max(1.0)
            }
            _ => false,
        };
        if !same {
            self.found.push(format!(
                "{}: {what}: expected {expected}, concord gives {actual}",
                self.fixture
            ));
        }
    }
}

/// concord's row for (code, transcript), as JSON.
fn row<'a>(rows: &'a [Value], code: &Value, transcript: &Value) -> Option<&'a Value> {
    rows.iter()
        .find(|r| r["code"] == *code && r["transcript"] == *transcript)
}

fn compare_rows(d: &mut Differences, ours: &[Value], expected: &Value, group: &str) {
    for e in expected.as_array().into_iter().flatten() {
        let (code, transcript) = (&e["code"], &e["transcript"]);
        let mine = row(ours, code, transcript).and_then(|r| r.get(group));
        for (key, value) in e.as_object().unwrap() {
            if key == "code" || key == "transcript" {
                continue;
            }
            let what = format!("{group} code={code} transcript={transcript} {key}");
            if mine.is_none() {
                d.found
                    .push(format!("{}: {what}: concord has no such row", d.fixture));
                continue;
            }
            d.figure(&what, value, mine.and_then(|m| m.get(key)));
        }
    }
}

fn compare_alpha(d: &mut Differences, ours: &[Value], expected: &Value) {
    let pooled =
        |code: &str| row(ours, &Value::from(code), &Value::Null).and_then(|r| r.get("alpha"));
    for (code, value) in expected["binary_u_alpha"].as_object().into_iter().flatten() {
        let mine = pooled(code).and_then(|a| a.get("binary_u_alpha"));
        d.figure(&format!("alpha binary_u_alpha {code}"), value, mine);
    }
    for dom in expected["domains"].as_array().into_iter().flatten() {
        let id = s(&dom["domain"]);
        let mine = pooled(&id);
        for key in ["u_alpha", "cu_alpha"] {
            if let Some(value) = dom.get(key) {
                d.figure(
                    &format!("alpha domain {id} {key}"),
                    value,
                    mine.and_then(|a| a.get(key)),
                );
            }
        }
        for (code, value) in dom["k_u_alpha"].as_object().into_iter().flatten() {
            let mine = mine.and_then(|a| a["k_u_alpha"].get(code));
            d.figure(&format!("alpha domain {id} k_u_alpha {code}"), value, mine);
        }
    }
    if let Some(value) = expected.get("cu_alpha_domains") {
        let mine =
            row(ours, &Value::Null, &Value::Null).and_then(|r| r["alpha"].get("cu_alpha_domains"));
        d.figure("alpha cu_alpha_domains", value, mine);
    }
}

fn compare_turns(d: &mut Differences, ours: &[Value], expected: &Value) {
    for e in expected.as_array().into_iter().flatten() {
        let code = &e["code"];
        let mine = row(ours, code, &Value::Null).and_then(|r| r.get("turn"));
        for (key, value) in e.as_object().unwrap() {
            if key != "code" {
                d.figure(
                    &format!("turn code={code} {key}"),
                    value,
                    mine.and_then(|m| m.get(key)),
                );
            }
        }
    }
}

#[test]
fn every_fixture_matches_the_reference_implementations() {
    let mut all = Vec::new();
    let mut compared = 0;
    let mut studies = 0;
    for path in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let fixture = read(&path);
        let Some(expected) = fixture.get("expected") else {
            continue; // other shapes (data C) have their own test
        };
        studies += 1;
        let input = input_of(&fixture["input"]);
        let ours = serde_json::to_value(report(&input, Measures::ALL)).unwrap();
        let rows = ours["rows"].as_array().unwrap().clone();
        let mut d = Differences {
            fixture: name,
            found: Vec::new(),
            compared: 0,
        };
        compare_rows(&mut d, &rows, &expected["character"], "character");
        compare_rows(&mut d, &rows, &expected["segment"], "segment");
        compare_alpha(&mut d, &rows, &expected["alpha"]);
        compare_turns(&mut d, &rows, &expected["turn"]);
        // Issue 12: each pair of coders on its own (3+ coders).
        let ours_pairs =
            serde_json::to_value(concord::agreement::pairs::pairs(&input, Measures::ALL)).unwrap();
        for pair in expected["pairs"].as_array().into_iter().flatten() {
            let Some(mine) = ours_pairs
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["coders"] == pair["coders"])
            else {
                d.found
                    .push(format!("{}: no pair {}", d.fixture, pair["coders"]));
                continue;
            };
            let rows = mine["rows"].as_array().unwrap().clone();
            let before = d.found.len();
            compare_rows(&mut d, &rows, &pair["character"], "character");
            compare_rows(&mut d, &rows, &pair["segment"], "segment");
            compare_alpha(&mut d, &rows, &pair["alpha"]);
            compare_turns(&mut d, &rows, &pair["turn"]);
            for f in &mut d.found[before..] {
                *f = format!("pair {}: {f}", pair["coders"]);
            }
        }
        compared += d.compared;
        all.extend(d.found);
    }
    assert!(
        all.is_empty(),
        "{} of {compared} figures in {studies} fixtures differ from the references:\n{}",
        all.len(),
        all.join("\n")
    );
    eprintln!("{compared} figures in {studies} fixtures match");
}

#[test]
fn krippendorff_data_c() {
    let path = fixture_dir().join("krippendorff-data-c.json");
    if !path.exists() {
        return;
    }
    let v = read(&path);
    let units: Vec<Vec<Option<i64>>> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_array().unwrap().iter().map(|x| x.as_i64()).collect())
        .collect();
    let alpha = nominal_alpha(&units).value().expect("defined");
    let expected = v["expected_alpha"].as_f64().unwrap();
    assert!(
        (alpha - expected).abs() <= TOLERANCE,
        "data C: {alpha} vs {expected}"
    );
    assert!((alpha - 0.743421052631579).abs() <= TOLERANCE);
}

/// The published-style L = 60 case, stated in the issue, independently of
/// the fixture files.
#[test]
fn published_l60_case() {
    let input = input_of(&serde_json::json!({
        "coders": ["a", "b"],
        "codes": [{"id": "g", "parent": null}, {"id": "x", "parent": "g"}, {"id": "y", "parent": "g"}],
        "transcripts": [{"id": "t1", "length": 60, "turns": []}],
        "codings": [
            {"coder": "a", "transcript": "t1", "code": "x", "start": 0, "end": 10},
            {"coder": "a", "transcript": "t1", "code": "y", "start": 15, "end": 30},
            {"coder": "a", "transcript": "t1", "code": "x", "start": 40, "end": 50},
            {"coder": "b", "transcript": "t1", "code": "x", "start": 0, "end": 12},
            {"coder": "b", "transcript": "t1", "code": "y", "start": 15, "end": 28},
            {"coder": "b", "transcript": "t1", "code": "x", "start": 41, "end": 50},
            {"coder": "b", "transcript": "t1", "code": "y", "start": 55, "end": 60}
        ]
    }));
    let a = concord::agreement::unitized::alpha_report(&input);
    let g = &a.domains[0].family;
    assert!((g.u_alpha.value().unwrap() - 0.763331231168103).abs() < 1e-12);
    assert!((g.binary_u_alpha.value().unwrap() - 0.669261652957305).abs() < 1e-12);
    assert_eq!(g.cu_alpha.value(), Some(1.0));
}

/// NVivo's documented example: 1,000 characters, 50 coded by both, 150 by
/// one coder only, 800 by neither: 85% agreement.
#[test]
fn nvivo_documented_example() {
    let input = input_of(&serde_json::json!({
        "coders": ["a", "b"],
        "codes": [{"id": "x", "parent": null}],
        "transcripts": [{"id": "t1", "length": 1000, "turns": []}],
        "codings": [
            {"coder": "a", "transcript": "t1", "code": "x", "start": 0, "end": 200},
            {"coder": "b", "transcript": "t1", "code": "x", "start": 150, "end": 200}
        ]
    }));
    let rows = concord::agreement::character::character_rows(&input);
    let r = &rows[0];
    assert_eq!(
        (
            r.counts.both,
            r.counts.a_only + r.counts.b_only,
            r.counts.neither
        ),
        (50, 150, 800)
    );
    assert_eq!(r.percent_agreement.value(), Some(0.85));
}

/// The comparison itself must fail on a wrong figure: a fixture whose
/// expected value is changed is reported.
#[test]
fn a_changed_expected_value_is_caught() {
    let mut d = Differences {
        fixture: "x".into(),
        found: Vec::new(),
        compared: 0,
    };
    d.figure("a", &Value::from(0.5), Some(&Value::from(0.5 + 1e-7)));
    d.figure("b", &Value::Null, Some(&Value::from(1.0)));
    d.figure("c", &Value::from(1.0), Some(&Value::Null));
    d.figure("d", &Value::from(1.0), None);
    d.figure("e", &Value::from(0.25), Some(&Value::from(0.25)));
    assert_eq!(d.found.len(), 4);
}

/// The bootstrap resamples per-transcript counts; summed over the whole
/// study they must give the report's own figures on every fixture, or the
/// intervals would be around another number.
#[test]
fn the_bootstrap_resamples_the_reported_figures() {
    use concord::agreement::bootstrap::whole_study;
    use concord::agreement::character::character_rows;
    use concord::agreement::segment::segment_rows;
    let mut differences = Vec::new();
    let mut compared = 0;
    for path in fixtures() {
        let fixture = read(&path);
        if fixture.get("expected").is_none() {
            continue;
        }
        let input = input_of(&fixture["input"]);
        let ours = serde_json::to_value(report(&input, Measures::ALL)).unwrap();
        let characters = character_rows(&input);
        let segments = segment_rows(&input);
        for (code, key, e) in whole_study(&input, Some(&characters), Some(&segments), true, true) {
            let code = code.map_or(Value::Null, |c| Value::from(input.codes[c].id.as_str()));
            let reported = row(ours["rows"].as_array().unwrap(), &code, &Value::Null)
                .map(|r| {
                    let mut v = r;
                    let mut parts = key.split('.');
                    let group = parts.next().unwrap();
                    v = &v[group];
                    for p in parts {
                        v = &v[p];
                    }
                    v.clone()
                })
                .unwrap_or(Value::Null);
            compared += 1;
            let same = match (e.value(), reported.as_f64()) {
                (None, None) => true,
                (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                _ => false,
            };
            if !same {
                differences.push(format!(
                    "{}: {code} {key}: bootstrap's whole-study figure {:?}, report {reported}",
                    path.display(),
                    e.value()
                ));
            }
        }
    }
    assert!(compared > 1000, "{compared}");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
