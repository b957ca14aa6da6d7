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

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::timeline::{MarkKind, SpanKind, Timeline, Window};

#[cfg(test)]
use band::ticks;
use band::x_in;
use layout::LaneLayout;

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
        self.lane_labels(lane, top, mark_y);
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
        self.lane_edges(lane, mark_y);
        let _ = writeln!(self.out, "</g>");
        self.y = top + lane.height;
    }

    /// A lane's labels, each with a leader line down to its mark.
    fn lane_labels(&mut self, lane: &LaneLayout<'m>, top: f64, mark_y: f64) {
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
    }

    /// The arrows at a lane's edges that count (and on hover list) the marks before and after
    /// the window drawn.
    fn lane_edges(&mut self, lane: &LaneLayout<'m>, mark_y: f64) {
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
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

mod band;
mod layout;

#[cfg(test)]
mod tests;
