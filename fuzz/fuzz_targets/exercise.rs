//! Exercises and keys on arbitrary text: the text read as an exercise and as a key, and, when
//! both read and nothing asks for a sweep, checked against the seed scenario. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modsim_sim::Files;
use modsim_sim::exercise::Exercise;

/// The seed scenario and its policy, from the repository, whatever path asks for them.
struct Seed;

impl Files for Seed {
    fn read(&self, path: &str) -> Result<String, String> {
        Ok(if path.ends_with(".csv") {
            include_str!("../../seeds/parler-aws-2021/posts.csv")
        } else if path.ends_with("scenario.toml") {
            include_str!("../../seeds/parler-aws-2021/scenario.toml")
        } else {
            include_str!("../../policies/aws-2021-01.toml")
        }
        .to_owned())
    }
}

const EXERCISE: &str = "[exercise]\nid = \"suspension-grounds\"\ntitle = \"t\"\nscenario = \"s/scenario.toml\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let exercise = Exercise::parse("exercise.toml", text);
    let Ok(key) = Exercise::answers("key.toml", text) else {
        return;
    };
    // A sweep replays hundreds of worlds: too slow for a fuzzing loop.
    if text.contains("sweep") {
        return;
    }
    let Ok(seed_exercise) = Exercise::parse("e/exercise.toml", EXERCISE) else {
        return;
    };
    let _ = seed_exercise.check(&key, &[], &Seed);
    if let Ok(exercise) = exercise {
        let _ = seed_exercise.check(&exercise.expect, &[], &Seed);
    }
});
