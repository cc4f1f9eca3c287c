use super::*;
use serde_json::json;

fn base() -> Value {
    json!({"name": "VPC_demo", "port": 22, "balance_strategy": 2, "member_type": "ip"})
}

fn with(mut v: Value, k: &str, val: Value) -> Value {
    v[k] = val;
    v
}

/// `base()` with one member.
fn member(m: Value) -> Value {
    with(base(), "members", json!([m]))
}

/// `base()` with one member group.
fn group(g: Value) -> Value {
    with(base(), "member_groups", json!([g]))
}

fn code(v: &Value) -> (String, String) {
    match channel_request(v) {
        Ok(_) => ("ok".into(), String::new()),
        Err(e) => (e.code, e.msg),
    }
}

fn expect(v: Value, c: &str, param: &str) {
    let (got, msg) = code(&v);
    assert_eq!(got, c, "{v} -> {msg}");
    assert!(
        msg.ends_with(&format!(":{param}")) || msg.contains(&format!(":{param}.")),
        "{msg}"
    );
}

fn health() -> Value {
    json!({"protocol": "http", "path": "/h", "http_code": "200", "threshold_normal": 2,
           "threshold_abnormal": 5, "time_interval": 10, "timeout": 5})
}

#[test]
fn doc_examples_pass() {
    let ex = json!({
      "balance_strategy": 2, "member_type": "ip", "name": "VPC_demo", "port": 22, "type": 2,
      "vpc_health_config": {"http_code": "200", "path": "/vpc/demo", "port": 22, "protocol": "http",
        "threshold_abnormal": 5, "threshold_normal": 2, "time_interval": 10, "timeout": 5, "enable_client_ssl": false},
      "member_groups": [{"member_group_name": "test", "member_group_weight": 1, "member_group_remark": "remark"},
                        {"member_group_name": "default", "member_group_weight": 2, "member_group_remark": "remark"}],
      "members": [{"host": "192.168.0.5", "weight": 1, "member_group_name": "test"},
                  {"host": "192.168.1.124", "weight": 2, "member_group_name": "default"}],
      "unknown_field": {"ignored": true}
    });
    let r = channel_request(&ex).unwrap();
    assert_eq!(r.name, "VPC_demo");
    assert_eq!(r.members.unwrap().len(), 2);
    let ms = json!({"balance_strategy": 1, "member_type": "ip", "name": "VPC_demo", "port": 22, "type": 3,
      "microservice_info": {"service_type": "CCE", "cce_info": {"cluster_id": "ab14", "namespace": "default",
        "workload_type": "deployment", "app_name": "testapp"}}});
    assert!(channel_request(&ms).is_ok());
}

#[test]
fn required_fields() {
    for k in ["name", "port", "balance_strategy", "member_type"] {
        let mut v = base();
        v.as_object_mut().unwrap().remove(k);
        expect(v, "APIG.2001", k);
    }
    expect(with(base(), "name", json!("")), "APIG.2001", "name");
    expect(with(base(), "name", Value::Null), "APIG.2001", "name");
}

#[test]
fn wrong_types_and_bodies() {
    expect(with(base(), "port", json!("22")), "APIG.2012", "port");
    expect(with(base(), "port", json!(22.5)), "APIG.2012", "port");
    expect(with(base(), "name", json!(5)), "APIG.2012", "name");
    expect(with(base(), "members", json!({})), "APIG.2012", "members");
    expect(with(base(), "members", json!([1])), "APIG.2012", "members");
    expect(
        with(base(), "vpc_health_config", json!([])),
        "APIG.2012",
        "vpc_health_config",
    );
    assert_eq!(
        channel_request(&json!([1])).unwrap_err().msg,
        "Invalid request body"
    );
}

#[test]
fn names_and_enums() {
    for bad in ["ab", "1abc", "a b c", "abc$", &"a".repeat(65)] {
        expect(with(base(), "name", json!(bad)), "APIG.2012", "name");
    }
    for good in ["abc", "A.b-c_d", &"a".repeat(64)] {
        assert_eq!(code(&with(base(), "name", json!(good))).0, "ok");
    }
    expect(
        with(base(), "balance_strategy", json!(5)),
        "APIG.2012",
        "balance_strategy",
    );
    expect(
        with(base(), "member_type", json!("IP")),
        "APIG.2012",
        "member_type",
    );
    expect(with(base(), "type", json!(1)), "APIG.2012", "type");
    expect(
        with(base(), "dict_code", json!("ab")),
        "APIG.2012",
        "dict_code",
    );
}

#[test]
fn ranges() {
    expect(with(base(), "port", json!(0)), "APIG.2004", "port");
    expect(with(base(), "port", json!(65536)), "APIG.2004", "port");
    expect(
        member(json!({"host": "1.2.3.4", "weight": 10001})),
        "APIG.2004",
        "weight",
    );
    expect(
        member(json!({"host": "1.2.3.4", "weight": -1})),
        "APIG.2004",
        "weight",
    );
    expect(
        member(json!({"host": "1.2.3.4", "port": 70000})),
        "APIG.2003",
        "port",
    );
    expect(
        member(json!({"host": "1.2.3.4", "port": -1})),
        "APIG.2002",
        "port",
    );
    expect(
        member(json!({"host": "1.2.3.4", "status": 3})),
        "APIG.2012",
        "status",
    );
    expect(
        group(json!({"member_group_name": "grp", "member_group_weight": 101})),
        "APIG.2003",
        "member_group_weight",
    );
    expect(
        group(json!({"member_group_name": "grp", "member_group_remark": "r".repeat(256)})),
        "APIG.2003",
        "member_group_remark",
    );
    expect(member(json!({"host": "h".repeat(65)})), "APIG.2003", "host");
}

#[test]
fn members_and_groups() {
    expect(member(json!({"weight": 1})), "APIG.2001", "host");
    expect(member(json!({"host": "not a host"})), "APIG.2012", "host");
    expect(
        member(json!({"host": "1.2.3.4", "member_group_name": "nope"})),
        "APIG.2012",
        "member_group_name",
    );
    let ecs = with(base(), "member_type", json!("ecs"));
    expect(
        with(ecs.clone(), "members", json!([{"ecs_name": "vm1"}])),
        "APIG.2001",
        "ecs_id",
    );
    expect(
        with(ecs.clone(), "members", json!([{"ecs_id": "i-1"}])),
        "APIG.2001",
        "ecs_name",
    );
    expect(
        with(
            ecs.clone(),
            "members",
            json!([{"ecs_id": "i.1", "ecs_name": "vm"}]),
        ),
        "APIG.2012",
        "ecs_id",
    );
    assert_eq!(
        code(&with(
            ecs,
            "members",
            json!([{"ecs_id": "i-1", "ecs_name": "vm.1"}])
        ))
        .0,
        "ok"
    );
    expect(
        with(
            base(),
            "member_groups",
            json!([{"member_group_name": "grp"}, {"member_group_name": "grp"}]),
        ),
        "APIG.2012",
        "member_group_name",
    );
    expect(
        group(json!({"member_group_weight": 1})),
        "APIG.2001",
        "member_group_name",
    );
    expect(
        with(
            base(),
            "member_groups",
            json!([{"member_group_name": "grp", "microservice_labels": [{"label_name": "-x", "label_value": "v"}]}]),
        ),
        "APIG.2012",
        "label_name",
    );
}

#[test]
fn health_rules() {
    let h = |k: &str, val: Value| with(base(), "vpc_health_config", with(health(), k, val));
    assert_eq!(code(&with(base(), "vpc_health_config", health())).0, "ok");
    assert_eq!(code(&h("protocol", json!("HtTpS"))).0, "ok");
    expect(h("protocol", json!("UDP")), "APIG.2012", "protocol");
    expect(h("protocol", Value::Null), "APIG.2001", "protocol");
    expect(h("path", Value::Null), "APIG.2001", "path");
    expect(h("http_code", Value::Null), "APIG.2001", "http_code");
    let mut https = health();
    https["protocol"] = json!("HTTPS");
    https.as_object_mut().unwrap().remove("http_code");
    assert_eq!(
        code(&with(base(), "vpc_health_config", https.clone())).0,
        "ok"
    );
    https.as_object_mut().unwrap().remove("path");
    expect(
        with(base(), "vpc_health_config", https),
        "APIG.2001",
        "path",
    );
    let mut tcp = health();
    tcp["protocol"] = json!("TCP");
    tcp.as_object_mut().unwrap().remove("path");
    tcp.as_object_mut().unwrap().remove("http_code");
    assert_eq!(code(&with(base(), "vpc_health_config", tcp)).0, "ok");
    expect(h("method", json!("POST")), "APIG.2012", "method");
    expect(
        h("threshold_normal", json!(0)),
        "APIG.2002",
        "threshold_normal",
    );
    expect(
        h("threshold_abnormal", json!(11)),
        "APIG.2003",
        "threshold_abnormal",
    );
    expect(h("time_interval", json!(301)), "APIG.2003", "time_interval");
    expect(h("timeout", json!(31)), "APIG.2003", "timeout");
    expect(h("timeout", json!(10)), "APIG.2012", "time_interval");
    expect(h("timeout", Value::Null), "APIG.2001", "timeout");
    for bad in ["99", "600", "200-", "300-200", "abc", "200,,201", "2000"] {
        expect(h("http_code", json!(bad)), "APIG.2012", "http_code");
    }
    for good in [
        "200",
        "200,201,202",
        "200-299",
        "201,202,210-299",
        "100-599",
    ] {
        assert_eq!(code(&h("http_code", json!(good))).0, "ok", "{good}");
    }
}

#[test]
fn microservice_rules() {
    let t3 = with(base(), "type", json!(3));
    // `type = 3` without microservice_info falls back to a server channel.
    let fell_back = channel_request(&t3).unwrap();
    assert_eq!(
        (
            fell_back.channel_type,
            fell_back.vpc_channel_type.as_deref()
        ),
        (Some(2), Some("builtin"))
    );
    let micro = with(base(), "vpc_channel_type", json!("microservice"));
    expect(micro, "APIG.2001", "microservice_info");
    let ms = |info: Value| with(t3.clone(), "microservice_info", info);
    expect(ms(json!({})), "APIG.2001", "service_type");
    expect(
        ms(json!({"service_type": "X"})),
        "APIG.2012",
        "service_type",
    );
    expect(ms(json!({"service_type": "CSE"})), "APIG.2001", "cse_info");
    expect(
        ms(json!({"service_type": "CSE", "cse_info": {"engine_id": "e"}})),
        "APIG.2001",
        "service_id",
    );
    let cce = |info: Value| ms(json!({"service_type": "CCE", "cce_info": info}));
    expect(
        cce(json!({"cluster_id": "c", "namespace": "n", "workload_type": "deployment"})),
        "APIG.2001",
        "app_name",
    );
    expect(
        cce(
            json!({"cluster_id": "c", "namespace": "n", "workload_type": "deployment", "label_key": "k"}),
        ),
        "APIG.2001",
        "label_value",
    );
    assert_eq!(
        code(&cce(json!({"cluster_id": "c", "namespace": "n", "workload_type": "deployment", "label_key": "k", "label_value": "v"}))).0,
        "ok"
    );
    expect(
        cce(json!({"cluster_id": "c", "namespace": "n", "workload_type": "job", "app_name": "a"})),
        "APIG.2012",
        "workload_type",
    );
    expect(
        cce(
            json!({"cluster_id": "c", "namespace": "n", "workload_type": "deployment", "app_name": "1a"}),
        ),
        "APIG.2012",
        "app_name",
    );
    let svc = |info: Value| ms(json!({"service_type": "CCE_SERVICE", "cce_service_info": info}));
    expect(
        svc(json!({"cluster_id": "c", "namespace": "Bad", "service_name": "s"})),
        "APIG.2012",
        "namespace",
    );
    assert_eq!(
        code(&svc(
            json!({"cluster_id": "c", "namespace": "ns-1", "service_name": "s"})
        ))
        .0,
        "ok"
    );
    expect(
        svc(json!({"cluster_id": "c".repeat(65), "namespace": "ns", "service_name": "s"})),
        "APIG.2003",
        "cluster_id",
    );
}
