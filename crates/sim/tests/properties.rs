//! Property tests: laws of the replay that must hold for every policy and scenario, checked
//! over small generated ones (a few duties and powers, a handful of posts and events), so the
//! whole suite stays fast in `cargo test --workspace`.
//!
//! The generated world is in UTC with the `weekends-only` calendar, so that shifting a
//! scenario by whole weeks changes no business-day arithmetic.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::fmt::Write;

use jiff::{SignedDuration, Timestamp};
use modsim_policy::Overrides;
use modsim_sim::{DutyStatus, Files, Outcome, Request, report, setup};
use proptest::prelude::*;

/// How many generated worlds each law is checked on.
const CASES: u32 = 48;

/// Monday 2021-01-04, midnight UTC: every generated instant is minutes after it.
const BASE: &str = "2021-01-04T00:00:00Z";

#[derive(Clone, Debug)]
enum Period {
    Hours(u32),
    CalendarDays(u32),
    BusinessDays(u32),
}

impl Period {
    fn text(&self) -> String {
        match self {
            Period::Hours(n) => format!("{n} hours"),
            Period::CalendarDays(n) => format!("{n} calendar days"),
            Period::BusinessDays(n) => format!("{n} business days"),
        }
    }

    fn longer(&self, by: u32) -> Period {
        match self {
            Period::Hours(n) => Period::Hours(n + by),
            Period::CalendarDays(n) => Period::CalendarDays(n + by),
            Period::BusinessDays(n) => Period::BusinessDays(n + by),
        }
    }
}

#[derive(Clone, Debug)]
struct Duty {
    on_report: bool,
    within: Option<Period>,
}

#[derive(Clone, Debug)]
enum When {
    Always,
    Breached(usize),
    BreachedAny,
    Available(usize),
    LiveReported(u8),
    Assumed,
}

#[derive(Clone, Debug)]
struct Power {
    action: &'static str,
    when: When,
    /// `None`: no notice; `Some(None)`: immediate; `Some(Some(p))`: advance notice.
    notice: Option<Option<Period>>,
    cure: Option<Period>,
}

#[derive(Clone, Debug)]
struct PolicySpec {
    duties: Vec<Duty>,
    powers: Vec<Power>,
    assume: bool,
}

#[derive(Clone, Debug)]
struct Post {
    published: i64,
    reported: Option<i64>,
    removed: Option<i64>,
    labels: &'static str,
}

#[derive(Clone, Debug)]
struct ScenarioSpec {
    posts: Vec<Post>,
    notices: Vec<i64>,
    actions: Vec<(i64, &'static str)>,
}

const ACTIONS: [&str; 3] = ["suspend", "terminate", "warn"];
/// About six weeks, in minutes: where generated instants fall.
const SPAN: i64 = 6 * 7 * 24 * 60;

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (1u32..72).prop_map(Period::Hours),
        (1u32..20).prop_map(Period::CalendarDays),
        (1u32..15).prop_map(Period::BusinessDays),
    ]
}

fn duty() -> impl Strategy<Value = Duty> {
    (any::<bool>(), proptest::option::of(period()))
        .prop_map(|(on_report, within)| Duty { on_report, within })
}

fn power(index: usize, duties: usize) -> impl Strategy<Value = Power> {
    let when = prop_oneof![
        Just(When::Always),
        (0..duties).prop_map(When::Breached),
        Just(When::BreachedAny),
        // Only earlier powers, so no cycle.
        (0..index.max(1)).prop_map(move |p| if index == 0 {
            When::Assumed
        } else {
            When::Available(p)
        }),
        (1u8..4).prop_map(When::LiveReported),
        Just(When::Assumed),
    ];
    let notice = prop_oneof![
        1 => Just(None),
        2 => Just(Some(None)),
        3 => period().prop_map(|p| Some(Some(p))),
    ];
    (
        proptest::sample::select(&ACTIONS[..]),
        when,
        notice,
        proptest::option::of(period()),
    )
        .prop_map(|(action, when, notice, cure)| Power {
            action,
            when,
            cure: if notice.is_some() { cure } else { None },
            notice,
        })
}

fn policy() -> impl Strategy<Value = PolicySpec> {
    (1usize..3, 1usize..4, any::<bool>()).prop_flat_map(|(duties, powers, assume)| {
        let powers: Vec<_> = (0..powers).map(|i| power(i, duties)).collect();
        (proptest::collection::vec(duty(), duties), powers).prop_map(move |(duties, powers)| {
            PolicySpec {
                duties,
                powers,
                assume,
            }
        })
    })
}

fn post() -> impl Strategy<Value = Post> {
    (
        0..SPAN,
        proptest::option::of(0..SPAN / 2),
        proptest::option::of(0..SPAN / 2),
        proptest::sample::select(&["a", "b", "a;b", ""][..]),
    )
        .prop_map(|(published, reported, removed, labels)| Post {
            published,
            reported: reported.map(|r| published + r),
            removed: removed.map(|r| published + r),
            labels,
        })
}

fn scenario() -> impl Strategy<Value = ScenarioSpec> {
    (
        proptest::collection::vec(post(), 0..6),
        proptest::collection::vec(0..SPAN, 0..3),
        proptest::collection::vec((0..2 * SPAN, proptest::sample::select(&ACTIONS[..])), 1..4),
    )
        .prop_map(|(posts, notices, actions)| ScenarioSpec {
            posts,
            notices,
            actions,
        })
}

fn duty_id(i: usize) -> String {
    format!("D{i}")
}

fn power_id(i: usize) -> String {
    format!("P{i}")
}

fn policy_text(spec: &PolicySpec) -> String {
    let mut t = String::from(
        "[policy]\nid = \"gen\"\ntitle = \"generated\"\nsource = \"proptest\"\nholidays = \"weekends-only\"\n\
         [roles]\nhost = \"hosts\"\nsite = \"is hosted\"\n\
         [labels]\na = \"forbidden\"\nb = \"allowed\"\n",
    );
    t.push_str("[parameters]\n");
    for (i, p) in spec.powers.iter().enumerate() {
        if let Some(Some(n)) = &p.notice {
            let _ = writeln!(
                t,
                "notice_{i} = {{ value = \"{}\", about = \"n\" }}",
                n.text()
            );
        }
        if let Some(c) = &p.cure {
            let _ = writeln!(
                t,
                "cure_{i} = {{ value = \"{}\", about = \"c\" }}",
                c.text()
            );
        }
    }
    let _ = writeln!(
        t,
        "[assumptions]\nrisk = {{ question = \"a risk?\", default = {} }}",
        spec.assume
    );
    let clause = |t: &mut String, id: &str| {
        let _ = write!(
            t,
            "[[clause]]\nid = \"{id}\"\ntitle = \"t\"\ntext = \"t\"\nsource = \"t\"\nmark = \"record\"\n"
        );
    };
    clause(&mut t, "A");
    t.push_str("prohibits = '\"a\" in post.labels'\n");
    for (i, d) in spec.duties.iter().enumerate() {
        clause(&mut t, &duty_id(i));
        let within = d
            .within
            .as_ref()
            .map(|p| format!(", within = \"{}\"", p.text()))
            .unwrap_or_default();
        let opens = if d.on_report { "reported" } else { "published" };
        let _ = writeln!(
            t,
            "duty = {{ holder = \"site\", opens = \"{opens}\", met_by = \"removed\"{within} }}"
        );
    }
    for (i, p) in spec.powers.iter().enumerate() {
        clause(&mut t, &power_id(i));
        let when = match &p.when {
            When::Always => "true".to_owned(),
            When::Breached(d) => format!("breached(\"{}\")", duty_id(*d)),
            When::BreachedAny => (0..spec.duties.len())
                .map(|d| format!("breached(\"{}\")", duty_id(d)))
                .collect::<Vec<_>>()
                .join(" || "),
            When::Available(q) => format!("available(\"{}\")", power_id(*q)),
            When::LiveReported(n) => format!("state.live_reported >= {n}"),
            When::Assumed => "assumptions.risk".to_owned(),
        };
        let notice = match &p.notice {
            None => "none".to_owned(),
            Some(None) => "immediate".to_owned(),
            Some(Some(_)) => format!("notice_{i}"),
        };
        let cure = if p.cure.is_some() {
            format!(", cure = \"cure_{i}\"")
        } else {
            String::new()
        };
        let _ = writeln!(
            t,
            "power = {{ holder = \"host\", action = \"{}\", against = \"site\", when = '{when}', notice = \"{notice}\"{cure} }}",
            p.action
        );
    }
    t
}

fn at(minutes: i64, shift: SignedDuration) -> String {
    let base: Timestamp = BASE.parse().unwrap();
    (base + SignedDuration::from_mins(minutes) + shift).to_string()
}

fn scenario_files(spec: &ScenarioSpec, shift: SignedDuration) -> (String, String) {
    let mut s = String::from(
        "[scenario]\nid = \"gen\"\ntitle = \"generated\"\nzone = \"UTC\"\n\
         [parties]\nh = \"Host\"\ns = \"Site\"\n[roles]\nhost = \"h\"\nsite = \"s\"\n\
         [[policy]]\nfile = \"policy.toml\"\n\
         [posts]\nfile = \"posts.csv\"\nreported_by = \"h\"\nreported_to = \"s\"\nmark = \"record\"\n",
    );
    for n in &spec.notices {
        let _ = write!(
            s,
            "[[event]]\nat = \"{}\"\nkind = \"notice\"\nfrom = \"h\"\nto = \"s\"\nsummary = \"n\"\nmark = \"record\"\n",
            at(*n, shift)
        );
    }
    for (t, action) in &spec.actions {
        let _ = write!(
            s,
            "[[event]]\nat = \"{}\"\nkind = \"action\"\nactor = \"h\"\naction = \"{action}\"\nagainst = \"s\"\nsummary = \"a\"\nmark = \"record\"\n",
            at(*t, shift)
        );
    }
    let mut csv = String::from("id,published,reported,removed,labels\n");
    for (i, p) in spec.posts.iter().enumerate() {
        let opt = |m: Option<i64>| m.map(|m| at(m, shift)).unwrap_or_default();
        let _ = writeln!(
            csv,
            "p{i},{},{},{},{}",
            at(p.published, shift),
            opt(p.reported),
            opt(p.removed),
            p.labels
        );
    }
    (s, csv)
}

struct Memory {
    policy: String,
    scenario: String,
    posts: String,
}

impl Files for Memory {
    fn read(&self, path: &str) -> Result<String, String> {
        match path {
            "g/scenario.toml" => Ok(self.scenario.clone()),
            "g/policy.toml" => Ok(self.policy.clone()),
            "g/posts.csv" => Ok(self.posts.clone()),
            other => Err(format!("no file {other}")),
        }
    }
}

/// Replays, and returns the outcome with the report's JSON bytes.
fn replay_with(
    policy: &PolicySpec,
    scenario: &ScenarioSpec,
    shift: SignedDuration,
    overrides: Overrides,
) -> (Outcome, String) {
    let (scenario_text, posts) = scenario_files(scenario, shift);
    let files = Memory {
        policy: policy_text(policy),
        scenario: scenario_text,
        posts,
    };
    let request = Request {
        scenario: "g/scenario.toml".into(),
        overrides,
        ..Request::default()
    };
    let prepared = match setup::prepare(&request, &files) {
        Ok(p) => p,
        Err(e) => panic!(
            "a generated world must load: {e:?}\n{}\n{}",
            files.policy, files.scenario
        ),
    };
    let outcome = prepared.world.replay().expect("replays");
    let json = serde_json::to_string(&report::build(&prepared.world, &outcome)).expect("JSON");
    (outcome, json)
}

fn replay(policy: &PolicySpec, scenario: &ScenarioSpec, overrides: Overrides) -> Outcome {
    replay_with(policy, scenario, SignedDuration::ZERO, overrides).0
}

fn ever_breached(outcome: &Outcome) -> Vec<(String, bool)> {
    outcome
        .duties
        .iter()
        .map(|d| {
            (
                d.duty.clause.clone(),
                d.changes.iter().any(|c| c.status == DutyStatus::Breached),
            )
        })
        .collect()
}

fn uses_business_days(policy: &PolicySpec) -> bool {
    let business = |p: &Option<Period>| matches!(p, Some(Period::BusinessDays(_)));
    policy.duties.iter().any(|d| business(&d.within))
        || policy
            .powers
            .iter()
            .any(|p| business(&p.cure) || matches!(&p.notice, Some(p) if business(p)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// Law: the same inputs give the same bytes.
    #[test]
    fn replays_are_deterministic(policy in policy(), scenario in scenario()) {
        let a = replay_with(&policy, &scenario, SignedDuration::ZERO, Overrides::default()).1;
        let b = replay_with(&policy, &scenario, SignedDuration::ZERO, Overrides::default()).1;
        prop_assert_eq!(a, b);
    }

    /// Law: taking a power out never makes an action permitted that was not.
    #[test]
    fn taking_a_power_out_never_permits_more(
        policy in policy(),
        scenario in scenario(),
        pick in any::<proptest::sample::Index>(),
    ) {
        let out = power_id(pick.index(policy.powers.len()));
        let before = replay(&policy, &scenario, Overrides::default());
        let after = replay(&policy, &scenario, Overrides { without: vec![out.clone()], ..Overrides::default() });
        for (b, a) in before.verdicts.iter().zip(&after.verdicts) {
            prop_assert_eq!(b.action_index, a.action_index);
            prop_assert!(!a.permitted || b.permitted, "without {}: action {} became permitted", out, a.action_index);
        }
    }

    /// Law: lengthening a notice or cure period never makes an earliest instant earlier.
    #[test]
    fn lengthening_a_period_never_brings_an_instant_forward(
        policy in policy(),
        scenario in scenario(),
        pick in any::<proptest::sample::Index>(),
        by in 1u32..10,
    ) {
        let mut periods: Vec<(String, Period)> = Vec::new();
        for (i, p) in policy.powers.iter().enumerate() {
            if let Some(Some(n)) = &p.notice {
                periods.push((format!("notice_{i}"), n.clone()));
            }
            if let Some(c) = &p.cure {
                periods.push((format!("cure_{i}"), c.clone()));
            }
        }
        prop_assume!(!periods.is_empty());
        let (name, period) = &periods[pick.index(periods.len())];
        let before = replay(&policy, &scenario, Overrides::default());
        let after = replay(&policy, &scenario, Overrides {
            set: vec![(name.clone(), period.longer(by).text())],
            ..Overrides::default()
        });
        for (b, a) in before.earliest.iter().zip(&after.earliest) {
            let later_or_never = match (b.at, a.at) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(b), Some(a)) => a >= b,
            };
            prop_assert!(later_or_never, "{} longer by {}: {} moved from {:?} to {:?}", name, by, b.power.clause, b.at, a.at);
        }
    }

    /// Law: removing a post earlier never creates a breach.
    #[test]
    fn removing_a_post_earlier_never_creates_a_breach(
        policy in policy(),
        scenario in scenario(),
        pick in any::<proptest::sample::Index>(),
        fraction in 0.0f64..1.0,
    ) {
        prop_assume!(!scenario.posts.is_empty());
        let k = pick.index(scenario.posts.len());
        let post = &scenario.posts[k];
        let old = post.removed.unwrap_or(post.published + SPAN);
        let earlier = post.published + ((old - post.published) as f64 * fraction) as i64;
        let mut sooner = scenario.clone();
        sooner.posts[k].removed = Some(earlier);
        let before = ever_breached(&replay(&policy, &scenario, Overrides::default()));
        let after = ever_breached(&replay(&policy, &sooner, Overrides::default()));
        for ((duty, b), (_, a)) in before.iter().zip(&after) {
            prop_assert!(!a || *b, "removing p{} at +{}m breached {}", k, earlier, duty);
        }
    }

    /// Law: shifting every instant by the same amount shifts every earliest instant by that
    /// amount and changes no verdict. By whole weeks when business days are counted.
    #[test]
    fn shifting_the_timeline_shifts_every_answer(
        policy in policy(),
        scenario in scenario(),
        weeks in -8i64..8,
        minutes in -5000i64..5000,
    ) {
        let minutes = if uses_business_days(&policy) { 0 } else { minutes };
        let shift = SignedDuration::from_mins(weeks * 7 * 24 * 60 + minutes);
        let (before, _) = replay_with(&policy, &scenario, SignedDuration::ZERO, Overrides::default());
        let (after, _) = replay_with(&policy, &scenario, shift, Overrides::default());
        for (b, a) in before.verdicts.iter().zip(&after.verdicts) {
            prop_assert_eq!(b.permitted, a.permitted);
            prop_assert_eq!(&b.grounds, &a.grounds);
            prop_assert_eq!(b.earliest_permitted.map(|t| t + shift), a.earliest_permitted);
        }
        for (b, a) in before.earliest.iter().zip(&after.earliest) {
            prop_assert_eq!(b.at.map(|t| t + shift), a.at, "{}", b.power.clause);
        }
    }
}
