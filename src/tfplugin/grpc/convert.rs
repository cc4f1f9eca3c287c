//! Protocol messages to and from the provider's own types: DynamicValues
//! (decoded by schema), diagnostics, attribute paths and schemas.

use crate::tfplugin::codec;
use crate::tfplugin::diag::{Diagnostic, Severity};
use crate::tfplugin::proto;
use crate::tfplugin::schema::{Attribute, Kind, Nesting, Presence, Schema};
use crate::tfplugin::value::{AttrPath, PathStep, Type, Value};

/// A DynamicValue (msgpack, or JSON from older clients) as a [`Value`]
/// of type `ty`; `what` names it in the error.
pub fn decode(
    dv: Option<&proto::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostic> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let res = if !dv.msgpack.is_empty() {
        codec::decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        codec::decode_json(&dv.json, ty).map(|(v, _)| v)
    } else {
        return Ok(Value::Null);
    };
    res.map_err(|e| {
        Diagnostic::error(
            format!("Invalid {what} from Terraform"),
            format!("The provider could not decode the {what}: {e}"),
        )
    })
}

/// A [`Value`] as a msgpack DynamicValue of type `ty`.
pub fn encode(v: &Value, ty: &Type) -> Result<proto::DynamicValue, Diagnostic> {
    codec::encode_msgpack(v, ty)
        .map(|msgpack| proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Provider produced an unencodable value",
                format!("This is a bug in the provider: {e}"),
            )
        })
}

/// An attribute path as the protocol's steps.
pub fn path_to_proto(p: &AttrPath) -> proto::AttributePath {
    use proto::attribute_path::step::Selector;
    proto::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| proto::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(a) => Selector::AttributeName(a.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                }),
            })
            .collect(),
    }
}

/// Diagnostics as the protocol's, each with the path Terraform shows.
pub fn diags_to_proto(d: &[Diagnostic]) -> Vec<proto::Diagnostic> {
    d.iter()
        .map(|d| proto::Diagnostic {
            severity: match d.severity {
                Severity::Error => proto::diagnostic::Severity::Error as i32,
                Severity::Warning => proto::diagnostic::Severity::Warning as i32,
            },
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            attribute: d.source_path().map(path_to_proto),
        })
        .collect()
}

fn attribute_to_proto(a: &Attribute) -> proto::schema::Attribute {
    let (ty, nested_type) = match &a.kind {
        Kind::Plain(t) => (t.to_json().into_bytes(), None),
        // Blocks are declared in `block_types` (see `block_to_proto`).
        Kind::Nested(n, children) | Kind::Block(n, children) => (
            Vec::new(),
            Some(proto::schema::Object {
                attributes: children.iter().map(attribute_to_proto).collect(),
                nesting: match n {
                    Nesting::Single => proto::schema::object::NestingMode::Single,
                    Nesting::List => proto::schema::object::NestingMode::List,
                    Nesting::Set => proto::schema::object::NestingMode::Set,
                } as i32,
                ..Default::default()
            }),
        ),
    };
    proto::schema::Attribute {
        name: a.name.to_string(),
        r#type: ty,
        nested_type,
        description: a.description.to_string(),
        description_kind: proto::StringKind::Markdown as i32,
        required: a.presence == Presence::Required,
        optional: matches!(a.presence, Presence::Optional | Presence::OptionalComputed),
        computed: a.is_computed(),
        sensitive: a.sensitive,
        write_only: a.write_only,
        ..Default::default()
    }
}

fn is_block(a: &Attribute) -> bool {
    matches!(a.kind, Kind::Block(..))
}

/// Attributes and nested blocks of a block.
fn block_to_proto(version: i64, description: &str, attrs: &[Attribute]) -> proto::schema::Block {
    proto::schema::Block {
        version,
        attributes: attrs
            .iter()
            .filter(|a| !is_block(a))
            .map(attribute_to_proto)
            .collect(),
        block_types: attrs
            .iter()
            .filter_map(|a| match &a.kind {
                Kind::Block(n, children) => Some(proto::schema::NestedBlock {
                    type_name: a.name.to_string(),
                    block: Some(block_to_proto(0, a.description, children)),
                    nesting: match n {
                        Nesting::Single => proto::schema::nested_block::NestingMode::Single,
                        Nesting::List => proto::schema::nested_block::NestingMode::List,
                        Nesting::Set => proto::schema::nested_block::NestingMode::Set,
                    } as i32,
                    min_items: 0,
                    max_items: 0,
                }),
                _ => None,
            })
            .collect(),
        description: description.to_string(),
        description_kind: proto::StringKind::Markdown as i32,
        ..Default::default()
    }
}

/// Declared schema to protocol schema.
pub fn schema_to_proto(s: &Schema) -> proto::Schema {
    proto::Schema {
        version: s.version,
        block: Some(block_to_proto(s.version, s.description, &s.attributes)),
    }
}

/// What this server tells Terraform it can do (plan destroy, get provider
/// schema optional, move resource state).
pub fn capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::Check;

    #[test]
    fn schema_conversion_uses_nested_type_only() {
        let s = Schema {
            version: 1,
            description: "d",
            attributes: vec![
                Attribute::required("name", Type::String, "the name").check(Check::Length(1, 3)),
                Attribute::optional("secret", Type::String, "s").sensitive(),
                Attribute::computed("id", Type::String, "id"),
                Attribute::optional("m", Type::Map(Box::new(Type::String)), "map"),
                Attribute::nested(
                    "items",
                    Nesting::List,
                    Presence::OptionalComputed,
                    vec![Attribute::required("k", Type::Number, "k")],
                    "items",
                ),
                Attribute::nested("one", Nesting::Single, Presence::Optional, vec![], "one"),
                Attribute::nested("many", Nesting::Set, Presence::Optional, vec![], "many"),
            ],
        };
        let p = schema_to_proto(&s);
        assert_eq!(p.version, 1);
        let b = p.block.unwrap();
        assert_eq!(b.description_kind, proto::StringKind::Markdown as i32);
        let get = |n: &str| b.attributes.iter().find(|a| a.name == n).unwrap().clone();
        let name = get("name");
        assert!(name.required && !name.optional && !name.computed);
        assert_eq!(name.r#type, b"\"string\"");
        assert!(get("secret").sensitive && get("secret").optional);
        let id = get("id");
        assert!(id.computed && !id.optional && !id.required);
        assert_eq!(get("m").r#type, br#"["map","string"]"#);
        let items = get("items");
        assert!(
            items.r#type.is_empty(),
            "nested attributes leave type empty"
        );
        let nt = items.nested_type.unwrap();
        assert_eq!(nt.nesting, proto::schema::object::NestingMode::List as i32);
        assert_eq!(nt.attributes[0].name, "k");
        assert!(items.optional && items.computed);
        assert_eq!(
            get("one").nested_type.unwrap().nesting,
            proto::schema::object::NestingMode::Single as i32
        );
        assert_eq!(
            get("many").nested_type.unwrap().nesting,
            proto::schema::object::NestingMode::Set as i32
        );
    }

    #[test]
    fn diagnostics_carry_paths() {
        let d = Diagnostic::error_at(
            AttrPath::root().attr("members").index(2).attr("weight"),
            "s",
            "d",
        );
        let p = diags_to_proto(&[d]);
        assert_eq!(p[0].severity, proto::diagnostic::Severity::Error as i32);
        let steps = &p[0].attribute.as_ref().unwrap().steps;
        use proto::attribute_path::step::Selector;
        assert_eq!(
            steps[0].selector,
            Some(Selector::AttributeName("members".into()))
        );
        assert_eq!(steps[1].selector, Some(Selector::ElementKeyInt(2)));
        assert_eq!(
            steps[2].selector,
            Some(Selector::AttributeName("weight".into()))
        );
    }
}
