//! The status line: study, reviewer, branch, open and decided counts, the
//! last decision's commit, and the latest message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::study::text::printable;
use crate::tui::state::{State, Tone};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    // A message takes the place of who and where, so it fits 80 columns.
    let reviewer = state.reviewer.split(" <").next().unwrap_or("");
    let mut spans = vec![Span::styled(
        format!(" {} ", printable(&state.study_name)),
        t.title(),
    )];
    if state.message.is_none() {
        spans.push(Span::styled("│ ", t.dim()));
        spans.push(Span::raw(printable(reviewer)));
        spans.push(Span::styled(" │ ", t.dim()));
        spans.push(Span::raw(printable(&state.branch)));
    }
    if let Some(data) = &state.data {
        spans.push(Span::styled(" │ ", t.dim()));
        spans.push(Span::styled(
            format!("{} open", data.open_count()),
            t.warn(),
        ));
        spans.push(Span::raw(format!(" · {} decided", data.decided_count())));
    }
    if let Some(hash) = &state.last_commit {
        spans.push(Span::styled(" │ ", t.dim()));
        spans.push(Span::raw(hash.clone()));
    }
    if !state.pending.is_empty() {
        spans.push(Span::styled(" │ ", t.dim()));
        spans.push(Span::styled("committing…", t.warn()));
    }
    match &state.message {
        Some(m) => {
            let style = match m.tone {
                Tone::Info => t.dim(),
                Tone::Success => t.success(),
                Tone::Error => t.error(),
            };
            spans.push(Span::styled(" │ ", t.dim()));
            spans.push(Span::styled(printable(&m.text), style));
        }
        None => {
            spans.push(Span::styled(" │ ? help", t.dim()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
