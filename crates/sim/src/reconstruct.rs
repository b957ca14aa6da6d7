//! The seeded generator that reconstructs what the record leaves out: the per-post schedule
//! of the 98 posts AWS reported to Parler between mid-November 2020 and 8 January 2021.
//!
//! The record gives the count (98), the period ("the past several weeks"; the AWS brief:
//! since mid-November), the trend ("steadily increasing"), the categories the press described,
//! and that Parler removed some posts "not always promptly" while "much of the reported
//! content was still up" on 9 January. It gives no post's date, category or removal time.
//! [`ReportModel::aws_2021`] states the assumptions that fill that gap; [`ReportModel::generate`]
//! turns them into posts with a ChaCha8 stream seeded by the caller, so the same seed gives
//! the same posts on every machine (the log-normal draws use `libm`, not the platform's maths).
//!
//! The committed `seeds/parler-aws-2021/posts.csv` is this generator's output, and a test
//! checks it still is.

use jiff::{SignedDuration, Timestamp};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

use crate::timeline::PostId;

/// The seed of the committed reconstruction.
pub const SEED: u64 = 20_210_109;

/// A category of reported post, as the press described them; never the text of a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Category {
    /// Labels the post carries.
    pub labels: &'static str,
    /// A neutral one-line description.
    pub description: &'static str,
    /// Relative weight among the categories.
    pub weight: u32,
}

/// The categories of FACTS.md, with equal weights: the record gives no proportions.
pub const CATEGORIES: &[Category] = &[
    Category {
        labels: "incitement;threat",
        description: "plan to assassinate officials around the inauguration",
        weight: 1,
    },
    Category {
        labels: "incitement",
        description: "call to form armed militias",
        weight: 1,
    },
    Category {
        labels: "threat",
        description: "threat to shoot police officers or officials",
        weight: 1,
    },
    Category {
        labels: "incitement;threat",
        description: "call to hang public officials",
        weight: 1,
    },
    Category {
        labels: "threat;hate",
        description: "threat of violence against Black or Jewish people",
        weight: 1,
    },
    Category {
        labels: "threat",
        description: "threat against named technology executives",
        weight: 1,
    },
];

/// How long Parler took to remove a reported post, when it did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RemovalDelay {
    /// Log-normal with this median and spread (the σ of the log).
    LogNormal {
        /// Half of removals take less.
        median: SignedDuration,
        /// σ of the log of the delay.
        spread: f64,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Shortest.
        min: SignedDuration,
        /// Longest.
        max: SignedDuration,
    },
}

/// The stated assumptions of a reconstruction: the generative model of the reports.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportModel {
    /// How many posts were reported.
    pub count: usize,
    /// First possible report.
    pub first_report: Timestamp,
    /// Last possible report.
    pub last_report: Timestamp,
    /// Ratio of the report rate at the end of the window to that at the start.
    pub growth: f64,
    /// Median time from publication to report.
    pub publish_lag_median: SignedDuration,
    /// σ of the log of that time.
    pub publish_lag_spread: f64,
    /// Probability that a reported post was removed at all before `cutoff`.
    pub removal_probability: f64,
    /// How long removals took.
    pub removal_delay: RemovalDelay,
    /// Removals that would fall at or after this instant did not happen in time: the post is
    /// still up (the AWS notice of 9 January).
    pub cutoff: Timestamp,
}

/// One reconstructed post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostRecord {
    /// `r001` to `r098`, in order of report.
    pub id: PostId,
    /// Published.
    pub published: Timestamp,
    /// Reported by AWS to Parler.
    pub reported: Timestamp,
    /// Removed by Parler, or still up.
    pub removed: Option<Timestamp>,
    /// Labels, `;`-separated.
    pub labels: &'static str,
    /// A neutral description of its category.
    pub description: &'static str,
}

impl ReportModel {
    /// The assumptions behind the committed reconstruction of the AWS reports.
    ///
    /// - 98 reports between Monday 2020-11-16 00:00 PST ("mid-November") and Friday
    ///   2021-01-08 23:59 PST, at a rate rising six-fold over the window ("steadily increasing").
    /// - Each post published a while before its report: log-normal, median 20 hours, σ 0.8.
    /// - Parler removed a reported post before AWS's notice with probability 0.35 ("removed
    ///   some content ... not always promptly"; "much ... still up"), after a log-normal delay of
    ///   median 2 days, σ 1.0. A removal that would fall after the notice did not happen in time.
    /// - The notice: Saturday 2021-01-09 18:00 PST (the record says "evening").
    pub fn aws_2021() -> ReportModel {
        ReportModel {
            count: 98,
            first_report: ts("2020-11-16T08:00:00Z"),
            last_report: ts("2021-01-09T07:59:00Z"),
            growth: 6.0,
            publish_lag_median: SignedDuration::from_hours(20),
            publish_lag_spread: 0.8,
            removal_probability: 0.35,
            removal_delay: RemovalDelay::LogNormal {
                median: SignedDuration::from_hours(48),
                spread: 1.0,
            },
            cutoff: ts("2021-01-10T02:00:00Z"),
        }
    }

    /// Parler's account: the same reports, every one removed within one to six hours.
    pub fn parler_account() -> ReportModel {
        ReportModel {
            removal_probability: 1.0,
            removal_delay: RemovalDelay::Uniform {
                min: SignedDuration::from_hours(1),
                max: SignedDuration::from_hours(6),
            },
            ..ReportModel::aws_2021()
        }
    }

    /// Draws the posts, sorted by report, ids in that order. Times are whole minutes.
    ///
    /// Each post takes its draws from a stream of its own (the seed's stream number `i`), so
    /// changing the removal assumptions leaves every report and publication time in place.
    pub fn generate(&self, seed: u64) -> Vec<PostRecord> {
        let window = self
            .last_report
            .duration_since(self.first_report)
            .as_secs_f64()
            .max(0.0);
        let growth = self.growth.max(1e-9);
        let total_weight: u32 = CATEGORIES.iter().map(|c| c.weight).sum();
        let mut reports: Vec<(Timestamp, u64)> = Vec::with_capacity(self.count);
        let mut arrivals = ChaCha8Rng::seed_from_u64(seed);
        let log_growth = libm::log(growth);
        for i in 0..self.count {
            // Inverse of the CDF of a density rising exponentially by `growth` over the window.
            let u: f64 = arrivals.random();
            let x = if (growth - 1.0).abs() < 1e-9 {
                u
            } else {
                libm::log(1.0 + u * (growth - 1.0)) / log_growth
            };
            reports.push((minute(self.first_report, x * window), i as u64));
        }
        // The stream numbers make every key distinct: an unstable sort gives the one order.
        reports.sort_unstable();
        // Every post's generator is the seed's, on a stream of its own: seeded once, cloned.
        let seeded = ChaCha8Rng::seed_from_u64(seed);
        let publish_lag = Lag::new(self.publish_lag_median, self.publish_lag_spread);
        let removal_lag = match self.removal_delay {
            RemovalDelay::LogNormal { median, spread } => Some(Lag::new(median, spread)),
            RemovalDelay::Uniform { .. } => None,
        };
        reports
            .into_iter()
            .enumerate()
            .map(|(n, (reported, stream))| {
                let mut rng = seeded.clone();
                rng.set_stream(stream + 1);
                let lag = publish_lag.draw(&mut rng);
                let published = minute(reported, -lag.max(60.0));
                let mut pick = rng.random_range(0..total_weight.max(1));
                let category = CATEGORIES
                    .iter()
                    .find(|c| {
                        if pick < c.weight {
                            true
                        } else {
                            pick -= c.weight;
                            false
                        }
                    })
                    .or(CATEGORIES.last());
                let removed_at_all = rng.random::<f64>() < self.removal_probability;
                let delay = match (self.removal_delay, &removal_lag) {
                    (_, Some(lag)) => lag.draw(&mut rng),
                    (RemovalDelay::LogNormal { median, .. }, None) => median.as_secs_f64(),
                    (RemovalDelay::Uniform { min, max }, None) => {
                        let (a, b) = (min.as_secs_f64(), max.as_secs_f64().max(min.as_secs_f64()));
                        a + rng.random::<f64>() * (b - a)
                    }
                };
                let removed = Some(minute(reported, delay.max(60.0)))
                    .filter(|r| removed_at_all && *r < self.cutoff);
                PostRecord {
                    id: report_id(n + 1),
                    published,
                    reported,
                    removed,
                    labels: category.map_or("", |c| c.labels),
                    description: category.map_or("", |c| c.description),
                }
            })
            .collect()
    }
}

/// Writes posts as the CSV the scenario reads, with a header comment saying they are
/// reconstructed and how to regenerate them.
pub fn to_csv(posts: &[PostRecord], header: &str) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "id",
        "published",
        "reported",
        "removed",
        "labels",
        "description",
    ])?;
    for post in posts {
        let removed = post.removed.map(|t| t.to_string()).unwrap_or_default();
        writer.write_record([
            post.id.as_str(),
            &post.published.to_string(),
            &post.reported.to_string(),
            &removed,
            post.labels,
            post.description,
        ])?;
    }
    let body = writer.into_inner().map_err(|e| e.into_error())?;
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&String::from_utf8_lossy(&body));
    Ok(out)
}

/// The header comment of the committed reconstruction for `which` (`aws` or `parler-account`).
pub fn header(which: &str, model: &ReportModel, seed: u64) -> String {
    format!(
        "RECONSTRUCTED DATA: not on the public record. Only the count (98), the period, the trend\n\
         and the categories are on the record; every date, label and removal below was drawn by\n\
         modsim's seeded generator (crates/sim/src/reconstruct.rs) from the assumptions stated\n\
         in seeds/parler-aws-2021/README.md. Regenerate with:\n\
         \x20 modsim reconstruct {which} --seed {seed}\n\
         Assumptions: {} reports from {} to {}, rate rising {}-fold; removal probability {},\n\
         delay {:?}; removals after {} count as still up.\n\
         No post's text is reproduced: ids, times, labels and neutral descriptions only.",
        model.count,
        model.first_report,
        model.last_report,
        model.growth,
        model.removal_probability,
        model.removal_delay,
        model.cutoff,
    )
}

/// A log-normal delay in seconds, by its median and spread (σ): built once per generation.
struct Lag {
    median: f64,
    distribution: Option<LogNormal<f64>>,
}

impl Lag {
    fn new(median: SignedDuration, spread: f64) -> Lag {
        let mu = libm::log(median.as_secs_f64().max(1.0));
        Lag {
            median: median.as_secs_f64(),
            distribution: LogNormal::new(mu, spread.max(0.0)).ok(),
        }
    }

    /// A draw, or the median when the distribution cannot be formed.
    fn draw(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.distribution
            .as_ref()
            .map_or(self.median, |d| d.sample(rng))
    }
}

/// `start` shifted by `seconds`, truncated to the whole minute.
fn minute(start: Timestamp, seconds: f64) -> Timestamp {
    let whole = seconds.clamp(-1e12, 1e12) as i64;
    let shifted = if start.subsec_nanosecond() == 0 {
        // On whole seconds (every instant the models use), in plain integers.
        start
            .as_second()
            .checked_add(whole)
            .and_then(|s| Timestamp::from_second(s).ok())
            .unwrap_or(start)
    } else {
        start
            .checked_add(SignedDuration::from_secs(whole))
            .unwrap_or(start)
    };
    let secs = shifted.as_second();
    Timestamp::from_second(secs - secs.rem_euclid(60)).unwrap_or(shifted)
}

/// `r001`, `r002`, ...: `format!("r{:03}", n)` without the formatting machinery, which cost
/// more than the rest of drawing a post.
fn report_id(n: usize) -> PostId {
    let mut digits = [b'0'; 20];
    let mut rest = n;
    let mut len = 0;
    while rest > 0 || len < 3 {
        if let Some(d) = digits.get_mut(len) {
            *d = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        len += 1;
    }
    let mut id = [b'r'; 21];
    for (slot, &d) in id.iter_mut().skip(1).zip(digits.iter().take(len).rev()) {
        *slot = d;
    }
    // ASCII digits, at most 21 bytes: always valid, always inline.
    PostId::new_inline(std::str::from_utf8(id.get(..=len).unwrap_or_default()).unwrap_or_default())
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    #[test]
    fn report_ids_are_zero_padded_to_three_digits() {
        for n in [0, 1, 9, 10, 98, 99, 100, 999, 1000, 12_345, usize::MAX] {
            assert_eq!(super::report_id(n), format!("r{n:03}"), "{n}");
        }
    }

    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_posts() {
        let model = ReportModel::aws_2021();
        assert_eq!(model.generate(SEED), model.generate(SEED));
        assert_ne!(model.generate(SEED), model.generate(SEED + 1));
    }

    #[test]
    fn the_reconstruction_respects_the_record() {
        let model = ReportModel::aws_2021();
        let posts = model.generate(SEED);
        assert_eq!(posts.len(), 98, "98 examples [R]");
        for post in &posts {
            assert!(post.published < post.reported, "{post:?}");
            assert!(post.reported >= model.first_report && post.reported <= model.last_report);
            assert!(
                post.removed
                    .is_none_or(|r| r > post.reported && r < model.cutoff)
            );
        }
        let still_up = posts.iter().filter(|p| p.removed.is_none()).count();
        assert!(
            still_up > 49,
            "much of the reported content was still up [R]: {still_up}"
        );
        assert!(
            still_up < 98,
            "Parler removed some content when contacted [R]"
        );
        let first_half = posts
            .iter()
            .filter(|p| p.reported < ts("2020-12-13T00:00:00Z"))
            .count();
        assert!(
            first_half < 98 / 2,
            "steadily increasing [R]: {first_half} in the first half"
        );
    }

    #[test]
    fn parlers_account_keeps_the_reports_and_removes_within_hours() {
        let aws = ReportModel::aws_2021().generate(SEED);
        let parler = ReportModel::parler_account().generate(SEED);
        for (a, p) in aws.iter().zip(&parler) {
            assert_eq!(
                (a.published, a.reported, a.labels),
                (p.published, p.reported, p.labels)
            );
            let removed = p.removed.expect("every post removed");
            let delay = removed.duration_since(p.reported);
            assert!(
                delay >= SignedDuration::from_hours(1) && delay <= SignedDuration::from_hours(6)
            );
        }
    }
}
