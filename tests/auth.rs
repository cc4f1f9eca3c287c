//! End-to-end: authentication (AK/SK signatures, security tokens, IAM
//! tokens), provider configuration from the environment, retries, TLS and
//! what the logs may show. The real `terraform` drives the built provider
//! against the APIG emulator, which verifies every signature.
//! Retries are in `auth/retries.rs`, the logs in `auth/logs.rs`.

mod common;
#[path = "auth/logs.rs"]
mod logs;
#[path = "auth/retries.rs"]
mod retries;

use common::*;
use serde_json::json;

const ADDR: &str = "huaweicloud_apig_vpc_channel.demo";

/// The channel with member 192.168.1.125 weighted 7 instead of 3.
fn reweighted() -> String {
    IP_CHANNEL.replace("weight = 3", "weight = 7")
}

/// `METHOD STATUS` of each recorded request, `METHOD list STATUS` for the
/// collection (list) GET.
fn trail(e: &Emulator) -> Vec<String> {
    e.requests()
        .iter()
        .map(|r| {
            let m = r["method"].as_str().unwrap_or_default();
            let list = m == "GET" && r["path"].as_str().unwrap_or("").ends_with("vpc-channels");
            format!(
                "{m}{} {}",
                if list { " list" } else { "" },
                r["status"].as_u64().unwrap_or(0)
            )
        })
        .collect()
}

/// The status a successful call of each method gets.
fn success_status(method: &str) -> u64 {
    match method {
        "POST" => 201,
        "DELETE" => 204,
        _ => 200,
    }
}

/// Every request the emulator saw authenticated as `kind` and succeeded.
#[track_caller]
fn assert_all_authenticated(e: &Emulator, kind: &str) {
    let reqs = e.requests();
    assert!(!reqs.is_empty(), "no API request recorded");
    for r in &reqs {
        let m = r["method"].as_str().unwrap_or_default();
        assert_eq!(r["auth"], kind, "request not authenticated by {kind}: {r}");
        assert_eq!(
            r["status"].as_u64(),
            Some(success_status(m)),
            "unexpected status: {r}"
        );
        assert_eq!(r["fault"], false, "{r}");
        assert!(
            r["path"]
                .as_str()
                .unwrap_or_default()
                .starts_with(&format!("/v2/{PROJECT}/")),
            "wrong project in path: {r}"
        );
    }
}

/// Number of error diagnostics in Terraform's output.
fn error_count(out: &Output) -> usize {
    out.all().matches("Error: ").count()
}

/// apply, empty plan, in-place weight change, empty plan, destroy.
fn lifecycle(e: &Emulator, tf: &Terraform, provider: &str) {
    tf.write("main.tf", &config_with(provider, IP_CHANNEL));
    tf.apply().ok();
    let v = tf.resource_values(ADDR);
    assert_eq!(v["id"].as_str().map(str::len), Some(32), "{v}");
    assert_eq!(v["vpc_health_config"]["protocol"], "http");
    tf.assert_no_changes();

    tf.write("main.tf", &config_with(provider, &reweighted()));
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout.contains("updated in-place")
            && p.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    tf.apply().ok();
    let v = tf.resource_values(ADDR);
    assert!(
        v["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["host"] == "192.168.1.125" && m["weight"] == 7),
        "{v}"
    );
    tf.assert_no_changes();

    tf.destroy().ok();
    assert!(e.channels().is_empty(), "destroy leaves the emulator empty");
    let methods: Vec<String> = e
        .requests()
        .iter()
        .map(|r| r["method"].as_str().unwrap_or_default().to_string())
        .collect();
    for (m, n) in [("POST", 1), ("PUT", 1), ("DELETE", 1)] {
        assert_eq!(
            methods.iter().filter(|x| *x == m).count(),
            n,
            "{m}: {methods:?}"
        );
    }
}

// ---------------------------------------------------------------- AK/SK

#[test]
fn aksk_lifecycle_every_request_signed() {
    skip_without_terraform!();
    let ak = "AKLIFECYCLE00000001";
    let sk = "sk-lifecycle-7d1f0a9b3c";
    let e = Emulator::start(&["--ak", ak, "--sk", sk]);
    let tf = Terraform::new("aksk");
    lifecycle(&e, &tf, &aksk_provider_block(&e, ak, sk, None));
    assert_all_authenticated(&e, "aksk");
}

#[test]
fn aksk_with_security_token_lifecycle() {
    skip_without_terraform!();
    let st = "st-temporary-4c9e2b77a1";
    let e = Emulator::start(&["--security-token", st]);
    let tf = Terraform::new("akst");
    lifecycle(&e, &tf, &aksk_provider_block(&e, AK, SK, Some(st)));
    assert_all_authenticated(&e, "aksk");
}

#[test]
fn missing_security_token_is_refused_once() {
    skip_without_terraform!();
    let e = Emulator::start(&["--security-token", "st-required-0f0f"]);
    let tf = Terraform::new("nost");
    tf.write(
        "main.tf",
        &config_with(&aksk_provider_block(&e, AK, SK, None), IP_CHANNEL),
    );
    let out = tf.apply();
    assert_eq!(out.code, 1, "{}", out.all());
    let all = out.all();
    assert!(
        all.contains("APIGW.0301") && all.contains("X-Security-Token"),
        "{all}"
    );
    assert_eq!(error_count(&out), 1, "{all}");
    // The first request, the check that the name is free, is refused.
    assert_eq!(trail(&e), ["GET list 401"]);
    assert!(e.channels().is_empty());
}

#[test]
fn wrong_secret_key_is_one_clear_401() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("badsk");
    let wrong = "wrong-secret-key-93be51";
    tf.write(
        "main.tf",
        &config_with(&aksk_provider_block(&e, AK, wrong, None), IP_CHANNEL),
    );
    let out = tf.apply();
    assert_eq!(out.code, 1, "{}", out.all());
    let all = out.all();
    assert_eq!(error_count(&out), 1, "one diagnostic: {all}");
    assert!(all.contains("Failed to create VPC channel"), "{all}");
    assert!(all.contains("HTTP 401"), "{all}");
    assert!(all.contains("APIGW.0301"), "{all}");
    assert!(
        all.contains("signature") && all.contains("secret_key"),
        "{all}"
    );
    assert!(!all.contains(wrong), "the secret key leaked: {all}");
    let reqs = e.requests();
    assert_eq!(reqs.len(), 1, "exactly one request, no retry: {reqs:?}");
    assert_eq!(reqs[0]["auth"], "aksk");
    assert_eq!(reqs[0]["status"], 401);
    assert!(e.channels().is_empty());
}

// ---------------------------------------------------------- environment

#[test]
fn provider_config_from_environment() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("env")
        .env("HW_ACCESS_KEY", AK)
        .env("HW_SECRET_KEY", SK)
        .env("HW_REGION_NAME", "cn-north-4")
        .env("HW_PROJECT_ID", PROJECT)
        .env("HW_MAX_RETRIES", "0");
    let provider = format!(
        "provider \"huaweicloud\" {{\n  endpoints = {{ apig = \"{}\" }}\n}}\n",
        e.url
    );
    tf.write("main.tf", &config_with(&provider, IP_CHANNEL));
    tf.apply().ok();
    let v = tf.resource_values(ADDR);
    assert_eq!(v["project_id"], PROJECT, "{v}");
    assert_eq!(v["region"], "cn-north-4", "{v}");
    tf.assert_no_changes();
    assert_all_authenticated(&e, "aksk");

    // HW_MAX_RETRIES=0: a single 503 is not retried.
    e.clear_requests();
    e.fault(json!({"method": "GET", "status": 503, "count": 1, "retry_after": 0}));
    let out = tf.plan();
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(out.all().contains("HTTP 503"), "{}", out.all());
    assert_eq!(trail(&e), ["GET 503"]);

    e.clear_requests();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
    assert_all_authenticated(&e, "aksk");
}

#[test]
fn provider_config_wins_over_environment() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    // Each of these would break the run if it were used: a wrong secret
    // key, a token next to the configured key pair ("Conflicting
    // credentials"), a project without the gateway, no retries.
    let tf = Terraform::new("cfgwins")
        .env("HW_ACCESS_KEY", "AKFROMENVIRONMENT001")
        .env("HW_SECRET_KEY", "wrong-secret-from-env")
        .env("HW_AUTH_TOKEN", TOKEN)
        .env("HW_PROJECT_ID", "ffffffffffffffffffffffffffffffff")
        .env("HW_REGION_NAME", "ap-southeast-1")
        .env("HW_MAX_RETRIES", "0");
    let provider = provider_block_auth(
        &e,
        &format!("  access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n  max_retries = 2\n"),
    );
    assert!(provider.contains("max_retries = 2"), "{provider}");
    tf.write("main.tf", &config_with(&provider, IP_CHANNEL));
    e.fault(json!({"method": "GET", "status": 503, "count": 1, "retry_after": 0}));
    tf.apply().ok();
    // The create's exact-name lookup (before the POST) outlives the 503.
    assert_eq!(
        trail(&e),
        ["GET list 503", "GET list 200", "POST 201", "GET 200"]
    );
    let v = tf.resource_values(ADDR);
    assert_eq!(v["project_id"], PROJECT, "{v}");
    assert_eq!(v["region"], "cn-north-4", "{v}");
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
    for r in e.requests().iter().filter(|r| r["fault"] == false) {
        assert_eq!(r["auth"], "aksk", "{r}");
        assert!(
            r["path"].as_str().unwrap().contains(PROJECT),
            "configured project wins: {r}"
        );
    }
}

// ------------------------------------------------------------------ TLS

#[test]
fn tls_certificate_is_verified_unless_insecure() {
    skip_without_terraform!();
    let e = Emulator::start(&["--tls"]);
    assert!(e.url.starts_with("https://"), "{}", e.url);
    let tf = Terraform::new("tls");
    let block = |insecure: bool| {
        provider_block_auth(
            &e,
            &format!("  token      = \"{TOKEN}\"\n  insecure   = {insecure}\n"),
        )
    };

    tf.write("main.tf", &config_with(&block(false), IP_CHANNEL));
    let out = tf.apply();
    assert_eq!(out.code, 1, "{}", out.all());
    let all = out.all();
    assert!(all.contains("certificate"), "{all}");
    assert!(all.contains("insecure"), "names the way out: {all}");
    assert_eq!(error_count(&out), 1, "{all}");
    let n = e.requests().len();
    assert!(n <= 1, "no retry storm: {n} requests");
    assert!(e.channels().is_empty());

    e.clear_requests();
    tf.write("main.tf", &config_with(&block(true), IP_CHANNEL));
    tf.apply().ok();
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
    assert_all_authenticated(&e, "token");

    // HW_INSECURE=true when the configuration does not set `insecure`.
    e.clear_requests();
    let tf = Terraform::new("tlsenv").env("HW_INSECURE", "true");
    let block = provider_block_auth(&e, &format!("  token      = \"{TOKEN}\"\n"));
    tf.write("main.tf", &config_with(&block, IP_CHANNEL));
    tf.apply().ok();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
    assert_all_authenticated(&e, "token");
}
