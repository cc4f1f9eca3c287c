# The provider configured entirely from the environment:
#   export HW_REGION_NAME=cn-north-4 HW_PROJECT_ID=0123456789abcdef0123456789abcdef
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=...      # or HW_AUTH_TOKEN=...
#   export HW_MAX_RETRIES=5 HW_INSECURE=false        # optional
# Against the emulator (see the README), the endpoint is the one setting
# given otherwise:
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

provider "huaweicloud" {
  endpoints = var.apig_endpoint == null ? {} : { apig = var.apig_endpoint }
}

resource "huaweicloud_apig_vpc_channel" "minimal" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "minimal_channel"
  port        = 443
  member_type = "ip"
  members     = [{ host = "10.1.0.1" }]
}
