"""What the scripted model does next, decided from the conversation alone (pure, no I/O).

A prompt steers the model with markers. Each tool marker is one step: the model calls that
tool, OpenCode runs it and sends the result back, and the next request gets the next step.
Which step is due is the number of tool results since the last user message, so the same
conversation always gets the same answer. When every step has run, the model replies in
text.

Tool markers, run in the order they appear:

- ``[tool:bash:COMMAND]`` runs ``COMMAND`` with bash;
- ``[read:PATH]``, ``[write:PATH]`` (writes ``WRITE_CONTENT``), ``[edit:PATH:OLD=>NEW]``;
- ``[glob:PATTERN]``, ``[grep:PATTERN]``, ``[webfetch:URL]``;
- ``[todo:K]`` writes the todo list ``TODOS`` with the first K items done and the next one
  in progress (``[todo]`` is ``[todo:0]``);
- ``[task:DESCRIPTION]`` hands ``TASK_PROMPT`` to the ``general`` sub-agent;
  ``[task:DESCRIPTION=>STEP]`` adds the marker ``[STEP]`` to that prompt, so the sub-agent
  runs it first (``[task:Check=>tool:bash:ls]`` makes the sub-agent ask to run ``ls``);
- ``[question:TEXT|A|B]`` asks the user TEXT with the options A and B;
- ``[tour]`` is the whole demo (``TOUR``): plan, explore, run, a risky command that asks
  for permission, an edit of ``hello.py`` that flips its greeting, and a markdown answer.

Reply markers: ``[describe]`` (say which files, images and PDFs came with the prompt:
``I received: hello.py, an image (image/png).``; the demo does this for any prompt with
attachments or @-mentions), ``[markdown]`` (``MARKDOWN_REPLY``), ``[hostile]``
(``HOSTILE_REPLY``, script and event-handler payloads for proving the UI renders model
output inert), ``[reasoning]`` (``REASONING`` streamed as reasoning first), ``[slow]`` (a
longer pause between words), ``[title:TEXT]`` (the session's title). Anything else gets ``REPLY``.

With ``demo=True`` (``make run``), a prompt with no tool marker takes the tour unless it is
plain chat: a greeting, a thank-you, or three words or fewer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

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
TOUR_REPLY = (
    "## Done\n\n"
    "I looked around, ran the program and updated the greeting in `hello.py`:\n\n"
    "```python\n"
    "def main() -> None:\n"
    "    print(greeting())\n"
    "```\n\n"
    "- **Explored** the Python files\n"
    "- **Ran** `python3 hello.py`\n"
    "- **Edited** one line (see the diff above)\n\n"
    "Ask again and I will flip it back."
)
PLAIN_REPLY = (
    "Hello! I am the offline demo model. Ask me to work on the project (for example "
    "*improve the greeting in hello.py*) and I will plan, read, run, ask before anything "
    "risky, and edit a file, so you can see every part of the UI."
)
REASONING = "Thinking about which words to stream first."
DEFAULT_TITLE = "Fake title"
WRITE_CONTENT = 'def greet(name: str) -> str:\n    return f"Hello, {name}!"\n'
TODOS = ["Read hello.py and run it", "Clean up the cache folder", "Update the greeting"]
TASK_PROMPT = "Look around the project and report what you find."
GREETINGS = ('print("Hello, world!")', 'print("Hello, OpenCode!")')
TOUR = (
    "[todo:0] [glob:**/*.py] [grep:def ] [read:hello.py] "
    "[tool:bash:python3 hello.py] [todo:1] [tool:bash:rm -rf __pycache__] "
    "[edit-toggle:hello.py] [todo:3]"
)
_STEP = re.compile(
    r"\[(?P<kind>tool:bash|read|write|edit-toggle|edit|glob|grep|webfetch|todo|task|question)"
    r"(?::(?P<arg>[^\]]*))?\]"
)
_TITLE = re.compile(r"\[title:(?P<title>[^\]]+)\]")
_PLAIN = re.compile(r"^\W*(hi|hello|hey|thanks|thank you|good (morning|evening))\b", re.I)
DESCRIPTIONS = {
    "python3 hello.py": "Run the program",
    "rm -rf __pycache__": "Remove the cache folder",
}


@dataclass(frozen=True)
class ToolCall:
    """One tool call the model makes."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Turn:
    """What the model sends back for one request: a tool call, or text."""

    call: ToolCall | None = None
    text: str = ""
    reasoning: str = ""
    slow: bool = False


def last_user_text(messages: list[dict[str, Any]]) -> str:
    """The text of the newest user message."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return content_text(message.get("content"))
    return ""


def content_text(content: Any) -> str:
    """A message's text, whether sent as a string or as a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def tool_results(messages: list[dict[str, Any]]) -> list[str]:
    """The tool results since the newest user message, oldest first."""
    results: list[str] = []
    for message in reversed(messages):
        role = message.get("role")
        if role == "user":
            break
        if role == "tool":
            results.append(content_text(message.get("content")))
    return results[::-1]


def is_title_request(payload: dict[str, Any]) -> bool:
    """OpenCode asks the small model for a session title, with no tools offered."""
    messages = payload.get("messages", [])
    return "title" in json.dumps(messages[:1]).lower() and not payload.get("tools")


def title_for(messages: list[dict[str, Any]], *, demo: bool = False) -> str:
    """The title a ``[title:...]`` marker asks for; else, in the demo, the prompt's first
    words (as a real model's title would read), and otherwise ``DEFAULT_TITLE``."""
    named = _TITLE.search(json.dumps(messages))
    if named:
        return named["title"]
    words = re.sub(r"\[[^\]]*\]", " ", last_user_text(messages)).split()
    if demo and words:
        title = " ".join(words[:6]).rstrip(".,;:!?")
        return title[:1].upper() + title[1:]
    return DEFAULT_TITLE


def last_user_content(messages: list[dict[str, Any]]) -> Any:
    """The content of the newest user message, as sent."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return message.get("content")
    return None


_READ_CALL = re.compile(r"^Called the Read tool with the following input: (\{.*\})$", re.S)


def attachments_of(content: Any) -> list[str]:
    """What came with a prompt: files OpenCode read in for an @-mention, images, PDFs."""
    found: list[str] = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "image_url":
            url = str((part.get("image_url") or {}).get("url", ""))
            found.append(f"an image ({url[5:].split(';')[0] or 'unknown type'})")
        elif kind == "file":
            file = part.get("file") or {}
            found.append(str(file.get("filename") or "a file"))
        elif kind == "text" and (read := _READ_CALL.match(str(part.get("text", "")))):
            try:
                path = str(json.loads(read[1]).get("filePath", ""))
            except ValueError:
                continue
            found.append(path.rsplit("/", 1)[-1])
    return found


def describe(found: list[str]) -> str:
    """The reply that names the attachments."""
    if not found:
        return "I received no files or images with this prompt."
    return "I received: " + ", ".join(found) + "."


def is_plain_chat(text: str) -> bool:
    """A greeting, a thank-you, or a few words: answered without tools in the demo."""
    return bool(_PLAIN.search(text)) or len(text.split()) <= 3


def steps_of(text: str, *, demo: bool = False) -> list[tuple[str, str]]:
    """The tool markers of a prompt as ``(kind, argument)``, ``[tour]`` expanded."""
    if "[tour]" in text or (demo and not _STEP.search(text) and not is_plain_chat(text)):
        text = text.replace("[tour]", "") + " " + TOUR
    return [(m["kind"], m["arg"] or "") for m in _STEP.finditer(text)]


def todos(done: int) -> list[dict[str, str]]:
    """The demo's todo list with the first ``done`` items completed."""
    items = []
    for index, content in enumerate(TODOS):
        status = "completed" if index < done else "in_progress" if index == done else "pending"
        items.append({"content": content, "status": status, "priority": "medium"})
    return items


def _flip(results: list[str]) -> tuple[str, str]:
    """The edit that flips hello.py's greeting, judged from what the read step returned."""
    seen = "\n".join(results)
    old, new = GREETINGS
    return (new, old) if new in seen else (old, new)


def call_for(kind: str, arg: str, results: list[str]) -> ToolCall:
    """The tool call of one step."""
    if kind == "tool:bash":
        description = DESCRIPTIONS.get(arg, "Run a command")
        return ToolCall("bash", {"command": arg, "description": description})
    if kind == "read":
        return ToolCall("read", {"filePath": arg})
    if kind == "write":
        return ToolCall("write", {"filePath": arg, "content": WRITE_CONTENT})
    if kind == "edit":
        path, _, change = arg.partition(":")
        old, _, new = change.partition("=>")
        return ToolCall("edit", {"filePath": path, "oldString": old, "newString": new})
    if kind == "edit-toggle":
        old, new = _flip(results)
        return ToolCall("edit", {"filePath": arg, "oldString": old, "newString": new})
    if kind in ("glob", "grep"):
        return ToolCall(kind, {"pattern": arg})
    if kind == "webfetch":
        return ToolCall("webfetch", {"url": arg, "format": "markdown"})
    if kind == "todo":
        return ToolCall("todowrite", {"todos": todos(int(arg or 0))})
    if kind == "task":
        description, _, step = arg.partition("=>")
        prompt = f"{TASK_PROMPT} [{step}]" if step else TASK_PROMPT
        arguments = {"description": description, "prompt": prompt, "subagent_type": "general"}
        return ToolCall("task", arguments)
    text, *options = arg.split("|")
    question = {
        "question": text,
        "header": "Choice",
        "options": [{"label": o, "description": f"Choose {o}"} for o in options],
    }
    return ToolCall("question", {"questions": [question]})


def reply_for(text: str, *, demo: bool = False) -> str:
    """The text reply once every step has run."""
    if "[hostile]" in text:
        return HOSTILE_REPLY
    if "[markdown]" in text:
        return MARKDOWN_REPLY
    if "[tour]" in text or (demo and not _STEP.search(text) and not is_plain_chat(text)):
        return TOUR_REPLY
    if demo:
        return PLAIN_REPLY
    return REPLY


def next_turn(payload: dict[str, Any], *, demo: bool = False) -> Turn:
    """What the model answers to one chat-completions request."""
    messages = payload.get("messages", [])
    if is_title_request(payload):
        return Turn(text=title_for(messages, demo=demo))
    text = last_user_text(messages)
    results = tool_results(messages)
    found = attachments_of(last_user_content(messages))
    if "[describe]" in text or (demo and found and not _STEP.search(text)):
        return Turn(text=describe(found))
    steps = steps_of(text, demo=demo) if payload.get("tools") else []
    if len(results) < len(steps):
        kind, arg = steps[len(results)]
        return Turn(call=call_for(kind, arg, results))
    reasoning = REASONING if "[reasoning]" in text else ""
    return Turn(text=reply_for(text, demo=demo), reasoning=reasoning, slow="[slow]" in text)
