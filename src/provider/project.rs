//! The IAM session of a configured provider, and the project ID of a
//! resource when no `project_id` is set: looked up by name in IAM.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::config::{derived_setting, ProviderConfig};
use super::endpoint;
use crate::iam::client::{IamClient, IamOptions};
use crate::iam::session::{Base, DiscoveryError, Session};
use crate::provider::args::{Args, Setting};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::value::AttrPath;

/// `endpoints.iam` / `auth_url`, or `https://iam.{region}.{cloud}`, with
/// the setting it comes from.
fn iam_endpoint(cfg: &ProviderConfig) -> Option<(String, String)> {
    if let Some(e) = &cfg.iam_endpoint {
        return Some((e.clone(), cfg.iam_endpoint_setting.to_string()));
    }
    let region = cfg.region.as_deref()?;
    let cloud = cfg.cloud_for(region);
    let url = endpoint::service_url("iam", region, cloud).ok()?;
    Some((url, derived_setting("iam", region, cloud)))
}

pub struct IamSettings {
    pub backoff_base: Duration,
    pub user_agent: String,
    pub gate: Option<Arc<crate::apig::client::AuthGate>>,
}

pub fn session(
    cfg: &ProviderConfig,
    s: IamSettings,
    cancel: CancellationToken,
) -> Result<Arc<Session>, Diagnostic> {
    let needs_iam = !cfg.auth.chain.is_empty() || matches!(cfg.auth.base, Base::Password { .. });
    let (endpoint, setting) = match iam_endpoint(cfg) {
        Some(e) => e,
        None if needs_iam => {
            return Err(Diagnostic::error_at(
                AttrPath::root().attr(Args::AUTH_URL),
                "No IAM endpoint",
                format!("Password and agency credentials are obtained from IAM: set `region` ({}) for the default `https://iam.{{region}}.{{cloud}}/v3`, or `auth_url` ({}).", Setting::REGION.env_var(), Setting::AUTH_URL.env_var()),
            ))
        }
        // Only project lookups would need it; they say so if they happen.
        None => Default::default(),
    };
    let mut o = IamOptions::new(&endpoint, s.user_agent);
    o.endpoint_setting = setting;
    // `insecure` is for a test APIG endpoint only: IAM receives the
    // password, so its certificate is always verified.
    o.insecure = false;
    o.max_retries = cfg.max_retries;
    o.request_timeout = cfg.request_timeout;
    o.backoff_base = s.backoff_base;
    o.gate = s.gate;
    let scope = cfg
        .auth
        .project_name
        .clone()
        .or_else(|| cfg.region.clone())
        .unwrap_or_default();
    Ok(Arc::new(Session::new(
        IamClient::new(o, cancel),
        cfg.auth.base.clone(),
        cfg.auth.chain.clone(),
        scope,
    )))
}

/// The project ID resources in `region` default to: the provider's
/// `project_id`, else the project named `project_name` (for the provider's
/// region) or the region's name, looked up once per name.
pub async fn default_project(
    cfg: &ProviderConfig,
    session: &Session,
    region: Option<&str>,
) -> Result<Option<String>, Diagnostic> {
    if let Some(p) = &cfg.project_id {
        return Ok(Some(p.clone()));
    }
    let own_region = region.is_some_and(|r| Some(r) != cfg.region.as_deref());
    let name = if own_region {
        region.map(str::to_string)
    } else {
        cfg.auth.project_name.clone().or_else(|| cfg.region.clone())
    };
    let Some(name) = name else {
        return Ok(None);
    };
    if iam_endpoint(cfg).is_none() {
        return Err(Diagnostic::error_at(
            AttrPath::root().attr(Args::PROJECT_ID),
            "No project ID",
            format!("Set `project_id` on the resource or the provider ({}), or set `auth_url` ({}) so that it can be looked up in IAM.", Setting::PROJECT_ID.env_var(), Setting::AUTH_URL.env_var()),
        ));
    }
    let (project_name, project_id) = (
        Setting::PROJECT_NAME.env_var(),
        Setting::PROJECT_ID.env_var(),
    );
    let what = if own_region || cfg.auth.project_name.is_none() {
        format!("the region's name (set `project_name` / {project_name} for another project)")
    } else {
        format!("`project_name` ({project_name})")
    };
    session
        .project_id(&name)
        .await
        .map(Some)
        .map_err(|e| {
            let detail = match &e {
                DiscoveryError::NotFound { .. } => format!("IAM has no project named {name:?}, taken from {what}. Check the region and `project_name`, or set `project_id` ({project_id})."),
                DiscoveryError::Several { ids, .. } => format!("IAM has {} projects named {name:?} ({}). Set `project_id` ({project_id}) to the one to use.", ids.len(), ids.join(", ")),
                DiscoveryError::NoPermission { message, .. } => format!("The credentials may not list IAM projects, so the project {name:?} cannot be looked up (IAM: {}). Grant the permission to list projects, or set `project_id` ({project_id}).", message.trim_end_matches('.')),
                DiscoveryError::Failed { error, .. } => format!("Looking up the project {name:?} in IAM failed: {error}. Check the credentials and `auth_url`, or set `project_id` ({project_id}) to skip the lookup."),
            };
            Diagnostic::error_at(AttrPath::root().attr(Args::PROJECT_ID), "Cannot find the project ID", detail)
        })
}
