//! "Review complete": shown when no unit is open. Before reconciliation,
//! the coders' agreement; after, what the consensus is made of and how
//! each unit was settled.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::tui::queue::settlement;
use crate::tui::state::State;
use crate::tui::view::bar;

fn figure(v: Option<f64>, percent: bool) -> String {
    match v {
        Some(v) if percent => format!("{:.1}%", v * 100.0),
        Some(v) => format!("{v:.3}"),
        None => "–".into(),
    }
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let t = &state.theme;
    let Some(data) = &state.data else { return };
    let s = settlement(data);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Review complete: all {} units settled ({} decided, {} agreed by the coders).",
                data.units.len(),
                s.decided,
                s.agreed
            ),
            t.success().patch(t.title()),
        )),
        Line::from(""),
        Line::from(Span::styled(
            "Before reconciliation: the coders' agreement",
            t.title(),
        )),
    ];
    match state.agreement.as_ref().and_then(|a| a.of(None)) {
        Some(f) => {
            let kappa = f.fleiss_kappa.or(f.character_kappa);
            let kind = if f.fleiss_kappa.is_some() {
                "Fleiss' κ"
            } else {
                "Cohen's κ"
            };
            for (name, v, pct) in [
                (format!("character {kind}"), kappa, false),
                ("segment agreement".to_string(), f.segment_agreement, true),
                ("binary |uα".to_string(), f.binary_u_alpha, false),
            ] {
                lines.push(Line::from(vec![
                    Span::raw(format!("  {name:<22}")),
                    Span::styled(bar(v, 20), t.success()),
                    Span::raw(format!(" {}", figure(v, pct))),
                ]));
            }
        }
        None => lines.push(Line::from(Span::styled("  (computing…)", t.dim()))),
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "After: the consensus, and how each unit was settled",
        t.title(),
    )));
    lines.push(Line::from(format!(
        "  {} excerpts in the consensus (decisions' results and agreed units)",
        s.consensus_excerpts
    )));
    lines.push(Line::from(format!(
        "  {:>5}  agreed by every coder (nothing to decide)",
        s.agreed
    )));
    for (what, n) in &s.by_action {
        lines.push(Line::from(format!("  {n:>5}  {what}")));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Every decision is a commit: git log decisions/. The consensus as a REFI-QDA project: concord export qdpx OUT --consensus.",
        t.dim(),
    )));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Review complete ", t.title()))),
        area,
    );
}
