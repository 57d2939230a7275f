//! `concord agreement --ci`: the intervals as a text table under the
//! figures, and as a long CSV (one line per figure) for R and SPSS.

use crate::agreement::interval::{Interval, Settings};
use crate::agreement::report::{Report, Row};
use crate::interop::InteropError;

/// The estimate a key (`character.cohen_kappa`, `alpha.k_u_alpha.x`) names
/// in a row.
fn estimate(row: &Row, key: &str) -> Option<f64> {
    let value = serde_json::to_value(row).ok()?;
    let mut v = &value;
    for part in key.split('.') {
        v = v.get(part)?;
    }
    v.as_f64()
}

pub const HEADER: [&str; 12] = [
    "code",
    "figure",
    "estimate",
    "level",
    "low",
    "high",
    "method",
    "resamples",
    "seed",
    "below_minimum",
    "large_sample_low",
    "large_sample_high",
];

/// One line per figure with an interval, pooled rows only.
pub fn csv(r: &Report, settings: &Settings) -> Result<String, InteropError> {
    let mut lines = Vec::new();
    for row in &r.rows {
        for (key, i) in &row.intervals {
            let opt = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
            lines.push(vec![
                row.code.clone().unwrap_or_default(),
                key.clone(),
                opt(estimate(row, key)),
                i.level.to_string(),
                i.low.to_string(),
                i.high.to_string(),
                serde_json::to_value(i.method)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                i.resamples.to_string(),
                settings.seed.to_string(),
                opt(i.below_minimum),
                opt(i.large_sample.map(|l| l[0])),
                opt(i.large_sample.map(|l| l[1])),
            ]);
        }
    }
    crate::interop::csv::table(&HEADER, &lines, crate::interop::csv::Style::default())
}

fn cell(i: Option<&Interval>) -> String {
    match i {
        Some(i) => format!("[{:.2}, {:.2}]", i.low, i.high),
        None => "–".to_string(),
    }
}

/// Under the figures: per pooled row, the kappa's, AC1's, |uα's and the
/// turn alpha's intervals, and q when a minimum was given.
pub fn text(r: &Report, settings: &Settings) -> String {
    let fleiss = r.coders.len() >= 3;
    let kappa = if fleiss {
        "character.fleiss_kappa"
    } else {
        "character.cohen_kappa"
    };
    let mut out = format!(
        "\n{:.0}% intervals: cluster bootstrap over transcripts (turn α: Hayes & Krippendorff), {} resamples, seed {}\n",
        settings.level * 100.0,
        settings.resamples,
        settings.seed
    );
    let q_head = settings
        .minimum
        .map(|m| format!("  q(Turn α<{m})"))
        .unwrap_or_default();
    out.push_str(&format!(
        "{:<29}{:>15}{:>15}{:>15}{:>15}{q_head}\n",
        "Code",
        if fleiss { "Fleiss" } else { "Cohen" },
        "AC1",
        "|uα",
        "Turn α"
    ));
    for row in r.rows.iter().filter(|row| row.transcript.is_none()) {
        if !row
            .intervals
            .keys()
            .any(|k| !k.starts_with("alpha.") || k == "alpha.binary_u_alpha")
            && row.code.is_some()
        {
            continue; // a domain's row: its figures are in --json
        }
        let name = row.code.as_deref().unwrap_or("overall");
        let get = |k: &str| row.intervals.get(k);
        out.push_str(&format!(
            "{:<29}{:>15}{:>15}{:>15}{:>15}",
            crate::study::text::shorten(&crate::study::text::printable(name), 28),
            cell(get(kappa)),
            cell(get("character.gwet_ac1")),
            cell(get("alpha.binary_u_alpha")),
            cell(get("turn.alpha")),
        ));
        if settings.minimum.is_some() {
            let q = get("turn.alpha").and_then(|i| i.below_minimum);
            out.push_str(&format!(
                "{:>9}",
                q.map_or("–".to_string(), |q| format!("{q:.3}"))
            ));
        }
        out.push('\n');
    }
    out.push_str("All intervals, q for every alpha and κ ± z·SE: --json or --csv\n");
    out
}
