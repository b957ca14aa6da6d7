//! The rule model beyond one dispute, on the shipped scenarios: any user, enforcement history
//! and trailing periods, notices that open deadlines, dated determinations, duties owed after
//! an action. Each test reads the shipped files, changes one thing where it asks a what-if,
//! and checks the verdicts and earliest instants the issue asks for (issue 12, "What it must
//! show").

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use modsim_policy::Overrides;
use modsim_sim::explanation::{Basis, Node, NoticePeriodKind, SubjectRef};
use modsim_sim::{Files, Outcome, Request, Verdict, setup};

/// The repository's files, with some replaced by text (a what-if).
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

fn shipped(path: &str) -> String {
    Repo(Vec::new()).read(path).unwrap()
}

/// Replays `scenario` (a file of the repository), with `changed` files replaced and
/// `overrides`.
fn replay(scenario: &str, changed: Vec<(&str, String)>, overrides: Overrides) -> Outcome {
    let request = Request {
        scenario: scenario.to_owned(),
        overrides,
        ..Request::default()
    };
    let files = Repo(
        changed
            .into_iter()
            .map(|(p, t)| (p.to_owned(), t))
            .collect(),
    );
    let prepared = setup::prepare(&request, &files).unwrap_or_else(|e| panic!("{e:?}"));
    prepared.world.replay().unwrap()
}

/// The verdict on `actor action against`, the `n`-th such (from 0).
fn verdict<'o>(outcome: &'o Outcome, what: &str, n: usize) -> &'o Verdict {
    outcome
        .verdicts
        .iter()
        .filter(|v| format!("{} {} {}", v.actor, v.action, v.against) == what)
        .nth(n)
        .unwrap_or_else(|| panic!("no verdict `{what}` #{n}"))
}

fn grounds(v: &Verdict) -> Vec<&str> {
    v.grounds.iter().map(|g| g.clause.as_str()).collect()
}

fn at(local: &str, zone: &str) -> jiff::Timestamp {
    modsim_sim::scenario::parse_instant(local, &jiff::tz::TimeZone::get(zone).unwrap()).unwrap()
}

const FORUM: &str = "seeds/forum-three-strikes/scenario.toml";

#[test]
fn the_forum_bans_each_user_with_three_strikes_on_its_clause() {
    assert!(
        shipped("seeds/forum-three-strikes/policy.toml")
            .lines()
            .count()
            < 40,
        "the forum's rules fit in under 40 lines"
    );
    let o = replay(FORUM, vec![], Overrides::default());
    for (user, permitted) in [("alice", true), ("bob", false), ("carol", true)] {
        let v = verdict(&o, &format!("forum ban {user}"), 0);
        assert_eq!(v.permitted, permitted, "{user}");
        assert_eq!(
            v.account.as_deref(),
            Some(user),
            "weighed for {user}'s account"
        );
        if permitted {
            assert_eq!(grounds(v), ["3"], "{user}");
        } else {
            assert_eq!(v.missing.len(), 1);
        }
    }
    // Clause 3 is held against each account: one earliest instant per account.
    let ban = o.earliest.iter().find(|e| e.power.clause == "3").unwrap();
    assert_eq!(ban.accounts.len(), 3);
    assert_eq!(ban.against, "every account");
    assert_eq!(
        ban.at,
        Some(at("2024-03-06 18:00", "UTC")),
        "alice's third strike"
    );
    assert_eq!(ban.accounts[1].at, None, "bob never has three strikes");
    // Alice's second post came down 46 hours after its report: breached, then cured.
    let duty = o.duties.iter().find(|d| d.duty.clause == "1").unwrap();
    assert_eq!(duty.tally.late.len(), 1);
}

const FORUM_POLICY: &str = "seeds/forum-three-strikes/policy.toml";

#[test]
fn a_duty_held_by_every_account_is_owed_by_each_posts_author() {
    let rule = r#"duty = { holder = "forum", opens = "reported", within = "24 hours", met_by = "removed" }"#;
    assert!(shipped(FORUM_POLICY).contains(rule));
    let held_by_users = |opens: &str| {
        let policy = shipped(FORUM_POLICY).replace(
            rule,
            &format!(
                r#"duty = {{ holder = "user", opens = "{opens}", within = "24 hours", met_by = "removed" }}"#
            ),
        );
        replay(FORUM, vec![(FORUM_POLICY, policy)], Overrides::default())
    };
    // Each user owes the removal of their own abusive posts within 24 hours of publishing
    // them: alice's a2 came down after 47 hours; bob's b3 is not abuse.
    let o = held_by_users("published");
    let duty = o.duties.iter().find(|d| d.duty.clause == "1").unwrap();
    assert_eq!(duty.holder, "every account");
    let by_account: Vec<(usize, [u32; 4])> =
        duty.accounts.iter().map(|a| (a.party, a.counts)).collect();
    // Parties: forum 0, alice 1, bob 2, carol 3; counts: in time, late, overdue, open.
    assert_eq!(
        by_account,
        [(1, [2, 1, 0, 0]), (2, [2, 0, 0, 0]), (3, [3, 0, 0, 0])]
    );
    // The reports were made to the forum, not to the users: a report opens no user's duty.
    let o = held_by_users("reported");
    let duty = o.duties.iter().find(|d| d.duty.clause == "1").unwrap();
    assert!(duty.accounts.is_empty());
    assert_eq!(duty.last, modsim_sim::DutyStatus::NotTriggered);
}

const YOUTUBE: &str = "seeds/youtube-strikes-classroom/scenario.toml";

#[test]
fn youtube_terminates_at_the_third_strike_within_90_days_and_not_after_one_expires() {
    let o = replay(YOUTUBE, vec![], Overrides::default());
    let a = verdict(&o, "youtube terminate chan_a", 0);
    assert!(a.permitted);
    assert_eq!(grounds(a), ["3rd strike"]);
    // Channel B's first strike expired before its third: only two count.
    let b = verdict(&o, "youtube terminate chan_b", 0);
    assert!(!b.permitted);
    // Channel C: severe abuse skips the ladder, resting on YouTube's dated determination.
    let c = verdict(&o, "youtube terminate chan_c", 0);
    assert!(c.permitted);
    assert_eq!(grounds(c), ["severe abuse"]);
    assert_eq!(c.assumptions[0].name, "severe_abuse");
    let severe = o
        .earliest
        .iter()
        .find(|e| e.power.clause == "severe abuse")
        .unwrap();
    assert_eq!(
        severe.accounts[2].at,
        Some(at("2024-02-01 09:00", "UTC")),
        "not before YouTube's determination about Channel C"
    );
    assert_eq!(
        severe.accounts[0].at, None,
        "never determined for Channel A"
    );

    // The what-if: Channel A's first strike 91 days earlier (21 January - 91 days).
    let text = shipped(YOUTUBE).replacen(
        "at = \"2024-01-21 12:00\"\nkind = \"action\"\nactor = \"youtube\"\naction = \"strike\"",
        "at = \"2023-10-22 12:00\"\nkind = \"action\"\nactor = \"youtube\"\naction = \"strike\"",
        1,
    );
    assert_ne!(text, shipped(YOUTUBE), "the first strike moved");
    let moved = replay(YOUTUBE, vec![(YOUTUBE, text)], Overrides::default());
    let a = verdict(&moved, "youtube terminate chan_a", 0);
    assert!(!a.permitted, "the moved strike expired on 2024-01-20");
}

#[test]
fn a_restriction_is_judged_at_its_start_and_at_its_end() {
    let o = replay(YOUTUBE, vec![], Overrides::default());
    // Channel B's first restriction lasts 2 weeks where the first strike allows 1.
    let first = verdict(&o, "youtube restrict chan_b", 0);
    assert!(first.permitted, "permitted at its start");
    let end = first.end.as_ref().unwrap();
    assert!(!end.permitted, "not at its end");
    assert_eq!(
        end.ends.as_ref().unwrap().end,
        at("2024-01-29 12:00", "UTC")
    );
    let a = verdict(&o, "youtube restrict chan_a", 0);
    assert!(a.end.as_ref().unwrap().permitted);
}

const DSA: &str = "seeds/dsa-classroom/scenario.toml";

#[test]
fn the_dsa_needs_a_prior_warning_and_a_statement_of_reasons_no_later_than_the_restriction() {
    let o = replay(DSA, vec![], Overrides::default());
    let r1 = verdict(&o, "agora suspend_account r1", 0);
    assert!(!r1.permitted, "no prior warning");
    assert!(
        format!("{:?}", r1.missing).contains("NoPrior"),
        "{:?}",
        r1.missing
    );
    let r2 = verdict(&o, "agora suspend_account r2", 0);
    assert!(r2.permitted);
    assert_eq!(grounds(r2), ["23(1)"]);
    assert_eq!(r2.assumptions[0].name, "manifestly_illegal");
    // Art. 17: breached at recipient 3's suspension, cured by the late statement.
    let art17 = o.duties.iter().find(|d| d.duty.clause == "17").unwrap();
    let breach = art17
        .changes
        .iter()
        .find(|c| c.status == modsim_sim::DutyStatus::Breached)
        .unwrap();
    assert_eq!(breach.at, at("2024-03-23 09:00", "Europe/Brussels"));
    assert_eq!(art17.tally.late.len(), 1);
    assert_eq!(art17.tally.in_time.len(), 2);
    // Recipient 3's suspension outlasts the reasonable period; the complaint windows.
    let r3 = verdict(&o, "agora suspend_account r3", 0);
    assert!(r3.permitted && !r3.end.as_ref().unwrap().permitted);
    assert!(verdict(&o, "r2 appeal agora", 0).permitted);
    assert!(!verdict(&o, "r3 appeal agora", 0).permitted);
}

const VIMEO: &str = "seeds/vimeo-domen-2018/scenario.toml";

#[test]
fn vimeo_may_remove_the_account_after_the_24_hour_window_and_not_before() {
    let o = replay(VIMEO, vec![], Overrides::default());
    let v = verdict(&o, "vimeo terminate church_united", 0);
    assert!(v.permitted);
    assert_eq!(grounds(v), ["account removal"]);
    // The what-if: the removal inside the window.
    let text = shipped(VIMEO).replacen("2018-11-23 05:42", "2018-11-20 22:00", 1);
    let early = replay(VIMEO, vec![(VIMEO, text)], Overrides::default());
    let v = verdict(&early, "vimeo terminate church_united", 0);
    assert!(!v.permitted);
    assert_eq!(
        v.earliest_permitted,
        Some(at("2018-11-21 10:00", "America/New_York")),
        "notice + 24 hours"
    );
}

const AZURE: &str = "seeds/gab-azure-2018/scenario.toml";
const AZURE_KEPT_UP: &str = "seeds/gab-azure-2018/what-if-kept-up.toml";

#[test]
fn azure_reads_its_window_two_ways() {
    let window = |reading: &str| Overrides {
        set: vec![("removal_window".to_owned(), reading.to_owned())],
        ..Overrides::default()
    };
    // The posts came down inside the window: no suspension opens, under either reading.
    for reading in ["48 hours", "2 business days"] {
        let o = replay(AZURE, vec![], window(reading));
        assert_eq!(o.earliest[0].at, None, "{reading}");
        assert_eq!(o.duties[0].last, modsim_sim::DutyStatus::Fulfilled);
    }
    // Left up: notice + 48 hours, or notice + 2 business days (skipping the weekend), the
    // arithmetic written out in the earliest instant's basis.
    let zone = "America/New_York";
    for (reading, earliest, skipped) in [
        ("48 hours", "2018-08-11 13:40", 0),
        ("2 business days", "2018-08-13 13:40", 2),
    ] {
        let o = replay(AZURE_KEPT_UP, vec![], window(reading));
        assert_eq!(o.earliest[0].at, Some(at(earliest, zone)), "{reading}");
        let Some(Basis::Notice(basis)) = &o.earliest[0].basis else {
            panic!("{reading}: {:?}", o.earliest[0].basis);
        };
        let [period] = basis.periods.as_slice() else {
            panic!("{reading}: one period, the window: {:?}", basis.periods);
        };
        assert_eq!(period.what, NoticePeriodKind::AdvanceNotice);
        let sum = &period.arithmetic;
        assert_eq!(sum.start, at("2018-08-09 13:40", zone), "from the notice");
        assert_eq!(sum.period.to_string(), reading);
        assert_eq!(sum.end, at(earliest, zone));
        assert_eq!(
            sum.skipped.len(),
            skipped,
            "Saturday and Sunday: {:?}",
            sum.skipped
        );
    }
}

#[test]
fn every_instance_of_a_duty_is_explained_with_its_deadline() {
    // Only on request: a replay explains no duty instance by instance.
    let o = replay(AZURE, vec![], Overrides::default());
    assert!(o.duties.iter().all(|d| d.explanation.is_none()));
    let request = Request {
        scenario: AZURE.to_owned(),
        ..Request::default()
    };
    let prepared = setup::prepare(&request, &Repo(Vec::new())).unwrap_or_else(|e| panic!("{e:?}"));
    let o = prepared.world.replay_explaining("removal").unwrap();
    let tree = o.duties[0].explanation.as_ref().unwrap();
    let instances: Vec<_> = tree
        .walk()
        .filter_map(|e| match &e.node {
            Node::Instance {
                subject: SubjectRef::Post(post),
                due: Some(due),
                met,
                ..
            } => Some((post.to_string(), format!("{due:?}"), *met)),
            _ => None,
        })
        .collect();
    assert_eq!(instances.len(), 2, "{instances:?}");
    assert!(instances[0].1.contains("Notified"), "{:?}", instances[0]);
    assert!(instances.iter().all(|(_, _, met)| met.is_some()));
}

const WEEKEND: &str = "seeds/weekend-2021-01/scenario.toml";

#[test]
fn airbnbs_ban_is_not_available_before_its_determination() {
    let o = replay(WEEKEND, vec![], Overrides::default());
    let ban = o
        .earliest
        .iter()
        .find(|e| e.power.policy == "airbnb-2021-01")
        .unwrap();
    assert_eq!(
        ban.at,
        Some(at("2021-01-11 10:00", "America/Los_Angeles")),
        "the determination the scenario records"
    );
    assert!(verdict(&o, "airbnb ban identified_guests", 0).permitted);
    // Every verdict of the weekend stands as before.
    let permitted: Vec<bool> = o.verdicts.iter().map(|v| v.permitted).collect();
    assert_eq!(permitted, [true; 7]);
}
