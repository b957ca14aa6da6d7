//! The timeline's vocabulary: parties, posts and their ids, the events of a timeline (notices,
//! actions, deliveries, facts) and how an instant is read. A leaf: the scenario loader, the
//! scenario model and the generator import it, and it imports none of them.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use modsim_policy::{Action, LabelSet, Mark, Period, TimeError};

/// A party to the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Short id used in the files: `aws`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// For a user account: its handle, matched against the posts' `author`.
    pub account: Option<String>,
    /// The zone it sits in, when the scenario says (otherwise the scenario's): the duties it
    /// holds count their deadlines in it unless their clause says otherwise.
    pub zone: Option<TimeZone>,
}

/// A post's id (or an author's handle): kept inline up to 23 bytes, and shared rather than
/// copied when cloned, so explanations that name hundreds of posts do not allocate per id,
/// and a million posts do not hold a million small heap strings.
pub type PostId = smol_str::SmolStr;

/// A post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// Its author, or empty.
    pub author: PostId,
    /// Published.
    pub published: Timestamp,
    /// Reported, if it was.
    pub reported: Option<Timestamp>,
    /// Removed, if it was.
    pub removed: Option<Timestamp>,
    /// Its labels, in the scenario's numbering.
    pub labels: LabelSet,
    /// Severity, 0 when not given.
    pub severity: i64,
    /// Reach, 0 when not given.
    pub reach: i64,
    /// A neutral one-line description.
    pub description: Box<str>,
    /// The party on whose service it was published, if the posts file says.
    pub platform: Option<u32>,
}

modsim_policy::vocabulary! {
    /// What an event of a scenario's timeline is (its `kind`).
    pub enum EventKind: "event kind" {
        /// A notice from one party to another.
        Notice = "notice",
        /// An action a party took, to be judged.
        Action = "action",
        /// A delivery of something demanded.
        Delivery = "delivery",
        /// A scenario fact that became known.
        Fact = "fact",
        /// A party's judgment call made at an instant (Airbnb confirms who took part): powers
        /// resting on it are not available before.
        Determination = "determination",
    }
}

impl EventKind {
    /// The keys an event of this kind has, besides `at`, `kind`, `summary`, `mark` and
    /// `reconstructed`.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            EventKind::Notice => &["from", "to", "cites", "posts"],
            EventKind::Action => &["actor", "action", "against", "demands", "for"],
            EventKind::Delivery => &["from", "to", "deliverable"],
            EventKind::Fact => &["fact", "value"],
            EventKind::Determination => &["by", "determines", "about"],
        }
    }
}

/// A notice from one party to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeEvent {
    /// When it was given.
    pub at: Timestamp,
    /// Who gave it.
    pub from: usize,
    /// Who received it.
    pub to: usize,
    /// Clause ids (or section prefixes) it invokes; empty when it names none.
    pub cites: Vec<String>,
    /// The posts it names (`posts = ["v1", "v2"]`), which open the recipient's duties
    /// `opens = "notified"`; empty when it names none.
    pub posts: Vec<PostId>,
    /// What it said, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

impl NoticeEvent {
    /// True when this notice counts as notice under clause `id`: it names no clause, or names
    /// the clause or a section containing it (`6` covers `6.1(b)`).
    pub fn covers(&self, id: &str) -> bool {
        self.cites.is_empty()
            || self.cites.iter().any(|c| {
                id == c
                    || id
                        .strip_prefix(c.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '(']))
            })
    }
}

/// An action a party took, to be judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionEvent {
    /// When it took effect.
    pub at: Timestamp,
    /// Who took it.
    pub actor: usize,
    /// What it was.
    pub action: Action,
    /// Against whom.
    pub against: usize,
    /// What the action demands of the party acted against (`demands = "moderation_plan"`).
    pub demands: Option<String>,
    /// For a restriction: how long it lasts (`for = "7 calendar days"`); `None` when the
    /// scenario gives no end.
    pub lasting: Option<Period>,
    /// What happened, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// A delivery of something demanded, from the party that owed it to the party that asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryEvent {
    /// When it was delivered.
    pub at: Timestamp,
    /// Who delivered it.
    pub from: usize,
    /// To whom.
    pub to: usize,
    /// What was delivered: the name a demand used.
    pub deliverable: String,
    /// What it was, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// A scenario fact that became known at an instant, readable by conditions as `facts.NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactEvent {
    /// When it became known.
    pub at: Timestamp,
    /// Its name.
    pub name: String,
    /// Its value from then on.
    pub value: i64,
    /// What was said, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// A judgment call a party made at an instant (`kind = "determination"`): from then on, the
/// judgment call of that name reads as the run gives it; before, it reads false.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeterminationEvent {
    /// When the party determined it.
    pub at: Timestamp,
    /// Who determined it.
    pub by: usize,
    /// The judgment call's name, as policies declare it.
    pub name: String,
    /// Where the scenario file names it (`determines`), for the warnings about it.
    pub named_at: std::ops::Range<usize>,
    /// The account it is about, when it is about one (this recipient's content is manifestly
    /// illegal): it then dates the judgment call for the powers held against that account
    /// only.
    pub about: Option<usize>,
    /// What was determined, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// Reads an instant: RFC 3339 with an offset, or a wall-clock time in `zone`
/// (`2021-01-09 18:00`), which must exist exactly once there.
pub fn parse_instant(text: &str, zone: &TimeZone) -> Result<Timestamp, (String, String)> {
    match modsim_policy::period::parse_rfc3339(text) {
        Ok(t) => return Ok(t),
        Err(e @ modsim_policy::period::InstantError::Offset { .. }) => {
            return Err((
                e.to_string(),
                "write the offset of the scenario's zone, as in `2021-01-09T18:00:00-08:00`"
                    .to_owned(),
            ));
        }
        Err(modsim_policy::period::InstantError::Malformed(_)) => {}
    }
    let civil: DateTime = text.parse().map_err(|_| {
        (
            format!("`{text}` is not a date and time"),
            "write `2021-01-09 18:00` (in the scenario's zone) or `2021-01-10T02:00:00Z`"
                .to_owned(),
        )
    })?;
    modsim_policy::period::resolve(zone, civil).map_err(|e| {
        let message = match e {
            TimeError::Gap(_) => format!(
                "`{text}` does not exist in the scenario's zone (the clocks skip it: a daylight-saving gap)"
            ),
            TimeError::Fold(_) => format!(
                "`{text}` happens twice in the scenario's zone (the clocks repeat it: a daylight-saving fold)"
            ),
            TimeError::OutOfRange => {
                return (
                    format!("`{text}` is outside the range of instants (-9999-01-02 to 9999-12-30 UTC)"),
                    "write an instant within that range".to_owned(),
                );
            }
            // Months and calendars are not counted here; said as they are, should one come.
            other @ (TimeError::NotCovered { .. } | TimeError::NoSuchDay { .. }) => {
                return (format!("`{text}`: {other}"), "write another instant".to_owned());
            }
        };
        (
            message,
            "write the instant with its offset, as in `2021-11-07T01:30:00-08:00`".to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_cover_clauses_and_sections() {
        let mut n = NoticeEvent {
            at: Timestamp::UNIX_EPOCH,
            from: 0,
            to: 1,
            cites: vec![],
            posts: vec![],
            summary: String::new(),
            mark: Mark::Record,
            reconstructed: None,
        };
        assert!(
            n.covers("7.2(b)(ii)"),
            "a notice that names no clause covers all"
        );
        n.cites = vec!["6".into(), "7.2(b)".into()];
        assert!(n.covers("6.1(b)"));
        assert!(n.covers("7.2(b)(ii)"));
        assert!(!n.covers("7.2(a)"));
        assert!(!n.covers("60"), "`6` does not cover `60`");
    }
}
