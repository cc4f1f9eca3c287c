//! Whole lists: every page of a list call, each item once, within bounds.
//! Any collection whose answer is a [`Page`] uses the one [`Pager`]. Every
//! call goes through the client, so each has its retries.

use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::{ApiError, ApiPath, Client, Target};

/// Largest page the list calls serve.
pub const PAGE_LIMIT: usize = 500;
/// Pages walked at most (250,000 items): a server whose `total` never
/// comes within reach must not keep a client looping.
pub const MAX_PAGES: usize = 500;
/// What one listing may keep: a hostile or broken server (`total` of
/// 10^12, endless unique pages) must not grow the provider without bound.
pub const MAX_LIST_ITEMS: usize = 10_000;
pub const MAX_LIST_BYTES: usize = 64 << 20;

/// One page of a list call's answer.
pub trait Page: DeserializeOwned {
    type Item: Serialize;
    /// What an item is called in messages (`channel`).
    const NOUN: &'static str;
    /// The number of matching items the server reports.
    fn total(&self) -> i64;
    fn into_items(self) -> Vec<Self::Item>;
    /// What tells two items apart (their ID).
    fn key(item: &Self::Item) -> &str;
}

/// Walks a list call's pages of [`PAGE_LIMIT`] until `total` is reached.
/// Items come in the server's order; one that shows up twice (pages shift
/// when items are created meanwhile) is kept once. Whole lists and
/// streamed ones (a list resource stops early) both use it.
pub struct Pager<'a, P> {
    client: &'a Client,
    target: &'a Target,
    at: ApiPath<'a>,
    base: Vec<(String, String)>,
    seen: HashSet<String>,
    offset: usize,
    pages: usize,
    done: bool,
    page: PhantomData<fn() -> P>,
}

impl<'a, P: Page> Pager<'a, P> {
    /// The pages of `at` with the filter pairs `base` (paging is added).
    pub fn with_query(
        client: &'a Client,
        target: &'a Target,
        at: ApiPath<'a>,
        base: Vec<(String, String)>,
    ) -> Self {
        Pager {
            client,
            target,
            at,
            base,
            seen: HashSet::new(),
            offset: 0,
            pages: 0,
            done: false,
            page: PhantomData,
        }
    }

    /// The next page's new items; `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<P::Item>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        if self.pages == MAX_PAGES {
            return Err(ApiError::Decode {
                status: 200,
                message: format!(
                    "the {} list did not end after {MAX_PAGES} pages of {PAGE_LIMIT}",
                    P::NOUN
                ),
            });
        }
        self.pages += 1;
        let mut query = self.base.clone();
        query.push(("offset".into(), self.offset.to_string()));
        query.push(("limit".into(), PAGE_LIMIT.to_string()));
        let page: P = self.client.get(self.target, self.at, &query).await?;
        let total = page.total();
        let items = page.into_items();
        let received = items.len();
        self.offset += received;
        self.done = received == 0 || self.offset as i64 >= total;
        let seen = &mut self.seen;
        let new: Vec<P::Item> = (items.into_iter())
            .filter(|x| seen.insert(P::key(x).to_string()))
            .collect();
        // A page with nothing new: the server repeats itself.
        self.done |= new.is_empty();
        Ok(Some(new))
    }

    /// Every item, within [`MAX_LIST_ITEMS`] and [`MAX_LIST_BYTES`].
    pub async fn all(mut self) -> Result<Vec<P::Item>, ApiError> {
        let mut out: Vec<P::Item> = Vec::new();
        let mut bytes = 0usize;
        while let Some(page) = self.next_page().await? {
            bytes += page
                .iter()
                .map(|x| serde_json::to_vec(x).map_or(0, |v| v.len()))
                .sum::<usize>();
            out.extend(page);
            if out.len() > MAX_LIST_ITEMS || bytes > MAX_LIST_BYTES {
                return Err(too_long(P::NOUN, out.len(), bytes));
            }
        }
        Ok(out)
    }
}

fn too_long(noun: &str, items: usize, bytes: usize) -> ApiError {
    ApiError::Decode {
        status: 200,
        message: format!(
            "the {noun} list goes beyond what one listing may hold ({MAX_LIST_ITEMS} {noun}s or {} MiB; {items} {noun}s and {} MiB read so far): narrow it with a filter",
            MAX_LIST_BYTES >> 20,
            bytes >> 20
        ),
    }
}
