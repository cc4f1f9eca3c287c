# Bring an existing channel under Terraform (Terraform 1.5+ import block).
# Older Terraform: terraform import huaweicloud_apig_vpc_channel.existing <instance_id>/<id>
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

variable "channel_id" {
  description = "ID of the existing VPC channel."
  type        = string
  default     = "18174f5f4f1a4dc29f33aeadd9788e5f"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

import {
  to = huaweicloud_apig_vpc_channel.existing
  id = "${var.instance_id}/${var.channel_id}"
}

resource "huaweicloud_apig_vpc_channel" "existing" {
  instance_id = var.instance_id
  name        = "existing_channel"
  port        = 80
  member_type = "ip"

  members = [
    { host = "10.0.0.10" },
    { host = "10.0.0.11" },
  ]
}
