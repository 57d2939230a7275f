//! Every screen of the review TUI, drawn with ratatui's TestBackend at
//! 80x24 and 120x40 on the sample study, compared with insta snapshots
//! (`tests/snapshots/`). Review a changed snapshot with `cargo insta review`
//! or by reading the `.snap.new` file beside it.

#[path = "common/screen.rs"]
mod screen;

use concord::align::UnitClass;
use concord::tui::data::AgreementSummary;
use concord::tui::state::{Screen, State};
use concord::tui::theme::Theme;
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

/// Snapshot the screen at both sizes; `check` asserts what a user must see.
fn screens(name: &str, setup: impl Fn(&mut State), check: impl Fn(&str)) {
    for (w, h) in SIZES {
        let mut state = loaded(w, h);
        setup(&mut state);
        let screen = render(&state, w, h);
        for line in screen.lines() {
            assert!(line.chars().count() <= w as usize);
        }
        // Shown only when a check fails (the harness captures output).
        println!("{screen}");
        check(&screen);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

/// Show the first unit of a class.
fn open_first(state: &mut State, class: UnitClass) {
    let data = state.data.as_ref().unwrap();
    let i = data.units.iter().position(|u| u.class == class).unwrap();
    state.unit = Some(i);
    state.screen = Screen::Unit;
}

#[test]
fn browse() {
    screens(
        "browse",
        |_| {},
        |s| {
            assert!(s.contains("Codebook"));
            assert!(s.contains("Intrapsychic"));
            assert!(s.contains("open"));
            assert!(
                s.contains("Helen Marsh"),
                "the reviewer shows in the status line"
            );
            assert!(s.contains("d58b8d4"), "the last decision's commit shows");
        },
    );
}

#[test]
fn browse_a_code() {
    screens(
        "browse_code",
        |s| {
            press(s, "/maintenance\n");
        },
        |s| {
            assert!(s.contains("Maintenance self-efficacy"));
            assert!(s.contains("Definition"));
            // The units pane names the code and says how many of its units show.
            assert!(s.contains("20 of 21 · Maintenance self-efficacy"));
            assert!(s.contains("match 1 of 1"));
        },
    );
}

#[test]
fn units_pane() {
    screens(
        "units",
        |s| {
            press(s, "]");
        },
        |s| {
            assert!(s.contains("fg1"));
            assert!(s.contains("boundary") || s.contains("bnd"));
        },
    );
}

#[test]
fn unit_boundary_disagreement() {
    screens(
        "unit_boundary",
        |s| open_first(s, UnitClass::Boundary),
        |s| {
            assert!(s.contains("boundary disagreement"));
            assert!(s.contains("only 1:"));
            assert!(s.contains("only 2:"));
            assert!(s.contains("Priya Raman"));
            assert!(s.contains("P01:") || s.contains("P02:") || s.contains("MOD:"));
        },
    );
}

#[test]
fn unit_code_disagreement_shows_both_definitions() {
    screens(
        "unit_code",
        |s| open_first(s, UnitClass::Code),
        |s| {
            assert!(s.contains("code disagreement"));
            assert!(s.contains("Difference"));
        },
    );
}

#[test]
fn unit_omission() {
    screens(
        "unit_omission",
        |s| open_first(s, UnitClass::Omission),
        |s| {
            assert!(s.contains("Not coded by"));
        },
    );
}

#[test]
fn unit_decided() {
    screens(
        "unit_decided",
        |s| {
            // A: stay on the decided unit (the default goes on to the next open one).
            press(s, "]\nA");
            let e = press(s, "c");
            assert!(e.is_empty());
            // The note on the open unit is committed at once (a discussion line).
            let e = press(s, "B keeps the turn\n");
            let Effect::Discuss { unit, note } = &e[0] else {
                panic!("{e:?}")
            };
            let mark = concord::review::decide::discussion_for(
                unit,
                "d-0".into(),
                "Helen Marsh <helen.marsh@example.org>".into(),
                "2026-11-23T10:00:00Z".into(),
                note.clone(),
            );
            update(
                s,
                Action::Recorded {
                    transcript: unit.transcript.to_string(),
                    decisions: vec![mark],
                    commit: "0f0f0f0".into(),
                    summary: "needs discussion".into(),
                    reload: false,
                },
            );
            let effects = press(s, "2");
            let Effect::Decide { unit, choice, .. } = &effects[0] else {
                panic!()
            };
            let d = concord::review::decision_for(
                unit,
                choice,
                "d-1".into(),
                "Helen Marsh <helen.marsh@example.org>".into(),
                "2026-11-23T10:04:00Z".into(),
                "B keeps the turn".into(),
            );
            update(
                s,
                Action::Recorded {
                    transcript: unit.transcript.to_string(),
                    decisions: vec![d],
                    commit: "1a2b3c4".into(),
                    summary: "fg1 928-1056 cost-access/availability: accept coder-b".into(),
                    reload: false,
                },
            );
        },
        |s| {
            assert!(s.contains("Decided: accepted Tom Becker"));
            assert!(s.contains("B keeps the turn"));
            assert!(s.contains("1a2b3c4"));
        },
    );
}

#[test]
fn agreement_view() {
    screens(
        "agreement",
        |s| {
            press(s, "a");
        },
        |s| {
            assert!(s.contains("Overall"));
            assert!(s.contains("char κ"));
            assert!(s.contains("Maintenance self-efficacy"));
        },
    );
}

#[test]
fn help_lists_every_key() {
    screens(
        "help",
        |s| {
            press(s, "?");
        },
        |s| {
            // At 80x24 the help is taller than the screen and says it scrolls.
            if s.lines().count() == 24 {
                assert!(s.contains("j/k scroll"));
                return;
            }
            for b in concord::tui::keymap::REVIEW {
                assert!(
                    s.contains(&concord::tui::keymap::keys_label(b.keys)),
                    "{}",
                    b.help
                );
            }
            for (symbol, _) in concord::tui::view::LEGEND {
                assert!(s.contains(symbol), "legend: {symbol}");
            }
        },
    );
    // Every key and every help text is on the help, scrolled if need be.
    for (w, h) in SIZES {
        let mut state = loaded(w, h);
        press(&mut state, "?");
        let mut seen = render(&state, w, h);
        for _ in 0..80 {
            press(&mut state, "j");
            seen.push_str(&render(&state, w, h));
        }
        assert!(state.help, "j scrolls, it does not close");
        for b in concord::tui::keymap::REVIEW.iter() {
            assert!(seen.contains(b.help), "{w}x{h}: {}", b.help);
        }
        for b in concord::tui::keymap::EDIT.iter() {
            assert!(seen.contains(b.help), "{w}x{h}: {}", b.help);
        }
    }
}

#[test]
fn edit_with_the_code_picker() {
    screens(
        "edit_picker",
        |s| {
            press(s, "]\ne+rec");
        },
        |s| {
            assert!(s.contains("Pick a code"));
            assert!(s.contains("Recovery self-efficacy"));
        },
    );
}

#[test]
fn the_picker_scrolled_to_its_last_code() {
    screens(
        "picker_last",
        |s| {
            press(s, "]\nep");
            let rows = concord::tui::layout::picker_rows(s.size.0, s.size.1);
            let len = s
                .picker
                .as_ref()
                .unwrap()
                .candidates(&s.data.as_ref().unwrap().study.codebook)
                .len();
            s.picker.as_mut().unwrap().move_by(len as isize, len, rows);
        },
        |s| {
            // The last code of the codebook, with its place in the tree.
            assert!(s.contains("▶ "), "the selection is in view");
            assert!(s.contains(" of 24"), "{s}");
        },
    );
}

#[test]
fn agreement_scrolled_to_its_last_row() {
    screens(
        "agreement_last",
        |s| {
            press(s, "aG");
        },
        |s| {
            // The last code of the codebook, the overall row and the whole legend.
            assert!(s.contains("Usability and features"), "{s}");
            assert!(s.contains("Overall"));
            assert!(s.contains("–: undefined"));
            assert!(s.contains("%"), "segment agreement as a percentage");
        },
    );
}

#[test]
fn agreement_sorted_by_kappa() {
    screens(
        "agreement_sorted",
        |s| {
            press(s, "as");
        },
        |s| {
            assert!(s.contains("κ, lowest first"));
        },
    );
}

#[test]
fn below_the_minimum_size_the_screen_says_so() {
    for (w, h) in [(60, 20), (79, 24), (80, 23)] {
        let state = loaded(w, h);
        let screen = render(&state, w, h);
        assert!(screen.contains("Terminal too small"), "{w}x{h}\n{screen}");
        assert!(screen.contains(&format!("{w}x{h} here")), "{screen}");
        if (w, h) == (60, 20) {
            insta::assert_snapshot!("too_small_60x20", screen);
        }
    }
    let state = loaded(80, 24);
    assert!(!render(&state, 80, 24).contains("Terminal too small"));
}

#[test]
fn loading() {
    for (w, h) in SIZES {
        let state = State::new(
            "Big study".into(),
            "R <r@example.org>".into(),
            "main".into(),
            Theme::plain(),
        );
        let screen = render(&state, w, h);
        assert!(screen.contains("Loading: reading the study"));
        insta::assert_snapshot!(format!("loading_{w}x{h}"), screen);
    }
}

#[test]
fn study_text_cannot_reach_the_terminal_as_commands() {
    let mut state = loaded(80, 24);
    let data = std::sync::Arc::make_mut(state.data.as_mut().unwrap());
    data.study.codebook.codes[0].header.name = "Evil\u{1b}[2J name".into();
    let screen = render(&state, 80, 24);
    assert!(!screen.contains('\u{1b}'));
    assert!(screen.contains("Evil\\x1b[2J"));
}
