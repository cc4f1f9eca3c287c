//! Mapping between Terraform values and the API models, both ways.
//!
//! API → state is guided by the previous state (or the plan): lists follow
//! the guide's order whatever order the API uses, and what the server fills
//! in on its own (empty strings, zero ports, lower-case protocol) is read
//! back the way the user wrote it.

use super::attr::{group, label, member};
use std::collections::BTreeMap;

use crate::apig::models::*;
use crate::tfplugin::value::Value;

/// Where a channel lives, as recorded in state.
#[derive(Clone, Debug)]
pub struct Location {
    pub instance_id: String,
    pub project_id: String,
    pub region: Option<String>,
    /// The APIG endpoint and the setting it comes from, for messages.
    pub endpoint: String,
}

fn s(v: &Option<String>) -> Value {
    match v {
        Some(x) if !x.is_empty() => Value::String(x.clone()),
        _ => Value::Null,
    }
}
/// Computed strings keep what the API said, empty included.
fn s_raw(v: &Option<String>) -> Value {
    v.as_ref()
        .map(|x| Value::String(x.clone()))
        .unwrap_or(Value::Null)
}
fn n(v: Option<i64>) -> Value {
    v.map(Value::int).unwrap_or(Value::Null)
}
fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}
fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}
fn opt_int(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// A matching rule between two list elements.
pub type Matcher<'a> = Box<dyn Fn(&Value, &Value) -> bool + 'a>;

/// Pairs each `left` element with a distinct `right` element, trying the
/// passes in order (strictest first). Returns, per left element, the index
/// of its partner.
pub fn pair(left: &[Value], right: &[Value], passes: &[Matcher<'_>]) -> Vec<Option<usize>> {
    let mut taken = vec![false; right.len()];
    let mut out = vec![None; left.len()];
    for pass in passes {
        for (i, l) in left.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            if let Some(j) = (0..right.len()).find(|&j| !taken[j] && pass(l, &right[j])) {
                taken[j] = true;
                out[i] = Some(j);
            }
        }
    }
    out
}

/// Orders `items` like `guide`: partners first in guide order, then the
/// rest in the API's order (unless `keep_unmatched` is false).
fn align(
    items: Vec<Value>,
    guide: &[Value],
    passes: &[Matcher<'_>],
    keep_unmatched: bool,
) -> Vec<Value> {
    let pairs = pair(guide, &items, passes);
    let mut slots: Vec<Option<Value>> = items.into_iter().map(Some).collect();
    let mut out: Vec<Value> = pairs
        .iter()
        .flatten()
        .filter_map(|&j| slots[j].take())
        .collect();
    if keep_unmatched {
        out.extend(slots.into_iter().flatten());
    }
    out
}

fn list_or_null(items: Vec<Value>, guide: &Value) -> Value {
    if items.is_empty() && guide.as_list().is_none() {
        Value::Null
    } else {
        Value::List(items)
    }
}

/// The address a member is known by: `host` for ip, `ecs_id` (or name) for ecs.
pub fn member_addr<'a>(m: &'a Value, member_type: &str) -> Option<&'a str> {
    if member_type == "ip" {
        m.get(member::HOST).as_str()
    } else {
        m.get(member::ECS_ID)
            .as_str()
            .or_else(|| m.get(member::ECS_NAME).as_str())
    }
}

/// Member matching: same address, port and group first; then same address.
pub fn member_passes(member_type: &str) -> Vec<Matcher<'_>> {
    vec![
        Box::new(move |a: &Value, b: &Value| {
            member_addr(a, member_type).is_some()
                && member_addr(a, member_type) == member_addr(b, member_type)
                && (a.get(member::PORT).is_null() || a.get(member::PORT) == b.get(member::PORT))
                && a.get(member::GROUP_NAME) == b.get(member::GROUP_NAME)
        }),
        Box::new(move |a: &Value, b: &Value| {
            member_addr(a, member_type).is_some()
                && member_addr(a, member_type) == member_addr(b, member_type)
        }),
    ]
}

pub fn group_passes() -> Vec<Matcher<'static>> {
    vec![Box::new(group_pass)]
}

fn group_pass(a: &Value, b: &Value) -> bool {
    a.get(group::NAME).as_str().is_some() && a.get(group::NAME) == b.get(group::NAME)
}

fn label_pass(a: &Value, b: &Value) -> bool {
    a.get(label::NAME) == b.get(label::NAME) && a.get(label::VALUE) == b.get(label::VALUE)
}

fn labels_to_value(l: &Option<Vec<MicroserviceLabel>>, guide: &Value) -> Value {
    let items: Vec<Value> = l
        .iter()
        .flatten()
        .map(|x| {
            obj(vec![
                (label::NAME, Value::string(&x.label_name)),
                (label::VALUE, Value::string(&x.label_value)),
            ])
        })
        .collect();
    let items = align(
        items,
        guide.as_list().unwrap_or_default(),
        &[Box::new(label_pass) as Matcher],
        true,
    );
    list_or_null(items, guide)
}

fn group_to_value(g: &MemberGroup, guide: &Value) -> Value {
    let port = match (
        g.spec.microservice_port,
        guide.get(group::MICROSERVICE_PORT).as_i64(),
    ) {
        (Some(0), None) | (None, _) => Value::Null,
        (Some(p), _) => Value::int(p),
    };
    obj(vec![
        (group::NAME, Value::string(&g.spec.member_group_name)),
        (group::REMARK, s(&g.spec.member_group_remark)),
        (group::WEIGHT, n(g.spec.member_group_weight)),
        (group::DICT_CODE, s(&g.spec.dict_code)),
        (group::MICROSERVICE_VERSION, s(&g.spec.microservice_version)),
        (group::MICROSERVICE_PORT, port),
        (
            group::MICROSERVICE_LABELS,
            labels_to_value(
                &g.spec.microservice_labels,
                guide.get(group::MICROSERVICE_LABELS),
            ),
        ),
        (group::ID, Value::string(&g.member_group_id)),
        (group::CREATE_TIME, s_raw(&g.create_time)),
        (group::UPDATE_TIME, s_raw(&g.update_time)),
    ])
}

fn member_to_value(m: &Member) -> Value {
    let spec = &m.spec;
    obj(vec![
        (member::HOST, s(&spec.host)),
        (member::WEIGHT, n(spec.weight)),
        (
            member::IS_BACKUP,
            Value::Bool(spec.is_backup.unwrap_or(false)),
        ),
        (member::GROUP_NAME, s(&spec.member_group_name)),
        (member::STATUS, n(spec.status)),
        (member::PORT, n(spec.port)),
        (member::ECS_ID, s(&spec.ecs_id)),
        (member::ECS_NAME, s(&spec.ecs_name)),
    ])
}

fn health_to_value(h: &HealthConfig, guide: &Value) -> Value {
    with_guide(guide, &["status"], health_fields(h, guide))
}

fn health_fields(h: &HealthConfig, guide: &Value) -> Value {
    let protocol = match guide.get("protocol").as_str() {
        Some(g) if g.eq_ignore_ascii_case(&h.protocol) => Value::string(g),
        _ => Value::string(&h.protocol),
    };
    let port = match (h.port, guide.get("port").as_i64()) {
        (Some(0), Some(0)) => Value::int(0),
        (Some(0), _) | (None, _) => Value::Null,
        (Some(p), _) => Value::int(p),
    };
    let method = match h.method.as_deref() {
        None | Some("") => Value::string("GET"),
        Some(m) => Value::string(m),
    };
    obj(vec![
        ("protocol", protocol),
        ("path", s(&h.path)),
        ("method", method),
        ("port", port),
        ("threshold_normal", Value::int(h.threshold_normal)),
        ("threshold_abnormal", Value::int(h.threshold_abnormal)),
        ("time_interval", Value::int(h.time_interval)),
        ("http_code", s(&h.http_code)),
        (
            "enable_client_ssl",
            Value::Bool(h.enable_client_ssl.unwrap_or(false)),
        ),
        ("status", n(h.status)),
        ("timeout", Value::int(h.timeout)),
    ])
}

fn with_guide(guide: &Value, attrs: &[&str], mut v: Value) -> Value {
    fill_unset(&mut v, guide, attrs);
    v
}

fn microservice_to_value(m: &MicroserviceInfo, guide: &Value) -> Value {
    let st = m.spec.service_type.clone().unwrap_or_default();
    if st.is_empty() && guide.is_null() {
        // Server channels return an object of empty strings: not a setting.
        return Value::Null;
    }
    let wanted =
        |attr: &str, kind: &str| !guide.get(attr).is_null() || (guide.is_null() && st == kind);
    let cse = match (&m.spec.cse_info, wanted("cse_info", "CSE")) {
        (Some(c), true) => obj(vec![
            ("engine_id", Value::string(&c.engine_id)),
            ("service_id", Value::string(&c.service_id)),
            ("engine_name", s_raw(&c.engine_name)),
            ("service_name", s_raw(&c.service_name)),
            ("register_address", s_raw(&c.register_address)),
            ("cse_app_id", s_raw(&c.cse_app_id)),
            ("version", s_raw(&c.version)),
        ]),
        _ => Value::Null,
    };
    let cce = match (&m.spec.cce_info, wanted("cce_info", "CCE")) {
        (Some(c), true) => with_guide(
            guide.get("cce_info"),
            &["label_key", "label_value"],
            obj(vec![
                ("cluster_id", Value::string(&c.cluster_id)),
                ("namespace", Value::string(&c.namespace)),
                ("workload_type", Value::string(&c.workload_type)),
                ("app_name", s(&c.app_name)),
                ("label_key", s(&c.label_key)),
                ("label_value", s(&c.label_value)),
                ("cluster_name", s_raw(&c.cluster_name)),
            ]),
        ),
        _ => Value::Null,
    };
    let svc = match (
        &m.spec.cce_service_info,
        wanted("cce_service_info", "CCE_SERVICE"),
    ) {
        (Some(c), true) => obj(vec![
            ("cluster_id", Value::string(&c.cluster_id)),
            ("namespace", Value::string(&c.namespace)),
            ("service_name", Value::string(&c.service_name)),
            ("cluster_name", s_raw(&c.cluster_name)),
        ]),
        _ => Value::Null,
    };
    obj(vec![
        ("id", s_raw(&m.id)),
        ("instance_id", s_raw(&m.instance_id)),
        (
            "service_type",
            if st.is_empty() {
                Value::Null
            } else {
                Value::String(st.clone())
            },
        ),
        ("cse_info", cse),
        ("cce_info", cce),
        ("cce_service_info", svc),
        ("create_time", s_raw(&m.create_time)),
        ("update_time", s_raw(&m.update_time)),
    ])
}

/// Sets `attr` to the guide's known, non-null value, if it has one.
fn keep_guide(v: &mut Value, guide: &Value, attr: &str) {
    let g = guide.get(attr);
    if let (Value::Object(o), true) = (v, g.is_known() && !g.is_null()) {
        o.insert(attr.to_string(), g.clone());
    }
}

/// Sets `attrs` that are null in `v` to the guide's known, non-null value.
fn fill_unset(v: &mut Value, guide: &Value, attrs: &[&str]) {
    if let Value::Object(o) = v {
        for a in attrs {
            let g = guide.get(a);
            if o.get(*a).is_none_or(Value::is_null) && g.is_known() && !g.is_null() {
                o.insert((*a).to_string(), g.clone());
            }
        }
    }
}

/// The state of a channel as shown by the API (show details), guided by
/// the previous state or the plan.
pub fn state_from_api(ch: &Channel, guide: &Value, loc: &Location) -> Value {
    let member_type = ch.member_type.as_str();

    let groups_guide = guide.get("member_groups");
    let groups: Vec<Value> = ch
        .member_groups
        .iter()
        .flatten()
        .map(|g| {
            let gg = groups_guide
                .as_list()
                .unwrap_or_default()
                .iter()
                .find(|x| x.get(group::NAME).as_str() == Some(g.spec.member_group_name.as_str()))
                .unwrap_or(&Value::Null);
            let mut v = group_to_value(g, gg);
            fill_unset(&mut v, gg, &[group::WEIGHT]);
            v
        })
        .collect();
    let groups = align(
        groups,
        groups_guide.as_list().unwrap_or_default(),
        &group_passes(),
        true,
    );

    let members_guide = guide.get("members");
    let members: Vec<Value> = ch.members.iter().flatten().map(member_to_value).collect();
    let passes = member_passes(member_type);
    // Members of a microservice channel are discovered by the service: only
    // those the configuration declares are tracked.
    let keep_unmatched = ch.channel_type != 3;
    let members_guide_list = members_guide.as_list().unwrap_or_default();
    let mut members = align(members, members_guide_list, &passes, keep_unmatched);
    // What the API left out keeps the guide's known value: an API that does
    // not echo its defaults is not a change.
    let pairs = pair(&members, members_guide_list, &passes);
    for (m, j) in members.iter_mut().zip(pairs) {
        if let Some(j) = j {
            let g = &members_guide_list[j];
            if member_type != "ip" {
                // An ECS member's `host` is the server's private IP, which
                // the API reports whatever was asked: a written one is kept.
                keep_guide(m, g, member::HOST);
            }
            fill_unset(
                m,
                g,
                &[
                    member::HOST,
                    member::WEIGHT,
                    member::STATUS,
                    member::PORT,
                    member::ECS_ID,
                    member::ECS_NAME,
                ],
            );
        }
    }

    obj(vec![
        ("id", Value::string(&ch.id)),
        ("instance_id", Value::string(&loc.instance_id)),
        ("project_id", Value::string(&loc.project_id)),
        (
            "region",
            loc.region.clone().map(Value::String).unwrap_or(Value::Null),
        ),
        ("name", Value::string(&ch.name)),
        ("port", Value::int(ch.port)),
        ("balance_strategy", Value::int(ch.balance_strategy)),
        ("member_type", Value::string(&ch.member_type)),
        ("type", Value::int(ch.channel_type)),
        ("dict_code", s(&ch.dict_code)),
        ("member_groups", list_or_null(groups, groups_guide)),
        ("members", list_or_null(members, members_guide)),
        (
            "vpc_health_config",
            ch.vpc_health_config
                .as_ref()
                .map(|h| health_to_value(h, guide.get("vpc_health_config")))
                .unwrap_or(Value::Null),
        ),
        (
            "microservice_info",
            ch.microservice_info
                .as_ref()
                .map(|m| microservice_to_value(m, guide.get("microservice_info")))
                .unwrap_or(Value::Null),
        ),
        ("create_time", s_raw(&ch.create_time)),
        ("status", n(ch.status)),
    ])
}

/// The full desired body for create and update, from the plan. An ip
/// member's ecs_id/ecs_name (derived by the server) are sent only when the
/// configuration sets them; an ecs member's host (the server's IP, valid
/// only for ip members) never is.
pub fn request_from_plan(planned: &Value, config: &Value) -> ChannelRequest {
    let member_type = planned
        .get("member_type")
        .as_str()
        .unwrap_or("ecs")
        .to_string();
    let groups = planned
        .get("member_groups")
        .as_list()
        .unwrap_or_default()
        .iter()
        .map(|g| MemberGroupCreate {
            member_group_name: opt_str(g.get(group::NAME)).unwrap_or_default(),
            member_group_remark: opt_str(g.get(group::REMARK)),
            member_group_weight: opt_int(g.get(group::WEIGHT)),
            dict_code: opt_str(g.get(group::DICT_CODE)),
            microservice_version: opt_str(g.get(group::MICROSERVICE_VERSION)),
            microservice_port: opt_int(g.get(group::MICROSERVICE_PORT)),
            microservice_labels: g.get(group::MICROSERVICE_LABELS).as_list().map(|ls| {
                ls.iter()
                    .map(|l| MicroserviceLabel {
                        label_name: opt_str(l.get(label::NAME)).unwrap_or_default(),
                        label_value: opt_str(l.get(label::VALUE)).unwrap_or_default(),
                    })
                    .collect()
            }),
        })
        .collect();
    let cfg_members = config.get("members").as_list().unwrap_or_default();
    let members = planned
        .get("members")
        .as_list()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let c = cfg_members.get(i).unwrap_or(&Value::Null);
            let derived = |attr: &str| opt_str(c.get(attr));
            let ip = member_type == "ip";
            MemberInfo {
                host: if ip {
                    opt_str(m.get(member::HOST))
                } else {
                    None
                },
                weight: opt_int(m.get(member::WEIGHT)),
                is_backup: m.get(member::IS_BACKUP).as_bool(),
                member_group_name: opt_str(m.get(member::GROUP_NAME)),
                status: opt_int(m.get(member::STATUS)),
                port: opt_int(m.get(member::PORT)),
                ecs_id: if ip {
                    derived(member::ECS_ID)
                } else {
                    opt_str(m.get(member::ECS_ID))
                },
                ecs_name: if ip {
                    derived(member::ECS_NAME)
                } else {
                    opt_str(m.get(member::ECS_NAME))
                },
            }
        })
        .collect();
    let h = planned.get("vpc_health_config");
    let health = (!h.is_null()).then(|| HealthConfig {
        protocol: h
            .get("protocol")
            .as_str()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        path: opt_str(h.get("path")),
        method: opt_str(h.get("method")),
        port: opt_int(h.get("port")),
        threshold_normal: opt_int(h.get("threshold_normal")).unwrap_or_default(),
        threshold_abnormal: opt_int(h.get("threshold_abnormal")).unwrap_or_default(),
        time_interval: opt_int(h.get("time_interval")).unwrap_or_default(),
        http_code: opt_str(h.get("http_code")),
        enable_client_ssl: h.get("enable_client_ssl").as_bool(),
        status: opt_int(h.get("status")),
        timeout: opt_int(h.get("timeout")).unwrap_or_default(),
        ..Default::default()
    });
    let ms = planned.get("microservice_info");
    let microservice = (!ms.is_null()).then(|| {
        let cse = ms.get("cse_info");
        let cce = ms.get("cce_info");
        let svc = ms.get("cce_service_info");
        MicroserviceCreate {
            service_type: opt_str(ms.get("service_type")),
            cse_info: (!cse.is_null()).then(|| CseInfo {
                engine_id: opt_str(cse.get("engine_id")).unwrap_or_default(),
                service_id: opt_str(cse.get("service_id")).unwrap_or_default(),
                ..Default::default()
            }),
            cce_info: (!cce.is_null()).then(|| CceInfo {
                cluster_id: opt_str(cce.get("cluster_id")).unwrap_or_default(),
                namespace: opt_str(cce.get("namespace")).unwrap_or_default(),
                workload_type: opt_str(cce.get("workload_type")).unwrap_or_default(),
                app_name: opt_str(cce.get("app_name")),
                label_key: opt_str(cce.get("label_key")),
                label_value: opt_str(cce.get("label_value")),
                cluster_name: None,
            }),
            cce_service_info: (!svc.is_null()).then(|| CceServiceInfo {
                cluster_id: opt_str(svc.get("cluster_id")).unwrap_or_default(),
                namespace: opt_str(svc.get("namespace")).unwrap_or_default(),
                service_name: opt_str(svc.get("service_name")).unwrap_or_default(),
                cluster_name: None,
            }),
        }
    });
    ChannelRequest {
        name: opt_str(planned.get("name")).unwrap_or_default(),
        port: opt_int(planned.get("port")).unwrap_or_default(),
        balance_strategy: opt_int(planned.get("balance_strategy")).unwrap_or(1),
        member_type,
        channel_type: opt_int(planned.get("type")),
        dict_code: opt_str(planned.get("dict_code")),
        member_groups: Some(groups),
        members: Some(members),
        vpc_health_config: health,
        microservice_info: microservice,
    }
}
