"""Run one load client from its JSON spec and print its result as one JSON line."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from opencode_proxy.serve.supervisor import new_event_loop

from ..procs import raise_open_files
from . import browser, echo, events, opencode, transfer

KINDS: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "download": transfer.download,
    "upload": transfer.upload,
    "fanout": events.fanout,
    "idle": events.idle,
    "websocket": echo.websocket,
    "opencode": opencode.first_delta,
    "first_load": browser.first_load,
}


def main() -> None:
    """Parse the spec, run the client, print its result."""
    spec = json.loads(sys.argv[1])
    raise_open_files()
    loop = new_event_loop()
    started = time.monotonic()
    try:
        result = loop.run_until_complete(KINDS[spec["kind"]](spec))
    finally:
        loop.close()
    # How busy the load side itself was: near 1.0 means the client, not the peer, may be
    # what limits a figure.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu_share"] = (usage.ru_utime + usage.ru_stime) / (time.monotonic() - started)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
