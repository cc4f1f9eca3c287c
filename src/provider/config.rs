//! The provider's own configuration: schema, and resolution from the
//! `provider` block with `HW_*` environment fallbacks (config wins).

use crate::provider::args::{self, Args, Setting};
use crate::provider::credentials::{self, AuthSetup};
use crate::provider::endpoint;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::schema::{Attribute, Check, Schema};
use crate::tfplugin::typed::{view, Tf};
use crate::tfplugin::value::{f64_to_i64, AttrPath, Type, Value};

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
            Attribute::optional(Args::REGION, Type::String, "Region of the API Gateway, e.g. `cn-north-4`. Used to build the default endpoint `https://apig.{region}.{cloud}` and as the default `region` of resources.")
                .env("HW_REGION_NAME")
                .check(Check::Pattern(endpoint::is_region_name, endpoint::REGION_RULE)),
            Attribute::optional(Args::PROJECT_ID, Type::String, "Project ID the gateways belong to; sent in every request path and as `X-Project-Id`. The default `project_id` of resources.")
                .env("HW_PROJECT_ID"),
            Attribute::optional(Args::ACCESS_KEY, Type::String, "Access key (AK) of an access key pair. With `secret_key`, every request is signed with SDK-HMAC-SHA256.")
                .sensitive()
                .env("HW_ACCESS_KEY"),
            Attribute::optional(Args::SECRET_KEY, Type::String, "Secret key (SK) of the access key pair. Never logged or stored in state.")
                .sensitive()
                .env("HW_SECRET_KEY"),
            Attribute::optional(Args::SECURITY_TOKEN, Type::String, "Security token of temporary access key credentials; requires `access_key` and `secret_key` and is sent as `X-Security-Token`.")
                .sensitive()
                .env("HW_SECURITY_TOKEN"),
            Attribute::optional(Args::TOKEN, Type::String, "IAM user token, sent as `X-Auth-Token` instead of signing requests. Use either `token` or `access_key` + `secret_key`.")
                .sensitive()
                .env("HW_AUTH_TOKEN"),
            Attribute::optional(Args::CLOUD, Type::String, "Domain of the cloud used in default endpoints. Defaults to `myhuaweicloud.com` (`myhuaweicloud.eu` for regions starting with `eu-west-1`).")
                .env("HW_CLOUD")
                .check(Check::Length(1, 253))
                .check(Check::Pattern(endpoint::is_dns_name, endpoint::CLOUD_RULE)),
            Attribute::optional(Args::ENDPOINTS, Type::Map(Box::new(Type::String)), "Endpoint overrides by service. The key `apig` replaces `https://apig.{region}.{cloud}`, e.g. `{ apig = \"http://127.0.0.1:8080\" }` for the local emulator; a missing scheme means `https://`. Each value must be an absolute `http` or `https` URL without user information, query (`?`) or fragment (`#`)."),
            Attribute::optional(Args::INSECURE, Type::Bool, "Skip verification of the API Gateway endpoint's TLS certificate (`endpoints.apig` or the default). Only for test endpoints with self-signed certificates. It never applies to IAM (`auth_url`, `endpoints.iam`), which receives passwords and issues tokens: IAM's certificate is always verified. Defaults to `false`.")
                .env("HW_INSECURE"),
            Attribute::optional(Args::MAX_RETRIES, Type::Number, "How many times a request is retried after throttling (429), a server error (500, 502, 503, 504) or a connection failure, with capped exponential backoff. Defaults to `5`. 401 and other client errors are never retried.")
                .env("HW_MAX_RETRIES")
                .check(Check::Range(0, 100)),
            Attribute::optional(Args::REQUEST_TIMEOUT, Type::Number, "Seconds one HTTP request may take, from connecting to reading the whole answer; a whole number from 1 to 600. Defaults to `20` (the API answers in milliseconds). A request that times out is retried at most once, whatever `max_retries` says, so a server that accepts connections but never answers fails a read within about twice this time.")
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
        endpoint::service_url(args::APIG, region, self.cloud_for(region)).map(Some)
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
            Some(r) => derived_setting(args::APIG, r, self.cloud_for(r)),
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
        path(Args::ENDPOINTS).key(key),
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
        path(Args::AUTH_URL),
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
    let mut diags = schema().diagnose(config);
    let args: Args = view(config);
    for (k, v) in args.endpoints.known().into_iter().flatten() {
        if k != args::APIG && k != args::IAM {
            diags.push(Diagnostic::warning(
                "Unknown endpoint key",
                format!(
                    "endpoints[{k:?}] is ignored: this provider only calls the `apig` and `iam` services."
                ),
            ));
        }
        if let Some(s) = v.str() {
            if s.trim().is_empty() {
                diags.push(Diagnostic::error_at(
                    path(Args::ENDPOINTS).key(k),
                    "Empty endpoint",
                    "An endpoint override must be a URL such as `https://apig.example.com`.",
                ));
            } else {
                diags.extend(check_endpoint(k, s));
            }
        }
    }
    if let Some(e) = args.auth_url.str().filter(|e| !e.is_empty()) {
        diags.extend(check_auth_url(e, "`auth_url`"));
    }
    diags.extend(credentials::validate(&args, &|k| std::env::var(k).ok()));
    diags
}

/// Resolves config + environment; `env` is injectable for tests.
pub fn resolve(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderConfig, Vec<Diagnostic>> {
    let diags = not_yet_known(config);
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut diags = Vec::new();
    let args: Args = view(config);
    let get = |s: Setting| -> Option<String> {
        (s.in_config(&args).or_else(|| env(s.env_var()))).filter(|s| !s.is_empty())
    };
    let home = env("HOME").map(std::path::PathBuf::from);
    let auth = match credentials::resolve(&args, env, home) {
        Ok(a) => Some(a),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let insecure = insecure(&args, env, &mut diags);
    let max_retries = max_retries(&args, env, &mut diags);
    let request_timeout = request_timeout(&args, env).unwrap_or_else(|d| {
        diags.push(d);
        std::time::Duration::ZERO
    });
    let (apig_endpoint, iam_endpoint, iam_endpoint_setting) =
        endpoints(&args, auth.as_ref(), &mut diags);
    // Values from the environment were not seen by validate.
    let file = |f: fn(&AuthSetup) -> Option<String>| auth.as_ref().and_then(f);
    let own_region = get(Setting::REGION);
    let region = own_region
        .clone()
        .or_else(|| file(|a| a.file_region.clone()));
    let cloud = get(Setting::CLOUD);
    let region_from = match (
        &own_region,
        auth.as_ref().and_then(|a| a.file_source.as_ref()),
    ) {
        (None, Some(f)) => (format!("The region of {}", f.shown), f.attr),
        _ => (source(Args::REGION), Args::REGION),
    };
    check_shapes(region_from, &region, &cloud, &mut diags);
    let project_id = get(Setting::PROJECT_ID).or_else(|| file(|a| a.file_project_id.clone()));
    match auth {
        Some(auth) if diags.is_empty() => Ok(ProviderConfig {
            region,
            project_id,
            auth,
            cloud: cloud.unwrap_or_else(|| DEFAULT_CLOUD.to_string()),
            apig_endpoint,
            iam_endpoint,
            iam_endpoint_setting,
            insecure,
            max_retries,
            request_timeout,
        }),
        _ => Err(diags),
    }
}

/// The provider is configured from known values only.
fn not_yet_known(config: &Value) -> Vec<Diagnostic> {
    (schema().attributes.iter())
        .filter(|a| !config.get(a.name).is_wholly_known())
        .map(|a| Diagnostic::error_at(
            path(a.name),
            "Provider configuration not yet known",
            format!("`{}` depends on a value known only after apply; the provider must be configured from known values.", a.name),
        ))
        .collect()
}

/// How an attribute is named in messages: itself and its variable.
fn source(name: &str) -> String {
    format!("`{name}` (or {})", env_var(name))
}

fn insecure(
    args: &Args,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if let Some(b) = args.insecure.get() {
        return b;
    }
    match env(env_var(Args::INSECURE)).as_deref().map(str::trim) {
        None | Some("") => false,
        Some(s) if s.eq_ignore_ascii_case("true") || s == "1" => true,
        Some(s) if s.eq_ignore_ascii_case("false") || s == "0" => false,
        Some(s) => {
            let var = env_var(Args::INSECURE);
            diags.push(Diagnostic::error(
                format!("Invalid {var}"),
                format!("{var} must be true or false, got {s:?}."),
            ));
            false
        }
    }
}

fn max_retries(
    args: &Args,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> u32 {
    if let Some(n) = args.max_retries.get().and_then(f64_to_i64) {
        return n.clamp(0, 100) as u32;
    }
    let var = env_var(Args::MAX_RETRIES);
    let Some(s) = env(var) else {
        return DEFAULT_MAX_RETRIES;
    };
    match s.trim().parse::<u32>() {
        Ok(n) if n <= 100 => n,
        _ => {
            diags.push(Diagnostic::error(
                format!("Invalid {var}"),
                format!("{var} must be a whole number between 0 and 100, got {s:?}."),
            ));
            DEFAULT_MAX_RETRIES
        }
    }
}

/// The APIG and IAM endpoints (overrides checked), and the setting the IAM
/// one comes from.
fn endpoints(
    args: &Args,
    auth: Option<&AuthSetup>,
    diags: &mut Vec<Diagnostic>,
) -> (Option<String>, Option<String>, &'static str) {
    let endpoint = |key: &str| args.endpoints.known().and_then(|m| m.get(key)?.str());
    let apig_endpoint = endpoint(args::APIG);
    diags.extend(apig_endpoint.and_then(|e| check_endpoint(args::APIG, e)));
    let iam_endpoint = endpoint(args::IAM);
    diags.extend(iam_endpoint.and_then(|e| check_endpoint(args::IAM, e)));
    let iam_endpoint_setting = if iam_endpoint.is_some() {
        "`endpoints.iam`"
    } else {
        "`auth_url` (HW_AUTH_URL)"
    };
    let auth_url = match iam_endpoint {
        Some(_) => None, // `endpoints.iam` wins and was checked above.
        None => auth.and_then(|a| a.auth_url.as_deref()),
    };
    diags.extend(auth_url.and_then(|e| check_auth_url(e, "`auth_url` (or HW_AUTH_URL)")));
    (
        apig_endpoint.map(normalize_endpoint),
        iam_endpoint.or(auth_url).map(normalize_endpoint),
        iam_endpoint_setting,
    )
}

/// Region and cloud become host names: each must have the shape of one.
fn check_shapes(
    region_from: (String, &'static str),
    region: &Option<String>,
    cloud: &Option<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let shapes = [
        (
            Args::REGION,
            region_from,
            region,
            endpoint::is_region_name as fn(&str) -> bool,
            endpoint::REGION_RULE,
        ),
        (
            Args::CLOUD,
            (source(Args::CLOUD), Args::CLOUD),
            cloud,
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
}

/// `request_timeout`, else HW_REQUEST_TIMEOUT (checked here: validate never
/// saw it), else the default.
fn request_timeout(
    args: &Args,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<std::time::Duration, Diagnostic> {
    let in_range = |n: &i64| (1..=MAX_REQUEST_TIMEOUT_SECS).contains(n);
    let secs = match args.request_timeout {
        Tf::Null => match env(env_var(Args::REQUEST_TIMEOUT)).as_deref().map(str::trim) {
            None | Some("") => return Ok(crate::apig::client::DEFAULT_REQUEST_TIMEOUT),
            Some(s) => s.parse::<i64>().ok().filter(in_range).ok_or_else(|| {
                Diagnostic::error_at(
                    path(Args::REQUEST_TIMEOUT),
                    format!("Invalid {}", env_var(Args::REQUEST_TIMEOUT)),
                    format!("{} must be a whole number of seconds from 1 to {MAX_REQUEST_TIMEOUT_SECS}, got {s:?}.", env_var(Args::REQUEST_TIMEOUT)),
                )
            })?,
        },
        t => t.get().and_then(f64_to_i64).filter(in_range).ok_or_else(|| {
            Diagnostic::error_at(
                path(Args::REQUEST_TIMEOUT),
                "Invalid request_timeout",
                format!("`request_timeout` must be a whole number of seconds from 1 to {MAX_REQUEST_TIMEOUT_SECS}, got {}.", t.get().unwrap_or_default()),
            )
        })?,
    };
    Ok(std::time::Duration::from_secs(secs as u64))
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
