//! The rules an event can touch, found by the post's labels rather than by a pass over every
//! rule (issue 12 item 7: a policy of 1,000 clauses costs an event about what one of 10 does).
//!
//! A condition's *label guard* ([`Cond::label_guard`]) is a set of labels one of which a post
//! must carry for the condition to hold. A [`RulesByLabel`] lists, for each label, the rules
//! whose guard holds it, and apart the rules with no guard; the rules a post can touch are
//! those with no guard and those listed under one of its labels, in the policy's order. A
//! compiled policy keeps its prohibitions and duties so ([`crate::model::RuleIndex`]).

use crate::LabelSet;
use crate::condition::Cond;

/// No rules.
pub(crate) static NO_RULES: RulesByLabel = RulesByLabel {
    unguarded: Vec::new(),
    starts: Vec::new(),
    guarded: Vec::new(),
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
    ) -> &'a [u32] {
        match labels {
            Some(labels) => self.touched_by(labels.indices(), scratch),
            None => &self.unguarded,
        }
    }

    /// The same, for a post whose labels are given by number (as a scenario's, translated one
    /// by one): no set is built.
    #[inline]
    pub fn touched_by<'a>(
        &'a self,
        labels: impl Iterator<Item = usize>,
        scratch: &'a mut Vec<u32>,
    ) -> &'a [u32] {
        if !self.reads_labels() {
            return &self.unguarded;
        }
        scratch.clear();
        scratch.extend_from_slice(&self.unguarded);
        let mut sources = usize::from(!self.unguarded.is_empty());
        for label in labels {
            let (Some(&start), Some(&end)) = (self.starts.get(label), self.starts.get(label + 1))
            else {
                continue;
            };
            if let Some(rules) = self.guarded.get(start as usize..end as usize)
                && !rules.is_empty()
            {
                scratch.extend_from_slice(rules);
                sources += 1;
            }
        }
        if sources > 1 {
            scratch.sort_unstable();
            scratch.dedup();
        }
        scratch
    }
}

#[cfg(test)]
mod tests {
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

    /// A post touches the rules with no guard and those its labels let apply, in the
    /// policy's order, each once.
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
        let by = p.index.prohibitions();
        let mut scratch = Vec::new();
        let mut touched = |labels: &[usize]| {
            by.touched(
                Some(&crate::LabelSet::from_indices(labels.iter().copied())),
                &mut scratch,
            )
            .to_vec()
        };
        assert_eq!(touched(&[]), [1, 4]);
        assert_eq!(touched(&[0]), [0, 1, 3, 4, 5]);
        assert_eq!(touched(&[1]), [1, 2, 4]);
        assert_eq!(touched(&[0, 1, 2]), [0, 1, 2, 3, 4, 5]);
        // `"a" && "c"` is filed under `a` alone.
        assert_eq!(touched(&[2]), [1, 3, 4]);
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
            let touched = p
                .index
                .prohibitions()
                .touched(Some(&labels), &mut scratch)
                .to_vec();
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
