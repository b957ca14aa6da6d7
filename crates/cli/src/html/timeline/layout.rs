//! The layout of one lane of the timeline: its marks' labels in rows (each in the first row
//! where it fits, a count of those that fit in none), and its spans grouped by label on tracks.

use std::fmt::Write as _;

use super::{
    Draw, FONT, LANE_PAD, MARK_ROW, MAX_ROWS, RIGHT, ROW, TITLE_WIDTH, TRACK, WIDTH, kind_class,
    text_width,
};
use crate::timeline::{MarkKind, Span, TimelineMark};

/// An item to label in a lane: a mark, or a count of the marks beyond an edge.
pub(super) struct Labelled {
    pub(super) x: f64,
    pub(super) label: String,
    pub(super) bold: bool,
    pub(super) class: &'static str,
}

/// A lane, laid out.
pub(super) struct LaneLayout<'m> {
    pub(super) index: usize,
    pub(super) mark_y: f64,
    pub(super) height: f64,
    /// Marks in the window, with their x.
    pub(super) marks: Vec<(f64, &'m TimelineMark)>,
    /// Marks before and after the window.
    pub(super) before: Vec<&'m TimelineMark>,
    pub(super) after: Vec<&'m TimelineMark>,
    /// Labels placed: (left, baseline, item).
    pub(super) labels: Vec<(f64, f64, Labelled)>,
    /// Labels that fit in no row.
    pub(super) hidden: usize,
    /// Spans by track: (track, label, label's x, parts).
    pub(super) tracks: Vec<TrackItem<'m>>,
}

/// The stretches of one span label on one track.
pub(super) struct TrackItem<'m> {
    pub(super) track: usize,
    pub(super) label: String,
    pub(super) label_x: f64,
    pub(super) parts: Vec<(f64, f64, &'m Span)>,
    /// Runs on before the window.
    pub(super) cut_left: bool,
    /// Runs on after it.
    pub(super) cut_right: bool,
}

impl<'m> Draw<'m> {
    /// Lays out lane `index`: its labels in rows, its spans on tracks.
    pub(super) fn lane(&self, index: usize) -> LaneLayout<'m> {
        let (mut marks, mut before, mut after) = (Vec::new(), Vec::new(), Vec::new());
        for m in self.model.marks.iter().filter(|m| m.lane == index) {
            if m.at < self.win.start {
                before.push(m);
            } else if m.at > self.win.end {
                after.push(m);
            } else {
                marks.push((self.x(m.at), m));
            }
        }
        let (placed, rows, hidden) = place_labels(label_items(&marks, before.len(), after.len()));
        let (groups, tracks) = self.span_tracks(index);
        let (rows, tracks) = (rows as f64, tracks as f64);
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

    /// Lane `index`'s spans in the window, grouped by label, each group on the first track
    /// where its bars and label fit; with how many tracks that takes.
    pub(super) fn span_tracks(&self, index: usize) -> (Vec<TrackItem<'m>>, usize) {
        let model = self.model;
        let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
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
        let tracks = tracks_end.len();
        (groups, tracks)
    }

    /// A span's label with where it starts or ends, when that is beyond the window.
    pub(super) fn span_label(
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
}

/// What lane labels there are: each mark's in the window, and a count at each edge of the
/// marks before and after it; left to right.
pub(super) fn label_items(
    marks: &[(f64, &TimelineMark)],
    before: usize,
    after: usize,
) -> Vec<Labelled> {
    let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
    let mut items: Vec<Labelled> = marks
        .iter()
        .map(|(x, m)| Labelled {
            x: *x,
            label: m.label.clone(),
            bold: matches!(m.kind, MarkKind::Permitted | MarkKind::NotPermitted),
            class: kind_class(m.kind),
        })
        .collect();
    if before > 0 {
        items.push(Labelled {
            x: x0,
            label: format!("◀ {} earlier", before),
            bold: false,
            class: "edge",
        });
    }
    if after > 0 {
        items.push(Labelled {
            x: x1,
            label: format!("{} later ▶", after),
            bold: false,
            class: "edge",
        });
    }
    items.sort_by(|a, b| a.x.total_cmp(&b.x));
    items
}

/// Places each label in the first row where it fits (at most [`MAX_ROWS`]): the labels placed
/// as (left, row, label), how many rows, and how many fit in none.
pub(super) fn place_labels(items: Vec<Labelled>) -> (Vec<(f64, usize, Labelled)>, usize, usize) {
    let (x0, x1) = (TITLE_WIDTH, WIDTH - RIGHT);
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
    (placed, rows_end.len(), hidden)
}
