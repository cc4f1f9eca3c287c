# An IP channel with two member groups, members and an HTTP health check.
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
  description = "APIG endpoint override, e.g. http://127.0.0.1:8080 for the local emulator; null for the real service."
  type        = string
  default     = null
}

variable "instance_id" {
  description = "ID of the dedicated gateway."
  type        = string
  default     = "eddc4d25480b4cd6b512f270a1b8b341"
}

# Credentials, region and project come from HW_AUTH_TOKEN (or HW_ACCESS_KEY
# and HW_SECRET_KEY), HW_REGION_NAME and HW_PROJECT_ID.
provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

resource "huaweicloud_apig_vpc_channel" "demo" {
  instance_id      = var.instance_id
  name             = "VPC_demo"
  port             = 22
  balance_strategy = 2
  member_type      = "ip"

  member_groups = [
    { member_group_name = "test", member_group_weight = 1, member_group_remark = "remark" },
    { member_group_name = "default", member_group_weight = 2, member_group_remark = "remark" },
  ]

  members = [
    { host = "192.168.0.5", weight = 1, member_group_name = "test" },
    { host = "192.168.1.124", weight = 2, member_group_name = "default" },
    { host = "192.168.1.125", port = 8080, member_group_name = "default" },
  ]

  vpc_health_config = {
    protocol           = "HTTP"
    path               = "/vpc/demo"
    port               = 22
    threshold_normal   = 2
    threshold_abnormal = 5
    time_interval      = 10
    timeout            = 5
    http_code          = "200,201,210-299"
  }
}

output "vpc_channel_id" {
  value = huaweicloud_apig_vpc_channel.demo.id
}
