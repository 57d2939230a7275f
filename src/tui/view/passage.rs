//! A transcript passage around a unit: each coder's excerpts highlighted
//! (one style per coder, text all coders took in marked distinctly), a
//! gutter that shows which coders coded each line, speaker labels in bold,
//! and the text wrapped to the width.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::align::ReviewUnit;
use crate::study::Transcript;
use crate::tui::theme::Theme;

/// Characters of context shown before and after the unit's turns, at most.
const CONTEXT: usize = 280;

/// Characters on either side of the unit that are laid out at all: a turn
/// longer than this is cut here, so a transcript of 50 MB costs a frame
/// what the screen shows, not the whole text.
const WINDOW: usize = 4096;

/// The passage's lines, and the index of the first line that shows any of
/// the unit's text (so the caller can keep it in view).
pub fn passage_lines(
    t: &Theme,
    transcript: &Transcript,
    unit: &ReviewUnit,
    coders: &[String],
    width: usize,
    extra: Option<(usize, usize)>,
) -> (Vec<Line<'static>>, usize) {
    // Positions below are within the window, which starts at `lo`.
    let hi = unit.end.saturating_add(WINDOW).min(transcript.chars);
    let lo = unit.start.saturating_sub(WINDOW).min(hi);
    let shift = |p: usize| p.saturating_sub(lo);
    let chars: Vec<char> = transcript.slice(lo, hi).unwrap_or("").chars().collect();
    let len = chars.len();
    let (start, end) = (shift(unit.start).min(len), shift(unit.end).min(len));
    let extra = extra.map(|(s, e)| (shift(s), shift(e)));
    // From the turn before the unit's to the turn after it, clipped.
    let line_start = |p: usize| {
        chars[..p]
            .iter()
            .rposition(|&c| c == '\n')
            .map(|i| i + 1)
            .unwrap_or(0)
    };
    let line_end = |p: usize| {
        chars[p..]
            .iter()
            .position(|&c| c == '\n')
            .map(|i| p + i)
            .unwrap_or(len)
    };
    let mut from = line_start(start);
    if from > 0 {
        let turn_before = line_start(from.saturating_sub(2));
        if from - turn_before > CONTEXT {
            // Clipped inside the turn: start at a word.
            let cut = from - CONTEXT;
            from = chars[cut..from]
                .iter()
                .position(|&c| c == ' ')
                .map(|i| cut + i + 1)
                .unwrap_or(cut);
        } else {
            from = turn_before;
        }
    }
    let mut to = line_end(end);
    if to < len {
        let turn_after = line_end((to + 2).min(len));
        if turn_after - to > CONTEXT {
            let cut = to + CONTEXT;
            to = chars[to..cut]
                .iter()
                .rposition(|&c| c == ' ')
                .map(|i| to + i)
                .unwrap_or(cut);
        } else {
            to = turn_after;
        }
    }
    // Which coders cover each character of the passage.
    let n = coders.len().max(1);
    let mut cover = vec![0u32; to - from];
    for e in &unit.excerpts {
        let Some(ci) = coders.iter().position(|c| *c == e.coder) else {
            continue;
        };
        for p in shift(e.start).max(from)..shift(e.end).min(to) {
            cover[p - from] |= 1 << ci.min(31);
        }
    }
    let coded_by: u32 = unit
        .excerpts
        .iter()
        .filter_map(|e| coders.iter().position(|c| *c == e.coder))
        .fold(0, |m, ci| m | 1 << ci.min(31));
    let style_of = |mask: u32, p: usize| -> Style {
        let base = if mask == 0 {
            if p < start || p >= end {
                t.dim()
            } else {
                Style::default()
            }
        } else if mask == coded_by && mask.count_ones() > 1 {
            t.overlap()
        } else if mask.count_ones() == 1 {
            t.coder(mask.trailing_zeros() as usize)
        } else {
            t.overlap()
        };
        match extra {
            Some((s, e)) if p >= s && p < e => base.patch(t.selected()),
            _ => base,
        }
    };
    let gutter = n + 1;
    let body = width.saturating_sub(gutter).max(10);
    let mut out = Vec::new();
    let mut first_unit = None;
    // Wrap each text line at spaces.
    let mut line_from = from;
    while line_from <= to {
        let line_to = chars[line_from..to]
            .iter()
            .position(|&c| c == '\n')
            .map(|i| line_from + i)
            .unwrap_or(to);
        let label_end = speaker_label_end(&chars[line_from..line_to]).map(|k| line_from + k);
        let mut p = line_from;
        loop {
            let mut q = (p + body).min(line_to);
            if q < line_to {
                if let Some(sp) = chars[p..q].iter().rposition(|&c| c == ' ') {
                    if sp > 0 {
                        q = p + sp + 1;
                    }
                }
            }
            let mut mask_here = 0u32;
            for k in p..q {
                mask_here |= cover[k - from];
            }
            let mut spans = Vec::new();
            for ci in 0..n {
                if mask_here & (1 << ci.min(31)) != 0 {
                    spans.push(Span::styled("▌", t.coder(ci)));
                } else {
                    spans.push(Span::raw(" "));
                }
            }
            spans.push(Span::raw(" "));
            let mut run = String::new();
            let mut run_style = None;
            for k in p..q {
                let mut style = style_of(cover[k - from], k);
                if label_end.is_some_and(|le| k < le) {
                    style = style.patch(t.title());
                }
                if run_style != Some(style) && !run.is_empty() {
                    spans.push(Span::styled(
                        std::mem::take(&mut run),
                        run_style.unwrap_or_default(),
                    ));
                }
                run_style = Some(style);
                let c = chars[k];
                if c.is_control() {
                    run.push_str(&crate::study::text::printable(&c.to_string()));
                } else {
                    run.push(c);
                }
            }
            if !run.is_empty() {
                spans.push(Span::styled(run, run_style.unwrap_or_default()));
            }
            if first_unit.is_none() && q > start && p < end {
                first_unit = Some(out.len());
            }
            out.push(Line::from(spans));
            if q >= line_to {
                break;
            }
            p = q;
        }
        line_from = line_to + 1;
    }
    (out, first_unit.unwrap_or(0))
}

/// Where a speaker label (`MOD:`, `P07:`) at the start of a line ends.
fn speaker_label_end(line: &[char]) -> Option<usize> {
    let colon = line.iter().take(12).position(|&c| c == ':')?;
    let label = &line[..colon];
    (!label.is_empty()
        && label
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    .then_some(colon + 1)
}
