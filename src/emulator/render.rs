//! How the server shows a stored channel. With `quirks` on, the habits of
//! the real service (see the API notes) are applied here; with them off the
//! stored fields come back as they were sent. The API shape (no members or
//! health check in create/update/list) holds either way.

use serde_json::{json, Value};

use super::generated::{fake_private_ip, short_tag};
use super::model::{
    CceInfo, Channel, CseInfo, HealthConfig, Member, MemberGroup, MicroserviceCreate,
    MicroserviceInfo, NacosInfo,
};
use super::store::StoredChannel;

/// Create, update and list items.
pub fn summary(ch: &StoredChannel, quirks: bool) -> Value {
    to_json(&base(ch, quirks))
}

/// Show details: with members and health check.
pub fn detail(ch: &StoredChannel, quirks: bool) -> Value {
    let mut c = base(ch, quirks);
    c.members = Some(members(ch, quirks));
    c.vpc_health_config = health(ch, quirks);
    to_json(&c)
}

pub fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|_| json!({}))
}

fn base(ch: &StoredChannel, quirks: bool) -> Channel {
    let mut groups: Vec<MemberGroup> = ch.member_groups.clone();
    if quirks {
        groups.sort_by(|a, b| a.member_group_id.cmp(&b.member_group_id));
    }
    Channel {
        id: ch.id.clone(),
        name: ch.name.clone(),
        port: ch.port,
        balance_strategy: ch.balance_strategy,
        member_type: ch.member_type.clone(),
        channel_type: ch.channel_type,
        dict_code: if quirks {
            Some(ch.dict_code.clone().unwrap_or_default())
        } else {
            ch.dict_code.clone()
        },
        create_time: Some(ch.create_time.clone()),
        status: Some(1),
        member_groups: Some(groups),
        microservice_info: microservice(ch, quirks),
        members: None,
        vpc_health_config: None,
        vpc_channel_type: Some(ch.kind().to_string()),
    }
}

/// Members as shown by details and the members list.
pub fn members(ch: &StoredChannel, quirks: bool) -> Vec<Member> {
    if !quirks {
        return ch.members.clone();
    }
    let mut out: Vec<Member> = ch
        .members
        .iter()
        .map(|m| member(ch, m, quirks))
        .chain(ch.discovered_members.iter().cloned())
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// One stored member as shown.
pub fn member(ch: &StoredChannel, m: &Member, quirks: bool) -> Member {
    let mut m = m.clone();
    if !quirks {
        return m;
    }
    let s = &mut m.spec;
    s.port.get_or_insert(ch.port);
    s.weight.get_or_insert(0);
    s.status.get_or_insert(1);
    s.is_backup.get_or_insert(false);
    if ch.member_type == "ecs" {
        // The server reports the instance's private IP.
        s.host = Some(fake_private_ip(s.ecs_id.as_deref().unwrap_or("")));
    } else {
        s.ecs_id = s.host.clone();
        s.ecs_name = s.host.clone();
    }
    m.health_status = Some("unknown".into());
    m
}

pub fn health(ch: &StoredChannel, quirks: bool) -> Option<HealthConfig> {
    let mut h = ch.vpc_health_config.clone()?;
    if quirks {
        h.protocol = h.protocol.to_ascii_lowercase();
        h.path.get_or_insert_with(String::new);
        h.method.get_or_insert_with(String::new);
        h.http_code.get_or_insert_with(String::new);
        h.port.get_or_insert(0);
        h.enable_client_ssl.get_or_insert(false);
        h.status.get_or_insert(1);
    }
    Some(h)
}

fn empty_cse() -> CseInfo {
    CseInfo {
        engine_id: String::new(),
        service_id: String::new(),
        engine_name: Some(String::new()),
        service_name: Some(String::new()),
        register_address: Some(String::new()),
        cse_app_id: Some(String::new()),
        version: None,
    }
}

fn empty_cce() -> CceInfo {
    CceInfo {
        cluster_id: String::new(),
        namespace: String::new(),
        workload_type: String::new(),
        app_name: Some(String::new()),
        label_key: None,
        label_value: None,
        cluster_name: Some(String::new()),
    }
}

fn microservice(ch: &StoredChannel, quirks: bool) -> Option<MicroserviceInfo> {
    let mut shown = shown_microservice(ch, quirks)?;
    // The NACOS password is kept for the registry and never shown.
    if let Some(u) = shown
        .spec
        .nacos_info
        .as_mut()
        .and_then(|n| n.user_info.as_mut())
    {
        u.password = None;
    }
    Some(shown)
}

fn shown_microservice(ch: &StoredChannel, quirks: bool) -> Option<MicroserviceInfo> {
    if !quirks {
        return ch.microservice_info.clone();
    }
    let stored = ch
        .microservice_info
        .as_ref()
        .filter(|_| ch.channel_type == 3);
    let Some(ms) = stored else {
        // Server-type channels still carry an object of empty strings.
        return Some(MicroserviceInfo {
            id: Some(String::new()),
            instance_id: Some(String::new()),
            spec: MicroserviceCreate {
                service_type: Some(String::new()),
                cse_info: Some(empty_cse()),
                cce_info: Some(empty_cce()),
                cce_service_info: None,
                nacos_info: None,
            },
            create_time: Some(String::new()),
            update_time: Some(String::new()),
        });
    };
    let mut out = ms.clone();
    let st = ms.spec.service_type.clone().unwrap_or_default();
    out.spec.service_type = Some(st.clone());

    out.spec.cse_info = Some(match (&ms.spec.cse_info, st.as_str()) {
        (Some(c), "CSE") => {
            let tag = short_tag(&c.service_id);
            let mut c = c.clone();
            c.engine_name
                .get_or_insert_with(|| format!("cse-{}", short_tag(&c.engine_id)));
            c.service_name
                .get_or_insert_with(|| format!("service-{tag}"));
            c.register_address
                .get_or_insert_with(|| "https://192.168.0.10:30100".into());
            c.cse_app_id.get_or_insert_with(|| "default".into());
            c
        }
        _ => empty_cse(),
    });
    out.spec.cce_info = Some(match (&ms.spec.cce_info, st.as_str()) {
        (Some(c), "CCE") => {
            let mut c = c.clone();
            // Only app_name given: the server derives the label (habit 12).
            if c.label_key.is_none() && c.label_value.is_none() {
                if let Some(app) = &c.app_name {
                    c.label_key = Some("app".into());
                    c.label_value = Some(app.clone());
                }
            }
            c.app_name.get_or_insert_with(String::new);
            c.cluster_name
                .get_or_insert_with(|| format!("cce-{}", short_tag(&c.cluster_id)));
            c
        }
        _ => empty_cce(),
    });
    out.spec.cce_service_info = match (&ms.spec.cce_service_info, st.as_str()) {
        (Some(c), "CCE_SERVICE") => {
            let mut c = c.clone();
            c.cluster_name
                .get_or_insert_with(|| format!("cce-{}", short_tag(&c.cluster_id)));
            Some(c)
        }
        _ => None,
    };
    out.spec.nacos_info = match (&ms.spec.nacos_info, st.as_str()) {
        (Some(n), "NACOS") => Some(nacos_defaults(n)),
        _ => None,
    };
    Some(out)
}

/// The defaults the SDK documents: namespace `""` (public), cluster
/// `DEFAULT`, group `DEFAULT_GROUP`, gRPC port = port + 1000.
fn nacos_defaults(n: &NacosInfo) -> NacosInfo {
    let mut n = n.clone();
    n.namespace.get_or_insert_with(String::new);
    n.cluster_name.get_or_insert_with(|| "DEFAULT".into());
    n.group_name.get_or_insert_with(|| "DEFAULT_GROUP".into());
    for s in &mut n.server_config {
        s.grpc_port.get_or_insert(s.port + 1000);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::model::ChannelRequest;
    use crate::emulator::store::{Policy, Store};
    use crate::emulator::validate::channel_request;

    fn stored(v: Value, quirks: bool) -> StoredChannel {
        let req: ChannelRequest = channel_request(&v).unwrap();
        let mut s = Store::new(["gw".to_string()]);
        let ch = s.create("gw", req, Policy { quirks, quota: 10 }).unwrap();
        (*ch).clone()
    }

    /// An IP channel with one member and a health check over `protocol`.
    fn with_health_check(protocol: &str) -> StoredChannel {
        stored(
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip",
                   "members": [{"host": "1.1.1.1"}],
                   "vpc_health_config": {"protocol": protocol, "threshold_normal": 1, "threshold_abnormal": 1, "time_interval": 5, "timeout": 2}}),
            true,
        )
    }

    #[test]
    fn summary_has_no_members_or_health() {
        let ch = with_health_check("TCP");
        for q in [true, false] {
            let s = summary(&ch, q);
            assert!(s.get("members").is_none() && s.get("vpc_health_config").is_none());
            assert!(s.get("emulator_revision").is_none());
            let d = detail(&ch, q);
            assert_eq!(d["members"].as_array().unwrap().len(), 1);
            assert!(d["vpc_health_config"].is_object());
        }
    }

    #[test]
    fn defaults_only_with_quirks() {
        let ch = with_health_check("Tcp");
        let d = detail(&ch, true);
        let m = &d["members"][0];
        assert_eq!(
            (m["port"].clone(), m["weight"].clone(), m["status"].clone()),
            (json!(80), json!(0), json!(1))
        );
        assert_eq!(
            (m["ecs_id"].clone(), m["ecs_name"].clone()),
            (json!("1.1.1.1"), json!("1.1.1.1"))
        );
        assert_eq!(m["is_backup"], false);
        assert_eq!(m["health_status"], "unknown");
        let h = &d["vpc_health_config"];
        assert_eq!(h["protocol"], "tcp");
        assert_eq!(
            (h["path"].clone(), h["port"].clone(), h["status"].clone()),
            (json!(""), json!(0), json!(1))
        );
        assert_eq!(h["enable_client_ssl"], false);
        assert_eq!(d["dict_code"], "");
        assert_eq!(d["microservice_info"]["cce_info"]["cluster_id"], "");

        let d = detail(&ch, false);
        let m = &d["members"][0];
        assert!(m.get("port").is_none() && m.get("weight").is_none() && m.get("ecs_id").is_none());
        assert!(m.get("health_status").is_none());
        assert_eq!(d["vpc_health_config"]["protocol"], "Tcp");
        assert!(d.get("dict_code").is_none() && d.get("microservice_info").is_none());
    }

    #[test]
    fn ecs_members_get_a_private_ip() {
        let ch = stored(
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ecs",
                   "members": [{"ecs_id": "i-1", "ecs_name": "vm1"}]}),
            true,
        );
        let d = detail(&ch, true);
        assert_eq!(d["members"][0]["host"], json!(fake_private_ip("i-1")));
        assert_eq!(d["members"][0]["ecs_id"], "i-1");
    }

    #[test]
    fn cce_label_and_discovery() {
        let ch = stored(
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip", "type": 3,
                   "microservice_info": {"service_type": "CCE", "cce_info": {"cluster_id": "c1", "namespace": "default",
                     "workload_type": "deployment", "app_name": "testapp"}}}),
            true,
        );
        let d = detail(&ch, true);
        let cce = &d["microservice_info"]["cce_info"];
        assert_eq!(
            (cce["label_key"].clone(), cce["label_value"].clone()),
            (json!("app"), json!("testapp"))
        );
        assert!(!d["members"].as_array().unwrap().is_empty());
        assert_eq!(d["vpc_channel_type"], "microservice");
        // without quirks: nothing discovered is shown, cce_info as sent
        let d = detail(&ch, false);
        assert!(d["members"].as_array().unwrap().is_empty());
        assert!(d["microservice_info"]["cce_info"]
            .get("label_key")
            .is_none());
    }
}
