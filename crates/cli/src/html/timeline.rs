//! The HTML report's timeline: the run's [`Timeline`] (the model `modsim serve` draws
//! interactively in `assets/timeline.js`) drawn once, as static SVG, for a page with no script.
//!
//! What it draws: a legend; a lane per party, its marks on one line with their labels in rows
//! above it (each label in the first row where it fits, so none overlaps another), and its
//! spans (duties in breach, notice and cure periods) on tracks below, each labelled above its
//! own bar; reports per day with a scale; a time axis in the scenario's zone; and under it the
//! whole timeline in one strip, with the window drawn above shaded. The window is the model's
//! `focus`, where the events are: a span that runs on past it is drawn to its edge, marked
//! with an arrow and labelled with where it starts or ends, and the marks outside it are
//! counted at the lane's edge. Every mark, bar and count has an SVG `<title>` (its tooltip);
//! reconstructed instants are drawn hollow and dashed.
//!
//! Text is measured with a width table for the page's sans-serif font ([`text_width`]), a
//! little wider than drawn, so that "fits" errs on the side of a new row.

use std::fmt::Write as _;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::timeline::{MarkKind, Span, SpanKind, Timeline, TimelineMark, Window};

/// The drawing's width, in pixels (the page scales it to the window).
const WIDTH: f64 = 1120.0;
/// The column of lane titles.
const TITLE_WIDTH: f64 = 196.0;
/// The margin right of the plot.
const RIGHT: f64 = 18.0;
/// Height of a row of labels.
const ROW: f64 = 15.0;
/// The most label rows a lane has; a label that fits in none is counted, not drawn.
const MAX_ROWS: usize = 6;
/// Height of the line the marks sit on.
const MARK_ROW: f64 = 24.0;
/// Height of a span's track: its label, then its bar.
const TRACK: f64 = 22.0;
/// Padding above and below a lane's contents.
const LANE_PAD: f64 = 6.0;
/// Height of the reports-per-day band.
const BAND: f64 = 64.0;
/// Height of the strip of the whole timeline.
const OVERVIEW: f64 = 44.0;
/// Font size of labels, in pixels.
const FONT: f64 = 11.0;
/// One day, in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// A box of text as drawn: for the test that no two overlap.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBox {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The text.
    pub text: String,
}

#[cfg_attr(
    not(test),
    expect(dead_code, reason = "the tests check that no two texts overlap")
)]
impl TextBox {
    /// Whether two boxes overlap (touching is not overlapping).
    pub fn overlaps(&self, other: &TextBox) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// The drawing: SVG text, and where its texts went.
#[derive(Debug)]
pub struct Drawing {
    /// The `<svg>` element.
    pub svg: String,
    /// Every text drawn, as a box.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the tests check that no two texts overlap")
    )]
    pub texts: Vec<TextBox>,
}

/// The width of `text` in the page's sans-serif at `size` pixels, slightly overestimated.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
            '(' | ')' | '[' | ']' | ' ' | 'f' | 't' | 'r' | '-' => 0.42,
            'm' | 'w' | 'M' | 'W' | '%' => 0.95,
            c if c.is_ascii_uppercase() => 0.75,
            c if c.is_ascii_digit() => 0.65,
            c if c.is_ascii() => 0.62,
            _ => 1.0,
        })
        .sum();
    em * size * if bold { 1.1 } else { 1.0 }
}

/// Draws `model` over its focus window; instants are shown in `zone`.
pub fn draw(model: &Timeline, zone: &TimeZone) -> Drawing {
    let mut d = Draw {
        model,
        zone,
        win: model.focus,
        out: String::new(),
        texts: Vec::new(),
        y: 0.0,
    };
    let mut body = String::new();
    d.legend();
    let lanes_top = d.y;
    let lanes: Vec<LaneLayout<'_>> = (0..model.lanes.len()).map(|i| d.lane(i)).collect();
    for lane in &lanes {
        d.draw_lane(lane);
    }
    let band_top = d.y + 4.0;
    d.band(band_top);
    let axis_y = band_top + BAND;
    d.axis(lanes_top, axis_y);
    d.overview(axis_y + 44.0);
    let height = d.y + 8.0;
    let _ = write!(
        body,
        "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-label=\"timeline of the scenario, a lane per party\">\n{}</svg>",
        d.out
    );
    Drawing {
        svg: body,
        texts: d.texts,
    }
}

/// An item to label in a lane: a mark, or a count of the marks beyond an edge.
struct Labelled {
    x: f64,
    label: String,
    bold: bool,
    class: &'static str,
}

/// A lane, laid out.
struct LaneLayout<'m> {
    index: usize,
    mark_y: f64,
    height: f64,
    /// Marks in the window, with their x.
    marks: Vec<(f64, &'m TimelineMark)>,
    /// Marks before and after the window.
    before: Vec<&'m TimelineMark>,
    after: Vec<&'m TimelineMark>,
    /// Labels placed: (left, baseline, item).
    labels: Vec<(f64, f64, Labelled)>,
    /// Labels that fit in no row.
    hidden: usize,
    /// Spans by track: (track, label, label's x, parts).
    tracks: Vec<TrackItem<'m>>,
}

/// The stretches of one span label on one track.
struct TrackItem<'m> {
    track: usize,
    label: String,
    label_x: f64,
    parts: Vec<(f64, f64, &'m Span)>,
    /// Runs on before the window.
    cut_left: bool,
    /// Runs on after it.
    cut_right: bool,
}

struct Draw<'m> {
    model: &'m Timeline,
    zone: &'m TimeZone,
    win: Window,
    out: String,
    texts: Vec<TextBox>,
    /// The top of what is drawn next.
    y: f64,
}

impl<'m> Draw<'m> {
    fn x(&self, t: i64) -> f64 {
        x_in(self.win, t, TITLE_WIDTH, WIDTH - RIGHT)
    }

    /// A text, recorded; `anchor` is `start`, `middle` or `end`.
    fn text(&mut self, x: f64, baseline: f64, text: &str, class: &str, anchor: &str, size: f64) {
        let bold = class.contains("bold") || class.contains("permitted");
        let w = text_width(text, size, bold);
        let left = match anchor {
            "middle" => x - w / 2.0,
            "end" => x - w,
            _ => x,
        };
        self.texts.push(TextBox {
            x: left,
            y: baseline - size,
            w,
            h: size + 3.0,
            text: text.to_owned(),
        });
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{baseline:.1}\" class=\"{class}\" text-anchor=\"{anchor}\">{}</text>",
            esc(text)
        );
    }

    fn local(&self, t: i64, format: &str) -> String {
        Timestamp::from_millisecond(t)
            .map(|t| t.to_zoned(self.zone.clone()).strftime(format).to_string())
            .unwrap_or_default()
    }

    /// The legend, in a row (or two) across the top.
    fn legend(&mut self) {
        const ITEMS: [(&str, &str); 9] = [
            ("permitted", "action permitted"),
            ("not_permitted", "action not permitted"),
            ("notice", "notice"),
            ("delivery", "delivery"),
            ("fact", "fact"),
            ("opens", "a power opens"),
            ("breached", "duty in breach"),
            ("period", "notice or cure period"),
            ("reconstructed", "reconstructed instant (hollow, dashed)"),
        ];
        let mut x = 8.0;
        let mut y = 16.0;
        for (kind, text) in ITEMS {
            let w = 22.0 + text_width(text, FONT, false) + 16.0;
            if x + w > WIDTH - RIGHT {
                x = 8.0;
                y += 20.0;
            }
            let symbol = match kind {
                "breached" | "period" => format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"16\" height=\"7\" class=\"span {kind}\"/>",
                    x,
                    y - 7.0
                ),
                "reconstructed" => mark_shape(MarkKind::Permitted, x + 8.0, y - 4.0),
                _ => mark_shape(mark_kind(kind), x + 8.0, y - 4.0),
            };
            let class = if kind == "reconstructed" {
                "mark permitted reconstructed".to_owned()
            } else {
                format!("mark {kind}")
            };
            let _ = writeln!(
                self.out,
                "<g class=\"{class}\"><title>legend: {text}</title>{symbol}</g>"
            );
            self.text(x + 22.0, y, text, "legend", "start", FONT);
            x += w;
        }
        self.y = y + 12.0;
    }

    /// Lays out lane `index`: its labels in rows, its spans on tracks.
    fn lane(&self, index: usize) -> LaneLayout<'m> {
        let model = self.model;
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        let mut marks = Vec::new();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for m in model.marks.iter().filter(|m| m.lane == index) {
            if m.at < self.win.start {
                before.push(m);
            } else if m.at > self.win.end {
                after.push(m);
            } else {
                marks.push((self.x(m.at), m));
            }
        }
        // Labels: the marks', and a count at each edge; left to right, each in the first row
        // where it fits.
        let mut items: Vec<Labelled> = marks
            .iter()
            .map(|(x, m)| Labelled {
                x: *x,
                label: m.label.clone(),
                bold: matches!(m.kind, MarkKind::Permitted | MarkKind::NotPermitted),
                class: kind_class(m.kind),
            })
            .collect();
        if !before.is_empty() {
            items.push(Labelled {
                x: x0,
                label: format!("◀ {} earlier", before.len()),
                bold: false,
                class: "edge",
            });
        }
        if !after.is_empty() {
            items.push(Labelled {
                x: x1,
                label: format!("{} later ▶", after.len()),
                bold: false,
                class: "edge",
            });
        }
        items.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut rows_end: Vec<f64> = Vec::new();
        let mut placed = Vec::new();
        let mut hidden = 0;
        for item in items {
            let w = text_width(&item.label, FONT, item.bold) + 6.0;
            let left = (item.x - w / 2.0).clamp(x0, x1 - w);
            let row = match rows_end.iter().position(|end| end + 4.0 <= left) {
                Some(row) => row,
                None if rows_end.len() < MAX_ROWS => {
                    rows_end.push(f64::NEG_INFINITY);
                    rows_end.len() - 1
                }
                None => {
                    hidden += 1;
                    continue;
                }
            };
            if let Some(end) = rows_end.get_mut(row) {
                *end = left + w;
            }
            placed.push((left, row, item));
        }
        // Spans: grouped by label, each group on the first track where its bars and label fit.
        let mut groups: Vec<TrackItem<'m>> = Vec::new();
        for s in model.spans.iter().filter(|s| s.lane == index) {
            if s.to < self.win.start || s.from > self.win.end {
                continue;
            }
            let (a, b) = (self.x(s.from).max(x0), self.x(s.to).min(x1));
            let part = (a, b.max(a + 2.0), s);
            match groups.iter_mut().find(|g| {
                g.parts
                    .first()
                    .is_some_and(|p| p.2.label == s.label && p.2.kind == s.kind)
            }) {
                Some(g) => g.parts.push(part),
                None => groups.push(TrackItem {
                    track: 0,
                    label: String::new(),
                    label_x: a,
                    parts: vec![part],
                    cut_left: false,
                    cut_right: false,
                }),
            }
        }
        let mut tracks_end: Vec<f64> = Vec::new();
        for g in &mut groups {
            g.parts.sort_by(|p, q| p.0.total_cmp(&q.0));
            let first = g.parts.first().map(|p| p.2);
            let last = g.parts.last().map(|p| p.2);
            g.cut_left = first.is_some_and(|s| s.from < self.win.start);
            g.cut_right = last.is_some_and(|s| s.to > self.win.end || s.open_ended);
            g.label = self.span_label(first, last, g.cut_left, g.cut_right);
            let start = g.parts.first().map_or(x0, |p| p.0);
            let end = g.parts.iter().map(|p| p.1).fold(start, f64::max);
            let w = text_width(&g.label, FONT, false) + 14.0;
            g.label_x = start.min(x1 - w).max(x0);
            let extent = (start.min(g.label_x), end.max(g.label_x + w));
            g.track = match tracks_end.iter().position(|e| e + 6.0 <= extent.0) {
                Some(t) => t,
                None => {
                    tracks_end.push(f64::NEG_INFINITY);
                    tracks_end.len() - 1
                }
            };
            if let Some(e) = tracks_end.get_mut(g.track) {
                *e = extent.1;
            }
        }
        let rows = rows_end.len() as f64;
        let tracks = tracks_end.len() as f64;
        let mark_y = LANE_PAD + rows * ROW + MARK_ROW / 2.0 + 4.0;
        let labels = placed
            .into_iter()
            .map(|(left, row, item)| (left, mark_y - MARK_ROW / 2.0 - 2.0 - row as f64 * ROW, item))
            .collect();
        LaneLayout {
            index,
            mark_y,
            height: LANE_PAD * 2.0 + rows * ROW + MARK_ROW + tracks * TRACK + 4.0,
            marks,
            before,
            after,
            labels,
            hidden,
            tracks: groups,
        }
    }

    /// A span's label with where it starts or ends, when that is beyond the window.
    fn span_label(
        &self,
        first: Option<&Span>,
        last: Option<&Span>,
        cut_left: bool,
        cut_right: bool,
    ) -> String {
        let Some(first) = first else {
            return String::new();
        };
        let mut label = first.label.clone();
        if cut_left {
            let _ = write!(label, ", since {}", self.local(first.from, "%-d %b %Y"));
        }
        if cut_right && let Some(last) = last {
            if last.open_ended {
                label.push_str(", to the end");
            } else {
                let _ = write!(label, ", until {}", self.local(last.to, "%-d %b %Y %H:%M"));
            }
        }
        label
    }

    fn draw_lane(&mut self, lane: &LaneLayout<'m>) {
        let top = self.y;
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        let mark_y = top + lane.mark_y;
        let Some(party) = self.model.lanes.get(lane.index) else {
            return;
        };
        let _ = writeln!(
            self.out,
            "<g class=\"lane\" data-party=\"{}\"><rect x=\"0\" y=\"{top:.1}\" width=\"{WIDTH}\" height=\"{:.1}\" class=\"lane-bg{}\"/>",
            esc(&party.party),
            lane.height,
            if lane.index % 2 == 1 { " odd" } else { "" }
        );
        // The lane's title: the party's name, cut to the column, in full on hover.
        let name = fit(&party.name, TITLE_WIDTH - 14.0, true);
        let _ = writeln!(
            self.out,
            "<title>{} ({})</title>",
            esc(&party.name),
            esc(&party.party)
        );
        self.text(8.0, mark_y + 4.0, &name, "lane-title bold", "start", FONT);
        if lane.hidden > 0 {
            let more = format!(
                "{} label{} not drawn",
                lane.hidden,
                if lane.hidden == 1 { "" } else { "s" }
            );
            self.text(8.0, mark_y + 17.0, &more, "lane-more", "start", 10.0);
        }
        let _ = writeln!(
            self.out,
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{mark_y:.1}\" y2=\"{mark_y:.1}\" class=\"lane-line\"/>"
        );
        self.tracks(lane, top);
        for (left, baseline, item) in &lane.labels {
            let baseline = top + baseline;
            let lx = item
                .x
                .clamp(*left, left + text_width(&item.label, FONT, item.bold) + 6.0);
            let _ = writeln!(
                self.out,
                "<line x1=\"{lx:.1}\" x2=\"{lx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"leader\"/>",
                baseline + 3.0,
                mark_y - 8.0
            );
        }
        for (left, baseline, item) in &lane.labels {
            let class = format!(
                "label {}{}",
                item.class,
                if item.bold { " bold" } else { "" }
            );
            self.text(
                left + 3.0,
                top + baseline,
                &item.label,
                &class,
                "start",
                FONT,
            );
        }
        for (x, m) in &lane.marks {
            let _ = writeln!(
                self.out,
                "<g class=\"mark {}{}\"><title>{}</title>{}</g>",
                kind_class(m.kind),
                if m.reconstructed {
                    " reconstructed"
                } else {
                    ""
                },
                esc(&m.tooltip),
                mark_shape(m.kind, *x, mark_y)
            );
        }
        for (side, marks, x) in [
            ("before", &lane.before, x0 + 5.0),
            ("after", &lane.after, x1 - 5.0),
        ] {
            if marks.is_empty() {
                continue;
            }
            let list: Vec<String> = marks
                .iter()
                .map(|m| format!("{}: {}", m.at_local, m.label))
                .collect();
            let arrow = if side == "before" {
                format!("M{x:.1},{mark_y:.1} l7,-6 v12 z")
            } else {
                format!("M{x:.1},{mark_y:.1} l-7,-6 v12 z")
            };
            let _ = writeln!(
                self.out,
                "<g class=\"edge\"><title>{} {side} the window drawn:&#10;{}</title><path d=\"{arrow}\"/></g>",
                marks.len(),
                esc(&list.join("\n"))
            );
        }
        let _ = writeln!(self.out, "</g>");
        self.y = top + lane.height;
    }

    /// A lane's spans: on each track, the label, then the bars beneath it.
    fn tracks(&mut self, lane: &LaneLayout<'m>, top: f64) {
        let first_track = top + lane.mark_y + MARK_ROW / 2.0 + 2.0;
        for g in &lane.tracks {
            let y = first_track + g.track as f64 * TRACK;
            let bar_y = y + 13.0;
            for (a, b, s) in &g.parts {
                let _ = writeln!(
                    self.out,
                    "<rect x=\"{a:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"7\" class=\"span {}{}\"><title>{}</title></rect>",
                    b - a,
                    span_class(s.kind),
                    if s.reconstructed {
                        " reconstructed"
                    } else {
                        ""
                    },
                    esc(&s.tooltip)
                );
            }
            let (start, end) = (
                g.parts.first().map_or(TITLE_WIDTH, |p| p.0),
                g.parts.last().map_or(TITLE_WIDTH, |p| p.1),
            );
            if g.cut_left {
                let _ = writeln!(
                    self.out,
                    "<path d=\"M{:.1},{:.1} l-6,3.5 l6,3.5 z\" class=\"cut\"/>",
                    start + 6.0,
                    bar_y
                );
            }
            if g.cut_right {
                let _ = writeln!(
                    self.out,
                    "<path d=\"M{:.1},{:.1} l6,3.5 l-6,3.5 z\" class=\"cut\"/>",
                    end - 6.0,
                    bar_y
                );
            }
            let label = g.label.clone();
            let class = format!(
                "span-label {}",
                span_class(g.parts.first().map_or(SpanKind::Breached, |p| p.2.kind))
            );
            self.text(g.label_x + 2.0, y + 10.0, &label, &class, "start", FONT);
        }
    }

    /// Reports per day in the window, with a scale.
    fn band(&mut self, top: f64) {
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
        let base = top + BAND - 6.0;
        let visible: Vec<_> = self
            .model
            .reports
            .iter()
            .filter(|d| d.day + DAY_MS > self.win.start && d.day < self.win.end)
            .collect();
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
        for d in visible {
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
    fn axis(&mut self, lanes_top: f64, axis_y: f64) {
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
    fn overview(&mut self, top: f64) {
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
fn x_in(win: Window, t: i64, x0: f64, x1: f64) -> f64 {
    let span = (win.end - win.start).max(1) as f64;
    x0 + (t - win.start) as f64 / span * (x1 - x0)
}

/// Ticks for `win` over `width` pixels, at most one per 100 pixels: hours, days (at local
/// midnight), weeks or months, labelled in `zone`.
fn ticks(win: Window, width: f64, zone: &TimeZone) -> Vec<(i64, String)> {
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

/// `text`, cut with an ellipsis to fit `width`.
fn fit(text: &str, width: f64, bold: bool) -> String {
    if text_width(text, FONT, bold) <= width {
        return text.to_owned();
    }
    let mut cut: String = String::new();
    for c in text.chars() {
        let next = format!("{cut}{c}…");
        if text_width(&next, FONT, bold) > width {
            break;
        }
        cut.push(c);
    }
    format!("{}…", cut.trim_end())
}

fn mark_kind(word: &str) -> MarkKind {
    match word {
        "permitted" => MarkKind::Permitted,
        "not_permitted" => MarkKind::NotPermitted,
        "notice" => MarkKind::Notice,
        "delivery" => MarkKind::Delivery,
        "fact" => MarkKind::Fact,
        _ => MarkKind::Opens,
    }
}

fn kind_class(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Permitted => "permitted",
        MarkKind::NotPermitted => "not_permitted",
        MarkKind::Notice => "notice",
        MarkKind::Delivery => "delivery",
        MarkKind::Fact => "fact",
        MarkKind::Opens => "opens",
    }
}

fn span_class(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Breached => "breached",
        SpanKind::AdvanceNotice | SpanKind::CurePeriod => "period",
    }
}

/// The shape of a mark at `(cx, cy)`, as the browser's timeline draws it.
fn mark_shape(kind: MarkKind, cx: f64, cy: f64) -> String {
    match kind {
        MarkKind::Permitted => format!("<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"6.5\"/>"),
        MarkKind::NotPermitted => format!(
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"7.5\" class=\"ring\"/><path class=\"cross\" d=\"M{:.1},{:.1} l11,11 m0,-11 l-11,11\"/>",
            cx - 5.5,
            cy - 5.5
        ),
        MarkKind::Notice => format!("<path d=\"M{cx:.1},{:.1} l7,12 h-14 z\"/>", cy - 7.0),
        MarkKind::Delivery => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\"/>",
            cx - 5.0,
            cy - 5.0
        ),
        MarkKind::Fact => format!("<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\"/>"),
        MarkKind::Opens => format!("<path d=\"M{cx:.1},{:.1} v-16 l9,4 l-9,4\"/>", cy + 7.0),
    }
}

/// The timeline's styles, for the page's `<style>`.
pub const STYLE: &str = "svg.timeline{width:100%;height:auto;font-family:'DejaVu Sans',Verdana,sans-serif}\
svg.timeline text{font-size:11px;fill:#1d2330}svg.timeline .bold{font-weight:600}\
svg.timeline .tick{font-size:10px;fill:#5d6677}svg.timeline .lane-more{font-size:10px;fill:#5d6677}\
svg.timeline .gridline{stroke:#eceef2}svg.timeline .axis{stroke:#9aa3b2}\
svg.timeline .lane-bg{fill:none}svg.timeline .lane-bg.odd{fill:#e9ecf1;fill-opacity:.45}svg.timeline .band-bg{fill:#e9ecf1;fill-opacity:.25}\
svg.timeline .lane-line{stroke:#c9ced8;stroke-dasharray:2 3}svg.timeline .leader{stroke:#c9ced8}\
svg.timeline text.label,svg.timeline text.span-label{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\
svg.timeline .label.permitted{fill:#1e7a3c}svg.timeline .label.not_permitted{fill:#b3261e}svg.timeline .label.opens{fill:#7b5b00}svg.timeline .label.edge{fill:#5d6677}\
svg.timeline .mark.permitted circle{fill:#1e7a3c}\
svg.timeline .mark.not_permitted .cross{stroke:#b3261e;stroke-width:2.5;fill:none}svg.timeline .mark.not_permitted .ring{fill:#fff;stroke:#b3261e}\
svg.timeline .mark.notice path{fill:#1f5fa8}svg.timeline .mark.delivery rect{fill:#2a7f8f}svg.timeline .mark.fact circle{fill:#6b7280}\
svg.timeline .mark.opens path{fill:#e8c547;stroke:#7b5b00;stroke-width:1.2}\
svg.timeline .mark.reconstructed circle:not(.ring),svg.timeline .mark.reconstructed path:not(.cross),svg.timeline .mark.reconstructed rect{fill:#fff;stroke-width:1.8;stroke-dasharray:2.5 1.5}\
svg.timeline .mark.reconstructed.permitted circle{stroke:#1e7a3c}svg.timeline .mark.reconstructed.notice path{stroke:#1f5fa8}\
svg.timeline .mark.reconstructed.delivery rect{stroke:#2a7f8f}svg.timeline .mark.reconstructed.fact circle{stroke:#6b7280}\
svg.timeline .mark.reconstructed.opens path{stroke:#7b5b00}svg.timeline .mark.reconstructed .ring{stroke-dasharray:2.5 1.5}\
svg.timeline .span.breached{fill:#f3b7b1;stroke:#d0665c}svg.timeline .span.period{fill:#c8dbf3;stroke:#6d97cf}\
svg.timeline .span.reconstructed{stroke-dasharray:3 2}svg.timeline .span-label.breached{fill:#8c2a22}svg.timeline .span-label.period{fill:#1f4f8a}\
svg.timeline .cut{fill:#5d6677}svg.timeline .edge path{fill:#5d6677}\
svg.timeline .day{fill:#8b93a3}svg.timeline .day.reconstructed{fill:#b9a6cc}\
svg.timeline .focus{fill:#dfe8f6;stroke:#6d97cf}svg.timeline .tickmark{stroke:#1d2330;stroke-width:1}";

fn esc(text: &str) -> String {
    super::esc(text)
}

#[cfg(test)]
mod tests;
