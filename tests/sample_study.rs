//! The bundled sample study: the shape the foundation issue asks for, and
//! canonical files that read and write back byte for byte.

mod common;

use common::*;
use concord::sample::sample_study as embedded;
use concord::study::parse::code_file::parse_code_file;
use concord::study::parse::jsonl::parse_jsonl;
use concord::study::write::{code_file_text, codings_text};
use concord::study::{self, Coding, Section};

#[test]
fn status_reports_the_studys_shape() {
    let out = run_in(&sample_study(), &["status", ".", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["codes"]["groups"], 3);
    assert_eq!(v["codes"]["constructs"], 10);
    assert_eq!(v["codes"]["subconstructs"], 24);
    assert_eq!(v["codes"]["codable"], 24);
    assert_eq!(v["transcripts"]["count"], 5);
    assert_eq!(v["coders"].as_array().unwrap().len(), 2);
    assert_eq!(v["problems"], 0);
    // 40 to 80 excerpts per transcript per coder.
    for t in v["transcripts"]["items"].as_array().unwrap() {
        for (coder, n) in t["codings"].as_object().unwrap() {
            let n = n.as_u64().unwrap();
            assert!((40..=80).contains(&n), "{} {coder}: {n} codings", t["id"]);
        }
    }
}

#[test]
fn status_fits_80_columns() {
    let out = run_in(&sample_study(), &["status"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("3 groups, 10 constructs, 24 subconstructs"),
        "{text}"
    );
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
}

#[test]
fn the_embedded_copy_is_the_folder() {
    let files = embedded();
    let on_disk = std::fs::read(sample_study().join("transcripts/fg3.txt")).unwrap();
    assert_eq!(files.get("transcripts/fg3.txt"), Some(on_disk.as_slice()));
    // The annotated sources stay out of the study.
    assert!(files.files.keys().all(|p| !p.starts_with("source/")));
    let loaded = study::check(&files);
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
}

#[test]
fn every_code_is_fully_described_with_a_distinct_colour() {
    let loaded = study::check(&embedded());
    let codes = &loaded.study.codebook.codes;
    assert_eq!(codes.len(), 37);
    let mut colours: Vec<&str> = codes.iter().map(|c| c.header.color.as_str()).collect();
    colours.sort();
    colours.dedup();
    assert_eq!(colours.len(), codes.len(), "colours must be distinct");
    for code in codes {
        for s in Section::ALL {
            let text = code.section(s).unwrap_or("");
            assert!(!text.is_empty(), "{} lacks {:?}", code.id(), s);
        }
        let quotes = code
            .section(Section::Examples)
            .unwrap_or("")
            .lines()
            .filter(|l| l.starts_with("> \u{201c}") || l.starts_with("> \""))
            .count();
        assert!(
            (1..=2).contains(&quotes),
            "{}: {quotes} example quotes",
            code.id()
        );
    }
    // Groups come in the order of the model, not of the alphabet.
    let groups: Vec<&str> = codes
        .iter()
        .filter(|c| c.depth == 0)
        .map(|c| c.id())
        .collect();
    assert_eq!(groups, ["intrapsychic", "interpersonal", "external"]);
}

#[test]
fn canonical_files_write_back_byte_for_byte() {
    let files = embedded();
    let mut checked = 0;
    for (path, bytes) in &files.files {
        if path.starts_with("codebook/") && path.ends_with(".md") {
            let (h, body) = parse_code_file(path, bytes).unwrap();
            assert_eq!(
                code_file_text(&h, &body).as_bytes(),
                bytes.as_slice(),
                "{path}"
            );
            checked += 1;
        } else if path.starts_with("codings/") {
            let (items, problems) = parse_jsonl::<Coding>(path, bytes, "");
            assert!(problems.is_empty());
            let codings: Vec<Coding> = items.into_iter().map(|(_, c)| c).collect();
            assert_eq!(
                codings_text(&codings).as_bytes(),
                bytes.as_slice(),
                "{path}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 37 + 10);
}

#[test]
fn transcripts_have_the_promised_size_and_speakers() {
    let loaded = study::check(&embedded());
    let mut participants = std::collections::BTreeSet::new();
    for t in &loaded.study.transcripts {
        let words = t.text.split_whitespace().count();
        assert!((2500..=4000).contains(&words), "{}: {words} words", t.id);
        for line in t.text.lines() {
            if let Some(label) = line
                .split(':')
                .next()
                .filter(|l| l.starts_with('P') && l.len() == 3)
            {
                participants.insert(label.to_string());
            }
        }
    }
    assert_eq!(participants.len(), 24, "{participants:?}");
}
