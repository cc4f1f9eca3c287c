//! Mapping between Terraform values and the API models, both ways, through
//! the typed state of `super::state`.
//!
//! API → state is guided by the previous state (or the plan): lists follow
//! the guide's order whatever order the API uses, and what the server fills
//! in on its own (empty strings, zero ports, lower-case protocol) is read
//! back the way the user wrote it.

mod from_api;
mod pairing;
mod to_api;

pub use from_api::{channel_from_api, state_from_api};
pub use pairing::{group_passes, member_passes, pair, Matcher};
pub use to_api::{channel_request, request_from_plan};

/// The conversions' `loc` argument (the gateway kit's).
pub use crate::provider::gateway::Location;
