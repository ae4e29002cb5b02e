"""A fake OpenAI-compatible chat model on loopback, for deterministic end-to-end tests.

It streams a known reply word by word. The last user message steers it:

- ``[slow]`` anywhere: a longer pause between words;
- ``[tool:bash:COMMAND]``: ask to run ``COMMAND`` with the bash tool first, then reply
  with the known text once the tool result comes back;
- ``[markdown]``: reply with ``MARKDOWN_REPLY`` (a heading, a list, a code block) instead;
- ``[hostile]``: reply with ``HOSTILE_REPLY``, markdown carrying script and event-handler
  payloads, for proving that a UI renders model output inert;
- ``[reasoning]``: stream ``REASONING`` as reasoning before the reply;
- ``[question:TEXT|A|B]``: ask the user ``TEXT`` with the options ``A`` and ``B`` (the
  question tool) first, then reply with the known text once answered;
- ``[title:TEXT]``: name the session ``TEXT`` when OpenCode asks for a title (otherwise
  ``Fake title``).

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
MARKDOWN_REPLY = (
    "## Plan\n\n"
    "Two steps, then **done**:\n\n"
    "1. read `README.md`\n"
    "2. print a greeting\n\n"
    "```python\n"
    "def greet(name: str) -> str:\n"
    '    return f"Hello, {name}!"\n'
    "```\n\n"
    "That is all."
)
HOSTILE_REPLY = (
    "Look: <script>window.__pwned = 'script'</script>\n\n"
    '<img src="x" onerror="window.__pwned = \'img\'">\n\n'
    "[click me](javascript:window.__pwned='link') and "
    '<a href="#" onclick="window.__pwned=\'click\'">this</a>\n\n'
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe> still safe."
)
REASONING = "Thinking about which words to stream first."
DEFAULT_TITLE = "Fake title"
FAST_DELAY = 0.02
SLOW_DELAY = 0.4
_TOOL = re.compile(r"\[tool:(?P<tool>[a-z]+):(?P<arg>[^\]]*)\]")
_TITLE = re.compile(r"\[title:(?P<title>[^\]]+)\]")
_QUESTION = re.compile(r"\[question:(?P<spec>[^\]]+)\]")
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


def _reply_for(text: str) -> str:
    if "[hostile]" in text:
        return HOSTILE_REPLY
    if "[markdown]" in text:
        return MARKDOWN_REPLY
    return REPLY


def _question_arguments(spec: str) -> dict[str, Any]:
    """The question tool's arguments for ``TEXT|A|B``."""
    text, *options = spec.split("|")
    return {
        "questions": [
            {
                "question": text,
                "header": "Choice",
                "options": [{"label": o, "description": f"Choose {o}"} for o in options],
            }
        ]
    }


def _words(text: str) -> list[str]:
    """The text cut before each space, so the pieces join back to exactly the text."""
    return re.findall(r"\s*\S+", text) or [text]


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
    question = _QUESTION.search(text)
    if "title" in json.dumps(messages[:1]).lower() and not payload.get("tools"):
        # OpenCode asks the small model for a session title; answer at once.
        named = _TITLE.search(json.dumps(messages))
        await response.write(_chunk({"content": named["title"] if named else DEFAULT_TITLE}))
    elif (match or question) and not tool_done:
        if question:
            name, arguments = "question", _question_arguments(question["spec"])
        else:
            assert match is not None
            name = match["tool"]
            arguments = {"command": match["arg"], "description": "Run a command"}
        call = {
            "index": 0,
            "id": "call_fake_1",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)},
        }
        await response.write(_chunk({"tool_calls": [call]}))
        await response.write(_chunk({}, finish="tool_calls"))
        await response.write(b"data: [DONE]\n\n")
        return response
    else:
        delay = SLOW_DELAY if "[slow]" in text else FAST_DELAY
        if "[reasoning]" in text:
            for word in _words(REASONING):
                await asyncio.sleep(delay)
                await response.write(_chunk({"reasoning_content": word}))
        for word in _words(_reply_for(text)):
            await asyncio.sleep(delay)
            await response.write(_chunk({"content": word}))
    await response.write(_chunk({}, finish="stop"))
    await response.write(_usage(messages, text))
    await response.write(b"data: [DONE]\n\n")
    return response


def _usage(messages: list[dict[str, Any]], text: str) -> bytes:
    """A final chunk with token counts, as OpenAI sends with ``stream_options``."""
    prompt = len(json.dumps(messages)) // 4
    completion = len(_words(_reply_for(text)))
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


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
