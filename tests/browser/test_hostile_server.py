"""In Chromium: a hostile server's redirect never makes the browser act against the notebook.

The server answers everything with ``307 Location: <prefix>/api/credentials``. Were the
browser to follow that from the UI's ``DELETE``, it would repeat the ``DELETE`` against the
proxy's own credential store, same-origin and with the user's cookies, which no Origin
check can tell from the UI's own request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Sandbox, add_server, open_app, screenshot
from tests.conftest import PREFIX

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


@pytest.fixture
def bouncer(sandbox: Sandbox) -> Iterator[str]:
    """The hostile server, on the port the sandbox's policy allows for spare servers."""
    server = ThreadingHTTPServer(("127.0.0.1", sandbox.spare_port), _Bounce)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sandbox.spare_url
    server.shutdown()
    server.server_close()


def test_redirected_delete_is_not_repeated_against_the_proxy(
    page: Page, sandbox: Sandbox, bouncer: str
) -> None:
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
    open_app(page, sandbox)
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
        bouncer,
    )
    assert outcome == {
        "stored": 200,
        "status": 502,
        "redirected": False,
        "to": BOUNCE_TO,
        "credentials": 1,
    }
    assert store_deletes == []


def test_the_form_shows_where_a_server_redirects(
    page: Page, sandbox: Sandbox, bouncer: str
) -> None:
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
    open_app(page, sandbox)
    add_server(page, bouncer, name="Bouncer")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("redirect (HTTP 307)")
    expect(alert).to_contain_text(BOUNCE_TO)
    expect(alert).to_contain_text("not followed")
    screenshot(page, "add-form-redirect")
    assert store_deletes == []
