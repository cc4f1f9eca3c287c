//! Create, read, update (the full body) and delete, each guarded so that
//! nothing is lost or orphaned when the network or the API misbehaves.

use crate::apig::client::{ApiError, Client, Target, RESOLVE_GRACE, SEND_GRACE};
use crate::provider::config::ProviderConfig;
use crate::provider::gateway::{
    keep, locate, locate_or_keep, planned_with_id, Location, Scope, Subject,
};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::typed::view;
use crate::tfplugin::value::Value;

use super::create::post_channel;
use super::{convert, lossless, state, KIND};

pub async fn read(
    cfg: &ProviderConfig,
    client: &Client,
    state: Value,
    private: Vec<u8>,
) -> StateResponse {
    let (target, loc) = match locate(&view::<Scope>(&state), cfg) {
        Ok(x) => x,
        Err(d) => return keep(state, private, d),
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
        Ok(ch) if ch.id != id => keep(state, private, KIND.other_id("read", &name, &id, &ch.id)),
        Ok(ch) => {
            // An imported channel is read first with no name yet.
            let found = lossless::unrepresentable(&ch);
            let mut diags = Vec::new();
            if !found.is_empty() {
                if state.get(state::Channel::NAME).is_null() {
                    let d = lossless::import_refused(&id, &found);
                    return keep(state, private, d);
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
        Err(e) if KIND.is_gone(&e) => {
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
        Err(e) => keep(
            state,
            private,
            KIND.api_diag("read", Subject::One(&name), &loc, &e),
        ),
    }
}

fn text_of(v: &Value, attr: &str) -> String {
    v.get(attr).as_str().unwrap_or_default().to_string()
}

pub async fn delete(
    cfg: &ProviderConfig,
    client: &Client,
    prior: Value,
    mut private: Vec<u8>,
) -> StateResponse {
    let scope = view::<Scope>(&prior);
    let (target, loc) = match locate_or_keep(&scope, cfg, prior.clone(), &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let name = text_of(&prior, state::Channel::NAME);
    let id = text_of(&prior, state::Channel::ID);
    let kept = |d: Diagnostic| keep(prior.clone(), private.clone(), d);
    if client.is_stopped() {
        return kept(KIND.not_sent("delete", &name, &loc));
    }
    let shield = client.shielded(RESOLVE_GRACE);
    let sent = tokio::select! {
        r = shield.client.delete_channel(&target, &id) => r,
        _ = client.stopped_for(SEND_GRACE) => Err(ApiError::Cancelled),
    };
    match sent {
        Ok(()) => StateResponse::default(),
        Err(e) if KIND.is_gone(&e) => StateResponse::default(),
        // Sent, unanswered: whether it is gone decides the state.
        Err(ApiError::Cancelled) => match shield.client.show_channel(&target, &id).await {
            Err(e) if KIND.is_gone(&e) => StateResponse::default(),
            Ok(_) => kept(KIND.interrupted(
                "delete",
                &name,
                &id,
                &loc,
                "it still exists and stays in state",
            )),
            Err(e) => kept(KIND.interrupted(
                "delete",
                &name,
                &id,
                &loc,
                &format!("whether it is gone could not be read ({e}), so it stays in state"),
            )),
        },
        Err(e) => kept(KIND.api_diag("delete", Subject::One(&name), &loc, &e)),
    }
}

pub async fn create(
    cfg: &ProviderConfig,
    client: &Client,
    planned: Value,
    config: Value,
    mut private: Vec<u8>,
) -> StateResponse {
    let scope = view::<Scope>(&planned);
    let (target, loc) = match locate_or_keep(&scope, cfg, Value::Null, &mut private) {
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
        Err(d) => keep(Value::Null, private, d),
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
    let scope = view::<Scope>(&planned);
    let (target, loc) = match locate_or_keep(&scope, cfg, prior.clone(), &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = convert::request_from_plan(&planned, &config);
    let id = text_of(&prior, state::Channel::ID);
    let name = text_of(&planned, state::Channel::NAME);
    if client.is_stopped() {
        return keep(prior, private, KIND.not_sent("update", &name, &loc));
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
            let d = KIND.interrupted("update", &name, &id, &loc, &now);
            keep(state, private, d)
        }
        Err(e) => keep(
            prior,
            private,
            KIND.api_diag("update", Subject::One(&name), &loc, &e),
        ),
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
    let partial = |id: String| planned_with_id(&planned, state::Channel::ID, id);
    match client.show_channel(target, &id).await {
        Ok(ch) if ch.id != id => {
            let d = KIND.other_id("read back", &name, &id, &ch.id);
            keep(partial(id), private, d)
        }
        Ok(ch) => StateResponse {
            private: lossless::note(private, &lossless::unrepresentable(&ch)),
            state: convert::state_from_api(&ch, &planned, loc),
            diags: Vec::new(),
        },
        // Interrupted: what was planned is what was sent and answered, so
        // it is recorded as is (values only the server knows stay empty
        // until the next refresh), without tainting the channel.
        Err(ApiError::Cancelled) => {
            let d = KIND.recorded_unread(&name, &id, loc);
            keep(partial(id), private, d)
        }
        Err(e) => {
            let d = KIND.api_diag("read back", Subject::One(&name), loc, &e);
            keep(partial(id), private, d)
        }
    }
}

#[cfg(test)]
#[path = "id_tests.rs"]
mod id_tests;
