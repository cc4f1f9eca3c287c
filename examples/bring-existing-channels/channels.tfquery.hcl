# Every VPC channel of the gateway. Add the channels data source's filters
# to narrow it: name, precise_search, id, member_host, member_port,
# member_group_name, member_group_id, dict_code, vpc_channel_type.
list "huaweicloud_apig_vpc_channel" "existing" {
  provider = huaweicloud
  limit    = 1000 # Terraform's default is 100

  config {
    instance_id = var.instance_id
  }
}
