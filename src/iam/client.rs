//! HTTP calls to IAM: project lookup, password tokens, agency credentials.
//!
//! 429, 5xx and connection failures are retried with capped backoff (these
//! calls create nothing that a retry could duplicate); 401, 403 and other
//! client errors never are: repeated wrong passwords lock the user.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::models::{
    CredentialAnswer, Domain, ErrorBody, Project, ProjectList, Scope, TokenAnswer, User,
};
use super::wire::{headers, send_once, Answer, Outcome, Request, Target};
use crate::apig::client::{reqlog, AuthGate, Credentials, Secrets};

const BACKOFF_CAP: Duration = Duration::from_secs(10);

/// Settings of an [`IamClient`].
#[derive(Clone, Debug)]
pub struct IamOptions {
    /// `https://iam.cn-north-4.myhuaweicloud.com` (a trailing `/v3` is
    /// dropped: paths carry their own version).
    pub endpoint: String,
    /// The setting `endpoint` comes from (`auth_url`, ...), named when the
    /// endpoint cannot be reached.
    pub endpoint_setting: String,
    pub insecure: bool,
    pub request_timeout: Duration,
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub user_agent: String,
    /// The lockout rule of the credential set (see [`AuthGate`]).
    pub gate: Option<Arc<AuthGate>>,
}

impl IamOptions {
    /// The caller names itself in `user_agent`.
    pub fn new(endpoint: &str, user_agent: impl Into<String>) -> Self {
        IamOptions {
            endpoint: root_of(endpoint),
            endpoint_setting: String::new(),
            insecure: false,
            request_timeout: crate::apig::client::DEFAULT_REQUEST_TIMEOUT,
            max_retries: 5,
            backoff_base: Duration::from_millis(500),
            user_agent: user_agent.into(),
            gate: None,
        }
    }
}

/// `https://iam.x/v3/` -> `https://iam.x`.
pub fn root_of(endpoint: &str) -> String {
    let e = endpoint.trim().trim_end_matches('/');
    e.strip_suffix("/v3").unwrap_or(e).to_string()
}

/// Why an IAM call failed. Messages never hold a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IamError {
    /// 401: wrong password, key, signature or token. Never retried.
    Unauthorized(String),
    /// 403: the credentials may not make this call.
    Forbidden(String),
    Status {
        status: u16,
        message: String,
    },
    Transport(String),
    Decode(String),
    /// Not sent: these credentials were refused earlier in this process.
    NotSent(String),
    Cancelled,
}

impl fmt::Display for IamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IamError::Unauthorized(m) => write!(f, "IAM refused the credentials (HTTP 401): {m}"),
            IamError::Forbidden(m) => write!(f, "IAM denied permission (HTTP 403): {m}"),
            IamError::Status { status, message } => {
                write!(f, "IAM answered HTTP {status}: {message}")
            }
            IamError::Transport(m) => write!(f, "could not reach IAM: {m}"),
            IamError::Decode(m) => write!(f, "unreadable IAM answer: {m}"),
            IamError::NotSent(m) => f.write_str(m),
            IamError::Cancelled => f.write_str("cancelled before IAM answered"),
        }
    }
}

impl std::error::Error for IamError {}

/// A token and when it expires (Unix seconds).
#[derive(Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: i64,
    pub project_id: Option<String>,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("expires_at", &self.expires_at)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

/// Temporary keys of an agency and when they expire (Unix seconds).
#[derive(Clone)]
pub struct TemporaryKeys {
    pub credentials: Credentials,
    pub expires_at: i64,
}

impl fmt::Debug for TemporaryKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporaryKeys")
            .field("credentials", &self.credentials)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

pub struct IamClient {
    opts: IamOptions,
    http: OnceLock<Result<reqwest::Client, String>>,
    cancel: CancellationToken,
}

impl fmt::Debug for IamClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IamClient")
            .field(
                "endpoint",
                &crate::apig::client::redact_url(&self.opts.endpoint),
            )
            .finish_non_exhaustive()
    }
}

impl IamClient {
    pub fn new(opts: IamOptions, cancel: CancellationToken) -> Self {
        IamClient {
            opts,
            http: OnceLock::new(),
            cancel,
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.opts.endpoint
    }

    /// `GET /v3/projects?name=...`: every project of that exact name.
    pub async fn projects_by_name(
        &self,
        creds: &Credentials,
        name: &str,
    ) -> Result<Vec<Project>, IamError> {
        let query = vec![("name".to_string(), name.to_string())];
        let secrets = Secrets::new(creds.secrets());
        let a = self
            .send(
                Method::GET,
                "/v3/projects",
                &query,
                None,
                Some(creds),
                &secrets,
            )
            .await?;
        let list: ProjectList = decode(&a, &secrets)?;
        Ok(list
            .projects
            .into_iter()
            .filter(|p| p.name == name)
            .collect())
    }

    /// `POST /v3/auth/tokens?nocatalog=true` with a password.
    pub async fn password_token(
        &self,
        user: &User,
        password: &str,
        scope: &Scope,
    ) -> Result<IssuedToken, IamError> {
        let user = match user {
            User::Id(id) => json!({"id": id, "password": password}),
            User::Name { name, domain } => {
                json!({"name": name, "password": password, "domain": domain_json(domain)})
            }
        };
        let scope = match scope {
            Scope::ProjectId(id) => json!({"project": {"id": id}}),
            Scope::ProjectName(n) => json!({"project": {"name": n}}),
        };
        let body = json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": scope,
        }});
        let query = vec![("nocatalog".to_string(), "true".to_string())];
        let bytes = serde_json::to_vec(&body).map_err(|e| IamError::Decode(e.to_string()))?;
        let secrets = Secrets::new([password]);
        let a = self
            .send(
                Method::POST,
                "/v3/auth/tokens",
                &query,
                Some(bytes),
                None,
                &secrets,
            )
            .await?;
        let token = a
            .headers
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| IamError::Decode("no X-Subject-Token header in the answer".into()))?
            .to_string();
        let secrets = secrets.with([token.as_str()]);
        let answer: TokenAnswer = decode(&a, &secrets)?;
        Ok(IssuedToken {
            expires_at: parse_time(&answer.token.expires_at)?,
            project_id: answer.token.project.map(|p| p.id),
            token,
        })
    }

    /// `POST /v3.0/OS-CREDENTIAL/securitytokens`: temporary keys of an agency.
    pub async fn assume_role(
        &self,
        creds: &Credentials,
        agency_name: &str,
        domain: &Domain,
        duration_seconds: i64,
    ) -> Result<TemporaryKeys, IamError> {
        let mut assume = json!({"agency_name": agency_name, "duration_seconds": duration_seconds});
        match domain {
            Domain::Name(n) => assume["domain_name"] = json!(n),
            Domain::Id(i) => assume["domain_id"] = json!(i),
        }
        let body =
            json!({"auth": {"identity": {"methods": ["assume_role"], "assume_role": assume}}});
        let bytes = serde_json::to_vec(&body).map_err(|e| IamError::Decode(e.to_string()))?;
        let secrets = Secrets::new(creds.secrets());
        let a = self
            .send(
                Method::POST,
                "/v3.0/OS-CREDENTIAL/securitytokens",
                &[],
                Some(bytes),
                Some(creds),
                &secrets,
            )
            .await?;
        let c: CredentialAnswer = decode(&a, &secrets)?;
        let c = c.credential;
        if c.access.is_empty() || c.secret.is_empty() {
            return Err(IamError::Decode("the temporary keys are empty".into()));
        }
        Ok(TemporaryKeys {
            expires_at: parse_time(&c.expires_at)?,
            credentials: Credentials::AkSk {
                ak: c.access,
                sk: c.secret,
                security_token: Some(c.securitytoken).filter(|s| !s.is_empty()),
            },
        })
    }

    fn http(&self) -> Result<&reqwest::Client, IamError> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(self.opts.user_agent.as_str())
                    .connect_timeout(Duration::from_secs(10).min(self.opts.request_timeout))
                    .timeout(self.opts.request_timeout)
                    // Credentials are never resent to another host.
                    .redirect(reqwest::redirect::Policy::none())
                    .tls_danger_accept_invalid_certs(self.opts.insecure)
                    .build()
                    .map_err(|e| format!("could not set up the HTTP client: {e}"))
            })
            .as_ref()
            .map_err(|m| IamError::Transport(m.clone()))
    }

    /// Sends a request, retrying what may be retried; `secrets` are
    /// scrubbed from whatever is logged or returned.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<Vec<u8>>,
        creds: Option<&Credentials>,
        secrets: &Secrets,
    ) -> Result<Answer, IamError> {
        let target = Target::new(&self.opts, path, query)?;
        let request = Request {
            method: &method,
            target: &target,
            query,
            body: body.as_deref(),
            creds,
        };
        let mut retry = 0u32;
        let mut timeouts = 0u32;
        loop {
            let (outcome, started) = self.attempt(&request).await?;
            let seen = match &outcome {
                Ok(a) => reqlog::Seen::answer(a.status, &a.headers, &a.body),
                Err((e, _)) => reqlog::Seen::failure(e),
            };
            let log = |next: reqlog::Next| {
                let attempt = reqlog::Attempt {
                    service: "IAM",
                    method: &method,
                    url: &target.url,
                    body: body.as_deref(),
                    number: retry + 1,
                    started,
                };
                reqlog::log_attempt(&attempt, &seen, &next, &|t| secrets.scrub(t));
            };
            let (err, retryable) = match outcome {
                Ok(a) if (200..300).contains(&a.status) => {
                    log(reqlog::Next::Done);
                    return Ok(a);
                }
                Ok(a) => {
                    let retryable = matches!(a.status, 429 | 500 | 502 | 503 | 504);
                    (self.name_refused(status_error(&a, secrets)), retryable)
                }
                Err((e, timed_out)) => {
                    // Once silent, a server is not expected to answer the next try.
                    timeouts += u32::from(timed_out);
                    (IamError::Transport(target.failure(&e)), timeouts < 2)
                }
            };
            let delay = (self.opts.backoff_base * 2u32.saturating_pow(retry)).min(BACKOFF_CAP);
            let left = retry < self.opts.max_retries;
            log(reqlog::Next::after(&seen, retryable, left, delay));
            if !retryable || !left {
                return Err(scrub(err, secrets));
            }
            retry += 1;
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(IamError::Cancelled),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// One attempt, once the credentials' gate lets it go: its outcome and
    /// when it was sent. `Err` when cancelled or refused by the gate.
    async fn attempt(&self, r: &Request<'_>) -> Result<(Outcome, Instant), IamError> {
        let headers = headers(r)?;
        let mut req = self
            .http()?
            .request(r.method.clone(), r.target.url.clone())
            .headers(headers);
        if let Some(b) = r.body {
            req = req.body(b.to_vec());
        }
        let turn = match &self.opts.gate {
            None => None,
            Some(g) => tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(IamError::Cancelled),
                t = g.enter() => Some(t.map_err(IamError::NotSent)?),
            },
        };
        let started = Instant::now();
        let outcome = tokio::select! {
            biased;
            _ = self.cancel.cancelled() => return Err(IamError::Cancelled),
            r = send_once(req, self.opts.request_timeout) => r,
        };
        if let (Some(turn), Ok(a)) = (turn, &outcome) {
            turn.answered("IAM", a.status, &format!("HTTP {}", a.status));
        }
        Ok((outcome, started))
    }
}

impl IamClient {
    /// A 401 says which credentials were refused and that no more
    /// requests go out with them.
    fn name_refused(&self, e: IamError) -> IamError {
        match (e, &self.opts.gate) {
            (IamError::Unauthorized(m), Some(g)) => IamError::Unauthorized(format!(
                "{m} (refused: {}; nothing more is sent with these credentials in this run, so that repeated failures cannot lock the account)",
                g.what()
            )),
            (e, _) => e,
        }
    }
}

fn domain_json(d: &Domain) -> serde_json::Value {
    match d {
        Domain::Name(n) => json!({"name": n}),
        Domain::Id(i) => json!({"id": i}),
    }
}

/// The error of a non-2xx answer, scrubbed before it is shortened.
fn status_error(a: &Answer, secrets: &Secrets) -> IamError {
    let parsed: ErrorBody = serde_json::from_slice(&a.body).unwrap_or_default();
    let message = parsed
        .error
        .and_then(|e| e.message.or(e.title))
        .or_else(|| {
            parsed.error_msg.map(|m| {
                format!(
                    "{}{m}",
                    parsed
                        .error_code
                        .map(|c| format!("{c}: "))
                        .unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| {
            let t = secrets.shorten(&String::from_utf8_lossy(&a.body), 200);
            if t.trim().is_empty() {
                "(no message)".into()
            } else {
                t
            }
        });
    let message = secrets.shorten(&message, 2000);
    match a.status {
        401 => IamError::Unauthorized(message),
        403 => IamError::Forbidden(message),
        status => IamError::Status { status, message },
    }
}

fn decode<T: serde::de::DeserializeOwned>(a: &Answer, secrets: &Secrets) -> Result<T, IamError> {
    serde_json::from_slice(&a.body).map_err(|e| {
        IamError::Decode(secrets.shorten(
            &format!(
                "HTTP {} with a body that is not the expected JSON: {e}",
                a.status
            ),
            500,
        ))
    })
}

/// `2026-12-03T04:00:00.000000Z` -> Unix seconds.
pub fn parse_time(s: &str) -> Result<i64, IamError> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|_| IamError::Decode(format!("expires_at {s:?} is not an RFC 3339 time")))
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Removes secrets from a message, whatever the server echoed.
fn scrub(e: IamError, secrets: &Secrets) -> IamError {
    let clean = |m: String| secrets.scrub(&m);
    match e {
        IamError::Unauthorized(m) => IamError::Unauthorized(clean(m)),
        IamError::Forbidden(m) => IamError::Forbidden(clean(m)),
        IamError::Status { status, message } => IamError::Status {
            status,
            message: clean(message),
        },
        IamError::Transport(m) => IamError::Transport(clean(m)),
        IamError::Decode(m) => IamError::Decode(clean(m)),
        IamError::NotSent(m) => IamError::NotSent(clean(m)),
        IamError::Cancelled => IamError::Cancelled,
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
