//! The project of an object that names none: the provider's, or the
//! default project of its region, looked up once per region. A region
//! known only at apply decides the project then.

use std::borrow::Cow;

use crate::provider::config::ProviderConfig;
use crate::provider::Configured;
use crate::tfplugin::diag::Diagnostic;

use super::Scope;

/// The provider configuration a plan uses, and whether the project is
/// decided at apply.
pub struct PlanProject {
    looked_up: Option<ProviderConfig>,
    /// The default project depends on a region known only at apply: it is
    /// planned unknown now and looked up in the final plan.
    pub at_apply: bool,
}

impl PlanProject {
    /// The configuration to plan with (`None` before configure).
    pub fn config<'a>(&'a self, ctx: Option<&'a Configured>) -> Option<&'a ProviderConfig> {
        self.looked_up.as_ref().or(ctx.map(|c| &c.config))
    }
}

/// For the plan of `config` (`None`: a destroy): without a project on the
/// object, the provider's default for its region is looked up.
pub async fn plan_project(
    ctx: Option<&Configured>,
    config: Option<&Scope>,
) -> Result<PlanProject, Diagnostic> {
    let needs_project = config.is_some_and(|c| c.project_id.is_null());
    let region_at_apply = config.is_some_and(|c| c.region.is_unknown());
    let at_apply =
        needs_project && region_at_apply && ctx.is_some_and(|c| c.config.project_id.is_none());
    let looked_up = match (ctx, config) {
        (Some(c), Some(scope)) if needs_project && !at_apply => {
            let region = scope.region.str().or(c.config.region.as_deref());
            Some(c.for_region(region).await?)
        }
        _ => None,
    };
    Ok(PlanProject {
        looked_up,
        at_apply,
    })
}

/// The configuration to reach an object by its state: an imported one
/// has no project yet, so its region's is looked up.
pub async fn config_for<'a>(
    ctx: &'a Configured,
    scope: &Scope,
) -> Result<Cow<'a, ProviderConfig>, Diagnostic> {
    if !scope.project_id.is_null() {
        return Ok(Cow::Borrowed(&ctx.config));
    }
    Ok(Cow::Owned(ctx.for_region(scope.region.str()).await?))
}
