//! `update(&mut State, Action) -> Vec<Effect>`: the whole behaviour of the
//! review screen as a pure function. Slow or outside work (git, loading,
//! statistics) comes back as an [`Effect`] for the runtime to run; its
//! result returns as another [`Action`].

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::align::{ReviewUnit, UnitClass};
use crate::review::{Choice, Standing};
use crate::study::{Action as DecisionAction, Decision, ResultSpan};
use crate::tui::data::{AgreementSummary, ReviewData};
use crate::tui::history::{HistoryData, TimelineRow};
use crate::tui::keymap::{Command, EditCommand};
use crate::tui::layout;
use crate::tui::state::{
    Edit, HistoryLoad, HistoryView, Pane, Phase, Picker, Prompt, PromptKind, Screen,
    StandingFilter, State, Tone, TreeRow,
};
use crate::tui::{filters, queue, search, transcript};

#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    Progress(String),
    Loaded {
        data: std::sync::Arc<ReviewData>,
        last_commit: Option<String>,
    },
    LoadFailed(String),
    AgreementReady(Box<AgreementSummary>),
    HistoryProgress(String),
    HistoryLoaded(Box<HistoryData>),
    HistoryFailed(String),
    Recorded {
        transcript: String,
        decisions: Vec<Decision>,
        commit: String,
        summary: String,
        /// Another reviewer's commits came in meanwhile: read the study again.
        reload: bool,
    },
    RecordFailed {
        unit: String,
        error: String,
        /// The log changed under us (another reviewer): read the study again.
        reload: bool,
    },
    /// A signal (hang-up, terminate): leave as soon as nothing is in flight.
    Quit,
    /// Live reload: the runtime's watcher saw the study change on disk (a
    /// commit on the branch, a saved file); read it again behind the screen.
    StudyChanged,
    /// A sync in the background: its stage, its end, its failure (tui/sync.rs).
    SyncProgress(String),
    Synced {
        sentence: String,
        /// The local branch moved (something came in).
        moved: bool,
    },
    SyncFailed(String),
    /// The `[sync] interval` came round.
    SyncDue,
    /// Commits ahead of and behind the upstream (None: no upstream).
    AheadBehind(Option<(usize, usize)>),
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Record a decision about `unit`; `replaces` is reverted in the same commit.
    Decide {
        unit: ReviewUnit,
        choice: Choice,
        note: String,
        replaces: Option<Decision>,
    },
    /// Record a "needs discussion" line for `unit` with `note` (a note
    /// typed on a unit not decided yet is one: it is never lost).
    Discuss {
        unit: ReviewUnit,
        note: String,
    },
    /// Record the revert of `decision`.
    Undo {
        unit: ReviewUnit,
        decision: Decision,
    },
    /// Read the study again (another reviewer's decisions, a coder's push).
    Reload,
    ComputeAgreement,
    /// Read the study's history from git (commits, codebook changes, trend).
    LoadHistory,
    /// Sync with the remote in the background (`S`, or the interval).
    Sync,
    /// Count ahead and behind the upstream for the status line.
    CountAheadBehind,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) => on_key(state, key),
        Action::Mouse(m) => on_mouse(state, m),
        Action::Resize { width, height } => {
            state.size = (width, height);
            state.page = (height as usize).saturating_sub(12).max(3);
            transcript::resize(state);
            Vec::new()
        }
        Action::Progress(text) => {
            // A reload happens behind the screen the reviewer is using.
            if state.data.is_none() {
                state.phase = Phase::Loading(text);
            }
            Vec::new()
        }
        Action::Loaded { data, last_commit } => {
            // After the outline (codebook and counts from the cache) the
            // full data is the first load, not a reload.
            let reloading = state.data.as_ref().is_some_and(|d| !d.is_outline());
            let mut recompute = true;
            if reloading {
                recompute = reloaded(state, &data);
            } else {
                // Groups unfolded, so the constructs show at once.
                for code in &data.study.codebook.codes {
                    if code.depth == 0 {
                        state.expanded.insert(code.id().to_string());
                    }
                }
            }
            state.last_commit = last_commit.or(state.last_commit.take());
            if data.problems > 0 {
                let left_out = match data.left_out {
                    0 => String::new(),
                    n => format!("; {n} coding(s) left out of the figures"),
                };
                state.say(
                    format!(
                        "{} problems in the study{left_out}: run concord check",
                        data.problems
                    ),
                    Tone::Error,
                );
            }
            state.data = Some(data);
            state.phase = Phase::Ready;
            search::refresh(state);
            transcript::refresh(state);
            let mut effects = if recompute {
                vec![Effect::ComputeAgreement]
            } else {
                Vec::new()
            };
            if state.data.as_ref().is_some_and(|d| !d.is_outline()) {
                let keys = std::mem::take(&mut state.typed_ahead);
                if !keys.is_empty() {
                    state.message = None;
                }
                for key in keys {
                    effects.extend(on_key(state, key));
                }
            }
            state.reloading = false;
            if state.reload_again && state.pending.is_empty() {
                effects.extend(ask_reload(state));
            }
            if matches!(state.history, HistoryLoad::NotAsked) {
                state.history = HistoryLoad::Loading("reading the history".into());
                effects.push(Effect::LoadHistory);
            }
            effects.push(Effect::CountAheadBehind);
            effects
        }
        Action::HistoryProgress(text) => {
            if matches!(state.history, HistoryLoad::Loading(_)) {
                state.history = HistoryLoad::Loading(text);
            }
            Vec::new()
        }
        Action::HistoryLoaded(h) => {
            state.history = HistoryLoad::Ready(h);
            Vec::new()
        }
        Action::HistoryFailed(e) => {
            state.history = HistoryLoad::Failed(e);
            Vec::new()
        }
        Action::LoadFailed(e) => {
            state.reloading = false;
            if state.data.is_some() {
                // A reload behind the screen (a file half-saved, say): keep what is shown.
                state.say(format!("could not read the study again: {e}"), Tone::Error);
            } else {
                state.phase = Phase::Failed(e);
            }
            Vec::new()
        }
        Action::StudyChanged => ask_reload(state),
        Action::SyncProgress(stage) => {
            crate::tui::sync::on_progress(state, stage);
            Vec::new()
        }
        Action::Synced { sentence, moved } => crate::tui::sync::on_synced(state, sentence, moved),
        Action::SyncFailed(e) => crate::tui::sync::on_sync_failed(state, e),
        Action::SyncDue => crate::tui::sync::on_sync_due(state),
        Action::AheadBehind(ab) => {
            state.sync.ahead_behind = ab;
            Vec::new()
        }
        Action::AgreementReady(a) => {
            state.agreement = Some(*a);
            Vec::new()
        }
        Action::Recorded {
            transcript,
            decisions,
            commit,
            summary,
            reload,
        } => {
            if let Some(data) = &mut state.data {
                // Shared only while the loader still keeps it in the cache.
                std::sync::Arc::make_mut(data).apply_recorded(&transcript, &decisions);
            }
            for d in &decisions {
                state.pending.remove(&d.unit);
                match d.action {
                    DecisionAction::Revert => {
                        state.made.retain(|(id, _)| Some(id) != d.reverts.as_ref())
                    }
                    _ => state.made.push((d.id.clone(), d.unit.clone())),
                }
                state.drafts.remove(&d.unit);
            }
            state.last_commit = Some(commit.clone());
            state.say(format!("✓ {summary}"), Tone::Success);
            queue::after_recorded(state, &decisions);
            if reload || state.reloading {
                // A reload read meanwhile may not hold this commit: read once more.
                state.reload_again = true;
            }
            let mut effects = if state.reload_again {
                ask_reload(state)
            } else {
                Vec::new()
            };
            effects.push(Effect::CountAheadBehind);
            effects
        }
        Action::RecordFailed {
            unit,
            error,
            reload,
        } => {
            state.pending.remove(&unit);
            state.say(format!("not recorded: {error}"), Tone::Error);
            if reload {
                state.reload_again = true;
            }
            if state.reload_again {
                ask_reload(state)
            } else {
                Vec::new()
            }
        }
        Action::Quit => {
            // A hang-up or SIGTERM: nobody to ask. A note being typed is
            // recorded (the loop waits for its commit); then out.
            state.quitting = true;
            state.confirm_quit = None;
            match state.prompt.take() {
                Some(Prompt {
                    kind: kind @ (PromptKind::Note | PromptKind::Discussion),
                    text,
                }) if !text.trim().is_empty() => note(state, text, kind == PromptKind::Discussion),
                other => {
                    state.prompt = other;
                    Vec::new()
                }
            }
        }
    }
}

/// Read the study again behind the screen, unless a read is under way or a
/// commit is in flight: then once it is done.
fn ask_reload(state: &mut State) -> Vec<Effect> {
    if state.data.is_none() || state.reloading || !state.pending.is_empty() {
        state.reload_again = true;
        return Vec::new();
    }
    state.reload_again = false;
    state.reloading = true;
    vec![Effect::Reload]
}

/// The study was read again: keep the reviewer's place (the unit by id,
/// the code under the codebook cursor, the unit being edited) and say what
/// came in. Whether the figures must be computed again.
fn reloaded(state: &mut State, new: &ReviewData) -> bool {
    let Some(old) = &state.data else { return true };
    let incoming = crate::tui::reload::what_came_in(&old.study, &new.study);
    let id_of = |i: usize| old.units.get(i).map(|u| u.id.clone());
    let find =
        |id: Option<crate::align::Id>| id.and_then(|id| new.units.iter().position(|u| u.id == id));
    let unit = state.unit.and_then(id_of);
    let edited = state.edit.as_ref().and_then(|e| id_of(e.unit));
    let scope = state.scope();
    state.unit = find(unit.clone());
    if unit.is_some() && state.unit.is_none() && state.screen == Screen::Unit {
        state.screen = Screen::Browse;
    }
    if let Some(edit) = &mut state.edit {
        match find(edited) {
            Some(i) => edit.unit = i,
            None => {
                state.edit = None;
                state.picker = None;
            }
        }
    }
    let recompute =
        incoming.codings_changed || incoming.codebook_changed || incoming.transcripts_changed;
    let asked = std::mem::take(&mut state.reload_asked);
    let after_sync = std::mem::take(&mut state.sync.keep_message);
    match incoming.summary() {
        Some(_) if after_sync => {}
        Some(text) => state.say(text, Tone::Success),
        None if asked => state.say("read the study again: nothing new", Tone::Info),
        None => {}
    }
    // The code under the cursor, if the codebook changed under it.
    if let Some(code) = scope {
        let rows = crate::tui::state::tree_rows(new, &state.expanded);
        if let Some(row) = rows
            .iter()
            .position(|r| matches!(r, TreeRow::Code { id, .. } if *id == code))
        {
            state.tree_cursor = row;
        }
    } else {
        state.tree_cursor = 0;
    }
    recompute
}

fn on_mouse(state: &mut State, m: MouseEvent) -> Vec<Effect> {
    let command = match m.kind {
        MouseEventKind::ScrollDown => Command::Down,
        MouseEventKind::ScrollUp => Command::Up,
        MouseEventKind::Down(MouseButton::Left) => {
            click(state, m.column, m.row);
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    if state.phase == Phase::Ready && state.prompt.is_none() && state.edit.is_none() {
        on_command(state, command)
    } else {
        Vec::new()
    }
}

/// A click on the browse screen selects the row under it; a click on the
/// unit already selected opens it.
fn click(state: &mut State, x: u16, y: u16) {
    if state.phase != Phase::Ready
        || state.screen != Screen::Browse
        || state.prompt.is_some()
        || state.help
    {
        return;
    }
    let areas = layout::browse(layout::main_area(state.size.0, state.size.1));
    let hit = |r: ratatui::layout::Rect| {
        let i = layout::inner(r);
        (x >= i.x && x < i.x + i.width && y >= i.y && y < i.y + i.height)
            .then(|| (y - i.y) as usize)
    };
    if let Some(row) = hit(areas.tree) {
        let height = layout::inner(areas.tree).height as usize;
        let target = layout::first_row(state.tree_cursor, height) + row;
        if target < state.tree_rows().len() {
            state.focus = Pane::Codebook;
            state.tree_cursor = target;
            state.unit = None;
        }
    } else if let Some(row) = hit(areas.units) {
        let visible = state.visible_units();
        let height = layout::inner(areas.units).height as usize;
        let pos = state
            .unit
            .and_then(|u| visible.iter().position(|&v| v == u))
            .unwrap_or(0);
        if let Some(&i) = visible.get(layout::first_row(pos, height) + row) {
            if state.focus == Pane::Units && state.unit == Some(i) {
                state.screen = Screen::Unit;
            }
            state.focus = Pane::Units;
            state.unit = Some(i);
        }
    }
}

/// `q`: out at once if nothing would be lost, else ask.
fn ask_quit(state: &mut State) {
    match state.unsaved() {
        Some(what) => state.confirm_quit = Some(what),
        None => state.quitting = true,
    }
}

/// The answer to "quit with something unsaved?": `y` quits (the loop still
/// waits for a commit in flight), Enter saves a note being typed and
/// quits, anything else goes back.
fn on_confirm_quit_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    state.confirm_quit = None;
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => {
            state.quitting = true;
            Vec::new()
        }
        KeyCode::Enter => {
            state.quitting = true;
            match state.prompt.take() {
                Some(Prompt {
                    kind: kind @ (PromptKind::Note | PromptKind::Discussion),
                    text,
                }) if !text.trim().is_empty() => note(state, text, kind == PromptKind::Discussion),
                _ => Vec::new(),
            }
        }
        _ => {
            state.say("not quitting", Tone::Info);
            Vec::new()
        }
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if state.confirm_quit.is_some() {
        return on_confirm_quit_key(state, key);
    }
    if state.prompt.is_some() {
        return on_prompt_key(state, key);
    }
    if state.picker.is_some() {
        on_picker_key(state, key);
        return Vec::new();
    }
    if state.edit.is_some() {
        return on_edit_key(state, key);
    }
    if state.help {
        // j/k and paging scroll a help taller than the screen; any other key closes it.
        match state.keymap.review_command(&key) {
            Some(Command::Down) => state.help_scroll += 1,
            Some(Command::PageDown) => state.help_scroll += state.page,
            Some(Command::Up) => state.help_scroll = state.help_scroll.saturating_sub(1),
            Some(Command::PageUp) => {
                state.help_scroll = state.help_scroll.saturating_sub(state.page)
            }
            other => {
                state.help = false;
                state.help_scroll = 0;
                if other == Some(Command::Quit) {
                    ask_quit(state);
                }
            }
        }
        return Vec::new();
    }
    let Some(command) = state.keymap.review_command(&key) else {
        return Vec::new();
    };
    if state.phase != Phase::Ready && !matches!(command, Command::Quit | Command::Help) {
        return Vec::new();
    }
    if typed_ahead(state, key, command) {
        return Vec::new();
    }
    state.message = None;
    let before = state.unit;
    let effects = on_command(state, command);
    if state.unit != before {
        state.difference_scroll = 0;
    }
    effects
}

/// While only the outline is shown, a key that needs the units (and every
/// key after it, to keep their order) is kept for when they are in; the
/// codebook can be browsed meanwhile. `true`: kept.
fn typed_ahead(state: &mut State, key: KeyEvent, command: Command) -> bool {
    let outline = state.data.as_ref().is_some_and(|d| d.is_outline());
    let on_the_outline = matches!(
        command,
        Command::Quit
            | Command::Help
            | Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom
            | Command::Fold
    ) && state.focus == Pane::Codebook;
    if !outline || (on_the_outline && state.typed_ahead.is_empty()) {
        return false;
    }
    state.typed_ahead.push(key);
    state.say("reading the units… (the keys typed are kept)", Tone::Info);
    true
}

fn on_command(state: &mut State, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => ask_quit(state),
        Command::Reload => {
            state.say("reading the study again…", Tone::Info);
            state.reload_again = true;
            state.reload_asked = true;
            return ask_reload(state);
        }
        Command::Sync => return crate::tui::sync::on_sync_key(state),
        Command::Help => state.help = true,
        Command::Up => move_cursor(state, -1),
        Command::Down => move_cursor(state, 1),
        Command::PageUp => move_cursor(state, -(state.page as isize)),
        Command::PageDown => move_cursor(state, state.page as isize),
        Command::Top => move_cursor(state, isize::MIN / 2),
        Command::Bottom => move_cursor(state, isize::MAX / 2),
        Command::SwitchPane => {
            if state.screen == Screen::Browse {
                state.focus = match state.focus {
                    Pane::Codebook => Pane::Units,
                    Pane::Units => Pane::Codebook,
                };
                if state.focus == Pane::Units {
                    ensure_unit_selected(state);
                }
            }
        }
        Command::Open => match (state.screen, state.focus) {
            (Screen::Agreement, _) => drill_down(state),
            (Screen::Browse, Pane::Codebook) => {
                state.focus = Pane::Units;
                ensure_unit_selected(state);
            }
            (Screen::Browse, Pane::Units) if state.unit.is_some() => state.screen = Screen::Unit,
            (Screen::Transcript, _) => transcript::open_unit(state),
            _ => {}
        },
        Command::Back => match state.screen {
            Screen::Unit
            | Screen::Agreement
            | Screen::History
            | Screen::Transcript
            | Screen::Complete => state.screen = Screen::Browse,
            Screen::Browse => state.focus = Pane::Codebook,
        },
        Command::Fold => {
            if let Some(TreeRow::Code {
                id,
                has_children: true,
                ..
            }) = state.tree_rows().get(state.tree_cursor).cloned()
            {
                if !state.expanded.remove(&id) {
                    state.expanded.insert(id);
                }
            }
        }
        Command::NextOpen => queue::next_open(state, true),
        Command::PrevOpen => queue::next_open(state, false),
        Command::Accept(n) => {
            let Some(coder) = state
                .data
                .as_ref()
                .and_then(|d| d.coders.get(n))
                .map(|c| c.id.clone())
            else {
                state.say(format!("there is no coder {}", n + 1), Tone::Error);
                return Vec::new();
            };
            return decide(state, Choice::Accept(coder));
        }
        Command::Union => return decide(state, Choice::Union),
        Command::Reject => return decide(state, Choice::Reject),
        Command::Edit => start_edit(state),
        Command::Note => {
            if selected_unit(state).is_some() {
                state.prompt = Some(Prompt {
                    kind: PromptKind::Note,
                    text: String::new(),
                });
            } else {
                state.say("select a unit first", Tone::Info);
            }
        }
        Command::Discuss => match (selected_unit(state), &state.data) {
            (Some(i), Some(data)) if matches!(data.standings[i], Standing::Decided(_)) => {
                state.say(
                    "this unit is decided: c adds a note to its decision, u undoes it",
                    Tone::Info,
                );
            }
            (Some(_), _) => {
                state.prompt = Some(Prompt {
                    kind: PromptKind::Discussion,
                    text: String::new(),
                })
            }
            (None, _) => state.say("select a unit first", Tone::Info),
        },
        Command::Undo => return undo(state),
        Command::Search => {
            state.prompt = Some(Prompt {
                kind: PromptKind::Search,
                text: String::new(),
            })
        }
        Command::SearchNext => search::step(state, 1),
        Command::SearchPrev => search::step(state, -1),
        Command::FilterTranscript if state.screen == Screen::Transcript => {
            transcript::next_transcript(state)
        }
        Command::FilterTranscript
        | Command::FilterPair
        | Command::FilterCase
        | Command::ClearFilters => filters::on_filter_key(state, command),
        Command::ToggleAdvance => queue::toggle_advance(state),
        Command::TranscriptView => transcript::open(state),
        Command::FilterStanding => {
            state.filter = state.filter.next();
            state.say(format!("showing {} units", state.filter.word()), Tone::Info);
        }
        Command::FilterClass => {
            state.class_filter = match state.class_filter {
                None => Some(UnitClass::Boundary),
                Some(UnitClass::Boundary) => Some(UnitClass::Code),
                Some(UnitClass::Code) => Some(UnitClass::Omission),
                Some(UnitClass::Omission) => Some(UnitClass::Agreement),
                Some(UnitClass::Agreement) => None,
            };
            let word = state.class_filter.map(|c| c.name()).unwrap_or("every");
            state.say(format!("showing {word} class"), Tone::Info);
        }
        Command::History => return open_history(state),
        Command::MarkVersion => {
            let Some(row) = history_row(state) else {
                state.say("m picks a version in a code's history (h)", Tone::Info);
                return Vec::new();
            };
            if let Some(v) = &mut state.history_view {
                v.mark = if v.mark == Some(row.record) {
                    None
                } else {
                    Some(row.record)
                };
                let word = if v.mark.is_some() {
                    "the definition is compared with this version"
                } else {
                    "comparing each version with the one before"
                };
                state.say(word, Tone::Info);
            }
        }
        Command::Baseline => {
            let Some(row) = history_row(state) else {
                state.say(
                    "B sets the baseline in a code's history (h): the codebook marks codes changed since it",
                    Tone::Info,
                );
                return Vec::new();
            };
            state.baseline = Some(row.record);
            let short = state
                .history_data()
                .map(|h| h.records[row.record].info.short.clone())
                .unwrap_or_default();
            state.say(
                format!(
                    "baseline {short}: Δ marks the codes whose definition changed since this commit"
                ),
                Tone::Info,
            );
        }
        Command::DetailDown => {
            if state.screen == Screen::Unit {
                state.difference_scroll = (state.difference_scroll + 3).min(200);
            }
        }
        Command::DetailUp => state.difference_scroll = state.difference_scroll.saturating_sub(3),
        Command::Sort => {
            if state.screen == Screen::Agreement {
                // Keep the code under the cursor under it.
                let here = agreement_rows(state).get(state.agreement_cursor).cloned();
                state.agreement_sort = state.agreement_sort.next();
                agreement_keep_cursor(state, here);
                state.say(
                    format!("sorted by {}", state.agreement_sort.word()),
                    Tone::Info,
                );
            } else {
                state.say("s sorts the agreement view (a)", Tone::Info);
            }
        }
        Command::Agreement => {
            state.screen = if state.screen == Screen::Agreement {
                Screen::Browse
            } else {
                Screen::Agreement
            }
        }
    }
    Vec::new()
}

fn move_cursor(state: &mut State, by: isize) {
    let shift = |pos: usize, len: usize| -> usize {
        if len == 0 {
            return 0;
        }
        (pos as isize).saturating_add(by).clamp(0, len as isize - 1) as usize
    };
    match (state.screen, state.focus) {
        (Screen::Browse, Pane::Codebook) => {
            let len = state.tree_rows().len();
            state.tree_cursor = shift(state.tree_cursor, len);
            state.unit = None;
        }
        (Screen::Browse, Pane::Units) | (Screen::Unit, _) => {
            let visible = state.visible_units();
            let pos = state
                .unit
                .and_then(|u| visible.iter().position(|&v| v == u))
                .unwrap_or(0);
            state.unit = visible.get(shift(pos, visible.len())).copied();
        }
        (Screen::History, _) => {
            let len = history_rows(state).len();
            if let Some(v) = &mut state.history_view {
                v.cursor = shift(v.cursor, len);
            }
        }
        (Screen::Transcript, _) => transcript::move_cursor(state, by),
        (Screen::Complete, _) => {}
        (Screen::Agreement, _) => {
            let len = agreement_rows(state).len();
            state.agreement_cursor = shift(state.agreement_cursor, len);
            state.agreement_scroll = crate::tui::agreement_list::follow(
                state.agreement_scroll,
                state.agreement_cursor,
                crate::tui::agreement_list::body_rows(state.size.1, coder_count(state)),
            );
        }
    }
}

/// The agreement view's code rows, in the order shown.
/// After the agreement view's rows were reordered (sort, pair): the
/// cursor on the code it was on, and that row in the window.
pub fn agreement_keep_cursor(state: &mut State, here: Option<String>) {
    let rows = agreement_rows(state);
    state.agreement_cursor = here
        .and_then(|id| rows.iter().position(|r| *r == id))
        .unwrap_or(0);
    state.agreement_scroll = crate::tui::agreement_list::follow(
        0,
        state.agreement_cursor,
        crate::tui::agreement_list::body_rows(state.size.1, coder_count(state)),
    );
}

fn coder_count(state: &State) -> usize {
    state.data.as_ref().map_or(0, |d| d.coders.len())
}

pub fn agreement_rows(state: &State) -> Vec<String> {
    match &state.data {
        Some(d) => crate::tui::agreement_list::rows(
            d,
            state.agreement.as_ref(),
            state.agreement_sort,
            crate::tui::agreement_list::shown_pair(d, state.filters.pair),
        ),
        None => Vec::new(),
    }
}

/// Enter on a code row of the agreement view: that code's open
/// disagreements, transcript by transcript, in the units pane.
fn drill_down(state: &mut State) {
    let Some(code) = agreement_rows(state).get(state.agreement_cursor).cloned() else {
        return;
    };
    let Some(data) = &state.data else { return };
    // Unfold its ancestors so it shows in the codebook pane.
    let mut cur = data
        .study
        .codebook
        .get(&code)
        .and_then(|c| c.parent.clone());
    while let Some(p) = cur {
        cur = data.study.codebook.get(&p).and_then(|c| c.parent.clone());
        state.expanded.insert(p);
    }
    let name = data
        .study
        .codebook
        .get(&code)
        .map(|c| c.name().to_string())
        .unwrap_or_default();
    if let Some(row) = state
        .tree_rows()
        .iter()
        .position(|r| matches!(r, TreeRow::Code { id, .. } if *id == code))
    {
        state.tree_cursor = row;
    }
    state.filter = StandingFilter::Open;
    state.class_filter = None;
    state.screen = Screen::Browse;
    state.focus = Pane::Units;
    state.unit = None;
    ensure_unit_selected(state);
    let n = state.visible_units().len();
    state.say(
        format!("{name}: {n} open, by transcript (Esc: codebook, a: back to the figures)"),
        Tone::Info,
    );
}

/// The timeline of the code in the history view, newest first.
pub fn history_rows(state: &State) -> Vec<TimelineRow> {
    match (state.history_data(), &state.history_view) {
        (Some(h), Some(v)) => {
            let mut rows = h.timeline(&v.code);
            rows.reverse();
            rows
        }
        _ => Vec::new(),
    }
}

/// The timeline row under the history view's cursor.
fn history_row(state: &State) -> Option<TimelineRow> {
    if state.screen != Screen::History {
        return None;
    }
    let cursor = state.history_view.as_ref()?.cursor;
    history_rows(state).into_iter().nth(cursor)
}

/// `h`: the history of the code under the codebook cursor (or back).
fn open_history(state: &mut State) -> Vec<Effect> {
    if state.screen == Screen::History {
        state.screen = Screen::Browse;
        return Vec::new();
    }
    let Some(code) = state.scope() else {
        state.say(
            "select a code in the codebook first: h shows its history",
            Tone::Info,
        );
        return Vec::new();
    };
    if state.history_view.as_ref().is_none_or(|v| v.code != code) {
        state.history_view = Some(HistoryView {
            code,
            cursor: 0,
            mark: None,
        });
    }
    state.screen = Screen::History;
    if matches!(
        state.history,
        HistoryLoad::Failed(_) | HistoryLoad::NotAsked
    ) {
        state.history = HistoryLoad::Loading("reading the history".into());
        return vec![Effect::LoadHistory];
    }
    Vec::new()
}

fn ensure_unit_selected(state: &mut State) {
    let visible = state.visible_units();
    if state.unit.is_none_or(|u| !visible.contains(&u)) {
        state.unit = visible.first().copied();
    }
}

/// The unit decision keys act on: the one shown, or the one selected in the units pane.
fn selected_unit(state: &State) -> Option<usize> {
    match (state.screen, state.focus) {
        (Screen::Unit, _) | (Screen::Browse, Pane::Units) => state.unit,
        _ => None,
    }
}

pub(crate) fn jump_open(state: &mut State, forward: bool) {
    let Some(data) = &state.data else { return };
    let n = data.units.len();
    if n == 0 {
        return;
    }
    let is_open = |i: usize| {
        data.standings[i].is_open() && !state.pending.contains(data.units[i].id.as_str())
    };
    let start = state.unit;
    let mut found = None;
    let mut wrapped = false;
    for step in 1..=n {
        let i = match (start, forward) {
            (Some(s), true) => (s + step) % n,
            (Some(s), false) => (s + n - step % n) % n,
            (None, true) => (step - 1) % n,
            (None, false) => (n - step % n) % n,
        };
        if is_open(i) {
            wrapped = start.is_some_and(|s| if forward { i <= s } else { i >= s });
            found = Some(i);
            break;
        }
    }
    let Some(i) = found else {
        state.say("no open disagreements left", Tone::Success);
        return;
    };
    state.unit = Some(i);
    // Show it in the units pane even if the scope or filters hid it.
    if !state.visible_units().contains(&i) {
        state.tree_cursor = 0;
        state.class_filter = None;
        if !matches!(state.filter, StandingFilter::Open | StandingFilter::All) {
            state.filter = StandingFilter::Open;
        }
    }
    if state.screen == Screen::Browse {
        state.focus = Pane::Units;
    }
    if wrapped {
        state.say("wrapped around the study", Tone::Info);
    }
}

/// The live decision of a unit, if it is decided.
fn live_decision(data: &ReviewData, unit: usize) -> Option<Decision> {
    match &data.standings[unit] {
        Standing::Decided(id) => data.decision(id).cloned(),
        _ => None,
    }
}

fn decide(state: &mut State, choice: Choice) -> Vec<Effect> {
    let Some(i) = selected_unit(state) else {
        state.say(
            "select a unit first (Tab to the units, or ] for the next open one)",
            Tone::Info,
        );
        return Vec::new();
    };
    let Some(data) = &state.data else {
        return Vec::new();
    };
    let unit = data.units[i].clone();
    if state.pending.contains(unit.id.as_str()) {
        state.say(
            "the last decision of this unit is still being committed",
            Tone::Info,
        );
        return Vec::new();
    }
    let replaces = live_decision(data, i);
    // The note kept for this unit, or the one it was marked for discussion with.
    let note = match (state.drafts.get(unit.id.as_str()), &data.standings[i]) {
        (Some(draft), _) => draft.clone(),
        (None, Standing::Discussion(id)) => data
            .decision(id)
            .map(|d| d.note.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    state.pending.insert(unit.id.to_string());
    state.say("committing…", Tone::Info);
    vec![Effect::Decide {
        unit,
        choice,
        note,
        replaces,
    }]
}

fn undo(state: &mut State) -> Vec<Effect> {
    let Some(data) = &state.data else {
        return Vec::new();
    };
    // The newest decision of this session that still holds.
    let found = state.made.iter().rev().find_map(|(id, unit_id)| {
        let i = data.units.iter().position(|u| u.id == unit_id)?;
        match &data.standings[i] {
            Standing::Decided(live) | Standing::Discussion(live) if live == id => Some(i),
            _ => None,
        }
    });
    let Some(i) = found else {
        state.say("nothing of yours to undo in this session", Tone::Info);
        return Vec::new();
    };
    let unit = data.units[i].clone();
    let live = match &data.standings[i] {
        Standing::Decided(id) | Standing::Discussion(id) => data.decision(id).cloned(),
        _ => None,
    };
    let Some(decision) = live else {
        return Vec::new();
    };
    if state.pending.contains(unit.id.as_str()) {
        return Vec::new();
    }
    state.pending.insert(unit.id.to_string());
    state.unit = Some(i);
    state.say("committing the undo…", Tone::Info);
    vec![Effect::Undo { unit, decision }]
}

fn on_prompt_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(prompt) = &mut state.prompt else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => state.prompt = None,
        KeyCode::Backspace => {
            prompt.text.pop();
        }
        KeyCode::Enter => {
            let Prompt { kind, text } = state.prompt.take().unwrap_or(Prompt {
                kind: PromptKind::Search,
                text: String::new(),
            });
            return match kind {
                PromptKind::Search => {
                    if !text.is_empty() {
                        search::start(state, text);
                    }
                    Vec::new()
                }
                PromptKind::Note => note(state, text, false),
                PromptKind::Discussion => note(state, text, true),
            };
        }
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => ask_quit(state),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() => {
            prompt.text.push(c)
        }
        _ => {}
    }
    Vec::new()
}

/// A note for the selected unit: added to its decision if it has one (as a
/// new decision that replaces it); else recorded at once as a "needs
/// discussion" line, so a note is never lost (it goes with the decision
/// made later). `discuss`: the reviewer asked for the mark (`d`).
fn note(state: &mut State, text: String, discuss: bool) -> Vec<Effect> {
    let Some(i) = selected_unit(state) else {
        return Vec::new();
    };
    let Some(data) = &state.data else {
        return Vec::new();
    };
    let unit = data.units[i].clone();
    if state.pending.contains(unit.id.as_str()) {
        state.say(
            "the last decision of this unit is still being committed",
            Tone::Info,
        );
        return Vec::new();
    }
    match live_decision(data, i) {
        Some(previous) if !discuss => {
            let choice = match previous.action {
                DecisionAction::Accept => {
                    Choice::Accept(previous.chosen.clone().unwrap_or_default())
                }
                DecisionAction::Union => Choice::Union,
                DecisionAction::Reject => Choice::Reject,
                _ => Choice::Custom(previous.result.clone()),
            };
            state.pending.insert(unit.id.to_string());
            state.say("committing the note…", Tone::Info);
            vec![Effect::Decide {
                unit,
                choice,
                note: text,
                replaces: Some(previous),
            }]
        }
        Some(_) => Vec::new(),
        None => {
            state.pending.insert(unit.id.to_string());
            state.say("committing the note: ⚑ marked for discussion…", Tone::Info);
            vec![Effect::Discuss { unit, note: text }]
        }
    }
}

fn start_edit(state: &mut State) {
    let Some(i) = selected_unit(state) else {
        state.say("select a unit first", Tone::Info);
        return;
    };
    let Some(data) = &state.data else { return };
    let spans = match live_decision(data, i) {
        Some(d) => d.result,
        None => {
            crate::review::decision_for(
                &data.units[i],
                &Choice::Union,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            )
            .result
        }
    };
    state.edit = Some(Edit {
        unit: i,
        spans,
        selected: 0,
        at_end: false,
    });
    state.screen = Screen::Unit;
    state.unit = Some(i);
}

fn on_edit_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(command) = state.keymap.edit_command(&key) else {
        return Vec::new();
    };
    let Some(data) = &state.data else {
        return Vec::new();
    };
    let Some(edit) = &mut state.edit else {
        return Vec::new();
    };
    let unit = &data.units[edit.unit];
    let no_text = crate::study::Transcript::new("", "");
    let text = data.study.transcript(&unit.transcript).unwrap_or(&no_text);
    let len = text.chars;
    match command {
        EditCommand::Cancel => {
            state.edit = None;
            state.say("edit cancelled", Tone::Info);
        }
        EditCommand::NextSpan => {
            if !edit.spans.is_empty() {
                edit.selected = (edit.selected + 1) % edit.spans.len();
            }
        }
        EditCommand::SwitchBoundary => edit.at_end = !edit.at_end,
        EditCommand::CharLeft
        | EditCommand::CharRight
        | EditCommand::WordLeft
        | EditCommand::WordRight => {
            if let Some(span) = edit.spans.get_mut(edit.selected) {
                let pos = if edit.at_end { span.end } else { span.start };
                let moved = match command {
                    EditCommand::CharLeft => pos.saturating_sub(1),
                    EditCommand::CharRight => (pos + 1).min(len),
                    EditCommand::WordLeft => word_boundary(text, pos, false),
                    _ => word_boundary(text, pos, true),
                };
                if edit.at_end && moved > span.start {
                    span.end = moved;
                } else if !edit.at_end && moved < span.end {
                    span.start = moved;
                }
            }
        }
        EditCommand::PickCode => {
            if !edit.spans.is_empty() {
                state.picker = Some(Picker::new());
            }
        }
        EditCommand::AddSpan => {
            let span = edit
                .spans
                .get(edit.selected)
                .cloned()
                .unwrap_or(ResultSpan {
                    code: String::new(),
                    start: unit.start,
                    end: unit.end,
                });
            edit.spans.push(span);
            edit.selected = edit.spans.len() - 1;
            state.picker = Some(Picker::new());
        }
        EditCommand::DeleteSpan => {
            if edit.selected < edit.spans.len() {
                edit.spans.remove(edit.selected);
                edit.selected = edit.selected.min(edit.spans.len().saturating_sub(1));
            }
        }
        EditCommand::Save => {
            let spans: Vec<ResultSpan> = edit
                .spans
                .iter()
                .filter(|s| !s.code.is_empty())
                .cloned()
                .collect();
            state.edit = None;
            return decide(state, Choice::Custom(spans));
        }
    }
    Vec::new()
}

/// The next word start (forward) or previous word start (backward) from
/// character `pos`, walking from `pos` only (not from the text's start).
fn word_boundary(text: &crate::study::Transcript, pos: usize, forward: bool) -> usize {
    let pos = pos.min(text.chars);
    let at = text.byte_of(pos).unwrap_or(text.text.len());
    let mut p = pos;
    if forward {
        let mut it = text.text[at..].chars().peekable();
        while it.next_if(|c| !c.is_whitespace()).is_some() {
            p += 1;
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {
            p += 1;
        }
    } else {
        let mut it = text.text[..at].chars().rev().peekable();
        while it.next_if(|c| c.is_whitespace()).is_some() {
            p -= 1;
        }
        while it.next_if(|c| !c.is_whitespace()).is_some() {
            p -= 1;
        }
    }
    p
}

fn on_picker_key(state: &mut State, key: KeyEvent) {
    let Some(data) = &state.data else { return };
    let Some(picker) = &mut state.picker else {
        return;
    };
    let codebook = &data.study.codebook;
    let len = picker.candidates(codebook).len();
    let rows = layout::picker_rows(state.size.0, state.size.1);
    match key.code {
        KeyCode::Esc => state.picker = None,
        KeyCode::Up => picker.move_by(-1, len, rows),
        KeyCode::Down => picker.move_by(1, len, rows),
        KeyCode::PageUp => picker.move_by(-(rows as isize), len, rows),
        KeyCode::PageDown => picker.move_by(rows as isize, len, rows),
        KeyCode::Home => picker.move_by(isize::MIN / 2, len, rows),
        KeyCode::End => picker.move_by(isize::MAX / 2, len, rows),
        KeyCode::Backspace => picker.backspace(),
        KeyCode::Enter => {
            if let (Some(code), Some(edit)) = (picker.chosen(codebook), &mut state.edit) {
                if let Some(span) = edit.spans.get_mut(edit.selected) {
                    span.code = code;
                }
            }
            state.picker = None;
        }
        KeyCode::Char(c) if !c.is_control() && !key.modifiers.contains(KeyModifiers::CONTROL) => {
            picker.type_char(c)
        }
        _ => {}
    }
}
