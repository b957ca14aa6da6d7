//! Prose: the English sentence for each step of an explanation tree and for the report's other
//! typed answers (what a power lacked, the notice it rests on, what changed a duty), written
//! from the run's report alone. The text, Markdown and HTML renderers all write through here,
//! each adding its own markup around the sentences.

use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit, Zoned};
use modsim_policy::{Mark, show_instant};
use modsim_sim::compare::{Differs, DutySide, Judged, Opening, PowerSide};
use modsim_sim::explanation::{
    Arithmetic, Basis, ClauseKey, Computed, Counts, Due, DueFrom, Held, Lack, Missing, Node,
    NoticeArithmetic, NoticeKind, NoticePeriodKind, NoticeTerms, NoticesAvailable, Reason,
    Standing, SubjectKind, SubjectRef,
};
use modsim_sim::report::{CauseReport, ClauseInfo, DutyTerms, EventKind, Report};

/// How many subjects of each standing a tally names (the explanation names as many).
const TALLY_SHOWN: usize = 12;

/// Sentences about one run's report.
pub struct Prose<'r> {
    report: &'r Report,
}

impl<'r> Prose<'r> {
    /// Prose about `report`.
    pub fn new(report: &'r Report) -> Prose<'r> {
        Prose { report }
    }

    /// An instant as readers see it, in the scenario's zone: `2021-01-10 23:59 PST`.
    pub fn at(&self, t: Timestamp) -> String {
        show_instant(t, &self.report.zone)
    }

    fn clause(&self, key: &ClauseKey) -> Option<&'r ClauseInfo> {
        self.report.policy(&key.policy)?.clause(&key.id)
    }

    fn title(&self, key: &ClauseKey) -> &'r str {
        self.clause(key).map_or("", |c| c.title.as_str())
    }

    /// The condition of a power's clause, as written.
    fn power_condition(&self, key: &ClauseKey) -> &'r str {
        self.clause(key)
            .and_then(|c| c.power.as_ref())
            .map_or("", |p| p.condition.as_str())
    }

    fn posts_reconstructed(&self) -> bool {
        self.report.provenance.posts_mark == Mark::Reconstructed
    }

    /// The sentence for one step of an explanation; `example` when it is the example under a
    /// tally (`e.g. post r009: ...`).
    pub fn step(&self, node: &Node, example: bool) -> String {
        let text = self.sentence(node);
        if example {
            format!("e.g. {text}")
        } else {
            text
        }
    }

    fn sentence(&self, node: &Node) -> String {
        match node {
            Node::Verdict {
                actor,
                action,
                against,
                at,
                permitted,
                ..
            } => format!(
                "{actor} {action} {against} at {}: {}",
                self.at(*at),
                if *permitted {
                    "PERMITTED"
                } else {
                    "NOT PERMITTED"
                }
            ),
            Node::Power {
                clause,
                holder,
                action,
                against,
                exercisable,
            } => format!(
                "{} {}: {holder} may {action} {against}: {}",
                clause.id,
                self.title(clause),
                if *exercisable {
                    "exercisable"
                } else {
                    "not exercisable"
                }
            ),
            Node::Never { clause } => format!(
                "{} {}: never exercisable in this timeline",
                clause.id,
                self.title(clause)
            ),
            Node::FirstHeld { clause, held } => match held {
                Held::Start => "its condition holds from the start".to_owned(),
                Held::At(t) => format!("its condition first held at {}", self.at(*t)),
                Held::Never => format!(
                    "its condition `{}` never held",
                    self.power_condition(clause)
                ),
            },
            Node::NoticesAvailable { notices } => self.notices_available(notices),
            Node::Clause { clause } => match self.clause(clause) {
                Some(c) => format!(
                    "{} {}: \"{}\" ({}; {})",
                    c.id, c.title, c.text, c.source, c.mark
                ),
                None => format!("clause {}", clause.id),
            },
            Node::Condition { clause, holds, at } => format!(
                "condition `{}` {} at {}",
                self.power_condition(clause),
                if *holds { "holds" } else { "does not hold" },
                self.at(*at)
            ),
            Node::Constant { value } => if *value {
                "always true"
            } else {
                "always false"
            }
            .to_owned(),
            Node::Not { inner_holds } => format!(
                "it is not the case that the following {}",
                if *inner_holds {
                    "holds (so this fails)"
                } else {
                    "holds"
                }
            ),
            Node::Available { clause, available } => format!(
                "the power of {} ({}) {} available: its condition `{}` {}",
                clause.id,
                self.title(clause),
                if *available { "is" } else { "is not" },
                self.power_condition(clause),
                if *available { "holds" } else { "does not hold" }
            ),
            Node::Assumption {
                policy,
                name,
                value,
                by_default,
                ..
            } => format!(
                "judgment call `{name}` is taken as {value} ({}): {}",
                if *by_default {
                    "the policy's default"
                } else {
                    "set for this run with --assume"
                },
                self.report
                    .policy(policy)
                    .and_then(|p| p.assumption(name))
                    .map_or("", |a| a.question.as_str())
            ),
            Node::TakenOut { clause } => format!(
                "clause {} ({}) is taken out for this run (`--without` or a reform)",
                clause.id,
                self.title(clause)
            ),
            Node::Comparison { holds, counts } => format!(
                "{} (counts now: {} reports, {} reported prohibited posts up, {} prohibited posts up{})",
                if *holds {
                    "the comparison holds"
                } else {
                    "the comparison fails"
                },
                counts.reports,
                counts.live_reported,
                counts.live_prohibited,
                self.more_counts(counts)
            ),
            Node::Duty { .. } => self.duty(node),
            Node::ProhibitedUnder { clause, count } => format!(
                "{count} of them prohibited under {} ({}): `{}`",
                clause.id,
                self.title(clause),
                self.clause(clause)
                    .and_then(|c| c.prohibition.as_ref())
                    .map_or("", |p| p.condition.as_str())
            ),
            Node::Post { .. } => self.post(node),
            Node::Demand {
                event,
                due,
                delivered,
            } => {
                let mut line = self.demand_id(event);
                if let Some(e) = self.report.event(event) {
                    line.push_str(&format!(": \"{}\"", e.summary));
                }
                if let Some(due) = due {
                    line.push_str(&self.due(due));
                }
                if delivered.is_empty() {
                    line.push_str("; nothing delivered");
                } else {
                    let at: Vec<String> = delivered.iter().map(|t| self.at(*t)).collect();
                    line.push_str(&format!("; delivered {}", at.join(", ")));
                }
                if self
                    .report
                    .event(event)
                    .is_some_and(|e| e.reconstructed.is_some())
                {
                    line.push_str(" (time reconstructed)");
                }
                line
            }
            Node::More { count, of } => format!(
                "and {count} more {}",
                match of {
                    SubjectKind::Posts => "posts",
                    SubjectKind::Demands => "demands",
                }
            ),
            Node::Tally {
                at,
                opened,
                each,
                reconstructed,
            } => format!(
                "at {}: {opened} opened ({}){}",
                self.at(*at),
                match each {
                    Some(p) => format!("{p} each"),
                    None => "no time limit".to_owned(),
                },
                if *reconstructed {
                    " (post times reconstructed)"
                } else {
                    ""
                }
            ),
            Node::TallyGroup {
                standing,
                count,
                shown,
            } => {
                let ids: Vec<String> = shown.iter().map(|s| self.subject(s)).collect();
                let more = (*count as usize).saturating_sub(TALLY_SHOWN);
                format!(
                    "{count} {}: {}{}",
                    standing_words(*standing),
                    ids.join(", "),
                    if more > 0 {
                        format!(", and {more} more")
                    } else {
                        String::new()
                    }
                )
            }
            Node::NoticeRule { clause } => format!(
                "notice: {}",
                self.clause(clause)
                    .and_then(|c| c.power.as_ref())
                    .map_or_else(String::new, |p| notice_rule(&p.notice))
            ),
            Node::NoticeBasis { basis } => self.basis(basis, true),
            Node::NoticeLacking { lack } => self.lack(lack),
        }
    }

    fn notices_available(&self, notices: &NoticesAvailable) -> String {
        match notices {
            NoticesAvailable::NotNeeded => "no notice is needed".to_owned(),
            NoticesAvailable::None { from, to } => {
                format!("no notice from {from} to {to} under this clause in the timeline")
            }
            NoticesAvailable::Ready { notices } => {
                let each: Vec<String> = notices
                    .iter()
                    .map(|r| format!("notice of {}: ready {}", self.at(r.given), self.at(r.ready)))
                    .collect();
                format!(
                    "{}; the condition did not hold when the notice allowed it",
                    each.join("; ")
                )
            }
        }
    }

    fn more_counts(&self, counts: &Counts) -> String {
        let mut out = String::new();
        if let Some(a) = &counts.account {
            out.push_str(&format!(
                "; account of {}: {} posts, {} prohibited, {} prohibited still up",
                a.party, a.posts, a.prohibited, a.live
            ));
        }
        for f in &counts.facts {
            match f.known_from.as_ref().and_then(|id| self.report.event(id)) {
                Some(e) => out.push_str(&format!(
                    "; fact {} = {}, known from {} ({})",
                    f.name,
                    f.value,
                    self.at(e.at),
                    e.mark
                )),
                None => out.push_str(&format!("; fact {} not yet known (0)", f.name)),
            }
        }
        out
    }

    fn duty(&self, node: &Node) -> String {
        let Node::Duty {
            clause,
            holder,
            status,
            since,
            overdue,
            reconstructed,
        } = node
        else {
            return String::new();
        };
        let head = format!(
            "duty {} ({}), owed by {holder}, is",
            clause.id,
            self.title(clause)
        );
        let terms = self.clause(clause).and_then(|c| c.duty.as_ref());
        match status {
            modsim_sim::DutyStatus::Breached => format!(
                "{head} breached since {}: {}{}",
                since.map_or_else(String::new, |t| self.at(t)),
                overdue_subjects(terms, *overdue),
                if *reconstructed {
                    " (post times reconstructed)"
                } else {
                    ""
                }
            ),
            status => format!(
                "{head} {}{}",
                status.word(),
                since.map_or_else(String::new, |t| format!(" since {}", self.at(t)))
            ),
        }
    }

    fn post(&self, node: &Node) -> String {
        let Node::Post {
            post,
            labels,
            removed,
            due,
        } = node
        else {
            return String::new();
        };
        let info = self.report.post(post);
        let description = info
            .map(|p| p.description.as_str())
            .filter(|d| !d.is_empty())
            .unwrap_or("no description");
        let mut line = format!("post {post}: {description}; labels {}", labels.join(", "));
        if let Some(p) = info {
            line.push_str(&format!("; published {}", self.at(p.published)));
            if let Some(r) = p.reported {
                line.push_str(&format!(", reported {}", self.at(r)));
            }
        }
        match removed {
            Some(r) => line.push_str(&format!(", removed {}", self.at(*r))),
            None => line.push_str(", still up"),
        }
        if let Some(due) = due {
            line.push_str(&self.due(due));
        }
        if self.posts_reconstructed() {
            line.push_str(" (reconstructed)");
        }
        line
    }

    /// `; due: reported 2020-11-28 22:18 PST + 2 business days = ...`
    fn due(&self, due: &Due) -> String {
        let from = match due.from {
            DueFrom::Published => "published",
            DueFrom::Reported => "reported",
            DueFrom::Demanded => "demanded",
        };
        match &due.arithmetic {
            Computed::Arithmetic(a) => format!("; due: {from} {}", self.arithmetic(a)),
            Computed::Error(e) => format!("; due: cannot be computed ({e})"),
        }
    }

    /// `2021-01-09 18:00 PST + 30 calendar days = 2021-02-08 18:00 PST`, with the days a
    /// business-day period skips.
    pub fn arithmetic(&self, a: &Arithmetic) -> String {
        let mut text = format!("{} + {} = {}", self.at(a.start), a.period, self.at(a.end));
        if let Some(calendar) = a.calendar
            && !a.skipped.is_empty()
        {
            let mut days: Vec<String> = a
                .skipped
                .iter()
                .map(|d| {
                    let day = d.date.strftime("%a %Y-%m-%d").to_string();
                    match d.holiday {
                        Some(name) => format!("{day} ({name})"),
                        None => day,
                    }
                })
                .collect();
            if a.skipped_more > 0 {
                days.push(format!("and {} more", a.skipped_more));
            }
            text.push_str(&format!(
                " ({calendar} calendar; skipping {})",
                days.join(", ")
            ));
        }
        text
    }

    /// The notice a power rests on, with its arithmetic; with the notice's summary when
    /// `summary`.
    pub fn basis(&self, basis: &Basis, summary: bool) -> String {
        match basis {
            Basis::NoNoticeNeeded => "no notice needed".to_owned(),
            Basis::Notice(n) => {
                let mut text = self.notice_arithmetic(n);
                if summary && let Some(e) = self.report.event(&n.notice) {
                    text.push_str(&format!(" — \"{}\"", e.summary));
                }
                text
            }
        }
    }

    fn notice_arithmetic(&self, n: &NoticeArithmetic) -> String {
        let mut text = if n.periods.is_empty() {
            format!("immediately upon notice: notice given {}", self.at(n.given))
        } else {
            let each: Vec<String> = n
                .periods
                .iter()
                .map(|p| {
                    format!(
                        "{}: notice {}",
                        match p.what {
                            NoticePeriodKind::AdvanceNotice => "advance notice",
                            NoticePeriodKind::CurePeriod => "cure period",
                        },
                        self.arithmetic(&p.arithmetic)
                    )
                })
                .collect();
            each.join("; ")
        };
        if self
            .report
            .event(&n.notice)
            .is_some_and(|e| e.reconstructed.is_some())
        {
            text.push_str(" (the notice's time is reconstructed)");
        }
        text
    }

    /// Why the notice does not allow a power yet.
    pub fn lack(&self, lack: &Lack) -> String {
        match lack {
            Lack::NoNoticeNeeded => "no notice needed".to_owned(),
            Lack::NoNotice { from, to } => {
                format!("no notice from {from} to {to} under this clause in the timeline")
            }
            Lack::Later { given, .. } => {
                format!("notice is given only later, at {}", self.at(*given))
            }
            Lack::NotBefore(n) => format!(
                "not before {}: {}",
                self.at(n.ready),
                self.notice_arithmetic(n)
            ),
            Lack::Broken { given, .. } => format!(
                "the condition did not hold without a break from the notice of {} on",
                self.at(*given)
            ),
            Lack::Given { given, .. } => format!("notice given {}", self.at(*given)),
        }
    }

    /// What a candidate power lacked: "`6.1(a)`: its condition `...` does not hold".
    pub fn missing(&self, m: &Missing) -> String {
        let reason = match &m.reason {
            Reason::ConditionFails => format!(
                "its condition `{}` does not hold",
                m.clause.as_ref().map_or("", |c| self.power_condition(c))
            ),
            Reason::Notice { lack } => self.lack(lack),
            Reason::NoPower {
                actor,
                action,
                against,
            } => {
                return format!(
                    "no clause in force gives `{actor}` a power to `{action}` against `{against}`"
                );
            }
        };
        match &m.clause {
            Some(c) => format!("`{}`: {reason}", c.id),
            None => reason,
        }
    }

    /// A duty's subject by id: a post's id, or `demand by apple of 2021-01-08 09:00 PST`.
    pub fn subject(&self, subject: &SubjectRef) -> String {
        match subject {
            SubjectRef::Post(id) => id.to_string(),
            SubjectRef::Demand(event) => self.demand_id(event),
        }
    }

    fn demand_id(&self, event: &str) -> String {
        match self.report.event(event) {
            Some(e) => format!(
                "demand by {} of {}",
                e.from.as_deref().unwrap_or(""),
                self.at(e.at)
            ),
            None => format!("demand {event}"),
        }
    }

    /// What changed a duty: `post r001 published (reconstructed)`.
    pub fn cause(&self, cause: &CauseReport) -> String {
        let suffix = if self.posts_reconstructed() {
            " (reconstructed)"
        } else {
            ""
        };
        let demand = |event: &str| match self.report.event(event) {
            Some(e) => format!(
                "{}'s demand of {}",
                e.from.as_deref().unwrap_or(""),
                self.at(e.at)
            ),
            None => String::new(),
        };
        match cause {
            CauseReport::Published { post } => format!("post {post} published{suffix}"),
            CauseReport::Reported { post } => format!("post {post} reported{suffix}"),
            CauseReport::Removed { post } => format!("post {post} removed{suffix}"),
            CauseReport::Deadline { post } => format!("deadline passed for post {post}{suffix}"),
            CauseReport::Demanded { event } => {
                let demands = match self.report.event(event).map(|e| &e.kind) {
                    Some(EventKind::Action {
                        demands: Some(d), ..
                    }) => d.as_str(),
                    _ => "",
                };
                format!("{} `{demands}`", demand(event))
            }
            CauseReport::Delivered { event } => match self.report.event(event) {
                Some(e) => format!(
                    "{} delivered `{}` to {}",
                    e.from.as_deref().unwrap_or(""),
                    match &e.kind {
                        EventKind::Delivery { deliverable } => deliverable.as_str(),
                        _ => "",
                    },
                    e.to.as_deref().unwrap_or("")
                ),
                None => String::new(),
            },
            CauseReport::DemandDeadline { event } => {
                format!("deadline passed for {}", demand(event))
            }
        }
    }
}

/// A difference between a baseline and an alternative, in words.
pub struct DifferenceText {
    /// `verdict`, `earliest_action`, `earliest` or `duty`.
    pub kind: &'static str,
    /// What differs.
    pub subject: String,
    /// Its value under the baseline.
    pub baseline: String,
    /// Its value under the alternative.
    pub value: String,
    /// How it changed: how far an instant moved, or why it appeared or vanished.
    pub change: Option<String>,
}

impl Prose<'_> {
    /// A comparison's difference, in words.
    pub fn difference(&self, d: &Differs) -> DifferenceText {
        match d {
            Differs::Verdict {
                actor,
                action,
                against,
                at,
                baseline,
                alternative,
                ..
            } => {
                let judged = |j: &Judged| {
                    if j.permitted {
                        format!("permitted on {}", j.grounds.join(", "))
                    } else {
                        "not permitted".to_owned()
                    }
                };
                DifferenceText {
                    kind: "verdict",
                    subject: format!("{actor} {action} {against} at {}", self.at(*at)),
                    baseline: judged(baseline),
                    value: judged(alternative),
                    change: (baseline.permitted != alternative.permitted).then(|| {
                        if alternative.permitted {
                            "now permitted"
                        } else {
                            "flipped to not permitted"
                        }
                        .to_owned()
                    }),
                }
            }
            Differs::EarliestAction {
                holder,
                action,
                against,
                baseline,
                alternative,
            } => {
                let opening = |o: &Option<Opening>| match o {
                    Some(o) => format!("{} ({})", self.at(o.at), o.clause),
                    None => "never".to_owned(),
                };
                DifferenceText {
                    kind: "earliest_action",
                    subject: format!("earliest {action}: {holder} against {against}"),
                    baseline: opening(baseline),
                    value: opening(alternative),
                    change: self.moved(
                        baseline.as_ref().map(|o| o.at),
                        alternative.as_ref().map(|o| o.at),
                    ),
                }
            }
            Differs::Earliest {
                power,
                holder,
                action,
                against,
                baseline,
                alternative,
            } => {
                let at =
                    |t: &Option<Timestamp>| t.map_or_else(|| "never".to_owned(), |t| self.at(t));
                let (baseline, value, change) = match (baseline, alternative) {
                    (PowerSide::Absent, PowerSide::Earliest(a)) => (
                        "not in the baseline".to_owned(),
                        at(a),
                        Some("a power the baseline lacks".to_owned()),
                    ),
                    (PowerSide::Earliest(b), PowerSide::Absent) => (
                        at(b),
                        "taken out".to_owned(),
                        Some("the power is not in the alternative".to_owned()),
                    ),
                    (PowerSide::Earliest(b), PowerSide::Earliest(a)) => {
                        (at(b), at(a), self.moved(*b, *a))
                    }
                    (PowerSide::Absent, PowerSide::Absent) => {
                        ("absent".to_owned(), "absent".to_owned(), None)
                    }
                };
                DifferenceText {
                    kind: "earliest",
                    subject: format!(
                        "{} {}: {holder} may {action} {against}",
                        power.clause, power.title
                    ),
                    baseline,
                    value,
                    change,
                }
            }
            Differs::Duty {
                duty,
                holder,
                baseline,
                alternative,
                parts_at,
            } => {
                let side = |s: &Option<DutySide>, absent: &str| match s {
                    Some(s) => format!(
                        "{} after {} change{}",
                        s.last.word(),
                        s.changes,
                        if s.changes == 1 { "" } else { "s" }
                    ),
                    None => absent.to_owned(),
                };
                DifferenceText {
                    kind: "duty",
                    subject: format!("duty {} {} ({holder})", duty.clause, duty.title),
                    baseline: side(baseline, "not in the baseline"),
                    value: side(alternative, "not in the alternative"),
                    change: parts_at.map(|t| format!("histories part at {}", self.at(t))),
                }
            }
        }
    }

    /// How far an instant moved, in calendar days, hours and minutes in the scenario's zone
    /// (`+30 days`), or that it appeared or vanished.
    pub fn moved(&self, from: Option<Timestamp>, to: Option<Timestamp>) -> Option<String> {
        moved(from, to, &self.report.zone)
    }
}

/// How far an instant moved, in calendar days, hours and minutes in `zone`.
fn moved(from: Option<Timestamp>, to: Option<Timestamp>, zone: &TimeZone) -> Option<String> {
    let (f, t) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (None, Some(_)) => return Some("opens where it never did".into()),
        (Some(_), None) => return Some("never opens".into()),
        (None, None) => return None,
    };
    let (zf, zt): (Zoned, Zoned) = (f.to_zoned(zone.clone()), t.to_zoned(zone.clone()));
    let span = zf.until((Unit::Day, &zt)).ok()?;
    let mut parts = Vec::new();
    for (n, unit) in [
        (span.get_days().abs(), "day"),
        (span.get_hours().abs(), "hour"),
        (span.get_minutes().abs() as i32, "minute"),
    ] {
        if n != 0 {
            parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
        }
    }
    Some(format!(
        "{}{}",
        if t >= f { "+" } else { "-" },
        if parts.is_empty() {
            "0".into()
        } else {
            parts.join(" ")
        }
    ))
}

/// What notice a power requires, in a clause of a sentence: `immediately upon notice`, `none`,
/// `advance notice of 30 calendar days`, with any cure period.
pub fn notice_required(terms: &NoticeTerms) -> String {
    let base = match terms.notice {
        NoticeKind::None => "none".to_owned(),
        NoticeKind::Immediate => "immediately upon notice".to_owned(),
        NoticeKind::Advance(p) => format!("advance notice of {p}"),
    };
    match terms.cure {
        Some(c) => format!("{base}, then a cure period of {c}"),
        None => base,
    }
}

/// What notice a power requires, as an explanation says it: `exercisable immediately upon
/// notice`.
fn notice_rule(terms: &NoticeTerms) -> String {
    match (terms.notice, terms.cure) {
        (NoticeKind::None, _) => "no notice is required".to_owned(),
        (NoticeKind::Immediate, None) => "exercisable immediately upon notice".to_owned(),
        (NoticeKind::Immediate, Some(c)) => {
            format!("exercisable upon notice once the breach stays uncured for {c}")
        }
        (NoticeKind::Advance(p), None) => format!("needs {p} of advance notice"),
        (NoticeKind::Advance(p), Some(c)) => {
            format!("needs {p} of advance notice and a cure period of {c}")
        }
    }
}

/// How many of a duty's subjects are overdue, and what that means for this duty: `66 posts are
/// prohibited and still up`, `1 demand of `moderation_plan` is not met within 24 hours`.
fn overdue_subjects(terms: Option<&DutyTerms>, n: u32) -> String {
    let (is, s) = if n == 1 { ("is", "") } else { ("are", "s") };
    let within = terms.and_then(|t| t.within);
    match terms.map(|t| t.opens) {
        Some("demanded") => format!(
            "{n} demand{s} of `{}` {is} not met{}",
            terms.and_then(|t| t.deliverable.as_deref()).unwrap_or(""),
            within.map_or_else(String::new, |p| format!(" within {p}"))
        ),
        Some("reported") => match within.filter(|p| !p.is_zero()) {
            Some(p) => {
                format!("{n} post{s} {is} reported, prohibited and not removed within {p}")
            }
            None => format!("{n} post{s} {is} reported, prohibited and not removed"),
        },
        _ => format!("{n} post{s} {is} prohibited and still up"),
    }
}

fn standing_words(standing: Standing) -> &'static str {
    match standing {
        Standing::InTime => "met in time",
        Standing::Late => "met late",
        Standing::Overdue => "overdue and not met",
        Standing::Open => "still within time, not yet met",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_are_written_in_calendar_terms() {
        let zone = TimeZone::get("America/Los_Angeles").unwrap();
        let a: Timestamp = "2021-01-10T02:00:00Z".parse().unwrap();
        let b: Timestamp = "2021-02-09T02:00:00Z".parse().unwrap();
        assert_eq!(moved(Some(a), Some(b), &zone).as_deref(), Some("+30 days"));
        assert_eq!(moved(Some(b), Some(a), &zone).as_deref(), Some("-30 days"));
        let c: Timestamp = "2021-01-10T05:30:00Z".parse().unwrap();
        assert_eq!(
            moved(Some(a), Some(c), &zone).as_deref(),
            Some("+3 hours 30 minutes")
        );
        assert_eq!(
            moved(None, Some(a), &zone).as_deref(),
            Some("opens where it never did")
        );
        assert_eq!(moved(None, None, &zone), None);
    }
}
