//! Prose: the English sentence for each step of an explanation tree and for the report's other
//! typed answers (what a power lacked, the notice it rests on, what changed a duty), written
//! from the run's report alone. The text, Markdown and HTML renderers all write through here,
//! each adding its own markup around the sentences.

mod compare;
mod deadlines;
mod duty;
mod notice;

use jiff::Timestamp;
use modsim_policy::{Mark, show_instant};
use modsim_sim::explanation::{
    Basis, ClauseKey, Counts, Determination, Held, HistoryItem, HistoryRef, HistoryValue, Node,
    NoticesAvailable,
};
use modsim_sim::report::{ClauseInfo, Report, VerdictReport};

pub use notice::notice_required;

/// The notice each ground of a permitted verdict rests on, read off its explanation: the
/// ground's clause and its basis, in the order of the grounds (grounds that need no notice
/// are left out).
pub fn ground_bases(v: &VerdictReport) -> Vec<(&ClauseKey, &Basis)> {
    let Some(tree) = &v.explanation else {
        return Vec::new();
    };
    tree.children
        .iter()
        .filter_map(|power| match &power.node {
            Node::Power {
                clause,
                exercisable: true,
                ..
            } => power
                .walk()
                .find_map(|step| match &step.node {
                    Node::NoticeBasis { basis } if *basis != Basis::NoNoticeNeeded => Some(basis),
                    _ => None,
                })
                .map(|basis| (clause, basis)),
            _ => None,
        })
        .collect()
}

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

    /// An instant of an event, marked when the event's time is reconstructed: `2021-01-09
    /// 18:00 PST (the notice's time is reconstructed)`.
    pub fn event_at(&self, event: &str, t: Timestamp) -> String {
        let at = self.at(t);
        match self.report.event(event) {
            Some(e) if e.reconstructed.is_some() => {
                let what = match e.kind {
                    modsim_sim::report::EventKind::Notice { .. } => "the notice's",
                    modsim_sim::report::EventKind::Action { .. } => "the action's",
                    modsim_sim::report::EventKind::Delivery { .. } => "the delivery's",
                    modsim_sim::report::EventKind::Fact { .. } => "the fact's",
                    modsim_sim::report::EventKind::Determination { .. } => "the determination's",
                };
                format!("{at} ({what} time is reconstructed)")
            }
            _ => at,
        }
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
            Node::Verdict { .. }
            | Node::Power { .. }
            | Node::Never { .. }
            | Node::FirstHeld { .. }
            | Node::NoticesAvailable { .. }
            | Node::Clause { .. }
            | Node::Condition { .. } => self.power_step(node),
            Node::Constant { .. }
            | Node::Not { .. }
            | Node::Available { .. }
            | Node::Assumption { .. }
            | Node::TakenOut { .. }
            | Node::Prior { .. }
            | Node::Comparison { .. } => self.condition_step(node),
            Node::RestrictionEnd(end) => self.ending(end),
            Node::Duty { .. }
            | Node::ProhibitedUnder { .. }
            | Node::Post { .. }
            | Node::Owed { .. }
            | Node::Instance { .. }
            | Node::Demand { .. }
            | Node::More { .. }
            | Node::Tally { .. }
            | Node::TallyGroup { .. } => self.duty_step(node),
            Node::NoticeRule { .. } | Node::NoticeBasis { .. } | Node::NoticeLacking { .. } => {
                self.notice_step(node)
            }
        }
    }

    /// A verdict, a power, and what a power rests on.
    fn power_step(&self, node: &Node) -> String {
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
            _ => String::new(),
        }
    }

    /// A part of a condition.
    // Long: one arm per kind of condition step (a closed vocabulary), each a sentence; split,
    // the arms would only move apart from the match that picks them.
    fn condition_step(&self, node: &Node) -> String {
        match node {
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
                determination,
                ..
            } => {
                let question = self
                    .report
                    .policy(policy)
                    .and_then(|p| p.assumption(name))
                    .map_or("", |a| a.question.as_str());
                let given = if *by_default {
                    "the policy's default"
                } else {
                    "set for this run with --assume"
                };
                match determination {
                    None => {
                        format!("judgment call `{name}` is taken as {value} ({given}): {question}")
                    }
                    Some(Determination::Made { event, at, by }) => format!(
                        "judgment call `{name}` is taken as {value} ({given}): {question} — {by}'s determination, made {}{}; a judgment call, not a fact of the timeline",
                        self.at(*at),
                        self.reconstructed_time(event)
                    ),
                    Some(Determination::NotYet { next }) => format!(
                        "judgment call `{name}` is not yet made, so it reads false: {question} — {}",
                        match next.as_ref().and_then(|id| self.report.event(id)) {
                            Some(e) => format!(
                                "the timeline records {}'s determination only at {}{}",
                                e.from.as_deref().unwrap_or(""),
                                self.at(e.at),
                                self.reconstructed_time(&e.id)
                            ),
                            None => "the timeline records no determination of it for this party"
                                .to_owned(),
                        }
                    ),
                }
            }
            Node::Prior { action, event, .. } => {
                match event.as_ref().and_then(|id| self.report.event(id)) {
                    Some(e) => format!(
                        "after a prior `{action}`: {} {action} {} at {}",
                        e.from.as_deref().unwrap_or(""),
                        e.to.as_deref().unwrap_or(""),
                        self.at(e.at)
                    ),
                    None => format!(
                        "after a prior `{action}`: none given by then, so the power is not open"
                    ),
                }
            }
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
            _ => String::new(),
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
                    .map(|r| {
                        format!(
                            "notice of {}: ready {}",
                            self.event_at(&r.notice, r.given),
                            self.at(r.ready)
                        )
                    })
                    .collect();
                format!(
                    "{}; the condition did not hold when the notice allowed it",
                    each.join("; ")
                )
            }
        }
    }

    /// ` (time reconstructed)` when the event's time is.
    fn reconstructed_time(&self, event: &str) -> &'static str {
        if self
            .report
            .event(event)
            .is_some_and(|e| e.reconstructed.is_some())
        {
            " (time reconstructed)"
        } else {
            ""
        }
    }

    /// One count of an account's history: `strikes of chan_a within 90 calendar days: 3
    /// (...)`, with what left the period.
    fn history(&self, h: &HistoryValue) -> String {
        let what = |item: &HistoryItem| -> String {
            let name = match &item.item {
                HistoryRef::Post(id) => format!("post {id}"),
                HistoryRef::Event(id) => id.to_string(),
            };
            format!("{name} of {}", self.at(item.at))
        };
        let mut text = format!(
            "{} of {}{}: {}",
            h.counted,
            h.party,
            h.within
                .map_or_else(String::new, |p| format!(" within the last {p}")),
            h.value
        );
        if !h.counted_items.is_empty() {
            let each: Vec<String> = h
                .counted_items
                .iter()
                .map(|i| match &i.until {
                    Some(u) => format!("{}, counting until {}", what(i), self.at(u.end)),
                    None => what(i),
                })
                .collect();
            let more = (h.value as usize).saturating_sub(h.counted_items.len());
            text.push_str(&format!(
                " ({}{})",
                each.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if !h.expired.is_empty() {
            let each: Vec<String> = h
                .expired
                .iter()
                .map(|i| match &i.until {
                    Some(u) => format!("{} ({})", what(i), self.arithmetic(u)),
                    None => what(i),
                })
                .collect();
            text.push_str(&format!("; no longer counted: {}", each.join("; ")));
        }
        text
    }

    fn more_counts(&self, counts: &Counts) -> String {
        let mut out = String::new();
        for h in &counts.history {
            out.push_str("; ");
            out.push_str(&self.history(h));
        }
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
}
