"""The benchmark's report: ratios of interleaved runs, the provider's
per-RPC time from its debug log, and results.md."""

import datetime
import re

from .common import TARGETS, fmt_s, summary

RPC_RE = re.compile(r"\btf_rpc=(\w+)")
DUR_RE = re.compile(r"\btf_req_duration_ms=([\d.]+)")
TS_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z")


def log_ts(line):
    m = TS_RE.match(line)
    if not m:
        return None
    return datetime.datetime.fromisoformat(m.group(1)).timestamp()


def rpc_profile(path):
    """Per-RPC time from the provider's "Served request" lines, and, from
    Terraform's go-plugin lines, how long each launch waited for the
    handshake ("waiting for RPC address" to "using plugin")."""
    per, waits, lifetimes, started = {}, [], [], {}
    waiting = None
    if not path.exists():
        return {}
    with open(path, errors="replace") as f:
        for line in f:
            if "Served request" in line:
                m, d = RPC_RE.search(line), DUR_RE.search(line)
                if m and d:
                    per.setdefault(m.group(1), []).append(float(d.group(1)))
            elif "provider: plugin started:" in line:
                m = re.search(r"pid=(\d+)", line)
                if m:
                    started[m.group(1)] = log_ts(line)
            elif "provider: waiting for RPC address" in line:
                waiting = log_ts(line)
            elif "provider: using plugin" in line and waiting is not None:
                t = log_ts(line)
                if t is not None:
                    waits.append((t - waiting) * 1000)
                waiting = None
            elif "provider: plugin process exited" in line:
                m = re.search(r"id=(\d+)", line)
                t = log_ts(line)
                if m and m.group(1) in started and t is not None:
                    lifetimes.append((t - started.pop(m.group(1))) * 1000)
    rpcs = {}
    for rpc, xs in sorted(per.items(), key=lambda kv: -sum(kv[1])):
        xs.sort()
        rpcs[rpc] = {
            "calls": len(xs),
            "total_ms": round(sum(xs), 3),
            "mean_ms": round(sum(xs) / len(xs), 4),
            "p50_ms": round(xs[len(xs) // 2], 4),
            "p99_ms": round(xs[min(len(xs) - 1, int(len(xs) * 0.99))], 4),
            "max_ms": round(xs[-1], 4),
        }
    return {
        "rpcs": rpcs,
        "launches": len(waits),
        "handshake_wait_ms": [round(x, 1) for x in waits],
        "process_lifetime_ms": [round(x, 1) for x in lifetimes],
    }


def pair(prov, floor, target, key="wall"):
    p = summary([r[key] for r in prov])
    f = summary([r[key] for r in floor])
    ratio = p["median"] / f["median"] if f and f["median"] else None
    return {
        "provider": p,
        "floor": f,
        "ratio": ratio,
        "target": target,
        "ok": ratio is not None and ratio <= target,
        "cpu": {
            "provider": summary([r["cpu"] for r in prov]),
            "floor": summary([r["cpu"] for r in floor]),
        },
    }


def startup_table(su):
    lines = [
        "| Start-up (exec to handshake line) | median | min | max | runs | target |",
        "|---|---|---|---|---|---|",
    ]
    for k, label in (
        ("tls", "AutoMTLS (certificate generated)"),
        ("plain", "plain text"),
        ("spawn_floor", "`echo` (harness spawn cost)"),
    ):
        s = su[k]
        tgt = ""
        if k != "spawn_floor":
            ok = "✅" if s["median"] < TARGETS["startup_ms"] else "❌"
            tgt = f"< {TARGETS['startup_ms']:.0f} ms {ok}"
        lines.append(
            f"| {label} | {s['median']:.2f} ms | {s['min']:.2f} ms | {s['max']:.2f} ms | {s['runs']} | {tgt} |"
        )
    return lines + [""]


def case_row(label, c):
    """One case: the provider against the replay floor, then the others."""
    ok = "✅" if c["replay_ratio"] <= TARGETS["replay"] else "❌"
    same = "yes" if c["replay_identical"] else "**no**"
    row = (
        f"| {label} | {fmt_s(c['provider']['median'])} | {fmt_s(c['replay_floor']['median'])} | "
        f"**{c['replay_ratio']:.3f}×** {ok} | {c['replay_cpu_ratio']:.3f}× | {same} | {c['replay_misses']} | "
    )
    if c.get("floor"):
        row += f"{fmt_s(c['floor']['median'])} | {c['ratio']:.2f}× | "
    else:
        row += "– | – | "
    lf = c.get("light_floor")
    row += f"{fmt_s(lf['median'])} | {c['light_ratio']:.2f}× | " if lf else "– | – | "
    return row + f"{c['provider']['runs']} |"


def pairs_table(res, n):
    m = res["meta"]
    lines = [
        "| Case | provider | replay floor | ratio | CPU ratio | plans identical | misses "
        "| `terraform_data` | ratio | minimal floor | ratio | runs |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, label in (
        ("plan_1", "`plan -refresh=false`, 1 resource (create plan)"),
        ("plan_n", f"`plan -refresh=false`, {n} resources (create plan)"),
        ("apply_n", f"`apply -parallelism={m['parallelism']}`, create {n}"),
        ("refresh_plan_n", f"`plan` (refresh) of {n} existing"),
    ):
        if res["pairs"].get(name):
            lines.append(case_row(label, res["pairs"][name]))
    return lines + [
        "",
        f"Medians. Ratio: provider / replay floor (target ≤ {TARGETS['replay']}×); the replay "
        "floor serves the provider's recorded answers with no provider work, and its output is "
        "compared with the provider's (sorted lines, elapsed times dropped). CPU ratio: user + "
        "system time of Terraform and all its children. `terraform_data` holds the channel's "
        "arguments; the minimal floor has `input = \"bench_${count.index}\"`.",
        "",
    ]


def memory_lines(res, n):
    mem = res.get("memory")
    if not mem:
        return []
    lines = [
        "| CPU by process, median run | Terraform + provider | provider processes | provider share |",
        "|---|---|---|---|",
    ]
    for k, v in mem["phases"].items():
        share = 100 * v["provider_cpu_s"] / v["tree_cpu_s"] if v["tree_cpu_s"] else 0
        lines.append(
            f"| {k} of {n} channels | {v['tree_cpu_s']:.2f} s | {v['provider_cpu_s']:.2f} s | {share:.1f} % |"
        )
    lines.append("")
    if res.get("state_bytes"):
        lines += [
            "State file after the apply: "
            + ", ".join(f"{k} {v / 1048576:.1f} MiB" for k, v in res["state_bytes"].items())
            + ".",
            "",
        ]
    lines += [
        f"Provider peak RSS (max VmHWM over every provider process, {n} channels): "
        f"**{mem['provider_peak_kib'] / 1024:.1f} MiB** (target < {TARGETS['peak_rss_mib']:.0f} MiB "
        f"{'✅' if mem['ok'] else '❌'}); by phase: "
        + ", ".join(
            f"{k} {v['provider_peak_kib'] / 1024:.1f} MiB ({v['provider_processes']} processes sampled)"
            for k, v in mem["phases"].items()
        )
        + ". Terraform's own peak: channels "
        + f"{mem['terraform_peak_kib']['provider'] / 1024:.0f} MiB, floor {mem['terraform_peak_kib']['floor'] / 1024:.0f} MiB.",
        "",
    ]
    return lines


def emulator_lines(emu):
    lines = [
        "| Emulator, per channel phase (median run) | requests | emulator CPU | CPU / request | busy (CPU / wall) | handling time sum | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, v in emu.items():
        lines.append(
            f"| {k} | {v['requests']} | {v['cpu_s']:.2f} s | {v['cpu_us_per_request']:.0f} µs | "
            f"{v['busy_pct']:.1f} % | {v['handling_ms_sum']} ms | {v['handling_ms_max']} ms |"
        )
    return lines + [""]


def rpc_lines(rp):
    lines = []
    for phase, prof in rp.items():
        if not isinstance(prof, dict) or "rpcs" not in prof:
            continue
        lines += [
            f"RPC time in the provider (TF_LOG_PROVIDER=debug, `tf_req_duration_ms`), {phase} "
            f"(wall {fmt_s(prof['wall'])}; {prof['launches']} provider launches, Terraform waited "
            f"{', '.join(f'{x:.0f}' for x in prof['handshake_wait_ms'])} ms for their handshake lines; "
            f"process lifetimes {', '.join(f'{x / 1000:.2f}' for x in prof['process_lifetime_ms'])} s):",
            "",
            "| RPC | calls | total | mean | p50 | p99 | max |",
            "|---|---|---|---|---|---|---|",
        ]
        for rpc, s in prof["rpcs"].items():
            lines.append(
                f"| {rpc} | {s['calls']} | {s['total_ms']:.1f} ms | {s['mean_ms']:.3f} ms | "
                f"{s['p50_ms']:.3f} ms | {s['p99_ms']:.3f} ms | {s['max_ms']:.3f} ms |"
            )
        lines.append("")
    return lines


def markdown(res):
    m, n = res["meta"], res["meta"]["count"]
    lines = [
        f"# Benchmark {m['date']}",
        "",
        f"Terraform {m['terraform_version']} ({m['terraform']}); provider {m['git']}; "
        f"{m['machine']['nproc']} CPUs ({m['machine']['cpu']}), "
        f"{m['machine']['memory_mib']} MiB; N = {n}"
        + (" (--quick)" if m["quick"] else "")
        + ".",
        "",
    ]
    if res.get("startup"):
        lines += startup_table(res["startup"])
    if res["pairs"]:
        lines += pairs_table(res, n)
    lines += memory_lines(res, n)
    lines += [
        f"Release binary: `terraform-provider-huaweicloud` {m['binary_bytes'] / 1048576:.2f} MiB "
        f"({m['binary_bytes']} bytes), `apig-emulator` {m['emulator_bytes'] / 1048576:.2f} MiB.",
        "",
    ]
    if res.get("emulator"):
        lines += emulator_lines(res["emulator"])
    if res.get("rpc_profile"):
        lines += rpc_lines(res["rpc_profile"])
    la, lb = m["machine"]["load_at_start"], m["machine"].get("load_at_end", (0, 0, 0))
    lines.append(
        f"Total benchmark time: {m['elapsed_s']:.0f} s. Load average (1/5/15 min) at start "
        f"{la[0]:.2f}/{la[1]:.2f}/{la[2]:.2f}, at end {lb[0]:.2f}/{lb[1]:.2f}/{lb[2]:.2f}."
    )
    return "\n".join(lines) + "\n"
