//! Drawing the coding screen, and nothing else: the transcript with the
//! coder's codings as stripes in a margin and as highlights, the codebook
//! beside it (or the picker), the codings at the cursor, key hints and the
//! status line. Study text goes through `printable` (per character, see
//! `text::shown`) on its way to the terminal.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::study::text::{printable, shorten};
use crate::study::{Coding, Study};
use crate::tui::code::state::{CodeState, Mode};
use crate::tui::code::text;

/// Columns of the margin: three lanes of the coder's own stripes and one
/// for the other coders' (when they are visible).
pub const MARGIN: u16 = 4;
/// Rows above the transcript (the title).
pub const TOP_ROWS: u16 = 1;

/// The transcript pane's and the side pane's widths.
pub fn split_width(width: u16) -> (u16, u16) {
    let side = if width >= 110 {
        42
    } else if width >= 70 {
        28
    } else {
        width / 3
    };
    (width.saturating_sub(side), side)
}

pub fn view(state: &CodeState, frame: &mut Frame) {
    let area = frame.area();
    if area.height < 4 || area.width < 20 {
        frame.render_widget(Paragraph::new("window too small"), area);
        return;
    }
    let (text_w, side_w) = split_width(area.width);
    let body_h = area.height.saturating_sub(3);
    title(state, frame, Rect::new(0, 0, area.width, 1));
    transcript(state, frame, Rect::new(0, TOP_ROWS, text_w, body_h));
    side(state, frame, Rect::new(text_w, TOP_ROWS, side_w, body_h));
    hints(state, frame, Rect::new(0, area.height - 2, area.width, 1));
    status(state, frame, Rect::new(0, area.height - 1, area.width, 1));
    if state.help {
        help(state, frame, area);
    }
}

fn title(state: &CodeState, frame: &mut Frame, area: Rect) {
    let t = state
        .open
        .as_ref()
        .map_or("(no transcript)", |o| o.id.as_str());
    let n = state.study.transcripts.len();
    let line = Line::from(vec![
        Span::styled(" concord code ", state.theme.title()),
        Span::raw(format!(
            "· {} · {} ({}) · {} ({}/{})",
            printable(state.study.name()),
            printable(&state.coder_name),
            printable(&state.coder),
            printable(t),
            (state.transcript + 1).min(n),
            n
        )),
    ]);
    frame.render_widget(
        Paragraph::new(line).style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
    );
}

fn colour_of<'a>(study: &'a Study, code: &str) -> &'a str {
    study
        .codebook
        .get(code)
        .map_or("", |c| c.header.color.as_str())
}

fn transcript(state: &CodeState, frame: &mut Frame, area: Rect) {
    let Some(o) = &state.open else {
        frame.render_widget(Paragraph::new(" this study has no transcripts yet"), area);
        return;
    };
    let theme = &state.theme;
    let selection = state.selection();
    let mut lines = Vec::new();
    for r in o.rows.iter().skip(state.top).take(area.height as usize) {
        let mut spans = Vec::new();
        // The margin: the coder's codings on this row, one lane each.
        let mut here: Vec<&Coding> = o
            .own
            .iter()
            .filter(|c| c.start < r.end.max(r.start + 1) && c.end > r.start)
            .collect();
        here.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        for lane in 0..(MARGIN - 1) as usize {
            match here.get(lane) {
                Some(_) if lane == (MARGIN - 2) as usize && here.len() > lane + 1 => {
                    spans.push(Span::styled("+", theme.title()))
                }
                Some(c) => {
                    let mark = if c.start >= r.start && c.start < r.end.max(r.start + 1) {
                        "┏"
                    } else {
                        "┃"
                    };
                    let mut st = theme.code(colour_of(&state.study, &c.code));
                    if state.focus.as_deref() == Some(c.id.as_str()) {
                        st = st.add_modifier(Modifier::BOLD);
                    }
                    spans.push(Span::styled(mark, st))
                }
                None => spans.push(Span::raw(" ")),
            }
        }
        let others = o
            .others
            .iter()
            .filter(|(_, c)| c.start < r.end && c.end > r.start)
            .count();
        spans.push(match others {
            0 => Span::raw(" "),
            _ => Span::styled("┊", theme.dim()),
        });
        spans.push(Span::raw(" "));
        for i in r.start..r.end {
            let ch = o.chars[i];
            let coded: Vec<&&Coding> = here.iter().filter(|c| c.start <= i && i < c.end).collect();
            let mut st = match coded.last() {
                Some(c) => theme
                    .code(colour_of(&state.study, &c.code))
                    .add_modifier(Modifier::UNDERLINED),
                None => Style::default(),
            };
            if coded
                .iter()
                .any(|c| state.focus.as_deref() == Some(c.id.as_str()))
            {
                st = st.add_modifier(Modifier::BOLD);
            }
            if selection.is_some_and(|(s, e)| s <= i && i < e) {
                st = st.add_modifier(Modifier::REVERSED);
            }
            if i == state.cursor {
                st = if selection.is_some() {
                    st.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                } else {
                    st.add_modifier(Modifier::REVERSED)
                };
            }
            spans.push(Span::styled(text::shown(ch), st));
        }
        // The cursor on a line's end.
        if state.cursor == r.end && o.chars.get(r.end) == Some(&'\n') {
            spans.push(Span::styled(
                " ",
                Style::default().add_modifier(Modifier::REVERSED),
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn side(state: &CodeState, frame: &mut Frame, area: Rect) {
    let block = Block::default().borders(Borders::LEFT);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if matches!(state.mode, Mode::Picking { .. }) {
        picker(state, frame, inner);
        return;
    }
    let at_cursor = at_cursor_lines(state, inner.width as usize);
    let book_h = inner
        .height
        .saturating_sub(at_cursor.len() as u16 + 1)
        .max(3);
    codebook(
        state,
        frame,
        Rect::new(inner.x, inner.y, inner.width, book_h.min(inner.height)),
    );
    if inner.height > book_h {
        let rest = Rect::new(
            inner.x,
            inner.y + book_h,
            inner.width,
            inner.height - book_h,
        );
        frame.render_widget(Paragraph::new(at_cursor), rest);
    }
}

fn codebook(state: &CodeState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let own = state.open.as_ref().map(|o| o.own.as_slice()).unwrap_or(&[]);
    let w = area.width as usize;
    let codes = &state.study.codebook.codes;
    let followed = state.followed_code();
    let rows = (area.height as usize).saturating_sub(1);
    let window = codebook_window(
        codes.len(),
        followed.and_then(|id| codes.iter().position(|c| c.id() == id)),
        rows,
    );
    let mut lines = vec![Line::styled("Codebook (Enter codes)", theme.title())];
    if window.start > 0 {
        lines.push(Line::styled(
            format!("  ↑ {} more", window.start),
            theme.dim(),
        ));
    }
    let shown_from = if window.start > 0 {
        window.start + 1
    } else {
        window.start
    };
    let shown_to = if window.end < codes.len() {
        window.end - 1
    } else {
        window.end
    };
    for code in &codes[shown_from..shown_to.max(shown_from)] {
        let n = own.iter().filter(|c| c.code == code.id()).count();
        // Narrow panes indent by one column a level, so names keep their room.
        let step = if w < 34 { " " } else { "  " };
        let indent = step.repeat(code.depth.min(4));
        let count = if n > 0 {
            format!(" {n}")
        } else {
            String::new()
        };
        let room = w.saturating_sub(indent.chars().count() + 2 + count.chars().count());
        let name = shorten(code.name(), room);
        let style = if code.header.codable {
            Style::default()
        } else {
            theme.dim()
        };
        let mut line = Line::from(vec![
            Span::raw(indent),
            Span::styled(
                if code.header.codable { "● " } else { "  " },
                theme.code(&code.header.color),
            ),
            Span::styled(name, style),
            Span::styled(count, theme.title()),
        ]);
        // The code of the coding at the cursor: marked, and kept in sight.
        if followed == Some(code.id()) {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    if window.end < codes.len() {
        lines.push(Line::styled(
            format!("  ↓ {} more", codes.len() - window.end + 1),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The codebook rows shown in a pane of `rows` rows (a first or last one
/// given up to an "↑ n more" or "↓ n more" line): from the top, or, when
/// the followed code (`at`) would be out of sight, with it in the middle.
pub fn codebook_window(len: usize, at: Option<usize>, rows: usize) -> std::ops::Range<usize> {
    if len <= rows || rows < 4 {
        return 0..len.min(rows);
    }
    let start = match at {
        // Visible from the top: row `at` is above the "↓ more" line.
        Some(i) if i + 1 >= rows => (i + 1).saturating_sub(rows / 2).min(len - rows),
        _ => 0,
    };
    start..start + rows
}

fn at_cursor_lines(state: &CodeState, w: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let Some(o) = &state.open else { return vec![] };
    let mut lines = vec![Line::styled("At the cursor", theme.title())];
    let name = |code: &str| {
        state
            .study
            .codebook
            .get(code)
            .map(|c| c.name().to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let mine = state.own_at_cursor();
    if mine.is_empty() {
        lines.push(Line::styled("  none of yours", theme.dim()));
    }
    for c in mine.iter().take(4) {
        let focus = state.focus.as_deref() == Some(c.id.as_str());
        let mark = if focus { "▸ " } else { "  " };
        lines.push(Line::from(vec![
            Span::raw(mark),
            Span::styled("● ", theme.code(colour_of(&state.study, &c.code))),
            Span::raw(shorten(&name(&c.code), w.saturating_sub(14))),
            Span::styled(format!(" {}-{}", c.start, c.end), theme.dim()),
        ]));
        let stale = o
            .chars
            .get(c.start..c.end)
            .map(|s| s.iter().collect::<String>())
            != Some(c.quote.clone());
        if stale {
            lines.push(Line::styled("    ⚠ text changed: needs you", theme.warn()));
        }
        if !c.memo.is_empty() {
            lines.push(Line::styled(
                format!("    memo: {}", shorten(&c.memo, w.saturating_sub(10))),
                theme.dim(),
            ));
        }
    }
    if !state.others_visible(&o.id) {
        lines.push(Line::styled("  others: hidden until done", theme.dim()));
    } else {
        for (coder, c) in o
            .others
            .iter()
            .filter(|(_, c)| c.start <= state.cursor && state.cursor < c.end)
            .take(3)
        {
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled("○ ", theme.code(colour_of(&state.study, &c.code))),
                Span::raw(shorten(
                    &format!("{} ({})", name(&c.code), coder),
                    w.saturating_sub(4),
                )),
            ]));
        }
    }
    lines
}

fn picker(state: &CodeState, frame: &mut Frame, area: Rect) {
    let Some(p) = &state.picker else { return };
    let theme = &state.theme;
    let all = p.candidates(&state.study.codebook);
    let what = match &state.mode {
        Mode::Picking { recode: Some(_) } => "Change the code to",
        _ => "Apply a code",
    };
    let mut lines = vec![
        Line::styled(what, theme.title()),
        Line::from(vec![
            Span::raw("> "),
            Span::raw(printable(&p.query)),
            Span::styled("█", theme.dim()),
        ]),
    ];
    let h = (area.height as usize).saturating_sub(3).max(1);
    let w = area.width as usize;
    for i in p.window(&all, h) {
        let c = &all[i];
        let parents = if c.parents.is_empty() {
            String::new()
        } else {
            format!("  {}", c.parents)
        };
        let name = shorten(&c.name, w.saturating_sub(4));
        let room = w.saturating_sub(name.chars().count() + 2);
        // The parent path only where there is room to read some of it.
        let parents = if room >= 6 {
            shorten(&parents, room)
        } else {
            String::new()
        };
        let mut line = Line::from(vec![
            Span::styled("● ", theme.code(&c.color)),
            Span::raw(name),
            Span::styled(parents, theme.dim()),
        ]);
        if i == p.selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    if all.is_empty() {
        lines.push(Line::styled("no code matches", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn hints(state: &CodeState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let line = match &state.mode {
        Mode::Memo { text, .. } => Line::from(vec![
            Span::styled("memo: ", theme.title()),
            Span::raw(printable(text)),
            Span::styled("█", theme.dim()),
            Span::styled("   Enter keeps it, Esc cancels", theme.dim()),
        ]),
        Mode::Picking { .. } => Line::styled(
            "type to filter · ↑↓ choose · Enter applies · Esc cancels",
            theme.dim(),
        ),
        Mode::Adjust { .. } => Line::styled(
            "adjust: move the end with h l w b e ( ) j k · o other end · Enter keeps · Esc cancels",
            theme.dim(),
        ),
        // What just happened (a commit, a refusal) takes the hints' place until the next key.
        Mode::Normal if state.message.is_some() => {
            let (m, error) = state
                .message
                .as_ref()
                .map(|(m, e)| (m.as_str(), *e))
                .unwrap_or(("", false));
            Line::styled(
                printable(m),
                if error {
                    theme.error()
                } else {
                    Style::default()
                },
            )
        }
        Mode::Normal if state.anchor.is_some() => Line::styled(
            "selecting: move to extend · Enter apply a code · Esc/v stop",
            theme.dim(),
        ),
        Mode::Normal if area.width < 110 => Line::styled(
            "?:keys v:select Enter:code ]:coding c:recode m:memo r:adjust x:del u:undo D:done",
            theme.dim(),
        ),
        Mode::Normal => Line::styled(
            "? keys · v select · Enter code · ] [ your codings · Tab next · c recode · m memo · r adjust · x delete · u undo · D done",
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn status(state: &CodeState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let mut spans = Vec::new();
    if let Some(o) = &state.open {
        let len = o.chars.len().max(1);
        let read = state.read.get(state.transcript).copied().unwrap_or(0);
        let codes: std::collections::BTreeSet<&str> =
            o.own.iter().map(|c| c.code.as_str()).collect();
        spans.push(Span::raw(format!(
            " read {}% · {} coding{} in {} code{}",
            (read * 100 / len).min(100),
            o.own.len(),
            if o.own.len() == 1 { "" } else { "s" },
            codes.len(),
            if codes.len() == 1 { "" } else { "s" }
        )));
        if state.study.is_done(&state.coder, &o.id) {
            spans.push(Span::styled(" · done", theme.success()));
        }
        let stale = state.needs_a_human();
        if stale > 0 {
            spans.push(Span::styled(
                format!(" · {stale} need you (text changed)"),
                theme.warn(),
            ));
        }
    }
    match &state.batch {
        Some(p) if !p.is_empty() => spans.push(Span::styled(
            format!(" · {} waiting (s commits)", p.len()),
            theme.warn(),
        )),
        Some(_) => spans.push(Span::raw(" · batch")),
        None => {}
    }
    if state.in_flight > 0 {
        spans.push(Span::styled(" · committing…", theme.warn()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

const KEYS: &[(&str, &str)] = &[
    ("h l ← →", "character"),
    ("w b e", "next word, previous word, word end"),
    ("( )", "previous, next sentence"),
    ("{ }", "previous, next speaker turn"),
    ("j k ↑ ↓ PgUp PgDn g G", "rows, pages, start, end"),
    ("v", "start or stop a selection (mouse drag too)"),
    ("t", "select the speaker turn"),
    ("Enter", "apply a code to the selection (or the turn)"),
    ("] [", "next, previous of your codings"),
    ("Tab", "next of your codings at the cursor"),
    ("c", "change the coding's code"),
    ("m", "memo on the coding"),
    ("r", "adjust the coding's boundaries (o: other end)"),
    ("x", "delete the coding"),
    ("u", "undo the last change"),
    ("B", "commit by batch (s commits) or each change"),
    ("D", "mark the transcript done"),
    ("n p", "next, previous transcript"),
    ("q", "quit (pending changes are committed first)"),
];

fn help(state: &CodeState, frame: &mut Frame, area: Rect) {
    let w = area.width.min(70);
    let h = (KEYS.len() as u16 + 3).min(area.height);
    let r = Rect::new((area.width - w) / 2, (area.height - h) / 2, w, h);
    frame.render_widget(Clear, r);
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<22}"), state.theme.title()),
                Span::raw(*what),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" keys (any key closes) ")),
        r,
    );
}
