"""A fake OpenAI-compatible chat model on loopback, for deterministic end-to-end tests.

It streams a known reply word by word. The last user message steers it:

- ``[slow]`` anywhere: a longer pause between words;
- ``[tool:bash:COMMAND]``: ask to run ``COMMAND`` with the bash tool first, then reply
  with the known text once the tool result comes back.

Run it alone with ``python -m tools.fake_model --port 4097``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

REPLY = "The quick brown fox jumps over the lazy dog while the proxy streams every word."
FAST_DELAY = 0.02
SLOW_DELAY = 0.4
_TOOL = re.compile(r"\[tool:(?P<tool>[a-z]+):(?P<arg>[^\]]*)\]")
REQUESTS = web.AppKey("requests", list)


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


async def _completions(request: web.Request) -> web.StreamResponse:
    payload = await request.json()
    request.app[REQUESTS].append(payload)
    messages = payload.get("messages", [])
    text = _last_user_text(messages)
    tool_done = bool(messages) and messages[-1].get("role") == "tool"
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(_chunk({"role": "assistant", "content": ""}))
    match = _TOOL.search(text)
    if "title" in json.dumps(messages[:1]).lower() and not payload.get("tools"):
        # OpenCode asks the small model for a session title; answer at once.
        await response.write(_chunk({"content": "Fake title"}))
    elif match and not tool_done:
        arguments = {"command": match["arg"], "description": "Run a command"}
        call = {
            "index": 0,
            "id": "call_fake_1",
            "type": "function",
            "function": {"name": match["tool"], "arguments": json.dumps(arguments)},
        }
        await response.write(_chunk({"tool_calls": [call]}))
        await response.write(_chunk({}, finish="tool_calls"))
        await response.write(b"data: [DONE]\n\n")
        return response
    else:
        delay = SLOW_DELAY if "[slow]" in text else FAST_DELAY
        for index, word in enumerate(REPLY.split(" ")):
            await asyncio.sleep(delay)
            await response.write(_chunk({"content": word if index == 0 else " " + word}))
    await response.write(_chunk({}, finish="stop"))
    await response.write(b"data: [DONE]\n\n")
    return response


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def create_app() -> web.Application:
    """Build the fake model's application."""
    app = web.Application()
    app[REQUESTS] = []
    app.router.add_post("/v1/chat/completions", _completions)
    app.router.add_get("/health", _health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4097)
    args = parser.parse_args()
    web.run_app(create_app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
