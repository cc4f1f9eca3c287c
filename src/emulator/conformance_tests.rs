//! The schema and the emulator must agree: for every check the schema
//! declares, values at and beyond its bounds (and probes of its pattern) are
//! accepted or rejected alike by provider validation and by the emulator's
//! request validation. The body the emulator sees is the one the provider
//! would send (`convert::request_from_plan`); attributes that never reach the
//! body (path parameters, computed ones) are skipped.

use crate::provider::vpc_channel::convert::request_from_plan;
use crate::provider::vpc_channel::{schema, validate as provider_validate};
use crate::tfplugin::diag::has_errors;
use crate::tfplugin::schema::{Attribute, Check, Kind, Nesting};
use crate::tfplugin::value::{test_value as v, Value};

use super::validate::channel_request;

/// Valid configurations that between them hold every attribute.
fn bases() -> Vec<Value> {
    vec![
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan", "port": 22, "member_type": "ip",
            "balance_strategy": 1, "type": 2, "dict_code": "abc",
            "member_groups": [{"member_group_name": "grp_a", "member_group_remark": "r",
                "member_group_weight": 1, "dict_code": "abc", "microservice_version": "v1",
                "microservice_port": 80,
                "microservice_labels": [{"label_name": "k", "label_value": "v"}]}],
            "members": [{"host": "10.0.0.1", "weight": 3, "member_group_name": "grp_a",
                "is_backup": false, "status": 1, "port": 80}],
            "vpc_health_config": {"protocol": "HTTP", "path": "/", "http_code": "200",
                "method": "GET", "port": 80, "threshold_normal": 2, "threshold_abnormal": 2,
                "time_interval": 10, "timeout": 5, "enable_client_ssl": false, "status": 1}
        })),
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan2", "port": 22, "member_type": "ecs",
            "members": [{"ecs_id": "e1", "ecs_name": "vm1", "weight": 1}]
        })),
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan3", "port": 22, "type": 3,
            "member_groups": [{"member_group_name": "grp_a"}],
            "microservice_info": {"service_type": "CCE",
                "cce_info": {"cluster_id": "c1", "namespace": "ns", "workload_type": "deployment",
                    "app_name": "app", "label_key": "app", "label_value": "app"}}
        })),
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan4", "port": 22, "type": 3,
            "member_groups": [{"member_group_name": "grp_a"}],
            "microservice_info": {"service_type": "CCE_SERVICE",
                "cce_service_info": {"cluster_id": "c1", "namespace": "ns", "service_name": "svc"}}
        })),
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan5", "port": 22, "type": 3,
            "member_groups": [{"member_group_name": "grp_a"}],
            "microservice_info": {"service_type": "CSE",
                "cse_info": {"engine_id": "e1", "service_id": "s1"}}
        })),
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan6", "port": 22, "vpc_channel_type": "microservice",
            "member_groups": [{"member_group_name": "grp_a"}],
            "microservice_info": {"service_type": "NACOS",
                "nacos_info": {"namespace": "ns", "cluster_name": "DEFAULT", "group_name": "g.1:x",
                    "service_name": "svc", "server_config": [{"ip_address": "10.0.0.1", "port": 8848,
                        "grpc_port": 9848}],
                    "user_info": {"user_name": "nacos", "password": "pw"}}}
        })),
        v(serde_json::json!({
            "instance_id": "gw", "name": "chan7", "port": 22, "vpc_channel_type": "reference",
            "member_groups": [{"member_group_name": "grp_a", "reference_vpc_channel_id": "abc"}]
        })),
    ]
}

/// Values at and around a check's bounds.
fn probes(c: &Check) -> Vec<Value> {
    let s = |n: usize| Value::string("a".repeat(n));
    match *c {
        Check::Length(lo, hi) => {
            let mut out = vec![s(lo.max(1)), s(hi), s(hi + 1)];
            if lo > 1 {
                out.push(s(lo - 1));
            }
            out
        }
        Check::Range(lo, hi) => [lo - 1, lo, hi, hi + 1].map(Value::int).to_vec(),
        Check::OneOfInt(xs) => {
            let mut out: Vec<Value> = xs.iter().map(|x| Value::int(*x)).collect();
            out.push(Value::int(xs.iter().min().unwrap() - 1));
            out.push(Value::int(xs.iter().max().unwrap() + 1));
            out
        }
        Check::OneOf(xs, ignore_case) => {
            let mut out: Vec<Value> = xs.iter().map(|x| Value::string(*x)).collect();
            out.push(Value::string("zzz"));
            if ignore_case {
                out.extend(xs.iter().map(|x| Value::string(x.to_lowercase())));
            }
            out
        }
        Check::Pattern(..) => [
            "abc", "Abc", "1abc", "a-b", "a_b", "a.b", "a/b", "/abc", "a b", "a:b", "ab-", "中文a",
        ]
        .map(Value::string)
        .to_vec(),
    }
}

/// `cfg` with the attribute at `path` (names; lists: the first element) set to `x`.
fn with(cfg: &Value, path: &[&str], x: Value) -> Option<Value> {
    let Value::Object(o) = cfg else { return None };
    let mut o = o.clone();
    let (head, rest) = path.split_first()?;
    if rest.is_empty() {
        o.insert(head.to_string(), x);
        return Some(Value::Object(o));
    }
    let child = o.get(*head)?.clone();
    let new = match child {
        Value::List(mut xs) if !xs.is_empty() => {
            xs[0] = with(&xs[0], rest, x)?;
            Value::List(xs)
        }
        obj @ Value::Object(_) => with(&obj, rest, x)?,
        _ => return None,
    };
    o.insert(head.to_string(), new);
    Some(Value::Object(o))
}

fn body(cfg: &Value) -> serde_json::Value {
    serde_json::to_value(request_from_plan(cfg, cfg)).unwrap()
}

fn walk<'a>(
    attrs: &'a [Attribute],
    prefix: &mut Vec<&'a str>,
    out: &mut Vec<(Vec<&'a str>, Check)>,
) {
    for a in attrs {
        prefix.push(a.name);
        for c in &a.checks {
            out.push((prefix.clone(), *c));
        }
        if let Kind::Nested(n, children) | Kind::Block(n, children) = &a.kind {
            let _ = matches!(n, Nesting::Single);
            walk(children, prefix, out);
        }
        prefix.pop();
    }
}

#[test]
fn provider_and_emulator_validation_agree_on_every_check() {
    let bases = bases();
    for b in &bases {
        assert!(
            !has_errors(&provider_validate(b)),
            "base invalid for the provider: {b:?}"
        );
        let r = channel_request(&body(b));
        assert!(
            r.is_ok(),
            "base invalid for the emulator: {:?} {:?}",
            body(b),
            r.err()
        );
    }
    let mut checks = Vec::new();
    walk(&schema::schema().attributes, &mut Vec::new(), &mut checks);
    let (mut compared, mut differ) = (0, Vec::new());
    for (path, check) in &checks {
        for base in &bases {
            for x in probes(check) {
                // Probe attributes the base sets: others would test
                // cross-field rules (an ECS field on an IP member), not the check.
                if base_value(base, path).is_null() {
                    continue;
                }
                let Some(cfg) = with(base, path, x.clone()) else {
                    continue;
                };
                if body(&cfg) == body(base) && x != *base_value(base, path) {
                    continue; // never sent: nothing for the emulator to check
                }
                let diags = provider_validate(&cfg);
                // Rejected only by a rule about another attribute: not this check's boundary.
                let at_path = |d: &crate::tfplugin::diag::Diagnostic| {
                    d.path.as_ref().is_some_and(|p| {
                        let names: Vec<String> = (p.0.iter())
                            .filter_map(|s| match s {
                                crate::tfplugin::value::PathStep::Attr(a) => Some(a.clone()),
                                _ => None,
                            })
                            .collect();
                        names == *path
                    })
                };
                if has_errors(&diags) && !diags.iter().any(at_path) {
                    continue;
                }
                let provider_ok = !has_errors(&diags);
                let emulator = channel_request(&body(&cfg));
                compared += 1;
                if provider_ok != emulator.is_ok() {
                    differ.push(format!(
                        "{} = {x:?}: provider {}, emulator {}",
                        path.join("."),
                        if provider_ok { "accepts" } else { "rejects" },
                        match &emulator {
                            Ok(_) => "accepts".to_string(),
                            Err(e) => format!("rejects ({} {})", e.code, e.msg),
                        }
                    ));
                }
            }
        }
    }
    assert!(compared > 200, "only {compared} comparisons");
    differ.sort();
    differ.dedup();
    assert!(
        differ.is_empty(),
        "{} differences:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

fn base_value<'a>(cfg: &'a Value, path: &[&str]) -> &'a Value {
    let mut cur = cfg;
    for p in path {
        cur = match cur {
            Value::List(xs) if !xs.is_empty() => xs[0].get(p),
            other => other.get(p),
        };
    }
    cur
}
