//! `huaweicloud_apig_vpc_channel`, declared once from the API tables
//! (Tables 3 to 18 of "Updating a VPC Channel"). This drives the Terraform
//! schema, the generic validation and the generated documentation.

use std::sync::OnceLock;

use crate::provider::gateway;
use crate::tfplugin::schema::{Attribute as A, Check, Nesting, Presence, Schema};
use crate::tfplugin::value::{Type, Value};

use super::state::{
    Cce, CceService, Channel, Cse, Group, Health, Label, Member, Microservice, Nacos, NacosServer,
    NacosUser,
};
use super::{cross_field, rules};

pub const TYPE_NAME: &str = "huaweicloud_apig_vpc_channel";

/// Built once per process.
/// The four top-level nested attributes are optional+computed although the
/// plan decides them from the configuration alone: Terraform 1.0.x crashes
/// proposing a new state for a null non-computed nested attribute.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(build)
}

fn build() -> Schema {
    Schema {
        version: 0,
        description: "Manages an API Gateway (APIG) VPC channel: a load balancing channel to backend members (IP addresses or ECS servers), optionally grouped, with an optional health check and optional microservice discovery (CSE, CCE or NACOS); or a reference channel whose member groups refer to other channels.\n\nThe whole channel is written with the API's update call (`PUT`), which overwrites every member and member group: the provider always sends the full desired channel.",
        attributes: [A::computed(Channel::ID, Type::String, "VPC channel ID.").keep_prior()]
            .into_iter()
            .chain(gateway::scope_attributes("ID of the dedicated gateway the channel belongs to, shown in the gateway information on the APIG console."))
            .chain([
            A::required(Channel::NAME, Type::String, "VPC channel name, unique within the gateway. Chinese characters are allowed (the API's rule: Chinese, English letters, digits, `-_.`, starting with an English letter or a Chinese character).")
                .check(Check::Length(3, 64))
                .check(Check::Pattern(rules::is_name, rules::NAME_RULE)),
            A::required(Channel::PORT, Type::Number, "Host port of the VPC channel: the port backend members listen on unless a member sets its own.")
                .check(Check::Range(1, 65535)),
            A::optional(Channel::BALANCE_STRATEGY, Type::Number, "Distribution algorithm: `1` weighted round robin (WRR), `2` weighted least connections (WLC), `3` source hashing, `4` URI hashing.")
                .default(Value::int(1))
                .check(Check::OneOfInt(&[1, 2, 3, 4])),
            A::optional(Channel::MEMBER_TYPE, Type::String, "Member type of the channel: `ip` (members are addresses) or `ecs` (members are ECS servers).")
                .default(Value::string("ecs"))
                .check(Check::OneOf(&["ip", "ecs"], false)),
            A::optional_computed(Channel::TYPE, Type::Number, "Channel type: `2` server type, `3` microservice type. When unset: `3` if `vpc_channel_type` is `microservice`, what the API reports for a `reference` channel, else `2`. Not sent when `vpc_channel_type` is set (the API then takes the type from it). The API never changes the type of an existing channel, so changing it replaces the channel.")
                .force_new()
                .check(Check::OneOfInt(&[2, 3])),
            A::optional_computed(Channel::VPC_CHANNEL_TYPE, Type::String, "Kind of channel, as the current API names it: `builtin` (server channel), `microservice` or `reference` (its member groups refer to other channels through `reference_vpc_channel_id`; it has no members of its own). Must agree with `type` when both are set (`builtin` with 2, `microservice` with 3). When unset, the API decides from `type`, and the value it reports (newer gateways only) is kept. The API never changes it on an existing channel, so changing it replaces the channel.")
                .keep_prior()
                .force_new()
                .check(Check::OneOf(&["builtin", "microservice", "reference"], false))
                .rule(cross_field::FLAVOR_RULE, cross_field::flavor_rule),
            A::optional(Channel::DICT_CODE, Type::String, "Dictionary code of the channel. **Not supported by the API yet**: accepted and sent, but the service ignores it.")
                .check(Check::Length(3, 64))
                .check(Check::Pattern(rules::is_code, "letters, digits, hyphens (-), underscores (_) and periods (.)")),
            A::nested(Channel::MEMBER_GROUPS, Nesting::List, Presence::OptionalComputed, member_groups(), "Backend server groups of the channel, matched by name. Leaving this out means the channel has no groups (the API's update overwrites them).")
                .rule(cross_field::GROUPS_RULE, cross_field::groups_rule),
            A::nested(Channel::MEMBERS, Nesting::List, Presence::OptionalComputed, members(), "Backend instances of the channel, matched by address (`host`, or `ecs_id` for ECS members) whatever order the API returns them in. The API identifies a member by its address (`host` for `ip`, `ecs_id` for `ecs`), its port (unset: the channel's `port`) and its `member_group_name`. Leaving this out means the channel has no declared members; for microservice channels, members the service discovers are not managed here.")
                .rule(cross_field::MEMBERS_RULE, cross_field::members_rule),
            A::nested(Channel::VPC_HEALTH_CONFIG, Nesting::Single, Presence::OptionalComputed, health(), "Health check of the backend members.")
                .rule(cross_field::HEALTH_RULE, cross_field::health_rule),
            A::nested(Channel::MICROSERVICE_INFO, Nesting::Single, Presence::OptionalComputed, microservice(), "Microservice details.")
                .rule(cross_field::MICROSERVICE_RULE, cross_field::microservice_rule),
            A::computed(Channel::CREATE_TIME, Type::String, "Time when the VPC channel was created.").keep_prior(),
            A::computed(Channel::STATUS, Type::Number, "VPC channel status: `1` normal, `2` abnormal.").keep_prior().unknown_on_update(),
            ])
            .collect(),
    }
}

fn member_groups() -> Vec<A> {
    vec![
        A::required(Group::NAME, Type::String, "Name of the backend server group. Chinese characters are allowed, as in the channel's `name`.")
            .check(Check::Length(3, 64))
            .check(Check::Pattern(rules::is_name, rules::NAME_RULE)),
        A::optional(Group::REMARK, Type::String, "Description of the backend server group.")
            .check(Check::Length(1, 255)),
        A::optional_computed(Group::WEIGHT, Type::Number, "Weight of the group. When the group contains servers and has a weight, the weight is used for its servers. Not sent for NACOS channels, whose group weights the API sets itself.")
            .keep_prior()
            .check(Check::Range(0, 100)),
        A::optional(Group::DICT_CODE, Type::String, "Dictionary code of the group. **Not supported by the API yet.**")
            .check(Check::Length(3, 64))
            .check(Check::Pattern(rules::is_code, "letters, digits, hyphens (-), underscores (_) and periods (.)")),
        A::optional(Group::MICROSERVICE_VERSION, Type::String, "Version of the group; microservice channels only.")
            .check(Check::Length(1, 64)),
        A::optional(Group::MICROSERVICE_PORT, Type::Number, "Port of the group; microservice channels only. `0` makes every address of the group use the original load balancing port.")
            .check(Check::Range(0, 65535)),
        A::nested(Group::MICROSERVICE_LABELS, Nesting::List, Presence::Optional, labels(), "Tags of the group; microservice channels only."),
        A::optional(Group::REFERENCE_VPC_CHANNEL_ID, Type::String, "ID of the VPC channel this group refers to; reference channels (`vpc_channel_type = \"reference\"`) only, where every group needs one.")
            .check(Check::Length(1, 64))
            .check(Check::Pattern(rules::is_plain_id, "letters, digits, hyphens (-) and underscores (_)")),
        A::computed(Group::ID, Type::String, "ID of the backend server group.").keep_prior().unknown_on_update(),
        A::computed(Group::CREATE_TIME, Type::String, "Time when the group was created.").keep_prior().unknown_on_update(),
        A::computed(Group::UPDATE_TIME, Type::String, "Time when the group was last updated.").keep_prior().unknown_on_update(),
    ]
}

fn labels() -> Vec<A> {
    let rule = "starting and ending with a letter or digit; only letters, digits, hyphens (-), underscores (_) and periods (.)";
    vec![
        A::required(Label::NAME, Type::String, "Tag name.")
            .check(Check::Length(1, 63))
            .check(Check::Pattern(rules::is_label, rule)),
        A::required(Label::VALUE, Type::String, "Tag value.")
            .check(Check::Length(1, 63))
            .check(Check::Pattern(rules::is_label, rule)),
    ]
}

fn members() -> Vec<A> {
    vec![
        A::optional_computed(Member::HOST, Type::String, "Backend server address. Required when `member_type` is `ip`. For ECS members the API reports the server's private address; a `host` written on an ECS member is not sent and is kept in state as written.")
            .check(Check::Length(1, 64))
            .check(Check::Pattern(rules::is_host, "an IP address or a host name (period-separated labels of letters, digits, hyphens (-) and underscores (_), not starting or ending with a hyphen)")),
        A::optional_computed(Member::WEIGHT, Type::Number, "Weight: the higher, the more requests the member receives.")
            .keep_prior()
            .check(Check::Range(0, 10000)),
        A::optional(Member::IS_BACKUP, Type::Bool, "Whether the member is a standby node, serving only when all other members are faulty. Needs a gateway version that supports it.")
            .default(Value::Bool(false)),
        A::optional(Member::GROUP_NAME, Type::String, "Name of the backend server group the member belongs to; must be one of `member_groups`.")
            .check(Check::Length(3, 64)),
        A::optional_computed(Member::STATUS, Type::Number, "Member status: `1` available, `2` unavailable. The API sets `1` when unset.")
            .keep_prior()
            .check(Check::OneOfInt(&[1, 2])),
        A::optional_computed(Member::PORT, Type::Number, "Backend server port. When unset the API uses the channel's `port`.")
            .check(Check::Range(0, 65535)),
        A::optional_computed(Member::ECS_ID, Type::String, "Backend server (ECS) ID. Required when `member_type` is `ecs`; for IP members the API sets it to `host`, so there it may only repeat `host` (as generated configuration and `ignore_changes` do).")
            .check(Check::Length(1, 255)),
        A::optional_computed(Member::ECS_NAME, Type::String, "Backend server (ECS) name: letters, Chinese characters, digits, `-_.`. Required when `member_type` is `ecs`; for IP members the API sets it to `host`, so there it may only repeat `host`.")
            .check(Check::Length(1, 64)),
    ]
}

fn health() -> Vec<A> {
    vec![
        A::required(Health::PROTOCOL, Type::String, "Protocol of the health check.")
            .check(Check::OneOf(&["TCP", "HTTP", "HTTPS"], true)),
        A::optional(Health::PATH, Type::String, "Destination path of the health check.")
            .check(Check::Length(1, 512))
            .check(Check::Pattern(rules::is_health_path, "starting with a slash (/)")),
        A::optional(Health::METHOD, Type::String, "Request method of the health check.")
            .default(Value::string("GET"))
            .check(Check::OneOf(&["GET", "HEAD"], false)),
        A::optional(Health::PORT, Type::Number, "Destination port of the health check. Unset or `0` uses the channel's `port`.")
            .check(Check::Range(0, 65535)),
        A::required(Health::THRESHOLD_NORMAL, Type::Number, "Healthy threshold: consecutive successful checks for a member to be considered healthy.")
            .check(Check::Range(1, 10)),
        A::required(Health::THRESHOLD_ABNORMAL, Type::Number, "Unhealthy threshold: consecutive failed checks for a member to be considered unhealthy.")
            .check(Check::Range(1, 10)),
        A::required(Health::TIME_INTERVAL, Type::Number, "Interval between consecutive checks, in seconds.")
            .check(Check::Range(1, 300)),
        A::optional(Health::HTTP_CODE, Type::String, "Response codes that mean success, each 100 to 599: values (`200,201,202`), ranges (`200-299`) or both (`201,202,210-299`)."),
        A::optional(Health::ENABLE_CLIENT_SSL, Type::Bool, "Whether to enable two-way authentication, using the certificate in the gateway's `backend_client_certificate` configuration item.")
            .default(Value::Bool(false)),
        A::optional_computed(Health::STATUS, Type::Number, "Health check result: `1` available, `2` unavailable.")
            .keep_prior()
            .check(Check::OneOfInt(&[1, 2])),
        A::required(Health::TIMEOUT, Type::Number, "Timeout for a check, in seconds.")
            .check(Check::Range(1, 30)),
    ]
}

fn microservice() -> Vec<A> {
    vec![
        A::computed(Microservice::ID, Type::String, "Microservice ID.").keep_prior(),
        A::computed(Microservice::INSTANCE_ID, Type::String, "Gateway ID.").keep_prior(),
        A::optional(Microservice::SERVICE_TYPE, Type::String, "Microservice type: `CSE` is a CSE microservice registration center, `CCE` a CCE workload, `CCE_SERVICE` a CCE Service, `NACOS` a NACOS registry.")
            .check(Check::OneOf(&["CSE", "CCE", "CCE_SERVICE", "NACOS"], false)),
        A::nested(Microservice::CSE_INFO, Nesting::Single, Presence::Optional, vec![
            A::required(Cse::ENGINE_ID, Type::String, "Microservice engine ID.").check(Check::Length(1, 64)),
            A::required(Cse::SERVICE_ID, Type::String, "Microservice ID.").check(Check::Length(1, 64)),
            A::computed(Cse::ENGINE_NAME, Type::String, "Microservice engine name."),
            A::computed(Cse::SERVICE_NAME, Type::String, "Microservice name."),
            A::computed(Cse::REGISTER_ADDRESS, Type::String, "Registration center address."),
            A::computed(Cse::CSE_APP_ID, Type::String, "App the microservice belongs to."),
            A::computed(Cse::VERSION, Type::String, "Microservice version (discarded by the API; see the group's `microservice_version`)."),
        ], "CSE microservice details. Required when `service_type` is `CSE`."),
        A::nested(Microservice::CCE_INFO, Nesting::Single, Presence::Optional, vec![
            A::required(Cce::CLUSTER_ID, Type::String, "CCE cluster ID.").check(Check::Length(1, 64)),
            A::required(Cce::NAMESPACE, Type::String, "Namespace.").check(Check::Length(1, 64)),
            A::required(Cce::WORKLOAD_TYPE, Type::String, "Workload type.")
                .check(Check::OneOf(&["deployment", "statefulset", "daemonset"], false)),
            A::optional(Cce::APP_NAME, Type::String, "App name (Chinese characters allowed). Set `app_name`, or `label_key` with `label_value`; with only `app_name`, the API may report `label_key = \"app\"` and `label_value = app_name`, or neither: both are read back as the API reports them.")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_app_name, rules::NAME_RULE)),
            A::optional_computed(Cce::LABEL_KEY, Type::String, "Service label key (Chinese characters allowed).")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_label_key, rules::LABEL_KEY_RULE)),
            A::optional_computed(Cce::LABEL_VALUE, Type::String, "Service label value (Chinese characters allowed).")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_app_name, rules::NAME_RULE)),
            A::computed(Cce::CLUSTER_NAME, Type::String, "CCE cluster name."),
        ], "CCE workload details. Required when `service_type` is `CCE`."),
        A::nested(Microservice::CCE_SERVICE_INFO, Nesting::Single, Presence::Optional, vec![
            A::required(CceService::CLUSTER_ID, Type::String, "CCE cluster ID.").check(Check::Length(1, 64)),
            A::required(CceService::NAMESPACE, Type::String, "Namespace.")
                .check(Check::Length(1, 63))
                .check(Check::Pattern(rules::is_k8s_namespace, "lowercase letters, digits and hyphens (-), starting with a letter and ending with a letter or digit")),
            A::required(CceService::SERVICE_NAME, Type::String, "Service name (Chinese characters allowed).")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_app_name, rules::NAME_RULE)),
            A::computed(CceService::CLUSTER_NAME, Type::String, "CCE cluster name."),
        ], "CCE Service details. Required when `service_type` is `CCE_SERVICE`."),
        A::nested(Microservice::NACOS_INFO, Nesting::Single, Presence::Optional, nacos(), "NACOS registry details. Required when `service_type` is `NACOS`; member group weights are then not set by hand (the API's rule)."),
        A::computed(Microservice::CREATE_TIME, Type::String, "Time when the microservice was created.").keep_prior(),
        A::computed(Microservice::UPDATE_TIME, Type::String, "Time when the microservice was last updated.").keep_prior().unknown_on_update(),
    ]
}

fn nacos() -> Vec<A> {
    vec![
        A::optional(Nacos::NAMESPACE, Type::String, "Namespace ID; unset for the default namespace `public`.")
            .check(Check::Length(1, 64))
            .check(Check::Pattern(rules::is_nacos_name, "letters, digits, hyphens (-) and underscores (_)")),
        A::optional(Nacos::CLUSTER_NAME, Type::String, "Cluster name.")
            .default(Value::string("DEFAULT"))
            .check(Check::Length(1, 64))
            .check(Check::Pattern(rules::is_nacos_name, "letters, digits, hyphens (-) and underscores (_)")),
        A::optional(Nacos::GROUP_NAME, Type::String, "Group name.")
            .default(Value::string("DEFAULT_GROUP"))
            .check(Check::Length(1, 128))
            .check(Check::Pattern(rules::is_nacos_group, "letters, digits, hyphens (-), underscores (_), periods (.) and colons (:)")),
        A::required(Nacos::SERVICE_NAME, Type::String, "Microservice name.")
            .check(Check::Length(1, 512))
            .check(Check::Pattern(rules::is_nacos_service, rules::NACOS_SERVICE_RULE)),
        A::nested(Nacos::SERVER_CONFIG, Nesting::List, Presence::Required, vec![
            A::required(NacosServer::IP_ADDRESS, Type::String, "Address of the NACOS server.")
                .check(Check::Length(1, 255))
                .check(Check::Pattern(rules::no_han, "free of Chinese characters")),
            A::required(NacosServer::PORT, Type::Number, "Port of the NACOS server.")
                .check(Check::Range(1, 65535)),
            A::optional_computed(NacosServer::GRPC_PORT, Type::Number, "gRPC port of the NACOS server; the API's default is `port` + 1000, kept as the API reports it.")
                .keep_prior()
                .check(Check::Range(1, 65535)),
        ], "The NACOS servers."),
        A::nested(Nacos::USER_INFO, Nesting::Single, Presence::Required, vec![
            A::required(NacosUser::USER_NAME, Type::String, "NACOS user name.")
                .check(Check::Length(1, 255)),
            A::optional(NacosUser::PASSWORD, Type::String, "NACOS password, kept in state (sensitive). The API does not show it back: a read keeps the value in state, and an imported channel has none until the configuration sets it. Set this or `password_wo`; every update sends it.")
                .sensitive()
                .check(Check::Length(1, 255)),
            A::optional(NacosUser::PASSWORD_WO, Type::String, "NACOS password, write-only (Terraform 1.11 and later): sent on create and on every update, never kept in plan or state. Set this or `password`; change `password_wo_version` to send a new one.")
                .sensitive()
                .write_only()
                .check(Check::Length(1, 255)),
            A::optional(NacosUser::PASSWORD_WO_VERSION, Type::Number, "Any number; changing it updates the channel so that a changed `password_wo` is sent."),
        ], "NACOS credentials.")
            .rule(cross_field::NACOS_USER_RULE, cross_field::nacos_user_rule),
    ]
}
