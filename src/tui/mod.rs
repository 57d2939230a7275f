//! The review screen (DESIGN.md section 2): a [`state::State`] with no
//! terminal in it, a pure [`update::update`], a [`view::view`] that only
//! draws, and one [`runtime`] that owns the terminal, reads events and runs
//! slow work (loading, git, statistics) on tokio tasks.

pub mod agreement_list;
pub mod data;
pub mod history;
pub mod keymap;
pub mod layout;
pub mod picker;
pub mod reload;
pub mod runtime;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;
pub mod watch;
