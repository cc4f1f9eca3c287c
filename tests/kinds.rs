//! Every channel the cloud can hold (issue 19, provider side), with the real
//! `terraform`, the provider and the emulator:
//! - a source change in each of CSE, CCE, CCE_SERVICE and NACOS applies and
//!   re-plans empty (what the API derives is planned unknown);
//! - a reference channel and a NACOS channel made through the API import
//!   with no change and update without loss (references and the password
//!   are sent on every PUT; `password_wo` never reaches state);
//! - a channel with Chinese names imports (by name) and updates.
//!
//! Answers the emulator never gives come from `tests/lossless.rs`.

mod common;

use common::*;

fn create(e: &Emulator, body: &str) -> String {
    let (st, v) = e.api("POST", "", Some(body));
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn import(tf: &Terraform, addr: &str, id: &str) -> Output {
    tf.run(&["import", "-no-color", "-input=false", addr, id])
}

/// The last PUT the emulator received.
fn last_put(e: &Emulator) -> serde_json::Value {
    (e.requests().into_iter().rev())
        .find(|r| r["method"] == "PUT")
        .map(|r| r["body"].clone())
        .expect("a PUT")
}

fn sources(cse: &str, cce: &str, svc: &str, nacos: &str) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "cse" {{
  instance_id = "{GATEWAY}"
  name        = "src_cse"
  port        = 80
  member_type = "ip"
  type        = 3
  microservice_info = {{
    service_type = "CSE"
    cse_info     = {{ engine_id = "engine-1", service_id = "{cse}" }}
  }}
}}
resource "huaweicloud_apig_vpc_channel" "cce" {{
  instance_id = "{GATEWAY}"
  name        = "src_cce"
  port        = 80
  member_type = "ip"
  type        = 3
  microservice_info = {{
    service_type = "CCE"
    cce_info     = {{ cluster_id = "{cce}", namespace = "default", workload_type = "deployment", app_name = "web" }}
  }}
}}
resource "huaweicloud_apig_vpc_channel" "svc" {{
  instance_id = "{GATEWAY}"
  name        = "src_svc"
  port        = 80
  member_type = "ip"
  type        = 3
  microservice_info = {{
    service_type     = "CCE_SERVICE"
    cce_service_info = {{ cluster_id = "{svc}", namespace = "default", service_name = "web" }}
  }}
}}
resource "huaweicloud_apig_vpc_channel" "nacos" {{
  instance_id      = "{GATEWAY}"
  name             = "src_nacos"
  port             = 80
  member_type      = "ip"
  vpc_channel_type = "microservice"
  microservice_info = {{
    service_type = "NACOS"
    nacos_info = {{
      service_name  = "{nacos}"
      server_config = [{{ ip_address = "10.0.0.9", port = 8848 }}]
      user_info     = {{ user_name = "nacos", password = "nacos-secret-1" }}
    }}
  }}
}}
"#
    )
}

/// Item 1: the names the API derives from a source follow the source.
#[test]
fn a_source_change_in_each_microservice_kind_applies_and_replans_empty() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("kinds-src");
    tf.write(
        "main.tf",
        &config(&e, &sources("svc-a", "cluster-a", "cluster-a", "svc.a")),
    );
    tf.apply().ok();
    tf.assert_no_changes();
    let before = tf.resource_values("huaweicloud_apig_vpc_channel.cse");
    tf.write(
        "main.tf",
        &config(&e, &sources("svc-b", "cluster-b", "cluster-b", "svc.b")),
    );
    tf.apply().ok();
    tf.assert_no_changes();
    let after = tf.resource_values("huaweicloud_apig_vpc_channel.cse");
    let name = |v: &serde_json::Value| v["microservice_info"]["cse_info"]["service_name"].clone();
    assert_ne!(
        name(&before),
        name(&after),
        "the derived name followed the source"
    );
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}

fn reference_hcl(remark: &str, a: &str, b: &str) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "imp" {{
  instance_id      = "{GATEWAY}"
  name             = "ref_chan"
  port             = 80
  member_type      = "ip"
  vpc_channel_type = "reference"
  member_groups = [
    {{ member_group_name = "to_a", member_group_remark = "{remark}", reference_vpc_channel_id = "{a}" }},
    {{ member_group_name = "to_b", reference_vpc_channel_id = "{b}" }},
  ]
}}
"#
    )
}

/// Item 2: references survive import and update.
#[test]
fn a_reference_channel_imports_clean_and_updates_without_loss() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let target = |n: &str| {
        create(
            &e,
            &format!(
                r#"{{"name":"{n}","port":80,"balance_strategy":1,"member_type":"ip","type":2,"members":[{{"host":"10.0.1.1"}}]}}"#
            ),
        )
    };
    let (a, b) = (target("target_a"), target("target_b"));
    let id = create(
        &e,
        &format!(
            r#"{{"name":"ref_chan","port":80,"balance_strategy":1,"member_type":"ip","vpc_channel_type":"reference",
            "member_groups":[{{"member_group_name":"to_a","member_group_remark":"one","reference_vpc_channel_id":"{a}"}},
                             {{"member_group_name":"to_b","reference_vpc_channel_id":"{b}"}}]}}"#
        ),
    );
    let tf = Terraform::new("kinds-ref");
    tf.write("main.tf", &config(&e, &reference_hcl("one", &a, &b)));
    import(
        &tf,
        "huaweicloud_apig_vpc_channel.imp",
        &format!("{GATEWAY}/{id}"),
    )
    .ok();
    tf.assert_no_changes();
    let v = tf.resource_values("huaweicloud_apig_vpc_channel.imp");
    assert_eq!(v["vpc_channel_type"], "reference");

    tf.write("main.tf", &config(&e, &reference_hcl("two", &a, &b)));
    tf.apply().ok();
    tf.assert_no_changes();
    let put = last_put(&e);
    let refs: Vec<_> = (put["member_groups"].as_array().unwrap().iter())
        .map(|g| {
            g["reference_vpc_channel_id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(refs, [a.clone(), b.clone()], "{put}");
    let (_, shown) = e.api("GET", &format!("/{id}"), None);
    let mut held: Vec<_> = (shown["member_groups"].as_array().unwrap().iter())
        .map(|g| {
            g["reference_vpc_channel_id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    held.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(held, want, "{shown}");
}

fn nacos_hcl(password: &str, port: u16) -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "imp" {{
  instance_id = "{GATEWAY}"
  name        = "nacos_chan"
  port        = {port}
  member_type = "ip"
  type        = 3
  microservice_info = {{
    service_type = "NACOS"
    nacos_info = {{
      namespace     = "ns-1"
      service_name  = "com.example.orders"
      server_config = [{{ ip_address = "10.0.0.9", port = 8848 }}]
      user_info     = {{ user_name = "nacos", {password} }}
    }}
  }}
}}
"#
    )
}

const NACOS_BODY: &str = r#"{"name":"nacos_chan","port":80,"balance_strategy":1,"member_type":"ip","type":3,
  "microservice_info":{"service_type":"NACOS","nacos_info":{"namespace":"ns-1","service_name":"com.example.orders",
  "server_config":[{"ip_address":"10.0.0.9","port":8848}],"user_info":{"user_name":"nacos","password":"first-secret-0001"}}}}"#;

fn sent_password(e: &Emulator) -> String {
    let put = last_put(e);
    put["microservice_info"]["nacos_info"]["user_info"]["password"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Item 3, Terraform 1.11+: imported with `password_wo`, no change; every
/// update sends the configured password; state never holds it.
#[test]
fn a_nacos_channel_imports_clean_and_updates_with_a_write_only_password() {
    skip_without_terraform!();
    if terraform_version() < (1, 11, 0) {
        eprintln!("skipped: write-only attributes need Terraform 1.11");
        return;
    }
    let e = Emulator::start(&[]);
    let id = create(&e, NACOS_BODY);
    let tf = Terraform::new("kinds-nacos-wo");
    let wo = |v: u32| format!(r#"password_wo = "wo-secret-000{v}", password_wo_version = {v}"#);
    // The version is the configuration's own counter: none at import.
    let first = r#"password_wo = "wo-secret-0001""#;
    tf.write("main.tf", &config(&e, &nacos_hcl(first, 80)));
    import(
        &tf,
        "huaweicloud_apig_vpc_channel.imp",
        &format!("{GATEWAY}/{id}"),
    )
    .ok();
    tf.assert_no_changes();

    tf.write("main.tf", &config(&e, &nacos_hcl(&wo(1), 81)));
    tf.apply().ok();
    assert_eq!(sent_password(&e), "wo-secret-0001");
    tf.assert_no_changes();
    // A new password, announced by its version.
    tf.write("main.tf", &config(&e, &nacos_hcl(&wo(2), 81)));
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    tf.apply().ok();
    assert_eq!(sent_password(&e), "wo-secret-0002");
    tf.assert_no_changes();
    let state = std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap();
    assert!(!state.contains("wo-secret"), "write-only value in state");
    let user = &tf.resource_values("huaweicloud_apig_vpc_channel.imp")["microservice_info"]
        ["nacos_info"]["user_info"];
    assert!(
        user["password_wo"].is_null() && user["password"].is_null(),
        "{user}"
    );
    assert_eq!(user["password_wo_version"], 2);
}

/// Item 3 with `password` (sensitive, in state), on every Terraform; before
/// 1.11 `password_wo` is refused with a message saying why.
#[test]
fn a_nacos_channel_with_a_sensitive_password_imports_and_updates() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let id = create(&e, NACOS_BODY);
    let tf = Terraform::new("kinds-nacos");
    if terraform_version() < (1, 11, 0) {
        tf.write(
            "main.tf",
            &config(&e, &nacos_hcl(r#"password_wo = "x-secret""#, 80)),
        );
        let out = tf.validate();
        assert_ne!(out.code, 0);
        assert!(
            out.all().contains("needs Terraform 1.11 or later"),
            "{}",
            out.all()
        );
    }
    tf.write(
        "main.tf",
        &config(&e, &nacos_hcl(r#"password = "first-secret-0001""#, 80)),
    );
    import(
        &tf,
        "huaweicloud_apig_vpc_channel.imp",
        &format!("{GATEWAY}/{id}"),
    )
    .ok();
    // The API never shows the password: the import has none, so the one
    // configured is the only change, and it is not shown.
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(!p.all().contains("first-secret"), "{}", p.all());
    assert!(p.all().contains("1 to change"), "{}", p.all());
    tf.apply().ok();
    assert_eq!(sent_password(&e), "first-secret-0001");
    tf.assert_no_changes();
    tf.write(
        "main.tf",
        &config(&e, &nacos_hcl(r#"password = "first-secret-0001""#, 82)),
    );
    tf.apply().ok();
    assert_eq!(
        sent_password(&e),
        "first-secret-0001",
        "sent on every update"
    );
    tf.assert_no_changes();
}

/// Item 4: Chinese names, imported by name and updated.
#[test]
fn a_channel_with_chinese_names_imports_and_updates() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let id = create(
        &e,
        r#"{"name":"订单通道_1","port":80,"balance_strategy":1,"member_type":"ecs","type":2,
        "member_groups":[{"member_group_name":"主组.a"}],
        "members":[{"ecs_id":"ecs-1","ecs_name":"订单服务器-1","member_group_name":"主组.a","weight":2}]}"#,
    );
    let hcl = |weight: u32| {
        format!(
            r#"
resource "huaweicloud_apig_vpc_channel" "imp" {{
  instance_id   = "{GATEWAY}"
  name          = "订单通道_1"
  port          = 80
  member_type   = "ecs"
  member_groups = [{{ member_group_name = "主组.a" }}]
  members       = [{{ ecs_id = "ecs-1", ecs_name = "订单服务器-1", member_group_name = "主组.a", weight = {weight} }}]
}}
"#
        )
    };
    let tf = Terraform::new("kinds-zh");
    tf.write("main.tf", &config(&e, &hcl(2)));
    import(
        &tf,
        "huaweicloud_apig_vpc_channel.imp",
        &format!("{GATEWAY}/订单通道_1"),
    )
    .ok();
    assert_eq!(tf.state_ids(), [id]);
    tf.assert_no_changes();
    tf.write("main.tf", &config(&e, &hcl(5)));
    tf.apply().ok();
    tf.assert_no_changes();
    assert_eq!(last_put(&e)["members"][0]["ecs_name"], "订单服务器-1");
    tf.destroy().ok();
}

/// The two examples of this round apply, re-plan empty and destroy.
#[test]
fn the_reference_and_nacos_examples_apply_replan_empty_and_destroy() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    for (name, channels) in [("reference-channel", 3), ("nacos-channel", 1)] {
        let tf = Terraform::new(&format!("kinds-ex-{name}"))
            .env("HW_AUTH_TOKEN", TOKEN)
            .env("HW_REGION_NAME", "cn-north-4")
            .env("HW_PROJECT_ID", PROJECT)
            .env("TF_VAR_apig_endpoint", &e.url);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        tf.write(
            "main.tf",
            &std::fs::read_to_string(dir.join("main.tf")).unwrap(),
        );
        tf.apply().ok();
        assert_eq!(e.channels().len(), channels, "{name}");
        tf.assert_no_changes();
        tf.destroy().ok();
        assert!(e.channels().is_empty(), "{name}");
    }
}
