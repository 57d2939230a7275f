//! Why an exchange file could not be taken in or written.

/// A problem with an exchange file, located and worded for the researcher:
/// which file (and entry inside an archive), where it broke, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message} — {hint}")]
pub struct InteropError {
    /// `FILE.qdpx`, `FILE.qdpx:project.qde:12:5`, ...
    pub place: String,
    pub message: String,
    pub hint: String,
}

impl InteropError {
    pub fn new(
        place: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> InteropError {
        InteropError {
            place: place.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The same error, placed inside `outer` (an archive's file name).
    pub fn inside(mut self, outer: &str) -> InteropError {
        self.place = format!("{outer}:{}", self.place);
        self
    }
}
