//! Schemas of the two data sources, derived from the resource's declaration
//! so that every attribute the resource has is exported, described once.

use std::sync::OnceLock;

use crate::provider::vpc_channel::state::Channel;
use crate::provider::vpc_channel::{rules, schema as resource};

use super::query::Query;
use crate::tfplugin::schema::{object_type, Attribute as A, Check, Kind, Presence, Schema};
use crate::tfplugin::value::Type;

pub const ONE: &str = "huaweicloud_apig_vpc_channel";
pub const MANY: &str = "huaweicloud_apig_vpc_channels";

/// A resource attribute as exported: computed, all the way down, with no
/// checks, rules, defaults or replacement (nothing of it is configured).
pub fn exported(a: &A) -> A {
    let mut a = a.clone();
    a.presence = Presence::Computed;
    a.checks.clear();
    a.rules.clear();
    a.default = None;
    a.force_new = false;
    // Terraform refuses a computed write-only attribute; it is always null.
    a.write_only = false;
    a.kind = match a.kind {
        Kind::Nested(n, kids) | Kind::Block(n, kids) => {
            Kind::Nested(n, kids.iter().map(exported).collect())
        }
        plain => plain,
    };
    a
}

/// A resource argument kept as an argument of a data source (its checks
/// too), never forcing replacement.
fn argument(name: &str) -> A {
    let mut a = resource_attr(name).clone();
    a.force_new = false;
    a
}

fn resource_attr(name: &str) -> &'static A {
    resource::schema()
        .attribute(name)
        .unwrap_or_else(|| panic!("the resource schema has no {name}"))
}

/// `huaweicloud_apig_vpc_channel`: one channel by `id` or exact `name`.
pub fn one() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema {
        version: 0,
        description: "Reads one VPC channel of a dedicated gateway, by `id` or by exact `name`, with everything the resource `huaweicloud_apig_vpc_channel` holds: members, member groups, health check and microservice information. Set exactly one of `id` and `name`.",
        attributes: resource::schema()
            .attributes
            .iter()
            .map(|a| match a.name {
                Channel::INSTANCE_ID | Channel::PROJECT_ID | Channel::REGION => argument(a.name),
                Channel::ID => {
                    let mut id = A::optional_computed(Channel::ID, Type::String, "ID of the VPC channel to read. Set `id` or `name`, not both.")
                        .check(Check::Length(1, 64))
                        .check(Check::Pattern(rules::is_plain_id, "letters, digits, hyphens (-) and underscores (_)"));
                    id.presence = Presence::OptionalComputed;
                    id
                }
                Channel::NAME => {
                    let mut n = argument(Channel::NAME);
                    n.presence = Presence::OptionalComputed;
                    n.description = "Exact name of the VPC channel to read (the list call with `precise_search=name`). Set `id` or `name`, not both.";
                    n
                }
                _ => exported(a),
            })
            .collect(),
    })
}

/// `huaweicloud_apig_vpc_channels`: the channels of a gateway, filtered by
/// the list API's own filters, each with full details.
pub fn many() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        let filter = |name, desc| A::optional(name, Type::String, desc).check(Check::Length(1, 255));
        // A plain list of objects, not a nested attribute: Terraform 1.0.x
        // types a nested list's elements apart (a null or empty nested value
        // keeps "optional" markers, a present one loses them) and crashes
        // decoding a list whose channels differ, e.g. one without a health
        // check. A plain type has no such markers.
        let channel = Type::list(object_type(&resource::schema().attributes));
        Schema {
            version: 0,
            description: "Lists the VPC channels of a dedicated gateway, filtered by the list API's own filters, and reads every one in full (members, member groups, health check, microservice information). Every page is read; details are fetched once per channel, a few at a time.",
            attributes: vec![
                argument(Query::INSTANCE_ID),
                argument(Query::PROJECT_ID),
                argument(Query::REGION),
                filter(Query::ID, "Only the channel with this ID."),
                filter(Query::NAME, "Only channels whose name contains this (case-insensitive), or, with `precise_search = \"name\"`, is exactly this."),
                A::optional(Query::PRECISE_SEARCH, Type::String, "The filters matched exactly instead of as substrings, as the API takes them: a comma-separated list of `name` and `member_group_name` (`\"name\"`, `\"name,member_group_name\"`). Earlier versions took `true` for `\"name\"`.")
                    .check(Check::Pattern(rules::is_precise_search, "a comma-separated list of `name` and `member_group_name`, e.g. `\"name,member_group_name\"` (`true` is now `\"name\"`)")),
                filter(Query::MEMBER_HOST, "Only channels with a member at this address."),
                A::optional(Query::MEMBER_PORT, Type::Number, "Only channels with a member on this port.").check(Check::Range(0, 65535)),
                filter(Query::MEMBER_GROUP_NAME, "Only channels with a member group whose name contains this."),
                filter(Query::MEMBER_GROUP_ID, "Only channels with the member group of this ID."),
                filter(Query::DICT_CODE, "Only channels with this dictionary code."),
                A::optional(Query::VPC_CHANNEL_TYPE, Type::String, "Only channels of this kind: `builtin`, `microservice` or `reference`.")
                    .check(Check::OneOf(&["builtin", "microservice", "reference"], false)),
                A::computed(Query::IDS, Type::list(Type::String), "IDs of the channels found, in the order of `channels`."),
                A::computed(Query::CHANNELS, channel, "The channels found, ordered by name, then ID. Each object has every attribute of the resource `huaweicloud_apig_vpc_channel` (see its Attribute Reference): `id`, `instance_id`, `project_id`, `region`, `name`, `port`, `balance_strategy`, `member_type`, `type`, `vpc_channel_type`, `dict_code`, `member_groups`, `members`, `vpc_health_config`, `microservice_info`, `create_time` and `status`, with every member and member group."),
            ],
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_struct_declares_the_schema_attributes() {
        let names: Vec<&str> = many().attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, Query::NAMES);
    }

    fn all_computed(attrs: &[A]) -> bool {
        attrs.iter().all(|a| {
            a.is_computed_only() && a.checks.is_empty() && a.children().is_none_or(all_computed)
        })
    }

    #[test]
    fn every_resource_attribute_is_exported() {
        let r = &resource::schema().attributes;
        let (one, many) = (one(), many());
        let channels = many.attribute("channels").unwrap();
        assert_eq!(
            channels.value_type(),
            Type::list(resource::schema().value_type())
        );
        for a in r {
            assert!(one.attribute(a.name).is_some(), "{} missing", a.name);
            assert!(
                channels.description.contains(&format!("`{}`", a.name)),
                "{} undocumented",
                a.name
            );
            assert_eq!(
                exported(a).value_type(),
                a.value_type(),
                "{} changes type",
                a.name
            );
        }
        assert_eq!(one.attributes.len(), r.len());
        let (arguments, exported_only): (Vec<&A>, Vec<&A>) =
            one.attributes.iter().partition(|a| !a.is_computed_only());
        let names: Vec<&str> = arguments.iter().map(|a| a.name).collect();
        assert_eq!(names, ["id", "instance_id", "project_id", "region", "name"]);
        let exported_only: Vec<A> = exported_only.into_iter().cloned().collect();
        assert!(all_computed(&exported_only));
        assert!(one.attributes.iter().all(|a| !a.force_new));
        assert_eq!(
            one.attribute("instance_id").unwrap().presence,
            Presence::Required
        );
    }
}
