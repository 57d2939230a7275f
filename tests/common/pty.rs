//! The real binary in a pseudo-terminal: its output parsed by a vt100
//! terminal emulator on a thread of its own, keys written as bytes, and
//! waits that poll the parsed screen for a condition (never a fixed sleep).
//!
//! Include it with `#[path = "common/pty.rs"] mod pty;`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long any wait may take before the test fails: generous, for a
/// loaded two-core machine and a debug build.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// What the reader thread has seen so far.
struct Seen {
    parser: vt100::Parser,
    /// Every byte the program wrote, for checks on the escape sequences.
    bytes: Vec<u8>,
    /// The program's side of the terminal closed (it exited).
    closed: bool,
}

struct Shared {
    seen: Mutex<Seen>,
    changed: Condvar,
}

/// The concord binary running in a pseudo-terminal.
pub struct Tui {
    shared: Arc<Shared>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    reader: Option<std::thread::JoinHandle<()>>,
    exited: Option<ExitStatus>,
}

/// The environment concord gets: nothing from the machine but PATH, with
/// HOME and git's configuration in `home` (as `common::concord` does).
pub fn command(home: &Path, cwd: &Path, args: &[&str]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_concord"));
    cmd.args(args);
    cmd.cwd(cwd);
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.env("GIT_CONFIG_NOSYSTEM", "1");
    cmd.env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("NO_COLOR", "1");
    cmd
}

impl Tui {
    /// Start `cmd` in a terminal of `cols` x `rows`.
    pub fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let child = pair.slave.spawn_command(cmd).expect("start concord");
        // Only the child holds the terminal's other side, so reads end when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let shared = Arc::new(Shared {
            seen: Mutex::new(Seen {
                parser: vt100::Parser::new(
                    std::num::NonZeroU16::new(rows).expect("rows"),
                    std::num::NonZeroU16::new(cols).expect("columns"),
                    0,
                ),
                bytes: Vec::new(),
                closed: false,
            }),
            changed: Condvar::new(),
        });
        let for_reader = Arc::clone(&shared);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut seen = lock(&for_reader.seen);
                        seen.parser.process(&buf[..n]);
                        seen.bytes.extend_from_slice(&buf[..n]);
                        for_reader.changed.notify_all();
                    }
                }
            }
            lock(&for_reader.seen).closed = true;
            for_reader.changed.notify_all();
        });
        Tui {
            shared,
            writer,
            child,
            master: pair.master,
            reader: Some(reader),
            exited: None,
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        lock(&self.shared.seen).parser.screen().contents()
    }

    /// Everything the program has written to the terminal so far.
    pub fn bytes(&self) -> Vec<u8> {
        lock(&self.shared.seen).bytes.clone()
    }

    /// Whether the emulated terminal is on the alternate screen and whether its cursor is hidden.
    pub fn modes(&self) -> (bool, bool) {
        let seen = lock(&self.shared.seen);
        let screen = seen.parser.screen();
        (screen.alternate_screen(), screen.hide_cursor())
    }

    /// Wait until `cond` holds for the screen, and return that screen. Fails
    /// the test after [`TIMEOUT`], showing the screen and saying what it waited for.
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = lock(&self.shared.seen);
        loop {
            let text = seen.parser.screen().contents();
            if cond(&text) {
                return text;
            }
            let now = Instant::now();
            if now >= deadline || seen.closed {
                let why = if seen.closed {
                    "the program closed the terminal"
                } else {
                    "timed out"
                };
                let tail = seen.bytes.len().saturating_sub(3000);
                let last = String::from_utf8_lossy(&seen.bytes[tail..]).into_owned();
                drop(seen);
                panic!(
                    "waiting for {what}: {why}; the screen:\n{}\nthe last bytes written: {last:?}",
                    frame(&text)
                );
            }
            seen = self
                .shared
                .changed
                .wait_timeout(seen, deadline - now)
                .unwrap()
                .0;
        }
    }

    /// Type `keys` (bytes as a terminal sends them: "\r" is Enter, "\x1b" Esc).
    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child's process id")
    }

    /// The terminal device the program runs on (its side of the pty).
    pub fn tty_name(&self) -> Option<std::path::PathBuf> {
        self.master.tty_name()
    }

    /// The names of the local mode flags the terminal has now ("ICANON",
    /// "ECHO", ...): both are off in raw mode and back on once restored.
    pub fn termios_local_flags(&self) -> Option<Vec<String>> {
        let termios = self.master.get_termios()?;
        let names = format!("{:?}", termios.local_flags);
        Some(
            names
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect(),
        )
    }

    /// Wait for the program to exit (failing the test, and killing it, after
    /// [`TIMEOUT`]), then for the reader to have taken in all its output.
    pub fn wait_exit(&mut self) -> ExitStatus {
        if let Some(status) = &self.exited {
            return status.clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "concord did not exit within {TIMEOUT:?}; the screen:\n{}",
                    frame(&self.screen())
                );
            }
            // Poll the process; there is no portable way to wait with a deadline.
            std::thread::sleep(Duration::from_millis(10));
        };
        // The program's side is closed now; the reader sees the end of its output.
        let mut seen = lock(&self.shared.seen);
        while !seen.closed {
            let (s, timeout) = self
                .shared
                .changed
                .wait_timeout(seen, Duration::from_secs(5))
                .unwrap();
            seen = s;
            if timeout.timed_out() {
                break;
            }
        }
        drop(seen);
        self.exited = Some(status.clone());
        status
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.exited.is_none() {
            let _ = self.child.kill();
        }
        if let Some(reader) = self.reader.take() {
            if self.exited.is_some() {
                let _ = reader.join();
            }
        }
    }
}

/// The open and decided counts of the review screen's status line ("207 open · 1 decided").
pub fn counts(screen: &str) -> Option<(usize, usize)> {
    let status = screen.lines().rev().find(|l| l.contains(" decided"))?;
    let words: Vec<&str> = status.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "decided")?;
    let open = words.get(at.checked_sub(4)?)?;
    if words.get(at - 3) != Some(&"open") {
        return None;
    }
    Some((open.parse().ok()?, words[at - 1].parse().ok()?))
}

/// The study is loaded: the status line counts open units.
pub fn loaded(screen: &str) -> bool {
    counts(screen).is_some_and(|(open, _)| open > 0)
}

/// The lock, even if a failed test panicked while holding it.
fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The screen with a frame around it, so a failure shows where it ends.
pub fn frame(text: &str) -> String {
    let mut out = String::from("+----\n");
    for line in text.lines() {
        out.push('|');
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("+----");
    out
}
