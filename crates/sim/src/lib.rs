//! modsim's deterministic engine: scenarios, the replay of their timelines against compiled
//! policies, verdicts with explanations, earliest instants and duty histories.
//!
//! Start from [`setup::prepare`], which reads a scenario and its policies through [`Files`]
//! and returns a [`World`]; [`World::replay`] gives an [`Outcome`], and [`report::build`]
//! turns it into the stable [`Report`] every renderer uses.
//!
//! This crate never reads the wall clock and draws randomness only from explicit seeds
//! ([`reconstruct`]); it reads files only through the [`Files`] its caller provides.
//!
//! ```
//! use modsim_sim::{setup, Files, Request};
//! struct Seed;
//! impl Files for Seed {
//!     fn read(&self, path: &str) -> Result<String, String> {
//!         let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
//!         std::fs::read_to_string(format!("{root}{path}")).map_err(|e| e.to_string())
//!     }
//! }
//! let request = Request { scenario: "seeds/parler-aws-2021/scenario.toml".into(), ..Request::default() };
//! let prepared = setup::prepare(&request, &Seed).unwrap();
//! let outcome = prepared.world.replay().unwrap();
//! let suspension = &outcome.verdicts[0];
//! assert!(suspension.permitted);
//! assert!(suspension.grounds.iter().any(|g| g.clause == "6.1(b)"));
//! ```

pub mod bind;
pub mod compare;
pub mod diff;
pub mod exercise;
pub mod explanation;
pub mod lint;
pub mod model;
pub mod outcome;
pub mod reconstruct;
mod replay;
pub mod report;
pub mod scenario;
pub mod setup;
pub mod sweep;
pub mod timeline;

pub use bind::World;
pub use explanation::{Explanation, Node};
pub use outcome::{DutyStatus, EarliestInstant, Outcome, Verdict};
pub use replay::ReplayError;
pub use report::Report;
pub use scenario::{Files, Scenario};
pub use setup::{Prepared, Request, SetupError, prepare};
