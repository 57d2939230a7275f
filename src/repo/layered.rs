//! Two layers of the derived cache: what is computed from the coded files
//! (transcripts, codings, codebook, manifest, cases) is kept by their key
//! alone, so that a decision recorded or a transcript marked done, which
//! change only decision logs and done marks, leaves it valid. What depends
//! on the review (standings, conflicts, the figures after reconciliation,
//! the problems of the logs) is made each run from those kept values and
//! the logs, which are small and read every run anyway.
//!
//! So the first `check`, `status`, `units` or `agreement` after a decision
//! reads the logs, decodes the kept units and checks the logs: it costs
//! what the review is, not what the study is (no transcript's part is
//! decoded). A value of the whole study (`Opened::derived`) is still kept
//! by the full key, so the run after that reads one small file.

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::align::ReviewUnit;
use crate::repo::cache::{Opened, read_value, write_value, write_value_compact};
use crate::repo::read::read_file;
use crate::review::reviewed::{bases_elsewhere, reviewed_transcripts};
use crate::study::files::StudyFiles;
use crate::study::load::{Loaded, load};
use crate::study::parts::part_of;
use crate::study::problem::Problem;
use crate::study::types::Study;
use crate::study::validate::{Coded, is_review_file, review_problems};

/// The coded files' problems (those of the review files left out).
const CODED_PROBLEMS: &str = "problems";
/// What the checks of the logs need of the coded files.
const CODED_CONTEXT: &str = "context";
/// The review units.
const UNITS: &str = "review-units";

impl Opened<'_> {
    /// The value `name` made from the coded files alone: from the cache if
    /// it was computed for the same coded files by this version, else made
    /// from the checked study and kept. `make` must not look at the
    /// decision logs or done marks of the study it is given.
    pub fn coded<T: Serialize + DeserializeOwned>(
        &self,
        name: &str,
        make: impl FnOnce(&Loaded) -> T,
    ) -> T {
        if let Some(v) = self.coded_cached(name) {
            return v;
        }
        let v = make(self.loaded());
        self.keep_coded(name, &v);
        v
    }

    /// The value `name` kept for the coded files, if the cache holds it.
    pub fn coded_cached<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let store = self.store.as_ref()?;
        read_value(&store.dir, &format!("coded-{name}"), &store.coded)
    }

    /// Keep `value` as the value `name` of the coded files.
    pub fn keep_coded<T: Serialize>(&self, name: &str, value: &T) {
        if let Some(store) = &self.store {
            write_value(&store.dir, &format!("coded-{name}"), &store.coded, value);
        }
    }

    /// The key of the coded files, if cached.
    pub fn coded_key(&self) -> Option<&str> {
        self.store.as_ref().map(|s| s.coded.as_str())
    }

    /// The study loaded from its files of no transcript (manifest,
    /// codebook, cases, decision logs, done marks), with those files: what
    /// the review layer is made from. The checked study's own, when it is
    /// at hand or the study is not cached.
    pub fn whole(&self) -> &Study {
        match self.whole_files() {
            Some((whole, _)) => &whole.study,
            None => &self.loaded().study,
        }
    }

    fn whole_files(&self) -> Option<&(Loaded, StudyFiles)> {
        if self.store.is_none() || self.loaded.get().is_some() {
            return None;
        }
        self.whole
            .get_or_init(|| {
                let mut others = StudyFiles {
                    skipped: self.listing.skipped.clone(),
                    ..StudyFiles::default()
                };
                for (rel, _) in &self.listing.files {
                    if part_of(rel).is_none() {
                        let bytes = match self.read_while_keying.get(rel) {
                            Some(b) => b.clone(),
                            None => read_file(&self.root, rel, self.reads).ok()?,
                        };
                        others.insert(rel.as_str(), bytes);
                    }
                }
                Some((load(&others), others))
            })
            .as_ref()
    }

    /// Every problem of the study, as the checked study has them: those
    /// of the coded files kept by their key, those of the decision logs
    /// and done marks found now.
    pub fn problems(&self) -> Vec<Problem> {
        let Some((whole, files)) = self.whole_files() else {
            let loaded = self.loaded();
            // At hand: kept for the first run after the next decision.
            if let Some(store) = &self.store {
                let coded: Vec<&Problem> = loaded
                    .problems
                    .iter()
                    .filter(|p| !is_review_file(&p.location.file))
                    .collect();
                let dir = &store.dir;
                write_value(
                    dir,
                    &format!("coded-{CODED_PROBLEMS}"),
                    &store.coded,
                    &coded,
                );
                let context = Coded::of(&loaded.study);
                write_value(
                    dir,
                    &format!("coded-{CODED_CONTEXT}"),
                    &store.coded,
                    &context,
                );
            }
            return loaded.problems.clone();
        };
        let mut problems: Vec<Problem> = self.coded(CODED_PROBLEMS, |l| {
            // The checked study is at hand: keep what the logs' checks
            // need of it too, for the first run after a decision.
            let _ = self.context();
            l.problems
                .iter()
                .filter(|p| !is_review_file(&p.location.file))
                .cloned()
                .collect()
        });
        problems.extend(
            whole
                .problems
                .iter()
                .filter(|p| is_review_file(&p.location.file))
                .cloned(),
        );
        let reviewed = whole
            .study
            .decisions
            .iter()
            .any(|f| !f.decisions.is_empty())
            || !whole.study.done.is_empty();
        if reviewed {
            let context = self.context();
            problems.extend(review_problems(&whole.study, &context, files));
        }
        problems.sort();
        problems.dedup();
        problems
    }

    /// The units the review's standings need, when they are fewer than
    /// every unit: those of the transcripts the review touches
    /// (`review::reviewed`), from their parts. `None`: every unit is
    /// wanted (it is at hand, the study is not cached, the review touches
    /// many transcripts, or a stale decision's basis lies in another
    /// transcript). Every other unit stands as its class says.
    pub fn reviewed_units(&self) -> Option<Vec<ReviewUnit>> {
        if self.loaded.get().is_some() {
            return None;
        }
        let files = &self.whole().decisions;
        let units = self.units_of_transcripts(&reviewed_transcripts(files))?;
        let elsewhere = bases_elsewhere(&units, files);
        if !elsewhere.is_empty() {
            let context = self.context();
            let in_study = |b: &&str| context.coding_ids.contains_sorted(b);
            if elsewhere.iter().any(in_study) {
                return None;
            }
        }
        Some(units)
    }

    /// The units the review's standings are made from: those of the
    /// reviewed transcripts when they suffice ([`Opened::reviewed_units`]),
    /// else every unit ([`Opened::review_units`]).
    pub fn units_for_standings(&self) -> Cow<'_, [ReviewUnit]> {
        match self.reviewed_units() {
            Some(units) => Cow::Owned(units),
            None => self.review_units(),
        }
    }

    /// What the logs' checks need of the coded files, kept by their key.
    fn context(&self) -> Coded {
        self.coded(CODED_CONTEXT, |l| Coded::of(&l.study))
    }

    /// The study's review units, kept by the coded files' key: borrowed
    /// when the checked study is at hand (a copy of every unit would be
    /// the largest value of a large study's first run).
    pub fn review_units(&self) -> Cow<'_, [ReviewUnit]> {
        let Some(store) = &self.store else {
            return Cow::Borrowed(self.units());
        };
        let name = format!("coded-{UNITS}");
        let at_hand = self.loaded.get().is_some();
        if !at_hand && let Some(units) = read_value(&store.dir, &name, &store.coded) {
            return Cow::Owned(units);
        }
        // Made (or at hand): kept for the first run after the next decision.
        let units = self.units();
        write_value_compact(&store.dir, &name, &store.coded, &units);
        Cow::Borrowed(units)
    }
}
