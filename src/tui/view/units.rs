//! The units pane: the review units of the selected code (or of all
//! codes), each with transcript, place, class, standing and a quote.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::align::UnitClass;
use crate::review::Standing;
use crate::study::text::printable;
use crate::tui::data::ReviewData;
use crate::tui::state::{Pane, Screen, State};
use crate::tui::theme::Theme;
use crate::tui::view::fit;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(data) = &state.data else { return };
    let visible = state.visible_units();
    let scope_name = state
        .scope()
        .and_then(|id| data.study.codebook.get(&id).map(|c| printable(c.name())))
        .unwrap_or_else(|| "all codes".into());
    let open_here = match state.scope() {
        None => data.open_count(),
        Some(id) => data.counts(&id).map(|c| c.open).unwrap_or(0),
    };
    let mut shown = state.filter.word().to_string();
    if let Some(c) = state.class_filter {
        shown.push_str(&format!(", {}", c.name()));
    }
    if let Some(f) = state.filters.describe_short() {
        shown.push_str(&format!(", {}", printable(&f)));
    }
    // The filtered count, always, first: "37 of 208"; the rest is cut on a
    // narrow screen, the label and the open count first.
    let count = format!("{} of {}", visible.len(), state.scope_units());
    let room = area.width.saturating_sub(4) as usize;
    // "208 open" says something only when the list is not the open units.
    let open_part = if state.filter == crate::tui::state::StandingFilter::Open {
        String::new()
    } else {
        format!(" · {open_here} open")
    };
    let mut title = format!(" Units: {count} · {scope_name} · {shown}{open_part} ");
    if title.chars().count() > room {
        title = format!(" {count} · {scope_name} · {shown}{open_part} ");
    }
    if title.chars().count() > room {
        title = format!(" {count} · {scope_name} · {shown} ");
    }
    if title.chars().count() > room {
        title = format!(" {} ", fit(title.trim(), room.saturating_sub(2)));
    }
    let focused = state.focus == Pane::Units && state.screen == Screen::Browse;
    let block = Block::bordered().title(Span::styled(
        title,
        if focused { t.title() } else { t.dim() },
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if visible.is_empty() {
        let empty = if data.units.is_empty() {
            "No excerpts coded yet."
        } else {
            "No units here with these filters (f: open/⚑/decided/all, t: class)."
        };
        frame.render_widget(Paragraph::new(Span::styled(empty, t.dim())), inner);
        return;
    }
    let height = inner.height as usize;
    let pos = state
        .unit
        .and_then(|u| visible.iter().position(|&v| v == u));
    let first = crate::tui::layout::first_row(pos.unwrap_or(0), height);
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(row, &i)| {
            let selected = focused && Some(row) == pos
                || (!focused && Some(row) == pos && state.unit.is_some());
            unit_row(t, data, state, i, inner.width as usize, selected)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn class_word(c: UnitClass, short: bool) -> &'static str {
    match (c, short) {
        (UnitClass::Agreement, false) => "agreement",
        (UnitClass::Boundary, false) => "boundary",
        (UnitClass::Code, false) => "code",
        (UnitClass::Omission, false) => "omission",
        (UnitClass::Agreement, true) => "agr",
        (UnitClass::Boundary, true) => "bnd",
        (UnitClass::Code, true) => "code",
        (UnitClass::Omission, true) => "omit",
    }
}

pub fn standing_style(t: &Theme, s: &Standing) -> Style {
    match s {
        Standing::Open | Standing::Discussion(_) => t.warn(),
        Standing::Decided(_) | Standing::Agreed => t.success(),
        Standing::Stale(_) | Standing::Conflict(_) => t.error(),
    }
}

fn unit_row(
    t: &Theme,
    data: &ReviewData,
    state: &State,
    i: usize,
    width: usize,
    selected: bool,
) -> Line<'static> {
    let u = &data.units[i];
    let standing = &data.standings[i];
    let wide = width >= 64;
    let text = data
        .study
        .transcript(&u.transcript)
        .and_then(|tr| tr.slice(u.start, u.end.min(u.start + 200)))
        .unwrap_or("");
    let word = match standing {
        _ if state.pending.contains(u.id.as_str()) => "saving",
        Standing::Discussion(_) if wide => "⚑ discuss",
        Standing::Discussion(_) => "⚑ disc.",
        _ => standing.word(),
    };
    let place = if wide {
        format!("{:<6} {:>6}-{:<6} ", fit(&u.transcript, 6), u.start, u.end)
    } else {
        format!("{:<5}{:>6} ", fit(&u.transcript, 5), u.start)
    };
    let class = format!(
        "{:<w$} ",
        class_word(u.class, !wide),
        w = if wide { 9 } else { 4 }
    );
    let stand = format!("{:<w$} ", word, w = if wide { 9 } else { 7 });
    let used = place.chars().count() + class.chars().count() + stand.chars().count();
    let quote = fit(
        &format!("“{}”", printable(text)),
        width.saturating_sub(used),
    );
    let row_style = if selected {
        t.selected()
    } else {
        Style::default()
    };
    let pad = width.saturating_sub(used + quote.chars().count());
    Line::from(vec![
        Span::styled(place, row_style),
        Span::styled(class, row_style),
        Span::styled(stand, standing_style(t, standing).patch(row_style)),
        Span::styled(quote, row_style),
        Span::styled(" ".repeat(pad), row_style),
    ])
}
