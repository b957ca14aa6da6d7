//! The chart of a sweep: the share of worlds in which each action is permitted, with its 95%
//! Wilson interval drawn as a band, against the axis of the grid that varies (the first with
//! more than one value), one line per action and per value of any other varying axis; axes
//! held at one value are named in the subtitle. Durations are drawn on a time scale
//! (logarithmic when they span more than a factor of ten), numbers on a linear one, anything
//! else as evenly spaced categories. As SVG.

use modsim_sim::sweep::{Axis, Tally, wilson};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width and height of the chart, in pixels.
const SIZE: (u32, u32) = (960, 600);

/// Why a sweep without axes has no chart: it draws shares against the first axis.
pub const NO_AXIS: &str =
    "`--chart` draws the shares against the first `--vary` axis, and the sweep varies nothing";

/// Draws the chart as SVG text; a sweep with no axis is refused ([`NO_AXIS`]).
pub fn svg(tally: &Tally) -> Result<String, String> {
    if tally.axes.is_empty() {
        return Err(NO_AXIS.into());
    }
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(&root, tally).map_err(|e| format!("cannot draw the chart: {e}"))?;
        root.present()
            .map_err(|e| format!("cannot draw the chart: {e}"))?;
    }
    Ok(out)
}

/// Where the values of the x axis sit, and how the axis is described.
#[derive(Clone, Debug, PartialEq)]
struct Scale {
    /// The position of each value on the axis, in the axis's own units.
    positions: Vec<f64>,
    /// The axis's description: its name and unit.
    description: String,
}

/// The index of the axis drawn along x: the first with more than one value, else the first.
fn x_axis(tally: &Tally) -> usize {
    tally
        .axes
        .iter()
        .position(|a| a.values.len() > 1)
        .unwrap_or(0)
}

/// The scale of an axis: a time scale when every value is a duration, linear when every value
/// is a number, evenly spaced categories otherwise.
fn scale(axis: &Axis) -> Scale {
    let hours: Option<Vec<f64>> = axis
        .values
        .iter()
        .map(|v| {
            modsim_sim::model::parse_duration(v)
                .ok()
                .map(|d| d.as_secs_f64() / 3600.0)
        })
        .collect();
    if let Some(hours) = hours.filter(|h| h.len() > 1) {
        let (low, high) = bounds(&hours);
        if low > 0.0 && high / low > 10.0 {
            return Scale {
                positions: hours.iter().map(|h| h.log10()).collect(),
                description: format!("{} (hours, logarithmic scale)", axis.name),
            };
        }
        return Scale {
            positions: hours,
            description: format!("{} (hours)", axis.name),
        };
    }
    let numbers: Option<Vec<f64>> = axis.values.iter().map(|v| v.parse().ok()).collect();
    if let Some(numbers) = numbers.filter(|n| n.len() > 1 && n.iter().all(|x| x.is_finite())) {
        return Scale {
            positions: numbers,
            description: axis.name.clone(),
        };
    }
    Scale {
        positions: (0..axis.values.len()).map(|i| i as f64).collect(),
        description: axis.name.clone(),
    }
}

/// The least and greatest of some numbers (0 and 1 when there are none).
fn bounds(values: &[f64]) -> (f64, f64) {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if low.is_finite() && high.is_finite() {
        (low, high)
    } else {
        (0.0, 1.0)
    }
}

/// One line of the chart: an action at one value of each other varying axis.
struct Series {
    name: String,
    /// `(x, share, low, high)` per point, in the order of the x axis's values.
    points: Vec<(f64, f64, f64, f64)>,
}

/// The lines to draw: one per action and per combination of the other varying axes' values.
fn series(tally: &Tally, x: usize, scale: &Scale) -> Vec<Series> {
    let varying: Vec<usize> = (0..tally.axes.len())
        .filter(|&i| i != x && tally.axes.get(i).is_some_and(|a| a.values.len() > 1))
        .collect();
    let key = |values: &[String]| -> Vec<String> {
        varying
            .iter()
            .map(|&i| values.get(i).cloned().unwrap_or_default())
            .collect()
    };
    let mut keys: Vec<Vec<String>> = Vec::new();
    for p in &tally.points {
        let k = key(&p.values);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let Some(axis) = tally.axes.get(x) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (a, action) in tally.actions.iter().enumerate() {
        for k in &keys {
            let mut points: Vec<(f64, f64, f64, f64)> = tally
                .points
                .iter()
                .filter(|p| &key(&p.values) == k)
                .filter_map(|p| {
                    let value = p.values.get(x)?;
                    let i = axis.values.iter().position(|v| v == value)?;
                    let permitted = p.permitted.get(a).copied().unwrap_or(0);
                    let share = if p.n == 0 {
                        0.0
                    } else {
                        f64::from(permitted) / f64::from(p.n)
                    };
                    let (low, high) = wilson(permitted, p.n);
                    Some((*scale.positions.get(i)?, share, low, high))
                })
                .collect();
            points.sort_by(|l, r| l.0.total_cmp(&r.0));
            let mut name = tally.local(action);
            if !k.is_empty() {
                let extra: Vec<String> = varying
                    .iter()
                    .zip(k)
                    .filter_map(|(&i, v)| Some(format!("{} = {v}", tally.axes.get(i)?.name)))
                    .collect();
                name.push_str(&format!(" ({})", extra.join(", ")));
            }
            out.push(Series { name, points });
        }
    }
    out
}

/// The title (the scenario and the axis on x) and the subtitle, in `area`.
fn titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    tally: &Tally,
    x: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let name = tally.axes.get(x).map_or("", |a| a.name.as_str());
    area.draw(&Text::new(
        format!("{}: share of worlds permitted, by {name}", tally.scenario),
        (16, 10),
        ("sans-serif", 20).into_font(),
    ))?;
    area.draw(&Text::new(
        subtitle(tally, x),
        (16, 38),
        ("sans-serif", 14).into_font().color(&RGBColor(80, 80, 80)),
    ))
}

/// The subtitle: the worlds drawn and the axes held at one value.
fn subtitle(tally: &Tally, x: usize) -> String {
    let held: Vec<String> = tally
        .axes
        .iter()
        .enumerate()
        .filter(|(i, a)| *i != x && a.values.len() == 1)
        .filter_map(|(_, a)| Some(format!("{} = {}", a.name, a.values.first()?)))
        .collect();
    let mut text = if tally.deterministic {
        "one world: the scenario has no model".to_owned()
    } else {
        format!(
            "{} worlds per point from the reconstructed model, seed {}; band: 95% Wilson interval",
            tally.replicates, tally.seed
        )
    };
    if !held.is_empty() {
        text.push_str(&format!("; held at {}", held.join(", ")));
    }
    text
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    tally: &Tally,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let x = x_axis(tally);
    let Some(axis) = tally.axes.get(x) else {
        return Ok(());
    };
    let scale = scale(axis);
    let (low, high) = bounds(&scale.positions);
    let pad = if high > low { (high - low) * 0.06 } else { 0.5 };
    let (title_area, plot_area) = root.split_vertically(64);
    titles(&title_area, tally, x)?;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d((low - pad)..(high + pad), 0f64..1.0f64)?;
    chart
        .configure_mesh()
        .x_labels(0)
        .disable_x_mesh()
        .y_labels(11)
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .x_desc(scale.description.as_str())
        .y_desc("worlds in which the action is permitted")
        .axis_desc_style(("sans-serif", 15))
        .label_style(("sans-serif", 13))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    // The x axis's ticks: at the values varied, wherever the scale puts them.
    let below =
        TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (x, value) in scale.positions.iter().zip(&axis.values) {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(*x, 0.0), (*x, 1.0)],
            RGBColor(225, 228, 234),
        )))?;
        let (px, py) = chart.backend_coord(&(*x, 0.0));
        root.draw(&Text::new(value.clone(), (px, py + 6), below.clone()))?;
    }
    for (colour, line) in series(tally, x, &scale).into_iter().enumerate() {
        let colour = Palette99::pick(colour);
        let mut band: Vec<(f64, f64)> = line.points.iter().map(|p| (p.0, p.3)).collect();
        band.extend(line.points.iter().rev().map(|p| (p.0, p.2)));
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            colour.mix(0.18).filled(),
        )))?;
        let style = colour.stroke_width(2);
        chart
            .draw_series(LineSeries::new(
                line.points.iter().map(|p| (p.0, p.1)),
                style,
            ))?
            .label(line.name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
        chart.draw_series(
            line.points
                .iter()
                .map(|p| Circle::new((p.0, p.1), 4, style.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use modsim_sim::sweep::{AxisKind, PointTally, SCHEMA};

    use super::*;

    fn axis(name: &str, values: &[&str]) -> Axis {
        Axis {
            name: name.to_owned(),
            kind: AxisKind::Model,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    /// Issue 14, item 4: `--vary removal_probability=1 --vary removal_delay_median=...` drew
    /// four dots stacked at x = 1.
    fn exercise_5() -> Tally {
        let delays = ["1h", "6h", "24h", "72h"];
        Tally {
            schema: SCHEMA.to_owned(),
            scenario: "parler-aws-2021".to_owned(),
            axes: vec![
                axis("removal_probability", &["1"]),
                axis("removal_delay_median", &delays),
            ],
            replicates: 100,
            deterministic: false,
            seed: 7,
            shard: None,
            actions: vec!["aws suspend parler at 2021-01-10T23:59:00-08:00".to_owned()],
            grounds: vec![vec!["6.1(b)".to_owned()]],
            powers: Vec::new(),
            zone: "America/Los_Angeles".to_owned(),
            points: delays
                .iter()
                .zip([1, 40, 97, 100])
                .map(|(d, k)| PointTally {
                    values: vec!["1".to_owned(), (*d).to_owned()],
                    n: 100,
                    permitted: vec![k],
                    permitted_on: vec![vec![k]],
                    earliest: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_axis_that_varies_is_drawn_along_x() {
        let tally = exercise_5();
        assert_eq!(x_axis(&tally), 1);
        assert_eq!(
            subtitle(&tally, 1),
            "100 worlds per point from the reconstructed model, seed 7; band: 95% Wilson interval; held at removal_probability = 1"
        );
    }

    #[test]
    fn durations_are_drawn_on_a_time_scale() {
        let log = scale(&axis("removal_delay_median", &["1h", "6h", "24h", "72h"]));
        assert_eq!(
            log.description,
            "removal_delay_median (hours, logarithmic scale)"
        );
        let expected = [0.0, 6f64.log10(), 24f64.log10(), 72f64.log10()];
        assert!(
            log.positions
                .iter()
                .zip(expected)
                .all(|(p, e)| (p - e).abs() < 1e-9),
            "{:?}",
            log.positions
        );
        let linear = scale(&axis("notice_window", &["0h", "8h"]));
        assert_eq!(linear.positions, [0.0, 8.0]);
        assert_eq!(linear.description, "notice_window (hours)");
        let numbers = scale(&axis("removal_probability", &["0.5", "0.9", "1"]));
        assert_eq!(numbers.positions, [0.5, 0.9, 1.0]);
        let calls = scale(&axis("aws_determined_risk", &["false", "true"]));
        assert_eq!(calls.positions, [0.0, 1.0]);
    }

    #[test]
    fn each_line_carries_its_wilson_band() {
        let tally = exercise_5();
        let lines = series(&tally, 1, &scale(&tally.axes[1]));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].name, "aws suspend parler at 2021-01-10 23:59 PST");
        let (x, share, low, high) = lines[0].points[1];
        assert!((x - 6f64.log10()).abs() < 1e-9);
        assert!((share - 0.4).abs() < 1e-9);
        assert_eq!((low, high), wilson(40, 100));
        let svg = svg(&tally).expect("drawn");
        assert!(svg.contains("<polygon"), "the band is drawn");
        for text in [
            "removal_delay_median (hours, logarithmic scale)",
            "worlds in which the action is permitted",
            "72h",
            "50%",
        ] {
            assert!(svg.contains(text), "no `{text}` in the chart");
        }
    }
}
