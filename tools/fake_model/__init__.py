"""A scripted, deterministic OpenAI-compatible chat model on loopback: ``make run``'s
offline demo model and the model behind every end-to-end test. ``script.py`` documents
the markers that steer it.

Run it alone with ``python -m tools.fake_model --port 4097 [--demo]``.
"""

from .script import (
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
)
from .server import create_app

__all__ = [
    "DEFAULT_TITLE",
    "GREETINGS",
    "HOSTILE_REPLY",
    "MARKDOWN_REPLY",
    "PLAIN_REPLY",
    "REASONING",
    "REPLY",
    "TASK_PROMPT",
    "TODOS",
    "TOUR_REPLY",
    "WRITE_CONTENT",
    "create_app",
]
