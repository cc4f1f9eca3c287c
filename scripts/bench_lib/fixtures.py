"""The configurations the benchmark plans and applies. The channel's
arguments come from tests/fixtures/bench-channel.json, which
benches/cpu_per_resource reads too."""

import json

from .common import PROJECT, ROOT, TOKEN

FIXTURE = ROOT / "tests" / "fixtures" / "bench-channel.json"


def hcl(v, indent):
    """A JSON value as an HCL expression; lists of objects one per line."""
    p = " " * indent
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        items = "".join(f"{p}  {hcl(x, -1)},\n" for x in v)
        return f"[\n{items}{p}]"
    if indent < 0:  # an object inside a list: one line
        return "{ " + ", ".join(f"{k} = {hcl(x, -1)}" for k, x in v.items()) + " }"
    return "{\n" + "".join(f"{p}  {k} = {hcl(x, indent + 2)}\n" for k, x in v.items()) + f"{p}}}"


def channel_body(indent):
    """The resource arguments, shared by the channel and the floor input."""
    args = {"name": "bench_${count.index}", **json.loads(FIXTURE.read_text())}
    p = " " * indent
    return "".join(f"{p}{k} = {hcl(v, indent)}\n" for k, v in args.items())


def channel_config(emu_url, n):
    return f"""terraform {{
  required_providers {{
    huaweicloud = {{
      source = "huaweicloud/huaweicloud"
    }}
  }}
}}

provider "huaweicloud" {{
  region     = "cn-north-4"
  project_id = "{PROJECT}"
  token      = "{TOKEN}"
  endpoints  = {{ apig = "{emu_url}" }}
}}

resource "huaweicloud_apig_vpc_channel" "bench" {{
  count = {n}
{channel_body(2)}}}
"""


def floor_config(n):
    return f"""resource "terraform_data" "bench" {{
  count = {n}
  input = {{
{channel_body(4)}  }}
}}
"""


def light_floor_config(n):
    """Terraform's own minimum per resource: a tiny state and plan."""
    return f"""resource "terraform_data" "bench" {{
  count = {n}
  input = "bench_${{count.index}}"
}}
"""


def cli_config(path, plugin_dir):
    """A CLI config whose dev_overrides serve huaweicloud/huaweicloud from `plugin_dir`."""
    path.write_text(
        'provider_installation {\n  dev_overrides {\n'
        f'    "huaweicloud/huaweicloud" = "{plugin_dir}"\n'
        "  }\n  direct {}\n}\n"
    )
    return path


class Workspace:
    def __init__(self, base, name, config, env):
        self.dir = base / name
        self.dir.mkdir(parents=True)
        (self.dir / "main.tf").write_text(config)
        self.env = env
        self.name = name

    def clear_state(self):
        for f in ("terraform.tfstate", "terraform.tfstate.backup"):
            try:
                (self.dir / f).unlink()
            except FileNotFoundError:
                pass

    def output(self):
        return (self.dir / "last.log").read_text(errors="replace")
