//! The rule model of modsim: terms of service and hosting contracts, encoded as TOML and
//! compiled into prohibitions, duties and powers whose conditions are a checked subset of CEL.
//!
//! Start from [`PolicyDoc::parse`] (TOML with spans) and [`PolicyDoc::compile`], which checks
//! every name and period and compiles every condition once, under a run's [`Overrides`]
//! (`--without`, `--set`, `--assume`), returning a [`Policy`] or every problem found, each
//! located in the file ([`FileProblems`]). Time arithmetic lives in [`Period`].
//!
//! This crate does no I/O and never reads the clock: files arrive as text.
//!
//! ```
//! use modsim_policy::{Overrides, PolicyDoc};
//! let text = r#"
//! [policy]
//! id = "demo"
//! title = "A demo"
//! source = "the example"
//! [roles]
//! host = "hosts the site"
//! site = "runs the site"
//! [labels]
//! threat = "threatens violence"
//! [[clause]]
//! id = "1"
//! title = "No threats"
//! text = "The site must not host threats."
//! source = "§1"
//! mark = "record"
//! prohibits = '"threat" in post.labels'
//! "#;
//! let (policy, warnings) = PolicyDoc::parse("demo.toml", text)?.compile(&Overrides::default())?;
//! assert_eq!(policy.prohibitions.len(), 1);
//! assert!(warnings.is_empty());
//! # Ok::<(), modsim_policy::FileProblems>(())
//! ```

pub mod action;
pub mod calendar;
pub mod condition;
pub mod diagnostic;
pub mod index;
pub mod labels;
pub mod load;
pub mod model;
pub mod period;
pub mod reform;
pub mod time_error;
pub mod vocabulary;
pub mod zone;

pub use calendar::{Calendar, Calendars};
pub use condition::{Cond, Condition, Env, Facts, PostView};
pub use diagnostic::{FileProblems, Problem};
pub use labels::{LabelSet, LabelTable};
pub use load::{Overrides, PolicyDoc};
pub use model::{
    Action, Assumption, Clause, Discharge, Duty, FactName, Mark, Notice, ParamValue, Parameter,
    PeriodRef, Policy, Power, Prohibition, Role, Trigger,
};
pub use period::{MonthEnd, Period, TimeError, rfc3339, show_instant};
pub use reform::ReformDoc;
pub use vocabulary::{Vocabulary, Word};
pub use zone::DeadlineZone;
