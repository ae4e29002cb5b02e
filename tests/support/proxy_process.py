"""``python -m opencode_proxy`` in its own process, as it runs in a notebook pod."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.proxy_client import PREFIX
from tools.opencode_server import free_port

ROOT = Path(__file__).resolve().parents[2]


class ProxyProcess:
    """``python -m opencode_proxy`` in its own process, as it runs in a notebook pod."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.args = ["--host", "127.0.0.1", "--port", str(self.port), "--prefix", PREFIX, *args]
        self.env = {**os.environ, "OPENCODE_PROXY_LOG_FORMAT": "json", **(env or {})}
        # Never the user's own $HOME state: a state directory of its own unless one is given.
        self.own_state_dir: Path | None = None
        if "--state-dir" not in args and "OPENCODE_PROXY_STATE_DIR" not in (env or {}):
            self.own_state_dir = Path(tempfile.mkdtemp(prefix="opencode-proxy-state-"))
            self.env["OPENCODE_PROXY_STATE_DIR"] = str(self.own_state_dir)
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def base(self) -> str:
        """The service's URL with the prefix."""
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def start(self) -> ProxyProcess:
        """Start the process and wait until /healthz answers."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "opencode_proxy", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "proxy exited: " + (self.process.stdout.read() if self.process.stdout else "")
                )
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("proxy did not start")

    def stop(self) -> str:
        """Stop the process if it still runs; return everything it logged."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        self.output.append(out or "")
        if self.own_state_dir is not None:
            shutil.rmtree(self.own_state_dir, ignore_errors=True)
            self.own_state_dir = None
        return "".join(self.output)
