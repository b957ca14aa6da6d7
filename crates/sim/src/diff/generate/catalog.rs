//! The catalog: what both policies give the generator to draw from, read once per search.

use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use modsim_policy::condition::{Counted, Num, StateCount, Text, Time};
use modsim_policy::{Action, Calendar, Cond, LabelSet, Mark, Notice, Period, Policy, Trigger};

use super::{MOST_POSTS, plus_minutes};
use crate::scenario::{ActionEvent, DeliveryEvent, PostId};
use crate::timeline::DeterminationEvent;

/// What both policies give a generator to draw from.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// Label sets to try on a post, most telling first.
    pub(super) labels: Vec<LabelSet>,
    /// Actions to judge, as events (their instant set when drawn).
    pub(super) actions: Vec<ActionEvent>,
    /// Actions that demand a deliverable, with the delivery that meets them.
    pub(super) demands: Vec<(ActionEvent, DeliveryEvent)>,
    /// Notices to give: from, to, and the clause ids worth citing (none is always tried).
    pub(super) notices: Vec<(usize, usize, Vec<String>)>,
    /// Notices naming posts that open duties (`opens = "notified"`): from, to.
    pub(super) post_notices: Vec<(usize, usize)>,
    /// Deliveries that meet a duty an action or a notice opened (a statement of reasons, a
    /// decision), from the duty's holder to each other party.
    pub(super) deliveries: Vec<DeliveryEvent>,
    /// Periods the clauses count, each with its calendar: deadlines, notice and cure periods,
    /// the lengths of restrictions, and the trailing windows of accounts' histories.
    pub(super) periods: Vec<(Period, Calendar)>,
    /// How long an action of each kind may last (a restriction's `for`), as either side says.
    pub(super) lastings: Vec<(Action, Period)>,
    /// An account's history the powers read (strikes, warnings, prohibited posts, statements
    /// received), with the counts worth trying: each threshold, one less and one more.
    pub(super) histories: Vec<(Counted, Vec<i64>)>,
    /// Actions a power asks for before its own (`after`): (the power's action, the prior one).
    pub(super) priors: Vec<(Action, Action)>,
    /// Determinations that date the judgment calls powers rest on (by whom, about whom).
    pub(super) determinations: Vec<DeterminationEvent>,
    /// Facts the powers read, with the values worth trying.
    pub(super) facts: Vec<(String, Vec<i64>)>,
    /// Numbers of posts worth trying, from the thresholds counts are compared against.
    pub(super) counts: Vec<i64>,
    /// Severities and reaches worth trying.
    pub(super) severities: Vec<i64>,
    pub(super) reaches: Vec<i64>,
    /// Authors worth trying: none, and the accounts conditions read.
    pub(super) authors: Vec<PostId>,
    /// The parties that are user accounts, and their handles.
    pub(super) accounts: Vec<(usize, PostId)>,
    /// Instants a timeline may start from.
    pub(super) anchors: Vec<Timestamp>,
    /// The zone periods are counted in.
    pub(super) zone: TimeZone,
}

/// Who holds what, as the template binds each side's roles.
pub(crate) struct Binding<'a> {
    /// The side's policy.
    pub(crate) policy: &'a Arc<Policy>,
    /// The party of each of its roles.
    pub(crate) parties: &'a [Option<usize>],
    /// Whether each of its roles stands for every account.
    pub(crate) every: &'a [bool],
}

impl Binding<'_> {
    fn party(&self, role: usize) -> Option<usize> {
        self.parties.get(role).copied().flatten()
    }

    /// The parties a role stands for: its party, or every account (`accounts`).
    pub(super) fn parties_of(&self, role: usize, accounts: &[(usize, PostId)]) -> Vec<usize> {
        match self.party(role) {
            Some(p) => vec![p],
            None if self.every.get(role).copied().unwrap_or(false) => {
                accounts.iter().map(|(p, _)| *p).collect()
            }
            None => Vec::new(),
        }
    }
}

impl Catalog {
    /// What both sides give: their labels (numbered as `labels` names them), actions, demands,
    /// notices, periods, thresholds, and the instants to start from (`start` first).
    pub(crate) fn new(
        sides: [Binding<'_>; 2],
        labels: &[String],
        parties: &[crate::scenario::Party],
        zone: &TimeZone,
        start: Timestamp,
    ) -> Catalog {
        let mut c = Catalog {
            labels: Vec::new(),
            actions: Vec::new(),
            demands: Vec::new(),
            notices: Vec::new(),
            post_notices: Vec::new(),
            deliveries: Vec::new(),
            periods: Vec::new(),
            lastings: Vec::new(),
            histories: Vec::new(),
            priors: Vec::new(),
            determinations: Vec::new(),
            facts: Vec::new(),
            counts: Vec::new(),
            severities: Vec::new(),
            reaches: Vec::new(),
            authors: Vec::new(),
            accounts: parties
                .iter()
                .enumerate()
                .filter_map(|(k, p)| Some((k, PostId::from(p.account.as_deref()?))))
                .collect(),
            anchors: Vec::new(),
            zone: zone.clone(),
        };
        let mut notes = Vec::new();
        for side in &sides {
            c.read_labels(side.policy, labels);
            c.read_powers(side);
            c.read_duties(side, parties.len());
            c.read_thresholds(side, &mut notes);
            c.read_determinations(side);
        }
        // Labels no prohibition tests come after the ones that do, then no label at all.
        for side in &sides {
            for name in side.policy.labels.names() {
                if let Some(i) = labels.iter().position(|l| l == name) {
                    push_new(&mut c.labels, LabelSet::single(i));
                }
            }
        }
        push_new(&mut c.labels, LabelSet::EMPTY);
        c.authors.insert(0, PostId::default());
        for p in parties {
            if let Some(account) = &p.account {
                push_new(&mut c.authors, PostId::from(account.as_str()));
            }
        }
        if c.severities.is_empty() {
            c.severities.push(0);
        }
        if c.reaches.is_empty() {
            c.reaches.push(0);
        }
        let calendars: Vec<Calendar> = sides.iter().map(|s| s.policy.holidays.clone()).collect();
        c.anchors = anchors(zone, &calendars, start, &notes);
        c
    }

    fn read_labels(&mut self, policy: &Policy, labels: &[String]) {
        let conditions = policy
            .prohibitions
            .iter()
            .map(|p| &p.condition.cond)
            .chain(policy.duties.iter().map(|d| &d.condition.cond));
        for cond in conditions {
            cond.visit(&mut |c| match c {
                Cond::HasAnyLabel(set) => {
                    for name in policy.labels.names_of(*set) {
                        if let Some(i) = labels.iter().position(|l| l == name) {
                            push_new(&mut self.labels, LabelSet::single(i));
                        }
                    }
                }
                Cond::HasAllLabels(set) => {
                    let all = policy
                        .labels
                        .names_of(*set)
                        .into_iter()
                        .filter_map(|name| labels.iter().position(|l| l == name))
                        .fold(LabelSet::EMPTY, |acc, i| acc.union(LabelSet::single(i)));
                    push_new(&mut self.labels, all);
                }
                Cond::CompareNum(_, a, b) => {
                    for (read, other) in [(a, b), (b, a)] {
                        let target = match read {
                            Num::Severity => &mut self.severities,
                            Num::Reach => &mut self.reaches,
                            _ => continue,
                        };
                        if let Some(v) = constant(other, policy) {
                            for x in [v - 1, v, v + 1] {
                                push_new(target, x.max(0));
                            }
                        }
                    }
                }
                Cond::EqualText(_, a, b) => {
                    for (read, other) in [(a, b), (b, a)] {
                        if let (Text::Author, Text::Const(s)) = (read, other) {
                            push_new(&mut self.authors, PostId::from(&**s));
                        }
                    }
                }
                Cond::TextIn(Text::Author, list) => {
                    for s in list.iter() {
                        push_new(&mut self.authors, PostId::from(&**s));
                    }
                }
                _ => {}
            });
        }
    }

    fn read_powers(&mut self, side: &Binding<'_>) {
        let policy = side.policy;
        for power in &policy.powers {
            let lasting = power.lasting.map(|l| l.period);
            if let Some(period) = lasting {
                push_new(&mut self.lastings, (power.action, period));
                push_new(&mut self.periods, (period, policy.holidays.clone()));
            }
            if let Some(prior) = power.after {
                push_new(&mut self.priors, (power.action, prior));
            }
            let clause = policy.power_clause(power).id.clone();
            for holder in side.parties_of(power.holder, &self.accounts) {
                for against in side.parties_of(power.against, &self.accounts) {
                    if holder == against {
                        continue;
                    }
                    self.add_action(holder, power.action, against, lasting);
                    if let Some(prior) = power.after {
                        self.add_action(holder, prior, against, None);
                    }
                    match self
                        .notices
                        .iter_mut()
                        .find(|(f, t, _)| *f == holder && *t == against)
                    {
                        Some((_, _, cites)) => push_new(cites, clause.clone()),
                        None => self.notices.push((holder, against, vec![clause.clone()])),
                    }
                }
            }
            let periods = [
                match power.notice {
                    Notice::Advance(p) => Some(p.period),
                    _ => None,
                },
                power.cure.map(|c| c.period),
            ];
            for period in periods.into_iter().flatten() {
                push_new(&mut self.periods, (period, policy.holidays.clone()));
            }
        }
    }

    /// An action to judge: `actor` does `action` to `against`, unless the catalog has it.
    pub(super) fn add_action(
        &mut self,
        actor: usize,
        action: Action,
        against: usize,
        lasting: Option<Period>,
    ) {
        if self
            .actions
            .iter()
            .any(|a| a.actor == actor && a.action == action && a.against == against)
        {
            return;
        }
        self.actions.push(ActionEvent {
            at: Timestamp::UNIX_EPOCH,
            actor,
            action,
            against,
            demands: None,
            lasting,
            summary: "an action made up by modsim diff".into(),
            mark: Mark::Reconstructed,
            reconstructed: None,
        });
    }

    fn read_duties(&mut self, side: &Binding<'_>, parties: usize) {
        let policy = side.policy;
        for duty in &policy.duties {
            if !duty.open_ended && !duty.within.period.is_zero() {
                push_new(
                    &mut self.periods,
                    (duty.within.period, policy.holidays.clone()),
                );
            }
            self.read_opened(side, duty, parties);
            let (Trigger::Demanded, Some(deliverable), Some(holder)) =
                (duty.opens, &duty.deliverable, side.party(duty.holder))
            else {
                continue;
            };
            // The demand comes from a party the policy binds, by an action of a power held
            // against the duty's holder (a demand for a plan), or else any power's.
            let against_holder = |p: &&modsim_policy::Power| side.party(p.against) == Some(holder);
            let power = policy
                .powers
                .iter()
                .filter(against_holder)
                .find(|p| side.party(p.holder).is_some())
                .or_else(|| {
                    policy
                        .powers
                        .iter()
                        .find(|p| side.party(p.holder).is_some())
                });
            let Some(power) = power else { continue };
            let Some(actor) = side.party(power.holder).filter(|&a| a != holder) else {
                continue;
            };
            if self.demands.iter().any(|(a, d)| {
                a.actor == actor && a.against == holder && d.deliverable == *deliverable
            }) {
                continue;
            }
            self.demands.push((
                ActionEvent {
                    at: Timestamp::UNIX_EPOCH,
                    actor,
                    action: power.action,
                    against: holder,
                    demands: Some(deliverable.clone()),
                    lasting: None,
                    summary: format!("a demand for `{deliverable}`, made up by modsim diff"),
                    mark: Mark::Reconstructed,
                    reconstructed: None,
                },
                DeliveryEvent {
                    at: Timestamp::UNIX_EPOCH,
                    from: holder,
                    to: actor,
                    deliverable: deliverable.clone(),
                    summary: format!("`{deliverable}` delivered, made up by modsim diff"),
                    mark: Mark::Reconstructed,
                    reconstructed: None,
                },
            ));
        }
    }

    /// The thresholds powers compare counts and facts against, and the instants conditions
    /// name.
    fn read_thresholds(&mut self, side: &Binding<'_>, notes: &mut Vec<Timestamp>) {
        let policy = side.policy;
        for name in &policy.facts {
            if !self.facts.iter().any(|(n, _)| *n == name.name) {
                self.facts.push((name.name.clone(), vec![0, 1]));
            }
        }
        let conditions = policy
            .powers
            .iter()
            .map(|p| &p.condition.cond)
            .chain(policy.prohibitions.iter().map(|p| &p.condition.cond))
            .chain(policy.duties.iter().map(|d| &d.condition.cond));
        for cond in conditions {
            cond.visit(&mut |c| match c {
                Cond::CompareNum(_, a, b) => {
                    for (read, other) in [(a, b), (b, a)] {
                        self.read_history(read, other, side);
                        let Some(v) = constant(other, policy) else {
                            continue;
                        };
                        let around = [v - 1, v, v + 1];
                        match read {
                            Num::Fact(i) => {
                                let name = policy.facts.get(*i).map(|f| f.name.as_str());
                                if let Some((_, values)) = self
                                    .facts
                                    .iter_mut()
                                    .find(|(n, _)| Some(n.as_str()) == name)
                                {
                                    for x in around {
                                        push_new(values, x.max(0));
                                    }
                                }
                            }
                            Num::State(
                                StateCount::Reports
                                | StateCount::LiveReported
                                | StateCount::LiveProhibited
                                | StateCount::AccountPosts
                                | StateCount::AccountProhibited
                                | StateCount::AccountLiveProhibited,
                            ) => {
                                for x in around {
                                    if (1..=MOST_POSTS).contains(&x) {
                                        push_new(&mut self.counts, x);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Cond::CompareTime(_, a, b) => {
                    for t in [a, b] {
                        if let Some(at) = instant(t) {
                            for m in [-1, 0, 1] {
                                notes.push(plus_minutes(at, m));
                            }
                        }
                    }
                }
                _ => {}
            });
        }
    }
}

/// The value of a number a condition compares against, when it is fixed: a literal, an integer
/// parameter, or arithmetic of those.
pub(super) fn constant(n: &Num, policy: &Policy) -> Option<i64> {
    match n {
        Num::Const(v) => Some(*v),
        Num::Param(i) => policy.param_values().get(*i).copied(),
        Num::Arith(op, a, b) => {
            let (a, b) = (constant(a, policy)?, constant(b, policy)?);
            Some(match op {
                modsim_policy::condition::ArithOp::Add => a.saturating_add(b),
                modsim_policy::condition::ArithOp::Sub => a.saturating_sub(b),
                modsim_policy::condition::ArithOp::Mul => a.saturating_mul(b),
                modsim_policy::condition::ArithOp::Div => a.checked_div(b).unwrap_or(0),
                modsim_policy::condition::ArithOp::Rem => a.checked_rem(b).unwrap_or(0),
            })
        }
        _ => None,
    }
}

/// The instant a time expression names, when it is fixed.
fn instant(t: &Time) -> Option<Timestamp> {
    match t {
        Time::Const(at) => Some(*at),
        Time::Shift(inner, by) => instant(inner)?.checked_add(*by).ok(),
        _ => None,
    }
}

/// The instants a timeline may start from, `start` first: the next Friday at 17:00 (a weekend
/// follows), the eve of the next holiday of each calendar at 17:00, the eve of the next two
/// daylight-saving changes at 18:00, and the instants conditions name.
pub(super) fn anchors(
    zone: &TimeZone,
    calendars: &[Calendar],
    start: Timestamp,
    notes: &[Timestamp],
) -> Vec<Timestamp> {
    let mut out = vec![start];
    let day = start.to_zoned(zone.clone()).date();
    let at = |date: Date, hour: i8| {
        date.at(hour, 0, 0, 0)
            .to_zoned(zone.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    let days = |n: i64| (0..n).filter_map(move |k| day.checked_add(k.days()).ok());
    if let Some(friday) = days(7).find(|d| d.weekday() == Weekday::Friday) {
        out.extend(at(friday, 17));
    }
    for calendar in calendars {
        let holiday = days(400).find(|d| {
            matches!(calendar.holiday(*d), Ok(Some(_)))
                && !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        });
        if let Some(eve) = holiday.and_then(|d| d.yesterday().ok()) {
            // The last business day before a holiday weekend, when the holiday is a Monday.
            let eve = if eve.weekday() == Weekday::Sunday {
                eve.checked_sub(2.days()).unwrap_or(eve)
            } else {
                eve
            };
            if let Some(t) = at(eve, 17)
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
    }
    for transition in zone.following(start).take(2) {
        let date = transition.timestamp().to_zoned(zone.clone()).date();
        if let Some(t) = date.yesterday().ok().and_then(|d| at(d, 18)) {
            out.push(t);
        }
    }
    for t in notes {
        if !out.contains(t) {
            out.push(*t);
        }
    }
    out
}

pub(super) fn push_new<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}
