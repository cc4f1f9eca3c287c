//! End-to-end, Terraform 1.14 and later: the list resource
//! `huaweicloud_apig_vpc_channel` and `terraform query`. The brownfield
//! flow: channels of every kind made directly through the API, one query
//! writes configuration and import blocks for all of them, one apply
//! imports them all without a write, the next plan is empty. Filters and
//! `limit` select what is listed. Skipped on older Terraform.

mod common;

use common::*;
use serde_json::Value;

/// Every kind of channel as an API create body (`NAME` is replaced).
const KINDS: &[(&str, &str)] = &[
    (
        "ip",
        r#"{"name":"NAME","port":80,"balance_strategy":1,"member_type":"ip","type":2,
  "member_groups":[{"member_group_name":"grp_a","member_group_weight":3},{"member_group_name":"grp_b"}],
  "members":[{"host":"10.11.0.1","weight":2,"member_group_name":"grp_a"},{"host":"10.11.0.2","port":8080,"member_group_name":"grp_b","is_backup":true}],
  "vpc_health_config":{"protocol":"http","path":"/health","http_code":"200-299","threshold_normal":2,"threshold_abnormal":3,"time_interval":10,"timeout":5}}"#,
    ),
    (
        "ecs",
        r#"{"name":"NAME","port":8080,"balance_strategy":2,"member_type":"ecs","type":2,
  "members":[{"ecs_id":"ecs-0001","ecs_name":"web-1","weight":10},{"ecs_id":"ecs-0002","ecs_name":"web.2","status":2}]}"#,
    ),
    (
        "cse",
        r#"{"name":"NAME","port":80,"balance_strategy":1,"member_type":"ip","type":3,
  "member_groups":[{"member_group_name":"ver1","microservice_version":"1.0.0","microservice_port":80}],
  "microservice_info":{"service_type":"CSE","cse_info":{"engine_id":"cse-engine-1","service_id":"svc-1"}}}"#,
    ),
    (
        "cce",
        r#"{"name":"NAME","port":80,"balance_strategy":3,"member_type":"ip","type":3,
  "member_groups":[{"member_group_name":"stable","microservice_version":"v1","microservice_port":80,
    "microservice_labels":[{"label_name":"track","label_value":"stable"},{"label_name":"zone","label_value":"z1"}]}],
  "microservice_info":{"service_type":"CCE","cce_info":{"cluster_id":"ab1485b4f91b45abbcd560be591f7309","namespace":"default","workload_type":"deployment","app_name":"testapp"}}}"#,
    ),
    (
        "cce_service",
        r#"{"name":"NAME","port":80,"balance_strategy":1,"member_type":"ip","type":3,
  "microservice_info":{"service_type":"CCE_SERVICE","cce_service_info":{"cluster_id":"ab1485b4f91b45abbcd560be591f7309","namespace":"default","service_name":"web"}}}"#,
    ),
];

/// `terraform query` arrived in Terraform 1.14; older ones skip with a line.
fn has_query() -> bool {
    let v = terraform_version();
    if v < (1, 14, 0) {
        eprintln!("skipped: list resources and `terraform query` need Terraform 1.14 or later, this is {v:?}");
        return false;
    }
    true
}

/// Makes `per_kind` channels of every kind through the API.
fn make_channels(e: &Emulator, per_kind: usize) -> Vec<String> {
    let mut names = Vec::new();
    for (tag, body) in KINDS {
        for i in 0..per_kind {
            let name = format!("bf_{tag}_{i:03}");
            let (st, v) = e.api("POST", "", Some(&body.replace("NAME", &name)));
            assert_eq!(st, 201, "{name}: {v}");
            names.push(name);
        }
    }
    names
}

fn list_block(limit: usize, filters: &str) -> String {
    format!(
        "list \"huaweicloud_apig_vpc_channel\" \"all\" {{\n  provider = huaweicloud\n  limit    = {limit}\n  config {{\n    instance_id = \"{GATEWAY}\"\n{filters}  }}\n}}\n"
    )
}

/// The display names `terraform query` printed.
fn listed(out: &Output) -> Vec<String> {
    let mut names: Vec<String> = (out.stdout.lines())
        .filter(|l| l.starts_with("list.huaweicloud_apig_vpc_channel.all"))
        .filter_map(|l| l.split_whitespace().last().map(str::to_string))
        .collect();
    names.sort();
    names
}

fn writes(e: &Emulator) -> Vec<Value> {
    (e.requests().into_iter())
        .filter(|r| r["method"] != "GET")
        .collect()
}

fn query(tf: &Terraform, extra: &[&str]) -> Output {
    let mut args = vec!["query", "-no-color"];
    args.extend_from_slice(extra);
    tf.run(&args)
}

#[test]
fn brownfield_300_channels_query_generate_import_then_empty_plan() {
    skip_without_terraform!();
    if !has_query() {
        return;
    }
    let e = Emulator::start(&["--quota", "1000"]);
    let names = make_channels(&e, 60);
    assert_eq!(names.len(), 300);
    let tf = Terraform::new("query-brownfield");
    tf.write("main.tf", &config(&e, ""));
    tf.write("all.tfquery.hcl", &list_block(1000, ""));
    e.clear_requests();
    let out = query(&tf, &["-generate-config-out=generated.tf"]).ok();
    let mut want = names.clone();
    want.sort();
    assert_eq!(listed(&out), want, "{}", out.all());
    let generated = std::fs::read_to_string(tf.dir.join("generated.tf")).unwrap();
    assert_eq!(generated.matches("\nimport {").count(), 300, "{generated}");
    assert_eq!(
        generated
            .matches("resource \"huaweicloud_apig_vpc_channel\"")
            .count(),
        300
    );
    assert!(generated.contains("identity = {"), "{generated}");
    // What the server filled in is not written.
    for filled in [
        "create_time",
        "member_group_id",
        "ecs_id            = \"10.11",
        "cluster_name",
    ] {
        assert!(
            !generated.contains(filled),
            "{filled} in the generated configuration"
        );
    }
    assert!(
        writes(&e).is_empty(),
        "query writes nothing: {:?}",
        writes(&e)
    );
    std::fs::remove_file(tf.dir.join("all.tfquery.hcl")).unwrap();
    e.clear_requests();
    let out = tf.apply().ok();
    assert!(
        out.stdout
            .contains("300 imported, 0 added, 0 changed, 0 destroyed"),
        "{}",
        out.all()
    );
    assert!(
        writes(&e).is_empty(),
        "import writes nothing: {:?}",
        writes(&e)
    );
    tf.assert_no_changes();
    assert_eq!(e.channel_ids().len(), 300);
}

#[test]
fn filters_and_limit_select_what_is_listed() {
    skip_without_terraform!();
    if !has_query() {
        return;
    }
    let e = Emulator::start(&[]);
    make_channels(&e, 3);
    let tf = Terraform::new("query-filters");
    tf.write("main.tf", &config(&e, ""));
    let cases: [(usize, &str, Vec<&str>); 4] = [
        (
            100,
            "    name = \"bf_cce\"\n",
            vec![
                "bf_cce_000",
                "bf_cce_001",
                "bf_cce_002",
                "bf_cce_service_000",
                "bf_cce_service_001",
                "bf_cce_service_002",
            ],
        ),
        (
            100,
            "    member_host = \"10.11.0.1\"\n",
            vec!["bf_ip_000", "bf_ip_001", "bf_ip_002"],
        ),
        (
            100,
            "    name = \"bf_ecs_001\"\n    member_port = 8080\n",
            vec!["bf_ecs_001"],
        ),
        (100, "    name = \"nothing_like_this\"\n", vec![]),
    ];
    for (limit, filters, want) in cases {
        tf.write("q.tfquery.hcl", &list_block(limit, filters));
        let out = query(&tf, &[]).ok();
        assert_eq!(listed(&out), want, "{filters}: {}", out.all());
    }
    tf.write("q.tfquery.hcl", &list_block(4, ""));
    e.clear_requests();
    let out = query(&tf, &[]).ok();
    assert_eq!(listed(&out).len(), 4, "{}", out.all());
    // Without include_resource nothing but the list call is made.
    let shows = (e.requests().into_iter())
        .filter(|r| r["path"].as_str().unwrap_or_default().matches('/').count() > 6)
        .count();
    assert_eq!(shows, 0, "{:?}", e.requests());
}

#[test]
fn invalid_list_configuration_is_refused_before_any_call() {
    skip_without_terraform!();
    if !has_query() {
        return;
    }
    let e = Emulator::start(&[]);
    let tf = Terraform::new("query-invalid");
    tf.write("main.tf", &config(&e, ""));
    tf.write(
        "q.tfquery.hcl",
        &list_block(10, "    member_port = 70000\n"),
    );
    e.clear_requests();
    let out = query(&tf, &[]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(out.all().contains("member_port"), "{}", out.all());
    assert!(e.requests().is_empty(), "{:?}", e.requests());
}
