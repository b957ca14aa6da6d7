//! Shared set-up of modsim's benchmarks: the seed scenario, read from the repository.
//!
//! The benchmarks themselves are in `benches/`; run them with `cargo bench -p modsim-bench`.

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
