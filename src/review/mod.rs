//! The review model (DESIGN.md section 4): what a reviewer decides about a
//! review unit, and where every unit stands given the decisions log.
//! Pure: units and decisions in, values out.

pub mod boundary;
pub mod consensus;
pub mod decide;
pub mod reconciled;
pub mod reviewed;
pub mod roles;
pub mod standing;
pub mod sync_summary;
pub mod union;

pub use consensus::{Consensus, consensus};
pub use decide::{Choice, decision_for, describe, revert_of};
pub use standing::{Standing, standings};
