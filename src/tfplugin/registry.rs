//! The types a provider serves, by name: what the gRPC server routes by.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::diag::Diagnostic;
use super::provider::{DataSource, Resource};
use super::schema::Schema;
use super::value::Type;

/// A registered type with its value type, derived once from the schema.
pub struct Entry<T: ?Sized> {
    pub handler: Arc<T>,
    pub schema: &'static Schema,
    pub value_type: Type,
}

/// Resources and data sources by type name. Adding one is one line:
/// `Registry::new().resource(MyResource).data_source(MyDataSource)`.
pub struct Registry<C> {
    resources: BTreeMap<&'static str, Entry<dyn Resource<C>>>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource<C>>>,
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
        }
    }

    /// Registers a resource type; a second one of the same name replaces it.
    pub fn resource(mut self, r: impl Resource<C>) -> Self {
        let (name, schema) = (r.type_name(), r.schema());
        self.resources.insert(
            name,
            Entry {
                handler: Arc::new(r),
                schema,
                value_type: schema.value_type(),
            },
        );
        self
    }

    /// Registers a data source type; a second one of the same name replaces it.
    pub fn data_source(mut self, d: impl DataSource<C>) -> Self {
        let (name, schema) = (d.type_name(), d.schema());
        self.data_sources.insert(
            name,
            Entry {
                handler: Arc::new(d),
                schema,
                value_type: schema.value_type(),
            },
        );
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

    /// Resource types in name order, with their schemas.
    pub fn resources(&self) -> impl Iterator<Item = (&'static str, &'static Schema)> + '_ {
        self.resources.iter().map(|(n, e)| (*n, e.schema))
    }

    /// Data source types in name order, with their schemas.
    pub fn data_sources(&self) -> impl Iterator<Item = (&'static str, &'static Schema)> + '_ {
        self.data_sources.iter().map(|(n, e)| (*n, e.schema))
    }
}
