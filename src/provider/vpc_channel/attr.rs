//! Attribute names of the member, group and label objects, declared once:
//! the schema, the plan, the conversions and the rules all use these, so a
//! typo is a compile error instead of a silent null read.

/// `member_groups[*]`.
pub mod group {
    pub const NAME: &str = "member_group_name";
    pub const REMARK: &str = "member_group_remark";
    pub const WEIGHT: &str = "member_group_weight";
    pub const DICT_CODE: &str = "dict_code";
    pub const MICROSERVICE_VERSION: &str = "microservice_version";
    pub const MICROSERVICE_PORT: &str = "microservice_port";
    pub const MICROSERVICE_LABELS: &str = "microservice_labels";
    pub const ID: &str = "member_group_id";
    pub const CREATE_TIME: &str = "create_time";
    pub const UPDATE_TIME: &str = "update_time";
}

/// `member_groups[*].microservice_labels[*]`.
pub mod label {
    pub const NAME: &str = "label_name";
    pub const VALUE: &str = "label_value";
}

/// `members[*]`.
pub mod member {
    pub const HOST: &str = "host";
    pub const WEIGHT: &str = "weight";
    pub const IS_BACKUP: &str = "is_backup";
    pub const GROUP_NAME: &str = "member_group_name";
    pub const STATUS: &str = "status";
    pub const PORT: &str = "port";
    pub const ECS_ID: &str = "ecs_id";
    pub const ECS_NAME: &str = "ecs_name";
}
