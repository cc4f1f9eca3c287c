//! What a failed or interrupted apply leaves in state, and the messages
//! that say so: Terraform must never lose track of what exists.

use crate::apig::client::Target;
use crate::provider::config::ProviderConfig;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::typed::{view, Known};
use crate::tfplugin::value::Value;

use super::{locate, Kind, Location, Scope};

/// A failure that keeps `state`: the prior one, none for a create (an
/// `Option` of a resource's typed state), or the configuration for a data
/// source (a [`Value`]).
pub fn keep<S>(state: S, private: Vec<u8>, d: Diagnostic) -> StateResponse<S> {
    StateResponse {
        state,
        private,
        diags: vec![d],
    }
}

/// Where a planned or prior object lives, or the failure that keeps
/// `kept` when that cannot be told.
pub fn locate_or_keep<S>(
    scope: &Scope,
    cfg: &ProviderConfig,
    kept: S,
    private: &mut Vec<u8>,
) -> Result<(Target, Location), StateResponse<S>> {
    locate(scope, cfg).map_err(|d| keep(kept, std::mem::take(private), d))
}

/// The plan as recorded when the server's answer could not be read: its
/// unknowns null. The kind sets the ID, so that the object is never
/// orphaned (Terraform refreshes it on the next run).
pub fn recorded_as_planned<S: Known + Default>(planned: &S) -> S {
    view(&unknowns_to_null(&planned.to_known()))
}

/// Replaces unknowns by null: what apply returns when it could not learn them.
fn unknowns_to_null(v: &Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(l) => Value::List(l.iter().map(unknowns_to_null).collect()),
        Value::Set(l) => Value::Set(l.iter().map(unknowns_to_null).collect()),
        Value::Tuple(l) => Value::Tuple(l.iter().map(unknowns_to_null).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), unknowns_to_null(v)))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), unknowns_to_null(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Kind {
    /// The answer to a show of `asked` names another object (or an
    /// unusable ID); it is not stored.
    pub fn other_id(&self, op: &str, name: &str, asked: &str, got: &str) -> Diagnostic {
        let short = self.short;
        Diagnostic::error(
            format!("Failed to {op} {} {name:?}", self.noun),
            format!("The API was asked for {short} {asked:?} but answered with the {short} ID {got:?}; the answer was not stored. Check the endpoint (`endpoints.apig`) points at API Gateway."),
        )
    }

    /// Interrupted before an update or delete was sent: nothing changed.
    pub fn not_sent(&self, op: &str, name: &str, loc: &Location) -> Diagnostic {
        Diagnostic::error(
            format!("Failed to {op} {} {name:?}", self.noun),
            format!(
                "Interrupted before the {op} was sent: nothing changed in gateway {}. Apply again to finish.",
                loc.instance_id
            ),
        )
    }

    /// A sent update or delete unanswered within the interrupt's grace:
    /// `now` says what the state holds instead.
    pub fn interrupted(
        &self,
        op: &str,
        name: &str,
        id: &str,
        loc: &Location,
        now: &str,
    ) -> Diagnostic {
        let noun = self.noun;
        Diagnostic::error(
            format!("Failed to {op} {noun} {name:?}"),
            format!(
                "Terraform was interrupted while the {op} of {noun} {name:?} (id {id}) in gateway {} was in flight; {now}. Apply again to finish.",
                loc.instance_id
            ),
        )
    }

    /// Accepted by the API, then interrupted before it was read back: it
    /// is recorded as planned (see [`recorded_as_planned`]).
    pub fn recorded_unread(&self, name: &str, id: &str, loc: &Location) -> Diagnostic {
        let noun = self.noun;
        Diagnostic::warning(
            format!("{noun} {name:?} recorded without reading it back"),
            format!("Terraform was interrupted after the API accepted {noun} {name:?} (id {id}) in gateway {}; it is recorded in state as planned, and the next refresh reads what only the server knows.", loc.instance_id),
        )
    }
}
