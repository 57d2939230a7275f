//! The unit view: the passage with each coder's excerpt marked, the codes
//! each coder applied, the difference spelled out, and the decision.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use similar::{ChangeTag, TextDiff};

use crate::agreement::spans::merge;
use crate::align::{ReviewUnit, UnitClass};
use crate::review::Standing;
use crate::study::Section;
use crate::study::text::{char_slice, printable, shorten};
use crate::tui::data::ReviewData;
use crate::tui::state::State;
use crate::tui::theme::Theme;
use crate::tui::view::passage::passage_lines;
use crate::tui::view::units::{class_word, standing_style};
use crate::tui::view::{fit, popup};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let (Some(data), Some(i)) = (&state.data, state.unit) else {
        return;
    };
    let unit = &data.units[i];
    let standing = &data.standings[i];
    let text = data
        .study
        .transcript(&unit.transcript)
        .map(|t| t.text.as_str())
        .unwrap_or("");
    let coders: Vec<String> = data.coders.iter().map(|c| c.id.clone()).collect();

    let title = Line::from(vec![
        Span::styled(
            format!(
                " {} · {}–{} · ",
                printable(&unit.transcript),
                unit.start,
                unit.end
            ),
            t.title(),
        ),
        Span::raw(
            format!("{} disagreement · ", class_word(unit.class, false))
                .replace("agreement disagreement", "agreement"),
        ),
        Span::styled(format!("{} ", standing.word()), standing_style(t, standing)),
    ]);
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let coder_rows = coders.len() as u16;
    let diff_rows = if inner.height >= 30 { 8 } else { 5 };
    let has_note = state.drafts.contains_key(&unit.id)
        || !matches!(standing, Standing::Open | Standing::Agreed);
    let decision_rows = if state.edit.is_some() {
        4
    } else if has_note {
        3
    } else {
        2
    };
    let [passage_area, coders_area, diff_area, decision_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(coder_rows + 1),
        Constraint::Length(diff_rows),
        Constraint::Length(decision_rows),
    ])
    .areas(inner);

    let extra = state
        .edit
        .as_ref()
        .and_then(|e| e.spans.get(e.selected))
        .map(|s| (s.start, s.end));
    let (lines, unit_line) =
        passage_lines(t, text, unit, &coders, passage_area.width as usize, extra);
    let unit_line = scroll_to_unit(lines.len(), unit_line, passage_area.height as usize);
    frame.render_widget(
        Paragraph::new(lines).scroll((unit_line as u16, 0)),
        passage_area,
    );

    draw_coders(t, data, unit, frame, coders_area);
    draw_difference(t, data, unit, text, frame, diff_area);
    match &state.edit {
        Some(_) => draw_edit(state, data, frame, decision_area),
        None => draw_decision(state, data, unit, standing, frame, decision_area),
    }
    if state.picker.is_some() {
        draw_picker(state, data, frame, area);
    }
}

/// Lines to scroll so the unit shows: none when the passage fits, else the
/// unit's first line with two lines of context above it.
fn scroll_to_unit(lines: usize, unit_line: usize, height: usize) -> usize {
    if lines <= height {
        0
    } else {
        unit_line.saturating_sub(2).min(lines - height)
    }
}

fn draw_coders(t: &Theme, data: &ReviewData, unit: &ReviewUnit, frame: &mut Frame, area: Rect) {
    let mut lines = vec![];
    for (ci, coder) in data.coders.iter().enumerate() {
        let mine: Vec<_> = unit
            .excerpts
            .iter()
            .filter(|e| e.coder == coder.id)
            .collect();
        let mut spans = vec![
            Span::styled(format!("{} ▌", ci + 1), t.coder(ci)),
            Span::styled(format!("{}: ", printable(&coder.name)), t.title()),
        ];
        if mine.is_empty() {
            spans.push(Span::styled("did not code this passage", t.dim()));
        }
        for (k, e) in mine.iter().enumerate() {
            if k > 0 {
                spans.push(Span::raw("; "));
            }
            let (name, colour) = data
                .study
                .codebook
                .get(&e.code)
                .map(|c| (printable(c.name()), c.header.color.clone()))
                .unwrap_or_else(|| (printable(&e.code), String::new()));
            spans.push(Span::styled(name, t.code(&colour)));
            spans.push(Span::styled(format!(" {}–{}", e.start, e.end), t.dim()));
        }
        lines.push(Line::from(spans));
    }
    let block = Block::default().borders(Borders::TOP).title(" Coders ");
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}

/// One coder's text in the unit: their excerpts merged, in order.
fn coder_text(unit: &ReviewUnit, coder: &str, text: &str) -> String {
    let mut spans: Vec<(usize, usize)> = unit
        .excerpts
        .iter()
        .filter(|e| e.coder == coder)
        .map(|e| (e.start, e.end))
        .collect();
    spans.sort();
    merge(&spans)
        .iter()
        .filter_map(|&(s, e)| char_slice(text, s, e))
        .collect::<Vec<_>>()
        .join(" … ")
}

fn draw_difference(
    t: &Theme,
    data: &ReviewData,
    unit: &ReviewUnit,
    text: &str,
    frame: &mut Frame,
    area: Rect,
) {
    let block = Block::default().borders(Borders::TOP).title(" Difference ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let coded: Vec<usize> = (0..data.coders.len())
        .filter(|&ci| unit.excerpts.iter().any(|e| e.coder == data.coders[ci].id))
        .collect();
    match unit.class {
        UnitClass::Code => {
            // What a reviewer weighs: the definitions of the codes in play, side by side.
            let halves =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .split(inner);
            for (half, &ci) in halves.iter().zip(coded.iter().take(2)) {
                let coder = &data.coders[ci];
                let mut codes: Vec<&str> = unit
                    .excerpts
                    .iter()
                    .filter(|e| e.coder == coder.id)
                    .map(|e| e.code.as_str())
                    .collect();
                codes.dedup();
                let mut lines = Vec::new();
                for c in codes {
                    if let Some(code) = data.study.codebook.get(c) {
                        lines.push(Line::from(vec![
                            Span::styled(format!("{} ", ci + 1), t.coder(ci)),
                            Span::styled(
                                printable(code.name()),
                                t.code(&code.header.color).patch(t.title()),
                            ),
                        ]));
                        let def = code.section(Section::Definition).unwrap_or("");
                        lines.push(Line::from(printable(def)));
                    }
                }
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), *half);
            }
        }
        UnitClass::Boundary if coded.len() >= 2 => {
            let a = coder_text(unit, &data.coders[coded[0]].id, text);
            let b = coder_text(unit, &data.coders[coded[1]].id, text);
            let diff = TextDiff::from_chars(a.as_str(), b.as_str());
            let mut a_only = Vec::new();
            let mut b_only = Vec::new();
            let mut inline = vec![];
            // Consecutive characters of one kind make one run.
            let mut runs: Vec<(ChangeTag, String)> = Vec::new();
            for change in diff.iter_all_changes() {
                match runs.last_mut() {
                    Some((tag, s)) if *tag == change.tag() => s.push_str(change.value()),
                    _ => runs.push((change.tag(), change.value().to_string())),
                }
            }
            for (tag, run) in runs {
                let s = printable(&run);
                match tag {
                    ChangeTag::Delete => {
                        a_only.push(s.clone());
                        inline.push(Span::styled(s, t.removed()));
                    }
                    ChangeTag::Insert => {
                        b_only.push(s.clone());
                        inline.push(Span::styled(s, t.added()));
                    }
                    ChangeTag::Equal => inline.push(Span::raw(s)),
                }
            }
            let (na, nb) = (coded[0] + 1, coded[1] + 1);
            let width = inner.width as usize;
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(format!("only {na}: "), t.coder(coded[0])),
                    Span::raw(fit(&quote_runs(&a_only), width.saturating_sub(8))),
                ]),
                Line::from(vec![
                    Span::styled(format!("only {nb}: "), t.coder(coded[1])),
                    Span::raw(fit(&quote_runs(&b_only), width.saturating_sub(8))),
                ]),
            ];
            lines.push(Line::from(inline));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        UnitClass::Omission => {
            let missing: Vec<String> = data
                .coders
                .iter()
                .enumerate()
                .filter(|(ci, _)| !coded.contains(ci))
                .map(|(ci, c)| format!("{} {}", ci + 1, printable(&c.name)))
                .collect();
            let mut lines = vec![Line::from(format!("Not coded by {}.", missing.join(", ")))];
            let mut codes: Vec<&str> = unit.excerpts.iter().map(|e| e.code.as_str()).collect();
            codes.sort();
            codes.dedup();
            for c in codes {
                if let Some(code) = data.study.codebook.get(c) {
                    lines.push(Line::from(vec![
                        Span::styled(
                            format!("{}: ", printable(code.name())),
                            t.code(&code.header.color).patch(t.title()),
                        ),
                        Span::raw(printable(code.section(Section::Definition).unwrap_or(""))),
                    ]));
                }
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
        }
        _ => {
            let line = Line::from(Span::styled(
                "Every coder coded this passage the same way.",
                t.success(),
            ));
            frame.render_widget(Paragraph::new(line), inner);
        }
    }
}

fn quote_runs(runs: &[String]) -> String {
    if runs.is_empty() {
        return "(nothing)".into();
    }
    runs.iter()
        .map(|r| format!("“{r}”"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn draw_decision(
    state: &State,
    data: &ReviewData,
    unit: &ReviewUnit,
    standing: &Standing,
    frame: &mut Frame,
    area: Rect,
) {
    let t = &state.theme;
    let mut lines = Vec::new();
    if state.pending.contains(&unit.id) {
        lines.push(Line::from(Span::styled(
            "Committing the decision…",
            t.warn(),
        )));
    } else {
        match standing {
            Standing::Decided(id) => {
                if let Some(d) = data.decision(id) {
                    let what = match d.action {
                        crate::study::Action::Accept => format!(
                            "accepted {}",
                            data.coders
                                .iter()
                                .find(|c| Some(&c.id) == d.chosen.as_ref())
                                .map(|c| printable(&c.name))
                                .unwrap_or_default()
                        ),
                        crate::study::Action::Union => "accepted both (the union)".into(),
                        crate::study::Action::Reject => "rejected: nothing coded here".into(),
                        _ if d.result.is_empty() => "custom result: nothing coded".into(),
                        _ => {
                            let spans: Vec<String> = d
                                .result
                                .iter()
                                .map(|r| {
                                    let name = data
                                        .study
                                        .codebook
                                        .get(&r.code)
                                        .map(|c| printable(c.name()))
                                        .unwrap_or_else(|| printable(&r.code));
                                    format!("{name} {}–{}", r.start, r.end)
                                })
                                .collect();
                            format!("custom result: {}", spans.join("; "))
                        }
                    };
                    let when = d.at.replace('T', " ");
                    let when = when.get(..16).unwrap_or(&when).to_string();
                    let who = printable(d.reviewer.split(" <").next().unwrap_or(""));
                    lines.push(Line::from(vec![
                        Span::styled("✓ Decided: ", t.success()),
                        Span::raw(what),
                        Span::styled(format!(" — {who}, {when}"), t.dim()),
                    ]));
                    if !d.note.is_empty() {
                        lines.push(Line::from(format!("Note: {}", printable(&d.note))));
                    }
                }
            }
            Standing::Stale(_) => lines.push(Line::from(Span::styled(
                "Stale: decided before a coder recoded this passage; decide again.",
                t.error(),
            ))),
            Standing::Conflict(ids) => lines.push(Line::from(Span::styled(
                format!(
                    "Conflict: {} decisions hold for this unit ({}); decide again to settle it.",
                    ids.len(),
                    ids.join(", ")
                ),
                t.error(),
            ))),
            Standing::Discussion(id) => {
                let note = data
                    .decision(id)
                    .map(|d| printable(&d.note))
                    .unwrap_or_default();
                lines.push(Line::from(Span::styled(
                    format!("⚑ Needs discussion: {note}"),
                    t.warn(),
                )));
            }
            Standing::Agreed | Standing::Open => {}
        }
    }
    if let Some(note) = state.drafts.get(&unit.id) {
        lines.push(Line::from(Span::raw(format!(
            "Note for the decision: {}",
            printable(note)
        ))));
    }
    let coders: Vec<String> = data
        .coders
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{} {}",
                i + 1,
                shorten(c.name.split_whitespace().next().unwrap_or(&c.id), 12)
            )
        })
        .collect();
    lines.push(Line::from(Span::styled(
        format!(
            "{} · b both · x reject · e edit · c note · d ⚑ · u undo · ] next",
            coders.join(" · ")
        ),
        t.dim(),
    )));
    let lines: Vec<Line> = lines
        .into_iter()
        .rev()
        .take(area.height as usize)
        .rev()
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn draw_edit(state: &State, data: &ReviewData, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(edit) = &state.edit else { return };
    let mut lines = vec![Line::from(Span::styled(
        "Editing the result: ←→ character · b w word · Space start/end · Tab next · p code · + add · d remove · Enter record · Esc cancel",
        t.dim(),
    ))];
    for (k, s) in edit.spans.iter().enumerate() {
        let name = data
            .study
            .codebook
            .get(&s.code)
            .map(|c| printable(c.name()))
            .unwrap_or_else(|| "(pick a code: p)".into());
        let marker = if k == edit.selected { "▶ " } else { "  " };
        let (start, end) = if k == edit.selected && !edit.at_end {
            (format!("[{}]", s.start), s.end.to_string())
        } else if k == edit.selected {
            (s.start.to_string(), format!("[{}]", s.end))
        } else {
            (s.start.to_string(), s.end.to_string())
        };
        lines.push(Line::from(format!("{marker}{name} {start}–{end}")));
    }
    if edit.spans.is_empty() {
        lines.push(Line::from(
            "(no excerpts: Enter records that nothing is coded here)",
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn draw_picker(state: &State, data: &ReviewData, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(picker) = &state.picker else { return };
    let rect = crate::tui::layout::picker(area);
    popup(frame, rect);
    let all = picker.candidates(&data.study.codebook);
    let title = format!(
        " Pick a code · {} of {} ",
        (picker.selected + 1).min(all.len()),
        all.len()
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.title()))
        .title_bottom(Span::styled(
            " ↑↓ PgUp PgDn move · Enter pick · Esc cancel ",
            t.dim(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let width = inner.width as usize;
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", t.title()),
        Span::raw(printable(&picker.query)),
        Span::styled("█", t.dim()),
    ])];
    let rows = inner.height.saturating_sub(1) as usize;
    if all.is_empty() {
        lines.push(Line::from(Span::styled("no code matches", t.dim())));
    }
    for k in picker.window(&all, rows) {
        let c = &all[k];
        let marker = if k == picker.selected { "▶ " } else { "  " };
        let name = printable(&c.name);
        let path = if c.parents.is_empty() {
            String::new()
        } else {
            format!("{} › ", printable(&c.parents))
        };
        let style = t.code(&c.color);
        let style = if k == picker.selected {
            style.patch(t.selected())
        } else {
            style
        };
        let path_w = path
            .chars()
            .count()
            .min(width.saturating_sub(2 + name.chars().count().min(24)));
        let path = fit(&path, path_w);
        let name = fit(&name, width.saturating_sub(2 + path.chars().count()));
        lines.push(Line::from(vec![
            Span::styled(marker, style),
            Span::styled(path, t.dim()),
            Span::styled(name, style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
