//! Content labels ("incitement", "threat") interned per policy, and sets of them as bitsets.

use std::fmt;

/// Most labels one policy may declare: real taxonomies run to hundreds, generated ones to
/// thousands.
pub const MAX_LABELS: usize = 16_384;

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
    #[inline]
    pub fn single(index: usize) -> LabelSet {
        let mut set = LabelSet::EMPTY;
        set.insert(index);
        set
    }

    /// The set of label numbers `indices` (those past [`MAX_LABELS`] left out). Allocates only
    /// when one is past the first 128.
    #[inline]
    pub fn from_indices(indices: impl IntoIterator<Item = usize>) -> LabelSet {
        let mut inline = [0u64; 2];
        let mut indices = indices.into_iter();
        while let Some(index) = indices.next() {
            match inline.get_mut(index / 64) {
                Some(w) => *w |= 1 << (index % 64),
                None => return LabelSet::from_wide_indices(inline, index, indices),
            }
        }
        LabelSet(Words::Inline(inline))
    }

    /// The rest of [`LabelSet::from_indices`] once an index past the first 128 is met: the
    /// inline words so far, that index, and the ones still to read.
    #[cold]
    fn from_wide_indices(
        inline: [u64; 2],
        first: usize,
        rest: impl Iterator<Item = usize>,
    ) -> LabelSet {
        let mut words = inline.to_vec();
        for index in std::iter::once(first).chain(rest) {
            if index >= MAX_LABELS {
                continue;
            }
            let word = index / 64;
            if words.len() <= word {
                words.resize(word + 1, 0);
            }
            if let Some(w) = words.get_mut(word) {
                *w |= 1 << (index % 64);
            }
        }
        LabelSet::from_words(words)
    }

    /// Both sets' labels.
    #[must_use]
    #[inline]
    pub fn union(mut self, other: LabelSet) -> LabelSet {
        self.union_with(&other);
        self
    }

    /// Adds `other`'s labels.
    #[inline]
    pub fn union_with(&mut self, other: &LabelSet) {
        if let (Words::Inline([a0, a1]), Words::Inline([b0, b1])) = (&mut self.0, &other.0) {
            *a0 |= b0;
            *a1 |= b1;
            return;
        }
        self.union_wide(other);
    }

    /// [`LabelSet::union_with`] when either set holds a label past the first 128.
    #[cold]
    fn union_wide(&mut self, other: &LabelSet) {
        let (a, b) = (self.words(), other.words());
        let words = (0..a.len().max(b.len()))
            .map(|i| a.get(i).copied().unwrap_or(0) | b.get(i).copied().unwrap_or(0))
            .collect();
        *self = LabelSet::from_words(words);
    }

    /// Adds label number `index` (nothing past [`MAX_LABELS`]).
    #[inline]
    pub fn insert(&mut self, index: usize) {
        if let Words::Inline(words) = &mut self.0
            && let Some(w) = words.get_mut(index / 64)
        {
            *w |= 1 << (index % 64);
            return;
        }
        self.insert_wide(index);
    }

    /// [`LabelSet::insert`] of a label past the first 128, or into a set that holds one.
    #[cold]
    fn insert_wide(&mut self, index: usize) {
        self.union_wide(&LabelSet::from_indices([index]));
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
    #[inline]
    pub fn indices(&self) -> Indices<'_> {
        match &self.0 {
            Words::Inline([a, b]) => Indices {
                rest: u128::from(*a) | u128::from(*b) << 64,
                base: 0,
                words: &[],
            },
            // Nothing read yet: the first refill brings the first 128 labels, at 0.
            Words::Heap(words) => Indices {
                rest: 0,
                base: 0usize.wrapping_sub(128),
                words,
            },
        }
    }
}

/// The label numbers of a [`LabelSet`], in order: [`LabelSet::indices`].
#[derive(Clone, Debug)]
pub struct Indices<'a> {
    /// The bits not yet given of the 128 labels from label number `base`.
    rest: u128,
    base: usize,
    /// The words after those (a heap set's, all of them before the first is read).
    words: &'a [u64],
}

impl Iterator for Indices<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.rest == 0 {
            self.next_words()?;
        }
        let bit = self.rest.trailing_zeros() as usize;
        self.rest &= self.rest - 1;
        Some(self.base + bit)
    }
}

impl Indices<'_> {
    /// Moves on to the next 128 labels of a heap set; `None` past its last word.
    #[cold]
    fn next_words(&mut self) -> Option<()> {
        let (low, high, rest) = match self.words {
            [] => return None,
            [low] => (*low, 0, &[][..]),
            [low, high, rest @ ..] => (*low, *high, rest),
        };
        self.base = self.base.wrapping_add(128);
        self.rest = u128::from(low) | u128::from(high) << 64;
        self.words = rest;
        Some(())
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

    /// Every way of building a set (from indices, by insertion, by union, each in any order)
    /// agrees with an ordered set of numbers, inline and wide, and gives its indices back.
    #[test]
    fn sets_agree_with_a_set_of_numbers() {
        use std::collections::BTreeSet;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below) as usize
        };
        for round in 0..400 {
            // Half the rounds stay within the inline words, half reach past them.
            let below = if round % 2 == 0 { 128 } else { 600 };
            let picked: Vec<usize> = (0..next(6)).map(|_| next(below)).collect();
            let model: BTreeSet<usize> = picked.iter().copied().collect();
            let built = LabelSet::from_indices(picked.iter().copied());
            let mut inserted = LabelSet::EMPTY;
            for &i in picked.iter().rev() {
                inserted.insert(i);
            }
            let united = picked
                .iter()
                .fold(LabelSet::EMPTY, |s, &i| LabelSet::single(i).union(s));
            assert_eq!(built, inserted, "{picked:?}");
            assert_eq!(built, united, "{picked:?}");
            assert_eq!(built.indices().collect::<BTreeSet<_>>(), model);
            assert!(built.indices().collect::<Vec<_>>().is_sorted());
            assert_eq!(built.len() as usize, model.len());
            assert_eq!(built.is_empty(), model.is_empty());
            assert_eq!(
                matches!(built.0, Words::Inline(_)),
                model.iter().all(|&i| i < 128)
            );
        }
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
