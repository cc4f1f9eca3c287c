//! Credentials, and the headers they put on each attempt: an IAM token as
//! is, or an AK/SK signature over exactly the headers sent.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::redact::{AkPrefix, Sensitive};
use super::transport::{Failure, Prepared};
use super::Client;
use crate::apig::signer;

pub(super) const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// How requests authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// IAM token, sent as `X-Auth-Token`; nothing is signed.
    Token(String),
    /// Access key pair; every request is signed. `security_token` marks
    /// temporary credentials and is sent (and signed) as `X-Security-Token`.
    AkSk {
        ak: String,
        sk: String,
        security_token: Option<String>,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(_) => f.debug_tuple("Token").field(&Sensitive).finish(),
            Credentials::AkSk {
                ak, security_token, ..
            } => f
                .debug_struct("AkSk")
                .field("ak", &AkPrefix(ak))
                .field("sk", &Sensitive)
                .field(
                    "security_token",
                    &security_token.as_ref().map(|_| Sensitive),
                )
                .finish(),
        }
    }
}

impl Credentials {
    /// The values that must never appear in any message.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Credentials::Token(t) => vec![t.clone()],
            Credentials::AkSk {
                sk, security_token, ..
            } => std::iter::once(sk.clone())
                .chain(security_token.iter().cloned())
                .collect(),
        }
    }
}

impl Client {
    /// The headers of one attempt; with AK/SK, exactly the signed ones are
    /// sent with exactly the signed values.
    pub(super) fn headers(
        &self,
        req: &Prepared<'_>,
        credentials: &Credentials,
    ) -> Result<HeaderMap, Failure> {
        let mut signed: Vec<(String, String)> = vec![
            ("Host".into(), req.host.clone()),
            ("X-Project-Id".into(), req.project_id.to_string()),
        ];
        if req.body.is_some() {
            signed.push(("Content-Type".into(), JSON_CONTENT_TYPE.into()));
        }
        let mut secret: Vec<(&str, String)> = Vec::new();
        match credentials {
            Credentials::Token(token) => secret.push(("X-Auth-Token", token.clone())),
            Credentials::AkSk {
                ak,
                sk,
                security_token,
            } => {
                signed.push((signer::SDK_DATE_HEADER.into(), signer::sdk_date(unix_now())));
                if let Some(st) = security_token.as_deref().filter(|s| !s.is_empty()) {
                    signed.push(("X-Security-Token".into(), st.to_string()));
                }
                let input = signer::SigningInput {
                    method: req.method.as_str(),
                    path: req.url.path(),
                    query: req.query,
                    headers: &signed,
                    body: req.body.as_deref().unwrap_or_default(),
                };
                secret.push(("Authorization", signer::sign(ak, sk, &input).authorization));
            }
        }

        let mut map = HeaderMap::new();
        map.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in &signed {
            let sensitive = name.eq_ignore_ascii_case("X-Security-Token");
            insert_header(&mut map, name, value, sensitive)?;
        }
        for (name, value) in &secret {
            insert_header(&mut map, name, value, true)?;
        }
        Ok(map)
    }
}

pub(super) fn insert_header(
    map: &mut HeaderMap,
    name: &str,
    value: &str,
    sensitive: bool,
) -> Result<(), Failure> {
    let bad = || Failure {
        // The value itself is not shown: it may be a secret.
        message: format!(
            "invalid request: the value of the {name} header has characters not allowed in HTTP"
        ),
        committed: false,
        retryable: false,
        timed_out: false,
    };
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
    let mut value = HeaderValue::from_str(value).map_err(|_| bad())?;
    value.set_sensitive(sensitive);
    map.insert(name, value);
    Ok(())
}

pub(super) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
