//! Explanations as data: a derivation tree of typed nodes, from a verdict or a power's standing
//! down to clauses, condition parts, duties, posts, events and period arithmetic.
//!
//! Nodes refer to clauses ([`ClauseKey`]), posts ([`PostId`]) and events ([`EventId`]) by id;
//! what those say (a clause's words, a post's times, a notice's summary) is in the run's report,
//! once. Values that hold only at the instant explained (whether a condition holds, a duty's
//! counts, the arithmetic of a deadline) are in the node. Lists of a duty's subjects are never
//! copied into a node: a node holds counts and a few examples, and the report's duty histories
//! hold every subject once. The prose is the renderers' (text, Markdown, HTML): nothing here is
//! a sentence.
//!
//! Instants are exact [`Timestamp`]s, written in JSON as RFC 3339 in UTC.

mod deadlines;
mod notice;
mod parts;

use jiff::Timestamp;
use modsim_policy::Period;
use serde::Serialize;
use smol_str::SmolStr;

use crate::scenario::PostId;

pub use deadlines::{DeadlineGroup, DeadlineInstance, DeadlineShape, Deadlines, DeadlinesIn};
pub use notice::{
    Arithmetic, Basis, Computed, CountedIn, Due, DueFrom, Lack, Missing, NoticeArithmetic,
    NoticeKind, NoticePeriod, NoticePeriodKind, NoticeTerms, Reason, SKIPPED_SHOWN, SkippedDay,
    ZoneFrom,
};
pub use parts::{
    AccountCounts, Counts, Determination, DutyStatus, Ending, FactValue, HISTORY_SHOWN, Held,
    HistoryItem, HistoryRef, HistoryValue, Limit, NoticesAvailable, Readied, Standing, SubjectKind,
    SubjectRef,
};

/// One step of a derivation, with the steps beneath it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// What this step claims.
    #[serde(flatten)]
    pub node: Node,
    /// The steps it rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Explanation>,
}

impl Explanation {
    /// A step with nothing beneath it.
    pub fn leaf(node: Node) -> Explanation {
        Explanation {
            node,
            children: Vec::new(),
        }
    }

    /// Adds the steps beneath.
    #[must_use]
    pub fn with(mut self, children: Vec<Explanation>) -> Explanation {
        if self.children.is_empty() {
            self.children = children;
        } else {
            self.children.extend(children);
        }
        self
    }

    /// This step and every step beneath it, depth first.
    pub fn walk(&self) -> impl Iterator<Item = &Explanation> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let next = stack.pop()?;
            stack.extend(next.children.iter().rev());
            Some(next)
        })
    }

    /// The clause this step is about, if it is about one.
    pub fn clause(&self) -> Option<&ClauseKey> {
        match &self.node {
            Node::Power { clause, .. }
            | Node::Never { clause }
            | Node::FirstHeld { clause, .. }
            | Node::Clause { clause }
            | Node::Condition { clause, .. }
            | Node::Available { clause, .. }
            | Node::TakenOut { clause }
            | Node::Duty { clause, .. }
            | Node::ProhibitedUnder { clause, .. }
            | Node::Prior { clause, .. }
            | Node::NoticeRule { clause } => Some(clause),
            Node::Assumption { clause, .. } => clause.as_ref(),
            _ => None,
        }
    }
}

/// A clause of a policy, by the policy's id and the clause's.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ClauseKey {
    /// The policy's id.
    pub policy: SmolStr,
    /// The clause's id, as the document numbers it.
    pub id: SmolStr,
}

/// An event of the scenario's timeline, by id: `notice-1`, `action-2`, `delivery-1`, `fact-1`
/// (its kind, then its place among the events of that kind in time order, from 1). The report's
/// `events` lists them.
pub type EventId = SmolStr;

/// The id of the `index`-th event (from 0) of a kind: `notice-1`.
pub fn event_id(kind: &str, index: usize) -> EventId {
    SmolStr::from(format!("{kind}-{}", index.saturating_add(1)))
}

/// What one step of a derivation claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// An action judged at its instant.
    Verdict {
        /// The action's event.
        event: EventId,
        /// Who acted.
        actor: SmolStr,
        /// What they did.
        action: SmolStr,
        /// Against whom.
        against: SmolStr,
        /// When.
        at: Timestamp,
        /// Whether the rules permitted it.
        permitted: bool,
    },
    /// A power's standing at an instant.
    Power {
        /// The power's clause.
        clause: ClauseKey,
        /// The party holding it.
        holder: SmolStr,
        /// What it allows.
        action: SmolStr,
        /// The party it is held against.
        against: SmolStr,
        /// Whether it could be exercised then.
        exercisable: bool,
    },
    /// A power that never became exercisable in the timeline.
    Never {
        /// The power's clause.
        clause: ClauseKey,
    },
    /// When a power's condition first held (the notice aside).
    FirstHeld {
        /// The power whose condition it is.
        clause: ClauseKey,
        /// From the start, at an instant, or never.
        held: Held,
    },
    /// The notices a power could have rested on, for a power that never became exercisable.
    NoticesAvailable {
        /// What there was.
        notices: NoticesAvailable,
    },
    /// A clause's words: the report's clause table holds its title, text, source and mark.
    Clause {
        /// The clause.
        clause: ClauseKey,
    },
    /// A power's condition, and whether it holds at the instant.
    Condition {
        /// The power whose condition it is (the report holds the condition's text).
        clause: ClauseKey,
        /// Whether it holds.
        holds: bool,
        /// When it was read.
        at: Timestamp,
    },
    /// A constant condition.
    Constant {
        /// Its value.
        value: bool,
    },
    /// A negation, and whether the condition beneath it holds.
    Not {
        /// Whether the negated condition holds (so that this one fails).
        inner_holds: bool,
    },
    /// Another power's availability, as a condition reads it (`available("6.1(b)")`).
    Available {
        /// The other power's clause.
        clause: ClauseKey,
        /// Whether its condition holds.
        available: bool,
    },
    /// A judgment call a condition reads.
    Assumption {
        /// The policy that makes it.
        policy: SmolStr,
        /// Its name (the report's policy table holds its question).
        name: SmolStr,
        /// The value it was given in this run.
        value: bool,
        /// Whether that is the policy's default (otherwise it was set with `--assume`).
        by_default: bool,
        /// The clause that makes it.
        #[serde(skip_serializing_if = "Option::is_none")]
        clause: Option<ClauseKey>,
        /// When the scenario dates it (a party's determination at an instant): made by the
        /// instant read, or not yet, so that it reads false.
        #[serde(skip_serializing_if = "Option::is_none")]
        determination: Option<Determination>,
    },
    /// The prior action a power asks for (`after = "warn"`), taken or not by the instant.
    Prior {
        /// The power's clause.
        clause: ClauseKey,
        /// The action asked for first.
        action: SmolStr,
        /// The first such action by the holder against the party, if taken by then.
        #[serde(skip_serializing_if = "Option::is_none")]
        event: Option<EventId>,
    },
    /// A clause taken out for this run (`--without` or a reform).
    TakenOut {
        /// The clause.
        clause: ClauseKey,
    },
    /// A comparison over counts and facts, with the values it read.
    Comparison {
        /// Whether it holds.
        holds: bool,
        /// What it read.
        counts: Counts,
    },
    /// A duty's state at the instant.
    Duty {
        /// The duty's clause.
        clause: ClauseKey,
        /// The party owing it.
        holder: SmolStr,
        /// Its state.
        status: DutyStatus,
        /// Since when.
        #[serde(skip_serializing_if = "Option::is_none")]
        since: Option<Timestamp>,
        /// How many of its subjects are overdue and not met.
        overdue: u32,
        /// Whether its posts' times are reconstructed.
        reconstructed: bool,
    },
    /// How many of a duty's overdue posts a prohibition covers.
    ProhibitedUnder {
        /// The prohibition's clause (the report holds its condition).
        clause: ClauseKey,
        /// How many.
        count: u32,
    },
    /// One post, as a duty sees it at the instant.
    Post {
        /// The post (the report's `posts` hold its description and times).
        post: PostId,
        /// Its labels, as the policy knows them.
        labels: Vec<SmolStr>,
        /// When it was removed, if it was by the instant.
        #[serde(skip_serializing_if = "Option::is_none")]
        removed: Option<Timestamp>,
        /// When the duty fell due for it.
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<Due>,
    },
    /// One action that owes a duty (a statement of reasons for a restriction), as the duty
    /// sees it at the instant.
    Owed {
        /// The action.
        event: EventId,
        /// When the duty fell due for it.
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<Due>,
        /// The deliveries that met it, by the instant.
        delivered: Vec<Timestamp>,
    },
    /// One instance of a duty over the whole timeline: when it opened, when it fell due (with
    /// the arithmetic), when it was met, and how it stands at the end.
    Instance {
        /// Its subject: a post, a demand or an action.
        subject: SubjectRef,
        /// When it opened.
        opened: Timestamp,
        /// When it fell due, from what.
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<Due>,
        /// When it was met (a removal, a delivery), if it was.
        #[serde(skip_serializing_if = "Option::is_none")]
        met: Option<Timestamp>,
        /// How it stands at the end.
        standing: Standing,
    },
    /// A restriction judged at its end: how long it lasted, against the longest each ground
    /// allows (`for`).
    RestrictionEnd(Ending),
    /// One demand, as a duty sees it at the instant.
    Demand {
        /// The demanding action.
        event: EventId,
        /// When the duty fell due for it.
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<Due>,
        /// The deliveries made by the instant.
        delivered: Vec<Timestamp>,
    },
    /// Subjects not shown one by one.
    More {
        /// How many.
        count: u32,
        /// What they are.
        of: SubjectKind,
    },
    /// A duty's subjects at the instant, by how they stand.
    Tally {
        /// The instant.
        at: Timestamp,
        /// How many instances were opened by then.
        opened: u32,
        /// Each subject's period, or `None` for no time limit.
        #[serde(serialize_with = "period_text_or_none")]
        each: Option<Period>,
        /// Whether the posts' times are reconstructed.
        reconstructed: bool,
    },
    /// The subjects of one standing, with the first few named.
    TallyGroup {
        /// How they stand.
        standing: Standing,
        /// How many.
        count: u32,
        /// The first few, in the scenario's order.
        shown: Vec<SubjectRef>,
    },
    /// What notice a power requires (the report holds the clause's notice and cure periods).
    NoticeRule {
        /// The power's clause.
        clause: ClauseKey,
    },
    /// The notice a power rests on, with its arithmetic.
    NoticeBasis {
        /// The basis.
        basis: Basis,
    },
    /// Why the notice does not allow a power yet.
    NoticeLacking {
        /// What is lacking.
        lack: Lack,
    },
}

fn period_text_or_none<S: serde::Serializer>(
    period: &Option<Period>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match period {
        Some(p) => s.collect_str(p),
        None => s.serialize_none(),
    }
}
