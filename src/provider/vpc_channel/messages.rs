//! The channel as the gateway kit knows it, and what the API's channel
//! codes mean in the user's terms.

use crate::apig::channels::{GONE, NAME_TAKEN, NO_SUCH_CHANNEL};
use crate::provider::gateway::{Kind, Location};

use super::schema::TYPE_NAME;

/// `huaweicloud_apig_vpc_channel` for the gateway kit.
pub const KIND: Kind = Kind {
    noun: "VPC channel",
    short: "channel",
    type_name: TYPE_NAME,
    gone: GONE,
    name_taken: NAME_TAKEN,
    explain,
};

/// Why an API error about a channel happened, in the user's terms (the
/// kit explains the gateway's own codes).
fn explain(code: &str, name: &str, loc: &Location) -> Option<String> {
    let gw = &loc.instance_id;
    Some(match code {
        NAME_TAKEN => format!("a VPC channel named {name:?} already exists in gateway {gw}: names are unique per gateway. If this creates the replacement of a channel with `create_before_destroy`, the old channel still holds the name: give the replacement another name, or drop `create_before_destroy`. Otherwise choose another name, or import the existing channel with `terraform import <address> {gw}/{name}`."),
        "APIG.3109" => format!("the VPC channel quota is used up (30 per gateway by default) in gateway {gw}. Delete unused channels or ask for a higher quota."),
        "APIG.3414" => format!("VPC channel {name:?} is used by an API as its backend and cannot be deleted. Point the API at another backend (or delete the API) first."),
        "APIG.3719" => format!("VPC channel {name:?} is referenced by another VPC channel and cannot be deleted. Remove that reference first."),
        NO_SUCH_CHANNEL => format!("the VPC channel {name:?} no longer exists in gateway {gw}."),
        "APIG.9999" => "the API reported a system error; this also happens when members of one channel are changed concurrently. Run the command again.".to_string(),
        _ => return None,
    })
}
