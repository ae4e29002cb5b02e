"""Large bodies: download a file and upload the same number of bytes, timing each."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

PIECE = 1024 * 1024
_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=60)


def _failure(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "body cut short"
    if isinstance(exc, aiohttp.ClientOSError | ConnectionError):
        return "connection reset"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return type(exc).__name__


def _result(size: int, done: int, seconds: float, error: str | None) -> dict[str, Any]:
    if error is None and done != size:
        error = f"{done} of {size} bytes"
    return {
        "bytes": done,
        "seconds": seconds,
        "mb_per_s": done / seconds / 1e6 if seconds > 0 and error is None else None,
        "error": error,
    }


async def download(spec: dict[str, Any]) -> dict[str, Any]:
    """GET ``url`` and count the body's bytes as they arrive."""
    size = spec["bytes"]
    done = 0
    error = None
    started = time.perf_counter()
    async with aiohttp.ClientSession(
        auto_decompress=False, timeout=_TIMEOUT, read_bufsize=PIECE
    ) as session:
        try:
            async with session.get(spec["url"], headers=spec["headers"]) as response:
                if response.status != 200:
                    error = f"HTTP {response.status}"
                else:
                    async for chunk in response.content.iter_any():
                        done += len(chunk)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            error = _failure(exc)
    return _result(size, done, time.perf_counter() - started, error)


async def upload(spec: dict[str, Any]) -> dict[str, Any]:
    """POST ``bytes`` bytes with a Content-Length; the sink answers how many it got."""
    size = spec["bytes"]
    sent = 0
    piece = bytes(PIECE)

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < size:
            part = piece[: min(PIECE, size - sent)]
            sent += len(part)
            yield part

    headers = {
        **spec["headers"],
        "Content-Length": str(size),
        "Content-Type": "application/octet-stream",
    }
    received = 0
    error = None
    started = time.perf_counter()
    async with aiohttp.ClientSession(auto_decompress=False, timeout=_TIMEOUT) as session:
        try:
            async with session.post(spec["url"], data=body(), headers=headers) as response:
                if response.status != 200:
                    error = f"HTTP {response.status}"
                else:
                    received = int((await response.json(content_type=None))["received"])
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError, KeyError) as exc:
            error = _failure(exc)
    return _result(size, received, time.perf_counter() - started, error)
