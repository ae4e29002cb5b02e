"""Reading the small JSON bodies the service's own API accepts, with a size limit.

aiohttp's ``request.json()`` reads up to the server's whole ``client_max_size``; these
bodies are small, so reading stops at the limit, and the answer is the usual JSON error.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from .errors import BadRequest, BodyTooLarge


async def read_json_object(request: web.Request, limit: int, example: str) -> dict[str, Any]:
    """The body as a JSON object; 413 past ``limit`` bytes, 400 when it is not an object."""
    if (request.content_length or 0) > limit:
        raise BodyTooLarge.over(limit)
    body = bytearray()
    while chunk := await request.content.readany():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge.over(limit)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest(f"Send a JSON object: {example}.") from None
    if not isinstance(data, dict):
        raise BadRequest(f"Send a JSON object: {example}.")
    return data
