//! The review screen (DESIGN.md section 2): a [`state::State`] with no
//! terminal in it, a pure [`update::update`], a [`view::view`] that only
//! draws, and one [`runtime`] that owns the terminal, reads events and runs
//! slow work (loading, git, statistics) on tokio tasks.

pub mod agreement_list;
pub mod code;
pub mod config;
pub mod data;
pub mod filters;
pub mod first_frame;
pub mod history;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod picker;
pub mod queue;
pub mod reload;
pub mod runtime;
pub mod search;
pub mod state;
pub mod sync;
pub mod sync_task;
pub mod theme;
pub mod transcript;
pub mod update;
pub mod view;
pub mod watch;
