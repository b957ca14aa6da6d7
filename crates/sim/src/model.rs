//! Scenario models: the generative model of a scenario's uncertain facts, read from its
//! `[model]` table, with named parameters a sweep can vary.
//!
//! The model of the seed is the reconstruction's own ([`ReportModel`]): report arrivals
//! rising over the window, publication lags, removal probability and delay, and the notice's
//! exact time (uniform in a window around the recorded one). Its defaults are the committed
//! reconstruction's: with the scenario's seed it regenerates `posts.csv` exactly.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use modsim_policy::{LabelSet, Problem};
use serde::Deserialize;
use toml::Spanned;

use crate::reconstruct::{RemovalDelay, ReportModel};
use crate::timeline::{Post, PostId, parse_instant};

/// A scenario's model: the report generator, its seed, and the notice's uncertainty.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioModel {
    /// The generator of the reports.
    pub reports: ReportModel,
    /// The seed of the committed data.
    pub seed: u64,
    /// Width of the window, centred on the recorded notice, in which the notice's exact time
    /// is drawn uniformly; zero keeps the recorded time.
    pub notice_window: SignedDuration,
}

/// Most reports a model may draw per world (`count`): each is a post held in memory by every
/// replicate running.
pub const MAX_COUNT: usize = 1_000_000;

/// The names of the model's parameters, for `--vary`.
pub const PARAMETERS: &[&str] = &[
    "count",
    "growth",
    "publish_lag_median",
    "publish_lag_spread",
    "removal_probability",
    "removal_delay_median",
    "removal_delay_spread",
    "notice_window",
];

/// A scenario's `[model]` table, as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Model")]
pub(crate) struct RawModel {
    /// The generator: `reports`.
    #[schemars(with = "String")]
    generator: Spanned<String>,
    /// The seed of the committed data.
    seed: u64,
    /// Reports drawn.
    #[schemars(with = "usize")]
    count: Spanned<usize>,
    /// The first instant a report may come.
    #[schemars(with = "String")]
    first_report: Spanned<String>,
    /// The last instant a report may come.
    #[schemars(with = "String")]
    last_report: Spanned<String>,
    /// The report rate at the end of the window over that at its start.
    #[schemars(with = "f64")]
    growth: Spanned<f64>,
    /// Median time from publication to report (`20 hours`).
    #[schemars(with = "String")]
    publish_lag_median: Spanned<String>,
    /// σ of the log of that time.
    #[schemars(with = "f64")]
    publish_lag_spread: Spanned<f64>,
    /// Chance a reported post is removed before the notice, 0 to 1.
    #[schemars(with = "f64")]
    removal_probability: Spanned<f64>,
    /// Median removal delay (`48 hours`).
    #[schemars(with = "String")]
    removal_delay_median: Spanned<String>,
    /// σ of the log of the removal delay.
    #[schemars(with = "f64")]
    removal_delay_spread: Spanned<f64>,
    /// Width of the window, centred on the recorded notice, in which its time is drawn.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    notice_window: Option<Spanned<String>>,
}

impl RawModel {
    /// Checks the model; `notice` is the recorded notice the removals are cut off at.
    pub(crate) fn check(
        &self,
        zone: &TimeZone,
        notice: Option<Timestamp>,
        problems: &mut Vec<Problem>,
    ) -> Option<ScenarioModel> {
        if self.generator.get_ref() != "reports" {
            problems.push(
                Problem::error(format!("unknown generator `{}`", self.generator.get_ref()), Some(self.generator.span()))
                    .with_help("the one generator is `reports`: report arrivals, removals and the notice's time"),
            );
        }
        let mut instant = |s: &Spanned<String>| match parse_instant(s.get_ref(), zone) {
            Ok(t) => Some(t),
            Err((message, help)) => {
                problems.push(Problem::error(message, Some(s.span())).with_help(help));
                None
            }
        };
        let first = instant(&self.first_report);
        let last = instant(&self.last_report);
        let mut duration = |s: &Spanned<String>| match parse_duration(s.get_ref()) {
            Ok(d) => Some(d),
            Err(help) => {
                problems.push(
                    Problem::error(
                        format!("`{}` is not a duration", s.get_ref()),
                        Some(s.span()),
                    )
                    .with_help(help),
                );
                None
            }
        };
        let lag = duration(&self.publish_lag_median);
        let delay = duration(&self.removal_delay_median);
        let window = match &self.notice_window {
            Some(w) => duration(w),
            None => Some(SignedDuration::ZERO),
        };
        let p = *self.removal_probability.get_ref();
        self.check_numbers(problems);
        let Some(cutoff) = notice else {
            problems.push(
                Problem::error(
                    "a model needs a notice in the timeline: removals are cut off at it",
                    Some(self.generator.span()),
                )
                .with_help("add a `[[event]]` of kind `notice` from the reporting party"),
            );
            return None;
        };
        Some(ScenarioModel {
            reports: ReportModel {
                count: *self.count.get_ref(),
                first_report: first?,
                last_report: last?,
                growth: *self.growth.get_ref(),
                publish_lag_median: lag?,
                publish_lag_spread: *self.publish_lag_spread.get_ref(),
                removal_probability: p,
                removal_delay: RemovalDelay::LogNormal {
                    median: delay?,
                    spread: *self.removal_delay_spread.get_ref(),
                },
                cutoff,
            },
            seed: self.seed,
            notice_window: window?,
        })
    }
}

impl RawModel {
    /// The numbers' ranges: a probability, a count within [`MAX_COUNT`], finite rates and
    /// spreads.
    fn check_numbers(&self, problems: &mut Vec<Problem>) {
        if !(0.0..=1.0).contains(self.removal_probability.get_ref()) {
            problems.push(Problem::error(
                "`removal_probability` must be between 0 and 1",
                Some(self.removal_probability.span()),
            ));
        }
        if let Err(message) = check_count(*self.count.get_ref()) {
            problems.push(
                Problem::error(message, Some(self.count.span())).with_help(format!(
                    "a model draws at most {MAX_COUNT} reports per world"
                )),
            );
        }
        for (name, value) in [
            ("growth", &self.growth),
            ("publish_lag_spread", &self.publish_lag_spread),
            ("removal_delay_spread", &self.removal_delay_spread),
        ] {
            if let Err(message) = check_number(name, *value.get_ref()) {
                problems.push(Problem::error(message, Some(value.span())));
            }
        }
    }
}

impl ScenarioModel {
    /// Sets a named parameter from its text (`--vary NAME=VALUE`).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let number = || {
            let x = value
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("`{name}` takes a number, not `{value}`"))?;
            check_number(name, x).map(|()| x)
        };
        let r = &mut self.reports;
        match name {
            "count" => {
                let count = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("`count` takes a whole number, not `{value}`"))?;
                check_count(count)?;
                r.count = count;
            }
            "growth" => r.growth = number()?,
            "publish_lag_median" => r.publish_lag_median = parse_duration(value)?,
            "publish_lag_spread" => r.publish_lag_spread = number()?,
            "removal_probability" => {
                let p = number()?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(format!(
                        "`removal_probability` is between 0 and 1, not `{value}`"
                    ));
                }
                r.removal_probability = p;
            }
            "removal_delay_median" | "removal_delay_spread" => {
                let RemovalDelay::LogNormal { median, spread } = r.removal_delay else {
                    return Err("this model's removal delay is not log-normal".into());
                };
                r.removal_delay = if name == "removal_delay_median" {
                    RemovalDelay::LogNormal {
                        median: parse_duration(value)?,
                        spread,
                    }
                } else {
                    RemovalDelay::LogNormal {
                        median,
                        spread: number()?,
                    }
                };
            }
            "notice_window" => self.notice_window = parse_duration(value)?,
            _ => return Err(format!("the model has no parameter `{name}`")),
        }
        Ok(())
    }

    /// One world drawn from the model: its posts (labels numbered as in `labels`, which grows
    /// when a new label appears) and the notice's time.
    pub fn draw(
        &self,
        replicate_seed: u64,
        notice: Timestamp,
        labels: &mut Vec<String>,
    ) -> (Vec<Post>, Timestamp) {
        let notice_at = if self.notice_window.is_zero() {
            notice
        } else {
            // Its own stream, so the notice's draw never shifts the posts' draws.
            use rand::{RngExt, SeedableRng};
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(replicate_seed);
            rng.set_stream(u64::MAX);
            let half = self.notice_window.as_secs_f64() / 2.0;
            let offset = -half + rng.random::<f64>() * 2.0 * half;
            notice
                .checked_add(SignedDuration::from_secs(offset as i64))
                .unwrap_or(notice)
        };
        let model = ReportModel {
            cutoff: notice_at,
            ..self.reports.clone()
        };
        let posts = model
            .generate(replicate_seed)
            .into_iter()
            .map(|p| {
                let mut set = LabelSet::EMPTY;
                for label in p.labels.split(';').filter(|l| !l.is_empty()) {
                    let index = labels.iter().position(|l| l == label).unwrap_or_else(|| {
                        labels.push(label.to_owned());
                        labels.len() - 1
                    });
                    set.insert(index);
                }
                Post {
                    id: p.id,
                    author: PostId::default(),
                    published: p.published,
                    reported: Some(p.reported),
                    removed: p.removed,
                    labels: set,
                    severity: 0,
                    reach: 0,
                    description: p.description.into(),
                    platform: None,
                }
            })
            .collect();
        (posts, notice_at)
    }
}

/// Refuses a count of reports over [`MAX_COUNT`].
fn check_count(count: usize) -> Result<(), String> {
    if count > MAX_COUNT {
        return Err(format!(
            "`count` is {count}, over the limit of {MAX_COUNT} reports per world"
        ));
    }
    Ok(())
}

/// Refuses a number a parameter cannot take: not finite, a growth that is not positive, a
/// negative spread.
fn check_number(name: &str, x: f64) -> Result<(), String> {
    if !x.is_finite() {
        return Err(format!("`{name}` takes a finite number, not `{x}`"));
    }
    if name == "growth" && x <= 0.0 {
        return Err(format!(
            "`growth` is a ratio of rates and must be above 0, not `{x}`"
        ));
    }
    if name.ends_with("_spread") && x < 0.0 {
        return Err(format!("`{name}` is a σ and cannot be negative, not `{x}`"));
    }
    Ok(())
}

/// An exact duration: `90m`, `1h`, `24h`, `2d` (days of 24 hours), or `48 hours`.
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let help = || format!("`{text}` is not a duration: write `1h`, `90m`, `2d` or `48 hours`");
    let t = text.trim();
    let (number, unit) = match t.split_once(char::is_whitespace) {
        Some((n, u)) => (n, u.trim()),
        None => t.split_at(
            t.find(|c: char| !c.is_ascii_digit() && c != '.')
                .ok_or_else(help)?,
        ),
    };
    let n: f64 = number.parse().map_err(|_| help())?;
    let seconds = match unit {
        "s" | "second" | "seconds" => 1.0,
        "m" | "min" | "minute" | "minutes" => 60.0,
        "h" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        _ => return Err(help()),
    };
    if !(0.0..=1e10).contains(&(n * seconds)) {
        return Err(help());
    }
    Ok(SignedDuration::from_secs((n * seconds) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Ok(SignedDuration::from_hours(1)));
        assert_eq!(parse_duration("90m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_duration("2d"), Ok(SignedDuration::from_hours(48)));
        assert_eq!(
            parse_duration("48 hours"),
            Ok(SignedDuration::from_hours(48))
        );
        assert_eq!(parse_duration("0.5h"), Ok(SignedDuration::from_mins(30)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1h").is_err());
        assert!(parse_duration("5 fortnights").is_err());
    }

    /// Law (common random numbers): replicate `r` draws the same uniforms at every grid
    /// point, so a slower removal delay makes every removal later or never, never earlier.
    #[test]
    fn a_slower_removal_never_removes_a_post_earlier() {
        let model = |median: &str| {
            let mut m = ScenarioModel {
                reports: ReportModel::aws_2021(),
                seed: 1,
                notice_window: SignedDuration::ZERO,
            };
            m.set("removal_probability", "1").unwrap();
            m.set("removal_delay_median", median).unwrap();
            m
        };
        let notice = ReportModel::aws_2021().cutoff;
        for r in 0..50 {
            let seed = crate::sweep::replicate_seed(7, r);
            let (fast, _) = model("1h").draw(seed, notice, &mut Vec::new());
            let (slow, _) = model("24h").draw(seed, notice, &mut Vec::new());
            for (f, s) in fast.iter().zip(&slow) {
                assert_eq!(
                    (f.published, f.reported),
                    (s.published, s.reported),
                    "same reports"
                );
                match (f.removed, s.removed) {
                    (Some(a), Some(b)) => assert!(a <= b),
                    (None, Some(_)) => panic!("replicate {r}: {} removed only when slower", f.id),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn parameters_are_set_by_name() {
        let mut model = ScenarioModel {
            reports: ReportModel::aws_2021(),
            seed: 1,
            notice_window: SignedDuration::ZERO,
        };
        model.set("removal_probability", "1").unwrap();
        model.set("removal_delay_median", "1h").unwrap();
        model.set("notice_window", "4h").unwrap();
        assert_eq!(model.reports.removal_probability, 1.0);
        assert!(
            matches!(model.reports.removal_delay, RemovalDelay::LogNormal { median, .. } if median == SignedDuration::from_hours(1))
        );
        assert!(model.set("removal_probability", "1.5").is_err());
        for (name, value) in [
            ("growth", "NaN"),
            ("growth", "inf"),
            ("growth", "0"),
            ("growth", "-2"),
            ("publish_lag_spread", "-1"),
            ("removal_delay_spread", "NaN"),
            ("count", "4294967296"),
            ("count", "1000001"),
            ("removal_delay_median", "NaN h"),
        ] {
            assert!(model.set(name, value).is_err(), "{name}={value}");
        }
        model.set("count", "1000000").unwrap();
        assert!(model.set("nonsense", "1").is_err());
        for name in PARAMETERS {
            let value = if name.contains("median") || name.contains("window") {
                "2h"
            } else {
                "1"
            };
            model
                .set(name, value)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
