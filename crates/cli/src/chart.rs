//! The chart of a sweep: the share of replicates in which each action is permitted, against
//! the first axis of the grid, one line per action (and per value of any other axis), as SVG.

use modsim_sim::sweep::Tally;
use plotters::prelude::*;

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
        let root = SVGBackend::with_string(&mut out, (900, 540)).into_drawing_area();
        draw(&root, tally).map_err(|e| format!("cannot draw the chart: {e}"))?;
        root.present()
            .map_err(|e| format!("cannot draw the chart: {e}"))?;
    }
    Ok(out)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    tally: &Tally,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let Some(first) = tally.axes.first() else {
        return Ok(());
    };
    let ticks = first.values.len().max(1);
    let source = if tally.deterministic {
        ""
    } else {
        " (worlds from the reconstructed model)"
    };
    let title = format!(
        "{}: share of {} replicates permitted{source}, by {}",
        tally.scenario, tally.replicates, first.name
    );
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.25f64..(ticks as f64 - 0.75), 0f64..1.0f64)?;
    let labels = first.values.clone();
    chart
        .configure_mesh()
        .x_labels(ticks)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_desc(first.name.as_str())
        .y_desc("share permitted")
        .draw()?;
    // One series per action and per combination of the other axes' values.
    let others = |values: &[String]| values.iter().skip(1).cloned().collect::<Vec<_>>();
    let mut keys: Vec<Vec<String>> = Vec::new();
    for p in &tally.points {
        let k = others(&p.values);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut colour = 0usize;
    for (a, action) in tally.actions.iter().enumerate() {
        for key in &keys {
            let points: Vec<(f64, f64)> = tally
                .points
                .iter()
                .filter(|p| &others(&p.values) == key)
                .filter_map(|p| {
                    let x = first
                        .values
                        .iter()
                        .position(|v| Some(v) == p.values.first())?;
                    let k = f64::from(p.permitted.get(a).copied().unwrap_or(0));
                    Some((x as f64, if p.n == 0 { 0.0 } else { k / f64::from(p.n) }))
                })
                .collect();
            let style = Palette99::pick(colour).stroke_width(2);
            colour += 1;
            let mut name = action.clone();
            if !key.is_empty() {
                let extra: Vec<String> = tally
                    .axes
                    .iter()
                    .skip(1)
                    .zip(key)
                    .map(|(ax, v)| format!("{}={v}", ax.name))
                    .collect();
                name.push_str(&format!(" ({})", extra.join(", ")));
            }
            chart
                .draw_series(LineSeries::new(points.clone(), style))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
            chart.draw_series(
                points
                    .into_iter()
                    .map(|(x, y)| Circle::new((x, y), 4, style.filled())),
            )?;
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    Ok(())
}
