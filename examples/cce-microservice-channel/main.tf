# A microservice channel whose members are discovered from a CCE workload.
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

variable "cce_cluster_id" {
  type    = string
  default = "ab1485b4f91b45abbcd560be591f7309"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

resource "huaweicloud_apig_vpc_channel" "cce" {
  instance_id = var.instance_id
  name        = "cce_workload"
  port        = 80
  member_type = "ip"
  type        = 3

  member_groups = [
    { member_group_name = "stable", member_group_weight = 9, microservice_version = "v1", microservice_port = 80 },
    {
      member_group_name    = "canary"
      member_group_weight  = 1
      microservice_version = "v2"
      microservice_port    = 80
      microservice_labels  = [{ label_name = "track", label_value = "canary" }]
    },
  ]

  microservice_info = {
    service_type = "CCE"
    cce_info = {
      cluster_id    = var.cce_cluster_id
      namespace     = "default"
      workload_type = "deployment"
      app_name      = "testapp"
    }
  }
}
