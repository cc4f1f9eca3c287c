//! The schema's object-level and cross-field rules against the emulator:
//! for each rule, configurations that satisfy it and that break it, built
//! from small valid bases. Each configuration is planned (no prior state),
//! sent as the provider sends it (`convert::request_from_plan`) to the
//! emulator's request validation, stored and read back with the server's
//! habits on. The server "accepts" a configuration when it takes the body
//! and reads back what was planned; a server that takes a body but writes
//! back something else (an ip member's `ecs_id`, a server channel's
//! microservice details, merged duplicates) would fail the apply with
//! "Provider produced inconsistent result", so the provider must reject
//! exactly what the server does not accept.

use serde_json::{json, Value as J};

use crate::apig::models::Channel;
use crate::provider::vpc_channel::convert::{request_from_plan, state_from_api, Location};
use crate::provider::vpc_channel::plan::{plan_values as plan, Defaults};
use crate::provider::vpc_channel::plan_props_tests::{compatible, normalize};
use crate::provider::vpc_channel::{schema, validate as provider_validate};
use crate::tfplugin::diag::Severity;
use crate::tfplugin::value::{test_value, Value};

use super::render;
use super::store::{Policy, Store};
use super::validate::channel_request;

const GW: &str = "gw";
const D: Defaults = Defaults {
    project_id: crate::tfplugin::typed::Tf::Known("proj"),
    region: Some("cn-north-4"),
};

/// What a case must do: be accepted, or be rejected with a provider
/// diagnostic whose path contains the given attribute path.
#[derive(Clone, Copy, Debug)]
enum Want {
    Ok,
    Bad(&'static str),
}
use Want::{Bad, Ok as Good};

struct Case {
    name: &'static str,
    cfg: J,
    want: Want,
}

fn case(name: &'static str, cfg: J, want: Want) -> Case {
    Case { name, cfg, want }
}

/// `j` with `key` set to `x` in the object at JSON pointer `at`.
fn set(mut j: J, at: &str, key: &str, x: J) -> J {
    j.pointer_mut(at)
        .and_then(J::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {at}"))
        .insert(key.to_string(), x);
    j
}

/// `j` without `key` in the object at `at`.
fn del(mut j: J, at: &str, key: &str) -> J {
    j.pointer_mut(at)
        .and_then(J::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {at}"))
        .remove(key);
    j
}

fn ip() -> J {
    json!({"instance_id": GW, "name": "chan_ip", "port": 22, "member_type": "ip",
        "member_groups": [{"member_group_name": "grp_a"}, {"member_group_name": "grp_b"}],
        "members": [{"host": "10.0.0.1", "member_group_name": "grp_a"}]})
}
fn ip_members(ms: J) -> J {
    set(ip(), "", "members", ms)
}
/// `member_type` unset: `ecs` by default.
fn ecs_members(ms: J) -> J {
    json!({"instance_id": GW, "name": "chan_ecs", "port": 22, "members": ms})
}
fn hc() -> J {
    json!({"protocol": "HTTP", "path": "/", "http_code": "200", "threshold_normal": 2,
        "threshold_abnormal": 2, "time_interval": 10, "timeout": 5})
}
fn health(h: J) -> J {
    set(ip(), "", "vpc_health_config", h)
}
fn labels(g0: J, g1: J) -> J {
    set(
        ip(),
        "",
        "member_groups",
        json!([{"member_group_name": "grp_a", "microservice_labels": g0},
            {"member_group_name": "grp_b", "microservice_labels": g1}]),
    )
}
fn micro(ms: J) -> J {
    json!({"instance_id": GW, "name": "chan_ms", "port": 22, "type": 3, "member_type": "ip",
        "member_groups": [{"member_group_name": "grp_a"}], "microservice_info": ms})
}
fn cce(info: J) -> J {
    let base = json!({"cluster_id": "c1", "namespace": "ns", "workload_type": "deployment"});
    let mut o = base.as_object().unwrap().clone();
    o.extend(info.as_object().unwrap().clone());
    micro(json!({"service_type": "CCE", "cce_info": o}))
}
fn cse_info() -> J {
    json!({"engine_id": "e1", "service_id": "s1"})
}
fn svc_info() -> J {
    json!({"cluster_id": "c1", "namespace": "ns", "service_name": "svc"})
}
fn lab(n: &str, v: &str) -> J {
    json!({"label_name": n, "label_value": v})
}

fn member_cases() -> Vec<Case> {
    let h = |x: J| ip_members(json!([x]));
    vec![
        case("ip member with host", ip(), Good),
        case(
            "ip member without host",
            h(json!({"weight": 1})),
            Bad("members[0].host"),
        ),
        case(
            "ip member, ecs_id repeats host",
            h(json!({"host": "10.0.0.1", "ecs_id": "10.0.0.1"})),
            Good,
        ),
        case(
            "ip member, ecs_name repeats host",
            h(json!({"host": "10.0.0.1", "ecs_name": "10.0.0.1"})),
            Good,
        ),
        case(
            "ip member, other ecs_id",
            h(json!({"host": "10.0.0.1", "ecs_id": "i-1"})),
            Bad("members[0].ecs_id"),
        ),
        case(
            "ip member, other ecs_name",
            h(json!({"host": "10.0.0.1", "ecs_name": "vm1"})),
            Bad("members[0].ecs_name"),
        ),
        case(
            "ecs member with id and name",
            ecs_members(json!([{"ecs_id": "e1", "ecs_name": "vm.1"}])),
            Good,
        ),
        case(
            "ecs member with a written host",
            ecs_members(json!([{"ecs_id": "e1", "ecs_name": "vm1", "host": "10.9.9.9"}])),
            Good,
        ),
        case(
            "ecs member without ecs_id",
            ecs_members(json!([{"ecs_name": "vm1"}])),
            Bad("members[0].ecs_id"),
        ),
        case(
            "ecs member without ecs_name",
            ecs_members(json!([{"ecs_id": "e1"}])),
            Bad("members[0].ecs_name"),
        ),
        case(
            "ecs member given only a host",
            ecs_members(json!([{"host": "10.0.0.1"}])),
            Bad("members[0].ecs_id"),
        ),
        case(
            "ecs member, 64-char ecs_id",
            ecs_members(json!([{"ecs_id": "e".repeat(64), "ecs_name": "vm1"}])),
            Good,
        ),
        case(
            "ecs member, 65-char ecs_id",
            ecs_members(json!([{"ecs_id": "e".repeat(65), "ecs_name": "vm1"}])),
            Bad("members[0].ecs_id"),
        ),
        case(
            "ecs member, ecs_id with a period",
            ecs_members(json!([{"ecs_id": "e.1", "ecs_name": "vm1"}])),
            Bad("members[0].ecs_id"),
        ),
        case(
            "ecs member, ecs_name with a space",
            ecs_members(json!([{"ecs_id": "e1", "ecs_name": "vm 1"}])),
            Bad("members[0].ecs_name"),
        ),
        case(
            "member in a declared group",
            h(json!({"host": "10.0.0.1", "member_group_name": "grp_b"})),
            Good,
        ),
        case(
            "member in an undeclared group",
            h(json!({"host": "10.0.0.1", "member_group_name": "grp_x"})),
            Bad("members[0].member_group_name"),
        ),
        case(
            "member in a group, none declared",
            del(ip(), "", "member_groups"),
            Bad("members[0].member_group_name"),
        ),
        case(
            "two members, other hosts",
            ip_members(json!([{"host": "10.0.0.1"}, {"host": "10.0.0.2"}])),
            Good,
        ),
        case(
            "two members, same host",
            ip_members(json!([{"host": "10.0.0.1"}, {"host": "10.0.0.1"}])),
            Bad("members[1]"),
        ),
        case(
            "two members, same host, other ports",
            ip_members(json!([{"host": "10.0.0.1", "port": 80}, {"host": "10.0.0.1", "port": 81}])),
            Good,
        ),
        case(
            "two members, same host, port = channel port",
            ip_members(json!([{"host": "10.0.0.1", "port": 22}, {"host": "10.0.0.1"}])),
            Bad("members[1]"),
        ),
        case(
            "two members, same host, other groups",
            ip_members(
                json!([{"host": "10.0.0.1", "member_group_name": "grp_a"}, {"host": "10.0.0.1", "member_group_name": "grp_b"}]),
            ),
            Good,
        ),
        case(
            "two members, same host and group, other weights",
            ip_members(
                json!([{"host": "10.0.0.1", "member_group_name": "grp_a", "weight": 1}, {"host": "10.0.0.1", "member_group_name": "grp_a", "weight": 2}]),
            ),
            Bad("members[1]"),
        ),
        case(
            "two ecs members, same ecs_id",
            ecs_members(
                json!([{"ecs_id": "e1", "ecs_name": "vm1"}, {"ecs_id": "e1", "ecs_name": "vm2"}]),
            ),
            Bad("members[1]"),
        ),
        case(
            "two ecs members, other ecs_ids",
            ecs_members(
                json!([{"ecs_id": "e1", "ecs_name": "vm1"}, {"ecs_id": "e2", "ecs_name": "vm1"}]),
            ),
            Good,
        ),
    ]
}

fn group_cases() -> Vec<Case> {
    let groups = |gs: J| set(ip(), "", "member_groups", gs);
    vec![
        case("groups with other names", ip(), Good),
        case(
            "groups with the same name",
            groups(json!([{"member_group_name": "grp_a"}, {"member_group_name": "grp_a"}])),
            Bad("member_groups[1].member_group_name"),
        ),
        case(
            "labels with other names",
            labels(json!([lab("a", "v"), lab("b", "v")]), json!([])),
            Good,
        ),
        case(
            "labels with the same name",
            labels(json!([lab("a", "v"), lab("a", "w")]), json!([])),
            Bad("member_groups[0].microservice_labels[1].label_name"),
        ),
        case(
            "same label name in two groups",
            labels(json!([lab("a", "v")]), json!([lab("a", "v")])),
            Good,
        ),
        case(
            "microservice group fields on a server channel",
            groups(
                json!([{"member_group_name": "grp_a", "microservice_version": "v1", "microservice_port": 80}, {"member_group_name": "grp_b"}]),
            ),
            Good,
        ),
    ]
}

fn health_cases() -> Vec<Case> {
    let hp = |p: &str| set(hc(), "", "protocol", json!(p));
    vec![
        case("interval above timeout", health(hc()), Good),
        case(
            "interval equal to timeout",
            health(set(hc(), "", "time_interval", json!(5))),
            Bad("vpc_health_config.time_interval"),
        ),
        case(
            "interval below timeout",
            health(set(hc(), "", "timeout", json!(30))),
            Bad("vpc_health_config.time_interval"),
        ),
        case(
            "HTTP without path",
            health(del(hc(), "", "path")),
            Bad("vpc_health_config.path"),
        ),
        case(
            "HTTP without http_code",
            health(del(hc(), "", "http_code")),
            Bad("vpc_health_config.http_code"),
        ),
        case(
            "http (lower case) without path",
            health(del(hp("http"), "", "path")),
            Bad("vpc_health_config.path"),
        ),
        case("HTTPS with path and http_code", health(hp("HTTPS")), Good),
        case(
            "HTTPS without path",
            health(del(hp("HTTPS"), "", "path")),
            Bad("vpc_health_config.path"),
        ),
        // Table 7: http_code "is required if protocol is set to http" only.
        case(
            "HTTPS without http_code",
            health(del(hp("HTTPS"), "", "http_code")),
            Good,
        ),
        case(
            "TCP without path and http_code",
            health(del(del(hp("TCP"), "", "path"), "", "http_code")),
            Good,
        ),
        case("TCP with path and http_code", health(hp("TCP")), Good),
        case(
            "TCP with a bad http_code",
            health(set(hp("TCP"), "", "http_code", json!("600"))),
            Bad("vpc_health_config.http_code"),
        ),
        case(
            "code list and ranges",
            health(set(hc(), "", "http_code", json!("201,202,210-299"))),
            Good,
        ),
        case(
            "inverted code range",
            health(set(hc(), "", "http_code", json!("299-200"))),
            Bad("vpc_health_config.http_code"),
        ),
        case(
            "empty code in a list",
            health(set(hc(), "", "http_code", json!("200,,201"))),
            Bad("vpc_health_config.http_code"),
        ),
    ]
}

fn microservice_cases() -> Vec<Case> {
    let server = |ms: J| del(set(micro(ms), "", "type", json!(2)), "", "member_groups");
    vec![
        case("CCE with app_name", cce(json!({"app_name": "app"})), Good),
        case(
            "CCE with label_key and label_value",
            cce(json!({"label_key": "app", "label_value": "app"})),
            Good,
        ),
        case(
            "CCE with app_name and label_key",
            cce(json!({"app_name": "app", "label_key": "app"})),
            Good,
        ),
        case(
            "CCE without app_name or labels",
            cce(json!({})),
            Bad("microservice_info.cce_info.app_name"),
        ),
        case(
            "CCE with only label_key",
            cce(json!({"label_key": "app"})),
            Bad("microservice_info.cce_info.label_value"),
        ),
        case(
            "CCE with only label_value",
            cce(json!({"label_value": "app"})),
            Bad("microservice_info.cce_info.label_key"),
        ),
        case(
            "CCE without cce_info",
            micro(json!({"service_type": "CCE"})),
            Bad("microservice_info.cce_info"),
        ),
        case(
            "CSE with cse_info",
            micro(json!({"service_type": "CSE", "cse_info": cse_info()})),
            Good,
        ),
        case(
            "CSE without cse_info",
            micro(json!({"service_type": "CSE"})),
            Bad("microservice_info.cse_info"),
        ),
        case(
            "CCE_SERVICE with cce_service_info",
            micro(json!({"service_type": "CCE_SERVICE", "cce_service_info": svc_info()})),
            Good,
        ),
        case(
            "CCE_SERVICE without cce_service_info",
            micro(json!({"service_type": "CCE_SERVICE"})),
            Bad("microservice_info.cce_service_info"),
        ),
        case(
            "microservice details without service_type",
            micro(json!({"cse_info": cse_info()})),
            Bad("microservice_info.service_type"),
        ),
        case(
            "microservice channel without details",
            del(micro(json!({})), "", "microservice_info"),
            Bad("microservice_info"),
        ),
        case(
            "microservice channel without groups",
            del(
                micro(json!({"service_type": "CSE", "cse_info": cse_info()})),
                "",
                "member_groups",
            ),
            Good,
        ),
        case(
            "microservice channel with ip members",
            set(
                micro(json!({"service_type": "CSE", "cse_info": cse_info()})),
                "",
                "members",
                json!([{"host": "10.0.0.1", "member_group_name": "grp_a"}]),
            ),
            Good,
        ),
        case(
            "CSE with a cce_info too",
            micro(json!({"service_type": "CSE", "cse_info": cse_info(),
                "cce_info": {"cluster_id": "c1", "namespace": "ns", "workload_type": "deployment", "app_name": "a"}})),
            Bad("microservice_info.cce_info"),
        ),
        case(
            "CCE with a cce_service_info too",
            set(
                cce(json!({"app_name": "app"})),
                "/microservice_info",
                "cce_service_info",
                svc_info(),
            ),
            Bad("microservice_info.cce_service_info"),
        ),
        case(
            "server channel with microservice details",
            server(json!({"service_type": "CSE", "cse_info": cse_info()})),
            Bad("microservice_info"),
        ),
        case(
            "default-type channel with microservice details",
            del(
                server(json!({"service_type": "CSE", "cse_info": cse_info()})),
                "",
                "type",
            ),
            Bad("microservice_info"),
        ),
    ]
}

/// What the emulator makes of a configuration: `Ok` when it takes the body
/// and reads back what was planned; otherwise why not.
fn server(cfg: &Value) -> Result<(), String> {
    let (planned, _) = plan(&Value::Null, cfg, &D);
    let body = serde_json::to_value(request_from_plan(&planned, cfg)).unwrap();
    let req = channel_request(&body).map_err(|e| format!("rejects: {} {}", e.code, e.msg))?;
    let mut store = Store::new([GW.to_string()]);
    let p = Policy {
        quirks: true,
        quota: 10,
    };
    let ch = store
        .create(GW, req, p)
        .map_err(|e| format!("rejects: {} {}", e.code, e.msg))?;
    let shown: Channel = serde_json::from_value(render::detail(&ch, true)).unwrap();
    let loc = Location {
        instance_id: GW.into(),
        project_id: "proj".into(),
        region: Some("cn-north-4".into()),
        endpoint: String::new(),
    };
    let state = state_from_api(&shown, &planned, &loc);
    compatible(&planned, &state, "").map_err(|e| format!("takes it but writes back {e}"))
}

#[test]
fn provider_and_emulator_agree_on_every_cross_field_rule() {
    let cases: Vec<Case> = [
        member_cases(),
        group_cases(),
        health_cases(),
        microservice_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut wrong = Vec::new();
    for c in &cases {
        let cfg = normalize(&schema::schema().attributes, &test_value(c.cfg.clone()));
        let errors: Vec<String> = provider_validate(&cfg)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let at = d.path.map(|p| p.to_string()).unwrap_or_default();
                format!("{at}: {}", d.detail)
            })
            .collect();
        let server = server(&cfg);
        let provider_ok = errors.is_empty();
        let named = |at: &str| errors.iter().any(|e| e.split(':').next() == Some(at));
        let as_wanted = match c.want {
            Good => provider_ok,
            Bad(at) => named(at),
        };
        if !as_wanted || provider_ok != server.is_ok() {
            wrong.push(format!(
                "{} (want {:?}): provider {errors:?}; emulator {server:?}",
                c.name, c.want
            ));
        }
    }
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
