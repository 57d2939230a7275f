//! The whole-transcript view (`v`): a margin of coding stripes, one column
//! per coder in the colour of the code that coder applied, then the text.
//! Draws only the rows on screen from the layout `tui/transcript.rs` made.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::study::text::printable;
use crate::tui::state::State;
use crate::tui::view::fit;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let (Some(data), Some(v)) = (&state.data, &state.transcript_view) else {
        return;
    };
    let Some(tr) = data.study.transcripts.get(v.transcript) else {
        return;
    };
    let coders: Vec<String> = data
        .coders
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} {}", i + 1, printable(&c.name)))
        .collect();
    let title = Line::from(vec![
        Span::styled(format!(" {} ", printable(&tr.id)), t.title()),
        Span::raw(format!(
            "· row {} of {} · stripes: {} ",
            v.cursor + 1,
            v.rows.len(),
            coders.join(", ")
        )),
    ]);
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    // The cursor stays in the middle third when it can.
    let first = v
        .cursor
        .saturating_sub(height / 3)
        .min(v.rows.len().saturating_sub(height));
    let under_cursor = crate::tui::transcript::unit_at_cursor(state);
    let unit_span = under_cursor.map(|i| (data.units[i].start, data.units[i].end));
    let codes = &data.study.codebook.codes;
    let lines: Vec<Line> = v
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(k, row)| {
            let mut spans: Vec<Span> = row
                .stripes
                .iter()
                .map(|s| match s {
                    Some(c) => Span::styled("▌", t.code(&codes[*c].header.color)),
                    None => Span::raw(" "),
                })
                .collect();
            // The cursor shows without colour too.
            spans.push(Span::styled(
                if k == v.cursor { "›" } else { " " },
                t.title(),
            ));
            let text = printable(&tr.text[row.bytes.0..row.bytes.1]);
            let text = fit(&text, inner.width as usize);
            let in_unit = unit_span.is_some_and(|(s, e)| row.start < e && row.end > s);
            let style = if k == v.cursor {
                t.selected()
            } else if in_unit {
                t.title()
            } else {
                Default::default()
            };
            spans.push(Span::styled(text, style));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
