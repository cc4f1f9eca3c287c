//! API → state: a channel as the API shows it, guided by the previous
//! state or the plan.

use crate::apig::models as api;
use crate::provider::gateway::Location;
use crate::provider::vpc_channel::state::{
    Cce, CceService, Channel, Cse, Group, Health, Label, Member, Microservice, Nacos, NacosServer,
    NacosUser, IP, MICROSERVICE, REFERENCE,
};
use crate::tfplugin::typed::{view, Known, Tf};
use crate::tfplugin::value::Value;

use super::pairing::{align, group_passes, label_passes, member_passes, pair};

/// Optional strings: the API's empty string means unset.
fn s(v: &Option<String>) -> Tf<String> {
    Tf::non_empty(v)
}
/// Computed strings keep what the API said, empty included.
fn s_raw(v: &Option<String>) -> Tf<String> {
    v.clone().into()
}
fn n(v: Option<i64>) -> Tf<i64> {
    v.into()
}

fn list_or_null<T>(items: Vec<Tf<T>>, guide: &Tf<Vec<Tf<T>>>) -> Tf<Vec<Tf<T>>> {
    if items.is_empty() && guide.known().is_none() {
        Tf::Null
    } else {
        Tf::Known(items)
    }
}

fn labels(
    l: &Option<Vec<api::MicroserviceLabel>>,
    guide: &Tf<Vec<Tf<Label>>>,
) -> Tf<Vec<Tf<Label>>> {
    let items = (l.iter().flatten())
        .map(|x| {
            Tf::Known(Label {
                name: x.label_name.clone().into(),
                value: x.label_value.clone().into(),
            })
        })
        .collect();
    list_or_null(align(items, guide.elements(), &label_passes(), true), guide)
}

fn group(g: &api::MemberGroup, guide: Option<&Group>) -> Group {
    let spec = &g.spec;
    let port = match (
        spec.microservice_port,
        guide.and_then(|x| x.microservice_port.get()),
    ) {
        (Some(0), None) | (None, _) => Tf::Null,
        (Some(p), _) => Tf::Known(p),
    };
    let no_labels = Tf::Null;
    let mut out = Group {
        name: spec.member_group_name.clone().into(),
        remark: s(&spec.member_group_remark),
        weight: n(spec.member_group_weight),
        dict_code: s(&spec.dict_code),
        microservice_version: s(&spec.microservice_version),
        microservice_port: port,
        microservice_labels: labels(
            &spec.microservice_labels,
            guide.map_or(&no_labels, |x| &x.microservice_labels),
        ),
        reference_vpc_channel_id: s(&spec.reference_vpc_channel_id),
        id: g.member_group_id.clone().into(),
        create_time: s_raw(&g.create_time),
        update_time: s_raw(&g.update_time),
    };
    if let Some(x) = guide {
        out.weight.fill_from(&x.weight);
    }
    out
}

fn member(m: &api::Member) -> Member {
    let spec = &m.spec;
    Member {
        host: s(&spec.host),
        weight: n(spec.weight),
        is_backup: Tf::Known(spec.is_backup.unwrap_or(false)),
        group_name: s(&spec.member_group_name),
        status: n(spec.status),
        port: n(spec.port),
        ecs_id: s(&spec.ecs_id),
        ecs_name: s(&spec.ecs_name),
    }
}

/// What the API left out keeps the guide's known value: an API that does
/// not echo its defaults is not a change.
fn member_guided(m: &mut Member, g: &Member, member_type: &str) {
    if member_type != IP {
        // An ECS member's `host` is the server's private IP, which the API
        // reports whatever was asked: a written one is kept.
        m.host.prefer(&g.host);
    }
    m.host.fill_from(&g.host);
    m.weight.fill_from(&g.weight);
    m.status.fill_from(&g.status);
    m.port.fill_from(&g.port);
    m.ecs_id.fill_from(&g.ecs_id);
    m.ecs_name.fill_from(&g.ecs_name);
}

/// The server copies an ip member's `host` into `ecs_id` and `ecs_name`:
/// not user data, and shown in plain text even when `host` is sensitive.
/// Only values the configuration (the guide) set are kept.
fn drop_server_copies(m: &mut Member, g: Option<&Member>) {
    if g.and_then(|g| g.ecs_id.str()).is_none() {
        m.ecs_id = Tf::Null;
    }
    if g.and_then(|g| g.ecs_name.str()).is_none() {
        m.ecs_name = Tf::Null;
    }
}

fn health(h: &api::HealthConfig, guide: Option<&Health>) -> Health {
    let protocol = match guide.and_then(|g| g.protocol.str()) {
        Some(g) if g.eq_ignore_ascii_case(&h.protocol) => g.to_string(),
        _ => h.protocol.clone(),
    };
    let port = match (h.port, guide.and_then(|g| g.port.get())) {
        (Some(0), Some(0)) => Tf::Known(0),
        (Some(0), _) | (None, _) => Tf::Null,
        (Some(p), _) => Tf::Known(p),
    };
    let method = match h.method.as_deref() {
        None | Some("") => "GET".to_string(),
        Some(m) => m.to_string(),
    };
    let mut out = Health {
        protocol: protocol.into(),
        path: s(&h.path),
        method: method.into(),
        port,
        threshold_normal: h.threshold_normal.into(),
        threshold_abnormal: h.threshold_abnormal.into(),
        time_interval: h.time_interval.into(),
        http_code: s(&h.http_code),
        enable_client_ssl: h.enable_client_ssl.unwrap_or(false).into(),
        status: n(h.status),
        timeout: h.timeout.into(),
    };
    if let Some(g) = guide {
        out.status.fill_from(&g.status);
    }
    out
}

fn microservice(m: &api::MicroserviceInfo, guide: &Tf<Microservice>) -> Tf<Microservice> {
    let st = m.spec.service_type.clone().unwrap_or_default();
    if st.is_empty() && guide.is_null() {
        // Server channels return an object of empty strings: not a setting.
        return Tf::Null;
    }
    let g = guide.known();
    // A detail block is read back when the guide has it, or (no guide) when
    // the service type says so.
    let wanted =
        |set: fn(&Microservice) -> bool, kind: &str| g.map_or(guide.is_null() && st == kind, set);
    let cse = match (&m.spec.cse_info, wanted(|g| !g.cse_info.is_null(), "CSE")) {
        (Some(c), true) => Tf::Known(Cse {
            engine_id: c.engine_id.clone().into(),
            service_id: c.service_id.clone().into(),
            engine_name: s_raw(&c.engine_name),
            service_name: s_raw(&c.service_name),
            register_address: s_raw(&c.register_address),
            cse_app_id: s_raw(&c.cse_app_id),
            version: s_raw(&c.version),
        }),
        _ => Tf::Null,
    };
    let cce = match (&m.spec.cce_info, wanted(|g| !g.cce_info.is_null(), "CCE")) {
        (Some(c), true) => {
            let mut out = Cce {
                cluster_id: c.cluster_id.clone().into(),
                namespace: c.namespace.clone().into(),
                workload_type: c.workload_type.clone().into(),
                app_name: s(&c.app_name),
                label_key: s(&c.label_key),
                label_value: s(&c.label_value),
                cluster_name: s_raw(&c.cluster_name),
            };
            if let Some(gc) = g.and_then(|g| g.cce_info.known()) {
                out.label_key.fill_from(&gc.label_key);
                out.label_value.fill_from(&gc.label_value);
            }
            Tf::Known(out)
        }
        _ => Tf::Null,
    };
    let svc = match (
        &m.spec.cce_service_info,
        wanted(|g| !g.cce_service_info.is_null(), "CCE_SERVICE"),
    ) {
        (Some(c), true) => Tf::Known(CceService {
            cluster_id: c.cluster_id.clone().into(),
            namespace: c.namespace.clone().into(),
            service_name: c.service_name.clone().into(),
            cluster_name: s_raw(&c.cluster_name),
        }),
        _ => Tf::Null,
    };
    let nacos_guide = g.and_then(|g| g.nacos_info.known());
    let nacos = match (
        &m.spec.nacos_info,
        wanted(|g| !g.nacos_info.is_null(), "NACOS"),
    ) {
        (Some(n), true) => Tf::Known(nacos(n, nacos_guide)),
        _ => Tf::Null,
    };
    Tf::Known(Microservice {
        id: s_raw(&m.id),
        instance_id: s_raw(&m.instance_id),
        service_type: if st.is_empty() { Tf::Null } else { st.into() },
        cse_info: cse,
        cce_info: cce,
        cce_service_info: svc,
        nacos_info: nacos,
        create_time: s_raw(&m.create_time),
        update_time: s_raw(&m.update_time),
    })
}

/// A string the API fills with its documented default when unset.
fn or_default(v: &Option<String>, default: &str) -> Tf<String> {
    match v.as_deref() {
        None | Some("") => Tf::Known(default.to_string()),
        Some(x) => Tf::Known(x.to_string()),
    }
}

/// NACOS details. The password is never taken from the API (it does not
/// show it, or shows it masked): the guide's is kept, and an imported
/// channel has none. `password_wo` is write-only: always null.
fn nacos(n: &api::NacosInfo, guide: Option<&Nacos>) -> Nacos {
    let servers = (n.server_config.iter().enumerate())
        .map(|(i, x)| {
            let mut out = NacosServer {
                ip_address: x.ip_address.clone().into(),
                port: x.port.into(),
                grpc_port: n_pos(x.grpc_port),
            };
            let g = guide.and_then(|g| g.server_config.elements().get(i)?.known());
            if let Some(g) = g.filter(|g| g.ip_address == out.ip_address) {
                out.grpc_port.fill_from(&g.grpc_port);
            }
            Tf::Known(out)
        })
        .collect();
    let gu = guide.and_then(|g| g.user_info.known());
    Nacos {
        namespace: s(&n.namespace),
        cluster_name: or_default(&n.cluster_name, "DEFAULT"),
        group_name: or_default(&n.group_name, "DEFAULT_GROUP"),
        service_name: n.service_name.clone().into(),
        server_config: Tf::Known(servers),
        user_info: Tf::Known(NacosUser {
            user_name: n.user_info.user_name.clone().into(),
            password: gu.map_or(Tf::Null, |u| u.password.clone()),
            password_wo: Tf::Null,
            password_wo_version: gu.map_or(Tf::Null, |u| u.password_wo_version),
        }),
    }
}

/// A number the API reports as 0 when unset.
fn n_pos(v: Option<i64>) -> Tf<i64> {
    match v {
        None | Some(0) => Tf::Null,
        Some(x) => Tf::Known(x),
    }
}

/// [`channel_from_api`] with values (tests, fuzzing): a part of the guide
/// that does not fit the schema guides nothing.
pub fn state_from_api(ch: &api::Channel, guide: &Value, loc: &Location) -> Value {
    channel_from_api(ch, &view(guide), loc).to_known()
}

/// The state of a channel as shown by the API (show details), guided by
/// the previous state or the plan.
pub fn channel_from_api(ch: &api::Channel, guide: &Channel, loc: &Location) -> Channel {
    let member_type = ch.member_type.as_str();

    let groups = (ch.member_groups.iter().flatten())
        .map(|g| {
            let name = g.spec.member_group_name.as_str();
            let gg = guide
                .member_groups
                .items()
                .find(|x| x.name.str() == Some(name));
            Tf::Known(group(g, gg))
        })
        .collect();
    let groups = align(
        groups,
        guide.member_groups.elements(),
        &group_passes(),
        true,
    );

    let passes = member_passes(member_type);
    let members = ch
        .members
        .iter()
        .flatten()
        .map(|m| Tf::Known(member(m)))
        .collect();
    // Members of a microservice channel are discovered by the service: only
    // those the configuration declares are tracked.
    // So are those a reference channel shows (they belong to the channels it
    // refers to).
    let flavor = ch.vpc_channel_type.as_deref();
    let keep_unmatched = ch.channel_type != 3 && !matches!(flavor, Some(MICROSERVICE | REFERENCE));
    let guide_members = guide.members.elements();
    let mut members = align(members, guide_members, &passes, keep_unmatched);
    let pairs = pair(&members, guide_members, &passes);
    for (m, j) in members.iter_mut().zip(pairs) {
        let g = j.and_then(|j| guide_members[j].known());
        if let Some(m) = m.known_mut() {
            if let Some(g) = g {
                member_guided(m, g, member_type);
            }
            // ip members, and any type this provider does not know (an
            // answer naming one must not leave copies in state either).
            if member_type != "ecs" {
                drop_server_copies(m, g);
            }
        }
    }

    Channel {
        id: ch.id.clone().into(),
        instance_id: loc.instance_id.clone().into(),
        project_id: loc.project_id.clone().into(),
        region: loc.region.clone().into(),
        name: ch.name.clone().into(),
        port: ch.port.into(),
        balance_strategy: ch.balance_strategy.into(),
        member_type: ch.member_type.clone().into(),
        channel_type: ch.channel_type.into(),
        vpc_channel_type: s(&ch.vpc_channel_type),
        dict_code: s(&ch.dict_code),
        member_groups: list_or_null(groups, &guide.member_groups),
        members: list_or_null(members, &guide.members),
        vpc_health_config: (ch.vpc_health_config.as_ref())
            .map(|h| health(h, guide.vpc_health_config.known()))
            .into(),
        microservice_info: (ch.microservice_info.as_ref())
            .map_or(Tf::Null, |m| microservice(m, &guide.microservice_info)),
        create_time: s_raw(&ch.create_time),
        status: n(ch.status),
    }
}
