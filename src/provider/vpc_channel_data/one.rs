//! `huaweicloud_apig_vpc_channel`: one channel by `id`, or by exact `name`
//! (the list call with `precise_search=name`, names compared here too).

use crate::apig::channels::NO_SUCH_CHANNEL;
use crate::apig::client::{Client, Target};
use crate::provider::config::ProviderConfig;
use crate::provider::gateway::{keep, locate, Location, Subject};
use crate::provider::vpc_channel::state::Channel;
use crate::provider::vpc_channel::KIND;
use crate::tfplugin::diag::{has_errors, Diagnostic};
use crate::tfplugin::provider::StateResponse;
use crate::tfplugin::typed::{view, Known};
use crate::tfplugin::value::{AttrPath, Value};

use super::{exported_state, schema};

/// ValidateDataResourceConfig: the attribute checks, and exactly one of
/// `id` and `name` (an unknown one may still be either).
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    let mut diags = schema::one().diagnose(config);
    let c: Channel = view(config);
    let (id, name) = (&c.id, &c.name);
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

pub async fn read(cfg: &ProviderConfig, client: &Client, config: Value) -> StateResponse {
    let diags = validate(&config);
    if has_errors(&diags) {
        return StateResponse {
            state: config,
            private: Vec::new(),
            diags,
        };
    }
    let wanted: Channel = view(&config);
    let (target, loc) = match locate(&wanted.scope(), cfg) {
        Ok(x) => x,
        Err(d) => return keep(config, Vec::new(), d),
    };
    let id = match (wanted.id.cloned(), wanted.name.cloned()) {
        (Some(id), _) => id,
        (None, Some(name)) => match id_by_name(client, &target, &loc, &name).await {
            Ok(id) => id,
            Err(d) => return keep(config, Vec::new(), d),
        },
        // validate rules this out; kept as an error, never a panic
        (None, None) => {
            let d = Diagnostic::error(
                "Missing argument",
                "Set `id` or `name` to choose the VPC channel.",
            );
            return keep(config, Vec::new(), d);
        }
    };
    match client.show_channel(&target, &id).await {
        Ok(ch) => StateResponse {
            state: exported_state(&ch, &loc).to_known(),
            private: Vec::new(),
            diags: Vec::new(),
        },
        Err(e) if e.code() == Some(NO_SUCH_CHANNEL) => {
            let d = Diagnostic::error_at(
                AttrPath::root().attr(Channel::ID),
                "VPC channel not found",
                format!("{} has no VPC channel with ID {id:?}.", gateway(&loc)),
            );
            keep(config, Vec::new(), d)
        }
        Err(e) => {
            let d = KIND.api_diag("read", Subject::One(&id), &loc, &e);
            keep(config, Vec::new(), d)
        }
    }
}

/// `Gateway <id> (project <id>)`, to start a message.
fn gateway(loc: &Location) -> String {
    format!("Gateway {} (project {})", loc.instance_id, loc.project_id)
}

/// The ID of the one channel named exactly `name`.
async fn id_by_name(
    client: &Client,
    target: &Target,
    loc: &Location,
    name: &str,
) -> Result<String, Diagnostic> {
    let found = (client.find_channels_by_name(target, name).await)
        .map_err(|e| KIND.api_diag("read", Subject::One(name), loc, &e))?;
    let gw = gateway(loc);
    let at_name = || AttrPath::root().attr(Channel::NAME);
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Diagnostic::error_at(
            at_name(),
            "VPC channel not found",
            format!("{gw} has no VPC channel named exactly {name:?}."),
        )),
        several => {
            let ids: Vec<&str> = several.iter().map(|c| c.id.as_str()).collect();
            Err(Diagnostic::error_at(
                at_name(),
                "Several VPC channels found",
                format!(
                    "{gw} has {} VPC channels named {name:?}: {}. Choose one with `id`.",
                    ids.len(),
                    ids.join(", ")
                ),
            ))
        }
    }
}
