"""Processes the benchmark runs and watches: the emulator, Terraform (the
runner) and the sampler of provider memory and CPU."""

import atexit
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request

from .common import CLK_TCK, die

class Emulator:
    def __init__(self, exe, quota):
        self.proc = None
        atexit.register(self.stop)
        self.proc = subprocess.Popen(
            [str(exe), "--port", "0", "--quota", str(quota), "--max-recorded", "50000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            die(f"unexpected emulator banner {line!r}")
        self.url = line[len("listening on "):]

    def admin(self, method, path):
        req = urllib.request.Request(f"{self.url}/_emulator/{path}", method=method)
        if method == "POST":
            req.data = b"{}"
        if method != "GET":
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as r:
            body = r.read()
        return json.loads(body) if body else None

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def reset(self):
        self.admin("POST", "reset")

    def take_requests(self):
        reqs = self.admin("GET", "requests") or []
        self.admin("DELETE", "requests")
        return reqs

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def read_ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def read_cpu_s(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def read_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Sampler(threading.Thread):
    """Samples VmHWM (and CPU time) of a Terraform process and of its
    provider children.

    Only new PIDs are inspected for their parent, so a tick costs a listdir
    of /proc and one status read per watched process. A provider sample
    counts only once the child runs the provider binary (Go's vfork child
    shares Terraform's memory until exec)."""

    def __init__(self, provider_exe, interval):
        super().__init__(daemon=True)
        self.exe = os.path.realpath(provider_exe)
        self.interval = interval
        self.lock = threading.Lock()
        self.root = None
        self.seen = set()
        self.children = set()
        self.stopped = False
        self.reset(None)

    def reset(self, root):
        with self.lock:
            self.root = root
            self.seen = set(os.listdir("/proc")) if root else set()
            self.children = set()
            self.provider_hwm = {}
            self.provider_cpu = {}
            self.root_hwm = 0

    def result(self):
        with self.lock:
            return {
                "provider_peak_kib": max(self.provider_hwm.values(), default=0),
                "provider_processes": len(self.provider_hwm),
                "provider_cpu_s": sum(self.provider_cpu.values()),
                "terraform_peak_kib": self.root_hwm,
            }

    def tick(self):
        with self.lock:
            root = self.root
            if root is None:
                return
            for name in os.listdir("/proc"):
                if name in self.seen or not name.isdigit():
                    continue
                self.seen.add(name)
                if read_ppid(name) == root:
                    self.children.add(name)
            h = read_hwm_kib(root)
            if h:
                self.root_hwm = max(self.root_hwm, h)
            for c in list(self.children):
                try:
                    exe = os.readlink(f"/proc/{c}/exe")
                except OSError:
                    self.children.discard(c)
                    continue
                if exe != self.exe:
                    continue
                h = read_hwm_kib(c)
                if h:
                    self.provider_hwm[c] = max(self.provider_hwm.get(c, 0), h)
                cpu = read_cpu_s(c)
                if cpu is not None:
                    self.provider_cpu[c] = cpu

    def run(self):
        while not self.stopped:
            self.tick()
            time.sleep(self.interval)


class Runner:
    def __init__(self, tf, sampler, logdir):
        self.tf = tf
        self.sampler = sampler
        self.logdir = logdir

    def run(self, ws, args, expect, sample=False, extra_env=None):
        """Runs terraform; returns (wall seconds, cpu seconds of the tree, mem)."""
        env = dict(ws.env)
        if extra_env:
            env.update(extra_env)
        out = open(ws.dir / "last.log", "wb")
        t0 = time.perf_counter()
        p = subprocess.Popen(
            [self.tf] + args, cwd=ws.dir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        if sample:
            self.sampler.reset(p.pid)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        mem = None
        if sample:
            self.sampler.tick()
            mem = self.sampler.result()
            self.sampler.reset(None)
        out.close()
        if p.returncode not in expect:
            dest = self.logdir / f"failed-{ws.name}-{int(time.time())}.log"
            shutil.copy(ws.dir / "last.log", dest)
            tail = (ws.dir / "last.log").read_text(errors="replace")[-3000:]
            die(
                f"terraform {' '.join(args)} in {ws.name} exited {p.returncode}, "
                f"expected {expect}; log: {dest}\n{tail}"
            )
        return wall, ru.ru_utime + ru.ru_stime, mem
