//! Unit tests of plan logic and the API mapping, both ways.

use super::convert::{request_from_plan, state_from_api};
use super::plan::{plan_values as plan, Defaults};
use super::validate;
use crate::apig::models::*;
use crate::provider::gateway::Location;
use crate::tfplugin::value::{test_value as v, AttrPath, Value};

const D: Defaults = Defaults {
    project_id: crate::tfplugin::typed::Tf::Known("proj"),
    region: Some("cn-north-4"),
};

fn loc() -> Location {
    Location {
        instance_id: "gw".into(),
        project_id: "proj".into(),
        region: Some("cn-north-4".into()),
        endpoint: String::new(),
    }
}

fn config() -> Value {
    v(serde_json::json!({
        "instance_id": "gw", "name": "chan", "port": 22, "member_type": "ip",
        "member_groups": [{"member_group_name": "grp_a"}],
        "members": [
            {"host": "10.0.0.1", "weight": 3, "member_group_name": "grp_a"},
            {"host": "10.0.0.2"}
        ],
        "vpc_health_config": {"protocol": "HTTP", "path": "/", "http_code": "200",
            "threshold_normal": 2, "threshold_abnormal": 2, "time_interval": 10, "timeout": 5}
    }))
}

/// What the emulator (quirks on) answers for `config()`.
fn server_channel(first_weight: i64) -> Channel {
    serde_json::from_value(serde_json::json!({
        "id": "c1", "name": "chan", "port": 22, "balance_strategy": 1, "member_type": "ip", "type": 2,
        "dict_code": "", "create_time": "2020-07-23T07:11:57Z", "status": 1,
        "member_groups": [{"member_group_id": "g1", "member_group_name": "grp_a", "member_group_weight": 0,
            "member_group_remark": "", "create_time": "t", "update_time": "t"}],
        "members": [
            {"id": "m2", "host": "10.0.0.2", "ecs_id": "10.0.0.2", "ecs_name": "10.0.0.2", "weight": 0,
             "port": 22, "status": 1, "is_backup": false, "member_group_name": "", "health_status": "unknown"},
            {"id": "m1", "host": "10.0.0.1", "ecs_id": "10.0.0.1", "ecs_name": "10.0.0.1", "weight": first_weight,
             "port": 22, "status": 1, "is_backup": false, "member_group_name": "grp_a"}
        ],
        "vpc_health_config": {"protocol": "http", "path": "/", "method": "GET", "port": 0, "http_code": "200",
            "threshold_normal": 2, "threshold_abnormal": 2, "time_interval": 10, "timeout": 5,
            "enable_client_ssl": false, "status": 1},
        "microservice_info": {"id": "", "instance_id": "", "service_type": "", "create_time": "", "update_time": "",
            "cse_info": {"engine_id": "", "service_id": ""}, "cce_info": {"cluster_id": "", "namespace": "", "workload_type": ""}},
        "some_future_field": 1
    }))
    .unwrap()
}

#[test]
fn create_plan_fills_defaults_and_unknowns() {
    let (p, replace) = plan(&Value::Null, &config(), &D);
    assert!(replace.is_empty());
    assert_eq!(p.get("balance_strategy"), &Value::int(1));
    assert_eq!(p.get("type"), &Value::int(2));
    assert_eq!(p.get("project_id"), &Value::string("proj"));
    assert!(p.get("id").is_unknown() && p.get("status").is_unknown());
    let m = &p.get("members").as_list().unwrap()[1];
    assert_eq!(
        m.get("port"),
        &Value::int(22),
        "unset port follows the channel"
    );
    // Issue 18 item 5: the server's copy of an ip member's host is not
    // planned (it would show a sensitive host in plain text).
    assert_eq!(
        m.get("ecs_id"),
        &Value::Null,
        "ip member ecs_id is not its host"
    );
    assert!(
        m.get("weight").is_unknown(),
        "server-chosen weight is unknown"
    );
    assert_eq!(m.get("is_backup"), &Value::Bool(false));
    assert_eq!(
        p.get("vpc_health_config").get("method"),
        &Value::string("GET")
    );
    assert!(p.get("member_groups").as_list().unwrap()[0]
        .get("member_group_id")
        .is_unknown());
}

#[test]
fn server_order_and_defaults_give_no_diff() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let state = state_from_api(&server_channel(3), &planned, &loc());
    let members = state.get("members").as_list().unwrap();
    assert_eq!(
        members[0].get("host"),
        &Value::string("10.0.0.1"),
        "state follows config order"
    );
    assert_eq!(
        state.get("vpc_health_config").get("protocol"),
        &Value::string("HTTP")
    );
    assert_eq!(
        state.get("vpc_health_config").get("port"),
        &Value::Null,
        "port 0 means unset"
    );
    assert_eq!(state.get("dict_code"), &Value::Null);
    assert_eq!(
        state.get("microservice_info"),
        &Value::Null,
        "empty microservice_info of a server channel"
    );
    assert_eq!(members[1].get("member_group_name"), &Value::Null);
    // Every known planned value is what the API gave back.
    let planned_members = planned.get("members").as_list().unwrap();
    for (m, pm) in planned_members.iter().enumerate() {
        for (k, pv) in pm.as_map().unwrap() {
            if pv.is_known() {
                assert_eq!(members[m].get(k), pv, "member {m} {k}");
            }
        }
    }
    let (again, replace) = plan(&state, &config(), &D);
    assert_eq!(again, state, "no change planned after apply");
    assert!(replace.is_empty());
}

#[test]
fn case_only_protocol_difference_is_not_a_change() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let mut state = state_from_api(&server_channel(3), &Value::Null, &loc());
    // Import: no guide, so the API's lower case is stored.
    assert_eq!(
        state.get("vpc_health_config").get("protocol"),
        &Value::string("http")
    );
    state = state_from_api(&server_channel(3), &state, &loc());
    let (again, _) = plan(&state, &config(), &D);
    assert_eq!(
        again.get("vpc_health_config").get("protocol"),
        &Value::string("http")
    );
    let _ = planned;
}

#[test]
fn member_field_change_is_planned_and_sent_in_full() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let state = state_from_api(&server_channel(3), &planned, &loc());
    let mut cfg = config();
    if let Value::Object(o) = &mut cfg {
        if let Some(Value::List(ms)) = o.get_mut("members") {
            if let Value::Object(m) = &mut ms[0] {
                m.insert("weight".into(), Value::int(9));
            }
        }
    }
    let (p, replace) = plan(&state, &cfg, &D);
    assert_ne!(p, state);
    assert!(replace.is_empty(), "member changes are in place");
    assert_eq!(p.get("id"), &Value::string("c1"), "id is kept");
    let body = request_from_plan(&p, &cfg);
    let members = body.members.unwrap();
    assert_eq!(members.len(), 2, "full member list");
    assert_eq!(members[0].weight, Some(9));
    assert_eq!(
        members[1].weight,
        Some(0),
        "kept members carry their known values"
    );
    assert_eq!(
        members[1].ecs_id, None,
        "derived ecs_id of ip members is not sent"
    );
    assert_eq!(body.vpc_health_config.unwrap().protocol, "HTTP");
    assert_eq!(body.member_groups.unwrap().len(), 1);
}

#[test]
fn drift_shows_as_change() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let state = state_from_api(&server_channel(50), &planned, &loc());
    let (p, _) = plan(&state, &config(), &D);
    assert_ne!(p, state, "weight 50 on the server vs 3 in config");
    assert_eq!(
        p.get("members").as_list().unwrap()[0].get("weight"),
        &Value::int(3)
    );
}

#[test]
fn type_and_gateway_changes_force_replacement() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let state = state_from_api(&server_channel(3), &planned, &loc());
    let mut cfg = config();
    if let Value::Object(o) = &mut cfg {
        o.insert("instance_id".into(), Value::string("gw2"));
    }
    let (_, replace) = plan(&state, &cfg, &D);
    assert_eq!(replace, vec![AttrPath::root().attr("instance_id")]);
    let (p, _) = plan(&state, &Value::Null, &D);
    assert_eq!(p, Value::Null, "destroy plans null");
}

#[test]
fn microservice_discovered_members_are_not_tracked() {
    let mut ch = server_channel(3);
    ch.channel_type = 3;
    ch.microservice_info = Some(MicroserviceInfo {
        id: Some("ms".into()),
        spec: MicroserviceCreate {
            service_type: Some("CCE".into()),
            cce_info: Some(CceInfo {
                cluster_id: "c".into(),
                namespace: "default".into(),
                workload_type: "deployment".into(),
                app_name: Some("app1".into()),
                label_key: Some("app".into()),
                label_value: Some("app1".into()),
                cluster_name: Some("cce-test".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    });
    let state = state_from_api(&ch, &Value::Null, &loc());
    assert_eq!(
        state.get("members"),
        &Value::Null,
        "discovered members are not drift"
    );
    let ms = state.get("microservice_info");
    assert_eq!(ms.get("cce_info").get("label_key"), &Value::string("app"));
    assert_eq!(
        ms.get("cse_info"),
        &Value::Null,
        "empty cse_info of a CCE channel"
    );
}

#[test]
fn cce_labels_follow_app_name() {
    let cfg = v(serde_json::json!({
        "instance_id": "gw", "name": "chan", "port": 22, "member_type": "ip", "type": 3,
        "microservice_info": {"service_type": "CCE", "cce_info": {"cluster_id": "c", "namespace": "default",
            "workload_type": "deployment", "app_name": "newapp"}}
    }));
    assert!(validate(&cfg).is_empty(), "{:?}", validate(&cfg));
    // New: whether the API reports label_key "app" and label_value =
    // app_name, or neither (the seed's Example 2), is known after apply.
    let (p, _) = plan(&Value::Null, &cfg, &D);
    let cce = p.get("microservice_info").get("cce_info");
    assert!(cce.get("label_key").is_unknown() && cce.get("label_value").is_unknown());
    assert!(cce.get("cluster_name").is_unknown());
    // Kept, null included, while app_name and the cluster stay.
    for (key, val) in [
        (Value::string("app"), Value::string("newapp")),
        (Value::Null, Value::Null),
    ] {
        let mut prior = p.clone();
        let ms = prior_cce(&mut prior);
        ms.insert("label_key".into(), key.clone());
        ms.insert("label_value".into(), val.clone());
        ms.insert("cluster_name".into(), Value::string("cce-test"));
        let prior = unknowns_known(&prior);
        let (again, _) = plan(&prior, &cfg, &D);
        let cce = again.get("microservice_info").get("cce_info");
        assert_eq!((cce.get("label_key"), cce.get("label_value")), (&key, &val));
        assert_eq!(cce.get("cluster_name"), &Value::string("cce-test"));
        // Another app or cluster: what the API derives is unknown again.
        for (attr, derived) in [("app_name", "label_value"), ("cluster_id", "cluster_name")] {
            let mut changed = cfg.clone();
            prior_cce(&mut changed).insert(attr.into(), Value::string("other"));
            let (p2, _) = plan(&prior, &changed, &D);
            assert!(
                p2.get("microservice_info")
                    .get("cce_info")
                    .get(derived)
                    .is_unknown(),
                "{attr}"
            );
        }
    }
}

fn prior_cce(v: &mut Value) -> &mut std::collections::BTreeMap<String, Value> {
    let Value::Object(o) = v else { panic!() };
    let Some(Value::Object(ms)) = o.get_mut("microservice_info") else {
        panic!()
    };
    let Some(Value::Object(cce)) = ms.get_mut("cce_info") else {
        panic!()
    };
    cce
}

/// A planned value as the state after apply: unknowns become values.
fn unknowns_known(v: &Value) -> Value {
    match v {
        Value::Unknown => Value::string("x"),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), unknowns_known(x)))
                .collect(),
        ),
        Value::List(l) => Value::List(l.iter().map(unknowns_known).collect()),
        x => x.clone(),
    }
}

#[test]
fn unknown_values_are_not_rejected() {
    let mut cfg = config();
    if let Value::Object(o) = &mut cfg {
        o.insert("port".into(), Value::Unknown);
        o.insert("members".into(), Value::Unknown);
    }
    assert!(validate(&cfg).is_empty(), "{:?}", validate(&cfg));
    let (p, _) = plan(&Value::Null, &cfg, &D);
    assert!(p.get("members").is_unknown());
}

#[test]
fn validation_names_the_attribute_path() {
    let mut cfg = config();
    if let Value::Object(o) = &mut cfg {
        if let Some(Value::List(ms)) = o.get_mut("members") {
            if let Value::Object(m) = &mut ms[1] {
                m.insert("weight".into(), Value::int(20000));
            }
        }
    }
    let d = validate(&cfg);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].path.as_ref().unwrap().to_string(), "members[1].weight");
    assert!(
        d[0].detail.contains("between 0 and 10000"),
        "{}",
        d[0].detail
    );
}

#[test]
fn every_member_field_change_is_an_in_place_update_that_is_sent() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let state = state_from_api(&server_channel(3), &planned, &loc());
    let changes: Vec<(&str, Value)> = vec![
        ("weight", Value::int(8)),
        ("port", Value::int(2222)),
        ("status", Value::int(2)),
        ("is_backup", Value::Bool(true)),
        ("member_group_name", Value::Null),
    ];
    for (field, new) in changes {
        let mut cfg = config();
        if let Value::Object(o) = &mut cfg {
            if let Some(Value::List(ms)) = o.get_mut("members") {
                if let Value::Object(m) = &mut ms[0] {
                    m.insert(field.into(), new.clone());
                }
            }
        }
        let (p, replace) = plan(&state, &cfg, &D);
        assert_ne!(p, state, "{field} change must be planned");
        assert!(replace.is_empty(), "{field} change is in place");
        let sent = request_from_plan(&p, &cfg).members.unwrap();
        let sent = serde_json::to_value(&sent[0]).unwrap();
        let expect = match &new {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::json!(b),
            other => serde_json::json!(other.as_i64().unwrap()),
        };
        assert_eq!(
            sent.get(field).cloned().unwrap_or(serde_json::Value::Null),
            expect,
            "{field} sent"
        );
    }
    // ECS members: a new ecs_name is sent too.
    let ecs_cfg = v(serde_json::json!({
        "instance_id": "gw", "name": "chan", "port": 22,
        "members": [{"ecs_id": "e1", "ecs_name": "web-renamed"}]
    }));
    let body = request_from_plan(&plan(&Value::Null, &ecs_cfg, &D).0, &ecs_cfg);
    assert_eq!(
        body.members.unwrap()[0].ecs_name.as_deref(),
        Some("web-renamed")
    );
}

#[test]
fn values_the_api_leaves_out_keep_the_planned_ones() {
    let (planned, _) = plan(&Value::Null, &config(), &D);
    let mut ch = server_channel(3);
    for m in ch.members.iter_mut().flatten() {
        m.spec.port = None;
        m.spec.ecs_id = None;
        m.spec.ecs_name = None;
        m.spec.status = None;
    }
    let state = state_from_api(&ch, &planned, &loc());
    let m = &state.get("members").as_list().unwrap()[1];
    assert_eq!(m.get("port"), &Value::int(22));
    assert_eq!(m.get("ecs_id"), &Value::Null);
    assert_eq!(
        m.get("status"),
        &Value::Null,
        "unknown in the plan: the API's answer (none) stands"
    );
}

/// An ECS member's `host` is the server's private IP: a configured one is
/// kept, an unset one follows the server, and a server whose IP changes
/// later makes no diff either way.
#[test]
fn ecs_member_host_kept_when_written() {
    let cfg = v(serde_json::json!({
        "instance_id": "gw", "name": "e", "port": 80,
        "members": [{"ecs_id": "e1", "ecs_name": "one"},
                    {"ecs_id": "e2", "ecs_name": "two", "host": "10.0.0.9"}]
    }));
    let shown = |ip1: &str, ip2: &str| -> Channel {
        serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "e", "port": 80, "balance_strategy": 1, "member_type": "ecs",
            "type": 2, "create_time": "t", "status": 1,
            "members": [
                {"id": "m1", "host": ip1, "ecs_id": "e1", "ecs_name": "one", "weight": 0,
                 "port": 80, "status": 1, "is_backup": false},
                {"id": "m2", "host": ip2, "ecs_id": "e2", "ecs_name": "two", "weight": 0,
                 "port": 80, "status": 1, "is_backup": false}]
        }))
        .unwrap()
    };
    let (planned, _) = plan(&Value::Null, &cfg, &D);
    let body = request_from_plan(&planned, &cfg);
    assert!(body.members.unwrap().iter().all(|m| m.host.is_none()));
    let state = state_from_api(&shown("192.168.0.1", "192.168.0.2"), &planned, &loc());
    let hosts = |s: &Value| -> Vec<Value> {
        let ms = s.get("members").as_list().unwrap_or_default();
        ms.iter().map(|m| m.get("host").clone()).collect()
    };
    assert_eq!(
        hosts(&state),
        [Value::string("192.168.0.1"), Value::string("10.0.0.9")]
    );
    // The servers' IPs change: refresh, then plan nothing.
    let refreshed = state_from_api(&shown("192.168.5.1", "192.168.5.2"), &state, &loc());
    let (again, replace) = plan(&refreshed, &cfg, &D);
    assert_eq!(again, refreshed);
    assert!(replace.is_empty());
    // Imported (no guide): the server's values, which plan nothing as config.
    let imported = state_from_api(&shown("192.168.0.1", "192.168.0.2"), &Value::Null, &loc());
    assert_eq!(
        hosts(&imported),
        [Value::string("192.168.0.1"), Value::string("192.168.0.2")]
    );
}

#[test]
fn a_project_decided_at_apply_is_planned_unknown_and_an_own_one_kept() {
    let later = Defaults {
        project_id: crate::tfplugin::typed::Tf::Unknown,
        region: Some("cn-north-4"),
    };
    let (p, _) = plan(&Value::Null, &config(), &later);
    assert!(p.get("project_id").is_unknown());
    let mut own = config();
    if let Value::Object(o) = &mut own {
        o.insert("project_id".into(), Value::string("mine"));
    }
    let (p, _) = plan(&Value::Null, &own, &later);
    assert_eq!(p.get("project_id").as_str(), Some("mine"));
    let (p, _) = plan(&Value::Null, &config(), &D);
    assert_eq!(p.get("project_id").as_str(), Some("proj"));
}

/// Each cross-field rule reads only its own attributes: a value that does
/// not fit elsewhere (a fractional weight) is reported by its check and
/// hides nothing else.
#[test]
fn a_bad_value_elsewhere_does_not_hide_a_rule() {
    let cfg = v(serde_json::json!({
        "instance_id": "gw", "name": "chan", "port": 22, "member_type": "ip",
        "members": [{"host": "10.0.0.1", "weight": 1.5}],
        "vpc_health_config": {"protocol": "TCP",
            "threshold_normal": 2, "threshold_abnormal": 2, "time_interval": 5, "timeout": 5}
    }));
    let d: Vec<String> = validate(&cfg).into_iter().map(|d| d.detail).collect();
    assert!(d.iter().any(|x| x.contains("whole number")), "{d:?}");
    assert!(
        d.iter()
            .any(|x| x.contains("must be greater than `timeout`")),
        "{d:?}"
    );
}

/// The same host in two groups, with a prior state in the other order: the
/// plan keeps the prior order, and each member is sent with its own
/// configuration (the ecs_id only the grp_a member sets).
#[test]
fn members_are_sent_with_their_own_configuration_whatever_the_order() {
    let attrs = &super::schema::schema().attributes;
    let cfg = super::plan_props_tests::normalize(
        attrs,
        &v(serde_json::json!({
            "instance_id": "gw", "name": "chan2", "port": 22, "member_type": "ip",
            "member_groups": [{"member_group_name": "grp_a"}, {"member_group_name": "grp_b"}],
            "members": [
                {"host": "10.0.0.1", "member_group_name": "grp_a", "ecs_id": "10.0.0.1"},
                {"host": "10.0.0.1", "member_group_name": "grp_b"}
            ]
        })),
    );
    assert!(validate(&cfg).is_empty(), "{:?}", validate(&cfg));
    let (created, _) = plan(&Value::Null, &cfg, &D);
    let mut prior = created.clone();
    if let Value::Object(o) = &mut prior {
        for (k, x) in [
            ("id", Value::string("c1")),
            ("name", Value::string("chan")),
            ("create_time", Value::string("t")),
            ("status", Value::int(1)),
        ] {
            o.insert(k.into(), x);
        }
        if let Some(Value::List(ms)) = o.get_mut("members") {
            ms.reverse();
            for m in ms.iter_mut() {
                if let Value::Object(m) = m {
                    m.insert("weight".into(), Value::int(1));
                    m.insert("status".into(), Value::int(1));
                }
            }
        }
        if let Some(Value::List(gs)) = o.get_mut("member_groups") {
            for g in gs.iter_mut() {
                if let Value::Object(g) = g {
                    for k in ["member_group_id", "create_time", "update_time"] {
                        g.insert(k.into(), Value::string("x"));
                    }
                    g.insert("member_group_weight".into(), Value::Null);
                }
            }
        }
    }
    let (planned, _) = plan(&prior, &cfg, &D);
    let groups: Vec<_> = (planned.get("members").as_list().unwrap().iter())
        .map(|m| m.get("member_group_name").as_str().unwrap().to_string())
        .collect();
    assert_eq!(groups, ["grp_b", "grp_a"], "the plan keeps the prior order");
    for m in request_from_plan(&planned, &cfg).members.unwrap() {
        let g = m.member_group_name.as_deref().unwrap();
        let want = (g == "grp_a").then(|| "10.0.0.1".to_string());
        assert_eq!(m.ecs_id, want, "ecs_id sent for {g}");
    }
}
