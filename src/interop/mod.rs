//! Effects: exchange with the desktop tools. REFI-QDA projects (`.qdpx`)
//! and codebooks (`.qdc`) in and out, and CSV out.
//!
//! The layers inside: [`archive`] reads and writes zip archives safely
//! (bounded sizes, no entry outside the archive); [`xml`] turns XML bytes
//! into a plain element tree (no DTD, no custom entities); [`refi`] maps
//! that tree to and from plain REFI-QDA values; [`import`] and [`export`]
//! map between those values and a study; [`csv`] writes the tables.
//! Nothing here touches the terminal; reading and writing files is the
//! CLI's, through [`crate::repo`].

pub mod archive;
pub mod carried;
pub mod cases;
pub mod csv;
pub mod error;
pub mod exchange;
pub mod export;
pub mod guid;
pub mod import;
pub mod refi;
pub mod xml;

pub use error::InteropError;
