//! Everything the review screen knows, and nothing about the terminal.
//! `update` changes it, `view` draws it, the runtime feeds it actions.

use std::collections::{BTreeSet, HashMap};

use crate::align::UnitClass;
use crate::review::Standing;
use crate::study::ResultSpan;
use crate::tui::data::{AgreementSummary, ReviewData};
use crate::tui::history::HistoryData;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Reading the study; the text says how far it got.
    Loading(String),
    Ready,
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Browse,
    Unit,
    Agreement,
    /// The history of one code (`h`).
    History,
    /// A whole transcript with each coder's coding stripes (`v`).
    Transcript,
    /// Nothing is open: the figures before and after reconciliation.
    Complete,
}

/// The study's history, read in the background once the study is loaded.
#[derive(Debug, Clone)]
pub enum HistoryLoad {
    NotAsked,
    Loading(String),
    Ready(Box<HistoryData>),
    Failed(String),
}

/// Where the history view is.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    pub code: String,
    /// Row of the code's timeline, counted from the newest.
    pub cursor: usize,
    /// The other version to compare with (a record index), if picked with `m`.
    pub mark: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Codebook,
    Units,
}

/// Which units the units pane lists, by where they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingFilter {
    /// Open, stale and in conflict: what still needs a reviewer.
    Open,
    /// Marked "needs discussion" (⚑).
    Discussion,
    Decided,
    All,
}

impl StandingFilter {
    pub fn next(self) -> StandingFilter {
        match self {
            StandingFilter::Open => StandingFilter::Discussion,
            StandingFilter::Discussion => StandingFilter::Decided,
            StandingFilter::Decided => StandingFilter::All,
            StandingFilter::All => StandingFilter::Open,
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            StandingFilter::Open => "open",
            StandingFilter::Discussion => "⚑ for discussion",
            StandingFilter::Decided => "decided",
            StandingFilter::All => "all",
        }
    }
    pub fn admits(self, s: &Standing) -> bool {
        match self {
            StandingFilter::Open => s.is_open(),
            StandingFilter::Discussion => matches!(s, Standing::Discussion(_)),
            StandingFilter::Decided => matches!(s, Standing::Decided(_)),
            StandingFilter::All => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Note,
    /// A note that marks the unit "needs discussion" (`d`).
    Discussion,
    Search,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

/// The result being edited with `e`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// The unit's index.
    pub unit: usize,
    pub spans: Vec<ResultSpan>,
    pub selected: usize,
    /// Moving the end boundary (else the start).
    pub at_end: bool,
}

/// The fuzzy code picker of the edit mode (see `tui/picker.rs`).
pub use crate::tui::picker::CodePicker as Picker;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub tone: Tone,
}

/// A row of the codebook pane: the whole study, or a code.
#[derive(Debug, Clone, PartialEq)]
pub enum TreeRow {
    AllCodes,
    Code {
        id: String,
        depth: usize,
        has_children: bool,
        expanded: bool,
    },
}

#[derive(Debug, Clone)]
pub struct State {
    pub phase: Phase,
    pub data: Option<std::sync::Arc<ReviewData>>,
    /// None until computed (it runs in the background).
    pub agreement: Option<AgreementSummary>,
    pub screen: Screen,
    pub help: bool,
    /// Rows the help is scrolled by (it scrolls when it does not fit).
    pub help_scroll: usize,
    pub focus: Pane,
    pub expanded: BTreeSet<String>,
    pub tree_cursor: usize,
    /// The unit shown or selected, by index into `data.units`.
    pub unit: Option<usize>,
    /// First code row shown in the agreement view.
    pub agreement_scroll: usize,
    /// The agreement view's cursor (a row of `agreement_list::rows`).
    pub agreement_cursor: usize,
    /// Lines the unit view's difference pane is scrolled by (J K); back to 0 on another unit.
    pub difference_scroll: usize,
    /// The agreement view's order (`s`).
    pub agreement_sort: crate::tui::agreement_list::SortBy,
    pub filter: StandingFilter,
    pub class_filter: Option<UnitClass>,
    pub prompt: Option<Prompt>,
    pub edit: Option<Edit>,
    pub picker: Option<Picker>,
    /// Notes written before the unit was decided, by unit id.
    pub drafts: HashMap<String, String>,
    /// Units whose decision is being committed.
    pub pending: BTreeSet<String>,
    /// Decisions made in this session, newest last, for undo: (decision id, unit id).
    pub made: Vec<(String, String)>,
    pub message: Option<Message>,
    pub study_name: String,
    pub reviewer: String,
    pub branch: String,
    pub last_commit: Option<String>,
    pub last_search: Option<String>,
    /// Rows of the list panes that fit on screen, for paging.
    pub page: usize,
    /// The terminal's size (columns, rows), for mapping clicks to rows.
    pub size: (u16, u16),
    /// Quit asked for: the runtime exits once no commit is in flight.
    pub quitting: bool,
    pub theme: Theme,
    pub history: HistoryLoad,
    pub history_view: Option<HistoryView>,
    /// The revision the codebook pane marks changes since (a record
    /// index); None: the commit where the codings last changed.
    pub baseline: Option<usize>,
    /// After a decision in the unit view, go on to the next open disagreement.
    pub advance: bool,
    /// Filters by transcript and coder pair (standing and class above).
    pub filters: crate::tui::filters::Filters,
    /// The last search and its matches.
    pub search: Option<crate::tui::search::Search>,
    /// The whole-transcript view, while open.
    pub transcript_view: Option<crate::tui::transcript::TranscriptView>,
    /// The keys in force: the keymap with the user's overrides.
    pub keymap: crate::tui::keys::Keymap,
    /// Live reload: the study is being read again behind the screen.
    pub reloading: bool,
    /// Live reload: it changed again meanwhile (or a commit was in flight): read it once more.
    pub reload_again: bool,
    /// Keys typed while only the outline (codebook and counts) is shown
    /// that need the units (`]`, a decision, opening a unit): carried out,
    /// in order, once the units are in (`update::typed_ahead`).
    pub typed_ahead: Vec<ratatui::crossterm::event::KeyEvent>,
    /// The reviewer asked for the reload (`R`): say what it found, even nothing.
    pub reload_asked: bool,
    /// Sharing with the remote: ahead/behind, a sync running (tui/sync.rs).
    pub sync: crate::tui::sync::SyncStatus,
    /// Quit was asked for with something unsaved: the question shown, until answered.
    pub confirm_quit: Option<String>,
}

impl State {
    pub fn new(study_name: String, reviewer: String, branch: String, theme: Theme) -> State {
        State {
            phase: Phase::Loading("reading the study".into()),
            data: None,
            agreement: None,
            screen: Screen::Browse,
            help: false,
            help_scroll: 0,
            focus: Pane::Codebook,
            expanded: BTreeSet::new(),
            tree_cursor: 0,
            unit: None,
            agreement_scroll: 0,
            agreement_cursor: 0,
            difference_scroll: 0,
            agreement_sort: Default::default(),
            filter: StandingFilter::Open,
            class_filter: None,
            prompt: None,
            edit: None,
            picker: None,
            drafts: HashMap::new(),
            pending: BTreeSet::new(),
            made: Vec::new(),
            message: None,
            study_name,
            reviewer,
            branch,
            last_commit: None,
            last_search: None,
            page: 10,
            size: (80, 24),
            quitting: false,
            theme,
            history: HistoryLoad::NotAsked,
            history_view: None,
            baseline: None,
            advance: true,
            filters: Default::default(),
            search: None,
            transcript_view: None,
            keymap: crate::tui::keys::Keymap::default(),
            reloading: false,
            reload_again: false,
            typed_ahead: Vec::new(),
            reload_asked: false,
            sync: Default::default(),
            confirm_quit: None,
        }
    }

    /// The codebook pane's rows: "all codes", then the tree with folded
    /// codes' children hidden.
    pub fn tree_rows(&self) -> Vec<TreeRow> {
        match &self.data {
            Some(data) => tree_rows(data, &self.expanded),
            None => vec![TreeRow::AllCodes],
        }
    }

    /// The code the codebook cursor is on (None: all codes).
    pub fn scope(&self) -> Option<String> {
        match self.tree_rows().get(self.tree_cursor) {
            Some(TreeRow::Code { id, .. }) => Some(id.clone()),
            _ => None,
        }
    }

    /// The units the units pane lists: the scope's, through the filters.
    pub fn visible_units(&self) -> Vec<usize> {
        let Some(data) = &self.data else {
            return Vec::new();
        };
        let admit = |&i: &usize| {
            self.filter.admits(&data.standings[i])
                && self.class_filter.is_none_or(|c| data.units[i].class == c)
                && self.filters.admits(data, &data.units[i])
        };
        match self.scope() {
            None => (0..data.units.len()).filter(admit).collect(),
            Some(code) => data
                .units_of_code
                .get(&code)
                .map(|v| v.iter().copied().filter(admit).collect())
                .unwrap_or_default(),
        }
    }

    /// The units of the scope before any filter: the "of 208" of "37 of 208".
    pub fn scope_units(&self) -> usize {
        let Some(data) = &self.data else { return 0 };
        match self.scope() {
            None => data.units.len(),
            Some(code) => data.units_of_code.get(&code).map_or(0, Vec::len),
        }
    }

    /// The loaded history, if it is.
    pub fn history_data(&self) -> Option<&HistoryData> {
        match &self.history {
            HistoryLoad::Ready(h) => Some(h),
            _ => None,
        }
    }

    /// The baseline record: the one chosen with `B`, else the commit where
    /// the codings last changed.
    pub fn baseline_record(&self) -> Option<usize> {
        let h = self.history_data()?;
        self.baseline
            .filter(|&b| b < h.records.len())
            .or_else(|| h.default_baseline())
    }

    /// Codes whose definition changed since the baseline (empty until the
    /// history is read).
    pub fn changed_since_baseline(&self) -> BTreeSet<String> {
        match (self.history_data(), self.baseline_record()) {
            (Some(h), Some(b)) => h.changed_since(b),
            _ => BTreeSet::new(),
        }
    }

    /// What would be lost by quitting now, in words (None: nothing).
    pub fn unsaved(&self) -> Option<String> {
        let mut what = Vec::new();
        if let Some(p) = &self.prompt {
            if matches!(p.kind, PromptKind::Note | PromptKind::Discussion) && !p.text.is_empty() {
                what.push("a note being typed");
            }
        }
        if self.edit.is_some() {
            what.push("an edited result not recorded");
        }
        if !self.pending.is_empty() {
            what.push("a commit in flight");
        }
        (!what.is_empty()).then(|| what.join(", "))
    }

    pub fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.message = Some(Message {
            text: text.into(),
            tone,
        });
    }
}

/// The codebook pane's rows for `data` with the codes in `expanded` unfolded.
pub fn tree_rows(data: &ReviewData, expanded: &BTreeSet<String>) -> Vec<TreeRow> {
    let mut rows = vec![TreeRow::AllCodes];
    let codes = &data.study.codebook.codes;
    let mut hidden_below: Option<usize> = None;
    for (i, code) in codes.iter().enumerate() {
        if let Some(depth) = hidden_below {
            if code.depth > depth {
                continue;
            }
            hidden_below = None;
        }
        let has_children = codes
            .get(i + 1)
            .is_some_and(|n| n.parent.as_deref() == Some(code.id()));
        let unfolded = expanded.contains(code.id());
        if has_children && !unfolded {
            hidden_below = Some(code.depth);
        }
        rows.push(TreeRow::Code {
            id: code.id().to_string(),
            depth: code.depth,
            has_children,
            expanded: unfolded,
        });
    }
    rows
}
