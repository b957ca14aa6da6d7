//! The timeline of a run, as data for a drawing: one lane per party, the marks on it (actions
//! with their verdicts, notices, deliveries, facts, the instants powers open), the spans (duties
//! in breach, the advance-notice and cure periods that run from a notice), reports per day, and
//! two windows: where the events are ([`Timeline::focus`]) and everything ([`Timeline::extent`]).
//!
//! Written from the run's report alone, like every renderer. Each mark and span carries its
//! tooltip (a sentence of [`crate::prose`]), whether its instant is reconstructed, and what it
//! opens (a verdict, an earliest instant, a duty or an event), so a drawing can link a mark to
//! its explanation. The geometry (where in pixels, which label row) is the drawing's: the
//! browser's (`assets/timeline.js`, which zooms and pans) places labels for the window shown.

use jiff::Timestamp;
use modsim_policy::Mark;
use modsim_sim::DutyStatus;
use modsim_sim::explanation::{Basis, NoticePeriodKind};
use modsim_sim::report::{EventKind, Report};
use serde::Serialize;

use crate::prose::Prose;

/// A run's timeline, ready to draw.
#[derive(Clone, Debug, Serialize)]
pub struct Timeline {
    /// The scenario's zone, in which days and ticks are counted.
    pub zone: String,
    /// Where the events of the timeline are (notices, actions, deliveries, facts), padded.
    pub focus: Window,
    /// Everything drawn: reports, duties, periods and earliest instants too.
    pub extent: Window,
    /// The lanes, top to bottom: one per party that acts, is acted against, holds a power
    /// that opens or owes a duty.
    pub lanes: Vec<Lane>,
    /// The instants.
    pub marks: Vec<TimelineMark>,
    /// The stretches of time.
    pub spans: Vec<Span>,
    /// Reports per day (the day's start), for the band under the lanes.
    pub reports: Vec<DayReports>,
    /// Whether the reports are reconstructed.
    pub reports_reconstructed: bool,
}

/// A stretch of time, in milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Its start.
    pub start: i64,
    /// Its end.
    pub end: i64,
}

/// A lane: a party.
#[derive(Clone, Debug, Serialize)]
pub struct Lane {
    /// The party's id.
    pub party: String,
    /// Its name.
    pub name: String,
}

/// What a mark or span opens when clicked: the explanation it stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Opens {
    /// The verdict on this action event.
    Verdict {
        /// The action's event id.
        event: String,
    },
    /// The earliest instant of a power, by its index in the report's `earliest`.
    Earliest {
        /// Its index.
        index: usize,
    },
    /// A duty's history, by its index in the report's `duties`.
    Duty {
        /// Its index.
        index: usize,
    },
    /// An event of the timeline.
    Event {
        /// Its id.
        id: String,
    },
}

/// What kind of instant a mark is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    /// An action the rules permitted.
    Permitted,
    /// An action they did not.
    NotPermitted,
    /// A notice.
    Notice,
    /// A delivery.
    Delivery,
    /// A fact becoming known.
    Fact,
    /// The first instant a power could be exercised.
    Opens,
}

/// An instant on a lane.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineMark {
    /// Its lane, by index.
    pub lane: usize,
    /// When, in milliseconds since the Unix epoch.
    pub at: i64,
    /// When, for readers.
    pub at_local: String,
    /// What it is.
    pub kind: MarkKind,
    /// A short label.
    pub label: String,
    /// The sentence shown on hover.
    pub tooltip: String,
    /// Whether its instant is reconstructed (drawn differently).
    pub reconstructed: bool,
    /// What a click opens.
    pub opens: Opens,
}

/// What kind of stretch a span is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// A duty in breach.
    Breached,
    /// An advance-notice period running from a notice.
    AdvanceNotice,
    /// A cure period running from a notice.
    CurePeriod,
}

/// A stretch of time on a lane.
#[derive(Clone, Debug, Serialize)]
pub struct Span {
    /// Its lane, by index.
    pub lane: usize,
    /// Its start, in milliseconds since the Unix epoch.
    pub from: i64,
    /// Its end; for a duty still in breach, the end of the timeline.
    pub to: i64,
    /// Whether it runs on past the timeline's last instant.
    pub open_ended: bool,
    /// What it is.
    pub kind: SpanKind,
    /// A short label.
    pub label: String,
    /// The sentence shown on hover.
    pub tooltip: String,
    /// Whether it rests on reconstructed instants.
    pub reconstructed: bool,
    /// What a click opens.
    pub opens: Opens,
}

/// Reports on one day.
#[derive(Clone, Debug, Serialize)]
pub struct DayReports {
    /// The day's start, in milliseconds since the Unix epoch.
    pub day: i64,
    /// The day, for readers.
    pub date: String,
    /// How many posts were reported that day.
    pub count: u32,
}

/// The lane of the events that come from no party (facts becoming known).
const FACTS_LANE: &str = "(facts)";

/// One day, in milliseconds.
const DAY_MS: i64 = 86_400_000;

impl Timeline {
    /// The timeline of `report`; `name` gives a party's name from its id.
    pub fn build(report: &Report, name: &dyn Fn(&str) -> Option<String>) -> Timeline {
        let mut builder = Builder {
            report,
            prose: Prose::new(report),
            name,
            lanes: Vec::new(),
            marks: Vec::new(),
            spans: Vec::new(),
        };
        builder.events();
        builder.earliest();
        builder.duties();
        let zone = &report.zone;
        let reports: Vec<DayReports> = report
            .reports_per_day
            .iter()
            .filter_map(|d| {
                let start = d.date.to_zoned(zone.clone()).ok()?.timestamp();
                Some(DayReports {
                    day: start.as_millisecond(),
                    date: d.date.to_string(),
                    count: d.count,
                })
            })
            .collect();
        let focus_instants: Vec<i64> = builder
            .marks
            .iter()
            .filter(|m| m.kind != MarkKind::Opens)
            .map(|m| m.at)
            .collect();
        let mut all: Vec<i64> = builder.marks.iter().map(|m| m.at).collect();
        all.extend(builder.spans.iter().flat_map(|s| [s.from, s.to]));
        all.extend(reports.iter().flat_map(|d| [d.day, d.day + DAY_MS]));
        let extent = window(&all, 20);
        let focus = if focus_instants.is_empty() {
            extent
        } else {
            window(&focus_instants, 120)
        };
        let end = extent.end;
        for span in &mut builder.spans {
            if span.open_ended {
                span.to = end;
            }
        }
        Timeline {
            zone: report.scenario.zone.clone(),
            focus,
            extent: Window {
                start: extent.start.min(focus.start),
                end: extent.end.max(focus.end),
            },
            lanes: builder.lanes,
            marks: builder.marks,
            spans: builder.spans,
            reports,
            reports_reconstructed: report.provenance.posts_mark == Mark::Reconstructed,
        }
    }
}

/// The window around `instants`, padded by `pad_permille` thousandths of its width on each
/// side, at least a day wide.
fn window(instants: &[i64], pad_permille: i64) -> Window {
    let (Some(&first), Some(&last)) = (instants.iter().min(), instants.iter().max()) else {
        return Window {
            start: 0,
            end: DAY_MS,
        };
    };
    let width = (last - first).max(DAY_MS);
    let margin = width / 1000 * pad_permille;
    let centre = first + (last - first) / 2;
    let half = width / 2 + margin;
    Window {
        start: centre - half,
        end: centre + half,
    }
}

struct Builder<'r> {
    report: &'r Report,
    prose: Prose<'r>,
    name: &'r dyn Fn(&str) -> Option<String>,
    lanes: Vec<Lane>,
    marks: Vec<TimelineMark>,
    spans: Vec<Span>,
}

impl Builder<'_> {
    /// The lane of a party, added on first use.
    fn lane(&mut self, party: &str) -> usize {
        if let Some(i) = self.lanes.iter().position(|l| l.party == party) {
            return i;
        }
        self.lanes.push(Lane {
            party: party.to_owned(),
            name: (self.name)(party).unwrap_or_else(|| {
                if party == FACTS_LANE {
                    "facts of the timeline".to_owned()
                } else {
                    party.to_owned()
                }
            }),
        });
        self.lanes.len() - 1
    }

    fn local(&self, t: Timestamp) -> String {
        self.prose.at(t)
    }

    /// Actions (with their verdicts), notices, deliveries and facts.
    // Long: one arm per kind of event (a closed vocabulary), each its mark's label and tooltip
    fn events(&mut self) {
        let report = self.report;
        for e in &report.events {
            let reconstructed = e.mark == Mark::Reconstructed || e.reconstructed.is_some();
            let party = e.from.as_deref().unwrap_or(FACTS_LANE);
            let lane = self.lane(party);
            let at = e.at.as_millisecond();
            let at_local = self.local(e.at);
            let note = e
                .reconstructed
                .as_deref()
                .map(|r| format!(" (reconstructed: {r})"))
                .unwrap_or_default();
            let to = e.to.as_deref().unwrap_or("");
            let (kind, label, tooltip, opens) = match &e.kind {
                EventKind::Action { action, .. } => {
                    let verdict = report.verdicts.iter().find(|v| v.event == e.id);
                    let permitted = verdict.is_some_and(|v| v.permitted);
                    let judged = match verdict {
                        Some(v) if v.permitted => {
                            format!("PERMITTED on {}", v.grounds.join(", "))
                        }
                        Some(_) => "NOT PERMITTED".to_owned(),
                        None => "not judged".to_owned(),
                    };
                    (
                        if permitted {
                            MarkKind::Permitted
                        } else {
                            MarkKind::NotPermitted
                        },
                        format!("{action} {to} {}", if permitted { "✔" } else { "✘" }),
                        format!(
                            "{party} {action} {to} at {at_local}: {judged}. {}{note}",
                            e.summary
                        ),
                        Opens::Verdict {
                            event: e.id.to_string(),
                        },
                    )
                }
                EventKind::Notice { cites, .. } => (
                    MarkKind::Notice,
                    format!("notice to {to}"),
                    format!(
                        "notice from {party} to {to} at {at_local}{}: {}{note}",
                        if cites.is_empty() {
                            String::new()
                        } else {
                            format!(" citing {}", cites.join(", "))
                        },
                        e.summary
                    ),
                    Opens::Event {
                        id: e.id.to_string(),
                    },
                ),
                EventKind::Delivery { deliverable } => (
                    MarkKind::Delivery,
                    format!("{deliverable} delivered"),
                    format!(
                        "{party} delivers {deliverable} to {to} at {at_local}: {}{note}",
                        e.summary
                    ),
                    Opens::Event {
                        id: e.id.to_string(),
                    },
                ),
                EventKind::Fact { name, value } => (
                    MarkKind::Fact,
                    format!("{name} = {value}"),
                    format!("fact at {at_local}: {name} = {value}: {}{note}", e.summary),
                    Opens::Event {
                        id: e.id.to_string(),
                    },
                ),
                // A dated judgment call, drawn as the facts are (it is no fact of the timeline:
                // the tooltip says so).
                EventKind::Determination { name } => (
                    MarkKind::Fact,
                    format!("{party} determines {name}"),
                    format!(
                        "{party}'s determination at {at_local}, a judgment call: {name}: {}{note}",
                        e.summary
                    ),
                    Opens::Event {
                        id: e.id.to_string(),
                    },
                ),
            };
            self.marks.push(TimelineMark {
                lane,
                at,
                at_local,
                kind,
                label,
                tooltip,
                reconstructed,
                opens,
            });
        }
    }

    /// The instants powers open, and the periods that run from their notices.
    fn earliest(&mut self) {
        let report = self.report;
        for (index, e) in report.earliest.iter().enumerate() {
            let Some(at) = e.at.as_deref().and_then(|t| t.parse::<Timestamp>().ok()) else {
                continue;
            };
            let lane = self.lane(&e.holder);
            let notice_reconstructed = |id: &str| {
                report
                    .event(id)
                    .is_some_and(|n| n.mark == Mark::Reconstructed || n.reconstructed.is_some())
            };
            let (basis_text, reconstructed) = match &e.basis {
                Some(b @ Basis::Notice(n)) => {
                    (self.prose.basis(b, true), notice_reconstructed(&n.notice))
                }
                Some(b) => (self.prose.basis(b, true), false),
                None => (String::new(), false),
            };
            let at_local = self.local(at);
            self.marks.push(TimelineMark {
                lane,
                at: at.as_millisecond(),
                at_local: at_local.clone(),
                kind: MarkKind::Opens,
                label: format!("{} opens", e.power),
                tooltip: format!(
                    "{} {}: {} may {} {} from {at_local}{}",
                    e.power,
                    e.title,
                    e.holder,
                    e.action,
                    e.against,
                    if basis_text.is_empty() {
                        String::new()
                    } else {
                        format!(" ({basis_text})")
                    }
                ),
                reconstructed,
                opens: Opens::Earliest { index },
            });
            if let Some(Basis::Notice(n)) = &e.basis {
                for period in &n.periods {
                    let a = &period.arithmetic;
                    let (kind, what) = match period.what {
                        NoticePeriodKind::AdvanceNotice => {
                            (SpanKind::AdvanceNotice, "advance notice")
                        }
                        NoticePeriodKind::CurePeriod => (SpanKind::CurePeriod, "cure period"),
                    };
                    self.spans.push(Span {
                        lane,
                        from: a.start.as_millisecond(),
                        to: a.end.as_millisecond(),
                        open_ended: false,
                        kind,
                        label: format!("{}: {what}, {}", e.power, a.period),
                        tooltip: format!("{} {what}: {}", e.power, self.prose.arithmetic(a)),
                        reconstructed,
                        opens: Opens::Earliest { index },
                    });
                }
            }
        }
    }

    /// The stretches in which each duty is in breach.
    fn duties(&mut self) {
        let report = self.report;
        let posts_reconstructed = report.provenance.posts_mark == Mark::Reconstructed;
        for (index, d) in report.duties.iter().enumerate() {
            let mut open: Option<(Timestamp, bool)> = None;
            let mut stretches: Vec<(Timestamp, Option<Timestamp>, bool)> = Vec::new();
            for change in &d.history {
                let Ok(at) = change.at.parse::<Timestamp>() else {
                    continue;
                };
                let from_post = change.post.is_some();
                match (change.state, open) {
                    (DutyStatus::Breached, None) => {
                        open = Some((at, from_post && posts_reconstructed));
                    }
                    (DutyStatus::Breached, Some(_)) => {}
                    (_, Some((start, r))) => {
                        stretches.push((start, Some(at), r));
                        open = None;
                    }
                    (_, None) => {}
                }
            }
            if let Some((start, r)) = open {
                stretches.push((start, None, r));
            }
            if stretches.is_empty() {
                continue;
            }
            let lane = self.lane(&d.holder);
            for (from, to, reconstructed) in stretches {
                let until = to.map_or_else(
                    || "to the end of the timeline".to_owned(),
                    |t| format!("until {}", self.local(t)),
                );
                self.spans.push(Span {
                    lane,
                    from: from.as_millisecond(),
                    to: to.map_or(from.as_millisecond(), Timestamp::as_millisecond),
                    open_ended: to.is_none(),
                    kind: SpanKind::Breached,
                    label: format!("{} breached", d.duty),
                    tooltip: format!(
                        "{} {} ({} owes it): breached from {} {until}",
                        d.duty,
                        d.title,
                        d.holder,
                        self.local(from)
                    ),
                    reconstructed,
                    opens: Opens::Duty { index },
                });
            }
        }
    }
}
