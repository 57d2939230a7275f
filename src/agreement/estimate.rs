//! A coefficient's value, or the reason it has none. Researchers must never
//! read a silent 0, 1 or NaN where a measure is undefined (no variation, one
//! category, nothing coded), so every figure that can be undefined is an
//! [`Estimate`] and says why.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq)]
pub enum Estimate {
    Value(f64),
    /// The measure has no value on these data; the text says why, in the
    /// researcher's words.
    Undefined(String),
}

impl Estimate {
    /// `numerator / denominator`, undefined (with `reason`) when the
    /// denominator is zero.
    pub fn ratio(numerator: f64, denominator: f64, reason: &str) -> Estimate {
        if denominator == 0.0 || !denominator.is_finite() || !numerator.is_finite() {
            Estimate::Undefined(reason.to_string())
        } else {
            Estimate::Value(numerator / denominator)
        }
    }

    pub fn undefined(reason: impl Into<String>) -> Estimate {
        Estimate::Undefined(reason.into())
    }

    pub fn value(&self) -> Option<f64> {
        match self {
            Estimate::Value(v) => Some(*v),
            Estimate::Undefined(_) => None,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Estimate::Value(_) => None,
            Estimate::Undefined(r) => Some(r),
        }
    }

    /// Apply `f` to a value; an undefined estimate stays undefined.
    pub fn map(self, f: impl FnOnce(f64) -> Estimate) -> Estimate {
        match self {
            Estimate::Value(v) => f(v),
            u => u,
        }
    }
}

/// In JSON an undefined estimate is `null`; its reason goes to the row's notes.
/// In a binary form (the derived cache) it is kept whole, reason included.
impl Serialize for Estimate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return Kept::from(self.clone()).serialize(s);
        }
        match self {
            Estimate::Value(v) => s.serialize_f64(*v),
            Estimate::Undefined(_) => s.serialize_none(),
        }
    }
}

/// Read back: whole from a binary form; from JSON, `null` is undefined
/// with no reason (the reason is in the row's notes).
impl<'de> Deserialize<'de> for Estimate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Estimate, D::Error> {
        if !d.is_human_readable() {
            return Kept::deserialize(d).map(Estimate::from);
        }
        Ok(match Option::<f64>::deserialize(d)? {
            Some(v) => Estimate::Value(v),
            None => Estimate::Undefined(String::new()),
        })
    }
}

/// The estimate as it is kept in a binary form.
#[derive(Serialize, Deserialize)]
enum Kept {
    Value(f64),
    Undefined(String),
}

impl From<Estimate> for Kept {
    fn from(e: Estimate) -> Kept {
        match e {
            Estimate::Value(v) => Kept::Value(v),
            Estimate::Undefined(r) => Kept::Undefined(r),
        }
    }
}

impl From<Kept> for Estimate {
    fn from(k: Kept) -> Estimate {
        match k {
            Kept::Value(v) => Estimate::Value(v),
            Kept::Undefined(r) => Estimate::Undefined(r),
        }
    }
}

/// 1 - observed / expected disagreement, the form every alpha and kappa
/// here shares; undefined when no disagreement is expected (no variation).
pub fn one_minus(observed: f64, expected: f64, reason: &str) -> Estimate {
    Estimate::ratio(observed, expected, reason).map(|r| Estimate::Value(1.0 - r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_denominator_is_undefined_with_reason() {
        let e = Estimate::ratio(1.0, 0.0, "no variation");
        assert_eq!(e.value(), None);
        assert_eq!(e.reason(), Some("no variation"));
        assert_eq!(serde_json::to_string(&e).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Estimate::Value(0.5)).unwrap(), "0.5");
        assert_eq!(one_minus(1.0, 4.0, "x").value(), Some(0.75));
    }
}
