//! The status line: study, reviewer, branch, open and decided counts, the
//! last decision's commit, and the latest message. When it does not fit,
//! the least useful parts go first, so counts and messages stay visible at
//! 80 columns.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::study::text::printable;
use crate::tui::state::{State, Tone};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    // (text, style, how willingly it is dropped: higher goes first)
    let mut parts: Vec<(String, Style, u8)> = Vec::new();
    parts.push((printable(&state.study_name), t.title(), 3));
    let reviewer = state.reviewer.split(" <").next().unwrap_or("");
    parts.push((printable(reviewer), Style::default(), 4));
    parts.push((printable(&state.branch), Style::default(), 5));
    if let Some(data) = &state.data {
        let discussed = data
            .standings
            .iter()
            .filter(|s| matches!(s, crate::review::Standing::Discussion(_)))
            .count();
        let mut counts = format!(
            "{} open · {} decided",
            data.open_count(),
            data.decided_count()
        );
        if discussed > 0 {
            counts.push_str(&format!(" · {discussed} ⚑"));
        }
        parts.push((counts, t.warn(), 0));
    }
    if let Some(stage) = &state.sync.running {
        parts.push((format!("⇅ {stage}…"), t.warn(), 0));
    } else if let Some(arrows) = state.sync.arrows() {
        parts.push((arrows, Style::default(), 1));
    }
    if let Some(hash) = &state.last_commit {
        parts.push((hash.clone(), Style::default(), 2));
    }
    if !state.pending.is_empty() {
        parts.push(("committing…".into(), t.warn(), 0));
    }
    match &state.message {
        Some(m) => {
            let style = match m.tone {
                Tone::Info => t.dim(),
                Tone::Success => t.success(),
                Tone::Error => t.error(),
            };
            parts.push((printable(&m.text), style, 0));
        }
        None => parts.push(("? help".into(), t.dim(), 6)),
    }
    let width = area.width as usize;
    let total = |parts: &[(String, Style, u8)]| -> usize {
        parts
            .iter()
            .map(|(s, _, _)| s.chars().count() + 3)
            .sum::<usize>()
    };
    // The message is last: when even that does not fit, its end is cut.
    for level in (3..=6).rev() {
        if total(&parts) <= width {
            break;
        }
        parts.retain(|(_, _, p)| *p != level);
    }
    let mut spans = Vec::new();
    for (k, (text, style, _)) in parts.iter().enumerate() {
        spans.push(Span::styled(if k == 0 { " " } else { " │ " }, t.dim()));
        spans.push(Span::styled(text.clone(), *style));
    }
    // A long message is cut, never wrapped.
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line), area);
}
