//! Everything the coding screen knows, and nothing about the terminal.

use std::collections::BTreeSet;

use crate::repo::record_codings::CodingChange;
use crate::study::{Coding, Study};
use crate::tui::code::text::{Row, rows};
use crate::tui::picker::CodePicker;
use crate::tui::theme::Theme;

/// What the keys do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Moving, selecting (`v`), acting on the coding at the cursor.
    Normal,
    /// Choosing a code: for the selection, or (`Some(id)`) to change a coding's code.
    Picking { recode: Option<String> },
    /// Writing the memo of a coding.
    Memo { coding: String, text: String },
    /// Moving a coding's boundaries with the selection keys; Enter keeps them.
    Adjust { coding: String },
}

/// One transcript as the coding screen shows it.
#[derive(Debug, Clone)]
pub struct Open {
    pub id: String,
    pub chars: Vec<char>,
    /// Rows at [`CodeState::text_cols`] columns.
    pub rows: Vec<Row>,
    /// The coder's own codings of it, in file order.
    pub own: Vec<Coding>,
    /// Other coders' codings (coder id, coding), only when visible to the
    /// coder (done, or blind coding off); empty otherwise.
    pub others: Vec<(String, Coding)>,
}

/// A change the coder made, kept for undo (`u`): applying `undo` reverses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub transcript: String,
    pub undo: Vec<CodingChange>,
}

#[derive(Debug, Clone)]
pub struct CodeState {
    pub theme: Theme,
    pub study: Study,
    /// The coder's id (the folder under `codings/`).
    pub coder: String,
    pub coder_name: String,
    /// Index into `study.transcripts`.
    pub transcript: usize,
    pub open: Option<Open>,
    /// The cursor: a character offset into the open transcript.
    pub cursor: usize,
    /// Where the selection began (`v`, a mouse press), if one is active.
    pub anchor: Option<usize>,
    /// Where the mouse button went down, while it is held.
    pub press: Option<usize>,
    /// The first row shown.
    pub top: usize,
    pub mode: Mode,
    pub picker: Option<CodePicker>,
    /// The coding under the cursor that `m`, `c`, `e`, `x` act on (Tab cycles).
    pub focus: Option<String>,
    /// Changes not yet committed when committing by batch (`b`), by transcript.
    pub batch: Option<Vec<(String, CodingChange)>>,
    pub undo: Vec<Done>,
    /// Commits in flight: the screen quits only when none is.
    pub in_flight: usize,
    /// Fresh coding ids handed in by the effects layer, used up by new codings.
    pub fresh_ids: Vec<String>,
    /// How far the coder has read each transcript (the furthest cursor), by index.
    pub read: Vec<usize>,
    pub width: u16,
    pub height: u16,
    pub message: Option<(String, bool)>,
    pub quitting: bool,
    pub help: bool,
}

impl CodeState {
    pub fn new(study: Study, coder: &str, theme: Theme) -> CodeState {
        let coder_name = study
            .coders()
            .iter()
            .find(|c| c.id == coder)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| coder.to_string());
        let n = study.transcripts.len();
        let mut s = CodeState {
            theme,
            study,
            coder: coder.to_string(),
            coder_name,
            transcript: 0,
            open: None,
            cursor: 0,
            anchor: None,
            press: None,
            top: 0,
            mode: Mode::Normal,
            picker: None,
            focus: None,
            batch: None,
            undo: Vec::new(),
            in_flight: 0,
            fresh_ids: Vec::new(),
            read: vec![0; n],
            width: 80,
            height: 24,
            message: None,
            quitting: false,
            help: false,
        };
        s.open_transcript(0);
        s
    }

    /// The transcript pane's text columns (after the margin of stripes).
    pub fn text_cols(&self) -> usize {
        let (text, _) = crate::tui::code::view::split_width(self.width);
        (text as usize).saturating_sub(crate::tui::code::view::MARGIN as usize + 1)
    }

    /// Rows of transcript the pane shows.
    pub fn text_rows(&self) -> usize {
        (self.height as usize).saturating_sub(3).max(1)
    }

    /// Whether the coder may see the other coders' codings of `transcript`.
    pub fn others_visible(&self, transcript: &str) -> bool {
        !self.study.blind() || self.study.is_done(&self.coder, transcript)
    }

    /// Open transcript `i`: the coder's codings of it, and the others' when visible.
    pub fn open_transcript(&mut self, i: usize) {
        let Some(t) = self.study.transcripts.get(i) else {
            self.open = None;
            return;
        };
        let chars: Vec<char> = t.text.chars().collect();
        let own = self
            .study
            .codings
            .iter()
            .filter(|f| f.coder == self.coder && f.transcript == t.id)
            .flat_map(|f| f.codings.iter().cloned())
            .collect();
        let others = if self.others_visible(&t.id) {
            self.study
                .codings
                .iter()
                .filter(|f| f.coder != self.coder && f.transcript == t.id)
                .flat_map(|f| f.codings.iter().map(|c| (f.coder.clone(), c.clone())))
                .collect()
        } else {
            Vec::new()
        };
        let rows = rows(&chars, self.text_cols());
        self.transcript = i;
        self.open = Some(Open {
            id: t.id.clone(),
            chars,
            rows,
            own,
            others,
        });
        self.cursor = 0;
        self.anchor = None;
        self.top = 0;
        self.focus = None;
    }

    /// Lay the open transcript out again (after a resize).
    pub fn relayout(&mut self) {
        let cols = self.text_cols();
        if let Some(o) = &mut self.open {
            o.rows = rows(&o.chars, cols);
        }
    }

    /// The selected span `[start, end)`, if a selection is active.
    pub fn selection(&self) -> Option<(usize, usize)> {
        let a = self.anchor?;
        let (s, e) = (a.min(self.cursor), a.max(self.cursor));
        let len = self.open.as_ref().map_or(0, |o| o.chars.len());
        Some((s, (e + 1).min(len)))
    }

    /// Every coding id of the study and of this session (for fresh ids).
    pub fn taken_ids(&self) -> BTreeSet<String> {
        let mut ids: BTreeSet<String> = self
            .study
            .codings
            .iter()
            .flat_map(|f| f.codings.iter().map(|c| c.id.to_string()))
            .collect();
        if let Some(o) = &self.open {
            ids.extend(o.own.iter().map(|c| c.id.to_string()));
        }
        ids.extend(self.fresh_ids.iter().cloned());
        ids
    }

    /// The coder's codings of the open transcript that hold the cursor.
    pub fn own_at_cursor(&self) -> Vec<&Coding> {
        let Some(o) = &self.open else { return vec![] };
        o.own
            .iter()
            .filter(|c| c.start <= self.cursor && self.cursor < c.end)
            .collect()
    }

    pub fn focused(&self) -> Option<&Coding> {
        let id = self.focus.as_deref()?;
        self.open.as_ref()?.own.iter().find(|c| c.id == id)
    }

    /// The code the codebook pane keeps in sight and marks: the focused
    /// coding's, else that of the first of the coder's codings at the cursor.
    pub fn followed_code(&self) -> Option<&str> {
        if let Some(c) = self.focused() {
            return Some(c.code.as_str());
        }
        self.own_at_cursor().first().map(|c| c.code.as_str())
    }

    /// Codings of the open transcript whose quote is not their text: an edit
    /// of the transcript changed it (see `concord reanchor`).
    pub fn needs_a_human(&self) -> usize {
        let Some(o) = &self.open else { return 0 };
        o.own
            .iter()
            .filter(|c| {
                c.end > o.chars.len()
                    || c.start > c.end
                    || o.chars[c.start..c.end].iter().collect::<String>() != c.quote
            })
            .count()
    }
}
