//! `modsim schema`: the JSON Schema of each file kind, for TOML editors. The committed copies
//! under `schemas/` are this command's output (a test keeps them equal).

use crate::args::SchemaKind;

/// The schema of `kind`, pretty-printed, ending in a newline.
pub fn text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Policy => modsim_policy::load::json_schema(),
        SchemaKind::Scenario => modsim_sim::scenario::json_schema(),
        SchemaKind::Reform => modsim_policy::reform::json_schema(),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
