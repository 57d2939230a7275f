//! Intercoder agreement: the measures researchers report, each defined
//! exactly as the tool it comes from defines it (docs/agreement.md). Pure:
//! it takes an [`Input`] and returns rows of figures, never reading a file.
//!
//! - [`character`]: every character a unit (NVivo): 2x2 counts, percent,
//!   Cohen's kappa, Fleiss' kappa for three or more coders;
//! - [`segment`]: excerpts matched by overlap (MAXQDA): percent and
//!   Brennan and Prediger's kappa;
//! - [`unitized`]: Krippendorff's uα, |uα, cuα and (k)uα on the text
//!   continuum (ATLAS.ti);
//! - [`turn`]: speaker turns as predefined units: nominal alpha, Cohen's
//!   and Fleiss' kappa;
//! - [`gwet`]: Gwet's AC1 and its variance, on characters and turns;
//! - [`interval`], [`bootstrap`]: confidence intervals (cluster bootstrap
//!   over transcripts; Hayes and Krippendorff's bootstrap for the turn alpha);
//! - [`pairs`]: with three or more coders, each pair's two-coder figures;
//! - [`chosen_measure`]: the figure a team reports (`concord.toml`);
//! - [`report`]: all of them as the rows of `concord agreement`.

pub mod bootstrap;
pub mod character;
pub mod chosen_measure;
pub mod estimate;
pub mod gwet;
pub mod input;
pub mod interval;
pub mod pairs;
pub mod report;
pub mod segment;
pub mod spans;
pub mod turn;
pub mod unitized;

pub use estimate::Estimate;
pub use input::{CodeInfo, Excerpt, Input, TranscriptInfo};
