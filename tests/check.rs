//! `concord check`: each class of bad input, in a small broken study, is
//! reported at its file, line and column with what to do, and exits 1.

mod common;

use common::*;

const T1: &str = "MOD: How did it go?\nP01: Even on bad weeks I knew I could send one line.\n";

/// Run `concord check .` in the study and return (exit code, stdout lines).
fn check(dir: &tempfile::TempDir) -> (i32, Vec<String>) {
    let out = run_in(dir.path(), &["check", "."]);
    let lines = stdout(&out).lines().map(str::to_string).collect();
    (out.status.code().unwrap_or(-1), lines)
}

/// Exactly one problem is reported, it starts with `prefix` (file:line:column:)
/// and contains every fragment of `says`; a hint follows the dash.
fn assert_one_problem(dir: &tempfile::TempDir, prefix: &str, says: &[&str]) {
    let (code, lines) = check(dir);
    assert_eq!(code, 1, "check must exit 1 on problems; printed {lines:#?}");
    assert_eq!(lines.len(), 1, "expected one problem, got {lines:#?}");
    let line = &lines[0];
    assert!(
        line.starts_with(prefix),
        "problem should be located at {prefix}, got {line}"
    );
    for s in says {
        assert!(line.contains(s), "{line:?} should say {s:?}");
    }
    let hint = line.split(" — ").nth(1).unwrap_or("");
    assert!(hint.len() > 10, "a problem says what to do: {line}");
}

#[test]
fn a_valid_study_is_clean() {
    let dir = study(&valid_files());
    let out = run_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no problems"));
}

#[test]
fn the_bundled_sample_study_is_clean() {
    let out = run_in(&sample_study(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn malformed_manifest_toml() {
    let dir = valid_study_with("concord.toml", "[study]\nname = \"Tiny\nx = 1\n");
    assert_one_problem(&dir, "concord.toml:2:", &["invalid TOML"]);
}

#[test]
fn manifest_with_unknown_key() {
    let dir = valid_study_with("concord.toml", "[study]\nname = \"T\"\ntitle = \"x\"\n");
    assert_one_problem(
        &dir,
        "concord.toml:3:1:",
        &["invalid TOML", "unknown field `title`"],
    );
}

#[test]
fn missing_manifest() {
    let dir = study(&valid_files());
    std::fs::remove_file(dir.path().join("concord.toml")).unwrap();
    let (code, lines) = check(&dir);
    assert_eq!(code, 1);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("concord.toml:1:1: missing manifest")),
        "{lines:#?}"
    );
}

#[test]
fn malformed_front_matter() {
    let bad = "+++\nid = \"x\"\nname = Code X\ncolor = \"#4e79a7\"\n+++\n## Definition\n";
    let dir = valid_study_with("codebook/g/x.md", bad);
    // Codings of x now name an unknown code too; the front matter comes first.
    let (code, lines) = check(&dir);
    assert_eq!(code, 1);
    assert!(
        lines[0].starts_with("codebook/g/x.md:3:8: invalid TOML"),
        "{lines:#?}"
    );
}

#[test]
fn front_matter_not_closed() {
    let dir = valid_study_with(
        "codebook/g/y.md",
        "+++\nid = \"y\"\nname = \"Y\"\n## Definition\n",
    );
    assert_one_problem(
        &dir,
        "codebook/g/y.md:1:1:",
        &["front matter is not closed"],
    );
}

#[test]
fn malformed_json_line() {
    let good = coding_line("c-1", "x", 25, 72, T1);
    let dir = valid_study_with(
        "codings/coder-a/t1.jsonl",
        format!("{good}{{\"id\":\"c-9\",\"code\":\"x\",\"start\":3,,}}\n"),
    );
    assert_one_problem(
        &dir,
        "codings/coder-a/t1.jsonl:2:34:",
        &["invalid JSON line: key must be a string"],
    );
}

#[test]
fn duplicate_code_id() {
    let dir = valid_study_with("codebook/g/y.md", code("x", "Code Y", true));
    assert_one_problem(
        &dir,
        "codebook/g/y.md:2:1:",
        &["duplicate code id \"x\"", "codebook/g/x.md"],
    );
}

#[test]
fn coding_names_an_unknown_code() {
    let dir = valid_study_with(
        "codings/coder-a/t1.jsonl",
        coding_line("c-1", "zz", 25, 72, T1),
    );
    assert_one_problem(
        &dir,
        "codings/coder-a/t1.jsonl:1:20:",
        &["unknown code \"zz\""],
    );
}

#[test]
fn coding_names_a_code_that_is_not_codable() {
    let dir = valid_study_with(
        "codings/coder-a/t1.jsonl",
        coding_line("c-1", "g", 25, 72, T1),
    );
    assert_one_problem(&dir, "codings/coder-a/t1.jsonl:1:20:", &["not codable"]);
}

#[test]
fn coder_folder_not_in_manifest() {
    let dir = valid_study_with(
        "codings/coder-z/t1.jsonl",
        coding_line("c-7", "x", 25, 72, T1),
    );
    assert_one_problem(
        &dir,
        "codings/coder-z/t1.jsonl:1:1:",
        &["coder folder codings/coder-z/ is not a coder in concord.toml"],
    );
}

#[test]
fn start_not_before_end() {
    let line =
        "{\"id\":\"c-1\",\"code\":\"x\",\"start\":30,\"end\":30,\"quote\":\"\",\"memo\":\"\"}\n";
    let dir = valid_study_with("codings/coder-a/t1.jsonl", line);
    assert_one_problem(
        &dir,
        "codings/coder-a/t1.jsonl:1:32:",
        &["start 30 is not before end 30"],
    );
}

#[test]
fn offset_past_the_end_of_the_transcript() {
    let line =
        "{\"id\":\"c-1\",\"code\":\"x\",\"start\":60,\"end\":80,\"quote\":\"x\",\"memo\":\"\"}\n";
    let dir = valid_study_with("codings/coder-a/t1.jsonl", line);
    assert_one_problem(
        &dir,
        "codings/coder-a/t1.jsonl:1:41:",
        &["end 80 is past the end of transcript t1 (73 characters)"],
    );
}

#[test]
fn quote_does_not_match_the_transcript() {
    let line = "{\"id\":\"c-1\",\"code\":\"x\",\"start\":25,\"end\":72,\"quote\":\"Even on good weeks I knew I could send one line.\",\"memo\":\"\"}\n";
    let dir = valid_study_with("codings/coder-a/t1.jsonl", line);
    assert_one_problem(
        &dir,
        "codings/coder-a/t1.jsonl:1:",
        &[
            "quote does not match the transcript at 25-72",
            "expected \u{201c}Even on bad weeks",
            "found \u{201c}Even on good weeks",
        ],
    );
}

#[test]
fn long_quotes_are_shortened_in_the_message() {
    let long = "x".repeat(500);
    let line = format!(
        "{{\"id\":\"c-1\",\"code\":\"x\",\"start\":25,\"end\":72,\"quote\":\"{long}\",\"memo\":\"\"}}\n"
    );
    let dir = valid_study_with("codings/coder-a/t1.jsonl", line);
    let (_, lines) = check(&dir);
    assert!(lines[0].contains("…"), "{}", lines[0]);
    assert!(lines[0].chars().count() < 400, "{}", lines[0]);
}

#[test]
fn duplicate_coding_id() {
    let dir = valid_study_with(
        "codings/coder-b/t1.jsonl",
        coding_line("c-1", "x", 30, 72, T1),
    );
    std::fs::remove_file(dir.path().join("decisions/t1.jsonl")).unwrap();
    assert_one_problem(
        &dir,
        "codings/coder-b/t1.jsonl:1:7:",
        &["duplicate coding id \"c-1\"", "codings/coder-a/t1.jsonl:1"],
    );
}

#[test]
fn transcript_not_utf8() {
    let mut bytes = b"MOD: Caf".to_vec();
    bytes.push(0xe9); // Latin-1 é
    bytes.extend_from_slice(b" time?\n");
    let dir = valid_study_with("transcripts/t2.txt", bytes);
    assert_one_problem(
        &dir,
        "transcripts/t2.txt:1:9:",
        &["not valid UTF-8 at byte 8", "0xe9"],
    );
}

#[test]
fn transcript_with_crlf_line_ends() {
    let dir = valid_study_with("transcripts/t2.txt", "MOD: Hello.\r\nP01: Hi.\r\n");
    assert_one_problem(&dir, "transcripts/t2.txt:1:12:", &["CRLF"]);
}

#[test]
fn decision_basis_names_an_unknown_coding() {
    let d = "{\"id\":\"d-1\",\"unit\":\"t1:25-72:ab12\",\"basis\":[\"c-1\",\"c-404\"],\"action\":\"union\",\"result\":[],\"reviewer\":\"R <r@example.org>\",\"at\":\"2026-11-23T10:04:00Z\",\"note\":\"\"}\n";
    let dir = valid_study_with("decisions/t1.jsonl", d);
    assert_one_problem(
        &dir,
        "decisions/t1.jsonl:1:44:",
        &["basis names coding \"c-404\""],
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let dir = study(&valid_files());
    write_files(
        dir.path(),
        &[
            ("transcripts/t2.txt", "a\r\nb\n".into()),
            (
                "codings/coder-a/t1.jsonl",
                coding_line("c-1", "zz", 25, 72, T1),
            ),
            ("codebook/g/y.md", code("x", "dup", true)),
        ],
    );
    let (code, lines) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines[0].starts_with("codebook/g/y.md"));
    assert!(lines[1].starts_with("codings/coder-a/t1.jsonl"));
    assert!(lines[2].starts_with("transcripts/t2.txt"));
}

#[test]
fn study_text_cannot_drive_the_terminal() {
    let line = "{\"id\":\"c-1\",\"code\":\"\\u001b[31mzz\",\"start\":25,\"end\":72,\"quote\":\"Even on bad weeks I knew I could send one line.\",\"memo\":\"\"}\n";
    let dir = valid_study_with("codings/coder-a/t1.jsonl", line);
    let out = run_in(dir.path(), &["check", "."]);
    assert!(
        !out.stdout.contains(&0x1b),
        "an escape byte reached the terminal"
    );
    assert!(stdout(&out).contains("\\u{1b}[31mzz"), "{}", stdout(&out));
}

#[test]
fn no_study_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no concord study found"),
        "{}",
        stderr(&out)
    );
    let out = run_in(dir.path(), &["check", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read does-not-exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_study_is_found_from_a_subfolder() {
    let dir = valid_study_with(
        "codings/coder-a/t1.jsonl",
        coding_line("c-1", "zz", 25, 72, T1),
    );
    let out = run_in(&dir.path().join("codings/coder-a"), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("../../codings/coder-a/t1.jsonl:1:20:"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn done_marks_are_accepted_and_checked() {
    let dir = valid_study_with(
        "codings/coder-a/_done.jsonl",
        "{\"transcript\":\"t1\",\"at\":\"2026-11-23T10:00:00Z\",\"commit\":\"0123456\"}\n",
    );
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    std::fs::write(
        dir.path().join("codings/coder-a/_done.jsonl"),
        "{\"transcript\":\"t9\",\"at\":\"2026-11-23T10:00:00Z\",\"commit\":\"0123456\"}\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("codings/coder-a/_done.jsonl:1:") && stdout(&out).contains("t9"),
        "{}",
        stdout(&out)
    );
}
