"""The scripted model's markers, which ``make run``'s demo and every end-to-end test rely on."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from tools.fake_model import (
    DEFAULT_TITLE,
    GREETINGS,
    HOSTILE_REPLY,
    MARKDOWN_REPLY,
    PLAIN_REPLY,
    REASONING,
    REPLY,
    TASK_PROMPT,
    TODOS,
    TOUR_REPLY,
    WRITE_CONTENT,
    create_app,
    script,
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


def _tool(name: str, content: str = "ok") -> list[dict[str, Any]]:
    """An assistant tool call and its result, as OpenCode sends them back."""
    return [
        {"role": "assistant", "tool_calls": [{"function": {"name": name}}]},
        {"role": "tool", "content": content},
    ]


class TestScript:
    """Markers become one tool call per request, decided from the conversation alone."""

    def test_markers_run_in_order_then_the_reply(self) -> None:
        """Each tool result moves to the next marker; after the last, the text reply."""
        user = {"role": "user", "content": "go [read:a.py] [grep:def ] [markdown]"}
        tools = [{"type": "function"}]
        first = script.next_turn({"messages": [user], "tools": tools})
        assert first.call == script.ToolCall("read", {"filePath": "a.py"})
        second = script.next_turn({"messages": [user, *_tool("read")], "tools": tools})
        assert second.call == script.ToolCall("grep", {"pattern": "def "})
        done = script.next_turn(
            {"messages": [user, *_tool("read"), *_tool("grep")], "tools": tools}
        )
        assert done.call is None
        assert done.text == MARKDOWN_REPLY

    def test_only_results_after_the_last_user_message_count(self) -> None:
        """A new prompt starts its own script, whatever ran before it."""
        earlier = [{"role": "user", "content": "[read:a.py]"}, *_tool("read")]
        user = {"role": "user", "content": "[write:b.py]"}
        turn = script.next_turn({"messages": [*earlier, user], "tools": [{}]})
        assert turn.call == script.ToolCall("write", {"filePath": "b.py", "content": WRITE_CONTENT})

    def test_edit_todo_task_and_webfetch_arguments(self) -> None:
        """The arguments are what OpenCode's tools expect."""
        assert script.call_for("edit", "h.py:old one=>new one", []).arguments == {
            "filePath": "h.py",
            "oldString": "old one",
            "newString": "new one",
        }
        todos = script.call_for("todo", "1", []).arguments["todos"]
        assert [t["content"] for t in todos] == TODOS
        assert [t["status"] for t in todos] == ["completed", "in_progress", "pending"]
        task = script.call_for("task", "Survey it", []).arguments
        assert task == {
            "description": "Survey it",
            "prompt": TASK_PROMPT,
            "subagent_type": "general",
        }
        nested = script.call_for("task", "Check=>tool:bash:ls -a", []).arguments
        assert nested["description"] == "Check"
        assert nested["prompt"] == f"{TASK_PROMPT} [tool:bash:ls -a]"
        # The sub-agent's prompt runs the step; the parent's holds one task step only.
        assert script.steps_of(nested["prompt"]) == [("tool:bash", "ls -a")]
        assert script.steps_of("Go [task:Check=>tool:bash:ls -a]") == [
            ("task", "Check=>tool:bash:ls -a")
        ]
        assert script.call_for("webfetch", "http://x/", []).arguments["url"] == "http://x/"

    @pytest.mark.parametrize("seen", [GREETINGS[0], GREETINGS[1]])
    def test_the_tour_edit_flips_what_the_read_returned(self, seen: str) -> None:
        """The tour's edit turns whichever greeting the file has into the other one."""
        call = script.call_for("edit-toggle", "hello.py", [f"6: {seen}"])
        other = GREETINGS[1] if seen == GREETINGS[0] else GREETINGS[0]
        assert call.arguments == {"filePath": "hello.py", "oldString": seen, "newString": other}

    def test_demo_mode_tours_a_task_and_chats_plainly(self) -> None:
        """With demo on, a task prompt takes the tour; a greeting or a few words do not."""
        kinds = [k for k, _ in script.steps_of("please improve the greeting", demo=True)]
        assert kinds[0] == kinds[-1] == "todo"
        assert "edit-toggle" in kinds
        assert ("tool:bash", "rm -rf __pycache__") in script.steps_of("fix it all now", demo=True)
        for plain in ("hi", "Hello there, how are you today?", "thanks a lot"):
            assert script.steps_of(plain, demo=True) == []
            assert script.reply_for(plain, demo=True) == PLAIN_REPLY
        assert script.reply_for("please improve the greeting", demo=True) == TOUR_REPLY
        # Without demo, unmarked prompts keep the known sentence the tests rely on.
        assert script.steps_of("please improve the greeting") == []
        assert script.reply_for("please improve the greeting") == REPLY

    def test_no_tools_offered_means_no_tool_call(self) -> None:
        """A request without tools (a sub-request such as a summary) gets text."""
        turn = script.next_turn({"messages": [{"role": "user", "content": "[read:a.py]"}]})
        assert turn.call is None


async def test_requests_are_recorded_for_tests(aiohttp_client: Client) -> None:
    """``GET /requests`` returns what the model was sent, oldest first."""
    client = await aiohttp_client(create_app())
    await _chunks(client, "first", tools=[{"type": "function"}])
    await _chunks(client, "second [read:x.py]", tools=[{"type": "function"}])
    response = await client.get("/requests")
    sent = await response.json()
    assert [r["messages"][0]["content"] for r in sent] == ["first", "second [read:x.py]"]


class TestAttachments:
    """The model can say what came with a prompt, so a demo (and a test) shows it arrived."""

    def test_describes_mentions_images_and_pdfs(self) -> None:
        """Read-ins of @-mentions, image_url and file parts are named in the reply."""
        content = [
            {"type": "text", "text": "look [describe]"},
            {
                "type": "text",
                "text": 'Called the Read tool with the following input: {"filePath":"/p/hello.py"}',
            },
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
            {"type": "file", "file": {"filename": "spec.pdf", "file_data": "data:..."}},
        ]
        payload = {"messages": [{"role": "user", "content": content}], "tools": [{}]}
        turn = script.next_turn(payload)
        assert turn.text == "I received: hello.py, an image (image/png), spec.pdf."

    def test_demo_describes_attachments_instead_of_touring(self) -> None:
        """In the demo, a prompt with an image gets the description, not the tour."""
        content = [
            {"type": "text", "text": "what is in this picture please"},
            {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/"}},
        ]
        payload = {"messages": [{"role": "user", "content": content}], "tools": [{}]}
        assert script.next_turn(payload, demo=True).text == "I received: an image (image/jpeg)."
        assert script.next_turn(payload).text == REPLY


def test_demo_titles_come_from_the_prompt() -> None:
    """The demo names a session after its first words; tests keep the fixed title."""
    messages = [
        {"role": "system", "content": "You are a title generator"},
        {"role": "user", "content": "please improve the greeting in hello.py today, thanks"},
    ]
    assert script.title_for(messages, demo=True) == "Please improve the greeting in hello.py"
    assert script.title_for(messages) == DEFAULT_TITLE
