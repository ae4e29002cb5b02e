"""The fake model's markers that the browser tests rely on (no browser needed)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from tools.fake_model import (
    DEFAULT_TITLE,
    HOSTILE_REPLY,
    MARKDOWN_REPLY,
    REASONING,
    REPLY,
    create_app,
)

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


async def _chunks(client: TestClient[Any, Any], text: str, **extra: Any) -> list[dict[str, Any]]:
    body = {"messages": [{"role": "user", "content": text}], **extra}
    response = await client.post("/v1/chat/completions", json=body)
    raw = await response.text()
    lines = [line[6:] for line in raw.split("\n") if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def _streamed(chunks: list[dict[str, Any]], field: str) -> str:
    return "".join(
        choice["delta"].get(field) or "" for chunk in chunks for choice in chunk["choices"]
    )


@pytest.mark.parametrize(
    ("marker", "reply"),
    [("", REPLY), ("[markdown]", MARKDOWN_REPLY), ("[hostile]", HOSTILE_REPLY)],
)
async def test_replies_stream_word_by_word_and_join_exactly(
    aiohttp_client: Client, marker: str, reply: str
) -> None:
    """Each reply arrives in many pieces that join back to exactly the known text."""
    client = await aiohttp_client(create_app())
    chunks = await _chunks(client, f"hello {marker}", tools=[{"type": "function"}])
    assert _streamed(chunks, "content") == reply
    assert len([c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")]) > 5
    usage = chunks[-1]["usage"]
    assert usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_reasoning_comes_before_the_reply(aiohttp_client: Client) -> None:
    """``[reasoning]`` streams the known reasoning first, then the reply."""
    client = await aiohttp_client(create_app())
    chunks = await _chunks(client, "think [reasoning]", tools=[{"type": "function"}])
    assert _streamed(chunks, "reasoning_content") == REASONING
    assert _streamed(chunks, "content") == REPLY


@pytest.mark.parametrize(
    ("prompt", "title"), [("plain", DEFAULT_TITLE), ("x [title:Fox story] y", "Fox story")]
)
async def test_title_requests(aiohttp_client: Client, prompt: str, title: str) -> None:
    """Title requests get ``Fake title``, or the text of a ``[title:...]`` marker."""
    client = await aiohttp_client(create_app())
    body = {
        "messages": [
            {"role": "system", "content": "Generate a title for this conversation"},
            {"role": "user", "content": prompt},
        ]
    }
    response = await client.post("/v1/chat/completions", json=body)
    raw = await response.text()
    chunks = [json.loads(line[6:]) for line in raw.split("\n") if line.startswith("data: {")]
    assert _streamed(chunks, "content") == title


async def test_question_marker_calls_the_question_tool(aiohttp_client: Client) -> None:
    """``[question:TEXT|A|B]`` asks TEXT with options A and B through the question tool."""
    client = await aiohttp_client(create_app())
    chunks = await _chunks(
        client, "pick [question:Which one?|Red|Blue]", tools=[{"type": "function"}]
    )
    calls = [
        call
        for chunk in chunks
        for choice in chunk["choices"]
        for call in choice["delta"].get("tool_calls") or []
    ]
    assert [call["function"]["name"] for call in calls] == ["question"]
    (question,) = json.loads(calls[0]["function"]["arguments"])["questions"]
    assert question["question"] == "Which one?"
    assert [option["label"] for option in question["options"]] == ["Red", "Blue"]
