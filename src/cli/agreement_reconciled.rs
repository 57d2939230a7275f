//! `concord agreement`: the after-reconciliation section, each coder
//! against the consensus and how the units were settled.

use crate::agreement::input::Input;
use crate::align::ReviewUnit;
use crate::review::reconciled::{Reconciled, Tally, reconciled};
use crate::study::Study;
use crate::study::text::{printable, shorten};
use crate::study::types::DecisionFile;

/// The figures on the study's review units and decisions (only the
/// transcripts `input` has).
pub fn compute(study: &Study, input: &Input) -> Reconciled {
    On::of(input).compute(&crate::align::review_units(study), &study.decisions)
}

/// What the figures after reconciliation are computed on besides the
/// units and the decisions (the coded files' part of them): kept with the
/// agreement figures, so that after a decision only this section is made
/// again (`repo/layered.rs`).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct On {
    transcripts: Vec<String>,
    coders: Vec<String>,
    codes: Vec<String>,
    characters: u64,
    /// What every unit adds up to before any review ([`On::keeping_units`]).
    unreviewed: Option<Tally>,
}

impl On {
    pub fn of(input: &Input) -> On {
        On {
            transcripts: input.transcripts.iter().map(|t| t.id.clone()).collect(),
            coders: input.coders.clone(),
            codes: input
                .codable_codes()
                .into_iter()
                .map(|c| input.codes[c].id.clone())
                .collect(),
            characters: input.transcripts.iter().map(|t| t.length as u64).sum(),
            unreviewed: None,
        }
    }

    /// [`On::of`], with what `units` (the study's, all of them) add up to
    /// before any review, so that after a decision the figures are made
    /// from the reviewed transcripts' units alone ([`On::compute_reviewed`]).
    pub fn keeping_units(input: &Input, units: &[ReviewUnit]) -> On {
        let mut on = On::of(input);
        on.unreviewed = Some(Tally::of(&on.units_in(units), &[], &on.coders, &on.codes));
        on
    }

    /// Those of `units` in the transcripts the figures are computed on.
    /// (Borrowed when every unit is: the whole study's figures.)
    fn units_in<'u>(&self, units: &'u [ReviewUnit]) -> std::borrow::Cow<'u, [ReviewUnit]> {
        let transcripts: std::collections::HashSet<&str> =
            self.transcripts.iter().map(String::as_str).collect();
        let within = |u: &ReviewUnit| transcripts.contains(u.transcript.as_str());
        if units.iter().all(within) {
            return std::borrow::Cow::Borrowed(units);
        }
        std::borrow::Cow::Owned(units.iter().filter(|u| within(u)).cloned().collect())
    }

    /// The figures of `units` (the study's, all of them) after `decisions`.
    pub fn compute(&self, units: &[ReviewUnit], decisions: &[DecisionFile]) -> Reconciled {
        reconciled(
            &self.units_in(units),
            decisions,
            &self.coders,
            &self.codes,
            self.characters,
        )
    }

    /// The figures after `decisions`, from the units of the transcripts the
    /// review touches (`review::reviewed`; every other unit stands as its
    /// class says, as before any review). `None` when the units were not
    /// kept ([`On::keeping_units`]).
    pub fn compute_reviewed(
        &self,
        reviewed: &[ReviewUnit],
        decisions: &[DecisionFile],
    ) -> Option<Reconciled> {
        let all = self.unreviewed.as_ref()?;
        let units = self.units_in(reviewed);
        let before = Tally::of(&units, &[], &self.coders, &self.codes);
        let now = Tally::of(&units, decisions, &self.coders, &self.codes);
        Some(
            all.with_review(&before, now)
                .figures(&self.coders, &self.codes, self.characters),
        )
    }
}

/// The text section under the table; nothing when nothing was decided.
pub fn text(r: &Reconciled) -> String {
    if r.decided == 0 {
        return String::new();
    }
    let actions: Vec<String> = r
        .by_action
        .iter()
        .map(|(a, n)| format!("{} {n}", printable(a)))
        .collect();
    let mut out = format!(
        "\nAfter reconciliation: {} units, {} coded alike, {} decided ({}), {} not settled yet\n",
        r.units,
        r.agreed,
        r.decided,
        actions.join(", "),
        r.unsettled
    );
    let reviewers: Vec<String> = r
        .by_reviewer
        .iter()
        .map(|(who, n)| format!("{} {n}", printable(who)))
        .collect();
    out.push_str(&format!("Decided by: {}\n", reviewers.join(", ")));
    out.push_str(
        "Each coder's coded characters that stood in the consensus, and κ against it (settled units):\n",
    );
    out.push_str(&format!("{:<29}", "Code"));
    for c in &r.coders {
        out.push_str(&format!("{:>16}", shorten(&printable(&c.coder), 15)));
    }
    out.push('\n');
    // Codes in the order of the first coder's rows, then any another coder has.
    let mut codes: Vec<Option<&str>> = Vec::new();
    for c in &r.coders {
        for row in &c.codes {
            if !codes.contains(&row.code.as_deref()) && row.code.is_some() {
                codes.push(row.code.as_deref());
            }
        }
    }
    codes.push(None);
    for code in codes {
        out.push_str(&format!(
            "{:<29}",
            shorten(&printable(code.unwrap_or("overall")), 28)
        ));
        for c in &r.coders {
            let cell = c
                .codes
                .iter()
                .find(|row| row.code.as_deref() == code)
                .map(|row| {
                    let share = row
                        .stood_share
                        .value()
                        .map_or("–".to_string(), |s| format!("{:.0}%", s * 100.0));
                    let kappa = row
                        .kappa
                        .value()
                        .map_or("–".to_string(), |k| format!("{k:.2}"));
                    format!("{share} κ {kappa}")
                })
                .unwrap_or_else(|| "–".to_string());
            out.push_str(&format!("{cell:>16}"));
        }
        out.push('\n');
    }
    out
}
