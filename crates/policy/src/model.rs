//! The compiled rule model: a [`Policy`] with its roles, labels, parameters, judgment calls,
//! clauses, and the prohibitions, duties and powers those clauses create.
//!
//! Everything here is checked: names resolve, periods have a kind, conditions are compiled.
//! Indices (`usize`) point into the policy's own vectors.

use std::fmt;

use crate::LabelTable;
use crate::calendar::Calendar;
use crate::condition::Condition;
use crate::index::{NO_RULES, RulesByLabel};
use crate::period::Period;

pub use crate::action::Action;

/// A compiled policy: one document (a contract, terms of service, guidelines) at one version.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Short id, such as `aws-2021-01`.
    pub id: String,
    /// Full title.
    pub title: String,
    /// Where the text comes from.
    pub source: String,
    /// What the document is, for readers.
    pub about: Option<String>,
    /// The file it was read from, as named to the user.
    pub file: String,
    /// The calendar business days are counted against.
    pub holidays: Calendar,
    /// The role on whose service the posts this policy judges are published (`content_on`);
    /// `None` when the policy judges every post of the scenario.
    pub content_on: Option<usize>,
    /// The scenario facts its conditions read (`facts.NAME`), in declaration order.
    pub facts: Vec<FactName>,
    /// The roles the policy speaks of, which a scenario binds to parties.
    pub roles: Vec<Role>,
    /// The content labels the policy knows.
    pub labels: LabelTable,
    /// Named values, with their defaults and any override.
    pub parameters: Vec<Parameter>,
    /// Judgment calls: clauses such as "if AWS determines that...", as named assumptions.
    pub assumptions: Vec<Assumption>,
    /// Every clause, in the document's order, including those taken out.
    pub clauses: Vec<Clause>,
    /// Content rules.
    pub prohibitions: Vec<Prohibition>,
    /// Duties.
    pub duties: Vec<Duty>,
    /// Powers (remedies).
    pub powers: Vec<Power>,
    /// The reforms applied to the document for this run, by id, in order.
    pub reforms: Vec<String>,
    /// The prohibitions and duties by the labels that let them apply, built with them: what
    /// the replay reads to find the rules a post can touch.
    pub index: RuleIndex,
}

impl Policy {
    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// The index of a role.
    pub fn role(&self, name: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.name == name)
    }

    /// The integer values of the parameters, by index (0 for periods), for evaluation.
    pub fn param_values(&self) -> Vec<i64> {
        self.parameters
            .iter()
            .map(|p| match p.value {
                ParamValue::Int(n) => n,
                ParamValue::Period(_) => 0,
            })
            .collect()
    }

    /// The values of the judgment calls, by index, for evaluation.
    pub fn assumption_values(&self) -> Vec<bool> {
        self.assumptions.iter().map(|a| a.value).collect()
    }

    /// The clause of a power.
    pub fn power_clause(&self, power: &Power) -> &Clause {
        self.clauses.get(power.clause).unwrap_or(&UNKNOWN_CLAUSE)
    }

    /// The clause of a duty.
    pub fn duty_clause(&self, duty: &Duty) -> &Clause {
        self.clauses.get(duty.clause).unwrap_or(&UNKNOWN_CLAUSE)
    }

    /// A role's name.
    pub fn role_name(&self, role: usize) -> &str {
        self.roles.get(role).map_or("?", |r| r.name.as_str())
    }
}

static UNKNOWN_CLAUSE: Clause = Clause {
    id: String::new(),
    title: String::new(),
    text: String::new(),
    source: String::new(),
    mark: Mark::Inferred,
    note: None,
    taken_out: false,
};

/// A scenario fact a policy reads, such as a count of unreviewed reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactName {
    /// Its name, read as `facts.NAME`.
    pub name: String,
    /// What it counts.
    pub about: String,
}

/// A role a policy speaks of ("provider", "customer").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// Its name in the policy.
    pub name: String,
    /// Who it is, in a sentence.
    pub about: String,
}

/// A named value of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// What it is.
    pub about: String,
    /// The value in force for this run.
    pub value: ParamValue,
    /// The value the document gives.
    pub default: ParamValue,
}

/// The value of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamValue {
    /// A period ("30 calendar days").
    Period(Period),
    /// A whole number (a threshold).
    Int(i64),
}

impl ParamValue {
    /// The value written `text` where a parameter is set (`--set`, `--vary`, an exercise's
    /// `set`): a whole number or a period; otherwise the help that says how to write one.
    pub fn parse(text: &str) -> Result<ParamValue, String> {
        if let Ok(n) = text.trim().parse::<i64>() {
            return Ok(ParamValue::Int(n));
        }
        Period::parse(text)
            .map(ParamValue::Period)
            .map_err(|e| e.help().to_owned())
    }

    /// Its kind, as a message names it: "a whole number" or "a period".
    pub fn kind(self) -> &'static str {
        match self {
            ParamValue::Int(_) => "a whole number",
            ParamValue::Period(_) => "a period",
        }
    }

    /// Whether `other` is of the same kind, and may replace it.
    pub fn same_kind(self, other: ParamValue) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Period(p) => p.fmt(f),
            ParamValue::Int(n) => n.fmt(f),
        }
    }
}

/// A judgment call: a clause that turns on a party's determination, held as an assumption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    /// Its name, used by `--assume NAME=true|false`.
    pub name: String,
    /// The question it answers.
    pub question: String,
    /// The default the policy file gives, and why.
    pub default: bool,
    /// The value in force for this run.
    pub value: bool,
    /// The clause it belongs to.
    pub clause: Option<String>,
    /// Why the default is what it is.
    pub note: Option<String>,
    /// The role whose determination it is (`by = "platform"`), when the policy names one: a
    /// scenario's `determination` event by that role's party dates it.
    pub by: Option<usize>,
}

/// A clause of the document: the unit a verdict cites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// Its id as the document numbers it: `6.1(b)`.
    pub id: String,
    /// A short title.
    pub title: String,
    /// A paraphrase of its text.
    pub text: String,
    /// Where the text comes from.
    pub source: String,
    /// How sure we are of its wording.
    pub mark: Mark,
    /// A note for readers.
    pub note: Option<String>,
    /// Taken out for this run (`--without`).
    pub taken_out: bool,
}

crate::vocabulary! {
    /// How a fact or clause is known, as FACTS.md marks it.
    pub enum Mark: "mark" {
        /// On the record: the primary document, or a faithful reproduction.
        Record = "record",
        /// Reported by the press; the primary text was not seen.
        Reported = "reported",
        /// Inferred, or taken from a neighbouring version.
        Inferred = "inferred",
        /// Made up by a documented generator where the record is silent.
        Reconstructed = "reconstructed",
        /// Made up for teaching: not a fact of any case (a teaching scenario's channel, a
        /// classroom forum's rules).
        Invented = "invented",
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mark::Record => "on the record",
            Mark::Reported => "reported by the press",
            Mark::Inferred => "inferred",
            Mark::Reconstructed => "reconstructed",
            Mark::Invented => "invented for teaching",
        })
    }
}

/// A content rule: posts matching the condition are prohibited under the clause.
#[derive(Clone, Debug)]
pub struct Prohibition {
    /// Its clause, by index.
    pub clause: usize,
    /// Which posts it prohibits.
    pub condition: Condition,
}

/// A period written out, or taken from a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodRef {
    /// The period in force.
    pub period: Period,
    /// The parameter it comes from, when it does.
    pub param: Option<usize>,
}

/// Something a role must do, opened per post (or per demand) by a trigger, due within a period.
#[derive(Clone, Debug)]
pub struct Duty {
    /// Its clause, by index.
    pub clause: usize,
    /// The role that owes it.
    pub holder: usize,
    /// The event that opens an instance of the duty for a post.
    pub opens: Trigger,
    /// Which posts it applies to (checked when the trigger fires).
    pub condition: Condition,
    /// How long the holder has; zero means at once.
    pub within: PeriodRef,
    /// No time limit (`within = "no time limit"`): an instance stays pending until met, and is
    /// never breached by the passing of time.
    pub open_ended: bool,
    /// For a duty opened by a demand: the deliverable demanded, such as `moderation_plan`;
    /// for a duty opened by an action and met by a delivery: what the holder delivers.
    pub deliverable: Option<String>,
    /// For a duty opened by an action (`opens = "acted"`): the actions that open it.
    pub on: Vec<Action>,
    /// The event that discharges it.
    pub met_by: Discharge,
    /// Where its deadline is counted (`zone`): the holder's zone unless the clause says
    /// otherwise.
    pub zone: crate::zone::DeadlineZone,
}

crate::vocabulary! {
    /// What opens a duty for a post.
    pub enum Trigger: "trigger" {
        /// The post is published.
        Published = "published",
        /// The post is reported.
        Reported = "reported",
        /// A party demands a deliverable of the holder (an action carrying `demands`): one
        /// instance per demand, not per post.
        Demanded = "demanded",
        /// A party's notice names the post (`posts = [...]` on a notice to the holder): one
        /// instance per named post, its period running from the notice.
        Notified = "notified",
        /// The holder takes one of the actions the duty names (`on = [...]`): one instance per
        /// action, owed to the party acted against (a statement of reasons).
        Acted = "acted",
    }
}

crate::vocabulary! {
    /// What discharges a duty.
    pub enum Discharge: "discharge" {
        /// The post is removed.
        Removed = "removed",
        /// The holder delivers what was demanded to the party that demanded it.
        Delivered = "delivered",
    }
}

/// Something a role may do to another, when a condition holds and notice is given.
#[derive(Clone, Debug)]
pub struct Power {
    /// Its clause, by index.
    pub clause: usize,
    /// The role that holds it.
    pub holder: usize,
    /// What it lets the holder do.
    pub action: Action,
    /// The role it is exercised against.
    pub against: usize,
    /// When it is available.
    pub condition: Condition,
    /// What notice it needs.
    pub notice: Notice,
    /// How long the condition must stay unremedied after notice.
    pub cure: Option<PeriodRef>,
    /// An action the holder must have taken against the same party before this one
    /// (`after = "warn"`: "after having issued a prior warning").
    pub after: Option<Action>,
    /// For a restriction: the longest it may last (`for = "7 calendar days"`). A restriction
    /// is judged at its start, and at its end against this period.
    pub lasting: Option<PeriodRef>,
}

/// The notice a power needs before it may be exercised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// No notice.
    None,
    /// Immediately upon notice: from the instant notice is given.
    Immediate,
    /// Advance notice: the action takes effect no sooner than this after notice.
    Advance(PeriodRef),
}

/// A policy's rules by the labels that let them apply: its prohibitions, the duties each
/// trigger opens for a post, and the duties a post's removal can meet.
#[derive(Clone, Debug, Default)]
pub struct RuleIndex {
    prohibitions: RulesByLabel,
    published: RulesByLabel,
    reported: RulesByLabel,
    notified: RulesByLabel,
    removal: RulesByLabel,
}

impl RuleIndex {
    /// The index of `prohibitions` and `duties`, over a policy of `labels` labels.
    pub fn new(prohibitions: &[Prohibition], duties: &[Duty], labels: usize) -> RuleIndex {
        let duties_opened_by = |trigger: Trigger| {
            RulesByLabel::new(
                duties
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.opens == trigger),
                |d| &d.condition.cond,
                labels,
            )
        };
        RuleIndex {
            prohibitions: RulesByLabel::new(
                prohibitions.iter().enumerate(),
                |p| &p.condition.cond,
                labels,
            ),
            published: duties_opened_by(Trigger::Published),
            reported: duties_opened_by(Trigger::Reported),
            notified: duties_opened_by(Trigger::Notified),
            // Only duties opened per post have an instance a removal meets.
            removal: RulesByLabel::new(
                duties.iter().enumerate().filter(|(_, d)| {
                    d.met_by == Discharge::Removed
                        && matches!(
                            d.opens,
                            Trigger::Published | Trigger::Reported | Trigger::Notified
                        )
                }),
                |d| &d.condition.cond,
                labels,
            ),
        }
    }

    /// The prohibitions.
    pub fn prohibitions(&self) -> &RulesByLabel {
        &self.prohibitions
    }

    /// The duties `trigger` opens for a post (none for the triggers whose instances are not
    /// posts: demands and actions).
    pub fn opened_by(&self, trigger: Trigger) -> &RulesByLabel {
        match trigger {
            Trigger::Published => &self.published,
            Trigger::Reported => &self.reported,
            Trigger::Notified => &self.notified,
            Trigger::Demanded | Trigger::Acted => &NO_RULES,
        }
    }

    /// The duties met by a removal whose instances are posts.
    pub fn met_by_removal(&self) -> &RulesByLabel {
        &self.removal
    }
}
