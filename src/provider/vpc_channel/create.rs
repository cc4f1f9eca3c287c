//! The create path: the adoption rule (a channel of that name found
//! before the first POST is someone else's; after an unclear POST only a
//! channel absent then and holding what was sent is ours) and the
//! interrupt rule (a POST already sent is finished or resolved by a lookup
//! within a grace period; nothing new is sent after the stop).

use std::time::Duration;

use crate::apig::client::{ApiError, Client, Target, SEND_GRACE};
use crate::apig::models::{Channel, ChannelRequest};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};

use super::convert::Location;
use super::lifecycle::{is_channel_id, ID_RULE};
use super::messages::api_diag;

/// A create that failed this way may have been committed: transport
/// failures after sending, 5xx, success answers that could not be read,
/// and a request sent but not answered before the interrupt's grace ended.
fn ambiguous(e: &ApiError) -> bool {
    e.may_have_been_applied()
}

/// The import command for a channel of gateway `loc` (`what`: its ID, or
/// its name when the ID is not known).
pub(super) fn import_command(loc: &Location, what: &str) -> String {
    format!(
        "terraform import huaweicloud_apig_vpc_channel.<name> {}/{what}",
        loc.instance_id
    )
}

/// Interrupted before the first POST: nothing was created.
fn not_sent(body: &ChannelRequest, loc: &Location) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to create VPC channel {:?}", body.name),
        format!(
            "Interrupted before the create was sent: nothing was created in gateway {} (project {}). Apply again to create it.",
            loc.instance_id, loc.project_id
        ),
    )
}

/// A sent create whose outcome could not be told: it names the channel and
/// the exact import command, should it exist.
fn unresolved(body: &ChannelRequest, loc: &Location, e: &ApiError, then: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to create VPC channel {:?}", body.name),
        format!(
            "The create request got no clear answer ({e}) and {then}. VPC channel {:?} may exist in gateway {} (project {}): if it does, bring it under Terraform before applying again (`<name>` being this resource's name in your configuration):\n  {}",
            body.name,
            loc.instance_id,
            loc.project_id,
            import_command(loc, &body.name)
        ),
    )
}

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
/// may exist, so look it up by exact name before trying again. `client`
/// stops with Terraform; `shield` finishes what was sent (see
/// [`Client::shielded`]).
pub(super) async fn post_channel(
    client: &Client,
    shield: &Client,
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
        Err(ApiError::Cancelled) => return Err(not_sent(body, loc)),
        Err(e) => return Err(api_diag("create", &body.name, loc, &e)),
    }
    let mut last: Option<ApiError> = None;
    // The ID of a channel known to exist whose ID cannot be used.
    let mut unusable: Option<String> = None;
    for attempt in 0..=attempts {
        if attempt > 0 {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt.min(10)))) => {}
                _ = client.stopped_for(Duration::ZERO) => {}
            }
        }
        // Interrupt rule: only work not yet sent is cancelled.
        if client.is_stopped() {
            return Err(match &last {
                None => not_sent(body, loc),
                Some(e) => unresolved(
                    body,
                    loc,
                    e,
                    "Terraform was interrupted before it was tried again",
                ),
            });
        }
        let answer = tokio::select! {
            r = shield.create_channel(target, body) => r,
            _ = client.stopped_for(SEND_GRACE) => Err(ApiError::Cancelled),
        };
        let answer = match answer {
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
                match shield.find_channel_by_name(target, &body.name).await {
                    // Step 2: absent before the POST and holding what was
                    // sent: our own create, whose answer was lost.
                    Ok(Some(found)) if same_channel(&found, body) => {
                        return adopt(found, body, loc)
                    }
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
                    // Unanswered when the grace ended: it may still land.
                    Ok(None) if e == ApiError::Cancelled => {
                        return Err(unresolved(
                            body,
                            loc,
                            &e,
                            "Terraform was interrupted; it was not found by name afterwards",
                        ));
                    }
                    Ok(None) => last = Some(e),
                    Err(e2) => {
                        return Err(unresolved(
                            body,
                            loc,
                            &e,
                            &format!("the channel could not be looked up afterwards ({e2})"),
                        ));
                    }
                }
            }
            // An earlier attempt whose answer was lost may have finished
            // late: the name is now taken, by our own channel.
            Err(e) if last.is_some() && e.code() == Some("APIG.3208") => {
                match shield.find_channel_by_name(target, &body.name).await {
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
