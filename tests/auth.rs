//! End-to-end: authentication (AK/SK signatures, security tokens, IAM
//! tokens), provider configuration from the environment, retries, TLS and
//! what the logs may show. The real `terraform` drives the built provider
//! against the APIG emulator, which verifies every signature.

mod common;

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

// -------------------------------------------------------------- retries

/// 429 (with Retry-After), 500, 502, 503 and 504 on GET, PUT and DELETE and
/// 429 on POST are retried; the requests seen match the policy exactly.
/// With AK/SK, so every retry must be signed afresh (body included).
#[test]
fn transient_errors_are_retried_on_every_method() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("retry");
    let provider = aksk_provider_block(&e, AK, SK, None);
    tf.write("main.tf", &config_with(&provider, IP_CHANNEL));

    // Create: the check that the name is free outlives two 503s, then a
    // throttled POST waits for Retry-After.
    e.fault(json!({"method": "POST", "status": 429, "count": 1, "retry_after": 1}));
    e.fault(json!({"method": "GET", "status": 503, "count": 2}));
    tf.apply().ok();
    assert_eq!(
        trail(&e),
        [
            "GET list 503",
            "GET list 503",
            "GET list 200",
            "POST 429",
            "POST 201",
            "GET 200"
        ]
    );
    let reqs = e.requests();
    let waited = reqs[4]["at_ms"].as_i64().unwrap() - reqs[3]["at_ms"].as_i64().unwrap();
    assert!(waited >= 950, "Retry-After: 1 not honoured ({waited} ms)");
    assert!(e.faults_left().is_empty());
    assert_eq!(e.channels().len(), 1);

    // Plan: the refresh outlives a 500 and a 429 with Retry-After: 0.
    e.clear_requests();
    e.fault(json!({"method": "GET", "status": 500, "count": 1}));
    e.fault(json!({"method": "GET", "status": 429, "count": 1, "retry_after": 0}));
    tf.assert_no_changes();
    assert_eq!(trail(&e), ["GET 500", "GET 429", "GET 200"]);

    // Update: PUT is idempotent (a full overwrite), so 502 and 504 are retried.
    e.clear_requests();
    tf.write("main.tf", &config_with(&provider, &reweighted()));
    e.fault(json!({"method": "PUT", "status": 502, "count": 1}));
    e.fault(json!({"method": "PUT", "status": 504, "count": 1}));
    tf.apply().ok();
    assert_eq!(
        trail(&e),
        ["GET 200", "PUT 502", "PUT 504", "PUT 200", "GET 200"]
    );
    tf.assert_no_changes();

    // Destroy: DELETE outlives two 503s (Retry-After: 0).
    e.clear_requests();
    e.fault(json!({"method": "DELETE", "status": 503, "count": 2, "retry_after": 0}));
    tf.destroy().ok();
    assert_eq!(
        trail(&e),
        ["GET 200", "DELETE 503", "DELETE 503", "DELETE 204"]
    );
    assert!(e.channels().is_empty());
    assert!(e.faults_left().is_empty());
    for r in e.requests().iter().filter(|r| r["fault"] == false) {
        assert_eq!(r["auth"], "aksk", "{r}");
    }
}

/// A create answered 500 may have been applied: it is not resent blindly;
/// the provider looks the channel up by name, finds none, and creates it.
#[test]
fn create_500_looks_up_by_name_before_creating_again() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("post500");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    e.fault(json!({"method": "POST", "status": 500, "count": 1}));
    tf.apply().ok();
    assert_eq!(
        trail(&e),
        [
            "GET list 200",
            "POST 500",
            "GET list 200",
            "POST 201",
            "GET 200"
        ]
    );
    let lookup = &e.requests()[2];
    assert_eq!(lookup["query"]["name"], "VPC_demo", "{lookup}");
    assert_eq!(lookup["query"]["precise_search"], "name", "{lookup}");
    assert_eq!(e.channels().len(), 1, "exactly one channel");
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}

/// A create whose answer is lost after the server committed it: the
/// provider finds the channel by name and adopts it instead of creating a
/// second one.
#[test]
fn create_lost_after_commit_is_adopted() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("adopt");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    e.fault(json!({"method": "POST", "drop_after_commit": true, "count": 1}));
    tf.apply().ok();
    assert_eq!(
        trail(&e),
        ["GET list 200", "POST 201", "GET list 200", "GET 200"]
    );
    let reqs = e.requests();
    assert_eq!(reqs[0]["query"]["precise_search"], "name");
    assert_eq!(reqs[1]["dropped"], true, "{:?}", reqs[1]);
    assert_eq!(reqs[2]["query"]["precise_search"], "name");
    let chans = e.channels();
    assert_eq!(chans.len(), 1, "exactly one channel: {chans:?}");
    let id = tf.resource_values(ADDR)["id"].as_str().unwrap().to_string();
    assert_eq!(
        chans[0]["id"],
        id.as_str(),
        "the committed channel is adopted"
    );
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}

/// A create that keeps failing with 500: every attempt is preceded by a
/// lookup by name, and the provider gives up after `max_retries` retries
/// with an error naming HTTP 500; nothing is left behind.
#[test]
fn create_failing_500_gives_up_after_max_retries() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("post500x");
    let provider = provider_block_auth(
        &e,
        &format!("  token      = \"{TOKEN}\"\n  max_retries = 2\n"),
    );
    tf.write("main.tf", &config_with(&provider, IP_CHANNEL));
    e.fault(json!({"method": "POST", "status": 500, "count": 0}));
    let out = tf.apply();
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(out.all().contains("HTTP 500"), "{}", out.all());
    assert_eq!(error_count(&out), 1, "{}", out.all());
    assert_eq!(
        trail(&e),
        [
            "GET list 200",
            "POST 500",
            "GET list 200",
            "POST 500",
            "GET list 200",
            "POST 500",
            "GET list 200"
        ]
    );
    assert!(e.channels().is_empty());
    let s = tf.state_json();
    assert!(
        s["values"]["root_module"]["resources"]
            .as_array()
            .is_none_or(|r| r.is_empty()),
        "nothing in state: {s}"
    );
}

/// `max_retries = 0`: one attempt; a single 503 fails with a clear error.
#[test]
fn max_retries_zero_means_a_single_attempt() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("noretry");
    let provider = provider_block_auth(
        &e,
        &format!("  token      = \"{TOKEN}\"\n  max_retries = 0\n"),
    );
    tf.write("main.tf", &config_with(&provider, IP_CHANNEL));

    // Create: the 503 is not retried; the one lookup finds nothing.
    e.fault(json!({"method": "POST", "status": 503, "count": 1, "retry_after": 0}));
    let out = tf.apply();
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(out.all().contains("HTTP 503"), "{}", out.all());
    assert_eq!(error_count(&out), 1, "{}", out.all());
    assert_eq!(trail(&e), ["GET list 200", "POST 503", "GET list 200"]);
    assert!(e.channels().is_empty());

    e.clear_requests();
    tf.apply().ok();
    assert_eq!(trail(&e), ["GET list 200", "POST 201", "GET 200"]);

    // Refresh: one GET.
    e.clear_requests();
    e.fault(json!({"method": "GET", "status": 503, "count": 1, "retry_after": 0}));
    let out = tf.plan();
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.all().contains("HTTP 503") && out.all().contains("Failed to read VPC channel"),
        "{}",
        out.all()
    );
    assert_eq!(error_count(&out), 1, "{}", out.all());
    assert_eq!(trail(&e), ["GET 503"]);

    // Delete: one DELETE.
    e.clear_requests();
    e.fault(json!({"method": "DELETE", "status": 503, "count": 1, "retry_after": 0}));
    let out = tf.destroy();
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.all().contains("HTTP 503") && out.all().contains("Failed to delete VPC channel"),
        "{}",
        out.all()
    );
    assert_eq!(trail(&e), ["GET 200", "DELETE 503"]);
    assert_eq!(e.channels().len(), 1);
    tf.destroy().ok();
    assert!(e.channels().is_empty());
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

// ----------------------------------------------------------------- logs

/// Everything a `TF_LOG=trace` run leaves behind: output, log file, state.
fn trace_artifacts(tf: &Terraform, outs: &[Output]) -> String {
    let mut all = String::new();
    for o in outs {
        all.push_str(&o.all());
    }
    for f in ["tf.log", "terraform.tfstate", "terraform.tfstate.backup"] {
        all.push_str(&std::fs::read_to_string(tf.dir.join(f)).unwrap_or_default());
    }
    all
}

#[track_caller]
fn assert_secret_free(all: &str, secrets: &[&str]) {
    for s in secrets {
        if let Some(i) = all.find(s) {
            let b = &all.as_bytes()[i.saturating_sub(300)..(i + 300).min(all.len())];
            panic!("secret {s:?} leaked:\n…{}…", String::from_utf8_lossy(b));
        }
    }
}

fn trace_tf(tag: &str) -> Terraform {
    let tf = Terraform::new(tag).env("TF_LOG", "trace");
    let path = tf.dir.join("tf.log").display().to_string();
    tf.env("TF_LOG_PATH", &path)
}

#[test]
fn trace_logs_never_show_the_token() {
    skip_without_terraform!();
    let token = "tok-secret-5e8a1f0c9d2b";
    let wrong = "tok-wrong-secret-77aa31";
    let e = Emulator::start(&["--token", token]);
    let tf = trace_tf("tracetok");
    let block = |t: &str| provider_block_auth(&e, &format!("  token      = \"{t}\"\n"));
    tf.write("main.tf", &config_with(&block(token), IP_CHANNEL));
    let ok = tf.apply().ok();
    assert!(
        trace_artifacts(&tf, &[])
            .contains("provider.terraform-provider-huaweicloud: Received request"),
        "the trace log holds the provider's trace lines"
    );

    // An API error (401) on refresh.
    tf.write("main.tf", &config_with(&block(wrong), IP_CHANNEL));
    let bad = tf.apply();
    assert_eq!(bad.code, 1, "{}", bad.all());
    assert!(bad.all().contains("APIG.1002"), "{}", bad.all());
    assert_eq!(e.requests().last().unwrap()["status"], 401);

    let all = trace_artifacts(&tf, &[ok, bad]);
    assert_secret_free(&all, &[token, wrong]);
}

#[test]
fn trace_logs_never_show_the_secret_key_or_security_token() {
    skip_without_terraform!();
    let ak = "AKTRACE000000000001";
    let sk = "sk-secret-0d4f6e2a8b";
    let st = "st-secret-91c3b5d7e0";
    let wrong_sk = "sk-wrong-secret-3344aa";
    let e = Emulator::start(&["--ak", ak, "--sk", sk, "--security-token", st]);
    let tf = trace_tf("traceaksk");
    tf.write(
        "main.tf",
        &config_with(&aksk_provider_block(&e, ak, sk, Some(st)), IP_CHANNEL),
    );
    let ok = tf.apply().ok();
    assert_all_authenticated(&e, "aksk");

    // A refused signature: the server's answer carries its canonical
    // request, security token included.
    tf.write(
        "main.tf",
        &config_with(&aksk_provider_block(&e, ak, wrong_sk, Some(st)), IP_CHANNEL),
    );
    let bad = tf.apply();
    assert_eq!(bad.code, 1, "{}", bad.all());
    let all_bad = bad.all();
    assert!(
        all_bad.contains("APIGW.0301") && all_bad.contains("canonicalRequest"),
        "{all_bad}"
    );
    assert_eq!(e.requests().last().unwrap()["status"], 401);

    let all = trace_artifacts(&tf, &[ok, bad]);
    assert_secret_free(&all, &[sk, st, wrong_sk]);
}

/// The provider's hclog lines, re-logged by Terraform, name each RPC with
/// its duration.
#[test]
fn debug_log_shows_rpc_names_and_durations() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("debuglog").env("TF_LOG_PROVIDER", "debug");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    let out = tf.apply().ok();
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("Served request"))
        .collect();
    assert!(
        !lines.is_empty(),
        "no provider debug lines:\n{}",
        out.stderr
    );
    let mut rpcs = std::collections::BTreeSet::new();
    for l in &lines {
        assert!(
            l.contains("provider.terraform-provider-huaweicloud"),
            "re-logged under the provider's name: {l}"
        );
        let rpc = field(l, "tf_rpc").unwrap_or_else(|| panic!("no tf_rpc: {l}"));
        let ms = field(l, "tf_req_duration_ms").unwrap_or_else(|| panic!("no duration: {l}"));
        let ms: f64 = ms.parse().unwrap_or_else(|_| panic!("bad duration: {l}"));
        assert!(ms >= 0.0, "{l}");
        rpcs.insert(rpc);
    }
    for want in [
        "GetProviderSchema",
        "ConfigureProvider",
        "PlanResourceChange",
        "ApplyResourceChange",
    ] {
        assert!(rpcs.contains(want), "{want} missing from {rpcs:?}");
    }
    let apply = lines
        .iter()
        .find(|l| l.contains("tf_rpc=ApplyResourceChange"))
        .unwrap();
    assert!(
        apply.contains("tf_resource_type=huaweicloud_apig_vpc_channel"),
        "{apply}"
    );
    assert!(
        !out.stderr.contains("Received request"),
        "trace lines shown at debug level"
    );
    tf.destroy().ok();
}

/// `key=value` from a line Terraform re-logged.
fn field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("{key}="))? + key.len() + 1;
    let rest = &line[start..];
    let v = rest.split_whitespace().next()?.trim_matches('"');
    Some(v.to_string())
}

/// A password in `endpoints.apig` never reaches the logs (the client
/// refuses such a URL without echoing it, and the debug log strips it).
#[test]
fn endpoint_password_is_never_logged() {
    skip_without_terraform!();
    let password = "pw-secret-6b0e2d";
    let e = Emulator::start(&[]);
    let tf = trace_tf("userinfo");
    let url = e.url.replace("://", &format!("://user:{password}@"));
    let provider = format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{url}\" }}\n}}\n"
    );
    tf.write("main.tf", &config_with(&provider, IP_CHANNEL));
    let out = tf.apply();
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.all().contains("must not contain user information"),
        "{}",
        out.all()
    );
    assert_eq!(error_count(&out), 1, "{}", out.all());
    assert!(e.requests().is_empty());
    let all = trace_artifacts(&tf, &[out]);
    assert_secret_free(&all, &[password, TOKEN]);
}
