//! Syncing from the review screen, as a function: `S` asks the runtime for
//! a sync and shows its stages, a second `S` while one runs does nothing, a
//! failure is a message (no decision touched), the interval syncs only when
//! none is running, and the status line counts ahead and behind.

#[path = "common/screen.rs"]
mod screen;

use concord::tui::state::{State, Tone};
use concord::tui::update::{Action, Effect, update};
use screen::{opened, press, render};

fn loaded() -> State {
    let study = concord::study::check(&concord::sample::sample_study()).study;
    opened(study, 120, 40, None).0
}

fn status_line(state: &State) -> String {
    render(state, 120, 40)
        .lines()
        .rev()
        .nth(1)
        .unwrap()
        .to_string()
}

#[test]
fn s_syncs_in_the_background_with_its_stages_on_the_status_line() {
    let mut s = loaded();
    assert_eq!(press(&mut s, "S"), vec![Effect::Sync]);
    update(&mut s, Action::SyncProgress("pushing".into()));
    assert!(
        status_line(&s).contains("⇅ pushing…"),
        "{}",
        status_line(&s)
    );
    // Another S while it runs: nothing more is started.
    assert_eq!(press(&mut s, "S"), vec![]);
    assert!(s.message.as_ref().unwrap().text.contains("already running"));
    let effects = update(
        &mut s,
        Action::Synced {
            sentence: "3 decisions by Ann in, 5 of yours out".into(),
            moved: true,
        },
    );
    assert_eq!(effects, vec![Effect::CountAheadBehind]);
    let line = status_line(&s);
    assert!(
        line.contains("3 decisions by Ann in, 5 of yours out"),
        "{line}"
    );
    assert!(!line.contains("pushing"), "{line}");
    update(&mut s, Action::AheadBehind(Some((0, 0))));
    assert!(status_line(&s).contains("in sync"), "{}", status_line(&s));
}

#[test]
fn a_failed_sync_is_a_message_and_changes_no_standing() {
    let mut s = loaded();
    let open_before = s.data.as_ref().unwrap().open_count();
    press(&mut s, "S");
    update(
        &mut s,
        Action::SyncFailed("cannot reach lab (Connection refused)".into()),
    );
    let m = s.message.as_ref().unwrap();
    assert_eq!(m.tone, Tone::Error);
    assert!(
        m.text.contains("kept here") && m.text.contains("cannot reach lab"),
        "{}",
        m.text
    );
    assert_eq!(s.data.as_ref().unwrap().open_count(), open_before);
    // The next S starts a new sync.
    assert_eq!(press(&mut s, "S"), vec![Effect::Sync]);
}

#[test]
fn the_interval_syncs_only_when_none_is_running() {
    let mut s = loaded();
    assert_eq!(update(&mut s, Action::SyncDue), vec![Effect::Sync]);
    assert_eq!(update(&mut s, Action::SyncDue), vec![]);
}

#[test]
fn the_status_line_counts_ahead_and_behind_at_80_columns() {
    let mut s = loaded();
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut s, Action::AheadBehind(Some((2, 3))));
    let screen = render(&s, 80, 24);
    // The status line, above the key bar.
    let line = screen.lines().rev().nth(1).unwrap();
    assert!(line.contains("↑2 ↓3"), "{line}");
    assert!(line.contains("open"), "the counts stay: {line}");
    update(&mut s, Action::AheadBehind(None));
    assert!(
        !render(&s, 80, 24)
            .lines()
            .rev()
            .nth(1)
            .unwrap()
            .contains('↑')
    );
}

/// The sample study where two reviewers decided the first open unit
/// differently, as after their logs were merged by a sync.
fn with_conflict() -> (State, String) {
    let mut s = loaded();
    press(&mut s, "]");
    let data = s.data.as_ref().unwrap();
    let unit = data.units[s.unit.unwrap()].clone();
    let mut study = data.study.clone();
    let ann = concord::review::decision_for(
        &unit,
        &concord::review::Choice::Union,
        "d-ann".into(),
        "Ann Reviewer <ann@example.org>".into(),
        "2026-12-02T09:15:00Z".into(),
        "both readings hold".into(),
    );
    let ben = concord::review::decision_for(
        &unit,
        &concord::review::Choice::Reject,
        "d-ben".into(),
        "Ben Reviewer <ben@example.org>".into(),
        "2026-12-02T10:40:00Z".into(),
        "too vague to code".into(),
    );
    study.decisions.push(concord::study::DecisionFile {
        transcript: unit.transcript.to_string(),
        decisions: vec![ann, ben],
        lines: vec![1, 2],
    });
    let (state, _) = opened(study, 120, 40, None);
    (state, unit.id.to_string())
}

#[test]
fn a_decision_conflict_shows_both_decisions_side_by_side() {
    let (mut s, unit) = with_conflict();
    // `]` goes to the conflict: it still needs a reviewer.
    press(&mut s, "]\n");
    let data = s.data.as_ref().unwrap();
    assert_eq!(data.units[s.unit.unwrap()].id, unit);
    let screen = render(&s, 120, 40);
    assert!(
        screen.lines().next().unwrap().contains("conflict"),
        "{screen}"
    );
    // One row holds both reviewers' decisions, the next both names and times.
    let what = screen
        .lines()
        .find(|l| l.contains("A. accepted both") && l.contains("B. rejected"))
        .unwrap_or_else(|| panic!("not side by side:\n{screen}"));
    assert!(what.find("A.") < what.find("B."));
    assert!(
        screen
            .lines()
            .any(|l| l.contains("Ann Reviewer, 2026-12-02 09:15")
                && l.contains("Ben Reviewer, 2026-12-02 10:40")),
        "{screen}"
    );
    assert!(screen.contains("both readings hold") && screen.contains("too vague to code"));
    // At 80x24 it still fits: both decisions are named.
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let small = render(&s, 80, 24);
    assert!(small.contains("A. ") && small.contains("B. "), "{small}");
}
