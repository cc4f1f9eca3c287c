//! The emulator's own view of the API's bodies, written from the API tables
//! and the SDK's models (`VpcCreate`, `MemberGroupCreate`, `MemberInfo`,
//! `VpcHealthConfig`, `MicroServiceCreate`, `MicroServiceInfoNacosBase`, ...).
//! Kept apart from the provider's `apig::models` so that the emulator stays
//! an independent oracle: a field the provider forgets is not forgotten here.

use serde::{Deserialize, Serialize};

/// Body of create (`POST`) and update (`PUT`): the SDK's `VpcCreate`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ChannelRequest {
    pub name: String,
    pub port: i64,
    pub balance_strategy: i64,
    pub member_type: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub channel_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub vpc_channel_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dict_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub member_groups: Option<Vec<MemberGroupCreate>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub members: Option<Vec<MemberInfo>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub vpc_health_config: Option<HealthConfig>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub microservice_info: Option<MicroserviceCreate>,
}

/// The SDK's `MemberGroupCreate` (request) and the request part of
/// `MemberGroupInfo` (response).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct MemberGroupCreate {
    pub member_group_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_group_remark: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_group_weight: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dict_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microservice_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microservice_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microservice_labels: Option<Vec<MicroserviceLabel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_vpc_channel_id: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct MicroserviceLabel {
    pub label_name: String,
    pub label_value: String,
}

/// The SDK's `MemberInfo`: a backend member as sent.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct MemberInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_backup: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecs_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecs_name: Option<String>,
}

/// `VpcHealthConfig` as sent, `VpcHealthConfigInfo` as shown (id, times).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct HealthConfig {
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    pub threshold_normal: i64,
    pub threshold_abnormal: i64,
    pub time_interval: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_client_ssl: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    pub timeout: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_channel_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
}

/// `MicroServiceCreate` as sent, the source part of `MicroServiceInfo`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct MicroserviceCreate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cse_info: Option<CseInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cce_info: Option<CceInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cce_service_info: Option<CceServiceInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nacos_info: Option<NacosInfo>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CseInfo {
    pub engine_id: String,
    pub service_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cse_app_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CceInfo {
    pub cluster_id: String,
    pub namespace: String,
    pub workload_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CceServiceInfo {
    pub cluster_id: String,
    pub namespace: String,
    pub service_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
}

/// The SDK's `MicroServiceInfoNacosBase`, used both ways.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct NacosInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    pub service_name: String,
    pub server_config: Vec<NacosServerConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_info: Option<NacosUserInfo>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct NacosServerConfig {
    pub ip_address: String,
    pub port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc_port: Option<i64>,
}

/// Stored with the password (the registry needs it); never shown.
#[derive(Serialize, Deserialize, Clone, PartialEq, Default)]
#[serde(default)]
pub struct NacosUserInfo {
    pub user_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for NacosUserInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NacosUserInfo")
            .field("user_name", &self.user_name)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A channel as shown by create, update, list (no members, no health
/// check) and show details (with both): `VpcChannelInfo` and
/// `ShowDetailsOfVpcChannelV2Response`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub port: i64,
    pub balance_strategy: i64,
    pub member_type: String,
    #[serde(rename = "type")]
    pub channel_type: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_channel_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dict_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_groups: Option<Vec<MemberGroup>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microservice_info: Option<MicroserviceInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_health_config: Option<HealthConfig>,
}

/// `MemberGroupInfo`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct MemberGroup {
    #[serde(flatten)]
    pub spec: MemberGroupCreate,
    pub member_group_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}

/// `VpcMemberInfo`: the request fields plus server-side ones.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Member {
    #[serde(flatten)]
    pub spec: MemberInfo,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_channel_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_status: Option<String>,
}

/// `MicroServiceInfo`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct MicroserviceInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(flatten)]
    pub spec: MicroserviceCreate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}
