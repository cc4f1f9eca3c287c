//! HTTP client of the APIG v2 API: requests to a path under a gateway
//! ([`ApiPath`]), bodies of any serializable type. What each collection
//! means (channels, their codes) is in `apig::channels`.
//!
//! Token or AK/SK (`SDK-HMAC-SHA256`) authentication, retries with capped
//! exponential backoff and full jitter, cancellation of every wait, bounded
//! and lenient response handling. Knows nothing of Terraform.
//!
//! Files: `transport` (HTTP client, TLS, sending, failure classes), `retry`
//! (which failures are retried, backoff), `auth` (credentials and the
//! headers they put on a request), `url` (request URL and `Host`),
//! `errors` ([`ApiError`] and reading error bodies), `redact` (keeping
//! secrets out of every message), `reqlog` (the request log, shared with
//! IAM).

mod auth;
mod errors;
mod lockout;
mod redact;
pub mod reqlog;
mod retry;
mod shield;
mod transport;
mod url;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::source::CredentialSource;

pub use auth::Credentials;
pub use errors::ApiError;
pub use lockout::{AuthGate, Turn};
pub use redact::{redact_url, Secrets, MIN_SECRET_PIECE};
pub use retry::RETRY_AFTER_CAP;
pub use shield::{Shielded, RESOLVE_GRACE, SEND_GRACE};
pub use transport::{timeout_message, tls_hint, MAX_BODY_BYTES};

use errors::decode_json;
use transport::{Answer, Prepared};
pub use url::{ApiPath, Collection};

use url::build_url;

/// The API answers in milliseconds: this only ends waiting on a server
/// that accepted the connection and hangs.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

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
    /// The lockout rule of the credential set (see [`AuthGate`]).
    pub gate: Option<Arc<AuthGate>>,
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
            gate: None,
        }
    }
}

/// The gateway a request goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `https://apig.cn-north-4.myhuaweicloud.com` or `http://127.0.0.1:8080`.
    pub base_url: String,
    pub project_id: String,
    pub instance_id: String,
}

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
    secrets: Secrets,
    source: Option<Arc<dyn CredentialSource>>,
    gate: Option<Arc<AuthGate>>,
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
            secrets: Secrets::new(opts.credentials.secrets()),
            credentials: opts.credentials,
            max_retries: opts.max_retries,
            request_timeout: opts.request_timeout,
            backoff_base: opts.backoff_base,
            backoff_cap: opts.backoff_cap,
            cancel,
            source: opts.source,
            gate: opts.gate,
        })
    }

    /// `GET` of `at` with the given raw query pairs, its answer parsed.
    pub async fn get<T: DeserializeOwned>(
        &self,
        t: &Target,
        at: ApiPath<'_>,
        query: &[(String, String)],
    ) -> Result<T, ApiError> {
        let answer = self.execute(t, Method::GET, &at, query, None).await?;
        self.decode(answer)
    }

    /// `POST` of `body` to `at`. Not retried once it may have reached the
    /// server: see [`ApiError::may_have_been_applied`].
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        t: &Target,
        at: ApiPath<'_>,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send_body(t, Method::POST, at, body).await
    }

    /// `PUT` of `body` to `at`: a full overwrite.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        t: &Target,
        at: ApiPath<'_>,
        body: &B,
    ) -> Result<T, ApiError> {
        self.send_body(t, Method::PUT, at, body).await
    }

    /// A request that carries `body` as JSON, its answer decoded.
    async fn send_body<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        t: &Target,
        method: Method,
        at: ApiPath<'_>,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = encode_body(body)?;
        let answer = self.execute(t, method, &at, &[], Some(body)).await?;
        self.decode(answer)
    }

    /// `DELETE` of `at`; any 2xx is success, whatever its body. Retried
    /// like any idempotent call, so a retry after a lost answer may get a
    /// 404: only the API's own "no such ..." codes ([`ApiError::is_gone`])
    /// prove the object gone; a bare 404 (a proxy, a wrong endpoint) does
    /// not.
    pub async fn delete(&self, t: &Target, at: ApiPath<'_>) -> Result<(), ApiError> {
        self.execute(t, Method::DELETE, &at, &[], None).await?;
        Ok(())
    }

    /// Sends with retries; `Ok` only for a 2xx answer.
    async fn execute(
        &self,
        t: &Target,
        method: Method,
        at: &ApiPath<'_>,
        query: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ApiError> {
        let (url, host) = build_url(t, at, query).map_err(|m| self.scrub(invalid(m)))?;
        let req = Prepared {
            method,
            url,
            host,
            project_id: &t.project_id,
            query,
            body,
        };
        self.run(&req)
            .await
            .map_err(|e| self.scrub(self.name_refused(e)))
    }

    fn decode<T: DeserializeOwned>(&self, answer: Answer) -> Result<T, ApiError> {
        decode_json(&answer, &self.secrets()).map_err(|e| self.scrub(e))
    }
}

/// An error found before anything was sent.
fn invalid(message: String) -> ApiError {
    ApiError::Transport {
        message: format!("invalid request: {message}"),
        maybe_committed: false,
    }
}

fn encode_body<B: Serialize + ?Sized>(body: &B) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(body).map_err(|e| invalid(format!("could not encode the body: {e}")))
}

#[cfg(test)]
mod test_server;
#[cfg(test)]
mod tests;
