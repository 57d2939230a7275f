//! The study read and parsed at once (`read_and_load`, each file read by
//! the thread that parses it: `concord reanchor`'s way, to hold the parsed
//! study and not the files as well) is the study, with the problems, that
//! reading every file first and then parsing them gives.

mod common;

use common::*;

fn both(root: &std::path::Path) -> (serde_json::Value, serde_json::Value) {
    use concord::repo::read::{read_and_load, read_study};
    let apart = concord::study::load::load(&read_study(root).unwrap());
    let together = read_and_load(root).unwrap();
    (
        serde_json::to_value(&apart).unwrap(),
        serde_json::to_value(&together).unwrap(),
    )
}

#[test]
fn reading_while_parsing_gives_the_study_and_problems_of_reading_first() {
    let mut files = valid_files();
    // A bad codings line, a transcript that is not UTF-8, a stray file.
    files.push((
        "codings/coder-b/t9.jsonl",
        "{\"id\":\"x\",\"code\":\"nope\",\"start\":0,\"end\":1,\"quote\":\"M\",\"memo\":\"\"}\n{not json\n".into(),
    ));
    files.push(("notes.txt", "a file concord does not read\n".into()));
    let dir = study(&files);
    std::fs::write(dir.path().join("transcripts/t9.txt"), b"caf\xe9 latin-1\n").unwrap();
    let (apart, together) = both(dir.path());
    assert_eq!(apart, together);
    let problems = together["problems"].as_array().unwrap();
    assert!(
        problems.len() >= 2,
        "the broken files are reported: {problems:?}"
    );
    assert!(!together["study"]["codings"].as_array().unwrap().is_empty());
}

#[test]
fn a_study_without_its_manifest_is_told_so_either_way() {
    let files: Vec<_> = valid_files()
        .into_iter()
        .filter(|(p, _)| *p != "concord.toml")
        .collect();
    let dir = study(&files);
    let (apart, together) = both(dir.path());
    assert_eq!(apart, together);
    assert!(
        together["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.to_string().contains("missing manifest")),
        "{together}"
    );
}
