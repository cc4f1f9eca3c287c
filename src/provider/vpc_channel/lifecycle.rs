//! Create, read, update (the full body) and delete, each guarded so that
//! nothing is lost or orphaned when the network or the API misbehaves.

use std::time::Duration;

use crate::apig::client::{ApiError, Client, Target};
use crate::apig::models::{Channel, ChannelRequest};
use crate::provider::config::ProviderConfig;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::value::Value;

use super::convert::{self, Location};
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
        Ok(ch) => StateResponse {
            state: convert::state_from_api(&ch, &state, &loc),
            private,
            diags: Vec::new(),
        },
        // Gone (or its gateway is): Terraform will plan to create it again.
        Err(e) if e.is_channel_gone() => {
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

/// A create that failed this way may have been committed: transport
/// failures after sending, 5xx, and success answers that could not be read.
fn ambiguous(e: &ApiError) -> bool {
    !matches!(e, ApiError::Cancelled) && e.may_have_been_applied()
}

/// A channel ID usable in a URL and in state: what import accepts.
pub fn is_channel_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && rules::is_plain_id(s)
}

const ID_RULE: &str = "1 to 64 letters, digits, hyphens (-) and underscores (_)";

/// The error for a channel the API created (or listed) with an ID that
/// cannot be stored: it exists, so say exactly which one it is.
fn unusable_created(body: &ChannelRequest, loc: &Location, id: &str, how: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to create VPC channel {:?}", body.name),
        format!(
            "The API {how} VPC channel {:?} in gateway {} (project {}) with the ID {id:?}, which is not a usable channel ID ({ID_RULE}); nothing was stored in state. The channel exists: check it in the console and delete it there, then apply again.",
            body.name, loc.instance_id, loc.project_id
        ),
    )
}

/// The answer to a show of `asked` names another channel (or an unusable
/// ID); it is not stored.
fn other_id(op: &str, name: &str, asked: &str, got: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to {op} VPC channel {name:?}"),
        format!("The API was asked for channel {asked:?} but answered with the channel ID {got:?}; the answer was not stored. Check the endpoint (`endpoints.apig`) points at API Gateway."),
    )
}

/// The create refused because a channel of that name exists that this
/// configuration did not make (it was there before the POST, or differs
/// from what was sent): it is neither changed nor adopted.
pub(super) fn exists_import_it(
    body: &ChannelRequest,
    loc: &Location,
    id: &str,
    why: &str,
) -> Diagnostic {
    let gw = &loc.instance_id;
    Diagnostic::error(
        format!("VPC channel {:?} already exists", body.name),
        format!(
            "Gateway {gw} (project {}) already has a VPC channel named {:?} (id {id}){why}; names are unique per gateway (the API refuses a second one with APIG.3208). The provider did not make it, so it neither changed it nor took it into state. To manage it with Terraform, import it (`<name>` being this resource's name in your configuration):\n  terraform import huaweicloud_apig_vpc_channel.<name> {gw}/{id}\nor give this channel another name. If this creates the replacement of a channel with `create_before_destroy`, the old channel still holds the name: give the replacement another name, or drop `create_before_destroy`.",
            loc.project_id, body.name
        ),
    )
}

/// A channel found by name after a lost create, if it can be adopted.
fn adopt(found: Channel, body: &ChannelRequest, loc: &Location) -> Result<String, Diagnostic> {
    if !is_channel_id(&found.id) {
        return Err(unusable_created(body, loc, &found.id, "lists"));
    }
    logging::log(
        Level::Info,
        "Adopted the VPC channel a lost create made",
        &[("id", &found.id)],
    );
    Ok(found.id)
}

fn same_channel(found: &Channel, body: &ChannelRequest) -> bool {
    found.name == body.name
        && found.port == body.port
        && found.balance_strategy == body.balance_strategy
        && found.member_type == body.member_type
        && body.channel_type.is_none_or(|t| t == found.channel_type)
}

/// POST, guarding against duplicates: when the answer is lost the channel
/// may exist, so look it up by exact name before trying again.
async fn post_channel(
    client: &Client,
    target: &Target,
    loc: &Location,
    body: &ChannelRequest,
    attempts: u32,
) -> Result<String, Diagnostic> {
    // Adoption rule, step 1: prove the name free before the first POST
    // (one list request), so that only a channel absent here can later be
    // taken for our own lost create.
    match client.find_channel_by_name(target, &body.name).await {
        Ok(Some(found)) => return Err(exists_import_it(body, loc, &found.id, "")),
        Ok(None) => {}
        Err(e) => return Err(api_diag("create", &body.name, loc, &e)),
    }
    let mut last: Option<ApiError> = None;
    // The ID of a channel known to exist whose ID cannot be used.
    let mut unusable: Option<String> = None;
    for attempt in 0..=attempts {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt.min(10)))).await;
        }
        let answer = match client.create_channel(target, body).await {
            // Without an ID the answer is as good as lost.
            Ok(ch) if ch.id.is_empty() => Err(ApiError::Decode {
                status: 201,
                message: "the create answer carries no channel id".into(),
            }),
            // Created, but under an ID that cannot be stored: find it by
            // name as for a lost answer.
            Ok(ch) if !is_channel_id(&ch.id) => {
                let e = ApiError::Decode {
                    status: 201,
                    message: format!("the create answer carries the channel id {:?}, which is not usable ({ID_RULE})", ch.id),
                };
                unusable = Some(ch.id);
                Err(e)
            }
            other => other,
        };
        match answer {
            Ok(ch) => return Ok(ch.id),
            Err(e) if ambiguous(&e) => {
                logging::log(
                    Level::Warn,
                    "Create of a VPC channel got no clear answer; looking it up by name",
                    &[("name", &body.name), ("error", &e)],
                );
                match client.find_channel_by_name(target, &body.name).await {
                    // Step 2: absent before the POST and holding what was
                    // sent: our own create, whose answer was lost.
                    Ok(Some(found)) if same_channel(&found, body) => return adopt(found, body, loc),
                    Ok(Some(found)) => {
                        let why = format!(
                            ", created while this create got no clear answer ({e}), which differs from what was sent (port {}, balance_strategy {}, member_type {:?}, type {})",
                            found.port, found.balance_strategy, found.member_type, found.channel_type
                        );
                        return Err(exists_import_it(body, loc, &found.id, &why));
                    }
                    // Known to exist: creating again would make a second one.
                    Ok(None) if unusable.is_some() => {
                        let id = unusable.unwrap_or_default();
                        return Err(unusable_created(body, loc, &id, "created"));
                    }
                    Ok(None) => last = Some(e),
                    Err(e2) => {
                        return Err(Diagnostic::error(
                            format!("Failed to create VPC channel {:?}", body.name),
                            format!(
                                "The create request got no clear answer ({e}) and the channel could not be looked up afterwards ({e2}). It may exist in gateway {}: check before applying again.",
                                loc.instance_id
                            ),
                        ))
                    }
                }
            }
            // An earlier attempt whose answer was lost may have finished
            // late: the name is now taken, by our own channel.
            Err(e) if last.is_some() && e.code() == Some("APIG.3208") => {
                match client.find_channel_by_name(target, &body.name).await {
                    Ok(Some(found)) if same_channel(&found, body) => {
                        return adopt(found, body, loc)
                    }
                    _ => return Err(api_diag("create", &body.name, loc, &e)),
                }
            }
            Err(e) => return Err(api_diag("create", &body.name, loc, &e)),
        }
    }
    Err(api_diag(
        "create",
        &body.name,
        loc,
        &last.unwrap_or(ApiError::Transport {
            message: "no attempt made".into(),
            maybe_committed: false,
        }),
    ))
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
    let name = prior
        .get(state::Channel::NAME)
        .as_str()
        .unwrap_or_default()
        .to_string();
    let id = prior
        .get(state::Channel::ID)
        .as_str()
        .unwrap_or_default()
        .to_string();
    match client.delete_channel(&target, &id).await {
        Ok(()) => StateResponse::default(),
        Err(e) if e.is_channel_gone() => StateResponse::default(),
        Err(e) => StateResponse {
            diags: vec![api_diag("delete", &name, &loc, &e)],
            state: prior,
            private,
        },
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
    match post_channel(client, &target, &loc, &body, cfg.max_retries).await {
        Ok(id) => read_back(client, &target, &loc, id, planned, private).await,
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
    let id = prior
        .get(state::Channel::ID)
        .as_str()
        .unwrap_or_default()
        .to_string();
    if let Err(e) = client.update_channel(&target, &id, &body).await {
        let name = planned
            .get(state::Channel::NAME)
            .as_str()
            .unwrap_or_default();
        return StateResponse {
            diags: vec![api_diag("update", name, &loc, &e)],
            state: prior,
            private,
        };
    }
    read_back(client, &target, &loc, id, planned, private).await
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
    let name = || {
        planned
            .get(state::Channel::NAME)
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    match client.show_channel(target, &id).await {
        Ok(ch) if ch.id != id => StateResponse {
            diags: vec![other_id("read back", &name(), &id, &ch.id)],
            state: with_attr(
                &unknowns_to_null(&planned),
                state::Channel::ID,
                Value::String(id),
            ),
            private,
        },
        Ok(ch) => StateResponse {
            state: convert::state_from_api(&ch, &planned, loc),
            private,
            diags: Vec::new(),
        },
        Err(e) => {
            // Keep the ID so the channel is never orphaned; Terraform
            // refreshes it on the next run.
            let partial = with_attr(
                &unknowns_to_null(&planned),
                state::Channel::ID,
                Value::String(id),
            );
            StateResponse {
                diags: vec![api_diag("read back", &name(), loc, &e)],
                state: partial,
                private,
            }
        }
    }
}

#[cfg(test)]
#[path = "id_tests.rs"]
mod id_tests;
