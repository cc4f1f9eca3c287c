//! Huawei Cloud APIG client: typed models, AK/SK signing, HTTP with retries.
//! Knows nothing of Terraform.

pub mod channels;
pub mod client;
pub mod list;
pub mod models;
pub mod signer;
pub mod source;

/// The API's "no such gateway" (404): every object of a gateway that is
/// gone is gone with it.
pub const NO_SUCH_GATEWAY: &str = "APIG.3030";
