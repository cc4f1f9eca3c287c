//! Keeping secrets out of messages: placeholders in `Debug` output, known
//! secret values and credential headers removed from whatever a server
//! echoed, user information removed from URLs.

use std::fmt;

use super::errors::{clean_text, ApiError};
use super::Client;

pub(super) const REDACTED: &str = "(sensitive)";

/// Shows a secret as a fixed placeholder in `Debug` output.
pub(super) struct Sensitive;

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{REDACTED:?}")
    }
}

/// An access key shown by its first four characters only.
pub(super) struct AkPrefix<'a>(pub(super) &'a str);

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

impl Client {
    /// Removes credentials from every message, whatever the server echoed.
    pub(super) fn scrub(&self, err: ApiError) -> ApiError {
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

/// [`clean_text`] of a redacted text: redacting after the cut would miss a
/// secret whose end was cut off.
pub(super) fn shorten(text: &str, max_chars: usize, secrets: &[String]) -> String {
    redact(&clean_text(&redact(text, secrets), max_chars), secrets)
}

/// Removes credentials from a message: the known secret values, the value
/// of credential headers (the 401 APIGW.0301 message embeds the server's
/// canonical request, signed headers included), the signature of an
/// echoed `Authorization` header, and a trailing piece of a secret that
/// was cut off (by this client or by the server).
pub(super) fn redact(text: &str, secrets: &[String]) -> String {
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
pub(super) const MIN_SECRET_FRAGMENT: usize = 8;

/// Replaces the end of `text` (before a closing ellipsis) when it is the
/// start of a secret, at least [`MIN_SECRET_FRAGMENT`] bytes long.
pub(super) fn drop_secret_tail(text: String, secrets: &[String]) -> String {
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

pub(super) fn redact_header_value(text: &str, name: &str) -> String {
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
#[path = "redact_tests.rs"]
mod tests;
