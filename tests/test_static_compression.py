"""The UI's pre-compressed files: written by the build, chosen by Accept-Encoding.

A small UI is compressed by the build's own script (``ui/scripts/precompress.mjs``, run
by Node) and served by the real app; brotli is decoded by Node's zlib, gzip by Python's.
The last tests check the real build, and that proxied answers are never re-encoded.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from opencode_proxy.edge.accept_encoding import choose
from opencode_proxy.edge.static import IMMUTABLE
from tests.support.fake_upstream import Seen
from tests.support.proxy_client import PREFIX, ProxyClient
from tests.support.proxy_process import ROOT

SCRIPT = ROOT / "ui" / "scripts" / "precompress.mjs"
BUILT_UI = Path(os.environ.get("OPENCODE_PROXY_TEST_UI_DIR") or ROOT / "opencode_proxy" / "static")
CHROME = "gzip, deflate, br, zstd"
APP_JS = "assets/app-1a2b3c.js"
# Real-looking script text: repetitive enough to compress well, as bundles do.
SCRIPT_TEXT = "".join(
    f"export function handler{i}(event) {{ return event.target.value + {i}; }}\n"
    for i in range(400)
)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node is needed to run the UI's build script: install nodejs")
    return node


def precompress(directory: Path) -> list[dict[str, object]]:
    """Run the build's compression step on a directory; its per-file sizes."""
    code = (
        f"const m = await import({json.dumps(SCRIPT.as_uri())});"
        f"console.log(JSON.stringify(await m.precompressDirectory({json.dumps(str(directory))})));"
    )
    out = subprocess.run(
        [_node(), "--input-type=module", "-e", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def unbrotli(data: bytes) -> bytes:
    """Brotli-decoded bytes, by Node's zlib (independent of the service)."""
    code = (
        "const z = await import('node:zlib'); const chunks = [];"
        "for await (const c of process.stdin) chunks.push(c);"
        "process.stdout.write(z.brotliDecompressSync(Buffer.concat(chunks)).toString('base64'));"
    )
    out = subprocess.run(
        [_node(), "--input-type=module", "-e", code],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return base64.b64decode(out)


@pytest.fixture
def ui_dir(tmp_path: Path) -> Path:
    """A built UI, compressed by the build's script: big text files, a tiny one, noise."""
    ui = tmp_path / "ui"
    (ui / "assets").mkdir(parents=True)
    # Over the size limit, so the index page has siblings too.
    (ui / "index.html").write_text(
        "<!doctype html><title>UI</title>\n" + "<!-- padding to be worth compressing -->\n" * 60
    )
    (ui / APP_JS).write_text(SCRIPT_TEXT)
    (ui / "assets" / "app-1a2b3c.css").write_text(".row { display: flex; }\n" * 200)
    (ui / "assets" / "tiny-1a2b3c.js").write_text("console.log(1)")
    (ui / "assets" / "noise-1a2b3c.js").write_bytes(os.urandom(8192))
    (ui / "favicon.svg").write_text("<svg/>")
    precompress(ui)
    return ui


@pytest.fixture
async def base(make_proxy: Callable[..., Awaitable[TestServer]], ui_dir: Path) -> str:
    proxy = await make_proxy(ui_dir=ui_dir)
    return f"http://127.0.0.1:{proxy.port}{PREFIX}/"


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    accept: str | None,
    method: str = "GET",
    **headers: str,
) -> tuple[aiohttp.ClientResponse, bytes]:
    """The response and its bytes as sent (the session does not decode)."""
    sent = {k.replace("_", "-"): v for k, v in headers.items()}
    # aiohttp adds its own Accept-Encoding unless told otherwise; skip_auto_headers
    # leaves the header out altogether when the test sends none.
    skip = ("Accept-Encoding",) if accept is None else ()
    if accept is not None:
        sent["Accept-Encoding"] = accept
    async with session.request(method, url, headers=sent, skip_auto_headers=skip) as response:
        return response, await response.read()


class TestBuildScript:
    def test_siblings_where_they_pay(self, ui_dir: Path) -> None:
        """Big text files get both siblings; tiny and incompressible files get none."""
        for name in ("index.html", APP_JS, "assets/app-1a2b3c.css"):
            assert (ui_dir / (name + ".br")).is_file(), name
            assert (ui_dir / (name + ".gz")).is_file(), name
        for name in ("assets/tiny-1a2b3c.js", "assets/noise-1a2b3c.js", "favicon.svg"):
            assert not (ui_dir / (name + ".br")).exists(), name
            assert not (ui_dir / (name + ".gz")).exists(), name

    def test_siblings_decode_to_the_original(self, ui_dir: Path) -> None:
        """Each sibling is the original, compressed: brotli beats gzip on text."""
        original = (ui_dir / APP_JS).read_bytes()
        br = (ui_dir / (APP_JS + ".br")).read_bytes()
        gz = (ui_dir / (APP_JS + ".gz")).read_bytes()
        assert unbrotli(br) == original
        assert gzip.decompress(gz) == original
        assert len(br) < len(gz) < len(original) / 4

    def test_stale_sibling_removed(self, ui_dir: Path) -> None:
        """A file that stopped paying loses its old siblings on the next run."""
        (ui_dir / APP_JS).write_bytes(os.urandom(8192))
        precompress(ui_dir)
        assert not (ui_dir / (APP_JS + ".br")).exists()
        assert not (ui_dir / (APP_JS + ".gz")).exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "identity"),
        ("", "identity"),
        (CHROME, "br"),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", "br"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZIP", "gzip"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br; q=0", "identity"),
        ("br;q=0, gzip;q=0", "identity"),
        ("identity", "identity"),
        ("deflate", "identity"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("br;q=2, gzip;q=nonsense", "identity"),
        ("identity;q=0", "identity"),
        ("identity;q=0, gzip;q=0.1", "gzip"),
    ],
)
def test_choose(header: str | None, expected: str) -> None:
    """The coding picked for a header, from br and gzip (refusing all still gets identity)."""
    assert choose(header, ("br", "gzip")) == expected


class TestServing:
    @pytest.mark.parametrize(
        ("accept", "encoding"),
        [
            (CHROME, "br"),
            ("gzip, deflate", "gzip"),
            ("br;q=0, gzip", "gzip"),
            ("br;q=0", None),
            ("identity", None),
            (None, None),
        ],
    )
    async def test_encoding_follows_accept_encoding(
        self,
        base: str,
        session: aiohttp.ClientSession,
        ui_dir: Path,
        accept: str | None,
        encoding: str | None,
    ) -> None:
        """The accepted sibling is sent with Content-Encoding and the script's own type."""
        response, body = await fetch(session, base + APP_JS, accept)
        assert response.status == 200
        assert response.headers.get("Content-Encoding") == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Content-Type"].startswith(("application/javascript", "text/js"))
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert int(response.headers["Content-Length"]) == len(body)
        original = (ui_dir / APP_JS).read_bytes()
        decoded = {"br": unbrotli, "gzip": gzip.decompress, None: bytes}[encoding](body)
        assert decoded == original
        if encoding is not None:
            assert len(body) < len(original) / 4

    async def test_index_keeps_its_headers(
        self, base: str, session: aiohttp.ClientSession, ui_dir: Path
    ) -> None:
        """The index page, compressed, stays uncached and under the UI's CSP."""
        response, body = await fetch(session, base, CHROME)
        assert response.headers["Content-Encoding"] == "br"
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["Cache-Control"] == "no-cache"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert unbrotli(body) == (ui_dir / "index.html").read_bytes()

    async def test_files_without_siblings_sent_as_they_are(
        self, base: str, session: aiohttp.ClientSession, ui_dir: Path
    ) -> None:
        """A tiny file is sent whole, still with Vary (the choice depended on the header)."""
        response, body = await fetch(session, base + "assets/tiny-1a2b3c.js", CHROME)
        assert "Content-Encoding" not in response.headers
        assert response.headers["Vary"] == "Accept-Encoding"
        assert body == b"console.log(1)"

    async def test_not_modified_per_encoding(
        self, base: str, session: aiohttp.ClientSession
    ) -> None:
        """Each coding has its own ETag: 304 for the same one, the other coding's bytes else."""
        br, _ = await fetch(session, base + APP_JS, CHROME)
        gz, _ = await fetch(session, base + APP_JS, "gzip")
        plain, _ = await fetch(session, base + APP_JS, None)
        etags = {br.headers["ETag"], gz.headers["ETag"], plain.headers["ETag"]}
        assert len(etags) == 3
        again, body = await fetch(session, base + APP_JS, CHROME, If_None_Match=br.headers["ETag"])
        assert again.status == 304
        assert body == b""
        assert again.headers["ETag"] == br.headers["ETag"]
        assert again.headers["Vary"] == "Accept-Encoding"
        assert again.headers["Cache-Control"] == IMMUTABLE
        other, body = await fetch(session, base + APP_JS, "gzip", If_None_Match=br.headers["ETag"])
        assert other.status == 200
        assert other.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == SCRIPT_TEXT.encode()
        since, _ = await fetch(
            session, base + APP_JS, "gzip", If_Modified_Since=gz.headers["Last-Modified"]
        )
        assert since.status == 304

    async def test_range_of_the_sent_bytes(
        self, base: str, session: aiohttp.ClientSession, ui_dir: Path
    ) -> None:
        """A Range counts bytes of what is sent: the compressed file when compressed."""
        packed = (ui_dir / (APP_JS + ".br")).read_bytes()
        response, body = await fetch(session, base + APP_JS, CHROME, Range="bytes=0-99")
        assert response.status == 206
        assert response.headers["Content-Encoding"] == "br"
        assert response.headers["Content-Range"] == f"bytes 0-99/{len(packed)}"
        assert body == packed[:100]
        response, body = await fetch(session, base + APP_JS, "identity", Range="bytes=10-19")
        assert response.status == 206
        assert "Content-Encoding" not in response.headers
        assert body == SCRIPT_TEXT.encode()[10:20]
        response, _ = await fetch(session, base + APP_JS, CHROME, Range=f"bytes={len(packed)}-")
        assert response.status == 416

    async def test_head_describes_the_get(self, base: str, session: aiohttp.ClientSession) -> None:
        """HEAD has the headers GET would have, and no body."""
        get, body = await fetch(session, base + APP_JS, CHROME)
        head, nothing = await fetch(session, base + APP_JS, CHROME, method="HEAD")
        assert head.status == 200
        assert nothing == b""
        for name in ("Content-Encoding", "Content-Length", "Content-Type", "ETag", "Vary"):
            assert head.headers[name] == get.headers[name], name
        assert int(head.headers["Content-Length"]) == len(body)

    async def test_symlinked_sibling_not_followed(
        self, base: str, session: aiohttp.ClientSession, ui_dir: Path, tmp_path: Path
    ) -> None:
        """A sibling that is a symlink (out of the UI's directory) is never sent."""
        outside = tmp_path / "secret.br"
        outside.write_bytes(b"outside the UI")
        sibling = ui_dir / (APP_JS + ".br")
        sibling.unlink()
        sibling.symlink_to(outside)
        response, body = await fetch(session, base + APP_JS, "br")
        assert "Content-Encoding" not in response.headers
        assert body == SCRIPT_TEXT.encode()


class TestProxiedUntouched:
    async def test_plain_answer_not_compressed(
        self, client: ProxyClient, seen: Seen, session: aiohttp.ClientSession
    ) -> None:
        """A target's uncompressed page comes back uncompressed, byte for byte."""
        seen.page = "<!doctype html>" + "<p>the same line again</p>\n" * 2000
        async with client.request(
            "GET", "/page.html", headers={"Accept-Encoding": CHROME}
        ) as response:
            body = await response.read()
        assert response.status == 200
        assert "Content-Encoding" not in response.headers
        assert body == seen.page.encode()
        assert seen.headers[-1]["accept-encoding"] == [CHROME]

    async def test_compressed_answer_not_recoded(self, client: ProxyClient) -> None:
        """A target's gzip stays gzip even when the browser prefers brotli."""
        async with client.request("GET", "/gzip", headers={"Accept-Encoding": CHROME}) as response:
            body = await response.read()
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == b"squeezed " * 1000


class TestRealBuild:
    def test_built_ui_is_compressed(self) -> None:
        """The UI as built has siblings beside its big files, each decoding to the original."""
        if not (BUILT_UI / "index.html").is_file():
            pytest.fail(f"The UI is not built into {BUILT_UI}: run `make ui`")
        assets = sorted((BUILT_UI / "assets").glob("index-*.js"))
        assert assets, "no entry chunk in the build"
        for path in [*assets, *sorted((BUILT_UI / "assets").glob("index-*.css"))]:
            original = path.read_bytes()
            assert unbrotli((path.parent / (path.name + ".br")).read_bytes()) == original
            assert gzip.decompress((path.parent / (path.name + ".gz")).read_bytes()) == original
        for sibling in BUILT_UI.rglob("*.gz"):
            original = sibling.with_name(sibling.name[: -len(".gz")])
            assert original.is_file(), f"{sibling} has no original"
            assert gzip.decompress(sibling.read_bytes()) == original.read_bytes(), sibling
