//! The provider's own configuration: schema, and resolution from the
//! `provider` block with `HW_*` environment fallbacks (config wins).

use crate::provider::credentials::{self, AuthSetup};
use crate::provider::endpoint;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::schema::{Attribute, Check, Schema};
use crate::tfplugin::value::{AttrPath, Type, Value};

pub const DEFAULT_CLOUD: &str = "myhuaweicloud.com";
pub const DEFAULT_MAX_RETRIES: u32 = 5;
pub const MAX_REQUEST_TIMEOUT_SECS: i64 = 600;

/// The environment variable declared for provider argument `name` (a
/// top-level one, or `block.child` for a block's argument); the only place
/// the variables are named is the schema below.
pub fn env_var(name: &str) -> &'static str {
    let attrs = &schema().attributes;
    let found = match name.split_once('.') {
        None => attrs.iter().find(|a| a.name == name),
        Some((block, child)) => attrs
            .iter()
            .find(|a| a.name == block)
            .and_then(|a| a.children())
            .and_then(|c| c.iter().find(|a| a.name == child)),
    };
    found.and_then(|a| a.env).unwrap_or_else(|| {
        debug_assert!(false, "no environment variable declared for {name}");
        ""
    })
}

/// Built once per process.
pub fn schema() -> &'static Schema {
    static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    S.get_or_init(build)
}

fn build() -> Schema {
    let mut s = base_schema();
    s.attributes.extend(credentials::attributes());
    s
}

fn base_schema() -> Schema {
    Schema {
        version: 0,
        description: "The Huawei Cloud provider manages API Gateway (APIG) resources. Every argument is optional and falls back to its environment variable; a value in the configuration wins over the environment.",
        attributes: vec![
            Attribute::optional("region", Type::String, "Region of the API Gateway, e.g. `cn-north-4`. Used to build the default endpoint `https://apig.{region}.{cloud}` and as the default `region` of resources.")
                .env("HW_REGION_NAME")
                .check(Check::Pattern(endpoint::is_region_name, endpoint::REGION_RULE)),
            Attribute::optional("project_id", Type::String, "Project ID the gateways belong to; sent in every request path and as `X-Project-Id`. The default `project_id` of resources.")
                .env("HW_PROJECT_ID"),
            Attribute::optional("access_key", Type::String, "Access key (AK) of an access key pair. With `secret_key`, every request is signed with SDK-HMAC-SHA256.")
                .sensitive()
                .env("HW_ACCESS_KEY"),
            Attribute::optional("secret_key", Type::String, "Secret key (SK) of the access key pair. Never logged or stored in state.")
                .sensitive()
                .env("HW_SECRET_KEY"),
            Attribute::optional("security_token", Type::String, "Security token of temporary access key credentials; requires `access_key` and `secret_key` and is sent as `X-Security-Token`.")
                .sensitive()
                .env("HW_SECURITY_TOKEN"),
            Attribute::optional("token", Type::String, "IAM user token, sent as `X-Auth-Token` instead of signing requests. Use either `token` or `access_key` + `secret_key`.")
                .sensitive()
                .env("HW_AUTH_TOKEN"),
            Attribute::optional("cloud", Type::String, "Domain of the cloud used in default endpoints. Defaults to `myhuaweicloud.com` (`myhuaweicloud.eu` for regions starting with `eu-west-1`).")
                .env("HW_CLOUD")
                .check(Check::Length(1, 253))
                .check(Check::Pattern(endpoint::is_dns_name, endpoint::CLOUD_RULE)),
            Attribute::optional("endpoints", Type::Map(Box::new(Type::String)), "Endpoint overrides by service. The key `apig` replaces `https://apig.{region}.{cloud}`, e.g. `{ apig = \"http://127.0.0.1:8080\" }` for the local emulator; a missing scheme means `https://`. Each value must be an absolute `http` or `https` URL without user information, query (`?`) or fragment (`#`)."),
            Attribute::optional("insecure", Type::Bool, "Skip verification of the API's TLS certificate. Only for test endpoints with self-signed certificates. Defaults to `false`.")
                .env("HW_INSECURE"),
            Attribute::optional("max_retries", Type::Number, "How many times a request is retried after throttling (429), a server error (500, 502, 503, 504) or a connection failure, with capped exponential backoff. Defaults to `5`. 401 and other client errors are never retried.")
                .env("HW_MAX_RETRIES")
                .check(Check::Range(0, 100)),
            Attribute::optional("request_timeout", Type::Number, "Seconds one HTTP request may take, from connecting to reading the whole answer; a whole number from 1 to 600. Defaults to `20` (the API answers in milliseconds). A request that times out is retried at most once, whatever `max_retries` says, so a server that accepts connections but never answers fails a read within about twice this time.")
                .env("HW_REQUEST_TIMEOUT")
                .check(Check::Range(1, MAX_REQUEST_TIMEOUT_SECS)),
        ],
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub region: Option<String>,
    pub project_id: Option<String>,
    pub auth: AuthSetup,
    pub cloud: String,
    pub apig_endpoint: Option<String>,
    pub iam_endpoint: Option<String>,
    /// The setting `iam_endpoint` came from, for diagnostics.
    pub iam_endpoint_setting: &'static str,
    pub insecure: bool,
    pub max_retries: u32,
    pub request_timeout: std::time::Duration,
}

impl ProviderConfig {
    /// `endpoints.apig`, or `https://apig.{region}.{cloud}`; `Ok(None)`
    /// without a region, `Err` for a region (e.g. from state) that is not
    /// a region name.
    pub fn base_url(&self, region: Option<&str>) -> Result<Option<String>, String> {
        if let Some(e) = &self.apig_endpoint {
            return Ok(Some(e.clone()));
        }
        let Some(region) = region.or(self.region.as_deref()) else {
            return Ok(None);
        };
        endpoint::service_url("apig", region, self.cloud_for(region)).map(Some)
    }

    /// The cloud domain of default endpoints in `region`.
    pub fn cloud_for(&self, region: &str) -> &str {
        if self.cloud == DEFAULT_CLOUD && region.starts_with("eu-west-1") {
            "myhuaweicloud.eu"
        } else {
            self.cloud.as_str()
        }
    }

    /// The setting(s) the APIG endpoint of `region` comes from, for
    /// messages about connection failures.
    pub fn apig_endpoint_setting(&self, region: Option<&str>) -> String {
        match region.or(self.region.as_deref()) {
            _ if self.apig_endpoint.is_some() => "`endpoints.apig`".into(),
            Some(r) => derived_setting("apig", r, self.cloud_for(r)),
            None => "no setting".into(),
        }
    }
}

/// How a default endpoint was built, naming the override.
pub fn derived_setting(service: &str, region: &str, cloud: &str) -> String {
    format!("`region` ({region:?}) and `cloud` ({cloud:?}); `endpoints.{service}` overrides it")
}

/// Adds `https://` when no scheme is given and drops trailing slashes.
pub fn normalize_endpoint(e: &str) -> String {
    endpoint::normalize(e)
}

/// An error at `at`, unless the value may hold a secret: with a path
/// Terraform would show the configuration line, password included.
fn url_diag(at: AttrPath, why: &str, summary: &str, detail: String) -> Diagnostic {
    if endpoint::may_hold_secret(why) {
        Diagnostic::error(summary, detail)
    } else {
        Diagnostic::error_at(at, summary, detail)
    }
}

/// The diagnostic for an `endpoints.*` value that is not a usable URL.
fn check_endpoint(key: &str, e: &str) -> Option<Diagnostic> {
    let why = endpoint::check_override(&normalize_endpoint(e)).err()?;
    let detail = format!("endpoints[{key:?}] {why}: it must be an absolute `http` or `https` URL such as `https://apig.example.com`, without user information, query or fragment.");
    Some(url_diag(
        path("endpoints").key(key),
        &why,
        "Invalid endpoint",
        detail,
    ))
}

/// The diagnostic for an `auth_url` (from `source`) that is not a usable URL.
fn check_auth_url(e: &str, source: &str) -> Option<Diagnostic> {
    let why = endpoint::check_override(&normalize_endpoint(e)).err()?;
    let detail = format!("{source} {why}: it must be an absolute `http` or `https` URL such as `https://iam.example.com/v3`, without user information, query or fragment.");
    Some(url_diag(
        path("auth_url"),
        &why,
        "Invalid IAM endpoint",
        detail,
    ))
}

fn path(name: &str) -> AttrPath {
    AttrPath::root().attr(name)
}

/// Errors only for what is wrong in the configuration itself; unknown
/// values are skipped (they may be fine once known).
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    crate::tfplugin::schema::validate(&schema().attributes, config, &AttrPath::root(), &mut diags);
    if let Value::Map(m) = config.get("endpoints") {
        for (k, v) in m {
            if k != "apig" && k != "iam" {
                diags.push(Diagnostic::warning(
                    "Unknown endpoint key",
                    format!(
                        "endpoints[{k:?}] is ignored: this provider only calls the `apig` and `iam` services."
                    ),
                ));
            }
            if let Some(s) = v.as_str() {
                if s.trim().is_empty() {
                    diags.push(Diagnostic::error_at(
                        path("endpoints").key(k),
                        "Empty endpoint",
                        "An endpoint override must be a URL such as `https://apig.example.com`.",
                    ));
                } else {
                    diags.extend(check_endpoint(k, s));
                }
            }
        }
    }
    if let Some(e) = config.get("auth_url").as_str().filter(|e| !e.is_empty()) {
        diags.extend(check_auth_url(e, "`auth_url`"));
    }
    diags.extend(credentials::validate(config, &|k| std::env::var(k).ok()));
    diags
}

/// Resolves config + environment; `env` is injectable for tests.
pub fn resolve(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderConfig, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for a in &schema().attributes {
        if config.get(a.name).is_unknown() || !config.get(a.name).is_wholly_known() {
            diags.push(Diagnostic::error_at(
                path(a.name),
                "Provider configuration not yet known",
                format!("`{}` depends on a value known only after apply; the provider must be configured from known values.", a.name),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let get = |name: &str| -> Option<String> {
        config
            .get(name)
            .as_str()
            .map(str::to_string)
            .or_else(|| env(env_var(name)))
            .filter(|s| !s.is_empty())
    };

    let home = env("HOME").map(std::path::PathBuf::from);
    let auth = match credentials::resolve(config, env, home) {
        Ok(a) => Some(a),
        Err(d) => {
            diags.extend(d);
            None
        }
    };

    let insecure = match config.get("insecure") {
        Value::Bool(b) => *b,
        _ => match env(env_var("insecure")).as_deref().map(str::trim) {
            None | Some("") => false,
            Some(s) if s.eq_ignore_ascii_case("true") || s == "1" => true,
            Some(s) if s.eq_ignore_ascii_case("false") || s == "0" => false,
            Some(s) => {
                let var = env_var("insecure");
                diags.push(Diagnostic::error(
                    format!("Invalid {var}"),
                    format!("{var} must be true or false, got {s:?}."),
                ));
                false
            }
        },
    };
    let max_retries = match config.get("max_retries").as_i64() {
        Some(n) => n.clamp(0, 100) as u32,
        None => {
            let var = env_var("max_retries");
            match env(var) {
                None => DEFAULT_MAX_RETRIES,
                Some(s) => match s.trim().parse::<u32>() {
                    Ok(n) if n <= 100 => n,
                    _ => {
                        diags.push(Diagnostic::error(
                            format!("Invalid {var}"),
                            format!("{var} must be a whole number between 0 and 100, got {s:?}."),
                        ));
                        DEFAULT_MAX_RETRIES
                    }
                },
            }
        }
    };
    let request_timeout = match request_timeout(config, env) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            std::time::Duration::ZERO
        }
    };
    let apig_endpoint = config.get("endpoints").get("apig").as_str();
    if let Some(d) = apig_endpoint.and_then(|e| check_endpoint("apig", e)) {
        diags.push(d);
    }
    let apig_endpoint = apig_endpoint.map(normalize_endpoint);
    let iam_endpoint = config.get("endpoints").get("iam").as_str();
    if let Some(d) = iam_endpoint.and_then(|e| check_endpoint("iam", e)) {
        diags.push(d);
    }
    let iam_endpoint_setting = if iam_endpoint.is_some() {
        "`endpoints.iam`"
    } else {
        "`auth_url` (HW_AUTH_URL)"
    };
    let auth_url = match iam_endpoint {
        Some(_) => None, // `endpoints.iam` wins and was checked above.
        None => auth.as_ref().and_then(|a| a.auth_url.as_deref()),
    };
    if let Some(d) = auth_url.and_then(|e| check_auth_url(e, "`auth_url` (or HW_AUTH_URL)")) {
        diags.push(d);
    }
    let iam_endpoint = iam_endpoint.or(auth_url).map(normalize_endpoint);
    // Values from the environment were not seen by validate.
    let file = |f: fn(&AuthSetup) -> Option<String>| auth.as_ref().and_then(f);
    let own_region = get("region");
    let region = own_region
        .clone()
        .or_else(|| file(|a| a.file_region.clone()));
    let cloud = get("cloud");
    let source = |name: &str| format!("`{name}` (or {})", env_var(name));
    let region_from = match (
        &own_region,
        auth.as_ref().and_then(|a| a.file_source.as_ref()),
    ) {
        (None, Some(f)) => (format!("The region of {}", f.shown), f.attr),
        _ => (source("region"), "region"),
    };
    let shapes = [
        (
            "region",
            region_from,
            &region,
            endpoint::is_region_name as fn(&str) -> bool,
            endpoint::REGION_RULE,
        ),
        (
            "cloud",
            (source("cloud"), "cloud"),
            &cloud,
            endpoint::is_dns_name,
            endpoint::CLOUD_RULE,
        ),
    ];
    for (name, (from, at), value, ok, rule) in shapes {
        if let Some(v) = value.as_deref().filter(|v| !ok(v)) {
            diags.push(Diagnostic::error_at(
                path(at),
                format!("Invalid {name}"),
                format!("{from} must be {rule}, got {v:?}."),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(ProviderConfig {
        region,
        project_id: get("project_id").or_else(|| file(|a| a.file_project_id.clone())),
        auth: auth.expect("set when no diagnostics"),
        cloud: cloud.unwrap_or_else(|| DEFAULT_CLOUD.to_string()),
        apig_endpoint,
        iam_endpoint,
        iam_endpoint_setting,
        insecure,
        max_retries,
        request_timeout,
    })
}

/// `request_timeout`, else HW_REQUEST_TIMEOUT (checked here: validate never
/// saw it), else the default.
fn request_timeout(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<std::time::Duration, Diagnostic> {
    let secs = match config.get("request_timeout") {
        Value::Null => match env(env_var("request_timeout")).as_deref().map(str::trim) {
            None | Some("") => return Ok(crate::apig::client::DEFAULT_REQUEST_TIMEOUT),
            Some(s) => s.parse::<i64>().ok().filter(|n| (1..=MAX_REQUEST_TIMEOUT_SECS).contains(n)).ok_or_else(|| {
                Diagnostic::error_at(
                    path("request_timeout"),
                    format!("Invalid {}", env_var("request_timeout")),
                    format!("{} must be a whole number of seconds from 1 to {MAX_REQUEST_TIMEOUT_SECS}, got {s:?}.", env_var("request_timeout")),
                )
            })?,
        },
        v => v.as_i64().filter(|n| (1..=MAX_REQUEST_TIMEOUT_SECS).contains(n)).ok_or_else(|| {
            Diagnostic::error_at(
                path("request_timeout"),
                "Invalid request_timeout",
                format!("`request_timeout` must be a whole number of seconds from 1 to {MAX_REQUEST_TIMEOUT_SECS}, got {}.", v.as_f64().unwrap_or_default()),
            )
        })?,
    };
    Ok(std::time::Duration::from_secs(secs as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apig::client::Credentials;
    use crate::iam::session::Base;
    use std::collections::HashMap;

    #[test]
    fn environment_variables_come_from_the_schema_once_each() {
        let mut seen = std::collections::HashSet::new();
        for a in &schema().attributes {
            let mut vars: Vec<(String, &str)> =
                a.env.map(|e| (a.name.to_string(), e)).into_iter().collect();
            for c in a.children().unwrap_or_default() {
                vars.extend(c.env.map(|e| (format!("{}.{}", a.name, c.name), e)));
            }
            for (name, var) in vars {
                assert!(seen.insert(var), "{var} declared twice");
                assert_eq!(env_var(&name), var);
            }
        }
        assert_eq!(env_var("assume_role.duration"), "HW_ASSUME_ROLE_DURATION");
        assert_eq!(env_var("request_timeout"), "HW_REQUEST_TIMEOUT");
        assert_eq!(seen.len(), 22);
    }

    fn cfg(pairs: &[(&str, Value)]) -> Value {
        let mut all: Vec<(&str, Value)> = schema()
            .attributes
            .iter()
            .map(|a| (a.name, Value::Null))
            .collect();
        for (k, v) in pairs {
            all.retain(|(n, _)| n != k);
            all.push((k, v.clone()));
        }
        Value::object(all)
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn no_credentials_is_a_clear_error() {
        let err = resolve(&cfg(&[]), &env_of(&[])).unwrap_err();
        assert_eq!(err.len(), 1);
        let d = &err[0].detail;
        for needle in [
            "access_key",
            "secret_key",
            "token",
            "HW_ACCESS_KEY",
            "HW_SECRET_KEY",
            "HW_AUTH_TOKEN",
        ] {
            assert!(d.contains(needle), "{needle} missing from {d}");
        }
    }

    #[test]
    fn environment_fallbacks_apply() {
        let c = resolve(
            &cfg(&[]),
            &env_of(&[
                ("HW_ACCESS_KEY", "AK"),
                ("HW_SECRET_KEY", "SK"),
                ("HW_SECURITY_TOKEN", "ST"),
                ("HW_REGION_NAME", "eu-west-101"),
                ("HW_PROJECT_ID", "p1"),
                ("HW_MAX_RETRIES", "2"),
                ("HW_INSECURE", "true"),
            ]),
        )
        .unwrap();
        assert!(
            matches!(c.auth.base, Base::Static(Credentials::AkSk { ref security_token, .. }) if security_token.as_deref() == Some("ST"))
        );
        assert_eq!(c.project_id.as_deref(), Some("p1"));
        assert_eq!(c.max_retries, 2);
        assert!(c.insecure);
        assert_eq!(
            c.base_url(None).unwrap().unwrap(),
            "https://apig.eu-west-101.myhuaweicloud.eu"
        );
    }

    #[test]
    fn config_wins_over_environment() {
        let c = resolve(
            &cfg(&[
                ("token", Value::string("cfg-token")),
                ("region", Value::string("cn-north-4")),
                ("max_retries", Value::int(0)),
                ("insecure", Value::Bool(false)),
            ]),
            &env_of(&[
                ("HW_ACCESS_KEY", "AK"),
                ("HW_SECRET_KEY", "SK"),
                ("HW_REGION_NAME", "ap-southeast-1"),
                ("HW_MAX_RETRIES", "9"),
                ("HW_INSECURE", "true"),
            ]),
        )
        .unwrap();
        assert!(matches!(c.auth.base, Base::Static(Credentials::Token(ref t)) if t == "cfg-token"));
        assert_eq!(c.region.as_deref(), Some("cn-north-4"));
        assert_eq!(c.max_retries, 0);
        assert!(!c.insecure);
        assert_eq!(
            c.base_url(None).unwrap().unwrap(),
            "https://apig.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn credentials_fall_back_per_attribute_within_one_way() {
        // access_key in config, secret_key from the environment.
        let c = resolve(
            &cfg(&[("access_key", Value::string("AK"))]),
            &env_of(&[("HW_SECRET_KEY", "SK"), ("HW_AUTH_TOKEN", "ignored")]),
        )
        .unwrap();
        assert!(
            matches!(c.auth.base, Base::Static(Credentials::AkSk { ref sk, .. }) if sk == "SK")
        );
        // token in config ignores an access key pair in the environment.
        let c = resolve(
            &cfg(&[("token", Value::string("T"))]),
            &env_of(&[("HW_ACCESS_KEY", "AK"), ("HW_SECRET_KEY", "SK")]),
        )
        .unwrap();
        assert!(matches!(c.auth.base, Base::Static(Credentials::Token(ref t)) if t == "T"));
        // Both ways in the environment alone is ambiguous.
        let e = resolve(
            &cfg(&[]),
            &env_of(&[
                ("HW_AUTH_TOKEN", "T"),
                ("HW_ACCESS_KEY", "AK"),
                ("HW_SECRET_KEY", "SK"),
            ]),
        )
        .unwrap_err();
        assert!(e[0].summary.contains("Conflicting"));
    }

    #[test]
    fn conflicting_and_partial_credentials() {
        let e = resolve(
            &cfg(&[
                ("token", Value::string("t")),
                ("access_key", Value::string("a")),
            ]),
            &env_of(&[]),
        )
        .unwrap_err();
        assert!(e[0].summary.contains("Conflicting"));
        let e = resolve(&cfg(&[("access_key", Value::string("a"))]), &env_of(&[])).unwrap_err();
        assert_eq!(e[0].path, Some(path("secret_key")));
        let e = resolve(&cfg(&[]), &env_of(&[("HW_SECRET_KEY", "s")])).unwrap_err();
        assert_eq!(e[0].path, Some(path("access_key")));
        let e = resolve(
            &cfg(&[
                ("token", Value::string("t")),
                ("security_token", Value::string("s")),
            ]),
            &env_of(&[]),
        )
        .unwrap_err();
        assert_eq!(e[0].path, Some(path("security_token")));
        let e = resolve(
            &cfg(&[]),
            &env_of(&[("HW_AUTH_TOKEN", "t"), ("HW_MAX_RETRIES", "lots")]),
        )
        .unwrap_err();
        assert!(e[0].summary.contains("HW_MAX_RETRIES"));
    }

    #[test]
    fn endpoint_override_is_normalised() {
        let mut m = std::collections::BTreeMap::new();
        m.insert("apig".to_string(), Value::string("127.0.0.1:8080/"));
        let c = resolve(
            &cfg(&[("token", Value::string("t")), ("endpoints", Value::Map(m))]),
            &env_of(&[]),
        )
        .unwrap();
        assert_eq!(
            c.base_url(Some("x")).unwrap().unwrap(),
            "https://127.0.0.1:8080"
        );
        assert_eq!(normalize_endpoint("http://h:1//"), "http://h:1");
        let c = resolve(
            &cfg(&[
                ("token", Value::string("t")),
                ("cloud", Value::string("example.org")),
            ]),
            &env_of(&[]),
        )
        .unwrap();
        assert_eq!(
            c.base_url(Some("eu-west-101")).unwrap().unwrap(),
            "https://apig.eu-west-101.example.org"
        );
        assert_eq!(c.base_url(None), Ok(None));
        // A region from state is checked too.
        assert!(c.base_url(Some("evil.example/")).is_err());
    }

    #[test]
    fn unknown_config_is_refused_at_configure() {
        let e = resolve(&cfg(&[("token", Value::Unknown)]), &env_of(&[])).unwrap_err();
        assert_eq!(e[0].path, Some(path("token")));
    }

    #[test]
    fn secrets_never_in_debug_output() {
        let c = resolve(
            &cfg(&[
                ("access_key", Value::string("AKIDEXAMPLE")),
                ("secret_key", Value::string("TOPSECRETSK")),
                ("security_token", Value::string("SECTOKEN")),
            ]),
            &env_of(&[]),
        )
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("TOPSECRETSK") && !dbg.contains("SECTOKEN"),
            "{dbg}"
        );
    }
}
