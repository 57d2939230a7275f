//! A problem found in a study: where it is and what to do about it.

use std::fmt;

/// Where a problem is: a study-relative file, and a 1-based line and column
/// (columns count characters, as editors do). Line 0 means the whole file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: file.into(),
            line: 1,
            column: 1,
        }
    }
    pub fn at(file: impl Into<String>, line: usize, column: usize) -> Location {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

/// One thing wrong with a study, worded for the researcher who must fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Problem {
    pub fn new(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem {
            location,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// `file:line:column: what is wrong — what to do`, with the file shown
    /// under `prefix` (the study folder as the user named it).
    pub fn display_with_prefix(&self, prefix: &str) -> String {
        let file = if prefix.is_empty() || prefix == "." {
            self.location.file.clone()
        } else {
            format!("{}/{}", prefix.trim_end_matches('/'), self.location.file)
        };
        format!(
            "{}:{}:{}: {} — {}",
            file, self.location.line, self.location.column, self.message, self.hint
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_with_prefix(""))
    }
}
