"""Fixtures that run the real OpenCode server (pinned npm ``opencode-ai``) and a fake model."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.opencode_server import OpenCodeServer, free_port, opencode_binary

ROOT = Path(__file__).resolve().parents[2]


class FakeModel:
    """tools/fake_model.py in its own process."""

    def __init__(self, *, demo: bool = False) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tools.fake_model",
                "--port",
                str(self.port),
                *(["--demo"] if demo else []),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url.removesuffix("/v1") + "/health", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("fake model did not start")

    @property
    def url(self) -> str:
        """The OpenAI-compatible base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> list[dict[str, Any]]:
        """The chat-completions requests the model received, oldest first (the last 200)."""
        with urllib.request.urlopen(self.url.removesuffix("/v1") + "/requests", timeout=5) as r:
            return list(json.load(r))

    def stop(self) -> None:
        """Stop the process."""
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def fake_model() -> Iterator[FakeModel]:
    """One fake model for the whole run."""
    if not opencode_binary().exists():
        pytest.fail(f"OpenCode is not installed at {opencode_binary()}: run `make test`")
    model = FakeModel()
    yield model
    model.stop()


@pytest.fixture(scope="session")
def opencode(fake_model: FakeModel) -> Iterator[OpenCodeServer]:
    """A real OpenCode server on loopback, offline, using the fake model."""
    server = OpenCodeServer(fake_model.url, permission={"bash": "ask"}).start()
    yield server
    server.cleanup()


PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def opencode_protected(fake_model: FakeModel) -> Iterator[OpenCodeServer]:
    """A real OpenCode server that requires HTTP Basic auth (OPENCODE_SERVER_PASSWORD)."""
    server = OpenCodeServer(fake_model.url, password=PASSWORD).start()
    yield server
    server.cleanup()
