# A reference channel: its member groups refer to two server channels (for
# example a blue and a green deployment); it has no members of its own.
#
# Against the emulator (see the README), in this folder:
#   terraform init && terraform apply -var apig_endpoint=http://127.0.0.1:8080
terraform {
  required_providers {
    huaweicloud = {
      source = "huaweicloud/huaweicloud"
    }
  }
}

variable "apig_endpoint" {
  type    = string
  default = null
}

variable "instance_id" {
  type    = string
  default = "eddc4d25480b4cd6b512f270a1b8b341"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

resource "huaweicloud_apig_vpc_channel" "blue" {
  instance_id      = var.instance_id
  name             = "orders_blue"
  port             = 8080
  member_type      = "ip"
  vpc_channel_type = "builtin"
  members          = [{ host = "192.168.0.10" }, { host = "192.168.0.11" }]
}

resource "huaweicloud_apig_vpc_channel" "green" {
  instance_id      = var.instance_id
  name             = "orders_green"
  port             = 8080
  member_type      = "ip"
  vpc_channel_type = "builtin"
  members          = [{ host = "192.168.1.10" }]
}

resource "huaweicloud_apig_vpc_channel" "orders" {
  instance_id      = var.instance_id
  name             = "orders"
  port             = 8080
  member_type      = "ip"
  vpc_channel_type = "reference"

  member_groups = [
    { member_group_name = "blue", member_group_weight = 9, reference_vpc_channel_id = huaweicloud_apig_vpc_channel.blue.id },
    { member_group_name = "green", member_group_weight = 1, reference_vpc_channel_id = huaweicloud_apig_vpc_channel.green.id },
  ]
}
