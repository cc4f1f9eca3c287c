"""One function per benchmark case. Every Terraform case runs the provider
and its floors interleaved, so that load on the machine hits them alike:

- the replay floor: `replay-provider` serving the provider's own answers,
  recorded once per case, with no provider work; Terraform gets the same
  bytes, so it renders the same plan and does the same work, and the ratio
  to it is what the provider itself costs;
- `terraform_data` holding the same arguments, and the minimal floor
  (`terraform_data` with a string input): Terraform's cost without a plugin.
"""

import os
import re
import shutil
import subprocess
import time

from .common import CLIENT_CERT, MAGIC, TARGETS, die, fmt_s, log, summary
from .fixtures import (
    Workspace,
    channel_config,
    cli_config,
    floor_config,
    light_floor_config,
)
from .report import pair, rpc_profile

PLAN = ["plan", "-refresh=false", "-input=false", "-no-color", "-detailed-exitcode"]
REFRESH = ["plan", "-input=false", "-no-color", "-detailed-exitcode"]


def apply_args(parallelism):
    return ["apply", "-auto-approve", "-input=false", "-no-color", f"-parallelism={parallelism}"]


def normalized(text):
    """A run's output as a sorted list of lines, without what differs from
    run to run anyway: resources are reported in completion order, with
    elapsed times and, for a create, the ID the API chose; the warning about
    dev_overrides names the plugin's directory."""
    lines = []
    for line in text.splitlines():
        if "Still creating..." in line or line.startswith(" - huaweicloud/huaweicloud in "):
            continue
        line = re.sub(r" after \d+(m\d+)?s", "", line)
        if "Creation complete" in line:
            line = re.sub(r"\[id=\w+\]", "[id]", line)
        lines.append(line)
    return sorted(lines)


class Bench:
    """What every case shares: Terraform, the emulator, the workspaces'
    environments and the results."""

    def __init__(self, a, tf, work, run_dir, emu, runner, env, release):
        self.a, self.tf, self.work, self.emu, self.runner = a, tf, work, emu, runner
        self.run_dir = run_dir
        self.env = env
        plugin = work / "replay-plugin"
        plugin.mkdir()
        (plugin / "terraform-provider-huaweicloud").symlink_to(release / "replay-provider")
        self.env_replay = {
            **env,
            "TF_CLI_CONFIG_FILE": str(cli_config(work / "terraformrc-replay", plugin)),
        }
        self.res = {"pairs": {}}
        self.emu_phases = {}
        self.mem_phases = {}
        self.floor_mem = []

    def ws(self, name, cfg, replay=False):
        return Workspace(self.work, name, cfg, self.env_replay if replay else self.env)

    def floors(self, key, count):
        """The terraform_data floors of a case: (label, workspace) pairs."""
        out = [] if self.a.no_data_floor else [("floor", self.ws(f"{key}-floor", floor_config(count)))]
        if count > 1 and not self.a.no_light_floor:
            out.append(("light floor", self.ws(f"{key}-light", light_floor_config(count))))
        return out

    def record(self, ws, args, expect):
        """The provider's answers to `args` in `ws`, recorded once."""
        rec = self.work / f"recording-{ws.name}"
        rec.mkdir()
        self.runner.run(ws, args, expect, extra_env={"HW_REPLAY_RECORD": str(rec)})
        return rec

    def replay(self, ws, rec, args, expect, provider_ws, check):
        """One replayed run; compares its output with the provider's last."""
        wall, cpu, _ = self.runner.run(ws, args, expect, extra_env={"HW_REPLAY_FROM": str(rec)})
        same = normalized(ws.output()) == normalized(provider_ws.output())
        if not same:
            shutil.copy(ws.dir / "last.log", self.run_dir / f"replay-differs-{ws.name}.log")
            shutil.copy(provider_ws.dir / "last.log", self.run_dir / f"provider-{ws.name}.log")
        check["identical"] = check.get("identical", True) and same
        return wall, cpu

    def emu_phase(self, name, cpu0, wall):
        reqs = self.emu.take_requests()
        d = [r.get("duration_ms", 0) for r in reqs]
        cpu = self.emu.cpu_seconds() - cpu0
        self.emu_phases.setdefault(name, []).append(
            {
                "requests": len(reqs),
                "cpu_s": cpu,
                "cpu_us_per_request": cpu / len(reqs) * 1e6 if reqs else 0,
                "busy_pct": 100 * cpu / wall if wall else 0,
                "handling_ms_sum": sum(d),
                "handling_ms_max": max(d, default=0),
                "errors": sum(1 for r in reqs if r.get("status", 0) >= 400),
            }
        )
        return reqs

    def store(self, key, target, runs, rec, check):
        """Ratios of a case from its runs: {label: [{wall, cpu, mem}]}."""
        c = pair(runs["channel"], runs.get("floor") or runs["replay"], target)
        walls = lambda lbl: summary([r["wall"] for r in runs[lbl]])  # noqa: E731
        c["replay_floor"] = walls("replay")
        c["replay_cpu"] = summary([r["cpu"] for r in runs["replay"]])
        c["replay_ratio"] = c["provider"]["median"] / c["replay_floor"]["median"]
        c["replay_cpu_ratio"] = c["cpu"]["provider"]["median"] / c["replay_cpu"]["median"]
        c["replay_identical"] = check.get("identical", False)
        misses = rec / "misses"
        c["replay_misses"] = len(misses.read_text().splitlines()) if misses.exists() else 0
        if "floor" not in runs:
            c["floor"] = None
            c["ratio"] = None
        if runs.get("light floor"):
            c["light_floor"] = walls("light floor")
            c["light_ratio"] = c["provider"]["median"] / c["light_floor"]["median"]
        self.res["pairs"][key] = c
        log(
            f"  {key}: to the replay floor {c['replay_ratio']:.3f}× (CPU {c['replay_cpu_ratio']:.3f}×, "
            f"target ≤ {TARGETS['replay']}), plans identical: {c['replay_identical']}, "
            f"misses: {c['replay_misses']}"
        )
        if not c["replay_identical"] or c["replay_misses"]:
            log(f"  {key}: the replay differs from the provider; see {self.run_dir}")


def show(label, i, wu, walls):
    log(
        f"  {label} run {i + 1 - wu:>2}: "
        + ", ".join(f"{k} {fmt_s(v)}" for k, v in walls.items())
        + (" (warm-up)" if i < wu else "")
    )


class Rounds:
    """The runs of one case, a round at a time: the provider's run, then the
    replay of its recording, then each floor. `out` holds the kept runs:
    {label: [{wall, cpu, mem}]}."""

    def __init__(self, b, chan, rep, rec, floors, args, expect, sample=True):
        self.b, self.chan, self.rep, self.rec, self.floors = b, chan, rep, rec, floors
        self.args, self.expect, self.sample = args, expect, sample
        self.out = {"channel": [], "replay": [], **{lbl: [] for lbl, _ in floors}}
        self.check = {}

    def follow(self, label, i, wu, first, fresh=False):
        """Runs the replay and the floors after the provider's run `first`
        (wall, cpu, mem) of round `i`; `fresh`: each from empty state. Keeps
        the round unless it is a warm-up."""
        walls, rows = {"channel": first[0]}, [("channel", *first)]
        if fresh:
            self.rep.clear_state()
        wall, cpu = self.b.replay(self.rep, self.rec, self.args, self.expect, self.chan, self.check)
        walls["replay"] = wall
        rows.append(("replay", wall, cpu, None))
        for lbl, w in self.floors:
            if fresh:
                w.clear_state()
            wall, cpu, mem = self.b.runner.run(w, self.args, self.expect, sample=self.sample)
            walls[lbl] = wall
            rows.append((lbl, wall, cpu, mem))
        if i >= wu:
            for lbl, wall, cpu, mem in rows:
                self.out[lbl].append({"wall": wall, "cpu": cpu, "mem": mem})
        show(label, i, wu, walls)

    def store(self, key, target, mem_phase=None):
        """The case's ratios; `mem_phase` names the provider's memory."""
        self.b.store(key, target, self.out, self.rec, self.check)
        if mem_phase:
            self.b.mem_phases[mem_phase] = self.out["channel"]
            self.b.floor_mem += self.out.get("floor", [])


def create_plan(b, key, count, runs, wu):
    """`plan -refresh=false` of `count` new channels against the floors."""
    chan = b.ws(f"{key}-channel", channel_config(b.emu.url, count))
    rep = b.ws(f"{key}-replay", channel_config(b.emu.url, count), replay=True)
    rec = b.record(rep, PLAN, (2,))
    rounds = Rounds(b, chan, rep, rec, b.floors(key, count), PLAN, (2,), sample=count > 1)
    for i in range(wu + runs):
        first = b.runner.run(chan, PLAN, (2,), sample=count > 1)
        rounds.follow(key, i, wu, first)
    rounds.store(key, TARGETS["plan_1" if count == 1 else "plan_n"], "create plan" if count > 1 else None)


def apply(b, n, runs, wu):
    """`apply` creating n channels (emulator reset before each) against the
    floors. Returns the provider's workspace, holding the last apply."""
    args = apply_args(b.a.parallelism)
    chan = b.ws("apply-channel", channel_config(b.emu.url, n))
    rep = b.ws("apply-replay", channel_config(b.emu.url, n), replay=True)
    b.emu.reset()
    rec = b.record(rep, args, (0,))
    floors = b.floors("apply", n)
    rounds = Rounds(b, chan, rep, rec, floors, args, (0,))
    for i in range(wu + runs):
        b.emu.reset()
        b.emu.take_requests()
        chan.clear_state()
        cpu0 = b.emu.cpu_seconds()
        first = b.runner.run(chan, args, (0,), sample=True)
        reqs = b.emu_phase(f"apply of {n}", cpu0, first[0])
        created = sum(1 for r in reqs if r.get("method") == "POST" and r.get("status") == 201)
        if created != n:
            die(f"apply created {created} channels, expected {n}")
        rounds.follow("apply", i, wu, first, fresh=True)
    b.emu_phases[f"apply of {n}"] = b.emu_phases[f"apply of {n}"][wu:]
    rounds.store("apply_n", TARGETS["apply_n"], "apply")
    b.res["state_bytes"] = {"channel": (chan.dir / "terraform.tfstate").stat().st_size}
    for lbl, w in floors:
        b.res["state_bytes"][lbl] = (w.dir / "terraform.tfstate").stat().st_size
    return chan, floors


def refresh_plan(b, n, runs, wu, applied):
    """`plan` of n existing channels: the provider reads each one. The
    replay reads the same state, so it is recorded from it once.
    `applied`: the apply case's workspaces, else None (one apply here)."""
    if applied is None:
        log(f"  one apply of {n} to refresh")
        chan, floors = b.ws("refresh-channel", channel_config(b.emu.url, n)), b.floors("refresh", n)
        b.emu.reset()
        for w in [chan] + [w for _, w in floors]:
            b.runner.run(w, apply_args(b.a.parallelism), (0,))
        applied = chan, floors
    applied, floors = applied
    rep = b.ws("refresh-replay", channel_config(b.emu.url, n), replay=True)
    shutil.copy(applied.dir / "terraform.tfstate", rep.dir / "terraform.tfstate")
    rec = b.record(rep, REFRESH, (0,))
    b.emu.take_requests()
    rounds = Rounds(b, applied, rep, rec, floors, REFRESH, (0,))
    for i in range(wu + runs):
        cpu0 = b.emu.cpu_seconds()
        first = b.runner.run(applied, REFRESH, (0,), sample=True)
        b.emu_phase(f"refresh plan of {n}", cpu0, first[0])
        rounds.follow("refresh plan", i, wu, first)
    b.emu_phases[f"refresh plan of {n}"] = b.emu_phases[f"refresh plan of {n}"][wu:]
    rounds.store("refresh_plan_n", TARGETS["refresh_plan_n"], "refresh plan")


def rpc_time(b, count):
    """One apply and refresh plan with TF_LOG_PROVIDER=debug: the provider's
    own time per RPC."""
    ws = b.ws("rpc-profile", channel_config(b.emu.url, count))
    prof = {}
    b.emu.reset()
    for phase, args in (("apply", apply_args(b.a.parallelism)), ("refresh plan", REFRESH)):
        logf = b.run_dir / f"provider-debug-{phase.replace(' ', '-')}.log"
        wall, _, _ = b.runner.run(
            ws, args, (0,), extra_env={"TF_LOG_PROVIDER": "debug", "TF_LOG_PATH": str(logf)}
        )
        b.emu.take_requests()
        prof[f"{phase} of {count}"] = {"wall": wall, **rpc_profile(logf)}
        logf.unlink(missing_ok=True)  # large; the summary is kept
    b.res["rpc_profile"] = prof


def startup(provider, runs, tmp):
    """Exec of the provider to its handshake line, with AutoMTLS and in
    plain text, and of `echo` (the harness's own cost)."""
    tmp.mkdir(parents=True, exist_ok=True)
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "TMPDIR": str(tmp),
        "TF_PLUGIN_MAGIC_COOKIE": MAGIC,
        "PLUGIN_PROTOCOL_VERSIONS": "6",
        "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
    }
    variants = {
        "tls": {**base, "PLUGIN_CLIENT_CERT": CLIENT_CERT.read_text()},
        "plain": {**base, "TF_DISABLE_PLUGIN_TLS": "1"},
    }
    times = {k: [] for k in (*variants, "spawn_floor")}
    echo = shutil.which("echo") or "/bin/echo"
    for i in range(runs + 1):  # the first round warms the page cache
        for name, env in variants.items():
            t0 = time.perf_counter()
            p = subprocess.Popen([str(provider)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            line = p.stdout.readline()
            t = time.perf_counter() - t0
            p.kill()
            p.wait()
            p.stdout.close()
            fields = line.decode(errors="replace").strip().split("|")
            if len(fields) != 6 or fields[:3] != ["1", "6", "unix"]:
                die(f"bad handshake line ({name}): {line!r}")
            if (name == "tls") != bool(fields[5]):
                die(f"handshake line of the {name} run has the wrong certificate field")
            if i:
                times[name].append(t * 1000)
        t0 = time.perf_counter()
        p = subprocess.Popen([echo, "1|6"], stdout=subprocess.PIPE)
        p.stdout.readline()
        t = time.perf_counter() - t0
        p.wait()
        p.stdout.close()
        if i:
            times["spawn_floor"].append(t * 1000)
    shutil.rmtree(tmp, ignore_errors=True)
    return {k: summary(v) for k, v in times.items()}
