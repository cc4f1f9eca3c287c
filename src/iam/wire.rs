//! One IAM request on the wire: where it goes, its headers (signed afresh
//! for each attempt), and one attempt read to its end. Retries are the
//! client's ([`super::client`]).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::client::{unix_now, IamError, IamOptions};
use crate::apig::client::Credentials;
use crate::apig::signer;

/// Largest answer body read.
const MAX_BODY: usize = 1 << 20;

/// An answer of any status, read whole.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

/// An attempt's answer, or why there was none and whether that was the
/// request timeout.
pub(super) type Outcome = Result<Answer, (String, bool)>;

/// Where a request goes, and how failures name the endpoint.
pub(super) struct Target {
    pub(super) url: Url,
    /// The `Host` header (signed with AK/SK).
    host: String,
    /// The endpoint without user information, for messages.
    shown: String,
    /// ` (from <setting>)`, or empty.
    from: String,
}

impl Target {
    /// The endpoint's `path` with `query`; only http(s) URLs without user
    /// information are accepted.
    pub(super) fn new(
        opts: &IamOptions,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Target, IamError> {
        let canonical = signer::canonical_query(query);
        let mut text = format!("{}{path}", opts.endpoint);
        if !canonical.is_empty() {
            text.push('?');
            text.push_str(&canonical);
        }
        let shown = crate::apig::client::redact_url(&opts.endpoint);
        let invalid =
            |why: String| IamError::Transport(format!("invalid IAM endpoint {shown:?}: {why}"));
        let url = Url::parse(&text).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
            return Err(invalid(
                "it must be an http(s) URL without user information".into(),
            ));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Err(invalid("no host".into())),
        };
        let from = match opts.endpoint_setting.as_str() {
            "" => String::new(),
            s => format!(" (from {s})"),
        };
        Ok(Target {
            url,
            host,
            shown,
            from,
        })
    }

    /// The message of an attempt that got no answer.
    pub(super) fn failure(&self, why: &str) -> String {
        format!("{}{}: {why}", self.shown, self.from)
    }
}

/// What every attempt of one call sends.
pub(super) struct Request<'a> {
    pub(super) method: &'a Method,
    pub(super) target: &'a Target,
    pub(super) query: &'a [(String, String)],
    pub(super) body: Option<&'a [u8]>,
    pub(super) creds: Option<&'a Credentials>,
}

/// The headers of one attempt, signed afresh (new date) with AK/SK.
pub(super) fn headers(r: &Request) -> Result<HeaderMap, IamError> {
    let mut signed: Vec<(String, String)> = vec![("Host".into(), r.target.host.clone())];
    if r.body.is_some() {
        signed.push((
            "Content-Type".into(),
            "application/json;charset=UTF-8".into(),
        ));
    }
    let mut secret: Vec<(&str, String)> = Vec::new();
    match r.creds {
        None => {}
        Some(Credentials::Token(t)) => secret.push(("X-Auth-Token", t.clone())),
        Some(Credentials::AkSk {
            ak,
            sk,
            security_token,
        }) => {
            signed.push((signer::SDK_DATE_HEADER.into(), signer::sdk_date(unix_now())));
            if let Some(st) = security_token.as_deref().filter(|s| !s.is_empty()) {
                signed.push(("X-Security-Token".into(), st.to_string()));
            }
            let input = signer::SigningInput {
                method: r.method.as_str(),
                path: r.target.url.path(),
                query: r.query,
                headers: &signed,
                body: r.body.unwrap_or_default(),
            };
            secret.push(("Authorization", signer::sign(ak, sk, &input).authorization));
        }
    }
    let mut map = HeaderMap::new();
    map.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    let all = signed
        .iter()
        .map(|(n, v)| {
            (
                n.as_str(),
                v.as_str(),
                n.eq_ignore_ascii_case("X-Security-Token"),
            )
        })
        .chain(secret.iter().map(|(n, v)| (*n, v.as_str(), true)));
    for (name, value, sensitive) in all {
        let bad = || {
            IamError::Transport(format!(
                "the {name} header has characters not allowed in HTTP"
            ))
        };
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let mut v = HeaderValue::from_str(value).map_err(|_| bad())?;
        v.set_sensitive(sensitive);
        map.insert(n, v);
    }
    Ok(map)
}

/// One attempt; the error says whether it was the request timeout.
pub(super) async fn send_once(req: reqwest::RequestBuilder, timeout: Duration) -> Outcome {
    let failed = |e: reqwest::Error| (error_chain(&e, timeout), e.is_timeout() && !e.is_connect());
    let mut r = req.send().await.map_err(failed)?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = r.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(("the answer is larger than 1 MiB".into(), false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn error_chain(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() && !e.is_connect() {
        return crate::apig::client::timeout_message(timeout);
    }
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(&format!(": {c}"));
        src = c.source();
    }
    s.push_str(crate::apig::client::tls_hint(e));
    s
}
