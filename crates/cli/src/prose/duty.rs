//! Sentences about duties: a duty's state, its overdue posts, its subjects and tallies.

use modsim_sim::Node;
use modsim_sim::explanation::{Computed, Due, DueFrom, Standing, SubjectKind, SubjectRef};
use modsim_sim::report::{CauseReport, DutyTerms, EventKind};

use super::{Prose, TALLY_SHOWN};

impl Prose<'_> {
    /// A duty, its posts or demands, and its tally.
    // Long: one arm per kind of duty step (a closed vocabulary), each a sentence; split, the
    // arms would only move apart from the match that picks them.
    pub(super) fn duty_step(&self, node: &Node) -> String {
        match node {
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
                self.due_and_delivered(line, event, due.as_ref(), delivered)
            }
            Node::More { count, of } => format!(
                "and {count} more {}",
                match of {
                    SubjectKind::Posts => "posts",
                    SubjectKind::Demands => "demands",
                    SubjectKind::Actions => "actions",
                }
            ),
            Node::Owed {
                event,
                due,
                delivered,
            } => self.owed(event, due.as_ref(), delivered),
            Node::Instance { .. } => self.instance(node),
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
            _ => String::new(),
        }
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
        let from = due_from(due.from);
        match &due.arithmetic {
            Computed::Arithmetic(a) => format!("; due: {from} {}", self.arithmetic(a)),
            Computed::Error(e) => format!("; due: cannot be computed ({e})"),
        }
    }

    /// A duty's subject by id: a post's id, `demand by apple of 2021-01-08 09:00 PST`, or
    /// `youtube restrict chan_a of 2024-03-04 09:00 UTC`.
    pub fn subject(&self, subject: &SubjectRef) -> String {
        match subject {
            SubjectRef::Post(id) => id.to_string(),
            SubjectRef::Demand(event) => self.demand_id(event),
            SubjectRef::Action(event) => self.action_id(event),
        }
    }

    /// The first notice that names `post`: `vimeo's notice to church_united of ...`.
    fn notice_naming(&self, post: &str) -> Option<String> {
        let e = self.report.events.iter().find(|e| {
            matches!(&e.kind, EventKind::Notice { posts, .. } if posts.iter().any(|p| p == post))
        })?;
        Some(format!(
            "{}'s notice to {} of {}",
            e.from.as_deref().unwrap_or(""),
            e.to.as_deref().unwrap_or(""),
            self.at(e.at)
        ))
    }

    /// An action by what it was: `youtube restrict chan_a of 2024-03-04 09:00 UTC`.
    pub fn action_id(&self, event: &str) -> String {
        match self.report.event(event) {
            Some(e) => format!(
                "{} {} {} of {}",
                e.from.as_deref().unwrap_or(""),
                match &e.kind {
                    EventKind::Action { action, .. } => action.as_str(),
                    _ => "",
                },
                e.to.as_deref().unwrap_or(""),
                self.at(e.at)
            ),
            None => format!("action {event}"),
        }
    }

    /// What an action owes, as a duty sees it: the action, when it fell due, what met it.
    fn owed(&self, event: &str, due: Option<&Due>, delivered: &[jiff::Timestamp]) -> String {
        self.due_and_delivered(self.action_id(event), event, due, delivered)
    }

    /// `line` (what is owed, by event `event`) followed by when it fell due, what met it, and
    /// whether the event's time is reconstructed: how a demand and an action's duty read alike.
    fn due_and_delivered(
        &self,
        mut line: String,
        event: &str,
        due: Option<&Due>,
        delivered: &[jiff::Timestamp],
    ) -> String {
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

    /// One instance of a duty over the timeline.
    fn instance(&self, node: &Node) -> String {
        let Node::Instance {
            subject,
            opened,
            due,
            met,
            standing,
        } = node
        else {
            return String::new();
        };
        let mut line = format!("{}: opened {}", self.subject(subject), self.at(*opened));
        if let Some(due) = due {
            line.push_str(&self.due(due));
        } else {
            line.push_str("; no time limit");
        }
        if let Some(met) = met {
            line.push_str(&format!("; met {}", self.at(*met)));
        }
        line.push_str(&format!(": {}", standing_words(*standing)));
        if matches!(subject, SubjectRef::Post(_)) && self.posts_reconstructed() {
            line.push_str(" (reconstructed)");
        }
        line
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
            CauseReport::Notified { post } => match self.notice_naming(post) {
                Some(n) => format!("post {post} named in {n}{suffix}"),
                None => format!("post {post} named in a notice{suffix}"),
            },
            CauseReport::Acted { event } => self.action_id(event),
            CauseReport::ActedDeadline { event } => {
                format!("deadline passed for {}", self.action_id(event))
            }
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
        Some("acted") => format!(
            "{n} action{s} {is} owed `{}` and not given it{}",
            terms.and_then(|t| t.deliverable.as_deref()).unwrap_or(""),
            match within.filter(|p| !p.is_zero()) {
                Some(p) => format!(" within {p}"),
                None => " by the action".to_owned(),
            }
        ),
        Some("notified") => format!(
            "{n} post{s} named in a notice {is} not removed{}",
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

/// What a duty's period runs from, in words.
pub(super) fn due_from(from: DueFrom) -> &'static str {
    match from {
        DueFrom::Published => "published",
        DueFrom::Reported => "reported",
        DueFrom::Demanded => "demanded",
        DueFrom::Notified => "notice",
        DueFrom::Acted => "action",
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
