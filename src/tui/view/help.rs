//! The help overlay, generated from the keymap the program uses. Two
//! columns when one does not fit (as at 80x24).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::keymap::{EDIT, REVIEW};
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
    // The keys in force: the keymap with the config file's overrides.
    for b in REVIEW {
        lines.push(entry(
            state.keymap.review_label(b.command),
            b.help,
            col_width,
        ));
    }
    lines.push(Line::from(Span::styled(" Editing a result (e)", t.title())));
    for b in EDIT {
        lines.push(entry(state.keymap.edit_label(b.command), b.help, col_width));
    }
    lines.push(Line::from(Span::styled("Symbols", t.title())));
    for (symbol, meaning) in LEGEND {
        lines.push(entry(symbol.to_string(), meaning, col_width));
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
    // Taller than the screen: j/k scroll it (the rows above are skipped).
    let rows = rect.height.saturating_sub(2) as usize;
    let per_column = if two_columns {
        lines.len().div_ceil(2)
    } else {
        lines.len()
    };
    let title = if per_column > rows {
        " Keys — j/k scroll, any other key closes "
    } else {
        " Keys — any key closes "
    };
    let block = Block::bordered().title(Span::styled(title, t.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let skip = state.help_scroll.min(per_column.saturating_sub(rows)) as u16;
    if two_columns {
        let right = lines.split_off(per_column);
        let [l, r] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        frame.render_widget(Paragraph::new(lines).scroll((skip, 0)), l);
        frame.render_widget(Paragraph::new(right).scroll((skip, 0)), r);
    } else {
        frame.render_widget(Paragraph::new(lines).scroll((skip, 0)), inner);
    }
}

/// What the screen's symbols mean.
pub const LEGEND: &[(&str, &str)] = &[
    ("151/152", "excerpts per coder"),
    ("3○", "units open: to decide"),
    ("5✓", "units decided"),
    ("Δ", "changed since baseline"),
    ("⚑", "marked for discussion"),
    ("▌", "a coder's excerpt"),
    ("4 of 9", "units settled of to do"),
];
