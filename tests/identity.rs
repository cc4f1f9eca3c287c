//! End-to-end, Terraform 1.12 and later: the channel's resource identity.
//! Import by identity, identity in state after every kind of run, a clear
//! error for a wrong identity, and state written before identity existed
//! gaining it on refresh without a diff. Skipped on older Terraform.

mod common;

use common::*;
use serde_json::Value;

const BODY: &str = r#"{"name":"ident_one","port":8080,"balance_strategy":1,"member_type":"ip","type":2,
  "members":[{"host":"10.0.0.1","weight":4,"port":81}]}"#;

const RESOURCE: &str = r#"
resource "huaweicloud_apig_vpc_channel" "one" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "ident_one"
  port        = 8080
  member_type = "ip"
  members     = [{ host = "10.0.0.1", weight = 4, port = 81 }]
}
"#;

/// Identity arrived in Terraform 1.12; older ones skip with a line.
fn has_identity() -> bool {
    let v = terraform_version();
    if v < (1, 12, 0) {
        eprintln!("skipped: resource identity needs Terraform 1.12 or later, this is {v:?}");
        return false;
    }
    true
}

fn create(e: &Emulator) -> String {
    let (st, v) = e.api("POST", "", Some(BODY));
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// The identity Terraform stored for `address`, from the state file.
fn stored_identity(tf: &Terraform, address: &str) -> Value {
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap())
            .unwrap();
    let (kind, name) = address.split_once('.').unwrap();
    let r = (s["resources"].as_array().unwrap().iter())
        .find(|r| r["type"] == kind && r["name"] == name)
        .unwrap_or_else(|| panic!("{address} not in state: {s}"));
    r["instances"][0]["identity"].clone()
}

fn writes(e: &Emulator) -> Vec<Value> {
    (e.requests().into_iter())
        .filter(|r| r["method"] != "GET")
        .collect()
}

#[test]
fn import_by_identity_then_no_changes_and_identity_in_state() {
    skip_without_terraform!();
    if !has_identity() {
        return;
    }
    let e = Emulator::start(&[]);
    let id = create(&e);
    let tf = Terraform::new("ident-import");
    let import = format!(
        "import {{\n  to       = huaweicloud_apig_vpc_channel.one\n  identity = {{ instance_id = \"{GATEWAY}\", id = \"{id}\" }}\n}}\n"
    );
    tf.write("main.tf", &config(&e, &format!("{RESOURCE}{import}")));
    e.clear_requests();
    let out = tf.apply().ok();
    assert!(
        out.stdout
            .contains("1 imported, 0 added, 0 changed, 0 destroyed"),
        "{}",
        out.all()
    );
    assert!(
        writes(&e).is_empty(),
        "an import writes nothing: {:?}",
        writes(&e)
    );
    let ident = stored_identity(&tf, "huaweicloud_apig_vpc_channel.one");
    assert_eq!(ident["id"], id.as_str());
    assert_eq!(ident["instance_id"], GATEWAY);
    assert_eq!(ident["project_id"], PROJECT, "defaults to the provider's");
    assert_eq!(ident["region"], "cn-north-4");
    tf.assert_no_changes();
}

#[test]
fn create_and_update_store_the_identity() {
    skip_without_terraform!();
    if !has_identity() {
        return;
    }
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ident-create");
    tf.write("main.tf", &config(&e, RESOURCE));
    tf.apply().ok();
    let ident = stored_identity(&tf, "huaweicloud_apig_vpc_channel.one");
    let id = e.channel_ids().pop().unwrap();
    assert_eq!(ident["id"], id.as_str());
    tf.write(
        "main.tf",
        &config(
            &e,
            &RESOURCE.replace("port        = 8080", "port        = 8081"),
        ),
    );
    let out = tf.apply().ok();
    assert!(
        out.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        out.all()
    );
    assert_eq!(
        stored_identity(&tf, "huaweicloud_apig_vpc_channel.one"),
        ident
    );
    tf.assert_no_changes();
}

#[test]
fn a_wrong_identity_is_a_clear_error() {
    skip_without_terraform!();
    if !has_identity() {
        return;
    }
    let e = Emulator::start(&[]);
    let id = create(&e);
    let tf = Terraform::new("ident-wrong");
    let cases = [
        (
            format!("{{ instance_id = \"{GATEWAY}\", id = \"a/b\" }}"),
            "identity.id",
        ),
        (
            format!("{{ instance_id = \"{GATEWAY}\", id = \"\" }}"),
            "identity.id",
        ),
        (
            format!("{{ instance_id = \"not a gateway\", id = \"{id}\" }}"),
            "identity.instance_id",
        ),
        (
            format!("{{ instance_id = \"{GATEWAY}\", id = \"0000aaaa\" }}"),
            "no object exists",
        ),
    ];
    for (identity, expected) in cases {
        let import = format!(
            "import {{\n  to       = huaweicloud_apig_vpc_channel.one\n  identity = {identity}\n}}\n"
        );
        tf.write("main.tf", &config(&e, &format!("{RESOURCE}{import}")));
        let out = tf.plan();
        assert_eq!(out.code, 1, "{identity}: {}", out.all());
        let text = out.all().replace(['│', '\n'], " ");
        assert!(text.contains(expected), "{identity}: {text}");
    }
    assert_eq!(e.channel_ids(), vec![id], "nothing was created");
}

#[test]
fn state_from_before_identity_gains_it_on_refresh_without_a_diff() {
    skip_without_terraform!();
    if !has_identity() {
        return;
    }
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ident-old");
    tf.write("main.tf", &config(&e, RESOURCE));
    tf.apply().ok();
    // Make the state what a provider without identity wrote.
    let path = tf.dir.join("terraform.tfstate");
    let mut s: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let inst = &mut s["resources"][0]["instances"][0];
    let before = inst["identity"].clone();
    assert!(before.is_object(), "{before}");
    let o = inst.as_object_mut().unwrap();
    o.remove("identity");
    o.remove("identity_schema_version");
    s["serial"] = Value::from(s["serial"].as_i64().unwrap() + 1);
    std::fs::write(&path, serde_json::to_string_pretty(&s).unwrap()).unwrap();
    assert!(stored_identity(&tf, "huaweicloud_apig_vpc_channel.one").is_null());
    e.clear_requests();
    let out = tf
        .run(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ])
        .ok();
    assert!(!out.stdout.contains("has changed"), "{}", out.all());
    assert_eq!(
        stored_identity(&tf, "huaweicloud_apig_vpc_channel.one"),
        before
    );
    assert!(writes(&e).is_empty());
    tf.assert_no_changes();
}
