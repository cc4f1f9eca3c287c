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

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::HeaderMap;
use reqwest::Method;

use super::errors::{api_error, ApiError};
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
                    (api_error(&answer, &self.secrets()), retryable, delay)
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

    pub(super) fn backoff(&self, retry: u32) -> Duration {
        backoff_delay(self.backoff_base, self.backoff_cap, retry, &mut rand::rng())
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
