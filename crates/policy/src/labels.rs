//! Content labels ("incitement", "threat") interned per policy, and sets of them as bitsets.

use std::fmt;

/// Most labels one policy may declare.
pub const MAX_LABELS: usize = 128;

/// A set of a policy's labels, one bit each.
///
/// Kept as two 64-bit words rather than a `u128` so that it needs only 8-byte alignment: a
/// scenario's posts carry one each, and a 16-byte alignment would pad every post.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LabelSet([u64; 2]);

impl LabelSet {
    /// No label.
    pub const EMPTY: LabelSet = LabelSet([0; 2]);

    #[inline]
    fn bits(self) -> u128 {
        (u128::from(self.0[1]) << 64) | u128::from(self.0[0])
    }

    #[inline]
    fn from_bits(bits: u128) -> LabelSet {
        // Truncation keeps the low word, by design.
        LabelSet([bits as u64, (bits >> 64) as u64])
    }

    /// The set holding only label number `index`.
    pub fn single(index: usize) -> LabelSet {
        LabelSet::from_bits(1u128.checked_shl(index as u32).unwrap_or(0))
    }

    /// Both sets' labels.
    #[must_use]
    pub fn union(self, other: LabelSet) -> LabelSet {
        let ([a0, a1], [b0, b1]) = (self.0, other.0);
        LabelSet([a0 | b0, a1 | b1])
    }

    /// True when the sets share a label.
    #[inline]
    pub fn intersects(self, other: LabelSet) -> bool {
        let ([a0, a1], [b0, b1]) = (self.0, other.0);
        (a0 & b0) | (a1 & b1) != 0
    }

    /// True when every label of `other` is in `self`.
    #[inline]
    pub fn contains_all(self, other: LabelSet) -> bool {
        let ([a0, a1], [b0, b1]) = (self.0, other.0);
        (b0 & !a0) | (b1 & !a1) == 0
    }

    /// How many labels.
    pub fn len(self) -> u32 {
        self.bits().count_ones()
    }

    /// True for the empty set.
    pub fn is_empty(self) -> bool {
        self.0[0] | self.0[1] == 0
    }

    /// The label numbers in the set, in order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        let mut rest = self.bits();
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(i)
        })
    }
}

/// The labels a policy declares, in order, each with what it means.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelTable {
    names: Vec<String>,
    meanings: Vec<String>,
}

impl LabelTable {
    /// Adds a label; `None` when the table is full.
    pub fn push(&mut self, name: &str, meaning: &str) -> Option<usize> {
        if self.names.len() >= MAX_LABELS {
            return None;
        }
        self.names.push(name.to_owned());
        self.meanings.push(meaning.to_owned());
        Some(self.names.len() - 1)
    }

    /// The number of a label.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The set of the named labels that the policy knows, and the names it does not.
    pub fn set_of<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> (LabelSet, Vec<&'a str>) {
        let mut set = LabelSet::EMPTY;
        let mut unknown = Vec::new();
        for name in names {
            match self.index(name) {
                Some(i) => set = set.union(LabelSet::single(i)),
                None => unknown.push(name),
            }
        }
        (set, unknown)
    }

    /// The names of a set's labels.
    pub fn names_of(&self, set: LabelSet) -> Vec<&str> {
        set.indices()
            .filter_map(|i| self.names.get(i).map(String::as_str))
            .collect()
    }

    /// All names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.names.iter().map(String::as_str)
    }

    /// What a label means.
    pub fn meaning(&self, name: &str) -> Option<&str> {
        self.index(name)
            .and_then(|i| self.meanings.get(i))
            .map(String::as_str)
    }

    /// The number of labels.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when the policy declares no label.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl fmt::Display for LabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_of_names() {
        let mut table = LabelTable::default();
        for name in ["incitement", "threat", "hate"] {
            table.push(name, "");
        }
        let (set, unknown) = table.set_of(["threat", "spam", "hate"]);
        assert_eq!(unknown, ["spam"]);
        assert_eq!(table.names_of(set), ["threat", "hate"]);
        assert!(set.intersects(LabelSet::single(1)));
        assert!(!set.intersects(LabelSet::single(0)));
        assert!(set.contains_all(LabelSet::single(2)));
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn the_table_has_a_limit() {
        let mut table = LabelTable::default();
        for i in 0..MAX_LABELS {
            assert!(table.push(&format!("l{i}"), "").is_some());
        }
        assert_eq!(table.push("one-more", ""), None);
    }
}
