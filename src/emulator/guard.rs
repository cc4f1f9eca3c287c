//! What keeps a web page from driving the admin API (DNS rebinding and
//! cross-site requests) and slow clients from holding connections.

use std::net::IpAddr;
use std::time::Duration;

use hyper::http::request::Parts;
use hyper::Method;
use serde_json::json;

use super::server::Reply;
use super::{Options, DEFAULT_AK, DEFAULT_SK, DEFAULT_TOKEN};

/// Time a client has to send a request's headers; also how long an idle
/// keep-alive connection stays open. Longer than the provider's 30 s pool
/// idle time, so the server never closes a connection the client reuses.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(60);
/// Open connections served at once; more wait in the listen backlog.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// The admin API's checks, fixed at start.
#[derive(Clone, Debug)]
pub struct AdminGuard {
    /// Any `Host`/`Origin` is fine: the operator bound a non-loopback address.
    any_host: bool,
    token: Option<String>,
}

impl AdminGuard {
    pub fn new(o: &Options) -> Self {
        AdminGuard {
            any_host: !is_loopback_name(&o.host),
            token: o.admin_token.clone().filter(|t| !t.is_empty()),
        }
    }

    /// Bound to loopback, every route (the API too, which accepts the
    /// well-known default credentials) answers only a loopback `Host`: a
    /// page on a rebound name sends that name.
    pub fn check_host(&self, parts: &Parts) -> Result<(), Reply> {
        if self.any_host {
            return Ok(());
        }
        let host = (parts.headers.get("host"))
            .map(|v| v.to_str().unwrap_or("\u{fffd}"))
            .or(parts.uri.authority().map(|a| a.as_str()));
        if host.is_some_and(is_loopback_authority) {
            return Ok(());
        }
        Err(Reply::json(
            403,
            json!({"error_code": "APIG.1005", "error_msg": "the emulator answers only requests for a loopback Host (localhost, 127.0.0.1, [::1]); start it with a non-loopback --host to serve others"}),
        ))
    }

    /// `Err` with the refusal for a request that may not use the admin API.
    pub fn check(&self, parts: &Parts) -> Result<(), Reply> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap_or("\u{fffd}"))
        };
        let refuse = |status, msg: &str| Err(Reply::json(status, json!({ "error": msg })));
        if !self.any_host {
            // A page on a rebound name sends that name as Host.
            let host = header("host").or(parts.uri.authority().map(|a| a.as_str()));
            if !host.is_some_and(is_loopback_authority) {
                return refuse(403, "the admin API answers only requests for a loopback Host (localhost, 127.0.0.1, [::1]); start with a non-loopback --host to serve others");
            }
            if let Some(origin) = header("origin") {
                let authority = origin.split_once("://").map_or("", |(_, a)| a);
                if !is_loopback_authority(authority) {
                    return refuse(
                        403,
                        "the admin API refuses requests from web pages of other origins",
                    );
                }
            }
        }
        if let Some(token) = &self.token {
            let given = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
            if given != Some(token.as_str()) {
                return refuse(
                    401,
                    "the admin API needs `Authorization: Bearer <--admin-token>`",
                );
            }
        }
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            // Web pages can send text/plain or forms without asking first.
            let media = header("content-type")
                .and_then(|v| v.split(';').next())
                .map(str::trim);
            if !media.is_some_and(|m| m.eq_ignore_ascii_case("application/json")) {
                return refuse(
                    415,
                    "admin writes need `Content-Type: application/json` (even without a body)",
                );
            }
        }
        Ok(())
    }
}

/// `localhost`, a `*.localhost` name, or a loopback IP address.
pub fn is_loopback_name(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    let lower = h.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A `Host` header value (`name[:port]`, `[v6][:port]`) naming loopback.
fn is_loopback_authority(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split_once(']').map_or("", |(h, _)| h)
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    !host.is_empty() && is_loopback_name(host)
}

/// The warning printed when a non-loopback address is served with a
/// credential everyone knows.
pub fn exposure_warning(o: &Options) -> Option<String> {
    if is_loopback_name(&o.host) {
        return None;
    }
    let mut known = Vec::new();
    if o.tokens.iter().any(|t| t == DEFAULT_TOKEN) {
        known.push("the token `emulator-token`");
    }
    if o.ak == DEFAULT_AK && o.sk == DEFAULT_SK {
        known.push("the access key pair EMULATORACCESSKEY0001");
    }
    if o.admin_token.as_deref().is_none_or(str::is_empty) {
        known.push("an admin API without --admin-token");
    }
    (!known.is_empty()).then(|| {
        format!(
            "apig-emulator: WARNING: listening on {} (not loopback) with {}: anyone who can reach this address can use it. Set --token, --ak/--sk and --admin-token.",
            o.host,
            known.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = hyper::Request::builder()
            .method(method)
            .uri("/_emulator/reset");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    fn status(g: &AdminGuard, method: &str, headers: &[(&str, &str)]) -> u16 {
        match g.check(&parts(method, headers)) {
            Ok(()) => 0,
            Err(r) => r.status,
        }
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn loopback_names() {
        for ok in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "[::1]",
            "a.localhost",
        ] {
            assert!(is_loopback_name(ok), "{ok}");
        }
        for bad in [
            "0.0.0.0",
            "10.0.0.1",
            "::",
            "localhost.evil.example",
            "rebind.evil.example",
            "",
        ] {
            assert!(!is_loopback_name(bad), "{bad}");
        }
        for ok in ["127.0.0.1:8080", "localhost", "[::1]:9", "localhost:1"] {
            assert!(is_loopback_authority(ok), "{ok}");
        }
        for bad in [
            "rebind.evil.example",
            "rebind.evil.example:8080",
            "[::2]:1",
            "",
            ":80",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }

    #[test]
    fn a_web_page_cannot_reset_the_emulator() {
        let g = AdminGuard::new(&Options::default());
        // The request of the security review.
        let evil = [
            ("host", "rebind.evil.example"),
            ("origin", "http://evil.example"),
            ("content-type", "text/plain"),
        ];
        assert_eq!(status(&g, "POST", &evil), 403);
        assert_eq!(
            status(&g, "POST", &[("host", "rebind.evil.example:80"), JSON]),
            403
        );
        assert_eq!(status(&g, "GET", &[("host", "rebind.evil.example")]), 403);
        assert_eq!(status(&g, "POST", &[JSON]), 403, "no Host");
        let local = ("host", "127.0.0.1:4000");
        assert_eq!(
            status(
                &g,
                "POST",
                &[local, ("origin", "http://evil.example"), JSON]
            ),
            403
        );
        assert_eq!(
            status(&g, "POST", &[local, ("content-type", "text/plain")]),
            415
        );
        assert_eq!(status(&g, "POST", &[local]), 415);
        assert_eq!(
            status(
                &g,
                "DELETE",
                &[local, ("content-type", "application/x-www-form-urlencoded")]
            ),
            415
        );
        assert_eq!(
            status(
                &g,
                "POST",
                &[local, ("content-type", "Application/JSON; charset=utf-8")]
            ),
            0
        );
        assert_eq!(
            status(
                &g,
                "POST",
                &[local, ("origin", "http://localhost:3000"), JSON]
            ),
            0
        );
        assert_eq!(status(&g, "GET", &[local]), 0);
    }

    #[test]
    fn non_loopback_bind_and_admin_token() {
        let open = Options {
            host: "0.0.0.0".into(),
            admin_token: Some("adm1n".into()),
            ..Options::default()
        };
        let g = AdminGuard::new(&open);
        let host = ("host", "emulator.ci.internal:4000");
        assert_eq!(status(&g, "GET", &[host]), 401);
        assert_eq!(
            status(&g, "GET", &[host, ("authorization", "Bearer wrong")]),
            401
        );
        assert_eq!(
            status(&g, "GET", &[host, ("authorization", "Bearer adm1n")]),
            0
        );
        assert_eq!(
            status(&g, "POST", &[host, ("authorization", "Bearer adm1n")]),
            415
        );
        assert_eq!(
            status(&g, "POST", &[host, ("authorization", "Bearer adm1n"), JSON]),
            0
        );
    }

    #[test]
    fn exposure_is_warned_about() {
        assert_eq!(exposure_warning(&Options::default()), None);
        let open = Options {
            host: "0.0.0.0".into(),
            ..Options::default()
        };
        let w = exposure_warning(&open).unwrap();
        assert!(
            w.contains("WARNING") && w.contains("emulator-token") && w.contains("--admin-token"),
            "{w}"
        );
        let private = Options {
            host: "0.0.0.0".into(),
            tokens: vec!["long-random".into()],
            ak: "AK".into(),
            sk: "SK".into(),
            admin_token: Some("adm".into()),
            ..Options::default()
        };
        assert_eq!(exposure_warning(&private), None);
    }
}
