//! What a run changes in its policies ([`Overrides`]): clauses taken out, parameters set,
//! judgment calls fixed.

/// What a run changes in its policies: clauses taken out, parameters set, judgment calls
/// read one way or the other.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Clause ids taken out (`--without`).
    pub without: Vec<String>,
    /// Parameters set (`--set NAME=VALUE`).
    pub set: Vec<(String, String)>,
    /// Judgment calls fixed (`--assume NAME=true|false`).
    pub assume: Vec<(String, bool)>,
}

impl Overrides {
    /// True when nothing is changed.
    pub fn is_empty(&self) -> bool {
        self.without.is_empty() && self.set.is_empty() && self.assume.is_empty()
    }
}
