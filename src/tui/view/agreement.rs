//! The agreement view: per-code figures with bars, the overall row, and
//! how far the review has come.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::study::text::printable;
use crate::tui::agreement_list::{CHROME_ROWS, follow};
use crate::tui::data::Figures;
use crate::tui::state::State;
use crate::tui::update::agreement_rows;
use crate::tui::view::{bar, fit};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(data) = &state.data else { return };
    let block = Block::bordered().title(Span::styled(
        format!(
            " Agreement (pooled over transcripts) · {} ",
            state.agreement_sort.word()
        ),
        t.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(summary) = &state.agreement else {
        frame.render_widget(Paragraph::new("Computing the figures…"), inner);
        return;
    };
    let width = inner.width as usize;
    let three = data.coders.len() >= 3;
    // Columns: name, then three figures each "0.00 ████", then open units.
    let bar_w = if width >= 110 {
        12
    } else if width >= 90 {
        8
    } else {
        4
    };
    let cell = 7 + bar_w;
    let open_w = 6;
    let name_w = width.saturating_sub(3 * cell + open_w).max(12);
    let first = if three { "Fleiss κ" } else { "char κ" };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<name_w$}{:<cell$}{:<cell$}{:<cell$}{:>open_w$}",
            "Code", first, "segment", "|uα", "open"
        ),
        t.title(),
    ))];
    let row = |label: String,
               f: Option<&Figures>,
               open: Option<usize>,
               style: Style,
               selected: bool|
     -> Line<'static> {
        let sel = |s: Style| if selected { s.patch(t.selected()) } else { s };
        let name = fit(&label, name_w - 1);
        let pad = name_w.saturating_sub(name.chars().count());
        let mut spans = vec![
            Span::styled(name, sel(style)),
            Span::styled(" ".repeat(pad), sel(Style::default())),
        ];
        // A group or construct is not coded itself: its name only.
        if let Some(f) = f.cloned() {
            let k = if three {
                f.fleiss_kappa
            } else {
                f.character_kappa
            };
            for (v, percent) in [
                (k, false),
                (f.segment_agreement, true),
                (f.binary_u_alpha, false),
            ] {
                let num = match v {
                    // Segment agreement reads as the CLI prints it: a percentage.
                    Some(x) if percent => format!("{:>5.1}% ", x * 100.0),
                    Some(x) => format!("{x:>6.2} "),
                    None => "     – ".to_string(),
                };
                spans.push(Span::styled(num, sel(Style::default())));
                spans.push(Span::styled(bar(v, bar_w), sel(figure_style(t, v))));
            }
        }
        if let Some(n) = open {
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            let gap = (name_w + 3 * cell).saturating_sub(used);
            spans.push(Span::styled(" ".repeat(gap), sel(Style::default())));
            spans.push(Span::styled(format!("{n:>open_w$}"), sel(t.warn())));
        }
        Line::from(spans)
    };
    let ids = agreement_rows(state);
    let body = inner.height.saturating_sub(CHROME_ROWS as u16) as usize;
    let first_row = follow(state.agreement_scroll, state.agreement_cursor, body)
        .min(ids.len().saturating_sub(body));
    let indent = state.agreement_sort == crate::tui::agreement_list::SortBy::Codebook;
    for (k, id) in ids.iter().enumerate().skip(first_row).take(body) {
        let Some(code) = data.study.codebook.get(id) else {
            continue;
        };
        let depth = if indent { code.depth } else { 0 };
        let label = format!("{}{}", "  ".repeat(depth), printable(code.name()));
        let f = if code.header.codable {
            Some(summary.of(Some(code.id())).cloned().unwrap_or_default())
        } else {
            None
        };
        let style = if code.header.codable {
            t.code(&code.header.color)
        } else {
            t.title()
        };
        let open = data.counts(id).map(|c| c.open);
        lines.push(row(
            label,
            f.as_ref(),
            open,
            style,
            k == state.agreement_cursor,
        ));
    }
    // The overall row and the legend sit at the bottom, whatever the list's length.
    while lines.len() < 1 + body {
        lines.push(Line::from(""));
    }
    let overall = summary.of(None).cloned().unwrap_or_default();
    lines.push(row(
        "Overall".into(),
        Some(&overall),
        Some(data.open_count()),
        t.title(),
        false,
    ));
    let overlap = data
        .study
        .manifest
        .as_ref()
        .map(|m| m.agreement.segment_overlap * 100.0)
        .unwrap_or(90.0);
    let shown = if ids.is_empty() {
        String::new()
    } else {
        format!(
            "rows {}–{} of {}",
            first_row + 1,
            (first_row + body).min(ids.len()),
            ids.len()
        )
    };
    for text in [
        format!(
            "{} decided · {} open · {} units · {shown} · s sort · Enter: units",
            data.decided_count(),
            data.open_count(),
            data.units.len(),
        ),
        "κ: Cohen's kappa by character (NVivo) · |uα: Krippendorff (ATLAS.ti)".to_string(),
        format!("segment: excerpts matched at ≥{overlap:.0}% overlap (MAXQDA) · –: undefined"),
    ] {
        lines.push(Line::from(Span::styled(fit(&text, width), t.dim())));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn figure_style(t: &crate::tui::theme::Theme, v: Option<f64>) -> Style {
    match v {
        Some(x) if x >= 0.8 => t.success(),
        Some(x) if x >= 0.6 => t.warn(),
        Some(_) => t.error(),
        None => t.dim(),
    }
}
