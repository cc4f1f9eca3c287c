//! The VPC channel API: routing and handlers.
//!
//! Order of checks, as at the real endpoint: authentication (gateway), then
//! the route, the gateway instance, the body, the channel.

use std::sync::Arc;

use hyper::http::request::Parts;
use hyper::Method;
use serde_json::{json, Value};

use super::auth::{AuthKind, Received};
use super::error::ApiError;
use super::server::Reply;
use super::util::{parse_query, query_get, unix_now};
use super::{render, validate, Emulator};
use crate::apig::models::Member;

#[derive(Debug, PartialEq, Eq)]
enum Op<'a> {
    List,
    Create,
    Show(&'a str),
    Update(&'a str),
    Delete(&'a str),
    Members(&'a str),
}

/// `/v2/{project_id}/apigw/instances/{instance_id}/vpc-channels[/{id}[/members]]`
fn route<'a>(method: &Method, path: &'a str) -> Option<(&'a str, Op<'a>)> {
    let segs: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    let [v2, project, apigw, instances, instance, chans, rest @ ..] = segs.as_slice() else {
        return None;
    };
    if *v2 != "v2"
        || project.is_empty()
        || *apigw != "apigw"
        || *instances != "instances"
        || instance.is_empty()
        || *chans != "vpc-channels"
    {
        return None;
    }
    let op = match (method, rest) {
        (&Method::GET, []) => Op::List,
        (&Method::POST, []) => Op::Create,
        (m, [id]) if !id.is_empty() => match *m {
            Method::GET => Op::Show(id),
            Method::PUT => Op::Update(id),
            Method::DELETE => Op::Delete(id),
            _ => return None,
        },
        (&Method::GET, [id, "members"]) if !id.is_empty() => Op::Members(id),
        _ => return None,
    };
    Some((instance, op))
}

pub async fn dispatch(emu: &Arc<Emulator>, parts: &Parts, body: &[u8]) -> (AuthKind, Reply) {
    let path = parts.uri.path();
    if super::iam::is_iam_path(path) {
        return super::iam::dispatch(emu, parts, body);
    }
    let raw_query = parts.uri.query().unwrap_or("");
    let received = Received {
        method: parts.method.as_str(),
        path,
        raw_query,
        headers: &parts.headers,
        body,
    };
    let (kind, auth) = emu.auth.check(&received, unix_now());
    let result = match auth {
        Err(e) => Err(e),
        Ok(()) => serve(emu, &parts.method, path, raw_query, body).await,
    };
    (kind, result.unwrap_or_else(|e| Reply::error(&e)))
}

async fn serve(
    emu: &Arc<Emulator>,
    method: &Method,
    path: &str,
    raw_query: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let (instance, op) = route(method, path).ok_or_else(ApiError::no_such_api)?;
    if !emu.lock_store().has_instance(instance) {
        return Err(ApiError::instance_not_found(instance));
    }
    let policy = emu.policy();
    let quirks = policy.quirks;
    let query = parse_query(raw_query);
    match op {
        Op::Create => {
            let req = validate::channel_request(&parse_json(body)?)?;
            let (ch, gen) = {
                let mut st = emu.lock_store();
                let ch = st.create(instance, req, policy)?;
                (ch, st.gen)
            };
            emu.persisted(gen).await;
            Ok(Reply::json(201, render::summary(&ch, quirks)))
        }
        Op::Update(id) => {
            let req = validate::channel_request(&parse_json(body)?)?;
            let (ch, gen) = {
                let mut st = emu.lock_store();
                let ch = st.update(instance, id, req, policy)?;
                (ch, st.gen)
            };
            emu.persisted(gen).await;
            Ok(Reply::json(200, render::summary(&ch, quirks)))
        }
        Op::Delete(id) => {
            let gen = {
                let mut st = emu.lock_store();
                st.delete(instance, id)?;
                st.gen
            };
            emu.persisted(gen).await;
            Ok(Reply::no_content())
        }
        Op::Show(id) => {
            let ch = emu.lock_store().get(instance, id)?;
            Ok(Reply::json(200, render::detail(&ch, quirks)))
        }
        Op::List => list_channels(emu, instance, &query, quirks),
        Op::Members(id) => {
            let (offset, limit) = validate::paging(&query)?;
            let ch = emu.lock_store().get(instance, id)?;
            let f = Filter::new(&query);
            let all: Vec<Member> = render::members(&ch, quirks)
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
            Ok(Reply::json(
                200,
                json!({"total": all.len(), "size": page.len(), "members": page}),
            ))
        }
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::bad_body())
}

/// Query filters: exact when the parameter is listed in `precise_search`,
/// otherwise a case-insensitive "contains".
struct Filter<'a> {
    q: &'a [(String, String)],
    precise: Vec<&'a str>,
}

impl<'a> Filter<'a> {
    fn new(q: &'a [(String, String)]) -> Self {
        let precise = query_get(q, "precise_search")
            .map(|p| p.split(',').map(str::trim).collect())
            .unwrap_or_default();
        Filter { q, precise }
    }

    fn wanted(&self, key: &str) -> Option<&'a str> {
        query_get(self.q, key).filter(|v| !v.is_empty())
    }

    fn text(&self, key: &str, value: Option<&str>) -> bool {
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

    fn exact(&self, key: &str, value: Option<&str>) -> bool {
        self.wanted(key).is_none_or(|w| value == Some(w))
    }
}

fn list_channels(
    emu: &Arc<Emulator>,
    instance: &str,
    query: &[(String, String)],
    quirks: bool,
) -> Result<Reply, ApiError> {
    let (offset, limit) = validate::paging(query)?;
    let f = Filter::new(query);
    let port = match f.wanted("member_port") {
        None => None,
        Some(p) => Some(
            p.parse::<i64>()
                .ok()
                .filter(|p| (0..=65535).contains(p))
                .ok_or_else(|| ApiError::invalid("member_port"))?,
        ),
    };
    let member_host = f.wanted("member_host");
    let channels = emu.lock_store().list(instance);
    let matching: Vec<_> = channels
        .iter()
        .filter(|c| f.text("name", Some(&c.name)) && f.exact("id", Some(&c.id)))
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
            if member_host.is_none() && port.is_none() {
                return true;
            }
            render::members(c, quirks).iter().any(|m| {
                member_host.is_none_or(|h| m.spec.host.as_deref() == Some(h))
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
    Ok(Reply::json(
        200,
        json!({"total": matching.len(), "size": page.len(), "vpc_channels": page}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let p = "/v2/proj/apigw/instances/gw/vpc-channels";
        assert_eq!(route(&Method::GET, p), Some(("gw", Op::List)));
        assert_eq!(route(&Method::POST, p), Some(("gw", Op::Create)));
        assert_eq!(
            route(&Method::GET, &format!("{p}/abc")),
            Some(("gw", Op::Show("abc")))
        );
        assert_eq!(
            route(&Method::PUT, &format!("{p}/abc")),
            Some(("gw", Op::Update("abc")))
        );
        assert_eq!(
            route(&Method::DELETE, &format!("{p}/abc")),
            Some(("gw", Op::Delete("abc")))
        );
        assert_eq!(
            route(&Method::GET, &format!("{p}/abc/members")),
            Some(("gw", Op::Members("abc")))
        );
        for bad in [
            format!("{p}/"),
            format!("{p}/abc/other"),
            "/v2//apigw/instances/gw/vpc-channels".to_string(),
            "/v1/proj/apigw/instances/gw/vpc-channels".to_string(),
            "/".to_string(),
            String::new(),
        ] {
            assert_eq!(route(&Method::GET, &bad), None, "{bad}");
        }
        assert_eq!(route(&Method::PATCH, &format!("{p}/abc")), None);
        assert_eq!(route(&Method::DELETE, p), None);
    }
}
