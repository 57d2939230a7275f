//! The whole-transcript view (`v`): the transcript wrapped to the screen,
//! with a margin of one column per coder showing which code that coder
//! applied on each row (NVivo's coding stripes). The rows are laid out
//! once per transcript and width (char offsets converted to byte offsets
//! once), so drawing takes only the rows on screen, however long the
//! transcript. Pure: opening, moving and jumping to a unit.

use crate::tui::data::ReviewData;
use crate::tui::state::{Pane, Screen, State, Tone};

/// One screen row of the transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Characters of the transcript, half-open.
    pub start: usize,
    pub end: usize,
    /// The same, as byte offsets, for slicing without counting.
    pub bytes: (usize, usize),
    /// Per coder (data.coders order): the codebook index of the code they
    /// applied on this row (the first, by start), if any.
    pub stripes: Vec<Option<usize>>,
    /// The row starts a line of the transcript (a speaker's turn).
    pub line_start: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptView {
    /// Index into `data.study.transcripts`.
    pub transcript: usize,
    /// The width the rows were wrapped to.
    pub width: usize,
    pub rows: Vec<Row>,
    /// The row under the cursor.
    pub cursor: usize,
}

/// Columns left of the text: one per coder and a space.
pub fn margin(coders: usize) -> usize {
    coders + 1
}

/// The rows of transcript `t` wrapped at spaces to `width` text columns.
pub fn layout(data: &ReviewData, t: usize, width: usize) -> Vec<Row> {
    let Some(tr) = data.study.transcripts.get(t) else {
        return Vec::new();
    };
    let text = &tr.text;
    let width = width.max(10);
    // Byte offset of every char, once.
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let mut rows = Vec::new();
    let mut line_from = 0;
    while line_from <= len {
        let line_to = chars[line_from..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(len, |i| line_from + i);
        let mut p = line_from;
        loop {
            let mut q = (p + width).min(line_to);
            if q < line_to {
                if let Some(sp) = chars[p..q].iter().rposition(|&c| c == ' ') {
                    if sp > 0 {
                        q = p + sp + 1;
                    }
                }
            }
            rows.push(Row {
                start: p,
                end: q,
                bytes: (offsets[p], offsets[q]),
                stripes: vec![None; data.coders.len()],
                line_start: p == line_from,
            });
            if q >= line_to {
                break;
            }
            p = q;
        }
        if line_to == len {
            break;
        }
        line_from = line_to + 1;
    }
    // Stripes: each excerpt marks the rows it overlaps (binary search on row starts).
    let index: std::collections::HashMap<&str, usize> = data
        .study
        .codebook
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id(), i))
        .collect();
    for f in data.study.codings.iter().filter(|f| f.transcript == tr.id) {
        let Some(ci) = data.coders.iter().position(|c| c.id == f.coder) else {
            continue;
        };
        for c in &f.codings {
            let Some(&code) = index.get(c.code.as_str()) else {
                continue;
            };
            let first = rows.partition_point(|r| r.end <= c.start);
            for r in rows[first..].iter_mut() {
                if r.start >= c.end {
                    break;
                }
                if r.stripes[ci].is_none() {
                    r.stripes[ci] = Some(code);
                }
            }
        }
    }
    rows
}

/// Text columns for a terminal `width` columns wide (the view's border and margin taken off).
pub fn text_width(width: u16, coders: usize) -> usize {
    (width as usize).saturating_sub(2 + margin(coders))
}

/// `v`: the transcript of the selected unit (cursor on its first row), or
/// of the transcript filter, or the first; `v` again or Esc goes back.
pub fn open(state: &mut State) {
    if state.screen == Screen::Transcript {
        state.screen = Screen::Browse;
        return;
    }
    let Some(data) = &state.data else { return };
    let unit = state.unit.map(|i| &data.units[i]);
    let wanted = unit
        .map(|u| u.transcript.to_string())
        .or_else(|| state.filters.transcript.clone());
    let t = wanted
        .and_then(|id| data.study.transcripts.iter().position(|t| t.id == id))
        .unwrap_or(0);
    if data.study.transcripts.is_empty() {
        state.say("the study has no transcripts yet", Tone::Info);
        return;
    }
    let width = text_width(state.size.0, data.coders.len());
    let rows = layout(data, t, width);
    let cursor = unit
        .map(|u| rows.partition_point(|r| r.end <= u.start))
        .unwrap_or(0)
        .min(rows.len().saturating_sub(1));
    state.transcript_view = Some(TranscriptView {
        transcript: t,
        width,
        rows,
        cursor,
    });
    state.screen = Screen::Transcript;
}

/// The terminal changed width: wrap again, the cursor kept on the same text.
pub fn resize(state: &mut State) {
    let (Some(data), Some(v)) = (&state.data, &state.transcript_view) else {
        return;
    };
    let width = text_width(state.size.0, data.coders.len());
    if width == v.width {
        return;
    }
    let at = v.rows.get(v.cursor).map_or(0, |r| r.start);
    let rows = layout(data, v.transcript, width);
    let cursor = rows
        .partition_point(|r| r.end <= at)
        .min(rows.len().saturating_sub(1));
    let transcript = v.transcript;
    state.transcript_view = Some(TranscriptView {
        transcript,
        width,
        rows,
        cursor,
    });
}

pub fn move_cursor(state: &mut State, by: isize) {
    if let Some(v) = &mut state.transcript_view {
        let len = v.rows.len();
        if len > 0 {
            v.cursor = (v.cursor as isize)
                .saturating_add(by)
                .clamp(0, len as isize - 1) as usize;
        }
    }
}

/// The unit at the cursor's row, if any. A row can touch two units: the
/// one selected before wins, then one still open, then the first.
pub fn unit_at_cursor(state: &State) -> Option<usize> {
    let data = state.data.as_ref()?;
    let v = state.transcript_view.as_ref()?;
    let row = v.rows.get(v.cursor)?;
    let id = &data.study.transcripts.get(v.transcript)?.id;
    let here: Vec<usize> = data
        .units_of_transcript(id)
        .filter(|&i| {
            let u = &data.units[i];
            u.start < row.end.max(row.start + 1) && u.end > row.start
        })
        .collect();
    here.iter()
        .copied()
        .find(|&i| Some(i) == state.unit)
        .or_else(|| here.iter().copied().find(|&i| data.standings[i].is_open()))
        .or_else(|| here.first().copied())
}

/// Enter: open the unit at the cursor.
pub fn open_unit(state: &mut State) {
    match unit_at_cursor(state) {
        Some(i) => {
            state.unit = Some(i);
            if !state.visible_units().contains(&i) {
                state.tree_cursor = 0;
                state.filter = crate::tui::state::StandingFilter::All;
                state.class_filter = None;
                state.filters = Default::default();
            }
            state.focus = Pane::Units;
            state.screen = Screen::Unit;
        }
        None => state.say("no coded excerpt on this line", Tone::Info),
    }
}

/// `T` in the view: the next transcript.
pub fn next_transcript(state: &mut State) {
    let (Some(data), Some(v)) = (&state.data, &state.transcript_view) else {
        return;
    };
    let n = data.study.transcripts.len();
    let t = (v.transcript + 1) % n.max(1);
    let rows = layout(data, t, v.width);
    let width = v.width;
    state.transcript_view = Some(TranscriptView {
        transcript: t,
        width,
        rows,
        cursor: 0,
    });
}

/// The study was read again: lay the open transcript out anew.
pub fn refresh(state: &mut State) {
    let (Some(data), Some(v)) = (&state.data, &state.transcript_view) else {
        return;
    };
    if v.transcript >= data.study.transcripts.len() {
        state.transcript_view = None;
        if state.screen == Screen::Transcript {
            state.screen = Screen::Browse;
        }
        return;
    }
    let rows = layout(data, v.transcript, v.width);
    let cursor = v.cursor.min(rows.len().saturating_sub(1));
    let (transcript, width) = (v.transcript, v.width);
    state.transcript_view = Some(TranscriptView {
        transcript,
        width,
        rows,
        cursor,
    });
}
