//! Markdown reference generated from a declared schema, so the docs never
//! restate (and never drift from) the schema.

use super::schema::{Attribute, Kind, Nesting, Presence};
use super::value::Type;

fn type_name(t: &Type) -> String {
    match t {
        Type::Bool => "Bool".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Any".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn kind_name(a: &Attribute) -> String {
    match &a.kind {
        Kind::Plain(t) => type_name(t),
        Kind::Nested(Nesting::Single, _) => "Object".into(),
        Kind::Nested(Nesting::List, _) => "List of Objects".into(),
        Kind::Nested(Nesting::Set, _) => "Set of Objects".into(),
        Kind::Block(Nesting::Single, _) => "Block".into(),
        Kind::Block(_, _) => "Block List".into(),
    }
}

fn default_text(v: &super::value::Value) -> String {
    match v {
        super::value::Value::String(s) => format!("`\"{s}\"`"),
        super::value::Value::Bool(b) => format!("`{b}`"),
        other => other
            .as_i64()
            .map(|n| format!("`{n}`"))
            .unwrap_or_else(|| format!("`{other:?}`")),
    }
}

fn anchor(path: &str) -> String {
    format!("nested-{}", path.replace('.', "-"))
}

fn line(a: &Attribute, path: &str, argument: bool) -> String {
    let mut tags = vec![];
    if argument {
        tags.push(
            if a.presence == Presence::Required {
                "Required"
            } else {
                "Optional"
            }
            .to_string(),
        );
    }
    tags.push(kind_name(a));
    if a.force_new {
        tags.push("Forces new resource".into());
    }
    if a.sensitive {
        tags.push("Sensitive".into());
    }
    if a.write_only {
        tags.push("Write-only, Terraform 1.11+".into());
    }
    let mut s = format!("* `{}` - ({}) {}", a.name, tags.join(", "), a.description);
    if let Some(d) = &a.default {
        s.push_str(&format!(" Defaults to {}.", default_text(d)));
    } else if argument && a.presence == Presence::OptionalComputed && a.children().is_none() {
        s.push_str(" Computed by the API when unset.");
    }
    if !a.checks.is_empty() {
        let rules: Vec<String> = a.checks.iter().map(|c| c.describe()).collect();
        s.push_str(&format!(" Must be {}.", rules.join("; ")));
    }
    // Read-only copies (data sources) are not checked.
    for r in a.rules.iter().filter(|_| argument) {
        s.push_str(&format!(" Rule: {}", r.description));
    }
    if let Some(e) = a.env {
        s.push_str(&format!(" Environment variable: `{e}`."));
    }
    if let Kind::Nested(..) | Kind::Block(..) = a.kind {
        let p = if path.is_empty() {
            a.name.to_string()
        } else {
            format!("{path}.{}", a.name)
        };
        s.push_str(&format!(" See [`{p}`](#{}) below.", anchor(&p)));
    }
    s.push('\n');
    s
}

/// Arguments (configurable) and attributes (computed-only) of a list of
/// attributes, with a section per nested object.
pub fn reference(attrs: &[Attribute], title_args: &str, title_attrs: &str) -> String {
    let mut out = String::new();
    let mut nested: Vec<(String, &Attribute)> = Vec::new();
    out.push_str(&format!("## {title_args}\n\n"));
    for a in attrs.iter().filter(|a| !a.is_computed_only()) {
        out.push_str(&line(a, "", true));
        if a.children().is_some() {
            nested.push((a.name.to_string(), a));
        }
    }
    let computed: Vec<&Attribute> = attrs.iter().filter(|a| a.is_computed_only()).collect();
    if !computed.is_empty() {
        out.push_str(&format!("\n## {title_attrs}\n\nIn addition to the arguments above, these attributes are exported:\n\n"));
        for a in computed {
            out.push_str(&line(a, "", false));
            if a.children().is_some() {
                nested.push((a.name.to_string(), a));
            }
        }
    }
    while let Some((path, a)) = (!nested.is_empty()).then(|| nested.remove(0)) {
        let children = a.children().unwrap_or_default();
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n### `{path}`\n\n",
            anchor(&path)
        ));
        for c in children.iter().filter(|c| !c.is_computed_only()) {
            out.push_str(&line(c, &path, true));
        }
        let computed: Vec<&Attribute> = children.iter().filter(|c| c.is_computed_only()).collect();
        if !computed.is_empty() {
            out.push_str("\nRead-only:\n\n");
            for c in computed {
                out.push_str(&line(c, &path, false));
            }
        }
        let mut sub: Vec<(String, &Attribute)> = children
            .iter()
            .filter(|c| c.children().is_some())
            .map(|c| (format!("{path}.{}", c.name), c))
            .collect();
        nested.splice(0..0, sub.drain(..));
    }
    out
}
