//! Keeping secrets out of messages: placeholders in `Debug` output, known
//! secret values and credential headers removed from whatever a server
//! echoed, user information removed from URLs.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

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
    /// Every secret this client may send: its own credentials and
    /// whatever its credential source handed out so far.
    pub fn secrets(&self) -> Secrets {
        match &self.source {
            Some(s) => self.secrets.with(s.secrets()),
            None => self.secrets.clone(),
        }
    }

    /// Removes credentials from every message, whatever the server echoed.
    pub(super) fn scrub(&self, err: ApiError) -> ApiError {
        let secrets = self.secrets();
        let clean = |s: String| secrets.scrub(&s);
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

/// Shortest piece of a long secret hidden wherever it appears.
pub const MIN_SECRET_PIECE: usize = 16;

/// The secrets of one set of credentials (passwords, secret keys, tokens),
/// and the one scrubber every client and log line uses. Cheap to clone.
#[derive(Clone, Default)]
pub struct Secrets {
    values: Arc<Vec<String>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

impl Secrets {
    /// Empty values are ignored.
    pub fn new<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Secrets {
        Secrets::default().with(values)
    }

    /// This set and `more`, with the forms a server may echo them in
    /// (JSON-escaped, percent-encoded).
    pub fn with<S: Into<String>>(&self, more: impl IntoIterator<Item = S>) -> Secrets {
        let mut values = (*self.values).clone();
        for v in more {
            let v: String = v.into();
            if v.is_empty() {
                continue;
            }
            let json = serde_json::to_string(&v).unwrap_or_default();
            let json = json.trim_matches('"').to_string();
            let pct = percent_encode(&v);
            for form in [v, json, pct] {
                if !values.contains(&form) {
                    values.push(form);
                }
            }
        }
        Secrets {
            values: Arc::new(values),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` without secrets: every piece of [`MIN_SECRET_PIECE`]
    /// characters of a secret, anywhere; shorter secrets (4+ characters)
    /// whole; credential header values and `Signature=`; and a trailing
    /// start of a secret cut off by a server. Scrub before shortening a
    /// text, or use [`Secrets::shorten`].
    pub fn scrub(&self, text: &str) -> String {
        redact(text, self)
    }

    /// At most `max_chars` characters of one line of `text`, scrubbed
    /// before the cut (and after, for a piece the cut left).
    pub fn shorten(&self, text: &str, max_chars: usize) -> String {
        shorten(text, max_chars, self)
    }
}

fn percent_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// [`clean_text`] of a redacted text: redacting after the cut would miss a
/// secret whose end was cut off.
pub(super) fn shorten(text: &str, max_chars: usize, secrets: &Secrets) -> String {
    redact(&clean_text(&redact(text, secrets), max_chars), secrets)
}

/// Removes credentials from a message: pieces of the known secret values,
/// the value of credential headers (the 401 APIGW.0301 message embeds the
/// server's canonical request, signed headers included), the signature of
/// an echoed `Authorization` header, and a trailing piece of a secret that
/// was cut off (by this client or by the server).
pub(super) fn redact(text: &str, secrets: &Secrets) -> String {
    let mut out = hide_pieces(text, &secrets.values);
    for secret in secrets.values.iter() {
        // Very short values would garble unrelated text; they are not
        // real credentials anyway.
        if secret.len() >= 4 && out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    for name in ["x-security-token:", "x-auth-token:", "signature="] {
        out = redact_header_value(&out, name);
    }
    drop_secret_tail(out, &secrets.values)
}

/// Replaces each run of text covered by [`MIN_SECRET_PIECE`]-character
/// windows of a secret: any such piece, wherever a server put it.
fn hide_pieces(text: &str, secrets: &[String]) -> String {
    let n = MIN_SECRET_PIECE;
    let secret_chars: Vec<Vec<char>> = secrets
        .iter()
        .filter(|s| s.chars().count() >= n)
        .map(|s| s.chars().collect())
        .collect();
    if secret_chars.is_empty() {
        return text.to_string();
    }
    let mut windows: HashSet<&[char]> = HashSet::new();
    for s in &secret_chars {
        windows.extend(s.windows(n));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut hidden = vec![false; chars.len()];
    for (i, w) in chars.windows(n).enumerate() {
        if windows.contains(w) {
            hidden[i..i + n].iter_mut().for_each(|h| *h = true);
        }
    }
    if !hidden.contains(&true) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        if !hidden[i] {
            out.push(*c);
        } else if i == 0 || !hidden[i - 1] {
            out.push_str(REDACTED);
        }
    }
    out
}

/// Shortest cut-off piece of a secret that is still hidden at the end of a
/// text.
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
