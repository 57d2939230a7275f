//! What the review screen shows, derived once from the study: its review
//! units, where each stands, and the counts per code. Pure; rebuilt in
//! part when a decision is recorded.

use std::collections::HashMap;

use crate::agreement::input::Input;
use crate::agreement::report::{Measures, report};
use crate::align::{ReviewUnit, review_units};
use crate::review::{Standing, standings};
use crate::study::{Coder, Decision, DecisionFile, Study};

/// The counts shown beside a code in the codebook pane (its whole subtree).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeCounts {
    /// Excerpts per coder, in manifest order.
    pub excerpts: Vec<usize>,
    /// Units still needing a reviewer (open, stale or in conflict).
    pub open: usize,
    pub decided: usize,
}

#[derive(Debug, Clone)]
pub struct ReviewData {
    pub study: Study,
    /// The coders in manifest order (then any coder folder the manifest lacks).
    pub coders: Vec<Coder>,
    pub units: Vec<ReviewUnit>,
    /// By unit index.
    pub standings: Vec<Standing>,
    /// Unit indices by code id, a parent code holding its whole subtree's units.
    pub units_of_code: HashMap<String, Vec<usize>>,
    pub counts: HashMap<String, CodeCounts>,
    /// Problems `concord check` would report.
    pub problems: usize,
}

impl ReviewData {
    pub fn build(study: Study, problems: usize) -> ReviewData {
        let mut coders: Vec<Coder> = study.coders().to_vec();
        for f in &study.codings {
            if !coders.iter().any(|c| c.id == f.coder) {
                coders.push(Coder {
                    id: f.coder.clone(),
                    name: f.coder.clone(),
                });
            }
        }
        let units = review_units(&study);
        let mut units_of_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            let mut codes: Vec<&str> = Vec::new();
            for e in &u.excerpts {
                let mut cur = Some(e.code.as_str());
                while let Some(c) = cur {
                    if !codes.contains(&c) {
                        codes.push(c);
                    }
                    cur = study
                        .codebook
                        .get(c)
                        .and_then(|code| code.parent.as_deref());
                }
            }
            for c in codes {
                units_of_code.entry(c.to_string()).or_default().push(i);
            }
        }
        let mut data = ReviewData {
            study,
            coders,
            units,
            standings: Vec::new(),
            units_of_code,
            counts: HashMap::new(),
            problems,
        };
        data.refresh_standings();
        data
    }

    /// Recompute standings and counts from the decisions log.
    pub fn refresh_standings(&mut self) {
        let by_id = standings(&self.units, &self.study.decisions);
        self.standings = self
            .units
            .iter()
            .map(|u| by_id.get(&u.id).cloned().unwrap_or(Standing::Open))
            .collect();
        let mut counts: HashMap<String, CodeCounts> = HashMap::new();
        let coder_index: HashMap<&str, usize> = self
            .coders
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        for f in &self.study.codings {
            let Some(&ci) = coder_index.get(f.coder.as_str()) else {
                continue;
            };
            for c in &f.codings {
                let mut cur = Some(c.code.as_str());
                while let Some(code) = cur {
                    let entry = counts.entry(code.to_string()).or_default();
                    entry.excerpts.resize(self.coders.len(), 0);
                    entry.excerpts[ci] += 1;
                    cur = self
                        .study
                        .codebook
                        .get(code)
                        .and_then(|k| k.parent.as_deref());
                }
            }
        }
        for (code, units) in &self.units_of_code {
            let entry = counts.entry(code.clone()).or_default();
            entry.excerpts.resize(self.coders.len(), 0);
            for &i in units {
                match &self.standings[i] {
                    Standing::Decided(_) => entry.decided += 1,
                    Standing::Agreed => {}
                    _ => entry.open += 1,
                }
            }
        }
        self.counts = counts;
    }

    /// Append recorded decisions to the in-memory log and refresh.
    pub fn apply_recorded(&mut self, transcript: &str, decisions: &[Decision]) {
        match self
            .study
            .decisions
            .iter_mut()
            .find(|f| f.transcript == transcript)
        {
            Some(f) => {
                for d in decisions {
                    let line = f.lines.last().copied().unwrap_or(0) + 1;
                    f.decisions.push(d.clone());
                    f.lines.push(line);
                }
            }
            None => self.study.decisions.push(DecisionFile {
                transcript: transcript.to_string(),
                decisions: decisions.to_vec(),
                lines: (1..=decisions.len()).collect(),
            }),
        }
        self.refresh_standings();
    }

    pub fn open_count(&self) -> usize {
        self.standings.iter().filter(|s| s.is_open()).count()
    }
    pub fn decided_count(&self) -> usize {
        self.standings
            .iter()
            .filter(|s| matches!(s, Standing::Decided(_)))
            .count()
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
        match self.study.codebook.get(id) {
            Some(code) => {
                let path = code
                    .file
                    .trim_start_matches("codebook/")
                    .trim_end_matches(".md")
                    .trim_end_matches("/_index");
                let parts: Vec<&str> = path.split('/').collect();
                parts[parts.len().saturating_sub(2)..].join("/")
            }
            None => id.to_string(),
        }
    }
}

/// The figures of the agreement view, per code pooled over transcripts.
#[derive(Debug, Clone, Default)]
pub struct AgreementSummary {
    /// Code id (None for overall) to (character kappa, segment agreement, binary uα).
    pub rows: Vec<(Option<String>, Figures)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub character_kappa: Option<f64>,
    pub segment_agreement: Option<f64>,
    pub binary_u_alpha: Option<f64>,
    /// Fleiss' kappa at character level, for three or more coders.
    pub fleiss_kappa: Option<f64>,
}

impl AgreementSummary {
    pub fn compute(study: &Study) -> AgreementSummary {
        let input = Input::from_study(study);
        let r = report(
            &input,
            Measures {
                character: true,
                segment: true,
                alpha: true,
                turn: false,
            },
        );
        let rows = r
            .rows
            .into_iter()
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
            .collect();
        AgreementSummary { rows }
    }

    pub fn of(&self, code: Option<&str>) -> Option<&Figures> {
        self.rows
            .iter()
            .find(|(c, _)| c.as_deref() == code)
            .map(|(_, f)| f)
    }
}
