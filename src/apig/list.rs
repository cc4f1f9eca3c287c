//! Whole lists: every page of the list call, exact-name lookups, and show
//! details for many channels at once with bounded concurrency. Every call
//! goes through the client, so each has its retries.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{ApiError, Client, Target};
use super::models::Channel;

/// Largest page the list call serves.
pub const PAGE_LIMIT: usize = 500;
/// Pages walked at most (250,000 channels): a server whose `total` never
/// comes within reach must not keep a client looping.
pub const MAX_PAGES: usize = 500;
/// What one listing may keep: a hostile or broken server (`total` of
/// 10^12, endless unique pages) must not grow the provider without bound.
pub const MAX_LIST_CHANNELS: usize = 10_000;
pub const MAX_LIST_BYTES: usize = 64 << 20;
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

/// Walks the list call's pages of 500 until `total` is reached. Items come
/// in the server's order; one that shows up twice (pages shift when
/// channels are created meanwhile) is kept once. The one pager: whole
/// lists and streamed ones (a list resource stops early) both use it.
pub struct ChannelPager<'a> {
    client: &'a Client,
    target: &'a Target,
    base: Vec<(String, String)>,
    seen: HashSet<String>,
    offset: usize,
    pages: usize,
    done: bool,
}

impl<'a> ChannelPager<'a> {
    pub fn new(client: &'a Client, target: &'a Target, filter: &ChannelFilter) -> Self {
        ChannelPager {
            client,
            target,
            base: filter.query(),
            seen: HashSet::new(),
            offset: 0,
            pages: 0,
            done: false,
        }
    }

    /// The next page's new channels; `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Channel>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        if self.pages == MAX_PAGES {
            return Err(ApiError::Decode {
                status: 200,
                message: format!(
                    "the channel list did not end after {MAX_PAGES} pages of {PAGE_LIMIT}"
                ),
            });
        }
        self.pages += 1;
        let mut query = self.base.clone();
        query.push(("offset".into(), self.offset.to_string()));
        query.push(("limit".into(), PAGE_LIMIT.to_string()));
        let page = self.client.list_channels(self.target, &query).await?;
        let received = page.vpc_channels.len();
        self.offset += received;
        self.done = received == 0 || self.offset as i64 >= page.total;
        let seen = &mut self.seen;
        let new: Vec<Channel> = (page.vpc_channels.into_iter())
            .filter(|c| seen.insert(c.id.clone()))
            .collect();
        // A page with nothing new: the server repeats itself.
        self.done |= new.is_empty();
        Ok(Some(new))
    }
}

impl Client {
    /// Every channel matching `filter` (see [`ChannelPager`]).
    pub async fn list_all_channels(
        &self,
        t: &Target,
        filter: &ChannelFilter,
    ) -> Result<Vec<Channel>, ApiError> {
        let mut pager = ChannelPager::new(self, t, filter);
        let mut out: Vec<Channel> = Vec::new();
        let mut bytes = 0usize;
        while let Some(page) = pager.next_page().await? {
            bytes += page
                .iter()
                .map(|c| serde_json::to_vec(c).map_or(0, |v| v.len()))
                .sum::<usize>();
            out.extend(page);
            if out.len() > MAX_LIST_CHANNELS || bytes > MAX_LIST_BYTES {
                return Err(too_long(out.len(), bytes));
            }
        }
        Ok(out)
    }

    /// Every channel named exactly `name`. Compares names itself too, in
    /// case a gateway ignores `precise_search` and matches substrings.
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
    /// the order given. A channel deleted meanwhile (404 APIG.3023) is left
    /// out; any other error fails the whole call and stops the rest.
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
                Err(e) if e.code() == Some("APIG.3023") => {}
                // Dropping the set aborts the calls still waiting.
                Err(e) => return Err(e),
            }
        }
        Ok(found.into_iter().flatten().collect())
    }
}

fn too_long(channels: usize, bytes: usize) -> ApiError {
    ApiError::Decode {
        status: 200,
        message: format!(
            "the channel list goes beyond what one listing may hold ({MAX_LIST_CHANNELS} channels or {} MiB; {channels} channels and {} MiB read so far): narrow it with a filter",
            MAX_LIST_BYTES >> 20,
            bytes >> 20
        ),
    }
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
