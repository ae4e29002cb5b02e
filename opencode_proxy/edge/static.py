"""The UI's files, served under the prefix with cache headers that fit each kind.

``make ui`` writes ``X.br`` and ``X.gz`` beside every built file that compression pays
for (``ui/scripts/precompress.mjs``); the smaller one the browser accepts is sent, with
``Content-Encoding``, the original's ``Content-Type``, and an ETag of its own (so a 304
and a ``Range`` always speak of the bytes actually sent). aiohttp's ``FileResponse``
does the sending, conditional requests and ranges; only its choice of sibling is
replaced (see ``_NegotiatedFile``), and ``Vary: Accept-Encoding`` is on every answer, not
only the compressed ones, so no cache hands an uncompressed copy to everyone.
Nothing is compressed at request time, and nothing proxied is touched.
"""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG

from aiohttp import web

from .accept_encoding import choose
from .errors import NotFound

INDEX = "index.html"
# Vite puts content-hashed files under assets/: they never change, so cache them for good.
HASHED_DIR = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
# The UI's own pages: scripts and connections only from this origin; embeddable only by
# the same origin (the Kubeflow dashboard shows notebooks in a same-origin iframe).
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>opencode-proxy</title></head>
<body><h1>opencode-proxy is running</h1>
<p>The web UI has not been built into this installation. Run <code>make ui</code> in a
checkout, or use the container image, which ships it.</p></body></html>
"""


# The pre-compressed siblings a built file may have, smallest first: coding and suffix.
SIBLINGS = (("br", ".br"), ("gzip", ".gz"))


def _ui_headers(cache: str) -> dict[str, str]:
    return {
        "Cache-Control": cache,
        "Vary": "Accept-Encoding",
        "Content-Security-Policy": UI_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


class UiFiles:
    """The built UI under the prefix: its index page and every other file."""

    def __init__(self, root: Path, prefix: str):
        self.root = root
        self.prefix = prefix

    async def to_prefix(self, request: web.Request) -> web.StreamResponse:
        """``<prefix>`` without its slash: to ``<prefix>/``, keeping the query."""
        location = self.prefix + "/"
        if request.query_string:
            location += "?" + request.query_string
        raise web.HTTPFound(location)

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The UI's entry page, never cached so a new release shows at once."""
        path = self.root / INDEX
        if not path.is_file():
            return web.Response(
                text=_NOT_BUILT, content_type="text/html", headers=_ui_headers("no-cache")
            )
        return _NegotiatedFile(path, headers=_ui_headers("no-cache"))

    async def file(self, request: web.Request) -> web.StreamResponse:
        """Any other file of the built UI."""
        relative = request.match_info["path"]
        path = _inside(self.root, relative)
        if path is None:
            raise NotFound()
        cache = IMMUTABLE if relative.startswith(HASHED_DIR) else "public, max-age=300"
        return _NegotiatedFile(path, headers=_ui_headers(cache))


class _NegotiatedFile(web.FileResponse):
    """A built file, or the pre-compressed sibling that ``Accept-Encoding`` picks.

    aiohttp's ``FileResponse`` picks a ``.br``/``.gz`` sibling when the coding's name
    appears anywhere in the header (so ``br;q=0`` gets brotli); this replaces that one
    step, the hook ``FileResponse`` calls from its file-system thread, with
    :func:`.accept_encoding.choose`. aiohttp then sets ``Content-Encoding`` and takes the
    ``Content-Type`` from the original's name, as it does for its own pick.
    """

    def _get_file_path_stat_encoding(
        self, accept_encoding: str
    ) -> tuple[Path | None, os.stat_result, str | None]:
        original = self._path
        offered = [coding for coding, _ in SIBLINGS]
        while (coding := choose(accept_encoding, tuple(offered))) in offered:
            sibling = original.with_name(original.name + dict(SIBLINGS)[coding])
            try:
                st = sibling.lstat()
            except OSError:
                st = None
            # A regular file only: never follow a symlink out of the UI's directory.
            if st is not None and S_ISREG(st.st_mode):
                return sibling, st, coding
            offered.remove(coding)
        st = original.stat()
        return (original if S_ISREG(st.st_mode) else None), st, None


def _inside(root: Path, relative: str) -> Path | None:
    """The file under root that relative names, or None if it escapes root or is absent."""
    if "\\" in relative or "\0" in relative:
        return None
    try:
        candidate = (root / relative).resolve()
        root = root.resolve()
    except (OSError, ValueError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate
