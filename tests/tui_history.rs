//! The history view (`h`) and the codebook pane's Δ marks, on the demo
//! repository (`concord demo`: codebook v1, coder A, coder B, then the PI
//! sharpens maintenance vs recovery self-efficacy): behaviour through the
//! pure `update`, and insta snapshots at 80x24 and 120x40.

mod common;
#[path = "common/screen.rs"]
mod screen;

use std::path::Path;

use common::run_in;
use concord::tui::data::AgreementSummary;
use concord::tui::history::HistoryData;
use concord::tui::state::{HistoryLoad, Screen, State};
use concord::tui::update::{Action, Effect, update};
use screen::{opened, press, render};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn demo(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("demo");
    let out = run_in(dir, &["demo", "--path", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    path
}

/// The demo loaded on a screen of `width` x `height`; the history read
/// when `with_history`.
fn loaded(root: &Path, width: u16, height: u16, with_history: bool) -> State {
    let files = concord::repo::read::read_study(root).unwrap();
    let study = concord::study::check(&files).study;
    let agreement = AgreementSummary::compute(&study);
    let (mut state, effects) = opened(study, width, height, None);
    assert_eq!(
        effects,
        vec![
            Effect::ComputeAgreement,
            Effect::LoadHistory,
            Effect::CountAheadBehind
        ]
    );
    update(&mut state, Action::AgreementReady(Box::new(agreement)));
    if with_history {
        update(&mut state, Action::HistoryLoaded(Box::new(history(root))));
    }
    state
}

fn history(root: &Path) -> HistoryData {
    let mut seen = Vec::new();
    let h = concord::tui::runtime::read_history(root, &mut |p| seen.push(p)).unwrap();
    assert_eq!(seen.last().unwrap(), "reading the history: 4 of 4 commits");
    h
}

fn screens(name: &str, with_history: bool, setup: impl Fn(&mut State), check: impl Fn(&str)) {
    let dir = tempfile::tempdir().unwrap();
    let root = demo(dir.path());
    for (w, h) in SIZES {
        let mut state = loaded(&root, w, h, with_history);
        setup(&mut state);
        let screen = render(&state, w, h);
        for line in screen.lines() {
            assert!(line.chars().count() <= w as usize);
        }
        println!("{screen}");
        check(&screen);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

#[test]
fn history_of_a_redefined_code() {
    screens(
        "history",
        true,
        |s| {
            press(s, "/maintenance\nh");
        },
        |s| {
            assert!(s.contains("History: Maintenance self-efficacy (se-maintenance)"));
            for commit in ["d58b8d4", "fa2f8a3", "c3de038", "e427a2f"] {
                assert!(s.contains(commit), "{commit} in the timeline");
            }
            assert!(s.contains("Helen Marsh"));
            assert!(s.contains("definition changed"));
            assert!(s.contains("Definition: fa2f8a3 → d58b8d4"));
            assert!(s.contains("[-using-]"), "the word diff");
            assert!(s.contains("{+engaging with+}"), "the word diff");
            assert!(
                !s.contains("-]{+"),
                "old and new words apart, not run together"
            );
            assert!(s.contains("κ over the commits"));
            assert!(s.contains("0.25 → 0.25"), "the trend's figures");
        },
    );
}

#[test]
fn history_compares_two_picked_versions() {
    screens(
        "history_marked",
        true,
        |s| {
            // The oldest version marked, then the newest under the cursor.
            press(s, "/maintenance\nhGmg");
        },
        |s| {
            assert!(s.contains("Definition: e427a2f → d58b8d4"));
            assert!(s.contains("◆"), "the marked version");
        },
    );
}

#[test]
fn history_shows_progress_while_it_loads() {
    screens(
        "history_loading",
        false,
        |s| {
            press(s, "/maintenance\nh");
            update(
                s,
                Action::HistoryProgress("reading the history: 2 of 4 commits".into()),
            );
        },
        |s| assert!(s.contains("Reading the history… reading the history: 2 of 4 commits")),
    );
}

#[test]
fn codebook_marks_codes_changed_since_the_coders_coded() {
    screens(
        "browse_changed",
        true,
        |s| {
            press(s, "/maintenance\n");
        },
        |s| {
            let marked: Vec<&str> = s.lines().filter(|l| l.contains(" Δ ")).collect();
            assert_eq!(marked.len(), 2, "two codes marked: {marked:?}");
            assert!(marked[0].contains("Maintenance"));
            assert!(marked[1].contains("Recovery"));
            assert!(
                s.contains("Δ changed since fa2f8a3"),
                "the detail says since when"
            );
        },
    );
}

#[test]
fn baseline_moves_with_b_and_marks_follow() {
    let dir = tempfile::tempdir().unwrap();
    let root = demo(dir.path());
    let mut s = loaded(&root, 100, 30, true);
    let changed = |s: &State| s.changed_since_baseline().into_iter().collect::<Vec<_>>();
    assert_eq!(changed(&s), ["se-maintenance", "se-recovery"]);
    // B outside the history view only explains itself.
    press(&mut s, "B");
    assert!(s.message.as_ref().unwrap().text.contains("h"));
    assert_eq!(changed(&s).len(), 2);
    // On the newest commit: nothing changed since.
    press(&mut s, "/maintenance\nhB");
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .text
            .contains("baseline d58b8d4")
    );
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .text
            .ends_with("whose definition changed since this commit"),
        "a whole sentence"
    );
    assert!(changed(&s).is_empty());
    // On the first commit: the two redefined codes again.
    press(&mut s, "GB");
    assert_eq!(changed(&s), ["se-maintenance", "se-recovery"]);
    // h and Esc go back to the codebook.
    press(&mut s, "h");
    assert_eq!(s.screen, Screen::Browse);
    press(&mut s, "h\x1b");
    assert_eq!(s.screen, Screen::Browse);
}

#[test]
fn history_needs_a_code_and_retries_after_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let root = demo(dir.path());
    let mut s = loaded(&root, 100, 30, false);
    assert!(press(&mut s, "h").is_empty());
    assert_eq!(s.screen, Screen::Browse);
    assert!(s.message.as_ref().unwrap().text.contains("select a code"));
    update(
        &mut s,
        Action::HistoryFailed("not in a git repository".into()),
    );
    assert!(s.changed_since_baseline().is_empty());
    let effects = press(&mut s, "jh");
    assert_eq!(effects, vec![Effect::LoadHistory]);
    assert_eq!(s.screen, Screen::History);
    assert!(matches!(s.history, HistoryLoad::Loading(_)));
}

#[test]
fn a_study_outside_git_has_no_history() {
    let dir = common::study(&common::valid_files());
    let err = concord::tui::runtime::read_history(dir.path(), &mut |_| {});
    assert!(
        err.unwrap_err()
            .to_string()
            .contains("not in a git repository")
    );
}
