//! The review screen's behaviour as a pure function: key sequences in,
//! state and effects out, on the bundled sample study.

#[path = "common/screen.rs"]
mod screen;

use concord::align::UnitClass;
use concord::review::{Choice, Standing};
use concord::study::{Action as DecisionAction, Decision};
use concord::tui::data::ReviewData;
use concord::tui::state::{Pane, Phase, Screen, StandingFilter, State, TreeRow};
use concord::tui::theme::Theme;
use concord::tui::update::{Action, Effect, update};
use ratatui::crossterm::event::KeyModifiers;
use screen::{opened, press};

fn loaded() -> State {
    let study = concord::study::check(&concord::sample::sample_study()).study;
    let (state, effects) = opened(study, 80, 24, None);
    assert_eq!(
        effects,
        vec![
            Effect::ComputeAgreement,
            Effect::LoadHistory,
            Effect::CountAheadBehind
        ]
    );
    state
}

/// What the runtime would send back once the decisions are committed.
fn recorded(state: &mut State, effect: &Effect, id: &str) -> Vec<Decision> {
    let (unit, choice, note, replaces) = match effect {
        Effect::Decide {
            unit,
            choice,
            note,
            replaces,
        } => (unit, choice.clone(), note.clone(), replaces.clone()),
        Effect::Discuss { unit, note } => {
            let ds = vec![concord::review::decide::discussion_for(
                unit,
                id.into(),
                "Rev".into(),
                "2026-11-23T10:00:00Z".into(),
                note.clone(),
            )];
            update(
                state,
                Action::Recorded {
                    transcript: unit.transcript.to_string(),
                    decisions: ds.clone(),
                    commit: "abc1234".into(),
                    summary: "needs discussion".into(),
                    reload: false,
                },
            );
            return ds;
        }
        Effect::Undo { unit, decision } => {
            let revert = concord::review::revert_of(
                decision,
                id.into(),
                "Rev".into(),
                "2026-11-23T10:00:00Z".into(),
            );
            let ds = vec![revert];
            update(
                state,
                Action::Recorded {
                    transcript: unit.transcript.to_string(),
                    decisions: ds.clone(),
                    commit: "abc1234".into(),
                    summary: "undo".into(),
                    reload: false,
                },
            );
            return ds;
        }
        other => panic!("not a decision: {other:?}"),
    };
    let mut ds = Vec::new();
    if let Some(old) = replaces {
        ds.push(concord::review::revert_of(
            &old,
            format!("{id}-r"),
            "Rev".into(),
            "2026-11-23T10:00:00Z".into(),
        ));
    }
    ds.push(concord::review::decision_for(
        unit,
        &choice,
        id.into(),
        "Rev".into(),
        "2026-11-23T10:00:00Z".into(),
        note,
    ));
    update(
        state,
        Action::Recorded {
            transcript: unit.transcript.to_string(),
            decisions: ds.clone(),
            commit: "abc1234".into(),
            summary: "decided".into(),
            reload: false,
        },
    );
    ds
}

#[test]
fn opens_on_the_codebook_with_groups_unfolded() {
    let state = loaded();
    assert_eq!(state.phase, Phase::Ready);
    assert_eq!(state.focus, Pane::Codebook);
    let rows = state.tree_rows();
    assert_eq!(rows[0], TreeRow::AllCodes);
    // 3 groups and their 10 constructs show; subconstructs are folded away.
    assert_eq!(rows.len(), 1 + 3 + 10);
}

#[test]
fn keys_wait_while_the_study_loads() {
    let mut state = State::new("S".into(), "R".into(), "main".into(), Theme::plain());
    assert!(press(&mut state, "]1").is_empty());
    assert!(state.unit.is_none());
    press(&mut state, "q");
    assert!(state.quitting, "q works even while loading");
}

#[test]
fn next_open_disagreement_then_open_and_back() {
    let mut state = loaded();
    press(&mut state, "]");
    let first = state.unit.expect("a unit is selected");
    let data = state.data.as_ref().unwrap();
    assert!(data.standings[first].is_open());
    assert_ne!(data.units[first].class, UnitClass::Agreement);
    assert_eq!(state.focus, Pane::Units);
    press(&mut state, "\n");
    assert_eq!(state.screen, Screen::Unit);
    press(&mut state, "]");
    assert!(
        state.unit.unwrap() > first,
        "] moves forward through the study"
    );
    press(&mut state, "[");
    assert_eq!(state.unit, Some(first));
    press(&mut state, "\x1b");
    assert_eq!(state.screen, Screen::Browse);
}

#[test]
fn one_key_decides_and_the_unit_is_done_only_once_committed() {
    let mut state = loaded();
    press(&mut state, "]\n");
    let unit = state.unit.unwrap();
    let open_before = state.data.as_ref().unwrap().open_count();
    let effects = press(&mut state, "1");
    assert_eq!(effects.len(), 1);
    let Effect::Decide {
        choice, replaces, ..
    } = &effects[0]
    else {
        panic!()
    };
    assert_eq!(*choice, Choice::Accept("coder-a".into()));
    assert!(replaces.is_none());
    // Not done yet: the commit is in flight, and a second key does nothing.
    assert!(state.data.as_ref().unwrap().standings[unit].is_open());
    assert!(press(&mut state, "2").is_empty());
    recorded(&mut state, &effects[0], "d-1");
    let data = state.data.as_ref().unwrap();
    assert_eq!(data.standings[unit], Standing::Decided("d-1".into()));
    assert_eq!(data.open_count(), open_before - 1);
    assert!(state.pending.is_empty());
    assert_eq!(state.last_commit.as_deref(), Some("abc1234"));
}

#[test]
fn deciding_again_replaces_the_decision() {
    let mut state = loaded();
    // A: stay on the unit after deciding (the default goes on to the next).
    press(&mut state, "]\nA");
    let e = press(&mut state, "x");
    recorded(&mut state, &e[0], "d-1");
    let e = press(&mut state, "b");
    let Effect::Decide {
        choice, replaces, ..
    } = &e[0]
    else {
        panic!()
    };
    assert_eq!(*choice, Choice::Union);
    assert_eq!(replaces.as_ref().map(|d| d.id.as_str()), Some("d-1"));
}

#[test]
fn undo_reverts_the_last_decision_of_the_session() {
    let mut state = loaded();
    press(&mut state, "]\n");
    let unit = state.unit.unwrap();
    let e = press(&mut state, "1");
    recorded(&mut state, &e[0], "d-1");
    let e = press(&mut state, "u");
    let Effect::Undo { decision, .. } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(decision.id, "d-1");
    let ds = recorded(&mut state, &e[0], "d-2");
    assert_eq!(ds[0].action, DecisionAction::Revert);
    assert_eq!(state.data.as_ref().unwrap().standings[unit], Standing::Open);
    assert!(press(&mut state, "u").is_empty(), "nothing left to undo");
}

#[test]
fn a_note_goes_with_the_decision() {
    let mut state = loaded();
    press(&mut state, "]\nA");
    let unit = state.unit.unwrap();
    // A note on an open unit is recorded at once, as a discussion line: never lost.
    let e = press(&mut state, "cB keeps the whole turn\n");
    let Effect::Discuss { note, .. } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(note, "B keeps the whole turn");
    let ds = recorded(&mut state, &e[0], "d-0");
    assert_eq!(ds[0].action, DecisionAction::Discuss);
    assert_eq!(
        state.data.as_ref().unwrap().standings[unit],
        Standing::Discussion("d-0".into())
    );
    // The decision made later carries the note.
    let e = press(&mut state, "2");
    let Effect::Decide { note, choice, .. } = &e[0] else {
        panic!()
    };
    assert_eq!(note, "B keeps the whole turn");
    assert_eq!(*choice, Choice::Accept("coder-b".into()));
    recorded(&mut state, &e[0], "d-1");
    // A note on a decided unit re-records the same choice with the note.
    let e = press(&mut state, "cmore\n");
    let Effect::Decide {
        note,
        choice,
        replaces,
        ..
    } = &e[0]
    else {
        panic!()
    };
    assert_eq!(note, "more");
    assert_eq!(*choice, Choice::Accept("coder-b".into()));
    assert!(replaces.is_some());
}

#[test]
fn escape_cancels_a_prompt_without_deciding() {
    let mut state = loaded();
    press(&mut state, "]\n");
    assert!(press(&mut state, "cxyz\x1b").is_empty());
    assert!(press(&mut state, "dxyz\x1b").is_empty());
    assert!(state.prompt.is_none());
    assert!(state.drafts.is_empty());
}

#[test]
fn decision_keys_need_a_unit() {
    let mut state = loaded();
    assert!(press(&mut state, "1bx").is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("select a unit")
    );
    // There is no coder 9 in a two-coder study.
    press(&mut state, "]");
    assert!(press(&mut state, "9").is_empty());
    assert!(state.message.as_ref().unwrap().text.contains("no coder 9"));
}

#[test]
fn search_finds_codes_then_text() {
    let mut state = loaded();
    press(&mut state, "/maintenance\n");
    assert_eq!(state.scope().as_deref(), Some("se-maintenance"));
    // Text that is no code's name is looked for in the units.
    press(&mut state, "/car park\n");
    let data = state.data.as_ref().unwrap();
    let u = &data.units[state.unit.expect("a unit matched")];
    let text = concord::study::text::char_slice(
        &data.study.transcript(&u.transcript).unwrap().text,
        u.start,
        u.end,
    )
    .unwrap();
    assert!(text.to_lowercase().contains("car park"), "{text}");
}

#[test]
fn filters_and_folding_change_what_is_listed() {
    let mut state = loaded();
    let open = state.visible_units().len();
    press(&mut state, "f");
    assert_eq!(state.filter, StandingFilter::Discussion);
    assert!(state.visible_units().is_empty());
    press(&mut state, "f");
    assert_eq!(state.filter, StandingFilter::Decided);
    assert!(state.visible_units().is_empty());
    press(&mut state, "f");
    assert_eq!(state.filter, StandingFilter::All);
    assert!(
        state.visible_units().len() > open,
        "agreements show under all"
    );
    press(&mut state, "t");
    let data = state.data.as_ref().unwrap();
    assert!(
        state
            .visible_units()
            .iter()
            .all(|&i| data.units[i].class == UnitClass::Boundary)
    );
    // Fold the first group: its constructs disappear.
    let before = state.tree_rows().len();
    press(&mut state, "j ");
    assert_eq!(state.tree_rows().len(), before - 5);
}

#[test]
fn a_codes_units_are_its_subtrees() {
    let mut state = loaded();
    press(&mut state, "/Self-efficacy\n");
    assert_eq!(state.scope().as_deref(), Some("se"));
    let data = state.data.as_ref().unwrap();
    for i in state.visible_units() {
        assert!(
            data.units[i]
                .excerpts
                .iter()
                .any(|e| e.code.starts_with("se-"))
        );
    }
}

#[test]
fn edit_moves_a_boundary_and_records_a_custom_result() {
    let mut state = loaded();
    press(&mut state, "]\n");
    press(&mut state, "e");
    let start = state.edit.as_ref().unwrap().spans[0].start;
    press(&mut state, "ll");
    assert_eq!(state.edit.as_ref().unwrap().spans[0].start, start + 2);
    press(&mut state, "w");
    assert!(state.edit.as_ref().unwrap().spans[0].start > start + 2);
    let e = press(&mut state, "\n");
    let Effect::Decide {
        choice: Choice::Custom(spans),
        ..
    } = &e[0]
    else {
        panic!("{e:?}")
    };
    assert!(spans[0].start > start + 2);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut state = loaded();
    press(&mut state, "?");
    assert!(state.help);
    assert!(
        press(&mut state, "1").is_empty(),
        "keys do not act through the help"
    );
    assert!(!state.help);
    press(&mut state, "q");
    assert!(state.quitting);
}

#[test]
fn a_signal_quits() {
    let mut state = loaded();
    update(&mut state, Action::Quit);
    assert!(state.quitting);
}

#[test]
fn a_click_selects_and_a_second_click_opens() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut state = loaded();
    update(
        &mut state,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let click = |x: u16, y: u16| {
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Row 3 of the codebook (inside its border): the second construct.
    update(&mut state, click(5, 3));
    assert_eq!(state.tree_cursor, 2);
    assert_eq!(state.focus, Pane::Codebook);
    // Back to all codes, then the first unit in the units pane.
    update(&mut state, click(5, 1));
    update(&mut state, click(50, 1));
    assert_eq!(state.focus, Pane::Units);
    let first = state.visible_units()[0];
    assert_eq!(state.unit, Some(first));
    update(&mut state, click(50, 1));
    assert_eq!(state.screen, Screen::Unit);
}

#[test]
fn another_reviewers_decision_reloads_and_keeps_the_place() {
    let mut state = loaded();
    press(&mut state, "]\n");
    let unit_id = state.data.as_ref().unwrap().units[state.unit.unwrap()]
        .id
        .clone();
    let effects = update(
        &mut state,
        Action::RecordFailed {
            unit: unit_id.to_string(),
            error: "decided meanwhile".into(),
            reload: true,
        },
    );
    assert_eq!(effects, vec![Effect::Reload]);
    assert!(state.pending.is_empty());
    // The reload comes back behind the screen: same unit selected, no loading screen.
    update(&mut state, Action::Progress("reading files".into()));
    assert_eq!(state.phase, Phase::Ready);
    let study = concord::study::check(&concord::sample::sample_study()).study;
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(ReviewData::build(study, 0)),
            last_commit: None,
        },
    );
    let data = state.data.as_ref().unwrap();
    assert_eq!(data.units[state.unit.unwrap()].id, unit_id);
    assert_eq!(state.screen, Screen::Unit);
}

#[test]
fn counts_kept_in_step_equal_counts_made_afresh() {
    let mut state = loaded();
    // Decide three units, undo one, replace another.
    let mut n = 0;
    for keys in ["]\n1", "]b", "]x"] {
        let e = press(&mut state, keys);
        n += 1;
        recorded(&mut state, &e[0], &format!("d-{n}"));
    }
    let e = press(&mut state, "u");
    recorded(&mut state, &e[0], "d-u");
    let e = press(&mut state, "[2");
    recorded(&mut state, &e[0], "d-again");
    let kept = state.data.as_ref().unwrap();
    let afresh = ReviewData::build(kept.study.clone(), 0);
    assert_eq!(kept.standings, afresh.standings);
    assert_eq!(kept.open_count(), afresh.open_count());
    assert_eq!(kept.decided_count(), afresh.decided_count());
    assert!(kept.decided_count() >= 2);
    for code in &kept.study.codebook.codes {
        assert_eq!(
            kept.counts(code.id()),
            afresh.counts(code.id()),
            "{}",
            code.id()
        );
    }
}

/// Press a key that has no character (End, PgDn, arrows).
fn key(state: &mut State, code: ratatui::crossterm::event::KeyCode) -> Vec<Effect> {
    update(
        state,
        Action::Key(ratatui::crossterm::event::KeyEvent::new(
            code,
            KeyModifiers::NONE,
        )),
    )
}

#[test]
fn the_picker_reaches_the_last_code_and_keeps_it_in_view() {
    use ratatui::crossterm::event::KeyCode;
    let mut state = loaded();
    press(&mut state, "]\nep");
    let codebook = state.data.as_ref().unwrap().study.codebook.clone();
    let last = codebook
        .codes
        .iter()
        .rev()
        .find(|c| c.header.codable)
        .unwrap();
    // Down past the bottom of the window: the window follows the cursor.
    for _ in 0..40 {
        key(&mut state, KeyCode::Down);
    }
    let picker = state.picker.as_ref().unwrap();
    let rows = concord::tui::layout::picker_rows(80, 24);
    let all = picker.candidates(&codebook);
    assert_eq!(all[picker.selected].id, last.id());
    assert!(picker.window(&all, rows).contains(&picker.selected));
    key(&mut state, KeyCode::Enter);
    let edit = state.edit.as_ref().unwrap();
    assert_eq!(edit.spans[edit.selected].code, last.id());
    // Home goes back to the first, in codebook order.
    press(&mut state, "p");
    key(&mut state, KeyCode::End);
    key(&mut state, KeyCode::Home);
    let first = codebook.codes.iter().find(|c| c.header.codable).unwrap();
    assert_eq!(
        state.picker.as_ref().unwrap().chosen(&codebook).as_deref(),
        Some(first.id())
    );
}

/// The sample study with one more decision by `who` on unit `k`.
fn study_with_decision_by(state: &State, k: usize, who: &str) -> concord::study::Study {
    let data = state.data.as_ref().unwrap();
    let mut study = data.study.clone();
    let unit = &data.units[k];
    let d = concord::review::decision_for(
        unit,
        &Choice::Union,
        format!("d-other-{k}"),
        format!("{who} <{}@example.org>", who.to_lowercase()),
        "2026-11-23T11:00:00Z".into(),
        String::new(),
    );
    match study
        .decisions
        .iter_mut()
        .find(|f| f.transcript == unit.transcript)
    {
        Some(f) => {
            f.decisions.push(d);
            f.lines.push(f.lines.len() + 1);
        }
        None => study.decisions.push(concord::study::DecisionFile {
            transcript: unit.transcript.to_string(),
            decisions: vec![d],
            lines: vec![1],
        }),
    }
    study
}

#[test]
fn a_change_on_disk_reloads_behind_the_screen_and_says_what_came_in() {
    let mut state = loaded();
    press(&mut state, "]]\n");
    let here = state.unit.unwrap();
    let here_id = state.data.as_ref().unwrap().units[here].id.clone();
    let other = state
        .data
        .as_ref()
        .unwrap()
        .units
        .iter()
        .position(|u| u.class != UnitClass::Agreement && u.id != here_id);
    let effects = update(&mut state, Action::StudyChanged);
    assert_eq!(effects, vec![Effect::Reload]);
    // A second change while reading: no second read at once, one after.
    assert!(update(&mut state, Action::StudyChanged).is_empty());
    let study = study_with_decision_by(&state, other.unwrap(), "Ann");
    let effects = update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(ReviewData::build(study.clone(), 0)),
            last_commit: None,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::Reload, Effect::CountAheadBehind],
        "{effects:?}"
    );
    let data = state.data.as_ref().unwrap();
    assert_eq!(data.units[state.unit.unwrap()].id, here_id, "the same unit");
    assert_eq!(state.screen, Screen::Unit);
    assert_eq!(
        data.standings[other.unwrap()],
        Standing::Decided(format!("d-other-{}", other.unwrap()))
    );
    let said = &state.message.as_ref().unwrap().text;
    assert_eq!(said, "came in: 1 decision by Ann");
    // Decisions only: the figures need not be computed again.
    assert!(!effects.contains(&Effect::ComputeAgreement));
}

#[test]
fn a_change_while_committing_waits_for_the_commit() {
    let mut state = loaded();
    // A: stay on the unit once decided, to look at it after the reload.
    press(&mut state, "]\nA");
    let e = press(&mut state, "1");
    assert!(update(&mut state, Action::StudyChanged).is_empty());
    let Effect::Decide { unit, .. } = &e[0] else {
        panic!()
    };
    let d = concord::review::decision_for(
        unit,
        &Choice::Accept("coder-a".into()),
        "d-1".into(),
        "Rev".into(),
        "t".into(),
        String::new(),
    );
    let effects = update(
        &mut state,
        Action::Recorded {
            transcript: unit.transcript.to_string(),
            decisions: vec![d.clone()],
            commit: "abc1234".into(),
            summary: "decided".into(),
            reload: false,
        },
    );
    assert_eq!(effects, vec![Effect::Reload, Effect::CountAheadBehind]);
    // The reload read the commit too: it is one decision, not a conflict.
    let with_it = state.data.as_ref().unwrap().study.clone();
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(ReviewData::build(with_it, 0)),
            last_commit: None,
        },
    );
    let i = state.unit.unwrap();
    std::sync::Arc::make_mut(state.data.as_mut().unwrap())
        .apply_recorded(&unit.transcript, std::slice::from_ref(&d));
    assert_eq!(
        state.data.as_ref().unwrap().standings[i],
        Standing::Decided("d-1".into())
    );
}

#[test]
fn r_says_what_the_reload_found_instead_of_reading_forever() {
    let mut state = loaded();
    let effects = press(&mut state, "R");
    assert_eq!(effects, vec![Effect::Reload]);
    let study = state.data.as_ref().unwrap().study.clone();
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(ReviewData::build(study, 0)),
            last_commit: None,
        },
    );
    let said = &state.message.as_ref().unwrap().text;
    assert!(!said.contains("reading"), "{said}");
    assert_eq!(said, "read the study again: nothing new");
}

#[test]
fn a_failed_reload_keeps_the_screen() {
    let mut state = loaded();
    press(&mut state, "]\n");
    update(&mut state, Action::StudyChanged);
    update(
        &mut state,
        Action::LoadFailed("codings/a/fg1.jsonl: busy".into()),
    );
    assert_eq!(state.phase, Phase::Ready);
    assert_eq!(state.screen, Screen::Unit);
    assert!(state.message.as_ref().unwrap().text.contains("busy"));
}

#[test]
fn d_marks_a_unit_for_discussion_shown_and_filtered() {
    let mut state = loaded();
    press(&mut state, "]");
    let unit = state.unit.unwrap();
    let e = press(&mut state, "dask Priya at the meeting\n");
    let Effect::Discuss { note, .. } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(note, "ask Priya at the meeting");
    recorded(&mut state, &e[0], "d-m");
    let data = state.data.as_ref().unwrap();
    assert_eq!(data.standings[unit], Standing::Discussion("d-m".into()));
    assert!(data.standings[unit].is_open(), "still in the queue");
    // The ⚑ filter shows it, and only it.
    press(&mut state, "f");
    assert_eq!(state.filter, StandingFilter::Discussion);
    assert_eq!(state.visible_units(), vec![unit]);
    // u takes the mark back.
    let e = press(&mut state, "u");
    let Effect::Undo { decision, .. } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(decision.id, "d-m");
}

#[test]
fn quitting_with_something_unsaved_asks_first() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    let mut state = loaded();
    press(&mut state, "]\n");
    // A commit in flight: q asks; any other key stays.
    let e = press(&mut state, "1");
    press(&mut state, "q");
    assert!(!state.quitting);
    assert!(
        state
            .confirm_quit
            .as_deref()
            .unwrap()
            .contains("commit in flight")
    );
    press(&mut state, "n");
    assert!(!state.quitting && state.confirm_quit.is_none());
    recorded(&mut state, &e[0], "d-1");
    // A note being typed: Ctrl-C asks, Enter saves the note and quits.
    press(&mut state, "]cto discuss");
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(
        state
            .confirm_quit
            .as_deref()
            .unwrap()
            .contains("note being typed")
    );
    let e = press(&mut state, "\n");
    assert!(state.quitting);
    let Effect::Discuss { note, .. } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(note, "to discuss");
    // Nothing unsaved: q quits at once.
    let mut state = loaded();
    press(&mut state, "q");
    assert!(state.quitting);
}

#[test]
fn a_hang_up_while_typing_a_note_records_the_note() {
    let mut state = loaded();
    press(&mut state, "]\ncnot lost");
    let e = update(&mut state, Action::Quit);
    assert!(state.quitting);
    let Effect::Discuss { note, .. } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(note, "not lost");
    assert!(!state.pending.is_empty(), "the loop waits for its commit");
}

#[test]
fn the_agreement_view_is_a_list_with_its_own_cursor_sort_and_drill_down() {
    use concord::tui::agreement_list::{SortBy, body_rows};
    let mut state = loaded();
    // The codebook cursor does not move the agreement view's rows any more.
    press(&mut state, "jjj");
    press(&mut state, "a");
    assert_eq!(state.screen, Screen::Agreement);
    assert_eq!((state.agreement_cursor, state.agreement_scroll), (0, 0));
    let rows = concord::tui::update::agreement_rows(&state);
    assert!(
        rows.len() > body_rows(24, 2),
        "the list is longer than the screen"
    );
    press(&mut state, "G");
    assert_eq!(state.agreement_cursor, rows.len() - 1);
    assert_eq!(state.agreement_scroll, rows.len() - body_rows(24, 2));
    press(&mut state, "k");
    assert_eq!(
        state.agreement_scroll,
        rows.len() - body_rows(24, 2),
        "the window moves only when the cursor leaves it"
    );
    press(&mut state, "g");
    assert_eq!((state.agreement_cursor, state.agreement_scroll), (0, 0));
    // s: by kappa, lowest first; only codes with figures, undefined last.
    let agreement =
        concord::tui::data::AgreementSummary::compute(&state.data.as_ref().unwrap().study);
    update(
        &mut state,
        Action::AgreementReady(Box::new(agreement.clone())),
    );
    press(&mut state, "s");
    assert_eq!(state.agreement_sort, SortBy::Kappa);
    let sorted = concord::tui::update::agreement_rows(&state);
    let kappas: Vec<f64> = sorted
        .iter()
        .filter_map(|id| agreement.of(Some(id)).and_then(|f| f.character_kappa))
        .collect();
    assert!(kappas.windows(2).all(|w| w[0] <= w[1]), "{kappas:?}");
    // Enter on a code: its open disagreements in the units pane.
    press(&mut state, "g");
    let code = concord::tui::update::agreement_rows(&state)[0].clone();
    press(&mut state, "\n");
    assert_eq!(state.screen, Screen::Browse);
    assert_eq!(state.focus, Pane::Units);
    assert_eq!(state.scope().as_deref(), Some(code.as_str()));
    assert_eq!(state.filter, StandingFilter::Open);
    let data = state.data.as_ref().unwrap();
    let listed = state.visible_units();
    assert!(!listed.is_empty());
    for &i in &listed {
        assert!(data.standings[i].is_open());
        assert!(data.units[i].excerpts.iter().any(|e| e.code == code));
    }
    assert_eq!(state.unit, Some(listed[0]));
}

#[test]
fn the_difference_pane_scrolls_and_starts_at_the_top_on_another_unit() {
    let mut state = loaded();
    let data = state.data.as_ref().unwrap();
    let code = data
        .units
        .iter()
        .position(|u| u.class == UnitClass::Code)
        .unwrap();
    state.unit = Some(code);
    state.screen = Screen::Unit;
    press(&mut state, "JJ");
    assert_eq!(state.difference_scroll, 6);
    press(&mut state, "K");
    assert_eq!(state.difference_scroll, 3);
    press(&mut state, "]");
    assert_eq!(state.difference_scroll, 0, "another unit starts at the top");
}
