//! Driving the review screen in tests: keys typed as text into the pure
//! `update`, and the screen drawn by `view` into a TestBackend as text.

use concord::study::Study;
use concord::tui::data::ReviewData;
use concord::tui::state::State;
use concord::tui::theme::Theme;
use concord::tui::update::{Action, Effect, update};
use concord::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
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

/// The screen `view` draws at `width` x `height`, one line per row,
/// trailing spaces trimmed.
#[allow(dead_code)]
pub fn render(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A review screen of `width` x `height` (no colour) on which `study` has
/// just loaded, as the sample's PI; and the effects the load asked for.
#[allow(dead_code)]
pub fn opened(
    study: Study,
    width: u16,
    height: u16,
    last_commit: Option<&str>,
) -> (State, Vec<Effect>) {
    let mut state = State::new(
        "IEM-DP focus groups (sample)".into(),
        "Helen Marsh <helen.marsh@example.org>".into(),
        "main".into(),
        Theme::plain(),
    );
    update(&mut state, Action::Resize { width, height });
    let effects = update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(ReviewData::build(study, 0)),
            last_commit: last_commit.map(str::to_string),
        },
    );
    (state, effects)
}
