//! Create, read, update (the full body) and delete, each guarded so that
//! nothing is lost or orphaned when the network or the API misbehaves.

use crate::apig::channels::GONE;
use crate::apig::client::{ApiError, Client, Target, RESOLVE_GRACE, SEND_GRACE};
use crate::provider::config::ProviderConfig;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::value::Value;

use super::convert::{self, Location};
use super::create::post_channel;
use super::lossless;
use super::messages::api_diag;
use super::{locate, rules, state};

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

fn with_attr(v: &Value, k: &str, x: Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(o) = &mut v {
        o.insert(k.to_string(), x);
    }
    v
}

pub async fn read(
    cfg: &ProviderConfig,
    client: &Client,
    state: Value,
    private: Vec<u8>,
) -> StateResponse {
    let (target, loc) = match locate(&state, cfg) {
        Ok(x) => x,
        Err(d) => {
            return StateResponse {
                state,
                private,
                diags: vec![d],
            }
        }
    };
    let id = state
        .get(state::Channel::ID)
        .as_str()
        .unwrap_or_default()
        .to_string();
    let name = state
        .get(state::Channel::NAME)
        .as_str()
        .unwrap_or(&id)
        .to_string();
    match client.show_channel(&target, &id).await {
        Ok(ch) if ch.id != id => StateResponse {
            diags: vec![other_id("read", &name, &id, &ch.id)],
            state,
            private,
        },
        Ok(ch) => {
            // An imported channel is read first with no name yet.
            let found = lossless::unrepresentable(&ch);
            let mut diags = Vec::new();
            if !found.is_empty() {
                if state.get(state::Channel::NAME).is_null() {
                    let d = lossless::import_refused(&id, &found);
                    return StateResponse {
                        state,
                        private,
                        diags: vec![d],
                    };
                }
                diags.push(lossless::read_warning(&name, &found));
            }
            StateResponse {
                state: convert::state_from_api(&ch, &state, &loc),
                private: lossless::note(private, &found),
                diags,
            }
        }
        // Gone (or its gateway is): Terraform will plan to create it again.
        Err(e) if e.is_gone(GONE) => {
            logging::log(
                Level::Info,
                "VPC channel not found; removing it from state",
                &[("id", &id)],
            );
            StateResponse {
                state: Value::Null,
                private,
                diags: Vec::new(),
            }
        }
        Err(e) => StateResponse {
            diags: vec![api_diag("read", &name, &loc, &e)],
            state,
            private,
        },
    }
}

/// A channel ID usable in a URL and in state: what import accepts.
pub fn is_channel_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && rules::is_plain_id(s)
}

pub(super) const ID_RULE: &str = "1 to 64 letters, digits, hyphens (-) and underscores (_)";

/// The answer to a show of `asked` names another channel (or an unusable
/// ID); it is not stored.
fn other_id(op: &str, name: &str, asked: &str, got: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to {op} VPC channel {name:?}"),
        format!("The API was asked for channel {asked:?} but answered with the channel ID {got:?}; the answer was not stored. Check the endpoint (`endpoints.apig`) points at API Gateway."),
    )
}

/// Where a planned or prior channel lives, or the diagnostic and the state
/// to keep when that cannot be told.
fn locate_or_keep(
    v: &Value,
    cfg: &ProviderConfig,
    keep: Value,
    private: &mut Vec<u8>,
) -> Result<(Target, Location), StateResponse> {
    locate(v, cfg).map_err(|d| StateResponse {
        state: keep,
        private: std::mem::take(private),
        diags: vec![d],
    })
}

fn text_of(v: &Value, attr: &str) -> String {
    v.get(attr).as_str().unwrap_or_default().to_string()
}

/// Interrupted before `op` was sent: nothing changed.
fn not_sent(op: &str, name: &str, loc: &Location) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to {op} VPC channel {name:?}"),
        format!(
            "Interrupted before the {op} was sent: nothing changed in gateway {}. Apply again to finish.",
            loc.instance_id
        ),
    )
}

/// A sent update or delete unanswered within the interrupt's grace: what
/// the server holds now is recorded instead.
fn interrupted(op: &str, name: &str, id: &str, loc: &Location, now: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to {op} VPC channel {name:?}"),
        format!(
            "Terraform was interrupted while the {op} of VPC channel {name:?} (id {id}) in gateway {} was in flight; {now}. Apply again to finish.",
            loc.instance_id
        ),
    )
}

pub async fn delete(
    cfg: &ProviderConfig,
    client: &Client,
    prior: Value,
    mut private: Vec<u8>,
) -> StateResponse {
    let (target, loc) = match locate_or_keep(&prior, cfg, prior.clone(), &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let name = text_of(&prior, state::Channel::NAME);
    let id = text_of(&prior, state::Channel::ID);
    let keep = |d: Diagnostic| StateResponse {
        diags: vec![d],
        state: prior.clone(),
        private: private.clone(),
    };
    if client.is_stopped() {
        return keep(not_sent("delete", &name, &loc));
    }
    let shield = client.shielded(RESOLVE_GRACE);
    let sent = tokio::select! {
        r = shield.client.delete_channel(&target, &id) => r,
        _ = client.stopped_for(SEND_GRACE) => Err(ApiError::Cancelled),
    };
    match sent {
        Ok(()) => StateResponse::default(),
        Err(e) if e.is_gone(GONE) => StateResponse::default(),
        // Sent, unanswered: whether it is gone decides the state.
        Err(ApiError::Cancelled) => match shield.client.show_channel(&target, &id).await {
            Err(e) if e.is_gone(GONE) => StateResponse::default(),
            Ok(_) => keep(interrupted(
                "delete",
                &name,
                &id,
                &loc,
                "it still exists and stays in state",
            )),
            Err(e) => keep(interrupted(
                "delete",
                &name,
                &id,
                &loc,
                &format!("whether it is gone could not be read ({e}), so it stays in state"),
            )),
        },
        Err(e) => keep(api_diag("delete", &name, &loc, &e)),
    }
}

pub async fn create(
    cfg: &ProviderConfig,
    client: &Client,
    planned: Value,
    config: Value,
    mut private: Vec<u8>,
) -> StateResponse {
    let (target, loc) = match locate_or_keep(&planned, cfg, Value::Null, &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = convert::request_from_plan(&planned, &config);
    let shield = client.shielded(RESOLVE_GRACE);
    let posted = post_channel(
        client,
        &shield.client,
        &target,
        &loc,
        &body,
        cfg.max_retries,
    );
    match posted.await {
        Ok(id) => read_back(&shield.client, &target, &loc, id, planned, private).await,
        Err(d) => StateResponse {
            state: Value::Null,
            private,
            diags: vec![d],
        },
    }
}

pub async fn update(
    cfg: &ProviderConfig,
    client: &Client,
    prior: Value,
    planned: Value,
    config: Value,
    mut private: Vec<u8>,
) -> StateResponse {
    let (target, loc) = match locate_or_keep(&planned, cfg, prior.clone(), &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = convert::request_from_plan(&planned, &config);
    let id = text_of(&prior, state::Channel::ID);
    let name = text_of(&planned, state::Channel::NAME);
    if client.is_stopped() {
        return StateResponse {
            diags: vec![not_sent("update", &name, &loc)],
            state: prior,
            private,
        };
    }
    let shield = client.shielded(RESOLVE_GRACE);
    let sent = tokio::select! {
        r = shield.client.update_channel(&target, &id, &body) => r,
        _ = client.stopped_for(SEND_GRACE) => Err(ApiError::Cancelled),
    };
    match sent {
        Ok(_) => read_back(&shield.client, &target, &loc, id, planned, private).await,
        // Sent, unanswered: record what the server holds now.
        Err(ApiError::Cancelled) => {
            let now = shield.client.show_channel(&target, &id).await;
            let (state, now) = match now {
                Ok(ch) if ch.id == id => (
                    convert::state_from_api(&ch, &planned, &loc),
                    "its current settings were read and recorded".to_string(),
                ),
                Ok(_) | Err(_) => (
                    prior,
                    "its settings could not be read, so the state before the update is kept"
                        .to_string(),
                ),
            };
            StateResponse {
                diags: vec![interrupted("update", &name, &id, &loc, &now)],
                state,
                private,
            }
        }
        Err(e) => StateResponse {
            diags: vec![api_diag("update", &name, &loc, &e)],
            state: prior,
            private,
        },
    }
}

/// Create and update answers carry no members or health check: read back.
async fn read_back(
    client: &Client,
    target: &Target,
    loc: &Location,
    id: String,
    planned: Value,
    private: Vec<u8>,
) -> StateResponse {
    let name = text_of(&planned, state::Channel::NAME);
    // Keep the ID so the channel is never orphaned; Terraform refreshes it
    // on the next run.
    let partial = |id: String| {
        with_attr(
            &unknowns_to_null(&planned),
            state::Channel::ID,
            Value::String(id),
        )
    };
    match client.show_channel(target, &id).await {
        Ok(ch) if ch.id != id => StateResponse {
            diags: vec![other_id("read back", &name, &id, &ch.id)],
            state: partial(id),
            private,
        },
        Ok(ch) => StateResponse {
            private: lossless::note(private, &lossless::unrepresentable(&ch)),
            state: convert::state_from_api(&ch, &planned, loc),
            diags: Vec::new(),
        },
        // Interrupted: what was planned is what was sent and answered, so
        // it is recorded as is (values only the server knows stay empty
        // until the next refresh), without tainting the channel.
        Err(ApiError::Cancelled) => StateResponse {
            diags: vec![Diagnostic::warning(
                format!("VPC channel {name:?} recorded without reading it back"),
                format!("Terraform was interrupted after the API accepted VPC channel {name:?} (id {id}) in gateway {}; it is recorded in state as planned, and the next refresh reads what only the server knows.", loc.instance_id),
            )],
            state: partial(id),
            private,
        },
        Err(e) => StateResponse {
            diags: vec![api_diag("read back", &name, loc, &e)],
            state: partial(id),
            private,
        },
    }
}

#[cfg(test)]
#[path = "id_tests.rs"]
mod id_tests;
