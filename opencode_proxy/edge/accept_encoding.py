"""Which content coding to send, from a request's ``Accept-Encoding`` (RFC 9110 §12.5.3).

Used by ``static.py`` to pick a built file's pre-compressed sibling. Written by hand:
aiohttp's own pick (in ``FileResponse``) looks for the coding's name as a substring, so
``br;q=0`` still gets brotli, and neither aiohttp nor the standard library exposes a
parser of the header with its q-values; a library for twenty lines of RFC would be a
dependency for nothing.

The rules: a coding listed with ``q=0`` is refused; ``*`` stands for every coding not
listed; ``identity`` (no coding) is acceptable unless refused by name or by ``*;q=0``;
``x-gzip`` is ``gzip``. Among the acceptable codings the highest q wins, and on a tie the
smaller one (the order of ``offered``, then identity). A request with no acceptable
coding at all gets identity: refusing to answer would only break the page.
"""

from __future__ import annotations

IDENTITY = "identity"
_ALIASES = {"x-gzip": "gzip"}


def _weights(header: str) -> dict[str, float]:
    """Each coding the header names, lower case, with its q-value (malformed ones dropped)."""
    weights: dict[str, float] = {}
    for element in header.split(","):
        name, _, params = element.partition(";")
        coding = name.strip().lower()
        if not coding:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if not 0.0 <= q <= 1.0:
            continue
        coding = _ALIASES.get(coding, coding)
        # Listed twice: the more generous weight holds, as most servers read it.
        weights[coding] = max(q, weights.get(coding, 0.0))
    return weights


def choose(header: str | None, offered: tuple[str, ...]) -> str:
    """The coding to send: one of ``offered`` (best first) or ``"identity"``."""
    if not header or not header.strip():
        return IDENTITY
    weights = _weights(header)
    star = weights.get("*")

    def weight(coding: str) -> float:
        if coding in weights:
            return weights[coding]
        if star is not None:
            return star
        return 1.0 if coding == IDENTITY else 0.0

    best, best_q = IDENTITY, 0.0
    for coding in (*offered, IDENTITY):
        q = weight(coding)
        if q > best_q:
            best, best_q = coding, q
    return best
