//! [`ApiError`], and turning an answer into one: error bodies of every
//! shape seen (JSON, HTML from a proxy, nothing), and bad success bodies.

use std::error::Error as StdError;
use std::fmt;

use serde::de::DeserializeOwned;

use super::redact::{shorten, Secrets};
use super::transport::{Answer, MAX_BODY_BYTES};
use crate::apig::models::ErrorBody;

/// Characters of a non-JSON error body kept in the message.
pub(super) const SNIPPET_CHARS: usize = 200;
/// Characters of a JSON error message kept (APIGW.0301 embeds the server's
/// canonical request, which is worth keeping whole).
pub(super) const MESSAGE_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The API answered with an error status.
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// No usable answer: connection refused/reset/closed, timeout, TLS
    /// failure (or a request that could not even be built).
    /// `maybe_committed` is true when the request may have reached the
    /// server (anything but a failure before sending).
    Transport {
        message: String,
        maybe_committed: bool,
    },
    /// The answer could not be understood (non-JSON, truncated, wrong types,
    /// too large).
    Decode {
        status: u16,
        message: String,
    },
    Cancelled,
}

impl ApiError {
    /// The HTTP status of an answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Api { status, .. } | ApiError::Decode { status, .. } => Some(*status),
            ApiError::Transport { .. } | ApiError::Cancelled => None,
        }
    }

    /// The API's error code (`APIG.3208`), when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Api { code, .. } if !code.is_empty() => Some(code),
            _ => None,
        }
    }

    /// A 404 of any origin. Not proof that an object is gone (a proxy or a
    /// wrong endpoint answers 404 too): see [`ApiError::is_gone`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Api { status: 404, .. })
    }

    /// The API itself says the object is gone: a 404 carrying one of
    /// `codes`, the kind's own "no such ..." codes (see
    /// `apig::channels::GONE`). A bare 404 proves nothing.
    pub fn is_gone(&self, codes: &[&str]) -> bool {
        matches!(self, ApiError::Api { status: 404, code, .. } if codes.contains(&code.as_str()))
    }

    /// True when a mutating request may have taken effect although it
    /// failed: a 5xx, a connection lost after sending, or a success answer
    /// that could not be read. After a failed create, look the channel up
    /// by name before creating it again.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            ApiError::Api { status, .. } => *status >= 500,
            ApiError::Transport {
                maybe_committed, ..
            } => *maybe_committed,
            ApiError::Decode { status, .. } => (200..300).contains(status),
            ApiError::Cancelled => true,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Api {
                status,
                code,
                message,
                request_id,
            } => {
                write!(f, "HTTP {status}")?;
                if !code.is_empty() {
                    write!(f, " {code}")?;
                }
                write!(f, ": {message}")?;
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
            ApiError::Transport { message, .. } => f.write_str(message),
            ApiError::Decode { status, message } => {
                write!(f, "could not read the HTTP {status} response: {message}")
            }
            ApiError::Cancelled => f.write_str("request cancelled"),
        }
    }
}

impl StdError for ApiError {}

/// The error for a non-2xx answer.
pub(super) fn api_error(answer: &Answer, secrets: &Secrets) -> ApiError {
    let header_request_id = answer
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| shorten(v, 100, secrets))
        .filter(|v| !v.is_empty());
    let (code, mut message, body_request_id) = parse_error_body(&answer.body, secrets)
        .unwrap_or_else(|| {
            let text = snippet(&answer.body, SNIPPET_CHARS, secrets);
            (String::new(), text, None)
        });
    if answer.status.is_redirection() {
        let location = answer
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| shorten(v, SNIPPET_CHARS, secrets))
            .unwrap_or_default();
        message = format!("unexpected redirect to {location:?}");
    }
    if message.is_empty() {
        message = answer
            .status
            .canonical_reason()
            .unwrap_or("no error message")
            .to_string();
    }
    ApiError::Api {
        status: answer.status.as_u16(),
        code,
        message,
        request_id: body_request_id.or(header_request_id),
    }
}

/// `(code, message, request_id)` of a JSON error body: the documented
/// `{"error_code", "error_msg"}` shape first, then the shapes other
/// Huawei services and proxies use. `None` when the body is not JSON.
pub(super) fn parse_error_body(
    body: &[u8],
    secrets: &Secrets,
) -> Option<(String, String, Option<String>)> {
    let clean_text = |text: &str, max_chars| shorten(text, max_chars, secrets);
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let Some(object) = value.as_object() else {
        return Some((String::new(), snippet(body, SNIPPET_CHARS, secrets), None));
    };
    // (Only for an object: serde would also read a struct from an array.)
    if let Ok(e) = serde_json::from_value::<ErrorBody>(value.clone()) {
        if !e.error_code.is_empty() || !e.error_msg.is_empty() {
            return Some((
                clean_text(&e.error_code, 100),
                clean_text(&e.error_msg, MESSAGE_CHARS),
                e.request_id
                    .map(|r| clean_text(&r, 100))
                    .filter(|r| !r.is_empty()),
            ));
        }
    }
    let inner = object
        .get("error")
        .and_then(|e| e.as_object())
        .unwrap_or(object);
    let scalar = |keys: &[&str]| -> String {
        keys.iter()
            .filter_map(|k| inner.get(*k).or_else(|| object.get(*k)))
            .find_map(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_default()
    };
    let code = clean_text(&scalar(&["error_code", "code", "errorCode"]), 100);
    let message = scalar(&[
        "error_msg",
        "message",
        "msg",
        "errorMessage",
        "error_description",
        "error",
    ]);
    let request_id =
        Some(clean_text(&scalar(&["request_id", "requestId"]), 100)).filter(|r| !r.is_empty());
    let message = if message.is_empty() && code.is_empty() {
        snippet(body, SNIPPET_CHARS, secrets)
    } else {
        clean_text(&message, MESSAGE_CHARS)
    };
    Some((code, message, request_id))
}

/// A readable excerpt of a body that is not the expected JSON: markup
/// (an HTML page from a proxy) reduced to its text.
pub(super) fn snippet(body: &[u8], max_chars: usize, secrets: &Secrets) -> String {
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with('<') {
        shorten(&strip_markup(&text), max_chars, secrets)
    } else {
        shorten(&text, max_chars, secrets)
    }
}

pub(super) fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// One line: control characters become spaces, runs of whitespace one
/// space, at most `max_chars` characters (an ellipsis marks a cut).
pub(super) fn clean_text(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if count + needed > max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        count += needed;
    }
    out
}

/// Parses a 2xx body; anything unexpected is a [`ApiError::Decode`].
pub(super) fn decode_json<T: DeserializeOwned>(
    answer: &Answer,
    secrets: &Secrets,
) -> Result<T, ApiError> {
    let status = answer.status.as_u16();
    let fail = |message: String| ApiError::Decode { status, message };
    if answer.truncated {
        return Err(fail(format!(
            "the response body is larger than {} MiB",
            MAX_BODY_BYTES >> 20
        )));
    }
    if answer.body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("the response body is empty".into()));
    }
    serde_json::from_slice(&answer.body).map_err(|e| {
        use serde_json::error::Category;
        fail(match e.classify() {
            Category::Eof => format!("the JSON response ends early (truncated?): {e}"),
            Category::Syntax => format!(
                "the response is not valid JSON ({e}); it starts with: {}",
                snippet(&answer.body, 100, secrets)
            ),
            Category::Data | Category::Io => format!("unexpected JSON content: {e}"),
        })
    })
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
