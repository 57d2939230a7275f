//! REFI-QDA import and export, and CSV export: the values (round trips,
//! byte identity, random studies), the real samples from ../shared/refi,
//! schema validation with xmllint, and the command line (commits, refusals,
//! untrusted archives).

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use concord::interop::exchange::parse_exchange;
use concord::interop::{archive, export, import};
use concord::sample::sample_study as embedded;
use concord::study::parse::code_file::parse_code_file;
use concord::study::{self, StudyFiles};
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

/// `../shared/refi` beside the repository, if it is there.
fn shared_refi() -> Option<PathBuf> {
    // Or where CONCORD_SHARED_REFI says (a worktree has no ../shared).
    let p = std::env::var_os("CONCORD_SHARED_REFI")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/refi"));
    if p.is_dir() {
        Some(p)
    } else {
        println!(
            "skipped: {} is absent (the REFI-QDA schemas and samples)",
            p.display()
        );
        None
    }
}

/// xmllint, when installed (.ci/run installs it and sets CONCORD_REQUIRE_XMLLINT).
fn xmllint() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CONCORD_REQUIRE_XMLLINT").is_none(),
            "xmllint is required: apt-get install libxml2-utils"
        );
        println!("skipped: xmllint is not installed (Debian package libxml2-utils)");
    }
    found
}

fn export_files(files: &StudyFiles, options: &export::Options) -> Vec<u8> {
    let loaded = study::check(files);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    export::qdpx(&loaded.study, options).unwrap().0
}

/// Import `bytes` into the study `into` (empty: a new study), in memory.
fn import_into(
    into: &StudyFiles,
    bytes: &[u8],
    options: &import::Options,
) -> (StudyFiles, import::Report) {
    let (project, entries) = parse_exchange("in.qdpx", bytes).unwrap();
    let loaded = study::check(into);
    let plan = import::plan("in.qdpx", &project, &entries, into, &loaded.study, options).unwrap();
    let mut out = into.clone();
    for (p, b) in plan.writes {
        out.insert(p, b);
    }
    for p in plan.removes {
        out.files.remove(&p);
    }
    (out, plan.report)
}

/// Codebook (parsed, by path), transcripts and codings (bytes) of a study.
fn content(files: &StudyFiles) -> Vec<(String, String)> {
    files
        .files
        .iter()
        .filter(|(p, _)| {
            (p.starts_with("codebook/") && p.ends_with(".md") && !p.ends_with("README.md"))
                || p.starts_with("transcripts/") && p.ends_with(".txt")
                || p.starts_with("codings/") && p.ends_with(".jsonl")
        })
        .map(|(p, b)| {
            let shown = if p.starts_with("codebook/") {
                let (h, body) = parse_code_file(p, b).unwrap();
                format!("{h:?}\n{body}")
            } else {
                String::from_utf8_lossy(b).into_owned()
            };
            (p.clone(), shown)
        })
        .collect()
}

fn assert_same_study(a: &StudyFiles, b: &StudyFiles) {
    let (ca, cb) = (content(a), content(b));
    let paths = |c: &[(String, String)]| c.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&ca), paths(&cb), "different files");
    for (x, y) in ca.iter().zip(&cb) {
        assert_eq!(x.1, y.1, "{} differs", x.0);
    }
    let (sa, sb) = (study::check(a).study, study::check(b).study);
    assert_eq!(sa.coders(), sb.coders());
    assert_eq!(sa.name(), sb.name());
}

fn home_with_identity() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".gitconfig"),
        "[user]\n\tname = Ada Import\n\temail = ada@example.org\n",
    )
    .unwrap();
    home
}

fn run(home: &Path, cwd: &Path, args: &[&str]) -> std::process::Output {
    concord(home).args(args).current_dir(cwd).output().unwrap()
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let files: Vec<(String, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    std::fs::write(path, archive::write(&files).unwrap()).unwrap();
}

fn git_log(dir: &Path) -> String {
    let out = Command::new("git")
        .args(["log", "--format=%an <%ae>|%s"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------- round trips

#[test]
fn the_sample_study_round_trips_and_exports_to_the_same_bytes() {
    let original = embedded();
    let first = export_files(&original, &export::Options::default());
    assert_eq!(first, export_files(&original, &export::Options::default()));
    let (back, report) = import_into(&StudyFiles::default(), &first, &import::Options::default());
    assert_same_study(&original, &back);
    assert_eq!(report.codes_added, 37);
    assert_eq!(report.sources_added, 5);
    assert!(study::check(&back).problems.is_empty());
    // study -> qdpx -> study -> qdpx: the same bytes.
    assert_eq!(first, export_files(&back, &export::Options::default()));
}

#[test]
fn a_codebook_round_trips_through_qdc() {
    let original = embedded();
    let s = study::check(&original).study;
    let qdc = export::qdc(&s);
    let (project, entries) = parse_exchange("c.qdc", qdc.as_bytes()).unwrap();
    let plan_into = |files: &StudyFiles| {
        import::plan(
            "c.qdc",
            &project,
            &entries,
            files,
            &study::check(files).study,
            &import::Options::default(),
        )
        .unwrap()
    };
    // Into the study it came from: every code found again by its GUID.
    let same = plan_into(&original);
    assert_eq!(same.report.codes_matched, s.codebook.codes.len());
    assert!(same.writes.is_empty(), "{:?}", same.writes.keys());
    // Into a new study (a bare .qdc carries no ids): the same tree of
    // names, with the same colours, codability and bodies.
    let mut back = StudyFiles::default();
    for (p, b) in plan_into(&StudyFiles::default()).writes {
        back.insert(p, b);
    }
    let b = study::check(&back).study;
    let tree = |s: &concord::study::Study| {
        s.codebook
            .codes
            .iter()
            .map(|c| {
                (
                    s.codebook.name_path(c.id()).unwrap(),
                    c.header.color.clone(),
                    c.header.codable,
                    c.body.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(tree(&s), tree(&b));
}

/// A random canonical study: a codebook of up to three levels, transcripts
/// with multi-byte text, and up to three coders' codings with memos.
fn arb_study() -> impl Strategy<Value = StudyFiles> {
    let name = "[A-Za-zéüß &<>\"'/,;:!?-]{1,16}";
    let text = "[a-zé😀 <&>\"\n\t.,]{1,160}";
    let memo = "([a-z &<>\"'é\n]{0,20})";
    (
        proptest::collection::vec(
            (
                name,
                0usize..3,
                any::<bool>(),
                proptest::option::of(0i64..5),
            ),
            1..8,
        ),
        proptest::collection::vec(text, 1..4),
        1usize..4,
        proptest::collection::vec(
            (
                0usize..64,
                0usize..64,
                0usize..64,
                1usize..60,
                0usize..4,
                memo,
            ),
            0..24,
        ),
        "[A-Za-z &<>]{1,12}",
    )
        .prop_map(|(codes, texts, n_coders, codings, study_name)| {
            let mut f = StudyFiles::default();
            let mut m = String::from("[study]\n");
            m.push_str(&format!("name = {}\n", toml_str(&study_name)));
            for c in 0..n_coders {
                m.push_str(&format!(
                    "\n[[coder]]\nid = \"coder-{c}\"\nname = \"Coder {c} & <co>\"\n"
                ));
            }
            m.push_str("\n[agreement]\nsegment_overlap = 0.9\n");
            f.insert("concord.toml", m);
            // Codes: each picks a parent among the earlier group codes.
            let mut folders: Vec<(String, String)> = Vec::new(); // (id, folder)
            let mut codable = Vec::new();
            for (i, (name, parent, is_group, weight)) in codes.iter().enumerate() {
                let id = format!("k{i}");
                let parent_folder = if folders.is_empty() {
                    "codebook".to_string()
                } else {
                    folders[parent % folders.len()].1.clone()
                };
                let parent_folder = if *parent == 2 {
                    "codebook".to_string()
                } else {
                    parent_folder
                };
                let body = if i % 3 == 0 {
                    String::new()
                } else {
                    format!(
                        "## Definition\n{name} means <this> & that.\n\n## Examples\n> \"{name}\"\n"
                    )
                };
                let header = concord::study::CodeHeader {
                    id: id.clone(),
                    name: name.trim().to_string() + "x",
                    color: format!("#{:06x}", i * 123_457 % 0xffffff),
                    codable: !is_group,
                    weight: *weight,
                    guid: None,
                };
                let text = concord::study::write::code_file_text(&header, &body);
                if *is_group && folders.len() < 4 {
                    let folder = format!("{parent_folder}/g{i}");
                    f.insert(format!("{folder}/_index.md"), text);
                    folders.push((id, folder));
                } else {
                    f.insert(format!("{parent_folder}/c{i}.md"), text);
                    if !is_group {
                        codable.push(id);
                    }
                }
            }
            let transcripts: Vec<(String, String)> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("t{i}"), format!("{t} {i}")))
                .collect();
            for (id, t) in &transcripts {
                f.insert(format!("transcripts/{id}.txt"), t.clone());
            }
            if !codable.is_empty() {
                let mut by_file: std::collections::BTreeMap<String, Vec<concord::study::Coding>> =
                    Default::default();
                for (n, (coder, ti, ci, start, len, memo)) in codings.iter().enumerate() {
                    let (tid, text) = &transcripts[ti % transcripts.len()];
                    let chars: Vec<char> = text.chars().collect();
                    let start = start % chars.len();
                    let end = (start + len).min(chars.len());
                    if start >= end {
                        continue;
                    }
                    let coder = format!("coder-{}", coder % n_coders);
                    by_file
                        .entry(format!("codings/{coder}/{tid}.jsonl"))
                        .or_default()
                        .push(concord::study::Coding {
                            id: format!("c-{n}").into(),
                            code: codable[ci % codable.len()].as_str().into(),
                            start,
                            end,
                            quote: chars[start..end].iter().collect(),
                            memo: memo.clone(),
                            refi: None,
                        });
                }
                for (p, cs) in by_file {
                    f.insert(p, concord::study::write::codings_text(&cs));
                }
            }
            f
        })
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn random_studies_round_trip(files in arb_study()) {
        let loaded = study::check(&files);
        prop_assume!(loaded.problems.is_empty());
        let first = export_files(&files, &export::Options::default());
        let (back, _) = import_into(&StudyFiles::default(), &first, &import::Options::default());
        assert_same_study(&files, &back);
        prop_assert!(study::check(&back).problems.is_empty(), "{:?}", study::check(&back).problems);
        prop_assert_eq!(first, export_files(&back, &export::Options::default()));
    }
}

// ---------------------------------------------------------------- the shared samples

#[test]
fn the_qc_sample_imports_whole_and_checks_clean() {
    let Some(refi) = shared_refi() else { return };
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    let sample = refi.join("samples/qc-1.3.2-demo.qdpx");
    let out = run(
        home.path(),
        dir.path(),
        &["import", sample.to_str().unwrap(), "--into", "study"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("205 coding(s)"), "{text}");
    assert!(text.contains("2 new transcript(s)"), "{text}");
    let root = dir.path().join("study");
    let check = run(home.path(), &root, &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    // The tree is nested as in the file: programming under competencies under rq1_definition.
    assert!(
        root.join("codebook/rq1_definition/competencies/programming.md")
            .is_file()
    );
    assert!(
        root.join("codebook/rq1_definition/framings/cs_as_programming/programming.md")
            .is_file()
    );
    let files = concord::repo::read::read_study(&root).unwrap();
    let s = study::check(&files).study;
    assert_eq!(s.codebook.codes.len(), 262);
    assert_eq!(
        s.codings.iter().map(|f| f.codings.len()).sum::<usize>(),
        205
    );
    assert!(s.codebook.codes.iter().any(|c| c.depth >= 3));
    // One commit, by the person who ran it.
    let log = git_log(&root);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        log.starts_with("Ada Import <ada@example.org>|Import qc-1.3.2-demo.qdpx"),
        "{log}"
    );
    // Importing it again changes nothing.
    let again = run(home.path(), &root, &["import", sample.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("unchanged"), "{}", stdout(&again));
    assert_eq!(git_log(&root).lines().count(), 1);
}

#[test]
fn the_atlas_ti_codebook_imports_with_its_guids() {
    let Some(refi) = shared_refi() else { return };
    let bytes = std::fs::read(refi.join("samples/atlasti-23-codebook-only.qdpx")).unwrap();
    let (back, report) = import_into(&StudyFiles::default(), &bytes, &import::Options::default());
    assert_eq!(report.codes_added, 3);
    let s = study::check(&back);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let commits = s
        .study
        .codebook
        .codes
        .iter()
        .find(|c| c.name() == "Commits")
        .unwrap();
    assert_eq!(
        commits.header.guid.as_deref(),
        Some("A182CD3A-D83C-4D8C-BC80-26D9103EC6D6")
    );
    assert_eq!(s.study.codebook.children(commits.id()).count(), 2);
    // The guid goes back out as it came in.
    let qdc = export::qdc(&s.study);
    assert!(
        qdc.contains("guid=\"A182CD3A-D83C-4D8C-BC80-26D9103EC6D6\""),
        "{qdc}"
    );
}

#[test]
fn exports_validate_against_the_schemas() {
    let Some(refi) = shared_refi() else { return };
    if !xmllint() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let s = study::check(&embedded()).study;
    let (bytes, _) = export::qdpx(
        &s,
        &export::Options {
            coders: None,
            consensus: true,
        },
    )
    .unwrap();
    let entries = archive::read("x", &bytes, archive::LIMITS).unwrap();
    let qde = dir.path().join("project.qde");
    std::fs::write(&qde, entries.get("project.qde").unwrap()).unwrap();
    let qdc = dir.path().join("codebook.qdc");
    std::fs::write(&qdc, export::qdc(&s)).unwrap();
    for (file, schema) in [(&qde, "Project.xsd"), (&qdc, "Codebook.xsd")] {
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(refi.join(schema))
            .arg(file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} does not validate against {schema}:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------- two coders, line ends, sources

/// A project as another tool writes it: no user ids, CRLF text counted as
/// two characters, selections named by their text.
fn foreign_project(
    user: &str,
    user_guid: &str,
    selections: &[(usize, usize, &str, &str)],
) -> Vec<u8> {
    let text =
        "MOD: How was it?\r\nP01: Hard at first, then easier.\r\nP02: I never got used to it.\r\n";
    let mut sels = String::new();
    for (i, (start, end, code, name)) in selections.iter().enumerate() {
        sels.push_str(&format!(
            "<PlainTextSelection guid=\"00000000-0000-0000-0001-{i:012}\" name=\"{name}\" startPosition=\"{start}\" endPosition=\"{end}\" creatingUser=\"{user_guid}\"><Coding guid=\"{user_guid_prefix}-0000-0000-0002-{i:012}\"><CodeRef targetGUID=\"{code}\"/></Coding></PlainTextSelection>",
            user_guid_prefix = &user_guid[..8],
        ));
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Focus groups\" origin=\"Other tool\"><Users><User guid=\"{user_guid}\" name=\"{user}\"/></Users><CodeBook><Codes><Code guid=\"AAAAAAAA-0000-0000-0000-000000000001\" name=\"Ease\" isCodable=\"false\" color=\"#abc\"><Description>How easy it felt.</Description><Code guid=\"AAAAAAAA-0000-0000-0000-000000000002\" name=\"Easy\" isCodable=\"true\"/><Code guid=\"AAAAAAAA-0000-0000-0000-000000000003\" name=\"Hard\" isCodable=\"true\"/></Code></Codes></CodeBook><Sources><TextSource guid=\"BBBBBBBB-0000-0000-0000-000000000001\" name=\"fg1.txt\" plainTextPath=\"internal://BBBBBBBB-0000-0000-0000-000000000001.txt\">{sels}</TextSource><PDFSource guid=\"BBBBBBBB-0000-0000-0000-000000000002\" name=\"consent form\" path=\"internal://x.pdf\"/></Sources></Project>"
    );
    let files = vec![
        ("project.qde".to_string(), xml.into_bytes()),
        (
            "sources/BBBBBBBB-0000-0000-0000-000000000001.txt".to_string(),
            text.as_bytes().to_vec(),
        ),
    ];
    archive::write(&files).unwrap()
}

const EASY: &str = "AAAAAAAA-0000-0000-0000-000000000002";
const HARD: &str = "AAAAAAAA-0000-0000-0000-000000000003";

#[test]
fn two_coders_exports_import_into_one_study_and_agreement_runs() {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    // Raw positions: "Hard at first" is 23..36 counting CRLF as two characters.
    let a = foreign_project(
        "Ann Lee",
        "11111111-0000-0000-0000-000000000001",
        &[
            (23, 36, HARD, "Hard at first"),
            (38, 49, EASY, "then easier"),
        ],
    );
    let b = foreign_project(
        "Tom Becker",
        "22222222-0000-0000-0000-000000000001",
        &[
            (23, 49, HARD, "Hard at first, then easier"),
            (57, 79, HARD, "I never got used to it"),
        ],
    );
    std::fs::write(dir.path().join("a.qdpx"), a).unwrap();
    std::fs::write(dir.path().join("b.qdpx"), b).unwrap();
    let out = run(
        home.path(),
        dir.path(),
        &[
            "import",
            "a.qdpx",
            "--into",
            "study",
            "--coder",
            "Ann Lee=coder-a",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("skipped pdf \"consent form\""), "{text}");
    assert!(text.contains("CRLF"), "{text}");
    assert!(text.contains("shifted"), "{text}");
    let root = dir.path().join("study");
    let out = run(home.path(), &root, &["import", "../b.qdpx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("same text as transcript fg1, matched"),
        "{text}"
    );
    assert!(text.contains("coder tom-becker"), "{text}");
    let check = run(home.path(), &root, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let files = concord::repo::read::read_study(&root).unwrap();
    let s = study::check(&files).study;
    let coders: Vec<&str> = s.coders().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(coders, ["coder-a", "tom-becker"]);
    assert_eq!(s.transcripts.len(), 1);
    assert!(!s.transcripts[0].text.contains('\r'));
    let a_codings = &s
        .codings
        .iter()
        .find(|f| f.coder == "coder-a")
        .unwrap()
        .codings;
    assert_eq!(a_codings[0].quote, "Hard at first");
    assert_eq!(a_codings[1].quote, "then easier");
    let ease = s
        .codebook
        .codes
        .iter()
        .find(|c| c.name() == "Ease")
        .unwrap();
    assert_eq!(ease.header.color, "#aabbcc");
    assert!(!ease.header.codable);
    assert!(ease.body.starts_with("## Definition\nHow easy it felt."));
    let agreement = run(home.path(), &root, &["agreement"]);
    assert_eq!(agreement.status.code(), Some(0), "{}", stderr(&agreement));
    assert_eq!(git_log(&root).lines().count(), 2);
}

#[test]
fn positions_counting_crlf_as_one_character_stand() {
    // "Hard at first" is 22..35 when a CRLF counts as one character.
    let a = foreign_project(
        "Ann",
        "11111111-0000-0000-0000-000000000001",
        &[
            (22, 35, HARD, "Hard at first"),
            (55, 77, HARD, "I never got used to it"),
        ],
    );
    let (back, report) = import_into(&StudyFiles::default(), &a, &import::Options::default());
    assert!(
        report.lines.iter().any(|l| l.contains("as one character")),
        "{:?}",
        report.lines
    );
    let s = study::check(&back).study;
    assert_eq!(s.codings[0].codings[0].quote, "Hard at first");
    assert_eq!(s.codings[0].codings[1].quote, "I never got used to it");
}

// ---------------------------------------------------------------- refusals

#[test]
fn a_second_coder_under_the_same_name_is_refused_and_the_study_is_untouched() {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    let a = foreign_project(
        "Ann",
        "11111111-0000-0000-0000-000000000001",
        &[(23, 36, HARD, "Hard at first")],
    );
    let b = foreign_project(
        "Ann",
        "22222222-0000-0000-0000-000000000001",
        &[(23, 49, EASY, "Hard at first, then easier")],
    );
    std::fs::write(dir.path().join("a.qdpx"), a).unwrap();
    std::fs::write(dir.path().join("b.qdpx"), b).unwrap();
    let out = run(
        home.path(),
        dir.path(),
        &["import", "a.qdpx", "--into", "study"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = dir.path().join("study");
    let before = concord::repo::read::read_study(&root).unwrap();
    let out = run(home.path(), &root, &["import", "../b.qdpx"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("coder ann already has 1 codings of transcript fg1"),
        "{err}"
    );
    assert!(err.contains("--coder"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(concord::repo::read::read_study(&root).unwrap(), before);
    assert_eq!(git_log(&root).lines().count(), 1);
    // With its own coder it goes in.
    let out = run(
        home.path(),
        &root,
        &["import", "../b.qdpx", "--coder", "Ann=ann-2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn without_a_git_identity_nothing_is_written() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = foreign_project(
        "Ann",
        "11111111-0000-0000-0000-000000000001",
        &[(23, 36, HARD, "Hard at first")],
    );
    std::fs::write(dir.path().join("a.qdpx"), a).unwrap();
    let out = run(
        home.path(),
        dir.path(),
        &["import", "a.qdpx", "--into", "study"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("git config --global user.name"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("study").exists());
}

#[test]
fn without_a_study_here_import_asks_for_a_folder() {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    let a = foreign_project("Ann", "11111111-0000-0000-0000-000000000001", &[]);
    std::fs::write(dir.path().join("a.qdpx"), a).unwrap();
    let out = run(home.path(), dir.path(), &["import", "a.qdpx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--into"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

fn refused(entries: &[(&str, &[u8])]) -> String {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    write_zip(&dir.path().join("x.qdpx"), entries);
    let out = run(
        home.path(),
        dir.path(),
        &["import", "x.qdpx", "--into", "study"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(!dir.path().join("study").exists());
    stderr(&out)
}

const MINIMAL: &[u8] = b"<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"/>";

#[test]
fn archive_entries_outside_the_archive_are_refused() {
    let err = refused(&[("project.qde", MINIMAL), ("../../evil.txt", b"x")]);
    assert!(err.contains("x.qdpx:../../evil.txt: refused"), "{err}");
    let err = refused(&[("project.qde", MINIMAL), ("/etc/evil", b"x")]);
    assert!(err.contains("absolute"), "{err}");
}

#[test]
fn a_symbolic_link_in_the_archive_is_refused() {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("project.qde", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(MINIMAL).unwrap();
    zip.add_symlink(
        "sources/a.txt",
        "/etc/passwd",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("x.qdpx"),
        zip.finish().unwrap().into_inner(),
    )
    .unwrap();
    let out = run(
        home.path(),
        dir.path(),
        &["import", "x.qdpx", "--into", "study"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
}

#[test]
fn a_zip_bomb_is_refused() {
    let big = vec![0u8; (archive::LIMITS.max_entry_bytes + 1) as usize];
    let err = refused(&[("project.qde", MINIMAL), ("sources/bomb.txt", &big)]);
    assert!(err.contains("zip bomb"), "{err}");
    assert!(err.contains("sources/bomb.txt"), "{err}");
}

#[test]
fn entity_expansion_is_refused() {
    let lol = b"<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"&b;\"/>";
    let err = refused(&[("project.qde", lol)]);
    assert!(err.contains("x.qdpx:project.qde:2:1"), "{err}");
    assert!(err.contains("DOCTYPE"), "{err}");
    let custom = b"<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"><Description>&xxe;</Description></Project>";
    let err = refused(&[("project.qde", custom)]);
    assert!(err.contains("&xxe;"), "{err}");
}

#[test]
fn malformed_files_say_where_they_broke() {
    let err = refused(&[("project.qde", b"<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\">\n<Users>\n<User guid=\"x\">\n</Users></Project>")]);
    assert!(err.contains("x.qdpx:project.qde:4:"), "{err}");
    let err = refused(&[("sources/a.txt", b"x")]);
    assert!(err.contains("no project.qde"), "{err}");
    let err = refused(&[("project.qde", b"<Project name=\"p\"><Sources><TextSource guid=\"g\"><PlainTextSelection guid=\"s\" startPosition=\"ten\" endPosition=\"20\"/></TextSource></Sources></Project>")]);
    assert!(
        err.contains("startPosition=\"ten\" is not a whole number"),
        "{err}"
    );
    // Not a zip at all, not XML either.
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.qdpx"), b"PK\x03\x04 truncated").unwrap();
    let out = run(
        home.path(),
        dir.path(),
        &["import", "x.qdpx", "--into", "s"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("x.qdpx: not a readable zip archive"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------- export on the command line

#[test]
fn export_writes_qdpx_qdc_and_csv() {
    let home = home_with_identity();
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_study();
    let s = sample.to_str().unwrap();
    let qdpx = dir.path().join("s.qdpx");
    let out = run(
        home.path(),
        dir.path(),
        &["export", "qdpx", qdpx.to_str().unwrap(), s],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("37 code(s), 5 transcript(s)"),
        "{}",
        stdout(&out)
    );
    let first = std::fs::read(&qdpx).unwrap();
    let out = run(
        home.path(),
        dir.path(),
        &[
            "export",
            "qdpx",
            qdpx.to_str().unwrap(),
            s,
            "--coders",
            "coder-b",
            "--consensus",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("by coder-b; consensus"),
        "{}",
        stdout(&out)
    );
    assert_ne!(first, std::fs::read(&qdpx).unwrap());
    let out = run(
        home.path(),
        dir.path(),
        &["export", "qdpx", "x.qdpx", s, "--coders", "nobody"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"nobody\" is not a coder"),
        "{}",
        stderr(&out)
    );

    let out = run(home.path(), dir.path(), &["export", "qdc", "c.qdc", s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(dir.path().join("c.qdc"))
            .unwrap()
            .contains("urn:QDA-XML:codebook:1.0")
    );

    let out = run(home.path(), dir.path(), &["export", "csv", "tables", s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let codings = std::fs::read_to_string(dir.path().join("tables/codings.csv")).unwrap();
    assert!(
        codings.starts_with("coder,transcript,coding_id,code,code_path,start,end,quote,memo\n")
    );
    let mut r = csv::Reader::from_path(dir.path().join("tables/codings.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let study = study::check(&embedded()).study;
    let total: usize = study.codings.iter().map(|f| f.codings.len()).sum();
    assert_eq!(rows.len(), total);
    // Quotes come back exactly (commas, quotes and all).
    let first_file = &study.codings[0];
    assert_eq!(&rows[0][7], first_file.codings[0].quote.as_str());
    for name in ["decisions.csv", "units.csv", "agreement.csv"] {
        let mut r = csv::Reader::from_path(dir.path().join("tables").join(name)).unwrap();
        let width = r.headers().unwrap().len();
        for row in r.records() {
            assert_eq!(row.unwrap().len(), width, "{name}");
        }
    }
}

#[test]
fn a_study_with_problems_is_not_exported() {
    let home = home_with_identity();
    let dir = valid_study_with("codings/coder-a/t1.jsonl", "not json\n");
    let out = run(home.path(), dir.path(), &["export", "qdpx", "out.qdpx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("concord check"), "{}", stderr(&out));
    assert!(!dir.path().join("out.qdpx").exists());
}
