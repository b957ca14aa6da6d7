//! `modsim schema`: the JSON Schema of each file kind, for TOML editors. The committed copies
//! under `schemas/` are this command's output (a test keeps them equal).

use crate::args::SchemaKind;

/// The schema of `kind`, pretty-printed, ending in a newline.
pub fn text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Policy => modsim_policy::load::json_schema(),
        SchemaKind::Scenario => modsim_sim::scenario::json_schema(),
        SchemaKind::Reform => modsim_policy::reform::json_schema(),
        SchemaKind::Exercise => modsim_sim::exercise::exercise_schema(),
        SchemaKind::Answers => modsim_sim::exercise::answers_schema(),
        SchemaKind::Calendar => modsim_policy::calendar::json_schema(),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Every shipped TOML file, and every file `modsim new` writes, validates against the committed
/// schema of its kind (`schemas/`, which `tests/end_to_end.rs` keeps equal to this command's
/// output), so a loader and its schema cannot drift apart unnoticed: a TOML editor would flag
/// a shipped file the program reads.
#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::check::FileKind;
    use crate::templates;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The schema kind of a file kind `modsim check` tells apart.
    fn schema_kind(kind: FileKind) -> SchemaKind {
        match kind {
            FileKind::Policy => SchemaKind::Policy,
            FileKind::Scenario => SchemaKind::Scenario,
            FileKind::Reform => SchemaKind::Reform,
            FileKind::Exercise => SchemaKind::Exercise,
            FileKind::Answers => SchemaKind::Answers,
            FileKind::Calendar => SchemaKind::Calendar,
        }
    }

    fn name(kind: SchemaKind) -> &'static str {
        match kind {
            SchemaKind::Policy => "policy",
            SchemaKind::Scenario => "scenario",
            SchemaKind::Reform => "reform",
            SchemaKind::Exercise => "exercise",
            SchemaKind::Answers => "answers",
            SchemaKind::Calendar => "calendar",
        }
    }

    /// Every `.toml` file under `dir`, in a fixed order.
    fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                toml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }

    /// A TOML document as the JSON a schema validator reads: dates and times as strings, as
    /// TOML editors read them.
    fn json(value: toml::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(n) => n.into(),
            toml::Value::Float(x) => {
                serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
            }
            toml::Value::Boolean(b) => b.into(),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(a) => Value::Array(a.into_iter().map(json).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, json(v))).collect())
            }
        }
    }

    /// The problems of `text` (named `file`) against the committed schema of `kind`, one line
    /// each: file, the failing path in the document, what failed.
    fn validate(file: &str, text: &str, kind: SchemaKind) -> Vec<String> {
        let path = root().join(format!("schemas/{}.schema.json", name(kind)));
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let document = json(toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}")));
        validator
            .iter_errors(&document)
            .map(|e| {
                format!(
                    "{file}: `{}` against schemas/{}.schema.json: {e}",
                    e.instance_path(),
                    name(kind)
                )
            })
            .collect()
    }

    #[test]
    fn every_shipped_file_validates_against_its_schema() {
        let mut files = Vec::new();
        for folder in ["policies", "seeds", "exercises"] {
            toml_files(&root().join(folder), &mut files);
        }
        let mut failures = Vec::new();
        let mut kinds = Vec::new();
        for path in &files {
            let file = path.strip_prefix(root()).unwrap().display().to_string();
            let text = std::fs::read_to_string(path).unwrap();
            let kind = FileKind::detect(&text)
                .map(schema_kind)
                .unwrap_or_else(|| panic!("{file}: no kind"));
            kinds.push(name(kind));
            failures.extend(validate(&file, &text, kind));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        for kind in ["policy", "reform", "scenario", "exercise", "answers"] {
            assert!(kinds.contains(&kind), "no shipped {kind} was validated");
        }
        let mut calendars = Vec::new();
        toml_files(&root().join("calendars"), &mut calendars);
        assert!(calendars.len() >= 3, "the shipped calendars");
        for path in &calendars {
            let file = path.strip_prefix(root()).unwrap().display().to_string();
            let text = std::fs::read_to_string(path).unwrap();
            failures.extend(validate(&file, &text, SchemaKind::Calendar));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(
            files
                .iter()
                .any(|f| f.ends_with("seeds/weekend-2021-01/scenario.toml")),
            "the weekend seed, with its facts and deliveries, is among them"
        );
    }

    #[test]
    fn the_files_modsim_new_writes_validate_against_their_schemas() {
        let exercise = templates::EXERCISE.replace("SCENARIO_PATH", "../seeds/parler-aws-2021");
        let failures: Vec<String> = [
            ("new policy.toml", templates::POLICY, SchemaKind::Policy),
            (
                "new scenario.toml",
                templates::SCENARIO,
                SchemaKind::Scenario,
            ),
            ("new exercise.toml", exercise.as_str(), SchemaKind::Exercise),
            ("new key.toml", templates::KEY, SchemaKind::Answers),
        ]
        .into_iter()
        .flat_map(|(file, text, kind)| validate(file, text, kind))
        .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn a_file_the_schema_refuses_is_named_with_its_path() {
        let text = templates::SCENARIO.replacen("kind = \"notice\"", "kind = \"notise\"", 1);
        let failures = validate("bad.toml", &text, SchemaKind::Scenario);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            failures[0]
                .starts_with("bad.toml: `/event/0/kind` against schemas/scenario.schema.json: "),
            "{}",
            failures[0]
        );
    }

    /// The text of `doc` that documents a vocabulary: each table row, or paragraph, that
    /// starts with `start`.
    fn documented(doc: &str, start: &str) -> Vec<String> {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let mut found = Vec::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if line.starts_with(start) {
                let mut block = line.to_owned();
                if !line.starts_with('|') {
                    for next in lines.by_ref().take_while(|l| !l.trim().is_empty()) {
                        block.push(' ');
                        block.push_str(next);
                    }
                }
                found.push(block);
            }
        }
        assert!(!found.is_empty(), "{doc} has no `{start}`");
        found
    }

    /// Words of `V` that a documenting text of `doc` leaves out.
    fn undocumented<V: modsim_policy::Vocabulary>(doc: &str, start: &str) -> Vec<String> {
        documented(doc, start)
            .iter()
            .flat_map(|text| {
                V::names()
                    .filter(|w| !text.contains(&format!("`{w}`")))
                    .map(move |w| format!("{doc}: `{start}...` does not list `{w}` ({})", V::WHAT))
            })
            .collect()
    }

    #[test]
    fn the_format_docs_list_every_word_of_each_vocabulary() {
        use modsim_policy::{Action, Calendars, Discharge, Mark, Trigger};
        use modsim_sim::timeline::EventKind;
        let policy = "docs/policy-format.md";
        let scenario = "docs/scenario-format.md";
        let missing: Vec<String> = [
            undocumented::<Action>(policy, "The actions ("),
            undocumented::<Trigger>(policy, "| `opens` |"),
            undocumented::<Discharge>(policy, "| `met_by` |"),
            undocumented::<Action>(scenario, "| `action` |"),
            undocumented::<EventKind>(scenario, "| `kind` |"),
            undocumented::<Mark>(scenario, "| `mark` |"),
        ]
        .concat();
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        let text =
            std::fs::read_to_string(format!("{}/../../{policy}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        for name in Calendars::shipped().names() {
            assert!(
                text.contains(&format!("| `{name}` |")),
                "{policy} does not list the shipped calendar `{name}`"
            );
        }
    }
}
