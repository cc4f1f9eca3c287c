//! End-to-end: changes made outside Terraform through the API's sub-APIs
//! (members, member groups, health check: what the console or another tool
//! does) are seen as drift by the next plan, and apply puts the channel
//! back as configured.

mod common;

use common::*;
use serde_json::{json, Value};

fn members_of(e: &Emulator, id: &str) -> Vec<(String, i64)> {
    let (s, v) = e.api("GET", &format!("/{id}"), None);
    assert_eq!(s, 200, "{v}");
    let mut out: Vec<(String, i64)> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["host"].as_str().unwrap().to_string(),
                m["status"].as_i64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn call(e: &Emulator, method: &str, rest: &str, body: Value) -> Value {
    let (s, v) = e.api(method, rest, Some(&body.to_string()));
    assert!(s < 300, "{method} {rest}: {s} {v}");
    v
}

#[test]
fn sub_api_changes_are_drift_and_apply_restores() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("subapidrift");
    tf.write("main.tf", &config(&e, IP_CHANNEL));
    tf.apply().ok();
    let id = e.channel_ids().pop().unwrap();
    let configured = members_of(&e, &id);

    // someone adds a member, disables one, retunes the health check and
    // renames a group, each through its own sub-API
    call(
        &e,
        "POST",
        &format!("/{id}/members"),
        json!({"members": [{"host": "10.9.9.9", "member_group_name": "test"}]}),
    );
    let (_, shown) = e.api("GET", &format!("/{id}"), None);
    let first = shown["members"][0]["id"].clone();
    call(
        &e,
        "POST",
        &format!("/{id}/members/batch-disable"),
        json!({"member_ids": [first]}),
    );
    call(
        &e,
        "PUT",
        &format!("/{id}/health-config"),
        json!({"protocol": "TCP", "threshold_normal": 1, "threshold_abnormal": 1,
               "time_interval": 30, "timeout": 3}),
    );
    let gid = shown["member_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["member_group_name"] == "default")
        .unwrap()["member_group_id"]
        .clone();
    call(
        &e,
        "PUT",
        &format!("/{id}/member-groups/{}", gid.as_str().unwrap()),
        json!({"member_group_name": "renamed", "member_group_weight": 2}),
    );
    assert_ne!(members_of(&e, &id), configured);

    let p = tf.plan();
    assert_eq!(p.code, 2, "drift must show:\n{}", p.all());
    for seen in ["10.9.9.9", "renamed", "tcp"] {
        assert!(p.stdout.contains(seen), "plan names {seen}:\n{}", p.stdout);
    }
    tf.apply().ok();
    // The members are back; `status` is optional and computed, so one left
    // unset in the configuration keeps what the server holds (disabled).
    let hosts = |ms: Vec<(String, i64)>| ms.into_iter().map(|m| m.0).collect::<Vec<_>>();
    assert_eq!(hosts(members_of(&e, &id)), hosts(configured));
    let (_, back) = e.api("GET", &format!("/{id}"), None);
    assert_eq!(back["vpc_health_config"]["protocol"], "http");
    tf.assert_no_changes();
    tf.destroy().ok();
    assert!(e.channels().is_empty());
}
