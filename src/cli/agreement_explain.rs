//! `concord agreement --explain CODE [--transcript ID]`: what went into a
//! code's figures, in words a reviewer follows: the 2x2 character table and
//! the kappa's arithmetic, each transcript's share, the excerpts the
//! segment level matched or not, each coder's units for |uα with their
//! lengths, the turns, and what was left out and why.

use crate::agreement::input::Input;
use crate::agreement::report::{Report, Row};
use crate::agreement::segment::{self, SegmentCounts};
use crate::agreement::spans::merge;
use crate::study::text::printable;

fn num(v: Option<f64>) -> String {
    v.map_or("undefined".to_string(), |v| format!("{v:.3}"))
}

fn percent(v: Option<f64>) -> String {
    v.map_or("undefined".into(), |p| format!("{:.1}%", p * 100.0))
}

/// Three or more coders: each pair's segment matching of code `c`, as the
/// team's segment figures are the mean of these.
fn segments_of_pairs(input: &Input, c: usize) -> String {
    let excerpts = input.of_code(c);
    let k = segment::codes_in_use(input);
    let mut out = format!(
        "Segments (MAXQDA; an excerpt agrees when the other's overlaps at least {:.0}% of their union), each pair of coders on its own:\n",
        input.segment_overlap * 100.0
    );
    for ((a, b), k) in segment::coder_pairs(input.coders.len()).into_iter().zip(k) {
        let mut counts = SegmentCounts::default();
        for t in 0..input.transcripts.len() {
            let by = input.spans_by_coder(excerpts, t);
            let m = segment::match_excerpts(&by[a], &by[b], input.segment_overlap);
            counts.agreements += m.agreements;
            counts.a_only += m.a_only;
            counts.b_only += m.b_only;
        }
        let names = [input.coders[a].clone(), input.coders[b].clone()];
        let r = segment::row(Some(c), None, vec![counts.clone()], &[k], &names);
        out.push_str(&format!(
            "  {}+{}: {} matched, {} of {} only, {} of {} only: {} agreement, κ {}\n",
            printable(&names[0]),
            printable(&names[1]),
            counts.agreements,
            counts.a_only,
            printable(&names[0]),
            counts.b_only,
            printable(&names[1]),
            percent(r.percent_agreement.value()),
            num(r.kappa_bp.value())
        ));
    }
    out
}

pub fn explain(input: &Input, r: &Report, code: &str) -> String {
    let Some(c) = input.code_index(code) else {
        return String::new();
    };
    let name = |i: usize| printable(&input.coders[i]);
    let mut out = format!(
        "What went into the figures of code {} ({} transcript(s), coders: {}).\n\n",
        printable(code),
        input.transcripts.len(),
        (0..input.coders.len())
            .map(name)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let pooled: Option<&Row> = r
        .rows
        .iter()
        .find(|row| row.code.as_deref() == Some(code) && row.transcript.is_none());
    if !input.codes[c].codable {
        out.push_str(
            "This code is a heading: coders do not apply it; its domain's figures are in --json.\n",
        );
        return out;
    }
    // Characters.
    if let Some(ch) = pooled.and_then(|p| p.character.as_ref()) {
        if let (Some(both), Some(a), Some(b), Some(neither)) =
            (ch.both, ch.a_only, ch.b_only, ch.neither)
        {
            let n = (both + a + b + neither) as f64;
            out.push_str(&format!(
                "Characters (NVivo): every character is a unit, coded by a coder or not.\n\
                 {:>22}{:>16}{:>16}\n{:>22}{:>16}{:>16}\n{:>22}{:>16}{:>16}\n",
                "",
                format!("{} coded", name(1)),
                "not",
                format!("{} coded", name(0)),
                both,
                a,
                "not",
                b,
                neither
            ));
            if n > 0.0 {
                let po = (both + neither) as f64 / n;
                let pe = ((both + a) as f64 * (both + b) as f64
                    + (b + neither) as f64 * (a + neither) as f64)
                    / (n * n);
                out.push_str(&format!(
                    "Observed agreement po = ({both} + {neither}) / {n} = {po:.4}; chance pe = ({}×{} + {}×{}) / {n}² = {pe:.4};\n\
                     Cohen's κ = (po − pe) / (1 − pe) = {}; Gwet's AC1 = {}.\n",
                    both + a,
                    both + b,
                    b + neither,
                    a + neither,
                    num(ch.cohen_kappa.as_ref().and_then(|e| e.value())),
                    num(ch.gwet_ac1.value()),
                ));
            }
        } else {
            out.push_str(&format!(
                "Characters: Fleiss' κ over all {} coders = {}; Gwet's AC1 = {}.\n",
                input.coders.len(),
                num(ch.fleiss_kappa.as_ref().and_then(|e| e.value())),
                num(ch.gwet_ac1.value())
            ));
        }
        out.push_str("Per transcript:\n");
        for row in r
            .rows
            .iter()
            .filter(|row| row.code.as_deref() == Some(code) && row.transcript.is_some())
        {
            let t = printable(row.transcript.as_deref().unwrap_or(""));
            let k = row
                .character
                .as_ref()
                .and_then(|c| c.cohen_kappa.as_ref().or(c.fleiss_kappa.as_ref()));
            match k.and_then(|k| k.reason()) {
                Some(why) => out.push_str(&format!(
                    "  {t}: undefined: {why} (left out of the weighted mean)\n"
                )),
                None => out.push_str(&format!("  {t}: κ {}\n", num(k.and_then(|k| k.value())))),
            }
        }
        out.push('\n');
    }
    // Segments and units, from the excerpts.
    let excerpts = input.of_code(c);
    out.push_str("Excerpts and units (each coder's excerpts merged where they overlap or touch: the units of |uα):\n");
    for (t, info) in input.transcripts.iter().enumerate() {
        let by = input.spans_by_coder(excerpts, t);
        if by.iter().all(Vec::is_empty) {
            continue;
        }
        out.push_str(&format!("  {}:\n", printable(&info.id)));
        for (i, spans) in by.iter().enumerate() {
            let units = merge(spans);
            let listed: Vec<String> = units
                .iter()
                .map(|(s, e)| format!("{s}-{e} ({} chars)", e - s))
                .collect();
            out.push_str(&format!(
                "    {}: {} excerpt(s), {} unit(s){}{}\n",
                name(i),
                spans.len(),
                units.len(),
                if listed.is_empty() { "" } else { ": " },
                listed.join(", ")
            ));
        }
    }
    if let Some(s) = pooled.and_then(|p| p.segment.as_ref()) {
        if let (Some(agreements), Some(a_only), Some(b_only)) = (s.agreements, s.a_only, s.b_only) {
            out.push_str(&format!(
                "Segments (MAXQDA, {} and {}; an excerpt agrees when the other's overlaps at least {:.0}% of their union): {} matched, {} of {} only, {} of {} only: {} agreement, Brennan and Prediger's κ {}.\n",
                name(0),
                name(1.min(input.coders.len().saturating_sub(1))),
                input.segment_overlap * 100.0,
                agreements,
                a_only,
                name(0),
                b_only,
                name(1.min(input.coders.len().saturating_sub(1))),
                percent(s.percent_agreement.value()),
                num(s.kappa_bp.value())
            ));
        } else if input.coders.len() >= 3 {
            out.push_str(&segments_of_pairs(input, c));
            out.push_str(&format!(
                "  the team: the mean over the pairs: {} agreement, Brennan and Prediger's κ {}.\n",
                percent(s.percent_agreement.value()),
                num(s.kappa_bp.value())
            ));
        }
    }
    if let Some(a) = pooled.and_then(|p| p.alpha.as_ref()) {
        out.push_str(&format!(
            "|uα (ATLAS.ti) over the transcripts concatenated: {}.\n",
            num(a.binary_u_alpha.as_ref().and_then(|e| e.value()))
        ));
    }
    if let Some(t) = pooled.and_then(|p| p.turn.as_ref()) {
        out.push_str(&format!(
            "Turns: {} speaker turns; a coder marks the code present on a turn when an excerpt overlaps it: nominal α {}.\n",
            t.turns,
            num(t.alpha.value())
        ));
    }
    let notes = pooled.map(|p| p.notes.clone()).unwrap_or_default();
    if !notes.is_empty() {
        out.push_str("\nLeft out or undefined, and why:\n");
        for n in notes {
            out.push_str(&format!("  {}\n", printable(&n)));
        }
    }
    out
}
