//! Where each pane of the browse screen lies, for a terminal size: one
//! function that both `view` (to draw) and `update` (to map a mouse click
//! to a row) use, so the two always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the screens are drawn for; below it the screen
/// says so instead of drawing panes cut to pieces.
pub const MIN_SIZE: (u16, u16) = (80, 24);

pub struct BrowseAreas {
    pub tree: Rect,
    pub units: Rect,
    pub detail: Rect,
}

/// The browse screen's panes inside `main` (the screen less the status line).
pub fn browse(main: Rect) -> BrowseAreas {
    let detail_height = (main.height / 3).clamp(5, 14);
    let [top, detail] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(detail_height)]).areas(main);
    let tree_width = (top.width * 2 / 5).clamp(30, 56);
    let [tree, units] =
        Layout::horizontal([Constraint::Length(tree_width), Constraint::Min(20)]).areas(top);
    BrowseAreas {
        tree,
        units,
        detail,
    }
}

/// The main area of a screen of `width` x `height`: all but the status
/// line and the key bar below it.
pub fn main_area(width: u16, height: u16) -> Rect {
    Rect::new(0, 0, width, height.saturating_sub(2))
}

/// Inside a bordered block.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x + 1,
        r.y + 1,
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// The first row shown of a list of which row `cursor` must be visible in `height` rows.
pub fn first_row(cursor: usize, height: usize) -> usize {
    cursor.saturating_sub(height.saturating_sub(1))
}

/// The code picker's popup inside `main`.
pub fn picker(main: Rect) -> Rect {
    let w = 64.min(main.width);
    let h = 20.min(main.height);
    Rect::new(
        main.x + (main.width - w) / 2,
        main.y + (main.height - h) / 2,
        w,
        h,
    )
}

/// How many codes the picker shows at once (inside its border, below the query).
pub fn picker_rows(width: u16, height: u16) -> usize {
    (picker(main_area(width, height)).height as usize)
        .saturating_sub(3)
        .max(1)
}
