//! Effects: finding a study, reading it from the working tree, writing
//! files safely, and git (through git2). Everything here hands the pure
//! core plain values.

pub mod at_commit;
pub mod cache;
pub mod error;
pub mod git;
pub mod history;
pub(crate) mod index_stat;
pub mod layered;
pub mod locate;
pub(crate) mod pack;
pub mod parts;
pub mod read;
pub mod reanchor;
pub mod record;
pub mod record_codings;
pub mod recover;
pub mod remote;
pub mod sync;
pub(crate) mod threads;
pub mod trees;
pub mod watch;
pub mod write;

pub use error::RepoError;
