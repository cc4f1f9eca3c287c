//! The IAM subset the provider uses: projects by name, password tokens and
//! agency credentials (chains too), with lifetimes tests can shorten and
//! counters tests can read (`/_emulator/iam`). Tokens and keys it issues are
//! accepted by the APIG side until they expire.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use hyper::http::request::Parts;
use hyper::Method;
use serde_json::{json, Value};

use super::auth::{AuthKind, IssuedCredential, Received, HOME_DOMAIN};
use super::clock::unix_now;
use super::generated::new_id;
use super::query::{parse_query, query_get};
use super::server::Reply;
use super::Emulator;

pub const USER_NAME: &str = "tf_user";
pub const USER_ID: &str = "7116d09f88fa41908676fdd4b039e95b";
pub const PASSWORD: &str = "emulator-password-0001";
pub const HOME_DOMAIN_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// A project name two projects share, to test an ambiguous lookup.
pub const DUPLICATE_PROJECT: &str = "cn-dup-1";

/// (account, project name, project ID).
pub const PROJECTS: &[(&str, &str, &str)] = &[
    (
        HOME_DOMAIN,
        "cn-north-4",
        "0123456789abcdef0123456789abcdef",
    ),
    (
        HOME_DOMAIN,
        "cn-north-4_sub",
        "11111111111111111111111111111111",
    ),
    (
        HOME_DOMAIN,
        "ap-southeast-1",
        "22222222222222222222222222222222",
    ),
    (
        HOME_DOMAIN,
        DUPLICATE_PROJECT,
        "3333333333333333333333333333333a",
    ),
    (
        HOME_DOMAIN,
        DUPLICATE_PROJECT,
        "3333333333333333333333333333333b",
    ),
    (
        "target_account",
        "cn-north-4",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ),
    (
        "third_account",
        "cn-north-4",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    ),
];

/// (account of the agency, agency name, account allowed to assume it).
pub const AGENCIES: &[(&str, &str, &str)] = &[
    ("target_account", "ops_agency", HOME_DOMAIN),
    ("third_account", "deep_agency", "target_account"),
];

pub struct Iam {
    token_lifetime: AtomicI64,
    /// 0: the requested `duration_seconds`.
    credential_lifetime: AtomicI64,
    deny_projects: AtomicBool,
    project_lookups: AtomicU64,
    tokens_issued: AtomicU64,
    credentials_issued: AtomicU64,
    password_failures: AtomicU64,
}

impl Default for Iam {
    fn default() -> Self {
        Iam {
            token_lifetime: AtomicI64::new(86_400),
            credential_lifetime: AtomicI64::new(0),
            deny_projects: AtomicBool::new(false),
            project_lookups: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            credentials_issued: AtomicU64::new(0),
            password_failures: AtomicU64::new(0),
        }
    }
}

impl Iam {
    pub fn json(&self) -> Value {
        json!({
            "token_lifetime_secs": self.token_lifetime.load(Ordering::Relaxed),
            "credential_lifetime_secs": self.credential_lifetime.load(Ordering::Relaxed),
            "deny_projects": self.deny_projects.load(Ordering::Relaxed),
            "project_lookups": self.project_lookups.load(Ordering::Relaxed),
            "tokens_issued": self.tokens_issued.load(Ordering::Relaxed),
            "credentials_issued": self.credentials_issued.load(Ordering::Relaxed),
            "password_failures": self.password_failures.load(Ordering::Relaxed),
        })
    }

    /// `POST /_emulator/iam`: lifetimes and `deny_projects`.
    pub fn configure(&self, v: &Value) -> Result<(), String> {
        let secs = |k: &str| -> Result<Option<i64>, String> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(n) => n
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .map(Some)
                    .ok_or_else(|| format!("{k} must be a whole number of seconds")),
            }
        };
        if let Some(n) = secs("token_lifetime_secs")? {
            self.token_lifetime.store(n.max(1), Ordering::Relaxed);
        }
        if let Some(n) = secs("credential_lifetime_secs")? {
            self.credential_lifetime.store(n, Ordering::Relaxed);
        }
        if let Some(b) = v.get("deny_projects").and_then(Value::as_bool) {
            self.deny_projects.store(b, Ordering::Relaxed);
        }
        Ok(())
    }

    pub fn reset_counters(&self) {
        for c in [
            &self.project_lookups,
            &self.tokens_issued,
            &self.credentials_issued,
            &self.password_failures,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

pub fn is_iam_path(path: &str) -> bool {
    path.starts_with("/v3/") || path.starts_with("/v3.0/")
}

fn iam_error(status: u16, title: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": {"code": status, "message": message, "title": title}}),
    )
}

fn expiry(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].000000Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

pub fn dispatch(emu: &Emulator, parts: &Parts, body: &[u8]) -> (AuthKind, Reply) {
    let path = parts.uri.path().trim_end_matches('/');
    let raw_query = parts.uri.query().unwrap_or("");
    if parts.method == Method::POST && path == "/v3/auth/tokens" {
        return (AuthKind::None, password_token(&emu.iam, &emu.auth, body));
    }
    let received = Received {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        raw_query,
        headers: &parts.headers,
        body,
    };
    let (kind, who) = emu.auth.identify(&received, unix_now());
    let domain = match who {
        Ok(d) => d,
        Err(e) => return (kind, Reply::error(&e)),
    };
    let reply = match (&parts.method, path) {
        (&Method::GET, "/v3/projects") => projects(&emu.iam, &domain, &parse_query(raw_query)),
        (&Method::POST, "/v3.0/OS-CREDENTIAL/securitytokens") => {
            assume_role(&emu.iam, &emu.auth, &domain, body)
        }
        _ => iam_error(404, "Not Found", "The resource could not be found."),
    };
    (kind, reply)
}

fn projects(iam: &Iam, domain: &str, query: &[(String, String)]) -> Reply {
    iam.project_lookups.fetch_add(1, Ordering::Relaxed);
    if iam.deny_projects.load(Ordering::Relaxed) {
        return iam_error(
            403,
            "Forbidden",
            "You are not authorized to perform the requested action: identity:projects:list.",
        );
    }
    let name = query_get(query, "name");
    let list: Vec<Value> = PROJECTS
        .iter()
        .filter(|(d, n, _)| *d == domain && name.is_none_or(|x| x == *n))
        .map(|(d, n, id)| {
            json!({"id": id, "name": n, "domain_id": d, "enabled": true, "is_domain": false,
                   "parent_id": d, "description": "", "links": {"self": format!("/v3/projects/{id}")}})
        })
        .collect();
    Reply::json(
        200,
        json!({"projects": list, "links": {"self": "/v3/projects"}}),
    )
}

fn password_token(iam: &Iam, auth: &super::auth::Auth, body: &[u8]) -> Reply {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return iam_error(400, "Bad Request", "The request body is not JSON.");
    };
    let id = &v["auth"]["identity"];
    if !id["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x == "password"))
    {
        return iam_error(
            400,
            "Bad Request",
            "identity.methods must contain password.",
        );
    }
    let user = &id["password"]["user"];
    let domain_ok = match (
        user["domain"]["name"].as_str(),
        user["domain"]["id"].as_str(),
    ) {
        (Some(n), _) => n == HOME_DOMAIN,
        (None, Some(i)) => i == HOME_DOMAIN_ID,
        _ => false,
    };
    let who_ok = match (user["id"].as_str(), user["name"].as_str()) {
        (Some(i), _) => i == USER_ID,
        (None, Some(n)) => n == USER_NAME && domain_ok,
        _ => false,
    };
    if !who_ok || user["password"].as_str() != Some(PASSWORD) {
        iam.password_failures.fetch_add(1, Ordering::Relaxed);
        return iam_error(401, "Unauthorized", "The username or password is wrong.");
    }
    let scope = &v["auth"]["scope"]["project"];
    let project = PROJECTS.iter().find(|(d, n, pid)| {
        *d == HOME_DOMAIN
            && (scope["id"].as_str() == Some(pid) || scope["name"].as_str() == Some(n))
    });
    let Some((_, pname, pid)) = project else {
        return iam_error(400, "Bad Request", "The scoped project does not exist.");
    };
    if scope["name"].is_string()
        && PROJECTS
            .iter()
            .filter(|(d, n, _)| *d == HOME_DOMAIN && n == pname)
            .count()
            > 1
    {
        return iam_error(
            400,
            "Bad Request",
            "Several projects have this name; scope by project ID.",
        );
    }
    let now = unix_now();
    let expires_at = now + iam.token_lifetime.load(Ordering::Relaxed);
    let token = format!("emu-token-{}", new_id());
    if let Ok(mut m) = auth.issued_tokens.lock() {
        m.insert(
            token.clone(),
            IssuedCredential {
                sk: String::new(),
                security_token: String::new(),
                expires_at,
                domain: HOME_DOMAIN.to_string(),
            },
        );
    }
    iam.tokens_issued.fetch_add(1, Ordering::Relaxed);
    let mut r = Reply::json(
        201,
        json!({"token": {
            "expires_at": expiry(expires_at), "issued_at": expiry(now), "methods": ["password"],
            "project": {"id": pid, "name": pname, "domain": {"id": HOME_DOMAIN_ID, "name": HOME_DOMAIN}},
            "user": {"id": USER_ID, "name": USER_NAME, "domain": {"id": HOME_DOMAIN_ID, "name": HOME_DOMAIN}},
            "roles": []}}),
    );
    r.headers.push(("x-subject-token", token));
    r
}

fn assume_role(iam: &Iam, auth: &super::auth::Auth, caller: &str, body: &[u8]) -> Reply {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return iam_error(400, "Bad Request", "The request body is not JSON.");
    };
    let a = &v["auth"]["identity"]["assume_role"];
    let (Some(agency), Some(domain)) = (a["agency_name"].as_str(), a["domain_name"].as_str())
    else {
        return iam_error(
            400,
            "Bad Request",
            "assume_role needs agency_name and domain_name.",
        );
    };
    let duration = match &a["duration_seconds"] {
        Value::Null => 900,
        d => match d.as_i64() {
            Some(n) if (900..=86_400).contains(&n) => n,
            _ => {
                return iam_error(
                    400,
                    "Bad Request",
                    "duration_seconds must be between 900 and 86400.",
                )
            }
        },
    };
    if !AGENCIES
        .iter()
        .any(|(d, n, trusted)| *d == domain && *n == agency && *trusted == caller)
    {
        return iam_error(
            403,
            "Forbidden",
            &format!("The agency {agency} of {domain} does not exist or does not trust {caller}."),
        );
    }
    let lifetime = match iam.credential_lifetime.load(Ordering::Relaxed) {
        0 => duration,
        n => n,
    };
    let expires_at = unix_now() + lifetime;
    let access = format!("EMUTMP{}", &new_id()[..14]).to_ascii_uppercase();
    let secret = format!("emu-temp-secret-{}", new_id());
    let token = format!("emu-sts-{}", new_id());
    if let Ok(mut m) = auth.issued_keys.lock() {
        m.insert(
            access.clone(),
            IssuedCredential {
                sk: secret.clone(),
                security_token: token.clone(),
                expires_at,
                domain: domain.to_string(),
            },
        );
    }
    iam.credentials_issued.fetch_add(1, Ordering::Relaxed);
    Reply::json(
        201,
        json!({"credential": {"access": access, "secret": secret, "securitytoken": token,
                               "expires_at": expiry(expires_at)}}),
    )
}
