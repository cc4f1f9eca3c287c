//! The provider against malformed API responses, from a tiny fake APIG
//! server (std threads, canned HTTP/1.1, one request per connection).
//!
//! - Library level: `hwprovider::apig::client::Client` calls (show, create,
//!   list, delete) against every malformed answer in [`bodies`]: each must
//!   end in an error of the right kind with a short, readable message, or
//!   (for harmless oddities) a parsed channel; never a panic or a hang.
//! - Terraform level: the real `terraform` (endpoints.apig = the fake) hits
//!   a malformed answer on create, on the read-back after a create, and on
//!   refresh. Each run ends in a diagnostic naming the operation (or, for
//!   bodies that parse, a consistent result), never a crash, and the state
//!   is either absent or consistent with what the fake created.
//! - Regressions of four bugs this file found: an unreadable 2xx create
//!   answer orphaned the channel; a create answer without `id` recorded an
//!   empty ID; a 404 without an APIG code dropped a live channel from state;
//!   a timed-out create that committed late was orphaned on APIG.3208.
//!
//! The fake server is in `malformed/fake.rs`, the answers in
//! `malformed/answers.rs`, the library level in `malformed/library.rs` and
//! the regressions in `malformed/regressions.rs`; the Terraform level is here.

#[path = "malformed/answers.rs"]
mod answers;
mod common;
#[path = "malformed/fake.rs"]
mod fake;
#[path = "malformed/library.rs"]
mod library;
#[path = "malformed/regressions.rs"]
mod regressions;

use answers::{bodies, good_channel, ID, NAME};
use common::*;
use fake::{http, json_ok, Canned, FakeApi, Request};

// ---------------------------------------------------------------------------
// Terraform level

fn hcl() -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "m" {{
  instance_id = "{GATEWAY}"
  name        = "{NAME}"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.1", weight = 1 }}]
}}
"#
    )
}

/// The cases driven through Terraform: one of each kind the brief names.
fn tf_cases() -> Vec<(&'static str, Canned)> {
    let wanted = [
        "proxy 502 HTML page",
        "truncated JSON (half an object)",
        "wrong type: port \"eighty\"",
        "null: member_groups",
        "null: vpc_health_config",
        "null: members [null]",
        "huge body (20 MiB, Content-Length)",
        "unknown enum: member_type \"hologram\"",
        "unknown enum: health protocol \"QUIC\"",
        "empty body with 200",
    ];
    let all = bodies();
    wanted
        .iter()
        .map(|w| {
            let (n, c, _) = all.iter().find(|(n, _, _)| n == w).expect("case in table");
            (*n, c.clone())
        })
        .collect()
}

fn tf_for(api: &FakeApi, tag: &str) -> Terraform {
    let tf = Terraform::new(tag).env("HW_REQUEST_TIMEOUT", "5");
    tf.write(
        "main.tf",
        &config_for_url(&api.url, "  max_retries = 1", &hcl()),
    );
    tf
}

/// A fake whose create answers `create` (None: a good 201), whose show
/// answers `show` (None: the good channel), whose list finds nothing and
/// whose delete succeeds.
fn route(create: Option<Canned>, show: Option<Canned>) -> impl Fn(&Request) -> Canned {
    move |r: &Request| {
        match r.method.as_str() {
        "POST" => create
            .clone()
            .unwrap_or_else(|| json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}"#))),
        "GET" if r.path.ends_with("vpc-channels") => {
            json_ok(200, r#"{"total":0,"size":0,"vpc_channels":[]}"#)
        }
        "GET" => show.clone().unwrap_or_else(|| json_ok(200, good_channel())),
        "DELETE" => Canned::Http(204, None, Vec::new()),
        _ => json_ok(400, r#"{"error_code":"APIG.2012","error_msg":"unexpected"}"#),
    }
    }
}

/// Either no resource in state, or exactly the fake's channel.
#[track_caller]
fn state_absent_or_consistent(tf: &Terraform, case: &str) {
    let ids = tf.state_ids();
    assert!(
        ids.is_empty() || ids == vec![ID.to_string()],
        "{case}: half-written state: {ids:?}"
    );
}

/// Diagnostic naming the operation, or success (exit code 0, or 2 for a
/// `plan -detailed-exitcode` with changes); never a crash. True on success.
#[track_caller]
fn outcome(out: &Output, op: &str, case: &str) -> bool {
    out.assert_no_crash();
    // Terraform wraps long lines: compare with whitespace collapsed.
    let all = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    if out.code == 0 || (out.code == 2 && out.stdout.contains("Plan:")) {
        return true;
    }
    // A body that parses but contradicts what was just applied (an unknown
    // enum value after a create) is caught by Terraform's own consistency
    // check, which names the attribute.
    let inconsistent = all.contains("Provider produced inconsistent result after apply")
        && all.contains("produced an unexpected new value");
    assert!(
        inconsistent || all.contains(&format!("Failed to {op} VPC channel \"{NAME}\"")),
        "{case}: expected a diagnostic naming `{op}`:\n{}",
        out.all()
    );
    false
}

#[test]
fn terraform_create_gets_a_malformed_answer() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    for (i, (case, answer)) in tf_cases().into_iter().enumerate() {
        api.set(route(Some(answer), None));
        let tf = tf_for(&api, &format!("mal-create-{i}"));
        let out = tf.apply();
        let ok = outcome(&out, "create", case);
        state_absent_or_consistent(&tf, case);
        if ok {
            // A create answer that parses: the channel is in state, read back
            // from the (good) show.
            assert_eq!(tf.state_ids(), vec![ID.to_string()], "{case}");
        }
    }
}

#[test]
fn terraform_read_back_gets_a_malformed_answer() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    for (i, (case, answer)) in tf_cases().into_iter().enumerate() {
        api.set(route(None, Some(answer)));
        let tf = tf_for(&api, &format!("mal-readback-{i}"));
        let out = tf.apply();
        // The create succeeded: whatever the read-back made of it, the
        // channel's ID must be in state (tainted when the read failed).
        if !outcome(&out, "read back", case) {
            let all = out.all();
            assert!(
                ["HTTP", "response", "unexpected new value"]
                    .iter()
                    .any(|w| all.contains(w)),
                "{case}: the cause is named:\n{}",
                out.all()
            );
        }
        assert_eq!(
            tf.state_ids(),
            vec![ID.to_string()],
            "{case}: channel orphaned"
        );
        // Later runs (with a sane API) converge without a duplicate.
        api.set(route(None, None));
        api.clear();
        let again = tf.apply();
        again.assert_no_crash();
        assert_eq!(again.code, 0, "{case}: {}", again.all());
        let posts = api.requests().iter().filter(|r| r.method == "POST").count();
        assert!(posts <= 1, "{case}: {posts} creates");
        assert_eq!(tf.state_ids(), vec![ID.to_string()], "{case}");
    }
}

#[test]
fn terraform_refresh_gets_a_malformed_answer() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    let tf = tf_for(&api, "mal-refresh");
    tf.apply().assert_no_crash();
    let out = tf.apply();
    assert_eq!(out.code, 0, "{}", out.all());
    let before = std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(tf.state_ids(), vec![ID.to_string()]);
    for (case, answer) in tf_cases() {
        api.set(route(None, Some(answer)));
        // plan: reads, writes nothing.
        let plan = tf.plan();
        outcome(&plan, "read", case);
        // apply -refresh-only: reads and writes the state.
        let refresh = tf.run(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ]);
        let ok = outcome(&refresh, "read", case);
        state_absent_or_consistent(&tf, case);
        if !ok {
            // A failed refresh leaves the state file untouched.
            let now = std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap();
            let now: serde_json::Value = serde_json::from_str(&now).unwrap();
            assert_eq!(
                now["resources"], before["resources"],
                "{case}: state changed"
            );
            continue;
        }
        // The body parsed and was recorded: back to a sane API, the state
        // converges to the good channel.
        api.set(route(None, None));
        let fix = tf.apply();
        fix.assert_no_crash();
        assert_eq!(fix.code, 0, "{case}: {}", fix.all());
        assert_eq!(tf.state_ids(), vec![ID.to_string()], "{case}");
    }
}
