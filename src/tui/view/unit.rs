//! The unit view: the passage with each coder's excerpt marked, the codes
//! each coder applied, the difference spelled out, and the decision.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::align::{ReviewUnit, UnitClass};
use crate::review::Standing;
use crate::review::boundary::boundary_difference;
use crate::study::text::{char_slice, printable, shorten};
use crate::study::{Section, Transcript};
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
    let no_text = Transcript::new("", "");
    let text = data.study.transcript(&unit.transcript).unwrap_or(&no_text);
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
    let mut title = title;
    if let Some((n, of)) = crate::tui::queue::position(state) {
        // The queue in view: where this unit is in the units pane's list.
        title
            .spans
            .push(Span::styled(format!("· unit {n} of {of} "), t.dim()));
    }
    if let Some(s) = state.search.as_ref().filter(|s| s.highlight(i).is_some()) {
        title.spans.push(Span::styled(
            format!("· match {} of {} ", s.current + 1, s.matches.len()),
            t.warn(),
        ));
    }
    title
        .spans
        .extend(super::done::done_span(t, &data.study, &unit.transcript));
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let coder_rows = coders.len() as u16;
    let content = difference(t, data, unit, &text.text);
    let has_note = state.drafts.contains_key(unit.id.as_str())
        || !matches!(standing, Standing::Open | Standing::Agreed);
    let decision_rows = if state.edit.is_some() {
        4
    } else if matches!(standing, Standing::Conflict(_)) {
        // The header, each decision's what / who and when / note side by side, the keys.
        5
    } else if has_note {
        3
    } else {
        2
    };
    // The difference pane as tall as its content, leaving the passage at least 4 lines.
    let room = inner
        .height
        .saturating_sub(coder_rows + 1 + decision_rows + 4)
        .max(2);
    let diff_rows = (content.rows(inner.width as usize) as u16 + 1).clamp(2, room);
    let [passage_area, coders_area, diff_area, decision_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(coder_rows + 1),
        Constraint::Length(diff_rows),
        Constraint::Length(decision_rows),
    ])
    .areas(inner);

    // The span being edited, else the search match shown in this unit.
    let extra = state
        .edit
        .as_ref()
        .and_then(|e| e.spans.get(e.selected))
        .map(|s| (s.start, s.end))
        .or_else(|| state.search.as_ref().and_then(|s| s.highlight(i)));
    let (lines, unit_line) =
        passage_lines(t, text, unit, &coders, passage_area.width as usize, extra);
    let unit_line = scroll_to_unit(lines.len(), unit_line, passage_area.height as usize);
    frame.render_widget(
        Paragraph::new(lines).scroll((unit_line as u16, 0)),
        passage_area,
    );

    draw_coders(t, data, unit, frame, coders_area);
    draw_difference(state, content, frame, diff_area);
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

/// Rows `lines` take when wrapped at `width` (an estimate by characters).
fn wrapped_rows(lines: &[Line], width: usize) -> usize {
    lines
        .iter()
        .map(|l| {
            let n: usize = l.spans.iter().map(|s| s.content.chars().count()).sum();
            n.div_ceil(width.max(1)).max(1)
        })
        .sum()
}

/// What the difference pane shows: one column, or two side by side.
enum Difference {
    One(Vec<Line<'static>>),
    Two(Vec<Line<'static>>, Vec<Line<'static>>),
}

impl Difference {
    /// Rows it needs inside a pane of `width` columns.
    fn rows(&self, width: usize) -> usize {
        match self {
            Difference::One(l) => wrapped_rows(l, width),
            Difference::Two(a, b) => {
                let half = width.saturating_sub(2) / 2;
                wrapped_rows(a, half).max(wrapped_rows(b, half))
            }
        }
    }
}

/// The pane's content for the unit's class.
fn difference(t: &Theme, data: &ReviewData, unit: &ReviewUnit, text: &str) -> Difference {
    let coded: Vec<usize> = (0..data.coders.len())
        .filter(|&ci| unit.excerpts.iter().any(|e| e.coder == data.coders[ci].id))
        .collect();
    match unit.class {
        UnitClass::Code => {
            // What a reviewer weighs: every code each coder applied, with
            // its definition and when (not) to use it, side by side.
            let column = |ci: usize| -> Vec<Line<'static>> {
                let coder = &data.coders[ci];
                let mut codes: Vec<&str> = unit
                    .excerpts
                    .iter()
                    .filter(|e| e.coder == coder.id)
                    .map(|e| e.code.as_str())
                    .collect();
                codes.sort();
                codes.dedup();
                let mut lines = Vec::new();
                for c in codes {
                    let Some(code) = data.study.codebook.get(c) else {
                        lines.push(Line::from(format!(
                            "{} {}: not in the codebook",
                            ci + 1,
                            printable(c)
                        )));
                        continue;
                    };
                    if !lines.is_empty() {
                        lines.push(Line::from(""));
                    }
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", ci + 1), t.coder(ci)),
                        Span::styled(
                            printable(code.name()),
                            t.code(&code.header.color).patch(t.title()),
                        ),
                    ]));
                    for section in [
                        Section::Definition,
                        Section::WhenToUse,
                        Section::WhenNotToUse,
                    ] {
                        let body = code.section(section).unwrap_or("").trim();
                        if body.is_empty() {
                            continue;
                        }
                        let label = match section {
                            Section::Definition => "",
                            Section::WhenToUse => "Use: ",
                            _ => "Not: ",
                        };
                        lines.push(Line::from(vec![
                            Span::styled(label, t.dim()),
                            Span::raw(printable(&body.replace('\n', " "))),
                        ]));
                    }
                }
                lines
            };
            match coded.as_slice() {
                [a, b, ..] => Difference::Two(column(*a), column(*b)),
                [a] => Difference::One(column(*a)),
                [] => Difference::One(Vec::new()),
            }
        }
        UnitClass::Boundary if coded.len() >= 2 => {
            let (ca, cb) = (coded[0], coded[1]);
            let d = boundary_difference(unit, &data.coders[ca].id, &data.coders[cb].id);
            let ranges = |v: &[(usize, usize)]| -> String {
                if v.is_empty() {
                    return "(nothing)".into();
                }
                v.iter()
                    .map(|&(s, e)| {
                        let quote = char_slice(text, s, e).unwrap_or("");
                        format!("{s}–{e} “{}”", shorten(&printable(quote), 40))
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(format!("only {}: ", ca + 1), t.coder(ca)),
                    Span::raw(ranges(&d.first_only)),
                ]),
                Line::from(vec![
                    Span::styled(format!("only {}: ", cb + 1), t.coder(cb)),
                    Span::raw(ranges(&d.second_only)),
                ]),
            ];
            // The passage both coded, with what each alone included marked.
            let plain = t.depth == crate::tui::theme::Depth::None;
            let mut pieces: Vec<(usize, usize, u8)> = Vec::new();
            pieces.extend(d.both.iter().map(|&(s, e)| (s, e, 0)));
            pieces.extend(d.first_only.iter().map(|&(s, e)| (s, e, 1)));
            pieces.extend(d.second_only.iter().map(|&(s, e)| (s, e, 2)));
            pieces.sort();
            let mut marked = Vec::new();
            for (s, e, who) in pieces {
                let piece = printable(char_slice(text, s, e).unwrap_or(""));
                match who {
                    0 => marked.push(Span::raw(piece)),
                    1 if plain => marked.push(Span::raw(format!("[{}:{piece}]", ca + 1))),
                    // Marked in the coder's own colour, as the "only N" line above it.
                    1 => marked.push(Span::styled(
                        piece,
                        t.coder(ca)
                            .add_modifier(ratatui::style::Modifier::UNDERLINED),
                    )),
                    _ if plain => marked.push(Span::raw(format!("[{}:{piece}]", cb + 1))),
                    _ => marked.push(Span::styled(
                        piece,
                        t.coder(cb)
                            .add_modifier(ratatui::style::Modifier::UNDERLINED),
                    )),
                }
            }
            lines.push(Line::from(marked));
            Difference::One(lines)
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
            Difference::One(lines)
        }
        _ => Difference::One(vec![Line::from(Span::styled(
            "Every coder coded this passage the same way.",
            t.success(),
        ))]),
    }
}

fn draw_difference(state: &State, content: Difference, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let inner_width = area.width as usize;
    let rows = content.rows(inner_width);
    let height = area.height.saturating_sub(1) as usize;
    let scroll = state.difference_scroll.min(rows.saturating_sub(height));
    let title = if rows > height {
        format!(
            " Difference · lines {}–{} of {} · J K scroll ",
            scroll + 1,
            (scroll + height).min(rows),
            rows
        )
    } else {
        " Difference ".to_string()
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(title, t.dim()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let para = |lines: Vec<Line<'static>>| {
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .scroll((scroll as u16, 0))
    };
    match content {
        Difference::One(lines) => frame.render_widget(para(lines), inner),
        Difference::Two(a, b) => {
            // Two columns and a gutter between them, so the definitions never run together.
            let [l, _, r] = Layout::horizontal([
                Constraint::Fill(1),
                Constraint::Length(2),
                Constraint::Fill(1),
            ])
            .areas(inner);
            frame.render_widget(para(a), l);
            frame.render_widget(para(b), r);
        }
    }
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
    let mut conflict: Option<Vec<String>> = None;
    if state.pending.contains(unit.id.as_str()) {
        lines.push(Line::from(Span::styled(
            "Committing the decision…",
            t.warn(),
        )));
    } else {
        match standing {
            Standing::Decided(id) => {
                if let Some(d) = data.decision(id) {
                    let what = decision_words(data, d);
                    let (who, when) = who_and_when(d);
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
            Standing::Conflict(ids) => {
                lines.push(Line::from(Span::styled(
                    format!(
                        "Conflict: {} decisions hold for this unit; decide again to settle it.",
                        ids.len()
                    ),
                    t.error(),
                )));
                conflict = Some(ids.clone());
            }
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
    if let Some(note) = state.drafts.get(unit.id.as_str()) {
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
    if let Some(ids) = conflict.filter(|_| area.height >= 4) {
        // The header, the decisions side by side, the keys.
        let keys = lines.pop();
        let [head, columns, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(lines), head);
        draw_conflicting(t, data, &ids, frame, columns);
        if let Some(keys) = keys {
            frame.render_widget(Paragraph::new(keys), foot);
        }
        return;
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .rev()
        .take(area.height as usize)
        .rev()
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

/// A decision's result in words: "accepted Priya Raman", "rejected: ...".
fn decision_words(data: &ReviewData, d: &crate::study::Decision) -> String {
    match d.action {
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
    }
}

/// The reviewer's name and the time (to the minute), printable.
fn who_and_when(d: &crate::study::Decision) -> (String, String) {
    let when = d.at.replace('T', " ");
    let when = when.get(..16).unwrap_or(&when).to_string();
    let who = printable(d.reviewer.split(" <").next().unwrap_or(""));
    (who, printable(&when))
}

/// The decisions of a conflict side by side: what, who and when, the note.
fn draw_conflicting(t: &Theme, data: &ReviewData, ids: &[String], frame: &mut Frame, area: Rect) {
    let decisions: Vec<&crate::study::Decision> =
        ids.iter().filter_map(|id| data.decision(id)).collect();
    if decisions.is_empty() {
        return;
    }
    let n = decisions.len() as u32;
    let columns = Layout::horizontal((0..n).map(|_| Constraint::Ratio(1, n))).split(area);
    for (k, (d, column)) in decisions.iter().zip(columns.iter()).enumerate() {
        let (who, when) = who_and_when(d);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{}. ", (b'A' + k as u8) as char), t.error()),
                Span::raw(decision_words(data, d)),
            ]),
            Line::from(Span::styled(format!("{who}, {when}"), t.dim())),
        ];
        if !d.note.is_empty() {
            lines.push(Line::from(format!(
                "\u{201c}{}\u{201d}",
                printable(&d.note)
            )));
        }
        let inner = Rect {
            width: column.width.saturating_sub(1),
            ..*column
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    }
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
