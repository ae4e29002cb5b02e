"""Structured logs: JSON lines for machines, colours for a terminal."""

from __future__ import annotations

import atexit
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, BinaryIO

import orjson
import structlog

# Lines wait at most this long before they are written (a write is a system call, and
# there is a line per request); errors are written at once.
FLUSH_INTERVAL = 0.2
_FLUSH_SIZE = 64 * 1024


class BufferedLines:
    """A structlog logger that collects rendered JSON lines and writes them in batches."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.buffer = bytearray()

    def msg(self, message: bytes) -> None:
        """Queue one line; write when enough has gathered."""
        self.buffer += message
        self.buffer += b"\n"
        if len(self.buffer) >= _FLUSH_SIZE:
            self.flush()

    def urgent(self, message: bytes) -> None:
        """Write a line, and everything before it, now."""
        self.msg(message)
        self.flush()

    def flush(self) -> None:
        """Write what has gathered."""
        if self.buffer:
            data = bytes(self.buffer)
            self.buffer.clear()
            self.stream.write(data)
            self.stream.flush()

    debug = info = warning = warn = log = msg
    error = critical = exception = fatal = failure = urgent


LINES = BufferedLines(sys.stderr.buffer)
atexit.register(LINES.flush)


class AccessLog:
    """The one line per proxied request.

    It is on the hot path, so in JSON mode it is rendered straight to the same buffer,
    with the same keys structlog would give it, instead of through the processor chain
    (which costs several times more). In console mode, and in tests, it goes through
    structlog like every other line.
    """

    def __init__(self) -> None:
        self.direct = False
        self._log = structlog.get_logger("opencode_proxy.proxy")

    def __call__(self, **fields: object) -> None:
        if not self.direct:
            self._log.info("proxy.request", **fields)
            return
        fields["event"] = "proxy.request"
        fields["level"] = "info"
        fields["timestamp"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        LINES.msg(orjson.dumps(fields))


ACCESS = AccessLog()


def configure_logging(log_format: str, level: str) -> None:
    """Send structlog and the standard library's logging to stderr in one format."""
    numeric = getattr(logging, level.upper())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor
    factory: Callable[..., Any]
    if log_format == "console":
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        factory = structlog.WriteLoggerFactory(sys.stderr)
    else:
        # orjson renders a line in a third of the time; one is written per request.
        renderer = structlog.processors.JSONRenderer(serializer=orjson.dumps)
        LINES.stream = sys.stderr.buffer
        factory = lambda *_: LINES  # noqa: E731
    ACCESS.direct = log_format != "console"
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    plain = (
        renderer
        if log_format == "console"
        else structlog.processors.JSONRenderer()  # the standard library wants str
    )
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, plain],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(numeric, logging.INFO))
