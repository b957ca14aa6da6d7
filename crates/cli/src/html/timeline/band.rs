//! The band of reports per day under the lanes, the time axis with its gridlines, and the
//! overview strip of the whole timeline.

use std::fmt::Write as _;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::{BAND, DAY_MS, Draw, FONT, OVERVIEW, RIGHT, TITLE_WIDTH, WIDTH, esc, kind_class};
use crate::timeline::{DayReports, Window};

impl Draw<'_> {
    /// Reports per day in the window, with a scale.
    pub(super) fn band(&mut self, top: f64) {
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        let base = top + BAND - 6.0;
        let visible: Vec<_> = self
            .model
            .reports
            .iter()
            .filter(|d| d.day + DAY_MS > self.win.start && d.day < self.win.end)
            .collect();
        self.band_title(top);
        let max = visible.iter().map(|d| d.count).max().unwrap_or(0);
        let _ = writeln!(
            self.out,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{base:.1}\" y2=\"{base:.1}\" class=\"axis\"/>"
        );
        if max == 0 {
            let total: u32 = self.model.reports.iter().map(|d| d.count).sum();
            let note = if total == 0 {
                "no reports".to_owned()
            } else {
                format!("none in this window; {total} in all: see the whole timeline below")
            };
            self.text(x0 + 6.0, base - 8.0, &note, "lane-more", "start", 10.0);
            return;
        }
        let scale = (BAND - 20.0) / f64::from(max);
        self.text(x0 - 6.0, base + 3.0, "0", "tick", "end", 10.0);
        let top_y = base - f64::from(max) * scale;
        self.text(x0 - 6.0, top_y + 4.0, &max.to_string(), "tick", "end", 10.0);
        let _ = writeln!(
            self.out,
            "<line x1=\"{:.1}\" x2=\"{x0}\" y1=\"{top_y:.1}\" y2=\"{top_y:.1}\" class=\"axis\"/>",
            x0 - 4.0
        );
        self.band_days(&visible, base, scale);
    }

    /// The band's background and title, marked when the reports are reconstructed.
    pub(super) fn band_title(&mut self, top: f64) {
        let _ = writeln!(
            self.out,
            "<rect x=\"0\" y=\"{top:.1}\" width=\"{WIDTH}\" height=\"{BAND}\" class=\"band-bg\"/>"
        );
        self.text(
            8.0,
            top + 16.0,
            "reports per day",
            "lane-title bold",
            "start",
            FONT,
        );
        if self.model.reports_reconstructed {
            self.text(
                8.0,
                top + 30.0,
                "(reconstructed)",
                "lane-more",
                "start",
                10.0,
            );
        }
    }

    /// One bar per day with reports, `scale` pixels per report, on the axis at `base`.
    pub(super) fn band_days(&mut self, visible: &[&DayReports], base: f64, scale: f64) {
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        for d in visible.iter().copied() {
            let a = self.x(d.day).max(x0);
            let b = self.x(d.day + DAY_MS).min(x1);
            let h = f64::from(d.count) * scale;
            let _ = writeln!(
                self.out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"day{}\"><title>{}: {} post{} reported{}</title></rect>",
                a + 0.5,
                base - h,
                (b - a - 1.0).max(1.0),
                if self.model.reports_reconstructed {
                    " reconstructed"
                } else {
                    ""
                },
                d.date,
                d.count,
                if d.count == 1 { "" } else { "s" },
                if self.model.reports_reconstructed {
                    " (reconstructed)"
                } else {
                    ""
                }
            );
        }
    }

    /// The time axis under the band, with gridlines up through the lanes.
    pub(super) fn axis(&mut self, lanes_top: f64, axis_y: f64) {
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        let mut grid = String::new();
        for (t, label) in ticks(self.win, x1 - x0, self.zone) {
            let x = self.x(t);
            let _ = writeln!(
                grid,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{lanes_top:.1}\" y2=\"{axis_y:.1}\" class=\"gridline\"/>"
            );
            self.text(x, axis_y + 14.0, &label, "tick", "middle", 10.0);
        }
        // Gridlines under everything else.
        self.out.insert_str(0, &grid);
        let _ = writeln!(
            self.out,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{axis_y:.1}\" y2=\"{axis_y:.1}\" class=\"axis\"/>"
        );
        let zone = format!("times in {}", self.model.zone);
        self.text(x1, axis_y + 28.0, &zone, "tick", "end", 10.0);
        let window = format!(
            "drawn: {} to {}",
            self.local(self.win.start, "%-d %b %Y %H:%M"),
            self.local(self.win.end, "%-d %b %Y %H:%M")
        );
        self.text(x0, axis_y + 28.0, &window, "tick", "start", 10.0);
        self.y = axis_y + 28.0;
    }

    /// The whole timeline in one strip: reports per day, every mark as a tick, and the window
    /// drawn above shaded.
    pub(super) fn overview(&mut self, top: f64) {
        let ext = self.model.extent;
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        let x = |t: i64| x_in(ext, t, x0, x1);
        let base = top + OVERVIEW - 10.0;
        self.text(
            8.0,
            top + 14.0,
            "whole timeline",
            "lane-title bold",
            "start",
            FONT,
        );
        self.text(
            8.0,
            top + 27.0,
            "shaded: the window above",
            "lane-more",
            "start",
            10.0,
        );
        let (a, b) = (x(self.win.start).max(x0), x(self.win.end).min(x1));
        let _ = writeln!(
            self.out,
            "<rect x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"focus\"><title>the window drawn above</title></rect>",
            (b - a).max(2.0),
            OVERVIEW - 10.0
        );
        let max = self
            .model
            .reports
            .iter()
            .map(|d| d.count)
            .max()
            .unwrap_or(0);
        if max > 0 {
            let scale = (OVERVIEW - 18.0) / f64::from(max);
            for d in &self.model.reports {
                let (a, b) = (x(d.day), x(d.day + DAY_MS));
                let h = f64::from(d.count) * scale;
                let _ = writeln!(
                    self.out,
                    "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"day\"><title>{}: {} reported</title></rect>",
                    base - h,
                    (b - a - 0.3).max(0.8),
                    d.date,
                    d.count
                );
            }
        }
        for m in &self.model.marks {
            let mx = x(m.at);
            let _ = writeln!(
                self.out,
                "<line x1=\"{mx:.1}\" x2=\"{mx:.1}\" y1=\"{:.1}\" y2=\"{base:.1}\" class=\"tickmark {}\"><title>{}</title></line>",
                base - 6.0,
                kind_class(m.kind),
                esc(&m.tooltip)
            );
        }
        let _ = writeln!(
            self.out,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{base:.1}\" y2=\"{base:.1}\" class=\"axis\"/>"
        );
        for (t, label) in ticks(ext, x1 - x0, self.zone) {
            self.text(x(t), base + 13.0, &label, "tick", "middle", 10.0);
        }
        self.y = base + 16.0;
    }
}

/// The x of instant `t` in `win`, drawn between `x0` and `x1`.
pub(super) fn x_in(win: Window, t: i64, x0: f64, x1: f64) -> f64 {
    let span = (win.end - win.start).max(1) as f64;
    x0 + (t - win.start) as f64 / span * (x1 - x0)
}

/// Ticks for `win` over `width` pixels, at most one per 100 pixels: hours, days (at local
/// midnight), weeks or months, labelled in `zone`.
pub(super) fn ticks(win: Window, width: f64, zone: &TimeZone) -> Vec<(i64, String)> {
    let want = (width / 100.0).max(2.0);
    let hours = (win.end - win.start) as f64 / 3_600_000.0;
    let Ok(start) = Timestamp::from_millisecond(win.start) else {
        return Vec::new();
    };
    let day = start.to_zoned(zone.clone()).date();
    let mut out = Vec::new();
    let mut push = |t: Timestamp, label: String| {
        let ms = t.as_millisecond();
        if (win.start..=win.end).contains(&ms) {
            out.push((ms, label));
        }
    };
    if let Some(step) = [1i32, 2, 3, 6, 12]
        .into_iter()
        .find(|s| hours / f64::from(*s) <= want)
        .map(i64::from)
    {
        let Ok(midnight) = day.to_zoned(zone.clone()) else {
            return Vec::new();
        };
        for i in 0..=(hours as i64 / step + 48 / step) {
            let Ok(t) = midnight.checked_add((i * step).hours()) else {
                break;
            };
            let label = if t.hour() == 0 {
                t.strftime("%a %-d %b").to_string()
            } else {
                t.strftime("%H:%M").to_string()
            };
            push(t.timestamp(), label);
        }
        return out;
    }
    let days = hours / 24.0;
    if let Some(step) = [1i32, 2, 7, 14]
        .into_iter()
        .find(|s| days / f64::from(*s) <= want)
        .map(i64::from)
    {
        for i in 0..=(days as i64 / step + 2) {
            let Ok(t) = day
                .checked_add((i * step).days())
                .and_then(|d| d.to_zoned(zone.clone()))
            else {
                break;
            };
            push(t.timestamp(), t.strftime("%a %-d %b").to_string());
        }
        return out;
    }
    let months = days / 30.0;
    let step = [1i32, 2, 3, 6, 12]
        .into_iter()
        .find(|s| months / f64::from(*s) <= want)
        .map_or(12, i64::from);
    let first = day.first_of_month();
    for i in 0..=(months as i64 / step + 2) {
        let Ok(t) = first
            .checked_add((i * step).months())
            .and_then(|d| d.to_zoned(zone.clone()))
        else {
            break;
        };
        let label = if t.month() == 1 || i == 0 {
            t.strftime("%b %Y").to_string()
        } else {
            t.strftime("%b").to_string()
        };
        push(t.timestamp(), label);
    }
    out
}
