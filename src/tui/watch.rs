//! Live reload, the runtime's side: a tokio task that takes the study's
//! [`Fingerprint`] a few times a second (on the blocking pool: git2 and
//! file metadata block) and sends `Action::StudyChanged` when it differs
//! from the last one seen. What the screen itself wrote (a decision it
//! committed) is marked as seen by the commit's task, so the reviewer's own
//! decisions do not read the study again.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::repo::watch::{Fingerprint, fingerprint};
use crate::tui::update::Action;

/// How often the study is looked at: within a second of another process's
/// commit, cheap enough to leave running all afternoon.
pub const POLL: Duration = Duration::from_millis(300);

/// The last fingerprint the screen knows about, shared with the tasks that
/// write, and how many of those writes are under way.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<Fingerprint>>, Arc<Writes>);

/// Writes of the screen's own under way, and how many have begun in all.
/// A decision is committed before its working file is written: a study
/// read in between has the new tip but the old log, and would replace the
/// screen's data with one that lacks the decision just made. So the watcher
/// does not look while the screen writes, nor trust a look a write overlapped.
#[derive(Default)]
struct Writes {
    under_way: AtomicU64,
    begun: AtomicU64,
}

/// Held while the screen writes to the study (see [`Writes`]).
pub struct Writing(Arc<Writes>);

impl Drop for Writing {
    fn drop(&mut self) {
        self.0.under_way.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Seen {
    /// The screen is about to write: the watcher waits until it is done.
    pub fn writing(&self) -> Writing {
        self.1.begun.fetch_add(1, Ordering::SeqCst);
        self.1.under_way.fetch_add(1, Ordering::SeqCst);
        Writing(self.1.clone())
    }

    /// A count that changes whenever a write begins, or `None` while one is under way.
    fn quiet(&self) -> Option<u64> {
        let begun = self.1.begun.load(Ordering::SeqCst);
        (self.1.under_way.load(Ordering::SeqCst) == 0).then_some(begun)
    }

    /// The study as it is now is the one the screen has.
    pub fn mark(&self, root: &std::path::Path) {
        let now = fingerprint(root);
        if let Ok(mut seen) = self.0.lock() {
            *seen = now;
        }
    }

    /// Whether `now` is new to the screen (and remember it).
    fn is_new(&self, now: Fingerprint) -> bool {
        match self.0.lock() {
            Ok(mut seen) if *seen != now => {
                *seen = now;
                true
            }
            _ => false,
        }
    }
}

/// Watch the study at `root` until the screen goes away.
pub fn spawn_watch(root: PathBuf, seen: Seen, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let first = root.clone();
        let marked = seen.clone();
        let _ = tokio::task::spawn_blocking(move || marked.mark(&first)).await;
        loop {
            tokio::time::sleep(POLL).await;
            let Some(before) = seen.quiet() else {
                continue;
            };
            let r = root.clone();
            let Ok(now) = tokio::task::spawn_blocking(move || fingerprint(&r)).await else {
                break;
            };
            // A write of the screen's own began meanwhile: this look may be half-way through it.
            if seen.quiet() != Some(before) {
                continue;
            }
            if seen.is_new(now) && tx.send(Action::StudyChanged).is_err() {
                break;
            }
            if tx.is_closed() {
                break;
            }
        }
    });
}
