"""The real OpenCode server: time from a prompt to its first ``message.part.delta`` event.

Like the UI, the client keeps ``/event`` open, creates a session, and sends each prompt
with ``POST /session/{id}/prompt_async``; the reply arrives as events. Each prompt waits
for its session to go idle before the next.

OpenCode keeps getting faster over its first few dozen prompts, so measuring one peer
after another would favour whichever comes last. Instead every peer gets one session,
and the prompts go round the peers in turn: round after round, each peer one prompt.
The first ``warmup`` rounds are not counted.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp

from ..stats import percentile

PROMPT = {"parts": [{"type": "text", "text": "Say the sentence."}]}
PROMPT_TIMEOUT = 60
_DELTA = frozenset({"message.part.delta"})
_IDLE = frozenset({"session.idle"})


class _Chat:
    """One peer's event stream and session."""

    def __init__(self, session: aiohttp.ClientSession, base: str, headers: dict[str, str]):
        self.session = session
        self.base = base
        self.headers = headers
        self.queue: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.samples: list[float] = []
        self.error: str | None = None
        self.session_id = ""
        self._stream: aiohttp.ClientResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def open(self) -> None:
        headers = {**self.headers, "Accept": "text/event-stream"}
        self._stream = await self.session.get(self.base + "/event", headers=headers)
        if self._stream.status != 200:
            raise RuntimeError(f"/event: HTTP {self._stream.status}")
        self._reader = asyncio.ensure_future(self._read(self._stream))
        async with self.session.post(
            self.base + "/session", json={}, headers=self.headers
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"/session: HTTP {response.status}")
            self.session_id = (await response.json())["id"]

    async def _read(self, response: aiohttp.ClientResponse) -> None:
        content = response.content
        while line := await content.readline():
            if line.startswith(b"data: "):
                self.queue.put_nowait((time.perf_counter(), json.loads(line[6:])))

    async def _until(self, kinds: frozenset[str]) -> float:
        while True:
            arrived, event = await self.queue.get()
            properties = event.get("properties") or {}
            if event.get("type") in kinds and properties.get("sessionID") == self.session_id:
                return arrived

    async def prompt(self, counted: bool) -> None:
        url = f"{self.base}/session/{self.session_id}/prompt_async"
        async with asyncio.timeout(PROMPT_TIMEOUT):
            sent = time.perf_counter()
            async with self.session.post(url, json=PROMPT, headers=self.headers) as response:
                if response.status not in (200, 204):
                    raise RuntimeError(f"prompt_async: HTTP {response.status}")
            arrived = await self._until(_DELTA)
            if counted:
                self.samples.append((arrived - sent) * 1000)
            await self._until(_IDLE)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._stream is not None:
            self._stream.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no reply within {PROMPT_TIMEOUT} s"
    return str(exc) or type(exc).__name__


async def first_delta(spec: dict[str, Any]) -> dict[str, Any]:
    """Per peer: the prompt-to-first-delta samples and their median."""
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        chats = {
            peer: _Chat(session, target["base"], target["headers"])
            for peer, target in spec["targets"].items()
        }
        try:
            for chat in chats.values():
                try:
                    await chat.open()
                except (aiohttp.ClientError, OSError, RuntimeError, TimeoutError) as exc:
                    chat.error = _reason(exc)
            for index in range(spec["warmup"] + spec["prompts"]):
                for chat in chats.values():
                    if chat.error is not None:
                        continue
                    try:
                        await chat.prompt(counted=index >= spec["warmup"])
                    except (aiohttp.ClientError, OSError, RuntimeError, TimeoutError) as exc:
                        chat.error = _reason(exc)
        finally:
            for chat in chats.values():
                chat.close()
    return {
        "peers": {
            peer: {
                "samples_ms": chat.samples,
                "median_ms": percentile(chat.samples, 50),
                "error": chat.error,
            }
            for peer, chat in chats.items()
        }
    }
