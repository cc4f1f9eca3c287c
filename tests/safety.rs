//! Issue 18 end to end (real terraform, provider, emulator): nobody else's
//! channel is adopted or touched, interrupted runs leave nothing orphaned,
//! one wrong credential sends one authentication attempt, and the server's
//! copies of a sensitive host are not shown.

mod common;

use common::*;

fn channel_hcl(name: &str, port: u16) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "mine" {{
  instance_id = "{GATEWAY}"
  name        = "{name}"
  port        = {port}
  member_type = "ip"
  members     = [{{ host = "10.0.0.1" }}]
}}
"#
    )
}

fn count(e: &Emulator, method: &str) -> usize {
    e.requests()
        .iter()
        .filter(|r| r["method"] == method)
        .count()
}

fn fails_with(out: &Output, needles: &[&str]) {
    assert_ne!(out.code, 0, "{}", out.all());
    let text = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    for n in needles {
        assert!(text.contains(n), "{n:?} missing from:\n{}", out.all());
    }
}

/// Item 1: a colleague's `foreign_x` exists; my configuration creates a
/// channel of the same name and its POST would get a 503. The create fails
/// before sending, names the channel and the import command, and the
/// colleague's channel is untouched after this and every later run.
#[test]
fn a_colleagues_channel_is_never_adopted_or_touched() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let (st, theirs) = e.api(
        "POST",
        "",
        Some(r#"{"name":"foreign_x","port":80,"balance_strategy":1,"member_type":"ip","members":[{"host":"10.0.0.1"}]}"#),
    );
    assert_eq!(st, 201, "{theirs}");
    let id = theirs["id"].as_str().unwrap().to_string();
    let before = e.channels();
    e.clear_requests();
    e.fault(serde_json::json!({"method": "POST", "status": 503, "count": 0}));
    let tf = Tf::new("adopt-foreign");
    // Same settings as theirs: "holds what we sent" alone proves nothing.
    tf.write("main.tf", &config(&e, &channel_hcl("foreign_x", 80)));
    let import = format!("terraform import huaweicloud_apig_vpc_channel.<name> {GATEWAY}/{id}");
    for _ in 0..2 {
        let out = tf.apply();
        fails_with(&out, &["already exists", &import]);
        assert_eq!(count(&e, "POST"), 0, "nothing may be sent");
        assert!(tf.state_ids().is_empty(), "nothing adopted");
        assert_eq!(e.channels(), before, "their channel is untouched");
    }
    tf.destroy().ok();
    e.clear_faults();
    assert_eq!(e.channels(), before, "destroy leaves their channel");
    for m in ["PUT", "DELETE", "POST"] {
        assert_eq!(count(&e, m), 0, "{m} sent");
    }
}

/// Item 1, the other side: our own create whose 503 hid a commit (the
/// emulator serves it, then answers 503) is adopted, and converges.
#[test]
fn our_own_lost_create_is_adopted() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    e.fault(serde_json::json!({"method": "POST", "drop_after_commit": true}));
    let tf = Tf::new("adopt-ours");
    tf.write("main.tf", &config(&e, &channel_hcl("ours_x", 80)));
    tf.apply().ok();
    let server = e.channel_ids();
    assert_eq!(server.len(), 1);
    assert_eq!(tf.state_ids(), server);
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}
