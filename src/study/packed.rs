//! Many short texts in one string, for values kept in the derived cache:
//! a vector of strings costs an allocation per item to read back (the
//! millions of coding ids of a large study, the lines of 150,000 review
//! units), one string and its offsets cost two.

use serde::{Deserialize, Serialize};

/// Item `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Packed {
    text: String,
    ends: Vec<usize>,
}

impl Packed {
    /// The items in sorted order (for [`Packed::contains_sorted`]).
    pub fn sorted<'a>(items: impl IntoIterator<Item = &'a str>) -> Packed {
        let mut items: Vec<&str> = items.into_iter().collect();
        items.sort_unstable();
        let mut packed = Packed::default();
        for item in items {
            packed.push(item);
        }
        packed
    }

    pub fn push(&mut self, item: &str) {
        self.text.push_str(item);
        self.ends.push(self.text.len());
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Whether `item` is one of the items, which must be sorted ([`Packed::sorted`]).
    pub fn contains_sorted(&self, item: &str) -> bool {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(item) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_back_as_pushed_and_sorted_ones_are_found() {
        let mut p = Packed::default();
        for s in ["b", "", "ccc", "é"] {
            p.push(s);
        }
        assert_eq!(
            (0..p.len()).map(|i| p.get(i)).collect::<Vec<_>>(),
            ["b", "", "ccc", "é"]
        );
        let ids = Packed::sorted(["c-2", "a-1", "b-10", "b-9"]);
        for id in ["a-1", "b-10", "b-9", "c-2"] {
            assert!(ids.contains_sorted(id), "{id}");
        }
        for id in ["", "a", "b-1", "c-3", "z"] {
            assert!(!ids.contains_sorted(id), "{id}");
        }
        assert!(!Packed::default().contains_sorted("a"));
    }
}
