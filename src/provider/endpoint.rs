//! Where credentials may be sent: shape checks of `region` and `cloud`, the
//! default service URLs built from them, and `endpoints.*` overrides.
//!
//! `region` and `cloud` go into a host name; unchecked, `region =
//! "evil.example/"` would send the credentials to `apig.evil.example`.

use reqwest::Url;

/// A region name such as `cn-north-4`: one DNS label of lower-case letters,
/// digits and hyphens, starting with a letter and not ending with a hyphen.
pub fn is_region_name(s: &str) -> bool {
    s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub const REGION_RULE: &str =
    "a region name: lower-case letters, digits and hyphens (-), such as `cn-north-4`";

/// A DNS name such as `myhuaweicloud.com`: at most 253 characters of
/// dot-separated labels (1 to 63 lower-case letters, digits or hyphens,
/// not starting or ending with a hyphen).
pub fn is_dns_name(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

pub const CLOUD_RULE: &str =
    "a DNS name of lower-case letters, digits, hyphens (-) and dots, such as `myhuaweicloud.com`";

/// `https://{service}.{region}.{cloud}`, refused unless the parsed URL is
/// exactly that host: no user info, port, path, query or fragment.
pub fn service_url(service: &str, region: &str, cloud: &str) -> Result<String, String> {
    if !is_region_name(region) {
        return Err(format!("`region` must be {REGION_RULE}, got {region:?}"));
    }
    if !is_dns_name(cloud) {
        return Err(format!("`cloud` must be {CLOUD_RULE}, got {cloud:?}"));
    }
    let host = format!("{service}.{region}.{cloud}");
    let url = Url::parse(&format!("https://{host}"))
        .map_err(|e| format!("`region` {region:?} and `cloud` {cloud:?} give no valid URL: {e}"))?;
    let exact = url.host_str() == Some(host.as_str())
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    if !exact {
        return Err(format!(
            "`region` {region:?} and `cloud` {cloud:?} do not give the host {host:?}"
        ));
    }
    Ok(format!("https://{host}"))
}

/// Adds `https://` when no scheme is given and drops trailing slashes.
pub fn normalize(e: &str) -> String {
    let e = e.trim();
    let with_scheme = if e.contains("://") {
        e.to_string()
    } else {
        format!("https://{e}")
    };
    with_scheme.trim_end_matches('/').to_string()
}

pub const USER_INFO: &str = "must not contain user information (`user:password@`)";
pub const QUERY: &str = "must not have a query (`?...`) or fragment (`#...`)";

/// Whether a check failure may quote a secret if the value is shown.
pub fn may_hold_secret(why: &str) -> bool {
    why == USER_INFO || why == QUERY
}

/// An `endpoints.*` override (already normalised) must be an absolute
/// `http(s)` URL with a host and without user information, query or
/// fragment (request paths and signed queries are appended to it).
pub fn check_override(e: &str) -> Result<(), String> {
    // The URL is not echoed back: it may hold a password.
    let url = Url::parse(e).map_err(|err| format!("is not a valid URL ({err})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must use the scheme `http` or `https`, not `{}`",
            url.scheme()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(USER_INFO.into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(QUERY.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in [
            "cn-north-4",
            "eu-west-101",
            "ap-southeast-1",
            "la-south-2",
            "x",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example/",
            "evil.example\\",
            "cn-north-4.evil.com",
            "a@b",
            "a:1",
            "a?b",
            "a#b",
            "CN-NORTH-4",
            "-cn",
            "cn-",
            "4cn",
            "cn north",
            "cn%2e",
            &"a".repeat(64),
        ] {
            assert!(!is_region_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn dns_names() {
        for ok in [
            "myhuaweicloud.com",
            "myhuaweicloud.eu",
            "example.org",
            "a-b.c1",
        ] {
            assert!(is_dns_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "a..b",
            "example.com.",
            "evil.example/x",
            "evil.example\\x",
            "user@evil.example",
            "evil.example:443",
            "evil.example?x",
            "-a.com",
            "a-.com",
            "Example.com",
            "ex ample.com",
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert!(!is_dns_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn service_urls_are_exact_hosts() {
        assert_eq!(
            service_url("apig", "cn-north-4", "myhuaweicloud.com").unwrap(),
            "https://apig.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            service_url("iam", "eu-west-101", "myhuaweicloud.eu").unwrap(),
            "https://iam.eu-west-101.myhuaweicloud.eu"
        );
        // The redirections of the security review.
        for (region, cloud) in [
            ("evil.example/", "myhuaweicloud.com"),
            ("evil.example\\", "myhuaweicloud.com"),
            ("x@evil.example", "myhuaweicloud.com"),
            ("cn-north-4", "evil.example:8443"),
            ("cn-north-4", "evil.example/x"),
            ("cn-north-4", "evil.example?"),
            ("cn-north-4", "evil.example#"),
        ] {
            let e = service_url("apig", region, cloud).unwrap_err();
            assert!(e.contains("`region`") || e.contains("`cloud`"), "{e}");
        }
    }

    #[test]
    fn overrides() {
        for ok in [
            "http://127.0.0.1:8080",
            "https://apig.example.com/prefix",
            "https://[::1]:9",
        ] {
            assert_eq!(check_override(ok), Ok(()), "{ok}");
        }
        assert_eq!(normalize("127.0.0.1:8080/"), "https://127.0.0.1:8080");
        for bad in [
            "ftp://h",
            "file:///etc/passwd",
            "http://user:pw@h",
            "http://user@h",
            "https://",
            "http://a b",
            "https://h/x?pw=1",
            "https://h?",
            "https://h/#pw",
        ] {
            let e = check_override(bad).unwrap_err();
            assert!(!e.contains("pw"), "{e}");
        }
        for q in ["https://h/x?a=1", "https://h?", "https://h/#f", "h/v3?x#y"] {
            assert_eq!(check_override(&normalize(q)), Err(QUERY.into()), "{q}");
        }
    }

    mod config_checks {
        use crate::provider::config::{resolve, schema, validate};
        use crate::tfplugin::value::{AttrPath, Value};
        use std::collections::BTreeMap;

        fn cfg(pairs: &[(&str, Value)]) -> Value {
            Value::object(schema().attributes.iter().map(|a| {
                let v = pairs
                    .iter()
                    .find(|(k, _)| *k == a.name)
                    .map(|(_, v)| v.clone());
                (a.name, v.unwrap_or(Value::Null))
            }))
        }

        fn endpoints(e: &str) -> Value {
            Value::Map(BTreeMap::from([("apig".to_string(), Value::string(e))]))
        }

        #[test]
        fn validate_names_the_attribute() {
            for (attr, value) in [
                ("region", Value::string("evil.example/")),
                ("region", Value::string("evil.example\\")),
                ("cloud", Value::string("evil.example/x")),
                ("cloud", Value::string("evil.example:443")),
            ] {
                let d = validate(&cfg(&[(attr, value.clone())]));
                assert_eq!(d.len(), 1, "{value:?}: {d:?}");
                assert_eq!(d[0].path, Some(AttrPath::root().attr(attr)), "{d:?}");
                assert!(d[0].detail.contains("must be"), "{d:?}");
            }
            for bad in ["ftp://h", "http://u:secretpw@h", "http://u@h:1", "http://"] {
                let d = validate(&cfg(&[("endpoints", endpoints(bad))]));
                assert_eq!(d.len(), 1, "{bad}: {d:?}");
                assert!(d[0].detail.starts_with("endpoints[\"apig\"] "), "{d:?}");
                assert!(!d[0].detail.contains("secretpw"), "{d:?}");
                // No path for a password: Terraform would quote the line.
                let at = Some(AttrPath::root().attr("endpoints").key("apig"));
                let expected = if bad.contains('@') { None } else { at };
                assert_eq!(d[0].path, expected, "{d:?}");
            }
            for ok in ["127.0.0.1:8080", "http://localhost:1/x"] {
                assert!(validate(&cfg(&[("endpoints", endpoints(ok))])).is_empty());
                assert!(validate(&cfg(&[("auth_url", Value::string(ok))])).is_empty());
            }
        }

        #[test]
        fn query_or_fragment_is_refused_at_validate_and_configure() {
            for bad in ["https://h/x?secretpw=1", "h#frag", "https://h/v3?"] {
                let d = validate(&cfg(&[("endpoints", endpoints(bad))]));
                assert_eq!(d.len(), 1, "{bad}: {d:?}");
                assert!(d[0]
                    .detail
                    .starts_with("endpoints[\"apig\"] must not have a query"));
                let d = validate(&cfg(&[("auth_url", Value::string(bad))]));
                assert_eq!(d.len(), 1, "{bad}: {d:?}");
                assert!(d[0].detail.starts_with("`auth_url` must not have a query"));
                // A query may hold a secret: no path to quote the line by.
                assert_eq!(d[0].path, None);
                assert!(!d[0].detail.contains("secretpw"), "{d:?}");
                let token = [("token", Value::string("t"))];
                let env = |k: &str| (k == "HW_AUTH_URL").then(|| bad.to_string());
                let d = resolve(&cfg(&token), &env).unwrap_err();
                assert_eq!(d.len(), 1, "{bad}: {d:?}");
                assert!(d[0]
                    .detail
                    .starts_with("`auth_url` (or HW_AUTH_URL) must not have a query"));
                let iam = Value::Map(BTreeMap::from([("iam".to_string(), Value::string(bad))]));
                let d = resolve(&cfg(&[token[0].clone(), ("endpoints", iam)]), &|_| None);
                let d = d.unwrap_err();
                assert_eq!(d.len(), 1, "{bad}: {d:?}");
                assert!(d[0]
                    .detail
                    .starts_with("endpoints[\"iam\"] must not have a query"));
            }
            let fine = cfg(&[
                ("region", Value::string("cn-north-4")),
                ("cloud", Value::string("example.org")),
            ]);
            assert!(validate(&fine).is_empty());
        }

        #[test]
        fn endpoint_settings_are_named() {
            let token = [("token", Value::string("t"))];
            let c = resolve(&cfg(&token), &|_| None).unwrap();
            assert_eq!(c.apig_endpoint_setting(None), "no setting");
            let s = c.apig_endpoint_setting(Some("eu-west-101"));
            assert_eq!(s, "`region` (\"eu-west-101\") and `cloud` (\"myhuaweicloud.eu\"); `endpoints.apig` overrides it");
            let c = resolve(
                &cfg(&[
                    ("token", Value::string("t")),
                    ("endpoints", endpoints("http://127.0.0.1:1")),
                ]),
                &|k| (k == "HW_AUTH_URL").then(|| "http://127.0.0.1:2/v3".into()),
            )
            .unwrap();
            assert_eq!(
                c.apig_endpoint_setting(Some("cn-north-4")),
                "`endpoints.apig`"
            );
            assert_eq!(c.iam_endpoint_setting, "`auth_url` (HW_AUTH_URL)");
            let iam = Value::Map(BTreeMap::from([("iam".to_string(), Value::string("h"))]));
            let c = resolve(
                &cfg(&[("token", Value::string("t")), ("endpoints", iam)]),
                &|_| None,
            )
            .unwrap();
            assert_eq!(c.iam_endpoint_setting, "`endpoints.iam`");
        }

        #[test]
        fn request_timeout_from_config_or_environment() {
            use std::time::Duration;
            let with = |v: Option<Value>, env: Option<&str>| {
                let mut pairs = vec![("token", Value::string("t"))];
                pairs.extend(v.map(|v| ("request_timeout", v)));
                let env = env.map(str::to_string);
                resolve(&cfg(&pairs), &move |k| {
                    (k == "HW_REQUEST_TIMEOUT").then(|| env.clone()).flatten()
                })
                .map(|c| c.request_timeout)
            };
            assert_eq!(with(None, None).unwrap(), Duration::from_secs(20));
            assert_eq!(with(None, Some(" 7 ")).unwrap(), Duration::from_secs(7));
            // Config wins over the environment.
            assert_eq!(
                with(Some(Value::int(3)), Some("9")).unwrap(),
                Duration::from_secs(3)
            );
            for bad in ["0", "601", "1.5", "-1", "soon"] {
                let e = with(None, Some(bad)).unwrap_err();
                assert_eq!(e[0].path, Some(AttrPath::root().attr("request_timeout")));
                assert!(
                    e[0].detail.contains(
                        "HW_REQUEST_TIMEOUT must be a whole number of seconds from 1 to 600"
                    ),
                    "{e:?}"
                );
            }
            for bad in [Value::int(0), Value::int(601), Value::Number(0.5)] {
                let e = with(Some(bad), None).unwrap_err();
                assert!(e[0].detail.contains("`request_timeout` must be"), "{e:?}");
                let d = validate(&cfg(&[("request_timeout", Value::int(0))]));
                assert_eq!(d[0].path, Some(AttrPath::root().attr("request_timeout")));
            }
        }

        #[test]
        fn resource_region_is_checked() {
            use crate::provider::vpc_channel;
            let with = |r: &str| {
                Value::object(vpc_channel::schema::schema().attributes.iter().map(|a| {
                    let v = if a.name == "region" {
                        Value::string(r)
                    } else {
                        Value::Null
                    };
                    (a.name, v)
                }))
            };
            let at_region = |r: &str| {
                vpc_channel::validate(&with(r))
                    .into_iter()
                    .filter(|d| d.path == Some(AttrPath::root().attr("region")))
                    .count()
            };
            assert_eq!(at_region("evil.example/"), 1);
            assert_eq!(at_region("a\\b"), 1);
            assert_eq!(at_region("cn-north-4"), 0);
        }

        #[test]
        fn bad_region_from_the_shared_file_names_the_file_and_profile() {
            let f = std::env::temp_dir().join(format!("hcloud-region-{}.json", std::process::id()));
            let body = r#"{"current": "dev", "profiles": [{"name": "dev", "mode": "AKSK",
              "accessKeyId": "AKDEV00001", "secretAccessKey": "sk", "region": "evil.example/"}]}"#;
            std::fs::write(&f, body).unwrap();
            let shown = f.display().to_string();
            let file = [("shared_config_file", Value::string(&shown))];
            let e = resolve(&cfg(&file), &|_| None).unwrap_err();
            let _ = std::fs::remove_file(&f);
            assert_eq!(e.len(), 1, "{e:?}");
            assert_eq!(e[0].path, Some(AttrPath::root().attr("shared_config_file")));
            let want = format!("The region of profile \"dev\" of the shared config file {shown} must be a region name");
            assert!(e[0].detail.starts_with(&want), "{e:?}");
            assert!(!e[0].detail.contains("HW_REGION_NAME"), "{e:?}");
        }

        #[test]
        fn configure_checks_environment_values() {
            let token = [("token", Value::string("t"))];
            for (var, value, attr) in [
                ("HW_REGION_NAME", "evil.example/", "region"),
                ("HW_REGION_NAME", "x\\y", "region"),
                ("HW_CLOUD", "evil.example/", "cloud"),
                ("HW_CLOUD", "a@b", "cloud"),
            ] {
                let env = |k: &str| (k == var).then(|| value.to_string());
                let e = resolve(&cfg(&token), &env).unwrap_err();
                assert_eq!(e.len(), 1, "{e:?}");
                assert_eq!(e[0].path, Some(AttrPath::root().attr(attr)));
                assert!(e[0].detail.contains(var), "{e:?}");
            }
            // An endpoint only known at configure is checked there.
            let e = resolve(
                &cfg(&[
                    ("token", Value::string("t")),
                    ("endpoints", endpoints("http://u:p@h")),
                ]),
                &|_| None,
            )
            .unwrap_err();
            assert!(e[0].detail.contains("user information"), "{e:?}");
            let c = resolve(&cfg(&token), &|k| {
                (k == "HW_REGION_NAME").then(|| "cn-north-4".to_string())
            })
            .unwrap();
            assert_eq!(
                c.base_url(None).unwrap().as_deref(),
                Some("https://apig.cn-north-4.myhuaweicloud.com")
            );
        }
    }
}
