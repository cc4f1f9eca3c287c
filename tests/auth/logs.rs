//! What the logs may show: no token, secret key, security token or URL
//! password in a trace run, and the RPC names and durations at debug level.

use super::*;

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
