//! `concord agreement --trend [PATH] [--code ID] [--json]`: the agreement
//! figures at every commit that changed what they depend on, oldest first,
//! so a team sees whether a codebook revision was followed by better
//! agreement.

use std::path::Path;

use serde::Serialize;

use crate::cli::exit;
use crate::history::trend::Figures;
use crate::repo::RepoError;
use crate::repo::at_commit;
use crate::repo::history::{CommitInfo, Record, TrendAt, Walker};
use crate::study::text::{printable, shorten};

#[derive(Serialize)]
struct Point {
    #[serde(flatten)]
    commit: CommitInfo,
    /// What the commit changed: "codebook", "codings", "transcripts", "manifest".
    changed: Vec<&'static str>,
    #[serde(flatten)]
    at: TrendAt,
}

#[derive(Serialize)]
struct Output {
    code: Option<String>,
    commits: Vec<Point>,
}

/// What a record changed, in words.
pub fn changed(r: &Record) -> Vec<&'static str> {
    let mut out = Vec::new();
    if r.codebook.is_some() {
        out.push("codebook");
    }
    if r.codings_changed {
        out.push("codings");
    }
    if r.transcripts_changed {
        out.push("transcripts");
    }
    if r.manifest_changed {
        out.push("manifest");
    }
    out
}

pub fn run(path: Option<&Path>, code: Option<&str>, json: bool) -> Result<u8, RepoError> {
    let gs = at_commit::open(path)?;
    let mut walker = Walker::new(&gs);
    let records = walker.walk(true, &mut |_, _| {})?;
    walker.keep_figures();
    let mut points: Vec<Point> = records
        .into_iter()
        .map(|r| Point {
            changed: changed(&r),
            at: r.trend.unwrap_or(TrendAt::NotLoaded {
                not_loaded: "not computed".into(),
            }),
            commit: r.info,
        })
        .collect();
    if let Some(id) = code {
        let mut seen = false;
        for p in &mut points {
            if let TrendAt::Figures { figures, .. } = &mut p.at {
                figures.retain(|f| f.code.as_deref() == Some(id));
                seen |= !figures.is_empty();
            }
        }
        if !seen {
            return Err(RepoError::Refused(format!(
                "no codable code {id:?} at any commit of the history"
            )));
        }
    }
    if json {
        let out = Output {
            code: code.map(String::from),
            commits: points,
        };
        crate::cli::json::print_pretty(&out)?;
        return Ok(exit::OK);
    }
    let fig = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
    let mut out = format!(
        "Agreement at each commit that changed the codebook or the codings, oldest first: {}\n",
        match code {
            Some(id) => format!("code `{}`", printable(id)),
            None => "overall (per code: --code ID or --json)".into(),
        }
    );
    out.push_str(&format!(
        "{:<8} {:<10} {:<16} {:<22} {:>7} {:>7}\n",
        "commit", "date", "author", "changed", "κ", "|uα"
    ));
    for p in &points {
        let head = format!(
            "{:<8} {:<10} {:<16} {:<22}",
            p.commit.short,
            &p.commit.date[..10.min(p.commit.date.len())],
            shorten(&printable(&p.commit.author), 15),
            shorten(&p.changed.join(", "), 21),
        );
        match &p.at {
            TrendAt::Figures { figures, reused } => {
                let row: Option<&Figures> = figures.iter().find(|f| f.code.as_deref() == code);
                let (k, a) = row.map_or((None, None), |f| (f.cohen_kappa, f.binary_u_alpha));
                out.push_str(&format!(
                    "{head} {:>7} {:>7}{}\n",
                    fig(k),
                    fig(a),
                    if *reused { "  (same codings)" } else { "" }
                ));
            }
            TrendAt::NotLoaded { not_loaded } => {
                out.push_str(&format!("{head} not loaded: {}\n", printable(not_loaded)));
            }
        }
    }
    out.push_str("κ: Cohen's kappa by character (NVivo) · |uα: Krippendorff's binary uα (ATLAS.ti) · – undefined\n");
    print!("{out}");
    Ok(exit::OK)
}
