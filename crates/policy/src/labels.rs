//! Content labels ("incitement", "threat") interned per policy, and sets of them as bitsets.

use std::fmt;

/// Most labels one policy may declare: real taxonomies run to hundreds, generated ones to
/// thousands.
pub const MAX_LABELS: usize = 16_384;

/// Labels a set holds without a heap allocation: the first 128 (two words).
const INLINE: usize = 128;

/// A set of a policy's labels, one bit each.
///
/// Sets of the first 128 labels are kept inline as two 64-bit words (8-byte aligned, so a
/// scenario's posts, which carry one each, are not padded), and every operation on two inline
/// sets is the two-word one; a set holding a later label keeps its words on the heap. The form
/// is canonical (a set whose labels are all below 128 is always inline, a heap set has no
/// trailing zero word), so equal sets compare and hash equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LabelSet(Words);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Words {
    Inline([u64; 2]),
    Heap(Box<[u64]>),
}

impl Default for LabelSet {
    fn default() -> LabelSet {
        LabelSet::EMPTY
    }
}

impl LabelSet {
    /// No label.
    pub const EMPTY: LabelSet = LabelSet(Words::Inline([0; 2]));

    #[inline]
    fn words(&self) -> &[u64] {
        match &self.0 {
            Words::Inline(w) => w,
            Words::Heap(w) => w,
        }
    }

    /// The set of `words`, in its canonical form.
    fn from_words(mut words: Vec<u64>) -> LabelSet {
        while words.len() > 2 && words.last() == Some(&0) {
            words.pop();
        }
        match words.as_slice() {
            [] => LabelSet::EMPTY,
            [a] => LabelSet(Words::Inline([*a, 0])),
            [a, b] => LabelSet(Words::Inline([*a, *b])),
            _ => LabelSet(Words::Heap(words.into_boxed_slice())),
        }
    }

    /// The set holding only label number `index` (empty past [`MAX_LABELS`]).
    pub fn single(index: usize) -> LabelSet {
        LabelSet::from_indices([index])
    }

    /// The set of label numbers `indices` (those past [`MAX_LABELS`] left out). Allocates only
    /// when one is past the first 128.
    pub fn from_indices(indices: impl IntoIterator<Item = usize>) -> LabelSet {
        let mut inline = [0u64; 2];
        let mut wide: Option<Vec<u64>> = None;
        for index in indices {
            let (word, bit) = (index / 64, 1u64 << (index % 64));
            if index < INLINE {
                if let Some(w) = inline.get_mut(word) {
                    *w |= bit;
                }
            } else if index < MAX_LABELS {
                let words = wide.get_or_insert_with(Vec::new);
                if words.len() <= word {
                    words.resize(word + 1, 0);
                }
                if let Some(w) = words.get_mut(word) {
                    *w |= bit;
                }
            }
        }
        match wide {
            None => LabelSet(Words::Inline(inline)),
            Some(mut words) => {
                for (w, i) in words.iter_mut().zip(inline) {
                    *w |= i;
                }
                LabelSet::from_words(words)
            }
        }
    }

    /// Both sets' labels.
    #[must_use]
    pub fn union(self, other: LabelSet) -> LabelSet {
        if let (Words::Inline([a0, a1]), Words::Inline([b0, b1])) = (&self.0, &other.0) {
            return LabelSet(Words::Inline([a0 | b0, a1 | b1]));
        }
        let (a, b) = (self.words(), other.words());
        let words = (0..a.len().max(b.len()))
            .map(|i| a.get(i).copied().unwrap_or(0) | b.get(i).copied().unwrap_or(0))
            .collect();
        LabelSet::from_words(words)
    }

    /// Adds `other`'s labels.
    pub fn union_with(&mut self, other: &LabelSet) {
        if let (Words::Inline([a0, a1]), Words::Inline([b0, b1])) = (&mut self.0, &other.0) {
            *a0 |= b0;
            *a1 |= b1;
            return;
        }
        *self = std::mem::take(self).union(other.clone());
    }

    /// Adds label number `index` (nothing past [`MAX_LABELS`]).
    pub fn insert(&mut self, index: usize) {
        if index < INLINE
            && let Words::Inline(words) = &mut self.0
        {
            if let Some(w) = words.get_mut(index / 64) {
                *w |= 1 << (index % 64);
            }
            return;
        }
        *self = std::mem::take(self).union(LabelSet::single(index));
    }

    /// True when the set holds label number `index`.
    #[inline]
    pub fn contains(&self, index: usize) -> bool {
        self.words()
            .get(index / 64)
            .is_some_and(|w| w & (1 << (index % 64)) != 0)
    }

    /// True when the sets share a label.
    #[inline]
    pub fn intersects(&self, other: &LabelSet) -> bool {
        if let (Words::Inline([a0, a1]), Words::Inline([b0, b1])) = (&self.0, &other.0) {
            return (a0 & b0) | (a1 & b1) != 0;
        }
        self.words()
            .iter()
            .zip(other.words())
            .any(|(a, b)| a & b != 0)
    }

    /// True when every label of `other` is in `self`.
    #[inline]
    pub fn contains_all(&self, other: &LabelSet) -> bool {
        if let (Words::Inline([a0, a1]), Words::Inline([b0, b1])) = (&self.0, &other.0) {
            return (b0 & !a0) | (b1 & !a1) == 0;
        }
        let a = self.words();
        other
            .words()
            .iter()
            .enumerate()
            .all(|(i, b)| b & !a.get(i).copied().unwrap_or(0) == 0)
    }

    /// How many labels.
    pub fn len(&self) -> u32 {
        self.words().iter().map(|w| w.count_ones()).sum()
    }

    /// True for the empty set.
    pub fn is_empty(&self) -> bool {
        self.words().iter().all(|w| *w == 0)
    }

    /// The label numbers in the set, in order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.words().iter().enumerate().flat_map(|(i, word)| {
            let mut rest = *word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

/// The labels a policy declares, in order, each with what it means.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelTable {
    names: Vec<String>,
    meanings: Vec<String>,
    /// Each name's number, so that a policy of thousands of labels finds one without a scan.
    numbers: std::collections::HashMap<String, usize>,
}

impl LabelTable {
    /// Adds a label; `None` when the table is full.
    pub fn push(&mut self, name: &str, meaning: &str) -> Option<usize> {
        if self.names.len() >= MAX_LABELS {
            return None;
        }
        let number = self.names.len();
        self.names.push(name.to_owned());
        self.meanings.push(meaning.to_owned());
        self.numbers.entry(name.to_owned()).or_insert(number);
        Some(number)
    }

    /// The number of a label.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.numbers.get(name).copied()
    }

    /// The set of the named labels that the policy knows, and the names it does not.
    pub fn set_of<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> (LabelSet, Vec<&'a str>) {
        let mut set = LabelSet::EMPTY;
        let mut unknown = Vec::new();
        for name in names {
            match self.index(name) {
                Some(i) => set.insert(i),
                None => unknown.push(name),
            }
        }
        (set, unknown)
    }

    /// The names of a set's labels.
    pub fn names_of(&self, set: &LabelSet) -> Vec<&str> {
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
    /// The set as one hexadecimal number, label 0 its lowest bit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = self.words();
        match words.iter().rposition(|w| *w != 0) {
            None => f.write_str("0x0"),
            Some(top) => {
                write!(f, "{:#x}", words.get(top).copied().unwrap_or(0))?;
                for word in words.iter().take(top).rev() {
                    write!(f, "{word:016x}")?;
                }
                Ok(())
            }
        }
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
        assert_eq!(table.names_of(&set), ["threat", "hate"]);
        assert!(set.intersects(&LabelSet::single(1)));
        assert!(!set.intersects(&LabelSet::single(0)));
        assert!(set.contains_all(&LabelSet::single(2)));
        assert_eq!(set.len(), 2);
    }

    /// Sets past the first 128 labels behave as the inline ones, compare equal whatever their
    /// history, and print as one number.
    #[test]
    fn wide_sets() {
        let wide = LabelSet::single(4_999).union(LabelSet::single(3));
        assert_eq!(wide.indices().collect::<Vec<_>>(), [3, 4_999]);
        assert!(wide.intersects(&LabelSet::single(4_999)));
        assert!(!wide.intersects(&LabelSet::single(4_998)));
        assert!(wide.contains_all(&LabelSet::single(3)));
        assert!(!LabelSet::single(3).contains_all(&wide));
        assert!(wide.contains(4_999) && wide.contains(3) && !wide.contains(4));
        assert_eq!(wide.len(), 2);
        assert_eq!(LabelSet::from_indices([4_999, 3]), wide);
        let mut built = LabelSet::EMPTY;
        built.insert(3);
        built.insert(200);
        assert_eq!(built.clone().union(LabelSet::EMPTY), built);
        assert!(matches!(
            LabelSet::from_indices([3, 127]).0,
            Words::Inline(_)
        ));
        assert!(matches!(wide.0, Words::Heap(_)));
        assert_eq!(LabelSet::single(64).to_string(), "0x10000000000000000");
        assert_eq!(
            LabelSet::single(130).union(LabelSet::single(0)).to_string(),
            format!("0x4{:016x}{:016x}", 0, 1)
        );
        assert_eq!(LabelSet::single(MAX_LABELS), LabelSet::EMPTY);
        assert!(LabelSet::single(MAX_LABELS - 1).contains(MAX_LABELS - 1));
    }

    /// A set built past 128 labels and one built within them are the same value when they
    /// hold the same labels: the form is canonical.
    #[test]
    fn the_form_is_canonical() {
        let mut words = LabelSet::single(200)
            .union(LabelSet::single(3))
            .words()
            .to_vec();
        if let Some(w) = words.get_mut(3) {
            *w = 0;
        }
        assert_eq!(LabelSet::from_words(words), LabelSet::single(3));
        assert_eq!(LabelSet::from_words(vec![0; 9]), LabelSet::EMPTY);
    }

    #[test]
    fn the_table_has_a_limit() {
        let mut table = LabelTable::default();
        for i in 0..MAX_LABELS {
            assert!(table.push(&format!("l{i}"), "").is_some());
        }
        assert_eq!(
            table.index(&format!("l{}", MAX_LABELS - 1)),
            Some(MAX_LABELS - 1)
        );
        assert_eq!(table.push("one-more", ""), None);
    }
}
