//! Terraform plugin protocol 6: wire types, values, schemas, diagnostics and
//! the gRPC server. Knows nothing of Huawei Cloud.

pub mod codec;
pub mod diag;
pub mod docs;
pub mod logging;
pub mod schema;
pub mod serve;
pub mod server;
pub mod tls;
pub mod value;

/// Generated from `proto/` at build time.
#[allow(clippy::all, clippy::pedantic)]
pub mod proto {
    tonic::include_proto!("tfplugin6");
    pub mod controller {
        tonic::include_proto!("plugin");
    }
}
