"""Shared constants and helpers of scripts/bench: logging, summaries,
finding Terraform, describing the machine."""

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
MAGIC = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
PROJECT = "0123456789abcdef0123456789abcdef"
GATEWAY = "eddc4d25480b4cd6b512f270a1b8b341"
TOKEN = "emulator-token"
CLIENT_CERT = ROOT / "scripts" / "bench-data" / "client-cert.pem"
CLK_TCK = os.sysconf("SC_CLK_TCK")

TARGETS = {
    "startup_ms": 10.0,
    "plan_1": 2.0,
    "plan_n": 1.3,
    "apply_n": 1.3,
    "refresh_plan_n": 1.5,
    "peak_rss_mib": 30.0,
    # provider / replay floor (its own answers, no work), every create and refresh plan
    "replay": 1.03,
}

CASES = ("startup", "plan1", "plann", "apply", "refresh")


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def die(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def summary(xs):
    xs = sorted(xs)
    if not xs:
        return None
    return {
        "median": statistics.median(xs),
        "min": xs[0],
        "max": xs[-1],
        "runs": len(xs),
        "values": [round(x, 6) for x in xs],
    }


# ---------------------------------------------------------------- terraform


def find_terraform(arg):
    for cand in (
        arg,
        os.environ.get("TF_BENCH_TERRAFORM"),
        os.environ.get("TF_ACC_TERRAFORM_PATH"),
        "/usr/local/bin/terraform",
        shutil.which("terraform"),
    ):
        if cand and os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    die("no terraform found: pass --terraform or set TF_BENCH_TERRAFORM")


def terraform_version(tf):
    out = subprocess.run(
        [tf, "version", "-json"],
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_DISABLE": "1"},
    )
    try:
        return json.loads(out.stdout)["terraform_version"]
    except Exception:
        m = re.search(r"v(\d+\.\d+\.\d+)", out.stdout)
        return m.group(1) if m else "unknown"


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_mib": mem,
        "kernel": platform.release(),
        "load_at_start": os.getloadavg(),
    }


def fmt_s(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"
