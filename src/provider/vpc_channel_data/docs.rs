//! Registry pages of the two data sources, generated from their schemas.

use crate::tfplugin::docs::reference;

use super::schema;

const EXAMPLE: &str = include_str!("../../../examples/vpc-channel-data-sources/main.tf");

/// The `data "<type>" ... { ... }` block of the example.
fn data_block(type_name: &str) -> String {
    let start = EXAMPLE.find(&format!("data \"{type_name}\"")).unwrap_or(0);
    let rest = &EXAMPLE[start..];
    let end = rest.find("\n}\n").map(|i| i + 2).unwrap_or(rest.len());
    rest[..end]
        .replace("var.instance_id", "\"eddc4d25480b4cd6b512f270a1b8b341\"")
        .replace("var.channel_name", "\"VPC_demo\"")
}

fn page(
    type_name: &str,
    summary: &str,
    s: &crate::tfplugin::schema::Schema,
    notes: &str,
) -> String {
    format!(
        "---\npage_title: \"{type_name} Data Source - terraform-provider-huaweicloud\"\nsubcategory: \"API Gateway (Dedicated Gateway)\"\ndescription: |-\n  {summary}\n---\n\n\
<!-- Generated from the schema declaration (src/provider/vpc_channel_data/schema.rs). Do not edit: run `UPDATE_DOCS=1 cargo test --test docs`. -->\n\n\
# {type_name} (Data Source)\n\n{}\n\n## Example Usage\n\n```hcl\n{}\n```\n\n{}\n## Behaviour\n\n{notes}",
        s.description,
        data_block(type_name),
        reference(&s.attributes, "Argument Reference", "Attribute Reference"),
    )
}

pub fn one_page() -> String {
    page(
        schema::ONE,
        "Reads one API Gateway VPC channel by ID or exact name.",
        schema::one(),
        "* By `name`, the gateway's list call is asked for an exact match (`precise_search=name`) and names are compared exactly again; no channel, or several with that name, is an error that names the gateway and what was searched.\n\
* By `id`, show details is called directly; a missing channel is an error naming the gateway and the ID.\n\
* Setting both `id` and `name`, or neither, fails at `terraform validate`.\n\
* Every member is exported, also the members a microservice channel discovers (the resource tracks only those it declares).\n\
* Arguments unknown at plan time (e.g. the `id` of a channel created in the same run) make Terraform read the data source during apply.\n",
    )
}

pub fn many_page() -> String {
    page(
        schema::MANY,
        "Lists the API Gateway VPC channels of a gateway with full details.",
        schema::many(),
        "* Filters go to the gateway's list call unchanged; `name` is a substring unless `precise_search` names it (`\"name\"`, `\"name,member_group_name\"`).\n\
* Every page is read, 500 channels a page, until the gateway's `total` is reached; a channel listed twice while pages shift is kept once.\n\
* The list call returns no members or health check, so show details is called once per channel, ten at a time, each call with the provider's retries (`max_retries`). A channel deleted between the two calls is left out.\n\
* `channels` and `ids` are ordered by name, then ID, whatever order the gateway lists them in.\n",
    )
}
