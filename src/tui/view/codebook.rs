//! The codebook pane: the construct hierarchy as a tree that folds, each
//! code in its colour with its counts; and the selected code's definition.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::study::Section;
use crate::study::text::printable;
use crate::tui::state::{Pane, Screen, State, TreeRow};
use crate::tui::view::fit;

pub fn draw_tree(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let focused = state.focus == Pane::Codebook && state.screen == Screen::Browse;
    let block = Block::bordered().title(Span::styled(
        " Codebook ",
        if focused { t.title() } else { t.dim() },
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(data) = &state.data else { return };
    let rows = state.tree_rows();
    let height = inner.height as usize;
    let first = crate::tui::layout::first_row(state.tree_cursor, height);
    let width = inner.width as usize;
    let changed = state.changed_since_baseline();
    let mut lines = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(first).take(height) {
        let mark = match row {
            TreeRow::Code { id, .. } if changed.contains(id) => " Δ",
            _ => "",
        };
        let (label, counts, style) = match row {
            TreeRow::AllCodes => {
                let counts = format!("{} open", data.open_count());
                ("All codes".to_string(), counts, t.title())
            }
            TreeRow::Code {
                id,
                depth,
                has_children,
                expanded,
            } => {
                let code = data.study.codebook.get(id);
                let name = code.map(|c| printable(c.name())).unwrap_or_default();
                let fold = match (has_children, expanded) {
                    (true, true) => "▾ ",
                    (true, false) => "▸ ",
                    _ => "  ",
                };
                let c = data.counts(id).cloned().unwrap_or_default();
                let per_coder: Vec<String> = c.excerpts.iter().map(|n| n.to_string()).collect();
                let mut counts = per_coder.join("/");
                if c.open > 0 {
                    counts.push_str(&format!(" {}○", c.open));
                }
                if c.decided > 0 {
                    counts.push_str(&format!(" {}✓", c.decided));
                }
                let style = code.map(|c| t.code(&c.header.color)).unwrap_or_default();
                (
                    format!("{}{fold}{name}", "  ".repeat(*depth)),
                    counts,
                    style,
                )
            }
        };
        let counts_width = counts.chars().count();
        let mark_width = mark.chars().count();
        let label_width = width.saturating_sub(counts_width + 1 + mark_width);
        let label = fit(&label, label_width);
        let pad = width.saturating_sub(label.chars().count() + mark_width + counts_width);
        let selected = i == state.tree_cursor;
        let row_style = if selected {
            t.selected()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(label, style.patch(row_style)),
            Span::styled(mark, t.warn().patch(row_style)),
            Span::styled(" ".repeat(pad), row_style),
            Span::styled(counts, t.dim().patch(row_style)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The selected code's definition, when to use, when not to use, examples.
pub fn draw_detail(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(data) = &state.data else { return };
    let Some(id) = state.scope() else {
        let block = Block::bordered().title(" All codes ");
        let c = &data.coders;
        let coders: Vec<String> = c
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} {}", i + 1, printable(&c.name)))
            .collect();
        let mut text = vec![
            Line::from(format!(
                "{} codes, {} transcripts, {} review units ({} open, {} decided).",
                data.study.codebook.codes.len(),
                data.study.transcripts.len(),
                data.units.len(),
                data.open_count(),
                data.decided_count()
            )),
            Line::from(format!("Coders: {}", coders.join(", "))),
            progress_line(state, None),
            Line::from(
                crate::tui::queue::by_transcript(data)
                    .iter()
                    .map(|(id, p)| format!("{} {}/{}", printable(id), p.settled, p.to_review))
                    .collect::<Vec<_>>()
                    .join(" · "),
            ),
            Line::from(Span::styled(
                "Enter or Tab: the units · ] next open disagreement · a agreement · ? help",
                t.dim(),
            )),
        ];
        let baseline = baseline_line(state);
        if !baseline.is_empty() {
            text.push(Line::from(Span::styled(baseline, t.dim())));
        }
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return;
    };
    let Some(code) = data.study.codebook.get(&id) else {
        return;
    };
    let path = data.study.codebook.name_path(&id).unwrap_or_default();
    let block = Block::bordered().title(Span::styled(
        format!(" {} ", printable(&path)),
        t.code(&code.header.color).patch(t.title()),
    ));
    let mut lines = vec![progress_line(state, Some(&id))];
    if state.changed_since_baseline().contains(&id) {
        lines.push(Line::from(Span::styled(
            format!(
                "Δ changed since {}: the coders may not have coded with this version (h: its history)",
                baseline_short(state)
            ),
            t.warn(),
        )));
    }
    for section in Section::ALL {
        if let Some(text) = code.section(section) {
            lines.push(Line::from(Span::styled(section.title(), t.title())));
            for l in text.lines() {
                lines.push(Line::from(printable(l)));
            }
        }
    }
    if lines.len() == 1 {
        lines.push(Line::from(Span::styled(
            "(no definition written yet)",
            t.dim(),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The short hash of the baseline commit.
fn baseline_short(state: &State) -> String {
    match (state.history_data(), state.baseline_record()) {
        (Some(h), Some(b)) => h.records[b].info.short.clone(),
        _ => "?".into(),
    }
}

/// What the Δ marks mean, or why there are none.
fn baseline_line(state: &State) -> String {
    use crate::tui::state::HistoryLoad;
    match (&state.history, state.baseline_record()) {
        (HistoryLoad::Ready(_), Some(_)) => {
            let chosen = if state.baseline.is_some() {
                "the chosen baseline"
            } else {
                "the coders' last codings"
            };
            format!(
                "Δ: definition changed since {} ({chosen}); h on a code shows its history, B there moves the baseline.",
                baseline_short(state)
            )
        }
        (HistoryLoad::Ready(_), None) => "No codings committed yet: no Δ marks.".into(),
        // Progress shows in the history view (h); the pane stays as it was.
        (HistoryLoad::Loading(_) | HistoryLoad::Failed(_) | HistoryLoad::NotAsked, _) => {
            String::new()
        }
    }
}

/// "Review: 5 of 8 settled ████░░ 3 open": how far the code (or the study) has come.
fn progress_line(state: &State, code: Option<&str>) -> Line<'static> {
    let t = &state.theme;
    let Some(data) = &state.data else {
        return Line::from("");
    };
    let p = crate::tui::queue::of_code(data, code);
    if p.to_review == 0 {
        return Line::from(Span::styled(
            "Review: nothing to settle (no disagreement)",
            t.dim(),
        ));
    }
    Line::from(vec![
        Span::styled("Review: ", t.title()),
        Span::raw(format!("{} of {} settled ", p.settled, p.to_review)),
        Span::styled(
            crate::tui::view::bar(p.fraction(), 10)
                .trim_end()
                .to_string(),
            t.success(),
        ),
        Span::styled(
            "░".repeat(
                10 - crate::tui::view::bar(p.fraction(), 10)
                    .trim_end()
                    .chars()
                    .count(),
            ),
            t.dim(),
        ),
        Span::styled(
            format!(" {} open", p.to_review - p.settled),
            if p.settled < p.to_review {
                t.warn()
            } else {
                t.success()
            },
        ),
    ])
}
