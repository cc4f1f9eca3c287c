//! Huawei Cloud APIG client: typed models, AK/SK signing, HTTP with retries.
//! Knows nothing of Terraform.

pub mod client;
pub mod list;
pub mod models;
pub mod signer;
pub mod source;
