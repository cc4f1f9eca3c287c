"""Every VPC channel operation of the official SDK, against the emulator.

Each call goes through the SDK's own client (AK/SK signing, its request
models, its paths); each answer's raw JSON is held to the SDK's response
model by `oracle.problems` (no field the model lacks, no mistyped value)
and loaded into it. Values are checked where the API documents them.
"""

import json
import urllib.error
import urllib.request

from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from oracle import load, problems

GW = "eddc4d25480b4cd6b512f270a1b8b341"


class Suite:
    def __init__(self, client, url, report, quirks=True):
        self.quirks = quirks
        self.c = client
        self.url = url
        self.report = report
        self.operations = set()

    # -- plumbing -------------------------------------------------------

    def call(self, op, request):
        """Calls `op` (the SDK client's method name), checks the answer
        against the operation's response model; returns the raw JSON."""
        self.operations.add(op)
        resp = getattr(self.c, op)(request)
        raw = resp.raw_content
        body = json.loads(raw) if raw else None
        type_name = type(resp).__name__
        if body is not None:
            found = problems(body, type_name)
            self.report.check(not found, f"{op}: answer fits {type_name}", found)
            if not found:
                load(body, type_name)
        return body

    def refused(self, op, request, status, code):
        self.operations.add(op)
        try:
            getattr(self.c, op)(request)
        except ClientRequestException as e:
            self.report.check(
                (e.status_code, e.error_code) == (status, code),
                f"{op}: refused with {status} {code}",
                [f"got {e.status_code} {e.error_code} {e.error_msg}"],
            )
            return
        self.report.check(False, f"{op}: refused with {status} {code}", ["it succeeded"])

    def expect(self, ok, what, detail=""):
        self.report.check(bool(ok), what, [detail] if detail and not ok else [])

    # -- channels -------------------------------------------------------

    def channel_body(self, name, **extra):
        body = dict(
            name=name,
            port=80,
            balance_strategy=1,
            member_type="ip",
            member_groups=[
                m.MemberGroupCreate(member_group_name="blue", member_group_remark="r", member_group_weight=2),
                m.MemberGroupCreate(member_group_name="green"),
            ],
            members=[
                m.MemberInfo(host="10.0.0.1", weight=3, member_group_name="blue", port=8080),
                m.MemberInfo(host="10.0.0.2", member_group_name="green", is_backup=True, status=1),
            ],
            vpc_health_config=m.VpcHealthConfig(
                protocol="HTTP", path="/ping", method="GET", port=80, threshold_normal=2,
                threshold_abnormal=3, time_interval=10, http_code="200-299",
                enable_client_ssl=False, status=1, timeout=5),
        )
        body.update(extra)
        return m.VpcCreate(**body)

    def create(self, body):
        return self.call("create_vpc_channel_v2", m.CreateVpcChannelV2Request(instance_id=GW, body=body))

    def show(self, cid):
        return self.call(
            "show_details_of_vpc_channel_v2",
            m.ShowDetailsOfVpcChannelV2Request(instance_id=GW, vpc_channel_id=cid))

    def channels(self):
        made = self.create(self.channel_body("sdk_server", dict_code="dc_1"))
        cid = made["id"]
        self.expect(made["vpc_channel_type"] == "builtin" and made["type"] == 2, "create: a server channel")
        self.expect("members" not in made, "create: no members in the answer")
        shown = self.show(cid)
        self.expect(len(shown["members"]) == 2, "show: both members")
        self.expect(shown["vpc_health_config"]["path"] == "/ping", "show: the health check")

        listed = self.call("list_vpc_channels_v2", m.ListVpcChannelsV2Request(
            instance_id=GW, offset=-1, limit=10, id=cid, name="sdk_server", dict_code="dc_1",
            precise_search="name,member_group_name", member_host="10.0.0.1", member_port=8080,
            member_group_name="blue", member_group_id=made["member_groups"][0]["member_group_id"]
            if made["member_groups"][0]["member_group_name"] == "blue"
            else made["member_groups"][1]["member_group_id"],
            vpc_channel_type="builtin"))
        self.expect(listed["total"] == 1, "list: every filter at once finds it", json.dumps(listed))
        none = self.call("list_vpc_channels_v2", m.ListVpcChannelsV2Request(
            instance_id=GW, vpc_channel_type="microservice", name="sdk_server"))
        self.expect(none["total"] == 0, "list: the vpc_channel_type filter")

        updated = self.call("update_vpc_channel_v2", m.UpdateVpcChannelV2Request(
            instance_id=GW, vpc_channel_id=cid, body=self.channel_body("sdk_server_2", port=81)))
        self.expect(updated["name"] == "sdk_server_2" and updated["port"] == 81, "update: renamed")
        return cid

    # -- members, groups, health check ----------------------------------

    def members(self, cid):
        added = self.call("adding_backend_instances_v2", m.AddingBackendInstancesV2Request(
            instance_id=GW, vpc_channel_id=cid, body=m.VpcMemberCreate(members=[
                m.MemberInfo(host="10.0.0.3", member_group_name="green", weight=4)])))
        self.expect(added["total"] == 1, "add members: the one added")
        listed = self.call("list_backend_instances_v2", m.ListBackendInstancesV2Request(
            instance_id=GW, vpc_channel_id=cid, offset=0, limit=50, name="10.0.0",
            member_group_name="green", precise_search="member_group_name"))
        self.expect(listed["total"] == 2, "list members: the green ones", json.dumps(listed))
        green_id = next(g["member_group_id"] for g in self.show(cid)["member_groups"]
                        if g["member_group_name"] == "green")
        by_id = self.call("list_backend_instances_v2", m.ListBackendInstancesV2Request(
            instance_id=GW, vpc_channel_id=cid, member_group_id=green_id))
        self.expect(by_id["total"] == 2, "list members: by group ID")

        replaced = self.call("update_backend_instances_v2", m.UpdateBackendInstancesV2Request(
            instance_id=GW, vpc_channel_id=cid, body=m.VpcMemberModify(
                member_group_name="green",
                members=[m.MemberInfo(host="10.0.0.9", member_group_name="green")])))
        self.expect([x["host"] for x in replaced["members"]] == ["10.0.0.9"], "update members: one group's")
        hosts = sorted(x["host"] for x in self.show(cid)["members"])
        self.expect(hosts == ["10.0.0.1", "10.0.0.9"], "update members: the other group's stay", str(hosts))

        ids = [x["id"] for x in self.show(cid)["members"]]
        body = m.MembersBatchEnableOrDisable(member_ids=ids)
        self.call("batch_disable_members", m.BatchDisableMembersRequest(
            instance_id=GW, vpc_channel_id=cid, body=body))
        self.expect({x["status"] for x in self.show(cid)["members"]} == {2}, "batch disable")
        self.call("batch_enable_members", m.BatchEnableMembersRequest(
            instance_id=GW, vpc_channel_id=cid, body=body))
        self.expect({x["status"] for x in self.show(cid)["members"]} == {1}, "batch enable")
        self.call("delete_backend_instance_v2", m.DeleteBackendInstanceV2Request(
            instance_id=GW, vpc_channel_id=cid, member_id=ids[0]))
        self.expect(len(self.show(cid)["members"]) == 1, "delete member")
        self.refused("delete_backend_instance_v2", m.DeleteBackendInstanceV2Request(
            instance_id=GW, vpc_channel_id=cid, member_id=ids[0]), 404, "APIG.3024")

    def groups(self, cid):
        made = self.call("create_member_group", m.CreateMemberGroupRequest(
            instance_id=GW, vpc_channel_id=cid, body=m.MemberGroupCreateBatch(member_groups=[
                m.MemberGroupCreate(member_group_name="红色组", member_group_weight=5, dict_code="dc_g"),
                m.MemberGroupCreate(member_group_name="blue", member_group_remark="again")])))
        self.expect(made["total"] == 2, "create member groups: added and updated")
        listed = self.call("list_member_groups", m.ListMemberGroupsRequest(
            instance_id=GW, vpc_channel_id=cid, offset=0, limit=10, dict_code="dc_g",
            member_group_name="红色组", precise_search="member_group_name"))
        self.expect(listed["total"] == 1, "list member groups: filters", json.dumps(listed))
        gid = listed["member_groups"][0]["member_group_id"]
        shown = self.call("show_details_of_member_group", m.ShowDetailsOfMemberGroupRequest(
            instance_id=GW, vpc_channel_id=cid, member_group_id=gid))
        self.expect(shown["member_group_name"] == "红色组", "show member group: Chinese name")
        upd = self.call("update_member_group", m.UpdateMemberGroupRequest(
            instance_id=GW, vpc_channel_id=cid, member_group_id=gid,
            body=m.MemberGroupCreate(member_group_name="red_group", member_group_weight=6)))
        self.expect(upd["member_group_weight"] == 6, "update member group")
        self.call("delete_member_group", m.DeleteMemberGroupRequest(
            instance_id=GW, vpc_channel_id=cid, member_group_id=gid))
        self.refused("show_details_of_member_group", m.ShowDetailsOfMemberGroupRequest(
            instance_id=GW, vpc_channel_id=cid, member_group_id=gid), 404, "APIG.3025")

    def health(self, cid):
        h = self.call("update_health_check", m.UpdateHealthCheckRequest(
            instance_id=GW, vpc_channel_id=cid, body=m.VpcHealthConfig(
                protocol="TCP", threshold_normal=1, threshold_abnormal=1, time_interval=5, timeout=2)))
        self.expect(h["vpc_channel_id"] == cid, "update health check: answer names the channel")
        self.expect(self.show(cid)["vpc_health_config"]["protocol"].upper() == "TCP", "update health check")

    # -- every kind of channel ------------------------------------------

    def microservices(self):
        sources = {
            "CSE": dict(cse_info=m.MicroServiceInfoCSEBase(engine_id="engine-1", service_id="svc-1")),
            "CCE": dict(cce_info=m.MicroServiceInfoCCEBase(
                cluster_id="c1", namespace="default", workload_type="deployment", app_name="应用")),
            "CCE_SERVICE": dict(cce_service_info=m.MicroServiceInfoCCEServiceBase(
                cluster_id="c1", namespace="default", service_name="服务")),
            "NACOS": dict(nacos_info=m.MicroServiceInfoNacosBase(
                namespace="ns-1", service_name="orders",
                server_config=[m.NacosServerConfig(ip_address="10.1.1.1", port=8848)],
                user_info=m.NacosUserInfo(user_name="nacos", password="pw-never-shown"))),
        }
        ids = {}
        for st, source in sources.items():
            body = m.VpcCreate(
                name=f"sdk_{st.lower()}", port=80, balance_strategy=1, member_type="ip",
                vpc_channel_type="microservice",
                member_groups=[m.MemberGroupCreate(member_group_name="grp", microservice_version="v1",
                                                   microservice_port=8080, microservice_labels=[
                                                       m.MicroserviceLabel(label_name="a", label_value="b")])],
                microservice_info=m.MicroServiceCreate(service_type=st, **source))
            made = self.create(body)
            ids[st] = made["id"]
            shown = self.show(made["id"])
            self.expect(shown["type"] == 3 and shown["vpc_channel_type"] == "microservice", f"{st}: microservice")
            self.expect(shown["microservice_info"]["service_type"] == st, f"{st}: service type kept")
        nacos = self.show(ids["NACOS"])
        text = json.dumps(nacos)
        self.expect("pw-never-shown" not in text, "NACOS: the password is never in an answer")
        info = nacos["microservice_info"]["nacos_info"]
        self.expect(info["user_info"] == {"user_name": "nacos"}, "NACOS: the user name is", json.dumps(info))
        if self.quirks:
            grpc = info["server_config"][0].get("grpc_port")
            self.expect(grpc == 9848, "NACOS: gRPC port defaults to port+1000")
        fallback = self.create(m.VpcCreate(name="sdk_type3", port=80, balance_strategy=1,
                                           member_type="ip", type=3))
        self.expect(fallback["type"] == 2, "type 3 without microservice_info falls back to a server channel")
        return list(ids.values()) + [fallback["id"]]

    def reference(self, target):
        made = self.create(m.VpcCreate(
            name="sdk_reference", port=80, balance_strategy=1, member_type="ip",
            vpc_channel_type="reference",
            member_groups=[m.MemberGroupCreate(member_group_name="ref_group",
                                               reference_vpc_channel_id=target)]))
        shown = self.show(made["id"])
        self.expect(shown["vpc_channel_type"] == "reference", "reference: the kind")
        self.expect(shown["member_groups"][0]["reference_vpc_channel_id"] == target, "reference: kept")
        listed = self.call("list_vpc_channels_v2", m.ListVpcChannelsV2Request(
            instance_id=GW, vpc_channel_type="reference"))
        self.expect([c["id"] for c in listed["vpc_channels"]] == [made["id"]], "list: reference channels")
        self.refused("delete_vpc_channel_v2", m.DeleteVpcChannelV2Request(
            instance_id=GW, vpc_channel_id=target), 409, "APIG.3719")
        return made["id"]

    def request_id(self):
        req = urllib.request.Request(
            f"{self.url}/v2/proj/apigw/instances/{GW}/vpc-channels",
            headers={"Authorization": "SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=00"})
        try:
            urllib.request.urlopen(req)
            self.expect(False, "401 for a bad signature")
        except urllib.error.HTTPError as e:
            body = json.loads(e.read())
            self.expect(e.code == 401 and body.get("request_id") == e.headers.get("X-Request-Id"),
                        "401: request_id in the body is the X-Request-Id header", json.dumps(body))

    def run(self):
        cid = self.channels()
        self.members(cid)
        self.groups(cid)
        self.health(cid)
        others = self.microservices()
        ref = self.reference(cid)
        self.request_id()
        for c in [ref, cid] + others:
            self.call("delete_vpc_channel_v2", m.DeleteVpcChannelV2Request(instance_id=GW, vpc_channel_id=c))
        left = self.call("list_vpc_channels_v2", m.ListVpcChannelsV2Request(instance_id=GW))
        self.expect(left["total"] == 0, "delete: every channel gone")
