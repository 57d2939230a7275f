//! Review units: where coders' excerpts meet.
