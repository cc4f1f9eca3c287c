//! The HTTP side: the shared connection pool (timeouts, TLS, no
//! redirects), one attempt of a request, capped body reads, and what a
//! failure without an answer means (committed? worth retrying?).

use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

use super::errors::ApiError;
use super::Client;

/// Largest response body read for a success; beyond it the answer is a
/// [`ApiError::Decode`].
pub const MAX_BODY_BYTES: usize = 16 << 20;
/// Error bodies are only needed for a message: read at most this much.
pub(super) const MAX_ERROR_BODY_BYTES: usize = 64 << 10;
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Shorter than the usual 60 s server-side keep-alive, so that a pooled
/// connection is rarely closed by the server while a request is sent on it
/// (which would make a create's outcome unknown).
pub(super) const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A response as received: status, headers, body (possibly cut at the cap).
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
    pub(super) truncated: bool,
}

/// A failed attempt without a usable answer.
pub(super) struct Failure {
    pub(super) message: String,
    /// The request may have reached the server.
    pub(super) committed: bool,
    /// Trying again may help (false for TLS and request-building errors).
    pub(super) retryable: bool,
    /// No answer within the request timeout.
    pub(super) timed_out: bool,
}

impl Failure {
    pub(super) fn into_error(self) -> ApiError {
        ApiError::Transport {
            message: self.message,
            maybe_committed: self.committed,
        }
    }
}

/// A request to send, with everything needed to sign it again.
pub(super) struct Prepared<'a> {
    pub(super) method: Method,
    pub(super) url: Url,
    /// `Host` header value: the URL's host, with the port when not default.
    pub(super) host: String,
    pub(super) project_id: &'a str,
    pub(super) query: &'a [(String, String)],
    pub(super) body: Option<Vec<u8>>,
}

impl Client {
    /// The connection pool, shared by clones.
    pub(super) fn http(&self) -> Result<&reqwest::Client, Failure> {
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
    pub(super) async fn attempt(&self, req: &Prepared<'_>) -> Result<Answer, Failure> {
        let credentials = match &self.source {
            None => None,
            Some(s) => Some(s.credentials(req.project_id).await.map_err(|m| Failure {
                message: format!("could not obtain credentials: {m}"),
                committed: false,
                retryable: false,
                timed_out: false,
            })?),
        };
        let turn = self.gate_enter().await?;
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
        let answer = Answer {
            status,
            headers,
            body,
            truncated,
        };
        self.gate_answered(turn, &answer);
        Ok(answer)
    }
}

/// Reads at most `cap` bytes; the flag tells whether the body was longer.
/// With `reject_early`, a declared length beyond the cap is not read at all.
pub(super) async fn read_capped(
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

pub(super) fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The causes of a reqwest error, without its URL (which says nothing the
/// caller does not know) and without layers that repeat their cause.
pub(super) fn cause_chain(err: &reqwest::Error) -> String {
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
pub(super) fn next_cause<'a>(
    e: &'a (dyn StdError + 'static),
) -> Option<&'a (dyn StdError + 'static)> {
    match e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => Some(inner),
        None => e.source(),
    }
}

/// Whether any error in the chain satisfies `found`.
pub(super) fn chain_any<'a>(
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

pub(super) fn tls_error(err: &reqwest::Error) -> Option<rustls::Error> {
    let mut tls = None;
    chain_any(err, |e| {
        tls = e.downcast_ref::<rustls::Error>().cloned();
        tls.is_some()
    });
    tls
}

pub(super) fn is_incomplete_message(err: &reqwest::Error) -> bool {
    chain_any(err, |e| {
        e.downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_incomplete_message())
    })
}

/// Classifies a failure of `send` (nothing usable came back).
pub(super) fn transport_failure(err: &reqwest::Error, host: &str, timeout: Duration) -> Failure {
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
pub(super) fn body_failure(err: &reqwest::Error, host: &str, timeout: Duration) -> Failure {
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

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;
