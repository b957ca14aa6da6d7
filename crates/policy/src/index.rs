//! The rules an event can touch, found by the post's labels rather than by a pass over every
//! rule (issue 12 item 7: a policy of 1,000 clauses costs an event about what one of 10 does).
//!
//! A condition's *label guard* ([`Cond::label_guard`]) is a set of labels one of which a post
//! must carry for the condition to hold. A [`RulesByLabel`] lists, for each label, the rules
//! whose guard holds it, and apart the rules with no guard; the rules a post can touch are
//! those with no guard and those listed under one of its labels, in the policy's order. A
//! compiled policy keeps its prohibitions and duties so ([`crate::model::RuleIndex`]).
//!
//! Most kinds hold few rules (the shipped policies, at most a dozen): while every rule of a
//! kind is numbered below 64, each label also keeps its rules as the bits of one word, and the
//! rules a post touches are the union of its labels' words, given in order without a list
//! being built ([`Touched`]).

use crate::LabelSet;
use crate::condition::Cond;

/// No rules.
pub(crate) static NO_RULES: RulesByLabel = RulesByLabel {
    unguarded: Vec::new(),
    starts: Vec::new(),
    guarded: Vec::new(),
    bits: Some(Bits {
        unguarded: 0,
        by_label: Vec::new(),
    }),
};

/// Some rules of a policy (by number, in its order), by the labels that let them apply.
#[derive(Clone, Debug, Default)]
pub struct RulesByLabel {
    /// The rules whose condition needs no label.
    unguarded: Vec<u32>,
    /// Where each label's rules start in `guarded` (one more entry than labels).
    starts: Vec<u32>,
    /// Each label's rules, label after label, each label's in order.
    guarded: Vec<u32>,
    /// The same as bits (rule `i`, bit `i`), while every rule is numbered below 64.
    bits: Option<Bits>,
}

/// [`RulesByLabel`]'s rules as the bits of a word: the rules with no guard, and each label's.
#[derive(Clone, Debug, Default)]
struct Bits {
    unguarded: u64,
    by_label: Vec<u64>,
}

impl Bits {
    /// The rules `rules` as bits, when every one is numbered below 64.
    fn of(unguarded: &[u32], per_label: &[Vec<u32>]) -> Option<Bits> {
        let word = |rules: &[u32]| {
            rules
                .iter()
                .try_fold(0u64, |word, &i| (i < 64).then(|| word | 1 << i))
        };
        Some(Bits {
            unguarded: word(unguarded)?,
            by_label: per_label.iter().map(|l| word(l)).collect::<Option<_>>()?,
        })
    }
}

/// The rules a post can touch, by number in the policy's order: what
/// [`RulesByLabel::touched_by`] gives.
#[derive(Clone, Debug)]
pub enum Touched<'a> {
    /// A list.
    Listed(std::slice::Iter<'a, u32>),
    /// Rule `i` where bit `i` is set.
    Bits(u64),
}

impl<'a> Touched<'a> {
    /// The rules of `list`.
    pub fn listed(list: &'a [u32]) -> Touched<'a> {
        Touched::Listed(list.iter())
    }
}

impl Iterator for Touched<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            Touched::Listed(list) => list.next().copied(),
            Touched::Bits(0) => None,
            Touched::Bits(bits) => {
                let i = bits.trailing_zeros();
                *bits &= *bits - 1;
                Some(i)
            }
        }
    }
}

impl RulesByLabel {
    /// The rules `rules` (each numbered, with its condition), over a policy of `labels`
    /// labels.
    pub fn new<'r, R: 'r>(
        rules: impl Iterator<Item = (usize, &'r R)>,
        cond: impl Fn(&R) -> &Cond,
        labels: usize,
    ) -> RulesByLabel {
        let mut unguarded = Vec::new();
        let mut per_label: Vec<Vec<u32>> = Vec::new();
        for (i, rule) in rules {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            match cond(rule).label_guard() {
                None => unguarded.push(i),
                Some(guard) => {
                    for label in guard.indices() {
                        if per_label.len() <= label {
                            per_label.resize_with(label + 1, Vec::new);
                        }
                        if let Some(list) = per_label.get_mut(label) {
                            list.push(i);
                        }
                    }
                }
            }
        }
        if per_label.is_empty() {
            return RulesByLabel {
                unguarded,
                ..RulesByLabel::default()
            };
        }
        per_label.resize_with(labels.max(per_label.len()), Vec::new);
        let bits = Bits::of(&unguarded, &per_label);
        let mut starts = Vec::with_capacity(per_label.len() + 1);
        let mut guarded = Vec::new();
        for list in per_label {
            starts.push(u32::try_from(guarded.len()).unwrap_or(u32::MAX));
            guarded.extend(list);
        }
        starts.push(u32::try_from(guarded.len()).unwrap_or(u32::MAX));
        RulesByLabel {
            unguarded,
            starts,
            guarded,
            bits,
        }
    }

    /// True when there are no such rules.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.unguarded.is_empty() && self.guarded.is_empty()
    }

    /// The rules whose condition needs no label: all of them, when
    /// [`RulesByLabel::reads_labels`] is false.
    #[inline]
    pub fn unguarded(&self) -> &[u32] {
        &self.unguarded
    }

    /// True when some rule needs a label: [`RulesByLabel::touched`] then reads the post's.
    #[inline]
    pub fn reads_labels(&self) -> bool {
        !self.guarded.is_empty()
    }

    /// The rules a post carrying `labels` can touch, in order: the rules that need no label,
    /// and those under one of its labels. `labels` is read only when some rule needs a label
    /// ([`RulesByLabel::reads_labels`]; pass `None` otherwise); `scratch` holds the list when
    /// it has to be built.
    #[inline]
    pub fn touched<'a>(
        &'a self,
        labels: Option<&LabelSet>,
        scratch: &'a mut Vec<u32>,
    ) -> Touched<'a> {
        match labels {
            Some(labels) => self.touched_by(labels.indices(), scratch),
            None => Touched::listed(&self.unguarded),
        }
    }

    /// The same, for a post whose labels are given by number (as a scenario's, translated one
    /// by one): no set is built.
    #[inline]
    pub fn touched_by<'a>(
        &'a self,
        labels: impl Iterator<Item = usize>,
        scratch: &'a mut Vec<u32>,
    ) -> Touched<'a> {
        if !self.reads_labels() {
            return Touched::listed(&self.unguarded);
        }
        if let Some(bits) = &self.bits {
            let mut touched = bits.unguarded;
            for label in labels {
                touched |= bits.by_label.get(label).copied().unwrap_or(0);
            }
            return Touched::Bits(touched);
        }
        Touched::listed(self.listed(labels, scratch))
    }

    /// [`RulesByLabel::touched_by`] as a list, for kinds with rules numbered past 64.
    fn listed<'a>(
        &'a self,
        labels: impl Iterator<Item = usize>,
        scratch: &'a mut Vec<u32>,
    ) -> &'a [u32] {
        // While one list alone applies (the usual post: one label, several labels under the
        // same rules, or only unguarded rules), it is returned as it stands; a different
        // second one merges them in `scratch`.
        let mut only: &'a [u32] = &self.unguarded;
        let mut merged = false;
        for label in labels {
            let (Some(&start), Some(&end)) = (self.starts.get(label), self.starts.get(label + 1))
            else {
                continue;
            };
            let Some(rules) = self.guarded.get(start as usize..end as usize) else {
                continue;
            };
            if rules.is_empty() {
                continue;
            }
            if !merged && (only.is_empty() || only == rules) {
                only = rules;
                continue;
            }
            if !merged {
                scratch.clear();
                scratch.extend_from_slice(only);
                merged = true;
            }
            scratch.extend_from_slice(rules);
        }
        if !merged {
            return only;
        }
        scratch.sort_unstable();
        scratch.dedup();
        scratch
    }
}

#[cfg(test)]
mod tests {
    use super::RulesByLabel;
    use crate::{Overrides, PolicyDoc};

    fn policy(clauses: &str) -> crate::Policy {
        let text = format!(
            "[policy]\nid = \"t\"\ntitle = \"t\"\nsource = \"s\"\n\n[roles]\nhost = \"h\"\ncustomer = \"c\"\n\n[labels]\na = \"a\"\nb = \"b\"\nc = \"c\"\n{clauses}"
        );
        PolicyDoc::parse("t.toml", &text)
            .unwrap()
            .compile(&Overrides::default())
            .unwrap()
            .0
    }

    fn prohibition(id: &str, cond: &str) -> String {
        format!(
            "\n[[clause]]\nid = \"{id}\"\ntitle = \"t\"\ntext = \"t\"\nsource = \"s\"\nmark = \"invented\"\nprohibits = '{cond}'\n"
        )
    }

    /// Both forms of an index: as built (bits, for these small policies), and as lists alone
    /// (the form of kinds with rules numbered past 64).
    fn both_forms(by: &RulesByLabel) -> [RulesByLabel; 2] {
        assert!(by.bits.is_some() || !by.reads_labels());
        let listed = RulesByLabel {
            bits: None,
            ..by.clone()
        };
        [by.clone(), listed]
    }

    /// What `by` touches for a post carrying the labels numbered `labels`.
    fn touched(by: &RulesByLabel, labels: &[usize]) -> Vec<u32> {
        let mut scratch = Vec::new();
        let labels = crate::LabelSet::from_indices(labels.iter().copied());
        by.touched(Some(&labels), &mut scratch).collect()
    }

    /// A post touches the rules with no guard and those its labels let apply, in the
    /// policy's order, each once; in both forms of the index.
    #[test]
    fn a_post_touches_the_rules_its_labels_let_apply() {
        let p = policy(
            &[
                prohibition("0", r#""a" in post.labels"#),
                prohibition("1", "post.severity > 3"),
                prohibition("2", r#""b" in post.labels && post.reported"#),
                prohibition("3", r#""a" in post.labels || "c" in post.labels"#),
                prohibition("4", r#"!("a" in post.labels)"#),
                prohibition(
                    "5",
                    r#""a" in post.labels && "c" in post.labels && post.reach > 2"#,
                ),
            ]
            .concat(),
        );
        for by in both_forms(p.index.prohibitions()) {
            assert_eq!(touched(&by, &[]), [1, 4]);
            assert_eq!(touched(&by, &[0]), [0, 1, 3, 4, 5]);
            assert_eq!(touched(&by, &[1]), [1, 2, 4]);
            assert_eq!(touched(&by, &[0, 1, 2]), [0, 1, 2, 3, 4, 5]);
            // `"a" && "c"` is filed under `a` alone.
            assert_eq!(touched(&by, &[2]), [1, 3, 4]);
        }

        // Without unguarded rules: one label's list as it stands, two merged in order.
        let p = policy(
            &[
                prohibition("0", r#""b" in post.labels"#),
                prohibition("1", r#""a" in post.labels"#),
                prohibition("2", r#""b" in post.labels || "a" in post.labels"#),
            ]
            .concat(),
        );
        for by in both_forms(p.index.prohibitions()) {
            assert_eq!(touched(&by, &[]), [0u32; 0]);
            assert_eq!(touched(&by, &[0]), [1, 2]);
            assert_eq!(touched(&by, &[1]), [0, 2]);
            assert_eq!(touched(&by, &[0, 1]), [0, 1, 2]);
            assert_eq!(touched(&by, &[2]), [0u32; 0]);
        }

        // Two labels under the same rules (one `exists` over both) touch them once.
        let p = policy(&prohibition(
            "0",
            r#"post.labels.exists(l, l in ["a", "b"])"#,
        ));
        for by in both_forms(p.index.prohibitions()) {
            assert_eq!(touched(&by, &[0, 1]), [0]);
        }
    }

    /// A kind with a rule numbered 64 or more keeps lists alone, and touches as the bits do.
    #[test]
    fn a_kind_of_more_than_64_rules_keeps_lists() {
        let clauses: Vec<String> = (0..70)
            .map(|i| {
                let label = ["a", "b", "c"][i % 3];
                prohibition(&i.to_string(), &format!(r#""{label}" in post.labels"#))
            })
            .collect();
        let p = policy(&clauses.concat());
        let by = p.index.prohibitions();
        assert!(by.bits.is_none());
        let expected: Vec<u32> = (0..70).filter(|i| i % 3 != 1).collect();
        assert_eq!(touched(by, &[0, 2]), expected);
        assert_eq!(touched(by, &[1]).len(), 23);
    }

    /// The law the index rests on: a rule that holds for a post is among those the post
    /// touches, for every set of labels and flags, on conditions of every shape.
    #[test]
    fn a_rule_that_holds_is_always_touched() {
        use crate::condition::{Env, NoState, PostView};
        let conditions = [
            r#""a" in post.labels"#,
            r#""a" in post.labels && "b" in post.labels"#,
            r#"("a" in post.labels || "b" in post.labels) && post.reported"#,
            r#"("a" in post.labels && post.removed) || ("c" in post.labels && !post.reported)"#,
            r#"("a" in post.labels && post.removed) || post.reported"#,
            r#"!("a" in post.labels) && ("b" in post.labels || "c" in post.labels)"#,
            r#"post.labels.exists(l, l in ["a", "c"]) && size(post.labels) > 1"#,
            r#"post.reported || !post.removed"#,
            "false",
        ];
        let clauses: Vec<String> = conditions
            .iter()
            .enumerate()
            .map(|(i, c)| prohibition(&i.to_string(), c))
            .collect();
        let p = policy(&clauses.concat());
        let mut scratch = Vec::new();
        let now = jiff::Timestamp::UNIX_EPOCH;
        for bits in 0..32u32 {
            let labels = crate::LabelSet::from_indices((0..3).filter(|i| bits & (1 << i) != 0));
            let [as_bits, listed] = both_forms(p.index.prohibitions());
            let touched: Vec<u32> = as_bits.touched(Some(&labels), &mut scratch).collect();
            assert_eq!(
                listed
                    .touched(Some(&labels), &mut scratch)
                    .collect::<Vec<_>>(),
                touched
            );
            let view = PostView {
                id: "p",
                author: "",
                labels,
                severity: 0,
                reach: 0,
                published: now,
                reported: bits & 8 != 0,
                removed: bits & 16 != 0,
                prohibited: false,
            };
            let facts = NoState {
                assumptions: &[],
                params: &[],
            };
            let env = Env {
                now,
                post: Some(&view),
                facts: &facts,
            };
            for (i, rule) in p.prohibitions.iter().enumerate() {
                if rule.condition.eval(&env) {
                    assert!(
                        touched.contains(&(i as u32)),
                        "`{}` at {bits:05b}",
                        conditions[i]
                    );
                }
            }
        }
    }
}
