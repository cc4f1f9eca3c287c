//! The Huawei Cloud provider: configuration, and the resources that map
//! Terraform values to APIG calls.

pub mod config;
pub mod credentials;
pub mod docs;
pub mod endpoint;
pub mod project;
pub mod shared_config;
pub mod vpc_channel;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::apig::client::{Client, ClientOptions};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::server::{
    ApplyRequest, Imported, PlanRequest, PlanResponse, Provider, Schemas, StateResponse,
};
use crate::tfplugin::value::Value;

use config::ProviderConfig;

struct Configured {
    config: ProviderConfig,
    client: Client,
    session: Arc<crate::iam::session::Session>,
}

impl Configured {
    /// The provider config with `project_id` filled in for `region`.
    async fn for_region(&self, region: Option<&str>) -> Result<ProviderConfig, Diagnostic> {
        let mut c = self.config.clone();
        c.project_id = project::default_project(&self.config, &self.session, region).await?;
        Ok(c)
    }
}

pub struct HuaweiCloud {
    schemas: Schemas,
    configured: OnceLock<Arc<Configured>>,
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
            schemas: Schemas {
                provider: config::schema(),
                resources: vec![(
                    vpc_channel::schema::TYPE_NAME,
                    vpc_channel::schema::schema(),
                )],
            },
            configured: OnceLock::new(),
            cancel: CancellationToken::new(),
        }
    }

    fn configured(&self) -> Result<Arc<Configured>, Diagnostic> {
        self.configured.get().cloned().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "Terraform called the provider before configuring it. This is a bug in Terraform or the provider.",
            )
        })
    }

    fn unknown_type(type_name: &str) -> Diagnostic {
        Diagnostic::error(
            "Unknown resource type",
            format!("This provider has no resource type {type_name:?}."),
        )
    }
}

pub fn user_agent() -> String {
    format!(
        "terraform-provider-huaweicloud/{}",
        env!("CARGO_PKG_VERSION")
    )
}

#[tonic::async_trait]
impl Provider for HuaweiCloud {
    fn schemas(&self) -> &Schemas {
        &self.schemas
    }

    fn validate_provider_config(&self, cfg: &Value) -> Vec<Diagnostic> {
        config::validate(cfg)
    }

    async fn configure(&self, cfg: &Value, terraform_version: &str) -> Vec<Diagnostic> {
        let resolved = match config::resolve(cfg, &|k| std::env::var(k).ok()) {
            Ok(c) => c,
            Err(d) => return d,
        };
        let mut opts = ClientOptions::new(match &resolved.auth.base {
            crate::iam::session::Base::Static(c) => c.clone(),
            crate::iam::session::Base::Password { .. } => {
                crate::apig::client::Credentials::Token(String::new())
            }
        });
        opts.max_retries = resolved.max_retries;
        opts.insecure = resolved.insecure;
        opts.user_agent = format!("{} terraform/{terraform_version}", user_agent());
        opts.request_timeout = resolved.request_timeout;
        // Test-only: the suites shorten the backoff to stay fast.
        if let Some(ms) = std::env::var("HW_RETRY_BASE_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            opts.backoff_base = Duration::from_millis(ms);
        }
        let session = match project::session(
            &resolved,
            project::IamSettings {
                backoff_base: opts.backoff_base,
                user_agent: opts.user_agent.clone(),
            },
            self.cancel.clone(),
        ) {
            Ok(s) => s,
            Err(d) => return vec![d],
        };
        if !session.is_static() {
            opts.source = Some(session.clone());
        }
        let client = match Client::new(opts, self.cancel.clone()) {
            Ok(c) => c,
            Err(e) => return vec![Diagnostic::error("Cannot create the HTTP client", e)],
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
        let _ = self.configured.set(Arc::new(Configured {
            config: resolved,
            client,
            session,
        }));
        Vec::new()
    }

    fn validate_resource_config(&self, type_name: &str, cfg: &Value) -> Vec<Diagnostic> {
        match type_name {
            vpc_channel::schema::TYPE_NAME => vpc_channel::validate(cfg),
            _ => vec![Self::unknown_type(type_name)],
        }
    }

    async fn read(&self, type_name: &str, state: Value, private: Vec<u8>) -> StateResponse {
        if type_name != vpc_channel::schema::TYPE_NAME {
            return StateResponse {
                state,
                private,
                diags: vec![Self::unknown_type(type_name)],
            };
        }
        match self.configured() {
            // An imported channel has no project yet: look it up.
            Ok(c) if state.get("project_id").is_null() => {
                match c.for_region(state.get("region").as_str()).await {
                    Ok(cfg) => vpc_channel::read(&cfg, &c.client, state, private).await,
                    Err(d) => StateResponse {
                        state,
                        private,
                        diags: vec![d],
                    },
                }
            }
            Ok(c) => vpc_channel::read(&c.config, &c.client, state, private).await,
            Err(d) => StateResponse {
                state,
                private,
                diags: vec![d],
            },
        }
    }

    async fn plan(&self, req: PlanRequest) -> PlanResponse {
        if req.type_name != vpc_channel::schema::TYPE_NAME {
            return PlanResponse {
                diags: vec![Self::unknown_type(&req.type_name)],
                ..Default::default()
            };
        }
        let c = self.configured.get();
        let looked_up = match c {
            Some(c) if !req.config.is_null() && req.config.get("project_id").is_null() => {
                let region = req
                    .config
                    .get("region")
                    .as_str()
                    .or(c.config.region.as_deref());
                match c.for_region(region).await {
                    Ok(cfg) => Some(cfg),
                    Err(d) => {
                        return PlanResponse {
                            diags: vec![d],
                            ..Default::default()
                        }
                    }
                }
            }
            _ => None,
        };
        let cfg = looked_up.as_ref().or(c.map(|c| &c.config));
        let mut r = vpc_channel::plan(cfg, &req.prior, &req.config);
        r.private = req.prior_private;
        r
    }

    async fn apply(&self, req: ApplyRequest) -> StateResponse {
        if req.type_name != vpc_channel::schema::TYPE_NAME {
            return StateResponse {
                state: req.prior,
                private: req.private,
                diags: vec![Self::unknown_type(&req.type_name)],
            };
        }
        match self.configured() {
            Ok(c) => {
                vpc_channel::apply(
                    &c.config,
                    &c.client,
                    req.prior,
                    req.planned,
                    req.config,
                    req.private,
                )
                .await
            }
            Err(d) => StateResponse {
                state: req.prior,
                private: req.private,
                diags: vec![d],
            },
        }
    }

    async fn import(&self, type_name: &str, id: &str) -> (Vec<Imported>, Vec<Diagnostic>) {
        if type_name != vpc_channel::schema::TYPE_NAME {
            return (Vec::new(), vec![Self::unknown_type(type_name)]);
        }
        let c = self.configured.get();
        match vpc_channel::import::import(c.map(|c| &c.config), c.map(|c| &c.client), id).await {
            Ok(state) => (
                vec![Imported {
                    type_name: type_name.to_string(),
                    state,
                    private: Vec::new(),
                }],
                Vec::new(),
            ),
            Err(d) => (Vec::new(), vec![d]),
        }
    }

    fn stop(&self) {
        self.cancel.cancel();
    }
}
