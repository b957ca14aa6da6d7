//! Scenarios: the parties, the policies that bind them, the posts (from CSV), the notices and
//! the actions to judge, with their provenance, read from TOML.
//!
//! Files arrive through [`Files`]: this crate never touches the file system, so the CLI can
//! serve the embedded seed and a test can serve strings. Paths in a scenario are relative to
//! the scenario file and always written with `/`.
//!
//! [`load`] reads the TOML (`raw`), checks it (`check`, with any `[[post]]` tables: `inline`)
//! and reads the posts CSV (`posts`);
//! what it returns is a [`Scenario`] (`contents`). The timeline's own vocabulary (posts,
//! parties, events, instants) lives in [`crate::timeline`], re-exported here.

mod check;
mod contents;
mod files;
mod inline;
mod posts;
mod raw;

use modsim_policy::diagnostic::Source;
use modsim_policy::{FileProblems, Problem};
use toml::Spanned;

use check::Checker;
pub(crate) use posts::place_of;
use posts::read_posts;
use raw::RawScenario;

pub use crate::timeline::{
    ActionEvent, DeliveryEvent, DeterminationEvent, FactEvent, NoticeEvent, Party, Post, PostId,
    parse_instant,
};
pub use check::MAX_EVENTS;
pub use contents::{EVERY_ACCOUNT, Places, PolicyRef, Provenance, Scenario};
pub use files::{Files, resolve_path};
pub use posts::{MAX_POSTS, MAX_SCENARIO_LABELS};

/// Largest scenario file read, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;

/// Every problem found while reading a scenario and its files, with the policies it names.
#[derive(Debug, Default)]
pub struct LoadFailure {
    /// Every problem, each with its file (the scenario's or the posts file's).
    pub problems: FileProblems,
    /// The policy files the scenario names, resolved against its folder, when it could be
    /// read that far: a run still reads them, so their problems come with the scenario's.
    pub policies: Vec<String>,
    /// Where the scenario's parts are written, as far as it was read (boxed: the failure
    /// is returned, and kept small).
    pub places: Box<Places>,
}

impl From<FileProblems> for LoadFailure {
    fn from(problems: FileProblems) -> LoadFailure {
        LoadFailure {
            problems,
            ..LoadFailure::default()
        }
    }
}

/// The JSON Schema of a scenario file, for TOML editors; `modsim schema scenario` prints it.
pub fn json_schema() -> schemars::Schema {
    // Draft 7, the draft TOML editors (Taplo, Even Better TOML) read everywhere.
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawScenario>()
}

/// Reads a scenario: its TOML text (named `name` to the user) and, through `files`, its posts.
pub fn load(name: &str, text: &str, files: &dyn Files) -> Result<Scenario, LoadFailure> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(too_big(name, text.len()));
    }
    let raw: RawScenario = modsim_policy::load::shape::read(name, text)?;
    let policies = raw
        .policy
        .iter()
        .map(|p| resolve_path(name, p.file.get_ref()))
        .collect();
    let places = Places {
        scenario: Some(Source::new(name, text)),
        roles: raw.roles.as_ref().map(Spanned::span),
        policies: raw.policy.iter().map(|p| p.file.span()).collect(),
        ..Places::default()
    };
    let mut cx = Checker {
        problems: Vec::new(),
        named_posts: Vec::new(),
    };
    let scenario = cx.scenario(name, raw);
    // The posts are read even when the scenario has errors, so theirs come too.
    let mut failure = LoadFailure {
        problems: FileProblems::new(name, text, cx.problems),
        policies,
        places: Box::new(places),
    };
    let Some((mut scenario, posts)) = scenario else {
        return Err(failure);
    };
    // The file's places, with the timeline's the checker found.
    let events = std::mem::take(&mut scenario.places);
    scenario.places = Places {
        notices: events.notices,
        actions: events.actions,
        ..(*failure.places).clone()
    };
    if let Some((path, span)) = posts {
        read_posts_file(
            &mut scenario,
            &mut failure,
            (&path, span),
            (name, text),
            files,
        );
    }
    if !failure.problems.has_errors() {
        // The posts notices name, once the posts file is read.
        failure.problems.append(FileProblems::new(
            name,
            text,
            check::named_posts(&scenario, &cx.named_posts),
        ));
    }
    if failure.problems.has_errors() {
        return Err(failure);
    }
    Ok(scenario)
}

/// A scenario file over [`MAX_SCENARIO_BYTES`], refused before it is parsed.
fn too_big(name: &str, bytes: usize) -> LoadFailure {
    FileProblems::new(
        name,
        "",
        vec![
            Problem::error(
                format!("the file is {bytes} bytes, over the limit of {MAX_SCENARIO_BYTES}"),
                None,
            )
            .with_help("put the posts in a CSV file named by `[posts] file` (the limit is `MAX_SCENARIO_BYTES` in crates/sim/src/scenario.rs)"),
        ],
    )
    .into()
}

/// Reads the posts file at `path` (named at `span` of the scenario `name`, whose text is
/// `text`) into `scenario`, or adds its problems, or that it cannot be read, to `failure`.
fn read_posts_file(
    scenario: &mut Scenario,
    failure: &mut LoadFailure,
    (path, span): (&str, std::ops::Range<usize>),
    (name, text): (&str, &str),
    files: &dyn Files,
) {
    match files.read(path) {
        Ok(csv_text) => match read_posts(path, &csv_text, &scenario.zone, &scenario.parties) {
            Ok(read) => {
                scenario.posts = read.posts;
                scenario.labels = read.labels;
                scenario.places.labels = read.first_seen;
                scenario.places.posts = Some(Source::new(path, csv_text));
                scenario.posts_file = Some(path.to_owned());
            }
            Err(problems) => failure.problems.append(problems),
        },
        Err(e) => failure
            .problems
            .append(files.located(path).unwrap_or_else(|| {
                FileProblems::new(
                    name,
                    text,
                    vec![Problem::error(
                        format!("cannot read the posts file `{path}`: {e}"),
                        Some(span),
                    )],
                )
            })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Strings(Vec<(&'static str, String)>);
    impl Files for Strings {
        fn read(&self, path: &str) -> Result<String, String> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| t.clone())
                .ok_or_else(|| "no such file".to_owned())
        }
    }

    const SCENARIO: &str = r#"
[scenario]
id = "t"
title = "test"
zone = "America/Los_Angeles"
[parties]
host = "Host Inc."
site = { name = "Site LLC" }
[roles]
provider = "host"
customer = "site"
[[policy]]
file = "../p.toml"
[posts]
file = "posts.csv"
reported_by = "host"
reported_to = "site"
mark = "reconstructed"
[[event]]
at = "2021-01-09 18:00"
kind = "notice"
from = "host"
to = "site"
summary = "notice"
mark = "record"
[[event]]
at = 2021-01-10T23:59:00-08:00
kind = "action"
actor = "host"
action = "suspend"
against = "site"
summary = "suspension"
mark = "record"
"#;

    fn load_with(scenario: &str, csv: &str) -> Result<Scenario, LoadFailure> {
        load(
            "s/t/scenario.toml",
            scenario,
            &Strings(vec![("s/t/posts.csv", csv.to_owned())]),
        )
    }

    fn messages(failure: LoadFailure) -> Vec<String> {
        failure
            .problems
            .problems
            .iter()
            .map(|p| {
                let (l, c) = p.line_column().unwrap_or((0, 0));
                format!("{}:{l}:{c}: {}", p.file().unwrap_or("?"), p.message)
            })
            .collect()
    }

    #[test]
    fn a_scenario_loads() {
        let csv = "# a comment\nid,published,reported,removed,labels\nr1,2021-01-01T00:00:00Z,2021-01-02 10:00,,threat;incitement\nr2,2021-01-01T00:00:00Z,,,threat\n";
        let s = load_with(SCENARIO, csv).unwrap();
        assert_eq!(s.parties.len(), 2);
        assert_eq!(s.policies[0].file, "s/p.toml");
        assert_eq!(s.posts.len(), 2);
        assert_eq!(s.labels, ["threat", "incitement"]);
        assert_eq!(
            s.posts[0].reported,
            Some("2021-01-02T18:00:00Z".parse().unwrap()),
            "PST is UTC-8"
        );
        assert_eq!(s.notices[0].at, "2021-01-10T02:00:00Z".parse().unwrap());
        assert_eq!(s.actions[0].at, "2021-01-11T07:59:00Z".parse().unwrap());
        assert!(s.has_reconstruction());
    }

    #[test]
    fn bad_scenarios_are_located() {
        let bad = SCENARIO
            .replacen("against = \"site\"", "against = \"sight\"", 1)
            .replacen("2021-01-09 18:00", "2021-03-14 02:30", 1);
        assert_eq!(
            messages(load_with(&bad, "id,published\n").unwrap_err()),
            [
                "s/t/scenario.toml:20:6: `2021-03-14 02:30` does not exist in the scenario's zone (the clocks skip it: a daylight-saving gap)",
                "s/t/scenario.toml:31:11: unknown party `sight`",
            ]
        );
        let csv = "id,published,reported,removd\nr1,2021-01-01T00:00:00Z,2021-01-02,\n";
        assert_eq!(
            messages(load_with(SCENARIO, csv).unwrap_err()),
            ["s/t/posts.csv:1:23: unknown column `removd`"]
        );
        let csv = "id,published,reported\nr1,2021-01-03T00:00:00Z,yesterday\nr2,2021-01-03T00:00:00Z,2021-01-01T00:00:00Z\nr3,x\n";
        assert_eq!(
            messages(load_with(SCENARIO, csv).unwrap_err()),
            [
                "s/t/posts.csv:2:25: `yesterday` is not a date and time (column `reported`)",
                "s/t/posts.csv:3:25: post `r2` is reported before it is published",
                "s/t/posts.csv:4:1: this row has 2 fields where the header has 3",
            ]
        );
    }

    #[test]
    fn a_label_keeps_where_it_first_stands() {
        // Binding's warnings about a label are located from this, not by searching the text.
        let csv = "id,published,labels\np1,2021-01-01T00:00:00Z,threats; threat\np2,2021-01-01T00:00:00Z,threat\n";
        let scenario = load_with(SCENARIO, csv).unwrap();
        let at = |label: &str| &csv[scenario.places.label(label).unwrap()];
        assert_eq!((at("threat"), at("threats")), ("threat", "threats"));
        assert_eq!(
            scenario.places.label("threat").unwrap().start,
            csv.find("; threat").unwrap() + 2
        );
        assert_eq!(
            scenario.places.posts.as_ref().unwrap().name(),
            "s/t/posts.csv"
        );
    }

    #[test]
    fn unknown_words_are_located_together_with_a_suggestion() {
        let bad = SCENARIO
            .replacen("kind = \"notice\"", "kind = \"notise\"", 1)
            .replacen("action = \"suspend\"", "action = \"suspnd\"", 1)
            .replacen("mark = \"reconstructed\"", "mark = \"guessed\"", 1);
        let failure = load_with(&bad, "id,published\n").unwrap_err();
        let helps: Vec<Option<String>> = failure
            .problems
            .problems
            .iter()
            .map(|p| p.help.as_deref().map(str::to_owned))
            .collect();
        assert_eq!(
            messages(failure),
            [
                "s/t/scenario.toml:21:8: unknown event kind `notise`",
                "s/t/scenario.toml:30:10: unknown action `suspnd`",
                "s/t/scenario.toml:18:8: unknown mark `guessed`",
            ]
        );
        assert_eq!(
            helps,
            [
                Some("did you mean `notice`?".to_owned()),
                Some("did you mean `suspend`?".to_owned()),
                Some(
                    "expected one of `record`, `reported`, `inferred`, `reconstructed`, `invented`"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn every_event_kind_loads() {
        let more = format!(
            "{SCENARIO}{}",
            r#"
[[event]]
at = "2021-01-11 09:00"
kind = "delivery"
from = "site"
to = "host"
deliverable = "moderation_plan"
summary = "a plan"
mark = "reported"
[[event]]
at = "2021-01-11 10:00"
kind = "fact"
fact = "unreviewed_reports"
value = 26000
summary = "a backlog"
mark = "inferred"
"#
        );
        let s = load_with(&more, "id,published\n").unwrap();
        assert_eq!(s.deliveries[0].deliverable, "moderation_plan");
        assert_eq!(s.facts[0].value, 26000);
        assert_eq!(s.actions[0].action, modsim_policy::Action::Suspend);
    }

    #[test]
    fn posts_written_in_the_scenario_load_as_a_files_do() {
        let inline = SCENARIO.replacen("file = \"posts.csv\"\n", "", 1)
            + r#"
[[post]]
id = "p1"
published = "2021-01-08 09:00"
reported = 2021-01-08T10:00:00-08:00
labels = ["threat", "incitement"]
author = "someone"
severity = 3
[[post]]
id = "p2"
published = "2021-01-08 11:00"
removed = "2021-01-09 11:00"
"#;
        let s = load("s/t/scenario.toml", &inline, &Strings(Vec::new())).unwrap();
        assert_eq!(s.posts.len(), 2);
        assert_eq!(s.labels, ["threat", "incitement"]);
        assert_eq!(s.posts[0].labels.len(), 2);
        assert_eq!(
            s.posts[0].reported,
            Some("2021-01-08T18:00:00Z".parse().unwrap())
        );
        assert_eq!(
            (s.posts[0].author.as_str(), s.posts[0].severity),
            ("someone", 3)
        );
        assert_eq!(
            s.posts[1].removed,
            Some("2021-01-09T19:00:00Z".parse().unwrap())
        );
        assert_eq!(s.posts_file, None);
    }

    #[test]
    fn bad_posts_in_the_scenario_are_located() {
        let both = format!("{SCENARIO}[[post]]\nid = \"p1\"\npublished = \"2021-01-08 09:00\"\n");
        assert_eq!(
            messages(load_with(&both, "id,published\n").unwrap_err()),
            ["s/t/scenario.toml:15:8: the posts come from a file and from `[[post]]` tables"]
        );
        let neither = SCENARIO.replacen("file = \"posts.csv\"\n", "", 1);
        assert_eq!(
            messages(load_with(&neither, "").unwrap_err()),
            ["s/t/scenario.toml:17:8: `[posts]` names no file, and no `[[post]]` table follows"]
        );
        let bad = neither
            + "[[post]]\nid = \"p1\"\npublished = \"2021-01-08 09:00\"\nreported = \"2021-01-07 09:00\"\nplatform = \"hots\"\n"
            + "[[post]]\nid = \"p1\"\npublished = \"someday\"\n";
        assert_eq!(
            messages(load_with(&bad, "").unwrap_err()),
            [
                "s/t/scenario.toml:36:12: post `p1` is reported before it is published",
                "s/t/scenario.toml:37:12: unknown party `hots`",
                "s/t/scenario.toml:39:6: post `p1` appears twice",
                "s/t/scenario.toml:40:13: `someday` is not a date and time",
            ]
        );
    }
}
