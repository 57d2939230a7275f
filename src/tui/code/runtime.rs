//! The coding screen's loop: keys, mouse and signals come from the review
//! screen's input thread and signal tasks; changes are committed on tokio's
//! blocking pool (git2) and their results come back as actions. The loop
//! exits only once nothing is being committed and the batch is empty, so
//! `q`, a hang-up (SSH dropped) and SIGTERM lose nothing the coder did.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::repo::RepoError;
use crate::repo::git::Person;
use crate::repo::read::read_study;
use crate::repo::record_codings::{new_coding_id, now_rfc3339, record_codings, record_done};
use crate::study::{self, Done, Study};
use crate::tui::code::state::CodeState;
use crate::tui::code::update::{CodeAction, CodeEffect, update};
use crate::tui::code::view::view;
use crate::tui::runtime::{setup_terminal, spawn_input, spawn_signals};
use crate::tui::theme::Theme;
use crate::tui::update::Action;

pub struct CodeSession {
    pub root: PathBuf,
    pub study: Study,
    pub coder: String,
    /// Who the commits are authored by: the coder.
    pub author: Person,
    /// What was put in step after a kill, said on the status line.
    pub notices: Vec<String>,
}

pub fn run(session: CodeSession) -> Result<(), RepoError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| RepoError::Read {
            path: PathBuf::from("(runtime)"),
            source,
        })?;
    let result = rt.block_on(main_loop(session));
    rt.shutdown_background();
    result
}

async fn main_loop(session: CodeSession) -> Result<(), RepoError> {
    let (mut terminal, _guard) = setup_terminal()?;
    let (tx, mut rx) = unbounded_channel::<CodeAction>();
    let mut state = CodeState::new(session.study.clone(), &session.coder, Theme::from_env());
    if !session.notices.is_empty() {
        state.message = Some((session.notices.join("; "), false));
    }
    if let Ok(size) = terminal.size() {
        update(
            &mut state,
            CodeAction::Resize {
                width: size.width,
                height: size.height,
            },
        );
    }
    // The review screen's input thread and signal handling, its actions
    // turned into the coding screen's.
    let (input_tx, mut input_rx) = unbounded_channel::<Action>();
    let signalled = Arc::new(AtomicBool::new(false));
    spawn_input(input_tx.clone(), Arc::clone(&signalled));
    spawn_signals(input_tx, signalled);
    let bridge = tx.clone();
    tokio::spawn(async move {
        while let Some(a) = input_rx.recv().await {
            let c = match a {
                Action::Key(k) => CodeAction::Key(k),
                Action::Mouse(m) => CodeAction::Mouse(m),
                Action::Resize { width, height } => CodeAction::Resize { width, height },
                Action::Quit => CodeAction::Quit,
                _ => continue,
            };
            if bridge.send(c).is_err() {
                break;
            }
        }
    });
    let _ = tx.send(CodeAction::FreshIds(vec![]));

    let _ = terminal.draw(|f| view(&state, f));
    while let Some(action) = rx.recv().await {
        let mut effects = update(&mut state, action);
        while let Ok(more) = rx.try_recv() {
            effects.extend(update(&mut state, more));
        }
        for effect in effects {
            start(effect, &mut state, &session, tx.clone());
        }
        if state.quitting && state.in_flight == 0 {
            break;
        }
        let _ = terminal.draw(|f| view(&state, f));
    }
    Ok(())
}

fn start(
    effect: CodeEffect,
    state: &mut CodeState,
    session: &CodeSession,
    tx: UnboundedSender<CodeAction>,
) {
    let root = session.root.clone();
    let author = session.author.clone();
    let coder = session.coder.clone();
    match effect {
        CodeEffect::WantIds(n) => {
            // Cheap and local: made here, so the pure update never reads a clock.
            let mut taken = state.taken_ids();
            let ids: Vec<String> = (0..n)
                .map(|_| {
                    let id = new_coding_id(&taken);
                    taken.insert(id.clone());
                    id
                })
                .collect();
            let _ = tx.send(CodeAction::FreshIds(ids));
        }
        CodeEffect::Record {
            transcript,
            changes,
            message,
        } => {
            tokio::task::spawn_blocking(move || {
                let action =
                    match record_codings(&root, &coder, &transcript, &changes, &author, &message) {
                        Ok(r) => CodeAction::Recorded {
                            commit: r.commit.to_string()[..7].to_string(),
                            // Committed, but the working file could not be updated: say so.
                            summary: match r.worktree_behind {
                                Some(why) => format!("{message} (working file not updated: {why})"),
                                None => message,
                            },
                        },
                        Err(e) => CodeAction::RecordFailed {
                            error: e.to_string(),
                        },
                    };
                let _ = tx.send(action);
            });
        }
        CodeEffect::MarkDone { transcript } => {
            tokio::task::spawn_blocking(move || {
                let head = git2::Repository::discover(&root)
                    .ok()
                    .and_then(|r| r.head().ok().and_then(|h| h.target()))
                    .map(|o| o.to_string())
                    .unwrap_or_default();
                let mark = Done {
                    transcript: transcript.clone(),
                    at: now_rfc3339(),
                    commit: head,
                };
                let message = format!("code {transcript}: done");
                let action = match record_done(&root, &coder, &mark, &author, &message) {
                    Ok(r) => CodeAction::DoneRecorded {
                        mark,
                        commit: r.commit.to_string()[..7].to_string(),
                    },
                    Err(e) => CodeAction::RecordFailed {
                        error: e.to_string(),
                    },
                };
                let _ = tx.send(action);
            });
        }
        CodeEffect::Reload => {
            tokio::task::spawn_blocking(move || {
                if let Ok(files) = read_study(&root) {
                    let loaded = study::check(&files);
                    let _ = tx.send(CodeAction::Reloaded(Box::new(loaded.study)));
                }
            });
        }
    }
}
