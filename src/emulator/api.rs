//! The VPC channel API: routing and handlers.
//!
//! Order of checks, as at the real endpoint: authentication (gateway), then
//! the route, the gateway instance, the body, the channel.

use std::sync::Arc;

use hyper::http::request::Parts;
use hyper::Method;
use serde_json::Value;

use super::auth::{AuthKind, Received};
use super::clock::unix_now;
use super::error::ApiError;
use super::query::parse_query;
use super::server::Reply;
use super::subapi::{self, Sub};
use super::{list, render, validate, Emulator};

#[derive(Debug, PartialEq, Eq)]
enum Op<'a> {
    List,
    Create,
    Show(&'a str),
    Update(&'a str),
    Delete(&'a str),
    Members(&'a str),
    /// A sub-API of one channel (members, groups, health check).
    Sub(&'a str, Sub<'a>),
}

/// `/v2/{project_id}/apigw/instances/{instance_id}/vpc-channels[/{id}[/...]]`
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
        (m, [id, rest @ ..]) if !id.is_empty() => Op::Sub(id, sub_route(m, rest)?),
        _ => return None,
    };
    Some((instance, op))
}

fn sub_route<'a>(method: &Method, rest: &[&'a str]) -> Option<Sub<'a>> {
    Some(match (method, rest) {
        (&Method::POST, ["members"]) => Sub::AddMembers,
        (&Method::PUT, ["members"]) => Sub::ReplaceMembers,
        (&Method::POST, ["members", "batch-enable"]) => Sub::EnableMembers,
        (&Method::POST, ["members", "batch-disable"]) => Sub::DisableMembers,
        (&Method::DELETE, ["members", m]) if !m.is_empty() => Sub::DeleteMember(m),
        (&Method::PUT, ["health-config"]) => Sub::UpdateHealth,
        (&Method::POST, ["member-groups"]) => Sub::CreateGroups,
        (&Method::GET, ["member-groups"]) => Sub::ListGroups,
        (m, ["member-groups", g]) if !g.is_empty() => match *m {
            Method::GET => Sub::ShowGroup(g),
            Method::PUT => Sub::UpdateGroup(g),
            Method::DELETE => Sub::DeleteGroup(g),
            _ => return None,
        },
        _ => return None,
    })
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
        Op::List => {
            let all = emu.lock_store().list(instance);
            Ok(Reply::json(200, list::channels(&all, &query, quirks)?))
        }
        Op::Members(id) => {
            let ch = emu.lock_store().get(instance, id)?;
            Ok(Reply::json(200, list::members(&ch, &query, quirks)?))
        }
        Op::Sub(id, sub) if sub.reads() => {
            let ch = emu.lock_store().get(instance, id)?;
            Ok(Reply::json(200, subapi::read(&ch, &sub, &query, quirks)?))
        }
        Op::Sub(id, sub) => {
            let body = if body.is_empty() {
                Value::Null
            } else {
                parse_json(body)?
            };
            let ((_, (status, out)), gen) = {
                let mut st = emu.lock_store();
                let r = st.modify(instance, id, |ch| subapi::apply(ch, &sub, &body, quirks))?;
                (r, st.gen)
            };
            emu.persisted(gen).await;
            Ok(match status {
                204 => Reply::no_content(),
                s => Reply::json(s, out),
            })
        }
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::bad_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let p = "/v2/proj/apigw/instances/gw/vpc-channels";
        for (method, suffix, want) in [
            (Method::GET, "", Op::List),
            (Method::POST, "", Op::Create),
            (Method::GET, "/abc", Op::Show("abc")),
            (Method::PUT, "/abc", Op::Update("abc")),
            (Method::DELETE, "/abc", Op::Delete("abc")),
            (Method::GET, "/abc/members", Op::Members("abc")),
        ] {
            assert_eq!(route(&method, &format!("{p}{suffix}")), Some(("gw", want)));
        }
        let sub =
            |m: &Method, s: &str| format!("{:?}", route(m, &format!("{p}/abc/{s}")).map(|r| r.1));
        for (method, suffix, want) in [
            (Method::POST, "members", Sub::AddMembers),
            (Method::PUT, "members", Sub::ReplaceMembers),
            (Method::DELETE, "members/m1", Sub::DeleteMember("m1")),
            (Method::POST, "members/batch-disable", Sub::DisableMembers),
            (Method::PUT, "health-config", Sub::UpdateHealth),
            (Method::GET, "member-groups", Sub::ListGroups),
            (Method::PUT, "member-groups/g1", Sub::UpdateGroup("g1")),
        ] {
            assert_eq!(
                sub(&method, suffix),
                format!("{:?}", Some(Op::Sub("abc", want)))
            );
        }
        for bad in [
            format!("{p}/"),
            format!("{p}/abc/other"),
            format!("{p}/abc/members/x/y"),
            format!("{p}/abc/member-groups/"),
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
