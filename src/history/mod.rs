//! The codebook's history, pure: what changed between two codebooks, code
//! by code ([`codebook_diff`]); word-level differences of their texts
//! ([`words`]); the figures the agreement trend follows ([`trend`]); and
//! commit times as researchers read them ([`when`]). The effects layer
//! (`repo::history`) walks git and hands these functions values.

pub mod codebook_diff;
pub mod trend;
pub mod when;
pub mod words;

pub use codebook_diff::{Change, CodeChange, diff_codebooks};
pub use words::{Op, Piece, word_diff};
