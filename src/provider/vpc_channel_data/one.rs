//! `huaweicloud_apig_vpc_channel`: one channel by `id`, or by exact `name`
//! (the list call with `precise_search=name`, names compared here too).

use crate::apig::channels::NO_SUCH_CHANNEL;
use crate::apig::client::Client;
use crate::provider::config::ProviderConfig;
use crate::provider::vpc_channel::locate;
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::value::{AttrPath, Value};

use super::{api_error, exported_state, schema};
use crate::provider::vpc_channel::state::Channel;
use crate::tfplugin::typed::Known;

/// ValidateDataResourceConfig: the attribute checks, and exactly one of
/// `id` and `name` (an unknown one may still be either).
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    let mut diags = schema::one().diagnose(config);
    let (id, name) = (config.get(Channel::ID), config.get(Channel::NAME));
    if id.is_unknown() || name.is_unknown() {
        return diags;
    }
    match (id.is_null(), name.is_null()) {
        (false, false) => diags.push(Diagnostic::error_at(
            AttrPath::root().attr(Channel::NAME),
            "Conflicting arguments",
            "Set either `id` or `name` to choose the VPC channel, not both.",
        )),
        (true, true) => diags.push(Diagnostic::error(
            "Missing argument",
            "Set `id` or `name` to choose the VPC channel.",
        )),
        _ => {}
    }
    diags
}

fn fail(config: Value, d: Diagnostic) -> StateResponse {
    StateResponse {
        state: config,
        private: Vec::new(),
        diags: vec![d],
    }
}

pub async fn read(cfg: &ProviderConfig, client: &Client, config: Value) -> StateResponse {
    let diags = validate(&config);
    if has_errors(&diags) {
        return StateResponse {
            state: config,
            private: Vec::new(),
            diags,
        };
    }
    let (target, loc) = match locate(&config, cfg) {
        Ok(x) => x,
        Err(d) => return fail(config, d),
    };
    let gw = format!("Gateway {} (project {})", loc.instance_id, loc.project_id);
    let wanted_id = config.get(Channel::ID).as_str().map(str::to_string);
    let wanted_name = config.get(Channel::NAME).as_str().map(str::to_string);
    let id = match (wanted_id, wanted_name) {
        (Some(id), _) => id,
        (None, Some(name)) => match client.find_channels_by_name(&target, &name).await {
            Err(e) => {
                return fail(
                    config,
                    api_error(&format!("VPC channel {name:?}"), &loc, &e),
                )
            }
            Ok(found) => match found.as_slice() {
                [one] => one.id.clone(),
                [] => {
                    return fail(
                        config,
                        Diagnostic::error_at(
                            AttrPath::root().attr(Channel::NAME),
                            "VPC channel not found",
                            format!("{gw} has no VPC channel named exactly {name:?}."),
                        ),
                    )
                }
                several => {
                    let ids: Vec<&str> = several.iter().map(|c| c.id.as_str()).collect();
                    return fail(
                        config,
                        Diagnostic::error_at(
                            AttrPath::root().attr(Channel::NAME),
                            "Several VPC channels found",
                            format!(
                                "{gw} has {} VPC channels named {name:?}: {}. Choose one with `id`.",
                                ids.len(),
                                ids.join(", ")
                            ),
                        ),
                    );
                }
            },
        },
        // validate rules this out; kept as an error, never a panic
        (None, None) => {
            return fail(
                config,
                Diagnostic::error(
                    "Missing argument",
                    "Set `id` or `name` to choose the VPC channel.",
                ),
            )
        }
    };
    match client.show_channel(&target, &id).await {
        Ok(ch) => StateResponse {
            state: exported_state(&ch, &loc).to_known(),
            private: Vec::new(),
            diags: Vec::new(),
        },
        Err(e) if e.code() == Some(NO_SUCH_CHANNEL) => fail(
            config,
            Diagnostic::error_at(
                AttrPath::root().attr(Channel::ID),
                "VPC channel not found",
                format!("{gw} has no VPC channel with ID {id:?}."),
            ),
        ),
        Err(e) => fail(config, api_error(&format!("VPC channel {id:?}"), &loc, &e)),
    }
}
