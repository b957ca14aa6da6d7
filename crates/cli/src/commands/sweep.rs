//! `modsim sweep` and `modsim merge`: a grid of worlds replayed, whole or in shards, and its
//! output as text, CSV or JSON, with its chart.

use std::io::IsTerminal;
use std::path::Path;

use crate::args::{self, MergeArgs, SweepArgs, SweepFormat};
use crate::files::{self, DiskOrSeed, path_text};
use crate::output;
use crate::render;

use super::{Failure, Verbosity, emit, request, scenario_choice};

/// Runs a sweep, or one shard of it.
pub(super) fn sweep(a: &SweepArgs, verbosity: Verbosity) -> Result<(), Failure> {
    if a.chart.is_some() && a.vary.is_empty() {
        return Err(Failure::help(
            crate::chart::NO_AXIS,
            "add `--vary NAME=V1,V2,...`, or leave out `--chart`",
        ));
    }
    let (scenario, embedded) = scenario_choice(a.scenario.as_deref())?;
    let base = request(scenario, &a.judged)?;
    let mut vary = Vec::new();
    for v in &a.vary {
        let (name, values) = args::name_value(v, "--vary").map_err(Failure::usage)?;
        vary.push((
            name,
            values
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        ));
    }
    let shard = match &a.shard {
        None => None,
        Some(text) => {
            let parsed = text.split_once('/').and_then(|(i, n)| {
                Some((i.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?))
            });
            Some(parsed.ok_or_else(|| {
                Failure::help(
                    format!("`--shard {text}` is not of the form I/N"),
                    "for example `--shard 1/4`",
                )
            })?)
        }
    };
    if a.chart.is_some() && shard.is_some_and(|(_, n)| n > 1) {
        return Err(Failure::help(
            "`--chart` draws a whole sweep, not one shard of it",
            "draw it when the shards are merged: `modsim merge PARTS... --chart FILE`",
        ));
    }
    let spec = modsim_sim::sweep::SweepSpec {
        base,
        vary,
        replicates: a.replicates,
        seed: a.seed,
        shard,
        jobs: a.jobs,
    };
    let files = DiskOrSeed { embedded };
    let bar = if verbosity.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar()
    };
    let tally = modsim_sim::sweep::run(&spec, &files, &|p| match p {
        modsim_sim::sweep::Progress::Start(total) => bar.set_length(total),
        modsim_sim::sweep::Progress::Tick => bar.inc(1),
    })?;
    bar.finish_and_clear();
    if shard.is_some_and(|(_, n)| n > 1) {
        let file = ShardFile {
            format: Some(a.format),
            tally,
        };
        let mut text = serde_json::to_string(&file).map_err(|e| Failure::usage(e.to_string()))?;
        text.push('\n');
        return emit(&text, a.output.as_deref());
    }
    sweep_output(&tally, a.format, a.chart.as_deref(), a.output.as_deref())
}

/// Merges the shards of a sweep into its whole output.
pub(super) fn merge(a: &MergeArgs) -> Result<(), Failure> {
    let mut shards = Vec::new();
    let mut formats: Vec<SweepFormat> = Vec::new();
    for path in &a.shards {
        let text = files::read_text(path)
            .map_err(|e| Failure::usage(format!("cannot read `{}`: {e}", path.display())))?;
        let file: ShardFile = serde_json::from_str(&text).map_err(|e| {
            Failure::help(
                format!("`{}` is not a sweep shard: {e}", path.display()),
                "merge the files written by `modsim sweep --shard I/N`",
            )
        })?;
        if let Some(format) = file.format
            && !formats.contains(&format)
        {
            formats.push(format);
        }
        shards.push((path_text(path), file.tally));
    }
    let format = match (a.format, formats.as_slice()) {
        (Some(format), _) => format,
        (None, []) => SweepFormat::Text,
        (None, [format]) => *format,
        (None, _) => {
            let names: Vec<String> = formats.iter().map(|f| format!("`{}`", name(*f))).collect();
            return Err(Failure::help(
                format!(
                    "the shards were swept for different formats ({})",
                    names.join(", ")
                ),
                "say which to write: `--format text`, `--format csv` or `--format json`",
            ));
        }
    };
    let tally = modsim_sim::sweep::Tally::merge(shards).map_err(|e| {
        Failure::help(
            e,
            "merge the files `modsim sweep --shard I/N` wrote, unchanged, one per slice",
        )
    })?;
    sweep_output(&tally, format, a.chart.as_deref(), a.output.as_deref())
}

/// A shard file: the shard's raw tallies (the quantiles of a whole sweep need every value,
/// so a shard cannot be written as rows), and the `--format` its sweep was asked for, which
/// `modsim merge` writes unless told otherwise. Files written before the format was recorded
/// have none.
#[derive(serde::Serialize, serde::Deserialize)]
struct ShardFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    format: Option<SweepFormat>,
    #[serde(flatten)]
    tally: modsim_sim::sweep::Tally,
}

/// A format as `--format` names it.
fn name(format: SweepFormat) -> &'static str {
    match format {
        SweepFormat::Text => "text",
        SweepFormat::Csv => "csv",
        SweepFormat::Json => "json",
    }
}

fn sweep_output(
    tally: &modsim_sim::sweep::Tally,
    format: SweepFormat,
    chart: Option<&Path>,
    output: Option<&Path>,
) -> Result<(), Failure> {
    let svg = chart
        .map(|_| crate::chart::svg(tally).map_err(Failure::usage))
        .transpose()?;
    let text = match format {
        SweepFormat::Text => render::sweep(tally),
        SweepFormat::Csv => tally.to_csv().map_err(|e| Failure::usage(e.to_string()))?,
        SweepFormat::Json => {
            let report = serde_json::json!({ "tally": tally, "rows": tally.rows() });
            let mut text =
                serde_json::to_string_pretty(&report).map_err(|e| Failure::usage(e.to_string()))?;
            text.push('\n');
            text
        }
    };
    emit(&text, output)?;
    // The chart only once the output is written: no side output of a failed command.
    if let (Some(path), Some(svg)) = (chart, svg) {
        output::write_file(path, &svg).map_err(Failure::usage)?;
    }
    Ok(())
}

/// A progress bar on standard error, drawn only when it is a terminal.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} replays ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}
