//! The URL of a request and the `Host` value it is sent and signed with.

use reqwest::Url;

use super::redact::redact_url;
use super::Target;
use crate::apig::signer;

/// A collection of a gateway's API, e.g. `vpc-channels`, and what its
/// items' IDs are called in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collection {
    pub segment: &'static str,
    /// `channel ID`: names an unusable ID in the error.
    pub id_name: &'static str,
}

/// Where under a gateway a request goes: a collection, optionally one of
/// its items, optionally a sub-collection of that item
/// (`vpc-channels/{id}/members`). Built by the caller; every segment is
/// checked when the URL is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiPath<'a> {
    collection: Collection,
    id: Option<&'a str>,
    sub: Option<&'static str>,
}

impl Collection {
    /// The collection itself (list, create).
    pub const fn all(self) -> ApiPath<'static> {
        ApiPath {
            collection: self,
            id: None,
            sub: None,
        }
    }

    /// One item (show, update, delete).
    pub const fn item(self, id: &str) -> ApiPath<'_> {
        ApiPath {
            collection: self,
            id: Some(id),
            sub: None,
        }
    }
}

impl<'a> ApiPath<'a> {
    /// A sub-collection of the item, e.g. `members`.
    pub const fn sub(self, segment: &'static str) -> ApiPath<'a> {
        ApiPath {
            sub: Some(segment),
            ..self
        }
    }

    /// The path below the gateway, each segment checked.
    fn render(&self) -> Result<String, String> {
        let mut path = path_segment("collection", self.collection.segment)?;
        for (what, segment) in [(self.collection.id_name, self.id), ("collection", self.sub)] {
            if let Some(segment) = segment {
                path.push('/');
                path.push_str(&path_segment(what, segment)?);
            }
        }
        Ok(path)
    }
}

/// One path segment: a project, gateway or item ID, from the
/// configuration, from state or from an answer. Only what an ID of the API
/// looks like (1 to 64 letters, digits, `-`, `_`) is used: anything else
/// (`..`, `../../v3/users`, an empty ID) could address another resource.
pub(super) fn path_segment(what: &str, value: &str) -> Result<String, String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if value.is_empty() || value.len() > 64 || !value.chars().all(plain) {
        return Err(format!(
            "the {what} {value:?} cannot be used in a URL: an ID is 1 to 64 letters, digits, hyphens (-) and underscores (_)"
        ));
    }
    Ok(signer::encode(value))
}

/// The URL to send (its query is exactly the canonical query) and the
/// `Host` header value to send and sign.
pub(super) fn build_url(
    t: &Target,
    at: &ApiPath<'_>,
    query: &[(String, String)],
) -> Result<(Url, String), String> {
    let base = t.base_url.trim().trim_end_matches('/');
    if base.is_empty() {
        return Err("the APIG endpoint URL is empty".into());
    }
    let path = format!(
        "/v2/{}/apigw/instances/{}/{}",
        path_segment("project ID", &t.project_id)?,
        path_segment("instance ID", &t.instance_id)?,
        at.render()?
    );
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

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
