//! What a provider implements: the provider itself, and one [`Resource`] or
//! [`DataSource`] per type. Knows nothing of gRPC or msgpack.

use super::diag::Diagnostic;
use super::registry::Registry;
use super::schema::Schema;
use super::value::{AttrPath, Value};

pub struct PlanRequest {
    /// Null when the resource is being created.
    pub prior: Value,
    /// Terraform's proposal: config merged with prior computed values.
    pub proposed: Value,
    /// Null when the resource is being destroyed.
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

/// Input of create (prior is null), update, and delete (planned is null).
pub struct ApplyRequest {
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

/// One imported object, of the resource type that imported it.
pub struct Imported {
    pub state: Value,
    pub private: Vec<u8>,
}

/// A managed resource type. `C` is what the provider's configure produced;
/// plan, validate and import may run before configure, so they get an
/// `Option`.
#[tonic::async_trait]
pub trait Resource<C>: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static Schema;
    /// ValidateResourceConfig: every documented constraint, before any call.
    fn validate(&self, config: &Value) -> Vec<Diagnostic>;
    async fn plan(&self, ctx: Option<&C>, req: PlanRequest) -> PlanResponse;
    async fn read(&self, ctx: &C, state: Value, private: Vec<u8>) -> StateResponse;
    async fn create(&self, ctx: &C, req: ApplyRequest) -> StateResponse;
    async fn update(&self, ctx: &C, req: ApplyRequest) -> StateResponse;
    async fn delete(&self, ctx: &C, req: ApplyRequest) -> StateResponse;
    async fn import(&self, ctx: Option<&C>, id: &str) -> Result<Imported, Diagnostic>;
}

/// A data source type: read only, from its configuration.
#[tonic::async_trait]
pub trait DataSource<C>: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &'static Schema;
    /// ValidateDataResourceConfig: every documented constraint, before any call.
    fn validate(&self, config: &Value) -> Vec<Diagnostic>;
    /// The state is the config with the computed attributes filled in.
    async fn read(&self, ctx: &C, config: Value) -> StateResponse;
}

/// The provider: its own configuration, and the types it serves.
#[tonic::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What configure produces and every resource call receives.
    type Context: Send + Sync + 'static;
    fn schema(&self) -> &'static Schema;
    /// Built once, when the server starts.
    fn registry(&self) -> Registry<Self::Context>;
    fn validate_provider_config(&self, config: &Value) -> Vec<Diagnostic>;
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Result<Self::Context, Vec<Diagnostic>>;
    /// Terraform's Ctrl-C: cancel in-flight work.
    fn stop(&self);
}
