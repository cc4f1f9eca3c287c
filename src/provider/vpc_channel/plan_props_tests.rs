//! Generative test of the plan logic (seeded RNG, reproducible): random
//! valid configurations of every channel kind, each input in turn made
//! unknown (a leaf, a nested object, a whole list). Checks Terraform's
//! rules for the plan, that the final plan (inputs known) is compatible
//! with it, and that applying the final plan on the emulator's store gives
//! a state that matches the final plan.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::convert::{request_from_plan, state_from_api};
use super::plan::{plan_values as plan, Defaults};
use super::schema::schema;
use super::validate;
use crate::apig::models::Channel;
use crate::emulator::render;
use crate::emulator::store::{Policy, Store};
use crate::provider::gateway::Location;
use crate::tfplugin::schema::{Attribute, Kind};
use crate::tfplugin::value::Value;

const D: Defaults = Defaults {
    project_id: crate::tfplugin::typed::Tf::Known("proj"),
    region: Some("cn-north-4"),
};
const GW: &str = "eddc4d25480b4cd6b512f270a1b8b341";

fn s(x: &str) -> Value {
    Value::string(x)
}
fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::object(pairs)
}
fn maybe(rng: &mut StdRng, v: impl FnOnce(&mut StdRng) -> Value) -> Value {
    if rng.random_bool(0.5) {
        v(rng)
    } else {
        Value::Null
    }
}

/// A random valid configuration (sparse: unset attributes left out).
fn gen_config(rng: &mut StdRng, name: &str) -> Value {
    let kind = rng.random_range(0..5);
    let ip = kind != 1;
    let micro = kind >= 2;
    let port = [80, 443, 8080][rng.random_range(0..3)];
    let ngroups = rng.random_range(0..3);
    let groups: Vec<Value> = (0..ngroups)
        .map(|g| {
            let labels = (0..rng.random_range(0..3))
                .map(|l| {
                    obj(vec![
                        ("label_name", s(&format!("lab{l}"))),
                        ("label_value", s("v1")),
                    ])
                })
                .collect();
            obj(vec![
                ("member_group_name", s(&format!("grp_{g}"))),
                (
                    "member_group_weight",
                    maybe(rng, |rng| Value::int(rng.random_range(0..100))),
                ),
                ("member_group_remark", maybe(rng, |_| s("remark"))),
                (
                    "microservice_version",
                    if micro {
                        maybe(rng, |_| s("v1"))
                    } else {
                        Value::Null
                    },
                ),
                (
                    "microservice_port",
                    if micro {
                        maybe(rng, |_| Value::int(80))
                    } else {
                        Value::Null
                    },
                ),
                (
                    "microservice_labels",
                    if micro && rng.random_bool(0.5) {
                        Value::List(labels)
                    } else {
                        Value::Null
                    },
                ),
            ])
        })
        .collect();
    let nmembers = if micro { 0 } else { rng.random_range(0..4) };
    let members: Vec<Value> = (0..nmembers)
        .map(|i| {
            let group = if ngroups > 0 && rng.random_bool(0.5) {
                s(&format!("grp_{}", rng.random_range(0..ngroups)))
            } else {
                Value::Null
            };
            let addr = if ip {
                vec![("host", s(&format!("10.0.0.{}", i + 1)))]
            } else {
                vec![
                    ("ecs_id", s(&format!("ecs-{i}"))),
                    ("ecs_name", s(&format!("web.{i}"))),
                    // The server reports its own IP as host: see they differ.
                    ("host", maybe(rng, |_| s(&format!("10.9.0.{i}")))),
                ]
            };
            let mut m = vec![
                (
                    "weight",
                    maybe(rng, |rng| Value::int(rng.random_range(0..10))),
                ),
                ("port", maybe(rng, |_| Value::int(9000 + i as i64))),
                (
                    "is_backup",
                    maybe(rng, |rng| Value::Bool(rng.random_bool(0.3))),
                ),
                ("member_group_name", group),
            ];
            m.extend(addr);
            obj(m)
        })
        .collect();
    let health = rng.random_bool(0.5).then(|| {
        let http = rng.random_bool(0.5);
        obj(vec![
            (
                "protocol",
                s(if http {
                    ["http", "HTTP", "HTTPS"][rng.random_range(0..3)]
                } else {
                    "TCP"
                }),
            ),
            ("path", if http { s("/health") } else { Value::Null }),
            ("http_code", if http { s("200-299") } else { Value::Null }),
            ("port", maybe(rng, |_| Value::int(0))),
            ("threshold_normal", Value::int(2)),
            ("threshold_abnormal", Value::int(3)),
            ("time_interval", Value::int(10)),
            ("timeout", Value::int(rng.random_range(1..10))),
        ])
    });
    let ms = match kind {
        2 => Some(obj(vec![
            ("service_type", s("CSE")),
            (
                "cse_info",
                obj(vec![("engine_id", s("eng")), ("service_id", s("svc"))]),
            ),
        ])),
        3 => {
            let app = rng.random_bool(0.5);
            let cce = obj(vec![
                ("cluster_id", s("c1")),
                ("namespace", s("default")),
                ("workload_type", s("deployment")),
                ("app_name", if app { s("testapp") } else { Value::Null }),
                ("label_key", if app { Value::Null } else { s("tier") }),
                ("label_value", if app { Value::Null } else { s("web") }),
            ]);
            Some(obj(vec![("service_type", s("CCE")), ("cce_info", cce)]))
        }
        4 => Some(obj(vec![
            ("service_type", s("CCE_SERVICE")),
            (
                "cce_service_info",
                obj(vec![
                    ("cluster_id", s("c1")),
                    ("namespace", s("default")),
                    ("service_name", s("web")),
                ]),
            ),
        ])),
        _ => None,
    };
    obj(vec![
        ("instance_id", s(GW)),
        ("name", s(name)),
        ("port", Value::int(port)),
        (
            "balance_strategy",
            maybe(rng, |rng| Value::int(rng.random_range(1..5))),
        ),
        (
            "member_type",
            if ip {
                s("ip")
            } else {
                maybe(rng, |_| s("ecs"))
            },
        ),
        (
            "type",
            if micro {
                Value::int(3)
            } else {
                maybe(rng, |_| Value::int(2))
            },
        ),
        (
            "member_groups",
            if ngroups > 0 || rng.random_bool(0.3) {
                Value::List(groups)
            } else {
                Value::Null
            },
        ),
        (
            "members",
            if nmembers > 0 || rng.random_bool(0.3) {
                Value::List(members)
            } else {
                Value::Null
            },
        ),
        ("vpc_health_config", health.unwrap_or(Value::Null)),
        ("microservice_info", ms.unwrap_or(Value::Null)),
    ])
}

/// Every attribute present, null when unset: the shape Terraform sends.
pub(crate) fn normalize(attrs: &[Attribute], v: &Value) -> Value {
    if !matches!(v, Value::Object(_)) {
        return v.clone();
    }
    let mut o = std::collections::BTreeMap::new();
    for a in attrs {
        let x = v.get(a.name);
        let x = match (&a.kind, x) {
            (Kind::Nested(_, ch), Value::List(items)) => {
                Value::List(items.iter().map(|i| normalize(ch, i)).collect())
            }
            (Kind::Nested(_, ch), x) => normalize(ch, x),
            _ => x.clone(),
        };
        o.insert(a.name.to_string(), x);
    }
    Value::Object(o)
}

#[derive(Clone, Debug)]
enum Step {
    Attr(&'static str),
    Index(usize),
}

/// Paths of every configurable input (not read-only), nested ones included.
fn input_paths(attrs: &'static [Attribute], v: &Value, at: Vec<Step>, out: &mut Vec<Vec<Step>>) {
    for a in attrs.iter().filter(|a| !a.is_computed_only()) {
        let mut p = at.clone();
        p.push(Step::Attr(a.name));
        out.push(p.clone());
        if let Kind::Nested(_, ch) = &a.kind {
            match v.get(a.name) {
                Value::List(items) => {
                    for (i, it) in items.iter().enumerate() {
                        let mut q = p.clone();
                        q.push(Step::Index(i));
                        out.push(q.clone());
                        input_paths(ch, it, q, out);
                    }
                }
                x @ Value::Object(_) => input_paths(ch, x, p, out),
                _ => {}
            }
        }
    }
}

fn replace_at(v: &Value, path: &[Step]) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return Value::Unknown;
    };
    let mut v = v.clone();
    match (first, &mut v) {
        (Step::Attr(k), Value::Object(o)) => {
            let x = o.get(*k).cloned().unwrap_or(Value::Null);
            o.insert(k.to_string(), replace_at(&x, rest));
        }
        (Step::Index(i), Value::List(l)) => l[*i] = replace_at(&l[*i], rest),
        _ => {}
    }
    v
}

/// Terraform's rules for a planned object (objchange.AssertPlanValid, for
/// nested attributes): `Err` names the broken path.
fn plan_valid(
    attrs: &[Attribute],
    prior: &Value,
    cfg: &Value,
    planned: &Value,
    at: &str,
) -> Result<(), String> {
    for a in attrs {
        let (c, p, pr) = (cfg.get(a.name), planned.get(a.name), prior.get(a.name));
        let path = format!("{at}.{}", a.name);
        if p == c || (p == pr && !pr.is_null() && !c.is_null()) || a.is_computed_only() {
            continue;
        }
        if c.is_null() {
            if a.is_computed() {
                continue;
            }
            return Err(format!("{path}: planned {p:?} for null config"));
        }
        if c.is_unknown() {
            return Err(format!("{path}: config unknown but planned {p:?}"));
        }
        let Kind::Nested(_, ch) = &a.kind else {
            return Err(format!("{path}: planned {p:?}, config {c:?}"));
        };
        match (c, p) {
            (Value::List(cl), Value::List(pl)) if cl.len() == pl.len() => {
                for (i, (ce, pe)) in cl.iter().zip(pl).enumerate() {
                    let pre = pr.as_list().and_then(|l| l.get(i)).unwrap_or(&Value::Null);
                    if ce.is_unknown() {
                        if !pe.is_unknown() {
                            return Err(format!("{path}[{i}]: config unknown, planned {pe:?}"));
                        }
                        continue;
                    }
                    plan_valid(ch, pre, ce, pe, &format!("{path}[{i}]"))?;
                }
            }
            (Value::Object(_), Value::Object(_)) => plan_valid(ch, pr, c, p, &path)?,
            _ => return Err(format!("{path}: planned {p:?} for config {c:?}")),
        }
    }
    Ok(())
}

/// Every known value of `earlier` is in `later` (unknown allows anything).
pub(crate) fn compatible(earlier: &Value, later: &Value, at: &str) -> Result<(), String> {
    match (earlier, later) {
        (Value::Unknown, _) => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            for (k, x) in a {
                compatible(x, b.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::List(a), Value::List(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compatible(x, y, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{at}: was {a:?}, now {b:?}")),
    }
}

fn loc() -> Location {
    Location {
        instance_id: GW.into(),
        project_id: "proj".into(),
        region: Some("cn-north-4".into()),
        endpoint: String::new(),
    }
}

/// Applies a final plan on the emulator's store (quirks on) and reads back.
fn apply(store: &mut Store, id: Option<&str>, planned: &Value, config: &Value) -> Value {
    // The emulator keeps its own models: the body goes over as JSON.
    let body = serde_json::to_value(request_from_plan(planned, config)).unwrap();
    let body = serde_json::from_value(body).unwrap();
    let p = Policy {
        quirks: true,
        quota: 1000,
    };
    let ch = match id {
        None => store.create(GW, body, p),
        Some(id) => store.update(GW, id, body, p),
    }
    .expect("store accepts a valid channel");
    let shown: Channel = serde_json::from_value(render::detail(&ch, true)).unwrap();
    state_from_api(&shown, planned, &loc())
}

/// One round: plan with each input unknown, check, then apply.
fn round(store: &mut Store, prior: &Value, config: &Value, label: &str) -> usize {
    let attrs = &schema().attributes;
    assert!(
        validate(config).is_empty(),
        "{label}: generator made an invalid config: {:?}",
        validate(config)
    );
    let (final_plan, final_replace) = plan(prior, config, &D);
    plan_valid(attrs, prior, config, &final_plan, "")
        .unwrap_or_else(|e| panic!("{label}: known plan: {e}"));
    let mut paths = Vec::new();
    input_paths(attrs, config, Vec::new(), &mut paths);
    for path in &paths {
        let cfg = replace_at(config, path);
        let what = format!("{label}, unknown {path:?}");
        let (planned, replace) = plan(prior, &cfg, &D);
        plan_valid(attrs, prior, &cfg, &planned, "").unwrap_or_else(|e| panic!("{what}: {e}"));
        compatible(&planned, &final_plan, "").unwrap_or_else(|e| panic!("{what}: final plan: {e}"));
        // The final plan must keep the action planned with unknowns.
        if !prior.is_null() && replace.is_empty() {
            assert!(
                final_replace.is_empty(),
                "{what}: replacement appeared only in the final plan"
            );
        }
    }
    if &final_plan == prior {
        return paths.len(); // no change: Terraform applies nothing
    }
    // A replacement is a create (planned again without prior) of a channel
    // beside nothing of that name.
    let (state, applied) = if !prior.is_null() && !final_replace.is_empty() {
        let (create_plan, _) = plan(&Value::Null, config, &D);
        let mut fresh = Store::new([GW.to_string()]);
        let state = apply(&mut fresh, None, &create_plan, config);
        (state, create_plan)
    } else {
        let id = prior.get("id").as_str();
        (apply(store, id, &final_plan, config), final_plan.clone())
    };
    compatible(&applied, &state, "").unwrap_or_else(|e| panic!("{label}: state after apply: {e}"));
    paths.len()
}

#[test]
fn plans_with_unknown_inputs_obey_terraform_rules() {
    let mut checked = 0;
    for seed in 0..150u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let name = format!("chan_{seed}");
        let a = normalize(&schema().attributes, &gen_config(&mut rng, &name));
        let mut first = Store::new([GW.to_string()]);
        checked += round(
            &mut first,
            &Value::Null,
            &a,
            &format!("seed {seed}, create"),
        );
        let (p, _) = plan(&Value::Null, &a, &D);
        let mut store = Store::new([GW.to_string()]);
        let state = apply(&mut store, None, &p, &a);
        // Same config again (no change expected), then another config.
        let (again, _) = plan(&state, &a, &D);
        assert_eq!(again, state, "seed {seed}: second plan is not empty");
        checked += round(&mut store, &state, &a, &format!("seed {seed}, re-plan"));
        let b = normalize(&schema().attributes, &gen_config(&mut rng, &name));
        checked += round(&mut store, &state, &b, &format!("seed {seed}, update"));
    }
    assert!(checked > 5000, "only {checked} plans checked");
}
