//! Every request the provider sends, captured for the SDK conformance
//! suite: the real `terraform` creates, updates, reads (data sources
//! included) and destroys channels of every kind the provider writes, and
//! the emulator's request log is written to
//! `target/tmp/sdk-capture/provider-requests.json`. `tests/sdk/` (run by
//! scripts/test) loads each body into the official SDK's request model, each
//! query into its list request, and fails on an unknown or mistyped field.

mod common;

use common::*;
use serde_json::Value;

/// One resource of each kind and source (server, CSE, CCE, CCE Service,
/// NACOS, reference), with every writable attribute set somewhere. `{W}` is replaced to make the update differ.
const CHANNELS: &str = r#"
resource "huaweicloud_apig_vpc_channel" "ecs" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "sdk_ecs"
  port        = 80
  member_type = "ecs"
  dict_code   = "dc_ecs"
  member_groups = [{ member_group_name = "vm_group", dict_code = "dc_grp" }]
  members = [
    { ecs_id = "i-0001", ecs_name = "vm_one", weight = {W}, is_backup = true, status = 1,
      member_group_name = "vm_group", port = 8080 },
  ]
  vpc_health_config = {
    protocol = "HTTPS", path = "/health", method = "HEAD", port = 443, threshold_normal = 2,
    threshold_abnormal = 3, time_interval = 20, timeout = 10, http_code = "200-299",
    enable_client_ssl = true, status = 1
  }
}

resource "huaweicloud_apig_vpc_channel" "cse" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "sdk_cse"
  port        = 80
  member_type = "ip"
  type        = 3
  member_groups = [{ member_group_name = "cse_group", microservice_version = "v{W}",
    microservice_port = 8080, microservice_labels = [{ label_name = "zone", label_value = "az1" }] }]
  microservice_info = {
    service_type = "CSE"
    cse_info     = { engine_id = "engine-1", service_id = "service-1" }
  }
}

resource "huaweicloud_apig_vpc_channel" "cce" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "sdk_cce"
  port        = 80
  member_type = "ip"
  type        = 3
  member_groups = [{ member_group_name = "cce_group" }]
  microservice_info = {
    service_type = "CCE"
    cce_info = { cluster_id = "cluster-1", namespace = "default", workload_type = "deployment",
      label_key = "app", label_value = "web{W}" }
  }
}

resource "huaweicloud_apig_vpc_channel" "cce_service" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "sdk_cce_service"
  port        = 80
  member_type = "ip"
  type        = 3
  member_groups = [{ member_group_name = "svc_group" }]
  microservice_info = {
    service_type     = "CCE_SERVICE"
    cce_service_info = { cluster_id = "cluster-1", namespace = "default", service_name = "svc{W}" }
  }
}

resource "huaweicloud_apig_vpc_channel" "nacos" {
  instance_id      = "eddc4d25480b4cd6b512f270a1b8b341"
  name             = "sdk_订单_nacos"
  port             = 8080
  member_type      = "ip"
  vpc_channel_type = "microservice"
  member_groups = [{ member_group_name = "稳定组", microservice_version = "v{W}", microservice_port = 8080 }]
  microservice_info = {
    service_type = "NACOS"
    nacos_info = {
      namespace = "prod", cluster_name = "DEFAULT", group_name = "ORDERS", service_name = "com.example.orders"
      server_config = [{ ip_address = "192.168.2.10", port = 8848, grpc_port = 9848 }]
      user_info     = { user_name = "nacos", password = "pw-{W}" }
    }
  }
}

resource "huaweicloud_apig_vpc_channel" "reference" {
  instance_id      = "eddc4d25480b4cd6b512f270a1b8b341"
  name             = "sdk_reference"
  port             = 8080
  member_type      = "ip"
  vpc_channel_type = "reference"
  member_groups = [
    { member_group_name = "ref_ecs", member_group_weight = {W},
      reference_vpc_channel_id = huaweicloud_apig_vpc_channel.ecs.id },
  ]
}

data "huaweicloud_apig_vpc_channels" "filtered" {
  instance_id       = "eddc4d25480b4cd6b512f270a1b8b341"
  name              = "sdk"
  precise_search    = "name,member_group_name"
  vpc_channel_type  = "builtin"
  id                = huaweicloud_apig_vpc_channel.ecs.id
  dict_code         = "dc_ecs"
  member_host       = "192.168.0.5"
  member_port       = 22
  member_group_name = "test"
  member_group_id   = "0123"
}

data "huaweicloud_apig_vpc_channel" "by_name" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = huaweicloud_apig_vpc_channel.cse.name
}
"#;

#[test]
fn provider_requests_for_the_sdk_suite() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("sdkcapture");
    let resources = |w: &str| format!("{IP_CHANNEL}{}", CHANNELS.replace("{W}", w));
    tf.write("main.tf", &config(&e, &resources("1")));
    tf.apply().ok();
    tf.write(
        "main.tf",
        &config(&e, &resources("2").replace("weight = 1,", "weight = 5,")),
    );
    tf.apply().ok();
    tf.assert_no_changes();
    tf.destroy().ok();

    let requests: Vec<Value> = e
        .requests()
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "method": r["method"], "path": r["path"], "query": r["query"],
                "raw_query": r["raw_query"], "body": r["body"], "status": r["status"],
            })
        })
        .collect();
    let count = |m: &str| requests.iter().filter(|r| r["method"] == m).count();
    assert!(count("POST") >= 7 && count("PUT") >= 7, "{requests:?}");
    assert!(count("DELETE") >= 7 && count("GET") >= 7, "{requests:?}");
    let sent = serde_json::to_string(&requests).unwrap();
    for field in [
        "vpc_channel_type",
        "reference_vpc_channel_id",
        "nacos_info",
        "precise_search",
    ] {
        assert!(sent.contains(field), "no request carried {field}");
    }
    assert!(
        requests
            .iter()
            .all(|r| r["status"].as_u64().unwrap_or(0) < 300),
        "every request succeeded: {requests:#?}"
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-capture");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("provider-requests.json"),
        serde_json::to_vec_pretty(&requests).unwrap(),
    )
    .unwrap();
}
