//! Interop without surprises (issue 13): one person stays one coder, every
//! source stays its own transcript, other tools' identifiers survive an
//! import and an export, descriptions go out as the team wrote them, a
//! consensus is not a coder, and what is not imported is counted. On
//! synthetic REFI-QDA files shaped like NVivo's, qc's and concord's own.

mod common;

use common::*;
use concord::interop::exchange::parse_exchange;
use concord::interop::refi::{self, Project, Source};
use concord::interop::{archive, export, import};
use concord::sample::sample_study as embedded;
use concord::study::{self, StudyFiles};

// ---------------------------------------------------------------- helpers

/// The export's project.qde against ../shared/refi/Project.xsd, when both
/// xmllint and the schema are there (tests/interop.rs requires xmllint in CI).
fn validate_with_xmllint(qdpx: &[u8]) {
    // ../shared beside the repository, or where CONCORD_SHARED_REFI says.
    let xsd = std::env::var_os("CONCORD_SHARED_REFI")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/refi"))
        .join("Project.xsd");
    if !xsd.is_file()
        || std::process::Command::new("xmllint")
            .arg("--version")
            .output()
            .is_err()
    {
        println!(
            "skipped schema validation: xmllint or {} is absent",
            xsd.display()
        );
        return;
    }
    let (_, entries) = parse_exchange("x.qdpx", qdpx).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let qde = dir.path().join("project.qde");
    std::fs::write(&qde, entries.get("project.qde").unwrap()).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&qde)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

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

fn checked(files: &StudyFiles) -> concord::study::Study {
    let loaded = study::check(files);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.study
}

fn exported(files: &StudyFiles, options: &export::Options) -> Project {
    let bytes = export::qdpx(&checked(files), options).unwrap().0;
    parse_exchange("out.qdpx", &bytes).unwrap().0
}

fn coder_ids(s: &concord::study::Study) -> Vec<&str> {
    s.coders().iter().map(|c| c.id.as_str()).collect()
}

fn text_sources(p: &Project) -> Vec<&refi::TextSource> {
    p.sources
        .iter()
        .filter_map(|s| match s {
            Source::Text(t) => Some(t),
            Source::Other { .. } => None,
        })
        .collect()
}

/// A source of a synthetic project: GUID, name, text, and selections
/// (GUID, name, start, end, [(coding GUID, code GUID)]).
struct Src<'a> {
    guid: &'a str,
    name: &'a str,
    text: &'a str,
    selections: Vec<Sel<'a>>,
}

type Sel<'a> = (&'a str, &'a str, usize, usize, Vec<(&'a str, &'a str)>);

const CODE_A: &str = "C0DE0000-0000-0000-0000-00000000000A";
const CODE_B: &str = "C0DE0000-0000-0000-0000-00000000000B";

/// A `.qdpx` as another tool writes it: `users` are (GUID, name, id),
/// every selection made by `coder` (a user's GUID); `extra` goes in the
/// project after the sources (Notes, Links, Sets, ...) and `before` before
/// them (Variables, Cases).
fn project(
    origin: &str,
    users: &[(&str, &str, Option<&str>)],
    coder: &str,
    sources: &[Src],
    before: &str,
    extra: &str,
) -> Vec<u8> {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Focus groups\" origin=\"{origin}\"><Users>"
    );
    for (g, name, id) in users {
        xml.push_str(&format!("<User guid=\"{g}\" name=\"{name}\""));
        if let Some(id) = id {
            xml.push_str(&format!(" id=\"{id}\""));
        }
        xml.push_str("/>");
    }
    xml.push_str(&format!(
        "</Users><CodeBook><Codes><Code guid=\"{CODE_A}\" name=\"Ease\" isCodable=\"true\" color=\"#4e79a7\"><Description>How easy it felt.</Description></Code><Code guid=\"{CODE_B}\" name=\"Strain\" isCodable=\"true\"/></Codes></CodeBook>{before}<Sources>"
    ));
    let mut files = Vec::new();
    for s in sources {
        xml.push_str(&format!(
            "<TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\">",
            s.guid, s.name, s.guid
        ));
        for (g, name, start, end, codings) in &s.selections {
            xml.push_str(&format!(
                "<PlainTextSelection guid=\"{g}\" name=\"{name}\" startPosition=\"{start}\" endPosition=\"{end}\" creatingUser=\"{coder}\">"
            ));
            for (cg, code) in codings {
                xml.push_str(&format!(
                    "<Coding guid=\"{cg}\" creatingUser=\"{coder}\"><CodeRef targetGUID=\"{code}\"/></Coding>"
                ));
            }
            xml.push_str("</PlainTextSelection>");
        }
        xml.push_str("</TextSource>");
        files.push((
            format!("sources/{}.txt", s.guid),
            s.text.as_bytes().to_vec(),
        ));
    }
    xml.push_str(&format!("</Sources>{extra}</Project>"));
    files.insert(0, ("project.qde".to_string(), xml.into_bytes()));
    archive::write(&files).unwrap()
}

const PERSON: &str = "9E000000-0000-0000-0000-000000000001";
const TEXT: &str = "MOD: How was it?\nP01: Hard at first, then easier.\nP02: Fine.\n";

// ---------------------------------------------------------------- 1. one person, one coder

#[test]
fn one_person_stays_one_coder_across_a_qc_and_an_nvivo_export() {
    // qc writes the user's name; NVivo the same GUID with a full name and
    // the initials in @id, plus users who coded nothing.
    let qc = project(
        "qc 1.7.8",
        &[(PERSON, "cp", None)],
        PERSON,
        &[Src {
            guid: "50000000-0000-0000-0000-000000000001",
            name: "fg1.txt",
            text: TEXT,
            selections: vec![(
                "5E000000-0000-0000-0000-000000000001",
                "line:2",
                17,
                50,
                vec![("C0000000-0000-0000-0000-000000000001", CODE_A)],
            )],
        }],
        "",
        "",
    );
    let nvivo = project(
        "NVivo 15",
        &[
            (PERSON, "Chris Park", Some("CP")),
            ("9E000000-0000-0000-0000-000000000002", "Admin", Some("A")),
        ],
        PERSON,
        &[Src {
            guid: "50000000-0000-0000-0000-000000000002",
            name: "fg2.txt",
            text: "P03: Other words.\n",
            selections: vec![(
                "5E000000-0000-0000-0000-000000000002",
                "",
                0,
                4,
                vec![("C0000000-0000-0000-0000-000000000002", CODE_B)],
            )],
        }],
        "",
        "",
    );
    let (first, _) = import_into(&StudyFiles::default(), &qc, &Default::default());
    assert_eq!(coder_ids(&checked(&first)), ["cp"]);
    let (second, report) = import_into(&first, &nvivo, &Default::default());
    let s = checked(&second);
    assert_eq!(coder_ids(&s), ["cp"], "{:?}", report.lines);
    assert_eq!(s.codings.len(), 2);
    assert!(s.codings.iter().all(|f| f.coder == "cp"));
    // The user without codings is not a coder, and the report says so.
    assert_eq!(report.not_imported.get("user without codings"), Some(&1));
    assert!(
        report
            .lines
            .iter()
            .any(|l| l.contains("\"Admin\" has no codings")),
        "{:?}",
        report.lines
    );
    // The person's GUID is the study's, so an export gives it back.
    let out = exported(&second, &Default::default());
    assert_eq!(out.users.len(), 1);
    assert_eq!(out.users[0].guid, PERSON);
}

// ---------------------------------------------------------------- 2. two sources, two transcripts

#[test]
fn two_sources_with_the_same_text_stay_two_transcripts_with_their_names() {
    let file = project(
        "NVivo 15",
        &[(PERSON, "Chris Park", Some("CP"))],
        PERSON,
        &[
            Src {
                guid: "50000000-0000-0000-0000-00000000000A",
                name: "Interview A",
                text: TEXT,
                selections: vec![(
                    "5E000000-0000-0000-0000-00000000000A",
                    "",
                    22,
                    35,
                    vec![("C0000000-0000-0000-0000-00000000000A", CODE_A)],
                )],
            },
            Src {
                guid: "50000000-0000-0000-0000-00000000000B",
                name: "Interview B",
                text: TEXT,
                selections: vec![(
                    "5E000000-0000-0000-0000-00000000000B",
                    "",
                    37,
                    49,
                    vec![("C0000000-0000-0000-0000-00000000000B", CODE_B)],
                )],
            },
        ],
        "",
        "",
    );
    let (files, report) = import_into(&StudyFiles::default(), &file, &Default::default());
    let s = checked(&files);
    let ids: Vec<&str> = s.transcripts.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["interview-a", "interview-b"], "{:?}", report.lines);
    let of = |t: &str| {
        s.codings
            .iter()
            .find(|f| f.transcript == t)
            .map(|f| f.codings[0].quote.clone())
    };
    assert_eq!(of("interview-a").as_deref(), Some("Hard at first"));
    assert_eq!(of("interview-b").as_deref(), Some("then easier."));
    // The names come back on export.
    let out = exported(&files, &Default::default());
    let names: Vec<&str> = text_sources(&out)
        .iter()
        .filter_map(|t| t.name.as_deref())
        .collect();
    assert_eq!(names, ["Interview A", "Interview B"]);
    // The same file again: each source finds its own transcript.
    let (again, report) = import_into(&files, &file, &Default::default());
    assert_eq!(report.sources_matched, 2, "{:?}", report.lines);
    assert_eq!(checked(&again).transcripts.len(), 2);
}

// ---------------------------------------------------------------- 3. foreign identifiers

#[test]
fn foreign_guids_and_selection_names_survive_import_and_export() {
    let source = "50000000-0000-0000-0000-0000000000C1";
    let file = project(
        "NVivo 15",
        &[(PERSON, "Chris Park", Some("CP"))],
        PERSON,
        &[Src {
            guid: source,
            name: "Interview C.txt",
            text: TEXT,
            // One selection with two codes, as NVivo and qc write them.
            selections: vec![(
                "5E000000-0000-0000-0000-0000000000C1",
                "line:2",
                17,
                50,
                vec![
                    ("C0000000-0000-0000-0000-0000000000C1", CODE_A),
                    ("C0000000-0000-0000-0000-0000000000C2", CODE_B),
                ],
            )],
        }],
        "",
        "",
    );
    let (files, _) = import_into(&StudyFiles::default(), &file, &Default::default());
    // Kept in the study files, which stay canonical and check clean.
    let manifest = String::from_utf8_lossy(files.get("concord.toml").unwrap()).into_owned();
    assert!(
        manifest.contains(&format!("guid = \"{PERSON}\"")),
        "{manifest}"
    );
    assert!(
        manifest.contains("name = \"Interview C.txt\""),
        "{manifest}"
    );
    let s = checked(&files);
    let m = s.manifest.as_ref().unwrap();
    assert_eq!(concord::study::write::manifest_text(m), manifest);
    let codings = files.get("codings/chris-park/interview-c.jsonl").unwrap();
    let text = String::from_utf8_lossy(codings);
    assert!(text.contains("\"name\":\"line:2\""), "{text}");
    let f = &s.codings[0];
    assert_eq!(concord::study::write::codings_text(&f.codings), text);

    let out = exported(&files, &Default::default());
    assert_eq!(out.users[0].guid, PERSON);
    let t = text_sources(&out)[0];
    assert_eq!(t.guid, source);
    assert_eq!(t.name.as_deref(), Some("Interview C.txt"));
    assert_eq!(t.selections.len(), 1, "one selection, as it came");
    let sel = &t.selections[0];
    assert_eq!(sel.guid, "5E000000-0000-0000-0000-0000000000C1");
    assert_eq!(sel.name.as_deref(), Some("line:2"));
    let mut coding_guids: Vec<&str> = sel.codings.iter().map(|c| c.guid.as_str()).collect();
    coding_guids.sort();
    assert_eq!(
        coding_guids,
        [
            "C0000000-0000-0000-0000-0000000000C1",
            "C0000000-0000-0000-0000-0000000000C2"
        ]
    );
    // And concord's own study still exports to the same bytes after a round trip.
    let original = embedded();
    let first = export::qdpx(&checked(&original), &Default::default())
        .unwrap()
        .0;
    let (back, _) = import_into(&StudyFiles::default(), &first, &Default::default());
    assert_eq!(
        first,
        export::qdpx(&checked(&back), &Default::default())
            .unwrap()
            .0
    );
    assert_eq!(checked(&back).manifest, checked(&original).manifest);
}

// ---------------------------------------------------------------- 4. descriptions as written

#[test]
fn descriptions_go_out_as_the_team_wrote_them() {
    let out = exported(&embedded(), &Default::default());
    fn all(codes: &[refi::Code], f: &mut dyn FnMut(&refi::Code)) {
        for c in codes {
            f(c);
            all(&c.children, f);
        }
    }
    let mut n = 0;
    all(&out.codes, &mut |c| {
        if let Some(d) = &c.description {
            n += 1;
            assert!(!d.contains("concord:"), "{}: {d}", c.name);
        }
    });
    assert!(n > 0);
    // A foreign description comes back exactly; a code without one has none.
    let file = project(
        "NVivo 15",
        &[(PERSON, "Chris Park", None)],
        PERSON,
        &[],
        "",
        "",
    );
    let (files, _) = import_into(&StudyFiles::default(), &file, &Default::default());
    let out = exported(&files, &Default::default());
    let ease = out.codes.iter().find(|c| c.name == "Ease").unwrap();
    assert_eq!(ease.description.as_deref(), Some("How easy it felt."));
    let strain = out.codes.iter().find(|c| c.name == "Strain").unwrap();
    assert_eq!(strain.description, None);
    assert_eq!(ease.guid, CODE_A);
}

// ---------------------------------------------------------------- 5. consensus

#[test]
fn a_consensus_export_imported_back_adds_no_coder() {
    let original = embedded();
    let coders = coder_ids(&checked(&original))
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>();
    let bytes = export::qdpx(
        &checked(&original),
        &export::Options {
            consensus: true,
            ..Default::default()
        },
    )
    .unwrap()
    .0;
    let (back, report) = import_into(&StudyFiles::default(), &bytes, &Default::default());
    assert_eq!(coder_ids(&checked(&back)), coders);
    assert!(
        report
            .not_imported
            .get("consensus coding")
            .copied()
            .unwrap_or(0)
            > 0
    );
    assert!(
        !back
            .files
            .keys()
            .any(|p| p.starts_with("codings/consensus/"))
    );
    // Another tool's consensus user, named on the command line.
    let file = project(
        "MAXQDA 24",
        &[(PERSON, "Team agreement", None)],
        PERSON,
        &[Src {
            guid: "50000000-0000-0000-0000-0000000000D1",
            name: "fg1",
            text: TEXT,
            selections: vec![(
                "5E000000-0000-0000-0000-0000000000D1",
                "",
                17,
                30,
                vec![("C0000000-0000-0000-0000-0000000000D1", CODE_A)],
            )],
        }],
        "",
        "",
    );
    let (files, report) = import_into(
        &StudyFiles::default(),
        &file,
        &import::Options {
            consensus_user: Some("Team agreement".into()),
            ..Default::default()
        },
    );
    assert!(coder_ids(&checked(&files)).is_empty(), "{:?}", report.lines);
    assert_eq!(report.not_imported.get("consensus coding"), Some(&1));
}

// ---------------------------------------------------------------- 6. nothing dropped in silence

#[test]
fn every_element_not_imported_is_counted_by_kind_and_listed_in_json() {
    let before = "<Variables><Variable guid=\"7A000000-0000-0000-0000-000000000001\" name=\"group\" typeOfVariable=\"Text\"/></Variables><Cases><Case guid=\"CA000000-0000-0000-0000-000000000001\" name=\"P01\"/></Cases>";
    let extra = "<Notes><Note guid=\"70000000-0000-0000-0000-000000000001\" name=\"Project memo\"><PlainTextContent>Why we did it.</PlainTextContent></Note></Notes><Links><Link guid=\"71000000-0000-0000-0000-000000000001\"/></Links><Sets><Set guid=\"72000000-0000-0000-0000-000000000001\" name=\"S\"/></Sets><Description>The project.</Description>";
    let mut bytes = project(
        "NVivo 15",
        &[(PERSON, "Chris Park", None)],
        PERSON,
        &[Src {
            guid: "50000000-0000-0000-0000-0000000000E1",
            name: "fg1",
            text: TEXT,
            selections: vec![(
                "5E000000-0000-0000-0000-0000000000E1",
                "",
                17,
                30,
                vec![("C0000000-0000-0000-0000-0000000000E1", CODE_A)],
            )],
        }],
        before,
        extra,
    );
    // A PDF source with a coding, inside the Sources element.
    let (mut p, entries) = {
        let (p, e) = parse_exchange("x", &bytes).unwrap();
        (p, e)
    };
    p.sources.clear();
    let xml = String::from_utf8(entries.get("project.qde").unwrap().to_vec()).unwrap();
    let xml = xml.replace(
        "</Sources>",
        &format!("<PDFSource guid=\"50000000-0000-0000-0000-0000000000E2\" name=\"consent\" path=\"internal://c.pdf\"><PDFSelection guid=\"5E000000-0000-0000-0000-0000000000E2\" page=\"1\" firstX=\"0\" firstY=\"0\" secondX=\"1\" secondY=\"1\"><Coding guid=\"C0000000-0000-0000-0000-0000000000E2\" creatingUser=\"{PERSON}\"><CodeRef targetGUID=\"{CODE_B}\"/></Coding></PDFSelection></PDFSource></Sources>"),
    );
    let mut files: Vec<(String, Vec<u8>)> = entries.files.clone().into_iter().collect();
    for f in &mut files {
        if f.0 == "project.qde" {
            f.1 = xml.clone().into_bytes();
        }
    }
    bytes = archive::write(&files).unwrap();
    let (_, report) = import_into(&StudyFiles::default(), &bytes, &Default::default());
    for (kind, n) in [
        ("link", 1),
        ("set", 1),
        ("project description", 1),
        ("note not on a coding", 1),
        ("pdf source", 1),
        ("coding of a skipped source", 1),
    ] {
        assert_eq!(
            report.not_imported.get(kind),
            Some(&n),
            "{kind}: {:?}",
            report.not_imported
        );
    }
    assert_eq!(report.codings_missed, 1);

    // The command's --json lists them.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join(".gitconfig"),
        "[user]\n\tname = Ada Import\n\temail = ada@example.org\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.qdpx"), &bytes).unwrap();
    let out = concord(home.path())
        .args(["import", "x.qdpx", "--into", "study", "--json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["imported"], true);
    assert_eq!(v["report"]["not_imported"]["link"], 1);
    assert_eq!(v["report"]["not_imported"]["pdf source"], 1);
}

// ---------------------------------------------------------------- 7. cases and variables

#[test]
fn cases_and_variables_come_in_go_back_out_and_filter_the_figures() {
    let before = "<Variables><Variable guid=\"7A000000-0000-0000-0000-000000000001\" name=\"group\" typeOfVariable=\"Text\"/><Variable guid=\"7A000000-0000-0000-0000-000000000002\" name=\"age\" typeOfVariable=\"Integer\"/></Variables><Cases><Case guid=\"CA000000-0000-0000-0000-000000000001\" name=\"P01\"><VariableValue><VariableRef targetGUID=\"7A000000-0000-0000-0000-000000000001\"/><TextValue>fg1</TextValue></VariableValue><VariableValue><VariableRef targetGUID=\"7A000000-0000-0000-0000-000000000002\"/><IntegerValue>34</IntegerValue></VariableValue><SourceRef targetGUID=\"50000000-0000-0000-0000-0000000000F1\"/></Case><Case guid=\"CA000000-0000-0000-0000-000000000002\" name=\"P02\"><VariableValue><VariableRef targetGUID=\"7A000000-0000-0000-0000-000000000001\"/><TextValue>fg2</TextValue></VariableValue><SourceRef targetGUID=\"50000000-0000-0000-0000-0000000000F2\"/></Case></Cases>";
    let sel =
        |g: &'static str, c: &'static str| -> Sel<'static> { (g, "", 22, 35, vec![(c, CODE_A)]) };
    let file = project(
        "NVivo 15",
        &[(PERSON, "Chris Park", None)],
        PERSON,
        &[
            Src {
                guid: "50000000-0000-0000-0000-0000000000F1",
                name: "fg1",
                text: TEXT,
                selections: vec![sel(
                    "5E000000-0000-0000-0000-0000000000F1",
                    "C0000000-0000-0000-0000-0000000000F1",
                )],
            },
            Src {
                guid: "50000000-0000-0000-0000-0000000000F2",
                name: "fg2",
                text: "MOD: How was it?\nP01: Hard at first, then quite good.\n",
                selections: vec![sel(
                    "5E000000-0000-0000-0000-0000000000F2",
                    "C0000000-0000-0000-0000-0000000000F2",
                )],
            },
        ],
        before,
        "",
    );
    let (files, report) = import_into(&StudyFiles::default(), &file, &Default::default());
    let s = checked(&files);
    assert_eq!(s.cases.variables.len(), 2, "{:?}", report.lines);
    let p01 = s.cases.cases.iter().find(|c| c.id == "p01").unwrap();
    assert_eq!(p01.transcripts, ["fg1"]);
    assert_eq!(p01.values["age"], toml::Value::Integer(34));
    assert!(!report.not_imported.contains_key("case"));

    // Back out: the same variables, cases, GUIDs and values.
    let out = exported(&files, &Default::default());
    let (orig, _) = parse_exchange("in.qdpx", &file).unwrap();
    assert_eq!(out.variables, orig.variables);
    assert_eq!(out.cases, orig.cases);
    validate_with_xmllint(&export::qdpx(&s, &Default::default()).unwrap().0);

    // --where keeps the transcripts of the group's cases.
    let dir = tempfile::tempdir().unwrap();
    for (p, b) in &files.files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b).unwrap();
    }
    let out = run_in(dir.path(), &["units", "--json", "--where", "group=fg2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let units: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ts: Vec<&str> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["transcript"].as_str().unwrap())
        .collect();
    assert_eq!(ts, ["fg2"]);
    let out = run_in(dir.path(), &["agreement", "--json", "--where", "group=fg1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ts: std::collections::BTreeSet<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["transcript"].as_str())
        .collect();
    assert_eq!(ts.into_iter().collect::<Vec<_>>(), ["fg1"]);
    let out = run_in(dir.path(), &["agreement", "--where", "grop=fg1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no variable \"grop\""),
        "{}",
        stderr(&out)
    );
}
