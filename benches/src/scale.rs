//! Synthetic scenarios of any size under the AWS policy, for `replay/scale/*` and the `scale`
//! probe.
//!
//! A scale world is the seed scenario (its parties, policy, notice and suspension) with its 98
//! posts replaced by `n` reported posts, drawn by a fixed-seed generator over the seed's
//! reporting window (2020-11-16 to 2021-01-09): each published up to two days before its
//! report, labelled with a non-empty mix of incitement, threat and hate, and removed with
//! probability 0.35 within four days of its report. The world is built in memory (the
//! scenario loader caps files at a few MiB), through [`modsim_sim::World::redrawn`], the
//! same path a sweep's replicate takes.

use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use modsim_policy::LabelSet;
use modsim_sim::World;
use modsim_sim::scenario::{Post, PostId};

use crate::eval::SplitMix64;

/// The seed's world with `reports` synthetic reported posts in place of its own.
pub fn world(reports: usize) -> Result<World, modsim_sim::SetupError> {
    let seed = crate::seed()?;
    let labels = vec!["incitement".into(), "threat".into(), "hate".into()];
    Ok(seed.world.redrawn(posts(reports), labels, None))
}

/// The seed's world with `reports` synthetic reported posts and `actions` suspensions of Parler
/// by AWS, spread evenly from 2020-12-01 to the seed's own suspension (the seed's action, at
/// other instants): each is judged, with its explanation, so that the cost of many verdicts
/// over many posts shows.
pub fn world_with_actions(reports: usize, actions: usize) -> Result<World, modsim_sim::SetupError> {
    let world = world(reports)?;
    if actions == 0 {
        return Ok(world);
    }
    let mut scenario = world.scenario.clone();
    let Some(template) = scenario.actions.first().cloned() else {
        return Ok(world);
    };
    let first = Timestamp::from_str("2020-12-01T08:00:00Z").unwrap_or(Timestamp::UNIX_EPOCH);
    let span = template.at.as_second() - first.as_second();
    scenario.actions = (0..actions)
        .map(|k| {
            let mut action = template.clone();
            let offset = span.saturating_mul(k as i64 + 1) / actions as i64;
            action.at = first
                .checked_add(SignedDuration::from_secs(offset))
                .unwrap_or(first);
            action
        })
        .collect();
    let policies = world
        .policies
        .iter()
        .map(|b| std::sync::Arc::clone(&b.policy))
        .collect();
    Ok(World::bind_shared(scenario, policies))
}

/// The timeline entries of a world: publications, reports, removals, notices and actions.
/// Throughput is counted in these.
pub fn events(world: &World) -> u64 {
    let s = &world.scenario;
    let per_post: usize = s
        .posts
        .iter()
        .map(|p| 1 + usize::from(p.reported.is_some()) + usize::from(p.removed.is_some()))
        .sum();
    (per_post + s.notices.len() + s.actions.len()) as u64
}

/// `n` reported posts, the same on every machine.
pub fn posts(n: usize) -> Vec<Post> {
    let first = Timestamp::from_str("2020-11-16T08:00:00Z").unwrap_or(Timestamp::UNIX_EPOCH);
    let last = Timestamp::from_str("2021-01-09T07:59:00Z").unwrap_or(Timestamp::UNIX_EPOCH);
    let span = last.as_second() - first.as_second();
    let mut rng = SplitMix64(20_210_109);
    (0..n)
        .map(|i| {
            let bits = rng.next();
            // Evenly spread, in second steps, so that order does not depend on the draw.
            let offset = span.saturating_mul(i as i64) / (n.max(1) as i64);
            let reported = first
                .checked_add(SignedDuration::from_secs(offset))
                .unwrap_or(first);
            let lag = SignedDuration::from_secs(60 * (1 + (bits % (48 * 60)) as i64));
            let published = reported.checked_sub(lag).unwrap_or(reported);
            let removed = ((bits >> 16) % 100 < 35).then(|| {
                let delay = SignedDuration::from_secs(60 * (1 + ((bits >> 24) % (96 * 60)) as i64));
                reported.checked_add(delay).unwrap_or(reported)
            });
            let mask = 1 + (bits >> 40) % 7;
            let labels = (0..3)
                .filter(|l| mask & (1 << l) != 0)
                .fold(LabelSet::EMPTY, |s, l| s.union(LabelSet::single(l)));
            Post {
                id: PostId::from(format!("s{i:07}")),
                author: PostId::default(),
                published,
                reported: Some(reported),
                removed,
                labels,
                severity: 0,
                reach: 0,
                description: Box::default(),
                platform: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_scale_world_replays_to_the_seeds_verdict() {
        let world = super::world(500).map_err(|e| e.to_string());
        let world = world.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(world.scenario.posts.len(), 500);
        assert!(super::events(&world) > 1000);
        let outcome = world.replay_quiet().map_err(|e| e.to_string());
        assert!(outcome.is_ok_and(|o| o.verdicts.first().is_some_and(|v| v.permitted)));
    }
}
