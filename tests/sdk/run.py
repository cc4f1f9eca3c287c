"""SDK conformance suite: the emulator and the provider's request bodies
held to Huawei's official Python SDK (huaweicloudsdkapig 3.1.219).

    python tests/sdk/run.py EMULATOR_BINARY CAPTURE_JSON

1. Starts the emulator binary on a free port and drives it through every
   VPC channel operation the SDK's ApigClient has (operations.py); every
   answer must fit the operation's response model.
2. Loads every request the provider sent in `tests/sdk_capture.rs` (the
   emulator's request log of a real Terraform run) into the SDK's request
   model of its operation: no unknown or mistyped field, no unknown query
   parameter.

Run by scripts/test with target/pyenv's python. Exit status 1 on any failure.
"""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from huaweicloudsdkapig.v2 import ApigClient  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402

from oracle import load, problems, query_problems  # noqa: E402
from operations import Suite  # noqa: E402

AK, SK = "EMULATORACCESSKEY0001", "emulator-secret-key-0001"

# Every VPC channel operation of the SDK's ApigClient.
SDK_OPERATIONS = {
    "create_vpc_channel_v2", "show_details_of_vpc_channel_v2", "list_vpc_channels_v2",
    "update_vpc_channel_v2", "delete_vpc_channel_v2", "adding_backend_instances_v2",
    "list_backend_instances_v2", "update_backend_instances_v2", "delete_backend_instance_v2",
    "batch_enable_members", "batch_disable_members", "create_member_group", "list_member_groups",
    "show_details_of_member_group", "update_member_group", "delete_member_group",
    "update_health_check",
}

# (method, path after /vpc-channels) -> (request model with the query
# parameters, model of the body or None).
BASE = r"^/v2/[^/]+/apigw/instances/[^/]+/vpc-channels"
ROUTES = [
    ("GET", r"", "ListVpcChannelsV2Request", None),
    ("POST", r"", None, "VpcCreate"),
    ("GET", r"/[^/]+", "ShowDetailsOfVpcChannelV2Request", None),
    ("PUT", r"/[^/]+", None, "VpcCreate"),
    ("DELETE", r"/[^/]+", "DeleteVpcChannelV2Request", None),
    ("GET", r"/[^/]+/members", "ListBackendInstancesV2Request", None),
    ("POST", r"/[^/]+/members", None, "VpcMemberCreate"),
    ("PUT", r"/[^/]+/members", None, "VpcMemberModify"),
    ("DELETE", r"/[^/]+/members/[^/]+", "DeleteBackendInstanceV2Request", None),
    ("POST", r"/[^/]+/members/batch-(enable|disable)", None, "MembersBatchEnableOrDisable"),
    ("PUT", r"/[^/]+/health-config", None, "VpcHealthConfig"),
    ("GET", r"/[^/]+/member-groups", "ListMemberGroupsRequest", None),
    ("POST", r"/[^/]+/member-groups", None, "MemberGroupCreateBatch"),
    ("GET", r"/[^/]+/member-groups/[^/]+", "ShowDetailsOfMemberGroupRequest", None),
    ("PUT", r"/[^/]+/member-groups/[^/]+", None, "MemberGroupCreate"),
    ("DELETE", r"/[^/]+/member-groups/[^/]+", "DeleteMemberGroupRequest", None),
]


class Report:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, ok, what, details=()):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        print(f"FAIL {what}")
        for d in details:
            print(f"     {d}")


def start_emulator(binary, *flags):
    proc = subprocess.Popen([binary, "--port", "0", *flags], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        sys.exit(f"emulator did not start: {line!r}")
    return proc, line[len("listening on "):]


def sdk_client(url):
    cfg = HttpConfig.get_default_config()
    cfg.timeout = (5, 20)
    creds = BasicCredentials(AK, SK, "0123456789abcdef0123456789abcdef")
    return (ApigClient.new_builder().with_http_config(cfg).with_credentials(creds)
            .with_endpoints([url]).build())


def check_capture(path, report):
    with open(path, encoding="utf-8") as f:
        requests = json.load(f)
    report.check(len(requests) >= 20, f"capture: {len(requests)} provider requests in {path}")
    bodies = 0
    for r in requests:
        where = f"provider {r['method']} {r['path']}?{r['raw_query']}"
        tail = re.sub(BASE, "", r["path"]) if re.match(BASE, r["path"]) else None
        route = next((x for x in ROUTES if tail is not None and x[0] == r["method"]
                      and re.fullmatch(x[1], tail)), None)
        if route is None:
            report.check(False, f"{where}: an operation the SDK has")
            continue
        _, _, query_model, body_model = route
        found = query_problems(r["query"], query_model) if query_model else (
            [f"query {k}: the SDK sends none" for k in r["query"]])
        if body_model:
            bodies += 1
            found += problems(r["body"], body_model, allow_null=False)
            if not found:
                load(r["body"], body_model)
        elif r["body"] is not None:
            found.append("a body where the SDK sends none")
        report.check(not found, f"{where}: fits the SDK's {body_model or query_model}", found)
    report.check(bodies >= 10, f"capture: {bodies} provider bodies checked")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, capture = sys.argv[1], sys.argv[2]
    report = Report()
    # With the server's habits and without them (data as stored).
    for flags in [(), ("--no-quirks",)]:
        proc, url = start_emulator(binary, *flags)
        try:
            suite = Suite(sdk_client(url), url, report, quirks=not flags)
            suite.run()
            missing = SDK_OPERATIONS - suite.operations
            report.check(not missing, f"every SDK VPC channel operation was called {flags}",
                         sorted(missing))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    check_capture(capture, report)
    print(f"SDK conformance: {report.passed} passed, {report.failed} failed")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
