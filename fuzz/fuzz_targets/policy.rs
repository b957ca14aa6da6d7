//! Policy parsing and compiling (and the domain lints) on arbitrary text: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modsim_policy::{Overrides, PolicyDoc};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(doc) = PolicyDoc::parse("fuzz.toml", text) {
        let _ = doc.compile(&Overrides::default());
        let _ = doc.check();
    }
});
