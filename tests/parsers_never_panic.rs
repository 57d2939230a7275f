//! No input makes a parser panic, and canonical files round-trip byte for
//! byte. Arbitrary bytes, and arbitrary structures that look valid (the
//! inputs most likely to reach deep code paths).

use concord::study::parse::code_file::parse_code_file;
use concord::study::parse::jsonl::parse_jsonl;
use concord::study::parse::manifest::parse_manifest;
use concord::study::parse::transcript::parse_transcript;
use concord::study::write::{code_file_text, codings_text, decisions_text};
use concord::study::{self, Action, CodeHeader, Coding, Decision, ResultSpan, StudyFiles};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Text that mixes the characters study files are made of with ones that
/// break them (fences, quotes, CR, NUL, multi-byte characters).
fn texty() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("+++\n".to_string()),
            Just("\r\n".to_string()),
            Just("\n".to_string()),
            Just("\"".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("=".to_string()),
            Just("[[coder]]\n".to_string()),
            Just("é".to_string()),
            Just("😀".to_string()),
            Just("\u{0}".to_string()),
            "[a-z0-9 :,#]{0,8}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn header() -> impl Strategy<Value = CodeHeader> {
    (
        "[a-z][a-z0-9-]{0,12}",
        "\\PC{0,20}",
        "#[0-9a-f]{6}",
        any::<bool>(),
        proptest::option::of(-5i64..50),
        proptest::option::of("[A-F0-9-]{8,36}"),
    )
        .prop_map(|(id, name, color, codable, weight, guid)| CodeHeader {
            id,
            name,
            color,
            codable,
            weight,
            guid,
        })
}

fn coding() -> impl Strategy<Value = Coding> {
    (
        "c-[0-9a-f]{1,8}",
        "[a-z-]{1,10}",
        0usize..500,
        0usize..500,
        "\\PC{0,30}",
        "\\PC{0,10}",
    )
        .prop_map(|(id, code, start, end, quote, memo)| Coding {
            id: id.into(),
            code: code.into(),
            start,
            end,
            quote,
            memo,
            refi: None,
        })
}

fn decision() -> impl Strategy<Value = Decision> {
    (
        "d-[0-9a-f]{1,8}",
        proptest::collection::vec("c-[0-9a-f]{1,4}", 0..4),
        prop_oneof![
            Just(Action::Accept),
            Just(Action::Union),
            Just(Action::Reject),
            Just(Action::Custom),
            Just(Action::Revert)
        ],
        proptest::option::of("coder-[ab]"),
        proptest::collection::vec(("[a-z]{1,5}", 0usize..99, 0usize..99), 0..3),
        "\\PC{0,20}",
    )
        .prop_map(|(id, basis, action, chosen, result, note)| Decision {
            id,
            unit: "t:1-2:ab".into(),
            basis,
            action,
            reverts: (action == Action::Revert).then(|| "d-0".to_string()),
            chosen,
            result: result
                .into_iter()
                .map(|(code, start, end)| ResultSpan { code, start, end })
                .collect(),
            reviewer: "R <r@example.org>".into(),
            at: "2026-11-23T10:04:00Z".into(),
            note,
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parsers_survive_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_manifest("concord.toml", &bytes);
        let _ = parse_code_file("codebook/x.md", &bytes);
        let _ = parse_transcript("transcripts/t.txt", "t", &bytes);
        let _ = parse_jsonl::<Coding>("codings/a/t.jsonl", &bytes, "");
        let _ = parse_jsonl::<Decision>("decisions/t.jsonl", &bytes, "");
    }

    #[test]
    fn parsers_survive_text_that_looks_like_study_files(text in texty()) {
        let _ = parse_manifest("concord.toml", text.as_bytes());
        let _ = parse_code_file("codebook/x.md", text.as_bytes());
        let with_fence = format!("+++\n{text}");
        let _ = parse_code_file("codebook/x.md", with_fence.as_bytes());
        let _ = parse_transcript("transcripts/t.txt", "t", text.as_bytes());
        let _ = parse_jsonl::<Coding>("c", text.as_bytes(), "");
    }

    /// Whole studies of valid-looking parts with arbitrary offsets, quotes
    /// and ids: checking them never panics, and every problem is located
    /// in a file of the study.
    #[test]
    fn checking_never_panics(
        headers in proptest::collection::vec(header(), 0..5),
        codings in proptest::collection::vec(coding(), 0..8),
        decisions in proptest::collection::vec(decision(), 0..4),
        transcript in texty(),
        manifest in prop_oneof![
            Just("[study]\nname = \"S\"\n[[coder]]\nid = \"coder-a\"\nname = \"A\"\n".to_string()),
            texty(),
        ],
    ) {
        let mut files = StudyFiles::default();
        files.insert("concord.toml", manifest.into_bytes());
        for (i, h) in headers.iter().enumerate() {
            let folder = if i % 2 == 0 { "g/" } else { "" };
            files.insert(format!("codebook/{folder}c{i}.md"), code_file_text(h, "## Definition\nx\n"));
        }
        files.insert("codebook/g/_index.md", code_file_text(&headers.first().cloned().unwrap_or(CodeHeader {
            id: "g".into(), name: "G".into(), color: "#000000".into(), codable: false, weight: None, guid: None,
        }), ""));
        files.insert("transcripts/t.txt", transcript.into_bytes());
        files.insert("codings/coder-a/t.jsonl", codings_text(&codings));
        files.insert("codings/coder-x/u.jsonl", codings_text(&codings));
        files.insert("decisions/t.jsonl", decisions_text(&decisions));
        let loaded = study::check(&files);
        for p in &loaded.problems {
            prop_assert!(p.location.line >= 1);
            prop_assert!(!p.hint.is_empty());
        }
    }

    #[test]
    fn code_files_round_trip(h in header(), body in "\\PC{0,80}") {
        let body = body.replace("+++", "++");
        let text = code_file_text(&h, &body);
        let (h2, body2) = parse_code_file("codebook/x.md", text.as_bytes()).unwrap();
        prop_assert_eq!(&h2, &h);
        prop_assert_eq!(code_file_text(&h2, &body2), text);
    }

    #[test]
    fn coding_files_round_trip(codings in proptest::collection::vec(coding(), 0..10)) {
        let text = codings_text(&codings);
        let (items, problems) = parse_jsonl::<Coding>("c", text.as_bytes(), "");
        prop_assert!(problems.is_empty());
        let again: Vec<Coding> = items.into_iter().map(|(_, c)| c).collect();
        prop_assert_eq!(codings_text(&again), text);
    }

    #[test]
    fn decision_logs_round_trip(decisions in proptest::collection::vec(decision(), 0..6)) {
        let text = decisions_text(&decisions);
        let (items, problems) = parse_jsonl::<Decision>("d", text.as_bytes(), "");
        prop_assert!(problems.is_empty());
        let again: Vec<Decision> = items.into_iter().map(|(_, d)| d).collect();
        prop_assert_eq!(&again, &decisions);
        prop_assert_eq!(decisions_text(&again), text);
    }
}
