//! Rows g to j of the fault matrix (`faults.rs`): answers that end a run
//! without a retry (401, 403, a bound or referenced channel, the quota, an
//! unknown gateway), each a clear error with state kept.

use super::*;

// g ---------------------------------------------------------------------------

#[test]
fn g_bad_token_is_one_request_and_a_clear_error() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("g-401");
    tf.write(
        "main.tf",
        &config(&e, &hcl(2)).replace(&format!("\"{TOKEN}\""), "\"expired-token\""),
    );
    let out = tf.apply();
    fails_with(
        &out,
        &[
            "Failed to create VPC channel",
            "HTTP 401",
            "APIG.1002",
            "the token was refused",
        ],
    );
    let reqs = e.requests();
    assert_eq!(reqs.len(), 1, "401 is never retried: {reqs:?}");
    assert_eq!(reqs[0]["status"], 401);
    assert!(!out.all().contains("expired-token"), "token echoed");
    assert!(e.channels().is_empty());
    assert!(tf.state_ids().is_empty());
}

#[test]
fn g_bad_signature_is_one_request_and_a_clear_error() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("g-aksk");
    let provider = format!(
        "provider \"huaweicloud\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  access_key = \"EMULATORACCESSKEY0001\"\n  secret_key = \"not-the-secret-key\"\n  endpoints = {{ apig = \"{}\" }}\n}}\n",
        e.url
    );
    tf.write(
        "main.tf",
        &format!("{}{provider}{}", terraform_block(), hcl(2)),
    );
    let out = tf.apply();
    fails_with(
        &out,
        &[
            "HTTP 401",
            "APIGW.0301",
            "signature was refused",
            "not retried",
        ],
    );
    assert_eq!(e.requests().len(), 1, "401 is never retried");
    assert!(!out.all().contains("not-the-secret-key"), "secret echoed");
    assert!(e.channels().is_empty());
}

#[test]
fn g_forbidden_is_not_retried() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("g-403");
    tf.write("main.tf", &config(&e, &hcl(2)));

    e.fault(json!({"method": "POST", "status": 403, "count": 0}));
    let out = tf.apply();
    fails_with(
        &out,
        &[
            "Failed to create VPC channel",
            "APIG.1005",
            "lack permission",
        ],
    );
    assert_eq!(
        e.requests().len(),
        2,
        "the name checked, one POST, no retry, no lookup after"
    );
    assert!(e.channels().is_empty() && tf.state_ids().is_empty());
    e.clear_faults();

    succeeds(tf.apply());
    e.clear_requests();
    e.fault(json!({"method": "GET", "status": 403, "count": 0}));
    let p = tf.plan();
    fails_with(
        &p,
        &["Failed to read VPC channel", "APIG.1005", "lack permission"],
    );
    assert_eq!(e.requests().len(), 1, "one GET, no retry");
    e.clear_faults();
    assert_consistent(&e, &tf);
    assert_eq!(e.channels().len(), 1, "state kept the channel");
    assert_empty_plan(&tf);
}

// h ---------------------------------------------------------------------------

#[test]
fn h_delete_blocked_by_an_api_or_a_reference() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("h-bound");
    tf.write("main.tf", &config(&e, &hcl(2)));
    succeeds(tf.apply());
    let id = tf.state_ids().remove(0);

    e.admin("POST", &format!("channels/{id}/bind-api"), None);
    e.clear_requests();
    let out = tf.destroy();
    fails_with(
        &out,
        &[
            "Failed to delete VPC channel",
            "APIG.3414",
            "used by an API",
        ],
    );
    assert_eq!(by_method(&e.requests(), "DELETE").len(), 1, "not retried");
    assert_eq!(tf.state_ids(), vec![id.clone()], "state keeps the channel");
    assert_consistent(&e, &tf);

    e.admin("POST", &format!("channels/{id}/unbind-api"), None);
    e.fault(json!({
        "method": "DELETE", "status": 409, "count": 1, "error_code": "APIG.3719",
        "error_msg": "The VPC channel is referenced by another VPC channel"
    }));
    let out = tf.destroy();
    fails_with(
        &out,
        &["HTTP 409", "APIG.3719", "referenced by another VPC channel"],
    );
    assert_eq!(tf.state_ids(), vec![id]);
    assert_consistent(&e, &tf);

    succeeds(tf.destroy());
    assert!(e.channels().is_empty() && tf.state_ids().is_empty());
}

// i ---------------------------------------------------------------------------

#[test]
fn i_quota_exceeded_keeps_what_was_created() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    e.set_config(json!({"quota": 1}));
    let tf = Terraform::new("i-quota");
    let two = format!(
        "{}{}",
        channel_hcl(GATEWAY, "quota_one", 1),
        channel_hcl(GATEWAY, "quota_two", 1).replace("\"ch\"", "\"ch2\"")
    );
    tf.write("main.tf", &config(&e, &two));
    let out = tf.apply();
    fails_with(
        &out,
        &[
            "Failed to create VPC channel",
            "APIG.3109",
            "quota is used up",
            GATEWAY,
        ],
    );
    assert_eq!(e.channels().len(), 1, "the first one was created");
    assert_consistent(&e, &tf);
    let p = tf.plan();
    p.assert_no_crash();
    assert_eq!(p.code, 2);
    assert!(p.stdout.contains("1 to add, 0 to change"), "{}", p.stdout);
}

// j ---------------------------------------------------------------------------

#[test]
fn j_unknown_gateway_is_named() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("j-gateway");
    let gw = "ffffffffffffffffffffffffffffffff";
    tf.write("main.tf", &config(&e, &channel_hcl(gw, "lost_channel", 1)));
    let out = tf.apply();
    fails_with(
        &out,
        &[
            "Failed to create VPC channel",
            "APIG.3030",
            &format!("the gateway {gw} does not exist"),
        ],
    );
    assert!(e.channels().is_empty() && tf.state_ids().is_empty());
    assert_eq!(e.requests().len(), 1, "404 is not retried");
}
