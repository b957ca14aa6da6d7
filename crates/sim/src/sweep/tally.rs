//! A tally's checks (a shard's counts against its slice), the merging of shards, and the statistics every output shows: rows, CSV, Wilson intervals.

use super::*;

impl Tally {
    /// Checks a tally read from a file before it is trusted: its schema and zone, its shard's
    /// place, its grid (the points of its axes, in order, within [`MAX_POINTS`]), and counts
    /// that fit it (each point ran its slice of the replicates; no count exceeds its runs; an
    /// earliest instant per power and run). A tampered or truncated file is refused, saying
    /// what does not fit.
    pub fn validate(&self) -> Result<(), String> {
        if self.schema != SCHEMA {
            return Err(format!("its schema is `{}`, not `{SCHEMA}`", self.schema));
        }
        if jiff::tz::TimeZone::get(&self.zone).is_err() {
            return Err(format!("its zone `{}` is not a known time zone", self.zone));
        }
        if self.replicates == 0 || (self.deterministic && self.replicates != 1) {
            return Err(format!(
                "it claims {} replicates{}",
                self.replicates,
                if self.deterministic {
                    " of a scenario without a model, which runs one"
                } else {
                    ""
                }
            ));
        }
        let (i, n) = self.shard.unwrap_or((1, 1));
        if i == 0 || n == 0 || i > n {
            return Err(format!("its shard `{i}/{n}` is not a slice: 1 ≤ I ≤ N"));
        }
        if self.grounds.len() != self.actions.len() {
            return Err("its grounds do not match its actions".into());
        }
        for (k, axis) in self.axes.iter().enumerate() {
            if axis.values.is_empty() {
                return Err(format!("its axis `{}` has no values", axis.name));
            }
            if self.axes.iter().take(k).any(|a| a.name == axis.name) {
                return Err(format!("its axis `{}` is given twice", axis.name));
            }
        }
        let points = self
            .axes
            .iter()
            .try_fold(1u64, |p, a| p.checked_mul(a.values.len() as u64))
            .filter(|p| *p <= MAX_POINTS)
            .ok_or_else(|| format!("its grid is over the limit of {MAX_POINTS} points"))?;
        if self.points.len() as u64 != points {
            return Err(format!(
                "it has {} points, but its axes make {points}",
                self.points.len()
            ));
        }
        let slice = |k: u32| u64::from(self.replicates) * u64::from(k) / u64::from(n);
        let runs = slice(i) - slice(i - 1);
        for (k, (point, values)) in self.points.iter().zip(grid(&self.axes)).enumerate() {
            self.validate_point(k + 1, point, &values, runs)?;
        }
        Ok(())
    }

    /// Checks the point numbered `at` (from 1), which ran `runs` replicates and stands at
    /// `values` of the grid.
    fn validate_point(
        &self,
        at: usize,
        point: &PointTally,
        values: &[String],
        runs: u64,
    ) -> Result<(), String> {
        if point.values != values {
            return Err(format!(
                "point {at} has the values {:?}, but the grid's point {at} is {values:?}",
                point.values
            ));
        }
        if u64::from(point.n) != runs {
            return Err(format!(
                "point {at} ran {} replicates, but its slice of {} is {runs}",
                point.n, self.replicates
            ));
        }
        let shaped = point.permitted.len() == self.actions.len()
            && point.permitted_on.len() == self.grounds.len()
            && point
                .permitted_on
                .iter()
                .zip(&self.grounds)
                .all(|(counts, grounds)| counts.len() == grounds.len())
            && point.earliest.len() == self.powers.len();
        if !shaped {
            return Err(format!(
                "point {at}'s counts do not match its actions, grounds and powers"
            ));
        }
        if point
            .permitted
            .iter()
            .chain(point.permitted_on.iter().flatten())
            .any(|count| *count > point.n)
        {
            return Err(format!(
                "point {at} counts more permitted replicates than the {} it ran",
                point.n
            ));
        }
        if point.earliest.iter().any(|e| e.len() as u64 != runs) {
            return Err(format!(
                "point {at} does not keep one earliest instant per power and replicate"
            ));
        }
        Ok(())
    }

    /// Puts shards, each named by its file, back together into the tallies of the whole
    /// sweep: every shard of one sweep, once each, each valid ([`Tally::validate`]).
    pub fn merge(shards: Vec<(String, Tally)>) -> Result<Tally, String> {
        for (name, shard) in &shards {
            shard.validate().map_err(|e| {
                format!("`{name}` is not a shard of a sweep as modsim writes it: {e}")
            })?;
        }
        let mut shards = shards;
        shards.sort_by_key(|(_, t)| t.shard.map_or(1, |(i, _)| i));
        let Some((first_name, first)) = shards.first() else {
            return Err("no shard to merge".into());
        };
        for (name, t) in &shards {
            let differs = [
                ("scenario", t.scenario != first.scenario),
                ("grid", t.axes != first.axes),
                ("replicates", t.replicates != first.replicates),
                ("model", t.deterministic != first.deterministic),
                ("seed", t.seed != first.seed),
                (
                    "actions",
                    t.actions != first.actions || t.grounds != first.grounds,
                ),
                ("powers", t.powers != first.powers),
                ("zone", t.zone != first.zone),
            ];
            if let Some((what, _)) = differs.iter().find(|(_, d)| *d) {
                return Err(format!(
                    "`{name}` is of another sweep than `{first_name}`: its {what} differs"
                ));
            }
        }
        let count = first.shard.map_or(1, |(_, n)| n);
        let given: Vec<String> = shards
            .iter()
            .map(|(_, t)| {
                t.shard
                    .map_or_else(|| "whole".into(), |(i, n)| format!("{i}/{n}"))
            })
            .collect();
        let complete = shards.len() as u64 == u64::from(count)
            && shards.iter().enumerate().all(|(k, (_, t))| {
                t.shard.map_or(1, |(i, _)| i) as usize == k + 1
                    && t.shard.map_or(1, |(_, n)| n) == count
            });
        if !complete {
            return Err(format!(
                "expected shards 1 to {count} of {count}, once each; got {}",
                given.join(", ")
            ));
        }
        let mut whole = first.clone();
        whole.shard = None;
        let overflow = || "the shards' counts overflow".to_owned();
        for (_, shard) in shards.iter().skip(1) {
            for (w, s) in whole.points.iter_mut().zip(&shard.points) {
                w.n = w.n.checked_add(s.n).ok_or_else(overflow)?;
                for (a, b) in w.permitted.iter_mut().zip(&s.permitted) {
                    *a = a.checked_add(*b).ok_or_else(overflow)?;
                }
                for (a, b) in w.permitted_on.iter_mut().zip(&s.permitted_on) {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x = x.checked_add(*y).ok_or_else(overflow)?;
                    }
                }
                for (a, b) in w.earliest.iter_mut().zip(&s.earliest) {
                    a.extend(b.iter().copied());
                }
            }
        }
        whole
            .validate()
            .map_err(|e| format!("the merged shards do not make a whole sweep: {e}"))?;
        Ok(whole)
    }

    /// `text` (a row's subject or quantile) with each RFC 3339 instant written as the text
    /// reports write instants, `2021-01-10 23:59 PST` in the scenario's zone: the CSV and JSON
    /// keep RFC 3339 for machines; people read one form everywhere.
    pub fn local(&self, text: &str) -> String {
        let zone = jiff::tz::TimeZone::get(&self.zone).unwrap_or(jiff::tz::TimeZone::UTC);
        text.split(' ')
            .map(|word| match word.parse::<Timestamp>() {
                Ok(at) if word.contains('T') => modsim_policy::show_instant(at, &zone),
                _ => word.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The statistics of every point, as rows: what the text, CSV and JSON outputs show.
    pub fn rows(&self) -> Vec<Row> {
        let zone = jiff::tz::TimeZone::get(&self.zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let show = |secs: Option<i64>| match secs.and_then(|s| Timestamp::from_second(s).ok()) {
            Some(t) => rfc3339(t, &zone),
            None => "never".to_owned(),
        };
        let mut rows = Vec::new();
        for (p, point) in self.points.iter().enumerate() {
            for (a, action) in self.actions.iter().enumerate() {
                let k = point.permitted.get(a).copied().unwrap_or(0);
                rows.push(Row::share(p, point, "permitted", action.clone(), k));
                for (g, ground) in self.grounds.get(a).into_iter().flatten().enumerate() {
                    let k = point
                        .permitted_on
                        .get(a)
                        .and_then(|x| x.get(g))
                        .copied()
                        .unwrap_or(0);
                    rows.push(Row::share(
                        p,
                        point,
                        "permitted_on",
                        format!("{action} on {ground}"),
                        k,
                    ));
                }
            }
            for (w, power) in self.powers.iter().enumerate() {
                let mut values: Vec<Option<i64>> =
                    point.earliest.get(w).cloned().unwrap_or_default();
                // Never sorts last: a quantile that falls among the nevers is never.
                values.sort_by_key(|v| (v.is_none(), *v));
                let q = |f: f64| -> String {
                    if values.is_empty() {
                        return String::new();
                    }
                    let rank = ((f * values.len() as f64).ceil() as usize).clamp(1, values.len());
                    show(values.get(rank - 1).copied().flatten())
                };
                let never = values.iter().filter(|v| v.is_none()).count();
                let (share, low, high) = estimate(never as u32, point.n);
                rows.push(Row {
                    point: p,
                    values: point.values.clone(),
                    n: point.n,
                    kind: "earliest",
                    subject: power.clone(),
                    permitted_share: String::new(),
                    permitted_ci_low: String::new(),
                    permitted_ci_high: String::new(),
                    never_open_share: share,
                    never_open_ci_low: low,
                    never_open_ci_high: high,
                    p10: q(0.1),
                    p50: q(0.5),
                    p90: q(0.9),
                });
            }
        }
        rows
    }

    /// The rows as CSV: `point`, one column per axis, `replicates`, `kind`, `subject`, then
    /// one group of columns per statistic, each filled only on the rows it is of:
    /// `permitted_share` with its 95% Wilson interval (`permitted`, `permitted_on`),
    /// `never_open_share` with its interval and the quantiles of earliest instants
    /// (`earliest`).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["point".to_owned()];
        header.extend(self.axes.iter().map(|a| a.name.clone()));
        header.extend(
            [
                "replicates",
                "kind",
                "subject",
                "permitted_share",
                "permitted_ci_low",
                "permitted_ci_high",
                "never_open_share",
                "never_open_ci_low",
                "never_open_ci_high",
                "p10",
                "p50",
                "p90",
            ]
            .map(str::to_owned),
        );
        w.write_record(&header)?;
        for row in self.rows() {
            let mut record = vec![(row.point + 1).to_string()];
            record.extend(row.values.iter().cloned());
            record.extend([
                row.n.to_string(),
                row.kind.to_owned(),
                row.subject,
                row.permitted_share,
                row.permitted_ci_low,
                row.permitted_ci_high,
                row.never_open_share,
                row.never_open_ci_low,
                row.never_open_ci_high,
                row.p10,
                row.p50,
                row.p90,
            ]);
            w.write_record(&record)?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// One statistic of one grid point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The point's index in the grid.
    pub point: usize,
    /// The axes' values at the point.
    pub values: Vec<String>,
    /// Replicates.
    pub n: u32,
    /// `permitted`, `permitted_on` or `earliest`.
    pub kind: &'static str,
    /// The action, action on a ground, or power.
    pub subject: String,
    /// For `permitted` and `permitted_on`: the share of replicates in which the action was
    /// permitted (on the ground), four decimals; empty for `earliest`.
    pub permitted_share: String,
    /// The 95% Wilson interval of `permitted_share`, low end.
    pub permitted_ci_low: String,
    /// Its high end.
    pub permitted_ci_high: String,
    /// For `earliest`: the share of replicates in which the power never opened, four
    /// decimals; empty otherwise.
    pub never_open_share: String,
    /// The 95% Wilson interval of `never_open_share`, low end.
    pub never_open_ci_low: String,
    /// Its high end.
    pub never_open_ci_high: String,
    /// 10th percentile of the earliest instant.
    pub p10: String,
    /// Median.
    pub p50: String,
    /// 90th percentile.
    pub p90: String,
}

impl Row {
    fn share(p: usize, point: &PointTally, kind: &'static str, subject: String, k: u32) -> Row {
        let (share, low, high) = estimate(k, point.n);
        Row {
            point: p,
            values: point.values.clone(),
            n: point.n,
            kind,
            subject,
            permitted_share: share,
            permitted_ci_low: low,
            permitted_ci_high: high,
            never_open_share: String::new(),
            never_open_ci_low: String::new(),
            never_open_ci_high: String::new(),
            p10: String::new(),
            p50: String::new(),
            p90: String::new(),
        }
    }
}

/// The share `k` of `n` replicates and its 95% Wilson interval, four decimals each (the share
/// empty when there are no replicates).
pub(super) fn estimate(k: u32, n: u32) -> (String, String, String) {
    let (low, high) = wilson(k, n);
    let share = if n == 0 {
        String::new()
    } else {
        format!("{:.4}", f64::from(k) / f64::from(n))
    };
    (share, format!("{low:.4}"), format!("{high:.4}"))
}

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: u32, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let (n, p) = (f64::from(n), f64::from(k) / f64::from(n));
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
