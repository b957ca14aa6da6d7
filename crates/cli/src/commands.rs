//! The subcommands: validated settings in, output and an exit code out.
//!
//! Exit codes: 0 done; 2 bad input or usage.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{GraphicalReportHandler, GraphicalTheme};
use modsim_policy::{FileProblems, Overrides};
use modsim_sim::reconstruct::{self, ReportModel};
use modsim_sim::{Request, SetupError, report};

use crate::args::{self, Account, Command, ErrorFormat, Format, ReconstructArgs, RunArgs};
use crate::files::{self, DiskOrSeed, SEED_SCENARIO};
use crate::render;

/// Exit code: bad input or usage.
const BAD_INPUT: u8 = 2;

/// Runs a command.
pub fn dispatch(command: Command) -> ExitCode {
    let (result, format) = match command {
        Command::Run(a) => (run(&a), a.error_format),
        Command::Reconstruct(a) => (reconstruct(&a), ErrorFormat::Human),
        Command::Check(a) => return crate::check::check(&a),
        Command::Schema(a) => {
            print!("{}", crate::schema::text(a.kind));
            return ExitCode::SUCCESS;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match format {
                ErrorFormat::Human => eprint!("{}", failure.render()),
                ErrorFormat::Json => eprint!("{}", failure.render_json()),
            }
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Why a command failed.
enum Failure {
    Usage {
        message: String,
        help: Option<String>,
    },
    Files(Vec<FileProblems>),
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            help: None,
        }
    }

    fn render(&self) -> String {
        match self {
            Failure::Usage { message, help } => {
                let mut s = format!("error: {message}\n");
                if let Some(h) = help {
                    s.push_str(&format!("  help: {h}\n"));
                }
                s
            }
            Failure::Files(files) => files.iter().map(render_problems).collect(),
        }
    }

    fn render_json(&self) -> String {
        match self {
            Failure::Usage { message, help } => {
                let mut problem = modsim_policy::Problem::error(message.clone(), None);
                if let Some(h) = help {
                    problem = problem.with_help(h.clone());
                }
                crate::diagnostics::json(&[FileProblems::new("", "", vec![problem])])
            }
            Failure::Files(files) => crate::diagnostics::json(files),
        }
    }
}

/// Renders a file's problems with file, line, column and the value underlined.
pub fn render_problems(problems: &FileProblems) -> String {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for located in problems.each() {
        let mut one = String::new();
        if handler.render_report(&mut one, &located).is_err() {
            one = format!("{}: {}\n", problems.name(), located.problem.message);
        }
        out.push_str(&one);
        out.push('\n');
    }
    let kind = if problems.has_errors() {
        "error"
    } else {
        "warning"
    };
    out.push_str(&format!("{kind}: {problems}\n"));
    out
}

impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Failure {
        match e {
            SetupError::Files(f) => Failure::Files(f.files),
            SetupError::Usage { message, help } => Failure::Usage { message, help },
        }
    }
}

fn run(a: &RunArgs) -> Result<(), Failure> {
    let mut overrides = Overrides {
        without: a.without.clone(),
        ..Overrides::default()
    };
    for s in &a.set {
        overrides
            .set
            .push(args::name_value(s, "--set").map_err(Failure::usage)?);
    }
    for s in &a.assume {
        let (name, value) = args::name_value(s, "--assume").map_err(Failure::usage)?;
        let value = args::boolean(&value, "--assume", &name).map_err(Failure::usage)?;
        overrides.assume.push((name, value));
    }
    let (scenario, embedded) = match &a.scenario {
        None => (SEED_SCENARIO.to_owned(), true),
        Some(path) => (scenario_file(path)?, false),
    };
    let request = Request {
        scenario,
        policies: a.policies.iter().map(|p| path_text(p)).collect(),
        overrides,
    };
    let files = DiskOrSeed { embedded };
    let prepared = modsim_sim::prepare(&request, &files)?;
    match a.error_format {
        ErrorFormat::Human => {
            for w in &prepared.warnings {
                eprint!("{}", render_problems(w));
            }
        }
        ErrorFormat::Json if !prepared.warnings.is_empty() => {
            eprint!("{}", crate::diagnostics::json(&prepared.warnings));
        }
        ErrorFormat::Json => {}
    }
    let outcome = prepared
        .world
        .replay()
        .map_err(|e| Failure::usage(format!("the replay cannot compute {e}")))?;
    let report = report::build(&prepared.world, &outcome);
    match a.format {
        Format::Text => {
            let text = render::text(&report, a.explain.as_deref());
            anstream::print!("{text}");
        }
        Format::Json => {
            let text = render::json(&report).map_err(|e| Failure::usage(e.to_string()))?;
            print!("{text}");
        }
    }
    Ok(())
}

/// A scenario argument: a file, or a folder holding `scenario.toml`.
fn scenario_file(path: &Path) -> Result<String, Failure> {
    if path.is_dir() {
        let inside = path.join("scenario.toml");
        if inside.is_file() {
            return Ok(path_text(&inside));
        }
        return Err(Failure::Usage {
            message: format!("the folder `{}` holds no `scenario.toml`", path.display()),
            help: Some("name the scenario file itself".into()),
        });
    }
    Ok(path_text(path))
}

/// A path as shown to the user and as files name each other: `/` separators, no `./`.
pub fn path_text(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

fn reconstruct(a: &ReconstructArgs) -> Result<(), Failure> {
    let (which, model) = match a.which {
        Account::Aws => ("aws", ReportModel::aws_2021()),
        Account::ParlerAccount => ("parler-account", ReportModel::parler_account()),
    };
    let posts = model.generate(a.seed);
    let text = reconstruct::to_csv(&posts, &reconstruct::header(which, &model, a.seed))
        .map_err(|e| Failure::usage(e.to_string()))?;
    match &a.output {
        None => print!("{text}"),
        Some(path) => files::write_whole(&PathBuf::from(path), &text).map_err(Failure::usage)?,
    }
    Ok(())
}
