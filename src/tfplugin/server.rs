//! The one server interface a provider implements, and its gRPC adapter:
//! decoding DynamicValues by schema, isolating panics, logging each RPC.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use tonic::{Request, Response, Status};

use super::codec;
use super::diag::{Diagnostic, Severity};
use super::logging::{self, Level};
use super::proto;
use super::schema::{Attribute, Kind, Nesting, Presence, Schema};
use super::value::{AttrPath, PathStep, Type, Value};

/// A provider's schemas, built once per process.
pub struct Schemas {
    pub provider: &'static Schema,
    pub resources: Vec<(&'static str, &'static Schema)>,
}

pub struct PlanRequest {
    pub type_name: String,
    pub prior: Value,
    pub proposed: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
}

#[derive(Default)]
pub struct PlanResponse {
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
    pub private: Vec<u8>,
    pub diags: Vec<Diagnostic>,
}

pub struct ApplyRequest {
    pub type_name: String,
    pub prior: Value,
    pub planned: Value,
    pub config: Value,
    pub private: Vec<u8>,
}

/// Answer of read and apply; a null `state` means the object is gone.
#[derive(Default)]
pub struct StateResponse {
    pub state: Value,
    pub private: Vec<u8>,
    pub diags: Vec<Diagnostic>,
}

pub struct Imported {
    pub type_name: String,
    pub state: Value,
    pub private: Vec<u8>,
}

/// What a provider implements; knows nothing of gRPC or msgpack.
#[tonic::async_trait]
pub trait Provider: Send + Sync + 'static {
    fn schemas(&self) -> &Schemas;
    fn validate_provider_config(&self, config: &Value) -> Vec<Diagnostic>;
    async fn configure(&self, config: &Value, terraform_version: &str) -> Vec<Diagnostic>;
    fn validate_resource_config(&self, type_name: &str, config: &Value) -> Vec<Diagnostic>;
    async fn read(&self, type_name: &str, state: Value, private: Vec<u8>) -> StateResponse;
    async fn plan(&self, req: PlanRequest) -> PlanResponse;
    async fn apply(&self, req: ApplyRequest) -> StateResponse;
    async fn import(&self, type_name: &str, id: &str) -> (Vec<Imported>, Vec<Diagnostic>);
    /// Terraform's Ctrl-C: cancel in-flight work.
    fn stop(&self);
}

/// The gRPC service around a [`Provider`].
pub struct Server<P: Provider> {
    provider: Arc<P>,
    types: HashMap<&'static str, Type>,
    provider_type: Type,
}

impl<P: Provider> Server<P> {
    pub fn new(provider: Arc<P>) -> Self {
        let s = provider.schemas();
        let types = s
            .resources
            .iter()
            .map(|(n, sch)| (*n, sch.value_type()))
            .collect();
        let provider_type = s.provider.value_type();
        Server {
            provider,
            types,
            provider_type,
        }
    }

    fn resource_type(&self, name: &str) -> Result<&Type, Vec<proto::Diagnostic>> {
        self.types.get(name).ok_or_else(|| {
            diags_to_proto(&[Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no resource type {name:?}."),
            )])
        })
    }
}

// ---- conversions ----

fn decode(dv: Option<&proto::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostic> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let res = if !dv.msgpack.is_empty() {
        codec::decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        codec::decode_json(&dv.json, ty).map(|(v, _)| v)
    } else {
        return Ok(Value::Null);
    };
    res.map_err(|e| {
        Diagnostic::error(
            format!("Invalid {what} from Terraform"),
            format!("The provider could not decode the {what}: {e}"),
        )
    })
}

fn encode(v: &Value, ty: &Type) -> Result<proto::DynamicValue, Diagnostic> {
    codec::encode_msgpack(v, ty)
        .map(|msgpack| proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Provider produced an unencodable value",
                format!("This is a bug in the provider: {e}"),
            )
        })
}

pub fn path_to_proto(p: &AttrPath) -> proto::AttributePath {
    use proto::attribute_path::step::Selector;
    proto::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| proto::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(a) => Selector::AttributeName(a.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                }),
            })
            .collect(),
    }
}

pub fn diags_to_proto(d: &[Diagnostic]) -> Vec<proto::Diagnostic> {
    d.iter()
        .map(|d| proto::Diagnostic {
            severity: match d.severity {
                Severity::Error => proto::diagnostic::Severity::Error as i32,
                Severity::Warning => proto::diagnostic::Severity::Warning as i32,
            },
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            attribute: d.path.as_ref().map(path_to_proto),
        })
        .collect()
}

fn attribute_to_proto(a: &Attribute) -> proto::schema::Attribute {
    let (ty, nested_type) = match &a.kind {
        Kind::Plain(t) => (t.to_json().into_bytes(), None),
        // Blocks are declared in `block_types` (see `block_to_proto`).
        Kind::Nested(n, children) | Kind::Block(n, children) => (
            Vec::new(),
            Some(proto::schema::Object {
                attributes: children.iter().map(attribute_to_proto).collect(),
                nesting: match n {
                    Nesting::Single => proto::schema::object::NestingMode::Single,
                    Nesting::List => proto::schema::object::NestingMode::List,
                    Nesting::Set => proto::schema::object::NestingMode::Set,
                } as i32,
                ..Default::default()
            }),
        ),
    };
    proto::schema::Attribute {
        name: a.name.to_string(),
        r#type: ty,
        nested_type,
        description: a.description.to_string(),
        description_kind: proto::StringKind::Markdown as i32,
        required: a.presence == Presence::Required,
        optional: matches!(a.presence, Presence::Optional | Presence::OptionalComputed),
        computed: a.is_computed(),
        sensitive: a.sensitive,
        ..Default::default()
    }
}

fn is_block(a: &Attribute) -> bool {
    matches!(a.kind, Kind::Block(..))
}

/// Attributes and nested blocks of a block.
fn block_to_proto(version: i64, description: &str, attrs: &[Attribute]) -> proto::schema::Block {
    proto::schema::Block {
        version,
        attributes: attrs
            .iter()
            .filter(|a| !is_block(a))
            .map(attribute_to_proto)
            .collect(),
        block_types: attrs
            .iter()
            .filter_map(|a| match &a.kind {
                Kind::Block(n, children) => Some(proto::schema::NestedBlock {
                    type_name: a.name.to_string(),
                    block: Some(block_to_proto(0, a.description, children)),
                    nesting: match n {
                        Nesting::Single => proto::schema::nested_block::NestingMode::Single,
                        Nesting::List => proto::schema::nested_block::NestingMode::List,
                        Nesting::Set => proto::schema::nested_block::NestingMode::Set,
                    } as i32,
                    min_items: 0,
                    max_items: 0,
                }),
                _ => None,
            })
            .collect(),
        description: description.to_string(),
        description_kind: proto::StringKind::Markdown as i32,
        ..Default::default()
    }
}

/// Declared schema to protocol schema.
pub fn schema_to_proto(s: &Schema) -> proto::Schema {
    proto::Schema {
        version: s.version,
        block: Some(block_to_proto(s.version, s.description, &s.attributes)),
    }
}

fn capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
    }
}

/// Logs the RPC with its duration when dropped.
struct RpcLog {
    rpc: &'static str,
    resource: String,
    start: Instant,
}

impl RpcLog {
    fn new(rpc: &'static str, resource: &str) -> Self {
        if logging::enabled(Level::Trace) {
            logging::log(
                Level::Trace,
                "Received request",
                &[("tf_rpc", &rpc), ("tf_resource_type", &resource)],
            );
        }
        RpcLog {
            rpc,
            resource: resource.to_string(),
            start: Instant::now(),
        }
    }
}

impl Drop for RpcLog {
    fn drop(&mut self) {
        if logging::enabled(Level::Debug) {
            let ms = format!("{:.3}", self.start.elapsed().as_secs_f64() * 1000.0);
            logging::log(
                Level::Debug,
                "Served request",
                &[
                    ("tf_rpc", &self.rpc),
                    ("tf_resource_type", &self.resource),
                    ("tf_req_duration_ms", &ms),
                ],
            );
        }
    }
}

/// Runs provider code on its own task so a panic becomes a diagnostic
/// instead of killing the process (and with it Terraform's run).
async fn guarded<T, F>(rpc: &'static str, fut: F) -> Result<T, Diagnostic>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    match tokio::spawn(fut).await {
        Ok(v) => Ok(v),
        Err(e) => {
            let detail = if e.is_panic() {
                let p = e.into_panic();
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into())
            } else {
                "task cancelled".into()
            };
            logging::log(
                Level::Error,
                "Internal error",
                &[("tf_rpc", &rpc), ("error", &detail)],
            );
            Err(Diagnostic::error(
                "Internal provider error",
                format!(
                    "The provider failed while handling {rpc}: {detail}. No further change was made by this call; please report this bug."
                ),
            ))
        }
    }
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl<P: Provider> proto::provider_server::Provider for Server<P> {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> R<proto::get_metadata::Response> {
        let _log = RpcLog::new("GetMetadata", "");
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .provider
                .schemas()
                .resources
                .iter()
                .map(|(n, _)| proto::get_metadata::ResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<proto::get_provider_schema::Request>,
    ) -> R<proto::get_provider_schema::Response> {
        let _log = RpcLog::new("GetProviderSchema", "");
        let s = self.provider.schemas();
        Ok(Response::new(proto::get_provider_schema::Response {
            provider: Some(schema_to_proto(s.provider)),
            resource_schemas: s
                .resources
                .iter()
                .map(|(n, sch)| (n.to_string(), schema_to_proto(sch)))
                .collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        req: Request<proto::validate_provider_config::Request>,
    ) -> R<proto::validate_provider_config::Response> {
        let _log = RpcLog::new("ValidateProviderConfig", "");
        let req = req.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &self.provider_type,
            "provider configuration",
        ) {
            Ok(cfg) => self.provider.validate_provider_config(&cfg),
            Err(d) => vec![d],
        };
        Ok(Response::new(proto::validate_provider_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<proto::validate_resource_config::Request>,
    ) -> R<proto::validate_resource_config::Response> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateResourceConfig", &req.type_name);
        let ty = match self.resource_type(&req.type_name) {
            Ok(t) => t,
            Err(diagnostics) => {
                return Ok(Response::new(proto::validate_resource_config::Response {
                    diagnostics,
                }))
            }
        };
        let diags = match decode(req.config.as_ref(), ty, "resource configuration") {
            Ok(cfg) => self.provider.validate_resource_config(&req.type_name, &cfg),
            Err(d) => vec![d],
        };
        Ok(Response::new(proto::validate_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<proto::validate_data_resource_config::Request>,
    ) -> R<proto::validate_data_resource_config::Response> {
        let req = req.into_inner();
        Ok(Response::new(
            proto::validate_data_resource_config::Response {
                diagnostics: diags_to_proto(&[Diagnostic::error(
                    "Unknown data source",
                    format!("This provider has no data source {:?}.", req.type_name),
                )]),
            },
        ))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<proto::upgrade_resource_state::Request>,
    ) -> R<proto::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let _log = RpcLog::new("UpgradeResourceState", &req.type_name);
        let fail = |d: Diagnostic| {
            Ok(Response::new(proto::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: diags_to_proto(&[d]),
            }))
        };
        let ty = match self.resource_type(&req.type_name) {
            Ok(t) => t,
            Err(diagnostics) => {
                return Ok(Response::new(proto::upgrade_resource_state::Response {
                    upgraded_state: None,
                    diagnostics,
                }))
            }
        };
        let version = self
            .provider
            .schemas()
            .resources
            .iter()
            .find(|(n, _)| *n == req.type_name)
            .map(|(_, s)| s.version)
            .unwrap_or(0);
        if req.version > version {
            return fail(Diagnostic::error(
                "State from a newer provider",
                format!(
                    "The state was written by a provider with schema version {}, newer than this provider's {version}. Upgrade the provider.",
                    req.version
                ),
            ));
        }
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            if raw.flatmap.is_empty() {
                return Ok(Response::new(
                    proto::upgrade_resource_state::Response::default(),
                ));
            }
            return fail(Diagnostic::error(
                "Unsupported state format",
                "The state is in the legacy flatmap format, which this provider never wrote.",
            ));
        }
        let value = match codec::decode_json(&raw.json, ty) {
            Ok((v, ignored)) => {
                if !ignored.is_empty() {
                    logging::log(
                        Level::Warn,
                        "Dropped attributes unknown to the schema from state",
                        &[("attributes", &ignored.join(","))],
                    );
                }
                v
            }
            Err(e) => {
                return fail(Diagnostic::error(
                    "Unreadable state",
                    format!(
                        "The stored state of this {} could not be read: {e}",
                        req.type_name
                    ),
                ))
            }
        };
        match encode(&value, ty) {
            Ok(dv) => Ok(Response::new(proto::upgrade_resource_state::Response {
                upgraded_state: Some(dv),
                diagnostics: Vec::new(),
            })),
            Err(d) => fail(d),
        }
    }

    async fn configure_provider(
        &self,
        req: Request<proto::configure_provider::Request>,
    ) -> R<proto::configure_provider::Response> {
        let _log = RpcLog::new("ConfigureProvider", "");
        let req = req.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &self.provider_type,
            "provider configuration",
        ) {
            Ok(cfg) => {
                let p = self.provider.clone();
                let tfv = req.terraform_version;
                guarded(
                    "ConfigureProvider",
                    async move { p.configure(&cfg, &tfv).await },
                )
                .await
                .unwrap_or_else(|d| vec![d])
            }
            Err(d) => vec![d],
        };
        Ok(Response::new(proto::configure_provider::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<proto::read_resource::Request>,
    ) -> R<proto::read_resource::Response> {
        let req = req.into_inner();
        let _log = RpcLog::new("ReadResource", &req.type_name);
        let ty = match self.resource_type(&req.type_name) {
            Ok(t) => t.clone(),
            Err(diagnostics) => {
                return Ok(Response::new(proto::read_resource::Response {
                    diagnostics,
                    ..Default::default()
                }))
            }
        };
        let mut out = proto::read_resource::Response {
            private: req.private.clone(),
            new_state: req.current_state.clone(),
            ..Default::default()
        };
        let state = match decode(req.current_state.as_ref(), &ty, "current state") {
            Ok(v) => v,
            Err(d) => {
                out.diagnostics = diags_to_proto(&[d]);
                return Ok(Response::new(out));
            }
        };
        let p = self.provider.clone();
        let tn = req.type_name.clone();
        let private = req.private;
        match guarded(
            "ReadResource",
            async move { p.read(&tn, state, private).await },
        )
        .await
        {
            Ok(r) => {
                let mut diags = r.diags;
                if !super::diag::has_errors(&diags) {
                    match encode(&r.state, &ty) {
                        Ok(dv) => {
                            out.new_state = Some(dv);
                            out.private = r.private;
                        }
                        Err(d) => diags.push(d),
                    }
                }
                out.diagnostics = diags_to_proto(&diags);
            }
            Err(d) => out.diagnostics = diags_to_proto(&[d]),
        }
        Ok(Response::new(out))
    }

    async fn plan_resource_change(
        &self,
        req: Request<proto::plan_resource_change::Request>,
    ) -> R<proto::plan_resource_change::Response> {
        let req = req.into_inner();
        let _log = RpcLog::new("PlanResourceChange", &req.type_name);
        let ty = match self.resource_type(&req.type_name) {
            Ok(t) => t.clone(),
            Err(diagnostics) => {
                return Ok(Response::new(proto::plan_resource_change::Response {
                    diagnostics,
                    ..Default::default()
                }))
            }
        };
        let decoded = (|| {
            Ok::<_, Diagnostic>(PlanRequest {
                type_name: req.type_name.clone(),
                prior: decode(req.prior_state.as_ref(), &ty, "prior state")?,
                proposed: decode(req.proposed_new_state.as_ref(), &ty, "proposed new state")?,
                config: decode(req.config.as_ref(), &ty, "configuration")?,
                prior_private: req.prior_private.clone(),
            })
        })();
        let preq = match decoded {
            Ok(r) => r,
            Err(d) => {
                return Ok(Response::new(proto::plan_resource_change::Response {
                    diagnostics: diags_to_proto(&[d]),
                    ..Default::default()
                }))
            }
        };
        let p = self.provider.clone();
        let mut out = proto::plan_resource_change::Response::default();
        match guarded("PlanResourceChange", async move { p.plan(preq).await }).await {
            Ok(r) => {
                let mut diags = r.diags;
                if !super::diag::has_errors(&diags) {
                    match encode(&r.planned, &ty) {
                        Ok(dv) => out.planned_state = Some(dv),
                        Err(d) => diags.push(d),
                    }
                    out.requires_replace = r.requires_replace.iter().map(path_to_proto).collect();
                    out.planned_private = r.private;
                }
                out.diagnostics = diags_to_proto(&diags);
            }
            Err(d) => out.diagnostics = diags_to_proto(&[d]),
        }
        Ok(Response::new(out))
    }

    async fn apply_resource_change(
        &self,
        req: Request<proto::apply_resource_change::Request>,
    ) -> R<proto::apply_resource_change::Response> {
        let req = req.into_inner();
        let _log = RpcLog::new("ApplyResourceChange", &req.type_name);
        let ty = match self.resource_type(&req.type_name) {
            Ok(t) => t.clone(),
            Err(diagnostics) => {
                return Ok(Response::new(proto::apply_resource_change::Response {
                    diagnostics,
                    ..Default::default()
                }))
            }
        };
        // On failure Terraform keeps what we return: default to the prior state.
        let mut out = proto::apply_resource_change::Response {
            new_state: req.prior_state.clone(),
            private: req.planned_private.clone(),
            ..Default::default()
        };
        let decoded = (|| {
            Ok::<_, Diagnostic>(ApplyRequest {
                type_name: req.type_name.clone(),
                prior: decode(req.prior_state.as_ref(), &ty, "prior state")?,
                planned: decode(req.planned_state.as_ref(), &ty, "planned state")?,
                config: decode(req.config.as_ref(), &ty, "configuration")?,
                private: req.planned_private.clone(),
            })
        })();
        let areq = match decoded {
            Ok(r) => r,
            Err(d) => {
                out.diagnostics = diags_to_proto(&[d]);
                return Ok(Response::new(out));
            }
        };
        let p = self.provider.clone();
        match guarded("ApplyResourceChange", async move { p.apply(areq).await }).await {
            Ok(r) => {
                let mut diags = r.diags;
                match encode(&r.state, &ty) {
                    Ok(dv) => {
                        out.new_state = Some(dv);
                        out.private = r.private;
                    }
                    Err(d) => diags.push(d),
                }
                out.diagnostics = diags_to_proto(&diags);
            }
            Err(d) => out.diagnostics = diags_to_proto(&[d]),
        }
        Ok(Response::new(out))
    }

    async fn import_resource_state(
        &self,
        req: Request<proto::import_resource_state::Request>,
    ) -> R<proto::import_resource_state::Response> {
        let req = req.into_inner();
        let _log = RpcLog::new("ImportResourceState", &req.type_name);
        let ty = match self.resource_type(&req.type_name) {
            Ok(t) => t.clone(),
            Err(diagnostics) => {
                return Ok(Response::new(proto::import_resource_state::Response {
                    diagnostics,
                    ..Default::default()
                }))
            }
        };
        let p = self.provider.clone();
        let (tn, id) = (req.type_name.clone(), req.id.clone());
        let mut out = proto::import_resource_state::Response::default();
        match guarded(
            "ImportResourceState",
            async move { p.import(&tn, &id).await },
        )
        .await
        {
            Ok((items, mut diags)) => {
                for it in items {
                    match encode(&it.state, &ty) {
                        Ok(dv) => out.imported_resources.push(
                            proto::import_resource_state::ImportedResource {
                                type_name: it.type_name,
                                state: Some(dv),
                                private: it.private,
                            },
                        ),
                        Err(d) => diags.push(d),
                    }
                }
                out.diagnostics = diags_to_proto(&diags);
            }
            Err(d) => out.diagnostics = diags_to_proto(&[d]),
        }
        Ok(Response::new(out))
    }

    async fn move_resource_state(
        &self,
        _: Request<proto::move_resource_state::Request>,
    ) -> R<proto::move_resource_state::Response> {
        Ok(Response::new(proto::move_resource_state::Response {
            diagnostics: diags_to_proto(&[Diagnostic::error(
                "Moving resources is not supported",
                "This provider does not accept state moved from another resource type.",
            )]),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<proto::read_data_source::Request>,
    ) -> R<proto::read_data_source::Response> {
        Ok(Response::new(proto::read_data_source::Response {
            diagnostics: diags_to_proto(&[Diagnostic::error(
                "Unknown data source",
                format!(
                    "This provider has no data source {:?}.",
                    req.into_inner().type_name
                ),
            )]),
            ..Default::default()
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<proto::validate_ephemeral_resource_config::Request>,
    ) -> R<proto::validate_ephemeral_resource_config::Response> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        _: Request<proto::open_ephemeral_resource::Request>,
    ) -> R<proto::open_ephemeral_resource::Response> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }

    async fn renew_ephemeral_resource(
        &self,
        _: Request<proto::renew_ephemeral_resource::Request>,
    ) -> R<proto::renew_ephemeral_resource::Response> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }

    async fn close_ephemeral_resource(
        &self,
        _: Request<proto::close_ephemeral_resource::Request>,
    ) -> R<proto::close_ephemeral_resource::Response> {
        Err(Status::unimplemented(
            "this provider has no ephemeral resources",
        ))
    }

    async fn get_functions(
        &self,
        _: Request<proto::get_functions::Request>,
    ) -> R<proto::get_functions::Response> {
        Ok(Response::new(proto::get_functions::Response::default()))
    }

    async fn call_function(
        &self,
        _: Request<proto::call_function::Request>,
    ) -> R<proto::call_function::Response> {
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
    ) -> R<proto::stop_provider::Response> {
        let _log = RpcLog::new("StopProvider", "");
        self.provider.stop();
        Ok(Response::new(proto::stop_provider::Response::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::{Attribute, Check};

    #[test]
    fn schema_conversion_uses_nested_type_only() {
        let s = Schema {
            version: 1,
            description: "d",
            attributes: vec![
                Attribute::required("name", Type::String, "the name").check(Check::Length(1, 3)),
                Attribute::optional("secret", Type::String, "s").sensitive(),
                Attribute::computed("id", Type::String, "id"),
                Attribute::optional("m", Type::Map(Box::new(Type::String)), "map"),
                Attribute::nested(
                    "items",
                    Nesting::List,
                    Presence::OptionalComputed,
                    vec![Attribute::required("k", Type::Number, "k")],
                    "items",
                ),
                Attribute::nested("one", Nesting::Single, Presence::Optional, vec![], "one"),
                Attribute::nested("many", Nesting::Set, Presence::Optional, vec![], "many"),
            ],
        };
        let p = schema_to_proto(&s);
        assert_eq!(p.version, 1);
        let b = p.block.unwrap();
        assert_eq!(b.description_kind, proto::StringKind::Markdown as i32);
        let get = |n: &str| b.attributes.iter().find(|a| a.name == n).unwrap().clone();
        let name = get("name");
        assert!(name.required && !name.optional && !name.computed);
        assert_eq!(name.r#type, b"\"string\"");
        assert!(get("secret").sensitive && get("secret").optional);
        let id = get("id");
        assert!(id.computed && !id.optional && !id.required);
        assert_eq!(get("m").r#type, br#"["map","string"]"#);
        let items = get("items");
        assert!(
            items.r#type.is_empty(),
            "nested attributes leave type empty"
        );
        let nt = items.nested_type.unwrap();
        assert_eq!(nt.nesting, proto::schema::object::NestingMode::List as i32);
        assert_eq!(nt.attributes[0].name, "k");
        assert!(items.optional && items.computed);
        assert_eq!(
            get("one").nested_type.unwrap().nesting,
            proto::schema::object::NestingMode::Single as i32
        );
        assert_eq!(
            get("many").nested_type.unwrap().nesting,
            proto::schema::object::NestingMode::Set as i32
        );
    }

    #[test]
    fn diagnostics_carry_paths() {
        let d = Diagnostic::error_at(
            AttrPath::root().attr("members").index(2).attr("weight"),
            "s",
            "d",
        );
        let p = diags_to_proto(&[d]);
        assert_eq!(p[0].severity, proto::diagnostic::Severity::Error as i32);
        let steps = &p[0].attribute.as_ref().unwrap().steps;
        use proto::attribute_path::step::Selector;
        assert_eq!(
            steps[0].selector,
            Some(Selector::AttributeName("members".into()))
        );
        assert_eq!(steps[1].selector, Some(Selector::ElementKeyInt(2)));
        assert_eq!(
            steps[2].selector,
            Some(Selector::AttributeName("weight".into()))
        );
    }
}
