//! A time zone per party: a duty counts its deadline in its holder's zone unless its clause says
//! otherwise (issue 12, item 6), on the invented scenario `tests/data/ok/zone-per-party`: a host
//! in Paris, a rights holder in Los Angeles, France's public holidays.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use jiff::Timestamp;
use modsim_sim::explanation::{Computed, Node, ZoneFrom};
use modsim_sim::outcome::Cause;
use modsim_sim::{Files, Outcome, Request, setup};

/// The repository's files, with some replaced by text.
struct Repo(Vec<(String, String)>);

impl Files for Repo {
    fn read(&self, path: &str) -> Result<String, String> {
        if let Some((_, text)) = self.0.iter().find(|(p, _)| p == path) {
            return Ok(text.clone());
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        std::fs::read_to_string(format!("{root}{path}")).map_err(|e| e.to_string())
    }
}

const SCENARIO: &str = "tests/data/ok/zone-per-party/scenario.toml";

fn replay_explaining(clause: &str, changed: Vec<(&str, String)>) -> Outcome {
    let request = Request {
        scenario: SCENARIO.to_owned(),
        ..Request::default()
    };
    let files = Repo(
        changed
            .into_iter()
            .map(|(p, t)| (p.to_owned(), t))
            .collect(),
    );
    let prepared = setup::prepare(&request, &files).unwrap_or_else(|e| panic!("{e:?}"));
    prepared.world.replay_explaining(clause).unwrap()
}

fn at(text: &str, zone: &str) -> Timestamp {
    modsim_sim::scenario::parse_instant(text, &jiff::tz::TimeZone::get(zone).unwrap()).unwrap()
}

/// Each post's deadline under `clause`, as its explanation writes it out; the first is also
/// when the replay found the duty breached.
fn deadlines(o: &Outcome, clause: &str) -> Vec<Timestamp> {
    let duty = o.duties.iter().find(|d| d.duty.clause == clause).unwrap();
    let ends: Vec<Timestamp> = duty
        .explanation
        .as_ref()
        .unwrap()
        .walk()
        .filter_map(|e| match &e.node {
            Node::Instance { due: Some(due), .. } => match &due.arithmetic {
                Computed::Arithmetic(a) => Some(a.end),
                Computed::Error(e) => panic!("{e}"),
            },
            _ => None,
        })
        .collect();
    let breached = duty
        .changes
        .iter()
        .find(|c| matches!(c.cause, Cause::Deadline(_)))
        .map(|c| c.at);
    assert_eq!(breached, ends.first().copied(), "the replay's deadline");
    ends
}

/// The zone each instance's arithmetic names, and why.
fn counted_in(o: &Outcome, clause: &str) -> Vec<Option<(String, ZoneFrom)>> {
    let duty = o.duties.iter().find(|d| d.duty.clause == clause).unwrap();
    duty.explanation
        .as_ref()
        .unwrap()
        .walk()
        .filter_map(|e| match &e.node {
            Node::Instance { due: Some(due), .. } => match &due.arithmetic {
                Computed::Arithmetic(a) => Some(
                    a.counted_in
                        .as_ref()
                        .map(|c| (modsim_policy::zone::zone_name(&c.zone), c.because)),
                ),
                Computed::Error(e) => panic!("{e}"),
            },
            _ => None,
        })
        .collect()
}

#[test]
fn two_business_days_count_in_the_holders_zone_and_calendar() {
    let o = replay_explaining("2", vec![]);
    // Notice Fri 21 May 23:30 in Los Angeles is Sat 22 May 08:30 in Paris; Whit Monday (a
    // French public holiday) does not count: Tue 25 and Wed 26, at 08:30 Paris time.
    // Notice Fri 28 May 10:00 (19:00 in Paris); Memorial Day (US only) counts: Mon 31, Tue 1.
    assert_eq!(
        deadlines(&o, "2"),
        [
            at("2021-05-26 08:30", "Europe/Paris"),
            at("2021-06-01 19:00", "Europe/Paris"),
        ]
    );
    let paris = Some(("Europe/Paris".to_owned(), ZoneFrom::Holder));
    assert_eq!(counted_in(&o, "2"), [paris.clone(), paris]);
}

#[test]
fn the_end_of_the_business_day_is_the_holders() {
    // Saturday in Paris: the next business day there is Tuesday (Whit Monday is a holiday), so
    // the day ends at midnight after it, Paris time; in Los Angeles it would have been the end
    // of that Friday.
    let o = replay_explaining("3", vec![]);
    assert_eq!(
        deadlines(&o, "3"),
        [
            at("2021-05-26 00:00", "Europe/Paris"),
            at("2021-05-29 00:00", "Europe/Paris"),
        ]
    );
}

#[test]
fn a_clause_may_count_in_the_counterpartys_zone_or_a_named_one() {
    let o = replay_explaining("2-b", vec![]);
    assert_eq!(
        deadlines(&o, "2-b"),
        [
            at("2021-05-26 23:30", "America/Los_Angeles"),
            at("2021-06-01 10:00", "America/Los_Angeles"),
        ]
    );
    let la = Some(("America/Los_Angeles".to_owned(), ZoneFrom::Counterparty));
    assert_eq!(counted_in(&o, "2-b"), [la.clone(), la]);
    let o = replay_explaining("2-c", vec![]);
    assert_eq!(
        deadlines(&o, "2-c")[0],
        at("2021-05-26 15:30", "Asia/Tokyo")
    );
    let tokyo = Some(("Asia/Tokyo".to_owned(), ZoneFrom::Clause));
    assert_eq!(counted_in(&o, "2-c"), [tokyo.clone(), tokyo]);
}

#[test]
fn a_party_without_a_zone_sits_in_the_scenarios() {
    // Without the host's zone, clause 2 counts in Los Angeles, and the arithmetic names no
    // zone of its own (the scenario's).
    let scenario = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/ok/zone-per-party/scenario.toml"
    ))
    .unwrap()
    .replace(", zone = \"Europe/Paris\"", "");
    let o = replay_explaining("2", vec![(SCENARIO, scenario)]);
    assert_eq!(
        deadlines(&o, "2")[0],
        at("2021-05-26 23:30", "America/Los_Angeles")
    );
    assert_eq!(counted_in(&o, "2"), [None, None]);
}

/// Every instance of a duty with a time limit carries its arithmetic in the outcome, grouped by
/// shape, and the report shares it rather than copying it (issue 12, item 6: "every duty
/// instance's deadline arithmetic appears in its explanation").
#[test]
fn every_duty_instance_carries_its_deadline_shared_with_the_report() {
    let request = Request {
        scenario: "seeds/forum-three-strikes/scenario.toml".to_owned(),
        ..Request::default()
    };
    let prepared = setup::prepare(&request, &Repo(Vec::new())).unwrap_or_else(|e| panic!("{e:?}"));
    let o = prepared.world.replay().unwrap();
    let duty = &o.duties[0];
    let deadlines = duty.deadlines.as_ref().unwrap();
    let tally = &duty.tally;
    let opened = tally.in_time.len() + tally.late.len() + tally.overdue.len() + tally.open.len();
    assert_eq!(deadlines.instances(), opened);
    assert_eq!(deadlines.groups.len(), 1, "one shape: reported + 24 hours");
    for i in &deadlines.groups[0].instances {
        assert_eq!(
            i.end.duration_since(i.start),
            jiff::SignedDuration::from_hours(24)
        );
    }
    let report = modsim_sim::report::build(&prepared.world, &o);
    let shared = report.duties[0].deadlines.as_ref().unwrap();
    assert!(std::sync::Arc::ptr_eq(&shared.deadlines, deadlines));
    // A quiet replay (sweeps) builds none.
    let quiet = prepared.world.replay_quiet().unwrap();
    assert!(quiet.duties.iter().all(|d| d.deadlines.is_none()));
}
