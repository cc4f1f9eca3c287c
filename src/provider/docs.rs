//! The registry documentation pages, generated from the schema
//! declarations (`tests/docs.rs` fails when the committed pages are stale).

use crate::tfplugin::docs::reference;

const IP_EXAMPLE: &str = include_str!("../../examples/ip-channel/main.tf");
const CCE_EXAMPLE: &str = include_str!("../../examples/cce-microservice-channel/main.tf");

/// The `resource "..." { ... }` block of an example file.
fn resource_block(src: &str) -> String {
    let start = src.find("resource \"").unwrap_or(0);
    let rest = &src[start..];
    let end = rest.find("\n}\n").map(|i| i + 2).unwrap_or(rest.len());
    rest[..end]
        .replace("var.instance_id", "\"eddc4d25480b4cd6b512f270a1b8b341\"")
        .replace("var.cce_cluster_id", "\"ab1485b4f91b45abbcd560be591f7309\"")
}

pub fn resource_page() -> String {
    let s = super::vpc_channel::schema::schema();
    let page = format!(
        "---\npage_title: \"huaweicloud_apig_vpc_channel Resource - terraform-provider-huaweicloud\"\nsubcategory: \"API Gateway (Dedicated Gateway)\"\ndescription: |-\n  Manages an API Gateway VPC channel.\n---\n\n\
<!-- Generated from the schema declaration (src/provider/vpc_channel/schema.rs). Do not edit: run `UPDATE_DOCS=1 cargo test --test docs`. -->\n\n\
# huaweicloud_apig_vpc_channel\n\n{}\n\n\
## Example Usage\n\n### IP members, groups and an HTTP health check\n\n```hcl\n{}\n```\n\n### Microservice channel (CCE workload)\n\n```hcl\n{}\n```\n\n\
{}\n\
## Behaviour\n\n\
* Members and member groups are matched by address (`host`, or `ecs_id` for ECS members) and by name, whatever order the API returns them in; values the API fills in on its own (a member's port and weight, lower-case health check protocols, empty strings) never show as changes. An IP member's `ecs_id`/`ecs_name`, which the API fills with a copy of its `host`, stay empty unless you set them, so a sensitive `host` is never shown through them.\n\
* Every update sends the whole channel (the API's `PUT` overwrites members and groups), so members you keep are never wiped.\n\
* For microservice channels, members the service discovers are not tracked as drift.\n\
* A channel deleted outside Terraform is planned for creation again.\n\
* **Never someone else's channel.** Before creating, the provider looks the exact name up in the gateway (one list request per create). If a channel of that name already exists, the create fails before anything is sent, naming the channel and the `terraform import` command that brings it under Terraform; it is never changed, adopted or deleted. When a create gets no clear answer (timeout, server error, lost connection, Ctrl-C), a channel found by name afterwards is taken as ours only if it was absent before our request and holds what we sent; otherwise the same \"exists, import it\" error.\n\n\
## Import\n\nImport a channel with its gateway ID and either its channel ID, `<instance_id>/<id>`, or its exact name, `<instance_id>/<name>`:\n\n```shell\nterraform import huaweicloud_apig_vpc_channel.demo eddc4d25480b4cd6b512f270a1b8b341/18174f5f4f1a4dc29f33aeadd9788e5f\nterraform import huaweicloud_apig_vpc_channel.demo eddc4d25480b4cd6b512f270a1b8b341/VPC_demo\n```\n\nor, with Terraform 1.5 and later:\n\n```hcl\nimport {{\n  to = huaweicloud_apig_vpc_channel.demo\n  id = \"eddc4d25480b4cd6b512f270a1b8b341/VPC_demo\"\n}}\n```\n\n\
An ID can also be a valid name (a name may be 32 hexadecimal digits starting with a letter), so the provider never guesses: it looks the text up both as an ID and as an exact name. One channel found either way is imported. If the text is the ID of one channel and the name of another, the import fails and asks for `<instance_id>/id:<id>` or `<instance_id>/name:<name>`, which say which is meant (neither IDs nor names contain `:`). A name shared by several channels fails with their IDs; a name or ID matching nothing fails naming the gateway and what was searched.\n",
        s.description,
        resource_block(IP_EXAMPLE),
        resource_block(CCE_EXAMPLE),
        reference(&s.attributes, "Argument Reference", "Attribute Reference"),
    );
    page + &identity_section()
}

/// The identity (Terraform 1.12+), from its declaration.
fn identity_section() -> String {
    let id = super::vpc_channel::identity::schema();
    let attrs: String = (id.attributes.iter())
        .map(|a| {
            let how = if a.required_for_import {
                "Required for import"
            } else {
                "Optional"
            };
            format!("* `{}` - ({how}) {}\n", a.name, a.description)
        })
        .collect();
    format!(
        "\n## Identity\n\nWith Terraform 1.12 and later every channel in state also has a resource identity, returned by every read, plan, apply and import (state written by an older provider gains it on the next refresh, without a change):\n\n{attrs}\nImport by identity:\n\n```hcl\nimport {{\n  to       = huaweicloud_apig_vpc_channel.demo\n  identity = {{ instance_id = \"eddc4d25480b4cd6b512f270a1b8b341\", id = \"18174f5f4f1a4dc29f33aeadd9788e5f\" }}\n}}\n```\n\nA malformed `instance_id` or `id` fails before any call, naming the attribute; an ID that matches no channel fails the import (\"Cannot import non-existent remote object\"). `terraform query` with the list resource of the same name (see [the list resource](../list-resources/apig_vpc_channel.md)) writes such import blocks for every existing channel.\n"
    )
}

const LIST_EXAMPLE: &str =
    include_str!("../../examples/bring-existing-channels/channels.tfquery.hcl");

/// The list resource's page (`terraform query`, Terraform 1.14+).
pub fn list_resource_page() -> String {
    let s = super::vpc_channel_list::schema();
    format!(
        "---\npage_title: \"huaweicloud_apig_vpc_channel List Resource - terraform-provider-huaweicloud\"\nsubcategory: \"API Gateway (Dedicated Gateway)\"\ndescription: |-\n  Finds existing API Gateway VPC channels for terraform query.\n---\n\n\
<!-- Generated from the schema declaration (src/provider/vpc_channel_list/mod.rs). Do not edit: run `UPDATE_DOCS=1 cargo test --test docs`. -->\n\n\
# huaweicloud_apig_vpc_channel (List Resource)\n\n{}\n\n\
## Example Usage\n\nIn a `.tfquery.hcl` file:\n\n```hcl\n{}```\n\n\
```shell\nterraform query                                        # list them\nterraform query -generate-config-out=generated.tf      # write resource and import blocks\nterraform apply                                        # import them all, changing nothing\n```\n\n\
The walkthrough is `examples/bring-existing-channels`.\n\n\
## Results\n\nOne per channel, ordered as the API lists them:\n\n* identity - `instance_id`, `id`, `project_id`, `region` (see the resource's Identity section);\n* display name - the channel's `name`;\n* with `include_resource = true`, and always for `-generate-config-out`, the channel's full state, as an import would read it.\n\n\
`limit` (Terraform's default is 100) bounds the results; nothing past it is fetched. Without `include_resource` one list request per 500 channels is made; with it, also one show-details request per channel, ten at a time. Generated configuration holds only what a person would write: a value is left out when planning the import without it still changes nothing and creating the channel from it would fill in exactly that value (defaults, the provider's project and region, a member's port from the channel's, an IP member's `ecs_id`, statuses of 1); it validates and plans the import with no change.\n\n\
{}",
        s.description,
        LIST_EXAMPLE,
        reference(&s.attributes, "Argument Reference (the `config` block)", "Attribute Reference"),
    )
}

pub fn index_page() -> String {
    let s = super::config::schema();
    format!(
        "---\npage_title: \"Provider: Huawei Cloud (API Gateway)\"\ndescription: |-\n  Manages Huawei Cloud API Gateway VPC channels.\n---\n\n\
<!-- Generated from the schema declaration (src/provider/config.rs). Do not edit: run `UPDATE_DOCS=1 cargo test --test docs`. -->\n\n\
# Huawei Cloud Provider (API Gateway)\n\n{}\n\n\
## Example Usage\n\n```hcl\nterraform {{\n  required_providers {{\n    huaweicloud = {{\n      source = \"huaweicloud/huaweicloud\"\n    }}\n  }}\n}}\n\nprovider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"0123456789abcdef0123456789abcdef\"\n  # access_key and secret_key from HW_ACCESS_KEY / HW_SECRET_KEY\n}}\n```\n\n\
{}\n\
## Endpoints\n\nRequests go to `https://apig.{{region}}.{{cloud}}` (`cloud` defaults to `myhuaweicloud.com`, and to `myhuaweicloud.eu` for regions starting with `eu-west-1`). `endpoints = {{ apig = \"...\" }}` replaces it, e.g. with the local emulator's address; a missing scheme means `https://` and a trailing slash is ignored.\n\n\
## Retries and timeouts\n\nThrottling (HTTP 429, honouring `Retry-After`), server errors (500, 502, 503, 504) and connection failures are retried up to `max_retries` times with capped exponential backoff and jitter. Client errors are never retried, 401 least of all (repeated signature failures lock an access key for five minutes). A create whose answer is lost is never blindly repeated: the provider looks the channel up by name and adopts it instead of creating a duplicate, but only when that name was free before the create was sent and the channel holds what was sent (see the resource's Behaviour section). Ctrl-C cancels at once what was not sent yet; a create, update or delete already sent gets up to 4 seconds more to be answered, then up to 4 more to find out what it did (a lookup by name, a read), and that is recorded in state, so a re-apply converges with no channel left behind. When the outcome cannot be told in time, the error names the channel and the exact `terraform import` command. Each request may take `request_timeout` seconds (default 20, environment `HW_REQUEST_TIMEOUT`), from connecting to the last byte of the answer. A request that times out is retried once at most, whatever `max_retries` says: a server that accepted the connection and stayed silent that long is not expected to answer the next try. With the defaults, a server that accepts connections and never answers fails a refresh in about 40 seconds and a create in about 60 (the timed-out create, then the lookup by name). Connection failures name the setting the endpoint comes from (`endpoints.apig`, `endpoints.iam` / `auth_url`, or `region` and `cloud`); an `https://` endpoint answered in plain HTTP says so.\n\n\
{}",
        s.description,
        AUTHENTICATION,
        reference(&s.attributes, "Argument Reference", "Attribute Reference"),
    )
}

/// The ways in, in the official provider's order, with an example of each.
const AUTHENTICATION: &str = r#"## Authentication

The provider takes credentials from these sources, in this order: static credentials in the provider block, environment variables, then the Huawei Cloud CLI's shared configuration file. An argument set in the block wins over its environment variable, which wins over the file. Use one kind of credentials at a time — a token, an access key pair, or a password; mixing two kinds (for example `token` and `password`) is an error. Any of them can be turned into an agency's temporary keys with `assume_role`.

When `project_id` is unset, the provider looks the project up in IAM (`GET /v3/projects?name=...`) by `project_name`, else by the region's name, once per region per provider process; a resource with its own `region` gets its own lookup. No such project, several projects of that name, and missing permission to list projects each fail with an error that says which. IAM is at `https://iam.{region}.{cloud}/v3`, or `auth_url` (`HW_AUTH_URL`, or `endpoints = { iam = "..." }`).

**One wrong credential, one attempt.** The first request that carries the credentials (to IAM or API Gateway) goes alone; the others wait for its answer. If it is refused with HTTP 401 (a wrong password, secret key, security token, IAM token or agency), the provider sends nothing more with those credentials for the rest of the run, and every resource fails with one error that names the credential and where it came from (the provider argument, the environment variable, or the shared configuration file and profile). A plan over many resources therefore cannot lock the user or the access key (the API locks a key after five failed signatures).

### Static credentials

An access key pair; every request is signed with SDK-HMAC-SHA256 (temporary keys add `security_token`). The machine's clock must be within 15 minutes of the service's.

```hcl
provider "huaweicloud" {
  region     = "cn-north-4"
  access_key = "my-access-key"
  secret_key = "my-secret-key"
}
```

An IAM token, sent as `X-Auth-Token` (tokens last 24 hours):

```hcl
provider "huaweicloud" {
  region = "cn-north-4"
  token  = var.iam_token
}
```

A password, exchanged for a project-scoped token (`POST /v3/auth/tokens`) that is renewed before it expires; the project ID comes from the token. A wrong password is never retried, since repeated failures lock the user.

```hcl
provider "huaweicloud" {
  region      = "cn-north-4"
  user_name   = "tf_user"        # or user_id
  password    = var.password
  domain_name = "my_account"     # or domain_id
}
```

### Environment variables

```hcl
provider "huaweicloud" {}
```

```sh
export HW_REGION_NAME="cn-north-4"
export HW_ACCESS_KEY="my-access-key"
export HW_SECRET_KEY="my-secret-key"
# or HW_AUTH_TOKEN, or HW_USER_NAME + HW_PASSWORD + HW_DOMAIN_NAME
terraform plan
```

### Shared configuration file

The file written by the Huawei Cloud CLI (`hcloud configure`), read when `shared_config_file` or `profile` is set (`HW_SHARED_CONFIG_FILE`, `HW_PROFILE`). The profile defaults to the file's `current`. Mode `AKSK` gives the keys, region, project ID and agency fields; mode `SSO` gives the keys of `ssoAuth.stsToken`. Encrypted keys cannot be read: store them unencrypted with `hcloud configure set --cli-auth-encrypt=false`.

```hcl
provider "huaweicloud" {
  shared_config_file = "~/.hcloud/config.json"
  profile            = "ops"
}
```

### Assume role (agencies)

`assume_role` exchanges the credentials for an agency's temporary keys and security token (`POST /v3.0/OS-CREDENTIAL/securitytokens`), renewed before they expire. Repeat the block for a chain: each agency is assumed with the previous one's keys. The project is then looked up in the last agency's account. Environment: `HW_ASSUME_ROLE_AGENCY_NAME`, `HW_ASSUME_ROLE_DOMAIN_NAME`, `HW_ASSUME_ROLE_DURATION`.

```hcl
provider "huaweicloud" {
  region     = "cn-north-4"
  access_key = "my-access-key"
  secret_key = "my-secret-key"

  assume_role {
    agency_name = "ops_agency"
    domain_name = "target_account"
    duration    = 3600
  }
  assume_role {
    agency_name = "deep_agency"
    domain_name = "third_account"
  }
}
```

Credentials from the ECS metadata service and OIDC federation are not supported yet.
"#;
