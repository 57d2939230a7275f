//! The review screen on a warm derived cache: the second launch on an
//! unchanged study shows the same screen as the first, from the cache
//! (`.git/concord/coded-review.bin`), and a decision there is recorded as ever;
//! a decision recorded outside it shows on the next launch without the study
//! being read again.

mod common;
#[path = "common/pty.rs"]
mod pty;

use common::{concord, stderr};
use pty::Tui;

const REVIEWER: &str = "Test Reviewer <test@example.org>";

/// The units pane lists units (the outline has none: the full data is in)
/// and the screen is drawn to its status line.
fn units_listed(screen: &str) -> bool {
    screen.lines().any(|l| l.contains("│fg1 "))
        && screen.contains("review units (")
        && screen.contains("0 decided │ ? help")
}

/// The codebook and units panes (the history's marks below may come later).
fn panes(screen: &str) -> String {
    screen.lines().take(20).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_second_launch_opens_from_the_cache_and_decides_as_the_first() {
    let home = tempfile::tempdir().unwrap();
    let (_dir, root) = common::demo_study(home.path());
    let open = || {
        let args = [root.to_str().unwrap(), "--reviewer", REVIEWER];
        Tui::spawn(pty::command(home.path(), &root, &args), 100, 30)
    };

    let mut first = open();
    let cold = first.wait_for("the units, read and checked", units_listed);
    first.keys("q");
    assert!(first.wait_exit().success());
    let cache = root.join(".git/concord");
    assert!(
        cache.join("coded-review.bin").exists(),
        "the screen's data is kept"
    );
    assert!(cache.join("review-outline.bin").exists());

    let mut second = open();
    // The same panes, whichever way the data came.
    second.wait_for("the same units, from the cache", |s| {
        units_listed(s) && panes(s) == panes(&cold)
    });
    second.keys("]");
    second.keys("x");
    second.wait_for("one decision recorded", |s| s.contains(" 1 decided"));
    second.keys("q");
    assert!(second.wait_exit().success());
    let log = std::fs::read_dir(root.join("decisions"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect::<String>();
    assert!(log.contains("\"reject\""), "{log}");

    // A decision recorded outside the screen changes only a decision log:
    // the next launch shows it, from the screen's kept data (no
    // transcript's part is read or made again).
    let units = concord(home.path())
        .args(["units", "--open"])
        .current_dir(&root)
        .output()
        .unwrap();
    let unit = common::stdout(&units).lines().next().unwrap().to_string();
    let out = concord(home.path())
        .args(["decide", &unit, "--union", "--reviewer", REVIEWER])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let parts = cache.join("parts");
    std::fs::remove_dir_all(&parts).unwrap();
    let mut third = open();
    third.wait_for("both decisions, from the kept data", |s| {
        s.lines().any(|l| l.contains("│fg1 ")) && s.contains(" 2 decided │")
    });
    third.keys("q");
    assert!(third.wait_exit().success());
    assert!(!parts.exists(), "no transcript's part was made");
}

/// The names of the transcripts' parts kept in the derived cache.
fn parts_kept(root: &std::path::Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(root.join(".git/concord/parts"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".bin"))
                .collect()
        })
        .unwrap_or_default()
}

/// On a first launch no transcript's part is kept: the screen reads the
/// study whole (quicker than making every part first), shows it, and then
/// keeps every part behind the screen, so that the next command after an
/// edit of one transcript's codings makes that part alone.
#[test]
fn a_first_launch_shows_the_study_then_keeps_every_part() {
    let home = tempfile::tempdir().unwrap();
    let (_dir, root) = common::demo_study(home.path());
    let transcripts = std::fs::read_dir(root.join("transcripts")).unwrap().count();
    assert!(parts_kept(&root).is_empty());
    let args = [root.to_str().unwrap(), "--reviewer", REVIEWER];
    let mut tui = Tui::spawn(pty::command(home.path(), &root, &args), 100, 30);
    tui.wait_for("the units, read and checked", units_listed);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while parts_kept(&root).len() < transcripts {
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {transcripts} parts kept",
            parts_kept(&root).len()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    tui.keys("q");
    assert!(tui.wait_exit().success());
    let kept = parts_kept(&root);
    assert_eq!(kept.len(), transcripts);
    // The parts are those of the study as it is: a command uses them and
    // makes none (it would remove parts no longer named).
    let out = concord(home.path())
        .args(["units", "--json"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(parts_kept(&root), kept);
}

/// The outline first (codebook and counts, no units), then the full data:
/// the codebook pane and the counts are there at once, and the full data
/// is the first load, not a reload that "came in".
#[test]
fn the_outline_then_the_units_is_one_load() {
    use concord::study;
    use concord::tui::data::ReviewData;
    use concord::tui::state::State;
    use concord::tui::theme::Theme;
    use concord::tui::update::{Action, update};

    let loaded = study::check(&concord::sample::sample_study());
    let data = ReviewData::build(loaded.study, loaded.problems.len());
    let mut state = State::new("S".into(), "R".into(), "main".into(), Theme::plain());
    let outline = data.outline();
    assert!(outline.units.is_empty() && outline.study.codings.is_empty());
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(outline),
            last_commit: None,
        },
    );
    let shown = state.data.as_ref().unwrap();
    assert_eq!(shown.open_count(), data.open_count());
    assert!(
        state.tree_rows().len() > 1,
        "the codebook pane has its codes"
    );
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(data.clone()),
            last_commit: None,
        },
    );
    assert_eq!(state.data.as_ref().unwrap().units, data.units);
    let said = state
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(!said.contains("came in"), "{said}");
}

/// Keys work from the first frame: on the outline the codebook can be
/// browsed at once, and a key that needs the units (`]`, then `1` to
/// accept the first coder's version) is kept and carried out, in order,
/// when they are in: the decision is for the first open unit, as it would
/// have been with the units on the screen.
#[test]
fn keys_typed_on_the_outline_are_carried_out_when_the_units_are_in() {
    use concord::review::Choice;
    use concord::study;
    use concord::tui::data::ReviewData;
    use concord::tui::state::State;
    use concord::tui::theme::Theme;
    use concord::tui::update::{Action, Effect, update};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let key = |c: char| Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let loaded = study::check(&concord::sample::sample_study());
    let data = ReviewData::build(loaded.study, loaded.problems.len());
    let mut state = State::new("S".into(), "R".into(), "main".into(), Theme::plain());
    update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(data.outline()),
            last_commit: None,
        },
    );
    assert!(update(&mut state, key('j')).is_empty());
    assert_eq!(state.tree_cursor, 1, "the codebook moves on the outline");
    assert!(update(&mut state, key(']')).is_empty());
    assert!(update(&mut state, key('1')).is_empty(), "kept, not lost");
    let said = state
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("keys typed are kept"), "{said}");

    let effects = update(
        &mut state,
        Action::Loaded {
            data: std::sync::Arc::new(data.clone()),
            last_commit: None,
        },
    );
    let first_open = data
        .units
        .iter()
        .enumerate()
        .find(|(i, _)| data.standings[*i].is_open())
        .map(|(_, u)| u.id.clone())
        .unwrap();
    let decided: Vec<(&str, &Choice)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Decide { unit, choice, .. } => Some((unit.id.as_str(), choice)),
            _ => None,
        })
        .collect();
    let first_coder = data.coders[0].id.clone();
    assert_eq!(
        decided,
        [(first_open.as_str(), &Choice::Accept(first_coder))]
    );
}
