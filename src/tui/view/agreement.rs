//! The agreement view: per-code figures with bars, the overall row, and
//! how far the review has come.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::study::text::printable;
use crate::tui::agreement_list::{chrome_rows, figures_of, follow, kappa, shown_pair};
use crate::tui::data::Figures;
use crate::tui::state::State;
use crate::tui::update::agreement_rows;
use crate::tui::view::{bar, fit};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(data) = &state.data else { return };
    let pair = shown_pair(data, state.filters.pair);
    let coder_name = |id: &str| {
        data.coders
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| printable(&c.name))
    };
    // One pair's title names the two; "pooled" would not fit beside them.
    let title = match pair {
        Some([a, b]) => format!(
            " Agreement of {} and {} · {} ",
            coder_name(a),
            coder_name(b),
            state.agreement_sort.word()
        ),
        None => format!(
            " Agreement (pooled over transcripts) · {} ",
            state.agreement_sort.word()
        ),
    };
    let block = Block::bordered().title(Span::styled(title, t.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(summary) = &state.agreement else {
        frame.render_widget(Paragraph::new("Computing the figures…"), inner);
        return;
    };
    let width = inner.width as usize;
    let three = data.coders.len() >= 3;
    // One pair's figures are two-coder figures: Cohen's kappa, not Fleiss'.
    let team_of_three = three && pair.is_none();
    // Columns: name, then three figures each " 100.0% ████" (a space,
    // the figure in 6, a space, the bar), then open units. The leading
    // space keeps a figure as wide as 100.0% or -1.00 off the bar before it.
    let bar_w = if width >= 110 {
        12
    } else if width >= 90 {
        8
    } else {
        4
    };
    let cell = 8 + bar_w;
    let open_w = 6;
    let name_w = width.saturating_sub(3 * cell + open_w).max(12);
    let first = if team_of_three {
        "Fleiss κ"
    } else {
        "char κ"
    };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<name_w$} {:<head$} {:<head$} {:<head$}{:>open_w$}",
            "Code",
            first,
            "segment",
            "|uα",
            "open",
            head = cell - 1
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
            let k = kappa(&f, team_of_three);
            for (v, percent) in [
                (k, false),
                (f.segment_agreement, true),
                (f.binary_u_alpha, false),
            ] {
                let num = match v {
                    // Segment agreement reads as the CLI prints it: a percentage.
                    Some(x) if percent => format!(" {:>5.1}% ", x * 100.0),
                    Some(x) => format!(" {x:>6.2} "),
                    None => "      – ".to_string(),
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
    let body = (inner.height as usize).saturating_sub(chrome_rows(data.coders.len()));
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
            Some(
                figures_of(summary, Some(code.id()), pair)
                    .cloned()
                    .unwrap_or_default(),
            )
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
    let overall = figures_of(summary, None, pair).cloned().unwrap_or_default();
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
    if three {
        lines.push(pair_line(
            state,
            summary,
            ids.get(state.agreement_cursor),
            width,
        ));
    }
    for text in [
        format!(
            "{} decided · {} open · {} units · {shown}",
            data.decided_count(),
            data.open_count(),
            data.units.len(),
        ),
        // Name the kappa the first column shows: Fleiss' for the team of
        // three or more, Cohen's for two coders or one pair.
        if team_of_three {
            "Fleiss κ: Fleiss' kappa by character · |uα: Krippendorff (ATLAS.ti)"
        } else {
            "char κ: Cohen's kappa by character (NVivo) · |uα: Krippendorff (ATLAS.ti)"
        }
        .to_string(),
        if team_of_three {
            format!(
                "segment: mean over pairs, excerpts matched at ≥{overlap:.0}% (MAXQDA) · –: undefined"
            )
        } else {
            format!("segment: excerpts matched at ≥{overlap:.0}% overlap (MAXQDA) · –: undefined")
        },
    ] {
        lines.push(Line::from(Span::styled(fit(&text, width), t.dim())));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// "κ by pair of coders, Trust: 1–2 0.81 · 1–3 0.55 · 2–3 –": every
/// pair's Cohen's kappa of the code under the cursor (overall when there
/// is none), the pair the list shows marked. Coders by number, as the
/// accept keys and the pair filter name them (names would not fit).
fn pair_line(
    state: &State,
    summary: &crate::tui::data::AgreementSummary,
    code: Option<&String>,
    width: usize,
) -> Line<'static> {
    let t = &state.theme;
    let Some(data) = &state.data else {
        return Line::from("");
    };
    let shown = shown_pair(data, state.filters.pair);
    let number = |id: &str| {
        data.coders
            .iter()
            .position(|c| c.id == id)
            .map_or("?".to_string(), |i| (i + 1).to_string())
    };
    // A group or construct heading has no figures of its own: overall.
    let code = code.filter(|id| {
        data.study
            .codebook
            .get(id)
            .is_some_and(|c| c.header.codable)
    });
    let label = match code.and_then(|id| data.study.codebook.get(id)) {
        Some(c) => printable(c.name()),
        None => "overall".to_string(),
    };
    let mut spans = vec![Span::styled(
        format!("κ by pair of coders, {label}: "),
        t.dim(),
    )];
    for (i, p) in summary.pairs.iter().enumerate() {
        let v = summary
            .of_pair(code.map(String::as_str), [&p.coders[0], &p.coders[1]])
            .and_then(|f| f.character_kappa);
        let num = v.map_or("–".to_string(), |x| format!("{x:.2}"));
        let text = format!("{}–{} {num}", number(&p.coders[0]), number(&p.coders[1]));
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        let marked = shown == Some([p.coders[0].as_str(), p.coders[1].as_str()]);
        let style = if marked {
            figure_style(t, v).patch(t.selected())
        } else {
            figure_style(t, v)
        };
        spans.push(Span::styled(text, style));
    }
    // Cut at the width, as `fit` does for plain lines.
    let mut used = 0;
    let mut out = Vec::new();
    for s in spans {
        let n = s.content.chars().count();
        if used + n > width {
            let room = width.saturating_sub(used);
            out.push(Span::styled(fit(&s.content, room), s.style));
            break;
        }
        used += n;
        out.push(s);
    }
    Line::from(out)
}

fn figure_style(t: &crate::tui::theme::Theme, v: Option<f64>) -> Style {
    match v {
        Some(x) if x >= 0.8 => t.success(),
        Some(x) if x >= 0.6 => t.warn(),
        Some(_) => t.error(),
        None => t.dim(),
    }
}
