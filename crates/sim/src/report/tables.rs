//! The tables explanation steps refer to: each policy's clauses with what they create, the
//! timeline's events, the posts the trees name, and reports per day.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use modsim_policy::{Mark, Policy};
use serde::Serialize;

use crate::explanation::{EventId, HistoryRef, Node, NoticeTerms, SubjectRef, event_id};
use crate::outcome::{Cause, Outcome};
use crate::scenario::{PostId, Scenario};

/// A clause of a policy: its words, and the prohibition, duty or power it creates.
#[derive(Clone, Debug, Serialize)]
pub struct ClauseInfo {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// A paraphrase of its text.
    pub text: String,
    /// Where the text comes from.
    pub source: String,
    /// How sure we are of its wording.
    pub mark: Mark,
    /// Taken out for this run.
    pub taken_out: bool,
    /// The content it prohibits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prohibition: Option<ProhibitionTerms>,
    /// The duty it creates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty: Option<DutyTerms>,
    /// The power it creates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<PowerTerms>,
}

/// What a prohibition covers.
#[derive(Clone, Debug, Serialize)]
pub struct ProhibitionTerms {
    /// Its condition, as written.
    pub condition: String,
}

/// What a duty asks.
#[derive(Clone, Debug, Serialize)]
pub struct DutyTerms {
    /// The role owing it.
    pub holder: String,
    /// What opens an instance: `published`, `reported` or `demanded`.
    pub opens: &'static str,
    /// How long each instance has; `None` for no time limit.
    #[serde(serialize_with = "period_or_none")]
    pub within: Option<modsim_policy::Period>,
    /// For a duty a demand opens: what is demanded; for a duty an action opens: what the
    /// holder delivers.
    pub deliverable: Option<String>,
    /// For a duty an action opens (`opens = "acted"`): the actions that open it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<&'static str>,
    /// What meets an instance: `removed` or `delivered`.
    pub met_by: &'static str,
}

/// What a power allows.
#[derive(Clone, Debug, Serialize)]
pub struct PowerTerms {
    /// The role holding it.
    pub holder: String,
    /// What it allows.
    pub action: String,
    /// The role it is held against.
    pub against: String,
    /// Its condition, as written.
    pub condition: String,
    /// The notice it needs.
    pub notice: NoticeTerms,
    /// The action the holder must have taken against the party first, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<&'static str>,
    /// For a restriction: the longest it may last.
    #[serde(
        rename = "for",
        skip_serializing_if = "Option::is_none",
        serialize_with = "period_or_none"
    )]
    pub lasting: Option<modsim_policy::Period>,
}

/// An event of the timeline other than a post's.
#[derive(Clone, Debug, Serialize)]
pub struct EventReport {
    /// Its id: `notice-1`, `action-2`, `delivery-1`, `fact-1`.
    pub id: EventId,
    /// When it happened.
    pub at: Timestamp,
    /// The party it came from (the actor of an action), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The party it was addressed to (acted against), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// What it is.
    #[serde(flatten)]
    pub kind: EventKind,
    /// What it said or did, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconstructed: Option<String>,
}

/// The kind of an event, with what only that kind has.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A notice.
    Notice {
        /// The clause ids (or section prefixes) it cites.
        cites: Vec<String>,
        /// The posts it names, by id.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        posts: Vec<PostId>,
    },
    /// An action, judged.
    Action {
        /// What was done.
        action: String,
        /// What it demanded, if anything.
        #[serde(skip_serializing_if = "Option::is_none")]
        demands: Option<String>,
        /// For a restriction: how long it lasts.
        #[serde(
            rename = "for",
            skip_serializing_if = "Option::is_none",
            serialize_with = "period_or_none"
        )]
        lasting: Option<modsim_policy::Period>,
    },
    /// A delivery of something demanded.
    Delivery {
        /// What was delivered.
        deliverable: String,
    },
    /// A scenario fact becoming known.
    Fact {
        /// Its name.
        name: String,
        /// Its value from then on.
        value: i64,
    },
    /// A party's judgment call, made at an instant (`from` is the party; `to` the account it
    /// is about, if any).
    Determination {
        /// The judgment call's name.
        name: String,
    },
}

/// A post, as explanations name it.
#[derive(Clone, Debug, Serialize)]
pub struct PostReport {
    /// Its id.
    pub id: PostId,
    /// A neutral one-line description.
    pub description: String,
    /// When it was published.
    pub published: Timestamp,
    /// When it was reported, if it was.
    pub reported: Option<Timestamp>,
    /// When it was removed, if it was.
    pub removed: Option<Timestamp>,
    /// How its times and labels are known.
    pub mark: Mark,
}

/// How many posts were reported on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayCount {
    /// The day, in the scenario's zone.
    pub date: Date,
    /// How many.
    pub count: u32,
}

/// Clause number `k` of `policy`, with the first prohibition, duty and power it creates.
pub(super) fn clause_info(policy: &Policy, k: usize) -> Option<ClauseInfo> {
    let c = policy.clauses.get(k)?;
    Some(ClauseInfo {
        id: c.id.clone(),
        title: c.title.clone(),
        text: c.text.clone(),
        source: c.source.clone(),
        mark: c.mark,
        taken_out: c.taken_out,
        prohibition: policy
            .prohibitions
            .iter()
            .find(|p| p.clause == k)
            .map(|p| ProhibitionTerms {
                condition: p.condition.text.clone(),
            }),
        duty: policy
            .duties
            .iter()
            .find(|d| d.clause == k)
            .map(|d| DutyTerms {
                holder: policy.role_name(d.holder).to_owned(),
                opens: d.opens.name(),
                within: (!d.open_ended).then_some(d.within.period),
                deliverable: d.deliverable.clone(),
                on: d.on.iter().map(|a| a.name()).collect(),
                met_by: d.met_by.name(),
            }),
        power: policy
            .powers
            .iter()
            .find(|p| p.clause == k)
            .map(|p| PowerTerms {
                holder: policy.role_name(p.holder).to_owned(),
                action: p.action.name().to_owned(),
                against: policy.role_name(p.against).to_owned(),
                condition: p.condition.text.clone(),
                notice: NoticeTerms::of(p),
                after: p.after.map(|a| a.name()),
                lasting: p.lasting.map(|l| l.period),
            }),
    })
}

/// Every event of the timeline other than posts', kind by kind.
pub(super) fn events(s: &Scenario) -> Vec<EventReport> {
    let party = |k: usize| Some(s.party_id(k).to_owned());
    let mut out =
        Vec::with_capacity(s.notices.len() + s.actions.len() + s.deliveries.len() + s.facts.len());
    out.extend(s.notices.iter().enumerate().map(|(k, n)| EventReport {
        id: event_id("notice", k),
        at: n.at,
        from: party(n.from),
        to: party(n.to),
        kind: EventKind::Notice {
            cites: n.cites.clone(),
            posts: n.posts.clone(),
        },
        summary: n.summary.clone(),
        mark: n.mark,
        reconstructed: n.reconstructed.clone(),
    }));
    out.extend(s.actions.iter().enumerate().map(|(k, a)| EventReport {
        id: event_id("action", k),
        at: a.at,
        from: party(a.actor),
        to: party(a.against),
        kind: EventKind::Action {
            action: a.action.name().to_owned(),
            demands: a.demands.clone(),
            lasting: a.lasting,
        },
        summary: a.summary.clone(),
        mark: a.mark,
        reconstructed: a.reconstructed.clone(),
    }));
    out.extend(s.deliveries.iter().enumerate().map(|(k, d)| EventReport {
        id: event_id("delivery", k),
        at: d.at,
        from: party(d.from),
        to: party(d.to),
        kind: EventKind::Delivery {
            deliverable: d.deliverable.clone(),
        },
        summary: d.summary.clone(),
        mark: d.mark,
        reconstructed: d.reconstructed.clone(),
    }));
    out.extend(s.facts.iter().enumerate().map(|(k, f)| EventReport {
        id: event_id("fact", k),
        at: f.at,
        from: None,
        to: None,
        kind: EventKind::Fact {
            name: f.name.clone(),
            value: f.value,
        },
        summary: f.summary.clone(),
        mark: f.mark,
        reconstructed: f.reconstructed.clone(),
    }));
    out.extend(
        s.determinations
            .iter()
            .enumerate()
            .map(|(k, d)| EventReport {
                id: event_id("determination", k),
                at: d.at,
                from: party(d.by),
                to: d.about.and_then(party),
                kind: EventKind::Determination {
                    name: d.name.clone(),
                },
                summary: d.summary.clone(),
                mark: d.mark,
                reconstructed: d.reconstructed.clone(),
            }),
    );
    out
}

/// The posts the outcome's explanations and duty histories name, in the scenario's order.
pub(super) fn named_posts(s: &Scenario, outcome: &Outcome) -> Vec<PostReport> {
    let index: HashMap<&str, usize> = s
        .posts
        .iter()
        .enumerate()
        .map(|(k, p)| (p.id.as_str(), k))
        .collect();
    let mut named: Vec<usize> = Vec::new();
    let trees = outcome
        .verdicts
        .iter()
        .filter_map(|v| v.explanation.as_ref())
        .chain(
            outcome
                .earliest
                .iter()
                .filter_map(|e| e.explanation.as_ref()),
        );
    let duty_trees = outcome.duties.iter().filter_map(|d| d.explanation.as_ref());
    for tree in trees.chain(duty_trees) {
        for step in tree.walk() {
            let mut name = |post: &str| {
                if let Some(&k) = index.get(post) {
                    named.push(k);
                }
            };
            match &step.node {
                Node::Post { post, .. }
                | Node::Instance {
                    subject: SubjectRef::Post(post),
                    ..
                } => name(post),
                Node::Comparison { counts, .. } => {
                    for h in &counts.history {
                        for item in h.counted_items.iter().chain(&h.expired) {
                            if let HistoryRef::Post(post) = &item.item {
                                name(post);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for notice in &s.notices {
        for post in &notice.posts {
            if let Some(&k) = index.get(post.as_str()) {
                named.push(k);
            }
        }
    }
    for d in &outcome.duties {
        for c in &d.changes {
            if let Cause::Published(k)
            | Cause::Reported(k)
            | Cause::Removed(k)
            | Cause::Deadline(k)
            | Cause::Notified(k) = c.cause
            {
                named.push(k);
            }
        }
    }
    named.sort_unstable();
    named.dedup();
    named
        .into_iter()
        .filter_map(|k| s.posts.get(k))
        .map(|p| PostReport {
            id: p.id.clone(),
            description: p.description.to_string(),
            published: p.published,
            reported: p.reported,
            removed: p.removed,
            mark: s.posts_mark,
        })
        .collect()
}

pub(super) fn reports_per_day(s: &Scenario) -> Vec<DayCount> {
    let mut days: BTreeMap<Date, u32> = BTreeMap::new();
    for t in s.posts.iter().filter_map(|p| p.reported) {
        *days.entry(t.to_zoned(s.zone.clone()).date()).or_insert(0) += 1;
    }
    days.into_iter()
        .map(|(date, count)| DayCount { date, count })
        .collect()
}

fn period_or_none<S: serde::Serializer>(
    period: &Option<modsim_policy::Period>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match period {
        Some(p) => s.collect_str(p),
        None => s.serialize_none(),
    }
}
