//! The agreement view with three coders: every pair's figures. `P` (the
//! units pane's pair filter) switches the list to one pair's figures, per
//! code and overall, each pair in turn, then back to the team's; the line
//! under the list gives every pair's kappa of the code under the cursor.
//! Behaviour through the pure `update`, and insta snapshots at 80x24 and
//! 120x40, on a seeded synthetic study of three coders.

#[path = "common/screen.rs"]
mod screen;

use concord::agreement::input::Input;
use concord::agreement::report::Measures;
use concord::sample::synthetic::{Params, synthetic_study};
use concord::study::Study;
use concord::tui::data::AgreementSummary;
use concord::tui::state::{Screen, State};
use concord::tui::update::{Action, agreement_rows, update};
use screen::{opened, press, render};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn study(coders: usize) -> Study {
    let files = synthetic_study(&Params {
        transcripts: 3,
        chars: 3000,
        coders,
        excerpts: 12,
        seed: 7,
    });
    let checked = concord::study::check(&files);
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    checked.study
}

fn loaded(coders: usize, width: u16, height: u16) -> State {
    let study = study(coders);
    let agreement = AgreementSummary::compute(&study);
    let (mut state, _) = opened(study, width, height, None);
    update(&mut state, Action::AgreementReady(Box::new(agreement)));
    state
}

/// The pair's Cohen's kappa of `code` (None: overall) as `concord
/// agreement --json` computes it (`pairs`), two decimals as the view shows.
fn pair_kappa(study: &Study, pair: usize, code: Option<&str>) -> String {
    let input = Input::from_study(study);
    let pairs = concord::agreement::pairs::pairs(&input, Measures::ALL);
    let row = pairs[pair]
        .rows
        .iter()
        .find(|r| r.code.as_deref() == code)
        .unwrap();
    let k = row
        .character
        .as_ref()
        .and_then(|c| c.cohen_kappa.as_ref())
        .and_then(|e| e.value());
    k.map_or("–".to_string(), |k| format!("{k:.2}"))
}

fn overall_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("Overall"))
        .unwrap_or_else(|| panic!("no overall row:\n{screen}"))
        .to_string()
}

#[test]
fn p_in_the_agreement_view_shows_each_pair_then_the_team() {
    let study = study(3);
    let mut state = loaded(3, 120, 40);
    press(&mut state, "a");
    assert_eq!(state.screen, Screen::Agreement);
    let team = render(&state, 120, 40);
    assert!(team.contains("Fleiss κ"), "{team}");
    assert!(team.contains("P pair"), "{team}");
    let names: Vec<String> = state
        .data
        .as_ref()
        .unwrap()
        .coders
        .iter()
        .map(|c| c.name.clone())
        .collect();
    // The pairs in study order: 1-2, 1-3, 2-3, then the team again.
    for (i, (a, b)) in [(0, 1), (0, 2), (1, 2)].into_iter().enumerate() {
        press(&mut state, "P");
        assert_eq!(state.filters.pair, Some((a, b)));
        let screen = render(&state, 120, 40);
        let title = format!("Agreement of {} and {}", names[a], names[b]);
        assert!(screen.contains(&title), "{title}:\n{screen}");
        assert!(
            screen.contains("char κ"),
            "a pair's kappa is Cohen's:\n{screen}"
        );
        assert!(!screen.contains("Fleiss κ"), "{screen}");
        let status = &state.message.as_ref().unwrap().text;
        assert!(
            status.contains(&names[a]) && status.contains(&names[b]),
            "{status}"
        );
        // The overall row is the pair's two-coder kappa.
        let expected = pair_kappa(&study, i, None);
        assert!(
            overall_line(&screen).contains(&expected),
            "pair {i}: {expected} not in {}",
            overall_line(&screen)
        );
    }
    press(&mut state, "P");
    assert_eq!(state.filters.pair, None);
    // The same screen as before, but for the status line's message.
    let body = |s: &str| s.lines().take(38).collect::<Vec<_>>().join("\n");
    assert_eq!(
        body(&render(&state, 120, 40)),
        body(&team),
        "back to the team's figures"
    );
}

#[test]
fn the_pair_line_follows_the_cursor() {
    let study = study(3);
    let mut state = loaded(3, 120, 40);
    // Sorted by kappa, every row is a codable code.
    press(&mut state, "as");
    for step in 0..3 {
        let code = agreement_rows(&state)[state.agreement_cursor].clone();
        let screen = render(&state, 120, 40);
        let line = screen
            .lines()
            .find(|l| l.contains("κ by pair of coders,"))
            .unwrap_or_else(|| panic!("no pair line:\n{screen}"));
        let name = study.codebook.get(&code).unwrap().name().to_string();
        assert!(line.contains(&name), "step {step}: {name} not in {line}");
        for pair in 0..3 {
            let k = pair_kappa(&study, pair, Some(&code));
            assert!(
                line.contains(&k),
                "pair {pair} of {code}: {k} not in {line}"
            );
        }
        press(&mut state, "j");
    }
}

#[test]
fn enter_on_a_pair_s_code_lists_the_units_where_they_differ() {
    let mut state = loaded(3, 120, 40);
    press(&mut state, "asPP");
    let code = agreement_rows(&state)[state.agreement_cursor].clone();
    press(&mut state, "\n");
    assert_eq!(state.screen, Screen::Browse);
    assert_eq!(state.filters.pair, Some((0, 2)), "the pair filter stays");
    let data = state.data.as_ref().unwrap();
    for u in state.visible_units() {
        let unit = &data.units[u];
        assert!(
            concord::tui::filters::pair_differs(data, unit, 0, 2),
            "{code}: unit {} shown but coders 1 and 3 agree on it",
            unit.id
        );
    }
}

/// Sorting by kappa with a pair shown sorts by that pair's kappa.
#[test]
fn sorting_follows_the_pair_shown() {
    let study = study(3);
    let mut state = loaded(3, 120, 40);
    press(&mut state, "asP");
    let rows = agreement_rows(&state);
    let input = Input::from_study(&study);
    let pair = &concord::agreement::pairs::pairs(&input, Measures::ALL)[0];
    let kappa = |id: &str| {
        pair.rows
            .iter()
            .find(|r| r.code.as_deref() == Some(id))
            .and_then(|r| r.character.as_ref()?.cohen_kappa.as_ref()?.value())
    };
    let defined: Vec<f64> = rows.iter().filter_map(|id| kappa(id)).collect();
    assert!(defined.len() > 3, "{defined:?}");
    assert!(
        defined.windows(2).all(|w| w[0] <= w[1]),
        "not lowest first: {defined:?}"
    );
}

/// Two coders: no pair line and no `P pair` key; P says the figures are
/// both coders'.
#[test]
fn with_two_coders_the_view_has_no_pairs() {
    let mut state = loaded(2, 120, 40);
    press(&mut state, "a");
    let before = render(&state, 120, 40);
    assert!(!before.contains("κ by pair"), "{before}");
    assert!(!before.contains("P pair"), "{before}");
    press(&mut state, "P");
    let status = &state.message.as_ref().unwrap().text;
    assert!(status.contains("both coders"), "{status}");
    assert!(!render(&state, 120, 40).contains("Agreement of"));
}

#[test]
fn snapshots_of_the_team_and_of_one_pair() {
    for (w, h) in SIZES {
        for (name, keys) in [("team", "a"), ("pair", "aP")] {
            let mut state = loaded(3, w, h);
            press(&mut state, keys);
            let screen = render(&state, w, h);
            for line in screen.lines() {
                assert!(line.chars().count() <= w as usize, "{line}");
            }
            println!("{screen}");
            assert!(screen.contains("κ by pair"), "{screen}");
            assert!(screen.contains("Overall"), "{screen}");
            insta::assert_snapshot!(format!("agreement_pairs_{name}_{w}x{h}"), screen);
        }
    }
}

/// The legend names the kappa the first column shows: Fleiss' for the team
/// of three, Cohen's for one pair and for a two-coder study.
#[test]
fn the_legend_names_the_kappa_the_column_shows() {
    for (w, h) in SIZES {
        let mut state = loaded(3, w, h);
        press(&mut state, "a");
        let team = render(&state, w, h);
        assert!(
            team.contains("Fleiss κ: Fleiss' kappa by character"),
            "{team}"
        );
        assert!(!team.contains("Cohen's kappa"), "{team}");
        assert!(team.contains("segment: mean over pairs"), "{team}");
        press(&mut state, "P");
        let pair = render(&state, w, h);
        assert!(pair.contains("Agreement of"), "{pair}");
        assert!(
            pair.contains("char κ: Cohen's kappa by character"),
            "{pair}"
        );
        assert!(!pair.contains("Fleiss"), "{pair}");
        let mut state = loaded(2, w, h);
        press(&mut state, "a");
        let two = render(&state, w, h);
        assert!(two.contains("char κ: Cohen's kappa by character"), "{two}");
    }
}

/// A figure and the bar before or after it never touch, even at 100.0%
/// or -1.00, at 80x24 and 120x40 (at 80 columns "100.0%" once ran into
/// the kappa's bar: "███▉100.0%").
#[test]
fn figures_never_touch_the_bars() {
    let bar = |c: char| "█▉▊▋▌▍▎▏".contains(c);
    let figure = |c: char| c.is_ascii_digit() || c == '%' || c == '–' || c == '-';
    let mut saw_full = false;
    for (w, h) in SIZES {
        for keys in ["a", "aP", "aPP", "aPPP"] {
            let mut state = loaded(3, w, h);
            press(&mut state, keys);
            let screen = render(&state, w, h);
            saw_full |= screen.contains("100.0%");
            for line in screen.lines() {
                let chars: Vec<char> = line.chars().collect();
                for pair in chars.windows(2) {
                    let touching =
                        (bar(pair[0]) && figure(pair[1])) || (figure(pair[0]) && bar(pair[1]));
                    assert!(
                        !touching,
                        "{w}x{h} after {keys:?}: a figure touches a bar in\n{line}\n\n{screen}"
                    );
                }
            }
        }
    }
    assert!(
        saw_full,
        "the study should have a segment agreement of 100.0% somewhere"
    );
}
