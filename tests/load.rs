//! Load: `terraform apply -parallelism=50` of 200 channels across two
//! gateways while the emulator fails 5% of all API requests with 5xx. Every
//! channel is created exactly once, the next plan is empty, destroy is clean.
//! `LOAD_CHANNELS_PER_GATEWAY` (default 100) scales it up for longer runs.

mod common;

use common::*;
use std::collections::HashSet;

const GW_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const GW_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn resources(per_gateway: usize) -> String {
    let block = |label: &str, gw: &str| {
        format!(
            r#"
resource "huaweicloud_apig_vpc_channel" "{label}" {{
  count       = {per_gateway}
  instance_id = "{gw}"
  name        = "load_{label}_${{count.index}}"
  port        = 8000 + count.index
  member_type = "ip"
  members = [
    {{ host = "10.1.0.1", weight = 1 + count.index % 7 }},
    {{ host = "10.1.0.2" }},
  ]
  vpc_health_config = {{
    protocol           = "TCP"
    threshold_normal   = 2
    threshold_abnormal = 2
    time_interval      = 10
    timeout            = 5
  }}
}}
"#
        )
    };
    block("a", GW_A) + &block("b", GW_B)
}

#[test]
fn two_hundred_channels_with_five_percent_server_errors() {
    skip_without_terraform!();
    let per_gateway: usize = std::env::var("LOAD_CHANNELS_PER_GATEWAY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let total = 2 * per_gateway;
    let e = Emulator::start(&["--instance", GW_A, "--instance", GW_B, "--quota", "100000"]);
    e.fault(serde_json::json!({"method": "*", "status": 503, "percent": 5, "count": 0}));
    let tf = Terraform::new("load");
    tf.write("main.tf", &config(&e, &resources(per_gateway)));

    tf.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=50",
    ])
    .ok();
    let server = e.channels();
    assert_eq!(server.len(), total, "every channel created once");
    let names: HashSet<_> = server
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(names.len(), total, "no duplicate names");
    assert_eq!(tf.state_ids(), e.channel_ids(), "state matches the server");
    let faulted = e.requests().iter().filter(|r| r["status"] == 503).count();
    assert!(faulted > 0, "the run saw injected failures");

    let p = tf.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-detailed-exitcode",
        "-parallelism=50",
    ]);
    assert_eq!(p.code, 0, "plan after apply must be empty:\n{}", p.all());

    tf.run(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=50",
    ])
    .ok();
    assert!(e.channels().is_empty(), "destroy leaves nothing behind");
}
