//! The Huawei Cloud provider: configuration, and the resources that map
//! Terraform values to APIG calls.

mod args;
#[cfg(test)]
pub mod channel_status;
pub mod config;
pub mod credentials;
pub mod docs;
pub mod endpoint;
pub mod gateway;
pub mod project;
pub mod shared_config;
pub mod vpc_channel;
pub mod vpc_channel_data;
pub mod vpc_channel_list;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::apig::client::{Client, ClientOptions};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::provider::Provider;
use crate::tfplugin::registry::Registry;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::value::Value;

use config::ProviderConfig;

/// The plugin binary's name: Terraform's log module and the user agent.
pub const NAME: &str = "terraform-provider-huaweicloud";
/// The registry address, `namespace/type`.
pub const ADDRESS: &str = "huaweicloud/huaweicloud";

/// Test-only knob, deliberately not a provider argument: the suites set it
/// to shorten the retry backoff (milliseconds) and stay fast. Every other
/// `HW_*` variable is declared on its argument in the provider schema and
/// read through [`config::env_var`]; this one has no argument, so it is not
/// in the generated docs either.
pub const RETRY_BASE_MS_ENV: &str = "HW_RETRY_BASE_MS";

/// What configure produces; every resource call receives it.
pub struct Configured {
    pub config: ProviderConfig,
    pub client: Client,
    pub session: Arc<crate::iam::session::Session>,
}

impl Configured {
    /// The provider config with `project_id` filled in for `region`.
    pub async fn for_region(&self, region: Option<&str>) -> Result<ProviderConfig, Diagnostic> {
        let mut c = self.config.clone();
        c.project_id = project::default_project(&self.config, &self.session, region).await?;
        Ok(c)
    }
}

pub struct HuaweiCloud {
    cancel: CancellationToken,
}

impl Default for HuaweiCloud {
    fn default() -> Self {
        Self::new()
    }
}

impl HuaweiCloud {
    pub fn new() -> Self {
        HuaweiCloud {
            cancel: CancellationToken::new(),
        }
    }

    /// Configure, reading `env` where it would read the process
    /// environment (tests pass their own).
    pub async fn configure_with(
        &self,
        cfg: &Value,
        terraform_version: &str,
        env: fn(&str) -> Option<String>,
    ) -> Result<Configured, Vec<Diagnostic>> {
        // Off the async workers: it may read the shared config file.
        let owned = cfg.clone();
        let resolved = tokio::task::spawn_blocking(move || config::resolve(&owned, &env))
            .await
            .unwrap_or_else(|e| {
                Err(vec![Diagnostic::error(
                    "Cannot read the provider configuration",
                    format!("internal error: {e}"),
                )])
            })
            .map_err(|d| without_sensitive_paths(config::schema(), d))?;
        let credentials = match &resolved.auth.base {
            crate::iam::session::Base::Static(c) => c.clone(),
            crate::iam::session::Base::Password { .. } => {
                crate::apig::client::Credentials::Token(String::new())
            }
        };
        let user_agent = format!("{} terraform/{terraform_version}", user_agent());
        let mut opts = ClientOptions::new(credentials, user_agent);
        opts.max_retries = resolved.max_retries;
        opts.insecure = resolved.insecure;
        opts.request_timeout = resolved.request_timeout;
        if let Some(ms) = env(RETRY_BASE_MS_ENV).and_then(|v| v.parse::<u64>().ok()) {
            opts.backoff_base = Duration::from_millis(ms);
        }
        opts.gate = Some(gate_of(&resolved.auth));
        let session = project::session(
            &resolved,
            project::IamSettings {
                backoff_base: opts.backoff_base,
                user_agent: opts.user_agent.clone(),
                gate: opts.gate.clone(),
            },
            self.cancel.clone(),
        )?;
        if !session.is_static() {
            opts.source = Some(session.clone());
        }
        let client = match Client::new(opts, self.cancel.clone()) {
            Ok(c) => c,
            Err(e) => return Err(vec![Diagnostic::error("Cannot create the HTTP client", e)]),
        };
        logging::log(
            Level::Debug,
            "Configured provider",
            &[
                ("region", &resolved.region.clone().unwrap_or_default()),
                (
                    "endpoint",
                    &crate::apig::client::redact_url(
                        &resolved.base_url(None).ok().flatten().unwrap_or_default(),
                    ),
                ),
                ("max_retries", &resolved.max_retries),
                ("request_timeout_s", &resolved.request_timeout.as_secs()),
            ],
        );
        Ok(Configured {
            config: resolved,
            client,
            session,
        })
    }
}

/// The process-wide lockout gate of the configured credentials: every
/// provider block with the same credentials shares it.
fn gate_of(auth: &credentials::AuthSetup) -> Arc<crate::apig::client::AuthGate> {
    use crate::apig::client::Credentials;
    use crate::iam::session::Base;
    let parts: Vec<&str> = match &auth.base {
        Base::Static(Credentials::Token(t)) => vec!["token", t],
        Base::Static(Credentials::AkSk {
            ak,
            sk,
            security_token,
        }) => vec![
            "aksk",
            ak,
            sk,
            security_token.as_deref().unwrap_or_default(),
        ],
        Base::Password { user, password } => {
            let user = match user {
                crate::iam::models::User::Id(id) => id.as_str(),
                crate::iam::models::User::Name { name, .. } => name.as_str(),
            };
            vec!["password", user, password]
        }
    };
    crate::apig::client::AuthGate::for_credentials(&parts, auth.described.clone())
}

/// Terraform shows the source line a diagnostic's path points at, which
/// holds a literal secret: a diagnostic about a sensitive attribute names
/// it in its text instead.
pub fn without_sensitive_paths(schema: &Schema, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|mut d| {
            if let Some(path) = d.path.take_if(|p| is_sensitive_path(&schema.attributes, p)) {
                d.detail = format!("`{path}`: {}", d.detail);
            }
            d
        })
        .collect()
}

fn is_sensitive_path(
    mut attrs: &[crate::tfplugin::schema::Attribute],
    path: &crate::tfplugin::value::AttrPath,
) -> bool {
    use crate::tfplugin::value::PathStep;
    for step in &path.0 {
        let PathStep::Attr(name) = step else { continue };
        let Some(a) = attrs.iter().find(|a| a.name == name) else {
            return false;
        };
        if a.sensitive {
            return true;
        }
        attrs = a.children().unwrap_or_default();
    }
    false
}

pub fn user_agent() -> String {
    format!("{NAME}/{}", env!("CARGO_PKG_VERSION"))
}

#[tonic::async_trait]
impl Provider for HuaweiCloud {
    type Context = Configured;

    fn schema(&self) -> &'static Schema {
        config::schema()
    }

    fn registry(&self) -> Registry<Configured> {
        let registry = Registry::new();
        // The template kind (docs/ARCHITECTURE.md), in test builds only.
        #[cfg(test)]
        let registry = registry.resource(channel_status::ChannelStatus);
        registry
            .resource(vpc_channel::VpcChannel)
            .data_source(vpc_channel_data::OneChannel)
            .data_source(vpc_channel_data::Channels)
            .list_resource(vpc_channel_list::ChannelList)
    }

    fn validate_provider_config(&self, cfg: &Value) -> Vec<Diagnostic> {
        without_sensitive_paths(config::schema(), config::validate(cfg))
    }

    async fn configure(
        &self,
        cfg: &Value,
        terraform_version: &str,
    ) -> Result<Configured, Vec<Diagnostic>> {
        self.configure_with(cfg, terraform_version, |k| std::env::var(k).ok())
            .await
    }

    fn stop(&self) {
        self.cancel.cancel();
    }
}
