# Bring every existing channel of a gateway under Terraform (Terraform 1.14+):
# see README.md. This file configures the provider; channels.tfquery.hcl
# lists the channels; `terraform query -generate-config-out=generated.tf`
# writes their configuration and import blocks.
#
# Against the emulator (see the README), in this folder:
#   terraform init && terraform apply -var apig_endpoint=http://127.0.0.1:8080
#   terraform query -var apig_endpoint=http://127.0.0.1:8080 -generate-config-out=generated.tf
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
  description = "ID of the dedicated gateway whose channels to bring in."
  type        = string
  default     = "eddc4d25480b4cd6b512f270a1b8b341"
}

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}
