# Look up channels made outside this configuration: one by name, and every
# channel of the gateway with a member at one address; then create a
# channel with the same members as the one found.
#
# Against the emulator (see the README), apply examples/ip-channel first: it
# creates the channel VPC_demo looked up here. Then, in this folder:
#   terraform init && terraform apply -var apig_endpoint=http://127.0.0.1:8080
terraform {
  required_providers {
    huaweicloud = {
      source = "huaweicloud/huaweicloud"
    }
  }
}

variable "apig_endpoint" {
  description = "APIG endpoint override, e.g. http://127.0.0.1:8080 for the local emulator; null for the real service."
  type        = string
  default     = null
}

variable "instance_id" {
  description = "ID of the dedicated gateway."
  type        = string
  default     = "eddc4d25480b4cd6b512f270a1b8b341"
}

variable "channel_name" {
  description = "Exact name of an existing VPC channel."
  type        = string
  default     = "VPC_demo"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

data "huaweicloud_apig_vpc_channel" "existing" {
  instance_id = var.instance_id
  name        = var.channel_name
}

data "huaweicloud_apig_vpc_channels" "on_host" {
  instance_id = var.instance_id
  member_host = "192.168.0.5"
}

resource "huaweicloud_apig_vpc_channel" "copy" {
  instance_id      = var.instance_id
  name             = "${data.huaweicloud_apig_vpc_channel.existing.name}_copy"
  port             = data.huaweicloud_apig_vpc_channel.existing.port
  balance_strategy = data.huaweicloud_apig_vpc_channel.existing.balance_strategy
  member_type      = "ip"

  members = [for m in data.huaweicloud_apig_vpc_channel.existing.members : {
    host   = m.host
    weight = m.weight
    port   = m.port
  }]
}

output "existing_health_check" {
  value = data.huaweicloud_apig_vpc_channel.existing.vpc_health_config
}

# The copy made here has a member at that address too: it is left out, so
# that the output does not change on the plan after the apply.
output "channels_on_host" {
  value = {
    for c in data.huaweicloud_apig_vpc_channels.on_host.channels : c.name => c.id
    if c.name != "${var.channel_name}_copy"
  }
}
