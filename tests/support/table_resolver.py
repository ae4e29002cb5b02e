"""A DNS resolver the tests control: a table of names to addresses, and a call log."""

from __future__ import annotations

import socket
from collections.abc import Callable

from aiohttp.abc import AbstractResolver, ResolveResult

Answer = list[str] | Callable[[int], list[str]]


class TableResolver(AbstractResolver):
    """Answers from a table; an entry may be a function of how often the name was asked."""

    def __init__(self, table: dict[str, Answer]):
        self.table = table
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        entry = self.table.get(host)
        if entry is None:
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        addresses = entry(self.calls.count(host)) if callable(entry) else entry
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass
