//! The scenario every candidate timeline is put into: its parties, roles, zone and labels.
//!
//! Without a scenario, it is made up from the two policies: a party per role (a role of B's
//! matched to A's by name, else by its place among the roles A's names do not match), and, for
//! a role that the powers read as an account (`account.strikes`, `account.prohibited`), two
//! user accounts, the role bound to every account, so that one clause is judged against each.
//! With a scenario, it is the scenario's, its policies taken out and the labels of both sides
//! added. Either way its provenance says the timeline is made up, or changed, by the search.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::condition::{Num, StateCount};
use modsim_policy::{Action, Cond, Mark, Policy, Power};

use super::generate::Base;
use super::timeline::Timeline;
use super::{START, ZONE};
use crate::scenario::{self, Party, Provenance, Scenario};
use crate::setup::SetupError;

/// User accounts a made-up timeline holds for the roles that stand for every account.
pub(crate) const ACCOUNTS: usize = 2;

/// The scenario of a made-up timeline: the parties of both policies' roles, their accounts,
/// the labels of both policies, and a provenance that says the timeline is made up.
pub(crate) fn made_up(a: &Policy, b: &Policy, seed: u64) -> Result<Scenario, SetupError> {
    let zone = TimeZone::get(ZONE).map_err(|e| SetupError::Usage {
        message: format!("the time zone `{ZONE}`: {e}"),
        help: None,
    })?;
    let every_account = account_roles(a, b);
    let (mut parties, roles) = parties(a, b, &every_account);
    if let Some(role) = every_account.first() {
        let about = a
            .roles
            .iter()
            .chain(&b.roles)
            .find(|r| r.name == *role)
            .map_or_else(String::new, |r| r.about.clone());
        for k in 1..=ACCOUNTS {
            let id = format!("{role}-{k}");
            parties.push(Party {
                id: id.clone(),
                name: format!("{about} (account {k}, made up)"),
                account: Some(id),
                zone: None,
            });
        }
    }
    Ok(Scenario {
        id: "diff".into(),
        title: format!("A timeline on which {} and {} part", name(a), name(b)),
        about: Some(
            "Made up by `modsim diff` from the two policies' own labels, actions, periods and thresholds, and shrunk to the fewest events on which they differ.".into(),
        ),
        file: "(made up by modsim diff)".into(),
        zone,
        zone_name: ZONE.into(),
        parties,
        roles,
        policies: Vec::new(),
        calendars: Vec::new(),
        posts: Vec::new(),
        labels: labels(a, b),
        posts_file: None,
        posts_mark: Mark::Reconstructed,
        reported_by: None,
        reported_to: None,
        notices: Vec::new(),
        actions: Vec::new(),
        deliveries: Vec::new(),
        facts: Vec::new(),
        determinations: Vec::new(),
        every_account,
        provenance: Provenance {
            reconstructed: vec![format!(
                "every post, account and event: made up by `modsim diff` (seed {seed}) to tell the two policies apart; nothing in this timeline is on the record"
            )],
            ..Provenance::default()
        },
        model: None,
        places: scenario::Places::default(),
    })
}

/// The first instant of a made-up timeline ([`START`] in the template's zone), or of a
/// scenario's.
pub(crate) fn start(template: &Scenario, base: Option<&Base>) -> Timestamp {
    base.and_then(|b| b.timeline.slots().iter().map(|(_, at)| *at).min())
        .or_else(|| scenario::parse_instant(START, &template.zone).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The roles of either policy that a power reads as an account (`account.*`): the role a power
/// is held against, or the holder of an appeal (an account appeals against the platform).
fn account_roles(a: &Policy, b: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for policy in [a, b] {
        for power in &policy.powers {
            if !reads_account(power) {
                continue;
            }
            let role = if power.action == Action::Appeal {
                power.holder
            } else {
                power.against
            };
            if let Some(r) = policy.roles.get(role)
                && !out.contains(&r.name)
            {
                out.push(r.name.clone());
            }
        }
    }
    out
}

/// Whether a power's condition reads the account it concerns: its history, posts or
/// prohibited posts.
fn reads_account(power: &Power) -> bool {
    let mut reads = false;
    power.condition.cond.visit(&mut |c| {
        if let Cond::CompareNum(_, x, y) = c {
            for n in [x, y] {
                n.visit(&mut |n| {
                    reads |= matches!(
                        n,
                        Num::History(_)
                            | Num::State(
                                StateCount::AccountPosts
                                    | StateCount::AccountProhibited
                                    | StateCount::AccountLiveProhibited
                            )
                    );
                });
            }
        }
    });
    reads
}

/// A party per role that is not an account role (A's roles, then B's that A lacks, a role of
/// B's matched by name, else by its place among the roles A's names do not match), and each
/// role's party.
fn parties(a: &Policy, b: &Policy, accounts: &[String]) -> (Vec<Party>, Vec<(String, usize)>) {
    let plain = |name: &str| !accounts.iter().any(|r| r == name);
    let mut parties: Vec<Party> = Vec::new();
    let mut roles: Vec<(String, usize)> = Vec::new();
    for r in a.roles.iter().filter(|r| plain(&r.name)) {
        roles.push((r.name.clone(), parties.len()));
        parties.push(Party {
            id: r.name.clone(),
            name: r.about.clone(),
            account: None,
            zone: None,
        });
    }
    let mut unmatched_a = roles
        .iter()
        .filter(|(r, _)| b.role(r).is_none())
        .map(|(_, k)| *k)
        .collect::<Vec<_>>()
        .into_iter();
    for role in b.roles.iter().filter(|r| plain(&r.name)) {
        if a.role(&role.name).is_some() {
            continue;
        }
        let party = match unmatched_a.next() {
            Some(k) => k,
            None => {
                parties.push(Party {
                    id: role.name.clone(),
                    name: role.about.clone(),
                    account: None,
                    zone: None,
                });
                parties.len() - 1
            }
        };
        roles.push((role.name.clone(), party));
    }
    (parties, roles)
}

/// The labels of both policies, A's first.
fn labels(a: &Policy, b: &Policy) -> Vec<String> {
    let mut labels: Vec<String> = a.labels.names().map(str::to_owned).collect();
    for name in b.labels.names() {
        if !labels.iter().any(|l| l == name) {
            labels.push(name.to_owned());
        }
    }
    labels
}

/// A policy as a title names it: its id, and the reforms applied to it.
fn name(p: &Policy) -> String {
    if p.reforms.is_empty() {
        p.id.clone()
    } else {
        format!("{} reformed by {}", p.id, p.reforms.join(", "))
    }
}

/// A scenario's template (its parties, roles and zone, the labels of its posts and of both
/// policies, its provenance saying how the diff changed it) and its timeline and model.
pub(crate) fn of_scenario(
    mut s: Scenario,
    a: &Policy,
    b: &Policy,
    seed: u64,
) -> (Scenario, Option<Base>) {
    // The policies of the sides are bound by the scenario's roles, as `--policy` is: its
    // `[roles]`, then the bindings of its `[[policy]]` entries; the posts are the candidates',
    // no longer its file's.
    for p in std::mem::take(&mut s.policies) {
        for (role, party) in p.roles {
            if !s.roles.iter().any(|(r, _)| *r == role) && !s.every_account.contains(&role) {
                s.roles.push((role, party));
            }
        }
        for role in p.every_account {
            if !s.roles.iter().any(|(r, _)| *r == role) && !s.every_account.contains(&role) {
                s.every_account.push(role);
            }
        }
    }
    s.posts_file = None;
    for name in a.labels.names().chain(b.labels.names()) {
        if !s.labels.iter().any(|l| l == name) && s.labels.len() < scenario::MAX_SCENARIO_LABELS {
            s.labels.push(name.to_owned());
        }
    }
    let model = s.model.clone().map(|m| {
        let notice = s.notices.iter().position(|n| {
            s.reported_by.is_none_or(|by| n.from == by) && s.reported_to.is_none_or(|to| n.to == to)
        });
        let recorded = notice
            .and_then(|n| s.notices.get(n))
            .map_or(m.reports.cutoff, |n| n.at);
        (m, notice, recorded)
    });
    let timeline = Timeline::of(&s);
    s.provenance.reconstructed.push(format!(
        "the timeline as `modsim diff` changed it (seed {seed}): events moved, added or taken out to tell the two policies apart"
    ));
    let labels = s.labels.clone();
    Timeline {
        labels,
        ..Timeline::default()
    }
    .fill(&mut s);
    (s, Some(Base { timeline, model }))
}
