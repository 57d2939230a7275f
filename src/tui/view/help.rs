//! The help overlay, generated from the keymap the program uses. Two
//! columns when one does not fit (as at 80x24).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::keymap::{EDIT, REVIEW, keys_label};
use crate::tui::state::State;
use crate::tui::view::{centred, fit, popup};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let mut lines = vec![Line::from(Span::styled("Reviewing", t.title()))];
    let entry = |keys: String, help: &str, width: usize| {
        Line::from(vec![
            Span::styled(format!(" {:<11} ", fit(&keys, 11)), t.title()),
            Span::raw(fit(help, width.saturating_sub(13))),
        ])
    };
    let two_columns = area.height < 44;
    let col_width = if two_columns {
        (area.width.min(100) as usize - 4) / 2
    } else {
        70
    };
    for b in REVIEW {
        lines.push(entry(keys_label(b.keys), b.help, col_width));
    }
    lines.push(Line::from(Span::styled("Editing a result (e)", t.title())));
    for b in EDIT {
        lines.push(entry(keys_label(b.keys), b.help, col_width));
    }
    let rect = if two_columns {
        centred(
            area,
            area.width.min(100),
            (lines.len() as u16).div_ceil(2) + 2,
        )
    } else {
        centred(area, 76, lines.len() as u16 + 2)
    };
    popup(frame, rect);
    let block = Block::bordered().title(Span::styled(" Keys — any key closes ", t.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if two_columns {
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        frame.render_widget(Paragraph::new(lines), l);
        frame.render_widget(Paragraph::new(right), r);
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
