//! What a provider implements: the provider itself, and one [`Resource`],
//! [`DataSource`] or [`ListResource`] per type. Knows nothing of gRPC or
//! msgpack.
//!
//! A kind implements the small core (schema, read, create, update, delete)
//! on its typed state and opts into the rest by overriding default bodies:
//! plan beyond the schema's flags, validation beyond the schema, import,
//! identity, generated configuration.

use tokio::sync::mpsc;

use super::diag::Diagnostic;
use super::identity::IdentitySchema;
use super::planning::{plan_by_schema, without_read_only};
use super::registry::Registry;
use super::schema::Schema;
use super::typed::Known;
use super::value::{AttrPath, Value};

/// PlanResourceChange as the protocol sends it: every state a [`Value`].
pub struct PlanRequest {
    /// Null when the resource is being created.
    pub prior: Value,
    /// Terraform's proposal: config merged with prior computed values.
    pub proposed: Value,
    /// Null when the resource is being destroyed.
    pub config: Value,
    /// What the last apply or read kept beside the prior state.
    pub prior_private: Vec<u8>,
}

/// The answer of plan: the planned state, which changes force a
/// replacement, private data for the apply, and diagnostics.
#[derive(Default)]
pub struct PlanResponse {
    /// Null when the resource is being destroyed.
    pub planned: Value,
    /// Top-level attributes whose change replaces the object.
    pub requires_replace: Vec<AttrPath>,
    /// Handed to the apply of this plan.
    pub private: Vec<u8>,
    /// Errors and warnings of the plan.
    pub diags: Vec<Diagnostic>,
}

/// ApplyResourceChange as the protocol sends it: create (prior is null),
/// update, and delete (planned is null).
pub struct ApplyRequest {
    /// Null for a create.
    pub prior: Value,
    /// Null for a delete.
    pub planned: Value,
    /// Null for a delete.
    pub config: Value,
    /// What the plan handed over.
    pub private: Vec<u8>,
}

/// Answer of read and apply: what Terraform records (also on failure),
/// private data kept beside it, and diagnostics. The protocol's form holds
/// a [`Value`] (null: the object is gone); a typed kind's an `Option` of
/// its state ([`Answer`]).
#[derive(Default)]
pub struct StateResponse<S = Value> {
    /// What Terraform records.
    pub state: S,
    /// Kept beside the state, handed to the next plan or read.
    pub private: Vec<u8>,
    /// Errors and warnings of the call.
    pub diags: Vec<Diagnostic>,
}

/// One imported object, of the resource type that imported it: its typed
/// state, or (by default) a [`Value`].
pub struct Imported<S = Value> {
    /// The minimal state ReadResource then completes.
    pub state: S,
    /// Kept beside the state.
    pub private: Vec<u8>,
}

/// PlanResourceChange for a typed kind: the prior state and the
/// configuration decoded once into its state type, and the same as
/// [`Value`]s for the schema-driven planning (`tfplugin::planning`). Both
/// forms of the configuration hold null on read-only attributes (see
/// `planning::without_read_only`).
pub struct Plan<S> {
    /// `None` when the resource is being created.
    pub prior: Option<S>,
    /// `None` when the resource is being destroyed.
    pub config: Option<S>,
    /// The request as Values, private data included.
    pub values: PlanRequest,
}

/// ReadResource: the state Terraform holds (never null).
pub struct Read<S> {
    /// The state as recorded.
    pub state: S,
    /// What the last apply or read kept beside it.
    pub private: Vec<u8>,
}

/// ApplyResourceChange with a null prior state.
pub struct Create<S> {
    /// The plan, wholly known.
    pub planned: S,
    /// The configuration (write-only values only here).
    pub config: S,
    /// What the plan handed over.
    pub private: Vec<u8>,
}

/// ApplyResourceChange with both states.
pub struct Update<S> {
    /// The state before.
    pub prior: S,
    /// The plan, wholly known.
    pub planned: S,
    /// The configuration (write-only values only here).
    pub config: S,
    /// What the plan handed over.
    pub private: Vec<u8>,
}

/// ApplyResourceChange with a null planned state.
pub struct Delete<S> {
    /// The state being deleted.
    pub prior: S,
    /// What the plan handed over.
    pub private: Vec<u8>,
}

/// Answer of a typed read, create, update or delete; a `None` state means
/// the object is gone.
pub type Answer<S> = StateResponse<Option<S>>;

impl<S> Answer<S> {
    /// The object is gone (deleted, or found missing): nothing recorded.
    pub fn gone() -> Self {
        StateResponse {
            state: None,
            private: Vec::new(),
            diags: Vec::new(),
        }
    }
}

/// A managed resource type with its typed state. `C` is what the
/// provider's configure produced; plan, validate and import may run before
/// configure, so they get an `Option`.
///
/// The core is schema, read, create, update and delete; the rest has
/// default bodies a kind overrides to opt in: plan beyond the schema's
/// flags, validation beyond the schema, import, identity, generated
/// configuration. The registry erases the state type once
/// ([`super::registry::ErasedResource`]).
#[tonic::async_trait]
pub trait Resource<C: Send + Sync + 'static>: Send + Sync + 'static {
    /// The state as the kind reads and writes it: a struct declared with
    /// [`crate::tf_object!`] (or [`Value`] for a kind that stays generic).
    type State: Known + Default + Send + Sync + 'static;

    /// The type name, e.g. `huaweicloud_apig_vpc_channel`.
    fn type_name(&self) -> &'static str;
    /// The schema, built once.
    fn schema(&self) -> &'static Schema;
    /// ValidateResourceConfig: every documented constraint, before any
    /// call. By default the schema's own checks and rules.
    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        self.schema().diagnose(config)
    }
    /// PlanResourceChange: the planned state (no prior: create; no config:
    /// destroy). By default what the schema's plan flags declare.
    async fn plan(&self, _ctx: Option<&C>, req: Plan<Self::State>) -> PlanResponse {
        let v = req.values;
        let (planned, requires_replace) =
            plan_by_schema(&self.schema().attributes, &v.prior, &v.config);
        PlanResponse {
            planned,
            requires_replace,
            private: v.prior_private,
            diags: Vec::new(),
        }
    }
    /// ReadResource: the object as it is now; `None` when gone.
    async fn read(&self, ctx: &C, req: Read<Self::State>) -> Answer<Self::State>;
    /// ApplyResourceChange with a null prior state.
    async fn create(&self, ctx: &C, req: Create<Self::State>) -> Answer<Self::State>;
    /// ApplyResourceChange with both states.
    async fn update(&self, ctx: &C, req: Update<Self::State>) -> Answer<Self::State>;
    /// ApplyResourceChange with a null planned state.
    async fn delete(&self, ctx: &C, req: Delete<Self::State>) -> Answer<Self::State>;
    /// ImportResourceState by an ID string. By default: not importable.
    async fn import(
        &self,
        _ctx: Option<&C>,
        _id: &str,
    ) -> Result<Imported<Self::State>, Diagnostic> {
        Err(Diagnostic::error(
            "Import not supported",
            format!("{} cannot be imported.", self.type_name()),
        ))
    }

    /// The identity facet: `Some` makes Terraform (1.12+) store an identity
    /// beside each object and accept `import { identity = ... }`. By
    /// default a kind has none.
    fn identity_schema(&self) -> Option<&'static IdentitySchema> {
        None
    }
    /// The identity of a state, typed by [`Self::identity_schema`]. Parts
    /// the state does not know yet may be unknown (a create's plan).
    fn identity(&self, _state: &Self::State) -> Value {
        Value::Null
    }
    /// ImportResourceState by identity; the identity has every attribute
    /// the schema requires for import (checked before this is called).
    async fn import_identity(
        &self,
        _ctx: Option<&C>,
        _identity: &Value,
    ) -> Result<Imported<Self::State>, Diagnostic> {
        Err(Diagnostic::error(
            "Import by identity not supported",
            format!("{} cannot be imported by identity.", self.type_name()),
        ))
    }
    /// GenerateResourceConfig: the configuration a person would write for
    /// this state (Terraform 1.14 renders it as HCL). By default the state
    /// without its computed-only attributes.
    async fn generate_config(&self, _ctx: Option<&C>, state: &Value) -> Result<Value, Diagnostic> {
        Ok(without_read_only(&self.schema().attributes, state))
    }
}

/// A data source type: read only, from its configuration.
#[tonic::async_trait]
pub trait DataSource<C>: Send + Sync + 'static {
    /// The type name, e.g. `huaweicloud_apig_vpc_channel`.
    fn type_name(&self) -> &'static str;
    /// The schema, built once.
    fn schema(&self) -> &'static Schema;
    /// ValidateDataResourceConfig: every documented constraint, before any call.
    fn validate(&self, config: &Value) -> Vec<Diagnostic>;
    /// The state is the config with the computed attributes filled in.
    async fn read(&self, ctx: &C, config: Value) -> StateResponse;
}

/// Input of ListResource: the list block's `config`, decoded by the list
/// resource's schema, and what Terraform wants of the results.
pub struct ListRequest {
    /// The `config` block's values.
    pub config: Value,
    /// Send each object's full state (`include_resource = true`, and
    /// always for `-generate-config-out`).
    pub include_resource_object: bool,
    /// Terraform reads at most this many events.
    pub limit: i64,
}

/// One result: an object of the resource type of the same name.
pub struct ListEvent {
    /// By the resource's identity schema.
    pub identity: Value,
    /// For people: what the object is called.
    pub display_name: String,
    /// The object's state by the resource's schema, when asked for.
    pub resource_object: Option<Value>,
    /// Warnings about this result, or the error that ends the listing.
    pub diags: Vec<Diagnostic>,
}

/// Where a list resource streams its results to.
pub struct ListSink(mpsc::Sender<ListEvent>);

impl ListSink {
    /// A sink and the receiving end the protocol layer streams from.
    pub fn channel(buffer: usize) -> (ListSink, mpsc::Receiver<ListEvent>) {
        let (tx, rx) = mpsc::channel(buffer.max(1));
        (ListSink(tx), rx)
    }

    /// Sends one event; false when Terraform stopped reading (its limit is
    /// reached or it went away): stop listing then.
    pub async fn send(&self, event: ListEvent) -> bool {
        self.0.send(event).await.is_ok()
    }

    /// Sends an error that ends the listing.
    pub async fn fail(&self, d: Diagnostic) {
        let _ = self.0.send(ListEvent::error(d)).await;
    }
}

impl ListEvent {
    /// An event that carries only a diagnostic.
    pub fn error(d: Diagnostic) -> ListEvent {
        ListEvent {
            identity: Value::Null,
            display_name: String::new(),
            resource_object: None,
            diags: vec![d],
        }
    }
}

/// A list resource type (`list` blocks, `terraform query`, Terraform
/// 1.14): finds existing objects of the managed resource type of the same
/// name, which must have an identity. Its schema is the `config` block.
#[tonic::async_trait]
pub trait ListResource<C: Send + Sync + 'static>: Send + Sync + 'static {
    /// The type name: the managed resource type it lists.
    fn type_name(&self) -> &'static str;
    /// The `config` block's schema.
    fn schema(&self) -> &'static Schema;
    /// ValidateListResourceConfig. By default the schema's checks and rules.
    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        self.schema().diagnose(config)
    }
    /// Streams every matching object into `sink` until done, `limit` is
    /// reached or the sink is closed.
    async fn list(&self, ctx: &C, req: ListRequest, sink: ListSink);
}

/// The provider: its own configuration, and the types it serves.
#[tonic::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What configure produces and every resource call receives.
    type Context: Send + Sync + 'static;
    /// The provider block's schema, built once.
    fn schema(&self) -> &'static Schema;
    /// Built once, when the server starts.
    fn registry(&self) -> Registry<Self::Context>;
    /// ValidateProviderConfig: what is wrong in the provider block itself.
    fn validate_provider_config(&self, config: &Value) -> Vec<Diagnostic>;
    /// ConfigureProvider: the context every later call receives, or why
    /// there is none.
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Result<Self::Context, Vec<Diagnostic>>;
    /// Terraform's Ctrl-C: cancel in-flight work.
    fn stop(&self);
}
