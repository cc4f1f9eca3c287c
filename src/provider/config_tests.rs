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
    assert!(matches!(c.auth.base, Base::Static(Credentials::AkSk { ref sk, .. }) if sk == "SK"));
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
