//! The reviewer's screens drawn at 80x24 and 120x40 on the sample study
//! (insta snapshots in `tests/snapshots/`): the queue's place and progress,
//! the review-complete screen, filters with their count, search, the
//! legend, the key bar of each pane, the whole-transcript view, and keys
//! from the config file in the help.

#[path = "common/screen.rs"]
mod screen;

use concord::tui::data::AgreementSummary;
use concord::tui::state::State;
use concord::tui::update::{Action, Effect, update};
use screen::{opened, press, render};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn loaded(width: u16, height: u16) -> State {
    let study = concord::study::check(&concord::sample::sample_study()).study;
    let agreement = AgreementSummary::compute(&study);
    let (mut state, _) = opened(study, width, height, Some("d58b8d4"));
    update(&mut state, Action::AgreementReady(Box::new(agreement)));
    state
}

fn screens(name: &str, setup: impl Fn(&mut State), check: impl Fn(&str, u16)) {
    for (w, h) in SIZES {
        let mut state = loaded(w, h);
        setup(&mut state);
        let screen = render(&state, w, h);
        for line in screen.lines() {
            assert!(line.chars().count() <= w as usize);
        }
        println!("{screen}");
        check(&screen, w);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

/// The last line: the key bar.
fn key_bar(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

fn commit(state: &mut State, effect: &Effect, id: &str) {
    let Effect::Decide {
        unit, choice, note, ..
    } = effect
    else {
        panic!("not a decision: {effect:?}")
    };
    let d = concord::review::decision_for(
        unit,
        choice,
        id.into(),
        "Helen Marsh <helen.marsh@example.org>".into(),
        "2026-11-23T10:00:00Z".into(),
        note.clone(),
    );
    update(
        state,
        Action::Recorded {
            transcript: unit.transcript.to_string(),
            decisions: vec![d],
            commit: "1a2b3c4".into(),
            summary: "decided".into(),
            reload: false,
        },
    );
}

#[test]
fn the_key_bar_follows_the_pane() {
    for (w, h) in SIZES {
        let mut state = loaded(w, h);
        let codebook = render(&state, w, h);
        assert!(key_bar(&codebook).contains("Space fold"), "{codebook}");
        press(&mut state, "\t");
        let units = render(&state, w, h);
        assert!(key_bar(&units).contains("1..9 accept"), "{units}");
        assert!(!key_bar(&units).contains("fold"));
        press(&mut state, "\n");
        let unit = render(&state, w, h);
        assert!(key_bar(&unit).contains("e edit"), "{unit}");
        press(&mut state, "v");
        let transcript = render(&state, w, h);
        assert!(key_bar(&transcript).contains("Enter open the unit here"));
        for screen in [codebook, units, unit, transcript] {
            assert!(key_bar(&screen).ends_with("? help  q quit"), "{screen}");
        }
    }
}

#[test]
fn unit_view_says_its_place_in_the_queue() {
    screens(
        "queue_unit",
        |s| {
            press(s, "]\n]]");
        },
        |s, _| {
            assert!(s.contains("unit 3 of 208"), "{s}");
        },
    );
}

#[test]
fn progress_per_code_and_transcript() {
    screens(
        "queue_progress",
        |s| {
            // Decide two units, stay in the codebook pane on "all codes".
            press(s, "]\n");
            let e = press(s, "1");
            commit(s, &e[0], "d-1");
            let e = press(s, "b");
            commit(s, &e[0], "d-2");
            press(s, "\x1b\x1bg");
        },
        |s, _| {
            assert!(s.contains("Review: 2 of 208 settled"), "{s}");
            assert!(s.contains("fg1 2/44"), "{s}");
        },
    );
}

#[test]
fn filtered_units_with_the_count() {
    screens(
        "queue_filtered",
        |s| {
            press(s, "\tTP");
        },
        |s, w| {
            // The count first, then what the filters keep (cut at 80 columns).
            assert!(
                s.contains("44 of 348 · all codes · open, fg1, coders"),
                "{s}"
            );
            if w > 80 {
                assert!(s.contains("open, fg1, coders 1–2"), "{s}");
            }
            assert!(s.contains("44 of 348 units: fg1, Priya Raman vs Tom"));
        },
    );
}

#[test]
fn search_match_in_the_unit_view() {
    screens(
        "queue_search",
        |s| {
            press(s, "/car park\n\n");
        },
        |s, _| {
            assert!(s.contains("match 1 of"), "{s}");
            assert!(s.contains("car park"));
        },
    );
}

#[test]
fn help_scrolls_to_the_legend() {
    screens(
        "queue_help_legend",
        |s| {
            press(s, &format!("?{}", "j".repeat(80)));
        },
        |s, _| {
            assert!(s.contains("Symbols"), "{s}");
            assert!(s.contains("151/152"));
            assert!(s.contains("units open: to decide"));
            assert!(s.contains("marked for discussion"));
        },
    );
}

#[test]
fn transcript_view_with_stripes() {
    screens(
        "queue_transcript",
        |s| {
            press(s, "]v");
        },
        |s, _| {
            assert!(s.contains("fg1 · row"), "{s}");
            assert!(s.contains("▌▌ "), "both coders' stripes show");
            assert!(s.contains("stripes: 1 Priya Raman, 2 Tom Becker"));
        },
    );
}

#[test]
fn review_complete() {
    screens(
        "queue_complete",
        |s| {
            let mut n = 0;
            while s.data.as_ref().unwrap().open_count() > 0 {
                press(s, "]\n");
                let e = press(s, if n % 4 == 0 { "x" } else { "2" });
                commit(s, &e[0], &format!("d-{n}"));
                n += 1;
            }
        },
        |s, _| {
            assert!(s.contains("Review complete: all 348 units settled"), "{s}");
            assert!(s.contains("Before reconciliation"));
            assert!(s.contains("accepted Tom Becker's version"));
            assert!(s.contains("rejected (nothing coded)"));
        },
    );
}

#[test]
fn help_shows_the_keys_from_the_config_file() {
    for (w, h) in SIZES {
        let mut state = loaded(w, h);
        let (cfg, problems) =
            concord::tui::config::parse("[keys]\nnext_open = \"J\"\ntranscript_view = \"V\"\n");
        assert!(problems.is_empty());
        concord::tui::config::apply(&mut state, cfg);
        press(&mut state, "?");
        let help = render(&state, w, h);
        let line = help
            .lines()
            .find(|l| l.contains("next open disagreement"))
            .unwrap();
        assert!(line.contains(" J "), "{line}");
        assert!(!line.contains(" ] "), "{line}");
        press(&mut state, "\x1b");
        let codebook = render(&state, w, h);
        assert!(key_bar(&codebook).contains("J next open"), "{codebook}");
        assert!(key_bar(&codebook).contains("V transcript"), "{codebook}");
    }
}
