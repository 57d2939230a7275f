//! What the review screen shows, derived once from the study: its review
//! units, where each stands, and the counts per code. Pure; rebuilt in
//! part when a decision is recorded.

use std::collections::HashMap;

use crate::agreement::input::Input;
use crate::agreement::report::{Measures, report};
use crate::align::{ReviewUnit, review_units};
use crate::review::{Standing, standings};
use crate::study::types::DoneFile;
use crate::study::{Coder, Decision, DecisionFile, Study};

/// The counts shown beside a code in the codebook pane (its whole subtree).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CodeCounts {
    /// Excerpts per coder, in manifest order.
    pub excerpts: Vec<usize>,
    /// Units still needing a reviewer (open, stale or in conflict).
    pub open: usize,
    pub decided: usize,
}

/// Kept whole in the derived cache (`repo/cache.rs`), so a study that has
/// not changed opens without being read, checked or aligned again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReviewData {
    pub study: Study,
    /// The coders in manifest order (then any coder folder the manifest lacks).
    pub coders: Vec<Coder>,
    pub units: Vec<ReviewUnit>,
    /// By unit index.
    pub standings: Vec<Standing>,
    /// Unit indices by code id, a parent code holding its whole subtree's units.
    pub units_of_code: HashMap<String, Vec<usize>>,
    /// Problems `concord check` would report.
    pub problems: usize,
    /// Codings the agreement figures leave out because of those problems.
    pub left_out: usize,
    /// The codes (and their ancestors) of each unit, as indices into the codebook.
    codes_of_unit: Vec<Vec<usize>>,
    /// Counts by codebook index.
    counts: Vec<CodeCounts>,
    /// The units of each transcript: they are consecutive.
    transcript_units: HashMap<String, std::ops::Range<usize>>,
    open: usize,
    decided: usize,
    /// Only the codebook and the counts (no units or texts yet): what the
    /// screen shows first while the rest is read (see [`ReviewData::outline`]).
    #[serde(default)]
    outline: bool,
    /// The derived cache's key of the files this was read from (set by the
    /// runtime), so figures derived later are kept only for those files.
    #[serde(skip)]
    pub loaded_key: Option<String>,
    /// The key of the coded files alone (`repo/layered.rs`), for values
    /// that do not depend on the review (the agreement view's figures).
    #[serde(skip)]
    pub loaded_coded_key: Option<String>,
}

impl ReviewData {
    pub fn build(study: Study, problems: usize) -> ReviewData {
        let units = review_units(&study);
        ReviewData::build_with_units(study, problems, units)
    }

    /// [`ReviewData::build`] with the study's units already made (they come
    /// with the derived cache's parts).
    pub fn build_with_units(study: Study, problems: usize, units: Vec<ReviewUnit>) -> ReviewData {
        let mut coders: Vec<Coder> = study.coders().to_vec();
        for f in &study.codings {
            if !coders.iter().any(|c| c.id == f.coder) {
                coders.push(Coder {
                    id: f.coder.clone(),
                    name: f.coder.clone(),
                    guid: None,
                });
            }
        }
        let index: HashMap<&str, usize> = study
            .codebook
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id(), i))
            .collect();
        // A code with its ancestors, as codebook indices.
        let lineage = |code: &str| -> Vec<usize> {
            let mut out = Vec::new();
            let mut cur = index.get(code).copied();
            while let Some(i) = cur {
                if out.contains(&i) {
                    break;
                }
                out.push(i);
                cur = study.codebook.codes[i]
                    .parent
                    .as_deref()
                    .and_then(|p| index.get(p).copied());
            }
            out
        };
        let mut codes_of_unit = Vec::with_capacity(units.len());
        let mut transcript_units: HashMap<String, std::ops::Range<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            let mut codes: Vec<usize> = Vec::new();
            for e in &u.excerpts {
                for c in lineage(&e.code) {
                    if !codes.contains(&c) {
                        codes.push(c);
                    }
                }
            }
            codes_of_unit.push(codes);
            transcript_units
                .entry(u.transcript.to_string())
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        let mut units_of_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, codes) in codes_of_unit.iter().enumerate() {
            for &c in codes {
                units_of_code
                    .entry(study.codebook.codes[c].id().to_string())
                    .or_default()
                    .push(i);
            }
        }
        let mut counts = vec![
            CodeCounts {
                excerpts: vec![0; coders.len()],
                ..CodeCounts::default()
            };
            study.codebook.codes.len()
        ];
        for f in &study.codings {
            let Some(ci) = coders.iter().position(|c| c.id == f.coder) else {
                continue;
            };
            for c in &f.codings {
                for k in lineage(&c.code) {
                    counts[k].excerpts[ci] += 1;
                }
            }
        }
        let left_out = crate::study::left_out::LeftOut::of_agreement(&study, 0).total();
        let mut data = ReviewData {
            study,
            coders,
            // Agreed counts as neither open nor decided: the loop below
            // moves each unit to its standing and counts it once.
            standings: vec![Standing::Agreed; units.len()],
            units,
            units_of_code,
            problems,
            left_out,
            codes_of_unit,
            counts,
            transcript_units,
            open: 0,
            decided: 0,
            outline: false,
            loaded_key: None,
            loaded_coded_key: None,
        };
        data.restand();
        data
    }

    /// Every unit's standing after the study's decisions, its counts in
    /// step (only the units whose standing changed are touched).
    fn restand(&mut self) {
        let by_id = standings(&self.units, &self.study.decisions);
        for i in 0..self.units.len() {
            let s = by_id
                .get(self.units[i].id.as_str())
                .cloned()
                .unwrap_or(Standing::Open);
            if s != self.standings[i] {
                self.set_standing(i, s);
            }
        }
    }

    /// The codebook, the coders and every count, without units, transcripts
    /// or codings: small enough to read at once from the derived cache, so
    /// the screen shows the codebook pane and the counts (and takes keys)
    /// while the rest is read.
    pub fn outline(&self) -> ReviewData {
        ReviewData {
            study: Study {
                manifest: self.study.manifest.clone(),
                codebook: self.study.codebook.clone(),
                transcripts: Vec::new(),
                codings: Vec::new(),
                decisions: Vec::new(),
                // Done marks are small and the unit view's title shows them.
                done: self.study.done.clone(),
                cases: self.study.cases.clone(),
            },
            coders: self.coders.clone(),
            units: Vec::new(),
            standings: Vec::new(),
            units_of_code: HashMap::new(),
            problems: self.problems,
            left_out: self.left_out,
            codes_of_unit: Vec::new(),
            counts: self.counts.clone(),
            transcript_units: HashMap::new(),
            open: self.open,
            decided: self.decided,
            outline: true,
            loaded_key: None,
            loaded_coded_key: None,
        }
    }

    /// The review as it is now: the decision logs and done marks of the
    /// study (`decisions`, `done`) in place of those this was built with,
    /// every unit's standing and count made again, and the number of
    /// problems. For data kept by the coded files' key (`repo/layered.rs`),
    /// so a decision recorded elsewhere does not rebuild the screen's data.
    pub fn with_review(
        &mut self,
        decisions: Vec<DecisionFile>,
        done: Vec<DoneFile>,
        problems: usize,
    ) {
        self.study.decisions = decisions;
        self.study.done = done;
        self.problems = problems;
        self.restand();
    }

    /// Whether this is only the outline (the units are still being read).
    pub fn is_outline(&self) -> bool {
        self.outline
    }

    /// Change a unit's standing, keeping every count in step.
    fn set_standing(&mut self, i: usize, new: Standing) {
        let weight = |s: &Standing| match s {
            Standing::Decided(_) => (0i64, 1i64),
            Standing::Agreed => (0, 0),
            _ => (1, 0),
        };
        let (old_open, old_decided) = weight(&self.standings[i]);
        let (new_open, new_decided) = weight(&new);
        let (d_open, d_decided) = (new_open - old_open, new_decided - old_decided);
        self.standings[i] = new;
        if d_open == 0 && d_decided == 0 {
            return;
        }
        self.open = (self.open as i64 + d_open) as usize;
        self.decided = (self.decided as i64 + d_decided) as usize;
        for &c in &self.codes_of_unit[i] {
            let k = &mut self.counts[c];
            k.open = (k.open as i64 + d_open) as usize;
            k.decided = (k.decided as i64 + d_decided) as usize;
        }
    }

    /// Append recorded decisions to the in-memory log and update the
    /// standings of that transcript's units only (decisions of a transcript
    /// concern nothing else), so a decision shows at once on a large study.
    pub fn apply_recorded(&mut self, transcript: &str, decisions: &[Decision]) {
        let file = match self
            .study
            .decisions
            .iter_mut()
            .position(|f| f.transcript == transcript)
        {
            Some(k) => {
                let f = &mut self.study.decisions[k];
                // A reload may have read these lines already.
                for d in decisions {
                    if f.decisions.iter().any(|old| old.id == d.id) {
                        continue;
                    }
                    let line = f.lines.last().copied().unwrap_or(0) + 1;
                    f.decisions.push(d.clone());
                    f.lines.push(line);
                }
                k
            }
            None => {
                self.study.decisions.push(DecisionFile {
                    transcript: transcript.to_string(),
                    decisions: decisions.to_vec(),
                    lines: (1..=decisions.len()).collect(),
                });
                self.study.decisions.len() - 1
            }
        };
        let Some(range) = self.transcript_units.get(transcript).cloned() else {
            return;
        };
        let by_id = standings(
            &self.units[range.clone()],
            std::slice::from_ref(&self.study.decisions[file]),
        );
        for i in range {
            let s = by_id
                .get(self.units[i].id.as_str())
                .cloned()
                .unwrap_or(Standing::Open);
            if s != self.standings[i] {
                self.set_standing(i, s);
            }
        }
    }

    /// The indices of a transcript's units (they are consecutive); empty
    /// when it has none.
    pub fn units_of_transcript(&self, transcript: &str) -> std::ops::Range<usize> {
        self.transcript_units
            .get(transcript)
            .cloned()
            .unwrap_or(0..0)
    }

    /// The counts of a code's subtree.
    pub fn counts(&self, id: &str) -> Option<&CodeCounts> {
        let i = self
            .study
            .codebook
            .codes
            .iter()
            .position(|c| c.id() == id)?;
        self.counts.get(i)
    }

    pub fn open_count(&self) -> usize {
        self.open
    }
    pub fn decided_count(&self) -> usize {
        self.decided
    }

    /// A live decision by id.
    pub fn decision(&self, id: &str) -> Option<&Decision> {
        self.study
            .decisions
            .iter()
            .flat_map(|f| f.decisions.iter())
            .find(|d| d.id == id)
    }

    /// `self-efficacy/maintenance`: the last two steps of the code's place
    /// in the codebook folder, as commit messages name codes.
    pub fn code_label(&self, id: &str) -> String {
        self.study.codebook.short_label(id)
    }
}

/// The figures of the agreement view, per code pooled over transcripts.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AgreementSummary {
    /// Code id (None for overall) to (character kappa, segment agreement, binary uα).
    pub rows: Vec<(Option<String>, Figures)>,
    /// With three or more coders: each pair's two-coder figures
    /// ([`crate::agreement::pairs`]), pairs in study order.
    #[serde(default)]
    pub pairs: Vec<PairSummary>,
}

/// One pair of coders' rows, as if the study had had those two only.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PairSummary {
    /// The two coders' ids, in study order.
    pub coders: [String; 2],
    pub rows: Vec<(Option<String>, Figures)>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub character_kappa: Option<f64>,
    pub segment_agreement: Option<f64>,
    pub binary_u_alpha: Option<f64>,
    /// Fleiss' kappa at character level, for three or more coders.
    pub fleiss_kappa: Option<f64>,
}

/// The measures the view shows (turns are not among them).
const SHOWN: Measures = Measures {
    character: true,
    segment: true,
    alpha: true,
    turn: false,
};

/// The pooled rows of a report as the view's figures.
fn figure_rows(rows: Vec<crate::agreement::report::Row>) -> Vec<(Option<String>, Figures)> {
    rows.into_iter()
        .filter(|row| row.transcript.is_none())
        .map(|row| {
            let character = row.character.as_ref();
            let figures = Figures {
                character_kappa: character
                    .and_then(|c| c.cohen_kappa.as_ref())
                    .and_then(|e| e.value()),
                fleiss_kappa: character
                    .and_then(|c| c.fleiss_kappa.as_ref())
                    .and_then(|e| e.value()),
                segment_agreement: row
                    .segment
                    .as_ref()
                    .and_then(|s| s.percent_agreement.value()),
                binary_u_alpha: row
                    .alpha
                    .as_ref()
                    .and_then(|a| a.binary_u_alpha.as_ref())
                    .and_then(|e| e.value()),
            };
            (row.code, figures)
        })
        .collect()
}

impl AgreementSummary {
    pub fn compute(study: &Study) -> AgreementSummary {
        let input = Input::from_study(study);
        let rows = figure_rows(report(&input, SHOWN).rows);
        let pairs = crate::agreement::pairs::pairs(&input, SHOWN)
            .into_iter()
            .map(|p| PairSummary {
                coders: p.coders,
                rows: figure_rows(p.rows),
            })
            .collect();
        AgreementSummary { rows, pairs }
    }

    /// The figures of `code` (None: overall) of the pair of coders with
    /// these ids, when the summary has that pair.
    pub fn of_pair(&self, code: Option<&str>, pair: [&str; 2]) -> Option<&Figures> {
        self.pairs
            .iter()
            .find(|p| p.coders[0] == pair[0] && p.coders[1] == pair[1])?
            .rows
            .iter()
            .find(|(c, _)| c.as_deref() == code)
            .map(|(_, f)| f)
    }

    pub fn of(&self, code: Option<&str>) -> Option<&Figures> {
        self.rows
            .iter()
            .find(|(c, _)| c.as_deref() == code)
            .map(|(_, f)| f)
    }
}
