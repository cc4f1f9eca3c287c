//! Retries: transient errors on every method, creates that may have been
//! applied (looked up by name before a second attempt) and `max_retries`.

use super::*;

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
