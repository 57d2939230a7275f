//! The key bar: one line at the bottom with the keys that matter where the
//! reviewer is (as lazygit's), written with the keys in force. What does
//! not fit is left off from the end; `?` has them all.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap::{Command, EditCommand, key_label};
use crate::tui::state::{Pane, Screen, State};

/// The commands shown for where the reviewer is, with a short word each.
fn items(state: &State) -> Vec<(String, &'static str)> {
    let k = &state.keymap;
    let first = |c: Command| {
        k.review_keys(c)
            .first()
            .map_or("—".to_string(), |&key| key_label(key))
    };
    let edit = |c: EditCommand| {
        k.edit_keys(c)
            .first()
            .map_or("—".to_string(), |&key| key_label(key))
    };
    if state.phase != crate::tui::state::Phase::Ready {
        return vec![
            (first(Command::Help), "help"),
            (first(Command::Quit), "quit"),
        ];
    }
    if state.help {
        return vec![
            (first(Command::Down), "scroll"),
            (first(Command::Up), "back up"),
            ("any other key".into(), "close"),
        ];
    }
    if state.prompt.is_some() {
        return vec![("Enter".into(), "confirm"), ("Esc".into(), "cancel")];
    }
    if state.picker.is_some() {
        return vec![
            ("type".into(), "filter"),
            ("↑↓".into(), "choose"),
            ("Enter".into(), "pick"),
            ("Esc".into(), "cancel"),
        ];
    }
    if state.edit.is_some() {
        return vec![
            (edit(EditCommand::NextSpan), "next excerpt"),
            (edit(EditCommand::SwitchBoundary), "start⇄end"),
            (edit(EditCommand::CharLeft), "←"),
            (edit(EditCommand::CharRight), "→"),
            (edit(EditCommand::WordLeft), "word←"),
            (edit(EditCommand::WordRight), "word→"),
            (edit(EditCommand::PickCode), "code"),
            (edit(EditCommand::Save), "save"),
            (edit(EditCommand::Cancel), "cancel"),
        ];
    }
    let accept = "1..9".to_string();
    let mut out: Vec<(String, &'static str)> = match (state.screen, state.focus) {
        (Screen::Browse, Pane::Codebook) => vec![
            (first(Command::Open), "units"),
            (first(Command::Fold), "fold"),
            (first(Command::NextOpen), "next open"),
            (first(Command::Search), "search"),
            (first(Command::TranscriptView), "transcript"),
            (first(Command::Agreement), "agreement"),
            (first(Command::History), "history"),
        ],
        (Screen::Browse, Pane::Units) => vec![
            (first(Command::Open), "open"),
            (accept, "accept"),
            (first(Command::Union), "both"),
            (first(Command::Reject), "reject"),
            (first(Command::NextOpen), "next open"),
            (first(Command::FilterStanding), "open/⚑/all"),
            (first(Command::FilterClass), "class"),
            (first(Command::FilterTranscript), "transcript"),
            (first(Command::FilterPair), "pair"),
            (first(Command::ClearFilters), "no filter"),
            (first(Command::TranscriptView), "transcript view"),
        ],
        (Screen::Unit, _) => vec![
            (accept, "accept"),
            (first(Command::Union), "both"),
            (first(Command::Reject), "reject"),
            (first(Command::NextOpen), "next open"),
            (first(Command::Edit), "edit"),
            (first(Command::Note), "note"),
            (first(Command::Discuss), "⚑ discuss"),
            (first(Command::Undo), "undo"),
            (
                first(Command::ToggleAdvance),
                if state.advance {
                    "stay after deciding"
                } else {
                    "advance after deciding"
                },
            ),
            (first(Command::TranscriptView), "transcript"),
            (first(Command::Back), "back"),
        ],
        (Screen::Transcript, _) => vec![
            (first(Command::Open), "open the unit here"),
            (first(Command::FilterTranscript), "next transcript"),
            (first(Command::Back), "back"),
            (first(Command::Down), "down"),
            (first(Command::Up), "up"),
            (first(Command::PageDown), "page"),
        ],
        (Screen::Agreement, _) => {
            let mut keys = vec![
                (first(Command::Down), "down"),
                (first(Command::Up), "up"),
                (first(Command::Open), "units"),
                (first(Command::Sort), "sort"),
            ];
            // One pair's figures exist only beside the team's, with three or more.
            if state.data.as_ref().is_some_and(|d| d.coders.len() >= 3) {
                keys.push((first(Command::FilterPair), "pair"));
            }
            keys.push((first(Command::Back), "back"));
            keys
        }
        (Screen::History, _) => vec![
            (first(Command::Down), "down"),
            (first(Command::Up), "up"),
            (first(Command::MarkVersion), "diff from here"),
            (first(Command::Baseline), "baseline"),
            (first(Command::Back), "back"),
        ],
        (Screen::Complete, _) => vec![
            (first(Command::Back), "back to the codebook"),
            (first(Command::Agreement), "agreement per code"),
            (first(Command::TranscriptView), "transcript"),
        ],
    };
    if state.search.is_some() && !matches!(state.screen, Screen::Transcript | Screen::Complete) {
        out.insert(0, (first(Command::SearchNext), "next match"));
    }
    out.push((first(Command::Help), "help"));
    out.push((first(Command::Quit), "quit"));
    out
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let width = area.width as usize;
    let all = items(state);
    // Help and quit stay; the others go from the end until the rest fits.
    let (middle, keep_end) = all.split_at(all.len().saturating_sub(2));
    let cost = |items: &[(String, &str)]| -> usize {
        items
            .iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
            .sum()
    };
    let mut shown = middle.to_vec();
    while !shown.is_empty() && cost(&shown) + cost(keep_end) > width {
        shown.pop();
    }
    shown.extend_from_slice(keep_end);
    let mut spans = Vec::new();
    for (k, (key, word)) in shown.iter().enumerate() {
        spans.push(Span::raw(if k == 0 { " " } else { "  " }));
        spans.push(Span::styled(key.clone(), t.title()));
        spans.push(Span::styled(format!(" {word}"), t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
