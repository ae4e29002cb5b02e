"""The scripted model as an OpenAI-compatible chat-completions server (streamed, SSE).

``script.py`` decides what to answer; this module only speaks the wire format: a role
chunk, then a tool call or the text word by word, the finish reason, a usage chunk and
``[DONE]``. ``GET /requests`` lists what the model was sent, for tests that check what
reached it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

from .script import Turn, next_turn

FAST_DELAY = 0.02
SLOW_DELAY = 0.4
REQUESTS = web.AppKey("requests", list)
DEMO = web.AppKey("demo", bool)
_calls = 0


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def words(text: str) -> list[str]:
    """The text cut before each space, so the pieces join back to exactly the text."""
    return re.findall(r"\s*\S+", text) or [text]


def _usage(messages: list[dict[str, Any]], turn: Turn) -> bytes:
    """A final chunk with token counts, as OpenAI sends with ``stream_options``."""
    prompt = len(json.dumps(messages)) // 4
    completion = len(words(turn.text)) if turn.text else 20
    reasoning = len(words(turn.reasoning)) if turn.reasoning else 0
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion + reasoning,
            "total_tokens": prompt + completion + reasoning,
            **({"completion_tokens_details": {"reasoning_tokens": reasoning}} if reasoning else {}),
        },
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


async def _completions(request: web.Request) -> web.StreamResponse:
    global _calls
    payload = await request.json()
    request.app[REQUESTS].append(payload)
    messages = payload.get("messages", [])
    turn = next_turn(payload, demo=request.app[DEMO])
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(_chunk({"role": "assistant", "content": ""}))
    if turn.call is not None:
        _calls += 1
        call = {
            "index": 0,
            "id": f"call_fake_{_calls}",
            "type": "function",
            "function": {"name": turn.call.name, "arguments": json.dumps(turn.call.arguments)},
        }
        await response.write(_chunk({"tool_calls": [call]}))
        await response.write(_chunk({}, finish="tool_calls"))
        await response.write(_usage(messages, turn))
        await response.write(b"data: [DONE]\n\n")
        return response
    delay = SLOW_DELAY if turn.slow else FAST_DELAY
    for word in words(turn.reasoning) if turn.reasoning else []:
        await asyncio.sleep(delay)
        await response.write(_chunk({"reasoning_content": word}))
    for word in words(turn.text):
        await asyncio.sleep(delay)
        await response.write(_chunk({"content": word}))
    await response.write(_chunk({}, finish="stop"))
    await response.write(_usage(messages, turn))
    await response.write(b"data: [DONE]\n\n")
    return response


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _requests(request: web.Request) -> web.Response:
    return web.json_response(request.app[REQUESTS][-200:])


def create_app(*, demo: bool = False) -> web.Application:
    """The model's application; ``demo`` makes unmarked prompts take the tour."""
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[REQUESTS] = []
    app[DEMO] = demo
    app.router.add_post("/v1/chat/completions", _completions)
    app.router.add_get("/health", _health)
    app.router.add_get("/requests", _requests)
    return app
