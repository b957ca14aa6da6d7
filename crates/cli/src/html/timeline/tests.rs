//! Tests of the SVG timeline.

use modsim_sim::{Request, report};

use super::*;
use crate::files::DiskOrSeed;

/// The timeline of a shipped scenario, as `modsim run --format html` draws it.
fn drawn(scenario: &str) -> (Timeline, Drawing) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let request = Request {
        scenario: format!("{root}/{scenario}/scenario.toml"),
        ..Request::default()
    };
    let prepared =
        modsim_sim::prepare(&request, &DiskOrSeed { embedded: false }).expect("prepared");
    let outcome = prepared.world.replay().expect("replayed");
    let report = report::build(&prepared.world, &outcome);
    let parties = &prepared.world.scenario.parties;
    let model = Timeline::build(&report, &|party| {
        parties
            .iter()
            .find(|p| p.id == party)
            .map(|p| p.name.clone())
    });
    let drawing = draw(&model, &report.zone);
    (model, drawing)
}

/// Issue 14, item 5: on the weekend's timeline, labels smeared together and a duty's label
/// was struck through by its own bar.
#[test]
fn no_two_texts_of_the_weekend_overlap() {
    for scenario in ["seeds/weekend-2021-01", "seeds/parler-aws-2021"] {
        let (_, drawing) = drawn(scenario);
        let texts = &drawing.texts;
        for (i, a) in texts.iter().enumerate() {
            for b in texts.iter().skip(i + 1) {
                assert!(
                    !a.overlaps(b),
                    "{scenario}: `{}` overlaps `{}`",
                    a.text,
                    b.text
                );
            }
        }
        assert!(
            !drawing.svg.contains("not drawn"),
            "{scenario}: every label fits"
        );
    }
}

#[test]
fn every_lane_and_mark_of_the_weekend_is_labelled() {
    let (model, drawing) = drawn("seeds/weekend-2021-01");
    assert!(model.lanes.len() >= 7, "a lane per party");
    for lane in &model.lanes {
        let title = fit(&lane.name, TITLE_WIDTH - 14.0, true);
        assert!(
            drawing.texts.iter().any(|t| t.text == title),
            "no title for the lane of `{}`",
            lane.party
        );
    }
    let window = model.focus;
    for mark in model
        .marks
        .iter()
        .filter(|m| (window.start..=window.end).contains(&m.at))
    {
        assert!(
            drawing.texts.iter().any(|t| t.text == mark.label),
            "no label for `{}`",
            mark.label
        );
        assert!(
            drawing
                .svg
                .contains(&format!("<title>{}</title>", esc(&mark.tooltip))),
            "no tooltip for `{}`",
            mark.label
        );
    }
    for (at, _) in drawing.svg.match_indices("<g class=\"mark ") {
        let rest = &drawing.svg[at..];
        let end = rest.find('>').expect("a tag");
        assert!(
            rest[end + 1..].starts_with("<title>"),
            "a mark without a title: {}",
            &rest[..end]
        );
    }
    let reconstructed = model.marks.iter().filter(|m| m.reconstructed).count();
    assert!(reconstructed > 0);
    assert!(
        drawing.svg.contains(" reconstructed\"><title>"),
        "drawn apart"
    );
    for legend in [
        "action permitted",
        "duty in breach",
        "reconstructed instant",
    ] {
        assert!(
            drawing.texts.iter().any(|t| t.text.starts_with(legend)),
            "{legend}"
        );
    }
}

#[test]
fn the_window_is_where_the_events_are_and_long_spans_say_where_they_run() {
    let (model, drawing) = drawn("seeds/weekend-2021-01");
    let days = (model.focus.end - model.focus.start) / DAY_MS;
    assert!(days <= 5, "the weekend is drawn over {days} days");
    assert!(
        drawing
            .texts
            .iter()
            .any(|t| t.text.starts_with("4.2 breached, since ")),
        "a duty in breach since November is drawn to the edge and says since when"
    );
    assert!(
        drawing
            .texts
            .iter()
            .any(|t| t.text.contains("until 8 Feb 2021")),
        "a period that ends after the window says when"
    );
    assert!(drawing.texts.iter().any(|t| t.text.ends_with("later ▶")));
}

#[test]
fn text_is_cut_to_fit_with_an_ellipsis() {
    let long = "the Parler end users who wrote the posts AWS reported";
    let cut = fit(long, 180.0, true);
    assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");
    assert!(text_width(&cut, FONT, true) <= 180.0);
    assert_eq!(fit("Apple Inc.", 180.0, true), "Apple Inc.");
}

#[test]
fn ticks_fall_on_local_midnights_and_hours() {
    let zone = TimeZone::get("America/Los_Angeles").expect("zone");
    let start = jiff::civil::date(2021, 1, 8)
        .to_zoned(zone.clone())
        .expect("zoned")
        .timestamp()
        .as_millisecond();
    let four_days = Window {
        start,
        end: start + 4 * DAY_MS,
    };
    let ticks = ticks(four_days, 900.0, &zone);
    assert!(ticks.len() <= 9, "{ticks:?}");
    assert_eq!(ticks.first().map(|t| t.1.as_str()), Some("Fri 8 Jan"));
    assert!(ticks.iter().any(|t| t.1 == "12:00"), "{ticks:?}");
    let months = Window {
        start,
        end: start + 90 * DAY_MS,
    };
    let ticks = super::ticks(months, 900.0, &zone);
    assert!(
        ticks.iter().all(|t| !t.1.is_empty()) && ticks.len() <= 9,
        "{ticks:?}"
    );
}
