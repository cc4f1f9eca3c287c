//! Token and AK/SK authentication as the gateway in front of the service
//! does it. The signature is recomputed from what was received, so a client
//! whose canonical request differs gets the server's version back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use hyper::HeaderMap;
use serde::Serialize;

use super::error::ApiError;
use super::query::parse_query;
use crate::apig::signer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    None,
    Token,
    Aksk,
}

const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The gateway refuses an `X-Sdk-Date` further than this from its clock.
const MAX_SKEW_SECS: i64 = 15 * 60;

/// Failures in a row that lock an access key, and for how long.
const LOCK_AFTER: u32 = 5;
const LOCK_SECS: i64 = 300;

/// The account that owns the emulator's own token and keys.
pub const HOME_DOMAIN: &str = "emulator_account";

/// A token or temporary key pair handed out by the emulated IAM.
#[derive(Clone, Debug)]
pub struct IssuedCredential {
    /// For a key pair: the secret key and the security token.
    pub sk: String,
    pub security_token: String,
    pub expires_at: i64,
    pub domain: String,
}

pub struct Auth {
    /// Tokens (by value) and temporary keys (by access key) from IAM.
    pub issued_tokens: Mutex<HashMap<String, IssuedCredential>>,
    pub issued_keys: Mutex<HashMap<String, IssuedCredential>>,
    pub tokens: Vec<String>,
    pub keys: Vec<(String, String)>,
    pub security_token: Option<String>,
    pub lockout: AtomicBool,
    /// access key -> (failures in a row, locked until unix time)
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

/// What the request looked like on the wire.
pub struct Received<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub raw_query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Auth {
    pub fn new(
        tokens: Vec<String>,
        keys: Vec<(String, String)>,
        security_token: Option<String>,
        lockout: bool,
    ) -> Self {
        Auth {
            issued_tokens: Mutex::new(HashMap::new()),
            issued_keys: Mutex::new(HashMap::new()),
            tokens,
            keys,
            security_token,
            lockout: AtomicBool::new(lockout),
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn clear_lockouts(&self) {
        if let Ok(mut f) = self.failures.lock() {
            f.clear();
        }
    }

    /// AK/SK when an `SDK-HMAC-SHA256` Authorization is present, else the
    /// token, else nothing (401).
    pub fn check(&self, r: &Received, now: i64) -> (AuthKind, Result<(), ApiError>) {
        let (kind, r) = self.identify(r, now);
        (kind, r.map(|_| ()))
    }

    /// Like [`Auth::check`], and names the caller's account.
    pub fn identify(&self, r: &Received, now: i64) -> (AuthKind, Result<String, ApiError>) {
        let authz = header(r.headers, "authorization");
        if authz
            .as_deref()
            .is_some_and(|a| a.trim_start().starts_with(ALGORITHM))
        {
            return (
                AuthKind::Aksk,
                self.check_aksk(r, authz.as_deref().unwrap_or(""), now),
            );
        }
        let issued = |t: &str| {
            self.issued_tokens
                .lock()
                .ok()
                .and_then(|m| m.get(t).cloned())
        };
        match header(r.headers, "x-auth-token") {
            Some(t)
                if self
                    .tokens
                    .iter()
                    .any(|k| ct_eq(k.as_bytes(), t.as_bytes())) =>
            {
                (AuthKind::Token, Ok(HOME_DOMAIN.to_string()))
            }
            Some(t) => match issued(&t) {
                Some(c) if c.expires_at > now => (AuthKind::Token, Ok(c.domain)),
                Some(_) => (
                    AuthKind::Token,
                    Err(ApiError::new(401, "APIG.1002", "The token has expired.")),
                ),
                None => (AuthKind::Token, Err(ApiError::bad_token())),
            },
            None => (AuthKind::None, Err(ApiError::bad_token())),
        }
    }

    fn check_aksk(&self, r: &Received, authz: &str, now: i64) -> Result<String, ApiError> {
        let Some(parsed) = signer::parse_authorization(authz) else {
            return Err(refused("the Authorization header is malformed"));
        };
        let key = self.key(&parsed.access, now)?;
        if self.is_locked(&parsed.access, now) {
            return Err(refused(
                "the access key is locked after repeated signature failures, retry in 5 minutes",
            ));
        }
        let signed: Vec<String> = parsed
            .signed_headers
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        check_date(r.headers, &signed, now).map_err(|m| refused(&m))?;
        if let Some(expected) = &key.security_token {
            check_security_token(r.headers, &signed, expected).map_err(refused)?;
        }
        let headers = signed_values(r.headers, &signed);
        let query = parse_query(r.raw_query);
        let input = signer::SigningInput {
            method: r.method,
            path: r.path,
            query: &query,
            headers: &headers,
            body: r.body,
        };
        let ours = signer::sign(&parsed.access, &key.sk, &input);
        if ct_eq(
            ours.signature.as_bytes(),
            parsed.signature.to_ascii_lowercase().as_bytes(),
        ) {
            self.record(&parsed.access, true, now);
            Ok(key.domain)
        } else {
            self.record(&parsed.access, false, now);
            Err(ApiError::aksk(format!(
                "Verify aksk signature fail, canonicalRequest: {}",
                ours.canonical_request.replace('\n', "|")
            )))
        }
    }

    /// The secret behind an access key: a configured key, or a temporary
    /// one IAM issued and that has not expired.
    fn key(&self, access: &str, now: i64) -> Result<Key, ApiError> {
        if let Some((_, sk)) = self.keys.iter().find(|(ak, _)| ak == access) {
            return Ok(Key {
                sk: sk.clone(),
                security_token: self.security_token.clone(),
                domain: HOME_DOMAIN.to_string(),
            });
        }
        let temporary = self
            .issued_keys
            .lock()
            .ok()
            .and_then(|m| m.get(access).cloned());
        match temporary {
            Some(c) if c.expires_at > now => Ok(Key {
                sk: c.sk,
                security_token: Some(c.security_token),
                domain: c.domain,
            }),
            Some(_) => Err(refused("the temporary access key has expired")),
            None => Err(refused(&format!("access key {access} does not exist"))),
        }
    }

    fn is_locked(&self, ak: &str, now: i64) -> bool {
        self.lockout.load(Ordering::Relaxed)
            && self
                .failures
                .lock()
                .map(|f| f.get(ak).is_some_and(|(_, until)| *until > now))
                .unwrap_or(false)
    }

    fn record(&self, ak: &str, ok: bool, now: i64) {
        let Ok(mut f) = self.failures.lock() else {
            return;
        };
        if ok {
            f.remove(ak);
            return;
        }
        let e = f.entry(ak.to_string()).or_insert((0, 0));
        e.0 += 1;
        if self.lockout.load(Ordering::Relaxed) && e.0 >= LOCK_AFTER {
            *e = (0, now + LOCK_SECS);
        }
    }
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Constant-time comparison (length is not hidden).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An access key's secret, the security token it needs, and its account.
struct Key {
    sk: String,
    security_token: Option<String>,
    domain: String,
}

fn refused(m: &str) -> ApiError {
    ApiError::aksk(format!("Incorrect IAM authentication information: {m}"))
}

/// `X-Sdk-Date` is signed, well formed and close to the server's clock.
fn check_date(headers: &HeaderMap, signed: &[String], now: i64) -> Result<(), String> {
    if !signed.iter().any(|h| h == "x-sdk-date") {
        return Err("x-sdk-date is not signed".into());
    }
    let Some(date) = header(headers, "x-sdk-date") else {
        return Err("the X-Sdk-Date header is missing".into());
    };
    let Some(t) = signer::parse_sdk_date(date.trim()) else {
        return Err(format!(
            "X-Sdk-Date {date} is not in the form YYYYMMDDTHHMMSSZ"
        ));
    };
    if (t - now).abs() > MAX_SKEW_SECS {
        return Err(format!(
            "X-Sdk-Date {date} is more than 15 minutes off the server time {}",
            signer::sdk_date(now)
        ));
    }
    Ok(())
}

/// The key's security token is sent, and signed.
fn check_security_token(
    headers: &HeaderMap,
    signed: &[String],
    expected: &str,
) -> Result<(), &'static str> {
    match header(headers, "x-security-token") {
        Some(t) if ct_eq(t.as_bytes(), expected.as_bytes()) => {}
        Some(_) => return Err("the security token is invalid or expired"),
        None => return Err("the X-Security-Token header is required for this key"),
    }
    if !signed.iter().any(|h| h == "x-security-token") {
        return Err("x-security-token is not signed");
    }
    Ok(())
}

/// Each signed header with the values received (empty if absent).
fn signed_values(headers: &HeaderMap, signed: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for name in signed {
        let mut values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        if values.is_empty() {
            values.push(String::new());
        }
        out.extend(values.into_iter().map(|v| (name.clone(), v)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::{HeaderName, HeaderValue};

    const AK: &str = "AK0001";
    const SK: &str = "secret";

    fn auth(st: Option<&str>) -> Auth {
        Auth::new(
            vec!["tok".into()],
            vec![(AK.into(), SK.into())],
            st.map(String::from),
            true,
        )
    }

    /// Signs like a client and returns the headers to send.
    fn signed(
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
        date: i64,
        extra: &[(&str, &str)],
    ) -> (HeaderMap, String) {
        let q: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut hs: Vec<(String, String)> = vec![
            ("Host".into(), "127.0.0.1:8080".into()),
            ("X-Sdk-Date".into(), signer::sdk_date(date)),
        ];
        hs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let s = signer::sign(
            AK,
            SK,
            &signer::SigningInput {
                method,
                path,
                query: &q,
                headers: &hs,
                body,
            },
        );
        let mut map = HeaderMap::new();
        for (k, v) in &hs {
            map.append(
                HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map.insert(
            "authorization",
            HeaderValue::from_str(&s.authorization).unwrap(),
        );
        (map, signer::canonical_query(&q))
    }

    fn run(
        a: &Auth,
        method: &str,
        path: &str,
        raw_query: &str,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> (AuthKind, Result<(), ApiError>) {
        a.check(
            &Received {
                method,
                path,
                raw_query,
                headers,
                body,
            },
            now,
        )
    }

    #[test]
    fn tokens() {
        let a = auth(None);
        let mut h = HeaderMap::new();
        assert_eq!(run(&a, "GET", "/", "", &h, b"", 0).0, AuthKind::None);
        h.insert("x-auth-token", HeaderValue::from_static("bad"));
        let (k, r) = run(&a, "GET", "/", "", &h, b"", 0);
        assert_eq!(
            (k, r.unwrap_err().code.as_str()),
            (AuthKind::Token, "APIG.1002")
        );
        h.insert("x-auth-token", HeaderValue::from_static("tok"));
        assert_eq!(
            run(&a, "GET", "/", "", &h, b"", 0),
            (AuthKind::Token, Ok(()))
        );
    }

    #[test]
    fn good_and_tampered_signatures() {
        let a = auth(None);
        let now = 1_700_000_000;
        let body = br#"{"a":1}"#;
        let (h, q) = signed(
            "POST",
            "/v2/p/x",
            &[("limit", "10"), ("name", "a b")],
            body,
            now,
            &[],
        );
        assert_eq!(run(&a, "POST", "/v2/p/x", &q, &h, body, now).1, Ok(()));
        let err = run(&a, "POST", "/v2/p/x", &q, &h, br#"{"a":2}"#, now)
            .1
            .unwrap_err();
        assert_eq!(err.code, "APIGW.0301");
        assert!(
            err.msg.starts_with(
                "Verify aksk signature fail, canonicalRequest: POST|/v2/p/x/|limit=10&name=a%20b|"
            ),
            "{}",
            err.msg
        );
        assert!(err.request_id.is_some());
        // stale date
        let (h, q) = signed("GET", "/v2/p/x", &[], b"", now - 16 * 60, &[]);
        let err = run(&a, "GET", "/v2/p/x", &q, &h, b"", now).1.unwrap_err();
        assert!(err.msg.contains("15 minutes"), "{}", err.msg);
        // unknown key
        let mut h2 = h.clone();
        h2.insert(
            "authorization",
            HeaderValue::from_str(&h["authorization"].to_str().unwrap().replace(AK, "NOPE"))
                .unwrap(),
        );
        assert!(run(&a, "GET", "/v2/p/x", &q, &h2, b"", now - 16 * 60)
            .1
            .unwrap_err()
            .msg
            .contains("NOPE"));
    }

    #[test]
    fn lockout_after_five_failures() {
        let a = auth(None);
        let now = 1_700_000_000;
        let (h, q) = signed("GET", "/x", &[], b"", now, &[]);
        for _ in 0..5 {
            assert!(run(&a, "GET", "/y", &q, &h, b"", now)
                .1
                .unwrap_err()
                .msg
                .contains("Verify aksk"));
        }
        assert!(run(&a, "GET", "/x", &q, &h, b"", now)
            .1
            .unwrap_err()
            .msg
            .contains("locked"));
        assert_eq!(run(&a, "GET", "/x", &q, &h, b"", now + 301).1, Ok(()));
    }

    #[test]
    fn security_token_must_match_and_be_signed() {
        let a = auth(Some("STS"));
        let now = 1_700_000_000;
        let (h, q) = signed("GET", "/x", &[], b"", now, &[]);
        assert!(run(&a, "GET", "/x", &q, &h, b"", now)
            .1
            .unwrap_err()
            .msg
            .contains("X-Security-Token"));
        let (h, q) = signed("GET", "/x", &[], b"", now, &[("X-Security-Token", "WRONG")]);
        assert!(run(&a, "GET", "/x", &q, &h, b"", now).1.is_err());
        let (h, q) = signed("GET", "/x", &[], b"", now, &[("X-Security-Token", "STS")]);
        assert_eq!(run(&a, "GET", "/x", &q, &h, b"", now).1, Ok(()));
        // present but unsigned
        let (mut h, q) = signed("GET", "/x", &[], b"", now, &[]);
        h.insert("x-security-token", HeaderValue::from_static("STS"));
        assert!(run(&a, "GET", "/x", &q, &h, b"", now)
            .1
            .unwrap_err()
            .msg
            .contains("not signed"));
    }
}
