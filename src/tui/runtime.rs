//! The one loop that owns the terminal: it reads keys, signals and the
//! results of background work as [`Action`]s, runs `update`, starts the
//! [`Effect`]s on tokio's blocking pool (git2 and the statistics are
//! blocking work), and draws. Drawing never waits on IO.
//!
//! Leaving is always clean: `q`, a hang-up (SSH dropped), SIGTERM or a
//! panic restore the terminal, and the loop exits only once no decision is
//! still being committed, so nothing decided is lost.

use std::io::{IsTerminal, Stdout};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::repo::RepoError;
use crate::repo::cache::Opened;
use crate::repo::git::Person;
use crate::repo::history::Walker;
use crate::repo::read::FileReads;
use crate::repo::record::{RecordError, new_decision_id, now, record_decisions};
use crate::review::decide::{commit_message, describe_undo};
use crate::review::{decision_for, describe, revert_of};
use crate::study::Decision;
use crate::tui::data::{AgreementSummary, ReviewData};
use crate::tui::history::HistoryData;
use crate::tui::state::{State, Tone};
use crate::tui::theme::Theme;
use crate::tui::update::{Action, Effect, update};
use crate::tui::view::view;
use crate::tui::watch::{Seen, spawn_watch};

pub struct Session {
    pub root: PathBuf,
    pub reviewer: Person,
    pub study_name: String,
    pub branch: String,
    /// What was repaired before the screen opened (a decision a kill left
    /// half-recorded), shown as the first message.
    pub notices: Vec<String>,
}

/// What the runtime's tasks share: the live reload's last seen fingerprint.
#[derive(Clone, Default)]
struct Shared {
    seen: Seen,
}

/// Whether the review screen can run here: standard input and output are a terminal.
pub fn has_terminal() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// Run the review screen until the reviewer quits.
pub fn run(session: Session) -> Result<(), RepoError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| RepoError::Read {
            path: PathBuf::from("(runtime)"),
            source,
        })?;
    let config = read_user_config();
    let result = rt.block_on(main_loop(session, &config));
    // After the screen is restored, where the reviewer can read them.
    for l in &config.problems {
        eprintln!("concord: {l}");
    }
    // The loop ends only once no decision is being committed; what may still
    // run is reading the study or computing statistics, which need no waiting
    // for (dropping the runtime would wait, seconds on a large study).
    rt.shutdown_background();
    // But the screen's values being kept in the derived cache are waited
    // for (under a second, and only when the reviewer quits just after a
    // first launch): without them the next launch would be cold again.
    drop(KEEPING.lock());
    result
}

fn io_err(source: std::io::Error) -> RepoError {
    RepoError::Write {
        path: PathBuf::from("(terminal)"),
        source,
    }
}

/// Put the terminal back as it was: raw mode off, main screen, cursor shown.
fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped, whatever the way out.
pub(crate) struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

pub(crate) fn setup_terminal()
-> Result<(Terminal<CrosstermBackend<Stdout>>, TerminalGuard), RepoError> {
    // A panic restores the terminal before its message is printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    enable_raw_mode().map_err(io_err)?;
    let guard = TerminalGuard;
    execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture).map_err(io_err)?;
    let terminal = Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(io_err)?;
    Ok((terminal, guard))
}

async fn main_loop(session: Session, config: &UserConfig) -> Result<(), RepoError> {
    let (mut terminal, _guard) = setup_terminal()?;
    let (tx, mut rx) = unbounded_channel::<Action>();
    let mut state = State::new(
        session.study_name.clone(),
        session.reviewer.to_string(),
        session.branch.clone(),
        Theme::from_env(),
    );
    if !session.notices.is_empty() {
        state.say(session.notices.join("; "), Tone::Info);
    }
    // What is wrong in the config file says more: it goes last.
    crate::tui::config::apply(&mut state, config.config.clone());
    if let Some(first) = config.first_short.as_ref().or(config.problems.first()) {
        let more = match config.problems.len() {
            1 => String::new(),
            n => format!(" (and {} more, listed on quitting)", n - 1),
        };
        state.say(format!("{first}{more}"), Tone::Error);
    }
    if let Ok(size) = terminal.size() {
        update(
            &mut state,
            Action::Resize {
                width: size.width,
                height: size.height,
            },
        );
    }
    let signalled = Arc::new(AtomicBool::new(false));
    spawn_input(tx.clone(), Arc::clone(&signalled));
    spawn_signals(tx.clone(), signalled);
    let shared = Shared::default();
    spawn_load(session.root.clone(), tx.clone(), true);
    spawn_watch(session.root.clone(), shared.seen.clone(), tx.clone());
    match crate::tui::sync_task::configured_interval(&session.root) {
        Ok(Some(every)) => crate::tui::sync_task::spawn_interval(every, tx.clone()),
        Ok(None) => {}
        Err(e) => state.say(format!("not syncing on its own: {e}"), Tone::Error),
    }

    let _ = terminal.draw(|f| view(&state, f));
    let mut full_frame_drawn = false;
    while let Some(action) = rx.recv().await {
        let mut effects = update(&mut state, action);
        // Take whatever else is queued before drawing: one frame for a burst of keys.
        while let Ok(more) = rx.try_recv() {
            effects.extend(update(&mut state, more));
        }
        for effect in effects {
            start(effect, &state, &session, &shared, tx.clone());
        }
        if state.quitting && state.pending.is_empty() {
            break;
        }
        // After a hang-up there is no terminal to draw on; keep going until the commits are in.
        let _ = terminal.draw(|f| view(&state, f));
        if !full_frame_drawn && state.data.as_ref().is_some_and(|d| !d.is_outline()) {
            full_frame_drawn = true;
            crate::tui::first_frame::drawn();
        }
    }
    // Nothing waits for a frame that will not come.
    crate::tui::first_frame::drawn();
    Ok(())
}

/// The user's config file as read, and what is wrong in it, each as
/// `file:line: what is wrong — what to do`.
struct UserConfig {
    config: crate::tui::config::Config,
    problems: Vec<String>,
    /// The first problem as the status line says it: the file's name
    /// only, so the problem itself fits on 80 columns.
    first_short: Option<String>,
}

/// Read the user's config file, if there is one (effects here, the parsing
/// in `tui/config.rs`). What is wrong in it never stops the screen: it is
/// said on the status line and again on standard error after quitting.
fn read_user_config() -> UserConfig {
    use crate::tui::config;
    let mut out = UserConfig {
        config: config::Config::default(),
        problems: Vec::new(),
        first_short: None,
    };
    let Some(path) = config::config_path(
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    ) else {
        return out;
    };
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return out,
        Err(e) => {
            out.problems.push(format!(
                "{}: cannot be read ({e}); the defaults apply",
                path.display()
            ));
            return out;
        }
    };
    let (cfg, problems) = config::parse(&text);
    out.config = cfg;
    out.problems = problems
        .iter()
        .map(|p| format!("{}:{}: {}", path.display(), p.line, p.message))
        .collect();
    out.first_short = problems
        .first()
        .map(|p| format!("config.toml:{}: {}", p.line, p.message));
    out
}

/// How often the input thread looks up from waiting for a key to see whether a signal came.
const INPUT_TICK: Duration = Duration::from_millis(50);

/// How long a signal waits for the input thread to take in the keys typed
/// before it (crossterm's reader can spin on a terminal that hung up).
const SIGNAL_GRACE: Duration = Duration::from_millis(500);

/// Keys, mouse and resizes, read on a thread of their own (crossterm's read blocks).
///
/// Once a signal came (`signalled`), it takes in what was typed before it
/// (a decision key already sent is a decision), then asks to quit.
pub(crate) fn spawn_input(tx: UnboundedSender<Action>, signalled: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        loop {
            let draining = signalled.load(Ordering::SeqCst);
            match event::poll(if draining { Duration::ZERO } else { INPUT_TICK }) {
                Ok(true) => {}
                Ok(false) if draining => break,
                Ok(false) => continue,
                Err(_) => break,
            }
            let action = match event::read() {
                Ok(Event::Key(k)) if k.kind != event::KeyEventKind::Release => Action::Key(k),
                Ok(Event::Mouse(m)) => Action::Mouse(m),
                Ok(Event::Resize(width, height)) => Action::Resize { width, height },
                Ok(_) => continue,
                // The terminal went away (hang-up): stop reading.
                Err(_) => break,
            };
            if tx.send(action).is_err() {
                break;
            }
        }
        if signalled.load(Ordering::SeqCst) {
            let _ = tx.send(Action::Quit);
        }
    });
}

/// A hang-up, SIGTERM or SIGINT: quit once the keys typed before it are
/// taken in (the input thread says so), or after [`SIGNAL_GRACE`] at the latest.
pub(crate) fn spawn_signals(tx: UnboundedSender<Action>, signalled: Arc<AtomicBool>) {
    use tokio::signal::unix::{SignalKind, signal};
    for kind in [
        SignalKind::hangup(),
        SignalKind::terminate(),
        SignalKind::interrupt(),
    ] {
        let tx = tx.clone();
        let signalled = Arc::clone(&signalled);
        if let Ok(mut s) = signal(kind) {
            tokio::spawn(async move {
                while s.recv().await.is_some() {
                    signalled.store(true, Ordering::SeqCst);
                    tokio::time::sleep(SIGNAL_GRACE).await;
                    if tx.send(Action::Quit).is_err() {
                        break;
                    }
                }
            });
        }
    }
}

/// The review screen's values in the derived cache: all it shows, its
/// outline (codebook and counts), and the agreement view's figures.
const REVIEW: &str = "review";
const OUTLINE: &str = "review-outline";
const AGREEMENT: &str = "review-agreement";

/// Held while the screen's values are written to the derived cache after
/// they are shown, so that quitting waits for them (see [`run`]).
static KEEPING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Read the study for the screen; `first`: nothing is shown yet, so the
/// outline may be (a reload keeps the screen as it is until it is done).
fn spawn_load(root: PathBuf, tx: UnboundedSender<Action>, first: bool) {
    tokio::task::spawn_blocking(move || {
        let _ = tx.send(Action::Progress("reading files".into()));
        let reads = FileReads::default();
        let opened = match Opened::open(&root, &reads) {
            Ok(o) => o,
            Err(e) => {
                let _ = tx.send(Action::LoadFailed(e.to_string()));
                return;
            }
        };
        // What the screen shows of a study that has not changed since it
        // was last opened: kept whole in the derived cache.
        // The outline first (codebook and counts: a small value), so the
        // screen is usable while the units are read.
        let outline = first
            .then(|| opened.cached::<ReviewData>(OUTLINE))
            .flatten();
        let outline = outline.filter(|o| o.is_outline());
        let had_outline = outline.is_some();
        if let Some(outline) = outline {
            let _ = tx.send(Action::Loaded {
                data: std::sync::Arc::new(outline),
                last_commit: None,
            });
        }
        // Kept by the coded files' key: a decision recorded since (here,
        // by `concord decide` or a sync) costs the logs and the standings,
        // not the study.
        let (mut data, made, parts_wanted) = match opened.coded_cached::<ReviewData>(REVIEW) {
            Some(mut data) => {
                let whole = opened.whole();
                data.with_review(
                    whole.decisions.clone(),
                    whole.done.clone(),
                    opened.problems().len(),
                );
                (data, false, false)
            }
            None => {
                let _ = tx.send(Action::Progress("checking the study".into()));
                let (loaded, units, parts_wanted) = opened.checked_now();
                let _ = tx.send(Action::Progress("finding review units".into()));
                let data = ReviewData::build_with_units(loaded.study, loaded.problems.len(), units);
                (data, true, parts_wanted)
            }
        };
        data.loaded_key = opened.key().map(str::to_string);
        data.loaded_coded_key = opened.coded_key().map(str::to_string);
        let last_commit = last_decision_commit(&root);
        // Shown first, kept after: writing the screen's values (hundreds of
        // megabytes on a large study) would otherwise hold back its first
        // full frame. Until they are written the screen shares them; a
        // decision made meanwhile copies its own.
        let data = Arc::new(data);
        let keeping = KEEPING.lock();
        let _ = tx.send(Action::Loaded {
            data: Arc::clone(&data),
            last_commit,
        });
        if made || parts_wanted || !had_outline {
            crate::tui::first_frame::wait();
        }
        if made {
            opened.keep_coded(REVIEW, &*data);
        }
        if !had_outline {
            opened.keep(OUTLINE, &data.outline());
        }
        drop(keeping);
        // Last, and not waited for on quitting (what is not made now is
        // made by the next run that needs it): the transcripts' parts, so
        // that after an edit of one transcript's codings only its part is
        // made again.
        if parts_wanted {
            opened.keep_parts();
        }
    });
}

/// The study's history for the screen: every commit that changed the
/// codebook, codings, transcripts or manifest with its figures, and the
/// working tree's codebook changes. Blocking (git2): run it off the loop.
pub fn read_history(
    root: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<HistoryData, RepoError> {
    let gs = crate::repo::at_commit::open(Some(root))?;
    let mut walker = Walker::new(&gs);
    let records = walker.walk(true, &mut |done, all| {
        if done % 10 == 0 || done == all {
            progress(format!("reading the history: {done} of {all} commits"));
        }
    })?;
    walker.keep_figures();
    let uncommitted = walker.uncommitted()?.unwrap_or_default();
    Ok(HistoryData {
        records,
        uncommitted,
    })
}

/// The short hash of the newest commit that changed `decisions/`, looking
/// back a bounded number of commits.
fn last_decision_commit(root: &Path) -> Option<String> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let rel = root
        .canonicalize()
        .ok()?
        .strip_prefix(&workdir)
        .ok()?
        .join("decisions");
    let mut walk = repo.revwalk().ok()?;
    walk.push_head().ok()?;
    for oid in walk.take(500).flatten() {
        let commit = repo.find_commit(oid).ok()?;
        let here = commit.tree().ok()?.get_path(&rel).ok().map(|e| e.id());
        let before = commit
            .parent(0)
            .ok()
            .and_then(|p| p.tree().ok())
            .and_then(|t| t.get_path(&rel).ok().map(|e| e.id()));
        if here.is_some() && here != before {
            return Some(short(oid));
        }
    }
    None
}

fn short(oid: git2::Oid) -> String {
    oid.to_string()[..7].to_string()
}

/// Start an effect; its result comes back as an action.
fn start(
    effect: Effect,
    state: &State,
    session: &Session,
    shared: &Shared,
    tx: UnboundedSender<Action>,
) {
    let Some(data) = &state.data else { return };
    match effect {
        Effect::Reload => spawn_load(session.root.clone(), tx, false),
        Effect::Sync => crate::tui::sync_task::spawn_sync(session.root.clone(), tx),
        Effect::CountAheadBehind => {
            crate::tui::sync_task::spawn_ahead_behind(session.root.clone(), tx)
        }
        Effect::LoadHistory => {
            let root = session.root.clone();
            tokio::task::spawn_blocking(move || {
                let progress_tx = tx.clone();
                let action = match read_history(&root, &mut |text| {
                    let _ = progress_tx.send(Action::HistoryProgress(text));
                }) {
                    Ok(h) => Action::HistoryLoaded(Box::new(h)),
                    Err(e) => Action::HistoryFailed(e.to_string()),
                };
                let _ = tx.send(action);
            });
        }
        // The outline has no codings to measure: the full data follows.
        Effect::ComputeAgreement if data.is_outline() => {}
        Effect::ComputeAgreement => {
            // Shared, not copied: a copy of a large study's texts and
            // codings here held back the frame the reviewer waits for. Held
            // only if the figures must be computed (a decision meanwhile
            // then copies the screen's data for itself).
            let key = data.loaded_coded_key.clone();
            let data = Arc::downgrade(data);
            let root = session.root.clone();
            tokio::task::spawn_blocking(move || {
                // From the cache only if the files are still those the
                // screen's study was read from (same key as at loading).
                let reads = FileReads::default();
                let opened = Opened::open(&root, &reads)
                    .ok()
                    .filter(|o| key.is_some() && o.coded_key() == key.as_deref());
                let summary = match opened.as_ref().and_then(|o| o.coded_cached(AGREEMENT)) {
                    Some(s) => s,
                    None => {
                        crate::tui::first_frame::wait();
                        let s = match (data.upgrade(), &opened) {
                            (Some(data), _) => AgreementSummary::compute(&data.study),
                            // The screen copied its data meanwhile (a
                            // decision): the same coded files, read here.
                            (None, Some(o)) => AgreementSummary::compute(&o.loaded().study),
                            // Files changed since: the reload brings its own figures.
                            (None, None) => return,
                        };
                        if let Some(o) = &opened {
                            o.keep_coded(AGREEMENT, &s);
                        }
                        s
                    }
                };
                let _ = tx.send(Action::AgreementReady(Box::new(summary)));
            });
        }
        Effect::Decide {
            unit,
            choice,
            note,
            replaces,
        } => {
            let reviewer = session.reviewer.to_string();
            let mut decisions: Vec<Decision> = Vec::new();
            if let Some(old) = &replaces {
                decisions.push(revert_of(old, new_decision_id(), reviewer.clone(), now()));
            }
            let d = decision_for(&unit, &choice, new_decision_id(), reviewer, now(), note);
            let summary = describe(&unit, &d, |c| data.code_label(c));
            let message = commit_message(&summary, &d.note);
            decisions.push(d);
            record(
                session,
                shared,
                unit.transcript.to_string(),
                unit.id.to_string(),
                decisions,
                (summary, message),
                tx,
            );
        }
        Effect::Discuss { unit, note } => {
            let d = crate::review::decide::discussion_for(
                &unit,
                new_decision_id(),
                session.reviewer.to_string(),
                now(),
                note,
            );
            let summary = describe(&unit, &d, |c| data.code_label(c));
            let message = commit_message(&summary, &d.note);
            record(
                session,
                shared,
                unit.transcript.to_string(),
                unit.id.to_string(),
                vec![d],
                (summary, message),
                tx,
            );
        }
        Effect::Undo { unit, decision } => {
            let revert = revert_of(
                &decision,
                new_decision_id(),
                session.reviewer.to_string(),
                now(),
            );
            let summary = describe_undo(&unit, &decision, |c| data.code_label(c));
            record(
                session,
                shared,
                unit.transcript.to_string(),
                unit.id.to_string(),
                vec![revert],
                (summary.clone(), summary),
                tx,
            );
        }
    }
}

fn record(
    session: &Session,
    shared: &Shared,
    transcript: String,
    unit: String,
    decisions: Vec<Decision>,
    (summary, message): (String, String),
    tx: UnboundedSender<Action>,
) {
    let root = session.root.clone();
    let reviewer = session.reviewer.clone();
    let seen = shared.seen.clone();
    // Until the commit and its working file are both written, the watcher does not look.
    let writing = seen.writing();
    tokio::task::spawn_blocking(move || {
        let _writing = writing;
        let recorded = record_decisions(&root, &transcript, &decisions, &reviewer, &message);
        let action = match recorded {
            Ok(r) => {
                // The screen has this commit already: the watcher need not read the study for it.
                // (Another reviewer's commit before it makes `retries` non-zero and reloads.)
                seen.mark(&root);
                Action::Recorded {
                    transcript,
                    decisions,
                    commit: short(r.commit),
                    summary,
                    reload: r.retries > 0,
                }
            }
            Err(e) => Action::RecordFailed {
                unit,
                reload: matches!(e, RecordError::DecidedMeanwhile { .. }),
                error: e.to_string(),
            },
        };
        let _ = tx.send(action);
    });
}
