//! The coding screen (`concord code`): one coder codes transcripts in the
//! terminal, blind to the other coders until they mark a transcript done.
//! The same shape as the review screen: a [`state::CodeState`] with no
//! terminal in it, a pure [`update::update`], a [`view::view`] that only
//! draws, and a [`runtime`] that owns the terminal (sharing the review
//! screen's terminal set-up, input thread and signal handling) and commits
//! each change on tokio's blocking pool.

pub mod runtime;
pub mod state;
pub mod text;
pub mod update;
pub mod view;
