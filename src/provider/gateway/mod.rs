//! The gateway kit: what every gateway-scoped resource and data source
//! shares. A kind declares itself once as a [`Kind`] (its nouns, its
//! "gone" codes, its explanations of API errors) and gets:
//! - `location`: [`Scope`] (the gateway, project and region attributes),
//!   [`locate`] (the API target they mean), [`is_api_id`];
//! - `project`: the project of an object that names none, and the one
//!   decided at apply;
//! - `kind`: the one API-error renderer ([`Kind::api_diag`]);
//! - `keep`: what a failed or interrupted apply keeps in state;
//! - `create`: the create of an object unique by name (the adoption and
//!   interrupt rules), for any kind that implements [`Creation`].

mod create;
mod keep;
mod kind;
mod location;
mod project;

pub use create::{create, exists_import_it, import_command, Creation};
pub use keep::{keep, locate_or_keep, recorded_as_planned};
pub use kind::{Kind, Subject};
pub use location::{
    is_api_id, is_plain_id, locate, no_project, scope_attributes, Location, Scope, ID_RULE,
    PLAIN_ID_RULE,
};
pub use project::{config_for, plan_project, PlanProject};

#[cfg(test)]
mod tests;
