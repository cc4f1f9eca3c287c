//! The tfplugin6 gRPC service around a [`Provider`]: routes each typed RPC
//! through the [`Registry`] by type name.

use std::sync::{Arc, OnceLock};

use tonic::{Request, Response, Status};

use super::convert::{
    capabilities, decode, diags_to_proto, encode, path_to_proto, schema_to_proto,
};
use super::facets::{identity_of, planned_identity, ListStream};
use super::handler::{
    encode_or_fail, fail_on_errors, handle, run_inline, run_on_task, RpcLog, RpcResult,
};
use crate::tfplugin::codec;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::proto;
use crate::tfplugin::provider::{ApplyRequest, PlanRequest, Provider};
use crate::tfplugin::registry::Registry;
use crate::tfplugin::value::Type;

/// The tfplugin6 gRPC service of provider `P`: its registry, built once,
/// and the context its configure produced.
pub struct Server<P: Provider> {
    provider: Arc<P>,
    pub(super) registry: Registry<P::Context>,
    provider_type: Type,
    context: OnceLock<Arc<P::Context>>,
}

impl<P: Provider> Server<P> {
    /// A server for `provider`; its registry is built here.
    pub fn new(provider: Arc<P>) -> Self {
        Server {
            registry: provider.registry(),
            provider_type: provider.schema().value_type(),
            provider,
            context: OnceLock::new(),
        }
    }

    /// What configure produced, for calls that may run before it.
    pub(super) fn maybe_context(&self) -> Option<Arc<P::Context>> {
        self.context.get().cloned()
    }

    pub(super) fn context(&self) -> Result<Arc<P::Context>, Diagnostic> {
        self.maybe_context().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "Terraform called the provider before configuring it. This is a bug in Terraform or the provider.",
            )
        })
    }
}

#[tonic::async_trait]
impl<P: Provider> proto::provider_server::Provider for Server<P> {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> RpcResult<proto::get_metadata::Response> {
        let _log = RpcLog::new("GetMetadata", "");
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: (self.registry.resources())
                .map(|(n, _)| proto::get_metadata::ResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            data_sources: (self.registry.data_sources())
                .map(|(n, _)| proto::get_metadata::DataSourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            list_resources: (self.registry.list_resources())
                .map(|(n, _)| proto::get_metadata::ListResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<proto::get_provider_schema::Request>,
    ) -> RpcResult<proto::get_provider_schema::Response> {
        let _log = RpcLog::new("GetProviderSchema", "");
        let all =
            |it: &mut dyn Iterator<Item = (&str, &'static crate::tfplugin::schema::Schema)>| {
                it.map(|(n, s)| (n.to_string(), schema_to_proto(s)))
                    .collect()
            };
        Ok(Response::new(proto::get_provider_schema::Response {
            provider: Some(schema_to_proto(self.provider.schema())),
            resource_schemas: all(&mut self.registry.resources()),
            data_source_schemas: all(&mut self.registry.data_sources()),
            list_resource_schemas: all(&mut self.registry.list_resources()),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        req: Request<proto::validate_provider_config::Request>,
    ) -> RpcResult<proto::validate_provider_config::Response> {
        let req = req.into_inner();
        let body = async {
            let cfg = decode(
                req.config.as_ref(),
                &self.provider_type,
                "provider configuration",
            )?;
            let diagnostics = diags_to_proto(&self.provider.validate_provider_config(&cfg));
            Ok(proto::validate_provider_config::Response { diagnostics })
        };
        handle("ValidateProviderConfig", "", body, |diagnostics| {
            proto::validate_provider_config::Response { diagnostics }
        })
        .await
    }

    async fn validate_resource_config(
        &self,
        req: Request<proto::validate_resource_config::Request>,
    ) -> RpcResult<proto::validate_resource_config::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let cfg = decode(req.config.as_ref(), &e.value_type, "resource configuration")?;
            let mut diags = e.handler.validate(&cfg);
            // Write-only values need a Terraform that says it allows them (1.11+).
            let caps = req.client_capabilities.as_ref();
            if !caps.is_some_and(|c| c.write_only_attributes_allowed) {
                let attrs = &e.handler.schema().attributes;
                diags.extend(crate::tfplugin::schema::write_only_refused(attrs, &cfg));
            }
            let diagnostics = diags_to_proto(&diags);
            Ok(proto::validate_resource_config::Response { diagnostics })
        };
        handle("ValidateResourceConfig", &req.type_name, body, |d| {
            proto::validate_resource_config::Response { diagnostics: d }
        })
        .await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<proto::validate_data_resource_config::Request>,
    ) -> RpcResult<proto::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_data_source(&req.type_name)?;
            let cfg = decode(
                req.config.as_ref(),
                &e.value_type,
                "data source configuration",
            )?;
            let diagnostics = diags_to_proto(&e.handler.validate(&cfg));
            Ok(proto::validate_data_resource_config::Response { diagnostics })
        };
        handle("ValidateDataResourceConfig", &req.type_name, body, |d| {
            proto::validate_data_resource_config::Response { diagnostics: d }
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<proto::upgrade_resource_state::Request>,
    ) -> RpcResult<proto::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let version = e.schema.version;
            if req.version > version {
                return Err(Diagnostic::error(
                    "State from a newer provider",
                    format!(
                        "The state was written by a provider with schema version {}, newer than this provider's {version}. Upgrade the provider.",
                        req.version
                    ),
                ).into());
            }
            let raw = req.raw_state.clone().unwrap_or_default();
            if raw.json.is_empty() {
                if raw.flatmap.is_empty() {
                    return Ok(proto::upgrade_resource_state::Response::default());
                }
                return Err(Diagnostic::error(
                    "Unsupported state format",
                    "The state is in the legacy flatmap format, which this provider never wrote.",
                )
                .into());
            }
            let (value, ignored) = codec::decode_json(&raw.json, &e.value_type).map_err(|e| {
                Diagnostic::error(
                    "Unreadable state",
                    format!(
                        "The stored state of this {} could not be read: {e}",
                        req.type_name
                    ),
                )
            })?;
            if !ignored.is_empty() {
                logging::log(
                    Level::Warn,
                    "Dropped attributes unknown to the schema from state",
                    &[("attributes", &ignored.join(","))],
                );
            }
            Ok(proto::upgrade_resource_state::Response {
                upgraded_state: Some(encode(&value, &e.value_type)?),
                diagnostics: Vec::new(),
            })
        };
        handle("UpgradeResourceState", &req.type_name, body, |d| {
            proto::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: d,
            }
        })
        .await
    }

    async fn configure_provider(
        &self,
        req: Request<proto::configure_provider::Request>,
    ) -> RpcResult<proto::configure_provider::Response> {
        let req = req.into_inner();
        let body = async {
            let cfg = decode(
                req.config.as_ref(),
                &self.provider_type,
                "provider configuration",
            )?;
            let (p, tfv) = (self.provider.clone(), req.terraform_version.clone());
            let ctx = run_inline(
                "ConfigureProvider",
                async move { p.configure(&cfg, &tfv).await },
            )
            .await??;
            let _ = self.context.set(Arc::new(ctx));
            Ok(proto::configure_provider::Response::default())
        };
        handle("ConfigureProvider", "", body, |diagnostics| {
            proto::configure_provider::Response { diagnostics }
        })
        .await
    }

    async fn read_resource(
        &self,
        req: Request<proto::read_resource::Request>,
    ) -> RpcResult<proto::read_resource::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let state = decode(req.current_state.as_ref(), &e.value_type, "current state")?;
            let (r, ctx, private) = (e.handler.clone(), self.context()?, req.private.clone());
            let out = run_inline(
                "ReadResource",
                async move { r.read(&ctx, state, private).await },
            )
            .await?;
            let mut diags = fail_on_errors(out.diags)?;
            Ok(proto::read_resource::Response {
                new_state: Some(encode_or_fail(&out.state, &e.value_type, &mut diags)?),
                new_identity: identity_of(e, &out.state)?,
                private: out.private,
                diagnostics: diags_to_proto(&diags),
                ..Default::default()
            })
        };
        // On failure Terraform keeps what we return: the current state.
        handle("ReadResource", &req.type_name, body, |diagnostics| {
            proto::read_resource::Response {
                new_state: req.current_state.clone(),
                new_identity: req.current_identity.clone(),
                private: req.private.clone(),
                diagnostics,
                ..Default::default()
            }
        })
        .await
    }

    async fn plan_resource_change(
        &self,
        req: Request<proto::plan_resource_change::Request>,
    ) -> RpcResult<proto::plan_resource_change::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let ty = &e.value_type;
            let preq = PlanRequest {
                prior: decode(req.prior_state.as_ref(), ty, "prior state")?,
                proposed: decode(req.proposed_new_state.as_ref(), ty, "proposed new state")?,
                config: decode(req.config.as_ref(), ty, "configuration")?,
                prior_private: req.prior_private.clone(),
            };
            let (r, ctx) = (e.handler.clone(), self.maybe_context());
            let prior = preq.prior.clone();
            let out = run_inline("PlanResourceChange", async move {
                r.plan(ctx.as_deref(), preq).await
            })
            .await?;
            let mut diags = fail_on_errors(out.diags)?;
            Ok(proto::plan_resource_change::Response {
                planned_identity: planned_identity(e, &prior, &out.planned)?,
                planned_state: Some(encode_or_fail(&out.planned, ty, &mut diags)?),
                requires_replace: out.requires_replace.iter().map(path_to_proto).collect(),
                planned_private: out.private,
                diagnostics: diags_to_proto(&diags),
                ..Default::default()
            })
        };
        handle("PlanResourceChange", &req.type_name, body, |diagnostics| {
            proto::plan_resource_change::Response {
                diagnostics,
                ..Default::default()
            }
        })
        .await
    }

    async fn apply_resource_change(
        &self,
        req: Request<proto::apply_resource_change::Request>,
    ) -> RpcResult<proto::apply_resource_change::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let ty = &e.value_type;
            let areq = ApplyRequest {
                prior: decode(req.prior_state.as_ref(), ty, "prior state")?,
                planned: decode(req.planned_state.as_ref(), ty, "planned state")?,
                config: decode(req.config.as_ref(), ty, "configuration")?,
                private: req.planned_private.clone(),
            };
            let (r, ctx) = (e.handler.clone(), self.context()?);
            let out = run_on_task(
                "ApplyResourceChange",
                async move { r.apply(&ctx, areq).await },
            )
            .await?;
            // Errors too carry a state: what the failed apply left behind.
            let mut diags = out.diags;
            Ok(proto::apply_resource_change::Response {
                new_identity: identity_of(e, &out.state)?,
                new_state: Some(encode_or_fail(&out.state, ty, &mut diags)?),
                private: out.private,
                diagnostics: diags_to_proto(&diags),
                ..Default::default()
            })
        };
        // On failure Terraform keeps what we return: default to the prior state.
        handle("ApplyResourceChange", &req.type_name, body, |diagnostics| {
            proto::apply_resource_change::Response {
                new_state: req.prior_state.clone(),
                new_identity: req.planned_identity.clone(),
                private: req.planned_private.clone(),
                diagnostics,
                ..Default::default()
            }
        })
        .await
    }

    async fn import_resource_state(
        &self,
        req: Request<proto::import_resource_state::Request>,
    ) -> RpcResult<proto::import_resource_state::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            // An import block with `identity` sends it instead of an ID.
            let identity = match &req.identity {
                Some(i) if req.id.is_empty() => {
                    Some(self.import_identity_value(&req.type_name, i)?)
                }
                _ => None,
            };
            let (r, ctx, id) = (e.handler.clone(), self.maybe_context(), req.id.clone());
            let it = run_inline("ImportResourceState", async move {
                match identity {
                    Some(i) => r.import_identity(ctx.as_deref(), &i).await,
                    None => r.import(ctx.as_deref(), &id).await,
                }
            })
            .await??;
            Ok(proto::import_resource_state::Response {
                imported_resources: vec![proto::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    identity: identity_of(e, &it.state)?,
                    state: Some(encode(&it.state, &e.value_type)?),
                    private: it.private,
                }],
                ..Default::default()
            })
        };
        handle("ImportResourceState", &req.type_name, body, |diagnostics| {
            proto::import_resource_state::Response {
                diagnostics,
                ..Default::default()
            }
        })
        .await
    }

    async fn move_resource_state(
        &self,
        _: Request<proto::move_resource_state::Request>,
    ) -> RpcResult<proto::move_resource_state::Response> {
        Ok(Response::new(proto::move_resource_state::Response {
            diagnostics: diags_to_proto(&[Diagnostic::error(
                "Moving resources is not supported",
                "This provider does not accept state moved from another resource type.",
            )]),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<proto::get_resource_identity_schemas::Request>,
    ) -> RpcResult<proto::get_resource_identity_schemas::Response> {
        self.identity_schemas().await
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<proto::upgrade_resource_identity::Request>,
    ) -> RpcResult<proto::upgrade_resource_identity::Response> {
        self.upgrade_identity(req.into_inner()).await
    }

    async fn generate_resource_config(
        &self,
        req: Request<proto::generate_resource_config::Request>,
    ) -> RpcResult<proto::generate_resource_config::Response> {
        self.generate_config(req.into_inner()).await
    }

    type ListResourceStream = ListStream;

    async fn list_resource(
        &self,
        req: Request<proto::list_resource::Request>,
    ) -> RpcResult<Self::ListResourceStream> {
        self.list(req.into_inner()).await
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<proto::validate_list_resource_config::Request>,
    ) -> RpcResult<proto::validate_list_resource_config::Response> {
        self.validate_list_config(req.into_inner()).await
    }

    async fn read_data_source(
        &self,
        req: Request<proto::read_data_source::Request>,
    ) -> RpcResult<proto::read_data_source::Response> {
        let req = req.into_inner();
        let body = async {
            let e = self.registry.get_data_source(&req.type_name)?;
            let cfg = decode(req.config.as_ref(), &e.value_type, "configuration")?;
            let (d, ctx) = (e.handler.clone(), self.context()?);
            let out = run_inline("ReadDataSource", async move { d.read(&ctx, cfg).await }).await?;
            let mut diags = fail_on_errors(out.diags)?;
            Ok(proto::read_data_source::Response {
                state: Some(encode_or_fail(&out.state, &e.value_type, &mut diags)?),
                diagnostics: diags_to_proto(&diags),
                ..Default::default()
            })
        };
        handle("ReadDataSource", &req.type_name, body, |diagnostics| {
            proto::read_data_source::Response {
                diagnostics,
                ..Default::default()
            }
        })
        .await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<proto::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<proto::validate_ephemeral_resource_config::Response> {
        no_ephemeral_resources()
    }

    async fn open_ephemeral_resource(
        &self,
        _: Request<proto::open_ephemeral_resource::Request>,
    ) -> RpcResult<proto::open_ephemeral_resource::Response> {
        no_ephemeral_resources()
    }

    async fn renew_ephemeral_resource(
        &self,
        _: Request<proto::renew_ephemeral_resource::Request>,
    ) -> RpcResult<proto::renew_ephemeral_resource::Response> {
        no_ephemeral_resources()
    }

    async fn close_ephemeral_resource(
        &self,
        _: Request<proto::close_ephemeral_resource::Request>,
    ) -> RpcResult<proto::close_ephemeral_resource::Response> {
        no_ephemeral_resources()
    }

    async fn get_functions(
        &self,
        _: Request<proto::get_functions::Request>,
    ) -> RpcResult<proto::get_functions::Response> {
        Ok(Response::new(proto::get_functions::Response::default()))
    }

    async fn call_function(
        &self,
        _: Request<proto::call_function::Request>,
    ) -> RpcResult<proto::call_function::Response> {
        Ok(Response::new(proto::call_function::Response {
            result: None,
            error: Some(proto::FunctionError {
                text: "this provider defines no functions".into(),
                function_argument: None,
            }),
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<proto::stop_provider::Request>,
    ) -> RpcResult<proto::stop_provider::Response> {
        let _log = RpcLog::new("StopProvider", "");
        self.provider.stop();
        Ok(Response::new(proto::stop_provider::Response::default()))
    }
}

/// The answer to every ephemeral-resource call: none are declared.
fn no_ephemeral_resources<T>() -> RpcResult<T> {
    Err(Status::unimplemented(
        "this provider has no ephemeral resources",
    ))
}
