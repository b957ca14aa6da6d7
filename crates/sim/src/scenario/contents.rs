//! What a scenario holds once read and checked: the parties and role bindings, the policies
//! in force, the posts, the timeline's events and the provenance of it all.

use jiff::tz::TimeZone;
use std::ops::Range;

use modsim_policy::Mark;
use modsim_policy::diagnostic::Source;

use crate::model::ScenarioModel;
use crate::timeline::{
    ActionEvent, DeliveryEvent, DeterminationEvent, FactEvent, NoticeEvent, Party, Post, PostId,
};

/// What a role bound to every account is written as in a scenario's `[roles]`.
pub const EVERY_ACCOUNT: &str = "every account";

/// A scenario, read and checked.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it is about.
    pub about: Option<String>,
    /// Its file, as named to the user.
    pub file: String,
    /// The zone instants are shown in and calendar days are counted in.
    pub zone: TimeZone,
    /// The zone's name.
    pub zone_name: String,
    /// The parties.
    pub parties: Vec<Party>,
    /// Default role bindings, for every policy: role name → party index.
    pub roles: Vec<(String, usize)>,
    /// Roles bound, by default, to every account (`role = "every account"`).
    pub every_account: Vec<String>,
    /// The policies in force, as files to read.
    pub policies: Vec<PolicyRef>,
    /// Calendar files to read, resolved against the scenario, each with where the scenario
    /// names it.
    pub calendars: Vec<(String, std::ops::Range<usize>)>,
    /// The posts.
    pub posts: Vec<Post>,
    /// The labels used by the posts; a post's [`LabelSet`](modsim_policy::LabelSet) numbers them in this order.
    pub labels: Vec<String>,
    /// The posts file, as named to the user.
    pub posts_file: Option<String>,
    /// How the posts are known.
    pub posts_mark: Mark,
    /// Who reported the posts.
    pub reported_by: Option<usize>,
    /// To whom the posts were reported: the party responsible for them.
    pub reported_to: Option<usize>,
    /// Notices given.
    pub notices: Vec<NoticeEvent>,
    /// Actions taken, to be judged.
    pub actions: Vec<ActionEvent>,
    /// Deliveries of what was demanded (a moderation plan), in time order.
    pub deliveries: Vec<DeliveryEvent>,
    /// Scenario facts as they became known (a count of unreviewed reports), in time order.
    pub facts: Vec<FactEvent>,
    /// Judgment calls as parties made them, in time order.
    pub determinations: Vec<DeterminationEvent>,
    /// What is on the record and what is not.
    pub provenance: Provenance,
    /// The generative model of the uncertain facts, for sweeps.
    pub model: Option<ScenarioModel>,
    /// Where its parts are written, for problems found after it is read.
    pub places: Places,
}

/// Where a scenario's parts are written, for the problems found once it is read (a policy
/// bound to it that does not know a label): its files, shared, and the spans binding needs.
#[derive(Clone, Debug, Default)]
pub struct Places {
    /// The scenario file.
    pub scenario: Option<Source>,
    /// The posts file, when the posts came from one.
    pub posts: Option<Source>,
    /// The `[roles]` table.
    pub roles: Option<Range<usize>>,
    /// Each `[[policy]]` entry's `file`, in order.
    pub policies: Vec<Range<usize>>,
    /// Where each label first stands in the posts file, by name.
    pub labels: Vec<(Box<str>, Range<usize>)>,
    /// Where each notice's `at` is written, in the order of [`Scenario::notices`] (empty when
    /// the notices are not the file's, as in a sweep's replicate).
    pub notices: Vec<Range<usize>>,
    /// Where each action's `at` is written, in the order of [`Scenario::actions`].
    pub actions: Vec<Range<usize>>,
}

impl Places {
    /// Where `label` first stands in the posts file.
    pub fn label(&self, label: &str) -> Option<Range<usize>> {
        self.labels
            .iter()
            .find(|(l, _)| &**l == label)
            .map(|(_, span)| span.clone())
    }
}

impl Scenario {
    /// A copy of everything but the posts, their labels and the notices (which a sweep's
    /// replicate replaces).
    pub fn clone_without_posts(&self) -> Scenario {
        Scenario {
            id: self.id.clone(),
            title: self.title.clone(),
            about: self.about.clone(),
            file: self.file.clone(),
            zone: self.zone.clone(),
            zone_name: self.zone_name.clone(),
            parties: self.parties.clone(),
            roles: self.roles.clone(),
            every_account: self.every_account.clone(),
            policies: self.policies.clone(),
            calendars: self.calendars.clone(),
            posts: Vec::new(),
            labels: Vec::new(),
            posts_file: self.posts_file.clone(),
            posts_mark: self.posts_mark,
            reported_by: self.reported_by,
            reported_to: self.reported_to,
            notices: Vec::new(),
            actions: self.actions.clone(),
            deliveries: self.deliveries.clone(),
            facts: self.facts.clone(),
            determinations: self.determinations.clone(),
            provenance: self.provenance.clone(),
            model: self.model.clone(),
            places: self.places.clone(),
        }
    }

    /// A party's id.
    pub fn party_id(&self, index: usize) -> &str {
        self.parties.get(index).map_or("?", |p| p.id.as_str())
    }

    /// A duty's subject by its number: the post's id, or for a demand (numbered after the
    /// posts, by action) `demand by apple of 2021-01-08 09:00 PST`.
    pub fn subject_id(&self, subject: usize) -> Option<PostId> {
        match self.posts.get(subject) {
            Some(post) => Some(post.id.clone()),
            None => {
                let action = self.actions.get(subject.checked_sub(self.posts.len())?)?;
                Some(smol_str::format_smolstr!(
                    "demand by {} of {}",
                    self.party_id(action.actor),
                    modsim_policy::show_instant(action.at, &self.zone)
                ))
            }
        }
    }

    /// True when any of the scenario's data is reconstructed.
    pub fn has_reconstruction(&self) -> bool {
        self.posts_mark == Mark::Reconstructed
            || !self.provenance.reconstructed.is_empty()
            || self.notices.iter().any(|n| n.reconstructed.is_some())
            || self.actions.iter().any(|a| a.reconstructed.is_some())
            || self.deliveries.iter().any(|d| d.reconstructed.is_some())
            || self.facts.iter().any(|f| f.reconstructed.is_some())
            || self
                .determinations
                .iter()
                .any(|d| d.reconstructed.is_some())
    }

    /// True when any of the scenario's data is invented for teaching: a teaching scenario.
    pub fn has_invention(&self) -> bool {
        self.posts_mark == Mark::Invented
            || !self.provenance.invented.is_empty()
            || self.notices.iter().any(|n| n.mark == Mark::Invented)
            || self.actions.iter().any(|a| a.mark == Mark::Invented)
            || self.deliveries.iter().any(|d| d.mark == Mark::Invented)
            || self.facts.iter().any(|f| f.mark == Mark::Invented)
            || self.determinations.iter().any(|d| d.mark == Mark::Invented)
    }

    /// The parties that are user accounts (they have an `account` handle), in party order:
    /// what a role bound to every account stands for.
    pub fn accounts(&self) -> impl Iterator<Item = usize> + '_ {
        self.parties
            .iter()
            .enumerate()
            .filter(|(_, p)| p.account.is_some())
            .map(|(k, _)| k)
    }
}

/// A policy a scenario puts in force, and how its roles are bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRef {
    /// Path of the policy file, resolved against the scenario's folder.
    pub file: String,
    /// Role bindings for this policy, before the scenario's defaults.
    pub roles: Vec<(String, usize)>,
    /// Roles this policy binds to every account, before the scenario's defaults.
    pub every_account: Vec<String>,
}

/// What a scenario's facts rest on.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// Facts on the record.
    pub record: Vec<String>,
    /// Facts reported by the press.
    pub reported: Vec<String>,
    /// Facts inferred.
    pub inferred: Vec<String>,
    /// Facts reconstructed, and how.
    pub reconstructed: Vec<String>,
    /// Facts invented for teaching.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invented: Vec<String>,
    /// The command that regenerates the reconstructed data.
    pub generator: Option<String>,
}
