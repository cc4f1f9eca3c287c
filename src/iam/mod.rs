//! Huawei Cloud IAM: the calls behind project discovery, password tokens
//! and agencies, and a [`session::Session`] that caches and renews what
//! they return. Knows nothing of Terraform.

pub mod client;
pub mod models;
pub mod session;
mod wire;

/// `duration_seconds` bounds of `POST /v3.0/OS-CREDENTIAL/securitytokens`:
/// 15 minutes to 24 hours; 15 minutes when not given.
pub const MIN_AGENCY_DURATION: i64 = 900;
pub const MAX_AGENCY_DURATION: i64 = 86_400;
pub const DEFAULT_AGENCY_DURATION: i64 = 900;
