//! `concord agreement [PATH] [--code ID] [--transcript ID] [--measure ...]
//! [--json|--csv]`: intercoder reliability, in the measures of NVivo,
//! MAXQDA and ATLAS.ti, per code, per transcript and overall.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::agreement::Estimate;
use crate::agreement::input::Input;
use crate::agreement::interval::Settings;
use crate::agreement::report::{Measures, Report, Row, report_with};
use crate::cli::exit;
use crate::cli::study_arg;
use crate::repo::RepoError;
use crate::study::text::shorten;

pub const LONG_ABOUT: &str = "Measure intercoder reliability. Character level as NVivo's coding comparison \
(every character a unit: percent agreement and Cohen's kappa; Fleiss' kappa for three or more coders); \
segment level as MAXQDA (excerpts matched when they overlap by segment_overlap of their union: percent \
agreement and Brennan and Prediger's kappa); Krippendorff's unitized alpha family as ATLAS.ti (|uα per \
code; uα, cuα and (k)uα per semantic domain, i.e. the children of one parent code; Cu-α over domains); \
and speaker turns as predefined units (Krippendorff's nominal alpha, Cohen's and Fleiss' kappa).\n\n\
The table shows one row per code, pooled over transcripts, in codebook order; --json and --csv add one \
row per code per transcript. A figure that is undefined on the data (no variation, one category) is \
shown as – in the table, null in JSON and empty in CSV, and the JSON row's notes say why. \
Exact definitions: docs/agreement.md.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Only the rows of this code
    #[arg(long, value_name = "ID")]
    pub code: Option<String>,
    /// Compute on this transcript alone
    #[arg(long, value_name = "ID")]
    pub transcript: Option<String>,
    /// Which measures to compute
    #[arg(long, value_name = "MEASURE", default_value = "all",
          value_parser = ["character", "segment", "alpha", "turn", "all"])]
    pub measure: String,
    /// Print one JSON object: {"coders": [...], "rows": [...]}
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the rows as CSV, one column per figure, for R and SPSS
    #[arg(long)]
    pub csv: bool,
    /// Character kappa and binary uα per code and overall at every commit that changed the codebook or the codings, oldest first (see concord history)
    #[arg(long, conflicts_with_all = ["transcript", "csv", "measure"])]
    pub trend: bool,
    /// Confidence intervals at this level (e.g. 0.95) for every pooled figure: cluster bootstrap over transcripts; the turn alpha by Hayes and Krippendorff's bootstrap; Cohen's kappa also κ ± z·SE
    #[arg(long, value_name = "LEVEL", value_parser = level)]
    pub ci: Option<f64>,
    /// Bootstrap resamples (with --ci)
    #[arg(long, value_name = "N", default_value_t = Settings::DEFAULT_RESAMPLES as u32, requires = "ci",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub boot: u32,
    /// Seed of the bootstrap: the same seed gives the same intervals (with --ci)
    #[arg(long, value_name = "N", default_value_t = Settings::DEFAULT_SEED, requires = "ci")]
    pub seed: u64,
    /// Smallest acceptable alpha: every alpha's interval also gives q, the share of resamples below it (Krippendorff; e.g. 0.667 or 0.8)
    #[arg(
        long,
        value_name = "ALPHA",
        requires = "ci",
        allow_hyphen_values = true
    )]
    pub min: Option<f64>,
}

fn level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v < 1.0 => Ok(v),
        _ => Err(format!("{s:?} is not a level between 0 and 1 (e.g. 0.95)")),
    }
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    if args.trend {
        return crate::cli::trend::run(args.path.as_deref(), args.code.as_deref(), args.json);
    }
    let open = study_arg::open(args.path.as_deref())?;
    let study = &open.loaded.study;
    let mut input = Input::from_study(study);
    if let Some(t) = &args.transcript {
        let Some(index) = input.transcripts.iter().position(|x| x.id == *t) else {
            return Err(RepoError::Refused(format!(
                "no transcript {t:?} in the study (see concord status)"
            )));
        };
        input = only_transcript(input, index);
    }
    if let Some(c) = &args.code {
        if input.code_index(c).is_none() {
            return Err(RepoError::Refused(format!("no code {c:?} in the codebook")));
        }
    }
    let measures = match args.measure.as_str() {
        "character" => Measures {
            character: true,
            segment: false,
            alpha: false,
            turn: false,
        },
        "segment" => Measures {
            character: false,
            segment: true,
            alpha: false,
            turn: false,
        },
        "alpha" => Measures {
            character: false,
            segment: false,
            alpha: true,
            turn: false,
        },
        "turn" => Measures {
            character: false,
            segment: false,
            alpha: false,
            turn: true,
        },
        _ => Measures::ALL,
    };
    let settings = args.ci.map(|level| Settings {
        level,
        resamples: args.boot as usize,
        seed: args.seed,
        minimum: args.min,
    });
    let mut r = report_with(&input, measures, settings.as_ref());
    if let Some(c) = &args.code {
        r.rows.retain(|row| row.code.as_deref() == Some(c.as_str()));
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    } else if let (true, Some(settings)) = (args.csv, &settings) {
        // With --ci the CSV is the intervals, one line per figure.
        let text = crate::cli::agreement_intervals::csv(&r, settings)
            .map_err(|e| RepoError::Refused(e.to_string()))?;
        print!("{text}");
    } else if args.csv {
        // One writer for this and `concord export csv`'s agreement.csv.
        let text =
            crate::interop::csv::agreement(&r).map_err(|e| RepoError::Refused(e.to_string()))?;
        print!("{text}");
    } else {
        print!("{}", table(&input, &r));
        if let Some(settings) = &settings {
            print!("{}", crate::cli::agreement_intervals::text(&r, settings));
        }
    }
    if !open.loaded.problems.is_empty() {
        eprintln!(
            "concord: the study has {} problem(s); codings concord check reports are left out (run concord check)",
            open.loaded.problems.len()
        );
    }
    Ok(exit::OK)
}

/// The input restricted to one transcript (excerpts re-indexed).
fn only_transcript(mut input: Input, index: usize) -> Input {
    input.transcripts = vec![input.transcripts.swap_remove(index)];
    input.excerpts.retain(|e| e.transcript == index);
    for e in &mut input.excerpts {
        e.transcript = 0;
    }
    input.sorted()
}

fn figure(e: Option<&Estimate>, percent: bool) -> String {
    match e.and_then(|e| e.value()) {
        Some(v) if percent => format!("{:.1}%", v * 100.0),
        Some(v) => format!("{v:.3}"),
        None => "–".to_string(),
    }
}

const NAME: usize = 29;
const COL: usize = 7;

/// One row per code (pooled), hierarchy indented, overall last, legend.
fn table(input: &Input, r: &Report) -> String {
    let fleiss = input.coders.len() >= 3;
    let mut out = String::new();
    let heads = [
        "Chr %",
        if fleiss { "Fleiss" } else { "Cohen" },
        "Seg %",
        "BP κ",
        "|uα",
        "(k)uα",
        "Turn α",
    ];
    out.push_str(&format!("{:<NAME$}", "Code"));
    for h in heads {
        out.push_str(&format!("{h:>COL$}"));
    }
    out.push('\n');
    let pooled: HashMap<Option<&str>, &Row> = r
        .rows
        .iter()
        .filter(|row| row.transcript.is_none())
        .map(|row| (row.code.as_deref(), row))
        .collect();
    // (k)uα of each code, from its parent's domain row.
    let mut k_u_alpha: HashMap<&str, &Estimate> = HashMap::new();
    for row in pooled.values() {
        if let Some(map) = row.alpha.as_ref().and_then(|a| a.k_u_alpha.as_ref()) {
            for (code, e) in map {
                k_u_alpha.insert(code.as_str(), e);
            }
        }
    }
    let cells = |row: &Row, code: Option<&str>| -> Vec<String> {
        let c = row.character.as_ref();
        let kappa = if fleiss {
            c.and_then(|c| c.fleiss_kappa.as_ref())
        } else {
            c.and_then(|c| c.cohen_kappa.as_ref())
        };
        vec![
            figure(c.map(|c| &c.percent_agreement), true),
            figure(kappa, false),
            figure(row.segment.as_ref().map(|s| &s.percent_agreement), true),
            figure(row.segment.as_ref().map(|s| &s.kappa_bp), false),
            figure(
                row.alpha.as_ref().and_then(|a| a.binary_u_alpha.as_ref()),
                false,
            ),
            figure(code.and_then(|c| k_u_alpha.get(c).copied()), false),
            figure(row.turn.as_ref().map(|t| &t.alpha), false),
        ]
    };
    for code in &input.codes {
        let name = format!("{}{}", "  ".repeat(code.depth), code.id);
        out.push_str(&format!("{:<NAME$}", shorten(&name, NAME - 1)));
        let Some(row) = pooled.get(&Some(code.id.as_str())) else {
            // A heading of the hierarchy with nothing measured on it.
            out.truncate(out.trim_end_matches(' ').len());
            out.push('\n');
            continue;
        };
        if code.codable {
            for cell in cells(row, Some(&code.id)) {
                out.push_str(&format!("{cell:>COL$}"));
            }
        } else if let Some(a) = &row.alpha {
            // A parent: its semantic domain's figures.
            out.push_str(&format!(
                "  domain uα {}  cuα {}",
                figure(a.u_alpha.as_ref(), false),
                figure(a.cu_alpha.as_ref(), false)
            ));
        }
        out.push('\n');
    }
    if let Some(row) = pooled.get(&None) {
        out.push_str(&format!("{:<NAME$}", "overall"));
        for cell in cells(row, None) {
            out.push_str(&format!("{cell:>COL$}"));
        }
        out.push('\n');
        if let Some(e) = row.alpha.as_ref().and_then(|a| a.cu_alpha_domains.as_ref()) {
            out.push_str(&format!(
                "{:<NAME$}  Cu-α {}\n",
                "overall, domains as values",
                figure(Some(e), false)
            ));
        }
    }
    out.push_str("Chr: NVivo characters · Seg: MAXQDA excerpts · α: Krippendorff · – undefined\n");
    out
}
