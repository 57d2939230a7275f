//! The agreement view: per-code figures with bars, the overall row, and
//! how far the review has come.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::study::text::printable;
use crate::tui::data::Figures;
use crate::tui::state::State;
use crate::tui::view::{bar, fit};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(data) = &state.data else { return };
    let block = Block::bordered().title(Span::styled(
        " Agreement (pooled over transcripts) ",
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
    // Columns: name, then three figures each "0.00 ████".
    let bar_w = if width >= 110 {
        12
    } else if width >= 90 {
        8
    } else {
        4
    };
    let cell = 6 + bar_w;
    let name_w = width.saturating_sub(3 * cell).max(12);
    let first = if three { "Fleiss κ" } else { "char κ" };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<name_w$}{:<cell$}{:<cell$}{:<cell$}",
            "Code", first, "segment %", "|uα"
        ),
        t.title(),
    ))];
    let row = |label: String, f: Option<&Figures>, style: Style| -> Line<'static> {
        // A group or construct is not coded itself: its name only.
        let Some(f) = f.cloned() else {
            return Line::from(Span::styled(fit(&label, name_w), style));
        };
        let k = if three {
            f.fleiss_kappa
        } else {
            f.character_kappa
        };
        let mut spans = vec![Span::styled(fit(&label, name_w - 1), style)];
        let pad = name_w.saturating_sub(spans[0].content.chars().count());
        spans.push(Span::raw(" ".repeat(pad)));
        for v in [k, f.segment_agreement, f.binary_u_alpha] {
            let num = match v {
                Some(x) => format!("{x:>5.2} "),
                None => "    – ".to_string(),
            };
            spans.push(Span::raw(num));
            spans.push(Span::styled(bar(v, bar_w), figure_style(t, v)));
        }
        Line::from(spans)
    };
    let body = inner.height.saturating_sub(4) as usize;
    let codes: Vec<_> = data
        .study
        .codebook
        .codes
        .iter()
        .filter(|c| c.header.codable || c.depth < 2)
        .collect();
    let skip = state
        .tree_cursor
        .saturating_sub(1)
        .min(codes.len().saturating_sub(body));
    for code in codes.iter().skip(skip).take(body) {
        let label = format!("{}{}", "  ".repeat(code.depth), printable(code.name()));
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
        lines.push(row(label, f.as_ref(), style));
    }
    let overall = summary.of(None).cloned().unwrap_or_default();
    lines.push(row("Overall".into(), Some(&overall), t.title()));
    lines.push(Line::from(Span::styled(
        format!(
            "Review: {} units decided, {} open of {}.  κ: Cohen's kappa by character (NVivo); segment: excerpts matched at ≥{:.0}% overlap (MAXQDA); |uα: Krippendorff (ATLAS.ti). – undefined (see concord agreement).",
            data.decided_count(),
            data.open_count(),
            data.units.len(),
            data.study.manifest.as_ref().map(|m| m.agreement.segment_overlap * 100.0).unwrap_or(90.0)
        ),
        t.dim(),
    )));
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        inner,
    );
}

fn figure_style(t: &crate::tui::theme::Theme, v: Option<f64>) -> Style {
    match v {
        Some(x) if x >= 0.8 => t.success(),
        Some(x) if x >= 0.6 => t.warn(),
        Some(_) => t.error(),
        None => t.dim(),
    }
}
