//! The types a provider serves, by name: what the gRPC server routes by.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::diag::Diagnostic;
use super::identity::IdentitySchema;
use super::provider::{DataSource, ListResource, Resource};
use super::schema::Schema;
use super::value::Type;

/// A registered type with its value type, derived once from the schema.
pub struct Entry<T: ?Sized> {
    pub handler: Arc<T>,
    pub schema: &'static Schema,
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
    resources: BTreeMap<&'static str, Entry<dyn Resource<C>>>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource<C>>>,
    list_resources: BTreeMap<&'static str, Entry<dyn ListResource<C>>>,
}

impl<C: Send + Sync + 'static> Default for Registry<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Send + Sync + 'static> Registry<C> {
    pub fn new() -> Self {
        Registry {
            resources: BTreeMap::new(),
            data_sources: BTreeMap::new(),
            list_resources: BTreeMap::new(),
        }
    }

    /// Registers a resource type; a second one of the same name replaces it.
    pub fn resource(mut self, r: impl Resource<C>) -> Self {
        let (name, schema) = (r.type_name(), r.schema());
        let identity = r.identity_schema().map(|i| (i, i.value_type()));
        let mut entry = Entry::new(Arc::new(r) as Arc<dyn Resource<C>>, schema);
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

    pub fn get_resource(&self, name: &str) -> Result<&Entry<dyn Resource<C>>, Diagnostic> {
        self.resources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no resource type {name:?}."),
            )
        })
    }

    pub fn get_data_source(&self, name: &str) -> Result<&Entry<dyn DataSource<C>>, Diagnostic> {
        self.data_sources.get(name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown data source",
                format!("This provider has no data source {name:?}."),
            )
        })
    }

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
