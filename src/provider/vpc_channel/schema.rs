//! `huaweicloud_apig_vpc_channel`, declared once from the API tables
//! (Tables 3 to 18 of "Updating a VPC Channel"). This drives the Terraform
//! schema, the generic validation and the generated documentation.

use std::sync::OnceLock;

use crate::tfplugin::schema::{Attribute as A, Check, Nesting, Presence, Schema};
use crate::tfplugin::value::{Type, Value};

use super::state::{Cce, CceService, Channel, Cse, Group, Health, Label, Member, Microservice};
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
        description: "Manages an API Gateway (APIG) VPC channel: a load balancing channel to backend members (IP addresses or ECS servers), optionally grouped, with an optional health check and optional microservice discovery (CSE or CCE).\n\nThe whole channel is written with the API's update call (`PUT`), which overwrites every member and member group: the provider always sends the full desired channel.",
        attributes: vec![
            A::computed(Channel::ID, Type::String, "VPC channel ID.").keep_prior(),
            A::required(Channel::INSTANCE_ID, Type::String, "ID of the dedicated gateway the channel belongs to, shown in the gateway information on the APIG console.")
                .force_new()
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_plain_id, "letters, digits, hyphens (-) and underscores (_)")),
            A::optional_computed(Channel::PROJECT_ID, Type::String, "Project ID. Defaults to the provider's `project_id`.")
                .force_new()
                .check(Check::Length(1, 64)),
            A::optional_computed(Channel::REGION, Type::String, "Region of the gateway. Defaults to the provider's `region`.")
                .force_new()
                .check(Check::Length(1, 64))
                .check(Check::Pattern(crate::provider::endpoint::is_region_name, crate::provider::endpoint::REGION_RULE)),
            A::required(Channel::NAME, Type::String, "VPC channel name, unique within the gateway.")
                .check(Check::Length(3, 64))
                .check(Check::Pattern(rules::is_name, "a letter followed by letters, digits, hyphens (-), underscores (_) or periods (.)")),
            A::required(Channel::PORT, Type::Number, "Host port of the VPC channel: the port backend members listen on unless a member sets its own.")
                .check(Check::Range(1, 65535)),
            A::optional(Channel::BALANCE_STRATEGY, Type::Number, "Distribution algorithm: `1` weighted round robin (WRR), `2` weighted least connections (WLC), `3` source hashing, `4` URI hashing.")
                .default(Value::int(1))
                .check(Check::OneOfInt(&[1, 2, 3, 4])),
            A::optional(Channel::MEMBER_TYPE, Type::String, "Member type of the channel: `ip` (members are addresses) or `ecs` (members are ECS servers).")
                .default(Value::string("ecs"))
                .check(Check::OneOf(&["ip", "ecs"], false)),
            A::optional(Channel::TYPE, Type::Number, "Channel type: `2` server type, `3` microservice type. The API never changes the type of an existing channel, so changing it replaces the channel.")
                .default(Value::int(2))
                .force_new()
                .check(Check::OneOfInt(&[2, 3])),
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
        ],
    }
}

fn member_groups() -> Vec<A> {
    vec![
        A::required(Group::NAME, Type::String, "Name of the backend server group.")
            .check(Check::Length(3, 64))
            .check(Check::Pattern(rules::is_name, "a letter followed by letters, digits, hyphens (-), underscores (_) or periods (.)")),
        A::optional(Group::REMARK, Type::String, "Description of the backend server group.")
            .check(Check::Length(1, 255)),
        A::optional_computed(Group::WEIGHT, Type::Number, "Weight of the group. When the group contains servers and has a weight, the weight is used for its servers.")
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
        A::optional_computed(Member::ECS_NAME, Type::String, "Backend server (ECS) name. Required when `member_type` is `ecs`; for IP members the API sets it to `host`, so there it may only repeat `host`.")
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
        A::optional(Microservice::SERVICE_TYPE, Type::String, "Microservice type: `CSE` is a CSE microservice registration center, `CCE` a CCE workload, `CCE_SERVICE` a CCE Service.")
            .check(Check::OneOf(&["CSE", "CCE", "CCE_SERVICE"], false)),
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
            A::optional(Cce::APP_NAME, Type::String, "App name. Set `app_name`, or `label_key` with `label_value`; with only `app_name`, the API uses `label_key = \"app\"` and `label_value = app_name`.")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_app_name, "a letter followed by letters, digits, periods (.), hyphens (-) or underscores (_)")),
            A::optional_computed(Cce::LABEL_KEY, Type::String, "Service label key.")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_label_key, "starting with a letter or digit; only letters, digits and -_./:()")),
            A::optional_computed(Cce::LABEL_VALUE, Type::String, "Service label value.")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_app_name, "a letter followed by letters, digits, periods (.), hyphens (-) or underscores (_)")),
            A::computed(Cce::CLUSTER_NAME, Type::String, "CCE cluster name."),
        ], "CCE workload details. Required when `service_type` is `CCE`."),
        A::nested(Microservice::CCE_SERVICE_INFO, Nesting::Single, Presence::Optional, vec![
            A::required(CceService::CLUSTER_ID, Type::String, "CCE cluster ID.").check(Check::Length(1, 64)),
            A::required(CceService::NAMESPACE, Type::String, "Namespace.")
                .check(Check::Length(1, 63))
                .check(Check::Pattern(rules::is_k8s_namespace, "lowercase letters, digits and hyphens (-), starting with a letter and ending with a letter or digit")),
            A::required(CceService::SERVICE_NAME, Type::String, "Service name.")
                .check(Check::Length(1, 64))
                .check(Check::Pattern(rules::is_app_name, "a letter followed by letters, digits, periods (.), hyphens (-) or underscores (_)")),
            A::computed(CceService::CLUSTER_NAME, Type::String, "CCE cluster name."),
        ], "CCE Service details. Required when `service_type` is `CCE_SERVICE`."),
        A::computed(Microservice::CREATE_TIME, Type::String, "Time when the microservice was created.").keep_prior(),
        A::computed(Microservice::UPDATE_TIME, Type::String, "Time when the microservice was last updated.").keep_prior().unknown_on_update(),
    ]
}
