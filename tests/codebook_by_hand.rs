//! A codebook written by hand in an editor (issue 13, defect 10): a code
//! file needs only `id` and `name`; and when codings cannot be used because
//! of a problem, `agreement`, `units` say how many, on standard error and
//! in `--json`.

mod common;

use common::*;

fn with_code_files(x: &str, y: &str) -> tempfile::TempDir {
    let mut files = valid_files();
    files.retain(|(p, _)| !p.starts_with("codebook/g/x") && !p.starts_with("codebook/g/y"));
    files.push(("codebook/g/x.md", x.to_string()));
    files.push(("codebook/g/y.md", y.to_string()));
    study(&files)
}

#[test]
fn a_code_file_with_only_id_and_name_is_a_codable_code_with_a_colour() {
    let dir = with_code_files(
        "+++\nid = \"x\"\nname = \"Code X\"\n+++\n## Definition\nBy hand.\n",
        "+++\nid = \"y\"\nname = \"Code Y\"\n+++\n",
    );
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = run_in(dir.path(), &["agreement", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["left_out"]["unknown_code"], 0);
    // x has a row of figures: its codings were counted.
    let x = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "x" && r["transcript"].is_null())
        .expect("a row for x");
    assert!(x["character"]["both"].as_u64().unwrap() > 0, "{x}");
    assert!(!stderr(&out).contains("left out"), "{}", stderr(&out));
}

#[test]
fn codings_left_out_because_of_a_problem_are_counted_on_stderr_and_in_json() {
    // x's front matter is broken, so x is not in the codebook and both
    // coders' codings of it cannot be used.
    let dir = with_code_files(
        "+++\nid = \"x\"\nname = Code X\n+++\n",
        "+++\nid = \"y\"\nname = \"Code Y\"\n+++\n",
    );
    let out = run_in(dir.path(), &["agreement"]);
    assert!(
        stderr(&out).contains(
            "2 coding(s) left out because of problems (2 with a code not in the codebook)"
        ),
        "{}",
        stderr(&out)
    );
    let out = run_in(dir.path(), &["agreement", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["left_out"]["unknown_code"], 2);
    // units keeps them (to show them) but leaves out a line that does not parse.
    let codings = dir.path().join("codings/coder-a/t1.jsonl");
    let mut text = std::fs::read_to_string(&codings).unwrap();
    text.push_str("{\"id\": broken\n");
    std::fs::write(&codings, text).unwrap();
    let out = run_in(dir.path(), &["units"]);
    assert!(
        stderr(&out)
            .contains("1 coding(s) left out because of problems (1 whose line does not parse)"),
        "{}",
        stderr(&out)
    );
}
