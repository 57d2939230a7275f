//! What the history view and the codebook pane's marks show, derived from
//! the history the runtime read (pure: the walk happened elsewhere).

use std::collections::BTreeSet;

use crate::history::CodeChange;
use crate::repo::history::{Record, TrendAt};
use crate::study::Section;

/// The study's history as the screen keeps it.
#[derive(Debug, Clone, Default)]
pub struct HistoryData {
    /// Commits that changed the codebook, codings, transcripts or
    /// manifest, oldest first, with their agreement figures.
    pub records: Vec<Record>,
    /// What the working tree's codebook changes against the last commit.
    pub uncommitted: Vec<CodeChange>,
}

/// One row of a code's timeline (newest first in the view).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    /// Index into `records`.
    pub record: usize,
    /// What the commit did to the code, or to the codings.
    pub what: String,
    /// The commit changed this code itself.
    pub changed_code: bool,
    pub kappa: Option<f64>,
    pub alpha: Option<f64>,
    /// The figures could not be had (the reason).
    pub not_loaded: Option<String>,
}

impl HistoryData {
    /// The default baseline: the newest commit that changed the codings.
    pub fn default_baseline(&self) -> Option<usize> {
        self.records.iter().rposition(|r| r.codings_changed)
    }

    fn change_of<'a>(r: &'a Record, id: &str) -> Option<&'a CodeChange> {
        r.codebook.as_ref()?.iter().find(|c| c.code == id)
    }

    /// The rows of a code's timeline, oldest first: every commit that
    /// changed the code or the figures, while the code existed.
    pub fn timeline(&self, id: &str) -> Vec<TimelineRow> {
        let mut rows = Vec::new();
        let mut exists = false;
        for (i, r) in self.records.iter().enumerate() {
            let change = Self::change_of(r, id);
            if let Some(c) = change {
                exists = c.after.is_some();
            }
            if change.is_none() && !(exists && (r.codings_changed || r.transcripts_changed)) {
                continue;
            }
            let what = match change {
                Some(c) => c.summary.join("; "),
                None if r.codings_changed => "codings changed".into(),
                None => "transcripts changed".into(),
            };
            let (kappa, alpha, not_loaded) = match &r.trend {
                Some(TrendAt::Figures { figures, .. }) => {
                    let f = figures.iter().find(|f| f.code.as_deref() == Some(id));
                    (
                        f.and_then(|f| f.cohen_kappa),
                        f.and_then(|f| f.binary_u_alpha),
                        None,
                    )
                }
                Some(TrendAt::NotLoaded { not_loaded }) => (None, None, Some(not_loaded.clone())),
                None => (None, None, None),
            };
            rows.push(TimelineRow {
                record: i,
                what,
                changed_code: change.is_some(),
                kappa,
                alpha,
                not_loaded,
            });
        }
        rows
    }

    /// The code's definition as of record `at` (None: it did not exist).
    pub fn definition_at(&self, id: &str, at: usize) -> Option<String> {
        let mut def = None;
        for r in self.records.iter().take(at + 1) {
            if let Some(c) = Self::change_of(r, id) {
                def = c
                    .after
                    .as_ref()
                    .map(|code| code.section(Section::Definition).unwrap_or("").to_string());
            }
        }
        def
    }

    /// Codes changed after record `baseline` (and in the working tree).
    pub fn changed_since(&self, baseline: usize) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .records
            .iter()
            .skip(baseline + 1)
            .flat_map(|r| r.codebook.iter().flatten())
            .map(|c| c.code.clone())
            .collect();
        out.extend(self.uncommitted.iter().map(|c| c.code.clone()));
        out
    }
}
