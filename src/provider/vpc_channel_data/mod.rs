//! Data sources `huaweicloud_apig_vpc_channel` (one channel by ID or exact
//! name) and `huaweicloud_apig_vpc_channels` (a gateway's channels by the
//! list API's filters). Both export the resource's attributes through the
//! resource's own state conversion.

pub mod docs;
pub mod many;
pub mod one;
pub mod schema;
mod source;

pub use source::{Channels, OneChannel};

use crate::apig::client::ApiError;
use crate::apig::models::Channel;
use crate::provider::vpc_channel::convert::{self, Location};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::value::Value;

/// A channel as the resource would hold it after import, but with every
/// member: the resource tracks only declared members of microservice
/// channels, a data source shows what the gateway has. The guide lists the
/// channel's own members and groups, so all of them are kept.
pub fn exported_state(ch: &Channel, loc: &Location) -> Value {
    let mut as_server = ch.clone();
    as_server.channel_type = 2;
    let all = convert::state_from_api(&as_server, &Value::Null, loc);
    let guide = Value::object([
        ("members", list_or_empty(all.get("members"))),
        ("member_groups", list_or_empty(all.get("member_groups"))),
    ]);
    convert::state_from_api(ch, &guide, loc)
}

fn list_or_empty(v: &Value) -> Value {
    Value::List(v.as_list().unwrap_or_default().to_vec())
}

/// `v` with attribute `k` set.
fn set(v: &mut Value, k: &str, x: Value) {
    if let Value::Object(o) = v {
        o.insert(k.to_string(), x);
    }
}

/// Why a list or show call failed, naming the gateway.
fn api_error(what: &str, loc: &Location, e: &ApiError) -> Diagnostic {
    let why = e
        .code()
        .and_then(|c| {
            crate::provider::vpc_channel::explain(c, what, loc).map(|w| format!("{c}: {w}\n\n"))
        })
        .unwrap_or_default();
    Diagnostic::error(
        format!("Failed to read {what}"),
        format!(
            "{why}{e}\nWhile reading {what} in gateway {} (project {}).",
            loc.instance_id, loc.project_id
        ),
    )
}

#[cfg(test)]
mod tests;
