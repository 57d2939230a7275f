//! Sharing from the review screen, the pure side: what the status line
//! shows (ahead and behind the upstream, `↑2 ↓3`; the stage of a sync in
//! the background) and what `S`, the interval and a sync's result do to the
//! state. The runtime's side (the tokio task, the interval, the config) is
//! `tui/sync_task.rs`.

use crate::tui::state::{State, Tone};
use crate::tui::update::Effect;

/// The screen's view of sharing with the remote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    /// Commits ahead of and behind the upstream (None: no upstream).
    pub ahead_behind: Option<(usize, usize)>,
    /// A sync is running: its stage ("fetching", "pushing", ...).
    pub running: Option<String>,
    /// The last sync's sentence is on the status line: the live reload that
    /// follows it does not replace it with its own count.
    pub keep_message: bool,
}

impl SyncStatus {
    /// `↑2 ↓3`, or nothing when in step or without an upstream.
    pub fn arrows(&self) -> Option<String> {
        match self.ahead_behind? {
            (0, 0) => Some("in sync".into()),
            (a, 0) => Some(format!("↑{a}")),
            (0, b) => Some(format!("↓{b}")),
            (a, b) => Some(format!("↑{a} ↓{b}")),
        }
    }
}

/// `S`: sync now, unless one is running.
pub fn on_sync_key(state: &mut State) -> Vec<Effect> {
    if state.sync.running.is_some() {
        state.say("a sync is already running", Tone::Info);
        return Vec::new();
    }
    state.sync.running = Some("starting".into());
    vec![Effect::Sync]
}

/// The interval came round: sync quietly, unless one is running.
pub fn on_sync_due(state: &mut State) -> Vec<Effect> {
    if state.sync.running.is_some() || state.data.is_none() {
        return Vec::new();
    }
    state.sync.running = Some("starting".into());
    vec![Effect::Sync]
}

pub fn on_progress(state: &mut State, stage: String) {
    if state.sync.running.is_some() {
        state.sync.running = Some(stage);
    }
}

/// A sync finished: its sentence on the status line; what came in arrives
/// through the live reload (the branch tip moved).
pub fn on_synced(state: &mut State, sentence: String, moved: bool) -> Vec<Effect> {
    state.sync.running = None;
    state.say(format!("⇅ {sentence}"), Tone::Success);
    state.sync.keep_message = moved;
    vec![Effect::CountAheadBehind]
}

/// A sync failed: say why; the local commits stay and go out next time.
pub fn on_sync_failed(state: &mut State, error: String) -> Vec<Effect> {
    state.sync.running = None;
    state.say(
        format!("sync failed, your decisions are kept here: {error}"),
        Tone::Error,
    );
    vec![Effect::CountAheadBehind]
}
