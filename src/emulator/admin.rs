//! Test control under `/_emulator/` (checked by [`super::guard`]; no
//! faults, not recorded).

use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request};
use serde::Deserialize;
use serde_json::json;

use super::faults::FaultRule;
use super::query::{parse_query, query_get};
use super::server::{read_body, Reply};
use super::Emulator;

fn bad(msg: impl Into<String>) -> Reply {
    Reply::json(400, json!({"error": msg.into()}))
}

fn not_found(msg: impl Into<String>) -> Reply {
    Reply::json(404, json!({"error": msg.into()}))
}

#[derive(Deserialize)]
struct ConfigIn {
    quirks: Option<bool>,
    quota: Option<usize>,
    aksk_lockout: Option<bool>,
    latency_ms: Option<u64>,
}

#[derive(Deserialize)]
struct InstanceIn {
    instance_id: String,
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON body: {e}")))
}

pub async fn handle(emu: &Arc<Emulator>, req: Request<Incoming>) -> Reply {
    let (parts, body) = req.into_parts();
    if let Err(refused) = emu.admin_guard.check(&parts) {
        return refused;
    }
    let Ok(body) = read_body(body, &parts.headers, emu.header_timeout).await else {
        return Reply::json(413, json!({"error": "body too large"}));
    };
    let path = parts.uri.path().trim_end_matches('/');
    let query = parse_query(parts.uri.query().unwrap_or(""));
    let segs: Vec<&str> = path.split('/').skip(2).collect();
    let result = match (&parts.method, segs.as_slice()) {
        (&Method::GET, ["health"]) => Ok(Reply::json(200, json!({"ok": true}))),
        (&Method::GET, ["requests"]) => {
            let since = query_get(&query, "since").and_then(|s| s.parse::<u64>().ok());
            Ok(Reply::json(200, json!(emu.requests(since))))
        }
        (&Method::DELETE, ["requests"]) => {
            emu.clear_requests();
            Ok(Reply::no_content())
        }
        (&Method::GET, ["channels"]) => Ok(Reply::json(200, emu.channels_json())),
        (&Method::POST, ["channels", id, action @ ("bind-api" | "unbind-api")]) => {
            bind_api(emu, id, *action == "bind-api").await
        }
        (&Method::GET, ["faults"]) => Ok(Reply::json(200, json!(emu.faults.list()))),
        (&Method::POST, ["faults"]) => parse::<FaultRule>(&body).and_then(|rule| {
            emu.add_fault(rule).map_err(bad)?;
            Ok(Reply::json(201, json!(emu.faults.list())))
        }),
        (&Method::DELETE, ["faults"]) => {
            emu.faults.clear();
            Ok(Reply::no_content())
        }
        (&Method::GET, ["config"]) => Ok(Reply::json(200, emu.config_json())),
        (&Method::POST, ["config"]) => parse::<ConfigIn>(&body).map(|c| configure(emu, c)),
        (&Method::GET, ["iam"]) => Ok(Reply::json(200, emu.iam.json())),
        (&Method::POST, ["iam"]) => parse::<serde_json::Value>(&body).and_then(|v| {
            emu.iam.configure(&v).map_err(bad)?;
            Ok(Reply::json(200, emu.iam.json()))
        }),
        (&Method::GET, ["instances"]) => Ok(Reply::json(200, json!(emu.instances()))),
        (&Method::POST, ["instances"]) => add_instance(emu, &body).await,
        (&Method::POST, ["reset"]) => {
            emu.reset().await;
            Ok(Reply::no_content())
        }
        _ => Err(not_found(format!(
            "unknown admin endpoint {} {}",
            parts.method,
            parts.uri.path()
        ))),
    };
    result.unwrap_or_else(|r: Reply| r)
}

/// `POST /_emulator/channels/{id}/bind-api` (or `unbind-api`).
async fn bind_api(emu: &Arc<Emulator>, id: &str, bind: bool) -> Result<Reply, Reply> {
    match emu.bind_api(id, if bind { 1 } else { -1 }).await {
        Some(n) => Ok(Reply::json(200, json!({"id": id, "bound_apis": n}))),
        None => Err(not_found(format!("no channel {id}"))),
    }
}

/// `POST /_emulator/config`: changes what the body names.
fn configure(emu: &Emulator, c: ConfigIn) -> Reply {
    if let Some(q) = c.quirks {
        emu.set_quirks(q);
    }
    if let Some(q) = c.quota {
        emu.set_quota(q);
    }
    if let Some(l) = c.aksk_lockout {
        emu.set_aksk_lockout(l);
    }
    if let Some(ms) = c.latency_ms {
        emu.set_latency_ms(ms);
    }
    Reply::json(200, emu.config_json())
}

/// `POST /_emulator/instances`: one more gateway.
async fn add_instance(emu: &Arc<Emulator>, body: &[u8]) -> Result<Reply, Reply> {
    let i = parse::<InstanceIn>(body)?;
    let id = i.instance_id.trim();
    if id.is_empty() || i.instance_id.len() > 128 {
        return Err(bad("instance_id must be a non-empty string"));
    }
    emu.add_instance(id).await;
    Ok(Reply::json(201, json!(emu.instances())))
}
