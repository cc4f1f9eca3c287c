//! The channel's objects as typed structs, one per object of the schema.
//! Each attribute name is declared here once (as `Channel::PORT`,
//! `Member::HOST`, ...); the schema, the plan, the rules and the
//! conversions use these constants and fields, so a typo is a compile
//! error instead of a silent null read.

use crate::provider::gateway::Scope;
use crate::tf_object;
use crate::tfplugin::typed::Tf;

tf_object! {
    /// The resource itself.
    pub struct Channel {
        id: String = ID "id",
        instance_id: String = INSTANCE_ID "instance_id",
        project_id: String = PROJECT_ID "project_id",
        region: String = REGION "region",
        name: String = NAME "name",
        port: i64 = PORT "port",
        balance_strategy: i64 = BALANCE_STRATEGY "balance_strategy",
        member_type: String = MEMBER_TYPE "member_type",
        channel_type: i64 = TYPE "type",
        vpc_channel_type: String = VPC_CHANNEL_TYPE "vpc_channel_type",
        dict_code: String = DICT_CODE "dict_code",
        member_groups: Vec<Tf<Group>> = MEMBER_GROUPS "member_groups",
        members: Vec<Tf<Member>> = MEMBERS "members",
        vpc_health_config: Health = VPC_HEALTH_CONFIG "vpc_health_config",
        microservice_info: Microservice = MICROSERVICE_INFO "microservice_info",
        create_time: String = CREATE_TIME "create_time",
        status: i64 = STATUS "status",
    }
}

tf_object! {
    /// `member_groups[*]`.
    pub struct Group {
        name: String = NAME "member_group_name",
        remark: String = REMARK "member_group_remark",
        weight: i64 = WEIGHT "member_group_weight",
        dict_code: String = DICT_CODE "dict_code",
        microservice_version: String = MICROSERVICE_VERSION "microservice_version",
        microservice_port: i64 = MICROSERVICE_PORT "microservice_port",
        microservice_labels: Vec<Tf<Label>> = MICROSERVICE_LABELS "microservice_labels",
        reference_vpc_channel_id: String = REFERENCE_VPC_CHANNEL_ID "reference_vpc_channel_id",
        id: String = ID "member_group_id",
        create_time: String = CREATE_TIME "create_time",
        update_time: String = UPDATE_TIME "update_time",
    }
}

tf_object! {
    /// `member_groups[*].microservice_labels[*]`.
    pub struct Label {
        name: String = NAME "label_name",
        value: String = VALUE "label_value",
    }
}

tf_object! {
    /// `members[*]`.
    pub struct Member {
        host: String = HOST "host",
        weight: i64 = WEIGHT "weight",
        is_backup: bool = IS_BACKUP "is_backup",
        group_name: String = GROUP_NAME "member_group_name",
        status: i64 = STATUS "status",
        port: i64 = PORT "port",
        ecs_id: String = ECS_ID "ecs_id",
        ecs_name: String = ECS_NAME "ecs_name",
    }
}

tf_object! {
    /// `vpc_health_config`.
    pub struct Health {
        protocol: String = PROTOCOL "protocol",
        path: String = PATH "path",
        method: String = METHOD "method",
        port: i64 = PORT "port",
        threshold_normal: i64 = THRESHOLD_NORMAL "threshold_normal",
        threshold_abnormal: i64 = THRESHOLD_ABNORMAL "threshold_abnormal",
        time_interval: i64 = TIME_INTERVAL "time_interval",
        http_code: String = HTTP_CODE "http_code",
        enable_client_ssl: bool = ENABLE_CLIENT_SSL "enable_client_ssl",
        status: i64 = STATUS "status",
        timeout: i64 = TIMEOUT "timeout",
    }
}

tf_object! {
    /// `microservice_info`.
    pub struct Microservice {
        id: String = ID "id",
        instance_id: String = INSTANCE_ID "instance_id",
        service_type: String = SERVICE_TYPE "service_type",
        cse_info: Cse = CSE_INFO "cse_info",
        cce_info: Cce = CCE_INFO "cce_info",
        cce_service_info: CceService = CCE_SERVICE_INFO "cce_service_info",
        nacos_info: Nacos = NACOS_INFO "nacos_info",
        create_time: String = CREATE_TIME "create_time",
        update_time: String = UPDATE_TIME "update_time",
    }
}

tf_object! {
    /// `microservice_info.cse_info`.
    pub struct Cse {
        engine_id: String = ENGINE_ID "engine_id",
        service_id: String = SERVICE_ID "service_id",
        engine_name: String = ENGINE_NAME "engine_name",
        service_name: String = SERVICE_NAME "service_name",
        register_address: String = REGISTER_ADDRESS "register_address",
        cse_app_id: String = CSE_APP_ID "cse_app_id",
        version: String = VERSION "version",
    }
}

tf_object! {
    /// `microservice_info.cce_info`.
    pub struct Cce {
        cluster_id: String = CLUSTER_ID "cluster_id",
        namespace: String = NAMESPACE "namespace",
        workload_type: String = WORKLOAD_TYPE "workload_type",
        app_name: String = APP_NAME "app_name",
        label_key: String = LABEL_KEY "label_key",
        label_value: String = LABEL_VALUE "label_value",
        cluster_name: String = CLUSTER_NAME "cluster_name",
    }
}

tf_object! {
    /// `microservice_info.cce_service_info`.
    pub struct CceService {
        cluster_id: String = CLUSTER_ID "cluster_id",
        namespace: String = NAMESPACE "namespace",
        service_name: String = SERVICE_NAME "service_name",
        cluster_name: String = CLUSTER_NAME "cluster_name",
    }
}

tf_object! {
    /// `microservice_info.nacos_info` (the SDK's `MicroServiceInfoNacosBase`).
    pub struct Nacos {
        namespace: String = NAMESPACE "namespace",
        cluster_name: String = CLUSTER_NAME "cluster_name",
        group_name: String = GROUP_NAME "group_name",
        service_name: String = SERVICE_NAME "service_name",
        server_config: Vec<Tf<NacosServer>> = SERVER_CONFIG "server_config",
        user_info: NacosUser = USER_INFO "user_info",
    }
}

tf_object! {
    /// `microservice_info.nacos_info.server_config[*]`.
    pub struct NacosServer {
        ip_address: String = IP_ADDRESS "ip_address",
        port: i64 = PORT "port",
        grpc_port: i64 = GRPC_PORT "grpc_port",
    }
}

tf_object! {
    /// `microservice_info.nacos_info.user_info`: `password` is kept in
    /// state (sensitive), `password_wo` never is (write-only).
    pub struct NacosUser {
        user_name: String = USER_NAME "user_name",
        password: String = PASSWORD "password",
        password_wo: String = PASSWORD_WO "password_wo",
        password_wo_version: i64 = PASSWORD_WO_VERSION "password_wo_version",
    }
}

/// What `vpc_channel_type` names, or `type` implies when it is unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Builtin,
    Microservice,
    Reference,
}

pub const BUILTIN: &str = "builtin";
pub const MICROSERVICE: &str = "microservice";
pub const REFERENCE: &str = "reference";

impl Flavor {
    pub fn parse(s: &str) -> Option<Flavor> {
        match s {
            BUILTIN => Some(Flavor::Builtin),
            MICROSERVICE => Some(Flavor::Microservice),
            REFERENCE => Some(Flavor::Reference),
            _ => None,
        }
    }
}

/// The member types the API knows; `ecs` is the default.
pub const IP: &str = "ip";
pub const ECS: &str = "ecs";

impl Channel {
    /// Where it lives, for the gateway kit.
    pub fn scope(&self) -> Scope {
        Scope {
            instance_id: self.instance_id.clone(),
            project_id: self.project_id.clone(),
            region: self.region.clone(),
        }
    }

    /// `name`, or empty while unset or unknown.
    pub fn name_or_empty(&self) -> &str {
        self.name.str().unwrap_or_default()
    }

    /// `member_type`, the default when unset; `None` while unknown.
    pub fn member_kind(&self) -> Option<&str> {
        match &self.member_type {
            Tf::Null => Some(ECS),
            t => t.str(),
        }
    }

    /// `type`, the default (2, server) when unset; `None` while unknown.
    pub fn kind(&self) -> Option<i64> {
        match self.channel_type {
            Tf::Null => Some(2),
            t => t.get(),
        }
    }

    /// The kind of channel: `vpc_channel_type` when set, else what `type`
    /// says (3 microservice, otherwise builtin); `None` while unknown.
    pub fn flavor(&self) -> Option<Flavor> {
        match &self.vpc_channel_type {
            Tf::Known(s) => Flavor::parse(s),
            Tf::Unknown => None,
            Tf::Null => match self.kind()? {
                3 => Some(Flavor::Microservice),
                _ => Some(Flavor::Builtin),
            },
        }
    }
}

impl Member {
    /// The address a member is known by: `host` for ip, `ecs_id` (or
    /// `ecs_name`) for ecs.
    pub fn addr(&self, member_type: &str) -> Option<&str> {
        if member_type == IP {
            self.host.str()
        } else {
            self.ecs_id.str().or_else(|| self.ecs_name.str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::Attribute;

    fn names(attrs: &[Attribute]) -> Vec<&'static str> {
        attrs.iter().map(|a| a.name).collect()
    }

    fn child<'a>(attrs: &'a [Attribute], name: &str) -> &'a [Attribute] {
        attrs
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.children())
            .unwrap()
    }

    /// Each struct holds exactly the schema's attributes of its object, in
    /// the same order, so the round trip loses nothing.
    #[test]
    fn structs_and_schema_declare_the_same_attributes() {
        let root = &crate::provider::vpc_channel::schema::schema().attributes;
        let ms = child(root, Channel::MICROSERVICE_INFO);
        let groups = child(root, Channel::MEMBER_GROUPS);
        for (attrs, declared) in [
            (root.as_slice(), Channel::NAMES),
            (groups, Group::NAMES),
            (child(groups, Group::MICROSERVICE_LABELS), Label::NAMES),
            (child(root, Channel::MEMBERS), Member::NAMES),
            (child(root, Channel::VPC_HEALTH_CONFIG), Health::NAMES),
            (ms, Microservice::NAMES),
            (child(ms, Microservice::CSE_INFO), Cse::NAMES),
            (child(ms, Microservice::CCE_INFO), Cce::NAMES),
            (child(ms, Microservice::CCE_SERVICE_INFO), CceService::NAMES),
            (child(ms, Microservice::NACOS_INFO), Nacos::NAMES),
            (
                child(child(ms, Microservice::NACOS_INFO), Nacos::SERVER_CONFIG),
                NacosServer::NAMES,
            ),
            (
                child(child(ms, Microservice::NACOS_INFO), Nacos::USER_INFO),
                NacosUser::NAMES,
            ),
        ] {
            assert_eq!(names(attrs), declared);
        }
    }
}
