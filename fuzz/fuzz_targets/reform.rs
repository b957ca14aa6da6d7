//! Reforms on arbitrary text: a policy and a reform separated by a NUL byte, the reform
//! parsed, applied to the policy and the result compiled. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modsim_policy::{Overrides, PolicyDoc, ReformDoc};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (policy, reform) = text.split_once('\0').unwrap_or((text, ""));
    let Ok(reform) = ReformDoc::parse("reform.toml", reform) else {
        return;
    };
    let _ = (reform.id(), reform.title(), reform.applies_to());
    if let Ok(doc) = PolicyDoc::parse("policy.toml", policy)
        && let Ok(reformed) = doc.with_reform(&reform)
    {
        let _ = reformed.compile(&Overrides::default());
    }
});
