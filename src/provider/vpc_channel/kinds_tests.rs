//! Unit tests of the third round's kinds of channel: reference channels,
//! NACOS (with its secret), `type` planned from `vpc_channel_type`, and
//! what the API derives from a microservice source.

use super::convert::{request_from_plan, state_from_api};
use super::plan::{plan_values as plan, Defaults};
use super::validate;
use crate::apig::models as api;
use crate::provider::gateway::Location;
use crate::tfplugin::value::{test_value as v, Value};

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

fn details(d: &[crate::tfplugin::diag::Diagnostic]) -> Vec<String> {
    d.iter()
        .map(|d| format!("{:?}: {}", d.path, d.detail))
        .collect()
}

fn reference() -> Value {
    v(reference_json())
}

fn reference_json() -> serde_json::Value {
    serde_json::json!({
        "instance_id": "gw", "name": "引用通道", "port": 80, "member_type": "ip",
        "vpc_channel_type": "reference",
        "member_groups": [
            {"member_group_name": "组_a", "reference_vpc_channel_id": "aaaa1111"},
            {"member_group_name": "grp_b", "reference_vpc_channel_id": "bbbb2222"}
        ]
    })
}

#[test]
fn reference_channels_validate_plan_and_send_their_references() {
    assert!(
        validate(&reference()).is_empty(),
        "{:?}",
        details(&validate(&reference()))
    );
    let (p, replace) = plan(&Value::Null, &reference(), &D);
    assert!(replace.is_empty());
    assert!(
        p.get("type").is_unknown(),
        "the API's type for a reference channel"
    );
    let body = request_from_plan(&p, &reference());
    assert_eq!(body.vpc_channel_type.as_deref(), Some("reference"));
    assert_eq!(
        body.channel_type, None,
        "type is not sent beside vpc_channel_type"
    );
    let refs: Vec<_> = (body.member_groups.iter().flatten())
        .map(|g| g.reference_vpc_channel_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(refs, ["aaaa1111", "bbbb2222"]);
}

#[test]
fn reference_rules_name_the_attribute() {
    let mut c = reference_json();
    c["member_groups"][1]["reference_vpc_channel_id"] = serde_json::Value::Null;
    c["members"] = serde_json::json!([{"host": "10.0.0.1"}]);
    let d = details(&validate(&v(c.clone())));
    assert!(
        d.iter()
            .any(|x| x.contains("member_groups[1].reference_vpc_channel_id` is required")),
        "{d:?}"
    );
    assert!(
        d.iter().any(|x| x.contains("has no members of its own")),
        "{d:?}"
    );
    // On another kind of channel a reference is refused.
    c["vpc_channel_type"] = "builtin".into();
    c["type"] = 2.into();
    let d = details(&validate(&v(c.clone())));
    assert!(
        d.iter().any(|x| x
            .contains("member_groups[0].reference_vpc_channel_id` is only for reference channels")),
        "{d:?}"
    );
    // builtin goes with 2, microservice with 3.
    c["type"] = 3.into();
    let d = details(&validate(&v(c)));
    assert!(
        d.iter().any(|x| x.contains("does not go with `type = 3`")),
        "{d:?}"
    );
}

#[test]
fn type_follows_vpc_channel_type_when_unset() {
    let base = |vct: Option<&str>| {
        let mut c = serde_json::json!({"instance_id": "gw", "name": "chan", "port": 80, "member_type": "ip"});
        if let Some(t) = vct {
            c["vpc_channel_type"] = t.into();
        }
        v(c)
    };
    let ty = |c: &Value| plan(&Value::Null, c, &D).0.get("type").clone();
    assert_eq!(ty(&base(None)), Value::int(2));
    assert_eq!(ty(&base(Some("builtin"))), Value::int(2));
    assert_eq!(ty(&base(Some("microservice"))), Value::int(3));
    // Unset and new: vpc_channel_type is the API's to report.
    assert!(plan(&Value::Null, &base(None), &D)
        .0
        .get("vpc_channel_type")
        .is_unknown());
}

fn nacos(pw: serde_json::Value) -> Value {
    v(serde_json::json!({
        "instance_id": "gw", "name": "nacos_chan", "port": 80, "member_type": "ip", "type": 3,
        "microservice_info": {"service_type": "NACOS", "nacos_info": {
            "service_name": "svc", "server_config": [{"ip_address": "10.0.0.9", "port": 8848}],
            "user_info": pw}}
    }))
}

#[test]
fn nacos_password_is_write_only_or_sensitive_and_always_sent() {
    let wo = nacos(
        serde_json::json!({"user_name": "u", "password_wo": "s3cret-wo", "password_wo_version": 1}),
    );
    assert!(validate(&wo).is_empty(), "{:?}", details(&validate(&wo)));
    let (p, _) = plan(&Value::Null, &wo, &D);
    let planned_user = p
        .get("microservice_info")
        .get("nacos_info")
        .get("user_info");
    assert_eq!(
        planned_user.get("password_wo"),
        &Value::Null,
        "never planned"
    );
    assert_eq!(planned_user.get("password_wo_version"), &Value::int(1));
    let n = p.get("microservice_info").get("nacos_info");
    assert_eq!(n.get("cluster_name"), &Value::string("DEFAULT"));
    assert_eq!(n.get("group_name"), &Value::string("DEFAULT_GROUP"));
    assert!(n.get("server_config").as_list().unwrap()[0]
        .get("grpc_port")
        .is_unknown());
    let body = request_from_plan(&p, &wo);
    let user = &body
        .microservice_info
        .as_ref()
        .unwrap()
        .nacos_info
        .as_ref()
        .unwrap()
        .user_info;
    assert_eq!(
        user.password.as_deref(),
        Some("s3cret-wo"),
        "sent from the configuration"
    );
    assert!(
        !format!("{body:?}").contains("s3cret"),
        "Debug hides the password"
    );

    // Read back: the API's password (masked or not) never reaches state.
    let shown: api::Channel = serde_json::from_value(serde_json::json!({
        "id": "c1", "name": "nacos_chan", "port": 80, "balance_strategy": 1, "member_type": "ip", "type": 3,
        "vpc_channel_type": "microservice",
        "microservice_info": {"service_type": "NACOS", "nacos_info": {"service_name": "svc",
            "server_config": [{"ip_address": "10.0.0.9", "port": 8848, "grpc_port": 9848}],
            "user_info": {"user_name": "u", "password": "******"}}}
    }))
    .unwrap();
    let state = state_from_api(&shown, &p, &loc());
    let user = state
        .get("microservice_info")
        .get("nacos_info")
        .get("user_info");
    assert_eq!(user.get("password"), &Value::Null);
    assert_eq!(user.get("password_wo"), &Value::Null);
    let imported = state_from_api(&shown, &Value::Null, &loc());
    let n = imported.get("microservice_info").get("nacos_info");
    assert_eq!(
        n.get("user_info").get("password"),
        &Value::Null,
        "import: none"
    );
    assert_eq!(
        n.get("cluster_name"),
        &Value::string("DEFAULT"),
        "unset reads as the API's default"
    );
    // Re-plan from that state: no change, grpc_port kept.
    let (again, _) = plan(&state, &wo, &D);
    assert_eq!(again, state);

    let sensitive = nacos(serde_json::json!({"user_name": "u", "password": "p1"}));
    let (p, _) = plan(&Value::Null, &sensitive, &D);
    let state = state_from_api(&shown, &p, &loc());
    let user = state
        .get("microservice_info")
        .get("nacos_info")
        .get("user_info");
    assert_eq!(
        user.get("password"),
        &Value::string("p1"),
        "kept from the plan, not the API's mask"
    );
}

#[test]
fn nacos_needs_exactly_one_password() {
    for (pw, want) in [
        (
            serde_json::json!({"user_name": "u"}),
            "needs `password` or `password_wo`",
        ),
        (
            serde_json::json!({"user_name": "u", "password": "a", "password_wo": "b"}),
            "not both",
        ),
    ] {
        let d = details(&validate(&nacos(pw)));
        assert!(d.iter().any(|x| x.contains(want)), "{d:?}");
    }
}

#[test]
fn a_new_cse_source_plans_its_derived_names_unknown() {
    let cfg = |sid: &str| {
        v(serde_json::json!({
            "instance_id": "gw", "name": "cse_chan", "port": 80, "member_type": "ip", "type": 3,
            "microservice_info": {"service_type": "CSE", "cse_info": {"engine_id": "e1", "service_id": sid}}
        }))
    };
    let shown: api::Channel = serde_json::from_value(serde_json::json!({
        "id": "c1", "name": "cse_chan", "port": 80, "balance_strategy": 1, "member_type": "ip", "type": 3,
        "microservice_info": {"id": "m", "service_type": "CSE", "cse_info": {"engine_id": "e1", "service_id": "s1",
            "engine_name": "eng", "service_name": "svc-one", "register_address": "x", "cse_app_id": "a", "version": "v"}}
    }))
    .unwrap();
    let (p, _) = plan(&Value::Null, &cfg("s1"), &D);
    let state = state_from_api(&shown, &p, &loc());
    let (same, _) = plan(&state, &cfg("s1"), &D);
    assert_eq!(same, state, "same source: no change");
    let (moved, _) = plan(&state, &cfg("s2"), &D);
    let cse = moved.get("microservice_info").get("cse_info");
    for derived in [
        "engine_name",
        "service_name",
        "register_address",
        "cse_app_id",
        "version",
    ] {
        assert!(cse.get(derived).is_unknown(), "{derived}");
    }
}

#[test]
fn the_seed_example_2_imports_and_replans_clean() {
    let shown: api::Channel =
        serde_json::from_str(include_str!("../../../tests/data/seed_example2_show.json")).unwrap();
    let state = state_from_api(&shown, &Value::Null, &loc());
    let cfg = v(serde_json::json!({
        "instance_id": "gw", "name": "VPC_demo", "port": 22, "member_type": "ip", "type": 3,
        "member_groups": [
            {"member_group_name": "test", "member_group_weight": 1, "member_group_remark": "remark",
             "microservice_version": "v1", "microservice_port": 80},
            {"member_group_name": "default", "member_group_weight": 2, "member_group_remark": "remark",
             "microservice_version": "v2", "microservice_port": 80,
             "microservice_labels": [{"label_name": "cluster_id", "label_value": "c429700c-5dc4-482a-9c0e-99f6c0635113"}]}
        ],
        "microservice_info": {"service_type": "CCE", "cce_info": {"cluster_id": "ab1485b4f91b45abbcd560be591f7309",
            "namespace": "default", "workload_type": "deployment", "app_name": "testapp"}}
    }));
    assert!(validate(&cfg).is_empty(), "{:?}", details(&validate(&cfg)));
    let (p, replace) = plan(&state, &cfg, &D);
    assert!(replace.is_empty());
    assert_eq!(p, state, "no change after import");
}

#[test]
fn write_only_values_are_refused_where_terraform_cannot_keep_them_out_of_state() {
    let attrs = &super::schema::schema().attributes;
    let wo = nacos(serde_json::json!({"user_name": "u", "password_wo": "x"}));
    let d = crate::tfplugin::schema::write_only_refused(attrs, &wo);
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].path.as_ref().map(|p| p.to_string()).as_deref(),
        Some("microservice_info.nacos_info.user_info.password_wo")
    );
    assert!(d[0].detail.contains("Terraform 1.11"), "{}", d[0].detail);
    let plain = nacos(serde_json::json!({"user_name": "u", "password": "x"}));
    assert!(crate::tfplugin::schema::write_only_refused(attrs, &plain).is_empty());
    // The protocol schema says write-only; data sources export it as a
    // plain computed attribute (Terraform refuses computed write-only).
    let proto = crate::tfplugin::grpc::convert::schema_to_proto(super::schema::schema());
    assert!(format!("{proto:?}").contains("write_only: true"));
    let one = crate::provider::vpc_channel_data::schema::one();
    assert!(!format!("{:?}", one).contains("write_only: true"));
}
