//! The gRPC side of the protocol: message conversion, the shared RPC
//! skeleton, and the service that routes RPCs to the registry.

pub mod convert;
pub mod facets;
pub mod handler;
pub mod service;

pub use service::Server;
