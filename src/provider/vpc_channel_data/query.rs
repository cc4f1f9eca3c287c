//! `huaweicloud_apig_vpc_channels` as typed state: the list API's filters
//! and what is found.

use crate::provider::vpc_channel::state::Channel;
use crate::tf_object;
use crate::tfplugin::typed::Tf;

tf_object! {
    pub struct Query {
        instance_id: String = INSTANCE_ID "instance_id",
        project_id: String = PROJECT_ID "project_id",
        region: String = REGION "region",
        id: String = ID "id",
        name: String = NAME "name",
        precise_search: String = PRECISE_SEARCH "precise_search",
        member_host: String = MEMBER_HOST "member_host",
        member_port: i64 = MEMBER_PORT "member_port",
        member_group_name: String = MEMBER_GROUP_NAME "member_group_name",
        member_group_id: String = MEMBER_GROUP_ID "member_group_id",
        dict_code: String = DICT_CODE "dict_code",
        vpc_channel_type: String = VPC_CHANNEL_TYPE "vpc_channel_type",
        ids: Vec<Tf<String>> = IDS "ids",
        channels: Vec<Tf<Channel>> = CHANNELS "channels",
    }
}
