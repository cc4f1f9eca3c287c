use super::*;
use crate::apig::models as api;
use crate::provider::config;
use crate::provider::gateway::Location;
use crate::provider::vpc_channel::convert::state_from_api;
use crate::provider::vpc_channel::identity;
use crate::tfplugin::typed::Known;

fn provider() -> ProviderConfig {
    let block = config::schema().object_with(vec![
        ("region", Value::string("cn-north-4")),
        (
            "project_id",
            Value::string("0123456789abcdef0123456789abcdef"),
        ),
        ("token", Value::string("t")),
    ]);
    config::resolve(&block, &|_| None).unwrap()
}

/// The state an import of `body` (as the API shows it) reads.
fn imported(body: serde_json::Value, region: &str) -> Value {
    let ch: api::Channel = serde_json::from_value(body).unwrap();
    let loc = Location {
        instance_id: "eddc4d25480b4cd6b512f270a1b8b341".into(),
        project_id: "0123456789abcdef0123456789abcdef".into(),
        region: Some(region.into()),
        endpoint: String::new(),
    };
    let id = crate::tfplugin::value::test_value(serde_json::json!({
        "instance_id": loc.instance_id, "id": ch.id, "project_id": loc.project_id, "region": region
    }));
    state_from_api(
        &ch,
        &identity::import_state(None, &id).unwrap().to_known(),
        &loc,
    )
}

fn set(v: &Value) -> Vec<String> {
    match v {
        Value::Object(o) => (o.iter())
            .filter(|(_, x)| !x.is_null())
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn an_ip_channel_keeps_only_what_differs_from_what_is_filled_in() {
    let state = imported(
        serde_json::json!({
            "id": "c0ffee01", "name": "ch_ip", "port": 80, "balance_strategy": 2,
            "member_type": "ip", "type": 2, "status": 1, "create_time": "2024-01-01T00:00:00Z",
            "member_groups": [{"member_group_name": "grp1", "member_group_weight": 3, "member_group_id": "g-1"}],
            "members": [
                {"host": "10.0.0.1", "weight": 3, "port": 80, "status": 1, "is_backup": false,
                 "member_group_name": "grp1", "ecs_id": "10.0.0.1", "ecs_name": "10.0.0.1"},
                {"host": "10.0.0.2", "weight": 5, "port": 8080, "status": 2, "is_backup": true,
                 "member_group_name": "grp1", "ecs_id": "10.0.0.2", "ecs_name": "10.0.0.2"}
            ],
            "vpc_health_config": {"protocol": "TCP", "port": 0, "threshold_normal": 2,
                "threshold_abnormal": 3, "time_interval": 10, "timeout": 5, "method": "GET",
                "enable_client_ssl": false, "status": 1, "http_code": "", "path": ""}
        }),
        "cn-north-4",
    );
    let cfg = provider();
    let c = config_for(Some(&cfg), &state);
    assert!(
        no_change(Some(&cfg), &state, &c),
        "the result plans no change"
    );
    let top = set(&c);
    for must in [
        "instance_id",
        "name",
        "port",
        "balance_strategy",
        "member_type",
        "members",
    ] {
        assert!(
            top.contains(&must.to_string()),
            "{must} missing from {top:?}"
        );
    }
    for filled in [
        "id",
        "project_id",
        "region",
        "type",
        "status",
        "create_time",
    ] {
        assert!(!top.contains(&filled.to_string()), "{filled} in {top:?}");
    }
    let members = c.get("members").as_list().unwrap();
    let first = set(&members[0]);
    assert!(
        !first.contains(&"ecs_id".to_string()) && !first.contains(&"status".to_string()),
        "{first:?}"
    );
    assert!(
        !first.contains(&"port".to_string()),
        "the channel's port is filled in: {first:?}"
    );
    let second = set(&members[1]);
    for must in [
        "host",
        "weight",
        "port",
        "status",
        "is_backup",
        "member_group_name",
    ] {
        assert!(
            second.contains(&must.to_string()),
            "{must} missing from {second:?}"
        );
    }
    let health = set(c.get("vpc_health_config"));
    assert!(!health.contains(&"status".to_string()), "{health:?}");
}

#[test]
fn another_region_and_project_are_kept() {
    let state = imported(
        serde_json::json!({"id": "c0ffee02", "name": "ch_r", "port": 80, "balance_strategy": 1,
            "member_type": "ip", "type": 2}),
        "cn-south-1",
    );
    let c = config_for(Some(&provider()), &state);
    assert_eq!(c.get("region").as_str(), Some("cn-south-1"));
}
