//! Laws of the replay, checked over the seed scenario and its variant: each test names the
//! law it checks, and checks it over every case it can enumerate cheaply.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use jiff::Timestamp;
use modsim_policy::Overrides;
use modsim_sim::{Files, Outcome, Request, setup};

struct Repository;

impl Files for Repository {
    fn read(&self, path: &str) -> Result<String, String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        std::fs::read_to_string(format!("{root}/{path}")).map_err(|e| format!("{path}: {e}"))
    }
}

const SEED: &str = "seeds/parler-aws-2021/scenario.toml";
const PARLER: &str = "seeds/parler-aws-2021-parler-account/scenario.toml";
const POWERS: [&str; 5] = ["6.1(a)", "6.1(b)", "7.2(a)", "7.2(b)(i)", "7.2(b)(ii)"];

fn replay(scenario: &str, overrides: Overrides) -> Outcome {
    let request = Request {
        scenario: scenario.into(),
        overrides,
        ..Request::default()
    };
    setup::prepare(&request, &Repository)
        .expect("prepares")
        .world
        .replay()
        .expect("replays")
}

fn earliest(outcome: &Outcome, power: &str) -> Option<Timestamp> {
    outcome
        .earliest
        .iter()
        .find(|e| e.power.clause == power)
        .and_then(|e| e.at)
}

fn without(clauses: &[&str]) -> Overrides {
    Overrides {
        without: clauses.iter().map(|c| (*c).to_owned()).collect(),
        ..Overrides::default()
    }
}

/// Law: taking a power out never makes an action permitted that was not, and never makes
/// another power's earliest instant earlier. Checked for every subset of the AWS powers.
#[test]
fn taking_out_a_power_never_permits_more() {
    for scenario in [SEED, PARLER] {
        for assume in [false, true] {
            let mut cases = Vec::new();
            for mask in 0u32..(1 << POWERS.len()) {
                let out: Vec<&str> = POWERS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, p)| *p)
                    .collect();
                let mut overrides = without(&out);
                overrides
                    .assume
                    .push(("aws_determined_risk".into(), assume));
                cases.push((mask, replay(scenario, overrides)));
            }
            for (mask, outcome) in &cases {
                for (bigger, more_out) in &cases {
                    if bigger & mask != *mask {
                        continue; // only supersets of what `mask` takes out
                    }
                    assert!(
                        !more_out.verdicts[0].permitted || outcome.verdicts[0].permitted,
                        "{scenario}: taking out more ({bigger:b} ⊇ {mask:b}) permitted the suspension"
                    );
                    for power in POWERS {
                        if let (Some(later), Some(before)) =
                            (earliest(more_out, power), earliest(outcome, power))
                        {
                            assert!(
                                later >= before,
                                "{scenario}: {power} got earlier when more was taken out"
                            );
                        }
                        if earliest(outcome, power).is_none() {
                            assert!(
                                earliest(more_out, power).is_none(),
                                "{scenario}: {power} became open"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Law: lengthening the cure period never makes an earliest instant earlier, and the
/// termination for cause falls exactly one cure period after the notice.
#[test]
fn a_longer_cure_period_is_never_earlier() {
    let notice: Timestamp = "2021-01-10T02:00:00Z".parse().expect("instant");
    let mut previous = None;
    for days in [1, 2, 7, 10, 30, 45, 90] {
        let mut overrides = without(&["6.1(a)", "6.1(b)", "7.2(b)(ii)"]);
        overrides
            .set
            .push(("cure_period".into(), format!("{days} calendar days")));
        let outcome = replay(SEED, overrides);
        let at = earliest(&outcome, "7.2(b)(i)").expect("the breach stays uncured");
        let zone = jiff::tz::TimeZone::get("America/Los_Angeles").expect("zone");
        let expected = modsim_policy::Period::CalendarDays(days)
            .add_to(notice, &zone, &modsim_policy::Calendar::default())
            .expect("no gap");
        assert_eq!(at, expected, "{days} days");
        if let Some(p) = previous {
            assert!(at >= p, "{days} days came earlier");
        }
        previous = Some(at);
    }
}

/// Law: under the seed, where breaches are ongoing at the notice, every power whose
/// condition rests on a breach is open from the notice, and the judgment call adds 6.1(a)
/// without taking any ground away.
#[test]
fn assuming_a_judgment_call_only_adds_grounds() {
    for scenario in [SEED, PARLER] {
        let base = replay(scenario, Overrides::default());
        let mut overrides = Overrides::default();
        overrides.assume.push(("aws_determined_risk".into(), true));
        let assumed = replay(scenario, overrides);
        for g in &base.verdicts[0].grounds {
            assert!(
                assumed.verdicts[0].grounds.contains(g),
                "{scenario}: lost {}",
                g.clause
            );
        }
        assert!(
            assumed.verdicts[0]
                .grounds
                .iter()
                .any(|g| g.clause == "6.1(a)")
        );
        assert!(
            assumed.verdicts[0]
                .assumptions
                .iter()
                .any(|a| a.name == "aws_determined_risk" && a.value),
            "a verdict resting on 6.1(a) names its judgment call"
        );
    }
}

/// Law: a replay is a function of its inputs.
#[test]
fn the_same_inputs_give_the_same_outcome() {
    let a = format!("{:?}", replay(SEED, Overrides::default()).verdicts);
    let b = format!("{:?}", replay(SEED, Overrides::default()).verdicts);
    assert_eq!(a, b);
}

/// Law: on Parler's account, every duty ends cured and none is breached at the suspension;
/// on AWS's, both duties are breached then. (FACTS: much of the reported content was still up.)
#[test]
fn duty_states_at_the_suspension_follow_the_accounts() {
    let seed = replay(SEED, Overrides::default());
    assert!(
        seed.duties
            .iter()
            .all(|d| d.last == modsim_sim::DutyStatus::Breached)
    );
    let parler = replay(PARLER, Overrides::default());
    assert!(
        parler
            .duties
            .iter()
            .all(|d| d.last == modsim_sim::DutyStatus::Cured)
    );
    for d in &parler.duties {
        // Every breach opened was closed by a removal.
        let breaches = d
            .changes
            .iter()
            .filter(|c| c.status == modsim_sim::DutyStatus::Breached)
            .count();
        let cures = d
            .changes
            .iter()
            .filter(|c| c.status == modsim_sim::DutyStatus::Cured)
            .count();
        assert_eq!(breaches, cures, "{}", d.duty.clause);
    }
}

/// Law: the seed's `[model]` is calibrated to the committed reconstruction: with its own seed
/// it draws exactly the posts of `posts.csv`.
#[test]
fn the_seed_model_regenerates_the_committed_posts() {
    let request = Request {
        scenario: SEED.into(),
        ..Request::default()
    };
    let world = setup::prepare(&request, &Repository)
        .expect("prepares")
        .world;
    let model = world.scenario.model.clone().expect("the seed has a model");
    let notice = world.scenario.notices[0].at;
    let mut labels = world.scenario.labels.clone();
    let (mut posts, notice_at) = model.draw(model.seed, notice, &mut labels);
    assert_eq!(notice_at, notice);
    assert_eq!(labels, world.scenario.labels, "no new label");
    // The model draws in report order; a scenario keeps its posts in time order, then id.
    posts.sort_by(|a, b| (a.published, &a.id).cmp(&(b.published, &b.id)));
    assert_eq!(posts, world.scenario.posts);
}

/// Law: the weekend scenario's rows `r001`–`r098` are the seed's reconstruction, unchanged in
/// every time, label and description (they add only the platform and an author).
#[test]
fn the_weekend_reports_are_the_seeds_reconstruction() {
    let load = |scenario: &str| {
        let request = Request {
            scenario: scenario.into(),
            ..Request::default()
        };
        setup::prepare(&request, &Repository)
            .expect("prepares")
            .world
            .scenario
    };
    let seed = load(SEED);
    let weekend = load("seeds/weekend-2021-01/scenario.toml");
    let names = |s: &modsim_sim::Scenario, p: &modsim_sim::scenario::Post| -> Vec<String> {
        p.labels
            .indices()
            .filter_map(|i| s.labels.get(i).cloned())
            .collect()
    };
    for post in &seed.posts {
        let copy = weekend
            .posts
            .iter()
            .find(|p| p.id == post.id)
            .expect("the weekend has the post");
        assert_eq!(
            (
                copy.published,
                copy.reported,
                copy.removed,
                &copy.description
            ),
            (
                post.published,
                post.reported,
                post.removed,
                &post.description
            ),
            "{}",
            post.id
        );
        assert_eq!(names(&weekend, copy), names(&seed, post), "{}", post.id);
    }
}
