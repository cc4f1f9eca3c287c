//! Typed request and response bodies of the APIG v2 VPC channel API.
//!
//! Shared by the client and the emulator. Responses are parsed leniently
//! (every field optional, unknown fields ignored) because the API adds fields
//! over time and fills some in its own way; requests carry only what is set,
//! because `PUT` is a full overwrite and an empty list wipes members.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Fields of an answer that no model here names: kept so that the provider
/// can tell what it would lose (see `provider::vpc_channel::lossless`).
/// Never filled in a request.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// Body of create (`POST`) and update (`PUT`): Tables 3 to 11.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ChannelRequest {
    pub name: String,
    pub port: i64,
    pub balance_strategy: i64,
    pub member_type: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub channel_type: Option<i64>,
    /// `builtin`, `microservice` or `reference` (the SDK's `VpcCreate`).
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

/// Table 4 (request) and Table 13 (response: adds id and times).
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
    /// The channel a group of a reference channel refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_vpc_channel_id: Option<String>,
}

/// Table 5 / 14.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct MicroserviceLabel {
    pub label_name: String,
    pub label_value: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Table 6: a backend member as sent.
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

/// Table 7: the health check as sent and as shown (show adds id and times).
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
    #[serde(flatten)]
    pub extra: Extra,
}

/// Table 8 (request) and Table 15 (response).
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

/// The SDK's `MicroServiceInfoNacosBase`, as sent and as shown.
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
    pub server_config: Vec<NacosServer>,
    pub user_info: NacosUser,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The SDK's `NacosServerConfig`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct NacosServer {
    pub ip_address: String,
    pub port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc_port: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The SDK's `NacosUserInfo`. The password is a secret: never logged (the
/// type's `Debug` hides it) and never read back into state.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
#[serde(default)]
pub struct NacosUser {
    pub user_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for NacosUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pw = self.password.as_ref().map(|_| "<redacted>");
        f.debug_struct("NacosUser")
            .field("user_name", &self.user_name)
            .field("password", &pw)
            .field("extra", &self.extra)
            .finish()
    }
}

/// Table 9 / 16.
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
    #[serde(flatten)]
    pub extra: Extra,
}

/// Table 10 / 17.
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
    #[serde(flatten)]
    pub extra: Extra,
}

/// Table 11 / 18.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct CceServiceInfo {
    pub cluster_id: String,
    pub namespace: String,
    pub service_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A channel as returned by create, update, list (no members, no health
/// check) and show details (with both). Tables 12 to 18.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_channel_type: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Table 13.
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
    #[serde(flatten)]
    pub extra: Extra,
}

/// A member as shown: the request fields plus server-side ones.
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
    #[serde(flatten)]
    pub extra: Extra,
}

/// Table 15.
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
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET .../vpc-channels`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ChannelList {
    pub total: i64,
    pub size: i64,
    pub vpc_channels: Vec<Channel>,
}

/// `GET .../vpc-channels/{id}/members`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct MemberList {
    pub total: i64,
    pub size: i64,
    pub members: Vec<Member>,
}

/// Every error body: `{"error_code": "APIG.NNNN", "error_msg": "..."}`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct ErrorBody {
    pub error_code: String,
    pub error_msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
