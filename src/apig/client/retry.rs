//! Which failures are tried again, and how long to wait first.
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

use std::time::{Duration, Instant, SystemTime};

use rand::Rng;
use reqwest::header::HeaderMap;
use reqwest::Method;

use super::errors::{api_error, ApiError};
use super::reqlog::{self, Attempt, Next, Seen};
use super::transport::{Answer, Prepared};
use super::Client;

/// A server asking for a longer pause than this is waited on only this long.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

impl Client {
    pub(super) async fn run(&self, req: &Prepared<'_>) -> Result<Answer, ApiError> {
        let idempotent = req.method != Method::POST;
        let mut retry = 0u32;
        let mut timeouts = 0u32;
        loop {
            if self.cancel.is_cancelled() {
                return Err(ApiError::Cancelled);
            }
            let started = Instant::now();
            let outcome = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(ApiError::Cancelled),
                outcome = self.attempt(req) => outcome,
            };
            let mut seen = Seen::default();
            let (error, retryable, server_delay) = match outcome {
                Ok(answer) if answer.status.is_success() => {
                    if reqlog::enabled() {
                        let seen = seen_answer(&answer);
                        self.log_attempt(req, retry, started, &seen, &Next::Done);
                    }
                    return Ok(answer);
                }
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
                    if reqlog::enabled() {
                        seen = seen_answer(&answer);
                    }
                    (api_error(&answer, &self.secrets()), retryable, delay)
                }
                Err(failure) => {
                    // A server silent that long is not expected to answer
                    // the next try: one more, not `max_retries` more.
                    timeouts += u32::from(failure.timed_out);
                    let retryable =
                        failure.retryable && (idempotent || !failure.committed) && timeouts < 2;
                    if reqlog::enabled() {
                        seen = Seen::failure(&failure.message);
                    }
                    (failure.into_error(), retryable, None)
                }
            };
            if !retryable || retry >= self.max_retries {
                if reqlog::enabled() {
                    let why = why_given_up(&req.method, &seen, retryable, timeouts, retry);
                    self.log_attempt(req, retry, started, &seen, &Next::GiveUp { why });
                }
                return Err(with_attempts(error, retry + 1));
            }
            let delay = server_delay.unwrap_or_else(|| self.backoff(retry));
            if reqlog::enabled() {
                let why = why_retried(&seen, server_delay.is_some());
                self.log_attempt(req, retry, started, &seen, &Next::Retry { delay, why });
            }
            retry += 1;
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(ApiError::Cancelled),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// The request log's line for attempt `retry + 1`.
    fn log_attempt(
        &self,
        req: &Prepared<'_>,
        retry: u32,
        started: Instant,
        seen: &Seen,
        next: &Next,
    ) {
        let attempt = Attempt {
            service: "APIG",
            method: &req.method,
            url: &req.url,
            body: req.body.as_deref(),
            number: retry + 1,
            started,
        };
        let secrets = self.secrets();
        reqlog::log_attempt(&attempt, seen, next, &|t| secrets.scrub(t));
    }

    pub(super) fn backoff(&self, retry: u32) -> Duration {
        backoff_delay(self.backoff_base, self.backoff_cap, retry, &mut rand::rng())
    }
}

fn seen_answer(answer: &Answer) -> Seen {
    Seen::answer(answer.status.as_u16(), &answer.headers, &answer.body)
}

/// Why a failed attempt is tried again, for the request log.
fn why_retried(seen: &Seen, server_asked: bool) -> String {
    let what = match seen.status {
        Some(s) => format!("HTTP {s}"),
        None => "no answer".to_string(),
    };
    if server_asked {
        format!("{what}, waiting as its Retry-After asks")
    } else {
        what
    }
}

/// Why a failed attempt is returned to the caller, for the request log.
fn why_given_up(
    method: &Method,
    seen: &Seen,
    retryable: bool,
    timeouts: u32,
    retry: u32,
) -> String {
    if retryable {
        return format!("no retries left after {} attempts (max_retries)", retry + 1);
    }
    match seen.status {
        Some(s @ (500 | 502 | 503 | 504)) if *method == Method::POST => {
            format!("HTTP {s} to a POST is not retried: the channel may have been created")
        }
        Some(401) => "HTTP 401 is never retried (repeated failures lock the key)".to_string(),
        Some(s) => format!("HTTP {s} is not retried"),
        None if timeouts >= 2 => "a second timeout is not retried".to_string(),
        None if *method == Method::POST => {
            "a POST that may have reached the server is not retried".to_string()
        }
        None => "this failure is not retried".to_string(),
    }
}

/// Mentions the attempts in a transport error that survived retries.
pub(super) fn with_attempts(err: ApiError, attempts: u32) -> ApiError {
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
pub(super) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
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
pub(super) fn backoff_delay(
    base: Duration,
    cap: Duration,
    retry: u32,
    rng: &mut impl Rng,
) -> Duration {
    let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
    let ceiling = base.saturating_mul(factor).min(cap);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rng.random_range(0..=nanos))
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
