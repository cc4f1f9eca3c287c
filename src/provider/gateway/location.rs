//! Where a gateway-scoped object lives: its gateway, project and region,
//! and the API target and endpoint they mean.

use crate::apig::client::{redact_url, Target};
use crate::provider::args::Setting;
use crate::provider::config::ProviderConfig;
use crate::provider::endpoint::{is_region_name, REGION_RULE};
use crate::tf_object;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::schema::{Attribute as A, Check};
use crate::tfplugin::value::{AttrPath, Type};

tf_object! {
    /// The attributes every gateway-scoped resource and data source has:
    /// a typed view of any of their values.
    pub struct Scope {
        instance_id: String = INSTANCE_ID "instance_id",
        project_id: String = PROJECT_ID "project_id",
        region: String = REGION "region",
    }
}

/// The declarations of [`Scope`]'s attributes, in this order:
/// `instance_id` (described by the kind), then `project_id` and `region`
/// (the provider's when unset). Changing any of them replaces the object.
pub fn scope_attributes(instance_description: &'static str) -> [A; 3] {
    [
        A::required(Scope::INSTANCE_ID, Type::String, instance_description)
            .force_new()
            .check(Check::Length(1, 64))
            .check(Check::Pattern(is_plain_id, PLAIN_ID_RULE)),
        A::optional_computed(
            Scope::PROJECT_ID,
            Type::String,
            "Project ID. Defaults to the provider's `project_id`.",
        )
        .force_new()
        .check(Check::Length(1, 64)),
        A::optional_computed(
            Scope::REGION,
            Type::String,
            "Region of the gateway. Defaults to the provider's `region`.",
        )
        .force_new()
        .check(Check::Length(1, 64))
        .check(Check::Pattern(is_region_name, REGION_RULE)),
    ]
}

/// The characters of an ID such as a gateway's (its length is checked on
/// its own).
pub fn is_plain_id(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// The rule of [`is_plain_id`], for messages.
pub const PLAIN_ID_RULE: &str = "letters, digits, hyphens (-) and underscores (_)";

/// Where an object lives, as recorded in state.
#[derive(Clone, Debug)]
pub struct Location {
    pub instance_id: String,
    pub project_id: String,
    pub region: Option<String>,
    /// The APIG endpoint and the setting it comes from, for messages.
    pub endpoint: String,
}

/// An ID usable in a URL and in state (a gateway's, or an object's).
pub fn is_api_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && is_plain_id(s)
}

/// The rule of [`is_api_id`], for messages.
pub const ID_RULE: &str = "1 to 64 letters, digits, hyphens (-) and underscores (_)";

/// The API target of an object, from its own gateway, project and region
/// or else the provider's.
pub fn locate(scope: &Scope, cfg: &ProviderConfig) -> Result<(Target, Location), Diagnostic> {
    let instance_id = scope.instance_id.cloned().unwrap_or_default();
    let project_id = (scope.project_id.cloned())
        .or_else(|| cfg.project_id.clone())
        .ok_or_else(no_project)?;
    let region = scope.region.cloned().or_else(|| cfg.region.clone());
    let region_at = || AttrPath::root().attr(Scope::REGION);
    let base_url = cfg
        .base_url(region.as_deref())
        .map_err(|e| {
            Diagnostic::error_at(
                region_at(),
                "Invalid region",
                format!("{e}. Nothing was sent."),
            )
        })?
        .ok_or_else(|| {
            Diagnostic::error_at(
                region_at(),
                "No region or endpoint",
                format!("Set `region` on the resource or the provider (environment: {}), or set `endpoints = {{ apig = \"...\" }}` on the provider.", Setting::REGION.env_var()),
            )
        })?;
    let endpoint = format!(
        "{} (from {})",
        redact_url(&base_url),
        cfg.apig_endpoint_setting(region.as_deref())
    );
    Ok((
        Target {
            base_url,
            project_id: project_id.clone(),
            instance_id: instance_id.clone(),
        },
        Location {
            instance_id,
            project_id,
            region,
            endpoint,
        },
    ))
}

/// Neither the object nor the provider names a project.
pub fn no_project() -> Diagnostic {
    Diagnostic::error_at(
        AttrPath::root().attr(Scope::PROJECT_ID),
        "No project ID",
        format!(
            "Set `project_id` on the resource or on the provider (environment: {}).",
            Setting::PROJECT_ID.env_var()
        ),
    )
}
