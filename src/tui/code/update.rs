//! `update(&mut CodeState, CodeAction) -> Vec<CodeEffect>`, pure: keys,
//! mouse and the results of background work in, work for the effects layer
//! (commit a change, mark done, reload) out.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::repo::record_codings::CodingChange;
use crate::study::text::shorten;
use crate::study::{Coding, CodingFile, Done as DoneMark, DoneFile, Study};
use crate::tui::code::state::{CodeState, Done, Mode};
use crate::tui::code::text;
use crate::tui::code::view::{MARGIN, TOP_ROWS};
use crate::tui::picker::{CodePicker, Picked};

#[derive(Debug, Clone)]
pub enum CodeAction {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Fresh coding ids from the effects layer.
    FreshIds(Vec<String>),
    Recorded {
        commit: String,
        summary: String,
    },
    RecordFailed {
        error: String,
    },
    DoneRecorded {
        mark: DoneMark,
        commit: String,
    },
    /// The study read again (after a failed commit, to show what is on disk).
    Reloaded(Box<Study>),
    /// A hang-up or SIGTERM: commit what is pending, then leave.
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeEffect {
    /// Commit these changes to the coder's codings of `transcript`.
    Record {
        transcript: String,
        changes: Vec<CodingChange>,
        message: String,
    },
    /// Append a done mark for `transcript` and commit it.
    MarkDone { transcript: String },
    /// Read the study again.
    Reload,
    /// Hand in this many more fresh ids.
    WantIds(usize),
}

/// Fresh ids kept at hand; fewer asks for more.
pub const IDS_AT_HAND: usize = 32;

pub fn update(state: &mut CodeState, action: CodeAction) -> Vec<CodeEffect> {
    let mut fx = match action {
        CodeAction::Key(k) => on_key(state, k),
        CodeAction::Mouse(m) => {
            on_mouse(state, m);
            vec![]
        }
        CodeAction::Resize { width, height } => {
            state.width = width;
            state.height = height;
            state.relayout();
            follow(state);
            vec![]
        }
        CodeAction::FreshIds(ids) => {
            state.fresh_ids.extend(ids);
            vec![]
        }
        CodeAction::Recorded { commit, summary } => {
            state.in_flight = state.in_flight.saturating_sub(1);
            state.message = Some((format!("committed {commit}: {summary}"), false));
            vec![]
        }
        CodeAction::RecordFailed { error } => {
            state.in_flight = state.in_flight.saturating_sub(1);
            state.message = Some((format!("not committed: {error}"), true));
            vec![CodeEffect::Reload]
        }
        CodeAction::DoneRecorded { mark, commit } => {
            state.in_flight = state.in_flight.saturating_sub(1);
            let t = mark.transcript.clone();
            match state.study.done.iter_mut().find(|f| f.coder == state.coder) {
                Some(f) => f.marks.push(mark),
                None => state.study.done.push(DoneFile {
                    coder: state.coder.clone(),
                    marks: vec![mark],
                    lines: vec![],
                }),
            }
            let shown = if state.study.blind() {
                "; the other coders' codings are shown now"
            } else {
                ""
            };
            state.message = Some((format!("committed {commit}: {t} done{shown}"), false));
            reopen(state);
            vec![]
        }
        CodeAction::Reloaded(study) => {
            let keep_done = state.study.done.clone();
            state.study = *study;
            if state.study.done.is_empty() {
                state.study.done = keep_done;
            }
            reopen(state);
            vec![]
        }
        CodeAction::Quit => quit(state),
    };
    if state.fresh_ids.len() < IDS_AT_HAND / 2 && !fx.contains(&CodeEffect::WantIds(IDS_AT_HAND)) {
        fx.push(CodeEffect::WantIds(IDS_AT_HAND));
    }
    fx
}

/// Open the same transcript again, keeping the cursor.
fn reopen(state: &mut CodeState) {
    let (cursor, top) = (state.cursor, state.top);
    state.open_transcript(state.transcript);
    let len = state.open.as_ref().map_or(0, |o| o.chars.len());
    state.cursor = cursor.min(len.saturating_sub(1));
    state.top = top;
    follow(state);
}

fn quit(state: &mut CodeState) -> Vec<CodeEffect> {
    let fx = flush_batch(state);
    state.quitting = true;
    fx
}

fn on_key(state: &mut CodeState, k: KeyEvent) -> Vec<CodeEffect> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return quit(state);
    }
    if state.help {
        state.help = false;
        return vec![];
    }
    match state.mode.clone() {
        Mode::Picking { recode } => on_picker_key(state, k, recode),
        Mode::Memo { coding, mut text } => {
            match k.code {
                KeyCode::Esc => state.mode = Mode::Normal,
                KeyCode::Enter => {
                    state.mode = Mode::Normal;
                    return set_memo(state, &coding, text);
                }
                KeyCode::Backspace => {
                    text.pop();
                    state.mode = Mode::Memo { coding, text };
                }
                KeyCode::Char(c) => {
                    text.push(c);
                    state.mode = Mode::Memo { coding, text };
                }
                _ => {}
            }
            vec![]
        }
        Mode::Adjust { coding } => {
            match k.code {
                KeyCode::Esc => {
                    state.mode = Mode::Normal;
                    state.anchor = None;
                }
                KeyCode::Enter => {
                    state.mode = Mode::Normal;
                    return adjust(state, &coding);
                }
                KeyCode::Char('o') => {
                    if let Some(a) = state.anchor {
                        state.anchor = Some(state.cursor);
                        state.cursor = a;
                    }
                }
                _ => {
                    motion(state, k);
                }
            }
            vec![]
        }
        Mode::Normal => on_normal_key(state, k),
    }
}

fn on_normal_key(state: &mut CodeState, k: KeyEvent) -> Vec<CodeEffect> {
    state.message = None;
    if motion(state, k) {
        return vec![];
    }
    match k.code {
        KeyCode::Char('q') => return quit(state),
        KeyCode::Char('?') => state.help = true,
        KeyCode::Esc => state.anchor = None,
        KeyCode::Char('v') => {
            state.anchor = match state.anchor {
                Some(_) => None,
                None => Some(state.cursor),
            }
        }
        KeyCode::Char('t') => select_turn(state),
        KeyCode::Enter => {
            if state.anchor.is_none() {
                select_turn(state);
            }
            if state.selection().is_some_and(|(s, e)| s < e) {
                state.picker = Some(CodePicker::new());
                state.mode = Mode::Picking { recode: None };
            }
        }
        // To the start of the next (previous) of the coder's codings, focused.
        KeyCode::Char(']') | KeyCode::Char('[') => {
            let Some(o) = &state.open else { return vec![] };
            let mut starts: Vec<(usize, String)> =
                o.own.iter().map(|c| (c.start, c.id.to_string())).collect();
            starts.sort();
            let c = state.cursor;
            let to = if k.code == KeyCode::Char(']') {
                starts.iter().find(|(s, _)| *s > c).cloned()
            } else {
                starts.iter().rev().find(|(s, _)| *s < c).cloned()
            };
            match to {
                Some((s, id)) => {
                    state.cursor = s;
                    state.focus = Some(id);
                    follow(state);
                }
                None => state.message = Some(("no more codings of yours that way".into(), false)),
            }
        }
        KeyCode::Tab => {
            let here: Vec<String> = state
                .own_at_cursor()
                .iter()
                .map(|c| c.id.to_string())
                .collect();
            state.focus = match state
                .focus
                .as_ref()
                .and_then(|f| here.iter().position(|h| h == f))
            {
                Some(i) => here.get((i + 1) % here.len()).cloned(),
                None => here.first().cloned(),
            };
        }
        KeyCode::Char('c') => {
            if let Some(c) = focused_or_first(state) {
                state.picker = Some(CodePicker::new());
                state.mode = Mode::Picking { recode: Some(c) };
            }
        }
        KeyCode::Char('m') => {
            if let Some(id) = focused_or_first(state) {
                let text = state.focused().map(|c| c.memo.clone()).unwrap_or_default();
                state.mode = Mode::Memo { coding: id, text };
            }
        }
        KeyCode::Char('r') => {
            if let Some(id) = focused_or_first(state) {
                if let Some(c) = state.focused() {
                    let (s, e) = (c.start, c.end);
                    state.anchor = Some(s);
                    state.cursor = e.saturating_sub(1).max(s);
                    state.mode = Mode::Adjust { coding: id };
                }
            }
        }
        KeyCode::Char('x') => {
            if let Some(c) = focused_or_first(state).and_then(|_| state.focused().cloned()) {
                state.focus = None;
                let summary = format!("delete {}", describe(state, &c));
                return apply(state, vec![CodingChange::Remove(c)], summary, true);
            }
        }
        KeyCode::Char('u') => return undo(state),
        KeyCode::Char('B') => {
            let mut fx = vec![];
            state.batch = match state.batch.take() {
                Some(pending) => {
                    state.batch = Some(pending);
                    fx = flush_batch(state);
                    state.message = Some(("each change is committed as it is made".into(), false));
                    None
                }
                None => {
                    state.message = Some((
                        "batch: changes wait to be committed together (s commits them)".into(),
                        false,
                    ));
                    Some(vec![])
                }
            };
            return fx;
        }
        KeyCode::Char('s') => {
            let fx = flush_batch(state);
            if state.batch.is_some() {
                state.batch = Some(vec![]);
            }
            return fx;
        }
        KeyCode::Char('D') => {
            let Some(o) = &state.open else { return vec![] };
            let t = o.id.clone();
            if state.study.is_done(&state.coder, &t) {
                state.message = Some((format!("{t} is already marked done"), false));
                return vec![];
            }
            let mut fx = flush_batch(state);
            if state.batch.is_some() {
                state.batch = Some(vec![]);
            }
            state.in_flight += 1;
            fx.push(CodeEffect::MarkDone { transcript: t });
            return fx;
        }
        KeyCode::Char('n') | KeyCode::Char('p') => {
            let n = state.study.transcripts.len();
            if n > 1 {
                let i = if k.code == KeyCode::Char('n') {
                    (state.transcript + 1) % n
                } else {
                    (state.transcript + n - 1) % n
                };
                state.open_transcript(i);
                follow(state);
            }
        }
        _ => {}
    }
    vec![]
}

/// A movement key: move the cursor (the selection, if any, follows).
fn motion(state: &mut CodeState, k: KeyEvent) -> bool {
    let Some(o) = &state.open else { return false };
    let chars = &o.chars;
    let len = chars.len();
    if len == 0 {
        return false;
    }
    let last = len - 1;
    let page = state.text_rows().max(2) - 1;
    let row = text::row_of(&o.rows, state.cursor);
    let col = o
        .rows
        .get(row)
        .map_or(0, |r| text::col_of(chars, r, state.cursor));
    let to_row = |r: usize| -> usize {
        let r = r.min(o.rows.len().saturating_sub(1));
        o.rows
            .get(r)
            .map_or(0, |row| text::char_at(chars, row, col))
    };
    let c = state.cursor;
    let new = match k.code {
        KeyCode::Left | KeyCode::Char('h') => c.saturating_sub(1),
        KeyCode::Right | KeyCode::Char('l') => (c + 1).min(last),
        // While selecting, w and ) take the word or sentence whole: they
        // stop at its end, not on the first character of the next one.
        KeyCode::Char('w') if state.anchor.is_some() => text::word_end(chars, c),
        KeyCode::Char(')') if state.anchor.is_some() => text::sentence_end(chars, c),
        KeyCode::Char('w') => text::next_word(chars, c),
        KeyCode::Char('b') => text::previous_word(chars, c),
        KeyCode::Char('e') => text::word_end(chars, c),
        KeyCode::Char(')') => text::next_sentence(chars, c),
        KeyCode::Char('(') => text::previous_sentence(chars, c),
        KeyCode::Char('}') => text::next_turn(chars, c),
        KeyCode::Char('{') => text::previous_turn(chars, c),
        KeyCode::Down | KeyCode::Char('j') => to_row(row + 1),
        KeyCode::Up | KeyCode::Char('k') => to_row(row.saturating_sub(1)),
        KeyCode::PageDown => to_row(row + page),
        KeyCode::PageUp => to_row(row.saturating_sub(page)),
        KeyCode::Home | KeyCode::Char('g') => 0,
        KeyCode::End | KeyCode::Char('G') => last,
        _ => return false,
    };
    state.cursor = new.min(last);
    follow(state);
    true
}

/// Keep the cursor's row in view and note how far the coder has read.
fn follow(state: &mut CodeState) {
    let Some(o) = &state.open else { return };
    let h = state.text_rows();
    let row = text::row_of(&o.rows, state.cursor);
    if row < state.top {
        state.top = row;
    } else if row >= state.top + h {
        state.top = row + 1 - h;
    }
    let shown_to = (state.top + h).min(o.rows.len());
    if shown_to > 0 {
        let end = o.rows[shown_to - 1].end;
        if let Some(r) = state.read.get_mut(state.transcript) {
            *r = (*r).max(end);
        }
    }
}

fn select_turn(state: &mut CodeState) {
    let Some(o) = &state.open else { return };
    let (s, e) = text::turn_at(&o.chars, state.cursor);
    if s < e {
        state.anchor = Some(s);
        state.cursor = e - 1;
        follow(state);
    }
}

/// The focused coding, or else the first of the coder's at the cursor (which becomes focused).
fn focused_or_first(state: &mut CodeState) -> Option<String> {
    let here: Vec<String> = state
        .own_at_cursor()
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    if let Some(f) = &state.focus {
        if here.contains(f) {
            return Some(f.clone());
        }
    }
    state.focus = here.first().cloned();
    if state.focus.is_none() {
        state.message = Some(("no coding of yours at the cursor".into(), true));
    }
    state.focus.clone()
}

fn on_picker_key(state: &mut CodeState, k: KeyEvent, recode: Option<String>) -> Vec<CodeEffect> {
    let Some(picker) = state.picker.as_mut() else {
        state.mode = Mode::Normal;
        return vec![];
    };
    let codebook = &state.study.codebook;
    let height = (state.height as usize).saturating_sub(6).max(3);
    let picked = match k.code {
        KeyCode::Esc => Picked::Cancelled,
        KeyCode::Enter => match picker.chosen(codebook) {
            Some(id) => Picked::Chosen(id),
            None => Picked::Open,
        },
        KeyCode::Up => {
            let n = picker.candidates(codebook).len();
            picker.move_by(-1, n, height);
            Picked::Open
        }
        KeyCode::Down => {
            let n = picker.candidates(codebook).len();
            picker.move_by(1, n, height);
            Picked::Open
        }
        KeyCode::PageUp | KeyCode::PageDown => {
            let n = picker.candidates(codebook).len();
            let by = if k.code == KeyCode::PageUp {
                -(height as isize)
            } else {
                height as isize
            };
            picker.move_by(by, n, height);
            Picked::Open
        }
        KeyCode::Backspace => {
            picker.backspace();
            Picked::Open
        }
        KeyCode::Char(c) => {
            picker.type_char(c);
            Picked::Open
        }
        _ => Picked::Open,
    };
    match picked {
        Picked::Open => vec![],
        Picked::Cancelled => {
            state.picker = None;
            state.mode = Mode::Normal;
            vec![]
        }
        Picked::Chosen(code) => {
            state.picker = None;
            state.mode = Mode::Normal;
            match recode {
                Some(id) => recode_to(state, &id, &code),
                None => add_coding(state, &code),
            }
        }
    }
}

fn quote_of(state: &CodeState, start: usize, end: usize) -> String {
    state
        .open
        .as_ref()
        .map(|o| {
            o.chars[start.min(o.chars.len())..end.min(o.chars.len())]
                .iter()
                .collect()
        })
        .unwrap_or_default()
}

fn take_id(state: &mut CodeState) -> Option<String> {
    if state.fresh_ids.is_empty() {
        state.message = Some((
            "one moment: no coding id at hand yet; try again".into(),
            true,
        ));
        return None;
    }
    Some(state.fresh_ids.remove(0))
}

/// The selection without the spaces and line ends at its edges: `)` and
/// `w` land on the next sentence or word, and a coding should not end in
/// the space before it.
fn trimmed_selection(state: &CodeState) -> Option<(usize, usize)> {
    let (mut s, mut e) = state.selection()?;
    let chars = &state.open.as_ref()?.chars;
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    (s < e).then_some((s, e))
}

fn add_coding(state: &mut CodeState, code: &str) -> Vec<CodeEffect> {
    let Some((start, end)) = trimmed_selection(state) else {
        return vec![];
    };
    let Some(id) = take_id(state) else {
        return vec![];
    };
    let c = Coding {
        id: id.into(),
        code: code.into(),
        start,
        end,
        quote: quote_of(state, start, end),
        memo: String::new(),
        refi: None,
    };
    // The selection stays, so another code can go on the same span.
    state.focus = Some(c.id.to_string());
    let summary = format!("code {}", describe(state, &c));
    apply(state, vec![CodingChange::Add(c)], summary, true)
}

/// A new code or new boundaries make a new coding (a new id), as the format
/// says; a memo does not.
fn replace(
    state: &mut CodeState,
    was: &Coding,
    mut now: Coding,
    summary: String,
) -> Vec<CodeEffect> {
    let Some(id) = take_id(state) else {
        return vec![];
    };
    now.id = id.into();
    state.focus = Some(now.id.to_string());
    apply(
        state,
        vec![CodingChange::Replace {
            was: was.clone(),
            now,
        }],
        summary,
        true,
    )
}

fn recode_to(state: &mut CodeState, id: &str, code: &str) -> Vec<CodeEffect> {
    let Some(was) = own(state, id) else {
        return vec![];
    };
    let mut now = was.clone();
    now.code = code.into();
    let summary = format!(
        "recode {} as {}",
        describe(state, &was),
        code_name(state, code)
    );
    replace(state, &was, now, summary)
}

fn adjust(state: &mut CodeState, id: &str) -> Vec<CodeEffect> {
    let Some((start, end)) = trimmed_selection(state) else {
        return vec![];
    };
    state.anchor = None;
    let Some(was) = own(state, id) else {
        return vec![];
    };
    if (was.start, was.end) == (start, end) {
        return vec![];
    }
    let mut now = was.clone();
    now.start = start;
    now.end = end;
    now.quote = quote_of(state, start, end);
    let summary = format!("{} now {start}-{end}", describe(state, &was));
    replace(state, &was, now, summary)
}

fn set_memo(state: &mut CodeState, id: &str, memo: String) -> Vec<CodeEffect> {
    let Some(was) = own(state, id) else {
        return vec![];
    };
    if was.memo == memo {
        return vec![];
    }
    let mut now = was.clone();
    now.memo = memo;
    let summary = format!("memo on {}", describe(state, &was));
    apply(
        state,
        vec![CodingChange::Replace { was, now }],
        summary,
        true,
    )
}

fn own(state: &CodeState, id: &str) -> Option<Coding> {
    state
        .open
        .as_ref()?
        .own
        .iter()
        .find(|c| c.id == id)
        .cloned()
}

fn code_name(state: &CodeState, code: &str) -> String {
    state
        .study
        .codebook
        .get(code)
        .map(|c| c.name().to_string())
        .unwrap_or_else(|| code.to_string())
}

fn describe(state: &CodeState, c: &Coding) -> String {
    let t = state.open.as_ref().map_or("", |o| o.id.as_str());
    format!(
        "{t} {}-{} {} \u{201c}{}\u{201d}",
        c.start,
        c.end,
        code_name(state, &c.code),
        shorten(&c.quote, 40)
    )
}

/// The change reversed.
fn inverse(change: &CodingChange) -> CodingChange {
    match change {
        CodingChange::Add(c) => CodingChange::Remove(c.clone()),
        CodingChange::Remove(c) => CodingChange::Add(c.clone()),
        CodingChange::Replace { was, now } => CodingChange::Replace {
            was: now.clone(),
            now: was.clone(),
        },
    }
}

/// Make `changes` on the screen and in the study, then commit them (or keep
/// them for the batch).
fn apply(
    state: &mut CodeState,
    changes: Vec<CodingChange>,
    summary: String,
    remember: bool,
) -> Vec<CodeEffect> {
    let Some(o) = state.open.as_mut() else {
        return vec![];
    };
    let transcript = o.id.clone();
    for ch in &changes {
        match ch {
            CodingChange::Add(c) => o.own.push(c.clone()),
            CodingChange::Remove(c) => o.own.retain(|x| x.id != c.id),
            CodingChange::Replace { was, now } => {
                if let Some(x) = o.own.iter_mut().find(|x| x.id == was.id) {
                    *x = now.clone();
                }
            }
        }
    }
    let own = o.own.clone();
    // The study holds the same, so another transcript and back shows them.
    match state
        .study
        .codings
        .iter_mut()
        .find(|f| f.coder == state.coder && f.transcript == transcript)
    {
        Some(f) => {
            f.lines = (1..=own.len()).collect();
            f.codings = own;
        }
        None => state.study.codings.push(CodingFile {
            coder: state.coder.clone(),
            transcript: transcript.clone(),
            lines: (1..=own.len()).collect(),
            codings: own,
        }),
    }
    if remember {
        state.undo.push(Done {
            transcript: transcript.clone(),
            undo: changes.iter().rev().map(inverse).collect(),
        });
    }
    state.message = Some((summary.clone(), false));
    match &mut state.batch {
        Some(pending) => {
            pending.extend(changes.into_iter().map(|c| (transcript.clone(), c)));
            vec![]
        }
        None => {
            state.in_flight += 1;
            vec![CodeEffect::Record {
                transcript,
                changes,
                message: summary,
            }]
        }
    }
}

fn undo(state: &mut CodeState) -> Vec<CodeEffect> {
    let Some(last) = state.undo.pop() else {
        state.message = Some(("nothing to undo".into(), false));
        return vec![];
    };
    if state.open.as_ref().map(|o| &o.id) != Some(&last.transcript) {
        if let Some(i) = state
            .study
            .transcripts
            .iter()
            .position(|t| t.id == last.transcript)
        {
            state.open_transcript(i);
        }
    }
    let what = match last.undo.first() {
        Some(CodingChange::Add(c)) => format!("undo: restore {}", describe(state, c)),
        Some(CodingChange::Remove(c)) => format!("undo: remove {}", describe(state, c)),
        Some(CodingChange::Replace { now, .. }) => {
            format!("undo: back to {}", describe(state, now))
        }
        None => "undo".into(),
    };
    if let Some(CodingChange::Add(c) | CodingChange::Replace { now: c, .. }) = last.undo.first() {
        state.focus = Some(c.id.to_string());
        state.cursor = c.start;
        follow(state);
    }
    apply(state, last.undo, what, false)
}

/// Commit the batch's changes, one commit per transcript.
fn flush_batch(state: &mut CodeState) -> Vec<CodeEffect> {
    let Some(pending) = state.batch.take() else {
        return vec![];
    };
    state.batch = Some(vec![]);
    let mut by: Vec<(String, Vec<CodingChange>)> = Vec::new();
    for (t, c) in pending {
        match by.iter_mut().find(|(x, _)| *x == t) {
            Some((_, v)) => v.push(c),
            None => by.push((t, vec![c])),
        }
    }
    by.into_iter()
        .map(|(transcript, changes)| {
            state.in_flight += 1;
            let message = format!("code {transcript}: {} change(s)", changes.len());
            CodeEffect::Record {
                transcript,
                changes,
                message,
            }
        })
        .collect()
}

fn on_mouse(state: &mut CodeState, m: MouseEvent) {
    if state.mode != Mode::Normal && !matches!(state.mode, Mode::Adjust { .. }) {
        return;
    }
    match m.kind {
        MouseEventKind::ScrollDown => {
            let n = state.open.as_ref().map_or(0, |o| o.rows.len());
            state.top = (state.top + 3).min(n.saturating_sub(1));
            return;
        }
        MouseEventKind::ScrollUp => {
            state.top = state.top.saturating_sub(3);
            return;
        }
        _ => {}
    }
    let Some(pos) = char_under(state, m.column, m.row) else {
        return;
    };
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            state.cursor = pos;
            state.press = Some(pos);
            if state.mode == Mode::Normal {
                state.anchor = None;
            }
        }
        MouseEventKind::Drag(MouseButton::Left) => {
            if state.anchor.is_none() || state.mode == Mode::Normal {
                state.anchor = state.press.or(Some(state.cursor));
            }
            state.cursor = pos;
            follow(state);
        }
        MouseEventKind::Up(MouseButton::Left) => state.press = None,
        _ => {}
    }
}

/// The character under a screen cell of the transcript pane.
pub fn char_under(state: &CodeState, col: u16, row: u16) -> Option<usize> {
    let o = state.open.as_ref()?;
    let left = MARGIN + 1;
    let (text_w, _) = crate::tui::code::view::split_width(state.width);
    if col < left || col >= text_w || row < TOP_ROWS {
        return None;
    }
    let r = state.top + (row - TOP_ROWS) as usize;
    if (row - TOP_ROWS) as usize >= state.text_rows() {
        return None;
    }
    let r = o.rows.get(r.min(o.rows.len().checked_sub(1)?))?;
    Some(text::char_at(&o.chars, r, (col - left) as usize))
}
