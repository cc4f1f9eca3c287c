//! Terraform plugin protocol 6: wire types, values, schemas, diagnostics,
//! the provider traits and the gRPC server. Knows nothing of Huawei Cloud.
//!
//! - [`provider`]: the `Provider`, `Resource` (typed: an associated
//!   state type), `DataSource` and `ListResource` traits; [`identity`]:
//!   resource identity schemas;
//! - [`registry`]: the types a provider serves, by name, each resource's
//!   state type erased once (`ErasedResource`);
//! - [`typed`]: `Tf<T>` and `tf_object!`, values as typed structs;
//!   [`planning`]: the schema's plan flags applied;
//! - [`grpc`]: the tfplugin6 service routing RPCs to the registry;
//! - [`launch`]: go-plugin start-up (handshake, TLS, socket, shutdown).

#![warn(missing_docs)]

pub mod codec;
pub mod diag;
pub mod docs;
pub mod grpc;
pub mod identity;
// launch.rs is outside this change; its two cookie constants lack docs.
#[allow(missing_docs)]
pub mod launch;
pub mod logging;
pub mod planning;
pub mod provider;
pub mod registry;
pub mod schema;
pub mod tls;
pub mod typed;
pub mod value;

/// Generated from `proto/` at build time.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto {
    tonic::include_proto!("tfplugin6");
    /// go-plugin's controller service (Shutdown).
    pub mod controller {
        tonic::include_proto!("plugin");
    }
}
