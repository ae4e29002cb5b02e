"""Start the pinned, real OpenCode server on loopback, offline, in a throw-away directory.

Used by the tests and the benchmarks. The binary comes from ``tools/opencode`` (npm
``opencode-ai``, pinned in its package.json); ``OPENCODE_BIN`` overrides it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = ROOT / "tools" / "opencode" / "node_modules" / ".bin" / "opencode"
# The demo's rule: commands run, except ``rm``, which asks first.
DEMO_PERMISSION: dict[str, object] = {"bash": {"*": "allow", "rm *": "ask"}}
# The demo project's program: the scripted model's tour reads it, runs it and flips its
# greeting (tools/fake_model/script.py).
DEMO_HELLO = '''"""A tiny program for the demo model to read, run and edit."""


def greeting() -> str:
    return "Hello from the demo project"


def main() -> None:
    print("Hello, world!")


main()
'''
OFFLINE = {
    "OPENCODE_DISABLE_MODELS_FETCH": "1",
    "OPENCODE_DISABLE_AUTOUPDATE": "1",
    "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    "OPENCODE_DISABLE_SHARE": "1",
}


def opencode_binary() -> Path:
    """The OpenCode executable to run."""
    return Path(os.environ.get("OPENCODE_BIN", DEFAULT_BIN))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def model_config(
    model_url: str,
    permission: dict[str, object] | None = None,
    *,
    all_providers: bool = False,
) -> str:
    """OPENCODE_CONFIG_CONTENT pointing OpenCode at an OpenAI-compatible model.

    Like ``make run``'s demo, only the fake provider is enabled, unless ``all_providers``
    (then OpenCode also lists its whole catalogue, nearly all of it without credentials).
    """
    config: dict[str, object] = {
        "model": "fake/fake-model",
        "small_model": "fake/fake-model",
        "provider": {
            "fake": {
                "name": "Fake",
                "npm": "@ai-sdk/openai-compatible",
                "options": {"baseURL": model_url, "apiKey": "x"},
                "models": {
                    "fake-model": {
                        "name": "Fake model",
                        "limit": {"context": 128000, "output": 8192},
                        # So OpenCode passes images and PDFs on instead of refusing them.
                        "attachment": True,
                        "modalities": {"input": ["text", "image", "pdf"], "output": ["text"]},
                        # Thinking efforts, for the model picker's variant control.
                        "variants": {
                            "low": {"reasoningEffort": "low"},
                            "high": {"reasoningEffort": "high"},
                        },
                    },
                    # A second model, so that choosing one is observable in what it receives.
                    "fake-model-2": {
                        "name": "Fake model two",
                        "limit": {"context": 64000, "output": 4096},
                    },
                },
            }
        },
    }
    if not all_providers:
        config["enabled_providers"] = ["fake"]
    if permission:
        config["permission"] = permission
    return json.dumps(config)


class OpenCodeServer:
    """One ``opencode serve`` process with its own HOME, data and project directory."""

    def __init__(
        self,
        model_url: str,
        *,
        port: int | None = None,
        password: str | None = None,
        permission: dict[str, object] | None = None,
        log_path: Path | None = None,
        all_providers: bool = False,
    ):
        self.port = port or free_port()
        self.password = password
        self.model_url = model_url
        self.permission = permission
        self.log_path = log_path
        self.all_providers = all_providers
        self.root = Path(tempfile.mkdtemp(prefix="opencode-"))
        self.project = self.root / "project"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """The process environment: offline, isolated, with the fake model configured."""
        home = self.root / "home"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "TERM": "xterm-256color",
            "SHELL": "/bin/bash",
            "OPENCODE_CONFIG_CONTENT": model_config(
                self.model_url, self.permission, all_providers=self.all_providers
            ),
            **OFFLINE,
        }
        if self.password is not None:
            env["OPENCODE_SERVER_PASSWORD"] = self.password
        return env

    def start(self, timeout: float = 60.0) -> OpenCodeServer:
        """Start the process and wait until ``/global/health`` answers."""
        self.project.mkdir(parents=True, exist_ok=True)
        (self.project / "README.md").write_text("# A throw-away project for tests\n")
        log = open(self.log_path or self.root / "serve.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(opencode_binary()), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
            cwd=self.project,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        """Poll the health endpoint until it answers or the process dies."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(self.url + "/global/health")
        if self.password is not None:
            import base64

            token = base64.b64encode(f"opencode:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"opencode exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"opencode did not become healthy in {timeout}s: {self.log()}")

    def log(self) -> str:
        """The tail of the server's output."""
        path = self.log_path or self.root / "serve.log"
        try:
            return path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the process (and its children, e.g. PTY shells)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 15)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.process = None

    def cleanup(self) -> None:
        """Stop and remove every file the server wrote."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
