//! Driving the review screen's pure `update` with keys typed as text.

use concord::tui::state::State;
use concord::tui::update::{Action, Effect, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Press keys given as text (`\n` is Enter, `\x1b` is Esc, `\t` is Tab);
/// returns every effect they asked for.
pub fn press(state: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        effects.extend(update(
            state,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        ));
    }
    effects
}
