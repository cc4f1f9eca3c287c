//! Terraform configurations: the terraform block, provider blocks aimed at
//! the emulator (token, AK/SK, extra arguments) and a sample channel.

use super::{Emulator, PROJECT, TOKEN};

/// An ip channel with groups, members (some without port or weight) and an
/// HTTP health check written in lower case.
pub const IP_CHANNEL: &str = r#"
resource "huaweicloud_apig_vpc_channel" "demo" {
  instance_id      = "eddc4d25480b4cd6b512f270a1b8b341"
  name             = "VPC_demo"
  port             = 22
  balance_strategy = 2
  member_type      = "ip"

  member_groups = [
    { member_group_name = "test", member_group_weight = 1, member_group_remark = "remark" },
    { member_group_name = "default", member_group_weight = 2 },
  ]
  members = [
    { host = "192.168.0.5", weight = 1, member_group_name = "test" },
    { host = "192.168.1.124", member_group_name = "default" },
    { host = "192.168.1.125", port = 8080, weight = 3, member_group_name = "default" },
  ]
  vpc_health_config = {
    protocol           = "http"
    path               = "/vpc/demo"
    port               = 22
    threshold_normal   = 2
    threshold_abnormal = 5
    time_interval      = 10
    timeout            = 5
    http_code          = "200,201,210-299"
  }
}
"#;

pub fn terraform_block() -> &'static str {
    "terraform {\n  required_providers {\n    huaweicloud = {\n      source = \"huaweicloud/huaweicloud\"\n    }\n  }\n}\n"
}

/// A provider block pointing at the emulator with token auth.
pub fn provider_block(e: &Emulator) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{}\" }}\n}}\n",
        e.url
    )
}

/// Like [`provider_block`], with extra provider arguments (one per line,
/// e.g. `max_retries = 1`).
pub fn provider_block_with(e: &Emulator, extra: &str) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{}\" }}\n{extra}\n}}\n",
        e.url
    )
}

/// A provider block pointing at the emulator with `auth` as its only
/// credential lines (plus any other extra lines, e.g. `max_retries`).
pub fn provider_block_auth(e: &Emulator, auth: &str) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  endpoints  = {{ apig = \"{}\" }}\n{auth}}}\n",
        e.url
    )
}

/// A provider block pointing at the emulator with AK/SK authentication
/// (and a security token for temporary credentials).
pub fn aksk_provider_block(
    e: &Emulator,
    ak: &str,
    sk: &str,
    security_token: Option<&str>,
) -> String {
    let mut auth = format!("  access_key = \"{ak}\"\n  secret_key = \"{sk}\"\n");
    if let Some(st) = security_token {
        auth.push_str(&format!("  security_token = \"{st}\"\n"));
    }
    provider_block_auth(e, &auth)
}

/// A whole configuration with the given provider block.
pub fn config_with(provider: &str, resources: &str) -> String {
    format!("{}{provider}{resources}", terraform_block())
}

pub fn config(e: &Emulator, resources: &str) -> String {
    format!("{}{}{}", terraform_block(), provider_block(e), resources)
}

/// A configuration whose provider points at an arbitrary endpoint URL.
pub fn config_for_url(url: &str, provider_extra: &str, resources: &str) -> String {
    format!(
        "{}provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{url}\" }}\n{provider_extra}\n}}\n{resources}",
        terraform_block()
    )
}
