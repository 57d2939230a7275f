//! The screen's first full frame (the study's data drawn, not only its
//! outline) as a gate: the work a launch leaves for later (keeping the
//! screen's values in the derived cache, making the transcripts' parts,
//! the agreement view's figures) waits for it, so as not to take the
//! cores from that frame on a large study. The wait is bounded: a screen
//! that cannot draw holds nothing back for long.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

static DRAWN: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// The longest the later work waits.
const AT_MOST: Duration = Duration::from_secs(3);

/// The study's data is on the screen (or the screen is closing).
pub fn drawn() {
    let (done, changed) = &DRAWN;
    if let Ok(mut done) = done.lock() {
        *done = true;
        changed.notify_all();
    }
}

/// Wait until [`drawn`], or [`AT_MOST`].
pub fn wait() {
    let (done, changed) = &DRAWN;
    if let Ok(guard) = done.lock() {
        let _ = changed.wait_timeout_while(guard, AT_MOST, |done| !*done);
    }
}
