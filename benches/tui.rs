//! Benchmarks of the review screen (issue 4), recorded in
//! docs/performance.md under "Review screen":
//!
//! - `launch/*`: the real binary in a 100x30 pseudo-terminal, from spawning
//!   it to its first frame (the loading screen) and to its first full frame
//!   (the study loaded, the status line counting open units), on the sample
//!   study and on the large generated one;
//! - `frame/*`: one frame at 200x60 (`view` into ratatui's TestBackend,
//!   including its diff), on the browse screen, a unit and the agreement view;
//! - `decide/record/*`: `record_decisions`, the commit of one decision;
//! - `decide/key-to-screen/*`: in the pseudo-terminal, from typing `]1` to the
//!   screen counting one more decision (which it does only once the commit
//!   exists);
//! - `parts/large/*`: where the large study's time goes (reading, checking,
//!   review data, refreshing the standings after a decision);
//! - `transcript view/*`: the whole-transcript view (`v`) on one transcript
//!   of 2,000,000 characters: opening it (laying out every row and stripe
//!   once) and one frame at 200x60 at its end.
//!
//! Run: `cargo bench --bench tui` (or a part: `cargo bench --bench tui -- frame`).
//! The large study (1000 transcripts of about 60,000 characters, 3 coders,
//! 150 excerpts per transcript per coder, seed 1; 175 MB) is written once by
//! `concord generate` into `target/tmp/concord-large-study` and committed to
//! a git repository there; each run resets it to that commit.

#[path = "../tests/common/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use concord::repo::git::Person;
use concord::repo::record::record_decisions;
use concord::review::{Choice, decision_for, describe};
use concord::sample::synthetic::{Params, synthetic_study};
use concord::study::{self, StudyFiles};
use concord::tui::data::{AgreementSummary, ReviewData};
use concord::tui::state::State;
use concord::tui::theme::{Depth, Palette, Theme};
use concord::tui::update::{Action, update};
use concord::tui::view::view;

const REVIEWER: &str = "Bench Reviewer <bench@example.org>";

const LARGE: Params = Params {
    transcripts: 1000,
    chars: 60_000,
    coders: 3,
    excerpts: 150,
    seed: 1,
};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_concord")
}

/// A HOME of its own for every run of the binary.
fn home() -> &'static Path {
    use std::sync::OnceLock;
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// A fresh demo repository (written without a terminal).
fn demo_repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    let out = Command::new(bin())
        .args(["demo", "--path"])
        .arg(&root)
        .env("HOME", home())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home().join(".gitconfig"))
        .output()
        .unwrap();
    assert!(out.status.success(), "concord demo: {out:?}");
    (dir, root)
}

/// The large study in a git repository, reset to its first commit.
fn large_repo() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("concord-large-study");
    if !root.join(".git").is_dir() {
        let _ = std::fs::remove_dir_all(&root);
        let out = Command::new(bin())
            .args(["generate", "--transcripts", "1000", "--chars", "60000"])
            .args([
                "--coders",
                "3",
                "--excerpts",
                "150",
                "--seed",
                "1",
                "--path",
            ])
            .arg(&root)
            .output()
            .unwrap();
        assert!(out.status.success(), "concord generate: {out:?}");
        let repo = git2::Repository::init(&root).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("Bench", "bench@example.org").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "The large study", &tree, &[])
            .unwrap();
    }
    let repo = git2::Repository::open(&root).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let first = walk.last().unwrap().unwrap();
    let first = repo.find_object(first, None).unwrap();
    repo.reset(&first, git2::ResetType::Hard, None).unwrap();
    let _ = std::fs::remove_dir_all(root.join("decisions"));
    root
}

fn open_tui(root: &Path, cols: u16, rows: u16) -> pty::Tui {
    let cmd = pty::command(
        home(),
        root,
        &[root.to_str().unwrap(), "--reviewer", REVIEWER],
    );
    pty::Tui::spawn(cmd, cols, rows)
}

/// The open and decided counts of the status line ("207 open · 1 decided").
fn counts(screen: &str) -> Option<(usize, usize)> {
    let status = screen.lines().rev().find(|l| l.contains(" decided"))?;
    let words: Vec<&str> = status.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "decided")?;
    if at < 4 || words[at - 3] != "open" {
        return None;
    }
    Some((words[at - 4].parse().ok()?, words[at - 1].parse().ok()?))
}

fn loaded(screen: &str) -> bool {
    counts(screen).is_some_and(|(open, _)| open > 0)
}

/// The units pane lists units: with a warm cache the outline (codebook and
/// counts) comes first, so this is when the rest is in.
fn units_listed(screen: &str) -> bool {
    loaded(screen)
        && screen
            .lines()
            .any(|l| l.contains("││t0") || l.contains("││fg"))
}

fn any_frame(screen: &str) -> bool {
    screen.chars().any(|c| !c.is_whitespace())
}

/// Spawn, wait for `until`, quit; the time to `until`. `cold`: the derived
/// cache is removed first (as on the first launch after a change).
fn launch(root: &Path, until: fn(&str) -> bool, cold: bool) -> Duration {
    if cold {
        let _ = std::fs::remove_dir_all(root.join(".git/concord"));
    }
    let start = Instant::now();
    let mut tui = open_tui(root, 100, 30);
    tui.wait_for("the screen", until);
    let took = start.elapsed();
    tui.keys("q");
    tui.wait_exit();
    took
}

fn bench_launch(c: &mut Criterion) {
    let (_sample_dir, sample) = demo_repo();
    let large = large_repo();
    let mut g = c.benchmark_group("launch");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    for (name, root) in [("sample", &sample), ("large", &large)] {
        for (what, until, cold) in [
            ("first frame", any_frame as fn(&str) -> bool, false),
            ("first full frame", loaded, false),
            ("units listed", units_listed, false),
            ("first full frame, cold cache", loaded, true),
        ] {
            g.bench_function(format!("{what}/{name}"), |b| {
                b.iter_custom(|iters| (0..iters).map(|_| launch(root, until, cold)).sum())
            });
        }
    }
    g.finish();
}

fn key(c: char) -> Action {
    let code = match c {
        '\n' => KeyCode::Enter,
        c => KeyCode::Char(c),
    };
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The review state of `files` at `width` x `height`, loaded, statistics in.
fn state(files: &StudyFiles, width: u16, height: u16) -> State {
    let mut state = State::new(
        "bench".into(),
        REVIEWER.into(),
        "main".into(),
        Theme {
            depth: Depth::Basic16,
            palette: Palette::default(),
        },
    );
    update(&mut state, Action::Resize { width, height });
    let loaded = study::check(files);
    let agreement = AgreementSummary::compute(&loaded.study);
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(ReviewData::build(loaded.study, loaded.problems.len())),
            last_commit: Some("d58b8d4".into()),
        },
    );
    update(&mut state, Action::AgreementReady(Box::new(agreement)));
    state
}

fn bench_frame(c: &mut Criterion) {
    let (w, h) = (200, 60);
    let sample = concord::sample::sample_study();
    let large = synthetic_study(&LARGE);
    let mut g = c.benchmark_group("frame 200x60");
    for (name, files) in [("sample", &sample), ("large", &large)] {
        let browse = state(files, w, h);
        let mut unit = browse.clone();
        for k in "]\n".chars() {
            update(&mut unit, key(k));
        }
        let mut agreement = browse.clone();
        update(&mut agreement, key('a'));
        for (screen, s) in [
            ("browse", &browse),
            ("unit", &unit),
            ("agreement", &agreement),
        ] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            g.bench_function(format!("{screen}/{name}"), |b| {
                b.iter(|| terminal.draw(|f| view(s, f)).map(|_| ()).unwrap())
            });
        }
    }
    g.finish();
}

/// Commit a reject of each unit in turn, timing only the commits.
fn record_many(iters: u64, setup: &dyn Fn() -> (Option<tempfile::TempDir>, PathBuf)) -> Duration {
    let reviewer = Person::parse(REVIEWER).unwrap();
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let (_keep, root) = setup();
        let files = concord::repo::read::read_study(&root).unwrap();
        let data = ReviewData::build(study::check(&files).study, 0);
        for (i, unit) in data.units.iter().enumerate() {
            if done == iters {
                break;
            }
            let d = decision_for(
                unit,
                &Choice::Reject,
                format!("d-bench-{i}"),
                REVIEWER.into(),
                "2026-11-23T10:00:00Z".into(),
                String::new(),
            );
            let message = describe(unit, &d, |c| data.code_label(c));
            let start = Instant::now();
            record_decisions(&root, &unit.transcript, &[d], &reviewer, &message).unwrap();
            total += start.elapsed();
            done += 1;
        }
    }
    total
}

/// In the terminal: `]1` typed, until the screen counts one more decision.
fn key_to_screen(iters: u64, root: &Path) -> Duration {
    let mut tui = open_tui(root, 100, 30);
    // The units in (a warm launch shows the outline first): the keys'
    // time, not the loading's.
    let screen = tui.wait_for("the units", |s| loaded(s) && units_listed(s));
    let (_, mut decided) = counts(&screen).unwrap();
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        tui.keys("]1");
        tui.wait_for("one more decision", |s| {
            counts(s).is_some_and(|(_, d)| d == decided + 1)
        });
        total += start.elapsed();
        decided += 1;
    }
    tui.keys("q");
    tui.wait_exit();
    total
}

fn bench_decide(c: &mut Criterion) {
    let mut g = c.benchmark_group("decide");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500));
    g.bench_function("record/sample", |b| {
        b.iter_custom(|iters| {
            record_many(iters, &|| {
                let (dir, root) = demo_repo();
                (Some(dir), root)
            })
        })
    });
    g.bench_function("key-to-screen/sample", |b| {
        b.iter_custom(|iters| {
            let (_dir, root) = demo_repo();
            key_to_screen(iters, &root)
        })
    });
    g.sample_size(10);
    g.bench_function("record/large", |b| {
        b.iter_custom(|iters| record_many(iters, &|| (None, large_repo())))
    });
    g.bench_function("key-to-screen/large", |b| {
        b.iter_custom(|iters| key_to_screen(iters, &large_repo()))
    });
    g.finish();
}

/// Where the large study's first full frame and a decision's redraw go:
/// reading the files, checking them, building the review data, and
/// re-deriving one transcript's standings (which the screen does after each
/// recorded decision).
fn bench_parts(c: &mut Criterion) {
    let root = large_repo();
    let mut g = c.benchmark_group("parts/large");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    let files = concord::repo::read::read_study(&root).unwrap();
    g.bench_function("read files", |b| {
        b.iter(|| concord::repo::read::read_study(&root).unwrap())
    });
    g.bench_function("check", |b| b.iter(|| study::check(&files)));
    let checked = study::check(&files).study;
    g.bench_function("review data", |b| {
        b.iter(|| ReviewData::build(checked.clone(), 0))
    });
    // What the screen does when a decision is recorded: append it and
    // re-derive that transcript's units (an empty batch keeps the study
    // unchanged between iterations).
    let mut data = ReviewData::build(checked, 0);
    let transcript = data.units[0].transcript.clone();
    g.bench_function("apply a recorded decision", |b| {
        b.iter(|| data.apply_recorded(&transcript, &[]))
    });
    g.finish();
}

/// The whole-transcript view on a long transcript: opening it lays out
/// every row once; a frame draws only the rows on screen.
fn bench_transcript_view(c: &mut Criterion) {
    let (w, h) = (200, 60);
    let long = synthetic_study(&Params {
        transcripts: 1,
        chars: 2_000_000,
        coders: 3,
        excerpts: 5_000,
        seed: 1,
    });
    let browse = state(&long, w, h);
    let mut g = c.benchmark_group("transcript view");
    g.sample_size(10);
    g.bench_function("open 2M chars", |b| {
        b.iter(|| {
            let mut s = browse.clone();
            update(&mut s, key('v'));
            s.transcript_view.map(|v| v.rows.len())
        })
    });
    let mut at_end = browse.clone();
    update(&mut at_end, key('v'));
    update(&mut at_end, key('G'));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    g.bench_function("frame 200x60 at the end", |b| {
        b.iter(|| terminal.draw(|f| view(&at_end, f)).map(|_| ()).unwrap())
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_launch,
    bench_frame,
    bench_decide,
    bench_parts,
    bench_transcript_view
);
criterion_main!(benches);
