//! The review screen says who has finished the transcript under review
//! (done marks of `concord code`) and warns when a coder has not.

#[allow(dead_code)] // press is not needed here
#[path = "common/screen.rs"]
mod screen;

use concord::study::{Done, DoneFile};
use concord::tui::state::Screen;
use screen::{opened, render};

fn mark(coder: &str, transcript: &str) -> DoneFile {
    DoneFile {
        coder: coder.into(),
        marks: vec![Done {
            transcript: transcript.into(),
            at: "2026-12-01T10:00:00Z".into(),
            commit: "0".repeat(40),
        }],
        lines: vec![1],
    }
}

fn unit_view(done: Vec<DoneFile>) -> String {
    let mut study = concord::study::check(&concord::sample::sample_study()).study;
    study.done = done;
    let (mut state, _) = opened(study, 120, 40, None);
    let data = state.data.as_ref().unwrap();
    let i = data
        .units
        .iter()
        .position(|u| u.transcript == "fg1")
        .unwrap();
    state.unit = Some(i);
    state.screen = Screen::Unit;
    render(&state, 120, 40)
}

#[test]
fn reviewing_a_transcript_a_coder_has_not_finished_warns() {
    let title = |s: &str| s.lines().next().unwrap().to_string();
    // No done marks at all (coded elsewhere): nothing said.
    let none = unit_view(vec![]);
    assert!(!title(&none).contains("done"), "{}", title(&none));
    // One coder done: the other is named.
    let one = unit_view(vec![mark("coder-a", "fg1")]);
    assert!(
        title(&one).contains("⚠ not done: coder-b"),
        "{}",
        title(&one)
    );
    // Both done.
    let both = unit_view(vec![mark("coder-a", "fg1"), mark("coder-b", "fg1")]);
    assert!(
        title(&both).contains("every coder done"),
        "{}",
        title(&both)
    );
    // Done with another transcript does not count for this one.
    let other = unit_view(vec![mark("coder-a", "fg2")]);
    assert!(!title(&other).contains("done"), "{}", title(&other));
}
