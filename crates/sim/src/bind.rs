//! Binding: a scenario's policies tied to its parties, with each post judged once by each
//! policy (unseen, allowed, or the first prohibition that matches it). The result, a
//! [`World`], is what the replay walks.

use std::sync::Arc;

use jiff::Timestamp;
use modsim_policy::condition::{Env, NoState};
use modsim_policy::{DeadlineZone, LabelSet, Policy, PostView};

use crate::explanation::{CountedIn, ZoneFrom};
use crate::scenario::Scenario;

/// A policy bound to a scenario's parties, with the posts seen through its labels.
#[derive(Clone, Debug)]
pub struct Bound {
    /// The compiled policy.
    pub policy: Arc<Policy>,
    /// For each role of the policy, the party bound to it (`None` when unbound, or bound to
    /// every account).
    pub parties: Vec<Option<usize>>,
    /// For each role of the policy, whether it stands for every account of the scenario
    /// (`role = "every account"`): a power held against it is held against each account.
    pub every: Vec<bool>,
    /// Each scenario label (by number) as the policy's label number, if the policy knows it.
    pub translate: Vec<Option<u16>>,
    /// How the policy judges each post: one small entry per post, so that a step reads one
    /// place for it.
    pub judged: Vec<Judged>,
    /// Scenario labels the policy does not know.
    pub unknown_labels: Vec<String>,
    /// The posts written from a party's account (their `author` is the party's `account`), as
    /// (post, party), in order of post: few posts are, and the rest need no entry.
    pub accounts: Vec<(u32, u32)>,
    /// The scenario facts the policy declares that the scenario never states.
    pub unknown_facts: Vec<String>,
}

/// How a policy judges one post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    /// Not at all: the policy sets `content_on` and the post was published on another
    /// party's service.
    Unseen,
    /// No prohibition matches it.
    Allowed,
    /// Prohibition number `.0` is the first that matches it.
    Prohibited(u16),
}

impl Bound {
    /// Whether party `party` plays a role of the policy: bound to one, or an account under a
    /// role that stands for every account.
    pub fn binds(&self, scenario: &Scenario, party: usize) -> bool {
        self.parties.contains(&Some(party))
            || (self.every.contains(&true)
                && scenario
                    .parties
                    .get(party)
                    .is_some_and(|p| p.account.is_some()))
    }

    /// Whether role `role` covers party `party`: it is bound to it, or stands for every account
    /// and `party` is one.
    pub fn covers(&self, scenario: &Scenario, role: usize, party: usize) -> bool {
        match self.parties.get(role).copied().flatten() {
            Some(bound) => bound == party,
            None => {
                self.every.get(role).copied().unwrap_or(false)
                    && scenario
                        .parties
                        .get(party)
                        .is_some_and(|p| p.account.is_some())
            }
        }
    }

    /// The role of a power that stands for every account (its `against`, else its holder), if
    /// either does: the power is then held once per account.
    pub fn account_side(&self, power: &modsim_policy::Power) -> Option<usize> {
        let every = |role: usize| self.every.get(role).copied().unwrap_or(false);
        if every(power.against) {
            Some(power.against)
        } else if every(power.holder) {
            Some(power.holder)
        } else {
            None
        }
    }

    /// Whether the policy judges post number `post` at all.
    #[inline]
    pub fn visible(&self, post: usize) -> bool {
        !matches!(self.judged.get(post), None | Some(Judged::Unseen))
    }

    /// The first prohibition that matches post number `post`, if one does.
    #[inline]
    pub fn prohibited_by(&self, post: usize) -> Option<u16> {
        match self.judged.get(post) {
            Some(Judged::Prohibited(rule)) => Some(*rule),
            _ => None,
        }
    }

    /// Post number `post`'s labels in the policy's numbering: none when the policy does not
    /// judge it. Worked out on demand rather than stored, at a few instructions per label.
    pub fn post_labels(&self, scenario: &Scenario, post: usize) -> LabelSet {
        match scenario.posts.get(post) {
            Some(p) if self.visible(post) => translated(&self.translate, &p.labels),
            _ => LabelSet::EMPTY,
        }
    }

    /// Post number `post`'s labels as the policy's numbers, one by one, without building a set
    /// (none when the policy does not judge it): what the rule index reads.
    #[inline]
    pub fn post_label_numbers<'a>(
        &'a self,
        scenario: &'a Scenario,
        post: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        scenario
            .posts
            .get(post)
            .filter(|_| self.visible(post))
            .into_iter()
            .flat_map(|p| p.labels.indices())
            .filter_map(|i| self.translate.get(i).copied().flatten())
            .map(usize::from)
    }

    /// The party whose account wrote post number `post`, if a party's did.
    pub fn account(&self, post: usize) -> Option<usize> {
        let post = u32::try_from(post).ok()?;
        self.accounts
            .binary_search_by_key(&post, |&(k, _)| k)
            .ok()
            .and_then(|i| self.accounts.get(i))
            .map(|&(_, party)| party as usize)
    }
}

/// Scenario labels as a set of a policy's labels, through the policy's `translate` table:
/// without an allocation while the policy's labels are among its first 128.
#[inline]
fn translated(translate: &[Option<u16>], labels: &LabelSet) -> LabelSet {
    LabelSet::from_indices(
        labels
            .indices()
            .filter_map(|i| translate.get(i).copied().flatten())
            .map(usize::from),
    )
}

/// A scenario with its policies compiled and bound: ready to replay.
#[derive(Clone, Debug)]
pub struct World {
    /// The scenario.
    pub scenario: Scenario,
    /// Its policies.
    pub policies: Vec<Bound>,
    /// The parties that are accounts, in party order: what a role bound to every account
    /// stands for.
    pub accounts: Vec<usize>,
}

impl World {
    /// Binds compiled policies to a scenario. Roles are bound by the scenario's `[[policy]]`
    /// entry (by position in `policies`, when it has one), then by its `[roles]` defaults.
    pub fn bind(scenario: Scenario, policies: Vec<Policy>) -> World {
        World::bind_shared(scenario, policies.into_iter().map(Arc::new).collect())
    }

    /// Binds policies that other worlds share (a sweep's replicates): nothing is recompiled
    /// or copied.
    pub fn bind_shared(scenario: Scenario, policies: Vec<Arc<Policy>>) -> World {
        let bound = policies
            .into_iter()
            .enumerate()
            .map(|(i, policy)| Bound::new(&scenario, i, policy))
            .collect();
        World {
            accounts: scenario.accounts().collect(),
            scenario,
            policies: bound,
        }
    }

    /// Where `duty` counts the deadline of an instance owed by `holder` to `counterparty`:
    /// `None` for the scenario's zone, else the zone and why (the holder's zone unless the
    /// clause says otherwise; a party that declares no zone sits in the scenario's).
    pub fn deadline_zone(
        &self,
        duty: &modsim_policy::Duty,
        holder: Option<usize>,
        counterparty: Option<usize>,
    ) -> Option<CountedIn> {
        let party_zone = |party: Option<usize>, because| {
            let zone = self.scenario.parties.get(party?)?.zone.clone()?;
            Some(CountedIn { zone, because })
        };
        match &duty.zone {
            DeadlineZone::Holder => party_zone(holder, ZoneFrom::Holder),
            DeadlineZone::Counterparty => party_zone(counterparty, ZoneFrom::Counterparty),
            DeadlineZone::Named(zone) => Some(CountedIn {
                zone: zone.clone(),
                because: ZoneFrom::Clause,
            }),
        }
    }

    /// The party a report is the counterparty of, for a duty held by `holder`: the one who
    /// reported to the holder (or the one reported to, when the holder reported).
    pub fn report_counterparty(&self, holder: Option<usize>) -> Option<usize> {
        let s = &self.scenario;
        match holder {
            Some(h) if s.reported_by == Some(h) => s.reported_to,
            _ => s.reported_by,
        }
    }

    /// The place of party `party` among the accounts, if it is one.
    pub fn account_slot(&self, party: usize) -> Option<usize> {
        self.accounts.binary_search(&party).ok()
    }

    /// This world with other posts and notice time, as drawn from the scenario's model: the
    /// same compiled policies, rebound to the new posts.
    pub fn redrawn(
        &self,
        posts: Vec<crate::scenario::Post>,
        labels: Vec<String>,
        notice: Option<(usize, Timestamp)>,
    ) -> World {
        let mut scenario = self.scenario.clone_without_posts();
        scenario.posts = posts;
        scenario.labels = labels;
        scenario.notices = self.scenario.notices.clone();
        if let Some((n, at)) = notice
            && let Some(slot) = scenario.notices.get_mut(n)
        {
            slot.at = at;
        }
        scenario.notices.sort_by_key(|n| n.at);
        // The notices are the model's now, not the file's.
        scenario.places.notices.clear();
        World::bind_shared(
            scenario,
            self.policies
                .iter()
                .map(|b| Arc::clone(&b.policy))
                .collect(),
        )
    }
}

impl Bound {
    /// Binds `policy`, the scenario's policy number `i`, to the scenario.
    fn new(scenario: &Scenario, i: usize, policy: Arc<Policy>) -> Bound {
        let (parties, every) = parties(scenario, i, &policy);
        let (translate, unknown) = translation(scenario, &policy);
        let visible = visibility(scenario, &policy, &parties);
        // Only the labels of the posts the policy judges matter to it: the labels those posts
        // carry, gathered in one pass (not a pass over the posts per unknown label).
        let unknown_labels: Vec<String> = if unknown.is_empty() {
            Vec::new()
        } else {
            let mut carried = LabelSet::EMPTY;
            for (post, _) in scenario
                .posts
                .iter()
                .zip(&visible)
                .filter(|(_, seen)| **seen)
            {
                carried.union_with(&post.labels);
            }
            unknown
                .into_iter()
                .filter(|(n, _)| carried.contains(*n))
                .map(|(_, name)| name)
                .collect()
        };
        let unknown_facts = policy
            .facts
            .iter()
            .filter(|f| !scenario.facts.iter().any(|e| e.name == f.name))
            .map(|f| f.name.clone())
            .collect();
        let judged = judge_posts(scenario, &policy, &translate, &visible);
        Bound {
            policy,
            parties,
            every,
            translate,
            judged,
            unknown_labels,
            accounts: accounts(scenario),
            unknown_facts,
        }
    }
}

/// For each role of `policy` (the scenario's policy number `i`), the party bound to it, and
/// whether it stands for every account: by the scenario's `[[policy]]` entry, then by its
/// `[roles]` defaults.
fn parties(scenario: &Scenario, i: usize, policy: &Policy) -> (Vec<Option<usize>>, Vec<bool>) {
    let entry = scenario.policies.get(i);
    let own = entry.map(|p| p.roles.as_slice()).unwrap_or(&[]);
    let own_every = entry.map(|p| p.every_account.as_slice()).unwrap_or(&[]);
    let mut every = Vec::with_capacity(policy.roles.len());
    let parties = policy
        .roles
        .iter()
        .map(|role| {
            let party = |roles: &[(String, usize)]| {
                roles
                    .iter()
                    .find(|(r, _)| *r == role.name)
                    .map(|(_, party)| *party)
            };
            let all = |roles: &[String]| roles.contains(&role.name);
            // The policy's own entry first, then the scenario's defaults.
            let (bound, all_accounts) = if let Some(p) = party(own) {
                (Some(p), false)
            } else if all(own_every) {
                (None, true)
            } else if let Some(p) = party(&scenario.roles) {
                (Some(p), false)
            } else {
                (None, all(&scenario.every_account))
            };
            every.push(all_accounts);
            bound
        })
        .collect();
    (parties, every)
}

/// Each scenario label (by number) as a set of the policy's labels, and the scenario labels
/// the policy does not know (number, name).
fn translation(scenario: &Scenario, policy: &Policy) -> (Vec<Option<u16>>, Vec<(usize, String)>) {
    let mut unknown = Vec::new();
    let translate = scenario
        .labels
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let number = policy
                .labels
                .index(name)
                .and_then(|i| u16::try_from(i).ok());
            if number.is_none() {
                unknown.push((n, name.clone()));
            }
            number
        })
        .collect();
    (translate, unknown)
}

/// Whether the policy judges each post: all of them, unless it sets `content_on` and the post
/// was published on another party's service.
fn visibility(scenario: &Scenario, policy: &Policy, parties: &[Option<usize>]) -> Vec<bool> {
    let host = policy
        .content_on
        .and_then(|role| parties.get(role).copied().flatten());
    scenario
        .posts
        .iter()
        .map(|post| {
            policy.content_on.is_none()
                || post.platform.is_none()
                || (host.is_some() && post.platform.map(|x| x as usize) == host)
        })
        .collect()
}

/// The posts written from a party's account, as (post, party), in order of post.
fn accounts(scenario: &Scenario) -> Vec<(u32, u32)> {
    scenario
        .posts
        .iter()
        .zip(0u32..)
        .filter(|(post, _)| !post.author.is_empty())
        .filter_map(|(post, k)| {
            let party = scenario
                .parties
                .iter()
                .position(|party| party.account.as_deref() == Some(post.author.as_str()))?;
            Some((k, u32::try_from(party).ok()?))
        })
        .collect()
}

/// How the policy judges each post: unseen, allowed, or the first prohibition that matches it
/// at its publication.
fn judge_posts(
    scenario: &Scenario,
    policy: &Policy,
    translate: &[Option<u16>],
    visible: &[bool],
) -> Vec<Judged> {
    let (params, assumptions) = (policy.param_values(), policy.assumption_values());
    let facts = NoState {
        params: &params,
        assumptions: &assumptions,
    };
    // Only the prohibitions the post's labels let apply are read, in order.
    let by = policy.index.prohibitions();
    let mut scratch = Vec::new();
    // When the prohibitions read nothing but labels (as every shipped policy's do), posts of
    // one set of labels are judged alike: each set is judged once, for its first post.
    let mut by_labels = policy
        .prohibitions
        .iter()
        .all(|p| p.condition.cond.reads_labels_alone());
    let mut judged_sets: Vec<(&LabelSet, Judged)> = Vec::new();
    scenario
        .posts
        .iter()
        .zip(visible)
        .map(|(post, seen)| {
            if !seen {
                return Judged::Unseen;
            }
            if by.is_empty() {
                return Judged::Allowed;
            }
            if by_labels
                && let Some((_, judged)) = judged_sets.iter().find(|(set, _)| **set == post.labels)
            {
                return *judged;
            }
            let judged = judge_post(policy, by, &facts, translate, post, &mut scratch);
            if by_labels {
                judged_sets.push((&post.labels, judged));
                // Past so many sets (many combinations of labels), looking costs more than
                // judging: posts are judged one by one.
                by_labels = judged_sets.len() < MAX_JUDGED_SETS;
            }
            judged
        })
        .collect()
}

/// How many sets of labels [`judge_posts`] keeps the judgment of: past that many (a scenario
/// of many combinations of labels), it judges posts one by one.
const MAX_JUDGED_SETS: usize = 32;

/// How `policy` judges `post`, by its prohibitions `by` touches.
#[inline]
fn judge_post(
    policy: &Policy,
    by: &modsim_policy::index::RulesByLabel,
    facts: &NoState<'_>,
    translate: &[Option<u16>],
    post: &crate::scenario::Post,
    scratch: &mut Vec<u32>,
) -> Judged {
    let labels = translated(translate, &post.labels);
    let mut touched = by.touched(Some(&labels), scratch);
    let view = post_view(post, labels, post.published, false);
    let env = Env {
        now: post.published,
        post: Some(&view),
        facts,
    };
    touched
        .find(|&i| {
            policy
                .prohibitions
                .get(i as usize)
                .is_some_and(|p| p.condition.eval(&env))
        })
        .map_or(Judged::Allowed, |i| Judged::Prohibited(i as u16))
}

/// A post as conditions see it at `now`.
pub(crate) fn post_view(
    post: &crate::scenario::Post,
    labels: LabelSet,
    now: Timestamp,
    prohibited: bool,
) -> PostView<'_> {
    PostView {
        id: &post.id,
        author: &post.author,
        labels,
        severity: post.severity,
        reach: post.reach,
        published: post.published,
        reported: post.reported.is_some_and(|t| t <= now),
        removed: post.removed.is_some_and(|t| t <= now),
        prohibited,
    }
}
