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
    // Headings indented as the keys are, so both columns line up.
    let mut lines = vec![Line::from(Span::styled(" Reviewing", t.title()))];
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
    lines.push(Line::from(Span::styled(" Editing a result (e)", t.title())));
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
    let inner_height = rect.height.saturating_sub(2) as usize;
    let rows = if two_columns {
        lines.len().div_ceil(2)
    } else {
        lines.len()
    };
    // Too long for the screen: it scrolls (j k), and the title says where.
    let scroll = state.help_scroll.min(rows.saturating_sub(inner_height));
    let title = if rows > inner_height {
        format!(
            " Keys {}–{} of {} — j k scroll · any other key closes ",
            scroll + 1,
            (scroll + inner_height).min(rows),
            rows
        )
    } else {
        " Keys — any key closes ".to_string()
    };
    let block = Block::bordered().title(Span::styled(title, t.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if two_columns {
        let right = lines.split_off(rows);
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), l);
        frame.render_widget(Paragraph::new(right).scroll((scroll as u16, 0)), r);
    } else {
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
    }
}
