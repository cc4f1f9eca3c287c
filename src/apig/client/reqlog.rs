//! The request log shared by the APIG and IAM clients: at `debug`, one line
//! per HTTP attempt (method, path with query, status, the server's request
//! ID, duration, attempt number, and whether and why it is retried or given
//! up); at `trace`, the request and answer bodies too. Headers are never
//! logged; everything else goes through the client's scrubber, and JSON
//! values under secret-looking keys (passwords, secret keys, tokens) are
//! replaced before that, so that a secret the scrubber does not know (a
//! NACOS password in a channel body) stays out as well.
//!
//! Lines go to the [`Sink`] the program sets (the provider's hclog log);
//! without one nothing is logged or built.

use std::fmt::Display;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde_json::Value as Json;

use super::redact::REDACTED;

/// Where request lines go.
#[derive(Clone, Copy)]
pub struct Sink {
    /// Whether lines are wanted; `true` asks about bodies (trace).
    pub enabled: fn(bool) -> bool,
    /// Writes one line with its fields.
    pub write: fn(&str, &[(&str, &dyn Display)]),
}

static SINK: OnceLock<Sink> = OnceLock::new();

/// Sets the sink once, at start-up; later calls are ignored.
pub fn set_sink(sink: Sink) {
    let _ = SINK.set(sink);
}

fn wanted(bodies: bool) -> bool {
    SINK.get().is_some_and(|s| (s.enabled)(bodies))
}

/// Bodies longer than this are cut in the log.
pub const MAX_LOGGED_BODY: usize = 16 << 10;

/// What happens after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// A success: the answer is returned.
    Done,
    /// Tried again after `delay`, because of `why`.
    Retry { delay: Duration, why: String },
    /// The failure is returned to the caller, because of `why`.
    GiveUp { why: String },
}

impl Next {
    /// The verdict of a plain retry rule (IAM's) for attempt `retry + 1`: a
    /// `retryable` failure is tried again while retries are `left`.
    pub fn after(seen: &Seen, retryable: bool, left: bool, delay: Duration) -> Next {
        let what = match seen.status {
            Some(s) => format!("HTTP {s}"),
            None => "no answer".to_string(),
        };
        let why = match seen.status {
            Some(200..=299) => return Next::Done,
            _ if retryable && left => return Next::Retry { delay, why: what },
            _ if retryable => "no retries left (max_retries)".to_string(),
            Some(_) => format!("{what} is not retried"),
            None => "a second timeout is not retried".to_string(),
        };
        Next::GiveUp { why }
    }
}

/// What one attempt saw, kept only while debug logging is on.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub status: Option<u16>,
    pub request_id: Option<String>,
    /// Why there is no answer (connection refused, timeout, ...).
    pub failure: Option<String>,
    /// The answer body, at trace only.
    pub body: Option<Vec<u8>>,
}

impl Seen {
    pub fn answer(status: u16, headers: &HeaderMap, body: &[u8]) -> Seen {
        Seen {
            status: Some(status),
            request_id: request_id(headers, body),
            failure: None,
            body: wanted(true).then(|| body.to_vec()),
        }
    }

    pub fn failure(message: &str) -> Seen {
        Seen {
            failure: Some(message.to_string()),
            ..Seen::default()
        }
    }
}

/// One attempt of a request.
pub struct Attempt<'a> {
    /// `APIG` or `IAM`.
    pub service: &'static str,
    pub method: &'a Method,
    pub url: &'a Url,
    pub body: Option<&'a [u8]>,
    /// 1 for the first try.
    pub number: u32,
    pub started: Instant,
}

/// Whether the request log is on (then [`Seen`] is worth building).
pub fn enabled() -> bool {
    wanted(false)
}

/// Writes the attempt's line; `scrub` is the client's secret scrubber.
pub fn log_attempt(a: &Attempt<'_>, seen: &Seen, next: &Next, scrub: &dyn Fn(&str) -> String) {
    let Some(sink) = SINK.get().filter(|s| (s.enabled)(false)) else {
        return;
    };
    let path = scrub(&path_and_query(a.url));
    let took = a.started.elapsed();
    let duration_ms = format!("{:.1}", took.as_secs_f64() * 1000.0);
    let result = match (seen.status, &seen.failure) {
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(f)) => format!("no answer ({})", scrub(f)),
        (None, None) => "no answer".to_string(),
    };
    let (outcome, reason, retry_in) = match next {
        Next::Done => ("done", String::new(), String::new()),
        Next::Retry { delay, why } => ("retry", why.clone(), delay.as_millis().to_string()),
        Next::GiveUp { why } => ("give up", why.clone(), String::new()),
    };
    let mut message = format!(
        "{} {} {path}: {result} in {duration_ms} ms (attempt {})",
        a.service, a.method, a.number
    );
    match next {
        Next::Done => {}
        Next::Retry { delay, why } => {
            message.push_str(&format!(", retrying in {} ms: {why}", delay.as_millis()))
        }
        Next::GiveUp { why } => message.push_str(&format!(", giving up: {why}")),
    }
    let status = seen.status.map(|s| s.to_string()).unwrap_or_default();
    let request_id = seen.request_id.as_deref().map(scrub).unwrap_or_default();
    let attempt = a.number.to_string();
    let mut fields: Vec<(&str, &dyn Display)> = vec![
        ("api", &a.service),
        ("http_method", a.method),
        ("http_path", &path),
        ("http_status", &status),
        ("request_id", &request_id),
        ("duration_ms", &duration_ms),
        ("attempt", &attempt),
        ("outcome", &outcome),
    ];
    if !reason.is_empty() {
        fields.push(("reason", &reason));
    }
    if !retry_in.is_empty() {
        fields.push(("retry_in_ms", &retry_in));
    }
    let (request_body, answer_body);
    if (sink.enabled)(true) {
        request_body = a.body.map(|b| body_for_log(b, scrub)).unwrap_or_default();
        answer_body = seen
            .body
            .as_deref()
            .map(|b| body_for_log(b, scrub))
            .unwrap_or_default();
        fields.push(("request_body", &request_body));
        fields.push(("response_body", &answer_body));
    }
    (sink.write)(&message, &fields);
}

/// `/v2/.../vpc-channels?limit=500`: the URL without scheme, host and user.
pub fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// The `X-Request-Id` header, else the `request_id` of a JSON error body.
fn request_id(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let header = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    if let Some(id) = header {
        return Some(id.chars().take(100).collect());
    }
    let json: Json = serde_json::from_slice(body).ok()?;
    let id = json.get("request_id").or_else(|| json.get("requestId"))?;
    id.as_str().map(|s| s.chars().take(100).collect())
}

/// A body as logged: JSON with secret-looking values replaced, then
/// scrubbed, cut at [`MAX_LOGGED_BODY`] bytes.
pub fn body_for_log(body: &[u8], scrub: &dyn Fn(&str) -> String) -> String {
    let text = match serde_json::from_slice::<Json>(body) {
        Ok(mut json) => {
            hide_secret_values(&mut json);
            json.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    // Scrubbed before the cut, so a cut cannot leave part of a secret.
    let mut text = scrub(&text);
    if text.len() > MAX_LOGGED_BODY {
        let mut end = MAX_LOGGED_BODY;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let total = text.len();
        text.truncate(end);
        text.push_str(&format!("… ({total} bytes)"));
    }
    text
}

/// Keys whose text values are credentials wherever they appear (IAM's
/// temporary keys come as `access`, `secret` and `securitytoken`; the
/// access key is shown nowhere else either).
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "secret", "token"]
        .iter()
        .any(|s| k.contains(s))
        || matches!(k.as_str(), "sk" | "ak" | "access")
}

fn hide_secret_values(v: &mut Json) {
    match v {
        Json::Object(map) => {
            for (k, value) in map.iter_mut() {
                if is_secret_key(k) && (value.is_string() || value.is_number()) {
                    *value = Json::String(REDACTED.to_string());
                } else {
                    hide_secret_values(value);
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(hide_secret_values),
        _ => {}
    }
}

#[cfg(test)]
#[path = "reqlog_tests.rs"]
mod tests;
