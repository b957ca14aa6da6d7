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

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use modsim_policy::{HolidayCalendar, Notice, Period, TimeError};
use serde::{Serialize, Serializer};
use smol_str::SmolStr;

use crate::scenario::PostId;

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
        status: crate::outcome::DutyStatus,
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

/// When a power's condition first held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "when", content = "at", rename_all = "snake_case")]
pub enum Held {
    /// Before anything happened.
    Start,
    /// At this instant.
    At(Timestamp),
    /// Never in the timeline.
    Never,
}

/// The notices a never-exercisable power could have rested on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum NoticesAvailable {
    /// The power needs none.
    NotNeeded,
    /// No notice from the holder to the party under this clause.
    None {
        /// The holder.
        from: SmolStr,
        /// The party it is held against.
        to: SmolStr,
    },
    /// Notices that made it ready at these instants, when its condition did not hold.
    Ready {
        /// Each notice, with when it was given and when it made the power ready.
        notices: Vec<Readied>,
    },
}

/// A notice, and when it made a power ready.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Readied {
    /// The notice.
    pub notice: EventId,
    /// When it was given.
    pub given: Timestamp,
    /// When the power could be exercised on it.
    pub ready: Timestamp,
}

/// What a comparison read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Reports so far.
    pub reports: i64,
    /// Reported prohibited posts still up.
    pub live_reported: i64,
    /// Prohibited posts still up.
    pub live_prohibited: i64,
    /// The account the power is held against, when the condition reads one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountCounts>,
    /// The scenario facts the policy declares.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<FactValue>,
}

/// One account's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountCounts {
    /// The party.
    pub party: SmolStr,
    /// Posts it published so far.
    pub posts: i64,
    /// Of them, prohibited.
    pub prohibited: i64,
    /// Of those, still up.
    pub live: i64,
}

/// A scenario fact's value at the instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactValue {
    /// Its name.
    pub name: SmolStr,
    /// Its value (0 until it is known).
    pub value: i64,
    /// The event that made it known, if one has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_from: Option<EventId>,
}

/// When a duty falls due for one subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Due {
    /// What the period runs from.
    pub from: DueFrom,
    /// The arithmetic, or why it cannot be done.
    #[serde(flatten)]
    pub arithmetic: Computed,
}

/// What a duty's period runs from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueFrom {
    /// The post's publication.
    Published,
    /// The post's report.
    Reported,
    /// The demand.
    Demanded,
}

/// Arithmetic that was done, or could not be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Computed {
    /// Done.
    Arithmetic(Arithmetic),
    /// Not possible: why.
    Error(SmolStr),
}

/// A period added to an instant, written out: `notice 2021-01-09 18:00 PST + 30 calendar days
/// = 2021-02-08 18:00 PST`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arithmetic {
    /// The instant it runs from.
    pub start: Timestamp,
    /// The period.
    #[serde(serialize_with = "period_text")]
    pub period: Period,
    /// Where it ends.
    pub end: Timestamp,
    /// The calendar business days are counted against (business-day periods only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "calendar_name"
    )]
    pub calendar: Option<HolidayCalendar>,
    /// The days between start and end that do not count, the first [`SKIPPED_SHOWN`] of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedDay>,
    /// How many more days do not count.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_more: u32,
}

impl Arithmetic {
    /// `period` added to `start` in `zone`, counting business days against `calendar`.
    pub fn of(
        period: Period,
        start: Timestamp,
        zone: &TimeZone,
        calendar: HolidayCalendar,
    ) -> Result<Arithmetic, TimeError> {
        let end = period.add_to(start, zone, calendar)?;
        let business = matches!(period, Period::BusinessDays(_));
        let mut skipped = Vec::new();
        let mut skipped_more = 0u32;
        if business {
            let to = end.to_zoned(zone.clone()).date();
            let mut day = start.to_zoned(zone.clone()).date();
            while let Ok(next) = day.tomorrow() {
                if next >= to {
                    break;
                }
                day = next;
                if calendar.is_business_day(day) {
                    continue;
                }
                if skipped.len() < SKIPPED_SHOWN {
                    skipped.push(SkippedDay {
                        date: day,
                        holiday: calendar.holiday(day),
                    });
                } else {
                    skipped_more = skipped_more.saturating_add(1);
                }
            }
        }
        Ok(Arithmetic {
            start,
            period,
            end,
            calendar: business.then_some(calendar),
            skipped,
            skipped_more,
        })
    }
}

/// How many skipped days an [`Arithmetic`] names.
pub const SKIPPED_SHOWN: usize = 64;

/// A day that does not count as a business day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    /// The day.
    pub date: Date,
    /// The holiday's name, when it is one (otherwise a rest day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holiday: Option<&'static str>,
}

/// The notice a power rests on at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Basis {
    /// The power needs no notice.
    NoNoticeNeeded,
    /// A notice, with the periods that ran from it.
    Notice(NoticeArithmetic),
}

/// A notice that makes a power ready, and the periods that run from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeArithmetic {
    /// The notice.
    pub notice: EventId,
    /// When it was given.
    pub given: Timestamp,
    /// When it makes the power ready.
    pub ready: Timestamp,
    /// The advance notice and cure period that run from it, in that order (none for a power
    /// exercisable immediately upon notice).
    pub periods: Vec<NoticePeriod>,
}

/// A period that runs from a notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticePeriod {
    /// Which.
    pub what: NoticePeriodKind,
    /// Its arithmetic.
    pub arithmetic: Arithmetic,
}

/// An advance-notice period or a cure period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticePeriodKind {
    /// The power takes effect no sooner than this after notice.
    AdvanceNotice,
    /// The breach must stay uncured this long after notice.
    CurePeriod,
}

/// Why the notice does not allow a power at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Lack {
    /// Nothing: it needs no notice (its condition is what fails).
    NoNoticeNeeded,
    /// No notice from the holder to the party under this clause.
    NoNotice {
        /// The holder.
        from: SmolStr,
        /// The party it is held against.
        to: SmolStr,
    },
    /// The first notice is given only later.
    Later {
        /// The notice.
        notice: EventId,
        /// When it is given.
        given: Timestamp,
    },
    /// The periods that run from the notice have not ended.
    NotBefore(NoticeArithmetic),
    /// A cure period: the condition did not hold without a break from the notice on.
    Broken {
        /// The notice.
        notice: EventId,
        /// When it was given.
        given: Timestamp,
    },
    /// The notice was given (its condition is what fails).
    Given {
        /// The notice.
        notice: EventId,
        /// When it was given.
        given: Timestamp,
    },
}

/// What a power lacked when an action was judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The power's clause, when there was a candidate power.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<ClauseKey>,
    /// What it lacked.
    pub reason: Reason,
}

/// What a power lacked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Reason {
    /// Its condition did not hold (the report holds the condition's text).
    ConditionFails,
    /// The notice did not allow it yet.
    Notice {
        /// Why.
        lack: Lack,
    },
    /// No clause in force gave the actor such a power against that party.
    NoPower {
        /// Who acted.
        actor: SmolStr,
        /// What they did.
        action: SmolStr,
        /// Against whom.
        against: SmolStr,
    },
}

/// The notice a power requires, and any cure period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeTerms {
    /// The notice.
    pub notice: NoticeKind,
    /// How long the breach must stay uncured after notice.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "period_text_or_none"
    )]
    pub cure: Option<Period>,
}

impl NoticeTerms {
    /// A power's notice terms.
    pub fn of(power: &modsim_policy::Power) -> NoticeTerms {
        NoticeTerms {
            notice: match power.notice {
                Notice::None => NoticeKind::None,
                Notice::Immediate => NoticeKind::Immediate,
                Notice::Advance(p) => NoticeKind::Advance(p.period),
            },
            cure: power.cure.map(|c| c.period),
        }
    }
}

/// The kind of notice a power requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "period", rename_all = "snake_case")]
pub enum NoticeKind {
    /// None.
    None,
    /// Immediately upon notice.
    Immediate,
    /// Advance notice of this period.
    Advance(#[serde(serialize_with = "period_text")] Period),
}

/// Posts or demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Posts.
    Posts,
    /// Demands.
    Demands,
}

/// One subject of a duty: a post, or a demand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRef {
    /// A post, by id.
    Post(PostId),
    /// A demand, by its action's event id.
    Demand(EventId),
}

/// How a duty's subject stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Met by its deadline.
    InTime,
    /// Met after its deadline.
    Late,
    /// Past its deadline and not met.
    Overdue,
    /// Within time (or with no time limit), not met.
    Open,
}

impl Standing {
    /// Every standing, in the order reports list them (`ALL[s as usize] == s`).
    pub const ALL: [Standing; 4] = [
        Standing::InTime,
        Standing::Late,
        Standing::Overdue,
        Standing::Open,
    ];
}

fn period_text<S: Serializer>(period: &Period, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(period)
}

fn period_text_or_none<S: Serializer>(period: &Option<Period>, s: S) -> Result<S::Ok, S::Error> {
    match period {
        Some(p) => s.collect_str(p),
        None => s.serialize_none(),
    }
}

fn calendar_name<S: Serializer>(
    calendar: &Option<HolidayCalendar>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match calendar {
        Some(c) => s.collect_str(c),
        None => s.serialize_none(),
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
