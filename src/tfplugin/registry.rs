//! The types a provider serves, by name: what the gRPC server routes by.
//! A typed [`Resource`] is erased once here ([`ErasedResource`]): its
//! states are decoded into its state type and encoded back, and an apply
//! is routed to create, update or delete.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::diag::{has_errors, Diagnostic};
use super::identity::IdentitySchema;
use super::planning::without_read_only;
use super::provider::{
    Answer, ApplyRequest, Create, DataSource, Delete, Imported, ListResource, Plan, PlanRequest,
    PlanResponse, Read, Resource, StateResponse, Update,
};
use super::schema::Schema;
use super::typed::{state_of, value_of, Known, TypeMismatch};
use super::value::{Type, Value};

/// A registered type with its value type, derived once from the schema.
pub struct Entry<T: ?Sized> {
    /// The implementation the service calls.
    pub handler: Arc<T>,
    /// Its schema, built once.
    pub schema: &'static Schema,
    /// The value type of its states and configuration.
    pub value_type: Type,
    /// A resource's identity schema and its value type, when it has one.
    pub identity: Option<(&'static IdentitySchema, Type)>,
}

impl<T: ?Sized> Entry<T> {
    fn new(handler: Arc<T>, schema: &'static Schema) -> Self {
        Entry {
            handler,
            schema,
            value_type: schema.value_type(),
            identity: None,
        }
    }
}

/// Resources, data sources and list resources by type name. Adding one is
/// one line: `Registry::new().resource(MyResource).data_source(MyDataSource)`.
pub struct Registry<C: Send + Sync + 'static> {
    resources: BTreeMap<&'static str, Entry<dyn ErasedResource<C>>>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource<C>>>,
    list_resources: BTreeMap<&'static str, Entry<dyn ListResource<C>>>,
}

impl<C: Send + Sync + 'static> Default for Registry<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Send + Sync + 'static> Registry<C> {
    /// A registry serving nothing yet.
    pub fn new() -> Self {
        Registry {
            resources: BTreeMap::new(),
            data_sources: BTreeMap::new(),
            list_resources: BTreeMap::new(),
        }
    }

    /// Registers a resource type; a second one of the same name replaces it.
    pub fn resource(mut self, r: impl Resource<C>) -> Self {
        let (name, schema) = (Resource::type_name(&r), Resource::schema(&r));
        let identity = Resource::identity_schema(&r).map(|i| (i, i.value_type()));
        let mut entry = Entry::new(Arc::new(r) as Arc<dyn ErasedResource<C>>, schema);
        entry.identity = identity;
        self.resources.insert(name, entry);
        self
    }

    /// Registers a data source type; a second one of the same name replaces it.
    pub fn data_source(mut self, d: impl DataSource<C>) -> Self {
        let (name, schema) = (d.type_name(), d.schema());
        (self.data_sources).insert(name, Entry::new(Arc::new(d) as Arc<_>, schema));
        self
    }

    /// Registers a list resource; its name must be a registered resource's
    /// that has an identity (Terraform refuses to list anything else).
    pub fn list_resource(mut self, l: impl ListResource<C>) -> Self {
        let (name, schema) = (l.type_name(), l.schema());
        (self.list_resources).insert(name, Entry::new(Arc::new(l) as Arc<_>, schema));
        self
    }

    /// The resource type of this name, or the diagnostic that says none is.
    pub fn get_resource(&self, name: &str) -> Result<&Entry<dyn ErasedResource<C>>, Diagnostic> {
        self.resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no resource type {name:?}."),
            )
        })
    }

    /// The data source of this name, or the diagnostic that says none is.
    pub fn get_data_source(&self, name: &str) -> Result<&Entry<dyn DataSource<C>>, Diagnostic> {
        self.data_sources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown data source",
                format!("This provider has no data source {name:?}."),
            )
        })
    }

    /// The list resource of this name, or the diagnostic that says none is.
    pub fn get_list_resource(&self, name: &str) -> Result<&Entry<dyn ListResource<C>>, Diagnostic> {
        self.list_resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown list resource",
                format!("This provider has no list resource {name:?}."),
            )
        })
    }

    /// List resource types in name order, with their `config` schemas.
    pub fn list_resources(&self) -> impl Iterator<Item = (&'static str, &'static Schema)> + '_ {
        self.list_resources.iter().map(|(n, e)| (*n, e.schema))
    }

    /// Resource types with an identity, in name order.
    pub fn identities(&self) -> impl Iterator<Item = (&'static str, &'static IdentitySchema)> + '_ {
        (self.resources.iter()).filter_map(|(n, e)| e.identity.as_ref().map(|(i, _)| (*n, *i)))
    }

    /// Resource types in name order, with their schemas.
    pub fn resources(&self) -> impl Iterator<Item = (&'static str, &'static Schema)> + '_ {
        self.resources.iter().map(|(n, e)| (*n, e.schema))
    }

    /// Data source types in name order, with their schemas.
    pub fn data_sources(&self) -> impl Iterator<Item = (&'static str, &'static Schema)> + '_ {
        self.data_sources.iter().map(|(n, e)| (*n, e.schema))
    }
}

/// A [`Resource`] with its state type erased to [`Value`]: what the
/// registry holds and the gRPC service calls. Every `Resource` is one (the
/// impl below); nothing implements it by hand.
#[tonic::async_trait]
pub trait ErasedResource<C>: Send + Sync + 'static {
    /// See [`Resource::schema`].
    fn schema(&self) -> &'static Schema;
    /// See [`Resource::validate`].
    fn validate(&self, config: &Value) -> Vec<Diagnostic>;
    /// Decodes the prior state and the configuration (its read-only
    /// attributes null), then [`Resource::plan`].
    async fn plan(&self, ctx: Option<&C>, req: PlanRequest) -> PlanResponse;
    /// Decodes the state, then [`Resource::read`].
    async fn read(&self, ctx: &C, state: Value, private: Vec<u8>) -> StateResponse;
    /// Create (null prior), delete (null planned) or update.
    async fn apply(&self, ctx: &C, req: ApplyRequest) -> StateResponse;
    /// See [`Resource::import`].
    async fn import(&self, ctx: Option<&C>, id: &str) -> Result<Imported, Diagnostic>;
    /// See [`Resource::import_identity`].
    async fn import_identity(
        &self,
        ctx: Option<&C>,
        identity: &Value,
    ) -> Result<Imported, Diagnostic>;
    /// The identity of a non-null state (see [`Resource::identity`]); null
    /// when the state does not decode.
    fn identity(&self, state: &Value) -> Value;
    /// See [`Resource::generate_config`].
    async fn generate_config(&self, ctx: Option<&C>, state: &Value) -> Result<Value, Diagnostic>;
}

/// A state that does not fit the kind's declared struct: the schema and
/// the struct disagree (Terraform checks values against the schema).
fn mismatch(type_name: &str, what: &str, e: &TypeMismatch) -> Diagnostic {
    Diagnostic::error(
        "Internal provider error",
        format!("The {what} of this {type_name} does not fit its declared state: {e}. No change was made by this call; please report this bug."),
    )
}

/// A state the protocol guarantees is not null.
fn required<S: Known>(type_name: &str, what: &str, v: &Value) -> Result<S, Diagnostic> {
    match state_of(v) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Diagnostic::error(
            "Internal provider error",
            format!("Terraform sent a null {what} for this {type_name}; nothing was done."),
        )),
        Err(e) => Err(mismatch(type_name, what, &e)),
    }
}

fn answer<S: Known>(a: Answer<S>) -> StateResponse {
    StateResponse {
        state: value_of(a.state.as_ref()),
        private: a.private,
        diags: a.diags,
    }
}

fn imported<S: Known>(i: Imported<S>) -> Imported {
    Imported {
        state: i.state.to_known(),
        private: i.private,
    }
}

/// What a failed decode answers: the state Terraform had, unchanged.
fn kept(state: Value, private: Vec<u8>, d: Diagnostic) -> StateResponse {
    StateResponse {
        state,
        private,
        diags: vec![d],
    }
}

/// The typed plan request; a configuration that does not decode is
/// answered with the validation's errors (a value the schema's checks
/// refuse, such as a fraction for a whole number), else a mismatch.
fn typed_plan<C, R>(r: &R, mut req: PlanRequest) -> Result<Plan<R::State>, Vec<Diagnostic>>
where
    C: Send + Sync + 'static,
    R: Resource<C>,
{
    let name = r.type_name();
    req.config = without_read_only(&Resource::schema(r).attributes, &req.config);
    let config = state_of(&req.config).map_err(|e| {
        let diags = Resource::validate(r, &req.config);
        if has_errors(&diags) {
            diags
        } else {
            vec![mismatch(name, "configuration", &e)]
        }
    })?;
    let prior = state_of(&req.prior).map_err(|e| vec![mismatch(name, "prior state", &e)])?;
    Ok(Plan {
        prior,
        config,
        values: req,
    })
}

/// Create or update: the planned state and the configuration decoded.
async fn create_or_update<C, R>(r: &R, ctx: &C, req: ApplyRequest) -> StateResponse
where
    C: Send + Sync + 'static,
    R: Resource<C>,
{
    let name = r.type_name();
    let decoded = required(name, "planned state", &req.planned).and_then(|planned| {
        // Terraform always sends one; all-null otherwise, as a view would.
        let config = state_of(&req.config)
            .map_err(|e| mismatch(name, "configuration", &e))?
            .unwrap_or_default();
        match req.prior.is_null() {
            true => Ok((None, planned, config)),
            false => Ok((
                Some(required(name, "prior state", &req.prior)?),
                planned,
                config,
            )),
        }
    });
    let (prior, planned, config) = match decoded {
        Ok(x) => x,
        Err(d) => return kept(req.prior, req.private, d),
    };
    let private = req.private;
    answer(match prior {
        None => {
            let c = Create {
                planned,
                config,
                private,
            };
            r.create(ctx, c).await
        }
        Some(prior) => {
            let u = Update {
                prior,
                planned,
                config,
                private,
            };
            r.update(ctx, u).await
        }
    })
}

#[tonic::async_trait]
impl<C, R> ErasedResource<C> for R
where
    C: Send + Sync + 'static,
    R: Resource<C>,
{
    fn schema(&self) -> &'static Schema {
        Resource::schema(self)
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        Resource::validate(self, config)
    }

    async fn plan(&self, ctx: Option<&C>, req: PlanRequest) -> PlanResponse {
        match typed_plan(self, req) {
            Ok(p) => Resource::plan(self, ctx, p).await,
            Err(diags) => PlanResponse {
                diags,
                ..Default::default()
            },
        }
    }

    async fn read(&self, ctx: &C, state: Value, private: Vec<u8>) -> StateResponse {
        match state_of(&state) {
            Ok(Some(state)) => answer(Resource::read(self, ctx, Read { state, private }).await),
            // Nothing to read: it stays gone.
            Ok(None) => answer::<R::State>(Answer {
                private,
                ..Answer::gone()
            }),
            Err(e) => kept(state, private, mismatch(self.type_name(), "state", &e)),
        }
    }

    async fn apply(&self, ctx: &C, req: ApplyRequest) -> StateResponse {
        if !req.planned.is_null() {
            return create_or_update(self, ctx, req).await;
        }
        match required(self.type_name(), "prior state", &req.prior) {
            Ok(prior) => {
                let private = req.private;
                answer(self.delete(ctx, Delete { prior, private }).await)
            }
            Err(d) => kept(req.prior, req.private, d),
        }
    }

    async fn import(&self, ctx: Option<&C>, id: &str) -> Result<Imported, Diagnostic> {
        Resource::import(self, ctx, id).await.map(imported)
    }

    async fn import_identity(
        &self,
        ctx: Option<&C>,
        identity: &Value,
    ) -> Result<Imported, Diagnostic> {
        let i = Resource::import_identity(self, ctx, identity).await;
        i.map(imported)
    }

    fn identity(&self, state: &Value) -> Value {
        match state_of(state) {
            Ok(Some(s)) => Resource::identity(self, &s),
            _ => Value::Null,
        }
    }

    async fn generate_config(&self, ctx: Option<&C>, state: &Value) -> Result<Value, Diagnostic> {
        Resource::generate_config(self, ctx, state).await
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
