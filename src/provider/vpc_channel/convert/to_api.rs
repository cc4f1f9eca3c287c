//! Plan → API: the full desired body for create and update.

use crate::apig::models as api;
use crate::tfplugin::typed::{view, Tf};
use crate::tfplugin::value::Value;

use super::pairing::{member_passes, pair};
use crate::provider::vpc_channel::state::{
    Channel, Group, Health, Member, Microservice, Nacos, ECS, IP,
};

fn group(g: &Group, nacos: bool) -> api::MemberGroupCreate {
    api::MemberGroupCreate {
        member_group_name: g.name.cloned().unwrap_or_default(),
        member_group_remark: g.remark.cloned(),
        member_group_weight: g.weight.get().filter(|_| !nacos),
        dict_code: g.dict_code.cloned(),
        microservice_version: g.microservice_version.cloned(),
        microservice_port: g.microservice_port.get(),
        microservice_labels: g.microservice_labels.known().map(|_| {
            (g.microservice_labels.items())
                .map(|l| api::MicroserviceLabel {
                    label_name: l.name.cloned().unwrap_or_default(),
                    label_value: l.value.cloned().unwrap_or_default(),
                    extra: Default::default(),
                })
                .collect()
        }),
        reference_vpc_channel_id: g.reference_vpc_channel_id.cloned(),
    }
}

/// An ip member's ecs_id/ecs_name (derived by the server) are sent only
/// when the configuration sets them; an ecs member's host (the server's IP,
/// valid only for ip members) never is.
fn member(m: &Member, configured: Option<&Member>, ip: bool) -> api::MemberInfo {
    let derived = |f: fn(&Member) -> &Tf<String>| configured.and_then(|c| f(c).cloned());
    api::MemberInfo {
        host: if ip { m.host.cloned() } else { None },
        weight: m.weight.get(),
        is_backup: m.is_backup.get(),
        member_group_name: m.group_name.cloned(),
        status: m.status.get(),
        port: m.port.get(),
        ecs_id: if ip {
            derived(|c| &c.ecs_id)
        } else {
            m.ecs_id.cloned()
        },
        ecs_name: if ip {
            derived(|c| &c.ecs_name)
        } else {
            m.ecs_name.cloned()
        },
    }
}

fn health(h: &Health) -> api::HealthConfig {
    api::HealthConfig {
        protocol: h.protocol.str().unwrap_or_default().to_ascii_uppercase(),
        path: h.path.cloned(),
        method: h.method.cloned(),
        port: h.port.get(),
        threshold_normal: h.threshold_normal.get().unwrap_or_default(),
        threshold_abnormal: h.threshold_abnormal.get().unwrap_or_default(),
        time_interval: h.time_interval.get().unwrap_or_default(),
        http_code: h.http_code.cloned(),
        enable_client_ssl: h.enable_client_ssl.get(),
        status: h.status.get(),
        timeout: h.timeout.get().unwrap_or_default(),
        ..Default::default()
    }
}

fn microservice(ms: &Microservice, password: Option<String>) -> api::MicroserviceCreate {
    api::MicroserviceCreate {
        service_type: ms.service_type.cloned(),
        cse_info: ms.cse_info.known().map(|c| api::CseInfo {
            engine_id: c.engine_id.cloned().unwrap_or_default(),
            service_id: c.service_id.cloned().unwrap_or_default(),
            ..Default::default()
        }),
        cce_info: ms.cce_info.known().map(|c| api::CceInfo {
            cluster_id: c.cluster_id.cloned().unwrap_or_default(),
            namespace: c.namespace.cloned().unwrap_or_default(),
            workload_type: c.workload_type.cloned().unwrap_or_default(),
            app_name: c.app_name.cloned(),
            label_key: c.label_key.cloned(),
            label_value: c.label_value.cloned(),
            cluster_name: None,
            extra: Default::default(),
        }),
        cce_service_info: ms.cce_service_info.known().map(|c| api::CceServiceInfo {
            cluster_id: c.cluster_id.cloned().unwrap_or_default(),
            namespace: c.namespace.cloned().unwrap_or_default(),
            service_name: c.service_name.cloned().unwrap_or_default(),
            cluster_name: None,
            extra: Default::default(),
        }),
        nacos_info: ms.nacos_info.known().map(|n| nacos(n, password)),
    }
}

/// The password comes from the plan (`password`) or, write-only, from the
/// configuration (`password_wo`): the API needs it on every write.
fn nacos(n: &Nacos, password: Option<String>) -> api::NacosInfo {
    let user = n.user_info.known();
    api::NacosInfo {
        namespace: n.namespace.cloned(),
        cluster_name: n.cluster_name.cloned(),
        group_name: n.group_name.cloned(),
        service_name: n.service_name.cloned().unwrap_or_default(),
        server_config: (n.server_config.items())
            .map(|x| api::NacosServer {
                ip_address: x.ip_address.cloned().unwrap_or_default(),
                port: x.port.get().unwrap_or_default(),
                grpc_port: x.grpc_port.get(),
                extra: Default::default(),
            })
            .collect(),
        user_info: api::NacosUser {
            user_name: (user.and_then(|u| u.user_name.cloned())).unwrap_or_default(),
            password: (user.and_then(|u| u.password.cloned())).or(password),
            extra: Default::default(),
        },
        extra: Default::default(),
    }
}

/// `password_wo` as configured (write-only: never in the plan).
fn password_wo(config: &Channel) -> Option<String> {
    let ms = config.microservice_info.known()?;
    let user = ms.nacos_info.known()?.user_info.known()?;
    user.password_wo.cloned()
}

/// [`channel_request`] from the plan and configuration as values (tests,
/// fuzzing).
pub fn request_from_plan(planned: &Value, config: &Value) -> api::ChannelRequest {
    channel_request(&view(planned), &view(config))
}

/// The full desired body for create and update, from the plan (wholly
/// known at apply) and the configuration.
pub fn channel_request(p: &Channel, c: &Channel) -> api::ChannelRequest {
    let member_type = p.member_type.str().unwrap_or(ECS).to_string();
    let ip = member_type == IP;
    // The planned list may follow the prior order: find each member's
    // configuration by identity, not by index.
    let planned_members = p.members.elements();
    // Config on the left: its unset port is the passes' wildcard.
    let mut configured = vec![None; planned_members.len()];
    let by_cfg = pair(
        c.members.elements(),
        planned_members,
        &member_passes(&member_type),
    );
    for (i, j) in by_cfg.into_iter().enumerate() {
        if let Some(j) = j {
            configured[j] = Some(i);
        }
    }
    let members = (planned_members.iter().zip(configured))
        .filter_map(|(m, j)| {
            let cfg = j.and_then(|j| c.members.elements()[j].known());
            m.known().map(|m| member(m, cfg, ip))
        })
        .collect();
    // The API takes the type from `vpc_channel_type` when it is sent (the
    // two agree: cross_field::flavor_rule), and refuses a conflict.
    let vpc_channel_type = p.vpc_channel_type.cloned();
    // NACOS sets group weights itself and refuses them (the SDK's rule).
    let nacos_groups =
        (p.microservice_info.known()).is_some_and(|m| m.service_type.str() == Some("NACOS"));
    api::ChannelRequest {
        name: p.name.cloned().unwrap_or_default(),
        port: p.port.get().unwrap_or_default(),
        balance_strategy: p.balance_strategy.get().unwrap_or(1),
        member_type,
        channel_type: if vpc_channel_type.is_none() {
            p.channel_type.get()
        } else {
            None
        },
        vpc_channel_type,
        dict_code: p.dict_code.cloned(),
        member_groups: Some(
            p.member_groups
                .items()
                .map(|g| group(g, nacos_groups))
                .collect(),
        ),
        members: Some(members),
        vpc_health_config: p.vpc_health_config.known().map(health),
        microservice_info: (p.microservice_info.known()).map(|m| microservice(m, password_wo(c))),
    }
}
