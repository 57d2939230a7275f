//! Which coders have marked a transcript done (`concord code`, `D`), for
//! the unit view's title: a warning when the transcript under review is
//! one a coder has not finished. Shown only for transcripts someone marked
//! done, so a study coded elsewhere (no done marks) is not warned about.

use ratatui::text::Span;

use crate::study::Study;
use crate::study::text::printable;
use crate::tui::theme::Theme;

pub fn done_span(theme: &Theme, study: &Study, transcript: &str) -> Option<Span<'static>> {
    let coders = study.coders();
    let done: Vec<&str> = coders
        .iter()
        .filter(|c| study.is_done(&c.id, transcript))
        .map(|c| c.id.as_str())
        .collect();
    if done.is_empty() {
        return None;
    }
    let not_done: Vec<&str> = coders
        .iter()
        .map(|c| c.id.as_str())
        .filter(|c| !done.contains(c))
        .collect();
    Some(if not_done.is_empty() {
        Span::styled("· every coder done ", theme.success())
    } else {
        Span::styled(
            format!("· ⚠ not done: {} ", printable(&not_done.join(", "))),
            theme.warn(),
        )
    })
}
