# A channel to ECS servers (member_type defaults to "ecs").
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

resource "huaweicloud_apig_vpc_channel" "web" {
  instance_id = var.instance_id
  name        = "web_servers"
  port        = 8080

  members = [
    { ecs_id = "6f4c2b1e-1111-4e5a-9a7d-0c1d2e3f4a5b", ecs_name = "web-1", weight = 10 },
    { ecs_id = "6f4c2b1e-2222-4e5a-9a7d-0c1d2e3f4a5b", ecs_name = "web-2", weight = 10 },
    { ecs_id = "6f4c2b1e-3333-4e5a-9a7d-0c1d2e3f4a5b", ecs_name = "web-3", is_backup = true },
  ]

  vpc_health_config = {
    protocol           = "TCP"
    threshold_normal   = 2
    threshold_abnormal = 3
    time_interval      = 10
    timeout            = 3
  }
}
