//! The channel's resource identity (Terraform 1.12+): the gateway and the
//! channel ID name it; project and region say where, and default to the
//! provider's when an import block leaves them out.

use std::sync::OnceLock;

use crate::provider::config::ProviderConfig;
use crate::provider::gateway::is_api_id;
use crate::tf_object;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::identity::{IdentityAttribute, IdentitySchema};
use crate::tfplugin::typed::{view, Known, Tf};
use crate::tfplugin::value::{Type, Value};

use super::state::Channel;

tf_object! {
    /// The identity object; attribute names are the resource's.
    pub struct Identity {
        instance_id: String = INSTANCE_ID "instance_id",
        id: String = ID "id",
        project_id: String = PROJECT_ID "project_id",
        region: String = REGION "region",
    }
}

pub fn schema() -> &'static IdentitySchema {
    static S: OnceLock<IdentitySchema> = OnceLock::new();
    S.get_or_init(|| {
        let a = |name, required_for_import, description| IdentityAttribute {
            name,
            ty: Type::String,
            required_for_import,
            description,
        };
        IdentitySchema {
            version: 0,
            attributes: vec![
                a(
                    Identity::INSTANCE_ID,
                    true,
                    "ID of the dedicated gateway the channel belongs to.",
                ),
                a(Identity::ID, true, "ID of the VPC channel."),
                a(
                    Identity::PROJECT_ID,
                    false,
                    "Project of the gateway; the provider's when not given.",
                ),
                a(
                    Identity::REGION,
                    false,
                    "Region of the gateway; the provider's when not given.",
                ),
            ],
        }
    })
}

/// The identity of a channel's state (or plan: an ID not yet known stays
/// unknown).
pub fn of_channel(c: &Channel) -> Value {
    Identity {
        instance_id: c.instance_id.clone(),
        id: c.id.clone(),
        project_id: c.project_id.clone(),
        region: c.region.clone(),
    }
    .to_known()
}

/// The minimal state an import by identity starts from; ReadResource
/// completes it. IDs are checked here, before any call.
pub fn import_state(cfg: Option<&ProviderConfig>, identity: &Value) -> Result<Channel, Diagnostic> {
    let i: Identity = view(identity);
    for (name, v) in [
        (Identity::INSTANCE_ID, &i.instance_id),
        (Identity::ID, &i.id),
    ] {
        let s = v.str().unwrap_or_default();
        if !is_api_id(s) {
            return Err(Diagnostic::error(
                "Invalid resource identity",
                format!(
                    "`identity.{name}` must be an ID of 1 to 64 letters, digits, hyphens (-) and underscores (_), e.g. `eddc4d25480b4cd6b512f270a1b8b341`; got {s:?}. The identity of a channel is `{{ instance_id = \"<gateway ID>\", id = \"<channel ID>\" }}`, optionally with `project_id` and `region`."
                ),
            ));
        }
    }
    let default = |own: Tf<String>, provider: Option<&String>| match own {
        Tf::Known(s) if !s.is_empty() => Tf::Known(s),
        _ => provider.cloned().into(),
    };
    Ok(Channel {
        id: i.id,
        instance_id: i.instance_id,
        project_id: default(i.project_id, cfg.and_then(|c| c.project_id.as_ref())),
        region: default(i.region, cfg.and_then(|c| c.region.as_ref())),
        ..Channel::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::value::test_value;

    const GW: &str = "eddc4d25480b4cd6b512f270a1b8b341";

    #[test]
    fn the_struct_declares_the_schema_attributes() {
        let names: Vec<&str> = schema().attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, Identity::NAMES);
        let required: Vec<&str> = (schema().attributes.iter())
            .filter(|a| a.required_for_import)
            .map(|a| a.name)
            .collect();
        assert_eq!(required, ["instance_id", "id"]);
    }

    #[test]
    fn identity_of_a_state_and_of_a_create_plan() {
        let state = test_value(serde_json::json!({
            "id": "c1", "instance_id": GW, "project_id": "p", "region": "r", "name": "n"
        }));
        let of_state = |v: &Value| of_channel(&view(v));
        let i = of_state(&state);
        assert_eq!(i.get("id").as_str(), Some("c1"));
        assert_eq!(i.get("region").as_str(), Some("r"));
        assert!(i.get("name").is_null());
        let mut plan = state.clone();
        if let Value::Object(o) = &mut plan {
            o.insert("id".into(), Value::Unknown);
        }
        assert!(of_state(&plan).get("id").is_unknown());
    }

    #[test]
    fn import_takes_the_identity_and_checks_its_ids() {
        let id = test_value(
            serde_json::json!({"instance_id": GW, "id": "abc-1", "project_id": null, "region": "r2"}),
        );
        let s = import_state(None, &id).unwrap().to_known();
        assert_eq!(s.get("id").as_str(), Some("abc-1"));
        assert_eq!(s.get("region").as_str(), Some("r2"));
        assert!(s.get("project_id").is_null());
        let bad = test_value(serde_json::json!({"instance_id": GW, "id": "a/b"}));
        let e = import_state(None, &bad).unwrap_err();
        assert!(
            e.detail.contains("`identity.id`") && e.detail.contains("\"a/b\""),
            "{}",
            e.detail
        );
        let bad = test_value(serde_json::json!({"instance_id": "", "id": "x"}));
        assert!(import_state(None, &bad)
            .unwrap_err()
            .detail
            .contains("`identity.instance_id`"));
    }
}
