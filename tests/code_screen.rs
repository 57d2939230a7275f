//! The coding screen as a function: keys into the pure `update`, effects
//! out, and the screen drawn by `view` (snapshots at 80x24 and 120x40).

use concord::repo::record_codings::CodingChange;
use concord::study::{Done, Study};
use concord::tui::code::state::{CodeState, Mode};
use concord::tui::code::update::{CodeAction, CodeEffect, update};
use concord::tui::code::view::view;
use concord::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

fn sample() -> Study {
    concord::study::check(&concord::sample::sample_study()).study
}

fn opened(study: Study, coder: &str, w: u16, h: u16) -> CodeState {
    let mut s = CodeState::new(study, coder, Theme::plain());
    update(
        &mut s,
        CodeAction::Resize {
            width: w,
            height: h,
        },
    );
    update(
        &mut s,
        CodeAction::FreshIds((1..=40).map(|i| format!("c-new-{i}")).collect()),
    );
    s
}

fn press(state: &mut CodeState, keys: &str) -> Vec<CodeEffect> {
    let mut fx = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        fx.extend(update(
            state,
            CodeAction::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        ));
    }
    fx.retain(|e| !matches!(e, CodeEffect::WantIds(_)));
    fx
}

fn render(state: &CodeState, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn records(fx: &[CodeEffect]) -> Vec<&CodingChange> {
    fx.iter()
        .flat_map(|e| match e {
            CodeEffect::Record { changes, .. } => changes.iter().collect(),
            _ => vec![],
        })
        .collect()
}

fn text(state: &CodeState, s: usize, e: usize) -> String {
    state.open.as_ref().unwrap().chars[s..e].iter().collect()
}

#[test]
fn a_coder_selects_by_words_codes_twice_memos_adjusts_deletes_and_undoes() {
    let mut s = opened(sample(), "coder-a", 120, 40);
    // Down three turns to "MOD: Okay, ...", a word on (past the label), then select three words.
    press(&mut s, "}}}w");
    assert_eq!(text(&s, s.cursor, s.cursor + 4), "Okay");
    press(&mut s, "vwww");
    let (start, end) = s.selection().unwrap();
    assert_eq!(text(&s, start, end), "Okay, I think");

    let fx = press(&mut s, "\nbond\n");
    let added = records(&fx);
    assert!(
        matches!(added[..], [CodingChange::Add(c)] if c.code == "ta-bond" && c.quote == "Okay, I think" && c.start == start)
    );
    // The selection stays: a second code on the same span.
    let fx = press(&mut s, "\ngoals\n");
    assert!(
        matches!(records(&fx)[..], [CodingChange::Add(c)] if c.code == "ta-goals" && (c.start, c.end) == (start, end))
    );
    let own = &s.open.as_ref().unwrap().own;
    assert_eq!(
        own.iter()
            .filter(|c| (c.start, c.end) == (start, end))
            .count(),
        2
    );
    assert!(render(&s, 120, 40).contains("Agreement on goals and tasks"));

    // A memo on the focused coding: same id, new memo.
    press(&mut s, "\x1b");
    let focused = s.focus.clone().unwrap();
    let fx = press(&mut s, "mwhy hedge?\n");
    assert!(
        matches!(records(&fx)[..], [CodingChange::Replace { was, now }] if was.id == focused && now.id == focused && now.memo == "why hedge?")
    );

    // Adjust its end a word further: a new coding (new id) on the new text.
    let fx = press(&mut s, "re\n");
    let [CodingChange::Replace { was, now }] = records(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(was.id, focused);
    assert_ne!(now.id, focused, "new boundaries are a new coding");
    assert_eq!((now.start, now.end - 1 > was.end), (start, true));
    assert_eq!(now.quote, text(&s, now.start, now.end));
    assert_eq!(now.memo, "why hedge?");

    // Delete it, then undo: the same coding comes back.
    let gone = now.clone();
    let fx = press(&mut s, "x");
    assert!(matches!(records(&fx)[..], [CodingChange::Remove(c)] if *c == gone));
    assert!(!s.open.as_ref().unwrap().own.contains(&gone));
    let fx = press(&mut s, "u");
    assert!(matches!(records(&fx)[..], [CodingChange::Add(c)] if *c == gone));
    assert!(s.open.as_ref().unwrap().own.contains(&gone));

    // Done: one effect, and the screen says so once recorded.
    let fx = press(&mut s, "D");
    assert_eq!(
        fx,
        vec![CodeEffect::MarkDone {
            transcript: "fg1".into()
        }]
    );
    update(
        &mut s,
        CodeAction::DoneRecorded {
            mark: Done {
                transcript: "fg1".into(),
                at: "2026-12-01T10:00:00Z".into(),
                commit: "0".repeat(40),
            },
            commit: "abc1234".into(),
        },
    );
    assert!(render(&s, 120, 40).contains("· done"));
    // Six changes were asked to be committed and none has come back yet:
    // the screen would not quit until they have.
    assert_eq!(s.in_flight, 6);
    press(&mut s, "q");
    assert!(s.quitting);
}

#[test]
fn by_batch_changes_wait_and_go_in_one_commit() {
    let mut s = opened(sample(), "coder-a", 80, 24);
    press(&mut s, "B");
    let fx = press(&mut s, "}}}wvwww\nbond\n\ngoals\n");
    assert!(records(&fx).is_empty(), "nothing committed yet");
    assert!(render(&s, 80, 24).contains("2 waiting"));
    let fx = press(&mut s, "s");
    assert!(
        matches!(&fx[..], [CodeEffect::Record { transcript, changes, .. }] if transcript == "fg1" && changes.len() == 2)
    );
    // Quitting commits what waits first.
    press(&mut s, "\x1b}}t\nbond\n");
    let fx = press(&mut s, "q");
    assert!(matches!(&fx[..], [CodeEffect::Record { changes, .. }] if changes.len() == 1));
    assert!(s.quitting);
}

#[test]
fn enter_on_a_turn_takes_the_turn_without_its_label() {
    let mut s = opened(sample(), "coder-a", 120, 40);
    press(&mut s, "}}}}}");
    let fx = press(&mut s, "\n");
    assert!(fx.is_empty());
    assert!(matches!(s.mode, Mode::Picking { recode: None }));
    let (a, b) = s.selection().unwrap();
    let turn = text(&s, a, b);
    assert!(turn.starts_with("Sure, I’ll go first"), "{turn}");
    assert!(!turn.contains('\n'));
}

#[test]
fn a_mouse_drag_selects() {
    let mut s = opened(sample(), "coder-a", 120, 40);
    let at = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    // Row 4 of the screen is the "MOD: Okay" line; text starts after the margin.
    update(
        &mut s,
        CodeAction::Mouse(at(MouseEventKind::Down(MouseButton::Left), 10, 4)),
    );
    update(
        &mut s,
        CodeAction::Mouse(at(MouseEventKind::Drag(MouseButton::Left), 22, 4)),
    );
    update(
        &mut s,
        CodeAction::Mouse(at(MouseEventKind::Up(MouseButton::Left), 22, 4)),
    );
    let (a, b) = s.selection().unwrap();
    assert_eq!(text(&s, a, b), "Okay, I think");
}

/// The other coder's codings at the cursor, as the side pane lists them.
fn shows_coder_b(screen: &str) -> bool {
    screen.contains("(coder-b)") || screen.contains('┊')
}

#[test]
fn a_coder_does_not_see_the_other_coders_codings_until_done() {
    let mut s = opened(sample(), "coder-a", 120, 40);
    let b_first = s
        .study
        .codings
        .iter()
        .find(|f| f.coder == "coder-b" && f.transcript == "fg1")
        .unwrap()
        .codings[0]
        .clone();
    s.cursor = b_first.start;
    let screen = render(&s, 120, 40);
    assert!(!shows_coder_b(&screen), "{screen}");
    // The whole transcript, page by page: nothing of B's.
    for _ in 0..40 {
        press(&mut s, &"j".repeat(30));
        assert!(!shows_coder_b(&render(&s, 120, 40)));
    }
    assert!(s.open.as_ref().unwrap().others.is_empty());

    update(
        &mut s,
        CodeAction::DoneRecorded {
            mark: Done {
                transcript: "fg1".into(),
                at: "2026-12-01T10:00:00Z".into(),
                commit: "0".repeat(40),
            },
            commit: "abc1234".into(),
        },
    );
    s.cursor = b_first.start;
    s.top = 0;
    press(&mut s, "l");
    let screen = render(&s, 120, 40);
    assert!(shows_coder_b(&screen), "{screen}");
}

#[test]
fn without_blind_coding_every_coder_is_shown() {
    let mut study = sample();
    study.manifest.as_mut().unwrap().coding.blind = false;
    let mut s = opened(study, "coder-a", 120, 40);
    press(&mut s, "G");
    assert!(!s.open.as_ref().unwrap().others.is_empty());
}

#[test]
fn snapshots_of_the_coding_screen() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = opened(sample(), "coder-a", w, h);
        press(&mut s, "}}}}}w");
        insta::assert_snapshot!(format!("code_start_{w}x{h}"), render(&s, w, h));
        press(&mut s, "vwww\nse");
        insta::assert_snapshot!(format!("code_picker_{w}x{h}"), render(&s, w, h));
        press(&mut s, "\x1b\x1b?");
        insta::assert_snapshot!(format!("code_help_{w}x{h}"), render(&s, w, h));
    }
}

#[test]
fn a_sentence_is_selected_whole_and_coded_without_the_space_after_it() {
    let mut s = opened(sample(), "coder-a", 120, 40);
    press(&mut s, "}}}wv)");
    let (a, b) = s.selection().unwrap();
    assert_eq!(text(&s, a, b), "Okay, I think we’re recording now.");
    // One character further (onto the space after it): the coding still ends at the full stop.
    press(&mut s, "l");
    let fx = press(&mut s, "\nbond\n");
    assert!(
        matches!(records(&fx)[..], [CodingChange::Add(c)] if c.quote == "Okay, I think we’re recording now.")
    );
}

#[test]
fn brackets_go_from_coding_to_coding() {
    let mut s = opened(sample(), "coder-a", 80, 24);
    let mut starts: Vec<usize> = s
        .open
        .as_ref()
        .unwrap()
        .own
        .iter()
        .map(|c| c.start)
        .collect();
    starts.sort();
    starts.dedup();
    press(&mut s, "]");
    assert_eq!(s.cursor, starts[0]);
    assert!(s.focused().is_some_and(|c| c.start == starts[0]));
    press(&mut s, "]]");
    assert_eq!(s.cursor, starts[2]);
    // The screen scrolled to it and lists it at the cursor.
    assert!(render(&s, 80, 24).contains("▸ ●"));
    press(&mut s, "[");
    assert_eq!(s.cursor, starts[1]);
}

/// The codebook pane's rows: the side pane from its title to "At the cursor".
fn codebook_pane(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains("Codebook (Enter codes)"))
        .expect("the codebook pane");
    let column = lines[top].chars().take_while(|c| *c != 'C').count();
    lines[top + 1..]
        .iter()
        .take_while(|l| !l.contains("At the cursor"))
        .map(|l| l.chars().skip(column).collect())
        .collect()
}

#[test]
fn the_codebook_pane_scrolls_to_the_code_at_the_cursor() {
    let study = sample();
    let order: Vec<String> = study
        .codebook
        .codes
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut s = opened(study.clone(), "coder-a", w, h);
        let screen = render(&s, w, h);
        let first = codebook_pane(&screen);
        assert!(
            first.last().is_some_and(|l| l.contains("more")),
            "the codebook is longer than the pane at {w}x{h}: {first:?}"
        );
        // The coder's coding whose code is furthest down the codebook.
        let deepest = s
            .open
            .as_ref()
            .unwrap()
            .own
            .iter()
            .max_by_key(|c| order.iter().position(|id| *id == c.code))
            .unwrap()
            .clone();
        let code = study
            .codebook
            .codes
            .iter()
            .find(|c| c.id() == deepest.code)
            .unwrap();
        let name: String = code.name().chars().take(10).collect();
        assert!(
            !first.iter().any(|l| l.contains(&name)),
            "{name} was in sight from the start at {w}x{h}: {first:?}"
        );
        let mut steps = 0;
        while s.focused().map(|c| c.id.as_str()) != Some(deepest.id.as_str()) {
            press(&mut s, "]");
            steps += 1;
            assert!(steps < 200, "] never reached {}", deepest.id);
        }
        let screen = render(&s, w, h);
        let pane = codebook_pane(&screen);
        assert!(
            pane.iter().any(|l| l.contains(&name)),
            "{name} out of sight at {w}x{h}: {pane:?}"
        );
        assert!(
            pane[0].contains("↑") && pane[0].contains("more"),
            "{pane:?}"
        );
        insta::assert_snapshot!(format!("code_codebook_scrolled_{w}x{h}"), screen);
    }
}

#[test]
fn changing_a_codings_code_keeps_its_span_and_undo_brings_the_old_code_back() {
    let mut s = opened(sample(), "coder-a", 120, 40);
    press(&mut s, "]");
    let was = s.focused().unwrap().clone();
    let fx = press(&mut s, "cgoals\n");
    let [CodingChange::Replace { was: w, now }] = records(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(w, &was);
    assert_eq!(now.code, "ta-goals");
    assert_eq!(
        (now.start, now.end, &now.quote),
        (was.start, was.end, &was.quote)
    );
    assert!(render(&s, 120, 40).contains("recode"));
    let fx = press(&mut s, "u");
    assert!(
        matches!(records(&fx)[..], [CodingChange::Replace { now, .. }] if *now == was),
        "{fx:?}"
    );
}

#[test]
fn a_coding_whose_text_was_edited_is_listed_for_the_coder() {
    let mut study = sample();
    // The transcript edited under coder-a's first coding (as `concord reanchor` leaves one).
    let file = study
        .codings
        .iter_mut()
        .find(|f| f.coder == "coder-a" && f.transcript == "fg1")
        .unwrap();
    file.codings.sort_by_key(|c| c.start);
    file.codings[0].quote = format!("{} (before the edit)", file.codings[0].quote);
    let mut s = opened(study, "coder-a", 120, 40);
    let screen = render(&s, 120, 40);
    assert!(screen.contains("1 need you (text changed)"), "{screen}");
    press(&mut s, "]");
    let screen = render(&s, 120, 40);
    assert!(screen.contains("text changed: needs you"), "{screen}");
}

#[test]
fn a_memo_or_a_recode_keeps_the_selection_another_tool_gave_the_coding() {
    // Every coding of coder-a came from another tool (a REFI-QDA import):
    // the selection's GUIDs and its name (qc's `line:N`) are in `refi`.
    let mut study = sample();
    for f in study.codings.iter_mut().filter(|f| f.coder == "coder-a") {
        for (i, c) in f.codings.iter_mut().enumerate() {
            c.refi = Some(Box::new(concord::study::SelectionIds {
                selection: format!("SEL-{i}"),
                name: Some(format!("line:{}", i + 1)),
                coding: Some(format!("COD-{i}")),
            }));
        }
    }
    let mut s = opened(study, "coder-a", 120, 40);
    press(&mut s, "]");
    let focused = s.focused().cloned().unwrap();
    assert!(focused.refi.is_some());

    let fx = press(&mut s, "mfrom NVivo\n");
    let [CodingChange::Replace { was, now }] = records(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(now.memo, "from NVivo");
    assert_eq!(now.refi, was.refi, "a memo keeps the foreign selection");

    let fx = press(&mut s, "cgoals\n");
    let [CodingChange::Replace { was, now }] = records(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_ne!(now.code, was.code);
    assert_eq!(
        now.refi, focused.refi,
        "a recode is the same passage: an export puts it back in its selection"
    );
}
