//! modsim's benchmarks and the data they run on: the seed scenario, read from the repository;
//! a batch of posts and two content rules in five engines ([`eval`]); synthetic scenarios of
//! any size ([`scale`]).
//!
//! The criterion benchmarks are in `benches/` (`cargo bench -p modsim-bench`); the quick
//! side-by-side runner is the `compare` binary and the peak-memory probe the `scale` binary.
//! `BENCHMARKS.md` at the repository's root has the figures and the commands.
//!
//! ```
//! use modsim_bench::eval::{Batch, Engine, Prepared, Rule};
//! let batch = Batch::new(100);
//! let mut modsim = Prepared::new(Engine::Modsim, Rule::Compound, &batch).unwrap();
//! let mut native = Prepared::new(Engine::Native, Rule::Compound, &batch).unwrap();
//! assert_eq!(modsim.count().unwrap(), native.count().unwrap());
//! ```

pub mod eval;
pub mod rules;
pub mod scale;

use modsim_sim::{Files, Prepared, Request, setup};

/// Reads files relative to the repository's root.
pub struct Repository;

impl Files for Repository {
    fn read(&self, path: &str) -> Result<String, String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        std::fs::read_to_string(format!("{root}/{path}")).map_err(|e| format!("{path}: {e}"))
    }
}

/// The seed scenario, compiled and bound, ready to replay.
pub fn seed() -> Result<Prepared, setup::SetupError> {
    let request = Request {
        scenario: "seeds/parler-aws-2021/scenario.toml".into(),
        ..Request::default()
    };
    setup::prepare(&request, &Repository)
}
