//! Fault matrix: the real `terraform` drives the provider against the APIG
//! emulator while the emulator misbehaves. "Nothing lost, nothing orphaned,
//! no crash": every run ends in success or a clear diagnostic, the channel
//! IDs in state (`terraform show -json`) are exactly the emulator's, and no
//! channel is ever created twice.
//!
//! ```text
//! matrix  row: fault -> expected outcome
//!
//! - a  `drop_after_commit` (served, then the connection closes unanswered)
//!      on POST → the create is looked up by name and adopted: apply
//!      succeeds, one channel, in state, empty plan. On GET/PUT/DELETE the
//!      idempotent call is retried (a lost DELETE's retry gets 404 = gone).
//! - b  429 bursts with `Retry-After: 1` on POST, GET, PUT, DELETE → retried
//!      after the advertised delay, every step succeeds, empty plans.
//! - c  500 then 503 on every method → GET/PUT/DELETE retried; a POST 5xx
//!      (not committed by the emulator) is followed by a lookup by name that
//!      finds nothing, then a new create: exactly one channel. A 503 that
//!      never ends → clear "HTTP 503" error after max_retries, state kept.
//! - d  latency with HW_REQUEST_TIMEOUT=2 (s): 1000 ms on every request →
//!      success; 3000 ms on one GET → timed out, retried, success; 3000 ms on
//!      every GET (max_retries = 1) → clear "request timeout" error, state
//!      kept; 3000 ms on a POST → timed out, lookup finds nothing, created
//!      again (the emulator abandons the timed-out original; one finishing
//!      late would be refused as a duplicate name, APIG.3208): one channel.
//! - e  `drop` (connection closed, nothing done) on every method → retried
//!      (POST after a lookup by name that finds nothing): success, one channel.
//! - f  emulator killed and restarted (same port, `--state-file`) between
//!      `plan -out` and `apply PLAN`, for a create, an update and a destroy →
//!      each saved plan applies, no duplicate, state matches.
//! - g  401 (bad token; bad AK/SK signature) and 403 (injected, on POST and
//!      on GET) → exactly one request, no retry, clear error naming the
//!      cause; nothing created; state kept.
//! - h  delete of a channel bound to an API (APIG.3414) → destroy fails with
//!      "used by an API", state keeps the channel; after unbinding, an
//!      injected 409 APIG.3719 → "referenced by another VPC channel", state
//!      kept; then destroy works.
//! - i  quota of 1, two channels → one created and in state, the other a
//!      clear APIG.3109 "quota is used up" error; the next plan adds one.
//! - j  unknown gateway (APIG.3030) → clear error naming the gateway,
//!      nothing in state or on the server.
//! ```
//!
//! Row d is in `faults/latency.rs`, rows g to j in `faults/refusals.rs`.

mod common;
#[path = "faults/latency.rs"]
mod latency;
#[path = "faults/refusals.rs"]
mod refusals;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const ADDR: &str = "huaweicloud_apig_vpc_channel.ch";

fn channel_hcl(instance: &str, name: &str, weight: u32) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "ch" {{
  instance_id = "{instance}"
  name        = "{name}"
  port        = 80
  member_type = "ip"
  members = [
    {{ host = "10.0.0.1", weight = 1 }},
    {{ host = "10.0.0.2", weight = {weight} }},
  ]
}}
"#
    )
}

fn hcl(weight: u32) -> String {
    channel_hcl(GATEWAY, "fault_channel", weight)
}

/// State and server agree, and no name is used twice on the server.
#[track_caller]
fn assert_consistent(e: &Emulator, tf: &Terraform) {
    let (state, server) = (tf.state_ids(), e.channel_ids());
    assert_eq!(state, server, "state IDs vs emulator channels");
    let mut names: Vec<String> = e
        .channels()
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate channel on the server");
}

#[track_caller]
fn assert_empty_plan(tf: &Terraform) {
    let p = tf.plan();
    p.assert_no_crash();
    assert_eq!(p.code, 0, "expected an empty plan:\n{}", p.all());
}

#[track_caller]
fn fails_with(out: &Output, needles: &[&str]) {
    out.assert_no_crash();
    assert_eq!(out.code, 1, "expected a failure:\n{}", out.all());
    // Terraform wraps long lines: compare with whitespace collapsed.
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = flat(&out.all());
    for n in needles {
        assert!(all.contains(&flat(n)), "expected {n:?} in:\n{}", out.all());
    }
}

#[track_caller]
fn succeeds(out: Output) -> Output {
    out.assert_no_crash();
    out.ok()
}

/// Every injected rule was used up (the fault really happened).
#[track_caller]
fn assert_faults_used(e: &Emulator) {
    let left = e.admin("GET", "faults", None);
    assert_eq!(left, json!([]), "fault rules not (fully) used");
}

fn by_method<'a>(reqs: &'a [Value], m: &str) -> Vec<&'a Value> {
    reqs.iter().filter(|r| r["method"] == m).collect()
}

/// A list call (the lookup by name).
fn is_list(r: &Value) -> bool {
    r["method"] == "GET"
        && r["path"]
            .as_str()
            .unwrap_or_default()
            .ends_with("vpc-channels")
}

/// The requests of one step of [`lifecycle`].
struct Steps {
    create: Vec<Value>,
    refresh: Vec<Value>,
    update: Vec<Value>,
    destroy: Vec<Value>,
}

/// Create, refresh (plan), update and destroy one channel, injecting
/// `rules(method)` before the step whose main call uses that method; every
/// step must succeed with state and server in agreement.
fn lifecycle(tag: &str, rules: impl Fn(&str) -> Vec<Value>) -> Steps {
    let e = Emulator::start(&[]);
    let tf = Terraform::new(tag);
    let step = |method: &str| {
        e.clear_requests();
        for r in rules(method) {
            e.fault(r);
        }
    };
    let done = || {
        assert_faults_used(&e);
        e.clear_faults();
        e.requests()
    };

    tf.write("main.tf", &config(&e, &hcl(2)));
    step("POST");
    succeeds(tf.apply());
    let create = done();
    assert_consistent(&e, &tf);
    assert_eq!(e.channels().len(), 1, "exactly one channel");
    assert_empty_plan(&tf);

    step("GET");
    assert_empty_plan(&tf);
    let refresh = done();
    assert_consistent(&e, &tf);

    tf.write("main.tf", &config(&e, &hcl(5)));
    step("PUT");
    succeeds(tf.apply());
    let update = done();
    assert_consistent(&e, &tf);
    assert_eq!(tf.resource_values(ADDR)["members"][1]["weight"], 5);
    assert_empty_plan(&tf);

    step("DELETE");
    succeeds(tf.destroy());
    let destroy = done();
    assert!(e.channels().is_empty(), "destroy leaves nothing behind");
    assert!(tf.state_ids().is_empty(), "destroy empties the state");
    Steps {
        create,
        refresh,
        update,
        destroy,
    }
}

// a ---------------------------------------------------------------------------

#[test]
fn a_drop_after_commit_on_every_method() {
    skip_without_terraform!();
    let s = lifecycle("a-dac", |m| {
        vec![json!({"method": m, "drop_after_commit": true, "count": 1})]
    });
    // The create went through once; the lost answer led to a lookup by name.
    let posts = by_method(&s.create, "POST");
    assert_eq!(posts.len(), 1, "no second create: {posts:?}");
    assert_eq!(posts[0]["dropped"], true);
    assert!(
        s.create.iter().any(is_list),
        "lookup by name after the lost create"
    );
    assert!(by_method(&s.refresh, "GET").len() >= 2, "GET retried");
    assert_eq!(by_method(&s.update, "PUT").len(), 2, "PUT retried");
    let deletes = by_method(&s.destroy, "DELETE");
    assert_eq!(deletes.len(), 2, "DELETE retried");
    assert_eq!(deletes[1]["status"], 404, "the retry finds it gone");
}

// b ---------------------------------------------------------------------------

#[test]
fn b_throttling_with_retry_after_on_every_method() {
    skip_without_terraform!();
    let s = lifecycle("b-429", |m| {
        let count = if m == "POST" { 2 } else { 1 };
        vec![json!({"method": m, "status": 429, "retry_after": 1, "count": count})]
    });
    let posts = by_method(&s.create, "POST");
    assert_eq!(posts.len(), 3, "two throttled creates, then one served");
    assert_eq!(posts[2]["status"], 201);
    let waited = posts[2]["at_ms"].as_i64().unwrap() - posts[0]["at_ms"].as_i64().unwrap();
    assert!(waited >= 1900, "Retry-After honoured twice: {waited} ms");
    for (steps, m) in [
        (&s.refresh, "GET"),
        (&s.update, "PUT"),
        (&s.destroy, "DELETE"),
    ] {
        let rs = by_method(steps, m);
        assert!(rs.len() >= 2, "{m} retried after 429");
        assert_eq!(rs[0]["status"], 429);
        let gap = rs[1]["at_ms"].as_i64().unwrap() - rs[0]["at_ms"].as_i64().unwrap();
        assert!(gap >= 950, "{m}: Retry-After honoured: {gap} ms");
    }
}

// c ---------------------------------------------------------------------------

#[test]
fn c_server_errors_on_every_method() {
    skip_without_terraform!();
    let s = lifecycle("c-5xx", |m| {
        vec![
            json!({"method": m, "status": 500, "count": 1}),
            json!({"method": m, "status": 503, "count": 1}),
        ]
    });
    // POST 500 and 503 are not committed by the emulator: each is followed
    // by a lookup by name that finds nothing, then a new create.
    let posts = by_method(&s.create, "POST");
    let statuses: Vec<_> = posts.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, vec![json!(500), json!(503), json!(201)]);
    let lookups = s.create.iter().filter(|r| is_list(r)).count();
    assert_eq!(
        lookups, 3,
        "the name checked before the first create, then one lookup per unclear create"
    );
    for (steps, m) in [
        (&s.refresh, "GET"),
        (&s.update, "PUT"),
        (&s.destroy, "DELETE"),
    ] {
        let statuses: Vec<_> = by_method(steps, m)
            .iter()
            .map(|r| r["status"].as_u64().unwrap())
            .collect();
        assert!(
            statuses.len() >= 3 && statuses[..2] == [500, 503],
            "{m} retried through 500 and 503: {statuses:?}"
        );
    }
}

#[test]
fn c_endless_503_gives_up_with_a_clear_error() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("c-503");
    tf.write("main.tf", &config(&e, &hcl(2)));
    succeeds(tf.apply());
    e.clear_requests();
    e.fault(json!({"method": "GET", "status": 503, "count": 0}));
    let p = tf.plan();
    fails_with(
        &p,
        &["Failed to read VPC channel", "HTTP 503", "APIGW.0203"],
    );
    assert_eq!(
        by_method(&e.requests(), "GET").len(),
        6,
        "one try and max_retries (5) retries"
    );
    e.clear_faults();
    assert_consistent(&e, &tf);
    assert_empty_plan(&tf);
}

// e ---------------------------------------------------------------------------

#[test]
fn e_connection_drops_on_every_method() {
    skip_without_terraform!();
    let s = lifecycle("e-drop", |m| {
        vec![json!({"method": m, "drop": true, "count": 1})]
    });
    let posts = by_method(&s.create, "POST");
    assert_eq!(posts.len(), 2, "dropped create, then the real one");
    assert_eq!(
        (posts[0]["dropped"].clone(), posts[1]["status"].clone()),
        (json!(true), json!(201))
    );
    assert!(
        s.create.iter().any(is_list),
        "lookup by name before creating again"
    );
    for (steps, m) in [
        (&s.refresh, "GET"),
        (&s.update, "PUT"),
        (&s.destroy, "DELETE"),
    ] {
        let rs = by_method(steps, m);
        assert!(
            rs.len() >= 2 && rs[0]["dropped"] == true,
            "{m} retried after a drop"
        );
    }
}

// f ---------------------------------------------------------------------------

#[test]
fn f_emulator_restarted_between_plan_and_apply() {
    skip_without_terraform!();
    let tf = Terraform::new("f-restart");
    let state = tf.dir.join("emulator-state.json");
    let state = state.to_str().unwrap().to_string();
    let args = ["--state-file", state.as_str()];
    let mut e = Emulator::start(&args);

    // Create.
    tf.write("main.tf", &config(&e, &hcl(2)));
    let p = tf.plan_out("create.tfplan");
    assert_eq!(p.code, 2, "{}", p.all());
    e.restart(&args);
    succeeds(tf.apply_saved("create.tfplan"));
    assert_eq!(e.channels().len(), 1);
    assert_consistent(&e, &tf);

    // Update: the channel survives the restart; the saved plan updates it.
    tf.write("main.tf", &config(&e, &hcl(5)));
    let p = tf.plan_out("update.tfplan");
    assert_eq!(p.code, 2, "{}", p.all());
    e.restart(&args);
    assert_eq!(e.channels().len(), 1, "restored from the state file");
    succeeds(tf.apply_saved("update.tfplan"));
    assert_eq!(e.channels().len(), 1);
    assert_consistent(&e, &tf);
    assert_eq!(tf.resource_values(ADDR)["members"][1]["weight"], 5);
    e.restart(&args);
    assert_empty_plan(&tf);

    // Destroy.
    let p = tf.run(&[
        "plan",
        "-destroy",
        "-input=false",
        "-no-color",
        "-out=destroy.tfplan",
    ]);
    assert_eq!(p.code, 0, "{}", p.all());
    e.restart(&args);
    succeeds(tf.apply_saved("destroy.tfplan"));
    assert!(e.channels().is_empty());
    assert!(tf.state_ids().is_empty());
}
