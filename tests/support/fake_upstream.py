"""A fake upstream server for the proxy tests: real aiohttp routes on loopback, no mocks.

Every request it receives is recorded, so a test can assert what reached it (headers,
body, path) and, as important, what never did.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

CHUNK = bytes(range(256)) * 256  # 64 KiB of a known pattern


def pattern_bytes(total: int) -> tuple[bytes, ...]:
    """The known download body of ``total`` bytes, as the chunks the upstream sends."""
    full, rest = divmod(total, len(CHUNK))
    return (CHUNK,) * full + ((CHUNK[:rest],) if rest else ())


def pattern_digest(total: int) -> str:
    """sha256 of the known download body of ``total`` bytes."""
    digest = hashlib.sha256()
    for chunk in pattern_bytes(total):
        digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Seen:
    """What the upstream observed."""

    requests: list[web.Request] = field(default_factory=list)
    headers: list[dict[str, list[str]]] = field(default_factory=list)
    sse_gate: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    sse_closed: asyncio.Event = field(default_factory=asyncio.Event)
    ws_closes: asyncio.Queue[tuple[int | None, str]] = field(default_factory=asyncio.Queue)
    uploads: list[dict[str, object]] = field(default_factory=list)
    # Not observed but served: the HTML of /page.html, which a test may replace.
    page: str = "<!doctype html><p>hello</p>"


SEEN = web.AppKey("seen", Seen)


def _headers(request: web.Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        out.setdefault(name.lower(), []).append(value)
    return out


@web.middleware
async def _record(request: web.Request, handler):  # type: ignore[no-untyped-def]
    request.app[SEEN].requests.append(request)
    request.app[SEEN].headers.append(_headers(request))
    return await handler(request)


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "raw_path": request.raw_path,
            "path": request.rel_url.raw_path,
            "query": request.rel_url.raw_query_string,
            "headers": _headers(request),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "body_length": len(body),
        }
    )


async def download(request: web.Request) -> web.StreamResponse:
    total = int(request.match_info["size"])
    response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    if request.query.get("chunked") != "1":
        response.content_length = total
    await response.prepare(request)
    for chunk in pattern_bytes(total):
        await response.write(chunk)
    await response.write_eof()
    return response


async def broken_download(request: web.Request) -> web.StreamResponse:
    """Announces 1 MiB, sends half, then drops the connection."""
    response = web.StreamResponse()
    response.content_length = 1024 * 1024
    await response.prepare(request)
    await response.write(b"x" * (512 * 1024))
    assert request.transport is not None
    request.transport.abort()
    return response


async def upload(request: web.Request) -> web.Response:
    digest = hashlib.sha256()
    total = 0
    while chunk := await request.content.readany():
        digest.update(chunk)
        total += len(chunk)
    info = {
        "sha256": digest.hexdigest(),
        "length": total,
        "content_length": request.headers.get("Content-Length"),
        "transfer_encoding": request.headers.get("Transfer-Encoding"),
    }
    request.app[SEEN].uploads.append(info)
    return web.json_response(info)


async def events(request: web.Request) -> web.StreamResponse:
    """Emit one event each time the test puts a word in the gate; 'end' ends the stream.

    A word that is a JSON object is sent as the event's data verbatim; ``flood:N`` sends N
    events of 64 KiB as fast as the connection takes them.
    """
    seen = request.app[SEEN]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    try:
        while True:
            word = await seen.sse_gate.get()
            if word == "end":
                break
            if word.startswith("flood:"):
                # Many large events as fast as the connection takes them.
                payload = b"data: " + b"x" * 65536 + b"\n\n"
                for _ in range(int(word[6:])):
                    await response.write(payload)
                continue
            if word == "die":
                assert request.transport is not None
                request.transport.abort()
                return response
            # A JSON object is sent as it is (a realistic OpenCode event); a word is wrapped.
            data = word if word.startswith("{") else json.dumps({"word": word})
            await response.write(f"data: {data}\n\n".encode())
    except (asyncio.CancelledError, ConnectionResetError):
        seen.sse_closed.set()
        raise
    await response.write_eof()
    return response


async def websocket(request: web.Request) -> web.WebSocketResponse:
    seen = request.app[SEEN]
    ws = web.WebSocketResponse(protocols=("beta", "alpha"), autoping=False)
    await ws.prepare(request)
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            if message.data.startswith("close:"):
                _, code, reason = message.data.split(":", 2)
                await ws.close(code=int(code), message=reason.encode())
                break
            if message.data.startswith("ping:"):
                await ws.ping(message.data[5:].encode())
                continue
            if message.data == "die":
                assert request.transport is not None
                request.transport.abort()
                return ws
            if message.data == "headers":
                await ws.send_str(json.dumps(_headers(request)))
                continue
            await ws.send_str("echo:" + message.data)
        elif message.type is WSMsgType.BINARY:
            await ws.send_bytes(message.data[::-1])
        elif message.type is WSMsgType.PING:
            await ws.pong(message.data)
        elif message.type is WSMsgType.PONG:
            await ws.send_str("pong:" + message.data.decode())
    await seen.ws_closes.put((ws.close_code, ""))
    return ws


async def set_cookie(request: web.Request) -> web.Response:
    response = web.Response(text="cookie for you")
    response.set_cookie("sandbox", "tossed", path="/")
    response.headers["Strict-Transport-Security"] = "max-age=31536000"
    response.headers["Clear-Site-Data"] = '"cookies"'
    response.headers["Access-Control-Allow-Origin"] = "https://evil.example"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Content-Security-Policy"] = "default-src *"
    response.headers["X-Opencode-Note"] = "kept"
    response.headers["X-Custom"] = "not on the allowlist"
    response.headers["X-Proxy-Error"] = "forged"
    response.headers["X-Proxy-Redirect-Location"] = "https://evil.example/"
    response.headers["Refresh"] = "0; url=https://evil.example/"
    response.headers["Link"] = "<https://evil.example/x.js>; rel=preload"
    response.headers["Connection"] = "X-Opencode-Secret-Hop"
    response.headers["X-Opencode-Secret-Hop"] = "dropped"
    return response


async def needs_auth(request: web.Request) -> web.Response:
    return web.json_response(
        {"error": "unauthorized"},
        status=401,
        headers={"WWW-Authenticate": 'Basic realm="sandbox"'},
    )


async def redirect(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "http://169.254.169.254/latest/"})


async def compressed(request: web.Request) -> web.Response:
    body = gzip.compress(b"squeezed " * 1000)
    return web.Response(
        body=body, headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"}
    )


async def html(request: web.Request) -> web.Response:
    return web.Response(text=request.app[SEEN].page, content_type="text/html")


async def gone(request: web.Request) -> web.Response:
    return web.json_response({"error": "gone"}, status=404)


def create_upstream() -> web.Application:
    """The fake upstream application."""
    app = web.Application(middlewares=[_record], client_max_size=2**40)
    app[SEEN] = Seen()
    router = app.router
    router.add_get("/bytes/{size:\\d+}", download)
    router.add_get("/broken", broken_download)
    router.add_post("/upload", upload)
    router.add_put("/upload", upload)
    router.add_get("/events", events)
    router.add_get("/ws", websocket)
    router.add_get("/cookie", set_cookie)
    router.add_get("/auth", needs_auth)
    router.add_route("*", "/redirect", redirect)
    router.add_get("/gzip", compressed)
    router.add_get("/page.html", html)
    router.add_get("/gone", gone)
    router.add_route("*", "/{tail:.*}", echo)
    return app
