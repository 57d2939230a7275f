//! The history view of one code (`h`): its timeline (commits, authors,
//! what changed, the figures at each), the word diff of its definition
//! between two versions, and the trend of its agreement as a sparkline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline, Wrap};

use crate::history::{Op, word_diff};
use crate::study::text::printable;
use crate::tui::state::{HistoryLoad, State};
use crate::tui::theme::Depth;
use crate::tui::update::history_rows;
use crate::tui::view::fit;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(view) = &state.history_view else {
        return;
    };
    let name = state
        .data
        .as_ref()
        .and_then(|d| d.study.codebook.get(&view.code))
        .map(|c| printable(c.name()))
        .unwrap_or_else(|| printable(&view.code));
    let title = format!(" History: {name} ({}) ", printable(&view.code));
    let history = match &state.history {
        HistoryLoad::Ready(h) => h,
        HistoryLoad::Loading(what) => {
            let p = Paragraph::new(vec![
                Line::from(format!("Reading the history… {}", printable(what))),
                Line::from(Span::styled(
                    "Esc goes back; the history keeps loading",
                    t.dim(),
                )),
            ])
            .block(Block::bordered().title(Span::styled(title, t.title())));
            frame.render_widget(p, area);
            return;
        }
        HistoryLoad::Failed(e) => {
            let p = Paragraph::new(vec![
                Line::from(Span::styled("The history could not be read", t.error())),
                Line::from(printable(e)),
                Line::from(Span::styled(
                    "The history is git's: the study must be in a git repository with commits. h tries again.",
                    t.dim(),
                )),
            ])
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(title, t.title())));
            frame.render_widget(p, area);
            return;
        }
        HistoryLoad::NotAsked => return,
    };
    let rows = history_rows(state);
    let [top, bottom] = Layout::vertical([
        Constraint::Length((rows.len() as u16 + 3).clamp(5, area.height / 2)),
        Constraint::Min(4),
    ])
    .areas(area);
    let [diff_area, trend_area] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(26)]).areas(bottom);

    // The timeline, newest first.
    let baseline = state.baseline_record();
    let mut uncommitted = "";
    if history.uncommitted.iter().any(|c| c.code == view.code) {
        uncommitted = " · changed in the working tree, not committed";
    }
    let block = Block::bordered()
        .title(Span::styled(format!("{title}{uncommitted}"), t.title()))
        .title_bottom(Span::styled(
            " j/k version · m diff from here · B baseline · Esc back ",
            t.dim(),
        ));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let width = inner.width as usize;
    let fixed = 3 + 8 + 11 + 15 + 14;
    let what_w = width.saturating_sub(fixed).max(8);
    let fig = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.2}"));
    let mut lines = vec![Line::from(Span::styled(
        fit(
            &format!(
                "   {:<8}{:<11}{:<15}{:<what_w$}{:>7}{:>7}",
                "commit", "date", "author", "what changed", "κ", "|uα"
            ),
            width,
        ),
        t.dim(),
    ))];
    let height = inner.height.saturating_sub(1) as usize;
    let first = crate::tui::layout::first_row(view.cursor, height);
    for (i, row) in rows.iter().enumerate().skip(first).take(height) {
        let r = &history.records[row.record];
        let marks = format!(
            "{}{} ",
            if view.mark == Some(row.record) {
                "◆"
            } else {
                " "
            },
            if baseline == Some(row.record) {
                "⚑"
            } else {
                " "
            }
        );
        let what = match &row.not_loaded {
            Some(why) => format!("{} (not loaded: {})", row.what, why),
            None => row.what.clone(),
        };
        let text = format!(
            "{marks}{:<8}{:<11}{:<15}{:<what_w$}{:>7}{:>7}",
            r.info.short,
            &r.info.date[..10.min(r.info.date.len())],
            fit(&printable(&r.info.author), 14),
            fit(&printable(&what), what_w.saturating_sub(1)),
            fig(row.kappa),
            fig(row.alpha),
        );
        let mut style = if row.changed_code {
            Style::default()
        } else {
            t.dim()
        };
        if i == view.cursor {
            style = style.patch(t.selected());
        }
        lines.push(Line::from(Span::styled(fit(&text, width), style)));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            "No commit has changed this code yet (it is new in the working tree, or the study has no commits).",
            t.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);

    // The definition between two versions.
    let to = rows.get(view.cursor).map(|r| r.record);
    let (from, to) = match (view.mark, to) {
        (Some(m), Some(c)) if m != c => (Some(m.min(c)), Some(m.max(c))),
        (_, Some(c)) => (c.checked_sub(1), Some(c)),
        _ => (None, None),
    };
    let short = |r: Option<usize>| {
        r.map_or("before".to_string(), |r| {
            history.records[r].info.short.clone()
        })
    };
    let block = Block::bordered().title(Span::styled(
        format!(" Definition: {} → {} ", short(from), short(to)),
        t.title(),
    ));
    let mut lines: Vec<Line> = Vec::new();
    if let Some(to) = to {
        let old = from.and_then(|f| history.definition_at(&view.code, f));
        let new = history.definition_at(&view.code, to);
        match (&old, &new) {
            (Some(a), Some(b)) if a == b => {
                lines.push(Line::from(Span::styled(
                    "The definition is the same at both versions (m on another version compares with it).",
                    t.dim(),
                )));
                lines.extend(b.lines().map(|l| Line::from(printable(l))));
            }
            _ => {
                let a = old.clone().unwrap_or_default();
                let b = new.clone().unwrap_or_default();
                if old.is_none() {
                    lines.push(Line::from(Span::styled(
                        "(the code did not exist)",
                        t.dim(),
                    )));
                }
                if new.is_none() {
                    lines.push(Line::from(Span::styled("(the code was removed)", t.dim())));
                }
                lines.extend(diff_lines(state, &a, &b));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        diff_area,
    );

    // The trend of its agreement, oldest first.
    let block = Block::bordered().title(Span::styled(" κ over the commits ", t.title()));
    let inner = block.inner(trend_area);
    frame.render_widget(block, trend_area);
    let oldest_first: Vec<_> = rows.iter().rev().collect();
    let kappas: Vec<Option<f64>> = oldest_first.iter().map(|r| r.kappa).collect();
    let alphas: Vec<Option<f64>> = oldest_first.iter().map(|r| r.alpha).collect();
    let [spark, legend, _] = Layout::vertical([
        Constraint::Length(inner.height.saturating_sub(2).min(8)),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(inner);
    let n = kappas.len().max(1);
    let each = (spark.width as usize / n).max(1);
    let bars: Vec<Option<u64>> = kappas
        .iter()
        .flat_map(|k| {
            std::iter::repeat_n(k.map(|v| (v.clamp(0.0, 1.0) * 100.0).round() as u64), each)
        })
        .collect();
    frame.render_widget(
        Sparkline::default()
            .data(bars)
            .max(100)
            .absent_value_symbol(" ")
            .style(t.success()),
        spark,
    );
    let span = |v: &[Option<f64>]| {
        let defined: Vec<f64> = v.iter().flatten().copied().collect();
        match (defined.first(), defined.last()) {
            (Some(a), Some(b)) => format!("{a:.2} → {b:.2}"),
            _ => "–".to_string(),
        }
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled("oldest → newest", t.dim())),
            Line::from(format!("κ   {}", span(&kappas))),
            Line::from(format!("|uα {}", span(&alphas))),
        ]),
        legend,
    );
}

/// The word diff as lines: colours where the terminal has them, else
/// `[-removed-]` and `{+added+}`.
fn diff_lines(state: &State, old: &str, new: &str) -> Vec<Line<'static>> {
    let t = &state.theme;
    let plain = t.depth == Depth::None;
    let mut lines = vec![Line::default()];
    let mut previous = Op::Same;
    for p in word_diff(old, new) {
        // A word replaced: the old and the new apart, not run together.
        if previous == Op::Removed && p.op == Op::Added {
            if let Some(line) = lines.last_mut() {
                line.spans.push(Span::raw(" "));
            }
        }
        previous = p.op;
        let (style, open, close) = match p.op {
            Op::Same => (Style::default(), "", ""),
            Op::Removed => (t.removed(), "[-", "-]"),
            Op::Added => (t.added(), "{+", "+}"),
        };
        let parts: Vec<&str> = p.text.split('\n').collect();
        for (k, part) in parts.iter().enumerate() {
            if k > 0 {
                lines.push(Line::default());
            }
            let mut text = printable(part);
            if plain && p.op != Op::Same && !part.is_empty() {
                text = format!("{open}{text}{close}");
            }
            if let Some(line) = lines.last_mut() {
                line.spans.push(Span::styled(text, style));
            }
        }
    }
    lines
}
