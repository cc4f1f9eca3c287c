//! End-to-end: the real `terraform` drives the built provider against the
//! APIG emulator. Terraform comes from TF_ACC_TERRAFORM_PATH or PATH.

mod common;

use common::*;

fn methods(e: &Emulator) -> Vec<String> {
    e.requests()
        .iter()
        .map(|r| r["method"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn provider_schema_is_served() {
    skip_without_terraform!();
    let tf = Terraform::new("schema");
    tf.write("main.tf", terraform_block());
    let out = tf.run(&["providers", "schema", "-json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema json");
    let p = &v["provider_schemas"]["registry.terraform.io/huaweicloud/huaweicloud"];
    let attrs = &p["provider"]["block"]["attributes"];
    for a in [
        "region",
        "project_id",
        "access_key",
        "secret_key",
        "security_token",
        "token",
        "cloud",
        "endpoints",
        "insecure",
        "max_retries",
    ] {
        assert!(
            attrs[a].is_object(),
            "provider attribute {a} missing: {attrs}"
        );
    }
    for s in ["access_key", "secret_key", "security_token", "token"] {
        assert_eq!(attrs[s]["sensitive"], true, "{s} must be sensitive");
    }
    let r = &p["resource_schemas"]["huaweicloud_apig_vpc_channel"]["block"]["attributes"];
    assert_eq!(r["name"]["required"], true);
    assert_eq!(r["id"]["computed"], true);
    assert_eq!(r["members"]["nested_type"]["nesting_mode"], "list");
    assert_eq!(
        r["vpc_health_config"]["nested_type"]["nesting_mode"],
        "single"
    );
}

#[test]
fn validate_and_plan_with_provider_block() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("plan");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    tf.validate().ok();
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(p.stdout.contains("1 to add"), "{}", p.stdout);
    assert!(
        e.requests().is_empty(),
        "plan of a new channel needs no API call"
    );
}

#[test]
fn missing_credentials_are_a_clear_error() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("nocreds");
    let hcl = format!(
        "{}provider \"huaweicloud\" {{\n  region = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  endpoints = {{ apig = \"{}\" }}\n}}\n{IP_CHANNEL}",
        terraform_block(),
        e.url
    );
    tf.write("main.tf", &hcl);
    let p = tf.plan();
    assert_eq!(p.code, 1, "{}", p.all());
    let all = p.all();
    assert!(all.contains("No credentials for Huawei Cloud"), "{all}");
    assert!(
        all.contains("HW_ACCESS_KEY") && all.contains("HW_AUTH_TOKEN"),
        "{all}"
    );
    assert!(e.requests().is_empty());
}

#[test]
fn ip_channel_lifecycle() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ip");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    tf.apply().ok();
    let v = tf.resource_values("huaweicloud_apig_vpc_channel.demo");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(v["vpc_health_config"]["protocol"], "http");
    assert_eq!(
        v["members"][1]["port"], 22,
        "member without port gets the channel's"
    );
    tf.assert_no_changes();

    // In-place change of a member weight and the strategy: the PUT carries every member.
    e.clear_requests();
    tf.write(
        "main.tf",
        &config(
            &e,
            &IP_CHANNEL
                .replace("weight = 3", "weight = 7")
                .replace("balance_strategy = 2", "balance_strategy = 3"),
        ),
    );
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout.contains("updated in-place")
            && p.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    tf.apply().ok();
    let puts: Vec<_> = e
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "PUT")
        .collect();
    assert_eq!(puts.len(), 1, "one PUT");
    let body = &puts[0]["body"];
    assert_eq!(body["balance_strategy"], 3);
    let members = body["members"].as_array().unwrap();
    assert_eq!(members.len(), 3, "full member list sent: {body}");
    assert!(members
        .iter()
        .any(|m| m["host"] == "192.168.1.125" && m["weight"] == 7));
    assert_eq!(body["member_groups"].as_array().unwrap().len(), 2);
    assert!(body["vpc_health_config"].is_object());
    tf.assert_no_changes();

    // Drift behind Terraform's back: detected, then repaired.
    let (st, mut ch) = e.api("GET", &format!("/{id}"), None);
    assert_eq!(st, 200);
    for m in ch["members"].as_array_mut().unwrap() {
        if m["host"] == "192.168.0.5" {
            m["weight"] = serde_json::json!(99);
        }
    }
    for k in ["microservice_info", "dict_code"] {
        ch.as_object_mut().unwrap().remove(k);
    }
    let (st, body) = e.api("PUT", &format!("/{id}"), Some(&ch.to_string()));
    assert_eq!(st, 200, "{body}");
    let p = tf.plan();
    assert_eq!(p.code, 2, "drift must show: {}", p.all());
    assert!(p.stdout.contains("99"), "{}", p.stdout);
    tf.apply().ok();
    tf.assert_no_changes();

    // Deleted outside Terraform: planned for creation again.
    let (st, _) = e.api("DELETE", &format!("/{id}"), None);
    assert_eq!(st, 204);
    let p = tf.plan();
    assert_eq!(p.code, 2);
    assert!(p.stdout.contains("1 to add"), "{}", p.stdout);
    tf.apply().ok();
    tf.assert_no_changes();

    tf.destroy().ok();
    assert!(e.channels().is_empty(), "destroy leaves the emulator empty");
}

fn create_via_api(e: &Emulator, body: &str) -> String {
    let (st, v) = e.api("POST", "", Some(body));
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

const IMPORT_BODY: &str = r#"{"name":"imported_one","port":80,"balance_strategy":1,"member_type":"ip","type":2,
  "member_groups":[{"member_group_name":"grp_b","member_group_weight":5},{"member_group_name":"grp_a"}],
  "members":[{"host":"10.0.0.2","member_group_name":"grp_a"},{"host":"10.0.0.1","weight":4,"port":81,"member_group_name":"grp_b"}],
  "vpc_health_config":{"protocol":"TCP","threshold_normal":2,"threshold_abnormal":3,"time_interval":10,"timeout":3}}"#;

const IMPORT_HCL: &str = r#"
resource "huaweicloud_apig_vpc_channel" "imp" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "imported_one"
  port        = 80
  member_type = "ip"
  member_groups = [
    { member_group_name = "grp_a" },
    { member_group_name = "grp_b", member_group_weight = 5 },
  ]
  members = [
    { host = "10.0.0.1", weight = 4, port = 81, member_group_name = "grp_b" },
    { host = "10.0.0.2", member_group_name = "grp_a" },
  ]
  vpc_health_config = {
    protocol           = "TCP"
    threshold_normal   = 2
    threshold_abnormal = 3
    time_interval      = 10
    timeout            = 3
  }
}
"#;

#[test]
fn import_command_gives_empty_plan() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let id = create_via_api(&e, IMPORT_BODY);
    let tf = Terraform::new("import");
    tf.write("main.tf", &config(&e, IMPORT_HCL));
    tf.run(&[
        "import",
        "-no-color",
        "-input=false",
        "huaweicloud_apig_vpc_channel.imp",
        &format!("{GATEWAY}/{id}"),
    ])
    .ok();
    tf.assert_no_changes();

    let bad = tf.run(&[
        "import",
        "-no-color",
        "-input=false",
        "huaweicloud_apig_vpc_channel.imp",
        "not-an-id",
    ]);
    assert_ne!(bad.code, 0);
    assert!(bad.all().contains("<instance_id>/<id>"), "{}", bad.all());
}

#[test]
fn import_block_gives_empty_plan() {
    skip_without_terraform!();
    if !supports_import_blocks() {
        eprintln!("skipped: import blocks need Terraform 1.5+");
        return;
    }
    let e = Emulator::start(&[]);
    let id = create_via_api(&e, IMPORT_BODY);
    let tf = Terraform::new("importblk");
    tf.write(
        "main.tf",
        &config(&e, &format!("{IMPORT_HCL}\nimport {{\n  to = huaweicloud_apig_vpc_channel.imp\n  id = \"{GATEWAY}/{id}\"\n}}\n")),
    );
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    tf.apply().ok();
    tf.assert_no_changes();
}

/// Each invalid configuration fails `terraform validate`, naming the rule,
/// and no request reaches the API.
#[test]
fn invalid_configs_fail_validate_without_api_calls() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let base = |body: &str| {
        format!(
            "resource \"huaweicloud_apig_vpc_channel\" \"bad\" {{\n  instance_id = \"{GATEWAY}\"\n{body}\n}}\n"
        )
    };
    let ip = "  name = \"chan_ok\"\n  port = 80\n  member_type = \"ip\"\n";
    let hc = |extra: &str| {
        format!("{ip}  vpc_health_config = {{\n    protocol = \"TCP\"\n    threshold_normal = 2\n    threshold_abnormal = 2\n    time_interval = 10\n    timeout = 5\n{extra}  }}\n")
    };
    let cases: Vec<(String, &str)> = vec![
        (base("  name = \"1bad\"\n  port = 80\n  member_type = \"ip\""), "name"),
        (base("  name = \"ab\"\n  port = 80\n  member_type = \"ip\""), "3 to 64 characters"),
        (base("  name = \"chan_ok\"\n  port = 0\n  member_type = \"ip\""), "between 1 and 65535"),
        (base("  name = \"chan_ok\"\n  port = 70000\n  member_type = \"ip\""), "between 1 and 65535"),
        (base(&format!("{ip}  balance_strategy = 5")), "balance_strategy"),
        (base("  name = \"chan_ok\"\n  port = 80\n  member_type = \"vm\""), "member_type"),
        (base(&format!("{ip}  type = 4")), "type"),
        (base(&format!("{ip}  members = [{{ host = \"1.1.1.1\", weight = 10001 }}]")), "between 0 and 10000"),
        (base(&format!("{ip}  members = [{{ weight = 1 }}]")), "`members[0].host` is required"),
        (base(&format!("{ip}  members = [{{ host = \"10.0.0.1:80\" }}]")), "an IP address or a host name"),
        (base("  name = \"chan_ok\"\n  port = 80\n  member_type = \"ecs\"\n  members = [{ ecs_id = \"abc\" }]"), "ecs_name"),
        (base(&format!("{ip}  members = [{{ host = \"1.1.1.1\", status = 3 }}]")), "status"),
        (base(&format!("{ip}  members = [{{ host = \"1.1.1.1\", port = 65536 }}]")), "between 0 and 65535"),
        (base(&format!("{ip}  members = [{{ host = \"1.1.1.1\", member_group_name = \"nogroup\" }}]")), "not declared"),
        (base(&format!("{ip}  member_groups = [{{ member_group_name = \"grp\", member_group_weight = 101 }}]")), "between 0 and 100"),
        (base(&format!("{ip}  member_groups = [{{ member_group_name = \"g\" }}]")), "member_group_name"),
        (base(&format!("{ip}  member_groups = [{{ member_group_name = \"grp\" }}, {{ member_group_name = \"grp\" }}]")), "are both named \"grp\""),
        (base(&hc("").replace("timeout = 5", "timeout = 10")), "greater than"),
        (base(&hc("").replace("timeout = 5", "timeout = 31").replace("time_interval = 10", "time_interval = 100")), "between 1 and 30"),
        (base(&hc("").replace("time_interval = 10", "time_interval = 301")), "between 1 and 300"),
        (base(&hc("").replace("threshold_normal = 2", "threshold_normal = 11")), "between 1 and 10"),
        (base(&hc("").replace("threshold_abnormal = 2", "threshold_abnormal = 0")), "between 1 and 10"),
        (base(&hc("").replace("\"TCP\"", "\"UDP\"")), "protocol"),
        (base(&hc("").replace("\"TCP\"", "\"HTTP\"")), "path"),
        (base(&hc("    path = \"/\"\n    http_code = \"600\"\n").replace("\"TCP\"", "\"http\"")), "http_code"),
        (base(&hc("    method = \"POST\"\n")), "method"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CCE\" }}")), "cce_info"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CSE\" }}")), "cse_info"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CCE_SERVICE\" }}")), "cce_service_info"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CCE\", cce_info = {{ cluster_id = \"c\", namespace = \"default\", workload_type = \"deployment\" }} }}")), "app_name"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CCE\", cce_info = {{ cluster_id = \"c\", namespace = \"default\", workload_type = \"job\", app_name = \"a\" }} }}")), "workload_type"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CCE\", cce_info = {{ cluster_id = \"c\", namespace = \"default\", workload_type = \"deployment\", label_key = \"app\" }} }}")), "label_value"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"CCE_SERVICE\", cce_service_info = {{ cluster_id = \"c\", namespace = \"Bad_NS\", service_name = \"svc\" }} }}")), "namespace"),
        (base(&format!("{ip}  type = 3\n  microservice_info = {{ service_type = \"K8S\" }}")), "service_type"),
        (base(&format!("{ip}  dict_code = \"a b\"")), "dict_code"),
        (base(&format!("{ip}  create_time = \"now\"")), "read-only"),
        (base(&format!("{ip}  member_groups = [{{ member_group_name = \"grp\", microservice_labels = [{{ label_name = \"-x\", label_value = \"y\" }}] }}]")), "label_name"),
    ];
    let tf = Terraform::new("invalid");
    for (i, (body, needle)) in cases.iter().enumerate() {
        tf.write("main.tf", &config(&e, body));
        let out = tf.validate();
        assert_ne!(out.code, 0, "case {i} should fail validate:\n{body}");
        // Terraform wraps long details: compare with whitespace collapsed.
        let text = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(needle),
            "case {i}: expected {needle:?} in:\n{}",
            out.all()
        );
    }
    assert!(methods(&e).is_empty(), "validate must not call the API");
}

#[test]
fn ecs_channel_round_trip() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ecs");
    let hcl = r#"
resource "huaweicloud_apig_vpc_channel" "ecs" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "ecs_channel"
  port        = 8080
  members = [
    { ecs_id = "ecs-0001", ecs_name = "web-1", weight = 10 },
    { ecs_id = "ecs-0002", ecs_name = "web-2" },
  ]
}
"#;
    tf.write("main.tf", &config(&e, hcl));
    tf.apply().ok();
    let v = tf.resource_values("huaweicloud_apig_vpc_channel.ecs");
    assert_eq!(v["member_type"], "ecs");
    assert!(
        v["members"][0]["host"]
            .as_str()
            .is_some_and(|h| !h.is_empty()),
        "server-filled host: {v}"
    );
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}

#[test]
fn cce_microservice_channel_round_trip() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("cce");
    let hcl = r#"
resource "huaweicloud_apig_vpc_channel" "cce" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "cce_channel"
  port        = 80
  member_type = "ip"
  type        = 3
  member_groups = [
    { member_group_name = "stable", microservice_version = "v1", microservice_port = 80,
      microservice_labels = [{ label_name = "cluster_id", label_value = "c4297" }] },
  ]
  microservice_info = {
    service_type = "CCE"
    cce_info = {
      cluster_id    = "ab1485b4f91b45abbcd560be591f7309"
      namespace     = "default"
      workload_type = "deployment"
      app_name      = "testapp"
    }
  }
}
"#;
    tf.write("main.tf", &config(&e, hcl));
    tf.apply().ok();
    let v = tf.resource_values("huaweicloud_apig_vpc_channel.cce");
    assert_eq!(v["microservice_info"]["cce_info"]["label_key"], "app");
    assert_eq!(v["microservice_info"]["cce_info"]["label_value"], "testapp");
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}

#[test]
fn api_errors_name_code_operation_and_channel() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    create_via_api(
        &e,
        r#"{"name":"taken_name","port":80,"balance_strategy":1,"member_type":"ip","type":2,"members":[{"host":"10.0.0.9"}]}"#,
    );
    let tf = Terraform::new("dup");
    tf.write(
        "main.tf",
        &config(&e, &IP_CHANNEL.replace("VPC_demo", "taken_name")),
    );
    let out = tf.apply();
    assert_ne!(out.code, 0);
    // Terraform wraps long lines: compare with whitespace collapsed.
    let all = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(all.contains("APIG.3208"), "{all}");
    assert!(all.contains("Gateway eddc4d25480b4cd6b512f270a1b8b341 (project 0123456789abcdef0123456789abcdef) already has a VPC channel named \"taken_name\""), "{all}");
    // Found before anything was sent (issue 18, the adoption rule).
    assert!(all.contains("terraform import huaweicloud_apig_vpc_channel.<name> eddc4d25480b4cd6b512f270a1b8b341/"), "{all}");
    assert_eq!(e.channels().len(), 1, "nothing else created");
}

/// Ctrl-C during an apply: Terraform sends StopProvider, the provider gives
/// the read-back its grace, and the channel it created is kept in state.
#[test]
fn ctrl_c_stops_waiting_and_keeps_what_was_created() {
    skip_without_terraform!();
    if terraform_version() < (1, 1, 0) {
        // Seen here: Terraform 1.0.x does not act on a SIGINT sent to it
        // (no "Interrupt received"), so it never sends StopProvider.
        eprintln!("skipped: Terraform 1.0.x ignores the interrupt");
        return;
    }
    let e = Emulator::start(&[]);
    e.admin(
        "POST",
        "faults",
        // The read-back (show) hangs; the check that the name is free
        // (a list) does not.
        Some(r#"{"method":"GET","path_contains":"vpc-channels/","latency_ms":60000,"count":0}"#),
    );
    let tf = Terraform::new("ctrlc");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    let log = tf.dir.join("apply.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = tf
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();
    // Wait for the create to land, then interrupt while the read-back hangs.
    let start = std::time::Instant::now();
    while e.channels().is_empty() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let interrupted = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if interrupted.elapsed().as_secs() >= 30 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("terraform did not stop within 30 s of Ctrl-C (a wrapper script swallowing signals?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let waited = interrupted.elapsed();
    assert!(
        waited.as_secs() < 15,
        "terraform took {waited:?} to stop after Ctrl-C"
    );
    assert_ne!(status.code(), Some(0));
    let text = std::fs::read_to_string(&log).unwrap();
    // The create was answered: it is recorded as planned, the read-back
    // given up after the interrupt's grace (issue 18, the interrupt rule).
    assert!(text.contains("recorded without reading it back"), "{text}");
    e.admin("DELETE", "faults", None);
    // Nothing orphaned: the channel the create made is in state.
    let v = tf.resource_values("huaweicloud_apig_vpc_channel.demo");
    let server = e.channels();
    assert_eq!(server.len(), 1);
    assert_eq!(v["id"], server[0]["id"], "state keeps the created channel");
    tf.apply().ok();
    tf.assert_no_changes();
    tf.destroy().ok();
}

/// A server that echoes exactly what it stored (no filled-in defaults) is
/// handled as well: no inconsistent results, no diffs.
#[test]
fn server_without_habits_round_trip() {
    skip_without_terraform!();
    let e = Emulator::start(&["--no-quirks"]);
    let tf = Terraform::new("noquirks");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    tf.apply().ok();
    tf.assert_no_changes();
    tf.write(
        "main.tf",
        &config(&e, &IP_CHANNEL.replace("weight = 3", "weight = 4")),
    );
    tf.apply().ok();
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}
