//! The RPCs of the opt-in facets: resource identity (6.9), list resources
//! (6.10) and generated configuration (Terraform 1.14). Inherent methods of
//! [`Server`] that `service.rs` routes to.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Response, Status};

use super::convert::{decode, diags_to_proto, encode};
use super::handler::{handle, run_inline, RpcLog, RpcResult};
use super::service::Server;
use crate::tfplugin::codec;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::proto;
use crate::tfplugin::provider::{ListEvent, ListRequest, ListSink, Provider};
use crate::tfplugin::registry::{Entry, ErasedResource};
use crate::tfplugin::value::{Type, Value};

/// The stream ListResource answers with.
pub type ListStream = ReceiverStream<Result<proto::list_resource::Event, Status>>;

/// Events buffered between the provider's code and gRPC.
const LIST_BUFFER: usize = 32;

/// The identity of `state` as Terraform wants it: none for a type without
/// identity or a null state.
pub fn identity_of<C: Send + Sync + 'static>(
    e: &Entry<dyn ErasedResource<C>>,
    state: &Value,
) -> Result<Option<proto::ResourceIdentityData>, Diagnostic> {
    let Some((_, ty)) = &e.identity else {
        return Ok(None);
    };
    if state.is_null() {
        return Ok(None);
    }
    let v = e.handler.identity(state);
    Ok(Some(proto::ResourceIdentityData {
        identity_data: Some(encode(&v, ty)?),
    }))
}

/// A plan's identity: the planned object's when known; the prior one's
/// while the plan does not know it all (an update never changes an
/// identity); none for a create. Never partly unknown: Terraform cannot
/// render such a plan as JSON ("value is not known").
pub fn planned_identity<C: Send + Sync + 'static>(
    e: &Entry<dyn ErasedResource<C>>,
    prior: &Value,
    planned: &Value,
) -> Result<Option<proto::ResourceIdentityData>, Diagnostic> {
    if planned.is_null() || e.identity.is_none() {
        return Ok(None);
    }
    if e.handler.identity(planned).is_wholly_known() {
        return identity_of(e, planned);
    }
    identity_of(e, prior)
}

fn identity_type<C: Send + Sync + 'static>(
    e: &Entry<dyn ErasedResource<C>>,
    type_name: &str,
) -> Result<Type, Diagnostic> {
    e.identity.as_ref().map(|(_, t)| t.clone()).ok_or_else(|| {
        Diagnostic::error(
            "No resource identity",
            format!("The resource type {type_name} has no identity."),
        )
    })
}

impl<P: Provider> Server<P> {
    pub(super) async fn identity_schemas(
        &self,
    ) -> RpcResult<proto::get_resource_identity_schemas::Response> {
        let _log = RpcLog::new("GetResourceIdentitySchemas", "");
        let identity_schemas = (self.registry.identities())
            .map(|(name, s)| {
                let attrs = s.attributes.iter().map(|a| {
                    proto::resource_identity_schema::IdentityAttribute {
                        name: a.name.to_string(),
                        r#type: a.ty.to_json().into_bytes(),
                        required_for_import: a.required_for_import,
                        optional_for_import: !a.required_for_import,
                        description: a.description.to_string(),
                    }
                });
                let schema = proto::ResourceIdentitySchema {
                    version: s.version,
                    identity_attributes: attrs.collect(),
                };
                (name.to_string(), schema)
            })
            .collect();
        Ok(Response::new(
            proto::get_resource_identity_schemas::Response {
                identity_schemas,
                diagnostics: Vec::new(),
            },
        ))
    }

    /// Identities are stored as JSON; one of an older version is read by
    /// the current schema (attributes it no longer has are dropped).
    pub(super) async fn upgrade_identity(
        &self,
        req: proto::upgrade_resource_identity::Request,
    ) -> RpcResult<proto::upgrade_resource_identity::Response> {
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let ty = identity_type(e, &req.type_name)?;
            let version = e.identity.as_ref().map_or(0, |(s, _)| s.version);
            if req.version > version {
                return Err(Diagnostic::error(
                    "Identity from a newer provider",
                    format!("The stored identity has version {}, newer than this provider's {version}. Upgrade the provider.", req.version),
                )
                .into());
            }
            let json = req
                .raw_identity
                .as_ref()
                .map(|r| r.json.as_slice())
                .unwrap_or_default();
            let v = if json.is_empty() {
                Value::Null
            } else {
                codec::decode_json(json, &ty)
                    .map(|(v, _)| v)
                    .map_err(|err| {
                        Diagnostic::error(
                            "Unreadable identity",
                            format!(
                                "The stored identity of this {} could not be read: {err}",
                                req.type_name
                            ),
                        )
                    })?
            };
            Ok(proto::upgrade_resource_identity::Response {
                upgraded_identity: Some(proto::ResourceIdentityData {
                    identity_data: Some(encode(&v, &ty)?),
                }),
                diagnostics: Vec::new(),
            })
        };
        handle(
            "UpgradeResourceIdentity",
            &req.type_name,
            body,
            |diagnostics| proto::upgrade_resource_identity::Response {
                upgraded_identity: None,
                diagnostics,
            },
        )
        .await
    }

    /// An import block's identity, decoded and checked: every attribute
    /// required for import is set.
    pub(super) fn import_identity_value(
        &self,
        type_name: &str,
        data: &proto::ResourceIdentityData,
    ) -> Result<Value, Vec<Diagnostic>> {
        let e = self.registry.get_resource(type_name)?;
        let ty = identity_type(e, type_name)?;
        let v = decode(data.identity_data.as_ref(), &ty, "resource identity")?;
        let missing = e
            .identity
            .as_ref()
            .map(|(s, _)| s.missing(&v))
            .unwrap_or_default();
        if missing.is_empty() {
            Ok(v)
        } else {
            Err(missing)
        }
    }

    pub(super) async fn generate_config(
        &self,
        req: proto::generate_resource_config::Request,
    ) -> RpcResult<proto::generate_resource_config::Response> {
        let body = async {
            let e = self.registry.get_resource(&req.type_name)?;
            let state = decode(req.state.as_ref(), &e.value_type, "state")?;
            let (r, ctx) = (e.handler.clone(), self.maybe_context());
            let config = run_inline("GenerateResourceConfig", async move {
                r.generate_config(ctx.as_deref(), &state).await
            })
            .await??;
            Ok(proto::generate_resource_config::Response {
                config: Some(encode(&config, &e.value_type)?),
                diagnostics: Vec::new(),
            })
        };
        handle(
            "GenerateResourceConfig",
            &req.type_name,
            body,
            |diagnostics| proto::generate_resource_config::Response {
                config: None,
                diagnostics,
            },
        )
        .await
    }

    pub(super) async fn validate_list_config(
        &self,
        req: proto::validate_list_resource_config::Request,
    ) -> RpcResult<proto::validate_list_resource_config::Response> {
        let body = async {
            let e = self.registry.get_list_resource(&req.type_name)?;
            let cfg = decode(req.config.as_ref(), &e.value_type, "list configuration")?;
            let diagnostics = diags_to_proto(&e.handler.validate(&cfg));
            Ok(proto::validate_list_resource_config::Response { diagnostics })
        };
        handle("ValidateListResourceConfig", &req.type_name, body, |d| {
            proto::validate_list_resource_config::Response { diagnostics: d }
        })
        .await
    }

    /// Streams the list resource's events; a failure before the provider
    /// runs, and a panic in it, end the stream with an error event.
    pub(super) async fn list(&self, req: proto::list_resource::Request) -> RpcResult<ListStream> {
        let log = RpcLog::new("ListResource", &req.type_name);
        let (tx, rx) = mpsc::channel(LIST_BUFFER);
        match self.list_setup(&req) {
            Err(d) => {
                let _ = tx.try_send(Ok(error_event(&d)));
            }
            Ok((list, ctx, types, lreq)) => {
                tokio::spawn(async move {
                    let _log = log;
                    let (sink, mut events) = ListSink::channel(LIST_BUFFER);
                    let produce =
                        run_inline(
                            "ListResource",
                            async move { list.list(&ctx, lreq, sink).await },
                        );
                    let out = tx.clone();
                    let forward = async move {
                        while let Some(e) = events.recv().await {
                            if out.send(Ok(types.event(e))).await.is_err() {
                                break; // Terraform has what it wants
                            }
                        }
                    };
                    let (produced, ()) = tokio::join!(produce, forward);
                    if let Err(d) = produced {
                        let _ = tx.send(Ok(error_event(&d))).await;
                    }
                });
            }
        }
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    #[allow(clippy::type_complexity)]
    fn list_setup(
        &self,
        req: &proto::list_resource::Request,
    ) -> Result<
        (
            Arc<dyn crate::tfplugin::provider::ListResource<P::Context>>,
            Arc<P::Context>,
            EventTypes,
            ListRequest,
        ),
        Diagnostic,
    > {
        let l = self.registry.get_list_resource(&req.type_name)?;
        let r = self.registry.get_resource(&req.type_name)?;
        let types = EventTypes {
            identity: identity_type(r, &req.type_name)?,
            object: r.value_type.clone(),
        };
        let config = decode(req.config.as_ref(), &l.value_type, "list configuration")?;
        let lreq = ListRequest {
            config,
            include_resource_object: req.include_resource_object,
            limit: req.limit,
        };
        Ok((l.handler.clone(), self.context()?, types, lreq))
    }
}

/// How a list event's values are encoded.
struct EventTypes {
    identity: Type,
    object: Type,
}

impl EventTypes {
    fn event(&self, e: ListEvent) -> proto::list_resource::Event {
        let mut diags = e.diags;
        let identity = if e.identity.is_null() {
            None
        } else {
            match encode(&e.identity, &self.identity) {
                Ok(dv) => Some(proto::ResourceIdentityData {
                    identity_data: Some(dv),
                }),
                Err(d) => {
                    diags.push(d);
                    None
                }
            }
        };
        let resource_object = e
            .resource_object
            .and_then(|o| match encode(&o, &self.object) {
                Ok(dv) => Some(dv),
                Err(d) => {
                    diags.push(d);
                    None
                }
            });
        proto::list_resource::Event {
            identity,
            display_name: e.display_name,
            resource_object,
            diagnostic: diags_to_proto(&diags),
        }
    }
}

fn error_event(d: &Diagnostic) -> proto::list_resource::Event {
    proto::list_resource::Event {
        diagnostic: diags_to_proto(std::slice::from_ref(d)),
        ..Default::default()
    }
}
