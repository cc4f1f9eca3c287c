//! The VPC channel API: its collection and error codes, the list call's
//! filters, and typed calls on top of the generic client.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{ApiError, Client, Collection, Target};
use super::list::{Page, Pager};
use super::models::{Channel, ChannelList, ChannelRequest, Member, MemberList};
use super::NO_SUCH_GATEWAY;

/// `.../instances/{instance_id}/vpc-channels`.
pub const VPC_CHANNELS: Collection = Collection {
    segment: "vpc-channels",
    id_name: "channel ID",
};
/// The sub-collection of a channel's members.
pub const MEMBERS: &str = "members";

/// "No such VPC channel" (404).
pub const NO_SUCH_CHANNEL: &str = "APIG.3023";
/// "A VPC channel of that name exists": names are unique per gateway.
pub const NAME_TAKEN: &str = "APIG.3208";
/// The codes that prove a channel gone: it, or its gateway.
pub const GONE: &[&str] = &[NO_SUCH_CHANNEL, NO_SUCH_GATEWAY];

/// Show-details calls in flight at once by default: fast enough for a
/// thousand channels, gentle enough not to draw throttling (429).
pub const DETAILS_CONCURRENCY: usize = 10;

/// The list call's filters; `None` or empty sends nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelFilter {
    pub id: Option<String>,
    /// A substring, unless `precise_search` holds `"name"`.
    pub name: Option<String>,
    /// Fields matched exactly: `name`, `member_group_name`.
    pub precise_search: Vec<String>,
    pub member_host: Option<String>,
    pub member_port: Option<i64>,
    pub member_group_name: Option<String>,
    pub member_group_id: Option<String>,
    pub dict_code: Option<String>,
    /// `builtin`, `microservice` or `reference`.
    pub vpc_channel_type: Option<String>,
}

impl ChannelFilter {
    /// Channels named exactly `name`.
    pub fn exact_name(name: &str) -> Self {
        ChannelFilter {
            name: Some(name.to_string()),
            precise_search: vec!["name".to_string()],
            ..Default::default()
        }
    }

    /// The query pairs, without paging.
    pub fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                q.push((k.to_string(), v));
            }
        };
        add("id", self.id.clone());
        add("name", self.name.clone());
        add("member_host", self.member_host.clone());
        add("member_port", self.member_port.map(|p| p.to_string()));
        add("member_group_name", self.member_group_name.clone());
        add("member_group_id", self.member_group_id.clone());
        add("dict_code", self.dict_code.clone());
        add("vpc_channel_type", self.vpc_channel_type.clone());
        add("precise_search", Some(self.precise_search.join(",")));
        q
    }
}

impl Page for ChannelList {
    type Item = Channel;
    const NOUN: &'static str = "channel";
    fn total(&self) -> i64 {
        self.total
    }
    fn into_items(self) -> Vec<Channel> {
        self.vpc_channels
    }
    fn key(item: &Channel) -> &str {
        &item.id
    }
}

impl Page for MemberList {
    type Item = Member;
    const NOUN: &'static str = "member";
    fn total(&self) -> i64 {
        self.total
    }
    fn into_items(self) -> Vec<Member> {
        self.members
    }
    fn key(item: &Member) -> &str {
        &item.id
    }
}

/// The pages of a gateway's channels.
pub type ChannelPager<'a> = Pager<'a, ChannelList>;

impl<'a> Pager<'a, ChannelList> {
    /// The channels matching `filter`, page by page.
    pub fn new(client: &'a Client, target: &'a Target, filter: &ChannelFilter) -> Self {
        Pager::with_query(client, target, VPC_CHANNELS.all(), filter.query())
    }
}

impl Client {
    /// `POST .../vpc-channels` (201). Not retried once it may have reached
    /// the server: see [`ApiError::may_have_been_applied`].
    pub async fn create_channel(
        &self,
        t: &Target,
        body: &ChannelRequest,
    ) -> Result<Channel, ApiError> {
        self.post(t, VPC_CHANNELS.all(), body).await
    }

    /// `PUT .../vpc-channels/{id}` (200): a full overwrite.
    pub async fn update_channel(
        &self,
        t: &Target,
        id: &str,
        body: &ChannelRequest,
    ) -> Result<Channel, ApiError> {
        self.put(t, VPC_CHANNELS.item(id), body).await
    }

    /// `GET .../vpc-channels/{id}`: the only call returning members and the
    /// health check.
    pub async fn show_channel(&self, t: &Target, id: &str) -> Result<Channel, ApiError> {
        self.get(t, VPC_CHANNELS.item(id), &[]).await
    }

    /// `DELETE .../vpc-channels/{id}` (204). Only [`GONE`] after a retry
    /// proves it deleted (see [`Client::delete`]).
    pub async fn delete_channel(&self, t: &Target, id: &str) -> Result<(), ApiError> {
        self.delete(t, VPC_CHANNELS.item(id)).await
    }

    /// `GET .../vpc-channels?...`: one page, with the given raw query pairs.
    pub async fn list_channels(
        &self,
        t: &Target,
        query: &[(String, String)],
    ) -> Result<ChannelList, ApiError> {
        self.get(t, VPC_CHANNELS.all(), query).await
    }

    /// `GET .../vpc-channels/{id}/members?...`.
    pub async fn list_members(
        &self,
        t: &Target,
        id: &str,
        query: &[(String, String)],
    ) -> Result<MemberList, ApiError> {
        self.get(t, VPC_CHANNELS.item(id).sub(MEMBERS), query).await
    }

    /// Every channel matching `filter` (see [`Pager`]).
    pub async fn list_all_channels(
        &self,
        t: &Target,
        filter: &ChannelFilter,
    ) -> Result<Vec<Channel>, ApiError> {
        ChannelPager::new(self, t, filter).all().await
    }

    /// The first channel named exactly `name`, if any, reading no further
    /// page than needed. Compares names itself too, in case a gateway
    /// ignores `precise_search` and matches substrings.
    pub async fn find_channel_by_name(
        &self,
        t: &Target,
        name: &str,
    ) -> Result<Option<Channel>, ApiError> {
        let mut pager = ChannelPager::new(self, t, &ChannelFilter::exact_name(name));
        while let Some(page) = pager.next_page().await? {
            if let Some(found) = page.into_iter().find(|c| c.name == name) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Every channel named exactly `name` (compared here too).
    pub async fn find_channels_by_name(
        &self,
        t: &Target,
        name: &str,
    ) -> Result<Vec<Channel>, ApiError> {
        let all = self
            .list_all_channels(t, &ChannelFilter::exact_name(name))
            .await?;
        Ok(all.into_iter().filter(|c| c.name == name).collect())
    }

    /// Show details of each of `ids`, at most `concurrency` at a time, in
    /// the order given. A channel deleted meanwhile ([`NO_SUCH_CHANNEL`])
    /// is left out; any other error fails the whole call and stops the rest.
    pub async fn show_channels(
        &self,
        t: &Target,
        ids: &[String],
        concurrency: usize,
    ) -> Result<Vec<Channel>, ApiError> {
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for (i, id) in ids.iter().enumerate() {
            let (client, t, id, permits) = (self.clone(), t.clone(), id.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (i, client.show_channel(&t, &id).await)
            });
        }
        let mut found: Vec<Option<Channel>> = vec![None; ids.len()];
        while let Some(joined) = tasks.join_next().await {
            let (i, result) = joined.map_err(|e| ApiError::Transport {
                message: format!("a show-details task failed: {e}"),
                maybe_committed: false,
            })?;
            match result {
                Ok(ch) => found[i] = Some(ch),
                Err(e) if e.code() == Some(NO_SUCH_CHANNEL) => {}
                // Dropping the set aborts the calls still waiting.
                Err(e) => return Err(e),
            }
        }
        Ok(found.into_iter().flatten().collect())
    }
}

#[cfg(test)]
#[path = "channels_tests.rs"]
mod tests;
