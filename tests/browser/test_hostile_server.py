"""In Chromium: a hostile server's redirect never makes the browser act against the notebook.

The server answers everything with ``307 Location: <prefix>/api/credentials``. Were the
browser to follow that from the UI's ``DELETE``, it would repeat the ``DELETE`` against the
proxy's own credential store, same-origin and with the user's cookies, which no Origin
check can tell from the UI's own request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import UI_DIR, PageWatch, add_server, screenshot
from tests.conftest import PREFIX, ProxyProcess

pytestmark = pytest.mark.browser

BOUNCE_TO = PREFIX + "/api/credentials"


class _Bounce(BaseHTTPRequestHandler):
    """Every method, every path: 307 to the proxy's credential store."""

    def _bounce(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(307)
        self.send_header("Location", BOUNCE_TO)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _bounce

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Hostile:
    """The bouncing server, and a proxy of its own that allows it."""

    url: str
    proxy: ProxyProcess


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    """The hostile server on a free loopback port, and a proxy allowed to reach it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bounce)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    proxy = ProxyProcess(
        "--allow", url.removeprefix("http://"), "--ui-dir", str(UI_DIR), "--log-level", "warning"
    ).start()
    yield Hostile(url, proxy)
    proxy.stop()
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser, hostile: Hostile) -> Iterator[Page]:
    """A fresh page of that proxy's UI; fails the test on page errors or CSP violations."""
    context = browser.new_context(base_url=hostile.proxy.base + "/")
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = PageWatch(hostile.proxy.base + "/")
    watch.attach(page)
    page.goto(hostile.proxy.base + "/")
    yield page
    context.close()
    assert watch.problems == []


def test_redirected_delete_is_not_repeated_against_the_proxy(page: Page, hostile: Hostile) -> None:
    """A DELETE through the proxy answered 307 to the credential store is not followed, even
    by a fetch that would follow redirects; the stored password stays."""
    store_deletes: list[str] = []
    page.on(
        "request",
        lambda r: (
            store_deletes.append(r.url)
            if r.method == "DELETE" and "/api/credentials" in r.url
            else None
        ),
    )
    outcome = page.evaluate(
        """async (target) => {
          const stored = await fetch("api/credentials", {
            method: "POST",
            headers: {"Content-Type": "application/json"},
            body: JSON.stringify({target, password: "kept-secret"}),
          });
          // redirect: "follow", the fetch default: the proxy alone must make it harmless.
          const answer = await fetch("api/proxy/session/ses_1", {
            method: "DELETE", headers: {"X-Target-Server": target},
          });
          const listing = await (await fetch("api/credentials")).json();
          return {
            stored: stored.status,
            status: answer.status,
            redirected: answer.redirected,
            to: answer.headers.get("X-Proxy-Redirect-Location"),
            credentials: listing.credentials.length,
          };
        }""",
        hostile.url,
    )
    assert outcome == {
        "stored": 200,
        "status": 502,
        "redirected": False,
        "to": BOUNCE_TO,
        "credentials": 1,
    }
    assert store_deletes == []


def test_the_form_shows_where_a_server_redirects(page: Page, hostile: Hostile) -> None:
    """Adding a server that answers with a redirect is refused, naming the redirect's target."""
    store_deletes: list[str] = []
    page.on(
        "request",
        lambda r: (
            store_deletes.append(r.url)
            if r.method == "DELETE" and "/api/credentials" in r.url
            else None
        ),
    )
    add_server(page, hostile.url, name="Bouncer")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("redirect (HTTP 307)")
    expect(alert).to_contain_text(BOUNCE_TO)
    expect(alert).to_contain_text("not followed")
    screenshot(page, "add-form-redirect")
    assert store_deletes == []
