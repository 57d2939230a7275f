//! The reviewer's queue, filters, search, transcript view and keys from the
//! config file, as the pure `update` sees them, on the bundled sample study.

#[path = "common/screen.rs"]
mod screen;

use concord::align::UnitClass;
use concord::review::Standing;
use concord::study::text::char_slice;
use concord::tui::config;
use concord::tui::keymap::Command;
use concord::tui::queue;
use concord::tui::search::Match;
use concord::tui::state::{Pane, Screen, State};
use concord::tui::update::{Action, Effect, update};
use screen::{opened, press};

fn loaded() -> State {
    let study = concord::study::check(&concord::sample::sample_study()).study;
    opened(study, 80, 24, None).0
}

/// Answer a decision effect as the runtime would once it is committed.
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
        "Rev <r@example.org>".into(),
        "2026-11-23T10:00:00Z".into(),
        note.clone(),
    );
    update(
        state,
        Action::Recorded {
            transcript: unit.transcript.to_string(),
            decisions: vec![d],
            commit: "abc1234".into(),
            summary: "decided".into(),
            reload: false,
        },
    );
}

#[test]
fn the_unit_view_says_where_the_unit_is_in_the_queue() {
    let mut state = loaded();
    press(&mut state, "]\n");
    let open = state.data.as_ref().unwrap().open_count();
    assert_eq!(queue::position(&state), Some((1, open)));
    press(&mut state, "]]");
    assert_eq!(queue::position(&state), Some((3, open)));
}

#[test]
fn a_decision_goes_on_to_the_next_open_disagreement_unless_told_to_stay() {
    let mut state = loaded();
    press(&mut state, "]\n");
    let first = state.unit.unwrap();
    let e = press(&mut state, "1");
    // Nothing moves until the decision is committed.
    assert_eq!(state.unit, Some(first));
    commit(&mut state, &e[0], "d-1");
    let next = state.unit.unwrap();
    assert_ne!(next, first);
    let data = state.data.as_ref().unwrap();
    assert!(matches!(data.standings[first], Standing::Decided(_)));
    assert!(data.standings[next].is_open());
    assert_eq!(state.screen, Screen::Unit);
    assert!(
        state.message.as_ref().unwrap().text.starts_with('✓'),
        "the status line still says what was recorded"
    );
    // A: stay on the unit after deciding.
    press(&mut state, "A");
    assert!(!state.advance);
    let e = press(&mut state, "x");
    commit(&mut state, &e[0], "d-2");
    assert_eq!(state.unit, Some(next));
}

#[test]
fn deciding_the_last_open_unit_shows_the_review_complete_screen() {
    let mut state = loaded();
    let mut n = 0;
    loop {
        press(&mut state, "]");
        if state.screen == Screen::Complete {
            break;
        }
        press(&mut state, "\n");
        let e = press(&mut state, if n % 3 == 0 { "b" } else { "1" });
        commit(&mut state, &e[0], &format!("d-{n}"));
        n += 1;
        assert!(n <= 208, "the queue did not end");
        if state.screen == Screen::Complete {
            break;
        }
    }
    assert_eq!(n, 208, "every open unit was decided once");
    let data = state.data.as_ref().unwrap();
    assert_eq!(data.open_count(), 0);
    let s = queue::settlement(data);
    assert_eq!(s.decided, 208);
    let by: std::collections::HashMap<&str, usize> =
        s.by_action.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(by["took both (the union)"], 70);
    assert_eq!(by["accepted Priya Raman's version"], 138);
    assert_eq!(s.agreed + s.decided, data.units.len());
    // Esc goes back; ] comes back to it, since nothing is open.
    press(&mut state, "\x1b");
    assert_eq!(state.screen, Screen::Browse);
    press(&mut state, "]");
    assert_eq!(state.screen, Screen::Complete);
}

#[test]
fn transcript_and_pair_filters_with_the_count_shown() {
    let mut state = loaded();
    let all = state.visible_units().len();
    press(&mut state, "T");
    let data = state.data.as_ref().unwrap();
    let fg1 = state.visible_units();
    assert!(!fg1.is_empty() && fg1.len() < all);
    assert!(fg1.iter().all(|&i| data.units[i].transcript == "fg1"));
    let said = &state.message.as_ref().unwrap().text;
    assert!(
        said.starts_with(&format!("{} of {} units", fg1.len(), state.scope_units())),
        "{said}"
    );
    press(&mut state, "T");
    let data = state.data.as_ref().unwrap();
    assert!(
        state
            .visible_units()
            .iter()
            .all(|&i| data.units[i].transcript == "fg2")
    );
    // Five transcripts, then all again.
    press(&mut state, "TTTT");
    assert_eq!(state.filters.transcript, None);
    assert_eq!(state.visible_units().len(), all);
    // The pair of the two coders (among all units, F): the units where they differ.
    press(&mut state, "FP");
    assert_eq!(state.filters.pair, Some((0, 1)));
    let data = state.data.as_ref().unwrap();
    let differing = state.visible_units();
    assert!(
        differing
            .iter()
            .all(|&i| data.units[i].class != UnitClass::Agreement)
    );
    let agreed = data
        .units
        .iter()
        .filter(|u| u.class == UnitClass::Agreement)
        .count();
    assert_eq!(differing.len(), data.units.len() - agreed);
    let total = data.units.len();
    // F clears every filter (and shows all units).
    press(&mut state, "tTF");
    assert!(state.filters.is_empty() && state.class_filter.is_none());
    assert_eq!(state.visible_units().len(), total);
}

#[test]
fn a_case_variable_filter_keeps_the_transcripts_with_that_value() {
    // Without cases.toml, W says there is nothing to filter by.
    let mut state = loaded();
    press(&mut state, "W");
    assert!(state.filters.case.is_none());
    let said = &state.message.as_ref().unwrap().text;
    assert!(said.contains("no case variables"), "{said}");
    // Focus groups 1 and 3 met in the evening, the others by day.
    let mut study = concord::study::check(&concord::sample::sample_study()).study;
    study.cases = concord::study::cases::parse_cases(
        "cases.toml",
        b"[transcript.fg1]\nsession = \"evening\"\n\n[transcript.fg2]\nsession = \"day\"\n\n[transcript.fg3]\nsession = \"evening\"\n",
    )
    .unwrap();
    let mut state = opened(study, 80, 24, None).0;
    press(&mut state, "F");
    let all = state.visible_units().len();
    press(&mut state, "W");
    let data = state.data.as_ref().unwrap();
    let day = state.visible_units();
    assert!(!day.is_empty());
    assert!(day.iter().all(|&i| data.units[i].transcript == "fg2"));
    let said = &state.message.as_ref().unwrap().text;
    assert!(said.contains("session=day (1 transcript)"), "{said}");
    press(&mut state, "W");
    let data = state.data.as_ref().unwrap();
    let evening = state.visible_units();
    assert!(
        evening
            .iter()
            .all(|&i| ["fg1", "fg3"].contains(&data.units[i].transcript.as_str()))
    );
    assert!(evening.iter().any(|&i| data.units[i].transcript == "fg3"));
    // Every value once, then every transcript again.
    press(&mut state, "W");
    assert!(state.filters.case.is_none());
    assert_eq!(state.visible_units().len(), all);
}

#[test]
fn search_counts_every_match_and_steps_through_them() {
    let mut state = loaded();
    press(&mut state, "/car park\n");
    let s = state.search.clone().unwrap();
    assert!(!s.matches.is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with(&format!("match 1 of {}", s.matches.len()))
    );
    // Every text match is the query in the unit's transcript.
    let data = state.data.as_ref().unwrap();
    for m in &s.matches {
        let Match::Text { unit, start, end } = m else {
            panic!("no code is called car park")
        };
        let u = &data.units[*unit];
        let text = &data.study.transcript(&u.transcript).unwrap().text;
        assert_eq!(
            char_slice(text, *start, *end).unwrap().to_lowercase(),
            "car park"
        );
        assert!(u.start <= *start && *end <= u.end);
    }
    // The selected unit is the match's, highlighted where the query is.
    let Match::Text { unit, start, end } = s.matches[0].clone() else {
        panic!()
    };
    assert_eq!(state.unit, Some(unit));
    assert_eq!(state.focus, Pane::Units);
    assert_eq!(s.highlight(unit), Some((start, end)));
    // n and N step and wrap.
    let total = s.matches.len();
    press(&mut state, "N");
    assert_eq!(state.search.as_ref().unwrap().current, total - 1);
    press(&mut state, "n");
    assert_eq!(state.search.as_ref().unwrap().current, 0);
}

#[test]
fn search_is_the_same_from_either_pane() {
    let from_codebook = {
        let mut s = loaded();
        press(&mut s, "/therapist\n");
        s
    };
    let from_units = {
        let mut s = loaded();
        press(&mut s, "\t/therapist\n");
        s
    };
    let a = from_codebook.search.as_ref().unwrap();
    let b = from_units.search.as_ref().unwrap();
    assert_eq!(a.matches, b.matches);
    // Codes match first: both land on the same code.
    assert!(matches!(a.matches[0], Match::Code(_)));
    assert_eq!(from_codebook.scope(), from_units.scope());
    assert_eq!(from_units.focus, Pane::Codebook);
    // And text matches follow the codes.
    assert!(a.matches.iter().any(|m| matches!(m, Match::Text { .. })));
}

#[test]
fn transcript_view_covers_the_text_and_enter_opens_the_unit_there() {
    let mut state = loaded();
    press(&mut state, "]");
    let unit = state.unit.unwrap();
    press(&mut state, "v");
    assert_eq!(state.screen, Screen::Transcript);
    let data = state.data.as_ref().unwrap();
    let v = state.transcript_view.as_ref().unwrap();
    let tr = &data.study.transcripts[v.transcript];
    assert_eq!(tr.id, data.units[unit].transcript);
    // The rows are the whole text, in order, each within the width.
    let mut rebuilt = String::new();
    for (k, r) in v.rows.iter().enumerate() {
        if k > 0 && r.line_start {
            rebuilt.push('\n');
        }
        rebuilt.push_str(&tr.text[r.bytes.0..r.bytes.1]);
        assert!(r.end - r.start <= v.width);
    }
    assert!(rebuilt == tr.text, "the rows are not the transcript");
    // The cursor starts on the unit's first row, striped for its coders.
    let row = &v.rows[v.cursor];
    assert!(row.start <= data.units[unit].start && data.units[unit].start < row.end);
    let coders: Vec<usize> = data.units[unit]
        .excerpts
        .iter()
        .map(|e| data.coders.iter().position(|c| c.id == e.coder).unwrap())
        .collect();
    for c in coders {
        assert!(row.stripes[c].is_some() || v.rows[v.cursor + 1].stripes[c].is_some());
    }
    // Move off the unit to the next coded row, then Enter opens the unit there.
    press(&mut state, "G");
    let last = state.transcript_view.as_ref().unwrap().cursor;
    assert_eq!(last, state.transcript_view.as_ref().unwrap().rows.len() - 1);
    press(&mut state, "g");
    assert_eq!(state.transcript_view.as_ref().unwrap().cursor, 0);
    while concord::tui::transcript::unit_at_cursor(&state).is_none() {
        press(&mut state, "j");
    }
    let here = concord::tui::transcript::unit_at_cursor(&state).unwrap();
    press(&mut state, "\n");
    assert_eq!(state.screen, Screen::Unit);
    assert_eq!(state.unit, Some(here));
    // v, then Esc: back where the reviewer was.
    press(&mut state, "v\x1b");
    assert_eq!(state.screen, Screen::Browse);
}

#[test]
fn the_transcript_view_wraps_again_on_a_resize() {
    let mut state = loaded();
    press(&mut state, "]v");
    let narrow = state.transcript_view.as_ref().unwrap().rows.len();
    let at = {
        let v = state.transcript_view.as_ref().unwrap();
        v.rows[v.cursor].start
    };
    update(
        &mut state,
        Action::Resize {
            width: 160,
            height: 40,
        },
    );
    let v = state.transcript_view.as_ref().unwrap();
    assert!(v.rows.len() < narrow);
    let row = &v.rows[v.cursor];
    assert!(row.start <= at && at < row.end.max(row.start + 1));
}

#[test]
fn keys_from_the_config_file_are_the_keys_in_force() {
    let mut state = loaded();
    let (cfg, problems) = config::parse("[keys]\nnext_open = \"J\"\n[review]\nadvance = false\n");
    assert!(problems.is_empty(), "{problems:?}");
    config::apply(&mut state, cfg);
    assert!(!state.advance);
    press(&mut state, "]");
    assert_eq!(state.unit, None, "] is no longer bound");
    press(&mut state, "J");
    assert!(state.unit.is_some(), "J goes to the next open disagreement");
    assert_eq!(state.keymap.review_label(Command::NextOpen), "J");
    // Keys not named keep their defaults.
    press(&mut state, "\n");
    assert_eq!(state.screen, Screen::Unit);
}

#[test]
fn the_config_page_lists_every_command_name() {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/review-screen.md"
    ))
    .unwrap();
    for name in concord::tui::keys::review_names()
        .into_iter()
        .chain(concord::tui::keys::edit_names())
    {
        assert!(
            page.contains(&format!("`{name}`")),
            "docs/review-screen.md lacks `{name}`"
        );
    }
}
