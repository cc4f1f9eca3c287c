//! The create of a channel: the gateway kit's create (adoption and
//! interrupt rules) with the channel's calls, and what makes a listed
//! channel the one that was sent.

use crate::apig::client::{ApiError, Client, Target};
use crate::apig::models::{Channel, ChannelRequest};
use crate::provider::gateway::{self, Creation, Kind, Location};
use crate::tfplugin::diag::Diagnostic;

use super::KIND;

/// A channel to create from `ChannelRequest`.
struct NewChannel<'a>(&'a ChannelRequest);

#[tonic::async_trait]
impl Creation for NewChannel<'_> {
    type Found = Channel;

    fn kind(&self) -> &'static Kind {
        &KIND
    }

    fn name(&self) -> &str {
        &self.0.name
    }

    fn id_of(found: &Channel) -> &str {
        &found.id
    }

    async fn find(&self, client: &Client, t: &Target) -> Result<Option<Channel>, ApiError> {
        client.find_channel_by_name(t, &self.0.name).await
    }

    async fn send(&self, client: &Client, t: &Target) -> Result<Channel, ApiError> {
        client.create_channel(t, self.0).await
    }

    /// What the list call shows of what was sent.
    fn holds_sent(&self, found: &Channel) -> bool {
        let body = self.0;
        found.name == body.name
            && found.port == body.port
            && found.balance_strategy == body.balance_strategy
            && found.member_type == body.member_type
            && body.channel_type.is_none_or(|t| t == found.channel_type)
    }

    fn describe(found: &Channel) -> String {
        format!(
            "port {}, balance_strategy {}, member_type {:?}, type {}",
            found.port, found.balance_strategy, found.member_type, found.channel_type
        )
    }
}

/// POST `body` under the kit's create rules (see [`gateway::create`]):
/// the new channel's ID, or why there is none.
pub(super) async fn post_channel(
    client: &Client,
    shield: &Client,
    target: &Target,
    loc: &Location,
    body: &ChannelRequest,
    attempts: u32,
) -> Result<String, Diagnostic> {
    gateway::create(client, shield, target, loc, &NewChannel(body), attempts).await
}
