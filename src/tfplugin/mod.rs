//! Terraform plugin protocol 6: wire types, values, schemas, diagnostics,
//! the provider traits and the gRPC server. Knows nothing of Huawei Cloud.
//!
//! - [`provider`]: the `Provider`, `Resource`, `DataSource` and
//!   `ListResource` traits; [`identity`]: resource identity schemas;
//! - [`registry`]: the types a provider serves, by name;
//! - [`grpc`]: the tfplugin6 service routing RPCs to the registry;
//! - [`launch`]: go-plugin start-up (handshake, TLS, socket, shutdown).

pub mod codec;
pub mod diag;
pub mod docs;
pub mod grpc;
pub mod identity;
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
#[allow(clippy::all, clippy::pedantic)]
pub mod proto {
    tonic::include_proto!("tfplugin6");
    pub mod controller {
        tonic::include_proto!("plugin");
    }
}
