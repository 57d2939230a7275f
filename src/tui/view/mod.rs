//! `view(&State, &mut Frame)`: draws, and does nothing else. Every piece of
//! study text goes through `printable` on its way to the terminal.

mod agreement;
mod codebook;
mod complete;
mod done;
mod help;
pub use help::LEGEND;
mod history;
mod keybar;
mod passage;
mod status;
mod transcript;
mod unit;
mod units;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::study::text::printable;
use crate::tui::state::{Phase, PromptKind, Screen, State};

pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let (min_w, min_h) = crate::tui::layout::MIN_SIZE;
    if area.width < min_w || area.height < min_h {
        too_small(state, frame, area);
        return;
    }
    let [main, bottom, keys] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    match &state.phase {
        Phase::Loading(what) => loading(state, frame, main, what),
        Phase::Failed(e) => failed(state, frame, main, e),
        Phase::Ready => match state.screen {
            Screen::Browse => browse(state, frame, main),
            Screen::Unit => unit::draw(state, frame, main),
            Screen::Agreement => agreement::draw(state, frame, main),
            Screen::History => history::draw(state, frame, main),
            Screen::Transcript => transcript::draw(state, frame, main),
            Screen::Complete => complete::draw(state, frame, main),
        },
    }
    keybar::draw(state, frame, keys);
    match &state.prompt {
        _ if state.confirm_quit.is_some() => {
            let what = state.confirm_quit.clone().unwrap_or_default();
            let saves = state.prompt.as_ref().is_some_and(|p| !p.text.is_empty());
            let line = Line::from(vec![
                Span::styled(format!("Quit with {what}? "), state.theme.warn()),
                Span::styled(
                    if saves {
                        "y quit without it · Enter save the note and quit · other key: stay"
                    } else {
                        "y quit (a commit in flight still finishes) · other key: stay"
                    },
                    state.theme.dim(),
                ),
            ]);
            frame.render_widget(Paragraph::new(line), bottom);
        }
        Some(p) => {
            let label = match p.kind {
                PromptKind::Note => "note: ",
                PromptKind::Discussion => "⚑ needs discussion, note: ",
                PromptKind::Search => "search: ",
            };
            let line = Line::from(vec![
                Span::styled(label, state.theme.title()),
                Span::raw(printable(&p.text)),
                Span::styled("█", state.theme.dim()),
                Span::styled("   Enter to confirm, Esc to cancel", state.theme.dim()),
            ]);
            frame.render_widget(Paragraph::new(line), bottom);
        }
        None => status::draw(state, frame, bottom),
    }
    if state.help {
        help::draw(state, frame, main);
    }
}

fn too_small(state: &State, frame: &mut Frame, area: Rect) {
    let (min_w, min_h) = crate::tui::layout::MIN_SIZE;
    let text = vec![
        Line::from(Span::styled("Terminal too small", state.theme.warn())),
        Line::from(format!(
            "{}x{} here; concord needs at least {min_w}x{min_h}.",
            area.width, area.height
        )),
        Line::from("Make the window larger (nothing is lost meanwhile); q quits."),
    ];
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }),
        centred(area, area.width, 4),
    );
}

fn browse(state: &State, frame: &mut Frame, area: Rect) {
    let areas = crate::tui::layout::browse(area);
    codebook::draw_tree(state, frame, areas.tree);
    units::draw(state, frame, areas.units);
    codebook::draw_detail(state, frame, areas.detail);
}

fn loading(state: &State, frame: &mut Frame, area: Rect, what: &str) {
    let text = vec![
        Line::from(Span::styled(
            format!("concord — {}", printable(&state.study_name)),
            state.theme.title(),
        )),
        Line::from(""),
        Line::from(format!("Loading: {what}…")),
        Line::from(Span::styled("q quits", state.theme.dim())),
    ];
    frame.render_widget(Paragraph::new(text).block(Block::bordered()), area);
}

fn failed(state: &State, frame: &mut Frame, area: Rect, error: &str) {
    let text = vec![
        Line::from(Span::styled(
            "The study could not be loaded",
            state.theme.error(),
        )),
        Line::from(""),
        Line::from(printable(error)),
        Line::from(""),
        Line::from("Run `concord check` to see every problem. q quits."),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered()),
        area,
    );
}

/// A centred rectangle of at most `width` x `height` inside `area`.
pub(crate) fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clear a popup's area before drawing it.
pub(crate) fn popup(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
}

/// `s` cut to `width` columns with `…`.
pub(crate) fn fit(s: &str, width: usize) -> String {
    crate::study::text::shorten(s, width)
}

/// A bar of `width` cells for a value in [0, 1] (negative values show empty).
pub(crate) fn bar(value: Option<f64>, width: usize) -> String {
    match value {
        None => " ".repeat(width),
        Some(v) => {
            let eighths = ((v.clamp(0.0, 1.0)) * (width * 8) as f64).round() as usize;
            const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
            let mut s = "█".repeat(eighths / 8);
            if eighths % 8 > 0 {
                s.push(PARTS[eighths % 8]);
            }
            let len = s.chars().count();
            s.push_str(&" ".repeat(width.saturating_sub(len)));
            s
        }
    }
}
