# A microservice channel whose members are discovered from a NACOS registry.
# The password is sensitive and kept in state; on Terraform 1.11 and later,
# `password_wo` (with `password_wo_version`) keeps it out of state instead.
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

variable "nacos_password" {
  type      = string
  sensitive = true
  default   = "example-nacos-password"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

resource "huaweicloud_apig_vpc_channel" "nacos" {
  instance_id      = var.instance_id
  name             = "订单服务_nacos"
  port             = 8080
  member_type      = "ip"
  vpc_channel_type = "microservice"

  member_groups = [
    { member_group_name = "stable", microservice_version = "v1", microservice_port = 8080 },
  ]

  microservice_info = {
    service_type = "NACOS"
    nacos_info = {
      namespace    = "prod"
      group_name   = "ORDERS"
      service_name = "com.example.orders"
      server_config = [
        { ip_address = "192.168.2.10", port = 8848 },
        { ip_address = "192.168.2.11", port = 8848, grpc_port = 9848 },
      ]
      user_info = {
        user_name = "nacos"
        password  = var.nacos_password
      }
    }
  }
}
