//! `huaweicloud_apig_vpc_channel`: validation and plan; the lifecycle
//! calls are in `lifecycle.rs`, import in `import.rs`. Where a channel
//! lives, error messages and the create rules come from the gateway kit
//! (`provider::gateway`), to which `KIND` describes the channel.

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

pub use lifecycle::{create, delete, read, update};
pub use messages::KIND;
pub use resource::VpcChannel;

use crate::provider::config::ProviderConfig;
use crate::provider::gateway::no_project;
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::provider::PlanResponse;
use crate::tfplugin::typed::Tf;
use crate::tfplugin::value::Value;

use plan::Side;

/// ValidateResourceConfig: every documented constraint, before any call.
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    schema::schema().diagnose(config)
}

/// The plan after validation (the schema's checks and rules), with the
/// provider's defaults from `cfg`. `project_at_apply`: the default project
/// depends on a region known only at apply, so it is planned unknown.
pub fn validate_and_plan(
    cfg: Option<&ProviderConfig>,
    prior: &Side,
    config: &Side,
    project_at_apply: bool,
) -> PlanResponse {
    let mut diags = if config.value.is_null() {
        Vec::new()
    } else {
        validate(config.value)
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
    let (planned, requires_replace) = plan::planned_state(prior, config, &defaults);
    // The planned project is the channel's own, else the default.
    if !planned.is_null() && config.typed.project_id.is_null() && defaults.project_id.is_null() {
        diags.push(no_project());
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
pub(crate) mod plan_props_tests;
#[cfg(test)]
mod tests;
