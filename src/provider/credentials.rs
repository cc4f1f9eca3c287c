//! Which credentials the provider uses, from the provider block, then the
//! environment, then the CLI's shared config file; one kind at a time
//! (token, access keys, or password), optionally turned into an agency's
//! temporary keys by `assume_role`.

use std::path::PathBuf;

use crate::apig::client::Credentials;
use crate::iam::models::{Domain, User};
use crate::iam::session::{Agency, Base};
use crate::iam::{DEFAULT_AGENCY_DURATION, MAX_AGENCY_DURATION, MIN_AGENCY_DURATION};
use crate::provider::args::{Args, AssumeRole, Setting};
use crate::provider::config::env_var;
use crate::provider::shared_config;
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::schema::{Attribute, Check, Nesting};
use crate::tfplugin::value::{f64_to_i64, AttrPath, Type};

/// The provider arguments this file resolves (beside token and AK/SK).
pub fn attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional(Args::PROJECT_NAME, Type::String, "Name of the project looked up in IAM when `project_id` is unset. Defaults to the region's name (its default project); sub-projects are named like `cn-north-4_sub`.")
            .env("HW_PROJECT_NAME"),
        Attribute::optional(Args::AUTH_URL, Type::String, "IAM endpoint used for project lookup, password tokens and agencies. Defaults to `https://iam.{region}.{cloud}/v3`; `endpoints = { iam = \"...\" }` sets it too. Must be an absolute `http` or `https` URL without user information, query (`?`) or fragment (`#`).")
            .env("HW_AUTH_URL"),
        Attribute::optional(Args::USER_NAME, Type::String, "Name of the IAM user for password credentials; needs `domain_name` or `domain_id`.")
            .env("HW_USER_NAME"),
        Attribute::optional(Args::USER_ID, Type::String, "ID of the IAM user for password credentials (instead of `user_name`).")
            .env("HW_USER_ID"),
        Attribute::optional(Args::PASSWORD, Type::String, "Password of the IAM user. Exchanged for a project-scoped token, renewed before it expires. A wrong password is never retried: repeated failures lock the user.")
            .sensitive()
            .env("HW_PASSWORD"),
        Attribute::optional(Args::DOMAIN_NAME, Type::String, "Account name of the user for password credentials.")
            .env("HW_DOMAIN_NAME"),
        Attribute::optional(Args::DOMAIN_ID, Type::String, "Account ID of the user for password credentials (instead of `domain_name`).")
            .env("HW_DOMAIN_ID"),
        Attribute::block(Args::ASSUME_ROLE, Nesting::List, vec![
            Attribute::required(AssumeRole::AGENCY_NAME, Type::String, "Name of the agency to assume.")
                .env("HW_ASSUME_ROLE_AGENCY_NAME"),
            Attribute::required(AssumeRole::DOMAIN_NAME, Type::String, "Account that owns the agency.")
                .env("HW_ASSUME_ROLE_DOMAIN_NAME"),
            Attribute::optional(AssumeRole::DURATION, Type::Number, "Lifetime of the temporary keys in seconds. Defaults to `900`; renewed before they expire.")
                .env("HW_ASSUME_ROLE_DURATION")
                .check(Check::Range(MIN_AGENCY_DURATION, MAX_AGENCY_DURATION)),
        ], "Assume an IAM agency: the credentials are exchanged for the agency's temporary keys. Repeat the block for a chain: each agency is assumed with the previous one's keys, and the project is looked up in the last account. The environment variables of its arguments declare one agency."),
        Attribute::optional(Args::SHARED_CONFIG_FILE, Type::String, "Path of the Huawei Cloud CLI's config file (`~/.hcloud/config.json` by default). Read only when this or `profile` is set; it supplies what the provider block and the environment leave unset.")
            .env("HW_SHARED_CONFIG_FILE"),
        Attribute::optional(Args::PROFILE, Type::String, "Profile of the shared config file. Defaults to its `current` profile.")
            .env("HW_PROFILE"),
    ]
}

/// Resolved authentication: what the session is built from.
#[derive(Debug, Clone)]
pub struct AuthSetup {
    pub base: Base,
    pub chain: Vec<Agency>,
    pub project_name: Option<String>,
    pub auth_url: Option<String>,
    /// From the shared file: used when neither config nor environment set them.
    pub file_region: Option<String>,
    pub file_project_id: Option<String>,
    /// The file's profile, for messages about its values.
    pub file_source: Option<FileSource>,
    /// The credential kind and its source, for the lockout message: "the
    /// secret key of access key ABCD… from the environment variable
    /// HW_SECRET_KEY".
    pub described: String,
}

/// Where values from the shared file come from.
#[derive(Debug, Clone)]
pub struct FileSource {
    /// `profile "x" of the shared config file /path`.
    pub shown: String,
    /// The attribute that chose the file or profile.
    pub attr: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Token,
    AkSk,
    Password,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Token => "`token` (HW_AUTH_TOKEN)",
            Kind::AkSk => "`access_key`/`secret_key` (HW_ACCESS_KEY/HW_SECRET_KEY)",
            Kind::Password => {
                "`password` with `user_name` or `user_id` (HW_PASSWORD, HW_USER_NAME, HW_USER_ID)"
            }
        }
    }
}

const KINDS: [(Kind, &[Setting]); 3] = [
    (Kind::Token, &[Setting::TOKEN]),
    (
        Kind::AkSk,
        &[
            Setting::ACCESS_KEY,
            Setting::SECRET_KEY,
            Setting::SECURITY_TOKEN,
        ],
    ),
    (
        Kind::Password,
        &[Setting::PASSWORD, Setting::USER_NAME, Setting::USER_ID],
    ),
];

/// Where a setting's value is looked for: the configuration, the
/// environment, or either.
type Lookup<'a> = &'a dyn Fn(Setting) -> Option<String>;

fn path(name: &str) -> AttrPath {
    AttrPath::root().attr(name)
}

/// The kinds of credentials `get` finds.
fn present(get: Lookup) -> Vec<Kind> {
    KINDS
        .iter()
        .filter(|(_, settings)| settings.iter().any(|s| get(*s).is_some()))
        .map(|(k, _)| *k)
        .collect()
}

fn mixed(kinds: &[Kind], source: &str) -> Diagnostic {
    let names: Vec<&str> = kinds.iter().map(|k| k.what()).collect();
    Diagnostic::error(
        "Conflicting credentials",
        format!("Several kinds of credentials are set in {source}: {}. Use one way of authenticating: `token`, or `access_key` + `secret_key`, or a password.", names.join(" and ")),
    )
}

/// `security_token` alone beside a token is a misplaced temporary key.
fn token_with_sts_only(kinds: &[Kind], get: Lookup) -> bool {
    kinds == [Kind::Token, Kind::AkSk]
        && get(Setting::ACCESS_KEY).is_none()
        && get(Setting::SECRET_KEY).is_none()
}

fn sts_with_token() -> Diagnostic {
    Diagnostic::error_at(
        path(Args::SECURITY_TOKEN),
        "security_token without an access key",
        "`security_token` belongs to temporary access key credentials and needs `access_key` and `secret_key`; it cannot be combined with `token`.",
    )
}

fn missing_domain() -> Diagnostic {
    Diagnostic::error_at(path(Args::DOMAIN_NAME), "Missing domain_name",
        "A `user_name` is only unique within its account: set `domain_name` (HW_DOMAIN_NAME) or `domain_id` (HW_DOMAIN_ID), or use `user_id`.")
}

/// What configure would refuse from the configuration's known values alone
/// (for validate). The environment only fills what the configuration
/// leaves unset, as at configure, so a working setup is never refused.
pub fn validate(args: &Args, env: &dyn Fn(&str) -> Option<String>) -> Vec<Diagnostic> {
    let cfg = |s: Setting| s.in_config(args);
    let kinds = present(&cfg);
    if token_with_sts_only(&kinds, &cfg) {
        return vec![sts_with_token()];
    }
    if kinds.len() > 1 {
        return vec![mixed(&kinds, "the provider configuration")];
    }
    let unset =
        |s: Setting| s.is_null(args) && env(s.env_var()).filter(|s| !s.is_empty()).is_none();
    if cfg(Setting::USER_NAME).is_some()
        && cfg(Setting::PASSWORD).is_some()
        && unset(Setting::USER_ID)
        && unset(Setting::DOMAIN_NAME)
        && unset(Setting::DOMAIN_ID)
    {
        return vec![missing_domain()];
    }
    Vec::new()
}

pub fn resolve(
    args: &Args,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<PathBuf>,
) -> Result<AuthSetup, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let cfg = |s: Setting| s.in_config(args);
    let envv = |var: &str| env(var).filter(|s| !s.is_empty());
    let from_env = |s: Setting| envv(s.env_var());
    let either = |s: Setting| cfg(s).or_else(|| from_env(s));
    let in_cfg = present(&cfg);
    let in_env = present(&from_env);

    let (file, file_source) = shared_file(
        either(Setting::SHARED_CONFIG_FILE),
        either(Setting::PROFILE),
        home,
    )
    .map_err(|d| vec![d])?;
    let kind = credential_kind(&in_cfg, &in_env, &cfg, &from_env).map_err(|d| vec![d])?;
    let base = base_credentials(kind, &either, file.as_ref(), &mut diags);
    let chain = agencies(args, &envv, file.as_ref(), &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    let Some(base) = base else {
        // Every path that leaves no credentials reports why; never fail silently.
        return Err(vec![Diagnostic::error(
            "No credentials for Huawei Cloud",
            "Internal error: no credentials were resolved and no reason was recorded.",
        )]);
    };
    let described = describe(&base, &cfg, &either, file_source.as_ref(), &chain);
    Ok(AuthSetup {
        described,
        base,
        chain,
        project_name: either(Setting::PROJECT_NAME),
        auth_url: either(Setting::AUTH_URL),
        file_region: file.as_ref().and_then(|f| f.region.clone()),
        file_project_id: file.as_ref().and_then(|f| f.project_id.clone()),
        file_source,
    })
}

/// The credential kind and where its secret came from: the provider
/// argument, the environment variable, or the shared file's profile.
fn describe(
    base: &Base,
    cfg: Lookup,
    either: Lookup,
    file: Option<&FileSource>,
    chain: &[Agency],
) -> String {
    let from = |s: Setting| match (cfg(s), either(s), file) {
        (Some(_), _, _) => format!("the provider argument `{}`", s.name),
        (None, None, Some(f)) => f.shown.clone(),
        _ => format!("the environment variable {}", s.env_var()),
    };
    let kind = match base {
        Base::Static(Credentials::Token(_)) => {
            format!("the IAM token from {}", from(Setting::TOKEN))
        }
        Base::Static(Credentials::AkSk { ak, .. }) => {
            let ak: String = ak.chars().take(4).collect();
            format!(
                "the secret key of access key {ak}… from {}",
                from(Setting::SECRET_KEY)
            )
        }
        Base::Password { user, .. } => {
            let who = match user {
                User::Id(id) => format!("user ID {id}"),
                User::Name { name, .. } => format!("user {name:?}"),
            };
            format!("the password of IAM {who} from {}", from(Setting::PASSWORD))
        }
    };
    match chain.first() {
        Some(a) => format!("{kind} (assuming agency {:?})", a.agency_name),
        None => kind,
    }
}

/// The shared config file's profile, read only when asked for.
fn shared_file(
    file_path: Option<String>,
    profile: Option<String>,
    home: Option<PathBuf>,
) -> Result<(Option<shared_config::Profile>, Option<FileSource>), Diagnostic> {
    let at = if file_path.is_some() && profile.is_none() {
        Args::SHARED_CONFIG_FILE
    } else {
        Args::PROFILE
    };
    if file_path.is_none() && profile.is_none() {
        return Ok((None, None));
    }
    {
        let p = shared_config::expand(
            file_path.as_deref().unwrap_or(shared_config::DEFAULT_PATH),
            home.as_deref(),
        );
        match shared_config::read(&p, profile.as_deref()) {
            Ok(f) => {
                let source = FileSource {
                    shown: format!(
                        "profile {:?} of the shared config file {}",
                        f.name,
                        p.display()
                    ),
                    attr: at,
                };
                Ok((Some(f), Some(source)))
            }
            Err(e) => Err(Diagnostic::error_at(
                path(at),
                "Cannot use the shared config file",
                e,
            )),
        }
    }
}

/// Which kind of credentials is configured, and where: the provider
/// configuration wins over the environment; two kinds at once are an error.
fn credential_kind(
    in_cfg: &[Kind],
    in_env: &[Kind],
    cfg: Lookup,
    from_env: Lookup,
) -> Result<Option<(Kind, &'static str)>, Diagnostic> {
    Ok(match (in_cfg, in_env) {
        (k, _) if token_with_sts_only(k, cfg) => {
            return Err(sts_with_token());
        }
        ([one], _) => Some((
            *one,
            "the provider configuration (with environment fallbacks)",
        )),
        ([], k) if token_with_sts_only(k, from_env) => {
            return Err(Diagnostic::error_at(
                path(Args::SECURITY_TOKEN),
                "security_token without an access key",
                format!(
                    "{} belongs to temporary access key credentials and needs {} and {}; it cannot be combined with {}.",
                    env_var(Args::SECURITY_TOKEN),
                    env_var(Args::ACCESS_KEY),
                    env_var(Args::SECRET_KEY),
                    env_var(Args::TOKEN),
                ),
            ));
        }
        ([], [one]) => Some((*one, "the environment")),
        ([], []) => None,
        ([], many) => {
            return Err(mixed(many, "the environment"));
        }
        (many, _) => {
            return Err(mixed(many, "the provider configuration"));
        }
    })
}

/// The credentials of `kind`, or the shared file's when none is set.
fn base_credentials(
    kind: Option<(Kind, &str)>,
    either: Lookup,
    file: Option<&shared_config::Profile>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Base> {
    match kind {
        Some((Kind::Token, _)) => {
            either(Setting::TOKEN).map(|t| Base::Static(Credentials::Token(t)))
        }
        Some((Kind::AkSk, source)) => {
            let ak = either(Setting::ACCESS_KEY);
            let sk = either(Setting::SECRET_KEY);
            match (ak, sk) {
                (Some(ak), Some(sk)) => Some(Base::Static(Credentials::AkSk {
                    ak,
                    sk,
                    security_token: either(Setting::SECURITY_TOKEN),
                })),
                (Some(_), None) => {
                    diags.push(Diagnostic::error_at(path(Args::SECRET_KEY), "Missing secret_key",
                        format!("`access_key` is set in {source} but `secret_key` (HW_SECRET_KEY) is not; both are needed to sign requests.")));
                    None
                }
                _ => {
                    diags.push(Diagnostic::error_at(path(Args::ACCESS_KEY), "Missing access_key",
                        format!("`secret_key` or `security_token` is set in {source} but `access_key` (HW_ACCESS_KEY) is not; both `access_key` and `secret_key` are needed to sign requests.")));
                    None
                }
            }
        }
        Some((Kind::Password, source)) => password(either, source, diags),
        None => match file.and_then(|f| f.credentials.clone()) {
            Some(c) => Some(Base::Static(c)),
            None => {
                let from_file = file
                    .map(|f| {
                        format!(
                            " The profile {:?} of the shared config file has no keys either.",
                            f.name
                        )
                    })
                    .unwrap_or_default();
                diags.push(Diagnostic::error(
                    "No credentials for Huawei Cloud",
                    format!("The provider found no credentials. Set one of: `access_key` and `secret_key` (environment: HW_ACCESS_KEY and HW_SECRET_KEY, plus HW_SECURITY_TOKEN for temporary keys) to sign requests; `token` (environment: HW_AUTH_TOKEN) to send an IAM token; `password` with `user_name` and `domain_name`, or `user_id` (HW_PASSWORD, HW_USER_NAME, HW_DOMAIN_NAME, HW_USER_ID); or `shared_config_file`/`profile` (HW_SHARED_CONFIG_FILE, HW_PROFILE) to read the Huawei Cloud CLI's config file.{from_file}"),
                ));
                None
            }
        },
    }
}

fn password(either: Lookup, source: &str, diags: &mut Vec<Diagnostic>) -> Option<Base> {
    let Some(password) = either(Setting::PASSWORD) else {
        diags.push(Diagnostic::error_at(
            path(Args::PASSWORD),
            "Missing password",
            format!(
                "`user_name` or `user_id` is set in {source} but `password` (HW_PASSWORD) is not."
            ),
        ));
        return None;
    };
    let domain = either(Setting::DOMAIN_NAME)
        .map(Domain::Name)
        .or_else(|| either(Setting::DOMAIN_ID).map(Domain::Id));
    let user = match (either(Setting::USER_ID), either(Setting::USER_NAME), domain) {
        (Some(id), _, _) => User::Id(id),
        (None, Some(name), Some(domain)) => User::Name { name, domain },
        (None, Some(_), None) => {
            diags.push(missing_domain());
            return None;
        }
        (None, None, _) => {
            diags.push(Diagnostic::error_at(path(Args::USER_NAME), "Missing user_name",
                format!("`password` is set in {source} but no user: set `user_name` (HW_USER_NAME) with `domain_name`, or `user_id` (HW_USER_ID).")));
            return None;
        }
    };
    Some(Base::Password { user, password })
}

/// The environment variable of an `assume_role` argument.
fn assume_role_var(name: &str) -> &'static str {
    env_var(&format!("{}.{name}", Args::ASSUME_ROLE))
}

fn agencies(
    args: &Args,
    envv: &dyn Fn(&str) -> Option<String>,
    file: Option<&shared_config::Profile>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Agency> {
    let blocks = args.assume_role.items();
    let text = |t: &crate::tfplugin::typed::Tf<String>| t.str().unwrap_or_default().to_string();
    let configured: Vec<Agency> = blocks
        .map(|b| Agency {
            agency_name: text(&b.agency_name),
            domain: Domain::Name(text(&b.domain_name)),
            duration: (b.duration.get().and_then(f64_to_i64)).unwrap_or(DEFAULT_AGENCY_DURATION),
        })
        .collect();
    if !configured.is_empty() {
        return configured;
    }
    let (agency_var, domain_var, duration_var) = (
        assume_role_var(AssumeRole::AGENCY_NAME),
        assume_role_var(AssumeRole::DOMAIN_NAME),
        assume_role_var(AssumeRole::DURATION),
    );
    if let Some(name) = envv(agency_var) {
        let Some(domain) = envv(domain_var) else {
            diags.push(Diagnostic::error(format!("Missing {domain_var}"),
                format!("{agency_var} is set but {domain_var}, the account that owns the agency, is not.")));
            return Vec::new();
        };
        let duration = match envv(duration_var) {
            None => DEFAULT_AGENCY_DURATION,
            Some(s) => match s.trim().parse::<i64>() {
                Ok(n) if (MIN_AGENCY_DURATION..=MAX_AGENCY_DURATION).contains(&n) => n,
                _ => {
                    diags.push(Diagnostic::error(format!("Invalid {duration_var}"),
                        format!("{duration_var} must be a whole number of seconds between {MIN_AGENCY_DURATION} and {MAX_AGENCY_DURATION}, got {s:?}.")));
                    DEFAULT_AGENCY_DURATION
                }
            },
        };
        return vec![Agency {
            agency_name: name,
            domain: Domain::Name(domain),
            duration,
        }];
    }
    if let Some(f) = file {
        if let Some(name) = &f.agency_name {
            let domain = f
                .agency_domain_name
                .clone()
                .map(Domain::Name)
                .or_else(|| f.agency_domain_id.clone().map(Domain::Id));
            match domain {
                Some(domain) => {
                    return vec![Agency {
                        agency_name: name.clone(),
                        domain,
                        duration: DEFAULT_AGENCY_DURATION,
                    }]
                }
                None => diags.push(Diagnostic::error_at(path(Args::PROFILE), "Incomplete agency in the shared config file",
                    format!("Profile {:?} names the agency {name:?} but neither agencyDomainName nor agencyDomainId.", f.name))),
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::tfplugin::typed::view;
    use crate::tfplugin::value::Value;

    fn cfg(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (*k, v.clone())))
    }

    #[test]
    fn validate_checks_known_values_as_configure_would() {
        let s = Value::string;
        let none = |_: &str| None;
        let titles = |c: &Value, env: &dyn Fn(&str) -> Option<String>| -> Vec<String> {
            let validate = |c: &Value, env| super::validate(&view(c), env);
            validate(c, env).into_iter().map(|d| d.summary).collect()
        };
        let token_pw = cfg(&[("token", s("t")), ("password", s("p"))]);
        assert_eq!(titles(&token_pw, &none), ["Conflicting credentials"]);
        let user = cfg(&[("user_name", s("u")), ("password", s("p"))]);
        assert_eq!(titles(&user, &none), ["Missing domain_name"]);
        let domain = |k: &str| (k == "HW_DOMAIN_NAME").then(|| "d".to_string());
        assert!(
            titles(&user, &domain).is_empty(),
            "the environment fills it"
        );
        for fine in [
            cfg(&[("token", Value::Unknown), ("password", s("p"))]),
            cfg(&[
                ("user_name", s("u")),
                ("password", s("p")),
                ("domain_id", Value::Unknown),
            ]),
            cfg(&[
                ("user_name", s("u")),
                ("password", s("p")),
                ("user_id", s("i")),
            ]),
            cfg(&[("token", s("t")), ("domain_name", s("d"))]),
        ] {
            assert!(titles(&fine, &none).is_empty(), "{fine:?}");
        }
    }
}
