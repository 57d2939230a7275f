//! `concord report`: the methods report of the demo study, as the real
//! binary writes it. Its figures are `concord agreement --json`'s; the
//! Markdown is snapshotted; the HTML opens in headless Chromium without a
//! console error, shows the chart, and prints to PDF.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run_in, stderr, stdout};
use serde_json::Value;

fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["demo", "--path", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.path().join("demo");
    (dir, path)
}

/// Every reliability figure and interval in the report is the one
/// `concord agreement --json --ci` gives with the same resamples and seed.
#[test]
fn report_figures_equal_agreement_json() {
    let (_dir, demo) = demo();
    let md = stdout(&run_in(&demo, &["report", "--boot", "200", "--seed", "3"]));
    let json: Value = serde_json::from_str(&stdout(&run_in(
        &demo,
        &[
            "agreement",
            "--json",
            "--ci",
            "0.95",
            "--boot",
            "200",
            "--seed",
            "3",
        ],
    )))
    .unwrap();
    let mut checked = 0;
    for row in json["rows"].as_array().unwrap() {
        if !row["transcript"].is_null() || row["character"].is_null() {
            continue;
        }
        let name = row["code"].as_str().unwrap_or("overall");
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {name} | ")))
            .unwrap_or_else(|| panic!("no reliability row for {name}:\n{md}"));
        for key in ["character.cohen_kappa", "character.gwet_ac1", "turn.alpha"] {
            let (group, figure) = key.split_once('.').unwrap();
            let Some(v) = row[group][figure].as_f64() else {
                continue;
            };
            let i = &row["intervals"][key];
            let expected = format!(
                "{v:.3} [{:.3}, {:.3}]",
                i["low"].as_f64().unwrap(),
                i["high"].as_f64().unwrap()
            );
            assert!(
                line.contains(&expected),
                "{name} {key}: {expected} not in {line}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

/// The Markdown report of the demo study (commits are dated, so their ids
/// are stable).
#[test]
fn markdown_report_of_the_demo_study() {
    let (_dir, demo) = demo();
    let md = stdout(&run_in(&demo, &["report", "--boot", "100"]));
    insta::assert_snapshot!(md);
}

/// Debian's chromium, or a reason to skip.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        let out = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    // `timeout`: a browser that hangs must fail the test, not stall CI.
    Command::new("timeout")
        .arg("90")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium")
}

#[test]
fn html_report_opens_in_chromium_shows_the_chart_and_prints() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no chromium (Debian's chromium package; .ci/run installs it)");
        return;
    };
    let (dir, demo) = demo();
    let html = dir.path().join("report.html");
    let out = run_in(
        &demo,
        &[
            "report",
            "--format",
            "html",
            "--boot",
            "100",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(!text.contains("<script"), "the report runs no scripts");
    let url = format!("file://{}", html.display());

    // No console errors while loading; the DOM has the chart.
    let profile = tempfile::tempdir().unwrap();
    let dom = headless(&browser, profile.path(), &["--dump-dom", &url]);
    let log = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<svg") && dom.contains("polyline"),
        "no chart in the DOM"
    );

    // A screenshot of the page is not blank where the chart is: the kappa
    // line's blue (#1f4e9c, used nowhere else) is drawn.
    let png = dir.path().join("chart.png");
    let profile = tempfile::tempdir().unwrap();
    let shot = headless(
        &browser,
        profile.path(),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1000,9000",
            &url,
        ],
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let blue = pixels
        .chunks(channels)
        .filter(|p| p[0] < 80 && p[1] < 120 && p[2] > 120 && p[2] > p[0] + 60)
        .count();
    assert!(
        blue > 200,
        "the chart area looks blank: {blue} pixels of the kappa line"
    );

    // It prints.
    let pdf = dir.path().join("report.pdf");
    let profile = tempfile::tempdir().unwrap();
    let printed = headless(
        &browser,
        profile.path(),
        &[&format!("--print-to-pdf={}", pdf.display()), &url],
    );
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|e| panic!("no PDF ({e}): {}", String::from_utf8_lossy(&printed.stderr)));
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
}

/// `concord.toml` with `[agreement] measure = NAME`, committed (the
/// report reads the study at a commit).
fn choose_measure(demo: &Path, name: &str) {
    let toml = demo.join("concord.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let line = format!("measure = \"{name}\"");
    let text = if text.contains("[agreement]") {
        text.replacen("[agreement]", &format!("[agreement]\n{line}"), 1)
    } else {
        format!("{text}\n[agreement]\n{line}\n")
    };
    std::fs::write(&toml, text).unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(demo)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    git(&["commit", "-q", "-am", "measure"]);
}

/// The team's measure leads the reliability table, with the same figure
/// and interval as `concord agreement --json --ci`, and the report says
/// where the choice was made.
#[test]
fn the_reliability_table_leads_with_the_measure_concord_toml_names() {
    let (_dir, demo) = demo();
    let before = stdout(&run_in(&demo, &["report", "--boot", "50", "--seed", "3"]));
    assert!(before.contains("concord's default"), "{before}");
    choose_measure(&demo, "ac1");
    let md = stdout(&run_in(&demo, &["report", "--boot", "50", "--seed", "3"]));
    assert!(
        md.contains("[agreement] measure = \"ac1\"`): Gwet's AC1 (characters)"),
        "{md}"
    );
    let head = md
        .lines()
        .skip_while(|l| !l.starts_with("## Reliability"))
        .find(|l| l.starts_with("| Code | "))
        .expect("a reliability table");
    assert!(
        head.starts_with("| Code | Gwet's AC1 (characters) |"),
        "{head}"
    );
    let json: Value = serde_json::from_str(&stdout(&run_in(
        &demo,
        &[
            "agreement",
            "--json",
            "--ci",
            "0.95",
            "--boot",
            "50",
            "--seed",
            "3",
        ],
    )))
    .unwrap();
    let overall = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"].is_null() && r["transcript"].is_null())
        .unwrap();
    let i = &overall["intervals"]["character.gwet_ac1"];
    let expected = format!(
        "| overall | {:.3} [{:.3}, {:.3}] |",
        overall["character"]["gwet_ac1"].as_f64().unwrap(),
        i["low"].as_f64().unwrap(),
        i["high"].as_f64().unwrap()
    );
    assert!(md.contains(&expected), "{expected} not in:\n{md}");
    let html = stdout(&run_in(
        &demo,
        &["report", "--format", "html", "--boot", "50", "--seed", "3"],
    ));
    assert!(
        html.contains("<thead><tr><th>Code</th><th>Gwet's AC1 (characters)</th>"),
        "no AC1 column first in the HTML's reliability table"
    );
}

/// An unknown measure: `concord report` stops, naming concord.toml, the
/// line and the names there are; `concord check` reports it too.
#[test]
fn an_unknown_measure_is_an_error_with_its_line() {
    let (_dir, demo) = demo();
    choose_measure(&demo, "alpha");
    let line = std::fs::read_to_string(demo.join("concord.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("measure"))
        .unwrap()
        + 1;
    let out = run_in(&demo, &["report"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("concord.toml:{line}:1: measure = \"alpha\"")),
        "{err}"
    );
    assert!(err.contains("\"binary-u-alpha\""), "{err}");
    let check = run_in(&demo, &["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        format!("{}{}", stdout(&check), stderr(&check)).contains("measure = \"alpha\""),
        "{}",
        stdout(&check)
    );
}

/// A generated study of three coders, committed.
fn three_coders() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    common::generate(
        dir.path(),
        &path,
        &[
            "--transcripts",
            "4",
            "--chars",
            "3000",
            "--coders",
            "3",
            "--excerpts",
            "12",
            "--seed",
            "5",
        ],
    );
    common::commit_all(&path, "study");
    (dir, path)
}

/// The cells of the table that follows `heading` in a Markdown report.
fn md_table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
    md.lines()
        .skip_while(|l| *l != heading)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The body cells of the first table after `heading` in an HTML report.
fn html_table_after(html: &str, heading: &str) -> Vec<Vec<String>> {
    let at = html.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let rest = &html[at..];
    let body = &rest[rest.find("<tbody>").unwrap() + 7..rest.find("</tbody>").unwrap()];
    body.split("<tr>")
        .filter(|r| !r.is_empty())
        .map(|r| {
            r.split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// Three coders: the report's pair table, in Markdown and in HTML, has one
/// row per pair of coders (three), in study order, and each row's figures
/// are that pair's overall figures in `concord agreement --json`'s `pairs`
/// on the same revision.
#[test]
fn the_pair_table_has_a_row_per_pair_with_agreement_json_s_figures() {
    let (_dir, study) = three_coders();
    let args = ["--rev", "HEAD", "--boot", "50", "--seed", "3"];
    let md = stdout(&run_in(&study, &[&["report"][..], &args].concat()));
    let html = stdout(&run_in(
        &study,
        &[&["report", "--format", "html"][..], &args].concat(),
    ));
    let json: Value =
        serde_json::from_str(&stdout(&run_in(&study, &["agreement", "--json"]))).unwrap();
    let pairs = json["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    let keys = [
        "character.cohen_kappa",
        "character.gwet_ac1",
        "segment.percent_agreement",
        "segment.kappa_bp",
        "alpha.cu_alpha_domains",
    ];
    let expected: Vec<Vec<String>> = pairs
        .iter()
        .map(|p| {
            let coders: Vec<&str> = p["coders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let overall = p["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"].is_null())
                .unwrap();
            let mut cells = vec![coders.join("–")];
            for key in keys {
                let (group, figure) = key.split_once('.').unwrap();
                cells.push(
                    overall[group][figure]
                        .as_f64()
                        .map_or("–".to_string(), |v| format!("{v:.3}")),
                );
            }
            cells
        })
        .collect();
    // Not all undefined: the comparison compares numbers.
    assert!(
        expected
            .iter()
            .flatten()
            .filter(|c| c.contains('.'))
            .count()
            >= 12,
        "{expected:?}"
    );
    let in_md = md_table_after(&md, "### Pairs of coders");
    assert_eq!(in_md, expected, "{md}");
    let in_html = html_table_after(&html, "<h3>Pairs of coders</h3>");
    assert_eq!(in_html, expected, "{html}");
}
