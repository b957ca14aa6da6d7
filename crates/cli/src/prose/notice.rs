//! Sentences about time: the notice a power needs or rests on, what it lacks, what a candidate
//! power lacked, and deadline arithmetic.

use modsim_sim::Node;
use modsim_sim::explanation::{
    Arithmetic, Basis, Lack, Missing, NoticeArithmetic, NoticeKind, NoticePeriodKind, NoticeTerms,
    Reason, SkippedDay, ZoneFrom,
};

use super::Prose;

impl Prose<'_> {
    /// What notice a power needs, the notice it rests on, or what it lacks.
    pub(super) fn notice_step(&self, node: &Node) -> String {
        match node {
            Node::NoticeRule { clause } => format!(
                "notice: {}",
                self.clause(clause)
                    .and_then(|c| c.power.as_ref())
                    .map_or_else(String::new, |p| notice_rule(&p.notice))
            ),
            Node::NoticeBasis { basis } => self.basis(basis, true),
            Node::NoticeLacking { lack } => self.lack(lack),
            _ => String::new(),
        }
    }

    /// A period added to an instant, written out; counted in another zone than the
    /// scenario's, the instants are that zone's and the sentence says which and why.
    pub fn arithmetic(&self, a: &Arithmetic) -> String {
        let at = |t| match &a.counted_in {
            Some(c) => modsim_policy::show_instant(t, &c.zone),
            None => self.at(t),
        };
        let mut notes = Vec::new();
        if let Some(c) = &a.counted_in {
            let why = match c.because {
                ZoneFrom::Holder => "the holder's zone",
                ZoneFrom::Counterparty => "the counterparty's zone, as the clause says",
                ZoneFrom::Clause => "the zone the clause names",
            };
            notes.push(format!(
                "counted in {}, {why}",
                modsim_policy::zone::zone_name(&c.zone)
            ));
        }
        if let Some(calendar) = &a.calendar
            && !a.skipped.is_empty()
        {
            notes.push(format!("{calendar} calendar"));
            notes.push(format!(
                "skipping {}",
                skipped_days(&a.skipped, a.skipped_more)
            ));
        }
        let mut text = format!("{} + {} = {}", at(a.start), a.period, at(a.end));
        if !notes.is_empty() {
            text.push_str(&format!(" ({})", notes.join("; ")));
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
            Lack::Later { notice, given } => {
                format!(
                    "notice is given only later, at {}",
                    self.event_at(notice, *given)
                )
            }
            Lack::NotBefore(n) => format!(
                "not before {}: {}",
                self.at(n.ready),
                self.notice_arithmetic(n)
            ),
            Lack::Broken { notice, given } => format!(
                "the condition did not hold without a break from the notice of {} on",
                self.event_at(notice, *given)
            ),
            Lack::Given { notice, given } => {
                format!("notice given {}", self.event_at(notice, *given))
            }
        }
    }

    /// A restriction judged at its end: how long it lasts against each ground's limit.
    pub fn ending(&self, end: &modsim_sim::explanation::Ending) -> String {
        let lasts = match &end.ends {
            Some(a) => format!("it lasts {}: {}", a.period, self.arithmetic(a)),
            None => "the timeline gives it no end".to_owned(),
        };
        let limits: Vec<String> = end
            .limits
            .iter()
            .map(|l| match &l.latest {
                Some(latest) => format!(
                    "{} allows at most {} ({}): {}",
                    l.clause.id,
                    latest.period,
                    self.arithmetic(latest),
                    if l.within { "within it" } else { "longer" }
                ),
                None => format!("{} sets no limit", l.clause.id),
            })
            .collect();
        format!(
            "at its end: {}; {}; {} at its end",
            lasts,
            limits.join("; "),
            if end.permitted {
                "PERMITTED"
            } else {
                "NOT PERMITTED"
            }
        )
    }

    /// What a candidate power lacked: "`6.1(a)`: its condition `...` does not hold".
    pub fn missing(&self, m: &Missing) -> String {
        let reason = match &m.reason {
            Reason::ConditionFails => format!(
                "its condition `{}` does not hold",
                m.clause.as_ref().map_or("", |c| self.power_condition(c))
            ),
            Reason::Notice { lack } => self.lack(lack),
            Reason::NoPrior { action } => format!(
                "its condition holds, but it needs a prior `{action}` of the party first, and none was given"
            ),
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

/// The days a period skipped, as prose: `Sat 2021-01-16, Mon 2021-01-18 (Martin Luther King
/// Jr. Day)`, then how many more when only the first are named.
pub(super) fn skipped_days(skipped: &[SkippedDay], more: u32) -> String {
    let mut days: Vec<String> = skipped
        .iter()
        .map(|d| {
            let day = d.date.strftime("%a %Y-%m-%d").to_string();
            match &d.holiday {
                Some(name) => format!("{day} ({name})"),
                None => day,
            }
        })
        .collect();
    if more > 0 {
        days.push(format!("and {more} more"));
    }
    days.join(", ")
}
