//! Data sources `huaweicloud_apig_vpc_channel` (one channel by ID or exact
//! name) and `huaweicloud_apig_vpc_channels` (a gateway's channels by the
//! list API's filters). Both export the resource's attributes through the
//! resource's own state conversion; where the gateway is and what API
//! errors mean come from the gateway kit.

pub mod docs;
pub mod many;
pub mod one;
mod query;
pub mod schema;
mod source;

pub use source::{Channels, OneChannel};

use crate::apig::models as api;
use crate::provider::gateway::Location;
use crate::provider::vpc_channel::convert;
use crate::provider::vpc_channel::state::Channel;
use crate::tfplugin::typed::Tf;

/// A channel as the resource would hold it after import, but with every
/// member: the resource tracks only declared members of microservice
/// channels, a data source shows what the gateway has. The guide lists the
/// channel's own members and groups, so all of them are kept.
pub fn exported_state(ch: &api::Channel, loc: &Location) -> Channel {
    let mut as_server = ch.clone();
    as_server.channel_type = 2;
    let all = convert::channel_from_api(&as_server, &Channel::default(), loc);
    let guide = Channel {
        members: every(all.members),
        member_groups: every(all.member_groups),
        ..Channel::default()
    };
    convert::channel_from_api(ch, &guide, loc)
}

/// A list guide that holds every element (none when there is none).
fn every<T>(l: Tf<Vec<Tf<T>>>) -> Tf<Vec<Tf<T>>> {
    match l {
        Tf::Known(v) => Tf::Known(v),
        _ => Tf::Known(Vec::new()),
    }
}

#[cfg(test)]
mod tests;
