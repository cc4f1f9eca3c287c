//! Row d of the fault matrix (`faults.rs`): latency against
//! HW_REQUEST_TIMEOUT, below it, beyond it once, always, and on a create.

use super::*;

fn slow_tf(tag: &str) -> Terraform {
    Terraform::new(tag).env("HW_REQUEST_TIMEOUT", "2")
}

#[test]
fn d_latency_below_the_timeout_succeeds() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = slow_tf("d-1000");
    tf.write("main.tf", &config(&e, &hcl(2)));
    e.fault(json!({"latency_ms": 1000, "count": 0}));
    succeeds(tf.apply());
    assert_empty_plan(&tf);
    let reqs = e.requests();
    assert!(reqs.len() >= 3);
    assert!(
        reqs.iter()
            .all(|r| r["duration_ms"].as_u64().unwrap() >= 1000
                && r["status"].as_u64().unwrap() < 300),
        "every request slow and served once: {reqs:?}"
    );
    assert_eq!(by_method(&reqs, "POST").len(), 1);
    e.clear_faults();
    assert_consistent(&e, &tf);
}

#[test]
fn d_one_get_beyond_the_timeout_is_retried() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = slow_tf("d-3000-once");
    tf.write("main.tf", &config(&e, &hcl(2)));
    succeeds(tf.apply());
    e.clear_requests();
    e.fault(json!({"method": "GET", "latency_ms": 3000, "count": 1}));
    let started = Instant::now();
    assert_empty_plan(&tf);
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_faults_used(&e);
    // The emulator records the timed-out request only if it finishes it.
    let gets = by_method(&e.requests(), "GET")
        .iter()
        .filter(|r| r["status"] == 200 && r["fault"] == false)
        .count();
    assert_eq!(gets, 1, "timed out, retried once");
    assert_consistent(&e, &tf);
}

#[test]
fn d_every_get_beyond_the_timeout_is_a_clear_error() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = slow_tf("d-3000-always");
    tf.write(
        "main.tf",
        &format!(
            "{}{}{}",
            terraform_block(),
            provider_block_with(&e, "  max_retries = 1"),
            hcl(2)
        ),
    );
    succeeds(tf.apply());
    e.fault(json!({"method": "GET", "latency_ms": 3000, "count": 0}));
    let p = tf.plan();
    fails_with(
        &p,
        &[
            "Failed to read VPC channel",
            "within 2 s (`request_timeout`, HW_REQUEST_TIMEOUT)",
            "after 2 attempts",
        ],
    );
    e.clear_faults();
    assert_consistent(&e, &tf);
    assert_empty_plan(&tf);
}

#[test]
fn d_create_beyond_the_timeout_leaves_one_channel() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = slow_tf("d-3000-post");
    tf.write("main.tf", &config(&e, &hcl(2)));
    e.fault(json!({"method": "POST", "latency_ms": 3000, "count": 1}));
    let started = Instant::now();
    succeeds(tf.apply());
    // Let the slow original finish whatever it does (refused: the name is taken).
    if let Some(rest) = Duration::from_millis(3500).checked_sub(started.elapsed()) {
        std::thread::sleep(rest);
    }
    assert_faults_used(&e);
    let reqs = e.requests();
    let created = by_method(&reqs, "POST")
        .iter()
        .filter(|r| r["status"] == 201)
        .count();
    assert_eq!(created, 1, "one create served after the timed-out one");
    assert!(reqs.iter().any(is_list), "lookup by name after the timeout");
    assert_eq!(e.channels().len(), 1, "no duplicate");
    assert_consistent(&e, &tf);
    assert_empty_plan(&tf);
}
