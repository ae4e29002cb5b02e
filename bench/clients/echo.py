"""Websocket echo: many connections, each sending a message and awaiting its echo.

The run is cut into equal windows and the rate reported is the median window's, so a
moment of noise on a shared machine does not decide the figure.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from ..stats import percentile, summary

WARMUP = 0.5


async def websocket(spec: dict[str, Any]) -> dict[str, Any]:
    """Round trips per second and their latency over ``connections`` websockets."""
    count, seconds = spec["connections"], spec["seconds"]
    payload = "m" * spec["message_bytes"]
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        sockets = []
        errors: dict[str, int] = {}
        for _ in range(count):
            try:
                sockets.append(
                    await session.ws_connect(spec["url"], headers=spec["headers"], autoping=False)
                )
            except (aiohttp.ClientError, OSError) as exc:
                name = type(exc).__name__
                errors[name] = errors.get(name, 0) + 1
        if not sockets:
            return {"error": f"no websocket opened: {errors}", "errors": errors}

        loop = asyncio.get_running_loop()
        measure_from = loop.time() + WARMUP
        stop_at = measure_from + seconds
        rtts: list[float] = []
        lost: list[str] = []
        windows = [0] * spec["windows"]
        window = seconds / len(windows)

        async def pump(socket: aiohttp.ClientWebSocketResponse) -> None:
            while loop.time() < stop_at:
                sent = time.perf_counter_ns()
                await socket.send_str(payload)
                message = await socket.receive()
                if message.type is not aiohttp.WSMsgType.TEXT:
                    lost.append(str(message.type))
                    return
                now = loop.time()
                if measure_from <= now < stop_at:
                    rtts.append((time.perf_counter_ns() - sent) / 1e6)
                    windows[int((now - measure_from) / window)] += 1

        await asyncio.gather(*(pump(s) for s in sockets), return_exceptions=True)
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    return {
        "connections": len(sockets),
        "round_trips": len(rtts),
        "round_trips_per_s": percentile(windows, 50) / window,
        "window_rates": [count / window for count in windows],
        "rtt_ms": summary(rtts),
        "errors": errors,
        "broken": len(lost),
        "error": None,
    }
