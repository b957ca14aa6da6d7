//! A whole run on small arbitrary inputs: a policy, a scenario and its posts, separated by
//! NUL bytes, prepared, replayed and reported as JSON. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modsim_sim::{Files, Request, report, setup};

const SCENARIO: &str = "s/scenario.toml";

struct Three<'a> {
    policy: &'a str,
    scenario: &'a str,
    posts: &'a str,
}

impl Files for Three<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        // The scenario names its posts and policy files; any `.csv` is the posts, any other
        // path the policy.
        if path == SCENARIO {
            Ok(self.scenario.to_owned())
        } else if path.ends_with(".csv") {
            Ok(self.posts.to_owned())
        } else {
            Ok(self.policy.to_owned())
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > 16 * 1024 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\0');
    let files = Three {
        policy: parts.next().unwrap_or(""),
        scenario: parts.next().unwrap_or(""),
        posts: parts.next().unwrap_or(""),
    };
    let request = Request {
        scenario: SCENARIO.into(),
        ..Request::default()
    };
    let Ok(prepared) = setup::prepare(&request, &files) else {
        return;
    };
    if let Ok(outcome) = prepared.world.replay() {
        let report = report::build(&prepared.world, &outcome);
        let _ = serde_json::to_string(&report);
    }
});
