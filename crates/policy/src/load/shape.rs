//! Every structural problem of a TOML file in one pass: the file read as spanned TOML and
//! checked against the JSON Schema of its kind (generated from the raw structs serde reads,
//! so the two cannot disagree) for missing fields, unknown fields, values of the wrong type
//! and unknown words, in every table. serde stops at the first such problem; [`read`] asks
//! serde first and, only when it fails, walks the whole file for the others.

use std::ops::Range;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{FileProblems, Problem, did_you_mean};

/// Reads a TOML file of kind `T` (nesting checked first, as [`super::check_nesting`] does),
/// or returns every structural problem of it, each located; `name` is how the file is named
/// to the user.
pub fn read<T: DeserializeOwned + JsonSchema>(name: &str, text: &str) -> Result<T, FileProblems> {
    if let Err(problem) = super::check_nesting(text) {
        return Err(FileProblems::new(name, text, vec![problem]));
    }
    let first = match toml::from_str::<T>(text) {
        Ok(raw) => return Ok(raw),
        Err(e) => super::toml_problem(&e),
    };
    let mut problems = problems::<T>(text);
    // serde's own problem stands beside the walk's. At the same place, serde's generic wording
    // ("invalid type: ...") gives way to the walk's, which names the field and what it must
    // be; a loader's own message (what an instant is) is kept instead of the walk's.
    let generic = [
        "invalid type",
        "invalid value",
        "missing field",
        "unknown field",
        "data did not match",
    ]
    .iter()
    .any(|g| first.message.starts_with(g));
    if generic {
        if !problems.iter().any(|p| p.span == first.span) {
            problems.push(first);
        }
    } else {
        problems.retain(|p| p.span != first.span);
        problems.push(first);
    }
    problems.sort_by_key(|p| p.span.as_ref().map(|s| (s.start, s.end)));
    Err(FileProblems::new(name, text, problems))
}

/// The JSON Schema of a file kind, for TOML editors (`modsim schema KIND`) and for [`read`].
pub fn schema_for<T: JsonSchema>() -> schemars::Schema {
    // Draft 7, the draft TOML editors (Taplo, Even Better TOML) read everywhere.
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Every structural problem of `text` against the schema of `T`; none when the text is not
/// TOML at all (serde's problem says where).
pub fn problems<T: JsonSchema>(text: &str) -> Vec<Problem> {
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let schema = schema_for::<T>();
    let empty = Map::new();
    let mut walk = Walk {
        definitions: schema
            .get("definitions")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
        problems: Vec::new(),
    };
    let span = root.span();
    let root = Spanned::new(span, DeValue::Table(root.into_inner()));
    walk.value(schema.as_value(), &root, &Field::Root);
    walk.problems
}

/// The schema's definitions, and the problems found so far.
struct Walk<'s> {
    definitions: &'s Map<String, Value>,
    problems: Vec<Problem>,
}

/// Where a value sits, for messages.
enum Field<'a> {
    /// The file itself.
    Root,
    /// The value of a key.
    Key(&'a str),
    /// An item of an array under a key.
    Item(&'a str),
}

impl Field<'_> {
    /// `` `mark` ``, `` each of `labels` ``, `the file`.
    fn describe(&self) -> String {
        match self {
            Field::Root => "the file".to_owned(),
            Field::Key(key) => format!("`{key}`"),
            Field::Item(key) => format!("each of `{key}`"),
        }
    }

    fn key(&self) -> &str {
        match self {
            Field::Root => "",
            Field::Key(key) | Field::Item(key) => key,
        }
    }
}

impl<'s> Walk<'s> {
    /// Checks `value` against `schema`, the schema of `field`.
    fn value(&mut self, schema: &'s Value, value: &Spanned<DeValue<'_>>, field: &Field<'_>) {
        let (schema, word) = self.resolve(schema);
        let Some(schema) = schema.as_object() else {
            // `true`: any value.
            return;
        };
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            self.branches(branches, word, value, field);
            return;
        }
        let types = types(schema);
        if !types.is_empty() && !types.iter().any(|t| is_a(t, value.get_ref())) {
            self.wrong_type(&types, value, field);
            return;
        }
        match value.get_ref() {
            DeValue::Table(table) => self.table(schema, table, value.span()),
            DeValue::Array(items) => {
                if let Some(item) = schema.get("items") {
                    for v in items.iter() {
                        self.value(item, v, &Field::Item(field.key()));
                    }
                }
            }
            DeValue::Integer(n) => self.range(schema, n, value.span(), field),
            _ => {}
        }
    }

    /// Follows `$ref` and one-element `allOf` to the schema that says what a value is, with
    /// the name of the definition it came from (a vocabulary's, for its words).
    fn resolve(&self, mut schema: &'s Value) -> (&'s Value, Option<&'s str>) {
        let mut word = None;
        // Definitions do not refer to themselves in a loop, but a bound costs nothing.
        for _ in 0..16 {
            if let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                && let Some(target) = self.definitions.get(name)
            {
                word = Some(name);
                schema = target;
            } else if let Some([only]) = schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                schema = only;
            } else {
                break;
            }
        }
        (schema, word)
    }

    /// A value that may take one of several forms: a word of a vocabulary (every branch a
    /// `const`), or one of several shapes (an optional value, a number or a period).
    fn branches(
        &mut self,
        branches: &'s [Value],
        word: Option<&str>,
        value: &Spanned<DeValue<'_>>,
        field: &Field<'_>,
    ) {
        let branches: Vec<&Value> = branches
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        let words: Option<Vec<&str>> = branches
            .iter()
            .map(|b| b.get("const").and_then(Value::as_str))
            .collect();
        if let Some(words) = words
            && !words.is_empty()
        {
            match value.get_ref() {
                DeValue::String(text) if words.contains(&text.as_ref()) => {}
                DeValue::String(text) => {
                    let what = word.map_or_else(|| "word".to_owned(), words_of);
                    self.problems.push(
                        Problem::error(format!("unknown {what} `{text}`"), Some(value.span()))
                            .suggesting(text, words.iter().copied()),
                    );
                }
                _ => self.wrong_type(&["string"], value, field),
            }
            return;
        }
        // The branches whose type fits; a value fits the first of them that has no problem.
        let fitting: Vec<&Value> = branches
            .iter()
            .copied()
            .filter(|b| {
                let (b, _) = self.resolve(b);
                let types = b.as_object().map(types).unwrap_or_default();
                types.is_empty() || types.iter().any(|t| is_a(t, value.get_ref()))
            })
            .collect();
        if fitting.is_empty() {
            let mut expected: Vec<&str> = Vec::new();
            for b in &branches {
                let (b, _) = self.resolve(b);
                for t in b.as_object().map(types).unwrap_or_default() {
                    if !expected.contains(&t) {
                        expected.push(t);
                    }
                }
            }
            self.wrong_type(&expected, value, field);
            return;
        }
        let mut first_problems = None;
        for branch in fitting {
            let before = self.problems.len();
            self.value(branch, value, field);
            let found = self.problems.split_off(before);
            if found.is_empty() {
                return;
            }
            first_problems.get_or_insert(found);
        }
        self.problems.extend(first_problems.unwrap_or_default());
    }

    /// A table: its unknown keys (with the close known one), each known key's value, the
    /// required keys it lacks (located at its header, or its `{`).
    fn table(&mut self, schema: &'s Map<String, Value>, table: &DeTable<'_>, span: Range<usize>) {
        static NONE: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&NONE);
        let others = schema.get("additionalProperties");
        let mut meant: Vec<&str> = Vec::new();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            if let Some(property) = properties.get(name) {
                self.value(property, value, &Field::Key(name));
                continue;
            }
            match others {
                Some(Value::Bool(false)) => {
                    let known = properties.keys().map(String::as_str);
                    let problem =
                        Problem::error(format!("unknown field `{name}`"), Some(key.span()));
                    self.problems.push(match did_you_mean(name, known) {
                        Some(close) => {
                            meant.push(close);
                            problem.with_help(format!("did you mean `{close}`?"))
                        }
                        None => problem.with_help(format!(
                            "the fields here are {}",
                            backticked(properties.keys().map(String::as_str))
                        )),
                    });
                }
                Some(schema) => self.value(schema, value, &Field::Key(name)),
                None => {}
            }
        }
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            // A misspelt key already says which was meant.
            if table.get(name).is_some() || meant.contains(&name) {
                continue;
            }
            self.problems.push(
                Problem::error(format!("missing field `{name}`"), Some(span.clone()))
                    .with_help("add it; the format reference in docs/ lists what each table needs"),
            );
        }
    }

    /// A whole number outside the bounds its field allows.
    fn range(
        &mut self,
        schema: &Map<String, Value>,
        n: &toml::de::DeInteger<'_>,
        span: Range<usize>,
        field: &Field<'_>,
    ) {
        let Ok(n) = i128::from_str_radix(n.as_str(), n.radix()) else {
            return;
        };
        let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
        let low = bound("minimum").map(|m| m as i128);
        let high = bound("maximum").map(|m| m as i128);
        let outside = low.is_some_and(|low| n < low) || high.is_some_and(|high| n > high);
        if outside {
            let allowed = match (low, high) {
                (Some(low), Some(high)) => format!("between {low} and {high}"),
                (Some(low), None) => format!("at least {low}"),
                (None, Some(high)) => format!("at most {high}"),
                (None, None) => return,
            };
            self.problems.push(Problem::error(
                format!("{} must be {allowed}, not `{n}`", field.describe()),
                Some(span),
            ));
        }
    }

    fn wrong_type(&mut self, expected: &[&str], value: &Spanned<DeValue<'_>>, field: &Field<'_>) {
        let expected: Vec<&str> = expected.iter().map(|t| type_name(t)).collect();
        self.problems.push(Problem::error(
            format!(
                "{} must be {}, not {}",
                field.describe(),
                expected.join(" or "),
                found_name(value.get_ref())
            ),
            Some(value.span()),
        ));
    }
}

/// The types a schema allows, `null` aside (TOML has no null: a value left out is absent).
fn types(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|t| *t != "null")
    .collect()
}

/// True when a TOML value is of a JSON Schema type (dates and times are strings, as TOML
/// editors read them).
fn is_a(ty: &str, value: &DeValue<'_>) -> bool {
    matches!(
        (ty, value),
        ("string", DeValue::String(_) | DeValue::Datetime(_))
            | ("integer", DeValue::Integer(_))
            | ("number", DeValue::Integer(_) | DeValue::Float(_))
            | ("boolean", DeValue::Boolean(_))
            | ("object", DeValue::Table(_))
            | ("array", DeValue::Array(_))
    )
}

/// A JSON Schema type as a message names it.
fn type_name(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "object" => "a table",
        "array" => "an array",
        _ => "a value",
    }
}

/// What a TOML value is, as a message names it.
fn found_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number with a fraction",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date or time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A vocabulary's definition name as messages name its words: `EventKind` → `event kind`.
fn words_of(definition: &str) -> String {
    let mut out = String::new();
    for c in definition.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn backticked<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::load::{PolicyDoc, RawPolicy};
    use crate::reform::ReformDoc;

    /// The messages of the problems of a refused file, in the file's order.
    fn messages(problems: FileProblems) -> Vec<String> {
        problems.problems.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn a_missing_field_no_longer_hides_a_misspelt_one() {
        let text = "[policy]\nid = \"p\"\ntitle = \"P\"\nsource = \"s\"\n\n[[clause]]\nid = \"1\"\ntitle = \"t\"\ntext = \"t\"\nsource = \"s\"\nduty = { holdr = \"a\", opens = \"reported\", met_by = \"removed\" }\n";
        let problems = PolicyDoc::parse("p.toml", text).unwrap_err();
        assert!(problems.problems.iter().all(|p| p.span.is_some()));
        assert_eq!(
            messages(problems),
            ["missing field `mark`", "unknown field `holdr`"]
        );
    }

    #[test]
    fn a_reform_reports_every_table() {
        let text = "[reform]\nid = \"r\"\ntitel = \"R\"\napplies_to = \"p\"\nremove = \"1\"\n";
        let problems = ReformDoc::parse("r.toml", text).unwrap_err();
        assert_eq!(
            messages(problems),
            [
                "unknown field `titel`",
                "`remove` must be an array, not a string"
            ]
        );
    }

    #[test]
    fn a_calendar_reports_every_table() {
        let text = "[calendar]\nname = \"c\"\nsource = \"s\"\nyears = [\"2021\"]\n\n[[holiday]]\nnam = \"New Year\"\n";
        let problems = Calendar::parse("c.toml", text).unwrap_err();
        let messages = messages(problems);
        assert!(
            messages.contains(&"missing field `title`".to_owned()),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"each of `years` must be a whole number, not a string".to_owned()),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"unknown field `nam`".to_owned()),
            "{messages:?}"
        );
    }

    /// The walk is never stricter than serde: every shipped policy, which serde reads, has no
    /// structural problem.
    #[test]
    fn shipped_policies_have_no_structural_problem() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies");
        let mut read = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(toml::from_str::<RawPolicy>(&text).is_ok(), "{path:?}");
                let found = problems::<RawPolicy>(&text);
                assert!(found.is_empty(), "{path:?}: {found:?}");
                read += 1;
            }
        }
        assert!(read >= 10, "only {read} policies");
    }
}
