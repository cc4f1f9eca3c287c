//! Regressions of four bugs this suite found (see `malformed.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;

/// Regression (was a bug): a create whose 2xx answer cannot be read
/// (truncated, empty, wrong types) has been committed by the server, but
/// `vpc_channel::create` (src/provider/vpc_channel/mod.rs, `ambiguous`)
/// treats `ApiError::Decode` as a definite failure: it neither adopts the
/// channel by name nor records it, so the channel is orphaned and the next
/// apply fails with APIG.3208 on the real service. `ApiError::
/// may_have_been_applied` already says true for it.
#[test]
fn unreadable_create_answer_does_not_orphan_the_channel() {
    skip_without_terraform!();
    let committed = Arc::new(AtomicBool::new(false));
    let c = committed.clone();
    let api = FakeApi::start(move |r: &Request| match r.method.as_str() {
        "POST" => {
            c.store(true, Ordering::SeqCst);
            json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}","po"#))
        }
        "GET" if r.path.ends_with("vpc-channels") => {
            if c.load(Ordering::SeqCst) {
                json_ok(
                    200,
                    format!(
                        r#"{{"total":1,"size":1,"vpc_channels":[{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}]}}"#
                    ),
                )
            } else {
                json_ok(200, r#"{"total":0,"size":0,"vpc_channels":[]}"#)
            }
        }
        "GET" => json_ok(200, good_channel()),
        _ => Canned::Http(204, None, Vec::new()),
    });
    let tf = tf_for(&api, "mal-orphan");
    let out = tf.apply();
    out.assert_no_crash();
    assert!(committed.load(Ordering::SeqCst));
    assert_eq!(
        tf.state_ids(),
        vec![ID.to_string()],
        "the committed channel is not in state (orphaned):\n{}",
        out.all()
    );
}

/// Regression (was a bug): a create answered 2xx with a JSON body
/// that lacks `id` (`{}`) is taken as a success with ID "": the read-back
/// cannot address it, the state records a tainted channel with an empty
/// ID, every later plan fails reading it, and the real channel is
/// orphaned. `vpc_channel::create` (src/provider/vpc_channel/mod.rs)
/// should treat an empty ID like an unreadable answer (look up by name).
///
#[test]
fn create_answer_without_id_is_not_recorded_as_empty_id() {
    skip_without_terraform!();
    let api = FakeApi::start(route(Some(json_ok(201, "{}")), None));
    let tf = tf_for(&api, "mal-noid");
    let out = tf.apply();
    out.assert_no_crash();
    let ids = tf.state_ids();
    assert!(
        !ids.iter().any(String::is_empty),
        "state holds a channel with an empty ID:\n{}",
        out.all()
    );
    // And a later plan is not stuck on it.
    let p = tf.plan();
    p.assert_no_crash();
    assert_ne!(p.code, 1, "plan stuck:\n{}", p.all());
}

/// Regression (was a risk): `vpc_channel::read`
/// (src/provider/vpc_channel/mod.rs) takes any 404 as "the channel is
/// gone" (`ApiError::is_not_found` looks at the status only), so a 404
/// HTML page from a misrouted proxy, or the gateway's own APIG.0101 "API
/// does not exist", silently drops a live channel from state; the next
/// apply creates it again (or fails with APIG.3208). Only APIG.3023
/// (channel) and APIG.3030 (gateway) mean gone.
#[test]
fn a_proxy_404_does_not_drop_the_channel_from_state() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    let tf = tf_for(&api, "mal-404");
    assert_eq!(tf.apply().code, 0);
    api.set(route(
        None,
        Some(http(
            404,
            "text/html",
            "<html><body><h1>404 Not Found</h1>nginx</body></html>",
        )),
    ));
    let out = tf.run(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    out.assert_no_crash();
    assert_eq!(
        tf.state_ids(),
        vec![ID.to_string()],
        "a live channel left the state on a proxy 404:\n{}",
        out.all()
    );
}

/// Regression (was a risk): a create that timed out may still
/// commit on the server after the provider's lookup by name found nothing.
/// The provider's next create then fails with APIG.3208 ("name already
/// exists") and `vpc_channel::create` (src/provider/vpc_channel/mod.rs)
/// reports it as a plain failure: nothing is recorded and the channel the
/// first request made is orphaned. After an unclear attempt, a 3208 should
/// lead to one more lookup and adoption. Deterministic here: the fake
/// commits the first create only once the lookup has been answered.
///
#[test]
fn late_commit_after_a_timeout_is_adopted_not_orphaned() {
    skip_without_terraform!();
    use std::sync::Condvar;
    #[derive(Default)]
    struct S {
        posts: u32,
        looked_up: bool,
        committed: bool,
    }
    let shared = Arc::new((Mutex::new(S::default()), Condvar::new()));
    let sh = shared.clone();
    let listed = format!(
        r#"{{"total":1,"size":1,"vpc_channels":[{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}]}}"#
    );
    let api = FakeApi::start(move |r: &Request| {
        let (lock, cv) = &*sh;
        match r.method.as_str() {
            "POST" => {
                let mut s = lock.lock().unwrap();
                s.posts += 1;
                if s.posts == 1 {
                    // Slow: commits only after the client gave up and looked.
                    let (mut s, _) = cv
                        .wait_timeout_while(s, Duration::from_secs(10), |s| !s.looked_up)
                        .unwrap();
                    s.committed = true;
                    json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}"}}"#))
                } else if s.committed {
                    json_ok(
                        400,
                        format!(
                            r#"{{"error_code":"APIG.3208","error_msg":"The VPC channel name already exists,name:{NAME}"}}"#
                        ),
                    )
                } else {
                    s.committed = true;
                    json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}"}}"#))
                }
            }
            "GET" if r.path.ends_with("vpc-channels") => {
                let mut s = lock.lock().unwrap();
                let body = if s.committed {
                    listed.clone()
                } else {
                    r#"{"total":0,"size":0,"vpc_channels":[]}"#.to_string()
                };
                s.looked_up = true;
                cv.notify_all();
                json_ok(200, body)
            }
            "GET" => json_ok(200, good_channel()),
            _ => Canned::Http(204, None, Vec::new()),
        }
    });
    let tf = Terraform::new("mal-late").env("HW_REQUEST_TIMEOUT", "1");
    tf.write(
        "main.tf",
        &config_for_url(&api.url, "  max_retries = 2", &hcl()),
    );
    let out = tf.apply();
    out.assert_no_crash();
    assert!(shared.0.lock().unwrap().committed);
    assert_eq!(
        tf.state_ids(),
        vec![ID.to_string()],
        "the channel the timed-out create made is not in state (orphaned):\n{}",
        out.all()
    );
}
