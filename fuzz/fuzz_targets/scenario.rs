//! Scenario parsing on arbitrary text: the scenario TOML, then (after a NUL byte) the posts
//! CSV it names. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modsim_sim::Files;
use modsim_sim::scenario;

struct Posts<'a>(&'a str);

impl Files for Posts<'_> {
    fn read(&self, _path: &str) -> Result<String, String> {
        Ok(self.0.to_owned())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (toml, csv) = text.split_once('\0').unwrap_or((text, ""));
    let _ = scenario::load("fuzz/scenario.toml", toml, &Posts(csv));
});
