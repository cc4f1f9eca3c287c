//! End-to-end: data sources `huaweicloud_apig_vpc_channel` (by ID or exact
//! name) and `huaweicloud_apig_vpc_channels` (list filters, every page,
//! full details) with the real `terraform`.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::{json, Value};

const FULL: &str = r#"{"name":"ds_full","port":8080,"balance_strategy":2,"member_type":"ip","type":2,
  "member_groups":[{"member_group_name":"grp_blue","member_group_weight":5},{"member_group_name":"grp_red"}],
  "members":[{"host":"10.0.0.1","weight":4,"port":81,"member_group_name":"grp_blue"},{"host":"10.0.0.2","member_group_name":"grp_red"}],
  "vpc_health_config":{"protocol":"HTTP","path":"/health","http_code":"200","threshold_normal":2,"threshold_abnormal":3,"time_interval":10,"timeout":3}}"#;

fn create(e: &Emulator, body: &str) -> Value {
    let (st, v) = e.api("POST", "", Some(body));
    assert_eq!(st, 201, "{v}");
    v
}

fn minimal(name: &str, host: &str, port: u16) -> String {
    format!(
        r#"{{"name":"{name}","port":80,"balance_strategy":1,"member_type":"ip","members":[{{"host":"{host}","port":{port}}}]}}"#
    )
}

fn outputs(tf: &Terraform) -> Value {
    let o = tf.run(&["output", "-json", "-no-color"]).ok();
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let mut out = serde_json::Map::new();
    for (k, x) in v.as_object().unwrap() {
        out.insert(k.clone(), x["value"].clone());
    }
    Value::Object(out)
}

fn one_line(o: &Output) -> String {
    o.all().replace('\n', " ").replace("│", " ")
}

#[test]
fn one_channel_by_id_and_by_name() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let full = create(&e, FULL);
    let id = full["id"].as_str().unwrap();
    create(&e, &minimal("ds_full_other", "10.9.9.9", 80));
    let tf = Terraform::new("ds-one");
    tf.write(
        "main.tf",
        &config(
            &e,
            &format!(
                r#"
data "huaweicloud_apig_vpc_channel" "by_id" {{
  instance_id = "{GATEWAY}"
  id          = "{id}"
}}
data "huaweicloud_apig_vpc_channel" "by_name" {{
  instance_id = "{GATEWAY}"
  name        = "ds_full"
}}
output "by_id" {{ value = data.huaweicloud_apig_vpc_channel.by_id }}
output "by_name" {{ value = data.huaweicloud_apig_vpc_channel.by_name }}
"#
            ),
        ),
    );
    tf.apply().ok();
    let out = outputs(&tf);
    for k in ["by_id", "by_name"] {
        let c = &out[k];
        assert_eq!(c["id"], id, "{k}: {c}");
        assert_eq!(c["name"], "ds_full");
        assert_eq!(
            (c["port"].clone(), c["balance_strategy"].clone()),
            (json!(8080), json!(2))
        );
        assert_eq!(c["project_id"], PROJECT);
        let hosts: BTreeSet<&str> = c["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["host"].as_str().unwrap())
            .collect();
        assert_eq!(hosts, BTreeSet::from(["10.0.0.1", "10.0.0.2"]), "{k}");
        let m1 = c["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["host"] == "10.0.0.1")
            .unwrap();
        assert_eq!(
            (m1["weight"].clone(), m1["port"].clone()),
            (json!(4), json!(81))
        );
        assert_eq!(c["member_groups"].as_array().unwrap().len(), 2);
        assert_eq!(c["vpc_health_config"]["path"], "/health");
        assert!(c["create_time"].as_str().is_some_and(|t| !t.is_empty()));
    }
    assert_eq!(out["by_id"], out["by_name"]);
    tf.assert_no_changes();
}

#[test]
fn one_channel_errors() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ds-one-err");
    let write = |args: &str| {
        tf.write(
            "main.tf",
            &config(
                &e,
                &format!(
                    "data \"huaweicloud_apig_vpc_channel\" \"x\" {{\n  instance_id = \"{GATEWAY}\"\n{args}}}\n"
                ),
            ),
        )
    };
    // both, or neither: a validate error, before any call
    write("  id = \"abc\"\n  name = \"ds_x\"\n");
    let v = tf.validate();
    assert_ne!(v.code, 0);
    assert!(
        one_line(&v).contains("Conflicting arguments"),
        "{}",
        v.all()
    );
    write("");
    let v = tf.validate();
    assert_ne!(v.code, 0);
    assert!(one_line(&v).contains("Set `id` or `name`"), "{}", v.all());
    assert!(e.requests().is_empty());

    // not found: names the gateway and what was searched
    write("  name = \"ds_missing\"\n");
    let p = tf.plan();
    assert_eq!(p.code, 1);
    let all = one_line(&p);
    assert!(all.contains("VPC channel not found"), "{all}");
    assert!(all.contains(GATEWAY), "{all}");
    assert!(all.contains(r#"named exactly "ds_missing""#), "{all}");
    write("  id = \"a0000000000000000000000000000000\"\n");
    let all = one_line(&tf.plan());
    assert!(
        all.contains(r#"no VPC channel with ID "a0000000000000000000000000000000""#),
        "{all}"
    );
    assert!(all.contains(GATEWAY), "{all}");

    // several with one name (the name check is off)
    e.set_config(json!({"quirks": false}));
    let a = create(&e, &minimal("ds_twin", "10.0.0.1", 80));
    let b = create(&e, &minimal("ds_twin", "10.0.0.2", 80));
    write("  name = \"ds_twin\"\n");
    let all = one_line(&tf.plan());
    assert!(all.contains("Several VPC channels found"), "{all}");
    assert!(
        all.contains(a["id"].as_str().unwrap()) && all.contains(b["id"].as_str().unwrap()),
        "{all}"
    );

    // a gateway that does not exist
    tf.write(
        "main.tf",
        &config(
            &e,
            "data \"huaweicloud_apig_vpc_channels\" \"x\" {\n  instance_id = \"fedcba9876543210fedcba9876543210\"\n}\n",
        ),
    );
    let all = one_line(&tf.plan());
    assert!(all.contains("APIG.3030"), "{all}");
    assert!(all.contains("fedcba9876543210fedcba9876543210"), "{all}");
}

/// Four channels, then one `huaweicloud_apig_vpc_channels` per filter.
#[test]
fn list_with_each_filter() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let full = create(&e, FULL);
    let web = create(&e, &minimal("ds_web", "10.0.0.1", 8080));
    let web2 = create(&e, &minimal("ds_web_two", "10.1.0.1", 80));
    let other = create(&e, &minimal("other", "10.0.0.1", 80));
    let (_, dc) = e.api(
        "POST",
        "",
        Some(r#"{"name":"ds_dict","port":80,"balance_strategy":1,"member_type":"ip","dict_code":"dc_one"}"#),
    );
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let blue = full["member_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["member_group_name"] == "grp_blue")
        .unwrap()["member_group_id"]
        .as_str()
        .unwrap()
        .to_string();
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "all",
            String::new(),
            vec![id(&full), id(&web), id(&web2), id(&other), id(&dc)],
        ),
        ("by_id", format!("id = \"{}\"", id(&web)), vec![id(&web)]),
        (
            "name",
            "name = \"ds_web\"".into(),
            vec![id(&web), id(&web2)],
        ),
        (
            "exact",
            "name = \"ds_web\"\n  precise_search = \"name\"".into(),
            vec![id(&web)],
        ),
        (
            "host",
            "member_host = \"10.0.0.1\"".into(),
            vec![id(&full), id(&web), id(&other)],
        ),
        // ds_full's member without a port listens on the channel's 8080
        (
            "port",
            "member_port = 8080".into(),
            vec![id(&full), id(&web)],
        ),
        (
            "host_port",
            "member_host = \"10.0.0.1\"\n  member_port = 80".into(),
            vec![id(&other)],
        ),
        (
            "group_name",
            "member_group_name = \"blue\"".into(),
            vec![id(&full)],
        ),
        (
            "group_id",
            format!("member_group_id = \"{blue}\""),
            vec![id(&full)],
        ),
        ("dict", "dict_code = \"dc_one\"".into(), vec![id(&dc)]),
        ("none", "name = \"nothing_like_this\"".into(), vec![]),
    ];
    let mut hcl = String::new();
    for (k, args, _) in &cases {
        hcl.push_str(&format!(
            "data \"huaweicloud_apig_vpc_channels\" \"{k}\" {{\n  instance_id = \"{GATEWAY}\"\n  {args}\n}}\noutput \"{k}\" {{ value = data.huaweicloud_apig_vpc_channels.{k} }}\n"
        ));
    }
    let tf = Terraform::new("ds-list");
    tf.write("main.tf", &config(&e, &hcl));
    tf.apply().ok();
    let out = outputs(&tf);
    for (k, _, want) in &cases {
        let got: Vec<String> = out[*k]["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        let mut sorted_want = want.clone();
        sorted_want.sort();
        let mut sorted_got = got.clone();
        sorted_got.sort();
        assert_eq!(sorted_got, sorted_want, "filter {k}");
        // channels: same order as ids, ordered by name, with details
        let chans = out[*k]["channels"].as_array().unwrap();
        let ids: Vec<&str> = chans.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            got.iter().map(String::as_str).collect::<Vec<_>>(),
            "{k}"
        );
        let names: Vec<&str> = chans.iter().map(|c| c["name"].as_str().unwrap()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{k}: ordered by name");
    }
    let full_out = out["all"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ds_full")
        .unwrap()
        .clone();
    assert_eq!(full_out["members"].as_array().unwrap().len(), 2);
    assert_eq!(full_out["vpc_health_config"]["path"], "/health");
    tf.assert_no_changes();
}

#[test]
fn list_reads_1200_channels_in_three_pages() {
    skip_without_terraform!();
    let e = Emulator::start(&["--quota", "2000"]);
    for i in 0..1200 {
        let (st, v) = e.api(
            "POST",
            "",
            Some(&minimal(&format!("bulk_{i:04}"), "10.2.0.1", 80)),
        );
        assert_eq!(st, 201, "{v}");
    }
    e.clear_requests();
    let tf = Terraform::new("ds-1200");
    tf.write(
        "main.tf",
        &config(
            &e,
            &format!(
                "data \"huaweicloud_apig_vpc_channels\" \"all\" {{\n  instance_id = \"{GATEWAY}\"\n}}\noutput \"n\" {{ value = length(data.huaweicloud_apig_vpc_channels.all.ids) }}\noutput \"members\" {{ value = length(flatten(data.huaweicloud_apig_vpc_channels.all.channels[*].members)) }}\noutput \"first\" {{ value = data.huaweicloud_apig_vpc_channels.all.channels[0].name }}\noutput \"last\" {{ value = data.huaweicloud_apig_vpc_channels.all.channels[1199].name }}\n"
            ),
        ),
    );
    tf.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-refresh=true",
        "-out=p",
    ])
    .ok();
    let reqs = e.requests();
    let lists: Vec<(String, String)> = reqs
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("/vpc-channels"))
        .map(|r| {
            (
                r["query"]["offset"].as_str().unwrap().to_string(),
                r["query"]["limit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let page = |o: &str| (o.to_string(), "500".to_string());
    assert_eq!(lists, [page("0"), page("500"), page("1000")]);
    let shows: BTreeSet<&str> = reqs
        .iter()
        .filter(|r| r["method"] == "GET" && !r["path"].as_str().unwrap().ends_with("/vpc-channels"))
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(shows.len(), 1200, "one show details per channel");
    tf.run(&["apply", "-input=false", "-no-color", "p"]).ok();
    let out = outputs(&tf);
    assert_eq!(out["n"], 1200);
    assert_eq!(out["members"], 1200);
    assert_eq!(
        (out["first"].clone(), out["last"].clone()),
        (json!("bulk_0000"), json!("bulk_1199"))
    );
}

#[test]
fn unknown_arguments_are_read_at_apply() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let tf = Terraform::new("ds-unknown");
    tf.write(
        "main.tf",
        &config(
            &e,
            &format!(
                r#"
resource "huaweicloud_apig_vpc_channel" "made" {{
  instance_id = "{GATEWAY}"
  name        = "ds_made"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.3.0.1", weight = 7 }}]
}}
data "huaweicloud_apig_vpc_channel" "later" {{
  instance_id = "{GATEWAY}"
  id          = huaweicloud_apig_vpc_channel.made.id
}}
data "huaweicloud_apig_vpc_channels" "later" {{
  instance_id = "{GATEWAY}"
  id          = huaweicloud_apig_vpc_channel.made.id
}}
output "weight" {{ value = [for m in data.huaweicloud_apig_vpc_channel.later.members : m.weight] }}
output "ids" {{ value = data.huaweicloud_apig_vpc_channels.later.ids }}
output "made" {{ value = huaweicloud_apig_vpc_channel.made.id }}
"#
            ),
        ),
    );
    let p = tf.plan();
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout.contains("will be read during apply"),
        "{}",
        p.stdout
    );
    assert!(
        e.requests().iter().all(|r| r["method"] != "GET"),
        "nothing read at plan"
    );
    tf.apply().ok();
    let out = outputs(&tf);
    assert_eq!(out["weight"], json!([7]));
    assert_eq!(out["ids"], json!([out["made"].clone()]));
    tf.assert_no_changes();
}

#[test]
fn data_source_output_feeds_a_resource() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    create(&e, FULL);
    let tf = Terraform::new("ds-feed");
    tf.write(
        "main.tf",
        &config(
            &e,
            &format!(
                r#"
data "huaweicloud_apig_vpc_channel" "src" {{
  instance_id = "{GATEWAY}"
  name        = "ds_full"
}}
resource "huaweicloud_apig_vpc_channel" "copy" {{
  instance_id      = data.huaweicloud_apig_vpc_channel.src.instance_id
  name             = "${{data.huaweicloud_apig_vpc_channel.src.name}}_copy"
  port             = data.huaweicloud_apig_vpc_channel.src.port
  balance_strategy = data.huaweicloud_apig_vpc_channel.src.balance_strategy
  member_type      = data.huaweicloud_apig_vpc_channel.src.member_type
  members = [for m in data.huaweicloud_apig_vpc_channel.src.members : {{
    host   = m.host
    weight = m.weight
    port   = m.port
  }}]
}}
"#
            ),
        ),
    );
    tf.apply().ok();
    let copy = tf.resource_values("huaweicloud_apig_vpc_channel.copy");
    assert_eq!(copy["name"], "ds_full_copy");
    assert_eq!(copy["port"], 8080);
    let mut hosts: Vec<(String, i64)> = copy["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["host"].as_str().unwrap().to_string(),
                m["weight"].as_i64().unwrap(),
            )
        })
        .collect();
    hosts.sort();
    assert_eq!(hosts[0], ("10.0.0.1".to_string(), 4));
    assert_eq!(hosts.len(), 2);
    tf.assert_no_changes();
}
