//! `huaweicloud_apig_vpc_channel`: validation, where a channel lives, and
//! plan; the lifecycle calls are in `lifecycle.rs`, import in `import.rs`.

pub mod convert;
mod create;
mod cross_field;
mod generate;
pub mod identity;
pub mod import;
mod lifecycle;
pub mod lossless;
mod messages;
pub mod plan;
mod resource;
pub mod rules;
pub mod schema;
pub mod state;

pub use lifecycle::{create, delete, is_channel_id, read, update};
pub(crate) use messages::{api_diag, explain};
pub use resource::VpcChannel;

use crate::apig::client::Target;
use crate::provider::config::ProviderConfig;
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::provider::PlanResponse;
use crate::tfplugin::typed::Tf;
use crate::tfplugin::value::{AttrPath, Value};

use convert::Location;

/// ValidateResourceConfig: every documented constraint, before any call.
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    schema::schema().diagnose(config)
}

/// Resolves the API target of a channel from its state or plan.
pub(crate) fn locate(v: &Value, cfg: &ProviderConfig) -> Result<(Target, Location), Diagnostic> {
    let instance_id = v
        .get(state::Channel::INSTANCE_ID)
        .as_str()
        .unwrap_or_default()
        .to_string();
    let project_id = v
        .get(state::Channel::PROJECT_ID)
        .as_str()
        .map(str::to_string)
        .or_else(|| cfg.project_id.clone())
        .ok_or_else(|| {
            Diagnostic::error_at(
                AttrPath::root().attr(state::Channel::PROJECT_ID),
                "No project ID",
                "Set `project_id` on the resource or on the provider (environment: HW_PROJECT_ID).",
            )
        })?;
    let region = v
        .get(state::Channel::REGION)
        .as_str()
        .map(str::to_string)
        .or_else(|| cfg.region.clone());
    let base_url = cfg
        .base_url(region.as_deref())
        .map_err(|e| {
            Diagnostic::error_at(
                AttrPath::root().attr(state::Channel::REGION),
                "Invalid region",
                format!("{e}. Nothing was sent."),
            )
        })?
        .ok_or_else(|| {
            Diagnostic::error_at(
                AttrPath::root().attr(state::Channel::REGION),
                "No region or endpoint",
                "Set `region` on the resource or the provider (environment: HW_REGION_NAME), or set `endpoints = { apig = \"...\" }` on the provider.",
            )
        })?;
    let endpoint = format!(
        "{} (from {})",
        crate::apig::client::redact_url(&base_url),
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

/// `project_at_apply`: the default project depends on a region known only
/// at apply, so it is planned unknown.
pub fn plan(
    cfg: Option<&ProviderConfig>,
    prior: &Value,
    config: &Value,
    project_at_apply: bool,
) -> PlanResponse {
    let config =
        &crate::tfplugin::planning::without_read_only(&schema::schema().attributes, config);
    let mut diags = if config.is_null() {
        Vec::new()
    } else {
        validate(config)
    };
    if has_errors(&diags) {
        return PlanResponse {
            diags,
            ..Default::default()
        };
    }
    let defaults = plan::Defaults {
        project_id: match cfg.and_then(|c| c.project_id.as_deref()) {
            _ if project_at_apply => Tf::Unknown,
            p => p.into(),
        },
        region: cfg.and_then(|c| c.region.as_deref()),
    };
    let (planned, requires_replace) = plan::plan(prior, config, &defaults);
    if !planned.is_null() && planned.get(state::Channel::PROJECT_ID).is_null() {
        diags.push(Diagnostic::error_at(
            AttrPath::root().attr(state::Channel::PROJECT_ID),
            "No project ID",
            "Set `project_id` on the resource or on the provider (environment: HW_PROJECT_ID).",
        ));
    }
    PlanResponse {
        planned,
        requires_replace,
        private: Vec::new(),
        diags,
    }
}

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
pub(crate) mod plan_props;
#[cfg(test)]
mod tests;
