//! The one keymap: every key the review screen answers to, with the words
//! the help screen and the README show. `update` resolves keys through it
//! and the help is generated from it, so the two cannot disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    SwitchPane,
    Fold,
    NextOpen,
    PrevOpen,
    /// Accept the version of coder n (0-based, in concord.toml order).
    Accept(usize),
    Union,
    Reject,
    Edit,
    Note,
    /// Mark the unit "needs discussion", with a note.
    Discuss,
    Undo,
    Search,
    SearchNext,
    FilterStanding,
    FilterClass,
    Agreement,
    /// Sort the agreement view by its next column.
    Sort,
    /// Scroll the unit view's difference pane (definitions, what each included).
    DetailDown,
    DetailUp,
    History,
    MarkVersion,
    Baseline,
    Reload,
    Sync,
    Help,
    Quit,
    /// The previous search match.
    SearchPrev,
    /// Units of one transcript, the next each time, then all.
    FilterTranscript,
    /// Units where one pair of coders differ, the next pair each time, then all.
    FilterPair,
    /// Clear every filter of the units pane.
    ClearFilters,
    /// Go on to the next open disagreement after each decision, or stay.
    ToggleAdvance,
    /// The whole transcript with each coder's coding stripes.
    TranscriptView,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Browsing the codebook and units, and the unit view.
    Review,
    /// Editing a decision's result (`e`).
    Edit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditCommand {
    NextSpan,
    SwitchBoundary,
    CharLeft,
    CharRight,
    WordLeft,
    WordRight,
    PickCode,
    AddSpan,
    DeleteSpan,
    Save,
    Cancel,
}

/// A key as the keymap names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Code(KeyCode),
    Ctrl(char),
    /// Any of `1`..`9`.
    Digit,
}

pub struct Binding<C> {
    pub keys: &'static [Key],
    pub command: C,
    pub help: &'static str,
}

pub const REVIEW: &[Binding<Command>] = &[
    Binding {
        keys: &[Key::Char('j'), Key::Code(KeyCode::Down)],
        command: Command::Down,
        help: "move down",
    },
    Binding {
        keys: &[Key::Char('k'), Key::Code(KeyCode::Up)],
        command: Command::Up,
        help: "move up",
    },
    Binding {
        keys: &[Key::Code(KeyCode::PageDown), Key::Ctrl('d')],
        command: Command::PageDown,
        help: "page down",
    },
    Binding {
        keys: &[Key::Code(KeyCode::PageUp), Key::Ctrl('u')],
        command: Command::PageUp,
        help: "page up",
    },
    Binding {
        keys: &[Key::Char('g'), Key::Code(KeyCode::Home)],
        command: Command::Top,
        help: "first",
    },
    Binding {
        keys: &[Key::Char('G'), Key::Code(KeyCode::End)],
        command: Command::Bottom,
        help: "last",
    },
    Binding {
        keys: &[Key::Code(KeyCode::Enter)],
        command: Command::Open,
        help: "open units / a unit",
    },
    Binding {
        keys: &[Key::Code(KeyCode::Esc)],
        command: Command::Back,
        help: "go back",
    },
    Binding {
        keys: &[Key::Code(KeyCode::Tab)],
        command: Command::SwitchPane,
        help: "codebook ⇄ units",
    },
    Binding {
        keys: &[Key::Char(' '), Key::Char('o')],
        command: Command::Fold,
        help: "fold or unfold a code",
    },
    Binding {
        keys: &[Key::Char(']')],
        command: Command::NextOpen,
        help: "next open disagreement",
    },
    Binding {
        keys: &[Key::Char('[')],
        command: Command::PrevOpen,
        help: "prev. open disagreement",
    },
    Binding {
        keys: &[Key::Digit],
        command: Command::Accept(0),
        help: "accept coder n's version",
    },
    Binding {
        keys: &[Key::Char('b')],
        command: Command::Union,
        help: "accept both (the union)",
    },
    Binding {
        keys: &[Key::Char('x')],
        command: Command::Reject,
        help: "reject: nothing coded",
    },
    Binding {
        keys: &[Key::Char('e')],
        command: Command::Edit,
        help: "edit boundaries and codes",
    },
    Binding {
        keys: &[Key::Char('c')],
        command: Command::Note,
        help: "note (open unit: ⚑)",
    },
    Binding {
        keys: &[Key::Char('d')],
        command: Command::Discuss,
        help: "⚑ needs discussion (note)",
    },
    Binding {
        keys: &[Key::Char('u')],
        command: Command::Undo,
        help: "undo your last decision",
    },
    Binding {
        keys: &[Key::Char('/')],
        command: Command::Search,
        help: "search codes and text",
    },
    Binding {
        keys: &[Key::Char('n')],
        command: Command::SearchNext,
        help: "next search match",
    },
    Binding {
        keys: &[Key::Char('N')],
        command: Command::SearchPrev,
        help: "previous search match",
    },
    Binding {
        keys: &[Key::Char('f')],
        command: Command::FilterStanding,
        help: "show open / decided / all",
    },
    Binding {
        keys: &[Key::Char('t')],
        command: Command::FilterClass,
        help: "filter units by class",
    },
    Binding {
        keys: &[Key::Char('T')],
        command: Command::FilterTranscript,
        help: "filter by transcript",
    },
    Binding {
        keys: &[Key::Char('P')],
        command: Command::FilterPair,
        help: "filter by coder pair",
    },
    Binding {
        keys: &[Key::Char('F')],
        command: Command::ClearFilters,
        help: "clear the filters",
    },
    Binding {
        keys: &[Key::Char('A')],
        command: Command::ToggleAdvance,
        help: "advance after deciding",
    },
    Binding {
        keys: &[Key::Char('v')],
        command: Command::TranscriptView,
        help: "whole transcript view",
    },
    Binding {
        keys: &[Key::Char('a')],
        command: Command::Agreement,
        help: "agreement figures",
    },
    Binding {
        keys: &[Key::Char('J')],
        command: Command::DetailDown,
        help: "scroll difference down",
    },
    Binding {
        keys: &[Key::Char('K')],
        command: Command::DetailUp,
        help: "scroll difference up",
    },
    Binding {
        keys: &[Key::Char('s')],
        command: Command::Sort,
        help: "agreement: sort by column",
    },
    Binding {
        keys: &[Key::Char('h')],
        command: Command::History,
        help: "the code's history",
    },
    Binding {
        keys: &[Key::Char('m')],
        command: Command::MarkVersion,
        help: "history: diff from here",
    },
    Binding {
        keys: &[Key::Char('B')],
        command: Command::Baseline,
        help: "history: baseline here",
    },
    Binding {
        keys: &[Key::Char('R')],
        command: Command::Reload,
        help: "read the study again",
    },
    Binding {
        keys: &[Key::Char('S')],
        command: Command::Sync,
        help: "sync with the remote",
    },
    Binding {
        keys: &[Key::Char('?')],
        command: Command::Help,
        help: "this help",
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        command: Command::Quit,
        help: "quit (nothing is lost)",
    },
];

pub const EDIT: &[Binding<EditCommand>] = &[
    Binding {
        keys: &[Key::Code(KeyCode::Tab)],
        command: EditCommand::NextSpan,
        help: "next excerpt",
    },
    Binding {
        keys: &[Key::Char(' ')],
        command: EditCommand::SwitchBoundary,
        help: "start ⇄ end boundary",
    },
    Binding {
        keys: &[Key::Char('h'), Key::Code(KeyCode::Left)],
        command: EditCommand::CharLeft,
        help: "boundary one char left",
    },
    Binding {
        keys: &[Key::Char('l'), Key::Code(KeyCode::Right)],
        command: EditCommand::CharRight,
        help: "boundary one char right",
    },
    Binding {
        keys: &[Key::Char('b')],
        command: EditCommand::WordLeft,
        help: "boundary a word left",
    },
    Binding {
        keys: &[Key::Char('w')],
        command: EditCommand::WordRight,
        help: "boundary a word right",
    },
    Binding {
        keys: &[Key::Char('p')],
        command: EditCommand::PickCode,
        help: "change the code (picker)",
    },
    Binding {
        keys: &[Key::Char('+')],
        command: EditCommand::AddSpan,
        help: "add an excerpt",
    },
    Binding {
        keys: &[Key::Char('d')],
        command: EditCommand::DeleteSpan,
        help: "remove the excerpt",
    },
    Binding {
        keys: &[Key::Code(KeyCode::Enter)],
        command: EditCommand::Save,
        help: "record the edited result",
    },
    Binding {
        keys: &[Key::Code(KeyCode::Esc)],
        command: EditCommand::Cancel,
        help: "cancel the edit",
    },
];

/// Whether `ev` is `key`: `Some(digit)` if it is (the digit for [`Key::Digit`]).
pub fn matches(key: Key, ev: &KeyEvent) -> Option<Option<usize>> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match (key, ev.code) {
        (Key::Char(c), KeyCode::Char(k)) if !ctrl && c == k => Some(None),
        (Key::Ctrl(c), KeyCode::Char(k)) if ctrl && c == k => Some(None),
        (Key::Code(c), k) if c == k && !ctrl => Some(None),
        (Key::Digit, KeyCode::Char(k @ '1'..='9')) if !ctrl => {
            Some(Some(k as usize - '1' as usize))
        }
        _ => None,
    }
}

/// The review command a key event stands for.
pub fn review_command(ev: &KeyEvent) -> Option<Command> {
    for b in REVIEW {
        for &k in b.keys {
            if let Some(digit) = matches(k, ev) {
                return Some(match (b.command, digit) {
                    (Command::Accept(_), Some(n)) => Command::Accept(n),
                    (c, _) => c,
                });
            }
        }
    }
    None
}

pub fn edit_command(ev: &KeyEvent) -> Option<EditCommand> {
    EDIT.iter()
        .find(|b| b.keys.iter().any(|&k| matches(k, ev).is_some()))
        .map(|b| b.command)
}

/// How a key is written in the help.
pub fn key_label(key: Key) -> String {
    match key {
        Key::Char(' ') => "Space".into(),
        Key::Char(c) => c.to_string(),
        Key::Ctrl(c) => format!("Ctrl-{c}"),
        Key::Digit => "1..9".into(),
        Key::Code(code) => match code {
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        },
    }
}

pub fn keys_label(keys: &[Key]) -> String {
    keys.iter()
        .map(|&k| key_label(k))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn digits_name_coders() {
        assert_eq!(review_command(&key('1')), Some(Command::Accept(0)));
        assert_eq!(review_command(&key('3')), Some(Command::Accept(2)));
        assert_eq!(review_command(&key('0')), None);
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = std::collections::BTreeSet::new();
        for b in REVIEW {
            for k in b.keys {
                assert!(seen.insert(format!("{k:?}")), "{k:?} bound twice");
            }
        }
    }
}
