"""A tiny MCP server over stdio, for tests: OpenCode starts it as a local MCP server, so
the status popover's connect and disconnect act on a real MCP connection, offline.

It speaks JSON-RPC 2.0, one message per line (MCP's stdio transport): `initialize`
(answering the client's protocol version), `ping`, `tools/list` (one tool, `echo`) and
`tools/call`; notifications get no answer, anything else "method not found". Every
message it receives is appended to the file named by ``MCP_ECHO_LOG``, when set.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

TOOL = {
    "name": "echo",
    "description": "Answers with the text it was given.",
    "inputSchema": {
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    },
}


def answer(request: dict[str, Any]) -> dict[str, Any] | None:
    """The response to one message, or None for a notification."""
    method = request.get("method")
    if "id" not in request:
        return None
    reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request["id"]}
    params = request.get("params") or {}
    if method == "initialize":
        reply["result"] = {
            "protocolVersion": params.get("protocolVersion", "2025-06-18"),
            "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": {"name": "mcp-echo", "version": "1.0.0"},
        }
    elif method == "ping":
        reply["result"] = {}
    elif method == "tools/list":
        reply["result"] = {"tools": [TOOL]}
    elif method == "tools/call":
        text = str((params.get("arguments") or {}).get("text", ""))
        reply["result"] = {"content": [{"type": "text", "text": text}], "isError": False}
    else:
        reply["error"] = {"code": -32601, "message": f"method not found: {method}"}
    return reply


def main() -> None:
    log = os.environ.get("MCP_ECHO_LOG")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            continue
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps(request) + "\n")
        response = answer(request)
        if response is not None:
            sys.stdout.write(json.dumps(response) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
