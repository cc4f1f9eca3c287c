//! HTTP client of the APIG v2 VPC channel API.
//!
//! Token or AK/SK (`SDK-HMAC-SHA256`) authentication, retries with capped
//! exponential backoff and full jitter, cancellation of every wait, bounded
//! and lenient response handling. Knows nothing of Terraform.
//!
//! Retry rules, and why:
//! - 429 is retried for every method (the request was refused, not run),
//!   honouring `Retry-After`.
//! - 500/502/503/504 and transport failures are retried for idempotent
//!   methods only. A `POST` (create) is retried only when it certainly never
//!   reached the server (connect failure) or was throttled: a 5xx or a
//!   connection lost after sending may have created the channel, and a blind
//!   retry would create a duplicate (or fail with APIG.3208). Such errors are
//!   returned so the caller can look the channel up by name.
//! - 401 is never retried: five signature failures in a row lock the key.
//!   No other 4xx is retried either.

use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use super::models::{Channel, ChannelList, ChannelRequest, ErrorBody, MemberList};
use super::signer;
use super::source::CredentialSource;

/// Largest response body read for a success; beyond it the answer is a
/// [`ApiError::Decode`].
pub const MAX_BODY_BYTES: usize = 16 << 20;
/// Error bodies are only needed for a message: read at most this much.
const MAX_ERROR_BODY_BYTES: usize = 64 << 10;
/// A server asking for a longer pause than this is waited on only this long.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Shorter than the usual 60 s server-side keep-alive, so that a pooled
/// connection is rarely closed by the server while a request is sent on it
/// (which would make a create's outcome unknown).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// Largest page the list call accepts.
const LIST_LIMIT: usize = 500;
/// Bound on pages walked by [`Client::find_channel_by_name`].
const MAX_FIND_PAGES: usize = 200;
/// Characters of a non-JSON error body kept in the message.
const SNIPPET_CHARS: usize = 200;
/// Characters of a JSON error message kept (APIGW.0301 embeds the server's
/// canonical request, which is worth keeping whole).
const MESSAGE_CHARS: usize = 2000;
const REDACTED: &str = "(sensitive)";

/// The API answers in milliseconds: this only ends waiting on a server
/// that accepted the connection and hangs.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

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

/// Shows a secret as a fixed placeholder in `Debug` output.
struct Sensitive;

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{REDACTED:?}")
    }
}

/// An access key shown by its first four characters only.
struct AkPrefix<'a>(&'a str);

impl fmt::Debug for AkPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A key of four characters or fewer would be shown whole.
        let shown: String = if self.0.chars().count() > 4 {
            self.0.chars().take(4).collect()
        } else {
            String::new()
        };
        write!(f, "{:?}", format!("{shown}…"))
    }
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
    fn secrets(&self) -> Vec<String> {
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

/// Settings of a [`Client`]. Start from [`ClientOptions::new`], which holds
/// the defaults.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub credentials: Credentials,
    /// Extra attempts after the first one (0: no retry).
    pub max_retries: u32,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// Whole-request limit: connect, send, and read the full response.
    pub request_timeout: Duration,
    pub user_agent: String,
    /// Backoff before retry `n` (0-based) is uniform in
    /// `[0, min(backoff_cap, backoff_base * 2^n)]`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// When set, asked for the credentials of each attempt instead of
    /// using `credentials`.
    pub source: Option<Arc<dyn CredentialSource>>,
}

impl ClientOptions {
    /// The caller names itself in `user_agent`. Defaults: 5 retries,
    /// certificates verified, 20 s per request, backoff 500 ms doubling up
    /// to 30 s.
    pub fn new(credentials: Credentials, user_agent: impl Into<String>) -> ClientOptions {
        ClientOptions {
            credentials,
            max_retries: 5,
            insecure: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            user_agent: user_agent.into(),
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            source: None,
        }
    }
}

/// Where a channel lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `https://apig.cn-north-4.myhuaweicloud.com` or `http://127.0.0.1:8080`.
    pub base_url: String,
    pub project_id: String,
    pub instance_id: String,
}

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

    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Api { status: 404, .. })
    }

    /// The API itself says the channel is gone: 404 with APIG.3023 (no such
    /// channel) or APIG.3030 (no such gateway). A bare 404, e.g. from a proxy
    /// or a wrong endpoint, proves nothing.
    pub fn is_channel_gone(&self) -> bool {
        matches!(self, ApiError::Api { status: 404, code, .. } if code == "APIG.3023" || code == "APIG.3030")
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

/// The APIG client. Cheap to clone: clones share one connection pool, so
/// build one per process.
#[derive(Clone)]
pub struct Client {
    /// Built on first use: loading the root certificates costs ~3 ms, and
    /// most provider processes (validate, plan without refresh) never call.
    http: Arc<OnceLock<Result<reqwest::Client, String>>>,
    user_agent: String,
    insecure: bool,
    credentials: Credentials,
    max_retries: u32,
    request_timeout: Duration,
    backoff_base: Duration,
    backoff_cap: Duration,
    cancel: CancellationToken,
    secrets: Vec<String>,
    source: Option<Arc<dyn CredentialSource>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.credentials)
            .field("max_retries", &self.max_retries)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

/// A response as received: status, headers, body (possibly cut at the cap).
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    truncated: bool,
}

/// A failed attempt without a usable answer.
struct Failure {
    message: String,
    /// The request may have reached the server.
    committed: bool,
    /// Trying again may help (false for TLS and request-building errors).
    retryable: bool,
    /// No answer within the request timeout.
    timed_out: bool,
}

impl Failure {
    fn into_error(self) -> ApiError {
        ApiError::Transport {
            message: self.message,
            maybe_committed: self.committed,
        }
    }
}

/// A request to send, with everything needed to sign it again.
struct Prepared<'a> {
    method: Method,
    url: Url,
    /// `Host` header value: the URL's host, with the port when not default.
    host: String,
    project_id: &'a str,
    query: &'a [(String, String)],
    body: Option<Vec<u8>>,
}

impl Client {
    pub fn new(opts: ClientOptions, cancel: CancellationToken) -> Result<Client, String> {
        match &opts.credentials {
            _ if opts.source.is_some() => {}
            Credentials::Token(t) if t.is_empty() => return Err("the token is empty".into()),
            Credentials::AkSk { ak, sk, .. } if ak.is_empty() || sk.is_empty() => {
                return Err("the access key and the secret key must both be set".into())
            }
            _ => {}
        }
        if opts.request_timeout.is_zero() {
            return Err("the request timeout must be greater than zero".into());
        }
        // Checked here because reqwest would only say "builder error".
        if HeaderValue::from_str(&opts.user_agent).is_err() {
            return Err(format!(
                "invalid User-Agent {:?}: only visible ASCII is allowed",
                opts.user_agent
            ));
        }
        Ok(Client {
            http: Arc::new(OnceLock::new()),
            user_agent: opts.user_agent.clone(),
            insecure: opts.insecure,
            secrets: opts.credentials.secrets(),
            credentials: opts.credentials,
            max_retries: opts.max_retries,
            request_timeout: opts.request_timeout,
            backoff_base: opts.backoff_base,
            backoff_cap: opts.backoff_cap,
            cancel,
            source: opts.source,
        })
    }

    /// `POST .../vpc-channels` (201). Not retried once it may have reached
    /// the server: see [`ApiError::may_have_been_applied`].
    pub async fn create_channel(
        &self,
        t: &Target,
        body: &ChannelRequest,
    ) -> Result<Channel, ApiError> {
        let body = encode_body(body)?;
        let answer = self.execute(t, Method::POST, &[], &[], Some(body)).await?;
        self.decode(answer)
    }

    /// `PUT .../vpc-channels/{id}` (200): a full overwrite.
    pub async fn update_channel(
        &self,
        t: &Target,
        id: &str,
        body: &ChannelRequest,
    ) -> Result<Channel, ApiError> {
        let body = encode_body(body)?;
        let answer = self.execute(t, Method::PUT, &[id], &[], Some(body)).await?;
        self.decode(answer)
    }

    /// `GET .../vpc-channels/{id}`: the only call returning members and the
    /// health check.
    pub async fn show_channel(&self, t: &Target, id: &str) -> Result<Channel, ApiError> {
        let answer = self.execute(t, Method::GET, &[id], &[], None).await?;
        self.decode(answer)
    }

    /// `DELETE .../vpc-channels/{id}` (204; any 2xx is success). Retried
    /// like any idempotent call, so a retry after a lost answer may get 404:
    /// callers should treat [`ApiError::is_not_found`] as deleted.
    pub async fn delete_channel(&self, t: &Target, id: &str) -> Result<(), ApiError> {
        self.execute(t, Method::DELETE, &[id], &[], None).await?;
        Ok(())
    }

    /// `GET .../vpc-channels?...` with the given raw query pairs.
    pub async fn list_channels(
        &self,
        t: &Target,
        query: &[(String, String)],
    ) -> Result<ChannelList, ApiError> {
        let answer = self.execute(t, Method::GET, &[], query, None).await?;
        self.decode(answer)
    }

    /// The channel named exactly `name`, if any. Asks for an exact search,
    /// but still compares names itself (and walks further pages) in case a
    /// gateway ignores `precise_search` and matches fuzzily.
    pub async fn find_channel_by_name(
        &self,
        t: &Target,
        name: &str,
    ) -> Result<Option<Channel>, ApiError> {
        let mut offset = 0usize;
        for _ in 0..MAX_FIND_PAGES {
            let query = vec![
                ("name".to_string(), name.to_string()),
                ("precise_search".to_string(), "name".to_string()),
                ("limit".to_string(), LIST_LIMIT.to_string()),
                ("offset".to_string(), offset.to_string()),
            ];
            let page = self.list_channels(t, &query).await?;
            let received = page.vpc_channels.len();
            if let Some(found) = page.vpc_channels.into_iter().find(|c| c.name == name) {
                return Ok(Some(found));
            }
            offset += received;
            if received == 0 || offset as i64 >= page.total {
                break;
            }
        }
        Ok(None)
    }

    /// `GET .../vpc-channels/{id}/members?...`.
    pub async fn list_members(
        &self,
        t: &Target,
        id: &str,
        query: &[(String, String)],
    ) -> Result<MemberList, ApiError> {
        let answer = self
            .execute(t, Method::GET, &[id, "members"], query, None)
            .await?;
        self.decode(answer)
    }

    /// Sends with retries; `Ok` only for a 2xx answer.
    async fn execute(
        &self,
        t: &Target,
        method: Method,
        segments: &[&str],
        query: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ApiError> {
        let (url, host) = build_url(t, segments, query).map_err(|m| self.scrub(invalid(m)))?;
        let req = Prepared {
            method,
            url,
            host,
            project_id: &t.project_id,
            query,
            body,
        };
        self.run(&req).await.map_err(|e| self.scrub(e))
    }

    async fn run(&self, req: &Prepared<'_>) -> Result<Answer, ApiError> {
        let idempotent = req.method != Method::POST;
        let mut retry = 0u32;
        let mut timeouts = 0u32;
        loop {
            if self.cancel.is_cancelled() {
                return Err(ApiError::Cancelled);
            }
            let outcome = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(ApiError::Cancelled),
                outcome = self.attempt(req) => outcome,
            };
            let (error, retryable, server_delay) = match outcome {
                Ok(answer) if answer.status.is_success() => return Ok(answer),
                Ok(answer) => {
                    let status = answer.status.as_u16();
                    let retryable = match status {
                        429 => true,
                        500 | 502 | 503 | 504 => idempotent,
                        _ => false,
                    };
                    let delay = match status {
                        429 | 503 => retry_after(&answer.headers, SystemTime::now()),
                        _ => None,
                    };
                    (api_error(&answer, &self.secrets), retryable, delay)
                }
                Err(failure) => {
                    // A server silent that long is not expected to answer
                    // the next try: one more, not `max_retries` more.
                    timeouts += u32::from(failure.timed_out);
                    let retryable =
                        failure.retryable && (idempotent || !failure.committed) && timeouts < 2;
                    (failure.into_error(), retryable, None)
                }
            };
            if !retryable || retry >= self.max_retries {
                return Err(with_attempts(error, retry + 1));
            }
            let delay = server_delay.unwrap_or_else(|| self.backoff(retry));
            retry += 1;
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(ApiError::Cancelled),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// The connection pool, shared by clones.
    fn http(&self) -> Result<&reqwest::Client, Failure> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(self.user_agent.as_str())
                    .connect_timeout(CONNECT_TIMEOUT.min(self.request_timeout))
                    .timeout(self.request_timeout)
                    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                    .tcp_keepalive(Duration::from_secs(60))
                    .tcp_nodelay(true)
                    // A redirect of a signed request is never expected;
                    // following one could resend credentials elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .tls_danger_accept_invalid_certs(self.insecure)
                    .build()
                    .map_err(|e| format!("could not set up the HTTP client: {}", cause_chain(&e)))
            })
            .as_ref()
            .map_err(|m| Failure {
                message: m.clone(),
                committed: false,
                retryable: false,
                timed_out: false,
            })
    }

    /// One try: sign afresh (new date), send, read the body within its cap.
    async fn attempt(&self, req: &Prepared<'_>) -> Result<Answer, Failure> {
        let credentials = match &self.source {
            None => None,
            Some(s) => Some(s.credentials(req.project_id).await.map_err(|m| Failure {
                message: format!("could not obtain credentials: {m}"),
                committed: false,
                retryable: false,
                timed_out: false,
            })?),
        };
        let headers = self.headers(req, credentials.as_ref().unwrap_or(&self.credentials))?;
        let mut builder = self
            .http()?
            .request(req.method.clone(), req.url.clone())
            .headers(headers);
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| transport_failure(&e, &req.host, self.request_timeout))?;
        let status = response.status();
        let headers = response.headers().clone();
        let (body, truncated) = if status.is_success() {
            read_capped(&mut response, MAX_BODY_BYTES, true)
                .await
                .map_err(|e| body_failure(&e, &req.host, self.request_timeout))?
        } else {
            // The status is what matters; a broken error body still yields
            // an error with that status.
            read_capped(&mut response, MAX_ERROR_BODY_BYTES, false)
                .await
                .unwrap_or_default()
        };
        Ok(Answer {
            status,
            headers,
            body,
            truncated,
        })
    }

    /// The headers of one attempt; with AK/SK, exactly the signed ones are
    /// sent with exactly the signed values.
    fn headers(&self, req: &Prepared<'_>, credentials: &Credentials) -> Result<HeaderMap, Failure> {
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

    fn backoff(&self, retry: u32) -> Duration {
        backoff_delay(self.backoff_base, self.backoff_cap, retry, &mut rand::rng())
    }

    fn decode<T: DeserializeOwned>(&self, answer: Answer) -> Result<T, ApiError> {
        decode_json(&answer, &self.secrets).map_err(|e| self.scrub(e))
    }

    /// Removes credentials from every message, whatever the server echoed.
    fn scrub(&self, err: ApiError) -> ApiError {
        let mut secrets = self.secrets.clone();
        if let Some(s) = &self.source {
            secrets.extend(s.secrets());
        }
        let clean = |s: String| redact(&s, &secrets);
        match err {
            ApiError::Api {
                status,
                code,
                message,
                request_id,
            } => ApiError::Api {
                status,
                code: clean(code),
                message: clean(message),
                request_id: request_id.map(clean),
            },
            ApiError::Transport {
                message,
                maybe_committed,
            } => ApiError::Transport {
                message: clean(message),
                maybe_committed,
            },
            ApiError::Decode { status, message } => ApiError::Decode {
                status,
                message: clean(message),
            },
            ApiError::Cancelled => ApiError::Cancelled,
        }
    }
}

/// An error found before anything was sent.
fn invalid(message: String) -> ApiError {
    ApiError::Transport {
        message: format!("invalid request: {message}"),
        maybe_committed: false,
    }
}

fn encode_body(body: &ChannelRequest) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(body).map_err(|e| invalid(format!("could not encode the body: {e}")))
}

/// One path segment, encoded so that the URL parser leaves it alone (and
/// so that the signer's canonical URI of the sent path is the same).
fn path_segment(what: &str, value: &str) -> Result<String, String> {
    // An empty or dot segment would address another resource (`..` is
    // resolved by the URL parser, `` lists instead of showing).
    if value.is_empty() || value == "." || value == ".." {
        return Err(format!("the {what} {value:?} cannot be used in a URL"));
    }
    Ok(signer::encode(value))
}

/// The URL to send (its query is exactly the canonical query) and the
/// `Host` header value to send and sign.
fn build_url(
    t: &Target,
    segments: &[&str],
    query: &[(String, String)],
) -> Result<(Url, String), String> {
    let base = t.base_url.trim().trim_end_matches('/');
    if base.is_empty() {
        return Err("the APIG endpoint URL is empty".into());
    }
    let mut path = format!(
        "/v2/{}/apigw/instances/{}/vpc-channels",
        path_segment("project ID", &t.project_id)?,
        path_segment("instance ID", &t.instance_id)?
    );
    for segment in segments {
        path.push('/');
        path.push_str(&path_segment("channel ID", segment)?);
    }
    let canonical = signer::canonical_query(query);
    let mut text = format!("{base}{path}");
    if !canonical.is_empty() {
        text.push('?');
        text.push_str(&canonical);
    }
    let url = Url::parse(&text)
        .map_err(|e| format!("invalid APIG endpoint URL {:?}: {e}", redact_url(base)))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed: it holds a password.
        return Err("the APIG endpoint URL must not contain user information".into());
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "invalid APIG endpoint URL {:?}: the scheme must be http or https",
            redact_url(base)
        ));
    }
    // A base with its own query or fragment would change what is sent.
    if url.fragment().is_some()
        || url.query().unwrap_or_default() != canonical
        || !url.path().ends_with(&path)
    {
        return Err(format!(
            "invalid APIG endpoint URL {:?}: it must not have a query or fragment",
            redact_url(base)
        ));
    }
    let Some(host) = url.host_str() else {
        return Err(format!(
            "invalid APIG endpoint URL {:?}: no host",
            redact_url(base)
        ));
    };
    // `Url::port` is `None` for the scheme's default port, which clients
    // leave out of `Host`; the signature must cover the value actually sent.
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Ok((url, host))
}

fn insert_header(
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

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Reads at most `cap` bytes; the flag tells whether the body was longer.
/// With `reject_early`, a declared length beyond the cap is not read at all.
async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
    reject_early: bool,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    if reject_early && response.content_length().is_some_and(|n| n > cap as u64) {
        return Ok((Vec::new(), true));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The causes of a reqwest error, without its URL (which says nothing the
/// caller does not know) and without layers that repeat their cause.
fn cause_chain(err: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = err.source();
    while let Some(e) = current {
        let text = e.to_string();
        // hyper-util's "client error (Connect)" only names its cause's kind.
        let wrapper = text.starts_with("client error (") && e.source().is_some();
        if !text.is_empty() && !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = next_cause(e);
    }
    if parts.is_empty() {
        return err.to_string();
    }
    parts.join(": ")
}

/// The error after `e` in its chain. An `io::Error` wrapping another error
/// reports that error's source as its own, skipping the wrapped error
/// itself (where rustls puts its errors): step into it instead.
fn next_cause<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    match e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => Some(inner),
        None => e.source(),
    }
}

/// Whether any error in the chain satisfies `found`.
fn chain_any<'a>(
    err: &'a (dyn StdError + 'static),
    mut found: impl FnMut(&'a (dyn StdError + 'static)) -> bool,
) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if found(e) {
            return true;
        }
        current = next_cause(e);
    }
    false
}

fn tls_error(err: &reqwest::Error) -> Option<rustls::Error> {
    let mut tls = None;
    chain_any(err, |e| {
        tls = e.downcast_ref::<rustls::Error>().cloned();
        tls.is_some()
    });
    tls
}

fn is_incomplete_message(err: &reqwest::Error) -> bool {
    chain_any(err, |e| {
        e.downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_incomplete_message())
    })
}

/// Classifies a failure of `send` (nothing usable came back).
fn transport_failure(err: &reqwest::Error, host: &str, timeout: Duration) -> Failure {
    if err.is_builder() {
        return Failure {
            message: format!("invalid request: {}", cause_chain(err)),
            committed: false,
            retryable: false,
            timed_out: false,
        };
    }
    // Certificate and protocol errors do not go away by trying again.
    if let Some(tls) = tls_error(err) {
        return Failure {
            message: format!("TLS handshake with {host} failed: {tls}{}", tls_hint(err)),
            committed: false,
            retryable: false,
            timed_out: false,
        };
    }
    if err.is_connect() {
        return Failure {
            message: format!("could not connect to {host}: {}", cause_chain(err)),
            committed: false,
            retryable: true,
            timed_out: false,
        };
    }
    let message = if err.is_timeout() {
        format!("no response from {host} {}", timeout_message(timeout))
    } else if is_incomplete_message(err) {
        format!("connection closed before a response: {}", cause_chain(err))
    } else {
        format!("request to {host} failed: {}", cause_chain(err))
    };
    Failure {
        message,
        committed: true,
        retryable: true,
        timed_out: err.is_timeout(),
    }
}

/// Names the setting, so that a slow API can be given more time.
pub fn timeout_message(timeout: Duration) -> String {
    format!(
        "within {} (`request_timeout`, HW_REQUEST_TIMEOUT)",
        format_duration(timeout)
    )
}

/// A hint for a TLS failure with a likely cause beyond the error's text.
pub fn tls_hint(err: &reqwest::Error) -> &'static str {
    match tls_error(err) {
        Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented) => {
            " (the server certificate is not trusted; the insecure option skips verification)"
        }
        // What a plain HTTP answer to the TLS hello looks like.
        Some(rustls::Error::InvalidMessage(_)) => {
            " (the server did not answer in TLS: if it speaks plain HTTP, use an `http://` endpoint)"
        }
        _ => "",
    }
}

/// A failure while reading a success body: the request was processed.
fn body_failure(err: &reqwest::Error, host: &str, timeout: Duration) -> Failure {
    let message = if err.is_timeout() {
        format!(
            "no complete response from {host} {}",
            timeout_message(timeout)
        )
    } else {
        format!(
            "connection lost while reading the response from {host}: {}",
            cause_chain(err)
        )
    };
    Failure {
        message,
        committed: true,
        retryable: true,
        timed_out: err.is_timeout(),
    }
}

/// Mentions the attempts in a transport error that survived retries.
fn with_attempts(err: ApiError, attempts: u32) -> ApiError {
    match err {
        ApiError::Transport {
            message,
            maybe_committed,
        } if attempts > 1 => ApiError::Transport {
            message: format!("{message} (after {attempts} attempts)"),
            maybe_committed,
        },
        other => other,
    }
}

/// `Retry-After` as delay-seconds or an HTTP date, capped; `None` when
/// absent or unreadable (then the usual backoff applies).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let delay = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let when =
            time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822)
                .ok()?;
        let ahead = when - time::OffsetDateTime::from(now);
        Duration::try_from(ahead).unwrap_or(Duration::ZERO)
    };
    Some(delay.min(RETRY_AFTER_CAP))
}

/// Full jitter: uniform in `[0, min(cap, base * 2^retry)]`.
fn backoff_delay(base: Duration, cap: Duration, retry: u32, rng: &mut impl Rng) -> Duration {
    let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
    let ceiling = base.saturating_mul(factor).min(cap);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rng.random_range(0..=nanos))
}

/// The error for a non-2xx answer.
fn api_error(answer: &Answer, secrets: &[String]) -> ApiError {
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
fn parse_error_body(body: &[u8], secrets: &[String]) -> Option<(String, String, Option<String>)> {
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
fn snippet(body: &[u8], max_chars: usize, secrets: &[String]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with('<') {
        shorten(&strip_markup(&text), max_chars, secrets)
    } else {
        shorten(&text, max_chars, secrets)
    }
}

fn strip_markup(text: &str) -> String {
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
fn clean_text(text: &str, max_chars: usize) -> String {
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

/// [`clean_text`] of a redacted text: redacting after the cut would miss a
/// secret whose end was cut off.
fn shorten(text: &str, max_chars: usize, secrets: &[String]) -> String {
    redact(&clean_text(&redact(text, secrets), max_chars), secrets)
}

/// Removes credentials from a message: the known secret values, the value
/// of credential headers (the 401 APIGW.0301 message embeds the server's
/// canonical request, signed headers included), the signature of an
/// echoed `Authorization` header, and a trailing piece of a secret that
/// was cut off (by this client or by the server).
fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        // Very short values would garble unrelated text; they are not
        // real credentials anyway.
        if secret.len() >= 4 && out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    for name in ["x-security-token:", "x-auth-token:", "signature="] {
        out = redact_header_value(&out, name);
    }
    drop_secret_tail(out, secrets)
}

/// Shortest cut-off piece of a secret that is still hidden.
const MIN_SECRET_FRAGMENT: usize = 8;

/// Replaces the end of `text` (before a closing ellipsis) when it is the
/// start of a secret, at least [`MIN_SECRET_FRAGMENT`] bytes long.
fn drop_secret_tail(text: String, secrets: &[String]) -> String {
    let (body, ellipsis) = match text.strip_suffix('…') {
        Some(body) => (body, "…"),
        None => (text.as_str(), ""),
    };
    for secret in secrets {
        let longest = secret.len().min(body.len());
        for len in (MIN_SECRET_FRAGMENT..=longest).rev() {
            if secret.is_char_boundary(len) && body.ends_with(&secret[..len]) {
                let kept = &body[..body.len() - len];
                return format!("{kept}{REDACTED}{ellipsis}");
            }
        }
    }
    text
}

fn redact_header_value(text: &str, name: &str) -> String {
    // ASCII lower-casing keeps byte offsets, so indexes carry over.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find(name) {
        let mut start = pos + found + name.len();
        start += text[start..].len() - text[start..].trim_start_matches(' ').len();
        out.push_str(&text[pos..start]);
        let rest = &text[start..];
        let len = rest
            .find(['|', '\n', '\r', '"', ' ', ','])
            .unwrap_or(rest.len());
        if len > 0 && &rest[..len] != REDACTED {
            out.push_str(REDACTED);
        } else {
            out.push_str(&rest[..len]);
        }
        pos = start + len;
    }
    out.push_str(&text[pos..]);
    out
}

/// Parses a 2xx body; anything unexpected is a [`ApiError::Decode`].
fn decode_json<T: DeserializeOwned>(answer: &Answer, secrets: &[String]) -> Result<T, ApiError> {
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

/// A URL without user information, for logs.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority
                .rsplit_once('@')
                .map(|(_, h)| h)
                .unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url
            .rsplit_once('@')
            .map(|(_, h)| h.to_string())
            .unwrap_or_else(|| url.to_string()),
    }
}

#[cfg(test)]
mod redact_tests;

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_shown_without_user_information() {
        use super::redact_url;
        assert_eq!(
            redact_url("http://user:pw@host:8080/x"),
            "http://host:8080/x"
        );
        assert_eq!(redact_url("https://h"), "https://h");
        assert_eq!(redact_url("u:p@h"), "h");
    }

    use super::*;
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    use tokio::io::{
        AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
    };
    use tokio::net::TcpListener;

    /// A request as the test server received it.
    #[derive(Clone, Debug)]
    struct Recorded {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Recorded {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
        fn path(&self) -> &str {
            self.target.split('?').next().unwrap_or_default()
        }
        fn query(&self) -> &str {
            self.target
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or_default()
        }
    }

    /// What the server does with one request.
    #[derive(Clone)]
    enum Reply {
        Http(u16, Vec<(&'static str, String)>, String),
        /// Close the connection without answering.
        Close,
        /// Never answer.
        Hang,
        /// Write these bytes, then close.
        Raw(Vec<u8>),
    }

    fn json(status: u16, body: &str) -> Reply {
        Reply::Http(
            status,
            vec![("Content-Type", "application/json".into())],
            body.into(),
        )
    }

    #[derive(Default)]
    struct State {
        requests: Mutex<Vec<Recorded>>,
        /// Replies in order; the last one repeats.
        script: Mutex<VecDeque<Reply>>,
        connections: AtomicUsize,
    }

    impl State {
        fn next_reply(&self) -> Reply {
            let mut script = self.script.lock().unwrap();
            if script.len() > 1 {
                script.pop_front().unwrap()
            } else {
                script.front().cloned().unwrap_or(Reply::Close)
            }
        }
    }

    struct Server {
        port: u16,
        state: Arc<State>,
    }

    impl Server {
        fn base(&self) -> String {
            format!("http://127.0.0.1:{}", self.port)
        }
        fn target(&self) -> Target {
            Target {
                base_url: self.base(),
                project_id: "proj1".into(),
                instance_id: "inst1".into(),
            }
        }
        fn requests(&self) -> Vec<Recorded> {
            self.state.requests.lock().unwrap().clone()
        }
        fn count(&self) -> usize {
            self.state.requests.lock().unwrap().len()
        }
    }

    async fn server(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        *state.script.lock().unwrap() = replies.into();
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Server { port, state }
    }

    /// HTTP/1.1 with keep-alive, just enough for reqwest.
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S, state: Arc<State>) {
        let mut stream = BufReader::new(stream);
        loop {
            let mut line = String::new();
            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_string();
            let target = parts.next().unwrap_or_default().to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if stream.read_line(&mut h).await.unwrap_or(0) == 0 {
                    return;
                }
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (n, v) = h.split_once(':').unwrap();
                headers.push((n.to_string(), v.trim().to_string()));
            }
            let len = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse::<usize>().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; len];
            stream.read_exact(&mut body).await.unwrap();
            state.requests.lock().unwrap().push(Recorded {
                method,
                target,
                headers,
                body,
            });
            match state.next_reply() {
                Reply::Http(status, extra, body) => {
                    let mut out = format!(
                        "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\n",
                        body.len()
                    );
                    for (n, v) in extra {
                        out.push_str(&format!("{n}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    out.push_str(&body);
                    if stream.write_all(out.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                }
                Reply::Close => return,
                Reply::Hang => std::future::pending::<()>().await,
                Reply::Raw(bytes) => {
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.flush().await;
                    return;
                }
            }
        }
    }

    const CHANNEL: &str = r#"{"id":"ch1","name":"VPC_demo","port":22,"balance_strategy":1,
        "member_type":"ip","type":2,"status":1,"brand_new_field":{"x":[1,2]}}"#;

    fn token() -> Credentials {
        Credentials::Token("tok-SECRET-123456".into())
    }

    fn aksk() -> Credentials {
        Credentials::AkSk {
            ak: "AKIDEXAMPLE123".into(),
            sk: "sk-SECRET-abcdef".into(),
            security_token: Some("sts-SECRET-token".into()),
        }
    }

    /// Fast backoff so that retry tests take milliseconds.
    fn options(credentials: Credentials) -> ClientOptions {
        let mut o = ClientOptions::new(credentials, "clienttest/1.0");
        o.backoff_base = Duration::from_millis(1);
        o.backoff_cap = Duration::from_millis(5);
        o.request_timeout = Duration::from_secs(10);
        o.user_agent = "clienttest/1.0".into();
        o
    }

    fn client(o: ClientOptions) -> Client {
        Client::new(o, CancellationToken::new()).unwrap()
    }

    fn request() -> ChannelRequest {
        ChannelRequest {
            name: "VPC_demo".into(),
            port: 22,
            balance_strategy: 1,
            member_type: "ip".into(),
            channel_type: Some(2),
            ..Default::default()
        }
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Recomputes the signature from what the server received.
    fn assert_signature_verifies(r: &Recorded, query: &[(String, String)]) {
        let auth = r.header("authorization").expect("Authorization sent");
        let parsed = signer::parse_authorization(auth).expect("well-formed Authorization");
        assert_eq!(parsed.access, "AKIDEXAMPLE123");
        let headers: Vec<(String, String)> = parsed
            .signed_headers
            .iter()
            .map(|name| {
                let value = r.header(name).unwrap_or_else(|| panic!("{name} not sent"));
                (name.clone(), value.to_string())
            })
            .collect();
        let input = signer::SigningInput {
            method: &r.method,
            path: r.path(),
            query,
            headers: &headers,
            body: &r.body,
        };
        let signed = signer::sign("AKIDEXAMPLE123", "sk-SECRET-abcdef", &input);
        assert_eq!(signed.authorization, auth);
        assert!(signer::verify(
            "sk-SECRET-abcdef",
            &input,
            &parsed.signature
        ));
        let date = signer::parse_sdk_date(r.header("x-sdk-date").unwrap()).unwrap();
        assert!((date - unix_now()).abs() < 60, "X-Sdk-Date is now");
    }

    #[tokio::test]
    async fn token_mode_sends_token_and_signs_nothing() {
        let s = server(vec![json(200, CHANNEL)]).await;
        let c = client(options(token()));
        let ch = c.show_channel(&s.target(), "ch1").await.unwrap();
        assert_eq!(ch.id, "ch1");
        assert_eq!(ch.channel_type, 2);
        let r = &s.requests()[0];
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/v2/proj1/apigw/instances/inst1/vpc-channels/ch1");
        assert_eq!(r.header("x-auth-token"), Some("tok-SECRET-123456"));
        assert_eq!(r.header("x-project-id"), Some("proj1"));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.header("user-agent"), Some("clienttest/1.0"));
        assert_eq!(
            r.header("host"),
            Some(format!("127.0.0.1:{}", s.port).as_str())
        );
        for absent in [
            "authorization",
            "x-sdk-date",
            "x-security-token",
            "content-type",
        ] {
            assert_eq!(r.header(absent), None, "{absent}");
        }
    }

    #[tokio::test]
    async fn aksk_post_is_signed_and_verifiable() {
        let s = server(vec![json(201, CHANNEL)]).await;
        let c = client(options(aksk()));
        c.create_channel(&s.target(), &request()).await.unwrap();
        let r = &s.requests()[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, "/v2/proj1/apigw/instances/inst1/vpc-channels");
        assert_eq!(r.header("content-type"), Some(JSON_CONTENT_TYPE));
        assert_eq!(r.header("x-security-token"), Some("sts-SECRET-token"));
        assert_eq!(
            r.header("host"),
            Some(format!("127.0.0.1:{}", s.port).as_str())
        );
        assert_eq!(r.header("x-auth-token"), None);
        let sent: ChannelRequest = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(sent, request());
        let auth = r.header("authorization").unwrap();
        assert!(auth
            .contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,"));
        assert_signature_verifies(r, &[]);
    }

    #[tokio::test]
    async fn aksk_query_is_canonical_and_signed() {
        let s = server(vec![json(200, r#"{"total":0,"size":0,"vpc_channels":[]}"#)]).await;
        let c = client(options(Credentials::AkSk {
            ak: "AKIDEXAMPLE123".into(),
            sk: "sk-SECRET-abcdef".into(),
            security_token: None,
        }));
        let query = pairs(&[
            ("name", "a b+c/ü~"),
            ("limit", "10"),
            ("member_host", ""),
            ("id", "x&y=z"),
        ]);
        let list = c.list_channels(&s.target(), &query).await.unwrap();
        assert_eq!(list.total, 0);
        let r = &s.requests()[0];
        assert_eq!(r.path(), "/v2/proj1/apigw/instances/inst1/vpc-channels");
        assert_eq!(r.query(), signer::canonical_query(&query));
        assert_eq!(
            r.query(),
            "id=x%26y%3Dz&limit=10&member_host=&name=a%20b%2Bc%2F%C3%BC~"
        );
        assert_eq!(r.header("content-type"), None);
        assert_eq!(r.header("x-security-token"), None);
        assert!(r
            .header("authorization")
            .unwrap()
            .contains("SignedHeaders=host;x-project-id;x-sdk-date,"));
        assert_signature_verifies(r, &query);
    }

    #[tokio::test]
    async fn retries_503_then_succeeds_resigning_each_time() {
        let s = server(vec![
            json(503, r#"{"error_code":"APIG.9999","error_msg":"busy"}"#),
            json(503, "{}"),
            json(200, CHANNEL),
        ])
        .await;
        let c = client(options(aksk()));
        let ch = c.show_channel(&s.target(), "ch1").await.unwrap();
        assert_eq!(ch.name, "VPC_demo");
        let requests = s.requests();
        assert_eq!(requests.len(), 3);
        for r in &requests {
            assert_signature_verifies(r, &[]);
        }
    }

    #[tokio::test]
    async fn every_retryable_5xx_is_retried_for_get() {
        for status in [500, 502, 504] {
            let s = server(vec![json(status, "{}"), json(200, CHANNEL)]).await;
            let c = client(options(token()));
            c.show_channel(&s.target(), "ch1").await.unwrap();
            assert_eq!(s.count(), 2, "{status}");
        }
    }

    #[tokio::test]
    async fn gives_up_after_max_retries() {
        let s = server(vec![json(
            503,
            r#"{"error_code":"APIG.9999","error_msg":"x"}"#,
        )])
        .await;
        let mut o = options(token());
        o.max_retries = 3;
        let err = client(o)
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(err.code(), Some("APIG.9999"));
        assert_eq!(s.count(), 4);
    }

    #[tokio::test]
    async fn max_retries_zero_means_one_request() {
        let s = server(vec![json(503, "{}"), json(200, CHANNEL)]).await;
        let mut o = options(token());
        o.max_retries = 0;
        let err = client(o)
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(s.count(), 1);
    }

    #[tokio::test]
    async fn create_retries_429_honouring_retry_after() {
        let s = server(vec![
            Reply::Http(429, vec![("Retry-After", "1".into())], String::new()),
            json(201, CHANNEL),
        ])
        .await;
        let c = client(options(aksk()));
        let start = Instant::now();
        let ch = c.create_channel(&s.target(), &request()).await.unwrap();
        assert!(
            start.elapsed() >= Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(ch.id, "ch1");
        let requests = s.requests();
        assert_eq!(requests.len(), 2);
        // Signed again with a fresh date.
        let dates: Vec<i64> = requests
            .iter()
            .map(|r| {
                assert_signature_verifies(r, &[]);
                signer::parse_sdk_date(r.header("x-sdk-date").unwrap()).unwrap()
            })
            .collect();
        assert!(dates[1] > dates[0], "{dates:?}");
        assert_ne!(
            requests[0].header("authorization"),
            requests[1].header("authorization")
        );
    }

    #[tokio::test]
    async fn retry_after_zero_retries_at_once() {
        let s = server(vec![
            Reply::Http(429, vec![("Retry-After", "0".into())], String::new()),
            json(200, CHANNEL),
        ])
        .await;
        let mut o = options(token());
        // A backoff would take a minute: Retry-After must win.
        o.backoff_base = Duration::from_secs(60);
        o.backoff_cap = Duration::from_secs(60);
        let start = Instant::now();
        client(o).show_channel(&s.target(), "ch1").await.unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(s.count(), 2);
    }

    #[tokio::test]
    async fn unauthorized_is_never_retried_and_secrets_are_redacted() {
        // The signature failure message embeds the server's canonical
        // request, security token included.
        let msg = "Incorrect IAM authentication information: verify aksk signature fail, \
                   SignedHeaders: content-type;host;x-project-id;x-sdk-date;x-security-token, \
                   CanonicalRequest: GET|/v2/|x-project-id:proj1|x-security-token:sts-SECRET-token|\
                   x-sdk-date:20240101T000000Z|sk=sk-SECRET-abcdef";
        let body = serde_json::json!({
            "error_code": "APIGW.0301", "error_msg": msg, "request_id": "req-42"
        });
        let s = server(vec![json(401, &body.to_string()), json(200, CHANNEL)]).await;
        let c = client(options(aksk()));
        let err = c.show_channel(&s.target(), "ch1").await.unwrap_err();
        assert_eq!(s.count(), 1);
        assert_eq!(err.status(), Some(401));
        assert_eq!(err.code(), Some("APIGW.0301"));
        let text = err.to_string();
        assert!(
            text.starts_with("HTTP 401 APIGW.0301: Incorrect IAM"),
            "{text}"
        );
        assert!(text.ends_with("(request id req-42)"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("x-security-token:(sensitive)|"), "{text}");
        assert!(!format!("{err:?}").contains("SECRET"));
    }

    #[tokio::test]
    async fn client_errors_are_not_retried() {
        let body =
            r#"{"error_code":"APIG.3208","error_msg":"The VPC channel name already exists"}"#;
        for (status, code) in [
            (400, "APIG.3208"),
            (403, "APIG.3109"),
            (404, "APIG.3023"),
            (409, "APIG.3719"),
        ] {
            let s = server(vec![
                json(status, &body.replace("APIG.3208", code)),
                json(200, CHANNEL),
            ])
            .await;
            let c = client(options(token()));
            let err = c
                .update_channel(&s.target(), "ch1", &request())
                .await
                .unwrap_err();
            assert_eq!(s.count(), 1, "{status}");
            assert_eq!(err.status(), Some(status));
            assert_eq!(err.code(), Some(code));
            assert_eq!(err.is_not_found(), status == 404);
            assert_eq!(
                err.to_string(),
                format!("HTTP {status} {code}: The VPC channel name already exists")
            );
        }
    }

    #[tokio::test]
    async fn create_is_not_retried_after_a_server_error() {
        let s = server(vec![
            json(
                500,
                r#"{"error_code":"APIG.9999","error_msg":"System error"}"#,
            ),
            json(201, CHANNEL),
        ])
        .await;
        let err = client(options(aksk()))
            .create_channel(&s.target(), &request())
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1);
        assert!(matches!(err, ApiError::Api { status: 500, .. }), "{err:?}");
        assert!(err.may_have_been_applied());
    }

    #[tokio::test]
    async fn create_is_not_retried_when_the_connection_closes() {
        let s = server(vec![Reply::Close, json(201, CHANNEL)]).await;
        let err = client(options(token()))
            .create_channel(&s.target(), &request())
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1);
        match &err {
            ApiError::Transport {
                maybe_committed: true,
                message,
            } => assert!(
                message.starts_with("connection closed before a response"),
                "{message}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(err.may_have_been_applied());
        assert_eq!(err.status(), None);
    }

    #[tokio::test]
    async fn get_is_retried_when_the_connection_closes() {
        let s = server(vec![Reply::Close, Reply::Close, json(200, CHANNEL)]).await;
        client(options(token()))
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap();
        assert_eq!(s.count(), 3);

        let s = server(vec![Reply::Close]).await;
        let mut o = options(token());
        o.max_retries = 2;
        let err = client(o)
            .delete_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(s.count(), 3);
        let text = err.to_string();
        assert!(text.ends_with("(after 3 attempts)"), "{text}");
        assert!(matches!(
            err,
            ApiError::Transport {
                maybe_committed: true,
                ..
            }
        ));
    }

    #[tokio::test]
    async fn connect_failure_is_not_committed_even_for_create() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let t = Target {
            base_url: format!("http://127.0.0.1:{port}"),
            project_id: "p".into(),
            instance_id: "i".into(),
        };
        let mut o = options(token());
        o.max_retries = 2;
        let err = client(o).create_channel(&t, &request()).await.unwrap_err();
        match &err {
            ApiError::Transport {
                maybe_committed: false,
                message,
            } => {
                assert!(
                    message.starts_with("could not connect to 127.0.0.1:"),
                    "{message}"
                );
                assert!(message.ends_with("(after 3 attempts)"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!err.may_have_been_applied());
    }

    #[tokio::test]
    async fn request_timeout_is_a_committed_transport_error() {
        let s = server(vec![Reply::Hang]).await;
        let mut o = options(token());
        o.request_timeout = Duration::from_millis(300);
        o.max_retries = 5;
        let err = client(o.clone())
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(s.count(), 2, "a timed-out GET is retried once, not 5 times");
        let text = err.to_string();
        assert!(
            text.contains("within 300 ms (`request_timeout`, HW_REQUEST_TIMEOUT)"),
            "{text}"
        );
        assert!(matches!(
            err,
            ApiError::Transport {
                maybe_committed: true,
                ..
            }
        ));

        let s = server(vec![Reply::Hang]).await;
        let err = client(o)
            .create_channel(&s.target(), &request())
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1, "POST not retried");
        assert!(matches!(
            err,
            ApiError::Transport {
                maybe_committed: true,
                ..
            }
        ));
    }

    #[tokio::test]
    async fn cancellation_during_backoff_is_prompt() {
        let s = server(vec![json(503, "{}")]).await;
        let mut o = options(token());
        o.backoff_base = Duration::from_secs(20);
        o.backoff_cap = Duration::from_secs(20);
        let cancel = CancellationToken::new();
        let c = Client::new(o, cancel.clone()).unwrap();
        let start = Instant::now();
        let canceller = {
            let cancel = cancel.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                cancel.cancel();
            })
        };
        let err = c.show_channel(&s.target(), "ch1").await.unwrap_err();
        canceller.await.unwrap();
        assert_eq!(err, ApiError::Cancelled);
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        assert!(s.count() >= 1);
        // Once cancelled, nothing more is sent.
        let before = s.count();
        let err = c.show_channel(&s.target(), "ch1").await.unwrap_err();
        assert_eq!(err, ApiError::Cancelled);
        assert_eq!(s.count(), before);
    }

    #[tokio::test]
    async fn cancellation_while_waiting_for_an_answer() {
        let s = server(vec![Reply::Hang]).await;
        let cancel = CancellationToken::new();
        let c = Client::new(options(token()), cancel.clone()).unwrap();
        let start = Instant::now();
        let task = tokio::spawn({
            let t = s.target();
            async move { c.create_channel(&t, &request()).await }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
        let err = task.await.unwrap().unwrap_err();
        assert_eq!(err, ApiError::Cancelled);
        assert!(start.elapsed() < Duration::from_secs(3));
        assert!(err.may_have_been_applied());
    }

    #[tokio::test]
    async fn html_error_page_gives_a_readable_api_error() {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                    </body>\r\n</html>\r\n";
        let s = server(vec![Reply::Http(
            502,
            vec![
                ("Content-Type", "text/html".into()),
                ("X-Request-Id", "rid-7".into()),
            ],
            page.into(),
        )])
        .await;
        let err = client(options(token()))
            .create_channel(&s.target(), &request())
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1);
        assert_eq!(
            err,
            ApiError::Api {
                status: 502,
                code: String::new(),
                message: "502 Bad Gateway 502 Bad Gateway nginx".into(),
                request_id: Some("rid-7".into()),
            }
        );
        assert_eq!(err.code(), None);
        assert_eq!(
            err.to_string(),
            "HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx (request id rid-7)"
        );
    }

    #[tokio::test]
    async fn odd_error_bodies() {
        let long = "x".repeat(5000);
        let cases: Vec<(Reply, &str, String)> = vec![
            (json(403, ""), "", "Forbidden".into()),
            (
                json(403, r#"{"error":{"code":"IAM.0001","message":"no"}}"#),
                "IAM.0001",
                "no".into(),
            ),
            (
                json(403, r#"{"code":"X.1","message":"m"}"#),
                "X.1",
                "m".into(),
            ),
            (
                json(403, r#"{"error_code":12,"error_msg":"num"}"#),
                "12",
                "num".into(),
            ),
            (json(403, r#"["a"]"#), "", r#"["a"]"#.into()),
            (
                json(403, "plain\ntext\u{1}error"),
                "",
                "plain text error".into(),
            ),
            (
                json(403, &long),
                "",
                format!("{}…", "x".repeat(SNIPPET_CHARS)),
            ),
            (
                Reply::Http(
                    302,
                    vec![("Location", "https://elsewhere/".into())],
                    String::new(),
                ),
                "",
                "unexpected redirect to \"https://elsewhere/\"".into(),
            ),
        ];
        for (reply, code, message) in cases {
            let s = server(vec![reply, json(200, CHANNEL)]).await;
            let err = client(options(token()))
                .show_channel(&s.target(), "ch1")
                .await
                .unwrap_err();
            assert_eq!(s.count(), 1);
            match err {
                ApiError::Api {
                    code: c,
                    message: m,
                    ..
                } => {
                    assert_eq!(c, code);
                    assert_eq!(m, message);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn bad_success_bodies_are_decode_errors() {
        let cases = [
            (r#"{"id":"ch1","name":"#, "ends early"),
            ("hello", "not valid JSON"),
            ("<html>oops</html>", "it starts with: oops"),
            (
                r#"{"id":"ch1","port":"twenty-two"}"#,
                "unexpected JSON content",
            ),
            ("[1,2]", "unexpected JSON content"),
            ("null", "unexpected JSON content"),
            ("", "empty"),
        ];
        for (body, want) in cases {
            let s = server(vec![json(200, body)]).await;
            let err = client(options(token()))
                .show_channel(&s.target(), "ch1")
                .await
                .unwrap_err();
            assert_eq!(s.count(), 1, "{body}: a decode error is not retried");
            match &err {
                ApiError::Decode {
                    status: 200,
                    message,
                } => {
                    assert!(message.contains(want), "{body}: {message}")
                }
                other => panic!("{body}: {other:?}"),
            }
            assert!(err
                .to_string()
                .starts_with("could not read the HTTP 200 response: "));
        }
    }

    #[tokio::test]
    async fn created_but_unreadable_counts_as_maybe_applied() {
        let s = server(vec![json(201, "{\"id\":")]).await;
        let err = client(options(token()))
            .create_channel(&s.target(), &request())
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Decode { status: 201, .. }));
        assert!(err.may_have_been_applied());
    }

    #[tokio::test]
    async fn too_large_and_cut_bodies() {
        // Declared larger than the cap: refused without reading it.
        let huge = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{{\"id\":",
            MAX_BODY_BYTES + 1
        );
        let s = server(vec![Reply::Raw(huge.into_bytes())]).await;
        let err = client(options(token()))
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        match &err {
            ApiError::Decode {
                status: 200,
                message,
            } => assert!(message.contains("larger than 16 MiB")),
            other => panic!("{other:?}"),
        }

        // Chunked, no length: stopped at the cap.
        let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..17 {
            chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            chunked.extend_from_slice(&chunk);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let s = server(vec![Reply::Raw(chunked)]).await;
        let err = client(options(token()))
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ApiError::Decode { message, .. } if message.contains("larger than")),
            "{err:?}"
        );

        // Shorter than declared, then closed: a transport error, retried
        // for GET.
        let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":\"ch1\"".to_vec();
        let s = server(vec![Reply::Raw(cut)]).await;
        let mut o = options(token());
        o.max_retries = 1;
        let err = client(o)
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(s.count(), 2);
        match &err {
            ApiError::Transport {
                maybe_committed: true,
                message,
            } => {
                assert!(
                    message.starts_with("connection lost while reading the response"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn delete_accepts_any_2xx_and_reports_404() {
        for reply in [
            Reply::Http(204, vec![], String::new()),
            json(200, "{}"),
            json(202, "not json"),
        ] {
            let s = server(vec![reply]).await;
            client(options(token()))
                .delete_channel(&s.target(), "ch 1/x")
                .await
                .unwrap();
            let r = &s.requests()[0];
            assert_eq!(r.method, "DELETE");
            assert_eq!(
                r.target,
                "/v2/proj1/apigw/instances/inst1/vpc-channels/ch%201%2Fx"
            );
            assert_eq!(r.header("content-type"), None);
        }
        let s = server(vec![json(
            404,
            r#"{"error_code":"APIG.3023","error_msg":"The VPC channel does not exist,id:ch1"}"#,
        )])
        .await;
        let err = client(options(token()))
            .delete_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(s.count(), 1);
    }

    #[tokio::test]
    async fn find_by_name_uses_an_exact_search_and_compares_names() {
        let list = r#"{"total":2,"size":2,"vpc_channels":[
            {"id":"a","name":"demo_2","type":2},{"id":"b","name":"demo","type":2}]}"#;
        let s = server(vec![json(200, list)]).await;
        let c = client(options(aksk()));
        let found = c.find_channel_by_name(&s.target(), "demo").await.unwrap();
        assert_eq!(found.map(|ch| ch.id), Some("b".to_string()));
        let r = &s.requests()[0];
        let want = pairs(&[
            ("name", "demo"),
            ("precise_search", "name"),
            ("limit", "500"),
            ("offset", "0"),
        ]);
        assert_eq!(r.query(), signer::canonical_query(&want));
        assert_signature_verifies(r, &want);

        let s = server(vec![json(200, list)]).await;
        assert_eq!(
            c.find_channel_by_name(&s.target(), "dem").await.unwrap(),
            None
        );
        assert_eq!(s.count(), 1);

        // A gateway that ignores precise_search: later pages are read.
        let s = server(vec![
            json(200, r#"{"total":3,"size":2,"vpc_channels":[{"id":"a","name":"x1"},{"id":"b","name":"x2"}]}"#),
            json(200, r#"{"total":3,"size":1,"vpc_channels":[{"id":"c","name":"x"}]}"#),
        ])
        .await;
        let found = c.find_channel_by_name(&s.target(), "x").await.unwrap();
        assert_eq!(found.map(|ch| ch.id), Some("c".to_string()));
        assert!(s.requests()[1].query().contains("offset=2"));
    }

    #[tokio::test]
    async fn list_members_path_and_query() {
        let body = r#"{"total":1,"size":1,"members":[{"id":"m1","host":"10.0.0.1","weight":3,
            "port":80,"health_status":"healthy","vpc_channel_id":"ch1","extra":true}]}"#;
        let s = server(vec![json(200, body)]).await;
        let query = pairs(&[("limit", "500"), ("offset", "0")]);
        let members = client(options(token()))
            .list_members(&s.target(), "ch1", &query)
            .await
            .unwrap();
        assert_eq!(members.members[0].spec.weight, Some(3));
        assert_eq!(members.members[0].health_status.as_deref(), Some("healthy"));
        let r = &s.requests()[0];
        assert_eq!(
            r.target,
            "/v2/proj1/apigw/instances/inst1/vpc-channels/ch1/members?limit=500&offset=0"
        );
    }

    #[tokio::test]
    async fn unusable_ids_are_refused_before_sending() {
        let s = server(vec![json(200, CHANNEL)]).await;
        let c = client(options(token()));
        for id in ["", ".", ".."] {
            let err = c.show_channel(&s.target(), id).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    ApiError::Transport {
                        maybe_committed: false,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        let mut t = s.target();
        t.project_id = String::new();
        assert!(c.show_channel(&t, "ch1").await.is_err());
        let mut t = s.target();
        t.project_id = "bad\nproject".into();
        assert!(c.show_channel(&t, "ch1").await.is_err());
        let mut t = s.target();
        t.base_url = "ftp://x".into();
        assert!(c.show_channel(&t, "ch1").await.is_err());
        let mut t = s.target();
        t.base_url = "https://user:hunter2@x".into();
        let err = c.show_channel(&t, "ch1").await.unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        assert_eq!(s.count(), 0);
    }

    #[test]
    fn url_and_host_header() {
        let t = |base: &str| Target {
            base_url: base.into(),
            project_id: "p".into(),
            instance_id: "i".into(),
        };
        let q = pairs(&[("b", "2 3"), ("a", "1")]);
        let cases = [
            (
                "https://apig.cn-north-4.myhuaweicloud.com",
                "apig.cn-north-4.myhuaweicloud.com",
            ),
            ("https://APIG.example.com:443/", "apig.example.com"),
            ("https://apig.example.com:8443", "apig.example.com:8443"),
            ("http://127.0.0.1:80", "127.0.0.1"),
            ("http://127.0.0.1:8080", "127.0.0.1:8080"),
            ("http://[::1]:8080", "[::1]:8080"),
        ];
        for (base, host) in cases {
            let (url, h) = build_url(&t(base), &["c1"], &q).unwrap();
            assert_eq!(h, host, "{base}");
            assert_eq!(url.path(), "/v2/p/apigw/instances/i/vpc-channels/c1");
            assert_eq!(url.query(), Some("a=1&b=2%203"));
        }
        let (url, _) = build_url(&t("http://h/prefix/"), &[], &[]).unwrap();
        assert_eq!(
            url.as_str(),
            "http://h/prefix/v2/p/apigw/instances/i/vpc-channels"
        );
        for bad in [
            "",
            "h",
            "http://",
            "http://h?x=1",
            "http://h#f",
            "file:///x",
        ] {
            assert!(build_url(&t(bad), &[], &[]).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let text = format!("{:?}", aksk());
        assert_eq!(
            text,
            r#"AkSk { ak: "AKID…", sk: "(sensitive)", security_token: Some("(sensitive)") }"#
        );
        assert_eq!(format!("{:?}", token()), r#"Token("(sensitive)")"#);
        let short = Credentials::AkSk {
            ak: "AK".into(),
            sk: "s".into(),
            security_token: None,
        };
        assert_eq!(
            format!("{short:?}"),
            r#"AkSk { ak: "…", sk: "(sensitive)", security_token: None }"#
        );
        for secretive in [
            format!("{:?}", options(aksk())),
            format!("{:#?}", client(options(aksk()))),
        ] {
            assert!(!secretive.contains("SECRET"), "{secretive}");
            assert!(!secretive.contains("EXAMPLE"), "{secretive}");
        }
    }

    #[test]
    fn new_rejects_unusable_options() {
        let bad = [
            ClientOptions::new(Credentials::Token(String::new()), "t/1"),
            ClientOptions::new(
                Credentials::AkSk {
                    ak: "a".into(),
                    sk: String::new(),
                    security_token: None,
                },
                "t/1",
            ),
            ClientOptions {
                request_timeout: Duration::ZERO,
                ..ClientOptions::new(token(), "t/1")
            },
            ClientOptions {
                user_agent: "bad\nagent".into(),
                ..ClientOptions::new(token(), "t/1")
            },
        ];
        for o in bad {
            assert!(Client::new(o, CancellationToken::new()).is_err());
        }
        let o = ClientOptions::new(token(), "t/1");
        assert_eq!(o.max_retries, 5);
        assert!(!o.insecure);
        assert_eq!(o.request_timeout, Duration::from_secs(20));
        assert_eq!(o.backoff_base, Duration::from_millis(500));
        assert_eq!(o.backoff_cap, Duration::from_secs(30));
    }

    #[test]
    fn retry_after_values() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let get = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                reqwest::header::RETRY_AFTER,
                HeaderValue::from_str(v).unwrap(),
            );
            retry_after(&h, now)
        };
        assert_eq!(get("0"), Some(Duration::ZERO));
        assert_eq!(get(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(get("3600"), Some(RETRY_AFTER_CAP));
        assert_eq!(
            get("Sun, 06 Nov 1994 08:49:47 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(get("Sun, 06 Nov 1994 08:48:00 GMT"), Some(Duration::ZERO));
        assert_eq!(get("Mon, 07 Nov 1994 08:49:37 GMT"), Some(RETRY_AFTER_CAP));
        assert_eq!(get("-1"), None);
        assert_eq!(get("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_is_full_jitter_capped() {
        let mut rng = rand::rng();
        let base = Duration::from_millis(500);
        let cap = Duration::from_secs(30);
        for retry in 0..100 {
            let ceiling = (base * 2u32.saturating_pow(retry.min(20))).min(cap);
            for _ in 0..50 {
                assert!(backoff_delay(base, cap, retry, &mut rng) <= ceiling);
            }
        }
        // Jitter: not always the ceiling.
        let samples: Vec<_> = (0..50)
            .map(|_| backoff_delay(base, cap, 3, &mut rng))
            .collect();
        assert!(samples.iter().any(|d| *d < Duration::from_secs(4)));
        // Extremes neither overflow nor panic.
        let _ = backoff_delay(Duration::MAX, Duration::MAX, u32::MAX, &mut rng);
    }

    #[test]
    fn text_helpers() {
        assert_eq!(clean_text("  a\n\tb  c ", 100), "a b c");
        assert_eq!(clean_text("abcdef", 3), "abc…");
        assert_eq!(clean_text("ab cd", 4), "ab c…");
        assert_eq!(clean_text("", 3), "");
        assert_eq!(snippet(b"<p>a &amp; b</p>", 100, &[]), "a & b");
        assert_eq!(snippet(&[0xff, b'a'], 100, &[]), "\u{fffd}a");
        let secrets = vec!["topsecret".to_string(), "x".to_string()];
        assert_eq!(
            redact(
                "k=topsecret|X-Security-Token: abc|x-auth-token:def\"x",
                &secrets
            ),
            "k=(sensitive)|X-Security-Token: (sensitive)|x-auth-token:(sensitive)\"x"
        );
        assert_eq!(redact("x-auth-token:", &secrets), "x-auth-token:");
        assert_eq!(
            redact("ünïcode x-auth-token:é|", &[]),
            "ünïcode x-auth-token:(sensitive)|"
        );
    }

    #[test]
    fn api_error_accessors() {
        let api = ApiError::Api {
            status: 404,
            code: "APIG.3023".into(),
            message: "gone".into(),
            request_id: None,
        };
        assert_eq!(api.status(), Some(404));
        assert_eq!(api.code(), Some("APIG.3023"));
        assert!(api.is_not_found());
        assert!(!api.may_have_been_applied());
        let transport = ApiError::Transport {
            message: "x".into(),
            maybe_committed: false,
        };
        assert_eq!(transport.status(), None);
        assert_eq!(transport.code(), None);
        assert!(!transport.is_not_found());
        assert_eq!(ApiError::Cancelled.to_string(), "request cancelled");
        let decode = ApiError::Decode {
            status: 404,
            message: "m".into(),
        };
        assert_eq!(decode.status(), Some(404));
        assert!(!decode.is_not_found());
    }

    #[test]
    fn futures_and_client_are_send_and_sync() {
        fn send<T: Send>(_: &T) {}
        fn sync<T: Send + Sync>() {}
        sync::<Client>();
        sync::<ApiError>();
        let c = client(options(token()));
        let t = Target {
            base_url: "http://127.0.0.1:9".into(),
            project_id: "p".into(),
            instance_id: "i".into(),
        };
        let r = request();
        send(&c.create_channel(&t, &r));
        send(&c.update_channel(&t, "x", &r));
        send(&c.show_channel(&t, "x"));
        send(&c.delete_channel(&t, "x"));
        send(&c.list_channels(&t, &[]));
        send(&c.find_channel_by_name(&t, "x"));
        send(&c.list_members(&t, "x", &[]));
    }

    /// A TLS server with a self-signed certificate.
    async fn tls_server(replies: Vec<Reply>) -> Server {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let cert = certified.cert.der().clone();
        let key =
            rustls_pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        *state.script.lock().unwrap() = replies.into();
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                let shared = shared.clone();
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        serve(tls, shared).await;
                    }
                });
            }
        });
        Server { port, state }
    }

    #[tokio::test]
    async fn tls_verification_and_insecure() {
        let s = tls_server(vec![json(200, CHANNEL)]).await;
        let t = Target {
            base_url: format!("https://localhost:{}", s.port),
            ..s.target()
        };
        let mut o = options(aksk());
        o.max_retries = 3;
        let err = client(o.clone()).show_channel(&t, "ch1").await.unwrap_err();
        match &err {
            ApiError::Transport {
                maybe_committed: false,
                message,
            } => assert!(
                message.starts_with("TLS handshake with localhost:"),
                "{message}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(s.state.connections.load(Ordering::SeqCst), 1, "not retried");
        assert_eq!(s.count(), 0);

        o.insecure = true;
        let ch = client(o).show_channel(&t, "ch1").await.unwrap();
        assert_eq!(ch.id, "ch1");
        let r = &s.requests()[0];
        assert_eq!(
            r.header("host"),
            Some(format!("localhost:{}", s.port).as_str())
        );
        assert_signature_verifies(r, &[]);
    }

    #[tokio::test]
    async fn connections_are_reused() {
        let s = server(vec![json(200, CHANNEL)]).await;
        let c = client(options(token()));
        for _ in 0..5 {
            c.show_channel(&s.target(), "ch1").await.unwrap();
        }
        assert_eq!(s.count(), 5);
        assert_eq!(s.state.connections.load(Ordering::SeqCst), 1);
    }
}
