//! Live reload, the runtime's side: a tokio task that takes the study's
//! [`Fingerprint`] a few times a second (on the blocking pool: git2 and
//! file metadata block) and sends `Action::StudyChanged` when it differs
//! from the last one seen. What the screen itself wrote (a decision it
//! committed) is marked as seen by the commit's task, so the reviewer's own
//! decisions do not read the study again.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::repo::watch::{Fingerprint, fingerprint};
use crate::tui::update::Action;

/// How often the study is looked at: within a second of another process's
/// commit, cheap enough to leave running all afternoon.
pub const POLL: Duration = Duration::from_millis(300);

/// The last fingerprint the screen knows about, shared with the tasks that write.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<Fingerprint>>);

impl Seen {
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
            let r = root.clone();
            let Ok(now) = tokio::task::spawn_blocking(move || fingerprint(&r)).await else {
                break;
            };
            if seen.is_new(now) && tx.send(Action::StudyChanged).is_err() {
                break;
            }
            if tx.is_closed() {
                break;
            }
        }
    });
}
