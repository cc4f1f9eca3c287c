//! Listing as the real API does: every filter, `precise_search` with its
//! comma-separated fields, and paging (`offset` in items, `limit` 1–500).

use std::sync::Arc;

use serde_json::{json, Value};

use super::error::ApiError;
use super::model::Member;
use super::query::query_get;
use super::render;
use super::store::StoredChannel;

/// Largest page; more is silently capped, as at the real API.
pub const MAX_LIMIT: usize = 500;
/// The page size when `limit` is missing, zero or negative.
pub const DEFAULT_LIMIT: usize = 20;

/// `offset` and `limit`: a non-number is an error; a negative offset
/// means 0, `limit` 0 or less means 20, above 500 means 500 (as the SDK's
/// `ListVpcChannelsV2Request` documents).
pub fn paging(q: &[(String, String)]) -> Result<(usize, usize), ApiError> {
    let get = |k: &str| -> Result<Option<i64>, ApiError> {
        match query_get(q, k).map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| ApiError::invalid(k)),
        }
    };
    let offset = get("offset")?.unwrap_or(0).max(0);
    let limit = match get("limit")? {
        None => DEFAULT_LIMIT,
        Some(l) if l <= 0 => DEFAULT_LIMIT,
        Some(l) => (l as u64).min(MAX_LIMIT as u64) as usize,
    };
    Ok((offset as usize, limit))
}

/// Query filters: text filters match exactly when named in
/// `precise_search`, otherwise as a case-insensitive substring.
pub struct Filter<'a> {
    q: &'a [(String, String)],
    precise: Vec<&'a str>,
}

impl<'a> Filter<'a> {
    pub fn new(q: &'a [(String, String)]) -> Self {
        let precise = query_get(q, "precise_search")
            .map(|p| {
                p.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Filter { q, precise }
    }

    /// The filter's value; an empty parameter filters nothing.
    pub fn wanted(&self, key: &str) -> Option<&'a str> {
        query_get(self.q, key).filter(|v| !v.is_empty())
    }

    pub fn text(&self, key: &str, value: Option<&str>) -> bool {
        let Some(want) = self.wanted(key) else {
            return true;
        };
        let have = value.unwrap_or("");
        if self.precise.contains(&key) {
            have == want
        } else {
            have.to_lowercase().contains(&want.to_lowercase())
        }
    }

    pub fn exact(&self, key: &str, value: Option<&str>) -> bool {
        self.wanted(key).is_none_or(|w| value == Some(w))
    }
}

/// `{"total", "size", "vpc_channels"}` for one page of `all` (a gateway's
/// channels in listing order) under the query's filters.
pub fn channels(
    all: &[Arc<StoredChannel>],
    query: &[(String, String)],
    quirks: bool,
) -> Result<Value, ApiError> {
    let (offset, limit) = paging(query)?;
    let f = Filter::new(query);
    let port = match f.wanted("member_port") {
        None => None,
        Some(p) => Some(
            p.trim()
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=65535).contains(p))
                .ok_or_else(|| ApiError::invalid("member_port"))?,
        ),
    };
    let host = f.wanted("member_host");
    let matching: Vec<&Arc<StoredChannel>> = all
        .iter()
        .filter(|c| {
            f.text("name", Some(&c.name))
                && f.exact("id", Some(&c.id))
                && f.exact("dict_code", Some(c.dict_code.as_deref().unwrap_or("")))
                && f.exact("vpc_channel_type", Some(c.kind()))
        })
        .filter(|c| {
            let groups = &c.member_groups;
            (f.wanted("member_group_name").is_none()
                || groups
                    .iter()
                    .any(|g| f.text("member_group_name", Some(&g.spec.member_group_name))))
                && (f.wanted("member_group_id").is_none()
                    || groups
                        .iter()
                        .any(|g| f.exact("member_group_id", Some(&g.member_group_id))))
        })
        .filter(|c| {
            if host.is_none() && port.is_none() {
                return true;
            }
            render::members(c, quirks).iter().any(|m| {
                host.is_none_or(|h| m.spec.host.as_deref() == Some(h))
                    && port.is_none_or(|p| m.spec.port == Some(p))
            })
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| render::summary(c, quirks))
        .collect();
    Ok(json!({"total": matching.len(), "size": page.len(), "vpc_channels": page}))
}

/// `{"total", "size", "members"}`: one page of a channel's members.
pub fn members(
    ch: &StoredChannel,
    query: &[(String, String)],
    quirks: bool,
) -> Result<Value, ApiError> {
    let (offset, limit) = paging(query)?;
    let f = Filter::new(query);
    let all: Vec<Member> = render::members(ch, quirks)
        .into_iter()
        .filter(|m| {
            let name = m.spec.host.as_deref().or(m.spec.ecs_name.as_deref());
            let ecs_name = m.spec.ecs_name.as_deref();
            (f.text("name", name) || f.text("name", ecs_name))
                && f.text("member_group_name", m.spec.member_group_name.as_deref())
                && f.exact("member_group_id", m.member_group_id.as_deref())
        })
        .collect();
    let page: Vec<&Member> = all.iter().skip(offset).take(limit).collect();
    Ok(json!({"total": all.len(), "size": page.len(), "members": page}))
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
