//! Create, read, update (the full body) and delete, each guarded so that
//! nothing is lost or orphaned when the network or the API misbehaves.
//! Each works on the channel's typed state and answers with it.

use crate::apig::client::{ApiError, Client, Target, RESOLVE_GRACE, SEND_GRACE};
use crate::provider::config::ProviderConfig;
use crate::provider::gateway::{
    keep, locate, locate_or_keep, recorded_as_planned, Location, Subject,
};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::provider::{Answer, StateResponse};
use crate::tfplugin::typed::Tf;

use super::create::post_channel;
use super::state::Channel;
use super::{convert, lossless, KIND};

pub async fn read(
    cfg: &ProviderConfig,
    client: &Client,
    state: Channel,
    private: Vec<u8>,
) -> Answer<Channel> {
    let (target, loc) = match locate(&state.scope(), cfg) {
        Ok(x) => x,
        Err(d) => return keep(Some(state), private, d),
    };
    let id = state.id.cloned().unwrap_or_default();
    let name = state.name.cloned().unwrap_or_else(|| id.clone());
    match client.show_channel(&target, &id).await {
        Ok(ch) if ch.id != id => {
            let d = KIND.other_id("read", &name, &id, &ch.id);
            keep(Some(state), private, d)
        }
        Ok(ch) => {
            // An imported channel is read first with no name yet.
            let found = lossless::unrepresentable(&ch);
            let mut diags = Vec::new();
            if !found.is_empty() {
                if state.name.is_null() {
                    let d = lossless::import_refused(&id, &found);
                    return keep(Some(state), private, d);
                }
                diags.push(lossless::read_warning(&name, &found));
            }
            StateResponse {
                state: Some(convert::channel_from_api(&ch, &state, &loc)),
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
            Answer {
                private,
                ..Answer::gone()
            }
        }
        Err(e) => {
            let d = KIND.api_diag("read", Subject::One(&name), &loc, &e);
            keep(Some(state), private, d)
        }
    }
}

pub async fn delete(
    cfg: &ProviderConfig,
    client: &Client,
    prior: Channel,
    mut private: Vec<u8>,
) -> Answer<Channel> {
    let scope = prior.scope();
    let (target, loc) = match locate_or_keep(&scope, cfg, Some(prior.clone()), &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (name, id) = (prior.name_or_empty(), prior.id.str().unwrap_or_default());
    let kept = |d: Diagnostic| keep(Some(prior.clone()), private.clone(), d);
    if client.is_stopped() {
        return kept(KIND.not_sent("delete", name, &loc));
    }
    let shield = client.shielded(RESOLVE_GRACE);
    let sent = tokio::select! {
        r = shield.client.delete_channel(&target, id) => r,
        _ = client.stopped_for(SEND_GRACE) => Err(ApiError::Cancelled),
    };
    match sent {
        Ok(()) => Answer::gone(),
        Err(e) if KIND.is_gone(&e) => Answer::gone(),
        // Sent, unanswered: whether it is gone decides the state.
        Err(ApiError::Cancelled) => match shield.client.show_channel(&target, id).await {
            Err(e) if KIND.is_gone(&e) => Answer::gone(),
            Ok(_) => kept(KIND.interrupted(
                "delete",
                name,
                id,
                &loc,
                "it still exists and stays in state",
            )),
            Err(e) => kept(KIND.interrupted(
                "delete",
                name,
                id,
                &loc,
                &format!("whether it is gone could not be read ({e}), so it stays in state"),
            )),
        },
        Err(e) => kept(KIND.api_diag("delete", Subject::One(name), &loc, &e)),
    }
}

pub async fn create(
    cfg: &ProviderConfig,
    client: &Client,
    planned: Channel,
    config: Channel,
    mut private: Vec<u8>,
) -> Answer<Channel> {
    let (target, loc) = match locate_or_keep(&planned.scope(), cfg, None, &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = convert::channel_request(&planned, &config);
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
        Err(d) => keep(None, private, d),
    }
}

pub async fn update(
    cfg: &ProviderConfig,
    client: &Client,
    prior: Channel,
    planned: Channel,
    config: Channel,
    mut private: Vec<u8>,
) -> Answer<Channel> {
    let scope = planned.scope();
    let (target, loc) = match locate_or_keep(&scope, cfg, Some(prior.clone()), &mut private) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let body = convert::channel_request(&planned, &config);
    let id = prior.id.cloned().unwrap_or_default();
    let name = planned.name_or_empty().to_string();
    if client.is_stopped() {
        return keep(Some(prior), private, KIND.not_sent("update", &name, &loc));
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
                    convert::channel_from_api(&ch, &planned, &loc),
                    "its current settings were read and recorded",
                ),
                Ok(_) | Err(_) => (
                    prior,
                    "its settings could not be read, so the state before the update is kept",
                ),
            };
            let d = KIND.interrupted("update", &name, &id, &loc, now);
            keep(Some(state), private, d)
        }
        Err(e) => {
            let d = KIND.api_diag("update", Subject::One(&name), &loc, &e);
            keep(Some(prior), private, d)
        }
    }
}

/// Create and update answers carry no members or health check: read back.
async fn read_back(
    client: &Client,
    target: &Target,
    loc: &Location,
    id: String,
    planned: Channel,
    private: Vec<u8>,
) -> Answer<Channel> {
    let name = planned.name_or_empty();
    let partial = |id: &str| {
        let mut c = recorded_as_planned(&planned);
        c.id = Tf::Known(id.to_string());
        Some(c)
    };
    match client.show_channel(target, &id).await {
        Ok(ch) if ch.id != id => {
            let d = KIND.other_id("read back", name, &id, &ch.id);
            keep(partial(&id), private, d)
        }
        Ok(ch) => StateResponse {
            private: lossless::note(private, &lossless::unrepresentable(&ch)),
            state: Some(convert::channel_from_api(&ch, &planned, loc)),
            diags: Vec::new(),
        },
        // Interrupted: what was planned is what was sent and answered, so
        // it is recorded as is (values only the server knows stay empty
        // until the next refresh), without tainting the channel.
        Err(ApiError::Cancelled) => {
            let d = KIND.recorded_unread(name, &id, loc);
            keep(partial(&id), private, d)
        }
        Err(e) => {
            let d = KIND.api_diag("read back", Subject::One(name), loc, &e);
            keep(partial(&id), private, d)
        }
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
