//! concord: review qualitative coding in a terminal.
//!
//! The layers of `docs/architecture.md` (DESIGN.md section 2), arrows only
//! downward:
//!
//! - front ends: [`cli`] (one file per subcommand);
//! - effects: [`repo`] (the working tree and git), [`interop`] (REFI-QDA
//!   import and export, CSV);
//! - pure core: [`study`] (types, parse, validate, write), [`align`] (review
//!   units), [`agreement`] (intercoder statistics) and [`sample`] (the
//!   bundled sample study, as values).
//!
//! The pure core reads no file and no clock: the effects layer hands it bytes
//! and time, so the same code runs on a working tree, on any commit, or on
//! imported data.

pub mod agreement;
pub mod align;
pub mod cli;
pub mod history;
pub mod interop;
pub mod methods_report;
pub mod repo;
pub mod review;
pub mod sample;
pub mod study;
pub mod tui;
