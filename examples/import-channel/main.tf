# Bring an existing channel under Terraform (Terraform 1.5+ import block),
# found by its name. Older Terraform:
#   terraform import huaweicloud_apig_vpc_channel.existing <instance_id>/<name or id>
#
# Against the emulator (see the README), first create the channel to import:
#   curl -s -X POST -H 'X-Auth-Token: emulator-token' -H 'Content-Type: application/json' \
#     http://127.0.0.1:8080/v2/0123456789abcdef0123456789abcdef/apigw/instances/eddc4d25480b4cd6b512f270a1b8b341/vpc-channels \
#     -d '{"name":"existing_channel","port":80,"balance_strategy":1,"member_type":"ip","type":2,"members":[{"host":"10.0.0.10"},{"host":"10.0.0.11"}]}'
# then, in this folder:
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

variable "channel_name" {
  description = "Name of the existing VPC channel (its ID works too)."
  type        = string
  default     = "existing_channel"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

import {
  to = huaweicloud_apig_vpc_channel.existing
  id = "${var.instance_id}/${var.channel_name}"
}

resource "huaweicloud_apig_vpc_channel" "existing" {
  instance_id = var.instance_id
  name        = var.channel_name
  port        = 80
  member_type = "ip"

  members = [
    { host = "10.0.0.10" },
    { host = "10.0.0.11" },
  ]
}
