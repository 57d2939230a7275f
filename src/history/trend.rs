//! The figures the agreement trend follows at each commit: Cohen's kappa
//! by character and Krippendorff's binary uα, per code pooled over
//! transcripts, and overall. The same report `concord agreement` prints.

use serde::Serialize;

use crate::agreement::input::Input;
use crate::agreement::report::{Measures, report};
use crate::study::{Codebook, Study};

/// One code's figures (or overall, `code: None`); `None` where undefined.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Figures {
    pub code: Option<String>,
    pub cohen_kappa: Option<f64>,
    pub binary_u_alpha: Option<f64>,
}

/// Every codable code's figures in codebook order, then the overall row.
pub fn figures(study: &Study) -> Vec<Figures> {
    let input = Input::from_study(study);
    let r = report(
        &input,
        Measures {
            character: true,
            segment: false,
            alpha: true,
            turn: false,
        },
    );
    r.rows
        .into_iter()
        .filter(|row| row.transcript.is_none())
        .filter(|row| {
            row.code
                .as_deref()
                .is_none_or(|c| study.codebook.get(c).is_some_and(|c| c.header.codable))
        })
        .map(|row| Figures {
            cohen_kappa: row
                .character
                .as_ref()
                .and_then(|c| c.cohen_kappa.as_ref())
                .and_then(|e| e.value()),
            binary_u_alpha: row
                .alpha
                .as_ref()
                .and_then(|a| a.binary_u_alpha.as_ref())
                .and_then(|e| e.value()),
            code: row.code,
        })
        .collect()
}

/// What of the codebook the figures depend on: each code's id, parent,
/// depth and whether it is codable, in order. Two commits whose codebooks
/// have the same key (and the same transcripts, codings and manifest) have
/// the same figures, however their definitions differ.
pub fn codebook_key(codebook: &Codebook) -> Vec<(String, Option<String>, usize, bool)> {
    codebook
        .codes
        .iter()
        .map(|c| {
            (
                c.id().to_string(),
                c.parent.clone(),
                c.depth,
                c.header.codable,
            )
        })
        .collect()
}
