"""A TCP server on loopback that answers each connection with a script: exact bytes.

For targets that misbehave in ways a real HTTP server library would not let them:
oversized or malformed heads, answers nobody asked for, bodies cut short.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "RawUpstream"], Awaitable[None]]

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@dataclass
class RawUpstream:
    """A TCP server on loopback that answers each connection with a script."""

    script: Script
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        """The port it listens on."""
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        """Its URL, as a target."""
        return f"http://127.0.0.1:{self.port}"

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        """Read one request's head and remember it."""
        head = await reader.readuntil(b"\r\n\r\n")
        self.requests.append(head)
        return head

    async def start(self) -> RawUpstream:
        """Listen on a free loopback port."""
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    def close(self) -> None:
        """Stop listening."""
        if self.server is not None:
            self.server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.script(reader, writer, self)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def keep_alive(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
) -> None:
    """Answer every request on the connection with a small 200."""
    while True:
        await up.read_request(reader)
        writer.write(OK)
        await writer.drain()


async def silent(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: RawUpstream
) -> None:
    """Read a request and never answer it."""
    await up.read_request(reader)
    await asyncio.Event().wait()
