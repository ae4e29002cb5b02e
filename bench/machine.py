"""Describe the machine and the software measured, for the report."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from .install import OPENCODE_DIR, jsp_versions, which


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def _version_output(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _opencode_version() -> str:
    package = OPENCODE_DIR / "node_modules" / "opencode-ai" / "package.json"
    try:
        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "not installed"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the machine was."""
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def describe(load: str) -> dict[str, str]:
    """CPU, memory, kernel, the load before the run, the versions of everything measured."""
    memory_kib = _first("/proc/meminfo", "MemTotal").split()[0]
    try:
        memory = f"{int(memory_kib) / 1024 / 1024:.1f} GiB"
    except ValueError:
        memory = "unknown"
    nginx = which("nginx")
    wrk = which("wrk")
    jsp = jsp_versions()
    return {
        "CPU": f"{_first('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores",
        "Memory": memory,
        "Kernel": platform.release(),
        "OS": _first("/etc/os-release", "PRETTY_NAME").strip('"'),
        "Load average before the run (1/5/15 min)": load,
        "Python": platform.python_version(),
        "aiohttp": _package("aiohttp"),
        "uvloop": _package("uvloop"),
        "opencode-proxy": _package("opencode-proxy"),
        "nginx": _version_output([nginx, "-v"]).removeprefix("nginx version: ")
        if nginx
        else "not installed",
        "wrk": _version_output([wrk, "-v"]).split(" [")[0] if wrk else "not installed",
        "jupyter-server-proxy": jsp.get("jupyter-server-proxy", "not installed"),
        "jupyter-server": jsp.get("jupyter-server", "not installed"),
        "tornado": jsp.get("tornado", "not installed"),
        "OpenCode": _opencode_version(),
    }
